#include "viewport/face_entity.h"

#include "label_colors.h"

#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>
#include <Qt3DCore/QGeometry>
#include <Qt3DExtras/QDiffuseSpecularMaterial>
#include <Qt3DRender/QGeometryRenderer>

#include <QColor>

#include <cstring>
#include <functional>

namespace sf::ui {

namespace {

/// One coloured group of a part's faces.
struct Group {
  QColor color;
  float shininess = 20.0f;
  std::vector<std::uint32_t> triangles;  ///< vertex indices, three per triangle
};

/// The faces of one part, sorted into coloured groups (fan-triangulated).
std::vector<Group> groupFaces(const FacePart& part, const PolyMesh& mesh,
                              const std::vector<int>& parents, bool segmentation,
                              const FaceColors& colors) {
  std::vector<Group> groups;
  std::function<int(int)> groupOf;
  const std::vector<int> offsets = mesh.faceOffsets();
  auto classOf = [&](int f) {
    return part.faceClass[static_cast<std::size_t>(parents[static_cast<std::size_t>(f)])];
  };
  if (segmentation && part.material != PartMaterial::Cornea &&
      part.material != PartMaterial::TearLine) {
    // One group per label class, in its overlay colour (opaque: it is lit).
    for (int c = 0; c < 256; ++c) {
      QColor color = labelColor(c);
      color.setAlpha(255);
      groups.push_back({c == 0 ? QColor(128, 128, 128) : color, 4.0f, {}});
    }
    groupOf = [&](int f) { return static_cast<int>(classOf(f)); };
  } else {
    switch (part.material) {
      case PartMaterial::Skin:
        // A broad, faint sheen: skin is not plastic.
        groups = {{colors.skin, 10.0f, {}},
                  {colors.lips, 16.0f, {}},
                  {QColor(110, 40, 40), 8.0f, {}},
                  {colors.scalp, 6.0f, {}}};
        groupOf = [&](int f) {
          const auto parent = static_cast<std::size_t>(parents[static_cast<std::size_t>(f)]);
          const LabelClass c = part.faceClass[parent];
          if (c == LabelClass::TopLip || c == LabelClass::BottomLip) {
            return 1;
          }
          if (c == LabelClass::MouthInterior) {
            return 2;
          }
          const bool scalp =
              parent < part.faceGrowth.size() && (part.faceGrowth[parent] & kGrowthScalp) != 0;
          return scalp ? 3 : 0;
        };
        break;
      case PartMaterial::Sclera:
        groups = {{QColor(235, 232, 225), 60.0f, {}},
                  {colors.iris, 60.0f, {}},
                  {QColor(12, 10, 10), 60.0f, {}}};
        groupOf = [&](int f) {
          const float v = meanFaceV(mesh, offsets, f);
          return v > 0.34f ? 0 : (v > 0.13f ? 1 : 2);
        };
        break;
      case PartMaterial::Teeth: groups = {{QColor(232, 225, 205), 40.0f, {}}}; break;
      case PartMaterial::Tongue:
      case PartMaterial::MouthCavity: groups = {{QColor(170, 75, 75), 20.0f, {}}}; break;
      case PartMaterial::Caruncle: groups = {{QColor(205, 120, 115), 40.0f, {}}}; break;
      case PartMaterial::Cornea:
      case PartMaterial::TearLine:
        return {};  // clear: nothing to draw in a preview without refraction
    }
  }
  if (!groupOf) {
    groupOf = [](int) { return 0; };
  }
  for (int f = 0; f < mesh.faceCount(); ++f) {
    Group& group = groups[static_cast<std::size_t>(groupOf(f))];
    const int begin = offsets[static_cast<std::size_t>(f)];
    const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
    for (int k = 1; k + 1 < size; ++k) {
      for (int corner : {0, k, k + 1}) {
        group.triangles.push_back(
            static_cast<std::uint32_t>(mesh.faceIndices[static_cast<std::size_t>(begin + corner)]));
      }
    }
  }
  return groups;
}

}  // namespace

std::vector<Vec3f> areaWeightedNormals(const PolyMesh& mesh) {
  std::vector<Vec3f> normals(mesh.positions.size(), Vec3f::Zero());
  const std::vector<int> offsets = mesh.faceOffsets();
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const int begin = offsets[static_cast<std::size_t>(f)];
    const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
    const Vec3f& a =
        mesh.positions[static_cast<std::size_t>(mesh.faceIndices[static_cast<std::size_t>(begin)])];
    for (int k = 1; k + 1 < size; ++k) {
      const int ib = mesh.faceIndices[static_cast<std::size_t>(begin + k)];
      const int ic = mesh.faceIndices[static_cast<std::size_t>(begin + k + 1)];
      // The cross product's length is twice the area: larger faces weigh more.
      const Vec3f n = (mesh.positions[static_cast<std::size_t>(ib)] - a)
                          .cross(mesh.positions[static_cast<std::size_t>(ic)] - a);
      for (int corner : {0, k, k + 1}) {
        normals[static_cast<std::size_t>(
            mesh.faceIndices[static_cast<std::size_t>(begin + corner)])] += n;
      }
    }
  }
  for (Vec3f& n : normals) {
    n = n.norm() > 0.0f ? Vec3f(n.normalized()) : Vec3f::UnitZ();
  }
  return normals;
}

QByteArray interleavedPositionsAndNormals(const PolyMesh& mesh) {
  const std::vector<Vec3f> normals = areaWeightedNormals(mesh);
  QByteArray data(static_cast<qsizetype>(mesh.positions.size() * 6 * sizeof(float)),
                  Qt::Uninitialized);
  auto* out = reinterpret_cast<float*>(data.data());
  for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
    const Vec3f& n = normals[v];
    const Vec3f& p = mesh.positions[v];
    const float values[6] = {p.x(), p.y(), p.z(), n.x(), n.y(), n.z()};
    std::memcpy(out + 6 * v, values, sizeof(values));
  }
  return data;
}

Qt3DCore::QEntity* addLitMesh(Qt3DCore::QNode* parent, Qt3DCore::QBuffer* vertices, int vertexCount,
                              const std::vector<std::uint32_t>& indices, const QColor& color,
                              float shininess, const QColor& specular) {
  constexpr uint kStride = 6 * sizeof(float);
  auto* entity = new Qt3DCore::QEntity(parent);
  auto* geometry = new Qt3DCore::QGeometry(entity);
  auto addAttribute = [&](const QString& name, uint offset) {
    auto* attribute = new Qt3DCore::QAttribute(geometry);
    attribute->setName(name);
    attribute->setVertexBaseType(Qt3DCore::QAttribute::Float);
    attribute->setVertexSize(3);
    attribute->setAttributeType(Qt3DCore::QAttribute::VertexAttribute);
    attribute->setBuffer(vertices);
    attribute->setByteStride(kStride);
    attribute->setByteOffset(offset);
    attribute->setCount(static_cast<uint>(vertexCount));
    geometry->addAttribute(attribute);
  };
  addAttribute(Qt3DCore::QAttribute::defaultPositionAttributeName(), 0);
  addAttribute(Qt3DCore::QAttribute::defaultNormalAttributeName(), 3 * sizeof(float));

  auto* indexBuffer = new Qt3DCore::QBuffer(geometry);
  indexBuffer->setData(QByteArray(reinterpret_cast<const char*>(indices.data()),
                                  static_cast<qsizetype>(indices.size() * sizeof(std::uint32_t))));
  auto* indexAttribute = new Qt3DCore::QAttribute(geometry);
  indexAttribute->setAttributeType(Qt3DCore::QAttribute::IndexAttribute);
  indexAttribute->setVertexBaseType(Qt3DCore::QAttribute::UnsignedInt);
  indexAttribute->setBuffer(indexBuffer);
  indexAttribute->setCount(static_cast<uint>(indices.size()));
  geometry->addAttribute(indexAttribute);

  auto* renderer = new Qt3DRender::QGeometryRenderer(entity);
  renderer->setGeometry(geometry);
  renderer->setPrimitiveType(Qt3DRender::QGeometryRenderer::Triangles);
  auto* material = new Qt3DExtras::QDiffuseSpecularMaterial(entity);
  material->setDiffuse(color);
  material->setAmbient(color.darker(400));
  material->setSpecular(specular);
  material->setShininess(shininess);
  material->setAlphaBlendingEnabled(color.alpha() < 255);
  entity->addComponent(renderer);
  entity->addComponent(material);
  return entity;
}

FaceEntity::FaceEntity(Qt3DCore::QNode* parent) : Qt3DCore::QEntity(parent) {}

void FaceEntity::setSegmentationShading(bool on) {
  if (on != m_segmentation) {
    m_segmentation = on;
    m_dirty = true;
  }
}

void FaceEntity::setColors(const FaceColors& colors) {
  if (colors != m_colors) {
    m_colors = colors;
    m_dirty = true;
  }
}

void FaceEntity::setFace(const FaceModel& model, const FaceGeometry& geometry,
                         const PosedFace& posed) {
  bool sameLayout = !m_dirty && m_parts.size() == posed.parts.size();
  for (std::size_t p = 0; sameLayout && p < posed.parts.size(); ++p) {
    sameLayout = m_parts[p].vertexCount == posed.parts[p].vertexCount();
  }
  if (!sameLayout) {
    build(model, geometry, posed);
    return;
  }
  for (std::size_t p = 0; p < posed.parts.size(); ++p) {
    if (m_parts[p].vertices) {
      m_parts[p].vertices->setData(interleavedPositionsAndNormals(posed.parts[p]));
    }
  }
}

void FaceEntity::build(const FaceModel& model, const FaceGeometry& geometry,
                       const PosedFace& posed) {
  for (Qt3DCore::QNode* child : childNodes()) {
    delete child;
  }
  m_parts.assign(posed.parts.size(), {});
  m_triangles = 0;
  m_dirty = false;
  for (std::size_t p = 0; p < posed.parts.size(); ++p) {
    const PolyMesh& mesh = posed.parts[p];
    const std::vector<Group> groups = groupFaces(
        model.parts[p], mesh, geometry.faceParents(static_cast<int>(p)), m_segmentation, m_colors);
    if (groups.empty()) {
      continue;
    }
    // One vertex buffer per part, shared by its groups' geometries.
    auto* partEntity = new Qt3DCore::QEntity(this);
    auto* vertices = new Qt3DCore::QBuffer(partEntity);
    vertices->setData(interleavedPositionsAndNormals(mesh));
    m_parts[p] = {vertices, mesh.vertexCount()};
    for (const Group& group : groups) {
      if (group.triangles.empty()) {
        continue;
      }
      addLitMesh(partEntity, vertices, mesh.vertexCount(), group.triangles, group.color,
                 group.shininess, QColor(16, 16, 16));
      m_triangles += static_cast<int>(group.triangles.size() / 3);
    }
  }
}

}  // namespace sf::ui
