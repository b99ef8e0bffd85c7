// The built-in discrete distributions: weighted categories, Bernoulli, and a weighted
// choice of assets from the library by kind and tags.

#include "random/asset_catalog.h"
#include "random/builtin_distributions.h"
#include "random/distribution_registry.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace sf {

namespace {

/// Index of the category that variate u falls in, for weights with a positive sum.
std::size_t pickWeighted(double u, const std::vector<double>& cumulative) {
  const double target = u * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  std::size_t index = static_cast<std::size_t>(it - cumulative.begin());
  index = std::min(index, cumulative.size() - 1);
  // Never land on a zero-weight category (possible only through rounding at the ends).
  while (index > 0 && cumulative[index] == cumulative[index - 1]) {
    --index;
  }
  return index;
}

std::vector<double> cumulativeOf(const std::vector<double>& weights) {
  std::vector<double> cumulative;
  double sum = 0.0;
  for (const double weight : weights) {
    sum += weight;
    cumulative.push_back(sum);
  }
  return cumulative;
}

class Categorical : public Distribution {
public:
  Categorical(std::vector<Value> values, std::vector<double> weights, ValueKind kind)
      : m_values(std::move(values)), m_cumulative(cumulativeOf(weights)), m_kind(kind) {
    for (std::size_t i = 0; i < m_values.size(); ++i) {
      if (weights[i] > 0.0) {
        m_possible.push_back(m_values[i]);
      }
    }
  }
  std::string typeName() const override { return "categorical"; }
  ValueKind kind() const override { return m_kind; }
  Value fromUniform(double u, const DrawContext&) const override {
    return m_values[pickWeighted(u, m_cumulative)];
  }
  std::pair<double, double> support() const override {
    if (m_kind != ValueKind::Number && m_kind != ValueKind::Integer) {
      return Distribution::support();
    }
    double low = INFINITY;
    double high = -INFINITY;
    for (const Value& value : m_possible) {
      low = std::min(low, numericValue(value));
      high = std::max(high, numericValue(value));
    }
    return {low, high};
  }
  std::optional<std::vector<Value>> outcomes() const override { return m_possible; }

private:
  std::vector<Value> m_values;
  std::vector<double> m_cumulative;
  std::vector<Value> m_possible;
  ValueKind m_kind;
};

class Bernoulli : public Distribution {
public:
  explicit Bernoulli(double p) : m_p(p) {}
  std::string typeName() const override { return "bernoulli"; }
  ValueKind kind() const override { return ValueKind::Boolean; }
  Value fromUniform(double u, const DrawContext&) const override { return u < m_p; }
  std::optional<std::vector<Value>> outcomes() const override {
    std::vector<Value> possible;
    if (m_p < 1.0) {
      possible.emplace_back(false);
    }
    if (m_p > 0.0) {
      possible.emplace_back(true);
    }
    return possible;
  }

private:
  double m_p;
};

class AssetChoice : public Distribution {
public:
  AssetChoice(std::string assetKind, std::vector<std::string> tags, bool matchAll,
              std::vector<std::string> exclude, std::map<std::string, double> weights)
      : m_assetKind(std::move(assetKind)),
        m_tags(std::move(tags)),
        m_matchAll(matchAll),
        m_exclude(std::move(exclude)),
        m_weights(std::move(weights)) {}

  std::string typeName() const override { return "assetChoice"; }
  ValueKind kind() const override { return ValueKind::String; }

  Value fromUniform(double u, const DrawContext& context) const override {
    std::vector<const AssetInfo*> candidates;
    std::vector<double> weights;
    for (const AssetInfo& asset : context.assets().assets()) {
      const double weight = weightOf(asset);
      if (weight > 0.0 && !context.isHeldOut(asset.id)) {
        candidates.push_back(&asset);
        weights.push_back(weight);
      }
    }
    if (candidates.empty()) {
      return Value{};
    }
    return candidates[pickWeighted(u, cumulativeOf(weights))]->id;
  }

  void checkAssets(const AssetCatalog& catalog, std::vector<std::string>& warnings) const override {
    for (const AssetInfo& asset : catalog.assets()) {
      if (weightOf(asset) > 0.0) {
        return;
      }
    }
    std::string what = m_assetKind.empty() ? "no asset" : "no " + m_assetKind + " asset";
    if (!m_tags.empty()) {
      what += std::string(" with ") + (m_matchAll ? "all" : "any") + " of the tags [" +
              join(m_tags, ", ") + "]";
    }
    warnings.push_back(what + " in the library" +
                       (m_exclude.empty() ? "" : " (excluding [" + join(m_exclude, ", ") + "])") +
                       ": every draw is none");
  }

private:
  /// The asset's weight: 0 when it does not match, else the product of its tags' weights.
  double weightOf(const AssetInfo& asset) const {
    if (!m_assetKind.empty() && asset.kind != m_assetKind) {
      return 0.0;
    }
    const auto hasTag = [&](const std::string& tag) {
      return std::find(asset.tags.begin(), asset.tags.end(), tag) != asset.tags.end();
    };
    if (!m_tags.empty()) {
      const bool matches = m_matchAll ? std::all_of(m_tags.begin(), m_tags.end(), hasTag)
                                      : std::any_of(m_tags.begin(), m_tags.end(), hasTag);
      if (!matches) {
        return 0.0;
      }
    }
    for (const std::string& excluded : m_exclude) {
      if (excluded == asset.id || hasTag(excluded)) {
        return 0.0;
      }
    }
    double weight = 1.0;
    for (const std::string& tag : asset.tags) {
      const auto it = m_weights.find(tag);
      if (it != m_weights.end()) {
        weight *= it->second;
      }
    }
    return weight;
  }

  std::string m_assetKind;
  std::vector<std::string> m_tags;
  bool m_matchAll;
  std::vector<std::string> m_exclude;
  std::map<std::string, double> m_weights;
};

ParameterSpec spec(std::string name, SpecKind kind, bool required, std::string help) {
  ParameterSpec result;
  result.name = std::move(name);
  result.kind = kind;
  result.required = required;
  result.help = std::move(help);
  return result;
}

}  // namespace

void registerDiscreteDistributions(DistributionRegistry& registry) {
  ParameterSpec weights =
      spec("weights", SpecKind::NumberList, false,
           "one weight (>= 0) per value, relative: they need not sum to 1 (default: equal)");
  weights.min = 0.0;
  registry.add(
      {"categorical",
       "one of a list of values, with weights",
       {spec("values", SpecKind::ScalarList, true, "the values: numbers, strings or booleans"),
        weights},
       [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
         std::vector<Value> values;
         for (const nlohmann::json& entry : args.json("values")) {
           values.push_back(*valueFromJson(entry));
         }
         std::vector<double> weights = args.has("weights")
                                           ? args.numbers("weights")
                                           : std::vector<double>(values.size(), 1.0);
         bool good = true;
         if (weights.size() != values.size()) {
           args.error("weights",
                      "must have one weight per value: " + std::to_string(values.size()) +
                          " values (got " + std::to_string(weights.size()) + " weights)");
           good = false;
         } else {
           double sum = 0.0;
           for (const double weight : weights) {
             sum += weight;
           }
           if (!(sum > 0.0)) {
             args.error("weights", "must not all be zero (got a sum of 0)");
             good = false;
           }
         }
         // One kind of value; integers and numbers mix as numbers.
         ValueKind kind = kindOf(values.front());
         for (std::size_t i = 1; i < values.size(); ++i) {
           const ValueKind other = kindOf(values[i]);
           if (other == kind) {
             continue;
           }
           if (kindFits(other, kind)) {
             kind = ValueKind::Number;
           } else {
             args.error("values/" + std::to_string(i),
                        std::string("must be a ") + valueKindName(kind) +
                            " like the first value (got " + describeJson(args.json("values")[i]) +
                            ")");
             good = false;
           }
         }
         if (!good) {
           return nullptr;
         }
         return std::make_shared<Categorical>(std::move(values), std::move(weights), kind);
       }});

  ParameterSpec p = spec("p", SpecKind::Number, true, "probability of true, in [0, 1]");
  p.min = 0.0;
  p.max = 1.0;
  registry.add({"bernoulli",
                "true with probability p, else false",
                {p},
                [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
                  return std::make_shared<Bernoulli>(args.number("p"));
                }});

  ParameterSpec match =
      spec("match", SpecKind::String, false, "any: an asset needs one of the tags; all: every tag");
  match.choices = {"any", "all"};
  match.defaultValue = "any";
  ParameterSpec tagWeights = spec("weights", SpecKind::NumberMap, false,
                                  "by tag: multiplies the weight of every asset with that tag");
  tagWeights.min = 0.0;
  registry.add(
      {"assetChoice",
       "an asset id from the library by kind and tags, with weights and exclusions; "
       "\"none\" when nothing matches",
       {spec("kind", SpecKind::String, false, "the asset kind: hair, brows, headwear, ..."),
        spec("tags", SpecKind::StringList, false, "tags to match (default: every asset)"), match,
        spec("exclude", SpecKind::StringList, false, "asset ids or tags never chosen"), tagWeights},
       [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
         std::map<std::string, double> weights;
         if (args.has("weights")) {
           for (const auto& [tag, weight] : args.json("weights").items()) {
             weights[tag] = weight.get<double>();
           }
         }
         return std::make_shared<AssetChoice>(args.string("kind"), args.strings("tags"),
                                              args.string("match") == "all",
                                              args.strings("exclude"), std::move(weights));
       }});
}

}  // namespace sf
