// Tests of core/recipe: the parameter table, exact JSON round trips, the upgrade path from
// older schema versions, --set overrides, the JSON Schema that ships, and a table of bad
// inputs with the messages a user sees.

#include "recipe/parameter_paths.h"
#include "recipe/recipe_io.h"
#include "recipe/recipe_schema.h"
#include "recipe/recipe_upgrade.h"
#include "scene/scene_validation.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json_util.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kSourceDir = SF_SOURCE_DIR;

/// A recipe that sets something of every kind.
const char* kFullRecipe = R"({
  "schemaVersion": 2,
  "name": "talking heads",
  "description": "every kind of parameter",
  "seed": 42,
  "samples": 5000,
  "identities": 500,
  "model": "default",
  "library": "",
  "outputs": {"labels": ["segmentation", "landmarks", "depth"], "writers": ["faceSynthetics", "coco"]},
  "splits": {"test": {"assets": ["hair/bob_01"], "identities": [[0, 49], [400, 409]]}},
  "identity": {"distinctiveness": 1.2, "modes": {"nose_width": {"type": "normal", "mean": 0.5, "sigma": 1}},
               "scale": {"jaw": 0.5}},
  "expression": {
    "neutral": {"type": "bernoulli", "p": 0.1},
    "preset": {"type": "mixture", "components": [
      {"weight": 70, "distribution": "talking"}, {"weight": 20, "distribution": "smile"},
      {"weight": 10, "distribution": "neutral"}]},
    "presets": {"talking": {"jawOpen": {"type": "uniform", "min": 0.1, "max": 0.6},
                            "mouthFunnel": {"type": "beta", "alpha": 2, "beta": 5}}},
    "shapes": {"eyeBlinkLeft": {"type": "uniform", "min": 0, "max": 0.1}}
  },
  "camera": {
    "fov": 35,
    "yaw": {"type": "truncatedNormal", "mean": 0, "sigma": 30, "min": -90, "max": 90},
    "framing": "distance",
    "distance": {"type": "logNormal", "mu": 6.5, "sigma": 0.2}
  },
  "hair": {"groom": {"type": "conditional",
                     "rules": [{"when": {"path": "headwear.present", "value": true},
                                "then": {"type": "assetChoice", "kind": "hair", "tags": ["short"], "match": "all"}}],
                     "otherwise": {"type": "assetChoice", "kind": "hair", "exclude": ["bald"], "weights": {"long": 2}}}},
  "brows": {"color": {"melanin": {"type": "linked", "source": "hair.color.melanin", "correlation": 0.8}}},
  "render": {"resolution": {"type": "categorical", "values": [256, 512], "weights": [1, 3]}, "denoise": false}
})";

QString diagnosticsText(const sf::RecipeParse& parsed) {
  return QString::fromStdString(sf::formatDiagnostics(parsed.diagnostics, "recipe.json"));
}

}  // namespace

class TestRecipe : public QObject {
  Q_OBJECT

private slots:
  void parameterTableIsConsistent();
  void shippedDefaultRecipeIsMinimalAndValid();
  void roundTripIsExact();
  void savedFileReadsBackEqual();
  void upgradesVersionOne();
  void refusesUnreadableVersions_data();
  void refusesUnreadableVersions();
  void overridesSetParameters_data();
  void overridesSetParameters();
  void badInputsAreReported_data();
  void badInputsAreReported();
  void everyProblemIsReportedAtOnce();
  void missingModelAndLibraryAreReported();
  void shippedSchemaIsCurrent();
  void loadRecipeThrowsWithEveryError();
};

void TestRecipe::parameterTableIsConsistent() {
  std::set<std::string> paths;
  for (const sf::ParameterInfo& info : sf::parameterTable()) {
    QVERIFY2(paths.insert(info.path).second, info.path.c_str());
    QVERIFY2(!info.help.empty(), info.path.c_str());
    QCOMPARE(sf::findParameter(info.path), &info);
    if (info.kind == sf::ValueKind::Number || info.kind == sf::ValueKind::Integer) {
      QVERIFY2(std::isfinite(info.min) && std::isfinite(info.max) && info.min < info.max,
               info.path.c_str());
    }
    // Every default parses, fits its parameter and passes the same checks as a recipe's.
    json document = {{"schemaVersion", sf::Recipe::kSchemaVersion}};
    std::string concrete = info.path;
    for (std::size_t star = concrete.find('*'); star != std::string::npos;
         star = concrete.find('*')) {
      concrete.replace(star, 1, "someName");
    }
    document[json::json_pointer(sf::pointerOfPath(concrete))] = info.defaultValue;
    const sf::RecipeParse parsed = sf::parseRecipeJson(document);
    QVERIFY2(parsed.ok(), qPrintable(diagnosticsText(parsed)));
  }
  for (const auto& [preset, shapes] : sf::builtinExpressionPresets()) {
    for (const auto& [shape, distribution] : shapes) {
      const std::string path = "expression.presets." + preset + "." + shape;
      QVERIFY(sf::findParameter(path));
      QVERIFY(sf::defaultDistribution(path) == distribution);
    }
  }
  QCOMPARE(sf::findParameter("identity.modes.nose_width")->path, std::string("identity.modes.*"));
  QVERIFY(!sf::findParameter("identity.modes"));
  QVERIFY(!sf::findParameter("camera.yaw.sigma"));
  QVERIFY(sf::isParameterGroup("expression.presets.smile"));
}

void TestRecipe::shippedDefaultRecipeIsMinimalAndValid() {
  const std::string text = sf::readFile(kSourceDir / "resources/recipes/default.json");
  QVERIFY(std::count(text.begin(), text.end(), '\n') <= 8);
  const sf::RecipeParse parsed = sf::parseRecipe(text);
  QVERIFY2(parsed.ok() && parsed.diagnostics.empty(), qPrintable(diagnosticsText(parsed)));
  QVERIFY(parsed.recipe.parameters.empty());
  QCOMPARE(parsed.recipe.model, std::string("default"));
  const sf::RecipeParse example =
      sf::parseRecipe(sf::readFile(kSourceDir / "resources/recipes/example.json"));
  QVERIFY2(example.ok() && example.diagnostics.empty(), qPrintable(diagnosticsText(example)));
}

void TestRecipe::roundTripIsExact() {
  const json written = json::parse(kFullRecipe);
  const sf::RecipeParse parsed = sf::parseRecipe(kFullRecipe);
  QVERIFY2(parsed.ok() && parsed.diagnostics.empty(), qPrintable(diagnosticsText(parsed)));
  // JSON -> recipe -> JSON: the same document.
  QVERIFY2(parsed.recipe.toJson() == written,
           qPrintable(QString::fromStdString(parsed.recipe.toJson().dump(1))));
  // recipe -> JSON -> recipe: an equal recipe, and a copy is equal too.
  const sf::RecipeParse again = sf::parseRecipeJson(parsed.recipe.toJson());
  QVERIFY(again.ok());
  QVERIFY(again.recipe == parsed.recipe);
  sf::Recipe copy = parsed.recipe;
  QVERIFY(copy == parsed.recipe);
  copy.parameters["camera.fov"] = 36;
  QVERIFY(!(copy == parsed.recipe));
  // Integers stay integers and floats floats.
  QVERIFY(again.recipe.parameters.at("camera.fov").is_number_integer());
  QVERIFY(again.recipe.parameters.at("identity.distinctiveness").is_number_float());
}

void TestRecipe::savedFileReadsBackEqual() {
  QTemporaryDir dir;
  const fs::path file = fs::path(dir.path().toStdString()) / "recipe.json";
  const sf::Recipe recipe = sf::parseRecipe(kFullRecipe).recipe;
  sf::saveRecipe(recipe, file);
  QVERIFY(sf::loadRecipe(file) == recipe);
  QCOMPARE(sf::readFile(file), sf::recipeToText(recipe));
  sf::saveRecipe(sf::loadRecipe(file), file);
  QCOMPARE(sf::readFile(file), sf::recipeToText(recipe));
}

void TestRecipe::upgradesVersionOne() {
  // Version 1 called the field of view camera.fovDegrees.
  const sf::RecipeParse parsed = sf::parseRecipe(
      R"({"schemaVersion": 1, "camera": {"fovDegrees": {"type": "uniform", "min": 20, "max": 50}}})");
  QVERIFY2(parsed.ok(), qPrintable(diagnosticsText(parsed)));
  QCOMPARE(parsed.upgradedFrom, 1);
  QVERIFY(parsed.recipe.parameters.at("camera.fov") ==
          json({{"type", "uniform"}, {"min", 20}, {"max", 50}}));
  QVERIFY(!parsed.recipe.parameters.contains("camera.fovDegrees"));
  QCOMPARE(parsed.recipe.toJson()["schemaVersion"].get<int>(), sf::Recipe::kSchemaVersion);
  // Current files are not "upgraded".
  QCOMPARE(sf::parseRecipe(R"({"schemaVersion": 2})").upgradedFrom, 0);
  // Version 2 has no fovDegrees.
  const sf::RecipeParse current =
      sf::parseRecipe(R"({"schemaVersion": 2, "camera": {"fovDegrees": 30}})");
  QVERIFY(diagnosticsText(current).contains(
      R"(recipe.json: /camera/fovDegrees: unknown key in camera (got "fovDegrees"))"));
  // Both names in a version-1 file: keep one.
  const sf::RecipeParse both =
      sf::parseRecipe(R"({"schemaVersion": 1, "camera": {"fovDegrees": 30, "fov": 40}})");
  QVERIFY(diagnosticsText(both).contains("recipe.json: /camera/fov: schemaVersion 1 calls this"));
  QVERIFY(!sf::recipeUpgradeSteps().empty());
  QCOMPARE(sf::recipeUpgradeSteps().back().from + 1, sf::Recipe::kSchemaVersion);
}

void TestRecipe::refusesUnreadableVersions_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<QString>("expected");
  QTest::newRow("missing") << "{}"
                           << "recipe.json: missing \"schemaVersion\" (the current one is 2)";
  QTest::newRow("newer") << R"({"schemaVersion": 3})"
                         << "recipe.json: /schemaVersion: written by a newer SynthFace: this one "
                            "reads up to 2 (got 3)";
  QTest::newRow("huge") << R"({"schemaVersion": 18446744073709551615})"
                        << "/schemaVersion: written by a newer SynthFace";
  QTest::newRow("zero") << R"({"schemaVersion": 0})"
                        << "/schemaVersion: must be a whole number from 1 to 2 (got 0)";
  QTest::newRow("text") << R"({"schemaVersion": "2"})"
                        << "/schemaVersion: must be a whole number from 1 to 2 (got \"2\")";
  QTest::newRow("fraction") << R"({"schemaVersion": 1.5})"
                            << "/schemaVersion: must be a whole number from 1 to 2 (got 1.5)";
}

void TestRecipe::refusesUnreadableVersions() {
  QFETCH(QString, text);
  QFETCH(QString, expected);
  const sf::RecipeParse parsed = sf::parseRecipe(text.toStdString());
  QVERIFY(!parsed.ok());
  QVERIFY2(diagnosticsText(parsed).contains(expected), qPrintable(diagnosticsText(parsed)));
}

void TestRecipe::overridesSetParameters_data() {
  QTest::addColumn<QString>("assignment");
  QTest::addColumn<QString>("path");
  QTest::addColumn<QString>("expected");  // JSON of the parameter, or an error substring
  QTest::newRow("a number makes a constant") << "camera.fov=35"
                                             << "camera.fov"
                                             << "35";
  QTest::newRow("a distribution") << R"(camera.yaw={"type": "uniform", "min": -10, "max": 10})"
                                  << "camera.yaw"
                                  << R"({"type": "uniform", "min": -10, "max": 10})";
  QTest::newRow("one key of a default distribution")
      << "camera.yaw.sigma=20"
      << "camera.yaw"
      << R"({"type": "truncatedNormal", "mean": 0.0, "sigma": 20, "min": -90.0, "max": 90.0})";
  QTest::newRow("one key of the recipe's distribution")
      << "brows.color.melanin.correlation=0.5"
      << "brows.color.melanin"
      << R"({"type": "linked", "source": "hair.color.melanin", "correlation": 0.5})";
  QTest::newRow("not JSON is a string") << "skin.material=skin_03"
                                        << "skin.material"
                                        << R"("skin_03")";
  QTest::newRow("a model name") << "identity.modes.nose_width=1.5"
                                << "identity.modes.nose_width"
                                << "1.5";
  QTest::newRow("a setting") << "seed=7"
                             << "seed"
                             << "7";
  QTest::newRow("unknown path")
      << "camera.fob=35"
      << ""
      << R"(--set camera.fob=35: unknown parameter path (got "camera.fob"); did you mean "camera.fov"?)";
  QTest::newRow("wrong kind")
      << "camera.fov=wide"
      << ""
      << R"(/camera/fov: must be a number or a distribution of them (got "wide") (from --set camera.fov=wide))";
  QTest::newRow("out of range")
      << "camera.yaw.sigma=-3"
      << ""
      << "/camera/yaw/sigma: must be > 0 (got -3) (from --set camera.yaw.sigma=-3)";
  QTest::newRow("no value")
      << "camera.fov"
      << ""
      << R"(--set expects PATH=VALUE, such as camera.fov=35 (got "camera.fov"))";
  QTest::newRow("into a constant") << "render.samples.foo=3"
                                   << ""
                                   << "--set render.samples.foo=3: render.samples is not an object";
}

void TestRecipe::overridesSetParameters() {
  QFETCH(QString, assignment);
  QFETCH(QString, path);
  QFETCH(QString, expected);
  const std::string text = R"({"schemaVersion": 2, "seed": 1, "brows": {"color": {"melanin":
      {"type": "linked", "source": "hair.color.melanin", "correlation": 0.9}}}})";
  const sf::RecipeParse parsed = sf::parseRecipe(text, {assignment.toStdString()});
  if (path.isEmpty()) {
    QVERIFY(!parsed.ok());
    QVERIFY2(diagnosticsText(parsed).contains(expected), qPrintable(diagnosticsText(parsed)));
    return;
  }
  QVERIFY2(parsed.ok(), qPrintable(diagnosticsText(parsed)));
  if (path == "seed") {
    QCOMPARE(parsed.recipe.seed, expected.toULongLong());
    return;
  }
  QVERIFY2(parsed.recipe.parameters.at(path.toStdString()) == json::parse(expected.toStdString()),
           parsed.recipe.parameters.at(path.toStdString()).dump().c_str());
}

void TestRecipe::badInputsAreReported_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<QString>("expected");
  const QString v = R"({"schemaVersion": 2, )";
  QTest::newRow("truncated JSON")
      << R"({"schemaVersion": 2,
  "camera": {"yaw": )"
      << "recipe.json:2:21: syntax error while parsing value - unexpected end of input";
  QTest::newRow("empty file") << ""
                              << "recipe.json:1:1: syntax error while parsing value";
  QTest::newRow("trailing comma")
      << R"({"schemaVersion": 2,})"
      << "recipe.json:1:21: syntax error while parsing object key - unexpected '}'";
  QTest::newRow("infinity") << v + R"("camera": {"fov": 1e999}})"
                            << "recipe.json:1:44: number out of range (got '1e999')";
  QTest::newRow("NaN is not JSON")
      << v + R"("camera": {"fov": NaN}})"
      << "recipe.json:1:40: syntax error while parsing value - invalid literal";
  QTest::newRow("huge number")
      << v + R"("camera": {"yaw": {"type": "normal", "mean": 0, "sigma": 1e300}}})"
      << "recipe.json: /camera/yaw/sigma: must be at most 1e12 in "
         "magnitude (got 1e+300)";
  QTest::newRow("huge seed") << v + R"("seed": 1e30})"
                             << "recipe.json: /seed: must be a whole number from 0 to "
                                "18446744073709551615 (got 1e+30)";
  QTest::newRow("negative samples") << v + R"("samples": -5})"
                                    << "recipe.json: /samples: must be a whole number from 0 to "
                                       "288230376151711743 (got -5)";
  QTest::newRow("duplicate key") << v + R"("seed": 1, "seed": 2})"
                                 << "recipe.json: /seed: duplicate key (got \"seed\" twice)";
  QTest::newRow("deep nesting") << QString("[").repeated(100)
                                << "recipe.json: nested deeper than 64 levels (got more)";
  QTest::newRow("not an object") << "[1, 2]"
                                 << "recipe.json: a recipe must be a JSON object (got an array)";
  QTest::newRow("wrong type") << v + R"("camera": {"fov": "wide"}})"
                              << "recipe.json: /camera/fov: must be a number or a distribution of "
                                 "them (got \"wide\")";
  QTest::newRow("group not an object") << v + R"("camera": 35})"
                                       << "recipe.json: /camera: must be an object of camera "
                                          "parameters (got 35)";
  QTest::newRow("negative sigma")
      << v + R"("camera": {"yaw": {"type": "normal", "mean": 0, "sigma": -3}}})"
      << "recipe.json: /camera/yaw/sigma: must be > 0 (got -3)";
  QTest::newRow("empty categories")
      << v + R"("expression": {"preset": {"type": "categorical", "values": []}}})"
      << "recipe.json: /expression/preset/values: must not be empty (got [])";
  QTest::newRow("weights sum to zero")
      << v + R"("expression": {"preset": {"type": "categorical", "values": ["smile", "talk"], "weights": [0, 0]}}})"
      << "recipe.json: /expression/preset/weights: must not all be zero (got a sum of 0)";
  QTest::newRow("unknown distribution type")
      << v + R"("camera": {"yaw": {"type": "normall", "mean": 0, "sigma": 1}}})"
      << "recipe.json: /camera/yaw/type: unknown distribution type (got \"normall\"); did you "
         "mean \"normal\"?";
  QTest::newRow("unknown key") << v + R"("camera": {"yw": 10}})"
                               << "recipe.json: /camera/yw: unknown key in camera (got \"yw\"); "
                                  "did you mean \"yaw\"?";
  QTest::newRow("unknown top-level key") << v + R"("camrea": {}})"
                                         << "recipe.json: /camrea: unknown key (got \"camrea\"); "
                                            "did you mean \"camera\"?";
  QTest::newRow("unknown distribution key")
      << v + R"("camera": {"yaw": {"type": "normal", "mean": 0, "sigam": 1}}})"
      << "recipe.json: /camera/yaw/sigam: unknown key in a normal distribution (got \"sigam\"); "
         "did you mean \"sigma\"?";
  QTest::newRow("out of range") << v + R"("camera": {"fov": 200}})"
                                << "recipe.json: /camera/fov: must be from 1 to 170 deg (got 200)";
  QTest::newRow("distribution out of range")
      << v + R"("camera": {"pitch": {"type": "uniform", "min": -100, "max": 0}}})"
      << "recipe.json: /camera/pitch: must be from -90 to 90 deg (got values from -100 to 0)";
  QTest::newRow("not a whole number") << v + R"("render": {"samples": 64.5}})"
                                      << "recipe.json: /render/samples: must be a whole number "
                                         "(got 64.5)";
  QTest::newRow("boolean expected") << v + R"("hair": {"present": 0.5}})"
                                    << "recipe.json: /hair/present: must be a boolean or a "
                                       "distribution of them (got 0.5)";
  QTest::newRow("choice misspelt") << v + R"("camera": {"framing": "faceSise"}})"
                                   << "recipe.json: /camera/framing: must be one of faceSize, "
                                      "distance (got \"faceSise\"); did you mean \"faceSize\"?";
  QTest::newRow("unknown preset")
      << v + R"("expression": {"preset": {"type": "categorical", "values": ["smlie", "talk"]}}})"
      << "recipe.json: /expression/preset: unknown expression preset (got \"smlie\"); did you "
         "mean \"smile\"?";
  QTest::newRow("linked to an unknown path")
      << v + R"("brows": {"color": {"melanin": {"type": "linked", "source": "hair.colour.melanin"}}}})"
      << "recipe.json: /brows/color/melanin/source: unknown parameter path (got "
         "\"hair.colour.melanin\"); did you mean \"hair.color.melanin\"?";
  QTest::newRow("linked cycle")
      << v + R"("hair": {"color": {"melanin": {"type": "linked", "source": "brows.color.melanin"}}}})"
      << "recipe.json: /hair/color/melanin: dependency cycle: hair.color.melanin -> "
         "brows.color.melanin -> hair.color.melanin (a linked draw or condition depends on "
         "itself)";
  QTest::newRow("self link")
      << v + R"("camera": {"yaw": {"type": "linked", "source": "camera.yaw"}}})"
      << "recipe.json: /camera/yaw: dependency cycle: camera.yaw -> camera.yaw";
  QTest::newRow("condition cycle")
      << v + R"("headwear": {"present": {"type": "conditional",
           "rules": [{"when": {"path": "hair.groom", "value": "hair/bob"}, "then": true}],
           "otherwise": false}}})"
      << "dependency cycle: headwear.present -> hair.groom -> headwear.present";
  QTest::newRow("condition compares kinds")
      << v + R"("hair": {"groom": {"type": "conditional",
           "rules": [{"when": {"path": "headwear.present", "value": 1}, "then": "x"}],
           "otherwise": "y"}}})"
      << "recipe.json: /hair/groom/rules/0/when/value: must be a boolean like headwear.present "
         "(got 1)";
  QTest::newRow("condition orders a boolean")
      << v + R"("hair": {"groom": {"type": "conditional",
           "rules": [{"when": {"path": "headwear.present", "op": "<", "value": true}, "then": "x"}],
           "otherwise": "y"}}})"
      << "recipe.json: /hair/groom/rules/0/when/op: can only be == or != for a boolean (got "
         "\"<\")";
  QTest::newRow("unknown label") << v + R"("outputs": {"labels": ["segmentaton"]}})"
                                 << "recipe.json: /outputs/labels/0: must be one of segmentation, "
                                    "landmarks, denseLandmarks, depth, normals, alpha, parameters "
                                    "(got \"segmentaton\"); did you mean \"segmentation\"?";
  QTest::newRow("reversed identity range")
      << v + R"("splits": {"test": {"identities": [[10, 5]]}}})"
      << "recipe.json: /splits/test/identities/0/1: must be >= first (10) (got 5)";
  QTest::newRow("name with a dot") << v + R"("identity": {"modes": {"a.b": 1}}})"
                                   << "recipe.json: /identity/modes/a.b: names may not be empty "
                                      "or contain '.' (got \"a.b\")";
  QTest::newRow("empty model") << v + R"("model": ""})"
                               << "recipe.json: /model: must name a model: \"default\" or a .sfm "
                                  "file (got \"\")";
  QTest::newRow("missing type") << v + R"("camera": {"yaw": {"mean": 0, "sigma": 1}}})"
                                << "recipe.json: /camera/yaw: missing \"type\": one of constant, "
                                   "uniform, normal, truncatedNormal";
  QTest::newRow("null parameter") << v + R"("camera": {"yaw": null}})"
                                  << "recipe.json: /camera/yaw: expected a number, string, boolean "
                                     "or distribution object (got null)";
  QTest::newRow("invalid UTF-8") << QString::fromLatin1(
                                        "{\"schemaVersion\": 2, \"name\": \"\xff\"}")
                                 << "recipe.json:1:";
}

void TestRecipe::badInputsAreReported() {
  QFETCH(QString, text);
  QFETCH(QString, expected);
  const std::string bytes = QTest::currentDataTag() == QStringLiteral("invalid UTF-8")
                                ? text.toLatin1().toStdString()
                                : text.toStdString();
  const sf::RecipeParse parsed = sf::parseRecipe(bytes);
  QVERIFY(!parsed.ok());
  QVERIFY2(diagnosticsText(parsed).contains(expected), qPrintable(diagnosticsText(parsed)));
}

void TestRecipe::everyProblemIsReportedAtOnce() {
  const sf::RecipeParse parsed = sf::parseRecipe(R"({"schemaVersion": 2, "seed": "x",
    "camera": {"yw": 1, "fov": 500, "yaw": {"type": "normal", "mean": 0, "sigma": -1}},
    "hair": {"present": 2}})");
  QCOMPARE(parsed.diagnostics.size(), std::size_t{5});
  // Everything else still parsed.
  const sf::RecipeParse partial =
      sf::parseRecipe(R"({"schemaVersion": 2, "seed": 5, "camera": {"fov": 500, "roll": 2}})");
  QCOMPARE(partial.diagnostics.size(), std::size_t{1});
  QCOMPARE(partial.recipe.seed, std::uint64_t{5});
  QVERIFY(partial.recipe.parameters.at("camera.roll") == json(2));
}

void TestRecipe::missingModelAndLibraryAreReported() {
  QTemporaryDir dir;
  const fs::path folder = dir.path().toStdString();
  sf::writeFileAtomically(folder / "recipe.json",
                          R"({"schemaVersion": 2, "model": "heads/missing.sfm",
                              "library": "assets/library.json"})");
  const sf::RecipeValidation validation = sf::validateRecipeFile(folder / "recipe.json");
  QVERIFY(!validation.ok());
  const QString text =
      QString::fromStdString(sf::formatDiagnostics(validation.parse.diagnostics, "recipe.json"));
  QVERIFY2(text.contains("recipe.json: /model: " +
                         QString::fromStdString((folder / "heads/missing.sfm").string()) +
                         ": no such model file"),
           qPrintable(text));
  QVERIFY2(text.contains("recipe.json: /library: " +
                         QString::fromStdString((folder / "assets/library.json").string()) +
                         ": no such asset library file"),
           qPrintable(text));
  // A missing recipe file is a diagnostic too.
  const sf::RecipeValidation none = sf::validateRecipeFile(folder / "nothing.json");
  QCOMPARE(QString::fromStdString(none.parse.diagnostics.at(0).format("nothing.json")),
           QStringLiteral("nothing.json: no such recipe file"));
  // A broken library index.
  sf::writeFileAtomically(folder / "library.json", R"({"assets": [{"id": "a"}]})");
  sf::writeFileAtomically(
      folder / "recipe2.json",
      R"({"schemaVersion": 2, "model": "missing.sfm", "library": "library.json"})");
  const QString broken = QString::fromStdString(sf::formatDiagnostics(
      sf::validateRecipeFile(folder / "recipe2.json").parse.diagnostics, "r"));
  QVERIFY2(broken.contains("/assets/0/kind: expected a non-empty string (got nothing)"),
           qPrintable(broken));
}

void TestRecipe::shippedSchemaIsCurrent() {
  const std::string shipped = sf::readFile(kSourceDir / "resources/recipe.schema.json");
  const std::string generated = sf::dumpJson(sf::recipeJsonSchema(), 2) + "\n";
  QVERIFY2(shipped == generated,
           "resources/recipe.schema.json is stale: run 'synthface recipe schema --out "
           "resources/recipe.schema.json'");
  const json schema = json::parse(shipped);
  QCOMPARE(schema["$schema"].get<std::string>(),
           std::string("https://json-schema.org/draft/2020-12/schema"));
  QVERIFY(schema["properties"]["camera"]["properties"].contains("fov"));
  QVERIFY(schema["$defs"]["distributions"].contains("truncatedNormal"));
}

void TestRecipe::loadRecipeThrowsWithEveryError() {
  QTemporaryDir dir;
  const fs::path file = fs::path(dir.path().toStdString()) / "bad.json";
  sf::writeFileAtomically(file, R"({"schemaVersion": 2, "camera": {"fov": 500, "yw": 1}})");
  try {
    sf::loadRecipe(file);
    QFAIL("no error");
  } catch (const sf::Error& error) {
    const QString what = QString::fromUtf8(error.what());
    QCOMPARE(QString::fromStdString(error.where().pointer), QStringLiteral("/camera/fov"));
    QVERIFY2(what.contains("/camera/fov: must be from 1 to 170 deg (got 500)"), qPrintable(what));
    QVERIFY2(what.contains("/camera/yw: unknown key in camera"), qPrintable(what));
  }
}

QTEST_APPLESS_MAIN(TestRecipe)
#include "test_recipe.moc"
