#pragma once

#include "math/counter_rng.h"
#include "random/value.h"

#include <cstdint>
#include <set>
#include <string>

namespace sf {

class AssetCatalog;

// Randomness in recipes
// =====================
//
// Every random value of a recipe is a pure function of (recipe seed, sample index,
// parameter path). Nothing else enters: not the order in which parameters are evaluated,
// not the thread or shard that evaluates them, not any other parameter's distribution.
//
//   stream  = streamOf(path)                     FNV-1a of the dotted path, "camera.yaw"
//   counter = index * kDrawsPerParameter + draw  draw < kDrawsPerParameter (64)
//   bits    = CounterRng(seed, stream).bits(counter)
//   u       = ((bits >> 11) + 0.5) / 2^53        uniform in (0, 1), never 0 or 1
//
// `index` is the sample index; parameters under "identity." use the identity index
// instead, so that every sample of one identity has the same face shape. `draw` numbers
// the variates one parameter may use in one sample: every built-in distribution turns draw 0
// into its value by an inverse CDF (so it needs exactly one variate, and no rejection loop
// can spin), and a linked draw takes its source's variate plus draw 1 of its own for noise.
//
// So: editing one parameter's distribution changes that parameter's values only (and the
// values of parameters that name it in a linked draw or a condition); sample 123 is the same
// when rendered alone, in any shard, on any machine; and two parameters never share draws
// unless a recipe links them. Sample indices must be below 2^58 so counters cannot wrap.
// The draws themselves are integer arithmetic, identical everywhere; the inverse CDFs use
// exp, log and erfc, which C libraries may round differently in the last bit, so values
// are bit-identical across machines that share a C library (and within an ulp elsewhere).

/// What a distribution may ask about the other parameters of the same sample. The scene
/// compiler implements it, evaluating other parameters on demand (each is a pure function,
/// so the order does not matter).
class SampleScope {
public:
  virtual ~SampleScope() = default;
  /// The final value of another parameter in this sample.
  virtual Value valueOf(const std::string& path) const = 0;
  /// The uniform variate behind another parameter's value (what linked draws share).
  virtual double uniformOf(const std::string& path) const = 0;
  /// The value another parameter's distribution gives for variate `u` (what a linked draw
  /// without a distribution of its own takes).
  virtual Value valueOfAt(const std::string& path, double u) const = 0;
};

/// Everything one draw may depend on: the recipe seed, the sample (or identity) index, the
/// parameter path, and for linked draws, conditions and asset choices, the rest of the
/// sample and the asset catalog. See the comment above for the scheme.
class DrawContext {
public:
  static constexpr std::uint64_t kDrawsPerParameter = 64;
  static constexpr std::uint64_t kIndexLimit = std::uint64_t{1} << 58;

  DrawContext(std::uint64_t seed, std::uint64_t index, std::string path);

  /// Lets distributions read other parameters of the same sample.
  DrawContext& withScope(const SampleScope* scope);
  /// The catalog asset choices draw from, and asset ids they must not choose (assets held
  /// out for the test split, when this sample is in the training split).
  DrawContext& withAssets(const AssetCatalog* catalog, const std::set<std::string>* heldOut);

  std::uint64_t seed() const { return m_seed; }
  std::uint64_t index() const { return m_index; }
  const std::string& path() const { return m_path; }

  /// 64 random bits of draw `draw` (< kDrawsPerParameter).
  std::uint64_t bits(unsigned draw) const;
  /// Uniform in (0, 1) from draw `draw`.
  double uniform(unsigned draw) const;

  /// Another parameter's value or variate; throws sf::Error when there is no scope.
  Value valueOf(const std::string& path) const;
  double uniformOf(const std::string& path) const;
  Value valueOfAt(const std::string& path, double u) const;

  /// The catalog (the empty one when none was given).
  const AssetCatalog& assets() const;
  bool isHeldOut(const std::string& assetId) const;

private:
  std::uint64_t m_seed;
  std::uint64_t m_index;
  std::string m_path;
  CounterRng m_rng;
  const SampleScope* m_scope = nullptr;
  const AssetCatalog* m_assets = nullptr;
  const std::set<std::string>* m_heldOut = nullptr;
};

}  // namespace sf
