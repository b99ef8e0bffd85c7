#pragma once

// What the recipe commands (validate, sample, stats, recipe) share: reading a recipe with
// its --set overrides and reporting its problems the same way.

#include "scene/scene_validation.h"
#include "util/args.h"

#include <optional>
#include <string>

namespace sf::cli {

/// Declares RECIPE and --set on a command's parser.
void addRecipeArguments(ArgParser& parser);

/// A recipe that passed validation, with its model's names and its library.
struct CheckedRecipe {
  std::string file;
  Recipe recipe;
  SceneContext context;
};

/// Validates RECIPE with the --set overrides; prints every diagnostic to stderr (warnings
/// too) as "FILE: /json/pointer: message". Returns nothing when there were errors.
std::optional<CheckedRecipe> checkRecipe(const ParsedArgs& args);

/// A whole-number option within [low, high]; `fallback` when it was not given. Throws
/// sf::Error naming the option otherwise.
std::uint64_t countOption(const ParsedArgs& args, const std::string& name, std::uint64_t fallback,
                          std::uint64_t low, std::uint64_t high);

}  // namespace sf::cli
