#pragma once

namespace sf {

/// The standard normal CDF, Phi(x), accurate to double precision (through erfc).
double normalCdf(double x);

/// The upper tail 1 - Phi(x), accurate in the far tail where 1 - normalCdf(x) is 0.
double normalUpperTail(double x);

/// The standard normal quantile Phi^-1(p) for p in (0, 1): Acklam's rational approximation
/// refined by two Halley steps, so normalCdf(normalQuantile(p)) == p to about 1e-15.
/// Returns -inf for p <= 0 and +inf for p >= 1; a NaN p gives 0.
double normalQuantile(double p);

/// The regularised incomplete beta function I_x(a, b) for a, b > 0 and x in [0, 1], by
/// the continued fraction (modified Lentz) with a bounded number of terms.
double regularizedIncompleteBeta(double a, double b, double x);

/// The quantile of Beta(a, b): the x in [0, 1] with I_x(a, b) = p, by 64 bisection steps
/// (deterministic and bounded: no iteration can fail to stop).
double betaQuantile(double a, double b, double p);

}  // namespace sf
