#include "scene/scene_compiler.h"

#include "assets/builtin_catalog.h"
#include "random/distribution_registry.h"
#include "random/memory_asset_catalog.h"
#include "recipe/recipe_io.h"
#include "util/diagnostic.h"
#include "util/error.h"
#include "util/json_util.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace sf {

void SceneCompiler::addEntry(const std::string& path, const nlohmann::json* fallback) {
  if (m_entries.contains(path)) {
    return;
  }
  const ParameterInfo* info = findParameter(path);
  if (!info) {
    throw Error("unknown parameter path '" + path + "'");
  }
  Entry& entry = m_entries[path];
  entry.info = info;
  if (fallback != nullptr && !m_recipe.parameters.contains(path)) {
    Diagnostics diagnostics;
    entry.distribution = DistributionRegistry::instance().parse(
        *fallback, pointerOfPath(path), diagnostics, &parameterPathResolver());
    throwIfErrors(diagnostics.all(), m_recipe.name);
  } else {
    entry.distribution = parameterDistribution(m_recipe, path);
  }
  // What it reads must be there too.
  std::vector<std::string> dependencies;
  entry.distribution->collectDependencies(dependencies);
  for (const std::string& dependency : dependencies) {
    addEntry(dependency);
  }
}

SceneCompiler SceneCompiler::create(const Recipe& recipe, SceneContext context) {
  SceneCompiler compiler;
  compiler.m_recipe = recipe;
  compiler.m_context = std::move(context);
  if (!compiler.m_context.assets) {
    compiler.m_context.assets = std::make_shared<MemoryAssetCatalog>();
  }
  const SceneContext& names = compiler.m_context;
  for (const ParameterInfo& info : parameterTable()) {
    if (!info.isPattern()) {
      compiler.m_scalarPaths.push_back(info.path);
      compiler.addEntry(info.path);
    }
  }
  for (std::size_t i = 0; i < names.identityModes.size(); ++i) {
    compiler.addEntry("identity.modes." + names.identityModes[i]);
    compiler.addEntry("identity.scale." + names.identityModes[i]);
    if (i < names.identityGroups.size() && !names.identityGroups[i].empty()) {
      compiler.addEntry("identity.scale." + names.identityGroups[i]);
    }
  }
  for (const std::string& expression : names.expressions) {
    compiler.addEntry("expression.shapes." + expression);
  }
  // Presets: the built-in ones and the recipe's, each with the shapes it sets.
  std::map<std::string, std::set<std::string>> presets;
  for (const auto& [name, shapes] : builtinExpressionPresets()) {
    for (const auto& [shape, distribution] : shapes) {
      presets[name].insert(shape);
    }
    presets[name];
  }
  for (const auto& [path, distribution] : recipe.parameters) {
    const std::vector<std::string> parts = splitPath(path);
    if (parts.size() == 4 && parts[0] == "expression" && parts[1] == "presets") {
      presets[parts[2]].insert(parts[3]);
    }
  }
  // The library's expressions: presets named by asset id, each weight a constant unless the
  // recipe gives that entry a distribution of its own.
  std::map<std::string, nlohmann::json> libraryWeights;
  for (const auto& [id, expression] : names.libraryExpressions) {
    presets[id];
    for (const auto& [shape, weight] : expression.shapes) {
      presets[id].insert(shape);
      libraryWeights["expression.presets." + id + "." + shape] = weight;
    }
  }
  for (const auto& [name, shapes] : presets) {
    std::vector<std::string>& used = compiler.m_presetShapes[name];
    for (const std::string& shape : shapes) {
      const std::string path = "expression.presets." + name + "." + shape;
      const auto library = libraryWeights.find(path);
      compiler.addEntry(path, library != libraryWeights.end() ? &library->second : nullptr);
      if (std::find(names.expressions.begin(), names.expressions.end(), shape) !=
          names.expressions.end()) {
        used.push_back(shape);
      }
    }
  }
  // Named people: the modes each gives.
  for (const auto& [path, distribution] : recipe.parameters) {
    const std::vector<std::string> parts = splitPath(path);
    if (parts.size() == 4 && parts[0] == "identity" && parts[1] == "people") {
      compiler.addEntry(path);
      std::vector<std::string>& modes = compiler.m_people[parts[2]];
      if (std::find(names.identityModes.begin(), names.identityModes.end(), parts[3]) !=
          names.identityModes.end()) {
        modes.push_back(parts[3]);
      }
    }
  }
  compiler.m_heldOutAssets.insert(recipe.splits.testAssets.begin(), recipe.splits.testAssets.end());
  return compiler;
}

std::set<std::string> SceneCompiler::dependentsOf(const std::string& path) const {
  std::map<std::string, std::vector<std::string>> readers;
  for (const auto& [reader, entry] : m_entries) {
    std::vector<std::string> dependencies;
    entry.distribution->collectDependencies(dependencies);
    for (const std::string& dependency : dependencies) {
      readers[dependency].push_back(reader);
    }
  }
  std::set<std::string> found;
  std::vector<std::string> queue = {path};
  while (!queue.empty()) {
    const std::string next = queue.back();
    queue.pop_back();
    for (const std::string& reader : readers[next]) {
      if (found.insert(reader).second) {
        queue.push_back(reader);
      }
    }
  }
  found.erase(path);
  return found;
}

/// Evaluates one sample's parameters on demand, each once.
class SceneSampler : public SampleScope {
public:
  SceneSampler(const SceneCompiler& compiler, std::uint64_t index)
      : m_compiler(compiler),
        m_index(index),
        m_identity(compiler.m_recipe.identityOf(index)),
        m_test(compiler.m_recipe.isTestIdentity(m_identity)) {}

  std::uint64_t identity() const { return m_identity; }
  bool isTest() const { return m_test; }

  Value valueOf(const std::string& path) const override {
    if (const auto it = m_values.find(path); it != m_values.end()) {
      return it->second;
    }
    const SceneCompiler::Entry& entry = find(path);
    Guard guard(*this, path);
    const DrawContext context = contextFor(path, entry);
    const Distribution& distribution = *entry.distribution;
    Value value =
        finalize(distribution.fromUniform(distribution.uniform(context), context), *entry.info);
    m_values.emplace(path, value);
    return value;
  }

  double uniformOf(const std::string& path) const override {
    if (const auto it = m_uniforms.find(path); it != m_uniforms.end()) {
      return it->second;
    }
    const SceneCompiler::Entry& entry = find(path);
    Guard guard(*this, path);
    const double u = entry.distribution->uniform(contextFor(path, entry));
    m_uniforms.emplace(path, u);
    return u;
  }

  Value valueOfAt(const std::string& path, double u) const override {
    const SceneCompiler::Entry& entry = find(path);
    Guard guard(*this, path);
    return finalize(entry.distribution->fromUniform(u, contextFor(path, entry)), *entry.info);
  }

  double numberOf(const std::string& path) const { return numericValue(valueOf(path)); }

private:
  /// Marks a path as being evaluated, so that a cycle the validator missed is an error and
  /// not an endless recursion.
  class Guard {
  public:
    Guard(const SceneSampler& sampler, const std::string& path) : m_sampler(sampler) {
      if (std::find(sampler.m_active.begin(), sampler.m_active.end(), path) !=
          sampler.m_active.end()) {
        throw Error(pointerOfPath(path) + ": dependency cycle through " + path);
      }
      sampler.m_active.push_back(path);
    }
    ~Guard() { m_sampler.m_active.pop_back(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

  private:
    const SceneSampler& m_sampler;
  };

  const SceneCompiler::Entry& find(const std::string& path) const {
    const auto it = m_compiler.m_entries.find(path);
    if (it == m_compiler.m_entries.end()) {
      throw Error("unknown parameter path '" + path + "'");
    }
    return it->second;
  }

  DrawContext contextFor(const std::string& path, const SceneCompiler::Entry& entry) const {
    DrawContext context(m_compiler.m_recipe.seed, entry.info->perIdentity ? m_identity : m_index,
                        path);
    context.withScope(this).withAssets(m_compiler.m_context.assets.get(),
                                       m_test ? nullptr : &m_compiler.m_heldOutAssets);
    return context;
  }

  /// Clamps numbers to the parameter's range and rounds integers.
  static Value finalize(Value value, const ParameterInfo& info) {
    if (info.kind != ValueKind::Number && info.kind != ValueKind::Integer) {
      return value;
    }
    double number = numericValue(value);
    if (std::isnan(number)) {
      number = std::isfinite(info.min) ? info.min : 0.0;
    }
    number = std::clamp(number, info.min, info.max);
    if (info.kind == ValueKind::Number) {
      return number;
    }
    number = std::clamp(number, -9.0e18, 9.0e18);
    return static_cast<std::int64_t>(std::llround(number));
  }

  const SceneCompiler& m_compiler;
  std::uint64_t m_index;
  std::uint64_t m_identity;
  bool m_test;
  mutable std::unordered_map<std::string, Value> m_values;
  mutable std::unordered_map<std::string, double> m_uniforms;
  mutable std::vector<std::string> m_active;
};

ResolvedScene SceneCompiler::compile(std::uint64_t index) const {
  if (index >= DrawContext::kIndexLimit) {
    throw Error("sample index " + std::to_string(index) + " is too large (the limit is 2^58)");
  }
  const SceneSampler sampler(*this, index);
  ResolvedScene scene;
  scene.seed = m_recipe.seed;
  scene.index = index;
  scene.identityIndex = sampler.identity();
  scene.split = sampler.isTest() ? "test" : "train";
  for (const std::string& path : m_scalarPaths) {
    scene.parameters[path] = sampler.valueOf(path);
  }

  // Identity: a named person's, or every factor drawn per identity.
  const std::string person = valueToString(scene.parameters.at("identity.person"));
  const auto named = m_people.find(person);
  if (!person.empty() && named == m_people.end()) {
    throw Error("identity.person: no person named " + inQuotes(person) + " under identity.people" +
                (m_people.empty() ? std::string(" (the recipe names none)") : std::string()));
  }
  for (const std::string& mode : m_context.identityModes) {
    scene.identity[mode] = 0.0;
  }
  if (named != m_people.end()) {
    for (const std::string& mode : named->second) {
      scene.identity[mode] = sampler.numberOf("identity.people." + person + "." + mode);
    }
  }
  const double distinctiveness =
      person.empty() ? sampler.numberOf("identity.distinctiveness") : 0.0;
  for (std::size_t i = 0; person.empty() && i < m_context.identityModes.size(); ++i) {
    const std::string& mode = m_context.identityModes[i];
    double scale = sampler.numberOf("identity.scale." + mode);
    if (i < m_context.identityGroups.size() && !m_context.identityGroups[i].empty()) {
      scale *= sampler.numberOf("identity.scale." + m_context.identityGroups[i]);
    }
    scene.identity[mode] = distinctiveness * scale * sampler.numberOf("identity.modes." + mode);
  }

  // Expression: neutral, or the preset's weights plus the per-shape additions.
  for (const std::string& shape : m_context.expressions) {
    scene.expression[shape] = 0.0;
  }
  if (!std::get<bool>(scene.parameters.at("expression.neutral"))) {
    // A built-in preset may be named as the built-in asset it is ("builtin/expression/smile").
    std::string preset = valueToString(scene.parameters.at("expression.preset"));
    preset = builtinAssetName(preset, "expression");
    const auto shapes = m_presetShapes.find(preset);
    if (shapes != m_presetShapes.end()) {
      for (const std::string& shape : shapes->second) {
        scene.expression[shape] += sampler.numberOf("expression.presets." + preset + "." + shape);
      }
    }
    // A library expression may turn the eyes as well: on top of the sample's gaze.
    if (const auto library = m_context.libraryExpressions.find(preset);
        library != m_context.libraryExpressions.end()) {
      for (const auto& [path, offset] : {std::pair{"gaze.yaw", library->second.gazeYaw},
                                         std::pair{"gaze.pitch", library->second.gazePitch}}) {
        const ParameterInfo* info = findParameter(path);
        Value& gaze = scene.parameters.at(path);
        gaze = std::clamp(numericValue(gaze) + offset, info->min, info->max);
      }
    }
    for (const std::string& shape : m_context.expressions) {
      double& weight = scene.expression[shape];
      weight = std::clamp(weight + sampler.numberOf("expression.shapes." + shape), 0.0, 1.0);
    }
  }
  return scene;
}

Value SceneCompiler::drawValue(std::uint64_t index, const std::string& path) const {
  if (index >= DrawContext::kIndexLimit) {
    throw Error("sample index " + std::to_string(index) + " is too large (the limit is 2^58)");
  }
  return SceneSampler(*this, index).valueOf(path);
}

ResolvedScene compileScene(const Recipe& recipe, std::uint64_t index, const SceneContext& context) {
  return SceneCompiler::create(recipe, context).compile(index);
}

}  // namespace sf
