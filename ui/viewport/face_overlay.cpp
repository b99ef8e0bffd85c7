#include "viewport/face_overlay.h"

#include "viewport/face_entity.h"
#include "viewport/line_entity.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_set>

namespace sf::ui {

namespace {

/// Three short axis-aligned segments centred on `p`.
void addCross(std::vector<LineSegment>& lines, const Vec3f& p, float half, const QColor& color) {
  const QVector3D c(p.x(), p.y(), p.z());
  lines.push_back({c - QVector3D(half, 0, 0), c + QVector3D(half, 0, 0), color});
  lines.push_back({c - QVector3D(0, half, 0), c + QVector3D(0, half, 0), color});
  lines.push_back({c - QVector3D(0, 0, half), c + QVector3D(0, 0, half), color});
}

/// The edges of a mesh, each once, lifted off the surface along the vertex normals so the
/// depth test does not hide them in the faces they bound.
void addWireframe(std::vector<LineSegment>& lines, const PolyMesh& mesh, const QColor& color) {
  const std::vector<int> offsets = mesh.faceOffsets();
  const std::vector<Vec3f> normals = areaWeightedNormals(mesh);
  const auto lifted = [&](int v) {
    const Vec3f p = mesh.positions[std::size_t(v)] + 0.08f * normals[std::size_t(v)];
    return QVector3D(p.x(), p.y(), p.z());
  };
  // Each interior edge is seen from both of its faces: draw it once.
  std::unordered_set<std::uint64_t> drawn;
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const int begin = offsets[std::size_t(f)];
    const int size = mesh.faceSizes[std::size_t(f)];
    for (int k = 0; k < size; ++k) {
      const int a = mesh.faceIndices[std::size_t(begin + k)];
      const int b = mesh.faceIndices[std::size_t(begin + (k + 1) % size)];
      const auto key =
          (std::uint64_t(std::uint32_t(std::min(a, b))) << 32) | std::uint32_t(std::max(a, b));
      if (drawn.insert(key).second) {
        lines.push_back({lifted(a), lifted(b), color});
      }
    }
  }
}

/// Writes `number` in seven-segment digits 1.4 mm wide and 2.4 mm tall, in the z = const
/// plane, its lower left corner at `origin`.
void addNumber(std::vector<LineSegment>& lines, int number, QVector3D origin, const QColor& color) {
  // Segments a (top), b (upper right), c (lower right), d (bottom), e (lower left),
  // f (upper left), g (middle), as bits 0..6.
  static constexpr std::uint8_t kDigits[10] = {0x3f, 0x06, 0x5b, 0x4f, 0x66,
                                               0x6d, 0x7d, 0x07, 0x7f, 0x6f};
  constexpr float w = 1.4f;
  constexpr float h = 1.2f;  // half the height
  const QVector3D ends[7][2] = {{{0, 2 * h, 0}, {w, 2 * h, 0}}, {{w, 2 * h, 0}, {w, h, 0}},
                                {{w, h, 0}, {w, 0, 0}},         {{0, 0, 0}, {w, 0, 0}},
                                {{0, 0, 0}, {0, h, 0}},         {{0, h, 0}, {0, 2 * h, 0}},
                                {{0, h, 0}, {w, h, 0}}};
  const std::string text = std::to_string(number);
  for (std::size_t k = 0; k < text.size(); ++k) {
    const std::uint8_t bits = kDigits[text[k] - '0'];
    const QVector3D at = origin + QVector3D(float(k) * (w + 0.6f), 0, 0);
    for (int segment = 0; segment < 7; ++segment) {
      if (bits & (1u << segment)) {
        lines.push_back({at + ends[segment][0], at + ends[segment][1], color});
      }
    }
  }
}

}  // namespace

FaceOverlay::FaceOverlay(Qt3DCore::QNode* parent)
    : Qt3DCore::QEntity(parent), m_lines(new LineEntity(this)) {}

void FaceOverlay::setOptions(const OverlayOptions& options) {
  m_options = options;
}

void FaceOverlay::update(const FaceModel& model, const PosedFace& posed) {
  std::vector<LineSegment> lines;
  if (m_options.wireframe) {
    // The control cage, posed: the edge loops an artist models with.
    for (const FacePart& part : model.parts) {
      if (part.material == PartMaterial::Cornea || part.material == PartMaterial::TearLine) {
        continue;
      }
      PolyMesh cage = part.mesh;
      for (std::size_t v = 0; v < cage.positions.size(); ++v) {
        const std::size_t global = std::size_t(part.firstVertex) + v;
        if (global < posed.controlPositions.size()) {
          cage.positions[v] = posed.controlPositions[global];
        }
      }
      addWireframe(lines, cage, QColor(20, 24, 34));
    }
  }
  if (m_options.denseLandmarks) {
    for (const Vec3f& p : posed.denseLandmarks) {
      addCross(lines, p, 0.8f, QColor(250, 210, 40));
    }
  }
  if (m_options.landmarks) {
    for (std::size_t i = 0; i < posed.landmarks.size(); ++i) {
      // The pupils (68, 69) in cyan, the iBUG 68 in green.
      addCross(lines, posed.landmarks[i], 2.4f,
               i >= 68 ? QColor(40, 220, 255) : QColor(60, 240, 90));
    }
  }
  if (m_options.indices) {
    // Index labels: seven-segment digits facing the front (+z), up and right of each point.
    for (std::size_t i = 0; i < posed.landmarks.size(); ++i) {
      const Vec3f& p = posed.landmarks[i];
      addNumber(lines, static_cast<int>(i), QVector3D(p.x() + 1.0f, p.y() + 1.0f, p.z() + 1.5f),
                QColor(255, 255, 255));
    }
    m_labels = static_cast<int>(posed.landmarks.size());
  } else {
    m_labels = 0;
  }
  m_lines->setLines(lines);
  m_segments = static_cast<int>(lines.size());
}

}  // namespace sf::ui
