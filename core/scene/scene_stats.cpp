#include "scene/scene_stats.h"

#include "util/json_util.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace sf {

bool ParameterSummary::isConstant() const {
  return numeric ? min == max : categories.size() <= 1;
}

namespace {

/// The q-quantile of sorted values, interpolating linearly between neighbours.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) {
    return 0.0;
  }
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double t = position - static_cast<double>(below);
  return sorted[below] + t * (sorted[above] - sorted[below]);
}

ParameterSummary summarize(std::string path, const std::vector<Value>& values) {
  ParameterSummary summary;
  summary.path = std::move(path);
  summary.count = values.size();
  summary.numeric =
      !values.empty() && std::all_of(values.begin(), values.end(),
                                     [](const Value& value) { return isNumeric(value); });
  if (summary.numeric) {
    summary.sorted.reserve(values.size());
    double sum = 0.0;
    for (const Value& value : values) {
      summary.sorted.push_back(numericValue(value));
      sum += summary.sorted.back();
    }
    std::sort(summary.sorted.begin(), summary.sorted.end());
    summary.mean = sum / static_cast<double>(values.size());
    double squares = 0.0;
    for (const double value : summary.sorted) {
      squares += (value - summary.mean) * (value - summary.mean);
    }
    summary.sd =
        values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0.0;
    summary.min = summary.sorted.front();
    summary.max = summary.sorted.back();
    const double levels[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (std::size_t i = 0; i < summary.quantiles.size(); ++i) {
      summary.quantiles[i] = quantile(summary.sorted, levels[i]);
    }
    return summary;
  }
  std::map<std::string, std::size_t> counts;
  for (const Value& value : values) {
    ++counts[valueToString(value)];
  }
  summary.categories.assign(counts.begin(), counts.end());
  std::stable_sort(summary.categories.begin(), summary.categories.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return summary;
}

std::string shortNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4g", value);
  return buffer;
}

std::string padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::vector<ParameterSummary> summarizeScenes(const SceneCompiler& compiler, std::uint64_t first,
                                              std::uint64_t count, bool includeFace) {
  // The columns, from sample `first`: its keys are every sample's keys.
  const ResolvedScene probe = compiler.compile(first);
  std::vector<std::string> columns;
  for (const ParameterInfo& info : parameterTable()) {
    if (probe.parameters.contains(info.path)) {
      columns.push_back(info.path);
    }
  }
  const std::size_t scalarColumns = columns.size();
  if (includeFace) {
    for (const std::string& mode : compiler.context().identityModes) {
      columns.push_back("identity[" + mode + "]");
    }
    for (const std::string& shape : compiler.context().expressions) {
      columns.push_back("expression[" + shape + "]");
    }
  }
  std::vector<std::vector<Value>> values(columns.size(), std::vector<Value>(count));
  tbb::parallel_for(std::uint64_t{0}, count, [&](std::uint64_t i) {
    const ResolvedScene scene = compiler.compile(first + i);
    for (std::size_t c = 0; c < scalarColumns; ++c) {
      values[c][i] = scene.parameters.at(columns[c]);
    }
    std::size_t c = scalarColumns;
    if (includeFace) {
      for (const std::string& mode : compiler.context().identityModes) {
        values[c++][i] = scene.identity.at(mode);
      }
      for (const std::string& shape : compiler.context().expressions) {
        values[c++][i] = scene.expression.at(shape);
      }
    }
  });
  std::vector<ParameterSummary> summaries;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    summaries.push_back(summarize(columns[c], values[c]));
  }
  return summaries;
}

std::string formatSummaries(const std::vector<ParameterSummary>& summaries) {
  std::size_t width = 10;
  for (const ParameterSummary& summary : summaries) {
    width = std::max(width, summary.path.size() + 2);
  }
  std::string text;
  for (const ParameterSummary& summary : summaries) {
    text += padded(summary.path, width);
    if (summary.isConstant()) {
      text += "constant " + (summary.numeric
                                 ? shortNumber(summary.min)
                                 : (summary.categories.empty() ? "" : summary.categories[0].first));
    } else if (summary.numeric) {
      text += "mean " + padded(shortNumber(summary.mean), 10) + "sd " +
              padded(shortNumber(summary.sd), 10) + "min " + padded(shortNumber(summary.min), 10);
      const char* names[] = {"5% ", "25% ", "50% ", "75% ", "95% "};
      for (std::size_t i = 0; i < summary.quantiles.size(); ++i) {
        text += names[i] + padded(shortNumber(summary.quantiles[i]), 10);
      }
      text += "max " + shortNumber(summary.max);
    } else {
      for (std::size_t i = 0; i < summary.categories.size(); ++i) {
        if (i == 10) {
          text += "(" + std::to_string(summary.categories.size() - 10) + " more)";
          break;
        }
        char share[32];
        std::snprintf(share, sizeof(share), " %.1f%%  ",
                      100.0 * static_cast<double>(summary.categories[i].second) /
                          static_cast<double>(summary.count));
        text += summary.categories[i].first + share;
      }
    }
    while (!text.empty() && text.back() == ' ') {
      text.pop_back();
    }
    text += "\n";
  }
  return text;
}

}  // namespace sf
