#include "command.h"
#include "recipe_support.h"

#include "scene/scene_compiler.h"
#include "util/json_util.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace sf::cli {

namespace {

std::string shortNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4g", value);
  return buffer;
}

/// "name value, name value, ..." for the largest |values|, at most `limit`.
std::string largest(const std::map<std::string, double>& values, std::size_t limit) {
  std::vector<std::pair<std::string, double>> sorted(values.begin(), values.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::abs(a.second) > std::abs(b.second);
  });
  std::string text;
  for (std::size_t i = 0; i < sorted.size() && i < limit && sorted[i].second != 0.0; ++i) {
    text += (text.empty() ? "" : ", ") + sorted[i].first + " " + shortNumber(sorted[i].second);
  }
  return text.empty() ? "none" : text;
}

}  // namespace

int runSample(std::span<const std::string> arguments) {
  ArgParser parser("synthface sample",
                   "Prints the fully resolved parameters of one sample of a recipe: every value\n"
                   "drawn, the identity coefficients and the expression weights. The values\n"
                   "depend only on (seed, index, parameter), so any sample comes out the same\n"
                   "alone, in any shard, on any machine.");
  parser.option("--index", "I", "the sample index (default 0)")
      .flag("--json", "print the resolved scene as JSON, as recorded with rendered samples");
  addRecipeArguments(parser);
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const std::uint64_t index = countOption(*parsed, "--index", 0, 0, DrawContext::kIndexLimit - 1);
  const std::optional<CheckedRecipe> checked = checkRecipe(*parsed);
  if (!checked) {
    return 1;
  }
  const ResolvedScene scene =
      SceneCompiler::create(checked->recipe, checked->context).compile(index);
  if (parsed->has("--json")) {
    std::cout << dumpJson(scene.toJson(), 2) << "\n";
    return 0;
  }
  std::cout << "sample " << scene.index << " of " << checked->file << ": seed " << scene.seed
            << ", identity " << scene.identityIndex << ", split " << scene.split << "\n";
  std::size_t width = 0;
  for (const auto& [path, value] : scene.parameters) {
    width = std::max(width, path.size());
  }
  for (const ParameterInfo& info : parameterTable()) {
    const auto it = scene.parameters.find(info.path);
    if (it == scene.parameters.end()) {
      continue;
    }
    const Value& value = it->second;
    const std::string text = std::holds_alternative<double>(value)
                                 ? shortNumber(std::get<double>(value))
                                 : valueToString(value);
    std::cout << "  " << info.path << std::string(width + 2 - info.path.size(), ' ') << text
              << (info.unit.empty() || !isNumeric(value) ? "" : " " + info.unit) << "\n";
  }
  std::cout << "  identity (largest of " << scene.identity.size()
            << " modes, in sd): " << largest(scene.identity, 6) << "\n";
  std::cout << "  expression: " << largest(scene.expression, 8) << "\n";
  return 0;
}

}  // namespace sf::cli
