#include "assets/mesh_building.h"

#include <algorithm>
#include <cmath>

namespace sf {

using V3 = Eigen::Vector3f;

void addTriangle(SurfaceMesh& mesh, int a, int b, int c, LabelClass label) {
  mesh.triangles.push_back({a, b, c});
  mesh.triangleClass.push_back(label);
}

void addQuad(SurfaceMesh& mesh, int a, int b, int c, int d, LabelClass label) {
  addTriangle(mesh, a, b, c, label);
  addTriangle(mesh, a, c, d, label);
}

void addFacing(SurfaceMesh& mesh, int a, int b, int c, const V3& outward, LabelClass label) {
  const V3& pa = mesh.positions[static_cast<std::size_t>(a)];
  const V3& pb = mesh.positions[static_cast<std::size_t>(b)];
  const V3& pc = mesh.positions[static_cast<std::size_t>(c)];
  if ((pb - pa).cross(pc - pa).dot(outward) < 0.0f) {
    std::swap(b, c);
  }
  addTriangle(mesh, a, b, c, label);
}

void computeNormals(SurfaceMesh& mesh) {
  mesh.normals.assign(mesh.positions.size(), V3::Zero());
  for (const std::array<int, 3>& t : mesh.triangles) {
    const V3& a = mesh.positions[static_cast<std::size_t>(t[0])];
    const V3& b = mesh.positions[static_cast<std::size_t>(t[1])];
    const V3& c = mesh.positions[static_cast<std::size_t>(t[2])];
    const V3 n = (b - a).cross(c - a);
    for (int i : t) {
      mesh.normals[static_cast<std::size_t>(i)] += n;
    }
  }
  for (V3& n : mesh.normals) {
    const float length = n.norm();
    n = length > 0.0f ? V3(n / length) : V3::UnitZ();
  }
}

std::vector<SweepStation> sweepStations(std::span<const V3> path, const V3& preferred) {
  std::vector<SweepStation> out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    const V3 t = (path[std::min(i + 1, path.size() - 1)] - path[i > 0 ? i - 1 : 0]).normalized();
    V3 across = preferred - t * t.dot(preferred);
    across = across.norm() > 1e-6f ? V3(across.normalized()) : V3(t.unitOrthogonal());
    out.push_back({path[i], across, t.cross(across).normalized()});
  }
  return out;
}

void sweepProfile(SurfaceMesh& mesh, std::span<const SweepStation> stations,
                  std::span<const Eigen::Vector2f> profile, bool closedPath, LabelClass label) {
  const int n = static_cast<int>(stations.size());
  const int m = static_cast<int>(profile.size());
  if (n < 2 || m < 3) {
    return;
  }
  // The rings, with normals from the profile's own shape (its outward directions).
  const int base = static_cast<int>(mesh.positions.size());
  for (const SweepStation& s : stations) {
    for (int j = 0; j < m; ++j) {
      const Eigen::Vector2f a = profile[static_cast<std::size_t>(j)].cwiseProduct(s.scale);
      const Eigen::Vector2f prev =
          profile[static_cast<std::size_t>((j + m - 1) % m)].cwiseProduct(s.scale);
      const Eigen::Vector2f next =
          profile[static_cast<std::size_t>((j + 1) % m)].cwiseProduct(s.scale);
      const Eigen::Vector2f edge = next - prev;
      Eigen::Vector2f out(edge.y(), -edge.x());
      if (out.dot(a) < 0.0f) {
        out = -out;
      }
      out.normalize();
      mesh.positions.push_back(s.point + a.x() * s.across + a.y() * s.up);
      mesh.normals.push_back((out.x() * s.across + out.y() * s.up).normalized());
    }
  }
  const int segments = closedPath ? n : n - 1;
  for (int i = 0; i < segments; ++i) {
    const int r0 = base + i * m;
    const int r1 = base + ((i + 1) % n) * m;
    for (int j = 0; j < m; ++j) {
      const int j1 = (j + 1) % m;
      const V3 outward = mesh.normals[static_cast<std::size_t>(r0 + j)] +
                         mesh.normals[static_cast<std::size_t>(r1 + j1)];
      addFacing(mesh, r0 + j, r1 + j, r1 + j1, outward, label);
      addFacing(mesh, r0 + j, r1 + j1, r0 + j1, outward, label);
    }
  }
  if (closedPath) {
    return;
  }
  // Flat caps with their own vertices, so the tube's normals stay round.
  for (int end = 0; end < 2; ++end) {
    const SweepStation& s = stations[end == 0 ? 0 : static_cast<std::size_t>(n - 1)];
    const V3 other = stations[end == 0 ? 1 : static_cast<std::size_t>(n - 2)].point;
    const V3 outward = (s.point - other).normalized();
    const int centre = static_cast<int>(mesh.positions.size());
    mesh.positions.push_back(s.point);
    mesh.normals.push_back(outward);
    for (int j = 0; j < m; ++j) {
      const Eigen::Vector2f a = profile[static_cast<std::size_t>(j)].cwiseProduct(s.scale);
      mesh.positions.push_back(s.point + a.x() * s.across + a.y() * s.up);
      mesh.normals.push_back(outward);
    }
    for (int j = 0; j < m; ++j) {
      addFacing(mesh, centre, centre + 1 + j, centre + 1 + (j + 1) % m, outward, label);
    }
  }
}

void addEllipsoid(SurfaceMesh& mesh, const V3& centre, const std::array<V3, 3>& axes,
                  LabelClass label) {
  constexpr int kRings = 8;
  constexpr int kSegments = 12;
  constexpr float kPi = 3.14159265358979f;
  // Normals of an ellipsoid: the gradient, axes scaled by the inverse squared radii.
  std::array<V3, 3> inverse;
  for (int i = 0; i < 3; ++i) {
    inverse[static_cast<std::size_t>(i)] =
        axes[static_cast<std::size_t>(i)] /
        std::max(1e-6f, axes[static_cast<std::size_t>(i)].squaredNorm());
  }
  const int base = static_cast<int>(mesh.positions.size());
  for (int r = 0; r <= kRings; ++r) {
    const float theta = kPi * static_cast<float>(r) / kRings;
    for (int s = 0; s < kSegments; ++s) {
      const float phi = 2.0f * kPi * static_cast<float>(s) / kSegments;
      const V3 unit(std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi),
                    std::cos(theta));
      mesh.positions.push_back(centre + unit.x() * axes[0] + unit.y() * axes[1] +
                               unit.z() * axes[2]);
      mesh.normals.push_back(
          (unit.x() * inverse[0] + unit.y() * inverse[1] + unit.z() * inverse[2]).normalized());
    }
  }
  for (int r = 0; r < kRings; ++r) {
    for (int s = 0; s < kSegments; ++s) {
      const int a = base + r * kSegments + s;
      const int b = base + r * kSegments + (s + 1) % kSegments;
      const int c = a + kSegments;
      const int d = b + kSegments;
      const V3 outward = mesh.positions[static_cast<std::size_t>(a)] - centre +
                         mesh.positions[static_cast<std::size_t>(d)] - centre;
      if (r > 0) {
        addFacing(mesh, a, b, d, outward, label);
      }
      if (r < kRings - 1) {
        addFacing(mesh, a, d, c, outward, label);
      }
    }
  }
}

std::vector<Eigen::Vector2f> superellipse(float halfP, float halfQ, float exponent, int count) {
  std::vector<Eigen::Vector2f> points;
  points.reserve(static_cast<std::size_t>(count));
  const float power = 2.0f / exponent;
  for (int i = 0; i < count; ++i) {
    const float t = 2.0f * 3.14159265358979f * static_cast<float>(i) / static_cast<float>(count);
    const float c = std::cos(t);
    const float s = std::sin(t);
    points.emplace_back(halfP * std::copysign(std::pow(std::abs(c), power), c),
                        halfQ * std::copysign(std::pow(std::abs(s), power), s));
  }
  return points;
}

}  // namespace sf
