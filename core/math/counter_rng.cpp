#include "math/counter_rng.h"

#include <cmath>
#include <numbers>

namespace sf {

namespace {

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t CounterRng::bits(std::uint64_t index) const {
  const std::uint64_t a = mix(m_seed + 0x9e3779b97f4a7c15ULL);
  const std::uint64_t b = mix(a ^ (m_stream + 0x632be59bd9b4e019ULL));
  return mix(b ^ (index * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL));
}

float CounterRng::uniform(std::uint64_t index) const {
  return static_cast<float>(bits(index) >> 40) * (1.0f / 16777216.0f);
}

float CounterRng::normal(std::uint64_t index) const {
  // Box-Muller; u1 in (0, 1] keeps the logarithm finite.
  const float u1 = 1.0f - uniform(2 * index);
  const float u2 = uniform(2 * index + 1);
  return std::sqrt(-2.0f * std::log(u1)) * std::cos(2.0f * std::numbers::pi_v<float> * u2);
}

std::uint64_t streamOf(std::string_view name) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : name) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace sf
