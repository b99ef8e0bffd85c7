#pragma once

#include "render/path_tracer.h"

#include <Eigen/Core>

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sf {

/// A 3D point as the camera sees it.
struct ProjectedPoint {
  Eigen::Vector2f pixel = Eigen::Vector2f::Zero();  ///< image position, pixel units (labels.md)
  float depth = 0.0f;                               ///< camera-space z, millimetres
  bool visible = false;  ///< nothing opaque between the camera and the point
};

/// Projects world points through the renderer's camera ("x-ray" landmarks: a hidden point
/// is projected where it is) and tests each for visibility within `tolerance` millimetres.
std::vector<ProjectedPoint> projectPoints(const FaceRenderer& renderer,
                                          std::span<const Eigen::Vector3f> points,
                                          float tolerance = 1.5f);

/// FaceSynthetics' landmark text: one "x y" line per point, floats in pixel units.
std::string formatLandmarks(std::span<const ProjectedPoint> points);

/// Reads formatLandmarks()'s text (any whitespace between numbers). Throws sf::Error naming
/// `source` and the line for a line that is not two finite numbers.
std::vector<Eigen::Vector2f> parseLandmarks(std::string_view text, const std::string& source);

}  // namespace sf
