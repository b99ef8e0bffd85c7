#include "face/random_face.h"

#include "math/counter_rng.h"

#include <algorithm>

namespace sf {

FaceState randomFaceState(const FaceModel& model, std::uint64_t seed, std::uint64_t index,
                          const RandomFaceOptions& options) {
  // One stream per face; draws within it are numbered by purpose.
  const CounterRng rng(seed, streamOf("face") + index);
  FaceState state;
  state.identity.resize(model.identity.size());
  for (std::size_t i = 0; i < state.identity.size(); ++i) {
    state.identity[i] = options.identitySigma * rng.normal(i);
  }
  state.expression.assign(model.expressions.size(), 0.0f);
  std::uint64_t draw = 1u << 20;
  if (model.expressions.empty() || rng.uniform(draw++) < options.neutralProbability) {
    return state;
  }
  const int count = 1 + static_cast<int>(rng.uniform(draw++) *
                                         static_cast<float>(std::max(options.maxExpressions, 1)));
  for (int k = 0; k < count; ++k) {
    const auto which =
        std::min(static_cast<std::size_t>(rng.uniform(draw++) *
                                          static_cast<float>(model.expressions.size())),
                 model.expressions.size() - 1);
    state.expression[which] = std::max(state.expression[which], 0.3f + 0.7f * rng.uniform(draw++));
  }
  return state;
}

}  // namespace sf
