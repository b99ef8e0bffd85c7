#pragma once

#include "random/distribution.h"
#include "recipe/parameter_paths.h"
#include "recipe/recipe.h"
#include "scene/resolved_scene.h"
#include "scene/scene_context.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace sf {

/// Turns (recipe, sample index) into a ResolvedScene: the one place where sampling
/// happens. Create it once per recipe, then compile any sample, from any thread, in any
/// order; every value is a pure function of (seed, index, parameter path), see
/// random/draw_context.h.
///
/// What a scene holds:
///   - every parameter of the table that is not per-mode or per-blendshape, by path;
///   - identity: coefficient of mode m = identity.distinctiveness * identity.scale.<m> *
///     identity.scale.<group of m> * identity.modes.<m>, all drawn per identity;
///   - expression: all zero when expression.neutral; otherwise the chosen
///     expression.preset's entries (expression.presets.<preset>.<shape>) plus
///     expression.shapes.<shape>, clamped to [0, 1]. A preset is built in, the recipe's,
///     or a library expression named by its asset id, whose weights are the entries'
///     defaults and whose gaze is added to gaze.yaw and gaze.pitch;
///   - split: "test" when the identity is in a held-out range; training samples never
///     choose a held-out asset.
class SceneCompiler {
public:
  /// Builds every parameter's distribution. Throws sf::Error when the recipe does not
  /// parse (check it with parseRecipe() first).
  static SceneCompiler create(const Recipe& recipe, SceneContext context);

  /// The scene of sample `index` (< 2^58; throws sf::Error beyond).
  ResolvedScene compile(std::uint64_t index) const;

  /// The value parameter `path` takes in sample `index` (what compile() records for it, or
  /// uses for an identity mode or blendshape path): the distribution editors' histograms
  /// draw one path this way without compiling whole scenes. Throws sf::Error for a path
  /// the recipe's table and model do not have.
  Value drawValue(std::uint64_t index, const std::string& path) const;
  /// Every parameter path whose values may change when the distribution of `path`
  /// changes: those that name it in a linked draw or a condition, transitively.
  std::set<std::string> dependentsOf(const std::string& path) const;

  const Recipe& recipe() const { return m_recipe; }
  const SceneContext& context() const { return m_context; }

private:
  friend class SceneSampler;
  struct Entry {
    std::shared_ptr<const Distribution> distribution;
    const ParameterInfo* info = nullptr;
  };

  SceneCompiler() = default;
  /// Adds `path` and what its distribution reads. `fallback`: the distribution (recipe
  /// JSON) when the recipe does not set the path, instead of the table's default.
  void addEntry(const std::string& path, const nlohmann::json* fallback = nullptr);

  Recipe m_recipe;
  SceneContext m_context;
  std::map<std::string, Entry> m_entries;
  std::vector<std::string> m_scalarPaths;
  /// For each preset, the blendshapes it sets (that the model has).
  std::map<std::string, std::vector<std::string>> m_presetShapes;
  /// For each named person of identity.people, the modes it gives (that the model has).
  std::map<std::string, std::vector<std::string>> m_people;
  std::set<std::string> m_heldOutAssets;
};

/// SceneCompiler::create(recipe, context).compile(index).
ResolvedScene compileScene(const Recipe& recipe, std::uint64_t index, const SceneContext& context);

/// compileScene() with the context of the recipe's own model and library (loaded once and
/// kept for later calls). Throws sf::Error when they cannot be loaded.
ResolvedScene compileScene(const Recipe& recipe, std::uint64_t index);

}  // namespace sf
