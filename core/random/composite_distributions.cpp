// The built-in distributions made of others: mixtures ("70% talking, 20% smiling"),
// linked draws (brow colour from the hair colour's draw) and conditional rules (with
// headwear, only hair that fits under it).

#include "random/builtin_distributions.h"
#include "random/distribution_registry.h"
#include "random/special_functions.h"
#include "util/json_util.h"

#include <algorithm>
#include <cmath>

namespace sf {

namespace {

constexpr double kSmallestUniform = 0x1.0p-54;

/// Keeps a derived variate inside (0, 1), as draws are.
double openUnit(double u) {
  return std::clamp(u, kSmallestUniform, 1.0 - kSmallestUniform);
}

/// The union of the supports of some distributions.
std::pair<double, double> unionSupport(
    const std::vector<std::shared_ptr<const Distribution>>& parts) {
  std::pair<double, double> all{INFINITY, -INFINITY};
  for (const auto& part : parts) {
    const auto [low, high] = part->support();
    all.first = std::min(all.first, low);
    all.second = std::max(all.second, high);
  }
  return all;
}

/// The union of the outcomes of some distributions, when every one has a finite set.
std::optional<std::vector<Value>> unionOutcomes(
    const std::vector<std::shared_ptr<const Distribution>>& parts) {
  std::vector<Value> all;
  for (const auto& part : parts) {
    const auto outcomes = part->outcomes();
    if (!outcomes) {
      return std::nullopt;
    }
    for (const Value& value : *outcomes) {
      if (std::find(all.begin(), all.end(), value) == all.end()) {
        all.push_back(value);
      }
    }
  }
  return all;
}

/// The common kind of some distributions (numbers and integers mix as numbers); reports
/// the first that does not fit at `keys[i]`.
std::optional<ValueKind> commonKind(const DistributionArgs& args,
                                    const std::vector<std::shared_ptr<const Distribution>>& parts,
                                    const std::vector<std::string>& keys) {
  ValueKind kind = parts.front()->kind();
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const ValueKind other = parts[i]->kind();
    if (other == kind) {
      continue;
    }
    if (!kindFits(other, kind)) {
      args.error(keys[i], std::string("must give a ") + valueKindName(kind) + " like " + keys[0] +
                              " (got a " + valueKindName(other) + ")");
      return std::nullopt;
    }
    kind = ValueKind::Number;
  }
  return kind;
}

class Mixture : public Distribution {
public:
  Mixture(std::vector<std::shared_ptr<const Distribution>> components,
          const std::vector<double>& weights, ValueKind kind)
      : m_components(std::move(components)), m_kind(kind) {
    double sum = 0.0;
    for (const double weight : weights) {
      sum += weight;
      m_cumulative.push_back(sum);
    }
  }
  std::string typeName() const override { return "mixture"; }
  ValueKind kind() const override { return m_kind; }

  Value fromUniform(double u, const DrawContext& context) const override {
    // The variate picks a component, and its position inside that component's share of
    // (0, 1), rescaled, is the component's own variate: uniform and independent of the pick.
    const double target = u * m_cumulative.back();
    std::size_t k = static_cast<std::size_t>(
        std::upper_bound(m_cumulative.begin(), m_cumulative.end(), target) - m_cumulative.begin());
    k = std::min(k, m_cumulative.size() - 1);
    while (k > 0 && m_cumulative[k] == m_cumulative[k - 1]) {
      --k;
    }
    const double start = k == 0 ? 0.0 : m_cumulative[k - 1];
    const double width = m_cumulative[k] - start;
    return m_components[k]->fromUniform(openUnit((target - start) / width), context);
  }

  std::pair<double, double> support() const override { return unionSupport(m_components); }
  std::optional<std::vector<Value>> outcomes() const override {
    return unionOutcomes(m_components);
  }
  void collectDependencies(std::vector<std::string>& paths) const override {
    for (const auto& component : m_components) {
      component->collectDependencies(paths);
    }
  }
  void checkAssets(const AssetCatalog& catalog, std::vector<std::string>& warnings) const override {
    for (const auto& component : m_components) {
      component->checkAssets(catalog, warnings);
    }
  }

private:
  std::vector<std::shared_ptr<const Distribution>> m_components;
  std::vector<double> m_cumulative;
  ValueKind m_kind;
};

class Linked : public Distribution {
public:
  Linked(std::string source, double correlation, std::shared_ptr<const Distribution> distribution,
         ValueKind kind)
      : m_source(std::move(source)),
        m_correlation(correlation),
        m_distribution(std::move(distribution)),
        m_kind(kind) {}
  std::string typeName() const override { return "linked"; }
  ValueKind kind() const override { return m_kind; }

  double uniform(const DrawContext& context) const override {
    // A Gaussian copula: the source's variate in normal scores, mixed with independent
    // noise (draw 1 of this parameter) so that the scores correlate by `correlation`.
    const double source = context.uniformOf(m_source);
    if (m_correlation == 1.0) {
      return source;
    }
    if (m_correlation == -1.0) {
      return openUnit(1.0 - source);
    }
    const double z =
        m_correlation * normalQuantile(source) +
        std::sqrt(1.0 - m_correlation * m_correlation) * normalQuantile(context.uniform(1));
    return openUnit(normalCdf(z));
  }

  /// Always follows the source, wherever the link sits (in a mixture, a condition...).
  Value fromUniform(double, const DrawContext& context) const override {
    const double u = uniform(context);
    return m_distribution ? m_distribution->fromUniform(u, context)
                          : context.valueOfAt(m_source, u);
  }

  std::pair<double, double> support() const override {
    return m_distribution ? m_distribution->support() : Distribution::support();
  }
  std::optional<std::vector<Value>> outcomes() const override {
    return m_distribution ? m_distribution->outcomes() : std::nullopt;
  }
  void collectDependencies(std::vector<std::string>& paths) const override {
    paths.push_back(m_source);
    if (m_distribution) {
      m_distribution->collectDependencies(paths);
    }
  }
  void checkAssets(const AssetCatalog& catalog, std::vector<std::string>& warnings) const override {
    if (m_distribution) {
      m_distribution->checkAssets(catalog, warnings);
    }
  }

private:
  std::string m_source;
  double m_correlation;
  std::shared_ptr<const Distribution> m_distribution;
  ValueKind m_kind;
};

enum class Comparison { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual };

struct Rule {
  std::string path;
  Comparison comparison = Comparison::Equal;
  Value value;
  std::shared_ptr<const Distribution> then;
};

bool holds(const Rule& rule, const Value& actual) {
  if (isNumeric(actual) && isNumeric(rule.value)) {
    const double a = numericValue(actual);
    const double b = numericValue(rule.value);
    switch (rule.comparison) {
      case Comparison::Equal: return a == b;
      case Comparison::NotEqual: return a != b;
      case Comparison::Less: return a < b;
      case Comparison::LessOrEqual: return a <= b;
      case Comparison::Greater: return a > b;
      case Comparison::GreaterOrEqual: return a >= b;
    }
  }
  const bool equal = actual == rule.value;
  return rule.comparison == Comparison::NotEqual ? !equal
                                                 : rule.comparison == Comparison::Equal && equal;
}

class Conditional : public Distribution {
public:
  Conditional(std::vector<Rule> rules, std::shared_ptr<const Distribution> otherwise,
              ValueKind kind)
      : m_rules(std::move(rules)), m_otherwise(std::move(otherwise)), m_kind(kind) {}
  std::string typeName() const override { return "conditional"; }
  ValueKind kind() const override { return m_kind; }

  double uniform(const DrawContext& context) const override {
    return chosen(context).uniform(context);
  }
  Value fromUniform(double u, const DrawContext& context) const override {
    return chosen(context).fromUniform(u, context);
  }
  std::pair<double, double> support() const override { return unionSupport(parts()); }
  std::optional<std::vector<Value>> outcomes() const override { return unionOutcomes(parts()); }
  void collectDependencies(std::vector<std::string>& paths) const override {
    for (const Rule& rule : m_rules) {
      paths.push_back(rule.path);
    }
    for (const auto& part : parts()) {
      part->collectDependencies(paths);
    }
  }
  void checkAssets(const AssetCatalog& catalog, std::vector<std::string>& warnings) const override {
    for (const auto& part : parts()) {
      part->checkAssets(catalog, warnings);
    }
  }

private:
  /// The first rule that holds gives the distribution; else `otherwise`.
  const Distribution& chosen(const DrawContext& context) const {
    for (const Rule& rule : m_rules) {
      if (holds(rule, context.valueOf(rule.path))) {
        return *rule.then;
      }
    }
    return *m_otherwise;
  }
  std::vector<std::shared_ptr<const Distribution>> parts() const {
    std::vector<std::shared_ptr<const Distribution>> all;
    for (const Rule& rule : m_rules) {
      all.push_back(rule.then);
    }
    all.push_back(m_otherwise);
    return all;
  }

  std::vector<Rule> m_rules;
  std::shared_ptr<const Distribution> m_otherwise;
  ValueKind m_kind;
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

void registerCompositeDistributions(DistributionRegistry& registry) {
  ParameterSpec weight = spec("weight", SpecKind::Number, true, "relative weight (>= 0)");
  weight.min = 0.0;
  ParameterSpec components =
      spec("components", SpecKind::ObjectList, true,
           "the parts: {\"weight\": 70, \"distribution\": ...}; a bare value such as "
           "\"talk\" names a group");
  components.fields = {weight, spec("distribution", SpecKind::Distribution, true,
                                    "the part's distribution, or a constant")};
  registry.add({"mixture",
                "percent groups: each draw comes from one component, chosen by weight",
                {components},
                [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
                  std::vector<std::shared_ptr<const Distribution>> parts;
                  std::vector<double> weights;
                  std::vector<std::string> keys;
                  double sum = 0.0;
                  for (std::size_t i = 0; i < args.json("components").size(); ++i) {
                    const std::string key = "components/" + std::to_string(i);
                    parts.push_back(args.distribution(key + "/distribution"));
                    weights.push_back(args.number(key + "/weight"));
                    keys.push_back(key + "/distribution");
                    sum += weights.back();
                  }
                  if (!(sum > 0.0)) {
                    args.error("components", "weights must not all be zero (got a sum of 0)");
                    return nullptr;
                  }
                  const std::optional<ValueKind> kind = commonKind(args, parts, keys);
                  if (!kind) {
                    return nullptr;
                  }
                  return std::make_shared<Mixture>(std::move(parts), weights, *kind);
                }});

  ParameterSpec correlation =
      spec("correlation", SpecKind::Number, false,
           "of the normal scores, in [-1, 1]: 1 takes the source's draw as it is, less adds "
           "independent jitter");
  correlation.min = -1.0;
  correlation.max = 1.0;
  correlation.defaultValue = 1.0;
  registry.add(
      {"linked",
       "shares the draw of another parameter (hair and brow colour from one draw)",
       {spec("source", SpecKind::Path, true, "the parameter whose draw this one shares"),
        correlation,
        spec("distribution", SpecKind::Distribution, false,
             "how to turn the shared draw into a value (default: the source's distribution)")},
       [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
         const std::string source = args.string("source");
         std::shared_ptr<const Distribution> own = args.distribution("distribution");
         ValueKind kind = ValueKind::Number;
         if (own) {
           kind = own->kind();
         } else if (args.paths()) {
           kind = args.paths()->kindOf(source).value_or(ValueKind::Number);
         }
         return std::make_shared<Linked>(source, args.number("correlation"), std::move(own), kind);
       }});

  ParameterSpec op = spec("op", SpecKind::String, false, "how to compare (default ==)");
  op.choices = {"==", "!=", "<", "<=", ">", ">="};
  op.defaultValue = "==";
  ParameterSpec when = spec("when", SpecKind::Object, true, "the condition");
  when.fields = {spec("path", SpecKind::Path, true, "the parameter to test"), op,
                 spec("value", SpecKind::Scalar, true, "what to compare it with")};
  ParameterSpec rules = spec("rules", SpecKind::ObjectList, true,
                             "tried in order: {\"when\": {...}, \"then\": distribution}");
  rules.fields = {when, spec("then", SpecKind::Distribution, true, "used when the rule holds")};
  registry.add(
      {"conditional",
       "rules on other parameters choose the distribution (with headwear, only hair that fits)",
       {rules, spec("otherwise", SpecKind::Distribution, true, "used when no rule holds")},
       [](const DistributionArgs& args) -> std::shared_ptr<const Distribution> {
         std::vector<Rule> parsed;
         std::vector<std::shared_ptr<const Distribution>> parts;
         std::vector<std::string> keys;
         bool good = true;
         for (std::size_t i = 0; i < args.json("rules").size(); ++i) {
           const std::string key = "rules/" + std::to_string(i);
           Rule rule;
           rule.path = args.string(key + "/when/path");
           rule.value = *valueFromJson(args.json(key + "/when/value"));
           const std::string opText = args.string(key + "/when/op");
           static const std::pair<const char*, Comparison> kOps[] = {
               {"==", Comparison::Equal},  {"!=", Comparison::NotEqual},
               {"<", Comparison::Less},    {"<=", Comparison::LessOrEqual},
               {">", Comparison::Greater}, {">=", Comparison::GreaterOrEqual}};
           for (const auto& [text, comparison] : kOps) {
             if (opText == text) {
               rule.comparison = comparison;
             }
           }
           // The compared value must be of the tested parameter's kind.
           if (args.paths()) {
             if (const auto kind = args.paths()->kindOf(rule.path)) {
               const bool numeric = *kind == ValueKind::Number || *kind == ValueKind::Integer;
               const bool noneOk =
                   *kind == ValueKind::String && std::holds_alternative<std::monostate>(rule.value);
               if (!noneOk && !kindFits(kindOf(rule.value), *kind)) {
                 args.error(key + "/when/value", std::string("must be a ") + valueKindName(*kind) +
                                                     " like " + rule.path + " (got " +
                                                     describeJson(args.json(key + "/when/value")) +
                                                     ")");
                 good = false;
               } else if (!numeric && rule.comparison != Comparison::Equal &&
                          rule.comparison != Comparison::NotEqual) {
                 args.error(key + "/when/op", std::string("can only be == or != for a ") +
                                                  valueKindName(*kind) + " (got \"" + opText +
                                                  "\")");
                 good = false;
               }
             }
           }
           rule.then = args.distribution(key + "/then");
           parts.push_back(rule.then);
           keys.push_back(key + "/then");
           parsed.push_back(std::move(rule));
         }
         parts.push_back(args.distribution("otherwise"));
         keys.push_back("otherwise");
         const std::optional<ValueKind> kind = commonKind(args, parts, keys);
         if (!good || !kind) {
           return nullptr;
         }
         return std::make_shared<Conditional>(std::move(parsed), args.distribution("otherwise"),
                                              *kind);
       }});
}

}  // namespace sf
