#pragma once

#include "face/face_model.h"
#include "face/face_state.h"

#include <Eigen/Geometry>

namespace sf {

/// Head pose and gaze in degrees, as a recipe's head.yaw, head.pitch, head.roll, gaze.yaw
/// and gaze.pitch give them: yaw toward the subject's left, pitch up, roll toward the
/// subject's left shoulder.
struct HeadPose {
  float yaw = 0.0f;
  float pitch = 0.0f;
  float roll = 0.0f;
  float gazeYaw = 0.0f;
  float gazePitch = 0.0f;
  friend bool operator==(const HeadPose&, const HeadPose&) = default;
};

/// The rotation for yaw (about +y), pitch (about -x) and roll (about -z), roll first.
Eigen::Quaternionf poseRotation(float yawDegrees, float pitchDegrees, float rollDegrees);

/// Sets the joint rotations of `state` for `pose`: the head turned 40% at the neck and the
/// rest at the head, the eyes turned in the head. Other joints are at rest; joints the model
/// lacks are skipped. The renderer and the studio's viewport pose faces with this.
void applyHeadPose(const FaceModel& model, const HeadPose& pose, FaceState& state);

}  // namespace sf
