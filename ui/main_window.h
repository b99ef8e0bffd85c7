#pragma once

#include "face/face_state.h"

#include <QMainWindow>
#include <QString>

#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace sf::ui {

class FaceDock;
class FaceEntity;
class ViewportWidget;
struct LoadedFace;

/// SynthFace Studio's main window: the 3D viewport in the centre, menus that follow
/// desktop conventions, window geometry remembered between runs.
class MainWindow : public QMainWindow {
  Q_OBJECT

public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  ViewportWidget* viewport() const { return m_viewport; }
  /// The face in the viewport (empty until the model has loaded).
  FaceEntity* faceEntity() const { return m_face; }
  FaceDock* faceDock() const { return m_faceDock; }
  /// True once loading the face model has finished, whether it worked or not.
  bool faceLoadFinished() const { return m_faceLoadFinished; }

  /// Waits until the viewport has drawn, then saves the whole window as a PNG (written
  /// atomically). Calls `done` with an empty string on success, or the error.
  void saveScreenshot(const QString& path, std::function<void(const QString& error)> done);

signals:
  /// Loading the face model finished: `error` is empty when the face is shown.
  void faceLoaded(const QString& error);

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  void createMenus();
  void showAbout();
  /// Loads and poses the built-in head off the GUI thread (its first generation takes
  /// seconds), then shows it.
  void loadDefaultFace();
  void showLoadedFace(std::shared_ptr<LoadedFace> loaded, const QString& error);
  /// Poses the loaded model in `state` and shows it.
  void showFaceState(const FaceState& state);

  ViewportWidget* m_viewport = nullptr;
  FaceEntity* m_face = nullptr;
  FaceDock* m_faceDock = nullptr;
  std::shared_ptr<LoadedFace> m_loaded;
  std::thread m_loader;
  bool m_faceLoadFinished = false;
  std::vector<std::function<void()>> m_afterFaceLoad;
};

}  // namespace sf::ui
