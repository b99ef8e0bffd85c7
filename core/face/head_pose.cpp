#include "face/head_pose.h"

#include <numbers>

namespace sf {

namespace {

float radians(float degrees) {
  return degrees * std::numbers::pi_v<float> / 180.0f;
}

}  // namespace

Eigen::Quaternionf poseRotation(float yawDegrees, float pitchDegrees, float rollDegrees) {
  return Eigen::Quaternionf(Eigen::AngleAxisf(radians(yawDegrees), Eigen::Vector3f::UnitY()) *
                            Eigen::AngleAxisf(-radians(pitchDegrees), Eigen::Vector3f::UnitX()) *
                            Eigen::AngleAxisf(-radians(rollDegrees), Eigen::Vector3f::UnitZ()));
}

void applyHeadPose(const FaceModel& model, const HeadPose& pose, FaceState& state) {
  state.jointRotations.assign(model.joints.size(), Eigen::Quaternionf::Identity());
  const Eigen::Quaternionf headRotation = poseRotation(pose.yaw, pose.pitch, pose.roll);
  const int neck = model.findJoint("neck");
  const int head = model.findJoint("head");
  if (neck >= 0 && head >= 0) {
    const Eigen::Quaternionf neckShare = Eigen::Quaternionf::Identity().slerp(0.4f, headRotation);
    state.jointRotations[static_cast<std::size_t>(neck)] = neckShare;
    state.jointRotations[static_cast<std::size_t>(head)] = neckShare.conjugate() * headRotation;
  } else if (head >= 0) {
    state.jointRotations[static_cast<std::size_t>(head)] = headRotation;
  }
  const Eigen::Quaternionf eyeRotation = poseRotation(pose.gazeYaw, pose.gazePitch, 0.0f);
  for (int joint : {model.findJoint("eye_right"), model.findJoint("eye_left")}) {
    if (joint >= 0) {
      state.jointRotations[static_cast<std::size_t>(joint)] = eyeRotation;
    }
  }
}

}  // namespace sf
