#include "main_window.h"

#include "face_dock.h"
#include "viewport/face_entity.h"
#include "viewport/viewport_widget.h"

#include "face/face_geometry.h"
#include "face/model_store.h"
#include "system_info.h"
#include "util/error.h"
#include "util/files.h"

#include <QApplication>
#include <QBuffer>
#include <QCloseEvent>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QWindow>

#include <optional>
#include <utility>

namespace sf::ui {

/// A model made ready for the viewport: loaded, subdivided once and posed at rest. On the
/// heap so that the geometry's model stays where it is.
struct LoadedFace {
  FaceModel model;
  std::optional<FaceGeometry> geometry;
  PosedFace posed;
};

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("SynthFace Studio"));
  m_viewport = new ViewportWidget(this);
  setCentralWidget(m_viewport);
  m_face = new FaceEntity(m_viewport->contentRoot());
  m_faceDock = new FaceDock(this);
  m_faceDock->setEnabled(false);  // until the model has loaded
  addDockWidget(Qt::RightDockWidgetArea, m_faceDock);
  connect(m_faceDock, &FaceDock::faceStateChanged, this, &MainWindow::showFaceState);
  createMenus();
  statusBar()->showMessage(tr("Left drag: orbit   Middle or Shift+left drag: pan   Wheel: zoom"));
  loadDefaultFace();

  QSettings settings;
  if (!restoreGeometry(settings.value("mainWindow/geometry").toByteArray())) {
    resize(1280, 800);
  }
  restoreState(settings.value("mainWindow/state").toByteArray());
}

MainWindow::~MainWindow() {
  // The loader posts its result to this window; wait for it rather than leave it running.
  if (m_loader.joinable()) {
    m_loader.join();
  }
}

void MainWindow::loadDefaultFace() {
  statusBar()->showMessage(tr("Loading the built-in head (the first run builds it)..."));
  m_loader = std::thread([this] {
    auto loaded = std::make_shared<LoadedFace>();
    QString error;
    try {
      loaded->model = loadFaceModel("default");
      // Level 1 keeps the viewport responsive on software OpenGL; renders use level 2.
      loaded->geometry.emplace(FaceGeometry::create(loaded->model, 1));
      loaded->posed = loaded->geometry->pose(FaceState{});
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
    m_face->setFace(m_loaded->model, *m_loaded->geometry, m_loaded->posed);
    m_faceDock->setModel(m_loaded->model);
    m_faceDock->setEnabled(true);
    statusBar()->showMessage(tr("%1: %2 identity modes, %3 expressions, %4 triangles in view")
                                 .arg(QString::fromStdString(m_loaded->model.name))
                                 .arg(m_loaded->model.identity.size())
                                 .arg(m_loaded->model.expressions.size())
                                 .arg(m_face->triangleCount()));
  } else {
    statusBar()->showMessage(tr("Could not load the built-in head: %1").arg(error));
  }
  emit faceLoaded(error);
  for (const auto& next : std::exchange(m_afterFaceLoad, {})) {
    next();
  }
}

void MainWindow::showFaceState(const FaceState& state) {
  if (!m_loaded) {
    return;
  }
  try {
    m_loaded->geometry->pose(state, m_loaded->posed);
    m_face->setFace(m_loaded->model, *m_loaded->geometry, m_loaded->posed);
  } catch (const Error& error) {
    statusBar()->showMessage(QString::fromStdString(error.what()));
  }
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

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

  view->addSeparator();
  view->addAction(m_faceDock->toggleViewAction());

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
  QSettings settings;
  settings.setValue("mainWindow/geometry", saveGeometry());
  settings.setValue("mainWindow/state", saveState());
  event->accept();
}

}  // namespace sf::ui
