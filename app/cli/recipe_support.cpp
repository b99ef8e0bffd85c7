#include "recipe_support.h"

#include "util/error.h"

#include <charconv>
#include <iostream>

namespace sf::cli {

void addRecipeArguments(ArgParser& parser) {
  parser
      .option("--set", "PATH=VALUE",
              "override a parameter: a number, JSON text such as '{\"type\": \"uniform\", "
              "\"min\": 20, \"max\": 40}', or a string (repeatable)",
              true)
      .positional("RECIPE", "the recipe file (.json)");
}

std::optional<CheckedRecipe> checkRecipe(const ParsedArgs& args) {
  const std::string file = args.value("RECIPE");
  RecipeValidation validation = validateRecipeFile(file, args.values("--set"));
  std::cerr << formatDiagnostics(validation.parse.diagnostics, file);
  if (!validation.ok()) {
    return std::nullopt;
  }
  return CheckedRecipe{file, std::move(validation.parse.recipe), std::move(validation.context)};
}

std::uint64_t countOption(const ParsedArgs& args, const std::string& name, std::uint64_t fallback,
                          std::uint64_t low, std::uint64_t high) {
  if (!args.has(name)) {
    return fallback;
  }
  const std::string text = args.value(name);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    throw Error(name + ": expected a whole number from " + std::to_string(low) + " to " +
                std::to_string(high) + ", got '" + text + "'");
  }
  return value;
}

}  // namespace sf::cli
