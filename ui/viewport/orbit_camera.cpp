#include "viewport/orbit_camera.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sf::ui {

namespace {

float radians(float degrees) {
  return degrees * std::numbers::pi_v<float> / 180.0f;
}

}  // namespace

QVector3D OrbitCamera::position() const {
  // Spherical coordinates around the target; yaw 0, pitch 0 sits on +z facing the face.
  const float yaw = radians(yawDegrees);
  const float pitch = radians(pitchDegrees);
  const QVector3D offset(std::sin(yaw) * std::cos(pitch), std::sin(pitch),
                         std::cos(yaw) * std::cos(pitch));
  return target + distance * offset;
}

QVector3D OrbitCamera::right() const {
  const float yaw = radians(yawDegrees);
  return QVector3D(std::cos(yaw), 0.0f, -std::sin(yaw));
}

QVector3D OrbitCamera::up() const {
  const QVector3D forward = (target - position()).normalized();
  return QVector3D::crossProduct(right(), forward).normalized();
}

void OrbitCamera::orbit(float dxPixels, float dyPixels, float viewportWidth) {
  const float degreesPerPixel = 360.0f / std::max(viewportWidth, 1.0f);
  yawDegrees = std::remainder(yawDegrees - dxPixels * degreesPerPixel, 360.0f);
  pitchDegrees = std::clamp(pitchDegrees + dyPixels * degreesPerPixel, -kMaxPitch, kMaxPitch);
}

void OrbitCamera::pan(float dxPixels, float dyPixels, float viewportHeight) {
  // The size of one pixel at the target's depth.
  const float worldPerPixel = 2.0f * distance * std::tan(radians(fieldOfViewDegrees) / 2.0f) /
                              std::max(viewportHeight, 1.0f);
  target += (-dxPixels * right() + dyPixels * up()) * worldPerPixel;
}

void OrbitCamera::zoom(float steps) {
  distance = std::clamp(distance * std::pow(0.9f, steps), kMinDistance, kMaxDistance);
}

void OrbitCamera::setView(View view) {
  switch (view) {
    case View::Front:
      yawDegrees = 0.0f;
      pitchDegrees = 0.0f;
      break;
    case View::ThreeQuarter:
      yawDegrees = 45.0f;
      pitchDegrees = 0.0f;
      break;
    case View::Side:
      yawDegrees = 90.0f;
      pitchDegrees = 0.0f;
      break;
    case View::Top:
      yawDegrees = 0.0f;
      pitchDegrees = kMaxPitch;
      break;
  }
}

}  // namespace sf::ui
