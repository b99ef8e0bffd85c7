#pragma once

#include <cstdint>
#include <string_view>

namespace sf {

/// Counter-based random numbers: every value is a pure function of (seed, stream, index),
/// so nothing depends on evaluation order or thread count, and any one value can be
/// recomputed alone. `stream` separates independent uses (hash a parameter path into it
/// with streamOf()); `index` counts draws within a stream.
///
/// The mixing is SplitMix64's finaliser applied to a combination of the three inputs,
/// twice; it passes the usual avalanche tests and is far cheaper than a cryptographic hash.
class CounterRng {
public:
  CounterRng(std::uint64_t seed, std::uint64_t stream) : m_seed(seed), m_stream(stream) {}

  /// 64 random bits for draw `index`.
  std::uint64_t bits(std::uint64_t index) const;
  /// Uniform in [0, 1), 24 bits of precision.
  float uniform(std::uint64_t index) const;
  /// Standard normal (Box-Muller over draws 2 * index and 2 * index + 1).
  float normal(std::uint64_t index) const;

private:
  std::uint64_t m_seed;
  std::uint64_t m_stream;
};

/// A stable 64-bit stream id for a name such as a parameter path ("camera.yaw"): FNV-1a.
std::uint64_t streamOf(std::string_view name);

}  // namespace sf
