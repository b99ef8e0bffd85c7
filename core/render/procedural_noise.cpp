#include "render/procedural_noise.h"

#include <algorithm>
#include <cmath>

namespace sf {

std::uint32_t hash3(int x, int y, int z, std::uint32_t seed) {
  std::uint32_t h = seed ^ 0x9e3779b9u;
  h ^= static_cast<std::uint32_t>(x) * 0x85ebca6bu;
  h = (h << 13) | (h >> 19);
  h ^= static_cast<std::uint32_t>(y) * 0xc2b2ae35u;
  h = (h << 13) | (h >> 19);
  h ^= static_cast<std::uint32_t>(z) * 0x27d4eb2fu;
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return h;
}

float hashUnit(int x, int y, int z, std::uint32_t seed) {
  return static_cast<float>(hash3(x, y, z, seed) >> 8) * (1.0f / 16777216.0f);
}

float valueNoise(const Eigen::Vector3f& p, std::uint32_t seed) {
  const int x0 = static_cast<int>(std::floor(p.x()));
  const int y0 = static_cast<int>(std::floor(p.y()));
  const int z0 = static_cast<int>(std::floor(p.z()));
  const float fx = p.x() - static_cast<float>(x0);
  const float fy = p.y() - static_cast<float>(y0);
  const float fz = p.z() - static_cast<float>(z0);
  auto fade = [](float t) { return t * t * t * (t * (t * 6.0f - 15.0f) + 10.0f); };
  const float u = fade(fx);
  const float v = fade(fy);
  const float w = fade(fz);
  float corners[8];
  for (int i = 0; i < 8; ++i) {
    corners[i] = hashUnit(x0 + (i & 1), y0 + ((i >> 1) & 1), z0 + ((i >> 2) & 1), seed);
  }
  const float x00 = corners[0] + u * (corners[1] - corners[0]);
  const float x10 = corners[2] + u * (corners[3] - corners[2]);
  const float x01 = corners[4] + u * (corners[5] - corners[4]);
  const float x11 = corners[6] + u * (corners[7] - corners[6]);
  const float y0v = x00 + v * (x10 - x00);
  const float y1v = x01 + v * (x11 - x01);
  return 2.0f * (y0v + w * (y1v - y0v)) - 1.0f;
}

float fbm(const Eigen::Vector3f& p, std::uint32_t seed, int octaves) {
  float sum = 0.0f;
  float amplitude = 0.5f;
  Eigen::Vector3f q = p;
  for (int i = 0; i < octaves; ++i) {
    sum += amplitude * valueNoise(q, seed + static_cast<std::uint32_t>(i) * 131u);
    q = q * 2.03f + Eigen::Vector3f(17.1f, 3.7f, 9.2f);
    amplitude *= 0.5f;
  }
  return sum;
}

float cellular(const Eigen::Vector3f& p, std::uint32_t seed) {
  const int x0 = static_cast<int>(std::floor(p.x()));
  const int y0 = static_cast<int>(std::floor(p.y()));
  const int z0 = static_cast<int>(std::floor(p.z()));
  float best = 10.0f;
  for (int dz = -1; dz <= 1; ++dz) {
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        const int x = x0 + dx;
        const int y = y0 + dy;
        const int z = z0 + dz;
        const Eigen::Vector3f point(static_cast<float>(x) + hashUnit(x, y, z, seed),
                                    static_cast<float>(y) + hashUnit(x, y, z, seed + 1u),
                                    static_cast<float>(z) + hashUnit(x, y, z, seed + 2u));
        best = std::min(best, (point - p).squaredNorm());
      }
    }
  }
  return std::sqrt(best);
}

}  // namespace sf
