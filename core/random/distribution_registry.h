#pragma once

#include "random/distribution.h"
#include "util/diagnostic.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sf {

/// What a key of a distribution object holds.
enum class SpecKind {
  Number,        ///< a finite number
  Boolean,       ///< true or false
  String,        ///< a string, one of `choices` when those are given
  Path,          ///< the dotted path of another parameter ("hair.color.melanin")
  Scalar,        ///< a number, string, boolean or null
  NumberList,    ///< an array of numbers
  StringList,    ///< an array of strings
  ScalarList,    ///< a non-empty array of scalars
  NumberMap,     ///< an object of numbers, by any key
  Distribution,  ///< a distribution object, or a scalar for a constant
  Object,        ///< an object with the keys in `fields`
  ObjectList,    ///< a non-empty array of such objects
};

/// The JSON name of a SpecKind, for editors and the JSON Schema: "number", "path", ...
const char* specKindName(SpecKind kind);

/// One key of a distribution type: what the studio builds an editor field from, what the
/// registry checks before a factory runs, and what the JSON Schema describes.
struct ParameterSpec {
  std::string name;
  SpecKind kind = SpecKind::Number;
  bool required = false;
  nlohmann::json defaultValue;        ///< null when there is none (or it is required)
  std::optional<double> min;          ///< numbers (and list entries): lower bound
  std::optional<double> max;          ///< numbers (and list entries): upper bound
  bool exclusiveMin = false;          ///< min itself is not allowed ("must be > 0")
  std::vector<std::string> choices;   ///< String: the allowed values, when limited
  std::vector<ParameterSpec> fields;  ///< Object, ObjectList: their keys
  std::string help;
};

/// Checks paths that distributions name (linked sources, conditions) while parsing, and
/// gives the kind of value each holds. The recipe's parameter table implements it.
class PathResolver {
public:
  virtual ~PathResolver() = default;
  /// The kind of the parameter at `path`, or nothing when no parameter has that path.
  virtual std::optional<ValueKind> kindOf(const std::string& path) const = 0;
  /// Paths to suggest for a misspelt one.
  virtual std::vector<std::string> suggestions() const = 0;
};

class DistributionRegistry;

/// The keys of one distribution object, checked against its type's ParameterSpecs: every
/// key known, of its kind, in range, required ones present. A factory reads them from here
/// and reports what only it can check (min < max, weights that sum to zero) with error().
class DistributionArgs {
public:
  DistributionArgs(const nlohmann::json& object, std::string pointer, Diagnostics& diagnostics,
                   const PathResolver* paths,
                   std::map<std::string, std::shared_ptr<const Distribution>> nested);

  /// True when the key was given.
  bool has(const std::string& key) const;
  /// The value of a key, or the spec's default when it was not given. `key` may be a
  /// relative JSON pointer into the object ("components/0/weight").
  const nlohmann::json& json(const std::string& key) const;
  double number(const std::string& key) const;
  std::string string(const std::string& key) const;
  std::vector<double> numbers(const std::string& key) const;
  std::vector<std::string> strings(const std::string& key) const;
  /// A Distribution key (or one inside a list: "components/1/distribution"); nullptr
  /// when it is absent.
  std::shared_ptr<const Distribution> distribution(const std::string& key) const;

  /// Reports an error at this object's key (or relative pointer).
  void error(const std::string& key, const std::string& message) const;
  /// The JSON pointer of the object.
  const std::string& pointer() const { return m_pointer; }
  /// The path resolver, or nullptr when the distribution stands alone.
  const PathResolver* paths() const { return m_paths; }

private:
  friend class DistributionRegistry;
  const nlohmann::json& m_object;
  std::string m_pointer;
  Diagnostics& m_diagnostics;
  const PathResolver* m_paths;
  std::map<std::string, std::shared_ptr<const Distribution>> m_nested;
  std::map<std::string, nlohmann::json> m_defaults;
};

/// One registered distribution type.
struct DistributionType {
  using Factory = std::function<std::shared_ptr<const Distribution>(const DistributionArgs&)>;
  std::string name;                       ///< the "type" key: "truncatedNormal"
  std::string summary;                    ///< one line for editors and `--help`
  std::vector<ParameterSpec> parameters;  ///< its keys, besides "type"
  /// Builds it from checked arguments; returns nullptr after reporting errors.
  Factory create;
};

/// The distribution types a recipe may use, by name. The built-in types are registered
/// first; plugins add theirs at start-up, before any recipe is read (adding is not
/// thread-safe, reading is).
///
/// A distribution is written in JSON as an object with a "type" and that type's keys:
///   {"type": "truncatedNormal", "mean": 0, "sigma": 30, "min": -90, "max": 90}
/// or as a bare number, string or boolean: a constant.
class DistributionRegistry {
public:
  static constexpr int kMaxDepth = 16;  ///< distributions nested in distributions

  /// The registry recipes use: the built-in types and any a plugin added.
  static DistributionRegistry& instance();
  /// The built-in types only (for the JSON Schema that ships with SynthFace).
  static const DistributionRegistry& builtin();

  /// Adds a type; throws sf::Error when its name is taken.
  void add(DistributionType type);
  const DistributionType* find(const std::string& name) const;
  const std::vector<DistributionType>& types() const { return m_types; }
  std::vector<std::string> names() const;

  /// Parses a distribution at `pointer`, reporting every problem in `diagnostics`; returns
  /// nullptr when there were errors. `paths` checks the paths it names (may be nullptr).
  std::shared_ptr<const Distribution> parse(const nlohmann::json& json, const std::string& pointer,
                                            Diagnostics& diagnostics,
                                            const PathResolver* paths = nullptr) const;

private:
  DistributionRegistry() = default;
  std::shared_ptr<const Distribution> parseAt(const nlohmann::json& json,
                                              const std::string& pointer, Diagnostics& diagnostics,
                                              const PathResolver* paths, int depth) const;
  bool checkObject(const nlohmann::json& object, const std::vector<ParameterSpec>& specs,
                   const std::string& typeName, const std::string& pointer,
                   const std::string& relative, Diagnostics& diagnostics, const PathResolver* paths,
                   int depth,
                   std::map<std::string, std::shared_ptr<const Distribution>>& nested) const;
  bool checkValue(const nlohmann::json& value, const ParameterSpec& spec,
                  const std::string& pointer, const std::string& relative, Diagnostics& diagnostics,
                  const PathResolver* paths, int depth,
                  std::map<std::string, std::shared_ptr<const Distribution>>& nested) const;

  std::vector<DistributionType> m_types;
};

/// A constant distribution: what a bare number, string or boolean in a recipe means.
std::shared_ptr<const Distribution> makeConstant(Value value);

/// The largest magnitude a number in a distribution may have: beyond it, arithmetic on
/// draws could overflow, and no parameter of a face needs it.
inline constexpr double kMaxMagnitude = 1e12;

}  // namespace sf
