// synthface-studio: the desktop application.

#include "main_window.h"

#include "dataset/dataset_writer.h"
#include "dataset/plugin_loader.h"
#include "system_info.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

/// Loads the dataset writer plugins the CLI loads, so the Batch dock offers the same
/// formats; a plugin that fails is reported and skipped.
void loadDatasetPlugins() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exeDir = fs::canonical("/proc/self/exe", ec).parent_path();
  const std::vector<fs::path> dirs = {SF_PLUGIN_BUILD_DIR, exeDir / ".." / SF_PLUGIN_INSTALL_DIR};
  for (const std::string& problem :
       sf::loadWriterPlugins(sf::DatasetWriterRegistry::instance(), dirs)) {
    std::fprintf(stderr, "synthface-studio: %s\n", problem.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Qt 6.4's RHI backend returns Qt3D render captures upside down; the OpenGL backend
  // matches the screen. Respect a user's explicit choice.
  if (!qEnvironmentVariableIsSet("QT3D_RENDERER")) {
    qputenv("QT3D_RENDERER", "opengl");
  }
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("SynthFace"));
  QApplication::setApplicationName(QStringLiteral("SynthFace Studio"));
  QApplication::setApplicationVersion(QString::fromStdString(sf::synthfaceVersion()));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("SynthFace Studio: synthetic face datasets"));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("Save a PNG of the window to <file> once it has drawn, then exit."),
      QStringLiteral("file"));
  parser.addOption(screenshot);
  parser.process(app);

  loadDatasetPlugins();
  sf::ui::MainWindow window;
  window.show();
  if (!parser.isSet(screenshot)) {
    window.offerRecovery();
  }

  if (parser.isSet(screenshot)) {
    const QString path = parser.value(screenshot);
    window.saveScreenshot(path, [](const QString& error) {
      if (!error.isEmpty()) {
        std::fprintf(stderr, "synthface-studio: %s\n", qPrintable(error));
      }
      QApplication::exit(error.isEmpty() ? 0 : 1);
    });
    // A viewport that never draws (no OpenGL) must not hang a script. The first run also
    // builds the built-in head, which takes seconds.
    QTimer::singleShot(300000, [] {
      std::fprintf(stderr, "synthface-studio: no frame was drawn within 300 s\n");
      QApplication::exit(1);
    });
  }
  return QApplication::exec();
}
