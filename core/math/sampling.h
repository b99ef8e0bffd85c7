#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sf {

/// Two unit tangents `t` and `b` completing unit `n` to an orthonormal basis (Duff et al.
/// 2017, "Building an orthonormal basis, revisited"): continuous except across n.z = 0's
/// sign, with no special case near the poles.
inline void orthonormalBasis(const Eigen::Vector3f& n, Eigen::Vector3f& t, Eigen::Vector3f& b) {
  const float sign = std::copysign(1.0f, n.z());
  const float a = -1.0f / (sign + n.z());
  const float bb = n.x() * n.y() * a;
  t = Eigen::Vector3f(1.0f + sign * n.x() * n.x() * a, sign * bb, -sign * n.x());
  b = Eigen::Vector3f(bb, sign + n.y() * n.y() * a, -n.y());
}

/// A direction over the hemisphere round unit `n`, cosine-weighted, from two numbers in
/// [0, 1): u1 picks the radius on the unit disk (its square), u2 the angle round it.
inline Eigen::Vector3f cosineSample(const Eigen::Vector3f& n, float u1, float u2) {
  const float r = std::sqrt(u1);
  const float phi = 2.0f * std::numbers::pi_v<float> * u2;
  Eigen::Vector3f t, b;
  orthonormalBasis(n, t, b);
  return (r * std::cos(phi) * t + r * std::sin(phi) * b + std::sqrt(std::max(0.0f, 1.0f - u1)) * n)
      .normalized();
}

}  // namespace sf
