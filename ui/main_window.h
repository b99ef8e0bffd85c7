#pragma once

#include <QMainWindow>
#include <QString>

#include <functional>

namespace sf::ui {

class ViewportWidget;

/// SynthFace Studio's main window: the 3D viewport in the centre, menus that follow
/// desktop conventions, window geometry remembered between runs.
class MainWindow : public QMainWindow {
  Q_OBJECT

public:
  explicit MainWindow(QWidget* parent = nullptr);

  ViewportWidget* viewport() const { return m_viewport; }

  /// Waits until the viewport has drawn, then saves the whole window as a PNG (written
  /// atomically). Calls `done` with an empty string on success, or the error.
  void saveScreenshot(const QString& path, std::function<void(const QString& error)> done);

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  void createMenus();
  void showAbout();

  ViewportWidget* m_viewport = nullptr;
};

}  // namespace sf::ui
