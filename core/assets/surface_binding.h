#pragma once

#include <Eigen/Geometry>

#include <array>
#include <span>
#include <vector>

namespace sf {

/// Points bound to a triangle mesh so that they follow it as it deforms, the way
/// MakeHuman's proxies are bound: each to a triangle, at barycentric coordinates, with an
/// offset kept in the triangle's own frame (so it turns as the triangle turns).
class SurfaceBinding {
public:
  /// Binds every point of `points` to its closest triangle of the mesh (`positions`,
  /// `triangles`), as the mesh is now. Throws sf::Error for an empty mesh.
  static SurfaceBinding create(std::span<const Eigen::Vector3f> points,
                               std::span<const Eigen::Vector3f> positions,
                               std::span<const std::array<int, 3>> triangles);

  /// The bound points on the same mesh with its vertices at `positions`.
  std::vector<Eigen::Vector3f> place(std::span<const Eigen::Vector3f> positions) const;

  std::size_t size() const { return m_anchors.size(); }

private:
  struct Anchor {
    int triangle = 0;
    float b1 = 0.0f;
    float b2 = 0.0f;
    Eigen::Vector3f offset = Eigen::Vector3f::Zero();  ///< along the edge, across, normal
  };
  std::vector<Anchor> m_anchors;
  std::vector<std::array<int, 3>> m_triangles;
};

/// Moves every point of `points` that lies inside the mesh (`positions`, `triangles`, wound
/// outward), or closer than `clearance` above it, out to `clearance` above its closest
/// point: what keeps a bound covering out of skin that moved under it. Points farther than
/// `reach` from the mesh are left alone.
void keepOutside(std::span<Eigen::Vector3f> points, std::span<const Eigen::Vector3f> positions,
                 std::span<const std::array<int, 3>> triangles, float clearance, float reach);

}  // namespace sf
