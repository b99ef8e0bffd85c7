#pragma once

#include "face/face_model.h"
#include "face/face_state.h"

#include <cstdint>

namespace sf {

/// How randomFaceState() draws a face: a stand-in for a recipe's distributions, used for
/// contact sheets and quick checks.
struct RandomFaceOptions {
  float identitySigma = 1.0f;        ///< scale of the standard-normal identity draws
  float neutralProbability = 0.25f;  ///< chance of no expression at all
  int maxExpressions = 3;            ///< otherwise 1..max blendshapes, each weight 0.3..1
};

/// Face `index` of a seeded series: identity modes ~ N(0, sigma^2) each, a few expression
/// blendshapes. A pure function of (model's counts, seed, index, options).
FaceState randomFaceState(const FaceModel& model, std::uint64_t seed, std::uint64_t index,
                          const RandomFaceOptions& options = {});

}  // namespace sf
