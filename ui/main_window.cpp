#include "main_window.h"

#include "viewport/viewport_widget.h"

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

namespace sf::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("SynthFace Studio"));
  m_viewport = new ViewportWidget(this);
  setCentralWidget(m_viewport);
  createMenus();
  statusBar()->showMessage(tr("Left drag: orbit   Middle or Shift+left drag: pan   Wheel: zoom"));

  QSettings settings;
  if (!restoreGeometry(settings.value("mainWindow/geometry").toByteArray())) {
    resize(1280, 800);
  }
  restoreState(settings.value("mainWindow/state").toByteArray());
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
