#include "scene/scene_context.h"

#include "assets/builtin_catalog.h"
#include "face/model_store.h"
#include "random/memory_asset_catalog.h"
#include "scene/scene_compiler.h"
#include "scene/scene_validation.h"
#include "util/error.h"
#include "util/json_util.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace sf {

SceneContext SceneContext::fromModel(const FaceModel& model,
                                     std::shared_ptr<const AssetCatalog> assets) {
  SceneContext context;
  for (const MorphTarget& mode : model.identity) {
    context.identityModes.push_back(mode.name);
    context.identityGroups.push_back(mode.group);
  }
  for (const MorphTarget& expression : model.expressions) {
    context.expressions.push_back(expression.name);
  }
  context.assets = assets ? std::move(assets) : std::make_shared<MemoryAssetCatalog>();
  return context;
}

namespace {

std::filesystem::path resolve(const std::string& path, const std::filesystem::path& baseDir) {
  const std::filesystem::path given(path);
  return given.is_absolute() || baseDir.empty() ? given : baseDir / given;
}

}  // namespace

SceneContext loadSceneContext(const Recipe& recipe, const std::filesystem::path& baseDir,
                              Diagnostics& diagnostics) {
  std::shared_ptr<const AssetCatalog> assets;
  if (!recipe.library.empty()) {
    try {
      // The built-in library is always mounted; the recipe's library adds to it.
      const MemoryAssetCatalog library = MemoryAssetCatalog::load(resolve(recipe.library, baseDir));
      std::vector<AssetInfo> mounted(builtinAssetCatalog()->assets().begin(),
                                     builtinAssetCatalog()->assets().end());
      for (const AssetInfo& asset : library.assets()) {
        if (builtinAssetCatalog()->find(asset.id) != nullptr) {
          diagnostics.error("/library", resolve(recipe.library, baseDir).string() +
                                            ": asset id \"" + asset.id +
                                            "\" is taken by a built-in asset");
          continue;
        }
        mounted.push_back(asset);
      }
      assets = std::make_shared<MemoryAssetCatalog>(std::move(mounted));
    } catch (const Error& error) {
      diagnostics.error("/library", error.what());
    }
  } else {
    assets = builtinAssetCatalog();
  }
  SceneContext context;
  try {
    const std::string model =
        recipe.model == "default" ? recipe.model : resolve(recipe.model, baseDir).string();
    context = SceneContext::fromModel(loadFaceModel(model), assets);
  } catch (const Error& error) {
    diagnostics.error("/model", error.what());
    context = SceneContext::fromModel(FaceModel{}, assets);
  }
  // The library's expressions: each from its one expression file. (The built-in ones are
  // the recipe language's presets, which the compiler knows.)
  for (const AssetInfo& asset : context.assets->assets()) {
    if (asset.kind != "expression" || builtinAssetCatalog()->find(asset.id) != nullptr) {
      continue;
    }
    const auto file = std::find_if(asset.files.begin(), asset.files.end(),
                                   [](const std::string& f) { return isExpressionFile(f); });
    if (file == asset.files.end()) {
      diagnostics.error("/library", "expression " + inQuotes(asset.id) +
                                        " has no .json or .mhpose file of weights");
      continue;
    }
    try {
      context.libraryExpressions[asset.id] = readExpressionAsset(*file);
    } catch (const Error& error) {
      diagnostics.error("/library", error.what());
    }
  }
  return context;
}

SceneContext loadSceneContext(const Recipe& recipe, const std::filesystem::path& baseDir) {
  Diagnostics diagnostics;
  SceneContext context = loadSceneContext(recipe, baseDir, diagnostics);
  throwIfErrors(diagnostics.all(), recipe.name);
  return context;
}

// The conveniences that load a model: kept here, with the loading, so that the compiler
// and the validator stay free of model files (the fuzzer links them alone).

RecipeValidation validateRecipeFile(const std::filesystem::path& path,
                                    const std::vector<std::string>& overrides) {
  RecipeValidation validation;
  validation.parse = readRecipe(path, overrides);
  if (!validation.parse.readJson) {
    return validation;
  }
  Diagnostics diagnostics;
  validation.context = loadSceneContext(validation.parse.recipe, path.parent_path(), diagnostics);
  // Without the model every name would look unknown: check names only against a model.
  const bool haveModel = std::none_of(diagnostics.all().begin(), diagnostics.all().end(),
                                      [](const Diagnostic& d) { return d.pointer == "/model"; });
  if (haveModel) {
    diagnostics.append(checkRecipeForScene(validation.parse.recipe, validation.context));
  }
  for (const Diagnostic& diagnostic : diagnostics.all()) {
    validation.parse.diagnostics.push_back(diagnostic);
  }
  return validation;
}

ResolvedScene compileScene(const Recipe& recipe, std::uint64_t index) {
  // Contexts by (model, library): loading a model takes a while, and they never change
  // within a run.
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>, SceneContext> contexts;
  SceneContext context;
  {
    std::lock_guard lock(mutex);
    const auto key = std::make_pair(recipe.model, recipe.library);
    auto it = contexts.find(key);
    if (it == contexts.end()) {
      it = contexts.emplace(key, loadSceneContext(recipe)).first;
    }
    context = it->second;
  }
  return compileScene(recipe, index, context);
}

}  // namespace sf
