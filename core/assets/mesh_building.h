#pragma once

#include "render/face_scene.h"

#include <Eigen/Geometry>

#include <array>
#include <span>
#include <string>
#include <vector>

namespace sf {

/// The built-in style with this id in `styles` (anything with an `id`), or nullptr.
template <typename Style>
const Style* findById(std::span<const Style> styles, const std::string& id) {
  for (const Style& style : styles) {
    if (style.id == id) {
      return &style;
    }
  }
  return nullptr;
}

/// The unit normal of triangle (a, b, c), by its winding.
inline Eigen::Vector3f triangleNormal(const Eigen::Vector3f& a, const Eigen::Vector3f& b,
                                      const Eigen::Vector3f& c) {
  return (b - a).cross(c - a).normalized();
}

/// Appends triangle (a, b, c) of class `label` to `mesh`.
void addTriangle(SurfaceMesh& mesh, int a, int b, int c, LabelClass label = LabelClass::Clothing);

/// Appends quad (a, b, c, d) as two triangles of class `label`.
void addQuad(SurfaceMesh& mesh, int a, int b, int c, int d,
             LabelClass label = LabelClass::Clothing);

/// Appends triangle (a, b, c), wound so that its normal points along `outward`.
void addFacing(SurfaceMesh& mesh, int a, int b, int c, const Eigen::Vector3f& outward,
               LabelClass label);

/// Area-weighted vertex normals of a mesh's triangles.
void computeNormals(SurfaceMesh& mesh);

/// One station of a swept profile: the path's point and the two unit directions the
/// profile's coordinates run along (both across the path).
struct SweepStation {
  Eigen::Vector3f point;
  Eigen::Vector3f across;
  Eigen::Vector3f up;
  Eigen::Vector2f scale{1.0f, 1.0f};  ///< the profile's p and q scaled here
};

/// The stations of a path of points for sweepProfile(): each across the path, the
/// profile's p along the part of `preferred` across it.
std::vector<SweepStation> sweepStations(std::span<const Eigen::Vector3f> path,
                                        const Eigen::Vector3f& preferred);

/// Sweeps the closed convex profile `profile` (points (p, q) meaning point + p * across +
/// q * up, scaled by the station's scale) along `stations`: a tube of class `label`, facing out,
/// with its own normals. A closed path joins its ends; an open one is capped flat at both.
void sweepProfile(SurfaceMesh& mesh, std::span<const SweepStation> stations,
                  std::span<const Eigen::Vector2f> profile, bool closedPath, LabelClass label);

/// Appends an ellipsoid of class `label` centred at `centre` with semi-axes `axes` (three
/// vectors, their lengths the radii), facing out.
void addEllipsoid(SurfaceMesh& mesh, const Eigen::Vector3f& centre,
                  const std::array<Eigen::Vector3f, 3>& axes, LabelClass label);

/// `count` points round a superellipse of half-sizes `halfP` and `halfQ`: exponent 2 an
/// ellipse, larger a rounder rectangle.
std::vector<Eigen::Vector2f> superellipse(float halfP, float halfQ, float exponent, int count);

}  // namespace sf
