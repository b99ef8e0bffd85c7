#pragma once

#include "viewport/orbit_camera.h"

#include <QImage>
#include <QPoint>
#include <QWidget>

#include <functional>

namespace Qt3DCore {
class QEntity;
}
namespace Qt3DRender {
class QCamera;
class QRenderCapture;
}  // namespace Qt3DRender
namespace Qt3DExtras {
class Qt3DWindow;
}

namespace sf::ui {

class LineEntity;

/// The 3D viewport: a Qt3D window inside a widget with a ground grid, a three-point light
/// rig and an orbit camera driven the way 3D tools do it: left drag orbits, middle drag
/// (or Shift + left drag) pans, the wheel or right drag zooms.
class ViewportWidget : public QWidget {
  Q_OBJECT

public:
  explicit ViewportWidget(QWidget* parent = nullptr);

  /// The entity under which views add their content (the face, its assets, overlays).
  Qt3DCore::QEntity* contentRoot() const { return m_contentRoot; }

  const OrbitCamera& orbitCamera() const { return m_orbit; }
  void setOrbitCamera(const OrbitCamera& camera);
  void setView(OrbitCamera::View view);

  /// Renders a frame and hands its pixels to `done` (on the GUI thread). The first call
  /// after the window is shown also waits until the scene is on screen.
  void captureFrame(std::function<void(const QImage&)> done);

  /// The window Qt3D draws into; it receives the viewport's mouse and wheel input.
  QWindow* renderWindow() const;

  /// The colour the viewport clears to, for tests and overlays.
  static QColor backgroundColor();

signals:
  void cameraChanged();

protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

private:
  void applyCamera();

  Qt3DExtras::Qt3DWindow* m_window = nullptr;
  Qt3DRender::QCamera* m_camera = nullptr;
  Qt3DRender::QRenderCapture* m_capture = nullptr;
  int m_pendingCaptures = 0;
  Qt3DCore::QEntity* m_root = nullptr;
  Qt3DCore::QEntity* m_contentRoot = nullptr;
  OrbitCamera m_orbit;

  // Mouse drag state.
  enum class Drag { None, Orbit, Pan, Zoom };
  Drag m_drag = Drag::None;
  QPoint m_lastMouse;
};

}  // namespace sf::ui
