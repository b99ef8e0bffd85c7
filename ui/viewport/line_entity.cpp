#include "viewport/line_entity.h"

#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>
#include <Qt3DCore/QGeometry>
#include <Qt3DRender/QEffect>
#include <Qt3DRender/QFilterKey>
#include <Qt3DRender/QGeometryRenderer>
#include <Qt3DRender/QGraphicsApiFilter>
#include <Qt3DRender/QMaterial>
#include <Qt3DRender/QRenderPass>
#include <Qt3DRender/QShaderProgram>
#include <Qt3DRender/QTechnique>

#include <cmath>

namespace sf::ui {

namespace {

constexpr char kVertexShader[] = R"(#version 150 core
in vec3 vertexPosition;
in vec3 vertexColor;
out vec3 color;
uniform mat4 modelViewProjection;
void main() {
  color = vertexColor;
  gl_Position = modelViewProjection * vec4(vertexPosition, 1.0);
}
)";

constexpr char kFragmentShader[] = R"(#version 150 core
in vec3 color;
out vec4 fragColor;
void main() {
  fragColor = vec4(color, 1.0);
}
)";

/// A material that draws each vertex in its own colour, ignoring lights.
Qt3DRender::QMaterial* createUnlitColorMaterial(Qt3DCore::QNode* parent) {
  auto* material = new Qt3DRender::QMaterial(parent);
  auto* effect = new Qt3DRender::QEffect(material);
  auto* technique = new Qt3DRender::QTechnique(effect);
  technique->graphicsApiFilter()->setApi(Qt3DRender::QGraphicsApiFilter::OpenGL);
  technique->graphicsApiFilter()->setProfile(Qt3DRender::QGraphicsApiFilter::CoreProfile);
  technique->graphicsApiFilter()->setMajorVersion(3);
  technique->graphicsApiFilter()->setMinorVersion(2);
  // The forward renderer draws techniques tagged renderingStyle=forward.
  auto* filterKey = new Qt3DRender::QFilterKey(technique);
  filterKey->setName(QStringLiteral("renderingStyle"));
  filterKey->setValue(QStringLiteral("forward"));
  technique->addFilterKey(filterKey);
  auto* pass = new Qt3DRender::QRenderPass(technique);
  auto* program = new Qt3DRender::QShaderProgram(pass);
  program->setVertexShaderCode(kVertexShader);
  program->setFragmentShaderCode(kFragmentShader);
  pass->setShaderProgram(program);
  technique->addRenderPass(pass);
  effect->addTechnique(technique);
  material->setEffect(effect);
  return material;
}

}  // namespace

LineEntity::LineEntity(Qt3DCore::QNode* parent) : Qt3DCore::QEntity(parent) {
  auto* geometry = new Qt3DCore::QGeometry(this);
  m_buffer = new Qt3DCore::QBuffer(geometry);

  // One interleaved buffer: position (3 floats), colour (3 floats).
  constexpr uint stride = 6 * sizeof(float);
  m_position = new Qt3DCore::QAttribute(geometry);
  m_position->setName(Qt3DCore::QAttribute::defaultPositionAttributeName());
  m_position->setVertexBaseType(Qt3DCore::QAttribute::Float);
  m_position->setVertexSize(3);
  m_position->setAttributeType(Qt3DCore::QAttribute::VertexAttribute);
  m_position->setBuffer(m_buffer);
  m_position->setByteStride(stride);
  m_position->setByteOffset(0);
  geometry->addAttribute(m_position);

  m_color = new Qt3DCore::QAttribute(geometry);
  m_color->setName(Qt3DCore::QAttribute::defaultColorAttributeName());
  m_color->setVertexBaseType(Qt3DCore::QAttribute::Float);
  m_color->setVertexSize(3);
  m_color->setAttributeType(Qt3DCore::QAttribute::VertexAttribute);
  m_color->setBuffer(m_buffer);
  m_color->setByteStride(stride);
  m_color->setByteOffset(3 * sizeof(float));
  geometry->addAttribute(m_color);

  auto* renderer = new Qt3DRender::QGeometryRenderer(this);
  renderer->setPrimitiveType(Qt3DRender::QGeometryRenderer::Lines);
  renderer->setGeometry(geometry);
  addComponent(renderer);
  addComponent(createUnlitColorMaterial(this));
}

void LineEntity::setLines(const std::vector<LineSegment>& lines) {
  QByteArray bytes(static_cast<qsizetype>(lines.size() * 2 * 6 * sizeof(float)), Qt::Uninitialized);
  auto* out = reinterpret_cast<float*>(bytes.data());
  for (const LineSegment& line : lines) {
    for (const QVector3D& point : {line.from, line.to}) {
      *out++ = point.x();
      *out++ = point.y();
      *out++ = point.z();
      *out++ = static_cast<float>(line.color.redF());
      *out++ = static_cast<float>(line.color.greenF());
      *out++ = static_cast<float>(line.color.blueF());
    }
  }
  m_buffer->setData(bytes);
  const auto count = static_cast<uint>(lines.size() * 2);
  m_position->setCount(count);
  m_color->setCount(count);
}

std::vector<LineSegment> groundGrid(float halfExtent, float spacing, float height) {
  const QColor minor(78, 82, 90);
  const QColor major(104, 109, 118);
  const QColor xAxis(178, 74, 74);
  const QColor zAxis(74, 110, 178);
  std::vector<LineSegment> lines;
  const int count = static_cast<int>(std::floor(halfExtent / spacing));
  for (int i = -count; i <= count; ++i) {
    const float offset = static_cast<float>(i) * spacing;
    const QColor color = i == 0 ? QColor() : (i % 5 == 0 ? major : minor);
    // Lines parallel to x (at z = offset) and parallel to z (at x = offset).
    lines.push_back({QVector3D(-halfExtent, height, offset), QVector3D(halfExtent, height, offset),
                     i == 0 ? xAxis : color});
    lines.push_back({QVector3D(offset, height, -halfExtent), QVector3D(offset, height, halfExtent),
                     i == 0 ? zAxis : color});
  }
  return lines;
}

}  // namespace sf::ui
