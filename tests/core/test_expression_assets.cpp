// Expressions of an asset library: SynthFace's JSON and MakeHuman's .mhpose read (pose units
// translated into blendshapes), bad files refused by file and field, imported with a
// thumbnail, saved from weights, and shown by recipes that name them as expression.preset.
// MakeHuman's own 32 expressions are read from ../shared/thirdparty/makehuman when present.

#include "assets/asset_library.h"
#include "assets/builtin_catalog.h"
#include "assets/expression_asset.h"
#include "recipe/recipe_io.h"
#include "render/image.h"
#include "scene/scene_compiler.h"
#include "scene/scene_context.h"
#include "scene/scene_validation.h"
#include "util/error.h"
#include "util/files.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <set>

namespace fs = std::filesystem;

namespace {

fs::path makeHumanExpressions() {
  return fs::path(SF_SOURCE_DIR "/../shared/thirdparty/makehuman/data/expressions");
}

fs::path write(const fs::path& path, const std::string& text) {
  sf::writeFileAtomically(path, text);
  return path;
}

QString errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const sf::Error& error) {
    return QString::fromStdString(error.what());
  }
  return {};
}

double weightOf(const sf::ExpressionAsset& expression, const std::string& shape) {
  const auto it = expression.shapes.find(shape);
  return it == expression.shapes.end() ? 0.0 : it->second;
}

sf::ImportOptions cc0(const std::string& name = {}) {
  sf::ImportOptions options;
  options.licence = "CC0-1.0";
  options.name = name;
  return options;
}

}  // namespace

class TestExpressionAssets : public QObject {
  Q_OBJECT

private slots:
  // SynthFace's own form reads back what was written.
  void ownFormatRoundTrips() {
    QTemporaryDir dir;
    sf::ExpressionAsset expression;
    expression.shapes = {{"jawOpen", 0.4}, {"mouthSmileLeft", 0.75}};
    expression.gazePitch = -12.0;
    const fs::path file =
        write(fs::path(dir.path().toStdString()) / "e.json", sf::expressionAssetText(expression));
    QVERIFY(sf::readExpressionAsset(file) == expression);
  }

  void badFilesNameTheFileAndField_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    const QString head = R"("format": "synthface-expression", "version": 1)";
    QTest::newRow("not json") << "e.json"
                              << "{\"shapes\": "
                              << "e.json: not valid JSON";
    QTest::newRow("unknown key") << "e.json"
                                 << "{" + head + R"(, "shape": {"jawOpen": 1}})"
                                 << R"(e.json: /shape: unknown key (did you mean "shapes"?))";
    QTest::newRow("weight above one")
        << "e.json"
        << "{" + head + R"(, "shapes": {"jawOpen": 1.5}})"
        << "e.json: /shapes/jawOpen: a weight must be between 0 and 1 (got 1.5)";
    QTest::newRow("weight not a number")
        << "e.json"
        << "{" + head + R"(, "shapes": {"jawOpen": "wide"}})"
        << R"(e.json: /shapes/jawOpen: expected a weight between 0 and 1 (got "wide"))";
    QTest::newRow("newer version")
        << "e.json"
        << R"({"format": "synthface-expression", "version": 9, "shapes": {}})"
        << "e.json: /version: this SynthFace reads version 1 (got 9)";
    QTest::newRow("gaze too far")
        << "e.json"
        << "{" + head + R"(, "shapes": {"jawOpen": 1}, "gaze": {"yaw": 80}})"
        << "e.json: /gaze/yaw: expected degrees between -45 and 45 (got 80)";
    QTest::newRow("moves nothing") << "e.json"
                                   << "{" + head + R"(, "shapes": {"jawOpen": 0}})"
                                   << "e.json: the expression moves nothing";
    QTest::newRow("unknown pose unit")
        << "e.mhpose"
        << R"({"unit_poses": {"JawDorp": 0.5}})"
        << R"(e.mhpose: /unit_poses/JawDorp: not a MakeHuman face pose unit (did you mean "JawDrop"?))";
    QTest::newRow("no pose units") << "e.mhpose"
                                   << R"({"name": "x"})"
                                   << "e.mhpose: /unit_poses: a MakeHuman expression needs";
  }

  void badFilesNameTheFileAndField() {
    QFETCH(QString, name);
    QFETCH(QString, text);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const fs::path file =
        write(fs::path(dir.path().toStdString()) / name.toStdString(), text.toStdString());
    const QString error = errorOf([&] { sf::readExpressionAsset(file); });
    QVERIFY2(error.contains(message), qPrintable(error));
  }

  // MakeHuman's pose units become the blendshapes of the same muscle actions; the eye
  // units turn the gaze; tongue units are reported as left out.
  void makeHumanUnitsAreTranslated() {
    QTemporaryDir dir;
    const fs::path file = write(fs::path(dir.path().toStdString()) / "grin.mhpose",
                                R"({"name": "grin", "unit_poses": {
      "MouthLeftPullUp": 0.5, "MouthRightPullUp": 0.7, "LeftInnerBrowUp": 1.0,
      "RightInnerBrowUp": 1.0, "JawDrop": 0.25, "LeftEyeDown": 1.0, "RightEyeDown": 1.0,
      "LeftEyeturnLeft": 0.5, "RightEyeturnLeft": 0.5, "TongueOut": 0.3, "Rest": 1.0}})");
    const sf::ExpressionAsset grin = sf::readExpressionAsset(file);
    QCOMPARE(weightOf(grin, "mouthSmileLeft"), 0.5);
    QCOMPARE(weightOf(grin, "mouthSmileRight"), 0.7);
    QCOMPARE(weightOf(grin, "browInnerUp"), 1.0);  // both halves, clamped to 1
    QCOMPARE(weightOf(grin, "jawOpen"), 0.25);
    QCOMPARE(grin.shapes.size(), std::size_t{4});
    QCOMPARE(grin.gazePitch, -20.0);  // both eyes down: about 20 degrees
    QCOMPARE(grin.gazeYaw, 10.0);     // half-way toward the subject's left
    QCOMPARE(grin.dropped, std::vector<std::string>{"TongueOut"});
  }

  // Every expression MakeHuman ships reads, moves the face, and stays within [0, 1].
  void makeHumanExpressionsAllRead() {
    if (!fs::exists(makeHumanExpressions())) {
      QSKIP(qPrintable("MakeHuman test data not found at " +
                       QString::fromStdString(makeHumanExpressions().string())));
    }
    int count = 0;
    for (const auto& entry : fs::directory_iterator(makeHumanExpressions())) {
      if (entry.path().extension() != ".mhpose") {
        continue;
      }
      const sf::ExpressionAsset expression = sf::readExpressionAsset(entry.path());
      QVERIFY2(!expression.shapes.empty(), qPrintable(QString::fromStdString(entry.path())));
      for (const auto& [shape, weight] : expression.shapes) {
        QVERIFY(weight > 0.0 && weight <= 1.0);
      }
      ++count;
    }
    QCOMPARE(count, 32);
    // A smile pulls the corners up; a surprise opens the eyes and the jaw.
    const sf::ExpressionAsset smile =
        sf::readExpressionAsset(makeHumanExpressions() / "smile01.mhpose");
    QVERIFY(weightOf(smile, "mouthSmileLeft") > 0.2 && weightOf(smile, "mouthSmileRight") > 0.2);
    const sf::ExpressionAsset surprise =
        sf::readExpressionAsset(makeHumanExpressions() / "surprise01.mhpose");
    QVERIFY(weightOf(surprise, "jawOpen") > 0.2);
    QVERIFY(weightOf(surprise, "eyeWideLeft") > 0.2);
  }

  // Imported into a library: one file, copied and hashed, with a thumbnail of the built-in
  // head wearing it; other files and a second file are refused, nothing is added.
  void importIntoALibrary() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    const fs::path gape = write(root / "gape.json", R"({"format": "synthface-expression",
      "version": 1, "shapes": {"jawOpen": 0.8}, "gaze": {"pitch": 10}})");
    const sf::LibraryAsset& asset = library.import("expression", {gape}, cc0());
    QCOMPARE(asset.id, std::string("expression/gape"));
    QVERIFY(!asset.thumbnail.empty());
    const sf::Image thumbnail = sf::readImage(library.absolutePath(asset.thumbnail));
    QCOMPARE(thumbnail.width, 256);
    QVERIFY(library.check().empty());

    write(root / "mesh.obj", "v 0 0 0\nv 1 0 0\nv 1 1 0\nf 1 2 3\n");
    QVERIFY(errorOf([&] {
              library.import("expression", {root / "mesh.obj"}, cc0("m"));
            }).contains("an expression is one .json"));
    const fs::path other = write(root / "other.json", sf::readFile(gape));
    QVERIFY(errorOf([&] {
              library.import("expression", {gape, other}, cc0("two"));
            }).contains("an expression is one file"));
    QCOMPARE(library.assets().size(), std::size_t{1});
    QCOMPARE(sf::AssetLibrary::open(root / "lib").assets().size(), std::size_t{1});
  }

  // Weights made in place (the studio's sliders) become an asset; saving again under the
  // same name replaces it only when asked to.
  void addExpressionSavesAndReplaces() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    sf::ExpressionAsset pout;
    pout.shapes = {{"mouthPucker", 0.6}};
    QCOMPARE(library.addExpression(pout, cc0("pout")).id, std::string("expression/pout"));
    pout.shapes["mouthShrugLower"] = 0.3;
    QVERIFY(errorOf([&] { library.addExpression(pout, cc0("pout")); }).contains("exists already"));
    library.addExpression(pout, cc0("pout"), true);
    const sf::AssetLibrary reopened = sf::AssetLibrary::open(root / "lib");
    QCOMPARE(reopened.assets().size(), std::size_t{1});
    QVERIFY(reopened.check().empty());
    const sf::LibraryAsset* saved = reopened.find("expression/pout");
    QVERIFY(saved != nullptr);
    QVERIFY(sf::readExpressionAsset(reopened.absolutePath(saved->files.front().path)) == pout);
    // No scratch files are left behind.
    for (const auto& entry : fs::directory_iterator(root / "lib" / "assets" / "expression")) {
      QVERIFY2(entry.path().filename().string().front() != '.',
               qPrintable(QString::fromStdString(entry.path().string())));
    }
  }

  // A recipe shows a library expression by naming its id as expression.preset, or by
  // drawing one with an asset choice: its weights (unless the recipe overrides an entry),
  // its gaze added to the sample's. An id the library lacks is an error with a hint.
  void recipesShowLibraryExpressions() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    sf::ExpressionAsset gape;
    gape.shapes = {{"jawOpen", 0.8}, {"tongueOut", 0.5}};
    gape.gazePitch = 10.0;
    sf::ImportOptions mine = cc0("gape");
    mine.tags = {"mine"};
    library.addExpression(gape, mine);
    sf::ExpressionAsset pout;
    pout.shapes = {{"mouthPucker", 0.6}};
    mine.name = "pout";
    library.addExpression(pout, mine);

    sf::Recipe recipe;
    recipe.library = "lib/library.json";
    recipe.parameters["expression.neutral"] = false;
    recipe.parameters["expression.preset"] = "expression/gape";
    recipe.parameters["gaze.pitch"] = 5.0;
    const sf::SceneContext context = sf::loadSceneContext(recipe, root);
    QCOMPARE(context.libraryExpressions.size(), std::size_t{2});
    const sf::ResolvedScene scene = sf::compileScene(recipe, 3, context);
    QCOMPARE(scene.expression.at("jawOpen"), 0.8);
    QCOMPARE(scene.expression.at("mouthPucker"), 0.0);
    QVERIFY(!scene.expression.contains("tongueOut"));  // the model has no such shape
    QCOMPARE(sf::numericValue(scene.parameters.at("gaze.pitch")), 15.0);

    // The recipe can vary an entry of a library expression like any preset's.
    sf::Recipe varied = recipe;
    varied.parameters["expression.presets.expression/gape.jawOpen"] = 0.3;
    QCOMPARE(sf::compileScene(varied, 3, context).expression.at("jawOpen"), 0.3);

    // Drawn from the library by tag: both expressions appear.
    sf::Recipe drawn = recipe;
    drawn.parameters["expression.preset"] = {
        {"type", "assetChoice"}, {"kind", "expression"}, {"tags", {"mine"}}};
    const sf::SceneCompiler compiler = sf::SceneCompiler::create(drawn, context);
    int pouts = 0;
    for (std::uint64_t i = 0; i < 100; ++i) {
      const sf::ResolvedScene sample = compiler.compile(i);
      const bool isPout = sample.expression.at("mouthPucker") == 0.6;
      QCOMPARE(isPout, sample.expression.at("jawOpen") == 0.0);
      pouts += isPout;
    }
    QVERIFY(pouts > 20 && pouts < 80);

    // Validation: the checks only a loaded library can make.
    const std::vector<sf::Diagnostic> fine = sf::checkRecipeForScene(recipe, context);
    QVERIFY(std::any_of(fine.begin(), fine.end(), [](const sf::Diagnostic& d) {
      return d.severity == sf::Diagnostic::Severity::Warning &&
             d.message.find("tongueOut") != std::string::npos;
    }));
    QVERIFY(std::none_of(fine.begin(), fine.end(),
                         [](const sf::Diagnostic& d) { return d.isError(); }));
    sf::Recipe typo = recipe;
    typo.parameters["expression.preset"] = "expression/gap";
    const std::vector<sf::Diagnostic> found = sf::checkRecipeForScene(typo, context);
    QVERIFY(std::any_of(found.begin(), found.end(), [](const sf::Diagnostic& d) {
      return d.isError() && d.pointer == "/expression/preset" &&
             d.message ==
                 R"(no expression "expression/gap" in the library or the built-ins; did you mean )"
                 R"("expression/gape"?)";
    }));
  }

  // The recipe language's presets are the built-in expressions of every library: a recipe
  // names one by id or by name alike, and an asset choice draws among them.
  void builtinPresetsAreExpressionAssets() {
    const auto& catalog = *sf::builtinAssetCatalog();
    std::vector<std::string> ids;
    for (const sf::AssetInfo& asset : catalog.assets()) {
      if (asset.kind == "expression") {
        ids.push_back(asset.id);
      }
    }
    QVERIFY(ids.size() >= 50);
    QVERIFY(std::find(ids.begin(), ids.end(), "builtin/expression/neutral") == ids.end());
    const sf::AssetInfo* slight = catalog.find("builtin/expression/smile_slight");
    QVERIFY(slight != nullptr);
    QCOMPARE(slight->tags, (std::vector<std::string>{"smile", "slight"}));

    sf::Recipe byName;
    byName.parameters["expression.neutral"] = false;
    byName.parameters["expression.preset"] = "laugh";
    sf::Recipe byId = byName;
    byId.parameters["expression.preset"] = "builtin/expression/laugh";
    const sf::SceneContext context = sf::loadSceneContext(byId);
    QVERIFY(context.libraryExpressions.empty());  // the compiler knows the presets itself
    QVERIFY(sf::checkRecipeForScene(byId, context).empty());
    for (std::uint64_t index : {0u, 9u}) {
      const sf::ResolvedScene named = sf::compileScene(byName, index, context);
      QVERIFY(named.expression.at("jawOpen") > 0.3);
      QVERIFY(sf::compileScene(byId, index, context).expression == named.expression);
    }
    // An asset choice of kind expression draws among the built-ins.
    sf::Recipe drawn = byName;
    drawn.parameters["expression.preset"] = {{"type", "assetChoice"}, {"kind", "expression"}};
    const sf::SceneCompiler compiler = sf::SceneCompiler::create(drawn, context);
    std::set<std::string> seen;
    for (std::uint64_t i = 0; i < 400; ++i) {
      const sf::ResolvedScene scene = compiler.compile(i);
      const std::string id = std::get<std::string>(scene.parameters.at("expression.preset"));
      QVERIFY(std::find(ids.begin(), ids.end(), id) != ids.end());
      seen.insert(id);
    }
    QVERIFY(seen.size() > ids.size() * 3 / 4);
  }

  // An expression file that went bad in the library is an error at /library naming it;
  // the rest of the library still loads.
  void aBrokenLibraryExpressionIsReported() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    sf::ExpressionAsset pout;
    pout.shapes = {{"mouthPucker", 0.6}};
    const std::string file =
        library.absolutePath(library.addExpression(pout, cc0("pout")).files.front().path);
    sf::ExpressionAsset gape;
    gape.shapes = {{"jawOpen", 0.8}};
    library.addExpression(gape, cc0("gape"));
    write(file, "{\"format\": \"synthface-expression\", \"version\": 1, \"shapes\": 3}");
    sf::Recipe recipe;
    recipe.library = "lib/library.json";
    sf::Diagnostics diagnostics;
    const sf::SceneContext context = sf::loadSceneContext(recipe, root, diagnostics);
    QCOMPARE(diagnostics.all().size(), std::size_t{1});
    QCOMPARE(diagnostics.all()[0].pointer, std::string("/library"));
    QVERIFY(diagnostics.all()[0].message.find(file + ": /shapes") != std::string::npos);
    QCOMPARE(context.libraryExpressions.size(), std::size_t{1});
    QVERIFY(context.libraryExpressions.contains("expression/gape"));
  }
};

QTEST_GUILESS_MAIN(TestExpressionAssets)
#include "test_expression_assets.moc"
