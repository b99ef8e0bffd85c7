#include "viewport/viewport_widget.h"

#include "viewport/line_entity.h"

#include <Qt3DCore/QEntity>
#include <Qt3DCore/QTransform>
#include <Qt3DExtras/QForwardRenderer>
#include <Qt3DExtras/Qt3DWindow>
#include <Qt3DRender/QCamera>
#include <Qt3DRender/QDirectionalLight>
#include <Qt3DRender/QRenderCapture>
#include <Qt3DRender/QRenderSettings>

#include <QMouseEvent>
#include <QVBoxLayout>
#include <QWheelEvent>

namespace sf::ui {

namespace {

/// Adds a directional light shining along `direction`.
void addLight(Qt3DCore::QEntity* root, const QVector3D& direction, const QColor& color,
              float intensity) {
  auto* entity = new Qt3DCore::QEntity(root);
  auto* light = new Qt3DRender::QDirectionalLight(entity);
  light->setWorldDirection(direction.normalized());
  light->setColor(color);
  light->setIntensity(intensity);
  entity->addComponent(light);
}

}  // namespace

QColor ViewportWidget::backgroundColor() {
  return QColor(46, 49, 54);
}

ViewportWidget::ViewportWidget(QWidget* parent) : QWidget(parent) {
  m_window = new Qt3DExtras::Qt3DWindow();
  m_window->defaultFrameGraph()->setClearColor(backgroundColor());
  m_window->installEventFilter(this);

  // Put a render capture at the top of the frame graph so frames can be read back.
  m_capture = new Qt3DRender::QRenderCapture();
  m_window->activeFrameGraph()->setParent(m_capture);
  m_window->setActiveFrameGraph(m_capture);
  // Render only when something changed; an idle viewport costs nothing.
  m_window->renderSettings()->setRenderPolicy(Qt3DRender::QRenderSettings::OnDemand);

  m_root = new Qt3DCore::QEntity();
  m_contentRoot = new Qt3DCore::QEntity(m_root);

  // Head frame in millimetres: the grid lies at shoulder height, 1 m across, 50 mm cells.
  auto* grid = new LineEntity(m_root);
  grid->setLines(groundGrid(500.0f, 50.0f, -300.0f));

  // A studio three-point rig: warm key from the upper left, cool fill, rim from behind.
  addLight(m_root, QVector3D(0.6f, -0.5f, -0.6f), QColor(255, 244, 230), 0.72f);
  addLight(m_root, QVector3D(-0.7f, -0.2f, -0.5f), QColor(205, 220, 255), 0.28f);
  addLight(m_root, QVector3D(0.0f, -0.3f, 1.0f), QColor(255, 255, 255), 0.4f);

  m_camera = m_window->camera();
  m_camera->lens()->setPerspectiveProjection(m_orbit.fieldOfViewDegrees, 16.0f / 9.0f, 10.0f,
                                             50000.0f);
  m_window->setRootEntity(m_root);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  QWidget* container = QWidget::createWindowContainer(m_window, this);
  container->setFocusPolicy(Qt::StrongFocus);
  container->setMinimumSize(320, 240);
  layout->addWidget(container);

  applyCamera();
}

QWindow* ViewportWidget::renderWindow() const {
  return m_window;
}

void ViewportWidget::setOrbitCamera(const OrbitCamera& camera) {
  m_orbit = camera;
  applyCamera();
}

void ViewportWidget::setView(OrbitCamera::View view) {
  m_orbit.setView(view);
  applyCamera();
}

void ViewportWidget::applyCamera() {
  m_camera->setPosition(m_orbit.position());
  m_camera->setViewCenter(m_orbit.target);
  m_camera->setUpVector(m_orbit.up());
  m_camera->setFieldOfView(m_orbit.fieldOfViewDegrees);
  emit cameraChanged();
}

void ViewportWidget::captureFrame(std::function<void(const QImage&)> done) {
  // Drawing on demand, Qt3D can leave a capture request waiting for a frame that never comes
  // (seen in long runs of captures under Xvfb): frames are drawn continuously while any is
  // pending.
  if (m_pendingCaptures++ == 0) {
    m_window->renderSettings()->setRenderPolicy(Qt3DRender::QRenderSettings::Always);
  }
  Qt3DRender::QRenderCaptureReply* reply = m_capture->requestCapture();
  connect(reply, &Qt3DRender::QRenderCaptureReply::completed, this,
          [this, reply, done = std::move(done)] {
            if (--m_pendingCaptures == 0) {
              m_window->renderSettings()->setRenderPolicy(Qt3DRender::QRenderSettings::OnDemand);
            }
            done(reply->image());
            reply->deleteLater();
          });
}

bool ViewportWidget::eventFilter(QObject* watched, QEvent* event) {
  if (watched != m_window) {
    return QWidget::eventFilter(watched, event);
  }
  const float width = static_cast<float>(m_window->width());
  const float height = static_cast<float>(m_window->height());
  switch (event->type()) {
    case QEvent::MouseButtonPress: {
      auto* mouse = static_cast<QMouseEvent*>(event);
      m_lastMouse = mouse->position().toPoint();
      const bool shift = mouse->modifiers() & Qt::ShiftModifier;
      if (mouse->button() == Qt::LeftButton) {
        m_drag = shift ? Drag::Pan : Drag::Orbit;
      } else if (mouse->button() == Qt::MiddleButton) {
        m_drag = Drag::Pan;
      } else if (mouse->button() == Qt::RightButton) {
        m_drag = Drag::Zoom;
      }
      return true;
    }
    case QEvent::MouseMove: {
      if (m_drag == Drag::None) {
        return false;
      }
      auto* mouse = static_cast<QMouseEvent*>(event);
      const QPoint now = mouse->position().toPoint();
      const QPoint delta = now - m_lastMouse;
      m_lastMouse = now;
      if (m_drag == Drag::Orbit) {
        m_orbit.orbit(static_cast<float>(delta.x()), static_cast<float>(delta.y()), width);
      } else if (m_drag == Drag::Pan) {
        m_orbit.pan(static_cast<float>(delta.x()), static_cast<float>(delta.y()), height);
      } else {
        m_orbit.zoom(static_cast<float>(-delta.y()) / 20.0f);
      }
      applyCamera();
      return true;
    }
    case QEvent::MouseButtonRelease: m_drag = Drag::None; return true;
    case QEvent::Wheel: {
      auto* wheel = static_cast<QWheelEvent*>(event);
      // One notch of a wheel is 120 units.
      m_orbit.zoom(static_cast<float>(wheel->angleDelta().y()) / 120.0f);
      applyCamera();
      return true;
    }
    case QEvent::Resize: m_camera->setAspectRatio(width / std::max(height, 1.0f)); return false;
    default: return false;
  }
}

}  // namespace sf::ui
