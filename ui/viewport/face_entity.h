#pragma once

#include "face/face_geometry.h"
#include "face/face_model.h"

#include <Qt3DCore/QEntity>

#include <vector>

namespace Qt3DCore {
class QBuffer;
}

namespace sf::ui {

/// A posed face in the viewport: one mesh per part, split by material (skin, lips, mouth,
/// sclera, iris, pupil, teeth...), lit by the viewport's lights. Clear parts (corneas, tear
/// lines) are left out: the preview shows what lies under them. Millimetres, head frame.
class FaceEntity : public Qt3DCore::QEntity {
  Q_OBJECT

public:
  explicit FaceEntity(Qt3DCore::QNode* parent = nullptr);

  /// Shows `posed` (from a FaceGeometry of `model`). The first call builds the meshes;
  /// later calls with the same model and level only replace vertex data.
  void setFace(const FaceModel& model, const FaceGeometry& geometry, const PosedFace& posed);

  /// Colours the faces by label class (labels.md) instead of by material, from the next
  /// setFace() on.
  void setSegmentationShading(bool on);
  bool segmentationShading() const { return m_segmentation; }

  /// Triangles currently shown, over all parts.
  int triangleCount() const { return m_triangles; }

private:
  struct PartBuffers {
    Qt3DCore::QBuffer* vertices = nullptr;
    int vertexCount = 0;
  };

  void build(const FaceModel& model, const FaceGeometry& geometry, const PosedFace& posed);

  std::vector<PartBuffers> m_parts;
  int m_triangles = 0;
  bool m_segmentation = false;
  bool m_dirty = false;  ///< the shading changed: the next setFace() rebuilds
};

/// Unit vertex normals of a mesh, each the area-weighted mean of its faces' normals (+z
/// for a vertex of no face).
std::vector<Vec3f> areaWeightedNormals(const PolyMesh& mesh);

/// Positions and area-weighted vertex normals of a mesh, interleaved (6 floats a vertex),
/// as the viewport uploads them.
QByteArray interleavedPositionsAndNormals(const PolyMesh& mesh);

}  // namespace sf::ui
