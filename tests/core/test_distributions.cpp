// Tests of core/random: every distribution against its law (Kolmogorov-Smirnov for the
// continuous ones, chi-square for the discrete ones, fixed seeds), the counter-based
// draws, the registry's checks of bad parameters, and plugin registration.

#include "random/distribution_registry.h"
#include "random/draw_context.h"
#include "random/memory_asset_catalog.h"
#include "random/special_functions.h"
#include "util/error.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numbers>

namespace {

using nlohmann::json;

constexpr std::uint64_t kSeed = 20240601;
constexpr int kDraws = 20000;
/// sqrt(n) * D of the Kolmogorov-Smirnov test at a significance of 0.001.
constexpr double kKsCritical = 1.95;

double referenceNormalCdf(double z) {
  return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}

/// I_x(a, b) for whole a and b: the chance of at least a successes in a + b - 1 trials.
double integerBetaCdf(int a, int b, double x) {
  const int n = a + b - 1;
  double sum = 0.0;
  for (int j = a; j <= n; ++j) {
    sum += std::exp(std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0)) *
           std::pow(x, j) * std::pow(1.0 - x, n - j);
  }
  return sum;
}

std::shared_ptr<const sf::Distribution> parse(const json& spec) {
  sf::Diagnostics diagnostics;
  auto distribution = sf::DistributionRegistry::instance().parse(spec, "", diagnostics);
  if (!distribution) {
    qWarning("%s", sf::formatDiagnostics(diagnostics.all(), "spec").c_str());
  }
  return distribution;
}

/// Draws of one parameter over samples 0..n-1.
std::vector<sf::Value> draws(const sf::Distribution& distribution, int count,
                             const sf::AssetCatalog* catalog = nullptr,
                             const sf::SampleScope* scope = nullptr) {
  std::vector<sf::Value> values;
  for (int i = 0; i < count; ++i) {
    sf::DrawContext context(kSeed, static_cast<std::uint64_t>(i), "test.parameter");
    context.withAssets(catalog, nullptr).withScope(scope);
    values.push_back(distribution.sample(context));
  }
  return values;
}

/// sqrt(n) times the Kolmogorov-Smirnov distance between the draws and `cdf`.
double ksStatistic(std::vector<double> values, const std::function<double(double)>& cdf) {
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  double distance = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double f = cdf(values[i]);
    distance =
        std::max({distance, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return std::sqrt(n) * distance;
}

/// Chi-square statistic of observed counts against expected probabilities.
double chiSquare(const std::map<std::string, int>& observed,
                 const std::map<std::string, double>& expected, int total) {
  double statistic = 0.0;
  for (const auto& [value, probability] : expected) {
    const auto it = observed.find(value);
    const double count = it == observed.end() ? 0.0 : it->second;
    const double want = probability * total;
    statistic += (count - want) * (count - want) / want;
  }
  return statistic;
}

/// Upper 0.001 critical values of chi-square, by degrees of freedom.
double chiSquareCritical(int degrees) {
  static const double values[] = {0.0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46};
  return values[degrees];
}

struct ContinuousCase {
  const char* name;
  json spec;
  std::function<double(double)> cdf;
};

const std::vector<ContinuousCase>& continuousCases() {
  static const std::vector<ContinuousCase> cases = {
      {"uniform",
       {{"type", "uniform"}, {"min", -2}, {"max", 5}},
       [](double x) { return std::clamp((x + 2.0) / 7.0, 0.0, 1.0); }},
      {"normal",
       {{"type", "normal"}, {"mean", 3}, {"sigma", 2}},
       [](double x) { return referenceNormalCdf((x - 3.0) / 2.0); }},
      {"truncated normal, central",
       {{"type", "truncatedNormal"}, {"mean", 0}, {"sigma", 30}, {"min", -90}, {"max", 90}},
       [](double x) {
         const double a = referenceNormalCdf(-3.0);
         return (referenceNormalCdf(x / 30.0) - a) / (referenceNormalCdf(3.0) - a);
       }},
      {"truncated normal, one side",
       {{"type", "truncatedNormal"}, {"mean", 0}, {"sigma", 1}, {"min", 0.5}, {"max", 3}},
       [](double x) {
         const double a = referenceNormalCdf(0.5);
         return (referenceNormalCdf(x) - a) / (referenceNormalCdf(3.0) - a);
       }},
      {"truncated normal, far tail",
       {{"type", "truncatedNormal"}, {"mean", 0}, {"sigma", 1}, {"min", 8}, {"max", 10}},
       [](double x) {
         // Upper tails keep their precision out here.
         const auto q = [](double z) { return 0.5 * std::erfc(z / std::numbers::sqrt2); };
         return (q(8.0) - q(x)) / (q(8.0) - q(10.0));
       }},
      {"log-normal",
       {{"type", "logNormal"}, {"mu", 0.5}, {"sigma", 0.4}},
       [](double x) { return x <= 0.0 ? 0.0 : referenceNormalCdf((std::log(x) - 0.5) / 0.4); }},
      {"beta(2, 5)",
       {{"type", "beta"}, {"alpha", 2}, {"beta", 5}},
       [](double x) { return integerBetaCdf(2, 5, std::clamp(x, 0.0, 1.0)); }},
      {"beta(0.5, 0.5) on [10, 20]",
       {{"type", "beta"}, {"alpha", 0.5}, {"beta", 0.5}, {"min", 10}, {"max", 20}},
       [](double x) {
         const double t = std::clamp((x - 10.0) / 10.0, 0.0, 1.0);
         return 2.0 / std::numbers::pi * std::asin(std::sqrt(t));
       }},
      {"mixture 70% normal, 30% uniform",
       {{"type", "mixture"},
        {"components",
         {{{"weight", 70}, {"distribution", {{"type", "normal"}, {"mean", 0}, {"sigma", 1}}}},
          {{"weight", 30}, {"distribution", {{"type", "uniform"}, {"min", 2}, {"max", 4}}}}}}},
       [](double x) {
         return 0.7 * referenceNormalCdf(x) + 0.3 * std::clamp((x - 2.0) / 2.0, 0.0, 1.0);
       }},
  };
  return cases;
}

/// A scope over a few named distributions, for linked draws and conditions.
class TestScope : public sf::SampleScope {
public:
  std::map<std::string, std::shared_ptr<const sf::Distribution>> distributions;
  std::uint64_t index = 0;

  sf::DrawContext contextFor(const std::string& path) const {
    sf::DrawContext context(kSeed, index, path);
    context.withScope(this);
    return context;
  }
  sf::Value valueOf(const std::string& path) const override {
    return distributions.at(path)->sample(contextFor(path));
  }
  double uniformOf(const std::string& path) const override {
    return distributions.at(path)->uniform(contextFor(path));
  }
  sf::Value valueOfAt(const std::string& path, double u) const override {
    return distributions.at(path)->fromUniform(u, contextFor(path));
  }
};

}  // namespace

class TestDistributions : public QObject {
  Q_OBJECT

private slots:
  void drawsArePureFunctionsOfSeedIndexAndPath();
  void normalQuantileInvertsTheCdf();
  void betaQuantileInvertsTheCdf();
  void continuousDistributionsFollowTheirLaw_data();
  void continuousDistributionsFollowTheirLaw();
  void truncatedNormalStaysInRangeFarOut();
  void discreteDistributionsFollowTheirWeights_data();
  void discreteDistributionsFollowTheirWeights();
  void assetChoiceWithoutMatchesDrawsNone();
  void linkedDrawsCorrelateAsAsked();
  void conditionalRulesChooseTheDistribution();
  void bareValuesAreConstants();
  void badParametersAreReported_data();
  void badParametersAreReported();
  void registryDescribesEveryType();
  void pluginsCanAddTypes();
};

void TestDistributions::drawsArePureFunctionsOfSeedIndexAndPath() {
  const sf::DrawContext a(7, 123, "camera.yaw");
  const sf::DrawContext again(7, 123, "camera.yaw");
  QCOMPARE(a.uniform(0), again.uniform(0));
  QVERIFY(a.uniform(0) != a.uniform(1));
  QVERIFY(a.uniform(0) != sf::DrawContext(7, 124, "camera.yaw").uniform(0));
  QVERIFY(a.uniform(0) != sf::DrawContext(8, 123, "camera.yaw").uniform(0));
  QVERIFY(a.uniform(0) != sf::DrawContext(7, 123, "camera.pitch").uniform(0));
  // Never 0 or 1, so inverse CDFs stay finite.
  for (std::uint64_t i = 0; i < 10000; ++i) {
    const double u = sf::DrawContext(1, i, "x").uniform(0);
    QVERIFY(u > 0.0 && u < 1.0);
  }
}

void TestDistributions::normalQuantileInvertsTheCdf() {
  for (const double p : {1e-300, 1e-20, 1e-9, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97575,
                         0.999, 1.0 - 1e-9, 1.0 - 1e-15}) {
    const double x = sf::normalQuantile(p);
    const double back = p < 0.5 ? referenceNormalCdf(x) : 1.0 - referenceNormalCdf(x);
    const double want = p < 0.5 ? p : 1.0 - p;
    QVERIFY2(std::abs(back - p < 0.5 ? back - want : back - want) <= 1e-13 * want + 1e-300,
             qPrintable(QString("p %1: x %2").arg(p).arg(x)));
  }
  QVERIFY(std::isinf(sf::normalQuantile(0.0)) && sf::normalQuantile(0.0) < 0);
  QCOMPARE(sf::normalQuantile(0.5), 0.0);
}

void TestDistributions::betaQuantileInvertsTheCdf() {
  for (const auto& [a, b] : {std::pair{2.0, 5.0}, {0.5, 0.5}, {30.0, 2.0}, {1.0, 1.0}}) {
    for (const double p : {0.001, 0.2, 0.5, 0.8, 0.999}) {
      const double x = sf::betaQuantile(a, b, p);
      QVERIFY(x >= 0.0 && x <= 1.0);
      QVERIFY(std::abs(sf::regularizedIncompleteBeta(a, b, x) - p) < 1e-10);
    }
  }
  QVERIFY(std::abs(sf::regularizedIncompleteBeta(2, 5, 0.3) - integerBetaCdf(2, 5, 0.3)) < 1e-12);
}

void TestDistributions::continuousDistributionsFollowTheirLaw_data() {
  QTest::addColumn<int>("which");
  for (std::size_t i = 0; i < continuousCases().size(); ++i) {
    QTest::newRow(continuousCases()[i].name) << static_cast<int>(i);
  }
}

void TestDistributions::continuousDistributionsFollowTheirLaw() {
  QFETCH(int, which);
  const ContinuousCase& test = continuousCases()[static_cast<std::size_t>(which)];
  const auto distribution = parse(test.spec);
  QVERIFY(distribution);
  QCOMPARE(distribution->kind(), sf::ValueKind::Number);
  std::vector<double> values;
  for (const sf::Value& value : draws(*distribution, kDraws)) {
    QVERIFY(std::holds_alternative<double>(value));
    values.push_back(std::get<double>(value));
    QVERIFY(std::isfinite(values.back()));
  }
  const auto [low, high] = distribution->support();
  QVERIFY(*std::min_element(values.begin(), values.end()) >= low);
  QVERIFY(*std::max_element(values.begin(), values.end()) <= high);
  const double statistic = ksStatistic(values, test.cdf);
  QVERIFY2(statistic < kKsCritical, qPrintable(QString("KS sqrt(n) D = %1").arg(statistic)));
}

void TestDistributions::truncatedNormalStaysInRangeFarOut() {
  // So far out that both tail masses underflow: an exponential fallback, never a loop.
  const auto distribution =
      parse({{"type", "truncatedNormal"}, {"mean", 0}, {"sigma", 1}, {"min", 40}, {"max", 41}});
  QVERIFY(distribution);
  double sum = 0.0;
  for (const sf::Value& value : draws(*distribution, 4000)) {
    const double x = std::get<double>(value);
    QVERIFY(x >= 40.0 && x <= 41.0);
    sum += x;
  }
  // The mean of a normal truncated at a far point t is about t + 1/t.
  QVERIFY(std::abs(sum / 4000.0 - 40.025) < 0.003);
  // Below the mean: mirrored.
  const auto below =
      parse({{"type", "truncatedNormal"}, {"mean", 0}, {"sigma", 1}, {"min", -41}, {"max", -40}});
  for (const sf::Value& value : draws(*below, 200)) {
    QVERIFY(std::get<double>(value) >= -41.0 && std::get<double>(value) <= -40.0);
  }
}

void TestDistributions::discreteDistributionsFollowTheirWeights_data() {
  QTest::addColumn<QString>("spec");
  QTest::addColumn<QString>("expected");  // JSON: value -> probability
  QTest::newRow("categorical")
      << R"({"type": "categorical", "values": ["talk", "smile", "neutral"], "weights": [70, 20, 10]})"
      << R"({"talk": 0.7, "smile": 0.2, "neutral": 0.1})";
  QTest::newRow("categorical, equal weights, numbers")
      << R"({"type": "categorical", "values": [256, 512, 1024]})"
      << R"({"256": 0.33333333333333333, "512": 0.33333333333333333, "1024": 0.33333333333333333})";
  QTest::newRow("categorical, a zero weight")
      << R"({"type": "categorical", "values": ["a", "b", "c"], "weights": [1, 0, 3]})"
      << R"({"a": 0.25, "c": 0.75})";
  QTest::newRow("bernoulli") << R"({"type": "bernoulli", "p": 0.3})"
                             << R"({"true": 0.3, "false": 0.7})";
  QTest::newRow("percent groups")
      << R"({"type": "mixture", "components": [{"weight": 70, "distribution": "talk"},
             {"weight": 20, "distribution": "smile"}, {"weight": 10, "distribution": "neutral"}]})"
      << R"({"talk": 0.7, "smile": 0.2, "neutral": 0.1})";
  QTest::newRow("asset choice, tag weights")
      << R"({"type": "assetChoice", "kind": "hair", "tags": ["short", "long"], "weights": {"curly": 3}})"
      << R"({"hair/a": 0.2, "hair/b": 0.2, "hair/c": 0.6})";
  QTest::newRow("asset choice, exclusions")
      << R"({"type": "assetChoice", "kind": "hair", "exclude": ["curly", "hair/d"]})"
      << R"({"hair/a": 0.5, "hair/b": 0.5})";
  QTest::newRow("asset choice, all tags")
      << R"({"type": "assetChoice", "tags": ["short", "curly"], "match": "all"})"
      << R"({"hair/c": 1.0})";
}

void TestDistributions::discreteDistributionsFollowTheirWeights() {
  QFETCH(QString, spec);
  QFETCH(QString, expected);
  const sf::MemoryAssetCatalog catalog({{"hair/a", "hair", {"short"}, "", {}},
                                        {"hair/b", "hair", {"long"}, "", {}},
                                        {"hair/c", "hair", {"short", "curly"}, "", {}},
                                        {"hair/d", "hair", {}, "", {}},
                                        {"beard/e", "beard", {"short"}, "", {}}});
  const auto distribution = parse(json::parse(spec.toStdString()));
  QVERIFY(distribution);
  std::map<std::string, int> counts;
  for (const sf::Value& value : draws(*distribution, kDraws, &catalog)) {
    ++counts[sf::valueToString(value)];
  }
  std::map<std::string, double> probabilities;
  const json expectedJson = json::parse(expected.toStdString());
  for (const auto& [value, probability] : expectedJson.items()) {
    probabilities[value] = probability.get<double>();
  }
  for (const auto& [value, count] : counts) {
    QVERIFY2(probabilities.contains(value), qPrintable("drew " + QString::fromStdString(value)));
  }
  const int degrees = static_cast<int>(probabilities.size()) - 1;
  if (degrees == 0) {
    return;
  }
  const double statistic = chiSquare(counts, probabilities, kDraws);
  QVERIFY2(statistic < chiSquareCritical(degrees),
           qPrintable(QString("chi-square %1 with %2 degrees").arg(statistic).arg(degrees)));
}

void TestDistributions::assetChoiceWithoutMatchesDrawsNone() {
  const auto distribution = parse({{"type", "assetChoice"}, {"kind", "headwear"}});
  QVERIFY(distribution);
  const sf::MemoryAssetCatalog catalog(std::vector<sf::AssetInfo>{{"hair/a", "hair", {}, "", {}}});
  for (const sf::Value& value : draws(*distribution, 10, &catalog)) {
    QVERIFY(std::holds_alternative<std::monostate>(value));
  }
  std::vector<std::string> warnings;
  distribution->checkAssets(catalog, warnings);
  QCOMPARE(warnings.size(), std::size_t{1});
  QCOMPARE(QString::fromStdString(warnings[0]),
           QStringLiteral("no headwear asset in the library: every draw is none"));
}

void TestDistributions::linkedDrawsCorrelateAsAsked() {
  TestScope scope;
  scope.distributions["hair.melanin"] = parse({{"type", "uniform"}, {"min", 0}, {"max", 1}});
  const auto exact = parse({{"type", "linked"}, {"source", "hair.melanin"}});
  const auto loose = parse({{"type", "linked"},
                            {"source", "hair.melanin"},
                            {"correlation", 0.6},
                            {"distribution", {{"type", "normal"}, {"mean", 0}, {"sigma", 1}}}});
  QVERIFY(exact && loose);
  double sumXY = 0.0, sumXX = 0.0, sumYY = 0.0;
  std::vector<double> looseValues;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    scope.index = i;
    const double source = std::get<double>(scope.valueOf("hair.melanin"));
    QCOMPARE(std::get<double>(exact->sample(scope.contextFor("brows.melanin"))), source);
    const double x = sf::normalQuantile(source);
    const double y = std::get<double>(loose->sample(scope.contextFor("brows.melanin")));
    looseValues.push_back(y);
    sumXY += x * y;
    sumXX += x * x;
    sumYY += y * y;
  }
  const double correlation = sumXY / std::sqrt(sumXX * sumYY);
  QVERIFY2(std::abs(correlation - 0.6) < 0.02, qPrintable(QString::number(correlation)));
  // Its own distribution still holds: standard normal.
  QVERIFY(ksStatistic(looseValues, referenceNormalCdf) < kKsCritical);
}

void TestDistributions::conditionalRulesChooseTheDistribution() {
  TestScope scope;
  scope.distributions["headwear.present"] = parse({{"type", "bernoulli"}, {"p", 0.5}});
  const auto rule = parse(
      {{"type", "conditional"},
       {"rules", {{{"when", {{"path", "headwear.present"}, {"value", true}}}, {"then", "fits"}}}},
       {"otherwise", {{"type", "categorical"}, {"values", {"long", "short"}}}}});
  QVERIFY(rule);
  std::vector<std::string> dependencies;
  rule->collectDependencies(dependencies);
  QCOMPARE(dependencies, std::vector<std::string>{"headwear.present"});
  int withHeadwear = 0;
  for (std::uint64_t i = 0; i < 2000; ++i) {
    scope.index = i;
    const bool headwear = std::get<bool>(scope.valueOf("headwear.present"));
    const std::string hair = sf::valueToString(rule->sample(scope.contextFor("hair.groom")));
    QCOMPARE(hair == "fits", headwear);
    withHeadwear += headwear ? 1 : 0;
  }
  QVERIFY(withHeadwear > 900 && withHeadwear < 1100);
  // Numeric comparisons.
  scope.distributions["camera.yaw"] = parse({{"type", "uniform"}, {"min", -90}, {"max", 90}});
  const auto side =
      parse({{"type", "conditional"},
             {"rules",
              {{{"when", {{"path", "camera.yaw"}, {"op", ">="}, {"value", 0}}}, {"then", "left"}}}},
             {"otherwise", "right"}});
  for (std::uint64_t i = 0; i < 200; ++i) {
    scope.index = i;
    const double yaw = std::get<double>(scope.valueOf("camera.yaw"));
    QCOMPARE(sf::valueToString(side->sample(scope.contextFor("x"))),
             std::string(yaw >= 0 ? "left" : "right"));
  }
}

void TestDistributions::bareValuesAreConstants() {
  for (const json& bare : {json(35), json(2.5), json("skin_03"), json(true)}) {
    const auto distribution = parse(bare);
    QVERIFY(distribution);
    QCOMPARE(distribution->typeName(), std::string("constant"));
    QVERIFY(sf::valueToJson(draws(*distribution, 1)[0]) == bare);
  }
}

void TestDistributions::badParametersAreReported_data() {
  QTest::addColumn<QString>("spec");
  QTest::addColumn<QString>("expected");
  QTest::newRow("negative sigma") << R"({"type": "normal", "mean": 0, "sigma": -3})"
                                  << "/sigma: must be > 0 (got -3)";
  QTest::newRow("zero sigma") << R"({"type": "logNormal", "mu": 0, "sigma": 0})"
                              << "/sigma: must be > 0 (got 0)";
  QTest::newRow("min above max") << R"({"type": "uniform", "min": 5, "max": 1})"
                                 << "/max: must be greater than min (5) (got 1)";
  QTest::newRow("huge number") << R"({"type": "normal", "mean": 1e300, "sigma": 1})"
                               << "/mean: must be at most 1e12 in magnitude (got 1e+300)";
  QTest::newRow("nan") << "NaN"
                       << "/mean: must be a finite number (got nan)";
  QTest::newRow("infinity") << "Infinity"
                            << "/mean: must be a finite number (got inf)";
  QTest::newRow("probability above 1") << R"({"type": "bernoulli", "p": 1.5})"
                                       << "/p: must be <= 1 (got 1.5)";
  QTest::newRow("empty categories") << R"({"type": "categorical", "values": []})"
                                    << "/values: must not be empty (got [])";
  QTest::newRow("zero weights") << R"({"type": "categorical", "values": [1, 2], "weights": [0, 0]})"
                                << "/weights: must not all be zero (got a sum of 0)";
  QTest::newRow("negative weight")
      << R"({"type": "categorical", "values": [1, 2], "weights": [1, -1]})"
      << "/weights/1: must be >= 0 (got -1)";
  QTest::newRow("weights miscounted")
      << R"({"type": "categorical", "values": [1, 2], "weights": [1]})"
      << "/weights: must have one weight per value: 2 values (got 1 weights)";
  QTest::newRow("mixed kinds") << R"({"type": "categorical", "values": [1, "a"]})"
                               << "/values/1: must be a integer like the first value (got \"a\")";
  QTest::newRow("unknown type") << R"({"type": "normall", "mean": 0, "sigma": 1})"
                                << "/type: unknown distribution type (got \"normall\"); did you "
                                   "mean \"normal\"?";
  QTest::newRow("unknown key") << R"({"type": "normal", "mean": 0, "sigam": 1})"
                               << "/sigam: unknown key in a normal distribution (got \"sigam\"); "
                                  "did you mean \"sigma\"?";
  QTest::newRow("missing key") << R"({"type": "normal", "mean": 0})"
                               << "missing required key \"sigma\" of a normal distribution";
  QTest::newRow("missing type") << R"({"mean": 0, "sigma": 1})"
                                << "missing \"type\": one of constant, uniform, normal";
  QTest::newRow("wrong type") << R"({"type": "normal", "mean": "zero", "sigma": 1})"
                              << "/mean: must be a number (got \"zero\")";
  QTest::newRow("null") << "null"
                        << "expected a number, string, boolean or distribution "
                           "object (got null)";
  QTest::newRow("mixture weights zero")
      << R"({"type": "mixture", "components": [{"weight": 0, "distribution": 1}]})"
      << "/components: weights must not all be zero (got a sum of 0)";
  QTest::newRow("mixture of kinds")
      << R"({"type": "mixture", "components": [{"weight": 1, "distribution": 1},
            {"weight": 1, "distribution": "a"}]})"
      << "/components/1/distribution: must give a integer like components/0/distribution (got "
         "a string)";
  QTest::newRow("nested error")
      << R"({"type": "mixture", "components": [{"weight": 1, "distribution":
            {"type": "normal", "mean": 0, "sigma": -1}}]})"
      << "/components/0/distribution/sigma: must be > 0 (got -1)";
  QTest::newRow("too deep")
      << QString(R"({"type": "mixture", "components": [{"weight": 1, "distribution": )")
                 .repeated(20) +
             "1" + QString("}]}").repeated(20)
      << "distributions nested more than 16 deep";
  QTest::newRow("bad op") << R"({"type": "conditional", "rules": [{"when": {"path": "a",
            "op": "eq", "value": 1}, "then": 1}], "otherwise": 2})"
                          << "/rules/0/when/op: must be one of ==, !=, <, <=, >, >= (got \"eq\")";
  QTest::newRow("correlation out of range")
      << R"({"type": "linked", "source": "a", "correlation": 2})"
      << "/correlation: must be <= 1 (got 2)";
  QTest::newRow("beta shape") << R"({"type": "beta", "alpha": 0, "beta": 1})"
                              << "/alpha: must be > 0 (got 0)";
}

void TestDistributions::badParametersAreReported() {
  QFETCH(QString, spec);
  QFETCH(QString, expected);
  json parsed;
  if (spec == "NaN" || spec == "Infinity") {
    parsed = {{"type", "normal"},
              {"mean", spec == "NaN" ? std::nan("") : std::numeric_limits<double>::infinity()},
              {"sigma", 1}};
  } else {
    parsed = json::parse(spec.toStdString());
  }
  sf::Diagnostics diagnostics;
  QVERIFY(!sf::DistributionRegistry::instance().parse(parsed, "", diagnostics));
  const QString all = QString::fromStdString(sf::formatDiagnostics(diagnostics.all(), "spec"));
  // Messages with a pointer are checked with the file in front; the rest anywhere.
  QVERIFY2(all.contains(expected.startsWith('/') ? "spec: " + expected : expected),
           qPrintable(all));
}

void TestDistributions::registryDescribesEveryType() {
  const auto& registry = sf::DistributionRegistry::builtin();
  const std::vector<std::string> expected = {
      "constant",    "uniform",   "normal",      "truncatedNormal", "logNormal", "beta",
      "categorical", "bernoulli", "assetChoice", "mixture",         "linked",    "conditional"};
  QCOMPARE(registry.names(), expected);
  for (const sf::DistributionType& type : registry.types()) {
    QVERIFY2(!type.summary.empty(), type.name.c_str());
    for (const sf::ParameterSpec& spec : type.parameters) {
      QVERIFY2(!spec.help.empty(), (type.name + "." + spec.name).c_str());
      QVERIFY(!(spec.required && !spec.defaultValue.is_null()));
    }
  }
}

void TestDistributions::pluginsCanAddTypes() {
  // A triangular distribution, as a plugin would add it.
  sf::ParameterSpec mode;
  mode.name = "mode";
  mode.required = true;
  mode.help = "the peak, in [0, 1]";
  mode.min = 0.0;
  mode.max = 1.0;
  class Triangular : public sf::Distribution {
  public:
    explicit Triangular(double mode) : m_mode(mode) {}
    std::string typeName() const override { return "triangular"; }
    sf::ValueKind kind() const override { return sf::ValueKind::Number; }
    sf::Value fromUniform(double u, const sf::DrawContext&) const override {
      return u < m_mode ? std::sqrt(u * m_mode) : 1.0 - std::sqrt((1.0 - u) * (1.0 - m_mode));
    }

  private:
    double m_mode;
  };
  auto& registry = sf::DistributionRegistry::instance();
  if (!registry.find("triangular")) {
    registry.add({"triangular",
                  "a triangle on [0, 1]",
                  {mode},
                  [](const sf::DistributionArgs& args) -> std::shared_ptr<const sf::Distribution> {
                    return std::make_shared<Triangular>(args.number("mode"));
                  }});
  }
  QVERIFY_THROWS_EXCEPTION(sf::Error,
                           registry.add({"triangular", "again", {}, [](const auto&) {
                                           return std::shared_ptr<const sf::Distribution>();
                                         }}));
  const auto distribution = parse({{"type", "triangular"}, {"mode", 0.5}});
  QVERIFY(distribution);
  const double statistic = ksStatistic(
      [&] {
        std::vector<double> values;
        for (const sf::Value& value : draws(*distribution, kDraws)) {
          values.push_back(std::get<double>(value));
        }
        return values;
      }(),
      [](double x) { return x < 0.5 ? 2.0 * x * x : 1.0 - 2.0 * (1.0 - x) * (1.0 - x); });
  QVERIFY(statistic < kKsCritical);
  sf::Diagnostics diagnostics;
  QVERIFY(!registry.parse(json{{"type", "triangular"}, {"mode", 2}}, "/x", diagnostics));
  QCOMPARE(QString::fromStdString(diagnostics.all().at(0).format("r.json")),
           QStringLiteral("r.json: /x/mode: must be <= 1 (got 2)"));
  // The built-in registry, for the shipped schema, does not see it.
  QVERIFY(!sf::DistributionRegistry::builtin().find("triangular"));
}

QTEST_APPLESS_MAIN(TestDistributions)
#include "test_distributions.moc"
