#include "render/camera.h"

#include "util/error.h"

#include <cmath>
#include <string>

namespace sf {

namespace {

constexpr float kPi = 3.14159265358979f;

nlohmann::json rows(const Eigen::MatrixXf& m) {
  nlohmann::json out = nlohmann::json::array();
  for (int r = 0; r < m.rows(); ++r) {
    nlohmann::json row = nlohmann::json::array();
    for (int c = 0; c < m.cols(); ++c) {
      row.push_back(m(r, c));
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace

Camera Camera::lookAt(const Eigen::Vector3f& position, const Eigen::Vector3f& target,
                      const Eigen::Vector3f& up, float verticalFovDegrees, int width, int height,
                      float rollDegrees) {
  if (width <= 0 || height <= 0) {
    throw Error("camera: image size must be positive, got " + std::to_string(width) + "x" +
                std::to_string(height));
  }
  if (!(verticalFovDegrees > 0.0f && verticalFovDegrees < 180.0f)) {
    throw Error("camera: vertical field of view must be in (0, 180) degrees, got " +
                std::to_string(verticalFovDegrees));
  }
  const Eigen::Vector3f forward = target - position;
  if (forward.norm() < 1e-6f) {
    throw Error("camera: position and target coincide");
  }
  // Camera axes in world space: z forward, x right, y down.
  const Eigen::Vector3f z = forward.normalized();
  Eigen::Vector3f x = z.cross(up);
  if (x.norm() < 1e-6f) {
    x = z.cross(Eigen::Vector3f::UnitZ());
    if (x.norm() < 1e-6f) {
      x = z.cross(Eigen::Vector3f::UnitX());
    }
  }
  x.normalize();
  Eigen::Vector3f y = z.cross(x);
  // Roll: the image turns clockwise, so the axes turn the other way about z.
  const float roll = rollDegrees * kPi / 180.0f;
  const Eigen::Vector3f xr = std::cos(roll) * x + std::sin(roll) * y;
  const Eigen::Vector3f yr = z.cross(xr);

  Camera camera;
  camera.worldFromCamera.linear().col(0) = xr;
  camera.worldFromCamera.linear().col(1) = yr;
  camera.worldFromCamera.linear().col(2) = z;
  camera.worldFromCamera.translation() = position;
  camera.verticalFovDegrees = verticalFovDegrees;
  camera.width = width;
  camera.height = height;
  return camera;
}

float Camera::focalPixels() const {
  return 0.5f * static_cast<float>(height) / std::tan(0.5f * verticalFovDegrees * kPi / 180.0f);
}

Ray Camera::ray(float x, float y) const {
  const float f = focalPixels();
  const Eigen::Vector3f local((x - 0.5f * static_cast<float>(width)) / f,
                              (y - 0.5f * static_cast<float>(height)) / f, 1.0f);
  Ray ray;
  ray.origin = worldFromCamera.translation();
  ray.direction = (worldFromCamera.linear() * local).normalized();
  return ray;
}

Ray Camera::lensRay(float x, float y, float u1, float u2) const {
  Ray pinhole = ray(x, y);
  if (apertureRadius <= 0.0f) {
    return pinhole;
  }
  // The point in focus along the pinhole ray, then a ray to it from a point of the lens
  // (a disk, concentric mapping).
  const Eigen::Vector3f axis = worldFromCamera.linear().col(2);
  const float t = focusDistance / pinhole.direction.dot(axis);
  const Eigen::Vector3f focus = pinhole.origin + t * pinhole.direction;
  const float a = 2.0f * u1 - 1.0f;
  const float b = 2.0f * u2 - 1.0f;
  float r = 0.0f;
  float theta = 0.0f;
  if (a != 0.0f || b != 0.0f) {
    if (std::abs(a) > std::abs(b)) {
      r = a;
      theta = (kPi / 4.0f) * (b / a);
    } else {
      r = b;
      theta = (kPi / 2.0f) - (kPi / 4.0f) * (a / b);
    }
  }
  const Eigen::Vector3f lens =
      worldFromCamera.linear() * Eigen::Vector3f(apertureRadius * r * std::cos(theta),
                                                 apertureRadius * r * std::sin(theta), 0.0f);
  Ray out;
  out.origin = pinhole.origin + lens;
  out.direction = (focus - out.origin).normalized();
  return out;
}

float Camera::fullFrameFocalLength() const {
  return 12.0f / std::tan(0.5f * verticalFovDegrees * kPi / 180.0f);
}

float Camera::apertureRadiusForFStop(float fStop) const {
  return fStop > 0.0f ? 0.5f * fullFrameFocalLength() / fStop : 0.0f;
}

Eigen::Vector3f Camera::project(const Eigen::Vector3f& world) const {
  const Eigen::Vector3f local = worldFromCamera.inverse() * world;
  const float f = focalPixels();
  const float z = local.z();
  if (std::abs(z) < 1e-12f) {
    return Eigen::Vector3f(0.5f * static_cast<float>(width), 0.5f * static_cast<float>(height), z);
  }
  return Eigen::Vector3f(f * local.x() / z + 0.5f * static_cast<float>(width),
                         f * local.y() / z + 0.5f * static_cast<float>(height), z);
}

Eigen::Matrix3f Camera::intrinsics() const {
  const float f = focalPixels();
  Eigen::Matrix3f k = Eigen::Matrix3f::Identity();
  k(0, 0) = f;
  k(1, 1) = f;
  k(0, 2) = 0.5f * static_cast<float>(width);
  k(1, 2) = 0.5f * static_cast<float>(height);
  return k;
}

nlohmann::json Camera::toJson() const {
  const Eigen::Matrix3f k = intrinsics();
  const Eigen::Matrix4f cameraFromWorld = worldFromCamera.inverse().matrix();
  const Eigen::Vector3f p = position();
  return {{"width", width},
          {"height", height},
          {"fx", k(0, 0)},
          {"fy", k(1, 1)},
          {"cx", k(0, 2)},
          {"cy", k(1, 2)},
          {"verticalFov", verticalFovDegrees},
          {"K", rows(k)},
          {"cameraFromWorld", rows(cameraFromWorld)},
          {"position", {p.x(), p.y(), p.z()}}};
}

}  // namespace sf
