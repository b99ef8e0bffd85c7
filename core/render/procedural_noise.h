#pragma once

#include <Eigen/Core>

#include <cstdint>

namespace sf {

/// A well-mixed 32-bit hash of an integer lattice point and a seed.
std::uint32_t hash3(int x, int y, int z, std::uint32_t seed);
/// hash3 as a number in [0, 1).
float hashUnit(int x, int y, int z, std::uint32_t seed);
/// Value noise in [-1, 1], smooth (quintic interpolation), varying over a unit.
float valueNoise(const Eigen::Vector3f& p, std::uint32_t seed);
/// Fractal sum of `octaves` of value noise, each twice as fine and half as strong.
float fbm(const Eigen::Vector3f& p, std::uint32_t seed, int octaves);
/// Distance to the nearest of jittered points on a unit grid (Worley): pores and freckles.
float cellular(const Eigen::Vector3f& p, std::uint32_t seed);

}  // namespace sf
