#include "main_window.h"

#include "batch_dock.h"
#include "distributions_dock.h"
#include "document/recipe_document.h"
#include "face_dock.h"
#include "library_dock.h"
#include "preview_dock.h"
#include "recovery_dialog.h"
#include "render_service.h"
#include "samples_dock.h"
#include "viewport/dressing_entity.h"
#include "viewport/face_entity.h"
#include "viewport/face_overlay.h"
#include "viewport/viewport_widget.h"

#include "assets/asset_library.h"
#include "face/face_geometry.h"
#include "face/face_model_io.h"
#include "face/io/model_import.h"
#include "face/model_store.h"
#include "render/face_scene.h"
#include "scene/scene_compiler.h"
#include "system_info.h"
#include "util/error.h"
#include "util/files.h"

#include <QApplication>
#include <QBuffer>
#include <QCloseEvent>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QThread>
#include <QTimer>
#include <QUndoStack>
#include <QWindow>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <utility>

namespace sf::ui {

/// A model made ready for the viewport: loaded, subdivided once and posed at rest, with the
/// scene context of the recipe it was loaded for. On the heap so that the geometry's model
/// stays where it is.
struct LoadedFace {
  FaceModel model;
  std::optional<FaceGeometry> geometry;
  PosedFace posed;
  std::optional<SceneContext> context;
};

namespace {

constexpr int kMaxRecentFiles = 8;
constexpr int kAutosaveMilliseconds = 30000;

/// The file a recipe's model names, from the recipe's folder; "default" for the built-in.
std::string modelPathOf(const Recipe& recipe, const QString& baseDir) {
  const std::filesystem::path given(recipe.model);
  if (recipe.model == "default" || given.is_absolute()) {
    return recipe.model;
  }
  return (std::filesystem::path(baseDir.toStdString()) / given).string();
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  m_document = new RecipeDocument(this);
  m_service = new RenderService(this);
  m_viewport = new ViewportWidget(this);
  setCentralWidget(m_viewport);
  m_face = new FaceEntity(m_viewport->contentRoot());
  m_overlay = new FaceOverlay(m_viewport->contentRoot());
  m_dressing = new DressingEntity(m_viewport->contentRoot());
  m_dressingPool = new QThreadPool(this);
  m_dressingPool->setMaxThreadCount(1);

  m_faceDock = new FaceDock(m_document, this);
  m_faceDock->setEnabled(false);  // until the model has loaded
  addDockWidget(Qt::RightDockWidgetArea, m_faceDock);
  m_distributionsDock = new DistributionsDock(m_document, this);
  addDockWidget(Qt::RightDockWidgetArea, m_distributionsDock);
  tabifyDockWidget(m_faceDock, m_distributionsDock);
  m_libraryDock = new LibraryDock(m_document, this);
  addDockWidget(Qt::RightDockWidgetArea, m_libraryDock);
  tabifyDockWidget(m_distributionsDock, m_libraryDock);
  m_faceDock->raise();
  m_previewDock = new PreviewDock(m_service, this);
  addDockWidget(Qt::LeftDockWidgetArea, m_previewDock);
  m_samplesDock = new SamplesDock(m_document, m_service, this);
  addDockWidget(Qt::BottomDockWidgetArea, m_samplesDock);
  m_batchDock = new BatchDock(m_document, this);
  addDockWidget(Qt::LeftDockWidgetArea, m_batchDock);
  tabifyDockWidget(m_previewDock, m_batchDock);
  m_previewDock->raise();
  resizeDocks({m_previewDock, m_faceDock}, {400, 330}, Qt::Horizontal);
  resizeDocks({m_samplesDock}, {230}, Qt::Vertical);

  m_rendererUpdate = new QTimer(this);
  m_rendererUpdate->setSingleShot(true);
  m_rendererUpdate->setInterval(300);
  connect(m_rendererUpdate, &QTimer::timeout, this, &MainWindow::pushRecipeToRenderers);
  m_facePreview = new QTimer(this);
  m_facePreview->setSingleShot(true);
  m_facePreview->setInterval(250);
  connect(m_facePreview, &QTimer::timeout, this, [this] {
    const FaceState& state = m_faceDock->faceState();
    const HeadPose& pose = m_faceDock->headPose();
    m_previewDock->showSample(m_currentSample,
                              state == m_sampleFace ? std::nullopt : std::optional(state),
                              pose == m_samplePose ? std::nullopt : std::optional(pose));
    requestDressing();
  });
  m_autosave = new QTimer(this);
  m_autosave->setInterval(kAutosaveMilliseconds);
  connect(m_autosave, &QTimer::timeout, m_document, &RecipeDocument::autosave);
  m_autosave->start();

  connect(m_faceDock, &FaceDock::faceStateChanged, this, &MainWindow::showFaceState);
  connect(m_faceDock, &FaceDock::openModelRequested, this, &MainWindow::openModelDialog);
  connect(m_samplesDock, &SamplesDock::sampleActivated, this,
          [this](quint64 index) { showSample(index); });
  connect(m_document, &RecipeDocument::changed, this, &MainWindow::recipeChanged);
  // A new asset in the recipe's library: draws may choose it now.
  connect(m_libraryDock, &LibraryDock::importFinished, this, [this](const QString& error) {
    if (error.isEmpty() && !m_document->recipe().library.empty()) {
      loadFace();
      m_rendererUpdate->start();
    }
  });
  // An expression being saved from the Face dock writes a library in the background: the
  // Library dock, the other writer, waits greyed until it is done.
  m_faceDock->setLibraryBusy([this] { return m_libraryDock->isImporting(); });
  connect(m_faceDock, &FaceDock::libraryExpressionSaveStarted, this, [this](const QString& name) {
    m_libraryDock->setEnabled(false);
    statusBar()->showMessage(tr("Saving expression %1 to the library...").arg(name));
  });
  connect(m_faceDock, &FaceDock::libraryExpressionFailed, this,
          [this](const QString& id, const QString& error) {
            m_libraryDock->setEnabled(true);
            statusBar()->showMessage(tr("Could not save expression %1").arg(id));
            // Not modal in a loop of its own: the window goes on while it shows.
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Save Expression"), error,
                                        QMessageBox::Ok, this);
            box->setObjectName(QStringLiteral("saveExpressionError"));
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
          });
  // An expression saved from the Face dock: the library shows it, and presets may name it.
  connect(
      m_faceDock, &FaceDock::libraryExpressionSaved, this,
      [this](const QString& folder, const QString& id) {
        m_libraryDock->setEnabled(true);
        if (std::filesystem::path(folder.toStdString()) == m_libraryDock->userLibrary().folder()) {
          m_libraryDock->setUserLibrary(AssetLibrary::openUserLibrary());
        }
        // When the save made this library the recipe's, that change is loading it already.
        if (m_faceLoadFinished) {
          loadFace();
        }
        statusBar()->showMessage(tr("Saved %1 to the library in %2").arg(id, folder));
      });
  connect(m_document, &RecipeDocument::fileStateChanged, this, &MainWindow::updateTitle);
  createMenus();
  updateTitle();
  statusBar()->showMessage(tr("Left drag: orbit   Middle or Shift+left drag: pan   Wheel: zoom"));
  loadFace();
  m_service->setRecipe(m_document->recipe(), m_document->baseDir());
  m_samplesDock->refresh();

  QSettings settings;
  if (!restoreGeometry(settings.value("mainWindow/geometry").toByteArray())) {
    resize(1280, 800);
  }
  restoreState(settings.value("mainWindow/state").toByteArray());
}

MainWindow::~MainWindow() {
  // A dressing job posts to this window: let it finish first.
  ++m_dressingGeneration;
  m_dressingPool->clear();
  m_dressingPool->waitForDone();
  // The loader posts its result to this window; wait for it rather than leave it running.
  if (m_loader.joinable()) {
    m_loader.join();
  }
  if (m_importer.joinable()) {
    m_importer.join();
  }
}

void MainWindow::loadFace() {
  const std::string modelPath = modelPathOf(m_document->recipe(), m_document->baseDir());
  if (m_loader.joinable()) {
    m_loader.join();
  }
  // The same model again (its recipe's library changed): the face being edited stays.
  m_reloadKeepsFace = m_loaded != nullptr && m_loadedModelKey == modelPath;
  m_loadedModelKey = modelPath;
  m_faceLoadFinished = false;
  m_dressingShownSinceLoad = false;
  ++m_dressingGeneration;  // a dressing under way fits the face being replaced
  m_faceDock->setEnabled(false);
  statusBar()->showMessage(modelPath == "default"
                               ? tr("Loading the built-in head (the first run builds it)...")
                               : tr("Loading %1...").arg(QString::fromStdString(modelPath)));
  m_loader = std::thread([this, modelPath, recipe = m_document->recipe(),
                          baseDir = m_document->baseDir().toStdString()] {
    auto loaded = std::make_shared<LoadedFace>();
    QString error;
    try {
      loaded->model = loadFaceModel(modelPath);
      // Level 1 keeps the viewport responsive on software OpenGL; renders use level 2.
      loaded->geometry.emplace(FaceGeometry::create(loaded->model, 1));
      loaded->posed = loaded->geometry->pose(FaceState{});
      loaded->context = loadSceneContext(recipe, baseDir);
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
      loaded.reset();
    }
    // Queued: runs on the GUI thread, and not at all if the window is gone by then.
    QMetaObject::invokeMethod(
        this, [this, loaded, error] { showLoadedFace(loaded, error); }, Qt::QueuedConnection);
  });
}

void MainWindow::showLoadedFace(std::shared_ptr<LoadedFace> loaded, const QString& error) {
  m_faceLoadFinished = true;
  if (loaded) {
    m_loaded = std::move(loaded);
    m_context = m_loaded->context;
    m_distributionsDock->setContext(*m_context);
    m_face->setFace(m_loaded->model, *m_loaded->geometry, m_loaded->posed);
    m_overlay->update(m_loaded->model, m_loaded->posed);
    const FaceState editedFace = m_faceDock->faceState();
    const HeadPose editedPose = m_faceDock->headPose();
    m_faceDock->setModel(m_loaded->model);
    m_faceDock->setLibraryExpressions(m_context->libraryExpressions);
    m_faceDock->setEnabled(true);
    statusBar()->showMessage(tr("%1: %2 identity modes, %3 expressions, %4 triangles in view")
                                 .arg(QString::fromStdString(m_loaded->model.name))
                                 .arg(m_loaded->model.identity.size())
                                 .arg(m_loaded->model.expressions.size())
                                 .arg(m_face->triangleCount()));
    if (m_reloadKeepsFace && isEditedFace(editedFace, editedPose)) {
      m_faceDock->setFace(editedFace, editedPose);
    } else {
      showSample(m_currentSample);
    }
  } else {
    m_dressingShownSinceLoad = true;  // no dressing will come for a face that did not load
    reportError(tr("Could not load the face model"), error);
  }
  emit faceLoaded(error);
  for (const auto& next : std::exchange(m_afterFaceLoad, {})) {
    next();
  }
}

void MainWindow::showSample(std::uint64_t index) {
  m_currentSample = index;
  if (!m_loaded || !m_context) {
    return;  // shown once the model has loaded
  }
  try {
    const ResolvedScene scene =
        SceneCompiler::create(m_document->recipe(), *m_context).compile(index);
    m_sampleFace = scene.faceState(m_loaded->model);
    m_sampleFace.identity.resize(m_loaded->model.identity.size(), 0.0f);
    m_sampleFace.expression.resize(m_loaded->model.expressions.size(), 0.0f);
    m_samplePose.yaw = static_cast<float>(scene.number("head.yaw"));
    m_samplePose.pitch = static_cast<float>(scene.number("head.pitch"));
    m_samplePose.roll = static_cast<float>(scene.number("head.roll"));
    m_samplePose.gazeYaw = static_cast<float>(scene.number("gaze.yaw"));
    m_samplePose.gazePitch = static_cast<float>(scene.number("gaze.pitch"));
    m_faceDock->setFace(m_sampleFace, m_samplePose);
    statusBar()->showMessage(tr("Sample %1").arg(RenderService::caption(scene)));
  } catch (const std::exception& error) {
    reportError(tr("Could not compile sample %1").arg(index), QString::fromStdString(error.what()));
  }
}

void MainWindow::showFaceState(const FaceState& state) {
  if (!m_loaded) {
    return;
  }
  try {
    // The dock's head pose and gaze turn the neck, head and eye joints.
    FaceState posedState = state;
    applyHeadPose(m_loaded->model, m_faceDock->headPose(), posedState);
    m_loaded->geometry->pose(posedState, m_loaded->posed);
    m_face->setFace(m_loaded->model, *m_loaded->geometry, m_loaded->posed);
    m_overlay->update(m_loaded->model, m_loaded->posed);
  } catch (const Error& error) {
    statusBar()->showMessage(QString::fromStdString(error.what()));
  }
  // The path-traced preview follows, once the sliders rest.
  m_facePreview->start();
}

void MainWindow::requestDressing() {
  const std::uint64_t generation = ++m_dressingGeneration;
  if (!m_loaded || !m_context || !m_showDressing->isChecked()) {
    showDressing(generation, nullptr, {});
    return;
  }
  m_dressingPool->clear();  // a job not yet started is out of date
  m_dressingPool->start([this, generation, loaded = m_loaded, context = *m_context,
                         recipe = m_document->recipe(), index = m_currentSample,
                         state = m_faceDock->faceState(), pose = m_faceDock->headPose()] {
    // Only when the GUI and the viewport's software renderer leave a core idle.
    QThread::currentThread()->setPriority(QThread::IdlePriority);
    std::shared_ptr<Dressing> dressing;
    QString error;
    try {
      ResolvedScene scene = SceneCompiler::create(recipe, context).compile(index);
      scene.setFace(loaded->model, state);
      scene.setHeadPose(pose);
      const FaceScene posed =
          FaceScene::create(loaded->model, *loaded->geometry, scene, 64, 64, context.assets.get());
      dressing = std::make_shared<Dressing>(dressingOf(posed));
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(
        this, [this, generation, dressing, error] { showDressing(generation, dressing, error); },
        Qt::QueuedConnection);
  });
}

void MainWindow::showDressing(std::uint64_t generation,
                              const std::shared_ptr<const Dressing>& dressing,
                              const QString& error) {
  if (generation != m_dressingGeneration) {
    return;  // a newer request is under way
  }
  m_dressingShownSinceLoad = m_loaded != nullptr;
  if (dressing) {
    m_dressing->setDressing(*dressing);
    m_face->setColors(dressing->faceColors);
  } else {
    m_dressing->clear();
    m_face->setColors(FaceColors{});
  }
  if (m_loaded) {
    m_face->setFace(m_loaded->model, *m_loaded->geometry, m_loaded->posed);
  }
  if (!error.isEmpty()) {
    statusBar()->showMessage(tr("Hair and assets not shown: %1").arg(error));
  }
  emit dressingShown(error);
}

void MainWindow::recipeChanged(const QStringList& paths) {
  const bool all = paths.contains(QStringLiteral("*"));
  if (all || paths.contains(QStringLiteral("model")) || paths.contains(QStringLiteral("library"))) {
    if (modelPathOf(m_document->recipe(), m_document->baseDir()) != m_loadedModelKey ||
        paths.contains(QStringLiteral("library"))) {
      loadFace();
    }
  }
  // Cosmetic settings change no image.
  if (!all && std::all_of(paths.begin(), paths.end(), [](const QString& path) {
        return path == QStringLiteral("name") || path == QStringLiteral("description") ||
               path == QStringLiteral("samples") || path == QStringLiteral("outputs");
      })) {
    return;
  }
  m_rendererUpdate->start();
}

void MainWindow::pushRecipeToRenderers() {
  m_service->setRecipe(m_document->recipe(), m_document->baseDir());
  m_samplesDock->refresh();
  // The sample's face follows the recipe; a face being edited in the Face dock stays.
  if (!isEditedFace(m_faceDock->faceState(), m_faceDock->headPose())) {
    showSample(m_currentSample);
  }
}

bool MainWindow::isEditedFace(const FaceState& state, const HeadPose& pose) const {
  return m_loaded && !(state == m_sampleFace && pose == m_samplePose);
}

QAction* MainWindow::overlayAction(const QString& name) const {
  const auto it = m_overlayActions.find(name);
  return it == m_overlayActions.end() ? nullptr : it->second;
}

void MainWindow::applyOverlays() {
  QSettings settings;
  for (const auto& [name, action] : m_overlayActions) {
    settings.setValue(QStringLiteral("overlays/") + name, action->isChecked());
  }
  OverlayOptions options;
  options.landmarks = overlayAction("landmarks")->isChecked();
  options.indices = overlayAction("indices")->isChecked();
  options.denseLandmarks = overlayAction("dense")->isChecked();
  options.wireframe = overlayAction("wireframe")->isChecked();
  m_overlay->setOptions(options);
  m_face->setSegmentationShading(overlayAction("segmentation")->isChecked());
  if (m_loaded) {
    m_face->setFace(m_loaded->model, *m_loaded->geometry, m_loaded->posed);
    m_overlay->update(m_loaded->model, m_loaded->posed);
  }
}

void MainWindow::updateTitle() {
  setWindowTitle(tr("%1[*] - SynthFace Studio").arg(m_document->displayName()));
  setWindowModified(m_document->isModified());
}

void MainWindow::openModelDialog() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open Model"), m_document->baseDir(),
      tr("Face models and heads (*.sfm *.glb *.gltf *.fbx *.obj);;SynthFace models (*.sfm);;"
         "Heads to import: glTF, FBX, OBJ, MakeHuman base.obj (*.glb *.gltf *.fbx *.obj);;"
         "All files (*)"));
  if (!path.isEmpty()) {
    openModel(path);
  }
}

void MainWindow::finishOpeningModel(const QString& model, const QString& title, QString error) {
  if (error.isEmpty()) {
    error = m_document->setSetting("model", model.toStdString());
  }
  if (!error.isEmpty()) {
    reportError(title, error);
  }
  emit modelOpened(error);
}

void MainWindow::openModel(const QString& path) {
  const std::filesystem::path file = path.toStdString();
  const QString title = tr("Could not open the model %1").arg(path);
  if (file.extension() == ".sfm") {
    // Read it first: a broken file is reported and never becomes the recipe's.
    QString error;
    try {
      readFaceModel(file);
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    finishOpeningModel(path, title, error);
    return;
  }
  if (m_importer.joinable()) {
    m_importer.join();
  }
  std::filesystem::path folder = AssetLibrary::userLibraryFolder().parent_path() / "models";
  const std::string stem = isMakeHumanData(file) ? "makehuman" : file.stem().string();
  std::filesystem::path out = folder / (stem + ".sfm");
  for (int n = 2; std::filesystem::exists(out); ++n) {
    out = folder / (stem + "-" + std::to_string(n) + ".sfm");
  }
  statusBar()->showMessage(tr("Importing %1...").arg(path));
  m_importer = std::thread([this, file, folder, out, title] {
    QString error;
    try {
      const FaceModel reference = loadFaceModel("default");
      ModelImportOptions options;
      options.progress = [this](std::string_view line) {
        const QString text = QString::fromUtf8(line.data(), static_cast<qsizetype>(line.size()));
        QMetaObject::invokeMethod(
            this, [this, text] { statusBar()->showMessage(tr("Importing: %1").arg(text)); },
            Qt::QueuedConnection);
      };
      const ModelImport imported = importModel(file, reference, options);
      std::filesystem::create_directories(folder);
      writeFaceModel(imported.model, out);
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, error, title, model = QString::fromStdString(out.string())] {
          if (error.isEmpty()) {
            statusBar()->showMessage(tr("Imported as %1").arg(model));
          }
          finishOpeningModel(model, title, error);
        },
        Qt::QueuedConnection);
  });
}

void MainWindow::reportError(const QString& title, const QString& message) {
  m_lastError = message;
  statusBar()->showMessage(title + QStringLiteral(": ") + message.section(QLatin1Char('\n'), 0, 0));
  // Window-modal but not blocking: the studio keeps running behind it.
  auto* box = new QMessageBox(QMessageBox::Warning, title, title, QMessageBox::Ok, this);
  box->setInformativeText(message);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

bool MainWindow::maybeSave() {
  if (!m_document->isModified()) {
    return true;
  }
  const auto answer = QMessageBox::warning(
      this, tr("Unsaved changes"),
      tr("%1 has unsaved changes. Save them?").arg(m_document->displayName()),
      QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
  if (answer == QMessageBox::Save) {
    return saveRecipe();
  }
  return answer == QMessageBox::Discard;
}

void MainWindow::newRecipe() {
  if (maybeSave()) {
    m_document->newRecipe();
  }
}

void MainWindow::openRecipeDialog() {
  if (!maybeSave()) {
    return;
  }
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Recipe"),
                                                    QSettings().value("lastFolder").toString(),
                                                    tr("Recipes (*.json);;All files (*)"));
  if (!path.isEmpty()) {
    openRecipe(path);
  }
}

bool MainWindow::openRecipe(const QString& path) {
  const QString error = m_document->open(path);
  if (!error.isEmpty()) {
    reportError(tr("Could not open %1").arg(QFileInfo(path).fileName()), error);
    return false;
  }
  m_lastError.clear();
  addRecentFile(m_document->filePath());
  statusBar()->showMessage(tr("Opened %1").arg(m_document->filePath()), 5000);
  return true;
}

bool MainWindow::saveRecipe() {
  if (m_document->filePath().isEmpty()) {
    return saveRecipeAs();
  }
  const QString error = m_document->save();
  if (!error.isEmpty()) {
    reportError(tr("Could not save"), error);
    return false;
  }
  statusBar()->showMessage(tr("Saved %1").arg(m_document->filePath()), 5000);
  return true;
}

bool MainWindow::saveRecipeAs() {
  QString path = QFileDialog::getSaveFileName(
      this, tr("Save Recipe As"),
      m_document->filePath().isEmpty()
          ? QSettings().value("lastFolder").toString() + QStringLiteral("/") +
                QString::fromStdString(m_document->recipe().name) + QStringLiteral(".json")
          : m_document->filePath(),
      tr("Recipes (*.json)"));
  if (path.isEmpty()) {
    return false;
  }
  if (QFileInfo(path).suffix().isEmpty()) {
    path += QStringLiteral(".json");
  }
  const QString error = m_document->save(path);
  if (!error.isEmpty()) {
    reportError(tr("Could not save"), error);
    return false;
  }
  addRecentFile(m_document->filePath());
  return true;
}

void MainWindow::addRecentFile(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("recentFiles").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecentFiles) {
    recent.removeLast();
  }
  settings.setValue("recentFiles", recent);
  settings.setValue("lastFolder", QFileInfo(path).absolutePath());
  updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
  m_recentMenu->clear();
  const QStringList recent = QSettings().value("recentFiles").toStringList();
  for (int i = 0; i < recent.size(); ++i) {
    QAction* action = m_recentMenu->addAction(
        QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(recent[i]).fileName()));
    action->setToolTip(recent[i]);
    connect(action, &QAction::triggered, this, [this, path = recent[i]] {
      if (maybeSave()) {
        openRecipe(path);
      }
    });
  }
  m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::offerRecovery() {
  const QStringList autosaves = RecipeDocument::pendingAutosaves();
  if (autosaves.isEmpty()) {
    return;
  }
  RecoveryDialog dialog(autosaves, this);
  if (dialog.exec() != QDialog::Accepted || dialog.chosen().isEmpty()) {
    return;  // discarded or kept for the next start
  }
  const QString error = m_document->recover(dialog.chosen());
  if (!error.isEmpty()) {
    reportError(tr("Could not recover"), error);
  }
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&New Recipe"), QKeySequence::New, this, &MainWindow::newRecipe);
  file->addAction(tr("&Open Recipe..."), QKeySequence::Open, this, &MainWindow::openRecipeDialog);
  file->addAction(tr("Open &Model..."), this, &MainWindow::openModelDialog);
  m_recentMenu = file->addMenu(tr("Open &Recent"));
  updateRecentMenu();
  file->addSeparator();
  file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::saveRecipe);
  file->addAction(tr("Save &As..."), QKeySequence::SaveAs, this, &MainWindow::saveRecipeAs);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  const struct {
    QString label;
    OrbitCamera::View view;
    QKeySequence key;
  } views[] = {
      {tr("&Front"), OrbitCamera::View::Front, QKeySequence(Qt::Key_1)},
      {tr("&Three-Quarter"), OrbitCamera::View::ThreeQuarter, QKeySequence(Qt::Key_2)},
      {tr("&Side"), OrbitCamera::View::Side, QKeySequence(Qt::Key_3)},
      {tr("To&p"), OrbitCamera::View::Top, QKeySequence(Qt::Key_7)},
  };
  for (const auto& entry : views) {
    QAction* action = view->addAction(entry.label);
    action->setShortcut(entry.key);
    connect(action, &QAction::triggered, this, [this, v = entry.view] { m_viewport->setView(v); });
  }

  QMenu* overlays = view->addMenu(tr("&Overlays"));
  const struct {
    const char* name;
    QString label;
    QKeySequence key;
  } overlayEntries[] = {
      {"landmarks", tr("&Landmarks (70)"), QKeySequence(Qt::Key_L)},
      {"indices", tr("Landmark &Indices"), QKeySequence(Qt::SHIFT | Qt::Key_L)},
      {"dense", tr("&Dense Landmarks"), QKeySequence(Qt::Key_D)},
      {"segmentation", tr("&Segmentation Colours"), QKeySequence(Qt::Key_S)},
      {"wireframe", tr("&Wireframe"), QKeySequence(Qt::Key_W)},
  };
  QSettings settings;
  for (const auto& entry : overlayEntries) {
    QAction* action = overlays->addAction(entry.label);
    action->setCheckable(true);
    action->setShortcut(entry.key);
    action->setChecked(
        settings.value(QStringLiteral("overlays/") + QLatin1String(entry.name)).toBool());
    connect(action, &QAction::toggled, this, &MainWindow::applyOverlays);
    m_overlayActions[QString::fromLatin1(entry.name)] = action;
  }
  applyOverlays();
  m_showDressing = view->addAction(tr("&Hair and Assets"));
  m_showDressing->setCheckable(true);
  m_showDressing->setShortcut(QKeySequence(Qt::Key_H));
  m_showDressing->setChecked(settings.value(QStringLiteral("view/dressing"), true).toBool());
  connect(m_showDressing, &QAction::toggled, this, [this](bool on) {
    QSettings().setValue(QStringLiteral("view/dressing"), on);
    requestDressing();
  });

  view->addSeparator();
  for (QDockWidget* dock : findChildren<QDockWidget*>()) {
    view->addAction(dock->toggleViewAction());
  }

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About SynthFace Studio"), this, &MainWindow::showAbout);
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About SynthFace Studio"),
      tr("<h3>SynthFace Studio %1</h3>"
         "<p>Build synthetic face datasets: curate assets, tune the randomization of "
         "identity, expression, appearance, camera and light, and render images with "
         "exact labels.</p>")
          .arg(QString::fromStdString(synthfaceVersion())));
}

void MainWindow::saveScreenshot(const QString& path,
                                std::function<void(const QString& error)> done) {
  // A screenshot shows the face: wait for it to load.
  if (!m_faceLoadFinished) {
    m_afterFaceLoad.push_back([this, path, done] { saveScreenshot(path, done); });
    return;
  }
  // And its hair and worn assets, made off the GUI thread at idle priority (a few seconds,
  // longer while the Samples dock renders); without them after a minute, it goes ahead.
  if (m_loaded && m_showDressing->isChecked() && !m_dressingShownSinceLoad) {
    auto waiting = std::make_shared<QMetaObject::Connection>();
    auto* timeout = new QTimer(this);
    timeout->setSingleShot(true);
    auto stopWaiting = [waiting, timeout] {
      disconnect(*waiting);
      timeout->stop();
      timeout->deleteLater();
    };
    // Shown: check again (another load may have begun meanwhile). Timed out: go ahead.
    *waiting = connect(this, &MainWindow::dressingShown, this, [this, path, done, stopWaiting] {
      stopWaiting();
      saveScreenshot(path, done);
    });
    connect(timeout, &QTimer::timeout, this, [this, path, done, stopWaiting] {
      stopWaiting();
      captureScreenshot(path, done);
    });
    timeout->start(60000);
    return;
  }
  captureScreenshot(path, done);
}

void MainWindow::captureScreenshot(const QString& path,
                                   std::function<void(const QString& error)> done) {
  // Two captured frames: the first may precede uploading the scene's buffers.
  m_viewport->captureFrame([this, path, done](const QImage&) {
    m_viewport->captureFrame([this, path, done](const QImage&) {
      QApplication::processEvents();
      const QPixmap pixels = windowHandle()->screen()->grabWindow(winId());
      QByteArray png;
      QBuffer buffer(&png);
      buffer.open(QIODevice::WriteOnly);
      if (pixels.isNull() || !pixels.save(&buffer, "PNG")) {
        done(tr("%1: could not capture the window").arg(path));
        return;
      }
      try {
        writeFileAtomically(path.toStdString(), std::string_view(png.constData(), png.size()));
        done(QString());
      } catch (const Error& error) {
        done(QString::fromStdString(error.what()));
      }
    });
  });
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!maybeSave()) {
    event->ignore();
    return;
  }
  if (m_batchDock->isRunning()) {
    const auto answer = QMessageBox::question(
        this, tr("Batch running"),
        tr("A batch render is running. Stop it after the current image and quit? Run it "
           "again with Resume to finish it."));
    if (answer != QMessageBox::Yes) {
      event->ignore();
      return;
    }
    m_batchDock->cancelAndWait();
  }
  m_document->discardAutosave();
  QSettings settings;
  settings.setValue("mainWindow/geometry", saveGeometry());
  settings.setValue("mainWindow/state", saveState());
  event->accept();
}

}  // namespace sf::ui
