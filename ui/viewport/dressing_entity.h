#pragma once

#include "viewport/face_entity.h"
#include "viewport/line_entity.h"

#include <Qt3DCore/QEntity>

#include <QByteArray>
#include <QColor>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sf {
struct FaceScene;
}

namespace sf::ui {

/// What the viewport draws of a sample besides the face's own parts: the worn meshes
/// (garments, headwear, eyewear, facewear) in their colours, the hair (scalp, brows,
/// lashes, beard) as lines, and the colours of the sample's skin, lips and irises.
struct Dressing {
  struct Mesh {
    std::string name;
    QByteArray vertices;  ///< interleaved position and normal, 6 floats a vertex
    int vertexCount = 0;
    std::vector<std::uint32_t> indices;  ///< three per triangle
    QColor color;                        ///< sRGB; alpha below 255 for lenses
    float shininess = 10.0f;
  };
  std::vector<Mesh> meshes;
  std::vector<LineSegment> strands;
  std::size_t strandCount = 0;       ///< fibres in the scene
  std::size_t shownStrandCount = 0;  ///< fibres drawn (every k-th of a dense groom)
  FaceColors faceColors;
};

/// The dressing of `scene`, with at most about `maxSegments` hair segments: a groom with
/// more is thinned to every k-th strand, so the viewport stays responsive.
Dressing dressingOf(const FaceScene& scene, std::size_t maxSegments = 60000);

/// The sRGB colour of a linear albedo.
QColor displayColor(float red, float green, float blue, float alpha = 1.0f);

/// A sample's dressing in the viewport: one lit mesh per worn asset and one line set for
/// all hair. Millimetres, in the face's frame.
class DressingEntity : public Qt3DCore::QEntity {
  Q_OBJECT

public:
  explicit DressingEntity(Qt3DCore::QNode* parent = nullptr);

  /// Replaces what is shown by `dressing`.
  void setDressing(const Dressing& dressing);
  /// Shows nothing.
  void clear();

  int triangleCount() const { return m_triangles; }
  int segmentCount() const { return m_segments; }
  /// The names of the meshes shown, for tests.
  const std::vector<std::string>& meshNames() const { return m_meshNames; }

private:
  Qt3DCore::QEntity* m_meshes = nullptr;
  LineEntity* m_hair = nullptr;
  std::vector<std::string> m_meshNames;
  int m_triangles = 0;
  int m_segments = 0;
};

}  // namespace sf::ui
