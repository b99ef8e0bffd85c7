#include "scene/scene_validation.h"

#include "random/distribution_registry.h"
#include "recipe/parameter_paths.h"
#include "recipe/recipe_io.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace sf {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// The problem with the model-defined name in `path`, or "" when there is none.
std::string nameProblem(const std::string& path, const SceneContext& context) {
  const std::vector<std::string> parts = splitPath(path);
  const auto unknown = [](const std::string& what, const std::string& name,
                          const std::vector<std::string>& known) {
    const std::string hint = closestMatch(name, known);
    return "the model has no " + what + " (got " + inQuotes(name) + ")" +
           (hint.empty() ? std::string() : "; did you mean " + inQuotes(hint) + "?");
  };
  if (parts.size() == 3 && parts[0] == "identity" && parts[1] == "modes" &&
      !contains(context.identityModes, parts[2])) {
    return unknown("identity mode", parts[2], context.identityModes);
  }
  if (parts.size() == 3 && parts[0] == "identity" && parts[1] == "scale" &&
      !contains(context.identityModes, parts[2]) && !contains(context.identityGroups, parts[2])) {
    std::vector<std::string> known = context.identityModes;
    known.insert(known.end(), context.identityGroups.begin(), context.identityGroups.end());
    return unknown("identity mode or group", parts[2], known);
  }
  if (parts.size() == 4 && parts[0] == "identity" && parts[1] == "people" &&
      !contains(context.identityModes, parts[3])) {
    return unknown("identity mode", parts[3], context.identityModes);
  }
  if (parts.size() == 3 && parts[0] == "expression" && parts[1] == "shapes" &&
      !contains(context.expressions, parts[2])) {
    return unknown("expression blendshape", parts[2], context.expressions);
  }
  if (parts.size() == 4 && parts[0] == "expression" && parts[1] == "presets" &&
      !contains(context.expressions, parts[3])) {
    // Built-in presets may name shapes a model lacks; they are skipped.
    const auto& builtin = builtinExpressionPresets();
    const auto preset = builtin.find(parts[2]);
    if (preset == builtin.end() || !preset->second.contains(parts[3])) {
      return unknown("expression blendshape", parts[3], context.expressions);
    }
  }
  return {};
}

/// The asset kind an asset parameter's default draws ("hair" for hair.groom), or "".
std::string assetKindOf(const nlohmann::json& json) {
  if (json.is_object()) {
    if (json.value("type", "") == "assetChoice" && json.contains("kind") &&
        json["kind"].is_string()) {
      return json["kind"].get<std::string>();
    }
    for (const auto& [key, value] : json.items()) {
      if (const std::string kind = assetKindOf(value); !kind.empty()) {
        return kind;
      }
    }
  } else if (json.is_array()) {
    for (const auto& value : json) {
      if (const std::string kind = assetKindOf(value); !kind.empty()) {
        return kind;
      }
    }
  }
  return {};
}

/// The strings a distribution can give, with the JSON pointer of each: a constant, a
/// categorical's values, and those of the distributions it contains (a rule's condition,
/// which reads another parameter, is not among them).
void collectStrings(const nlohmann::json& json, const std::string& pointer,
                    std::vector<std::pair<std::string, std::string>>& out) {
  if (json.is_string()) {
    out.emplace_back(json.get<std::string>(), pointer);
    return;
  }
  if (json.is_array()) {
    for (std::size_t i = 0; i < json.size(); ++i) {
      collectStrings(json[i], pointer + "/" + std::to_string(i), out);
    }
    return;
  }
  if (!json.is_object()) {
    return;
  }
  for (const auto& [key, value] : json.items()) {
    if (key != "when" && key != "type" && key != "kind" && key != "tags" && key != "weights" &&
        key != "source") {
      collectStrings(value, pointer + "/" + escapePointerToken(key), out);
    }
  }
}

/// True for a value an environment may name directly: an image file.
bool isImageFile(const std::string& value) {
  const std::string lower = toLower(value);
  for (const char* extension : {".hdr", ".exr", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}) {
    const std::string e(extension);
    if (lower.size() > e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<Diagnostic> checkRecipeForScene(const Recipe& recipe, const SceneContext& context) {
  Diagnostics diagnostics;
  const AssetCatalog& catalog = context.assets ? *context.assets : emptyAssetCatalog();
  for (const auto& [path, json] : recipe.parameters) {
    const std::string pointer = pointerOfPath(path);
    if (const std::string problem = nameProblem(path, context); !problem.empty()) {
      diagnostics.error(pointer, problem);
      continue;
    }
    Diagnostics ignored;
    const auto distribution =
        DistributionRegistry::instance().parse(json, pointer, ignored, &parameterPathResolver());
    if (!distribution) {
      continue;
    }
    std::vector<std::string> dependencies;
    distribution->collectDependencies(dependencies);
    for (const std::string& dependency : dependencies) {
      if (const std::string problem = nameProblem(dependency, context); !problem.empty()) {
        diagnostics.error(pointer, "reads " + dependency + ", but " + problem);
      }
    }
    // An asset parameter may only name assets there are: a sample drawing an unknown id
    // could not be rendered.
    if (const ParameterInfo* info = findParameter(path)) {
      if (const std::string kind = assetKindOf(info->defaultValue); !kind.empty()) {
        std::vector<std::string> ids;
        for (const AssetInfo& asset : catalog.assets()) {
          if (asset.kind == kind) {
            ids.push_back(asset.id);
          }
        }
        std::vector<std::pair<std::string, std::string>> values;
        collectStrings(json, pointer, values);
        for (const auto& [value, where] : values) {
          const AssetInfo* asset = catalog.find(value);
          if (value == "none" || (kind == "environment" && isImageFile(value))) {
            continue;
          }
          if (!asset) {
            const std::string hint = closestMatch(value, ids);
            diagnostics.error(
                where,
                "no " + kind + " asset " + inQuotes(value) + " in the library or the built-ins" +
                    (hint.empty() ? std::string() : "; did you mean " + inQuotes(hint) + "?"));
          } else if (asset->kind != kind) {
            diagnostics.error(where, inQuotes(value) + " is not a " + kind + " asset (it is " +
                                         asset->kind + ")");
          }
        }
      }
    }
    std::vector<std::string> warnings;
    distribution->checkAssets(catalog, warnings);
    for (const std::string& warning : warnings) {
      diagnostics.warning(pointer, warning);
    }
  }
  // A person chosen by name must be one the recipe gives.
  if (const auto person = recipe.parameters.find("identity.person");
      person != recipe.parameters.end() && person->second.is_string() &&
      !person->second.get<std::string>().empty()) {
    const std::string name = person->second.get<std::string>();
    std::vector<std::string> people;
    for (const auto& [path, json] : recipe.parameters) {
      const std::vector<std::string> parts = splitPath(path);
      if (parts.size() == 4 && parts[0] == "identity" && parts[1] == "people" &&
          !contains(people, parts[2])) {
        people.push_back(parts[2]);
      }
    }
    if (!contains(people, name)) {
      const std::string hint = closestMatch(name, people);
      diagnostics.error(
          pointerOfPath("identity.person"),
          "no person named " + inQuotes(name) + " under identity.people" +
              (hint.empty() ? std::string() : "; did you mean " + inQuotes(hint) + "?"));
    }
  }
  // A preset named by asset id must be an expression of the library (the recipe's parser
  // checks the other names). Otherwise its samples would show no expression.
  if (const auto preset = recipe.parameters.find("expression.preset");
      preset != recipe.parameters.end()) {
    std::vector<std::string> ids;
    for (const auto& [id, expression] : context.libraryExpressions) {
      ids.push_back(id);
    }
    for (const auto& [name, shapes] : builtinExpressionPresets()) {
      ids.push_back("builtin/expression/" + name);
    }
    std::vector<std::pair<std::string, std::string>> values;
    collectStrings(preset->second, pointerOfPath("expression.preset"), values);
    for (const auto& [value, where] : values) {
      if (value.find('/') != std::string::npos && !contains(ids, value)) {
        const std::string hint = closestMatch(value, ids);
        diagnostics.error(
            where, "no expression " + inQuotes(value) + " in the library or the built-ins" +
                       (hint.empty() ? std::string() : "; did you mean " + inQuotes(hint) + "?"));
      }
    }
  }
  // A library expression may name shapes this model lacks: those are skipped.
  if (!context.expressions.empty()) {
    for (const auto& [id, expression] : context.libraryExpressions) {
      for (const auto& [shape, weight] : expression.shapes) {
        if (!contains(context.expressions, shape)) {
          diagnostics.warning("/library", "expression " + inQuotes(id) + " sets " +
                                              inQuotes(shape) +
                                              ", which the model does not have; it is skipped");
        }
      }
    }
  }
  if (!recipe.library.empty()) {
    for (std::size_t i = 0; i < recipe.splits.testAssets.size(); ++i) {
      const std::string& id = recipe.splits.testAssets[i];
      if (!catalog.find(id)) {
        diagnostics.warning("/splits/test/assets/" + std::to_string(i),
                            "no such asset in the library (got " + inQuotes(id) + ")");
      }
    }
  }
  for (std::size_t i = 0; i < recipe.splits.testIdentities.size(); ++i) {
    const IdentityRange& range = recipe.splits.testIdentities[i];
    const std::uint64_t reachable = recipe.identities == 0 ? recipe.samples : recipe.identities;
    if (range.first >= reachable) {
      diagnostics.warning("/splits/test/identities/" + std::to_string(i),
                          "no sample shows these identities: the recipe has " +
                              std::to_string(reachable) + " (got [" + std::to_string(range.first) +
                              ", " + std::to_string(range.last) + "])");
    }
  }
  return diagnostics.take();
}

}  // namespace sf
