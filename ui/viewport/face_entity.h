#pragma once

#include "face/face_geometry.h"
#include "face/face_model.h"

#include <Qt3DCore/QEntity>

#include <QColor>

#include <cstdint>
#include <vector>

namespace Qt3DCore {
class QBuffer;
}

namespace sf::ui {

/// The colours the viewport paints a face's materials in: a sample's skin, lips and irises
/// (FaceScene's look), and its scalp under the hair.
struct FaceColors {
  QColor skin{200, 150, 128};
  QColor lips{180, 100, 95};
  QColor iris{110, 72, 40};
  QColor scalp{200, 150, 128};  ///< the scalp growth region: the skin, or tinted by hair
  friend bool operator==(const FaceColors&, const FaceColors&) = default;
};

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
  /// Paints the skin, lips, irises and scalp in `colors` from the next setFace() on.
  void setColors(const FaceColors& colors);
  const FaceColors& colors() const { return m_colors; }

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
  FaceColors m_colors;
  bool m_dirty = false;  ///< the shading changed: the next setFace() rebuilds
};

/// Unit vertex normals of a mesh, each the area-weighted mean of its faces' normals (+z
/// for a vertex of no face).
std::vector<Vec3f> areaWeightedNormals(const PolyMesh& mesh);

/// Adds a lit triangle mesh under `parent`: `indices` (three per triangle) into `vertices`
/// (interleaved position and normal, 6 floats a vertex), in `color` (blended when it is
/// translucent) under a specular highlight. Returns the mesh's entity.
Qt3DCore::QEntity* addLitMesh(Qt3DCore::QNode* parent, Qt3DCore::QBuffer* vertices, int vertexCount,
                              const std::vector<std::uint32_t>& indices, const QColor& color,
                              float shininess, const QColor& specular);

/// Positions and area-weighted vertex normals of a mesh, interleaved (6 floats a vertex),
/// as the viewport uploads them.
QByteArray interleavedPositionsAndNormals(const PolyMesh& mesh);

}  // namespace sf::ui
