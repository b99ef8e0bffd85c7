#include "random/special_functions.h"

#include <cmath>
#include <numbers>

namespace sf {

double normalCdf(double x) {
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}

double normalUpperTail(double x) {
  return 0.5 * std::erfc(x / std::numbers::sqrt2);
}

double normalQuantile(double p) {
  if (std::isnan(p)) {
    return 0.0;
  }
  if (p <= 0.0) {
    return -INFINITY;
  }
  if (p >= 1.0) {
    return INFINITY;
  }
  // Acklam's approximation (relative error below 1.2e-9), in three regions.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double low = 0.02425;
  double x = 0.0;
  if (p < low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  // Halley refinement against the exact CDF; in the upper half work with the upper tail so
  // that the error term keeps its precision.
  for (int step = 0; step < 2; ++step) {
    const double error = x <= 0.0 ? normalCdf(x) - p : (1.0 - p) - normalUpperTail(x);
    const double u = error * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
    if (!std::isfinite(u)) {
      break;
    }
    x -= u / (1.0 + 0.5 * x * u);
  }
  return x;
}

namespace {

/// The continued fraction of the incomplete beta function (Numerical Recipes' betacf).
double betaContinuedFraction(double a, double b, double x) {
  constexpr int kMaxTerms = 500;
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-15;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::abs(d) < kTiny) {
    d = kTiny;
  }
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= kMaxTerms; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    d = std::abs(d) < kTiny ? kTiny : d;
    c = 1.0 + aa / c;
    c = std::abs(c) < kTiny ? kTiny : c;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    d = std::abs(d) < kTiny ? kTiny : d;
    c = 1.0 + aa / c;
    c = std::abs(c) < kTiny ? kTiny : c;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < kEpsilon) {
      break;
    }
  }
  return h;
}

}  // namespace

double regularizedIncompleteBeta(double a, double b, double x) {
  if (!(x > 0.0)) {
    return 0.0;
  }
  if (!(x < 1.0)) {
    return 1.0;
  }
  const double logFront =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(logFront);
  // The fraction converges fast on the side of the mean; use the symmetry otherwise.
  if (x < (a + 1.0) / (a + b + 2.0)) {
    return front * betaContinuedFraction(a, b, x) / a;
  }
  return 1.0 - front * betaContinuedFraction(b, a, 1.0 - x) / b;
}

double betaQuantile(double a, double b, double p) {
  if (!(p > 0.0)) {
    return 0.0;
  }
  if (!(p < 1.0)) {
    return 1.0;
  }
  double low = 0.0;
  double high = 1.0;
  for (int step = 0; step < 64; ++step) {
    const double middle = 0.5 * (low + high);
    if (regularizedIncompleteBeta(a, b, middle) < p) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return 0.5 * (low + high);
}

}  // namespace sf
