#pragma once

#include <Eigen/Geometry>

#include <vector>

namespace sf {

/// The coefficients that shape and pose a FaceModel: what a recipe samples for one face.
/// Shorter vectors than the model's counts mean zero for the rest (the template).
struct FaceState {
  std::vector<float> identity;    ///< per identity mode, in standard deviations
  std::vector<float> expression;  ///< per expression blendshape, a weight, usually 0..1
  /// Per joint, its rotation relative to the rest pose, in the parent's frame.
  std::vector<Eigen::Quaternionf> jointRotations;

  friend bool operator==(const FaceState&, const FaceState&) = default;
};

}  // namespace sf
