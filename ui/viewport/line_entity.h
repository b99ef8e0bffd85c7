#pragma once

#include <Qt3DCore/QAttribute>
#include <Qt3DCore/QBuffer>
#include <Qt3DCore/QEntity>

#include <QColor>
#include <QVector3D>
#include <vector>

namespace sf::ui {

/// A coloured line segment for viewport guides.
struct LineSegment {
  QVector3D from;
  QVector3D to;
  QColor color;
};

/// Unlit coloured lines (grid, axes, later landmark leaders). The geometry is built in a
/// Qt3D buffer, so setLines() updates it live.
class LineEntity : public Qt3DCore::QEntity {
public:
  explicit LineEntity(Qt3DCore::QNode* parent = nullptr);

  void setLines(const std::vector<LineSegment>& lines);

private:
  // Owned by Qt's node tree.
  Qt3DCore::QBuffer* m_buffer = nullptr;
  Qt3DCore::QAttribute* m_position = nullptr;
  Qt3DCore::QAttribute* m_color = nullptr;
};

/// The segments of a square ground grid in the y = `height` plane, centred on the origin,
/// `halfExtent` to each side with a line every `spacing`; the x and z axes are drawn in
/// their axis colours, every fifth line a little brighter.
std::vector<LineSegment> groundGrid(float halfExtent, float spacing, float height);

}  // namespace sf::ui
