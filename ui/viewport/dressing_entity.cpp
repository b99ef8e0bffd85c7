#include "viewport/dressing_entity.h"

#include "render/face_scene.h"

#include <Qt3DCore/QBuffer>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sf::ui {

namespace {

float encodeSrgb(float linear) {
  const float c = std::clamp(linear, 0.0f, 1.0f);
  return c <= 0.0031308f ? 12.92f * c : 1.055f * std::pow(c, 1.0f / 2.4f) - 0.055f;
}

QColor displayOf(const Eigen::Vector3f& linear, float alpha = 1.0f) {
  return sf::ui::displayColor(linear.x(), linear.y(), linear.z(), alpha);
}

QColor mix(const QColor& a, const QColor& b, float t) {
  return QColor::fromRgbF(
      static_cast<float>(a.redF()) * (1.0f - t) + static_cast<float>(b.redF()) * t,
      static_cast<float>(a.greenF()) * (1.0f - t) + static_cast<float>(b.greenF()) * t,
      static_cast<float>(a.blueF()) * (1.0f - t) + static_cast<float>(b.blueF()) * t);
}

/// How a worn material looks under the viewport's lights: its colour and its gloss.
Dressing::Mesh wornMesh(const SurfaceMesh& surface) {
  Dressing::Mesh mesh;
  mesh.name = surface.name;
  switch (surface.material) {
    case SurfaceMaterial::Cloth:
      mesh.color = displayOf(surface.baseColor);
      mesh.shininess = 3.0f;
      break;
    case SurfaceMaterial::Glass: {
      // A lens: its tint, see-through as much as it transmits.
      const float transmittance = surface.baseColor.mean();
      mesh.color = displayOf(surface.baseColor, std::clamp(1.0f - transmittance, 0.15f, 0.85f));
      mesh.shininess = 120.0f;
      break;
    }
    case SurfaceMaterial::Metal:
      mesh.color = displayOf(surface.baseColor);
      mesh.shininess = 90.0f;
      break;
    default:
      mesh.color = displayOf(surface.baseColor);
      mesh.shininess = 40.0f;
      break;
  }
  mesh.vertexCount = static_cast<int>(surface.positions.size());
  mesh.vertices.resize(static_cast<qsizetype>(surface.positions.size() * 6 * sizeof(float)));
  auto* out = reinterpret_cast<float*>(mesh.vertices.data());
  for (std::size_t v = 0; v < surface.positions.size(); ++v) {
    const Eigen::Vector3f& p = surface.positions[v];
    const Eigen::Vector3f n =
        v < surface.normals.size() ? surface.normals[v] : Eigen::Vector3f::UnitZ();
    const float values[6] = {p.x(), p.y(), p.z(), n.x(), n.y(), n.z()};
    std::memcpy(out + 6 * v, values, sizeof(values));
  }
  mesh.indices.reserve(surface.triangles.size() * 3);
  for (const std::array<int, 3>& triangle : surface.triangles) {
    for (const int corner : triangle) {
      mesh.indices.push_back(static_cast<std::uint32_t>(corner));
    }
  }
  return mesh;
}

bool isWorn(SurfaceMaterial material) {
  return material == SurfaceMaterial::Cloth || material == SurfaceMaterial::Glass ||
         material == SurfaceMaterial::Metal || material == SurfaceMaterial::Plastic;
}

}  // namespace

QColor displayColor(float red, float green, float blue, float alpha) {
  return QColor::fromRgbF(encodeSrgb(red), encodeSrgb(green), encodeSrgb(blue),
                          std::clamp(alpha, 0.0f, 1.0f));
}

Dressing dressingOf(const FaceScene& scene, std::size_t maxSegments) {
  Dressing dressing;
  const QColor skin = displayOf(scene.look.skinAlbedo);
  dressing.faceColors.skin = skin;
  dressing.faceColors.lips = displayOf(scene.look.lipAlbedo);
  dressing.faceColors.iris = displayOf(scene.look.irisColor);
  dressing.faceColors.scalp = skin;
  for (const SurfaceMesh& surface : scene.meshes) {
    if (isWorn(surface.material) && !surface.triangles.empty()) {
      dressing.meshes.push_back(wornMesh(surface));
    }
  }

  std::size_t totalSegments = 0;
  for (const HairStrands& groom : scene.hair) {
    totalSegments += groom.segmentStarts.size();
    dressing.strandCount += groom.strandCount;
  }
  // Thin every groom alike, so brows and lashes keep their share.
  const std::size_t step =
      maxSegments == 0 ? 1
                       : std::max<std::size_t>(1, (totalSegments + maxSegments - 1) / maxSegments);
  dressing.strands.reserve(totalSegments / step + 1);
  for (const HairStrands& groom : scene.hair) {
    const QColor tip = displayOf(groom.albedo);
    if (groom.mask == "hair" && groom.strandCount > 0) {
      dressing.faceColors.scalp = mix(skin, tip, 0.6f);
    }
    // A strand is a run of segments that share their end points; it is drawn darker at
    // the root, where the hair shadows itself, and lighter toward the tip.
    std::size_t strand = 0;
    std::size_t first = 0;
    const std::size_t count = groom.segmentStarts.size();
    for (std::size_t i = 0; i <= count; ++i) {
      const bool ends =
          i == count || (i > first && groom.segmentStarts[i] != groom.segmentStarts[i - 1] + 1);
      if (!ends) {
        continue;
      }
      if (strand % step == 0) {
        const std::size_t length = i - first;
        for (std::size_t s = first; s < i; ++s) {
          const Eigen::Vector4f& a = groom.points[groom.segmentStarts[s]];
          const Eigen::Vector4f& b = groom.points[groom.segmentStarts[s] + 1];
          const float along = (static_cast<float>(s - first) + 0.5f) / static_cast<float>(length);
          const QColor shade = mix(tip.darker(220), tip, std::sqrt(along));
          dressing.strands.push_back(
              {QVector3D(a.x(), a.y(), a.z()), QVector3D(b.x(), b.y(), b.z()), shade});
        }
        ++dressing.shownStrandCount;
      }
      ++strand;
      first = i;
    }
  }
  return dressing;
}

DressingEntity::DressingEntity(Qt3DCore::QNode* parent) : Qt3DCore::QEntity(parent) {
  m_hair = new LineEntity(this);
  m_hair->setEnabled(false);
}

void DressingEntity::clear() {
  delete m_meshes;
  m_meshes = nullptr;
  m_meshNames.clear();
  m_triangles = 0;
  m_segments = 0;
  m_hair->setLines({});
  m_hair->setEnabled(false);
}

void DressingEntity::setDressing(const Dressing& dressing) {
  clear();
  m_meshes = new Qt3DCore::QEntity(this);
  for (const Dressing::Mesh& mesh : dressing.meshes) {
    auto* vertices = new Qt3DCore::QBuffer(m_meshes);
    vertices->setData(mesh.vertices);
    addLitMesh(m_meshes, vertices, mesh.vertexCount, mesh.indices, mesh.color, mesh.shininess,
               QColor(40, 40, 40));
    m_meshNames.push_back(mesh.name);
    m_triangles += static_cast<int>(mesh.indices.size() / 3);
  }
  m_hair->setLines(dressing.strands);
  m_hair->setEnabled(!dressing.strands.empty());
  m_segments = static_cast<int>(dressing.strands.size());
}

}  // namespace sf::ui
