#pragma once

#include "util/diagnostic.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sf {

/// One step of the upgrade path: rewrites a recipe document of schemaVersion `from` into
/// schemaVersion from + 1, reporting what it cannot carry over.
struct RecipeUpgradeStep {
  int from = 0;
  std::string summary;  ///< what changed, for `synthface recipe upgrade`
  void (*apply)(nlohmann::json& document, Diagnostics& diagnostics) = nullptr;
};

/// Every step, oldest first. To change the schema: bump Recipe::kSchemaVersion and add the
/// step from the previous version here, with a test that an old file still reads.
///
///   1 -> 2: camera.fovDegrees was renamed camera.fov (the unit is in the parameter table
///           now, not in the name).
const std::vector<RecipeUpgradeStep>& recipeUpgradeSteps();

/// Brings a document's "schemaVersion" up to Recipe::kSchemaVersion by applying the steps
/// in order. Returns the version it started from, or 0 when it could not read one (then
/// `diagnostics` says why: missing, not a whole number, newer than this build).
int upgradeRecipeDocument(nlohmann::json& document, Diagnostics& diagnostics);

}  // namespace sf
