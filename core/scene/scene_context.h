#pragma once

#include "assets/expression_asset.h"
#include "face/face_model.h"
#include "random/asset_catalog.h"
#include "recipe/recipe.h"
#include "util/diagnostic.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sf {

/// What compiling a scene needs besides the recipe: the names the face model defines and
/// the assets of the library.
struct SceneContext {
  std::vector<std::string> identityModes;      ///< identity mode names, in the model's order
  std::vector<std::string> identityGroups;     ///< the group of each mode ("nose", "jaw", ...)
  std::vector<std::string> expressions;        ///< blendshape names, in the model's order
  std::shared_ptr<const AssetCatalog> assets;  ///< never null: empty when there is no library
  /// The library's expressions (assets of kind "expression"), by asset id: presets that a
  /// recipe's expression.preset names by id.
  std::map<std::string, ExpressionAsset> libraryExpressions;

  /// The names of a model's identity modes and expressions, and `assets` (empty if null).
  static SceneContext fromModel(const FaceModel& model,
                                std::shared_ptr<const AssetCatalog> assets = nullptr);
};

/// Loads the recipe's model and asset library (relative paths from `baseDir`, the recipe's
/// folder). The built-in assets are always there; a recipe's library adds its own after
/// them; its expressions are read into libraryExpressions. A model, library or expression
/// file that cannot be read becomes an error at /model or /library; what could be read is
/// returned.
SceneContext loadSceneContext(const Recipe& recipe, const std::filesystem::path& baseDir,
                              Diagnostics& diagnostics);

/// loadSceneContext(), throwing sf::Error for a model or library that cannot be read.
SceneContext loadSceneContext(const Recipe& recipe, const std::filesystem::path& baseDir = {});

}  // namespace sf
