#include "assets/surface_binding.h"

#include "assets/mesh_building.h"
#include "render/embree_accel.h"
#include "util/error.h"

namespace sf {

namespace {

using V3 = Eigen::Vector3f;

/// A triangle's orthonormal frame: its first edge, across it, and its normal.
Eigen::Matrix3f triangleFrame(const V3& a, const V3& b, const V3& c) {
  const V3 edge = (b - a).normalized();
  const V3 normal = triangleNormal(a, b, c);
  Eigen::Matrix3f frame;
  frame.col(0) = edge;
  frame.col(1) = normal.cross(edge);
  frame.col(2) = normal;
  return frame;
}

}  // namespace

SurfaceBinding SurfaceBinding::create(std::span<const V3> points, std::span<const V3> positions,
                                      std::span<const std::array<int, 3>> triangles) {
  if (positions.empty() || triangles.empty()) {
    throw Error("surface binding: the mesh to bind to is empty");
  }
  const ClosestPointIndex index =
      ClosestPointIndex::create(sharedEmbreeDevice(), positions, triangles);
  SurfaceBinding binding;
  binding.m_triangles.assign(triangles.begin(), triangles.end());
  binding.m_anchors.reserve(points.size());
  for (const V3& p : points) {
    const ClosestPoint c = index.closest(p);
    Anchor anchor;
    anchor.triangle = c.triangle;
    anchor.b1 = c.b1;
    anchor.b2 = c.b2;
    const std::array<int, 3>& t = triangles[static_cast<std::size_t>(c.triangle)];
    const Eigen::Matrix3f frame = triangleFrame(positions[static_cast<std::size_t>(t[0])],
                                                positions[static_cast<std::size_t>(t[1])],
                                                positions[static_cast<std::size_t>(t[2])]);
    anchor.offset = frame.transpose() * (p - c.point);
    binding.m_anchors.push_back(anchor);
  }
  return binding;
}

std::vector<V3> SurfaceBinding::place(std::span<const V3> positions) const {
  std::vector<V3> out;
  out.reserve(m_anchors.size());
  for (const Anchor& anchor : m_anchors) {
    const std::array<int, 3>& t = m_triangles[static_cast<std::size_t>(anchor.triangle)];
    const V3& a = positions[static_cast<std::size_t>(t[0])];
    const V3& b = positions[static_cast<std::size_t>(t[1])];
    const V3& c = positions[static_cast<std::size_t>(t[2])];
    const V3 onSurface = (1.0f - anchor.b1 - anchor.b2) * a + anchor.b1 * b + anchor.b2 * c;
    out.push_back(onSurface + triangleFrame(a, b, c) * anchor.offset);
  }
  return out;
}

void keepOutside(std::span<V3> points, std::span<const V3> positions,
                 std::span<const std::array<int, 3>> triangles, float clearance, float reach) {
  if (positions.empty() || triangles.empty()) {
    return;
  }
  const ClosestPointIndex index =
      ClosestPointIndex::create(sharedEmbreeDevice(), positions, triangles);
  for (V3& p : points) {
    const ClosestPoint c = index.closest(p, reach);
    if (!c.found()) {
      continue;
    }
    const std::array<int, 3>& t = triangles[static_cast<std::size_t>(c.triangle)];
    const V3 n = triangleNormal(positions[static_cast<std::size_t>(t[0])],
                                positions[static_cast<std::size_t>(t[1])],
                                positions[static_cast<std::size_t>(t[2])]);
    if ((p - c.point).dot(n) < clearance) {
      p = c.point + clearance * n;
    }
  }
}

}  // namespace sf
