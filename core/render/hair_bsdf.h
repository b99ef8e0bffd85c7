#pragma once

#include <Eigen/Core>

namespace sf {

/// Scattering from a hair fibre, after Chiang et al. 2016 ("A Practical and Controllable
/// Hair and Fur Model for Production Path Tracing"): a rough dielectric cylinder with
/// pigment inside, its light leaving as R, TT, TRT and a residual lobe, each with a
/// longitudinal (d'Eon) and an azimuthal (trimmed logistic) profile.
///
/// Directions are in the fibre's frame: x along the fibre, y across it in the plane facing
/// the viewer, z toward the viewer. `h` in [-1, 1] is where the ray struck across the fibre.
class HairBsdf {
public:
  /// `absorption`: sigma_a per unit radius (hairAbsorption()); roughnesses in (0, 1];
  /// `scaleTiltDegrees`: the cuticle scales' tilt, shifting the lobes apart.
  HairBsdf(float h, const Eigen::Vector3f& absorption, float longitudinalRoughness = 0.3f,
           float azimuthalRoughness = 0.3f, float scaleTiltDegrees = 2.0f, float eta = 1.55f);

  /// The scattered radiance per unit incident radiance and solid angle, the projected
  /// cosine included (multiply only by the light and divide by the pdf).
  Eigen::Vector3f eval(const Eigen::Vector3f& wo, const Eigen::Vector3f& wi) const;
  /// The density of sample() choosing `wi`.
  float pdf(const Eigen::Vector3f& wo, const Eigen::Vector3f& wi) const;
  /// An incident direction for `wo`, from four uniform numbers; sets `pdf`.
  Eigen::Vector3f sample(const Eigen::Vector3f& wo, float u0, float u1, float u2, float u3,
                         float& pdf) const;

private:
  struct Lobes;
  Lobes lobes(const Eigen::Vector3f& wo) const;
  /// Turns the outgoing longitudinal angle (its sine and cosine) by the cuticle scales' tilt
  /// as lobe p sees it: -2 alpha for R, alpha for TT, 4 alpha for TRT; the residual lobe 3
  /// is left alone.
  void tilt(int p, float& sinTheta, float& cosTheta) const;
  float m_h;
  float m_gammaO;
  float m_eta;
  Eigen::Vector3f m_absorption;
  float m_v[4];
  float m_s;
  float m_sin2kAlpha[3];
  float m_cos2kAlpha[3];
};

}  // namespace sf
