// Tests of core/scene: compileScene() is a pure function of (seed, index, path) whatever
// the threads, shards or order; editing one distribution leaves every other draw alone;
// identity, expression, splits and asset choices come out as the recipe says; resolved
// scenes round-trip through JSON exactly; statistics and their plot.

#include "assets/builtin_catalog.h"
#include "assets/skin_material.h"
#include "random/memory_asset_catalog.h"
#include "recipe/recipe_io.h"
#include "scene/scene_compiler.h"
#include "scene/scene_stats.h"
#include "scene/scene_validation.h"
#include "scene/stats_plot.h"
#include "util/error.h"
#include "util/json_util.h"

#include <QTest>

#include <cmath>
#include <set>
#include <thread>

using nlohmann::json;

namespace {

/// The names a small model would define, and a few assets.
sf::SceneContext testContext() {
  sf::SceneContext context;
  context.identityModes = {"nose_width", "nose_length", "jaw_width", "eye_height"};
  context.identityGroups = {"nose", "nose", "jaw", "eyes"};
  context.expressions = {"jawOpen",      "mouthSmileLeft",  "mouthSmileRight",
                         "eyeBlinkLeft", "eyeBlinkRight",   "mouthFunnel",
                         "browInnerUp",  "cheekSquintLeft", "cheekSquintRight"};
  context.assets = std::make_shared<sf::MemoryAssetCatalog>(
      std::vector<sf::AssetInfo>{{"hair/bob", "hair", {"short", "fitsUnderHeadwear"}, "", {}},
                                 {"hair/long", "hair", {"long"}, "", {}},
                                 {"hair/afro", "hair", {"curly"}, "", {}},
                                 {"hat/cap", "headwear", {}, "", {}},
                                 {"env/studio", "environment", {"indoor"}, "", {}},
                                 {"env/park", "environment", {"outdoor"}, "", {}}});
  return context;
}

sf::Recipe recipeFrom(const std::string& text, const std::vector<std::string>& overrides = {}) {
  const sf::RecipeParse parsed = sf::parseRecipe(text, overrides);
  if (!parsed.ok()) {
    qWarning("%s", sf::formatDiagnostics(parsed.diagnostics, "recipe").c_str());
  }
  return parsed.recipe;
}

const char* kRecipe = R"({"schemaVersion": 2, "seed": 99, "samples": 1000})";

std::string dump(const sf::ResolvedScene& scene) {
  return scene.toJson().dump();
}

}  // namespace

class TestScene : public QObject {
  Q_OBJECT

private slots:
  void sameIndexSameSceneAcrossThreadsAndShards();
  void seedChangesEverything();
  void editingOneDistributionLeavesOthersAlone_data();
  void editingOneDistributionLeavesOthersAlone();
  void resolvedSceneRoundTripsExactly();
  void valuesStayInTheirRanges();
  void identityComposes();
  void namedPeopleKeepTheirFaces();
  void expressionComposes();
  void identitiesRepeatAndSplit();
  void heldOutAssetsStayOutOfTraining();
  void hairFitsUnderHeadwear();
  void linkedColoursFollowTheHair();
  void skinMaterialsFollowTheTone();
  void aHoodComesWithItsHoodie();
  void modelNamesAreChecked_data();
  void modelNamesAreChecked();
  void assetChoicesThatMatchNothingWarn();
  void statisticsSummariseAndPlot();
};

void TestScene::sameIndexSameSceneAcrossThreadsAndShards() {
  const sf::Recipe recipe = recipeFrom(kRecipe);
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipe, testContext());
  constexpr int kCount = 300;
  std::vector<std::string> sequential;
  for (int i = 0; i < kCount; ++i) {
    sequential.push_back(dump(compiler.compile(static_cast<std::uint64_t>(i))));
  }
  // Four shards on four threads, each compiling its indices backwards, each with its own
  // compiler (as separate processes would).
  std::vector<std::string> sharded(kCount);
  std::vector<std::thread> threads;
  for (int shard = 0; shard < 4; ++shard) {
    threads.emplace_back([&, shard] {
      const sf::SceneCompiler own = sf::SceneCompiler::create(recipe, testContext());
      for (int i = kCount - 1; i >= 0; --i) {
        if (i % 4 == shard) {
          sharded[static_cast<std::size_t>(i)] = dump(own.compile(static_cast<std::uint64_t>(i)));
        }
      }
    });
  }
  // And one compiler shared by threads that interleave.
  std::vector<std::string> shared(kCount);
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kCount; i += 3) {
        shared[static_cast<std::size_t>(i)] = dump(compiler.compile(static_cast<std::uint64_t>(i)));
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (int i = 0; i < kCount; ++i) {
    QCOMPARE(sharded[static_cast<std::size_t>(i)], sequential[static_cast<std::size_t>(i)]);
    QCOMPARE(shared[static_cast<std::size_t>(i)], sequential[static_cast<std::size_t>(i)]);
  }
  // Sample 123 alone, through the free function.
  QCOMPARE(dump(sf::compileScene(recipe, 123, testContext())), sequential[123]);
  // Samples differ from each other.
  QVERIFY(sequential[1] != sequential[2]);
}

void TestScene::seedChangesEverything() {
  const sf::ResolvedScene a = sf::compileScene(recipeFrom(kRecipe), 5, testContext());
  const sf::ResolvedScene b = sf::compileScene(recipeFrom(kRecipe, {"seed=100"}), 5, testContext());
  QVERIFY(a.number("camera.yaw") != b.number("camera.yaw"));
  QVERIFY(a.identity != b.identity);
}

void TestScene::editingOneDistributionLeavesOthersAlone_data() {
  QTest::addColumn<QString>("assignment");
  QTest::newRow("camera.yaw") << R"(camera.yaw={"type": "uniform", "min": -45, "max": 45})";
  QTest::newRow("camera.fov constant") << "camera.fov=50";
  QTest::newRow("hair colour, read by linked colours")
      << R"(hair.color.melanin={"type": "beta", "alpha": 1, "beta": 1})";
  QTest::newRow("headwear, read by a condition")
      << R"(headwear.present={"type": "bernoulli", "p": 0.9})";
  QTest::newRow("an identity mode")
      << R"(identity.modes.jaw_width={"type": "normal", "mean": 1, "sigma": 0.5})";
  QTest::newRow("a blendshape")
      << R"(expression.shapes.browInnerUp={"type": "uniform", "min": 0, "max": 0.3})";
  QTest::newRow("the preset")
      << R"(expression.preset={"type": "categorical", "values": ["blink", "talk"]})";
  QTest::newRow("render samples") << "render.samples=128";
}

void TestScene::editingOneDistributionLeavesOthersAlone() {
  QFETCH(QString, assignment);
  const std::string path = assignment.toStdString().substr(0, assignment.indexOf('='));
  const sf::SceneCompiler before = sf::SceneCompiler::create(recipeFrom(kRecipe), testContext());
  const sf::SceneCompiler after =
      sf::SceneCompiler::create(recipeFrom(kRecipe, {assignment.toStdString()}), testContext());
  std::set<std::string> mayChange = after.dependentsOf(path);
  mayChange.insert(path);
  bool changed = false;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const sf::ResolvedScene a = before.compile(i);
    const sf::ResolvedScene b = after.compile(i);
    for (const auto& [parameter, value] : a.parameters) {
      if (mayChange.contains(parameter)) {
        changed = changed || b.parameters.at(parameter) != value;
        continue;
      }
      QVERIFY2(b.parameters.at(parameter) == value,
               qPrintable(QString("sample %1: %2 changed").arg(i).arg(parameter.c_str())));
    }
    // Identity coefficients: only the edited mode's.
    for (const auto& [mode, coefficient] : a.identity) {
      if (path == "identity.modes." + mode) {
        changed = changed || b.identity.at(mode) != coefficient;
      } else {
        QCOMPARE(b.identity.at(mode), coefficient);
      }
    }
    // Expression weights: only through the expression's own parameters.
    if (path.rfind("expression.", 0) != 0) {
      QVERIFY(a.expression == b.expression);
    } else if (path.rfind("expression.shapes.", 0) == 0) {
      for (const auto& [shape, weight] : a.expression) {
        if (path == "expression.shapes." + shape) {
          changed = changed || b.expression.at(shape) != weight;
        } else {
          QCOMPARE(b.expression.at(shape), weight);
        }
      }
    } else {
      changed = changed || a.expression != b.expression;
    }
  }
  QVERIFY2(changed, "the edit changed nothing");
  // The dependents are what the recipe links: hair colour is read by brows and beard.
  if (path == "hair.color.melanin") {
    QCOMPARE(after.dependentsOf(path),
             (std::set<std::string>{"beard.color.melanin", "brows.color.melanin"}));
  }
  if (path == "headwear.present") {
    QCOMPARE(after.dependentsOf(path),
             (std::set<std::string>{"clothing.item", "clothing.present", "hair.groom"}));
  }
  if (path == "camera.yaw") {
    QVERIFY(after.dependentsOf(path).empty());
  }
}

void TestScene::resolvedSceneRoundTripsExactly() {
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipeFrom(kRecipe), testContext());
  for (std::uint64_t i = 0; i < 50; ++i) {
    const sf::ResolvedScene scene = compiler.compile(i);
    const std::string text = sf::dumpJson(scene.toJson(), 2);
    const sf::ResolvedScene back = sf::ResolvedScene::fromJson(json::parse(text));
    QVERIFY(back == scene);
    QCOMPARE(sf::dumpJson(back.toJson(), 2), text);
  }
  // Kinds survive: integers, booleans, none.
  const sf::ResolvedScene scene = compiler.compile(0);
  QVERIFY(std::holds_alternative<std::int64_t>(scene.value("render.resolution")));
  QVERIFY(std::holds_alternative<bool>(scene.value("render.denoise")));
  QVERIFY(std::holds_alternative<double>(scene.value("camera.fov")));
  QVERIFY_THROWS_EXCEPTION(sf::Error, sf::ResolvedScene::fromJson(json::parse(R"({"seed": 1})")));
  QVERIFY_THROWS_EXCEPTION(sf::Error, scene.value("camera.nothing"));
}

void TestScene::valuesStayInTheirRanges() {
  // A normal with a wide spread is clamped to the parameter's range; integers are whole.
  const sf::Recipe recipe =
      recipeFrom(kRecipe, {R"(camera.pitch={"type": "normal", "mean": 0, "sigma": 200})",
                           R"(render.samples={"type": "uniform", "min": 1, "max": 100})"});
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipe, testContext());
  bool clamped = false;
  for (std::uint64_t i = 0; i < 500; ++i) {
    const sf::ResolvedScene scene = compiler.compile(i);
    const double pitch = scene.number("camera.pitch");
    QVERIFY(pitch >= -90.0 && pitch <= 90.0);
    clamped = clamped || std::abs(pitch) == 90.0;
    QVERIFY(std::holds_alternative<std::int64_t>(scene.value("render.samples")));
  }
  QVERIFY(clamped);
  QVERIFY_THROWS_EXCEPTION(sf::Error, compiler.compile(std::uint64_t{1} << 58));
}

void TestScene::identityComposes() {
  const sf::SceneContext context = testContext();
  // Distinctiveness 0: the template face.
  const sf::ResolvedScene flat =
      sf::compileScene(recipeFrom(kRecipe, {"identity.distinctiveness=0"}), 3, context);
  for (const auto& [mode, coefficient] : flat.identity) {
    QCOMPARE(coefficient, 0.0);
  }
  QCOMPARE(flat.identity.size(), context.identityModes.size());
  // Scales by mode and by group multiply the draw.
  const sf::ResolvedScene plain = sf::compileScene(recipeFrom(kRecipe), 3, context);
  const sf::ResolvedScene scaled =
      sf::compileScene(recipeFrom(kRecipe, {"identity.scale.nose=0", "identity.scale.jaw_width=2",
                                            "identity.distinctiveness=1.5"}),
                       3, context);
  QCOMPARE(scaled.identity.at("nose_width"), 0.0);
  QCOMPARE(scaled.identity.at("nose_length"), 0.0);
  QCOMPARE(scaled.identity.at("jaw_width"), 3.0 * plain.identity.at("jaw_width"));
  QCOMPARE(scaled.identity.at("eye_height"), 1.5 * plain.identity.at("eye_height"));
  // The face state follows the model's order.
  sf::FaceModel model;
  model.identity.resize(2);
  model.identity[0].name = "jaw_width";
  model.identity[1].name = "unknown";
  model.expressions.resize(1);
  model.expressions[0].name = "jawOpen";
  const sf::FaceState state = plain.faceState(model);
  QCOMPARE(state.identity[0], static_cast<float>(plain.identity.at("jaw_width")));
  QCOMPARE(state.identity[1], 0.0f);
  QCOMPARE(state.expression[0], static_cast<float>(plain.expression.at("jawOpen")));
}

// A dataset of fixed people: identity.person chooses among identity.people, and every
// sample of a person shows that person's coefficients, whatever else is drawn.
void TestScene::namedPeopleKeepTheirFaces() {
  const sf::SceneContext context = testContext();
  const sf::Recipe recipe = recipeFrom(
      R"({"schemaVersion": 2, "seed": 5, "samples": 100, "identities": 10,
          "identity": {"person": {"type": "categorical", "values": ["ada", "bo"]},
                       "people": {"ada": {"nose_width": 1.5, "jaw_width": -0.5},
                                  "bo": {"eye_height": 2}}}})");
  QVERIFY(sf::checkRecipeForScene(recipe, context).empty());
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipe, context);
  std::map<std::string, int> seen;
  for (std::uint64_t i = 0; i < 60; ++i) {
    const sf::ResolvedScene scene = compiler.compile(i);
    const std::string person = scene.text("identity.person");
    ++seen[person];
    const std::map<std::string, double> expected =
        person == "ada" ? std::map<std::string, double>{{"nose_width", 1.5},
                                                        {"nose_length", 0.0},
                                                        {"jaw_width", -0.5},
                                                        {"eye_height", 0.0}}
                        : std::map<std::string, double>{{"nose_width", 0.0},
                                                        {"nose_length", 0.0},
                                                        {"jaw_width", 0.0},
                                                        {"eye_height", 2.0}};
    QCOMPARE(scene.identity, expected);
    // The person is drawn per identity: sample i and i + 10 show the same one.
    QCOMPARE(compiler.compile(i + 10).text("identity.person"), person);
  }
  QCOMPARE(seen.size(), std::size_t{2});

  // Empty (the default): drawn identities, as before.
  const sf::ResolvedScene drawn = sf::compileScene(recipeFrom(kRecipe), 3, context);
  QCOMPARE(drawn.text("identity.person"), std::string());
  QVERIFY(drawn.identity.at("nose_width") != 0.0);

  // A name the recipe does not give: an error naming the field, at validation and at
  // compile time.
  const sf::Recipe unknown = recipeFrom(
      R"({"schemaVersion": 2, "identity": {"person": "adda", "people": {"ada": {"nose_width": 1}}}})");
  const QString text = QString::fromStdString(
      sf::formatDiagnostics(sf::checkRecipeForScene(unknown, context), "r.json"));
  QVERIFY2(text.contains(R"(r.json: /identity/person: no person named "adda" under )"
                         R"(identity.people; did you mean "ada"?)"),
           qPrintable(text));
  QVERIFY_THROWS_EXCEPTION(sf::Error, sf::compileScene(unknown, 0, context));
}

void TestScene::expressionComposes() {
  const sf::SceneContext context = testContext();
  // Always neutral: every weight 0.
  const sf::SceneCompiler neutral = sf::SceneCompiler::create(
      recipeFrom(kRecipe, {"expression.neutral=true", "expression.shapes.jawOpen=0.5"}), context);
  for (std::uint64_t i = 0; i < 20; ++i) {
    for (const auto& [shape, weight] : neutral.compile(i).expression) {
      QCOMPARE(weight, 0.0);
    }
  }
  // Always blinking: both eyes from one draw (linked with correlation 1), nothing else.
  const sf::SceneCompiler blink = sf::SceneCompiler::create(
      recipeFrom(kRecipe, {"expression.neutral=false", "expression.preset=\"blink\""}), context);
  for (std::uint64_t i = 0; i < 50; ++i) {
    const sf::ResolvedScene scene = blink.compile(i);
    const double left = scene.expression.at("eyeBlinkLeft");
    QVERIFY(left >= 0.7 && left <= 1.0);
    QCOMPARE(scene.expression.at("eyeBlinkRight"), left);
    QCOMPARE(scene.expression.at("jawOpen"), 0.0);
  }
  // A recipe's own preset (not a built-in name), chosen 70/30 against "neutral", plus a
  // per-shape addition.
  const sf::SceneCompiler custom =
      sf::SceneCompiler::create(recipeFrom(R"({"schemaVersion": 2, "expression": {"neutral": false,
        "preset": {"type": "mixture", "components": [{"weight": 70, "distribution": "gape"},
                                                     {"weight": 30, "distribution": "neutral"}]},
        "presets": {"gape": {"jawOpen": {"type": "uniform", "min": 0.8, "max": 1}}},
        "shapes": {"browInnerUp": 0.25}}})"),
                                context);
  int yawns = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const sf::ResolvedScene scene = custom.compile(i);
    const bool yawn = scene.text("expression.preset") == "gape";
    yawns += yawn ? 1 : 0;
    QCOMPARE(scene.expression.at("jawOpen") >= 0.8, yawn);
    QCOMPARE(scene.expression.at("browInnerUp"), 0.25);
  }
  QVERIFY2(yawns > 650 && yawns < 750, qPrintable(QString::number(yawns)));
}

void TestScene::identitiesRepeatAndSplit() {
  const sf::Recipe recipe = recipeFrom(R"({"schemaVersion": 2, "samples": 100, "identities": 10,
      "splits": {"test": {"identities": [[0, 1]]}}})");
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipe, testContext());
  const sf::ResolvedScene a = compiler.compile(3);
  const sf::ResolvedScene b = compiler.compile(13);
  QCOMPARE(a.identityIndex, std::uint64_t{3});
  QCOMPARE(b.identityIndex, std::uint64_t{3});
  QVERIFY(a.identity == b.identity);
  QVERIFY(a.number("camera.yaw") != b.number("camera.yaw"));
  QCOMPARE(compiler.compile(11).split, std::string("test"));
  QCOMPARE(compiler.compile(12).split, std::string("train"));
}

void TestScene::heldOutAssetsStayOutOfTraining() {
  const sf::Recipe recipe = recipeFrom(R"({"schemaVersion": 2, "identities": 10,
      "splits": {"test": {"assets": ["hair/long"], "identities": [[0, 2]]}},
      "headwear": {"present": false}, "hair": {"groom": {"type": "assetChoice", "kind": "hair"}}})");
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipe, testContext());
  int longInTest = 0;
  for (std::uint64_t i = 0; i < 600; ++i) {
    const sf::ResolvedScene scene = compiler.compile(i);
    const std::string hair = scene.text("hair.groom");
    if (scene.split == "train") {
      QVERIFY2(hair != "hair/long", qPrintable(QString("sample %1").arg(i)));
    } else {
      longInTest += hair == "hair/long" ? 1 : 0;
    }
  }
  QVERIFY(longInTest > 20);
}

void TestScene::hairFitsUnderHeadwear() {
  // The default hair rule: with headwear, only grooms tagged fitsUnderHeadwear.
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipeFrom(kRecipe), testContext());
  int withHeadwear = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const sf::ResolvedScene scene = compiler.compile(i);
    if (scene.flag("headwear.present")) {
      ++withHeadwear;
      QCOMPARE(scene.text("hair.groom"), std::string("hair/bob"));
    }
    QVERIFY(scene.text("environment.map").rfind("env/", 0) == 0);
    QCOMPARE(scene.text("headwear.item"), std::string("hat/cap"));
    QCOMPARE(scene.text("eyewear.item"), std::string("none"));
  }
  QVERIFY(withHeadwear > 100 && withHeadwear < 200);
}

void TestScene::skinMaterialsFollowTheTone() {
  // The default skin rule draws a built-in skin of the band skin.tone falls in, so the
  // tone's distribution is the dataset's, and every band and character comes up.
  sf::SceneContext context = testContext();
  context.assets = sf::builtinAssetCatalog();
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipeFrom(kRecipe), context);
  std::set<std::string> drawn;
  for (std::uint64_t i = 0; i < 2000; ++i) {
    const sf::ResolvedScene scene = compiler.compile(i);
    const std::string id = scene.text("skin.material");
    const sf::SkinMaterial* material = sf::findSkinMaterial(sf::builtinAssetName(id, "skin"));
    QVERIFY2(material != nullptr, id.c_str());
    const auto tone = static_cast<float>(scene.number("skin.tone"));
    QVERIFY2(sf::skinMelanin(*material, tone) == tone,
             qPrintable(QString::fromStdString(id) + " " + QString::number(tone)));
    drawn.insert(id);
  }
  QCOMPARE(drawn.size(), sf::builtinSkinMaterials().size());
}

void TestScene::aHoodComesWithItsHoodie() {
  // The default clothing rule: a hood worn up is the hood of a hoodie, always.
  sf::SceneContext context = testContext();
  context.assets = sf::builtinAssetCatalog();
  const sf::SceneCompiler hooded = sf::SceneCompiler::create(
      recipeFrom(kRecipe, {"headwear.present=true", "headwear.item=builtin/headwear/hood"}),
      context);
  const sf::SceneCompiler capped = sf::SceneCompiler::create(
      recipeFrom(kRecipe, {"headwear.present=true", "headwear.item=builtin/headwear/cap"}),
      context);
  std::set<std::string> otherwise;
  for (std::uint64_t i = 0; i < 300; ++i) {
    const sf::ResolvedScene scene = hooded.compile(i);
    QVERIFY(scene.flag("clothing.present"));
    QCOMPARE(scene.text("clothing.item"), std::string("builtin/clothing/hoodie"));
    otherwise.insert(capped.compile(i).text("clothing.item"));
  }
  QVERIFY(otherwise.size() > 5);
}

void TestScene::linkedColoursFollowTheHair() {
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(
      recipeFrom(kRecipe, {"brows.color.melanin.correlation=1"}), testContext());
  double sum = 0.0, sumSquares = 0.0, cross = 0.0, beardSquares = 0.0;
  for (std::uint64_t i = 0; i < 2000; ++i) {
    const sf::ResolvedScene scene = compiler.compile(i);
    QCOMPARE(scene.number("brows.color.melanin"), scene.number("hair.color.melanin"));
    const double hair = scene.number("hair.color.melanin") - 0.675;
    const double beard = scene.number("beard.color.melanin") - 0.675;
    sum += hair;
    sumSquares += hair * hair;
    cross += hair * beard;
    beardSquares += beard * beard;
  }
  // The beard's default link (correlation 0.8 of normal scores) shows as a strong one.
  const double correlation = cross / std::sqrt(sumSquares * beardSquares);
  QVERIFY2(correlation > 0.7 && correlation < 0.85, qPrintable(QString::number(correlation)));
  (void)sum;
}

void TestScene::modelNamesAreChecked_data() {
  QTest::addColumn<QString>("assignment");
  QTest::addColumn<QString>("expected");
  QTest::newRow("identity mode")
      << "identity.modes.nose_widht=1"
      << R"(r.json: /identity/modes/nose_widht: the model has no identity mode (got "nose_widht"); did you mean "nose_width"?)";
  QTest::newRow("identity group")
      << "identity.scale.noze=1"
      << R"(the model has no identity mode or group (got "noze"); did you mean "nose"?)";
  QTest::newRow("blendshape")
      << "expression.shapes.jawOpn=0.5"
      << R"(r.json: /expression/shapes/jawOpn: the model has no expression blendshape (got "jawOpn"); did you mean "jawOpen"?)";
  QTest::newRow("person's mode")
      << "identity.people.ada.nose_widht=1"
      << R"(r.json: /identity/people/ada/nose_widht: the model has no identity mode (got "nose_widht"); did you mean "nose_width"?)";
  QTest::newRow("asset id")
      << "hair.groom=hair/bobb"
      << R"(r.json: /hair/groom: no hair asset "hair/bobb" in the library or the built-ins; did you mean "hair/bob"?)";
  QTest::newRow("asset id among values")
      << R"(environment.map={"type": "categorical", "values": ["env/park", "env/prak"]})"
      << R"(r.json: /environment/map/values/1: no environment asset "env/prak")";
  QTest::newRow("asset of another kind") << "headwear.item=hair/afro"
                                         << R"("hair/afro" is not a headwear asset (it is hair))";
  QTest::newRow("preset blendshape") << "expression.presets.mine.eyeBlinkLef=1"
                                     << R"(did you mean "eyeBlinkLeft"?)";
  QTest::newRow("linked to a missing mode")
      << R"(identity.modes.jaw_width={"type": "linked", "source": "identity.modes.chin"})"
      << "r.json: /identity/modes/jaw_width: reads identity.modes.chin, but the model has no "
         "identity mode (got \"chin\")";
}

void TestScene::modelNamesAreChecked() {
  QFETCH(QString, assignment);
  QFETCH(QString, expected);
  const sf::RecipeParse parsed = sf::parseRecipe(kRecipe, {assignment.toStdString()});
  QVERIFY2(parsed.ok(), sf::formatDiagnostics(parsed.diagnostics, "r.json").c_str());
  const QString text = QString::fromStdString(
      sf::formatDiagnostics(sf::checkRecipeForScene(parsed.recipe, testContext()), "r.json"));
  QVERIFY2(text.contains(expected), qPrintable(text));
}

void TestScene::assetChoicesThatMatchNothingWarn() {
  const sf::Recipe recipe = recipeFrom(R"({"schemaVersion": 2, "library": "lib.json",
      "eyewear": {"item": {"type": "assetChoice", "kind": "eyewear", "tags": ["round"]}},
      "splits": {"test": {"assets": ["hair/nothing"]}}})");
  const std::vector<sf::Diagnostic> diagnostics = sf::checkRecipeForScene(recipe, testContext());
  QCOMPARE(diagnostics.size(), std::size_t{2});
  QCOMPARE(QString::fromStdString(diagnostics[0].format("r.json")),
           QStringLiteral("r.json: /eyewear/item: warning: no eyewear asset with any of the tags "
                          "[round] in the library: every draw is none"));
  QCOMPARE(QString::fromStdString(diagnostics[1].format("r.json")),
           QStringLiteral("r.json: /splits/test/assets/0: warning: no such asset in the library "
                          "(got \"hair/nothing\")"));
  QVERIFY(!diagnostics[0].isError());
}

void TestScene::statisticsSummariseAndPlot() {
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipeFrom(kRecipe), testContext());
  const std::vector<sf::ParameterSummary> summaries = sf::summarizeScenes(compiler, 0, 4000, true);
  const auto find = [&](const std::string& path) -> const sf::ParameterSummary& {
    for (const sf::ParameterSummary& summary : summaries) {
      if (summary.path == path) {
        return summary;
      }
    }
    throw sf::Error("no summary of " + path);
  };
  // camera.yaw: normal(0, 30) truncated to [-90, 90]: sd 30 * 0.9866.
  const sf::ParameterSummary& yaw = find("camera.yaw");
  QVERIFY(yaw.numeric && yaw.count == 4000);
  QVERIFY(std::abs(yaw.mean) < 1.5);
  QVERIFY(std::abs(yaw.sd - 29.6) < 1.0);
  QVERIFY(yaw.min >= -90.0 && yaw.max <= 90.0);
  QVERIFY(std::abs(yaw.quantiles[2]) < 2.0);
  const sf::ParameterSummary& neutral = find("expression.neutral");
  QVERIFY(!neutral.numeric);
  for (const auto& [value, count] : neutral.categories) {
    if (value == "true") {
      QVERIFY(std::abs(count / 4000.0 - 0.15) < 0.02);
    }
  }
  QVERIFY(find("render.resolution").isConstant());
  QVERIFY(find("identity[jaw_width]").numeric);
  QVERIFY(std::abs(find("identity[jaw_width]").sd - 1.0) < 0.05);
  // The same summaries whatever the thread count: compile sequentially and compare.
  double sum = 0.0;
  for (std::uint64_t i = 0; i < 4000; ++i) {
    sum += compiler.compile(i).number("camera.yaw");
  }
  QCOMPARE(yaw.mean, sum / 4000.0);
  const std::string text = sf::formatSummaries(summaries);
  QVERIFY(text.find("camera.yaw") != std::string::npos);
  const std::size_t line = text.find("render.resolution ");
  QVERIFY(line != std::string::npos);
  QCOMPARE(text.substr(text.find('\n', line) - 12, 12), std::string("constant 512"));
  sf::StatsPlotOptions options;
  options.title = "test";
  const sf::Image plot = sf::plotSummaries(summaries, options);
  QVERIFY(plot.width > 1000 && plot.height > 500 && plot.channels == 3);
}

QTEST_APPLESS_MAIN(TestScene)
#include "test_scene.moc"
