#pragma once

#include "recipe/recipe.h"
#include "recipe/recipe_io.h"
#include "scene/scene_context.h"
#include "util/diagnostic.h"

#include <filesystem>
#include <string>
#include <vector>

namespace sf {

/// What only the model and the asset library can tell about a recipe that parsed: names of
/// identity modes, identity groups and blendshapes in its paths (errors, with did-you-mean),
/// asset choices that match no asset, held-out assets the library lacks and held-out
/// identity ranges no sample reaches (warnings).
std::vector<Diagnostic> checkRecipeForScene(const Recipe& recipe, const SceneContext& context);

/// Everything there is to say about a recipe file, all at once.
struct RecipeValidation {
  RecipeParse parse;     ///< the recipe and every diagnostic: parsing, model, library, names
  SceneContext context;  ///< its model's names and its library (what could be loaded)

  bool ok() const { return parse.ok(); }
};

/// Reads a recipe file with --set overrides, loads its model and library (relative to
/// the recipe's folder) and checks the recipe against them: what `synthface validate`
/// reports. Never throws for bad input.
RecipeValidation validateRecipeFile(const std::filesystem::path& path,
                                    const std::vector<std::string>& overrides = {});

}  // namespace sf
