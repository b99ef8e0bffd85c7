// The Library dock, driven as an artist drives it: browse the built-in and imported assets by
// kind, tag and search; import files (dropped or given) with their licence; edit tags and
// licences; put an asset in the recipe. Errors show in the dock and never change the
// library's files.

#include "document/recipe_document.h"
#include "library_dock.h"

#include "assets/asset_library.h"
#include "assets/builtin_catalog.h"
#include "batch/asset_thumbnail.h"
#include "face/model_store.h"
#include "render/image.h"
#include "scene/scene_compiler.h"
#include "scene/scene_context.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>
#include <QUrl>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using sf::ui::LibraryDock;
using sf::ui::RecipeDocument;

namespace fs = std::filesystem;

namespace {

constexpr int kImportTimeout = 30000;

fs::path toPath(const QString& path) {
  return fs::path(QFile::encodeName(path).toStdString());
}

/// How many built-in assets the catalog has of `kind` (all when empty).
int builtinCount(const std::string& kind) {
  const auto assets = sf::builtinAssetCatalog()->assets();
  return int(std::count_if(assets.begin(), assets.end(), [&](const sf::AssetInfo& asset) {
    return kind.empty() || asset.kind == kind;
  }));
}

/// The first built-in asset of `kind`.
QString firstBuiltin(const std::string& kind) {
  for (const sf::AssetInfo& asset : sf::builtinAssetCatalog()->assets()) {
    if (asset.kind == kind) {
      return QString::fromStdString(asset.id);
    }
  }
  return QString();
}

/// A small equirectangular map (8 x 4, a sky-to-ground gradient) as EXR or PNG.
QString writeMap(const QString& path) {
  sf::Image image(8, 4, 3);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      image.at(x, y, 0) = 0.2f + 0.1f * float(x);
      image.at(x, y, 1) = 0.5f;
      image.at(x, y, 2) = 1.0f - 0.2f * float(y);
    }
  }
  sf::writeImage(image, toPath(path));
  return path;
}

/// A one-triangle OBJ.
QString writeObj(const QString& path) {
  QFile file(path);
  file.open(QIODevice::WriteOnly);
  file.write("v 0 0 0\nv 10 0 0\nv 0 10 0\nvn 0 0 1\nf 1//1 2//1 3//1\n");
  return path;
}

QString writeText(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  file.open(QIODevice::WriteOnly);
  file.write(bytes);
  return path;
}

QByteArray readBytes(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString indexFile(const sf::AssetLibrary& library) {
  return QFile::decodeName(QByteArray::fromStdString(library.indexPath().string()));
}

sf::ImportOptions withLicence(const std::string& licence, std::vector<std::string> tags = {}) {
  sf::ImportOptions options;
  options.licence = licence;
  options.author = "Test Author";
  options.tags = std::move(tags);
  return options;
}

void selectKind(LibraryDock& dock, const QString& kind) {
  dock.kindCombo()->setCurrentIndex(dock.kindCombo()->findData(kind));
}

/// Types `text` into a line edit as a user would, over what it held.
void retype(QLineEdit* edit, const QString& text) {
  edit->setFocus();
  edit->selectAll();
  if (text.isEmpty()) {
    QTest::keyClick(edit, Qt::Key_Delete);
  } else {
    QTest::keyClicks(edit, text);
  }
}

QListWidgetItem* itemFor(const LibraryDock& dock, const QString& id) {
  for (int row = 0; row < dock.assetList()->count(); ++row) {
    if (dock.assetList()->item(row)->data(LibraryDock::IdRole).toString() == id) {
      return dock.assetList()->item(row);
    }
  }
  return nullptr;
}

/// Drops `files` on the dock as a file manager would; returns whether the drag was accepted.
bool dropFiles(LibraryDock& dock, const QStringList& files) {
  QMimeData mime;
  QList<QUrl> urls;
  for (const QString& file : files) {
    urls.append(QUrl::fromLocalFile(file));
  }
  mime.setUrls(urls);
  const QPoint where = dock.rect().center();
  QDragEnterEvent enter(where, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&dock, &enter);
  if (!enter.isAccepted()) {
    return false;
  }
  QDropEvent drop(QPointF(where), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&dock, &drop);
  return drop.isAccepted();
}

}  // namespace

class TestLibraryDock : public QObject {
  Q_OBJECT

private slots:
  void initTestCase();

  void listsBuiltins_data();
  void listsBuiltins();
  void builtinEnvironmentThumbnails();
  void builtinRenderedThumbnails();
  void filters_data();
  void filters();

  void importsEnvironment();
  void importErrors_data();
  void importErrors();
  void editsTagsAndLicence();
  void emptyLicenceIsRefused();
  void builtinsAreReadOnly();
  void removesUserAsset();

  void useBuiltinInRecipe_data();
  void useBuiltinInRecipe();
  void useUserAssetSetsLibrary();
  void refusesAssetOfAnotherLibrary();

  void dropImportsEnvironment();
  void dropImportsExpressionAndUsesIt();
  void dropMeshAsksForKind();
  void dropManyFilesMakesOneAssetEach();
  void brokenLibraryIsNeverWritten();

  void guessKind_data();
  void guessKind();

  void screenshot();

private:
  /// A new empty library in the temporary folder.
  sf::AssetLibrary freshLibrary();
  QString file(const QString& name) const { return m_files.filePath(name); }

  QTemporaryDir m_data;   ///< XDG_DATA_HOME: the user library the dock opens
  QTemporaryDir m_files;  ///< inputs and extra libraries
  int m_libraries = 0;
};

void TestLibraryDock::initTestCase() {
  QVERIFY(m_data.isValid() && m_files.isValid());
  qputenv("XDG_DATA_HOME", QFile::encodeName(m_data.path()));
  qputenv("XDG_STATE_HOME", QFile::encodeName(m_data.filePath(QStringLiteral("state"))));
}

sf::AssetLibrary TestLibraryDock::freshLibrary() {
  const QString folder = m_files.filePath(QStringLiteral("library%1").arg(++m_libraries));
  return sf::AssetLibrary::create(toPath(folder), "test");
}

void TestLibraryDock::listsBuiltins_data() {
  QTest::addColumn<QString>("kind");
  QTest::newRow("all") << QString();
  QTest::newRow("environment") << QStringLiteral("environment");
  QTest::newRow("hair") << QStringLiteral("hair");
  QTest::newRow("beard") << QStringLiteral("beard");
  QTest::newRow("headwear (none built in)") << QStringLiteral("headwear");
}

void TestLibraryDock::listsBuiltins() {
  QFETCH(QString, kind);
  RecipeDocument document;
  LibraryDock dock(&document);
  QCOMPARE(dock.objectName(), QStringLiteral("libraryDock"));
  QCOMPARE(dock.windowTitle(), QStringLiteral("Library"));
  QVERIFY(dock.isUserLibraryWritable());
  dock.setUserLibrary(freshLibrary());
  selectKind(dock, kind);
  QCOMPARE(dock.kindCombo()->currentData().toString(), kind);
  QCOMPARE(dock.visibleCount(), builtinCount(kind.toStdString()));
  for (int row = 0; row < dock.assetList()->count(); ++row) {
    const QListWidgetItem* item = dock.assetList()->item(row);
    QVERIFY(item->data(LibraryDock::BuiltinRole).toBool());
    QVERIFY(item->toolTip().contains(QStringLiteral("built-in")));
    QVERIFY(item->toolTip().contains(item->data(LibraryDock::IdRole).toString()));
  }
}

void TestLibraryDock::builtinEnvironmentThumbnails() {
  RecipeDocument document;
  LibraryDock dock(&document);
  const QString id = firstBuiltin("environment");
  QListWidgetItem* item = itemFor(dock, id);
  QVERIFY(item);
  // Painted on a worker thread, then shown.
  QTRY_VERIFY_WITH_TIMEOUT(item->data(LibraryDock::ThumbnailRole).toBool(), 20000);
  QVERIFY(!item->icon().isNull());
}

void TestLibraryDock::builtinRenderedThumbnails() {
  // Built-ins other than environments are pictured by the renderer: the head wearing the
  // asset. Renders are cached; a cached one is shown without rendering again. The cache
  // here holds a picture for every groom, so nothing needs rendering.
  QTemporaryDir cache;
  QVERIFY(cache.isValid());
  const QByteArray previous = qgetenv("XDG_CACHE_HOME");
  qputenv("XDG_CACHE_HOME", QFile::encodeName(cache.path()));
  QImage red(16, 16, QImage::Format_RGB888);
  red.fill(Qt::red);
  for (const sf::AssetInfo& asset : sf::builtinAssetCatalog()->assets()) {
    if (asset.kind == "hair") {
      const std::filesystem::path path = sf::AssetThumbnailer::cachePath(
          sf::defaultHeadCachePath().parent_path(), asset.id, asset.kind);
      std::filesystem::create_directories(path.parent_path());
      QVERIFY(red.save(QFile::decodeName(QByteArray::fromStdString(path.string()))));
    }
  }
  {
    RecipeDocument document;
    LibraryDock dock(&document);
    dock.resize(420, 700);
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    selectKind(dock, QStringLiteral("hair"));
    QListWidgetItem* hair = itemFor(dock, firstBuiltin("hair"));
    QVERIFY(hair);
    QTRY_VERIFY_WITH_TIMEOUT(hair->data(LibraryDock::ThumbnailRole).toBool(), 20000);
    // The tile shows the cached picture: red in its middle.
    const QImage tile = hair->icon().pixmap(QSize(96, 96)).toImage();
    const QColor middle = tile.pixelColor(tile.width() / 2, tile.height() / 2);
    QVERIFY2(middle.red() > 200 && middle.green() < 60, qPrintable(middle.name()));
    // A groom out of view is not asked for until it is scrolled to.
    QListWidgetItem* last = nullptr;
    for (int row = 0; row < dock.assetList()->count(); ++row) {
      if (!dock.assetList()->item(row)->isHidden()) {
        last = dock.assetList()->item(row);
      }
    }
    QVERIFY(last && last->data(LibraryDock::IdRole).toString().startsWith("builtin/hair/"));
    if (!dock.assetList()->visualItemRect(last).intersects(dock.assetList()->viewport()->rect())) {
      QVERIFY(!last->data(LibraryDock::ThumbnailRole).toBool());
      dock.assetList()->scrollToItem(last);
      QTRY_VERIFY_WITH_TIMEOUT(last->data(LibraryDock::ThumbnailRole).toBool(), 20000);
    }
  }
  qputenv("XDG_CACHE_HOME", previous);
}

void TestLibraryDock::filters_data() {
  QTest::addColumn<QString>("kind");
  QTest::addColumn<QString>("tag");
  QTest::addColumn<QString>("search");
  QTest::addColumn<int>("expected");
  QTest::newRow("name") << QString() << QString() << QStringLiteral("zebra") << 1;
  QTest::newRow("any case") << QString() << QString() << QStringLiteral("ZEBRA") << 1;
  QTest::newRow("id") << QString() << QString() << QStringLiteral("environment/giraffe") << 1;
  QTest::newRow("tag") << QString() << QString() << QStringLiteral("zzstripes") << 2;
  QTest::newRow("two words") << QString() << QString() << QStringLiteral("zebra zzstripes") << 1;
  QTest::newRow("no match") << QString() << QString() << QStringLiteral("zebra nothing") << 0;
  QTest::newRow("tag filter") << QString() << QStringLiteral("zzstripes") << QString() << 2;
  QTest::newRow("tag filter and search")
      << QString() << QStringLiteral("zzstripes") << QStringLiteral("giraffe") << 1;
  QTest::newRow("kind and tag") << QStringLiteral("environment") << QStringLiteral("zzspots")
                                << QString() << 1;
  QTest::newRow("other kind") << QStringLiteral("hair") << QString() << QStringLiteral("zebra")
                              << 0;
}

void TestLibraryDock::filters() {
  QFETCH(QString, kind);
  QFETCH(QString, tag);
  QFETCH(QString, search);
  QFETCH(int, expected);
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.setUserLibrary(freshLibrary());
  QCOMPARE(
      dock.importFiles(QStringLiteral("environment"), {writeMap(file(QStringLiteral("zebra.exr")))},
                       withLicence("CC0-1.0", {"zzstripes"})),
      QString());
  QCOMPARE(dock.importFiles(QStringLiteral("environment"),
                            {writeMap(file(QStringLiteral("giraffe.png")))},
                            withLicence("CC0-1.0", {"zzstripes", "zzspots"})),
           QString());
  selectKind(dock, kind);
  if (!tag.isEmpty()) {
    const int index = dock.tagCombo()->findData(tag);
    QVERIFY(index > 0);
    dock.tagCombo()->setCurrentIndex(index);
  }
  dock.searchEdit()->setFocus();
  QTest::keyClicks(dock.searchEdit(), search);
  QCOMPARE(dock.visibleCount(), expected);
  // Clearing the search and filters shows everything again.
  dock.searchEdit()->clear();
  dock.tagCombo()->setCurrentIndex(0);
  selectKind(dock, QString());
  QCOMPARE(dock.visibleCount(), builtinCount("") + 2);
}

void TestLibraryDock::importsEnvironment() {
  RecipeDocument document;
  LibraryDock dock(&document);
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  selectKind(dock, QStringLiteral("environment"));
  const int before = dock.visibleCount();

  const QString map = writeMap(file(QStringLiteral("meadow.exr")));
  QCOMPARE(dock.importFiles(QStringLiteral("environment"), {map},
                            withLicence("CC-BY-4.0", {"outdoor", "green"})),
           QString());
  QVERIFY(!dock.errorLabel()->isVisible());
  QCOMPARE(dock.visibleCount(), before + 1);
  const QString id = QStringLiteral("environment/meadow");
  QCOMPARE(dock.selectedId(), id);
  QVERIFY(dock.statusLabel()->text().contains(id));
  QListWidgetItem* item = itemFor(dock, id);
  QVERIFY(item);
  QVERIFY(!item->data(LibraryDock::BuiltinRole).toBool());
  QVERIFY(item->data(LibraryDock::ThumbnailRole).toBool());
  QCOMPARE(dock.licenceEdit()->text(), QStringLiteral("CC-BY-4.0"));
  QCOMPARE(dock.tagsEdit()->text(), QStringLiteral("outdoor, green"));

  // On disk: the index lists it, with its licence.
  const sf::AssetLibrary reread = sf::AssetLibrary::open(library.folder());
  const sf::LibraryAsset* asset = reread.find(id.toStdString());
  QVERIFY(asset);
  QCOMPARE(asset->licence, std::string("CC-BY-4.0"));
  QCOMPARE(asset->author, std::string("Test Author"));
  QVERIFY(readBytes(indexFile(library)).contains("environment/meadow"));
}

void TestLibraryDock::importErrors_data() {
  QTest::addColumn<QString>("kind");
  QTest::addColumn<QString>("fileName");
  QTest::addColumn<QByteArray>("contents");  // empty: a real map
  QTest::addColumn<QString>("licence");
  QTest::newRow("no licence") << QStringLiteral("environment") << QStringLiteral("nolicence.exr")
                              << QByteArray() << QString();
  QTest::newRow("corrupt EXR") << QStringLiteral("environment") << QStringLiteral("corrupt.exr")
                               << QByteArray("this is not an image") << QStringLiteral("CC0-1.0");
  QTest::newRow("corrupt OBJ") << QStringLiteral("headwear") << QStringLiteral("corrupt.obj")
                               << QByteArray("f 1 2 3\nnonsense\n") << QStringLiteral("CC0-1.0");
  QTest::newRow("missing file") << QStringLiteral("environment") << QStringLiteral("missing.hdr")
                                << QByteArray("-") << QStringLiteral("CC0-1.0");
}

void TestLibraryDock::importErrors() {
  QFETCH(QString, kind);
  QFETCH(QString, fileName);
  QFETCH(QByteArray, contents);
  QFETCH(QString, licence);
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.show();
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  const QString path = file(fileName);
  if (contents.isEmpty()) {
    writeMap(path);
  } else if (contents != "-") {
    writeText(path, contents);
  }
  const QByteArray indexBefore = readBytes(indexFile(library));
  const int countBefore = dock.assetList()->count();

  const QString error = dock.importFiles(kind, {path}, withLicence(licence.toStdString(), {"tag"}));
  QVERIFY2(error.contains(fileName), qPrintable(error));
  QVERIFY(dock.errorLabel()->isVisible());
  QCOMPARE(dock.errorLabel()->text(), error);
  QCOMPARE(dock.assetList()->count(), countBefore);
  QCOMPARE(readBytes(indexFile(library)), indexBefore);
  QVERIFY(dock.userLibrary().assets().empty());
}

void TestLibraryDock::editsTagsAndLicence() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.show();
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  QCOMPARE(
      dock.importFiles(QStringLiteral("environment"), {writeMap(file(QStringLiteral("attic.png")))},
                       withLicence("CC0-1.0", {"indoor"})),
      QString());
  const QString id = QStringLiteral("environment/attic");
  QVERIFY(dock.selectAsset(id));
  QVERIFY(!dock.applyButton()->isEnabled());  // nothing edited yet

  retype(dock.tagsEdit(), QStringLiteral("warm, indoor ,  dim,warm"));
  retype(dock.licenceEdit(), QStringLiteral("CC-BY-4.0"));
  retype(dock.authorEdit(), QStringLiteral("Ann Artist"));
  QVERIFY(dock.applyButton()->isEnabled());
  QTest::mouseClick(dock.applyButton(), Qt::LeftButton);
  QVERIFY2(!dock.errorLabel()->isVisible(), qPrintable(dock.errorLabel()->text()));
  QVERIFY(!dock.applyButton()->isEnabled());
  QCOMPARE(dock.selectedId(), id);
  QCOMPARE(dock.tagsEdit()->text(), QStringLiteral("warm, indoor, dim"));

  const sf::AssetLibrary reread = sf::AssetLibrary::open(library.folder());
  const sf::LibraryAsset* asset = reread.find(id.toStdString());
  QVERIFY(asset);
  QCOMPARE(asset->tags, (std::vector<std::string>{"warm", "indoor", "dim"}));
  QCOMPARE(asset->licence, std::string("CC-BY-4.0"));
  QCOMPARE(asset->author, std::string("Ann Artist"));
  // The new tags filter at once.
  QVERIFY(dock.tagCombo()->findData(QStringLiteral("dim")) > 0);
  QVERIFY(itemFor(dock, id)->toolTip().contains(QStringLiteral("dim")));
}

void TestLibraryDock::emptyLicenceIsRefused() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.show();
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  QCOMPARE(dock.importFiles(QStringLiteral("environment"),
                            {writeMap(file(QStringLiteral("cellar.exr")))}, withLicence("CC0-1.0")),
           QString());
  const QByteArray indexBefore = readBytes(indexFile(library));
  retype(dock.licenceEdit(), QString());
  retype(dock.tagsEdit(), QStringLiteral("dark"));
  QTest::mouseClick(dock.applyButton(), Qt::LeftButton);
  QVERIFY(dock.errorLabel()->isVisible());
  QVERIFY2(dock.errorLabel()->text().contains(QStringLiteral("licence")),
           qPrintable(dock.errorLabel()->text()));
  QCOMPARE(readBytes(indexFile(library)), indexBefore);
}

void TestLibraryDock::builtinsAreReadOnly() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.setUserLibrary(freshLibrary());
  QVERIFY(dock.selectAsset(firstBuiltin("environment")));
  QCOMPARE(dock.idEdit()->text(), firstBuiltin("environment"));
  QCOMPARE(dock.kindEdit()->text(), QStringLiteral("environment"));
  for (QLineEdit* edit : {dock.idEdit(), dock.kindEdit(), dock.licenceEdit(), dock.authorEdit(),
                          dock.tagsEdit(), dock.sourceEdit()}) {
    QVERIFY2(edit->isReadOnly(), qPrintable(edit->objectName()));
  }
  QVERIFY(!dock.applyButton()->isEnabled());
  QVERIFY(!dock.applyDetails().isEmpty());
  QVERIFY(dock.useButton()->isEnabled());

  // A user asset's licence, author and tags are editable; its id is not.
  QCOMPARE(dock.importFiles(QStringLiteral("environment"),
                            {writeMap(file(QStringLiteral("porch.exr")))}, withLicence("CC0-1.0")),
           QString());
  QVERIFY(dock.idEdit()->isReadOnly());
  QVERIFY(!dock.licenceEdit()->isReadOnly());
  QVERIFY(!dock.authorEdit()->isReadOnly());
  QVERIFY(!dock.tagsEdit()->isReadOnly());
}

void TestLibraryDock::removesUserAsset() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.show();
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  // Built-ins cannot be removed.
  QVERIFY(dock.selectAsset(firstBuiltin("environment")));
  QVERIFY(!dock.removeButton()->isEnabled());
  QVERIFY(dock.removeSelected(false).contains(QStringLiteral("built in")));

  QCOMPARE(dock.importFiles(QStringLiteral("environment"),
                            {writeMap(file(QStringLiteral("shed.exr")))}, withLicence("CC0-1.0")),
           QString());
  const QString id = dock.selectedId();
  const sf::LibraryAsset* asset = dock.userLibrary().find(id.toStdString());
  QVERIFY(asset != nullptr);
  const fs::path stored = dock.userLibrary().absolutePath(asset->files.front().path);
  QVERIFY(fs::exists(stored));
  QVERIFY(dock.removeButton()->isEnabled());
  // The button asks first; Cancel keeps everything.
  QTimer::singleShot(0, [] {
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    QVERIFY(box != nullptr);
    QVERIFY(box->text().contains(QStringLiteral("cannot be undone")));
    box->button(QMessageBox::Cancel)->click();
  });
  QTest::mouseClick(dock.removeButton(), Qt::LeftButton);
  QVERIFY(dock.userLibrary().find(id.toStdString()) != nullptr);
  QVERIFY(fs::exists(stored));
  const int tiles = dock.assetList()->count();
  QCOMPARE(dock.removeSelected(false), QString());
  // Gone from the dock, from library.json on disk, and its file from the folder.
  QCOMPARE(dock.assetList()->count(), tiles - 1);
  QVERIFY(!dock.selectAsset(id));
  QVERIFY(sf::AssetLibrary::open(library.folder()).find(id.toStdString()) == nullptr);
  QVERIFY(!fs::exists(stored));
  QVERIFY(dock.statusLabel()->text().contains(id));
}

void TestLibraryDock::useBuiltinInRecipe_data() {
  QTest::addColumn<QString>("kind");
  QTest::addColumn<QString>("path");
  QTest::newRow("environment") << QStringLiteral("environment")
                               << QStringLiteral("environment.map");
  QTest::newRow("hair") << QStringLiteral("hair") << QStringLiteral("hair.groom");
  QTest::newRow("beard") << QStringLiteral("beard") << QStringLiteral("beard.groom");
}

void TestLibraryDock::useBuiltinInRecipe() {
  QFETCH(QString, kind);
  QFETCH(QString, path);
  QCOMPARE(LibraryDock::recipePathForKind(kind), path);
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.show();
  dock.setUserLibrary(freshLibrary());
  const sf::Recipe before = document.recipe();
  const QString id = firstBuiltin(kind.toStdString());
  QVERIFY(dock.selectAsset(id));
  QSignalSpy changed(&document, &RecipeDocument::changed);
  QTest::mouseClick(dock.useButton(), Qt::LeftButton);
  QVERIFY2(!dock.errorLabel()->isVisible(), qPrintable(dock.errorLabel()->text()));
  QCOMPARE(changed.count(), 1);
  QVERIFY(changed.front().front().toStringList().contains(path));

  const sf::Recipe after = document.recipe();
  QVERIFY(after.parameters.at(path.toStdString()) == nlohmann::json(id.toStdString()));
  QCOMPARE(after.library, std::string());  // built-ins need no library
  QVERIFY(dock.statusLabel()->text().contains(path));
  document.undoStack()->undo();
  QVERIFY(document.recipe() == before);
  document.undoStack()->redo();
  QVERIFY(document.recipe() == after);
}

void TestLibraryDock::useUserAssetSetsLibrary() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.show();
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  QCOMPARE(
      dock.importFiles(QStringLiteral("environment"),
                       {writeMap(file(QStringLiteral("harbour.exr")))}, withLicence("CC0-1.0")),
      QString());
  const sf::Recipe before = document.recipe();
  QVERIFY(before.library.empty());
  QVERIFY(dock.recipeNoteLabel()->text().contains(QStringLiteral("no library")));
  QCOMPARE(dock.useSelectedInRecipe(), QString());
  QVERIFY(dock.recipeNoteLabel()->text().contains(QStringLiteral("environment.map")));
  const sf::Recipe after = document.recipe();
  QVERIFY(after.parameters.at("environment.map") == nlohmann::json("environment/harbour"));
  QVERIFY(fs::path(after.library) == library.indexPath());
  QVERIFY(dock.statusLabel()->text().contains(indexFile(library)));
  // One step: undo restores the parameter and the library together.
  QCOMPARE(document.undoStack()->count(), 1);
  document.undoStack()->undo();
  QVERIFY(document.recipe() == before);
  document.undoStack()->redo();
  QVERIFY(document.recipe() == after);
}

void TestLibraryDock::refusesAssetOfAnotherLibrary() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.show();
  dock.setUserLibrary(freshLibrary());
  QCOMPARE(dock.importFiles(QStringLiteral("environment"),
                            {writeMap(file(QStringLiteral("quay.exr")))}, withLicence("CC0-1.0")),
           QString());
  const sf::AssetLibrary other = freshLibrary();
  QCOMPARE(document.setSetting("library", other.indexPath().string()), QString());
  const sf::Recipe before = document.recipe();
  QVERIFY(dock.recipeNoteLabel()->text().contains(indexFile(other)));
  QVERIFY(!dock.useSelectedInRecipe().isEmpty());
  QVERIFY(dock.errorLabel()->isVisible());
  QVERIFY(dock.errorLabel()->text().contains(indexFile(other)));
  QVERIFY(document.recipe() == before);
  // A built-in is always found, whatever the library.
  QVERIFY(dock.selectAsset(firstBuiltin("environment")));
  QCOMPARE(dock.useSelectedInRecipe(), QString());
}

void TestLibraryDock::dropImportsEnvironment() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.resize(400, 700);
  dock.show();
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  const QString map = writeMap(file(QStringLiteral("dusk.exr")));
  QVERIFY(dropFiles(dock, {map}));

  // The import form opens with the kind guessed; the licence is the user's to give.
  QVERIFY(dock.importForm()->isVisible());
  QCOMPARE(dock.pendingImportFiles(), QStringList{map});
  QCOMPARE(dock.importKindCombo()->currentData().toString(), QStringLiteral("environment"));
  QVERIFY(dock.userLibrary().assets().empty());

  // Without a licence the import fails, naming the file, and the form stays.
  QSignalSpy finished(&dock, &LibraryDock::importFinished);
  QTest::mouseClick(dock.importStartButton(), Qt::LeftButton);
  QVERIFY(finished.wait(kImportTimeout));
  QVERIFY(finished.front().front().toString().contains(QStringLiteral("dusk.exr")));
  QVERIFY(dock.importForm()->isVisible());
  QVERIFY(dock.userLibrary().assets().empty());

  retype(dock.importLicenceEdit(), QStringLiteral("CC0-1.0"));
  retype(dock.importTagsEdit(), QStringLiteral("outdoor, evening"));
  finished.clear();
  QTest::mouseClick(dock.importStartButton(), Qt::LeftButton);
  QVERIFY(dock.isImporting() || finished.count() == 1);
  QVERIFY(finished.count() == 1 || finished.wait(kImportTimeout));
  QCOMPARE(finished.front().front().toString(), QString());
  QVERIFY(!dock.isImporting());
  QVERIFY(!dock.importForm()->isVisible());
  QVERIFY(dock.pendingImportFiles().isEmpty());
  QCOMPARE(dock.selectedId(), QStringLiteral("environment/dusk"));

  const sf::AssetLibrary reread = sf::AssetLibrary::open(library.folder());
  const sf::LibraryAsset* asset = reread.find("environment/dusk");
  QVERIFY(asset);
  QCOMPARE(asset->tags, (std::vector<std::string>{"outdoor", "evening"}));
  QVERIFY(!asset->thumbnail.empty());
  QVERIFY(
      itemFor(dock, QStringLiteral("environment/dusk"))->data(LibraryDock::ThumbnailRole).toBool());
}

// A dropped file of blendshape weights is an expression: imported with a thumbnail of the
// head wearing it, and Use in Recipe makes it the recipe's expression preset.
void TestLibraryDock::dropImportsExpressionAndUsesIt() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.resize(400, 700);
  dock.show();
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  const QString grin = writeText(file(QStringLiteral("grin.json")),
                                 R"({"format": "synthface-expression", "version": 1,
          "shapes": {"mouthSmileLeft": 0.9, "mouthSmileRight": 0.9, "cheekSquintLeft": 0.4}})");
  QVERIFY(dropFiles(dock, {grin}));
  QCOMPARE(dock.importKindCombo()->currentData().toString(), QStringLiteral("expression"));
  retype(dock.importLicenceEdit(), QStringLiteral("CC0-1.0"));
  QSignalSpy finished(&dock, &LibraryDock::importFinished);
  QTest::mouseClick(dock.importStartButton(), Qt::LeftButton);
  QVERIFY(finished.count() == 1 || finished.wait(kImportTimeout));
  QCOMPARE(finished.front().front().toString(), QString());
  QCOMPARE(dock.selectedId(), QStringLiteral("expression/grin"));
  QVERIFY(
      itemFor(dock, QStringLiteral("expression/grin"))->data(LibraryDock::ThumbnailRole).toBool());

  QCOMPARE(dock.useSelectedInRecipe(), QString());
  const sf::Recipe& recipe = document.recipe();
  QVERIFY(recipe.parameters.at("expression.preset") == nlohmann::json("expression/grin"));
  QVERIFY(fs::path(recipe.library) == library.indexPath());
  const sf::SceneContext context = sf::loadSceneContext(recipe);
  sf::Recipe expressive = recipe;
  expressive.parameters["expression.neutral"] = false;
  QCOMPARE(sf::compileScene(expressive, 2, context).expression.at("mouthSmileLeft"), 0.9);
}

void TestLibraryDock::dropMeshAsksForKind() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.resize(400, 700);
  dock.show();
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  const QString mesh = writeObj(file(QStringLiteral("cap.obj")));
  QVERIFY(dropFiles(dock, {mesh}));
  QCOMPARE(dock.importKindCombo()->currentIndex(), -1);  // a mesh could be many kinds

  QSignalSpy finished(&dock, &LibraryDock::importFinished);
  retype(dock.importLicenceEdit(), QStringLiteral("CC0-1.0"));
  QTest::mouseClick(dock.importStartButton(), Qt::LeftButton);
  QCOMPARE(finished.count(), 1);
  QVERIFY(finished.front().front().toString().contains(QStringLiteral("kind")));
  QVERIFY(dock.userLibrary().assets().empty());

  dock.importKindCombo()->setCurrentIndex(
      dock.importKindCombo()->findData(QStringLiteral("headwear")));
  finished.clear();
  QTest::mouseClick(dock.importStartButton(), Qt::LeftButton);
  QVERIFY(finished.count() == 1 || finished.wait(kImportTimeout));
  QCOMPARE(finished.front().front().toString(), QString());
  QCOMPARE(dock.selectedId(), QStringLiteral("headwear/cap"));
  QCOMPARE(dock.kindEdit()->text(), QStringLiteral("headwear"));
  QVERIFY(sf::AssetLibrary::open(library.folder()).find("headwear/cap"));

  // With the headwear filter on, a dropped mesh is taken for headwear.
  selectKind(dock, QStringLiteral("headwear"));
  QVERIFY(dropFiles(dock, {writeObj(file(QStringLiteral("beanie.obj")))}));
  QCOMPARE(dock.importKindCombo()->currentData().toString(), QStringLiteral("headwear"));
  QTest::mouseClick(dock.importCancelButton(), Qt::LeftButton);
  QVERIFY(dock.pendingImportFiles().isEmpty());
  QCOMPARE(dock.userLibrary().assets().size(), std::size_t(1));
}

void TestLibraryDock::dropManyFilesMakesOneAssetEach() {
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.show();
  sf::AssetLibrary library = freshLibrary();
  dock.setUserLibrary(library);
  const QString good1 = writeMap(file(QStringLiteral("north.exr")));
  const QString bad = writeText(file(QStringLiteral("broken.hdr")), "#?RADIANCE\ngarbage");
  const QString good2 = writeMap(file(QStringLiteral("south.exr")));
  QVERIFY(dropFiles(dock, {good1, bad, good2}));
  QVERIFY(dock.importEachCheck()->isChecked());
  retype(dock.importLicenceEdit(), QStringLiteral("CC0-1.0"));
  QSignalSpy finished(&dock, &LibraryDock::importFinished);
  dock.startImport();
  QVERIFY(finished.wait(kImportTimeout));
  // The good files went in; the bad one is reported and stays in the form.
  const QString error = finished.front().front().toString();
  QVERIFY2(error.contains(QStringLiteral("broken.hdr")), qPrintable(error));
  const sf::AssetLibrary reread = sf::AssetLibrary::open(library.folder());
  QVERIFY(reread.find("environment/north"));
  QVERIFY(reread.find("environment/south"));
  QCOMPARE(reread.assets().size(), std::size_t(2));
  QCOMPARE(dock.pendingImportFiles(), QStringList{bad});
  QVERIFY(dock.importForm()->isVisible());
}

void TestLibraryDock::brokenLibraryIsNeverWritten() {
  QTemporaryDir data;
  const QString folder = data.filePath(QStringLiteral("synthface/library"));
  QVERIFY(QDir().mkpath(folder));
  const QString index = writeText(folder + QStringLiteral("/library.json"), "{\"format\": ");
  const QByteArray before = readBytes(index);
  const QByteArray saved = qgetenv("XDG_DATA_HOME");
  qputenv("XDG_DATA_HOME", QFile::encodeName(data.path()));
  {
    RecipeDocument document;
    LibraryDock dock(&document);
    dock.show();
    QVERIFY(!dock.isUserLibraryWritable());
    QVERIFY(dock.errorLabel()->isVisible());
    QVERIFY2(dock.errorLabel()->text().contains(QStringLiteral("library.json")),
             qPrintable(dock.errorLabel()->text()));
    QCOMPARE(dock.visibleCount(), builtinCount(""));  // the built-ins are still there
    QVERIFY(!dock.importButton()->isEnabled());
    const QString error =
        dock.importFiles(QStringLiteral("environment"),
                         {writeMap(file(QStringLiteral("never.exr")))}, withLicence("CC0-1.0"));
    QVERIFY(error.contains(QStringLiteral("library.json")));
    QVERIFY(dropFiles(dock, {file(QStringLiteral("never.exr"))}));
    retype(dock.importLicenceEdit(), QStringLiteral("CC0-1.0"));
    QSignalSpy finished(&dock, &LibraryDock::importFinished);
    dock.startImport();
    QVERIFY(finished.count() == 1 || finished.wait(kImportTimeout));
    QVERIFY(!finished.front().front().toString().isEmpty());
  }
  qputenv("XDG_DATA_HOME", saved);
  QCOMPARE(readBytes(index), before);
}

void TestLibraryDock::guessKind_data() {
  QTest::addColumn<QStringList>("files");
  QTest::addColumn<QString>("current");
  QTest::addColumn<QString>("expected");
  const QString none;
  QTest::newRow("hdr") << QStringList{"a.hdr"} << none << "environment";
  QTest::newRow("exr over filter") << QStringList{"a.EXR"} << "skin"
                                   << "environment";
  QTest::newRow("png, all kinds") << QStringList{"a.png"} << none << "environment";
  QTest::newRow("png, skin filter") << QStringList{"a.png"} << "skin"
                                    << "skin";
  QTest::newRow("skin colour, all kinds") << QStringList{"face_albedo.png"} << none << "skin";
  QTest::newRow("skin maps, all kinds")
      << QStringList{"Diffuse.jpg", "Normal.png", "rough.png"} << none << "skin";
  QTest::newRow("obj, all kinds") << QStringList{"a.obj"} << none << none;
  QTest::newRow("obj, environment filter") << QStringList{"a.obj"} << "environment" << none;
  QTest::newRow("fbx, eyewear filter") << QStringList{"a.fbx"} << "eyewear"
                                       << "eyewear";
  QTest::newRow("expression json") << QStringList{"grin.json"} << none << "expression";
  QTest::newRow("MakeHuman expression") << QStringList{"smile01.mhpose"} << "hair"
                                        << "expression";
  QTest::newRow("glTF with texture") << QStringList{"a.gltf", "a.bin", "a.png"} << "clothing"
                                     << "clothing";
}

void TestLibraryDock::guessKind() {
  QFETCH(QStringList, files);
  QFETCH(QString, current);
  QFETCH(QString, expected);
  QCOMPARE(LibraryDock::guessKind(files, current), expected);
}

void TestLibraryDock::screenshot() {
  const QString dir = qEnvironmentVariable("SF_SCREENSHOT_DIR");
  if (dir.isEmpty()) {
    QSKIP("set SF_SCREENSHOT_DIR to save a screenshot of the dock");
  }
  QDir().mkpath(dir);
  RecipeDocument document;
  LibraryDock dock(&document);
  dock.setUserLibrary(freshLibrary());
  QCOMPARE(dock.importFiles(QStringLiteral("environment"),
                            {writeMap(file(QStringLiteral("sunset_pier.exr")))},
                            withLicence("CC-BY-4.0", {"outdoor", "warm"})),
           QString());
  QCOMPARE(
      dock.importFiles(QStringLiteral("headwear"), {writeObj(file(QStringLiteral("knit_cap.obj")))},
                       withLicence("CC0-1.0", {"winter"})),
      QString());
  dock.resize(420, 760);
  dock.show();
  QVERIFY(QTest::qWaitForWindowExposed(&dock));
  const QString id = firstBuiltin("environment");
  QListWidgetItem* item = itemFor(dock, id);
  QTRY_VERIFY_WITH_TIMEOUT(item->data(LibraryDock::ThumbnailRole).toBool(), 20000);
  QVERIFY(dock.selectAsset(QStringLiteral("environment/sunset_pier")));
  QTest::qWait(300);  // the other thumbnails
  QVERIFY(dock.grab().save(dir + QStringLiteral("/library_dock.png")));

  selectKind(dock, QStringLiteral("hair"));
  dock.selectAsset(firstBuiltin("hair"));
  // The grooms in view are rendered (or read from the cache), one at a time.
  auto inViewPictured = [&] {
    QListWidget* list = dock.assetList();
    for (int row = 0; row < list->count(); ++row) {
      QListWidgetItem* tile = list->item(row);
      if (!tile->isHidden() && list->visualItemRect(tile).intersects(list->viewport()->rect()) &&
          !tile->data(LibraryDock::ThumbnailRole).toBool()) {
        return false;
      }
    }
    return true;
  };
  QTRY_VERIFY_WITH_TIMEOUT(inViewPictured(), 180000);
  QVERIFY(dock.grab().save(dir + QStringLiteral("/library_dock_hair.png")));
  selectKind(dock, QStringLiteral("skin"));
  QTRY_VERIFY_WITH_TIMEOUT(inViewPictured(), 180000);
  QVERIFY(dock.grab().save(dir + QStringLiteral("/library_dock_skin.png")));
  for (const auto& [name, shapes] :
       {std::pair{"grin", R"({"mouthSmileLeft": 1, "mouthSmileRight": 1, "cheekSquintLeft": 0.5})"},
        std::pair{"shout", R"({"jawOpen": 0.7, "browDownLeft": 1, "browDownRight": 1})"},
        std::pair{"wink", R"({"eyeBlinkLeft": 1, "mouthSmileLeft": 0.5})"}}) {
    const QString path =
        writeText(file(QString::fromLatin1(name) + QStringLiteral(".json")),
                  QByteArray(R"({"format": "synthface-expression", "version": 1, "shapes": )") +
                      shapes + "}");
    QCOMPARE(dock.importFiles(QStringLiteral("expression"), {path}, withLicence("CC0-1.0")),
             QString());
  }
  selectKind(dock, QStringLiteral("expression"));
  QTRY_VERIFY_WITH_TIMEOUT(inViewPictured(), 180000);
  QVERIFY(dock.grab().save(dir + QStringLiteral("/library_dock_expression.png")));

  selectKind(dock, QString());
  QVERIFY(dropFiles(dock, {writeMap(file(QStringLiteral("loft.exr")))}));
  QTest::qWait(50);
  QVERIFY(dock.grab().save(dir + QStringLiteral("/library_dock_import.png")));
}

QTEST_MAIN(TestLibraryDock)
#include "test_library_dock.moc"
