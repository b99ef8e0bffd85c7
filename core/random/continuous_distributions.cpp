// The built-in continuous distributions (and the constant). Each turns one uniform variate
// into a value by its inverse CDF: deterministic, one draw per value, no rejection loops.

#include "random/builtin_distributions.h"
#include "random/distribution_registry.h"
#include "random/special_functions.h"
#include "util/json_util.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sf {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

class Constant : public Distribution {
public:
  explicit Constant(Value value) : m_value(std::move(value)) {}
  std::string typeName() const override { return "constant"; }
  ValueKind kind() const override { return kindOf(m_value); }
  Value fromUniform(double, const DrawContext&) const override { return m_value; }
  std::pair<double, double> support() const override {
    if (isNumeric(m_value)) {
      return {numericValue(m_value), numericValue(m_value)};
    }
    return Distribution::support();
  }
  std::optional<std::vector<Value>> outcomes() const override {
    return std::vector<Value>{m_value};
  }

private:
  Value m_value;
};

class Uniform : public Distribution {
public:
  Uniform(double low, double high) : m_low(low), m_high(high) {}
  std::string typeName() const override { return "uniform"; }
  ValueKind kind() const override { return ValueKind::Number; }
  Value fromUniform(double u, const DrawContext&) const override {
    return std::clamp(m_low + u * (m_high - m_low), m_low, m_high);
  }
  std::pair<double, double> support() const override { return {m_low, m_high}; }

private:
  double m_low;
  double m_high;
};

class Normal : public Distribution {
public:
  Normal(double mean, double sigma) : m_mean(mean), m_sigma(sigma) {}
  std::string typeName() const override { return "normal"; }
  ValueKind kind() const override { return ValueKind::Number; }
  Value fromUniform(double u, const DrawContext&) const override {
    return m_mean + m_sigma * normalQuantile(u);
  }

private:
  double m_mean;
  double m_sigma;
};

class TruncatedNormal : public Distribution {
public:
  TruncatedNormal(double mean, double sigma, double low, double high)
      : m_mean(mean), m_sigma(sigma), m_low(low), m_high(high) {}
  std::string typeName() const override { return "truncatedNormal"; }
  ValueKind kind() const override { return ValueKind::Number; }
  std::pair<double, double> support() const override { return {m_low, m_high}; }

  Value fromUniform(double u, const DrawContext&) const override {
    // Inverse CDF restricted to [a, b] in standard units. On the upper side of the mean
    // work with the mirrored interval, so that both tail masses stay representable.
    double a = (m_low - m_mean) / m_sigma;
    double b = (m_high - m_mean) / m_sigma;
    double sign = 1.0;
    if (a > 0.0) {
      sign = -1.0;
      std::swap(a, b);
      a = -a;
      b = -b;
      u = 1.0 - u;
    }
    // Now a <= 0, so Phi(a) <= 0.5 keeps its relative precision.
    const double pa = normalCdf(a);
    const double pb = normalCdf(b);
    double z = 0.0;
    if (pb - pa > 1e-300) {
      z = normalQuantile(pa + u * (pb - pa));
    } else {
      // Both ends so far out that their masses underflow: the truncated normal is then
      // an exponential from the nearer end to within rounding.
      const double near = b;  // b < 0 here, the end closest to the mean
      const double rate = -near;
      const double width = b - a;
      z = near + std::log1p(-(1.0 - u) * -std::expm1(-rate * width)) / rate;
    }
    if (std::isnan(z)) {
      z = 0.0;
    }
    z = std::clamp(sign * z, (m_low - m_mean) / m_sigma, (m_high - m_mean) / m_sigma);
    return std::clamp(m_mean + m_sigma * z, m_low, m_high);
  }

private:
  double m_mean;
  double m_sigma;
  double m_low;
  double m_high;
};

class LogNormal : public Distribution {
public:
  LogNormal(double mu, double sigma) : m_mu(mu), m_sigma(sigma) {}
  std::string typeName() const override { return "logNormal"; }
  ValueKind kind() const override { return ValueKind::Number; }
  Value fromUniform(double u, const DrawContext&) const override {
    return std::exp(m_mu + m_sigma * normalQuantile(u));
  }
  /// The smallest value a draw can give (the variate is at least 2^-54), and no upper
  /// bound: a log-normal far below its range is a mistake, its upper tail is clamped.
  std::pair<double, double> support() const override {
    return {std::exp(m_mu + m_sigma * normalQuantile(0x1.0p-54)), kInfinity};
  }

private:
  double m_mu;
  double m_sigma;
};

class Beta : public Distribution {
public:
  Beta(double alpha, double beta, double low, double high)
      : m_alpha(alpha), m_beta(beta), m_low(low), m_high(high) {}
  std::string typeName() const override { return "beta"; }
  ValueKind kind() const override { return ValueKind::Number; }
  Value fromUniform(double u, const DrawContext&) const override {
    return std::clamp(m_low + (m_high - m_low) * betaQuantile(m_alpha, m_beta, u), m_low, m_high);
  }
  std::pair<double, double> support() const override { return {m_low, m_high}; }

private:
  double m_alpha;
  double m_beta;
  double m_low;
  double m_high;
};

ParameterSpec number(std::string name, std::string help, bool required = true) {
  ParameterSpec spec;
  spec.name = std::move(name);
  spec.kind = SpecKind::Number;
  spec.required = required;
  spec.help = std::move(help);
  return spec;
}

ParameterSpec positive(std::string name, std::string help) {
  ParameterSpec spec = number(std::move(name), std::move(help));
  spec.min = 0.0;
  spec.exclusiveMin = true;
  return spec;
}

ParameterSpec withDefault(ParameterSpec spec, double value) {
  spec.required = false;
  spec.defaultValue = value;
  return spec;
}

/// Reports max <= min at "max".
bool checkOrdered(const DistributionArgs& args, const std::string& lowKey,
                  const std::string& highKey) {
  if (args.number(highKey) > args.number(lowKey)) {
    return true;
  }
  args.error(highKey, "must be greater than " + lowKey + " (" + describeJson(args.json(lowKey)) +
                          ") (got " + describeJson(args.json(highKey)) + ")");
  return false;
}

}  // namespace

std::shared_ptr<const Distribution> makeConstant(Value value) {
  return std::make_shared<Constant>(std::move(value));
}

void registerContinuousDistributions(DistributionRegistry& registry) {
  ParameterSpec value;
  value.name = "value";
  value.kind = SpecKind::Scalar;
  value.required = true;
  value.help = "the value every sample gets";
  registry.add({"constant",
                "always the same value (a bare number, string or boolean means this too)",
                {value},
                [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
                  if (args.json("value").is_null()) {
                    args.error("value", "must be a number, string or boolean (got null)");
                    return nullptr;
                  }
                  return makeConstant(*valueFromJson(args.json("value")));
                }});

  registry.add({"uniform",
                "every value in [min, max] equally likely",
                {number("min", "smallest value"), number("max", "largest value (> min)")},
                [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
                  if (!checkOrdered(args, "min", "max")) {
                    return nullptr;
                  }
                  return std::make_shared<Uniform>(args.number("min"), args.number("max"));
                }});

  registry.add({"normal",
                "Gaussian with a mean and a standard deviation",
                {number("mean", "the mean"), positive("sigma", "standard deviation (> 0)")},
                [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
                  return std::make_shared<Normal>(args.number("mean"), args.number("sigma"));
                }});

  registry.add({"truncatedNormal",
                "Gaussian restricted to [min, max] (drawn by inverse CDF, never rejected)",
                {number("mean", "the mean of the untruncated Gaussian"),
                 positive("sigma", "its standard deviation (> 0)"), number("min", "smallest value"),
                 number("max", "largest value (> min)")},
                [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
                  if (!checkOrdered(args, "min", "max")) {
                    return nullptr;
                  }
                  return std::make_shared<TruncatedNormal>(args.number("mean"),
                                                           args.number("sigma"), args.number("min"),
                                                           args.number("max"));
                }});

  ParameterSpec mu = number("mu", "mean of the logarithm");
  mu.min = -700.0;
  mu.max = 700.0;
  registry.add({"logNormal",
                "exp of a Gaussian: positive, skewed to the right; the median is exp(mu)",
                {mu, positive("sigma", "standard deviation of the logarithm (> 0)")},
                [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
                  return std::make_shared<LogNormal>(args.number("mu"), args.number("sigma"));
                }});

  ParameterSpec alpha = positive("alpha", "shape: weight toward max (> 0)");
  ParameterSpec beta = positive("beta", "shape: weight toward min (> 0)");
  alpha.max = beta.max = 1e4;
  registry.add({"beta",
                "Beta(alpha, beta) stretched onto [min, max] (default [0, 1])",
                {alpha, beta, withDefault(number("min", "smallest value"), 0.0),
                 withDefault(number("max", "largest value (> min)"), 1.0)},
                [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
                  if (!checkOrdered(args, "min", "max")) {
                    return nullptr;
                  }
                  return std::make_shared<Beta>(args.number("alpha"), args.number("beta"),
                                                args.number("min"), args.number("max"));
                }});
}

void registerBuiltinDistributions(DistributionRegistry& registry) {
  registerContinuousDistributions(registry);
  registerDiscreteDistributions(registry);
  registerCompositeDistributions(registry);
}

}  // namespace sf
