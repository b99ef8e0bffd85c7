#pragma once

#include "random/distribution.h"
#include "recipe/recipe.h"
#include "util/diagnostic.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sf {

/// What reading a recipe found: the recipe, and every problem at once.
struct RecipeParse {
  Recipe recipe;  ///< what parsed; the bad parts are left at their defaults
  std::vector<Diagnostic> diagnostics;
  int upgradedFrom = 0;   ///< the document's schemaVersion when it was older; else 0
  bool readJson = false;  ///< the text was a JSON object: `recipe` holds what parsed

  /// True when there are no errors (warnings are fine): `recipe` is what the file says.
  bool ok() const;
};

/// Parses recipe JSON text, then applies `overrides`, each "PATH=VALUE" as on the command
/// line (`--set camera.fov=35`): VALUE is JSON (a number is a constant, an object a
/// distribution) or else taken as a string; a PATH inside a distribution
/// ("camera.yaw.sigma=20") changes one key of it, starting from the default.
///
/// Never throws for bad input. Every problem becomes a diagnostic: syntax errors with line
/// and column, everything else with a JSON pointer, such as
///   /camera/yaw/sigma: must be > 0 (got -3)
///   /camera/yw: unknown key in camera (got "yw"); did you mean "yaw"?
/// Older schema versions are upgraded first (recipe_upgrade.h).
RecipeParse parseRecipe(std::string_view text, const std::vector<std::string>& overrides = {});

/// parseRecipe() for a document already in memory.
RecipeParse parseRecipeJson(nlohmann::json document,
                            const std::vector<std::string>& overrides = {});

/// parseRecipe() for a file; a file that cannot be read is a diagnostic too.
RecipeParse readRecipe(const std::filesystem::path& path,
                       const std::vector<std::string>& overrides = {});

/// Reads a recipe file; throws sf::Error naming the file and listing every error.
Recipe loadRecipe(const std::filesystem::path& path,
                  const std::vector<std::string>& overrides = {});

/// The recipe as JSON text: two-space indents, keys sorted, a final newline.
std::string recipeToText(const Recipe& recipe);

/// Writes recipeToText() atomically; throws sf::Error naming the file on failure.
void saveRecipe(const Recipe& recipe, const std::filesystem::path& path);

/// Parses JSON text strictly: syntax errors and numbers out of range (1e999) with line and
/// column, duplicate keys, and nesting deeper than 64 levels are diagnostics; returns
/// nothing then.
std::optional<nlohmann::json> parseJsonText(std::string_view text, Diagnostics& diagnostics);

/// The distribution a valid recipe gives `path`: its own, else the default. Throws
/// sf::Error when the path is unknown or its distribution does not parse.
std::shared_ptr<const Distribution> parameterDistribution(const Recipe& recipe,
                                                          const std::string& path);

}  // namespace sf
