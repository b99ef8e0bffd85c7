#include "recipe/recipe_upgrade.h"

#include "recipe/recipe.h"
#include "util/json_util.h"

namespace sf {

namespace {

/// 1 -> 2: camera.fovDegrees became camera.fov.
void renameFieldOfView(nlohmann::json& document, Diagnostics& diagnostics) {
  if (!document.contains("camera") || !document["camera"].is_object()) {
    return;
  }
  nlohmann::json& camera = document["camera"];
  if (!camera.contains("fovDegrees")) {
    return;
  }
  if (camera.contains("fov")) {
    diagnostics.error("/camera/fov",
                      "schemaVersion 1 calls this camera.fovDegrees, and both are given; keep "
                      "one (got fovDegrees " +
                          describeJson(camera["fovDegrees"]) + " and fov " +
                          describeJson(camera["fov"]) + ")");
    return;
  }
  camera["fov"] = std::move(camera["fovDegrees"]);
  camera.erase("fovDegrees");
}

}  // namespace

const std::vector<RecipeUpgradeStep>& recipeUpgradeSteps() {
  static const std::vector<RecipeUpgradeStep> steps = {
      {1, "camera.fovDegrees is now camera.fov", renameFieldOfView},
  };
  return steps;
}

int upgradeRecipeDocument(nlohmann::json& document, Diagnostics& diagnostics) {
  const std::string current = std::to_string(Recipe::kSchemaVersion);
  if (!document.contains("schemaVersion")) {
    diagnostics.error("", "missing \"schemaVersion\" (the current one is " + current + ")");
    return 0;
  }
  const nlohmann::json& versionJson = document["schemaVersion"];
  if (!versionJson.is_number_integer()) {
    diagnostics.error("/schemaVersion", "must be a whole number from 1 to " + current + " (got " +
                                            describeJson(versionJson) + ")");
    return 0;
  }
  const bool huge = versionJson.is_number_unsigned() &&
                    versionJson.get<std::uint64_t>() > std::uint64_t(Recipe::kSchemaVersion);
  const std::int64_t version = huge ? Recipe::kSchemaVersion + 1 : versionJson.get<std::int64_t>();
  if (version > Recipe::kSchemaVersion) {
    diagnostics.error("/schemaVersion", "written by a newer SynthFace: this one reads up to " +
                                            current + " (got " + describeJson(versionJson) + ")");
    return 0;
  }
  if (version < 1) {
    diagnostics.error("/schemaVersion", "must be a whole number from 1 to " + current + " (got " +
                                            describeJson(versionJson) + ")");
    return 0;
  }
  for (const RecipeUpgradeStep& step : recipeUpgradeSteps()) {
    if (step.from >= version) {
      step.apply(document, diagnostics);
    }
  }
  document["schemaVersion"] = Recipe::kSchemaVersion;
  return static_cast<int>(version);
}

}  // namespace sf
