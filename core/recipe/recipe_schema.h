#pragma once

#include "random/distribution_registry.h"

#include <nlohmann/json.hpp>

namespace sf {

/// A JSON Schema (draft 2020-12) of recipes, generated from the parameter table and the
/// distribution types of `registry`, so that editors can validate and complete recipes.
/// resources/recipe.schema.json is this for the built-in types (`synthface recipe schema`
/// writes it; a test keeps the shipped file in step). It checks structure and types;
/// `synthface validate` checks everything else (ranges of distributions, model names...).
nlohmann::json recipeJsonSchema(
    const DistributionRegistry& registry = DistributionRegistry::builtin());

}  // namespace sf
