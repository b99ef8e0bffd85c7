#pragma once

#include "face/face_geometry.h"
#include "face/face_model.h"

#include <Qt3DCore/QEntity>

#include <vector>

namespace sf::ui {

class LineEntity;

/// What the viewport draws over the face.
struct OverlayOptions {
  bool landmarks = false;       ///< the 70 landmarks of labels.md, as crosses
  bool indices = false;         ///< their indices (0-based, labels.md order), beside them
  bool denseLandmarks = false;  ///< the model's dense landmarks, as small crosses
  bool wireframe = false;       ///< the edges of the control meshes, posed
  friend bool operator==(const OverlayOptions&, const OverlayOptions&) = default;
};

/// Landmarks, their indices, dense landmarks and the wireframe of a posed face, drawn as
/// unlit lines in the head frame (millimetres), indices in seven-segment digits that need
/// no font. Updated with the face.
class FaceOverlay : public Qt3DCore::QEntity {
  Q_OBJECT

public:
  explicit FaceOverlay(Qt3DCore::QNode* parent = nullptr);

  void setOptions(const OverlayOptions& options);
  const OverlayOptions& options() const { return m_options; }
  /// Follows the face: call after every pose of `model`.
  void update(const FaceModel& model, const PosedFace& posed);
  /// Line segments drawn now (for tests).
  int segmentCount() const { return m_segments; }
  /// Index labels shown now (for tests).
  int labelCount() const { return m_labels; }

private:
  OverlayOptions m_options;
  LineEntity* m_lines = nullptr;
  int m_labels = 0;
  int m_segments = 0;
};

}  // namespace sf::ui
