#pragma once

#include "render/embree_accel.h"

#include <Eigen/Geometry>

#include <nlohmann/json.hpp>

namespace sf {

/// A pinhole camera with square pixels and the principal point at the image centre.
///
/// Camera space follows the computer-vision convention: x to the image right, y to the image
/// bottom, z forward along the viewing direction. Pixel coordinates have (0, 0) at the top
/// left corner of the top left pixel, so pixel (i, j) covers [i, i+1) x [j, j+1) and its
/// centre is (i + 0.5, j + 0.5): the convention of OpenCV's projectPoints with cx = width/2.
struct Camera {
  Eigen::Isometry3f worldFromCamera = Eigen::Isometry3f::Identity();
  float verticalFovDegrees = 35.0f;
  int width = 512;
  int height = 512;
  float apertureRadius = 0.0f;  ///< lens radius in scene units; 0 a pinhole
  float focusDistance = 1.0f;   ///< distance along the view axis that is in focus

  /// A camera at `position` looking at `target`, rolled so that `up` points up the image, then
  /// turned by `rollDegrees` about the viewing axis (positive: the image turns clockwise).
  /// Throws sf::Error when position and target coincide or the size is not positive.
  static Camera lookAt(const Eigen::Vector3f& position, const Eigen::Vector3f& target,
                       const Eigen::Vector3f& up, float verticalFovDegrees, int width, int height,
                       float rollDegrees = 0.0f);

  /// The focal length in pixels (fx = fy).
  float focalPixels() const;
  /// The camera ray through image point (x, y) in pixels, its direction of unit length.
  Ray ray(float x, float y) const;
  /// A thin-lens ray through (x, y) from the lens point picked by (u1, u2) in [0, 1)^2:
  /// points at focusDistance stay sharp. With no aperture, ray(x, y).
  Ray lensRay(float x, float y, float u1, float u2) const;
  /// The focal length in millimetres of a 35 mm full-frame camera (24 mm high) with this
  /// field of view, and the lens radius an f-number gives at that focal length, in mm.
  float fullFrameFocalLength() const;
  float apertureRadiusForFStop(float fStop) const;
  /// A world point in pixels (x, y) and its depth z along the viewing axis (millimetres in
  /// a face scene); z <= 0 means behind the camera.
  Eigen::Vector3f project(const Eigen::Vector3f& world) const;
  /// The OpenCV intrinsic matrix K.
  Eigen::Matrix3f intrinsics() const;
  Eigen::Vector3f position() const { return worldFromCamera.translation(); }

  /// {"width", "height", "fx", "fy", "cx", "cy", "verticalFov", "K": 3x3 rows,
  ///  "cameraFromWorld": 4x4 rows (OpenCV camera axes), "position"}
  nlohmann::json toJson() const;
};

}  // namespace sf
