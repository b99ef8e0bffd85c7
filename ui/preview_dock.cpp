#include "preview_dock.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QWidget>

#include <algorithm>
#include <utility>

namespace sf::ui {

/// Draws a preview frame scaled to fit, with its overlays.
class PreviewImage : public QWidget {
public:
  explicit PreviewImage(QWidget* parent) : QWidget(parent) {
    setMinimumSize(256, 256);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  }

  void setFrame(const PreviewFrame* frame, bool segmentation, bool landmarks) {
    m_frame = frame;
    m_segmentation = segmentation;
    m_landmarks = landmarks;
    update();
  }

  /// Paints the frame with its overlays into `painter` over `target`.
  void paintFrame(QPainter& painter, const QRectF& target) const {
    const PreviewFrame& frame = *m_frame;
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(target, frame.image);
    if (m_segmentation && !frame.segmentation.isNull()) {
      painter.drawImage(target, frame.segmentation);
    }
    if (m_landmarks) {
      const double scale = target.width() / frame.image.width();
      painter.setRenderHint(QPainter::Antialiasing);
      for (int i = 0; i < frame.landmarks.size(); ++i) {
        const QPointF p = target.topLeft() + frame.landmarks[i] * scale;
        // Visible landmarks solid green, hidden ones hollow orange (labels.md visibility).
        if (frame.visible.value(i)) {
          painter.setPen(QPen(QColor(20, 20, 20), 1.0));
          painter.setBrush(QColor(60, 230, 90));
        } else {
          painter.setPen(QPen(QColor(255, 150, 30), 1.5));
          painter.setBrush(Qt::NoBrush);
        }
        painter.drawEllipse(p, 2.5, 2.5);
      }
    }
  }

  QRectF imageRect() const {
    if (m_frame == nullptr || m_frame->image.isNull()) {
      return {};
    }
    const QSizeF size =
        QSizeF(m_frame->image.size()).scaled(QSizeF(this->size()), Qt::KeepAspectRatio);
    return QRectF(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2), size);
  }

protected:
  void paintEvent(QPaintEvent*) override {
    QPainter painter(this);
    painter.fillRect(rect(), QColor(40, 40, 44));
    if (m_frame == nullptr || m_frame->image.isNull()) {
      painter.setPen(QColor(160, 160, 165));
      painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                       PreviewDock::tr("Choose a sample in the Samples dock,\nor edit the face"));
      return;
    }
    paintFrame(painter, imageRect());
  }

private:
  const PreviewFrame* m_frame = nullptr;
  bool m_segmentation = false;
  bool m_landmarks = false;
};

PreviewDock::PreviewDock(RenderService* service, QWidget* parent)
    : QDockWidget(tr("Render Preview"), parent), m_service(service) {
  setObjectName(QStringLiteral("previewDock"));
  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  auto* controls = new QHBoxLayout();
  m_size = new QComboBox(content);
  for (int size : {256, 384, 512}) {
    m_size->addItem(tr("%1 px").arg(size), size);
  }
  m_size->setCurrentIndex(1);
  m_size->setToolTip(tr("Preview resolution (the batch uses the recipe's)"));
  controls->addWidget(m_size);
  m_samples = new QSpinBox(content);
  m_samples->setRange(1, 4096);
  m_samples->setValue(64);
  m_samples->setSuffix(tr(" spp"));
  m_samples->setToolTip(tr("Samples per pixel of the last pass"));
  controls->addWidget(m_samples);
  m_segmentation = new QCheckBox(tr("Segmentation"), content);
  m_landmarks = new QCheckBox(tr("Landmarks"), content);
  controls->addWidget(m_segmentation);
  controls->addWidget(m_landmarks);
  controls->addStretch(1);
  layout->addLayout(controls);
  m_view = new PreviewImage(content);
  layout->addWidget(m_view, 1);
  m_status = new QLabel(tr("No sample yet"), content);
  layout->addWidget(m_status);
  setWidget(content);

  const auto redraw = [this] {
    m_view->setFrame(&m_frame, m_segmentation->isChecked(), m_landmarks->isChecked());
  };
  connect(m_segmentation, &QCheckBox::toggled, this, redraw);
  connect(m_landmarks, &QCheckBox::toggled, this, redraw);
  connect(m_size, &QComboBox::currentIndexChanged, this, &PreviewDock::refresh);
  connect(m_samples, &QSpinBox::editingFinished, this, &PreviewDock::refresh);
  connect(m_service, &RenderService::previewReady, this, &PreviewDock::show);
  connect(m_service, &RenderService::failed, this, [this](const QString& message) {
    m_status->setText(tr("Could not render: %1").arg(message));
  });
}

void PreviewDock::showSample(std::uint64_t index, std::optional<FaceState> face,
                             std::optional<HeadPose> pose) {
  m_index = index;
  m_face = std::move(face);
  m_pose = pose;
  refresh();
}

void PreviewDock::refresh() {
  if (!m_index) {
    return;
  }
  m_status->setText(tr("Rendering sample #%1%2...")
                        .arg(*m_index)
                        .arg(m_face || m_pose ? tr(" with the edited face") : QString()));
  m_service->requestPreview(*m_index, m_face, m_pose, m_size->currentData().toInt(),
                            m_samples->value());
}

void PreviewDock::show(const PreviewFrame& frame) {
  m_frame = frame;
  m_view->setFrame(&m_frame, m_segmentation->isChecked(), m_landmarks->isChecked());
  const int visible = int(std::count(frame.visible.begin(), frame.visible.end(), true));
  m_status->setText(tr("Sample #%1%2: %3 of %4 spp, %5 s%6; %7 of %8 landmarks visible")
                        .arg(frame.index)
                        .arg(m_face || m_pose ? tr(" (edited face)") : QString())
                        .arg(frame.samplesPerPixel)
                        .arg(frame.targetSamples)
                        .arg(frame.seconds, 0, 'f', 1)
                        .arg(frame.final ? QString() : tr(", refining"))
                        .arg(visible)
                        .arg(frame.landmarks.size()));
  emit frameShown(frame);
}

QImage PreviewDock::composed() const {
  if (m_frame.image.isNull()) {
    return {};
  }
  QImage image(m_frame.image.size(), QImage::Format_RGB32);
  QPainter painter(&image);
  m_view->paintFrame(painter, QRectF(QPointF(0, 0), QSizeF(image.size())));
  return image;
}

}  // namespace sf::ui
