#pragma once

#include "face/face_model.h"
#include "face/face_state.h"
#include "face/head_pose.h"
#include "random/value.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace sf {

/// One sample's scene with every random choice made: what compileScene() returns, what is
/// recorded with every rendered sample, and what renders it again on any machine. A value:
/// JSON round trips are exact (numbers are written with round-trip precision).
struct ResolvedScene {
  std::uint64_t seed = 0;           ///< the recipe's seed
  std::uint64_t index = 0;          ///< the sample index
  std::uint64_t identityIndex = 0;  ///< the identity the sample shows
  std::string split = "train";      ///< "train" or "test" (recipe splits)
  /// Every parameter that is not per-mode or per-blendshape, by dotted path: numbers,
  /// integers, booleans, strings, and none (an asset choice that matched nothing).
  std::map<std::string, Value> parameters;
  /// The identity coefficient of every mode of the model, in standard deviations.
  std::map<std::string, double> identity;
  /// The weight of every expression blendshape of the model, in [0, 1].
  std::map<std::string, double> expression;

  /// A parameter's value; throws sf::Error when the scene has no such parameter.
  const Value& value(const std::string& path) const;
  /// The value as a number, boolean or string; throws sf::Error for another kind.
  double number(const std::string& path) const;
  bool flag(const std::string& path) const;
  std::string text(const std::string& path) const;

  /// The face's coefficients in the model's order (names the model lacks are ignored;
  /// modes the scene lacks are 0).
  FaceState faceState(const FaceModel& model) const;
  /// Replaces the identity and expression by `face`'s coefficients (in `model`'s order;
  /// missing ones are 0): the studio's face posed by hand on a sample's scene.
  void setFace(const FaceModel& model, const FaceState& face);
  /// Replaces head.yaw, head.pitch, head.roll, gaze.yaw and gaze.pitch by `pose`'s.
  void setHeadPose(const HeadPose& pose);

  /// {"seed", "index", "identityIndex", "split", "parameters": {"camera.yaw": ...},
  ///  "identity": {...}, "expression": {...}}
  nlohmann::json toJson() const;
  /// Reads toJson()'s output; throws sf::Error naming `source` and the JSON pointer.
  static ResolvedScene fromJson(const nlohmann::json& json, const std::string& source = {});

  friend bool operator==(const ResolvedScene&, const ResolvedScene&) = default;
};

}  // namespace sf
