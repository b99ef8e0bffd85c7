#include "render/hair_bsdf.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace sf {

namespace {

using V3 = Eigen::Vector3f;
constexpr float kPi = 3.14159265358979f;

float sq(float x) {
  return x * x;
}

float safeSqrt(float x) {
  return std::sqrt(std::max(0.0f, x));
}

float safeAsin(float x) {
  return std::asin(std::clamp(x, -1.0f, 1.0f));
}

/// The modified Bessel function of the first kind, order 0, by its power series.
float besselI0(float x) {
  float sum = 0.0f;
  float term = 1.0f;
  const float x2 = x * x / 4.0f;
  for (int i = 1; i <= 12; ++i) {
    sum += term;
    term *= x2 / static_cast<float>(i * i);
  }
  return sum + term;
}

float logBesselI0(float x) {
  if (x > 12.0f) {
    return x + 0.5f * (-std::log(2.0f * kPi) + std::log(1.0f / x) + 1.0f / (8.0f * x));
  }
  return std::log(besselI0(x));
}

/// d'Eon's longitudinal scattering function.
float longitudinal(float cosThetaI, float cosThetaO, float sinThetaI, float sinThetaO, float v) {
  const float a = cosThetaI * cosThetaO / v;
  const float b = sinThetaI * sinThetaO / v;
  if (v <= 0.1f) {
    return std::exp(logBesselI0(a) - b - 1.0f / v + 0.6931f + std::log(1.0f / (2.0f * v)));
  }
  return std::exp(-b) * besselI0(a) / (std::sinh(1.0f / v) * 2.0f * v);
}

float logistic(float x, float s) {
  x = std::abs(x);
  const float e = std::exp(-x / s);
  return e / (s * sq(1.0f + e));
}

float logisticCdf(float x, float s) {
  return 1.0f / (1.0f + std::exp(-x / s));
}

float trimmedLogistic(float x, float s, float a, float b) {
  return logistic(x, s) / (logisticCdf(b, s) - logisticCdf(a, s));
}

float sampleTrimmedLogistic(float u, float s, float a, float b) {
  const float k = logisticCdf(b, s) - logisticCdf(a, s);
  const float x = -s * std::log(1.0f / (u * k + logisticCdf(a, s)) - 1.0f);
  return std::clamp(x, a, b);
}

/// The azimuthal angle the lobe p leaves at.
float phi(int p, float gammaO, float gammaT) {
  return 2.0f * static_cast<float>(p) * gammaT - 2.0f * gammaO + static_cast<float>(p) * kPi;
}

float azimuthal(float dPhi, int p, float s, float gammaO, float gammaT) {
  float d = dPhi - phi(p, gammaO, gammaT);
  while (d > kPi) {
    d -= 2.0f * kPi;
  }
  while (d < -kPi) {
    d += 2.0f * kPi;
  }
  return trimmedLogistic(d, s, -kPi, kPi);
}

float fresnel(float cosI, float eta) {
  cosI = std::clamp(cosI, 0.0f, 1.0f);
  const float sin2T = (1.0f - cosI * cosI) / (eta * eta);
  if (sin2T >= 1.0f) {
    return 1.0f;
  }
  const float cosT = std::sqrt(1.0f - sin2T);
  const float rs = (cosI - eta * cosT) / (cosI + eta * cosT);
  const float rp = (eta * cosI - cosT) / (eta * cosI + cosT);
  return 0.5f * (rs * rs + rp * rp);
}

float luminance(const V3& c) {
  return 0.2126f * c.x() + 0.7152f * c.y() + 0.0722f * c.z();
}

}  // namespace

struct HairBsdf::Lobes {
  std::array<V3, 4> attenuation;
  float gammaT = 0.0f;
  float sinThetaO = 0.0f;
  float cosThetaO = 1.0f;
  float phiO = 0.0f;
};

HairBsdf::HairBsdf(float h, const Eigen::Vector3f& absorption, float longitudinalRoughness,
                   float azimuthalRoughness, float scaleTiltDegrees, float eta)
    : m_h(std::clamp(h, -0.999f, 0.999f)),
      m_gammaO(safeAsin(m_h)),
      m_eta(eta),
      m_absorption(absorption) {
  const float bm = std::clamp(longitudinalRoughness, 0.02f, 1.0f);
  m_v[0] = sq(0.726f * bm + 0.812f * sq(bm) + 3.7f * std::pow(bm, 20.0f));
  m_v[1] = 0.25f * m_v[0];
  m_v[2] = 4.0f * m_v[0];
  m_v[3] = m_v[2];
  const float bn = std::clamp(azimuthalRoughness, 0.02f, 1.0f);
  m_s = std::sqrt(kPi / 8.0f) * (0.265f * bn + 1.194f * sq(bn) + 5.372f * std::pow(bn, 22.0f));
  const float alpha = scaleTiltDegrees * kPi / 180.0f;
  m_sin2kAlpha[0] = std::sin(alpha);
  m_cos2kAlpha[0] = safeSqrt(1.0f - sq(m_sin2kAlpha[0]));
  for (int i = 1; i < 3; ++i) {
    m_sin2kAlpha[i] = 2.0f * m_cos2kAlpha[i - 1] * m_sin2kAlpha[i - 1];
    m_cos2kAlpha[i] = sq(m_cos2kAlpha[i - 1]) - sq(m_sin2kAlpha[i - 1]);
  }
}

HairBsdf::Lobes HairBsdf::lobes(const V3& wo) const {
  Lobes l;
  l.sinThetaO = wo.x();
  l.cosThetaO = safeSqrt(1.0f - sq(l.sinThetaO));
  l.phiO = std::atan2(wo.z(), wo.y());
  // Refraction into the fibre: the modified index of Bravais for the projected direction.
  const float sinThetaT = l.sinThetaO / m_eta;
  const float cosThetaT = safeSqrt(1.0f - sq(sinThetaT));
  const float etap =
      std::sqrt(std::max(1e-6f, m_eta * m_eta - sq(l.sinThetaO))) / std::max(l.cosThetaO, 1e-4f);
  const float sinGammaT = m_h / etap;
  const float cosGammaT = safeSqrt(1.0f - sq(sinGammaT));
  l.gammaT = safeAsin(sinGammaT);
  V3 transmittance;
  for (int c = 0; c < 3; ++c) {
    transmittance[c] = std::exp(-m_absorption[c] * (2.0f * cosGammaT / cosThetaT));
  }
  const float cosGammaO = safeSqrt(1.0f - sq(m_h));
  const float f = fresnel(l.cosThetaO * cosGammaO, m_eta);
  l.attenuation[0] = V3::Constant(f);
  l.attenuation[1] = sq(1.0f - f) * transmittance;
  l.attenuation[2] = l.attenuation[1].cwiseProduct(transmittance) * f;
  const V3 denominator = V3::Ones() - transmittance * f;
  l.attenuation[3] =
      l.attenuation[2].cwiseProduct(transmittance * f).cwiseQuotient(denominator.cwiseMax(1e-4f));
  return l;
}

void HairBsdf::tilt(int p, float& sinTheta, float& cosTheta) const {
  const float s = sinTheta;
  const float c = cosTheta;
  if (p == 0) {
    sinTheta = s * m_cos2kAlpha[1] - c * m_sin2kAlpha[1];
    cosTheta = c * m_cos2kAlpha[1] + s * m_sin2kAlpha[1];
  } else if (p == 1) {
    sinTheta = s * m_cos2kAlpha[0] + c * m_sin2kAlpha[0];
    cosTheta = c * m_cos2kAlpha[0] - s * m_sin2kAlpha[0];
  } else if (p == 2) {
    sinTheta = s * m_cos2kAlpha[2] + c * m_sin2kAlpha[2];
    cosTheta = c * m_cos2kAlpha[2] - s * m_sin2kAlpha[2];
  }
}

V3 HairBsdf::eval(const V3& wo, const V3& wi) const {
  const Lobes l = lobes(wo);
  const float sinThetaI = wi.x();
  const float cosThetaI = safeSqrt(1.0f - sq(sinThetaI));
  const float phiI = std::atan2(wi.z(), wi.y());
  const float dPhi = phiI - l.phiO;
  V3 sum = V3::Zero();
  for (int p = 0; p < 3; ++p) {
    float sinThetaOp = l.sinThetaO;
    float cosThetaOp = l.cosThetaO;
    tilt(p, sinThetaOp, cosThetaOp);
    cosThetaOp = std::abs(cosThetaOp);
    sum += longitudinal(cosThetaI, cosThetaOp, sinThetaI, sinThetaOp, m_v[p]) *
           l.attenuation[static_cast<std::size_t>(p)] * azimuthal(dPhi, p, m_s, m_gammaO, l.gammaT);
  }
  sum += longitudinal(cosThetaI, l.cosThetaO, sinThetaI, l.sinThetaO, m_v[3]) * l.attenuation[3] /
         (2.0f * kPi);
  return sum;
}

float HairBsdf::pdf(const V3& wo, const V3& wi) const {
  const Lobes l = lobes(wo);
  float weights[4];
  float total = 0.0f;
  for (int p = 0; p < 4; ++p) {
    weights[p] = luminance(l.attenuation[static_cast<std::size_t>(p)]);
    total += weights[p];
  }
  if (total <= 0.0f) {
    return 0.0f;
  }
  const float sinThetaI = wi.x();
  const float cosThetaI = safeSqrt(1.0f - sq(sinThetaI));
  const float phiI = std::atan2(wi.z(), wi.y());
  const float dPhi = phiI - l.phiO;
  float density = 0.0f;
  for (int p = 0; p < 3; ++p) {
    float sinThetaOp = l.sinThetaO;
    float cosThetaOp = l.cosThetaO;
    tilt(p, sinThetaOp, cosThetaOp);
    cosThetaOp = std::abs(cosThetaOp);
    density += longitudinal(cosThetaI, cosThetaOp, sinThetaI, sinThetaOp, m_v[p]) *
               (weights[p] / total) * azimuthal(dPhi, p, m_s, m_gammaO, l.gammaT);
  }
  density += longitudinal(cosThetaI, l.cosThetaO, sinThetaI, l.sinThetaO, m_v[3]) *
             (weights[3] / total) / (2.0f * kPi);
  return density;
}

V3 HairBsdf::sample(const V3& wo, float u0, float u1, float u2, float u3, float& pdfOut) const {
  const Lobes l = lobes(wo);
  float weights[4];
  float total = 0.0f;
  for (int p = 0; p < 4; ++p) {
    weights[p] = luminance(l.attenuation[static_cast<std::size_t>(p)]);
    total += weights[p];
  }
  int p = 3;
  float running = 0.0f;
  for (int k = 0; k < 4; ++k) {
    running += weights[k] / std::max(total, 1e-8f);
    if (u0 < running) {
      p = k;
      break;
    }
  }
  float sinThetaOp = l.sinThetaO;
  float cosThetaOp = l.cosThetaO;
  tilt(p, sinThetaOp, cosThetaOp);
  // Longitudinal: sample d'Eon's function.
  const float v = m_v[p];
  const float u = std::max(u1, 1e-5f);
  const float cosTheta = 1.0f + v * std::log(u + (1.0f - u) * std::exp(-2.0f / v));
  const float sinTheta = safeSqrt(1.0f - sq(cosTheta));
  const float cosPhi = std::cos(2.0f * kPi * u2);
  const float sinThetaI =
      std::clamp(-cosTheta * sinThetaOp + sinTheta * cosPhi * cosThetaOp, -1.0f, 1.0f);
  const float cosThetaI = safeSqrt(1.0f - sq(sinThetaI));
  // Azimuthal: the lobe's logistic around its exit angle.
  const float dPhi = p < 3 ? phi(p, m_gammaO, l.gammaT) + sampleTrimmedLogistic(u3, m_s, -kPi, kPi)
                           : 2.0f * kPi * u3;
  const float phiI = l.phiO + dPhi;
  const V3 wi(sinThetaI, cosThetaI * std::cos(phiI), cosThetaI * std::sin(phiI));
  pdfOut = pdf(wo, wi);
  return wi;
}

}  // namespace sf
