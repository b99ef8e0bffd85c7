#pragma once

#include "face/face_state.h"
#include "render_service.h"

#include <QDockWidget>

#include <cstdint>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace sf::ui {

class PreviewImage;

/// The Render preview dock: a progressive path-traced render of the current sample, as
/// the batch renders it (the same renderer, passes of increasing samples per pixel), with
/// the segmentation and the 70 landmarks as overlays.
class PreviewDock : public QDockWidget {
  Q_OBJECT

public:
  PreviewDock(RenderService* service, QWidget* parent = nullptr);

  /// Renders sample `index`, its face replaced by `face` and its head pose by `pose` when
  /// given (edited by hand), at the chosen size and samples per pixel.
  void showSample(std::uint64_t index, std::optional<FaceState> face = std::nullopt,
                  std::optional<HeadPose> pose = std::nullopt);
  /// Renders the current sample again (after the recipe changed).
  void refresh();
  /// The last frame shown (empty before the first).
  const PreviewFrame& frame() const { return m_frame; }
  QCheckBox* segmentationToggle() const { return m_segmentation; }
  QCheckBox* landmarksToggle() const { return m_landmarks; }
  QSpinBox* samplesField() const { return m_samples; }
  QComboBox* sizeField() const { return m_size; }
  /// The image as shown, overlays included (for tests and screenshots).
  QImage composed() const;

signals:
  /// A pass arrived and is shown.
  void frameShown(const sf::ui::PreviewFrame& frame);

private:
  void show(const PreviewFrame& frame);

  RenderService* m_service;
  PreviewImage* m_view = nullptr;
  QCheckBox* m_segmentation = nullptr;
  QCheckBox* m_landmarks = nullptr;
  QComboBox* m_size = nullptr;
  QSpinBox* m_samples = nullptr;
  QLabel* m_status = nullptr;
  std::optional<std::uint64_t> m_index;
  std::optional<FaceState> m_face;
  std::optional<HeadPose> m_pose;
  PreviewFrame m_frame;
};

}  // namespace sf::ui
