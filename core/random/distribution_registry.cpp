#include "random/distribution_registry.h"

#include "random/builtin_distributions.h"
#include "util/check.h"
#include "util/error.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace sf {

const char* specKindName(SpecKind kind) {
  switch (kind) {
    case SpecKind::Number: return "number";
    case SpecKind::Boolean: return "boolean";
    case SpecKind::String: return "string";
    case SpecKind::Path: return "path";
    case SpecKind::Scalar: return "scalar";
    case SpecKind::NumberList: return "numberList";
    case SpecKind::StringList: return "stringList";
    case SpecKind::ScalarList: return "scalarList";
    case SpecKind::NumberMap: return "numberMap";
    case SpecKind::Distribution: return "distribution";
    case SpecKind::Object: return "object";
    case SpecKind::ObjectList: return "objectList";
  }
  return "?";
}

namespace {

std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string hint = closestMatch(word, candidates);
  return hint.empty() ? std::string() : "; did you mean " + inQuotes(hint) + "?";
}

/// Checks a number against a spec's bounds; returns the message for the first violation.
std::string numberProblem(const nlohmann::json& value, const ParameterSpec& spec) {
  if (!value.is_number()) {
    return "must be a number (got " + describeJson(value) + ")";
  }
  const double number = value.get<double>();
  if (!std::isfinite(number)) {
    return "must be a finite number (got " + numberText(number) + ")";
  }
  if (std::abs(number) > kMaxMagnitude) {
    return "must be at most 1e12 in magnitude (got " + describeJson(value) + ")";
  }
  if (spec.min && (spec.exclusiveMin ? !(number > *spec.min) : !(number >= *spec.min))) {
    return std::string("must be ") + (spec.exclusiveMin ? "> " : ">= ") + numberText(*spec.min) +
           " (got " + describeJson(value) + ")";
  }
  if (spec.max && !(number <= *spec.max)) {
    return "must be <= " + numberText(*spec.max) + " (got " + describeJson(value) + ")";
  }
  return {};
}

std::string scalarProblem(const nlohmann::json& value) {
  if (value.is_object() || value.is_array() || value.is_binary()) {
    return "must be a number, string, boolean or null (got " + describeJson(value) + ")";
  }
  if (value.is_number_float()) {
    ParameterSpec any;
    return numberProblem(value, any);
  }
  return {};
}

}  // namespace

// --- DistributionArgs ---------------------------------------------------------------------

DistributionArgs::DistributionArgs(
    const nlohmann::json& object, std::string pointer, Diagnostics& diagnostics,
    const PathResolver* paths, std::map<std::string, std::shared_ptr<const Distribution>> nested)
    : m_object(object),
      m_pointer(std::move(pointer)),
      m_diagnostics(diagnostics),
      m_paths(paths),
      m_nested(std::move(nested)) {}

bool DistributionArgs::has(const std::string& key) const {
  if (key.find('/') == std::string::npos) {
    return m_object.contains(key);
  }
  return m_object.contains(nlohmann::json::json_pointer("/" + key));
}

const nlohmann::json& DistributionArgs::json(const std::string& key) const {
  if (has(key)) {
    return key.find('/') == std::string::npos ? m_object[key]
                                              : m_object[nlohmann::json::json_pointer("/" + key)];
  }
  const auto it = m_defaults.find(key);
  if (it != m_defaults.end()) {
    return it->second;
  }
  static const nlohmann::json null;
  return null;
}

double DistributionArgs::number(const std::string& key) const {
  const nlohmann::json& value = json(key);
  return value.is_number() ? value.get<double>() : 0.0;
}

std::string DistributionArgs::string(const std::string& key) const {
  const nlohmann::json& value = json(key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::vector<double> DistributionArgs::numbers(const std::string& key) const {
  std::vector<double> result;
  for (const nlohmann::json& entry : json(key)) {
    result.push_back(entry.is_number() ? entry.get<double>() : 0.0);
  }
  return result;
}

std::vector<std::string> DistributionArgs::strings(const std::string& key) const {
  std::vector<std::string> result;
  for (const nlohmann::json& entry : json(key)) {
    if (entry.is_string()) {
      result.push_back(entry.get<std::string>());
    }
  }
  return result;
}

std::shared_ptr<const Distribution> DistributionArgs::distribution(const std::string& key) const {
  const auto it = m_nested.find(key);
  return it == m_nested.end() ? nullptr : it->second;
}

void DistributionArgs::error(const std::string& key, const std::string& message) const {
  m_diagnostics.error(key.empty() ? m_pointer : m_pointer + "/" + key, message);
}

// --- DistributionRegistry -----------------------------------------------------------------

DistributionRegistry& DistributionRegistry::instance() {
  static DistributionRegistry registry = [] {
    DistributionRegistry created;
    registerBuiltinDistributions(created);
    return created;
  }();
  return registry;
}

const DistributionRegistry& DistributionRegistry::builtin() {
  static const DistributionRegistry registry = [] {
    DistributionRegistry created;
    registerBuiltinDistributions(created);
    return created;
  }();
  return registry;
}

void DistributionRegistry::add(DistributionType type) {
  SF_CHECK(type.create);
  if (find(type.name)) {
    throw Error("distribution type '" + type.name + "' is already registered");
  }
  m_types.push_back(std::move(type));
}

const DistributionType* DistributionRegistry::find(const std::string& name) const {
  for (const DistributionType& type : m_types) {
    if (type.name == name) {
      return &type;
    }
  }
  return nullptr;
}

std::vector<std::string> DistributionRegistry::names() const {
  std::vector<std::string> result;
  for (const DistributionType& type : m_types) {
    result.push_back(type.name);
  }
  return result;
}

std::shared_ptr<const Distribution> DistributionRegistry::parse(const nlohmann::json& json,
                                                                const std::string& pointer,
                                                                Diagnostics& diagnostics,
                                                                const PathResolver* paths) const {
  return parseAt(json, pointer, diagnostics, paths, 0);
}

std::shared_ptr<const Distribution> DistributionRegistry::parseAt(const nlohmann::json& json,
                                                                  const std::string& pointer,
                                                                  Diagnostics& diagnostics,
                                                                  const PathResolver* paths,
                                                                  int depth) const {
  if (depth > kMaxDepth) {
    diagnostics.error(pointer, "distributions nested more than " + std::to_string(kMaxDepth) +
                                   " deep (got more)");
    return nullptr;
  }
  // A bare scalar is a constant.
  if (json.is_number() || json.is_boolean() || json.is_string()) {
    ParameterSpec any;
    if (json.is_number()) {
      if (const std::string problem = numberProblem(json, any); !problem.empty()) {
        diagnostics.error(pointer, problem);
        return nullptr;
      }
    }
    return makeConstant(*valueFromJson(json));
  }
  if (!json.is_object()) {
    diagnostics.error(pointer, "expected a number, string, boolean or distribution object (got " +
                                   describeJson(json) + ")");
    return nullptr;
  }
  if (!json.contains("type")) {
    diagnostics.error(pointer, "missing \"type\": one of " + join(names(), ", "));
    return nullptr;
  }
  const nlohmann::json& typeJson = json["type"];
  if (!typeJson.is_string()) {
    diagnostics.error(pointer + "/type",
                      "must be a distribution type name (got " + describeJson(typeJson) + ")");
    return nullptr;
  }
  const std::string typeName = typeJson.get<std::string>();
  const DistributionType* type = find(typeName);
  if (!type) {
    diagnostics.error(pointer + "/type", "unknown distribution type (got " + inQuotes(typeName) +
                                             ")" + didYouMean(typeName, names()));
    return nullptr;
  }
  std::map<std::string, std::shared_ptr<const Distribution>> nested;
  if (!checkObject(json, type->parameters, "a " + typeName + " distribution", pointer, "",
                   diagnostics, paths, depth, nested)) {
    return nullptr;
  }
  DistributionArgs args(json, pointer, diagnostics, paths, std::move(nested));
  for (const ParameterSpec& spec : type->parameters) {
    if (!spec.defaultValue.is_null()) {
      args.m_defaults[spec.name] = spec.defaultValue;
    }
  }
  // Defaults of keys inside objects and lists: registered under their relative pointer.
  std::function<void(const nlohmann::json&, const std::vector<ParameterSpec>&, std::string)>
      addNestedDefaults = [&](const nlohmann::json& object, const std::vector<ParameterSpec>& specs,
                              const std::string& relative) {
        for (const ParameterSpec& spec : specs) {
          const std::string key = relative.empty() ? spec.name : relative + "/" + spec.name;
          if (!relative.empty() && !spec.defaultValue.is_null()) {
            args.m_defaults[key] = spec.defaultValue;
          }
          if (!object.contains(spec.name)) {
            continue;
          }
          const nlohmann::json& value = object[spec.name];
          if (spec.kind == SpecKind::Object) {
            addNestedDefaults(value, spec.fields, key);
          } else if (spec.kind == SpecKind::ObjectList) {
            for (std::size_t i = 0; i < value.size(); ++i) {
              addNestedDefaults(value[i], spec.fields, key + "/" + std::to_string(i));
            }
          }
        }
      };
  addNestedDefaults(json, type->parameters, "");
  const std::size_t errorsBefore = diagnostics.errorCount();
  std::shared_ptr<const Distribution> created = type->create(args);
  if (diagnostics.errorCount() != errorsBefore) {
    return nullptr;
  }
  SF_CHECK_MSG(created, "a distribution factory returned nothing without reporting an error");
  return created;
}

bool DistributionRegistry::checkObject(
    const nlohmann::json& object, const std::vector<ParameterSpec>& specs,
    const std::string& typeName, const std::string& pointer, const std::string& relative,
    Diagnostics& diagnostics, const PathResolver* paths, int depth,
    std::map<std::string, std::shared_ptr<const Distribution>>& nested) const {
  const std::size_t errorsBefore = diagnostics.errorCount();
  std::vector<std::string> known;
  for (const ParameterSpec& spec : specs) {
    known.push_back(spec.name);
  }
  for (const auto& [key, value] : object.items()) {
    if (relative.empty() && key == "type") {
      continue;
    }
    const std::string keyPointer = pointer + "/" + escapePointerToken(key);
    const ParameterSpec* spec = nullptr;
    for (const ParameterSpec& candidate : specs) {
      if (candidate.name == key) {
        spec = &candidate;
      }
    }
    if (!spec) {
      diagnostics.error(keyPointer, "unknown key in " + typeName + " (got " + inQuotes(key) + ")" +
                                        didYouMean(key, known));
      continue;
    }
    checkValue(value, *spec, keyPointer, relative.empty() ? key : relative + "/" + key, diagnostics,
               paths, depth, nested);
  }
  for (const ParameterSpec& spec : specs) {
    if (spec.required && !object.contains(spec.name)) {
      diagnostics.error(pointer, "missing required key " + inQuotes(spec.name) + " of " + typeName);
    }
  }
  return diagnostics.errorCount() == errorsBefore;
}

bool DistributionRegistry::checkValue(
    const nlohmann::json& value, const ParameterSpec& spec, const std::string& pointer,
    const std::string& relative, Diagnostics& diagnostics, const PathResolver* paths, int depth,
    std::map<std::string, std::shared_ptr<const Distribution>>& nested) const {
  const std::size_t errorsBefore = diagnostics.errorCount();
  const auto fail = [&](const std::string& at, const std::string& message) {
    diagnostics.error(at, message);
  };
  const auto checkString = [&](const nlohmann::json& entry, const std::string& at) {
    if (!entry.is_string()) {
      fail(at, "must be a string (got " + describeJson(entry) + ")");
      return;
    }
    const std::string text = entry.get<std::string>();
    if (!spec.choices.empty() &&
        std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
      fail(at, "must be one of " + join(spec.choices, ", ") + " (got " + inQuotes(text) + ")" +
                   didYouMean(text, spec.choices));
    }
  };
  switch (spec.kind) {
    case SpecKind::Number:
      if (const std::string problem = numberProblem(value, spec); !problem.empty()) {
        fail(pointer, problem);
      }
      break;
    case SpecKind::Boolean:
      if (!value.is_boolean()) {
        fail(pointer, "must be true or false (got " + describeJson(value) + ")");
      }
      break;
    case SpecKind::String: checkString(value, pointer); break;
    case SpecKind::Path:
      if (!value.is_string()) {
        fail(pointer, "must be a parameter path such as \"hair.color.melanin\" (got " +
                          describeJson(value) + ")");
      } else if (paths && !paths->kindOf(value.get<std::string>())) {
        const std::string path = value.get<std::string>();
        fail(pointer, "unknown parameter path (got " + inQuotes(path) + ")" +
                          didYouMean(path, paths->suggestions()));
      }
      break;
    case SpecKind::Scalar:
      if (const std::string problem = scalarProblem(value); !problem.empty()) {
        fail(pointer, problem);
      }
      break;
    case SpecKind::NumberList:
    case SpecKind::StringList:
    case SpecKind::ScalarList:
      if (!value.is_array()) {
        fail(pointer, "must be an array (got " + describeJson(value) + ")");
        break;
      }
      if (spec.kind == SpecKind::ScalarList && value.empty()) {
        fail(pointer, "must not be empty (got [])");
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string at = pointer + "/" + std::to_string(i);
        if (spec.kind == SpecKind::NumberList) {
          if (const std::string problem = numberProblem(value[i], spec); !problem.empty()) {
            fail(at, problem);
          }
        } else if (spec.kind == SpecKind::StringList) {
          checkString(value[i], at);
        } else if (const std::string problem = scalarProblem(value[i]); !problem.empty()) {
          fail(at, problem);
        } else if (value[i].is_null()) {
          fail(at, "must be a number, string or boolean (got null)");
        }
      }
      break;
    case SpecKind::NumberMap:
      if (!value.is_object()) {
        fail(pointer, "must be an object of numbers (got " + describeJson(value) + ")");
        break;
      }
      for (const auto& [key, entry] : value.items()) {
        if (const std::string problem = numberProblem(entry, spec); !problem.empty()) {
          fail(pointer + "/" + escapePointerToken(key), problem);
        }
      }
      break;
    case SpecKind::Distribution:
      if (auto parsed = parseAt(value, pointer, diagnostics, paths, depth + 1)) {
        nested[relative] = std::move(parsed);
      }
      break;
    case SpecKind::Object:
      if (!value.is_object()) {
        fail(pointer, "must be an object (got " + describeJson(value) + ")");
        break;
      }
      checkObject(value, spec.fields, inQuotes(spec.name), pointer, relative, diagnostics, paths,
                  depth, nested);
      break;
    case SpecKind::ObjectList:
      if (!value.is_array()) {
        fail(pointer, "must be an array of objects (got " + describeJson(value) + ")");
        break;
      }
      if (value.empty()) {
        fail(pointer, "must not be empty (got [])");
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string at = pointer + "/" + std::to_string(i);
        if (!value[i].is_object()) {
          fail(at, "must be an object (got " + describeJson(value[i]) + ")");
          continue;
        }
        checkObject(value[i], spec.fields, "an entry of " + inQuotes(spec.name), at,
                    relative + "/" + std::to_string(i), diagnostics, paths, depth, nested);
      }
      break;
  }
  return diagnostics.errorCount() == errorsBefore;
}

}  // namespace sf
