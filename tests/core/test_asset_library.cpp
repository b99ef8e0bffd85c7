// The asset library on disk: create and open, import with checks, thumbnails and hashes,
// edits saved atomically, check() finding tampered, missing and escaping files, and a
// recipe's library mounted beside the built-in assets.

#include "assets/asset_library.h"
#include "assets/builtin_catalog.h"
#include "render/environment.h"
#include "render/image.h"
#include "scene/scene_compiler.h"
#include "scene/scene_context.h"
#include "util/error.h"
#include "util/files.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <fstream>

namespace fs = std::filesystem;

namespace {

/// A small equirectangular HDR image: sky above, warm ground below.
fs::path writeHdri(const fs::path& path) {
  sf::Image image(16, 8, 3);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 16; ++x) {
      const float sky = y < 4 ? 3.0f : 0.3f;
      image.at(x, y, 0) = sky * 0.8f;
      image.at(x, y, 1) = sky * 0.9f;
      image.at(x, y, 2) = sky;
    }
  }
  sf::writeImage(image, path);
  return path;
}

/// A unit quad as OBJ.
fs::path writeObj(const fs::path& path) {
  sf::writeFileAtomically(path, "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3 4\n");
  return path;
}

sf::ImportOptions cc0(std::vector<std::string> tags = {}) {
  sf::ImportOptions options;
  options.licence = "CC0-1.0";
  options.tags = std::move(tags);
  return options;
}

QString errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const sf::Error& error) {
    return QString::fromStdString(error.what());
  }
  return {};
}

}  // namespace

class TestAssetLibrary : public QObject {
  Q_OBJECT

private slots:
  void createAndOpen() {
    QTemporaryDir dir;
    const fs::path folder = fs::path(dir.path().toStdString()) / "lib";
    const sf::AssetLibrary created = sf::AssetLibrary::create(folder, "studio assets");
    QVERIFY(fs::exists(folder / "library.json"));
    const sf::AssetLibrary opened = sf::AssetLibrary::open(folder / "library.json");
    QCOMPARE(opened.name(), std::string("studio assets"));
    QVERIFY(opened.assets().empty());
    QVERIFY(errorOf([&] { sf::AssetLibrary::create(folder, "again"); }).contains("library.json"));
    QVERIFY(errorOf([&] {
              sf::AssetLibrary::open(fs::path(dir.path().toStdString()) / "none");
            }).contains("no asset library"));
  }

  // An HDRI imported as an environment: copied in, hashed, a thumbnail, in the index, and
  // the same after reopening.
  void importEnvironment() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    const fs::path hdri = writeHdri(root / "Sunny Yard.exr");
    sf::ImportOptions options = cc0({"outdoor", "sunny"});
    options.author = "me";
    const sf::LibraryAsset asset = library.import("environment", {hdri}, options);
    QCOMPARE(asset.id, std::string("environment/sunny_yard"));
    QCOMPARE(asset.name, std::string("Sunny Yard"));
    QCOMPARE(asset.files.size(), std::size_t{1});
    QCOMPARE(asset.files[0].path, std::string("assets/environment/sunny_yard/Sunny Yard.exr"));
    QCOMPARE(asset.files[0].hash, sf::hashFile(hdri));
    QCOMPARE(asset.files[0].size, std::uint64_t(fs::file_size(hdri)));
    QVERIFY(fs::exists(library.absolutePath(asset.files[0].path)));
    QVERIFY(!asset.thumbnail.empty());
    const sf::Image thumbnail = sf::readImage(library.absolutePath(asset.thumbnail));
    QCOMPARE(thumbnail.width, 16);
    QVERIFY(thumbnail.at(0, 0, 2) > thumbnail.at(0, 7, 2));  // sky brighter than ground
    QVERIFY(library.check().empty());

    const sf::AssetLibrary reopened = sf::AssetLibrary::open(root / "lib");
    QCOMPARE(reopened.assets().size(), std::size_t{1});
    QVERIFY(reopened.assets()[0] == asset);
  }

  void importMeshRendersAThumbnail() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    const sf::LibraryAsset asset = library.import("clothing", {writeObj(root / "tee.obj")}, cc0());
    QCOMPARE(asset.id, std::string("clothing/tee"));
    QVERIFY(!asset.thumbnail.empty());
    const sf::Image thumbnail = sf::readImage(library.absolutePath(asset.thumbnail));
    QCOMPARE(thumbnail.width, 256);
    // The quad shows in the middle, unlike the corner's background.
    const float middle = thumbnail.at(128, 128, 0);
    const float corner = thumbnail.at(2, 2, 0);
    QVERIFY(std::abs(middle - corner) > 0.02f);
  }

  // Bad imports name the file and leave the library as it was.
  void badImportsChangeNothing_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("licence");
    QTest::addColumn<QString>("message");
    QTest::newRow("no licence") << "environment"
                                << "sky.exr" << false << "licence";
    QTest::newRow("corrupt image") << "environment"
                                   << "broken.exr" << true << "broken.exr";
    QTest::newRow("corrupt mesh") << "clothing"
                                  << "broken.obj" << true << "broken.obj";
    QTest::newRow("missing file") << "environment"
                                  << "missing.exr" << true << "missing.exr";
    QTest::newRow("unknown kind") << "spaceship"
                                  << "sky.exr" << true << "spaceship";
    QTest::newRow("unknown format") << "clothing"
                                    << "notes.txt" << true << "notes.txt";
    QTest::newRow("mesh as environment") << "environment"
                                         << "quad.obj" << true << "image";
    QTest::newRow("name taken") << "environment"
                                << "taken.exr" << true << "exists already";
  }
  void badImportsChangeNothing() {
    QFETCH(QString, kind);
    QFETCH(QString, file);
    QFETCH(bool, licence);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    library.import("environment", {writeHdri(root / "taken.exr")}, cc0());
    writeHdri(root / "sky.exr");
    writeObj(root / "quad.obj");
    sf::writeFileAtomically(root / "broken.exr", "this is not an EXR file");
    sf::writeFileAtomically(root / "broken.obj", "v 0 0\nf 1 2 x\n");
    sf::writeFileAtomically(root / "notes.txt", "hello");
    const std::string before = sf::readFile(root / "lib" / "library.json");

    sf::ImportOptions options = cc0();
    if (!licence) {
      options.licence.clear();
    }
    const QString error =
        errorOf([&] { library.import(kind.toStdString(), {root / file.toStdString()}, options); });
    QVERIFY2(error.contains(message), qPrintable(error));
    QCOMPARE(sf::readFile(root / "lib" / "library.json"), before);
    QCOMPARE(library.assets().size(), std::size_t{1});
    // No staging folder or stray files left behind.
    int entries = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root / "lib" / "assets")) {
      entries += entry.is_regular_file() ? 1 : 0;
    }
    QCOMPARE(entries, 1);
  }

  void editsAreSaved() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    const std::string id = library.import("environment", {writeHdri(root / "sky.exr")}, cc0()).id;
    library.setTags(id, {"outdoor", "overcast"});
    library.setLicence(id, "CC-BY-4.0", "A. Photographer");
    const sf::AssetLibrary reopened = sf::AssetLibrary::open(root / "lib");
    QVERIFY(reopened.find(id)->tags == (std::vector<std::string>{"outdoor", "overcast"}));
    QCOMPARE(reopened.find(id)->licence, std::string("CC-BY-4.0"));
    QCOMPARE(reopened.find(id)->author, std::string("A. Photographer"));
    QVERIFY(errorOf([&] { library.setLicence(id, "", ""); }).contains("licence"));
    QVERIFY(errorOf([&] { library.setTags("environment/none", {}); }).contains("environment/none"));

    const fs::path file = library.absolutePath(library.find(id)->files[0].path);
    library.remove(id);
    QVERIFY(!fs::exists(file));
    QVERIFY(sf::AssetLibrary::open(root / "lib").assets().empty());
  }

  // check() finds files that changed, went missing or lead out of the library.
  void checkFindsProblems() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    const sf::LibraryAsset a = library.import("environment", {writeHdri(root / "a.exr")}, cc0());
    const sf::LibraryAsset b = library.import("environment", {writeHdri(root / "b.exr")}, cc0());
    const sf::LibraryAsset c = library.import("clothing", {writeObj(root / "c.obj")}, cc0());
    {
      std::ofstream tamper(library.absolutePath(a.files[0].path), std::ios::app);
      tamper << "x";
    }
    fs::remove(library.absolutePath(b.files[0].path));
    // A link that leads out of the library, in place of c's file.
    sf::writeFileAtomically(root / "outside.obj", "v 0 0 0\n");
    fs::remove(library.absolutePath(c.files[0].path));
    fs::create_symlink(root / "outside.obj", library.absolutePath(c.files[0].path));

    std::vector<std::string> messages;
    for (const sf::Diagnostic& problem : library.check()) {
      messages.push_back(problem.format("library.json"));
    }
    QCOMPARE(messages.size(), std::size_t{3});
    QVERIFY2(QString::fromStdString(messages[0]).contains("/assets/0/files/0/size"),
             messages[0].c_str());
    QVERIFY2(QString::fromStdString(messages[1]).contains("missing file"), messages[1].c_str());
    QVERIFY2(QString::fromStdString(messages[2]).contains("leads out of the library"),
             messages[2].c_str());
  }

  // An index that names paths outside the library is refused entry by entry.
  void unsafePathsInTheIndex() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::writeFileAtomically(root / "library.json", R"({"format": "synthface-library",
      "version": 1, "name": "x", "assets": [
        {"id": "environment/a", "kind": "environment", "licence": "CC0-1.0",
         "files": [{"path": "../../etc/passwd", "hash": "", "size": 0}]},
        {"id": "environment/b", "kind": "environment", "licence": "CC0-1.0",
         "files": [{"path": "/etc/passwd", "hash": "", "size": 0}]},
        {"id": "environment/c", "kind": "environment", "licence": "CC0-1.0", "files": []}]})");
    sf::Diagnostics diagnostics;
    const sf::AssetLibrary library = sf::AssetLibrary::read(root, diagnostics);
    QCOMPARE(diagnostics.all().size(), std::size_t{2});
    QCOMPARE(QString::fromStdString(diagnostics.all()[0].pointer),
             QString("/assets/0/files/0/path"));
    QCOMPARE(library.assets().size(), std::size_t{1});
    QVERIFY(errorOf([&] { sf::AssetLibrary::open(root); }).contains("library.json"));
  }

  void safePaths_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("safe");
    QTest::newRow("plain") << "assets/a/b.exr" << true;
    QTest::newRow("dot dot") << "assets/../b.exr" << false;
    QTest::newRow("absolute") << "/etc/passwd" << false;
    QTest::newRow("empty segment") << "assets//b.exr" << false;
    QTest::newRow("dot") << "./b.exr" << false;
    QTest::newRow("backslash") << "assets\\b.exr" << false;
    QTest::newRow("empty") << "" << false;
  }
  void safePaths() {
    QFETCH(QString, path);
    QFETCH(bool, safe);
    QCOMPARE(sf::isSafeLibraryPath(path.toStdString()), safe);
  }

  // A recipe's library is mounted after the built-in assets; its environments are files
  // the renderer reads.
  void recipeLibraryIsMounted() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "lib");
    library.import("environment", {writeHdri(root / "yard.exr")}, cc0({"outdoor"}));
    sf::Recipe recipe;
    recipe.library = "lib/library.json";
    recipe.parameters["environment.map"] = {
        {"type", "assetChoice"}, {"kind", "environment"}, {"tags", {"outdoor"}}};
    const sf::SceneContext context = sf::loadSceneContext(recipe, root);
    const std::size_t builtins = sf::builtinAssetCatalog()->assets().size();
    QCOMPARE(context.assets->assets().size(), builtins + 1);
    const sf::AssetInfo* yard = context.assets->find("environment/yard");
    QVERIFY(yard != nullptr);
    QCOMPARE(yard->licence, std::string("CC0-1.0"));
    QCOMPARE(yard->files.size(), std::size_t{1});
    QVERIFY(fs::exists(yard->files[0]));
    // Draws of outdoor environments include the library's.
    const sf::SceneCompiler compiler = sf::SceneCompiler::create(recipe, context);
    int fromLibrary = 0;
    for (std::uint64_t i = 0; i < 200; ++i) {
      fromLibrary +=
          std::get<std::string>(compiler.drawValue(i, "environment.map")) == "environment/yard";
    }
    QVERIFY(fromLibrary > 10 && fromLibrary < 190);
  }

  // Blender's HDRI folder is indexed when its licence note says CC0, and only then; known
  // maps get names and tags, others a generic entry.
  void blenderEnvironmentsAreIndexedWhenCc0() {
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    QVERIFY(sf::findBlenderEnvironments(root / "missing").empty());
    writeHdri(root / "forest.exr");
    writeHdri(root / "attic.exr");
    std::ofstream(root / "notes.txt") << "not a map";
    QVERIFY(sf::findBlenderEnvironments(root).empty());  // no licence note yet
    std::ofstream(root / "license.txt") << "All HDRIs are licenses as CC0.\n";
    const std::vector<sf::SystemEnvironment> found = sf::findBlenderEnvironments(root);
    QCOMPARE(found.size(), std::size_t{2});
    QCOMPARE(found[0].id, std::string("blender_attic"));
    QCOMPARE(found[0].tags, std::vector<std::string>{"hdri"});
    QCOMPARE(found[1].id, std::string("blender_forest"));
    QCOMPARE(found[1].name, std::string("Forest"));
    QVERIFY(std::find(found[1].tags.begin(), found[1].tags.end(), "outdoor") !=
            found[1].tags.end());
    QCOMPARE(found[1].licence, std::string("CC0-1.0"));
    QVERIFY(found[1].file.is_absolute());
    QCOMPARE(sf::environmentMap(found[1].file.string()).width, 16);
  }

  // On a machine with Debian's blender-data, its maps are built-in environments that
  // recipes draw and the renderer reads.
  void installedBlenderEnvironmentsAreBuiltins() {
    if (sf::systemEnvironments().empty()) {
      QSKIP("blender-data is not installed (/usr/share/blender/datafiles/studiolights/world)");
    }
    for (const sf::SystemEnvironment& environment : sf::systemEnvironments()) {
      const sf::AssetInfo* asset =
          sf::builtinAssetCatalog()->find("builtin/environment/" + environment.id);
      QVERIFY(asset != nullptr);
      QCOMPARE(asset->kind, std::string("environment"));
      QCOMPARE(asset->files, std::vector<std::string>{environment.file.string()});
    }
    const sf::Image& map = sf::environmentMap(sf::systemEnvironments().front().file.string());
    QVERIFY(map.width >= 256);
    QCOMPARE(map.width, 2 * map.height);
    // By id too, as scenes made without the catalog (benchmarks, tools) name them.
    QCOMPARE(sf::environmentMap(sf::systemEnvironments().front().id).pixels, map.pixels);
  }
};

QTEST_GUILESS_MAIN(TestAssetLibrary)
#include "test_asset_library.moc"
