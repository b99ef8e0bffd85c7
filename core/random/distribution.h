#pragma once

#include "random/draw_context.h"
#include "random/value.h"

#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sf {

class AssetCatalog;

/// A distribution of one parameter's values. Immutable once created, shared between
/// threads. Built from JSON by the DistributionRegistry, which checks its parameters first.
///
/// Every value comes from one uniform variate through fromUniform(): the inverse CDF for
/// continuous distributions, the cumulative weights for discrete ones. That makes each value
/// cost one counter draw, and lets a linked draw reuse another parameter's variate.
class Distribution {
public:
  virtual ~Distribution() = default;

  /// The registered type name: "normal", "categorical", ...
  virtual std::string typeName() const = 0;
  /// The kind of value it produces.
  virtual ValueKind kind() const = 0;

  /// The variate this distribution transforms in `context`: draw 0 of the parameter's own
  /// stream, or for a linked draw, a variate derived from its source's.
  virtual double uniform(const DrawContext& context) const { return context.uniform(0); }
  /// The value for variate `u` in (0, 1).
  virtual Value fromUniform(double u, const DrawContext& context) const = 0;
  /// fromUniform(uniform(context), context).
  Value sample(const DrawContext& context) const { return fromUniform(uniform(context), context); }

  /// The smallest and largest number it can produce (infinite when unbounded); for
  /// non-numeric kinds, (-inf, inf).
  virtual std::pair<double, double> support() const {
    return {-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  }
  /// Every value it can produce, when that is a known finite set (constants, categories,
  /// Bernoulli); nothing otherwise.
  virtual std::optional<std::vector<Value>> outcomes() const { return std::nullopt; }
  /// Adds the paths of other parameters it reads (linked sources, conditions).
  virtual void collectDependencies(std::vector<std::string>& paths) const { (void)paths; }
  /// Adds a warning for every asset choice inside it that no asset of `catalog` satisfies.
  virtual void checkAssets(const AssetCatalog& catalog, std::vector<std::string>& warnings) const {
    (void)catalog;
    (void)warnings;
  }
};

}  // namespace sf
