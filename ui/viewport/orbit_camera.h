#pragma once

#include <QVector3D>

namespace sf::ui {

/// The viewport's camera as an artist drives it: it orbits a target point at a distance,
/// never rolls, and is given in the head's frame (millimetres, y up, the face looking
/// along +z). A plain value: views change it, the viewport reads it.
struct OrbitCamera {
  /// Named views, as the framing shortcuts give them.
  enum class View { Front, ThreeQuarter, Side, Top };

  QVector3D target{0.0f, 0.0f, 0.0f};
  float yawDegrees = 0.0f;    ///< 0 looks at the face; positive turns toward the subject's left
  float pitchDegrees = 8.0f;  ///< positive looks down from above
  float distance = 900.0f;    ///< millimetres from the target
  float fieldOfViewDegrees = 30.0f;  ///< vertical

  static constexpr float kMinDistance = 50.0f;
  static constexpr float kMaxDistance = 20000.0f;
  static constexpr float kMaxPitch = 89.0f;

  QVector3D position() const;
  /// The camera's right and up axes, unit length.
  QVector3D right() const;
  QVector3D up() const;

  /// Orbits by a mouse drag of (dx, dy) pixels; a full viewport width turns 360 degrees.
  void orbit(float dxPixels, float dyPixels, float viewportWidth);
  /// Moves target and camera together so that the point under the cursor follows it.
  void pan(float dxPixels, float dyPixels, float viewportHeight);
  /// Moves toward (steps > 0) or away from the target; each step is 10%.
  void zoom(float steps);
  /// Jumps to a named view, keeping target and distance.
  void setView(View view);
};

}  // namespace sf::ui
