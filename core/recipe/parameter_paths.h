#pragma once

#include "random/distribution_registry.h"
#include "random/value.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sf {

/// One parameter of a scene: the single place that says what its path is, what kind of
/// value it holds, what it is when a recipe does not mention it, the range its values are
/// clamped to, its unit and its help. The validator, the defaults, `--set`, the JSON Schema
/// and the studio's editors all read this table.
struct ParameterInfo {
  /// Dotted path such as "camera.yaw". A "*" segment stands for any name: identity modes
  /// and expression blendshapes from the model, expression presets from the recipe.
  std::string path;
  ValueKind kind = ValueKind::Number;
  /// The distribution when the recipe says nothing, in recipe JSON (a bare value is a
  /// constant).
  nlohmann::json defaultValue;
  /// Numbers: every value is clamped to [min, max]; a distribution whose finite bounds
  /// leave the range is an error.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  ///< strings with a fixed set of values; empty when free
  std::string unit;                  ///< "deg", "mm", "px", ...; empty when unitless
  std::string help;
  /// Drawn with the identity index instead of the sample index, so every sample of one
  /// identity shares it (the face shape).
  bool perIdentity = false;

  bool isPattern() const { return path.find('*') != std::string::npos; }
};

/// Every parameter of a scene, grouped by their first segment in a stable order.
const std::vector<ParameterInfo>& parameterTable();

/// The entry for a path: an exact entry, else the pattern whose "*" segments match it
/// (names must be non-empty and may not contain '.'); nullptr when none matches.
const ParameterInfo* findParameter(std::string_view path);

/// True when `path` is a parameter path or leads to some (such as "camera" or
/// "expression.presets.smile").
bool isParameterGroup(std::string_view path);

/// The built-in expression presets: preset name -> blendshape name -> distribution JSON.
/// A recipe adds presets, or changes these, under "expression.presets".
const std::map<std::string, std::map<std::string, nlohmann::json>>& builtinExpressionPresets();

/// The default distribution of a concrete path: a built-in preset's entry, else its table
/// entry's default; null when no parameter has that path.
nlohmann::json defaultDistribution(const std::string& path);

/// Checks paths named inside distributions against this table (linked sources, conditions).
const PathResolver& parameterPathResolver();

/// The paths of the table that are not patterns, in table order (for did-you-mean).
std::vector<std::string> concreteParameterPaths();

}  // namespace sf
