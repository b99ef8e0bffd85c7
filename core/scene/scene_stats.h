#pragma once

#include "scene/scene_compiler.h"

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sf {

/// How one parameter came out over many samples.
struct ParameterSummary {
  std::string
      path;  ///< "camera.yaw"; face columns are "identity[nose_width]", "expression[jawOpen]"
  std::size_t count = 0;
  bool numeric = false;

  // Numbers and integers.
  double mean = 0.0;
  double sd = 0.0;  ///< sample standard deviation
  double min = 0.0;
  double max = 0.0;
  std::array<double, 5> quantiles{};  ///< 5%, 25%, 50%, 75%, 95%
  std::vector<double> sorted;         ///< every value, ascending (for histograms)

  // Strings, booleans and none: each value with how often it came, most frequent first.
  std::vector<std::pair<std::string, std::size_t>> categories;

  /// True when every sample had the same value.
  bool isConstant() const;
};

/// Compiles samples [first, first + count) in parallel and summarises every parameter, in
/// the parameter table's order; with `includeFace`, every identity coefficient and
/// expression weight as well. The result does not depend on the thread count.
std::vector<ParameterSummary> summarizeScenes(const SceneCompiler& compiler, std::uint64_t first,
                                              std::uint64_t count, bool includeFace);

/// One line per parameter: mean, sd, min, quantiles and max for numbers; the share of each
/// value for the rest; "constant X" when nothing varies.
std::string formatSummaries(const std::vector<ParameterSummary>& summaries);

}  // namespace sf
