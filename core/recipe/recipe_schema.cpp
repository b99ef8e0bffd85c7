#include "recipe/recipe_schema.h"

#include "recipe/parameter_paths.h"
#include "recipe/recipe.h"
#include "util/json_util.h"

namespace sf {

namespace {

using nlohmann::json;

const char* kValueDefinition = "#/$defs/value";

json specSchema(const ParameterSpec& spec) {
  json schema;
  switch (spec.kind) {
    case SpecKind::Number: schema["type"] = "number"; break;
    case SpecKind::Boolean: schema["type"] = "boolean"; break;
    case SpecKind::String:
      schema["type"] = "string";
      if (!spec.choices.empty()) {
        schema["enum"] = spec.choices;
      }
      break;
    case SpecKind::Path:
      schema["type"] = "string";
      schema["pattern"] = "^[A-Za-z0-9_]+(\\.[^.]+)+$";
      break;
    case SpecKind::Scalar: schema["type"] = {"number", "string", "boolean", "null"}; break;
    case SpecKind::NumberList: schema = {{"type", "array"}, {"items", {{"type", "number"}}}}; break;
    case SpecKind::StringList: schema = {{"type", "array"}, {"items", {{"type", "string"}}}}; break;
    case SpecKind::ScalarList:
      schema = {{"type", "array"},
                {"minItems", 1},
                {"items", {{"type", {"number", "string", "boolean"}}}}};
      break;
    case SpecKind::NumberMap:
      schema = {{"type", "object"}, {"additionalProperties", {{"type", "number"}}}};
      break;
    case SpecKind::Distribution: schema["$ref"] = kValueDefinition; break;
    case SpecKind::Object:
    case SpecKind::ObjectList: {
      json object = {{"type", "object"}, {"additionalProperties", false}};
      json required = json::array();
      for (const ParameterSpec& field : spec.fields) {
        object["properties"][field.name] = specSchema(field);
        if (field.required) {
          required.push_back(field.name);
        }
      }
      if (!required.empty()) {
        object["required"] = required;
      }
      schema = spec.kind == SpecKind::Object
                   ? object
                   : json{{"type", "array"}, {"minItems", 1}, {"items", object}};
      break;
    }
  }
  // Bounds apply to numbers and to the entries of number lists and maps.
  json* bounded = spec.kind == SpecKind::Number       ? &schema
                  : spec.kind == SpecKind::NumberList ? &schema["items"]
                  : spec.kind == SpecKind::NumberMap  ? &schema["additionalProperties"]
                                                      : nullptr;
  if (bounded && spec.min) {
    (*bounded)[spec.exclusiveMin ? "exclusiveMinimum" : "minimum"] = *spec.min;
  }
  if (bounded && spec.max) {
    (*bounded)["maximum"] = *spec.max;
  }
  if (!spec.help.empty()) {
    schema["description"] = spec.help;
  }
  if (!spec.defaultValue.is_null()) {
    schema["default"] = spec.defaultValue;
  }
  return schema;
}

json typeSchema(const DistributionType& type) {
  json schema = {{"type", "object"},
                 {"description", type.summary},
                 {"additionalProperties", false},
                 {"properties", {{"type", {{"const", type.name}}}}}};
  json required = {"type"};
  for (const ParameterSpec& spec : type.parameters) {
    schema["properties"][spec.name] = specSchema(spec);
    if (spec.required) {
      required.push_back(spec.name);
    }
  }
  schema["required"] = required;
  return schema;
}

const char* kindDefinition(ValueKind kind) {
  switch (kind) {
    case ValueKind::Number: return "#/$defs/numberParameter";
    case ValueKind::Integer: return "#/$defs/integerParameter";
    case ValueKind::Boolean: return "#/$defs/booleanParameter";
    case ValueKind::String: return "#/$defs/stringParameter";
  }
  return kValueDefinition;
}

json leafSchema(const ParameterInfo& info) {
  json schema = {{"$ref", kindDefinition(info.kind)}};
  std::string description = info.help;
  if (info.kind == ValueKind::Number || info.kind == ValueKind::Integer) {
    description += " [" + numberText(info.min) + ", " + numberText(info.max) +
                   (info.unit.empty() ? "" : " " + info.unit) + "]";
  }
  if (!info.choices.empty()) {
    description += " (one of: " + dumpJson(json(info.choices)) + ")";
  }
  schema["description"] = description;
  schema["default"] = info.defaultValue;
  return schema;
}

/// Adds the leaf at `parts` under `node`, creating group objects on the way.
void addLeaf(json& node, const std::vector<std::string>& parts, std::size_t at,
             const ParameterInfo& info) {
  json* group = &node;
  if (!group->contains("type")) {
    *group = {{"type", "object"}, {"additionalProperties", false}, {"properties", json::object()}};
  }
  const std::string& segment = parts[at];
  const bool last = at + 1 == parts.size();
  json& child = segment == "*" ? (*group)["additionalProperties"] : (*group)["properties"][segment];
  if (segment == "*" && child.is_boolean()) {
    child = json::object();
  }
  if (last) {
    child = leafSchema(info);
    return;
  }
  addLeaf(child, parts, at + 1, info);
}

}  // namespace

nlohmann::json recipeJsonSchema(const DistributionRegistry& registry) {
  json schema = {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "urn:synthface:recipe:" + std::to_string(Recipe::kSchemaVersion)},
      {"title", "SynthFace recipe"},
      {"description",
       "What a synthetic face dataset is: the model, the asset library, and a distribution for "
       "every scene parameter. Generated by 'synthface recipe schema'; 'synthface validate' "
       "checks what a schema cannot."},
      {"type", "object"},
      {"required", {"schemaVersion"}},
      {"additionalProperties", false},
  };
  json& properties = schema["properties"];
  properties["schemaVersion"] = {{"type", "integer"},
                                 {"minimum", 1},
                                 {"maximum", Recipe::kSchemaVersion},
                                 {"description", "older versions are upgraded when read"}};
  properties["name"] = {{"type", "string"}, {"description", "the dataset's name"}};
  properties["description"] = {{"type", "string"}, {"description", "what the dataset is for"}};
  properties["seed"] = {{"type", "integer"},
                        {"minimum", 0},
                        {"description", "every draw is a function of (seed, sample, path)"}};
  properties["samples"] = {
      {"type", "integer"}, {"minimum", 0}, {"description", "how many samples the dataset has"}};
  properties["identities"] = {
      {"type", "integer"},
      {"minimum", 0},
      {"description",
       "distinct identities: sample i shows identity i mod identities; 0: one "
       "per sample"}};
  properties["model"] = {{"type", "string"},
                         {"minLength", 1},
                         {"description", "\"default\" or the path of a .sfm model file"}};
  properties["library"] = {{"type", "string"},
                           {"description", "the asset library index; empty for none"}};
  properties["outputs"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"labels", {{"type", "array"}, {"items", {{"enum", knownLabelNames()}}}}},
        {"writers", {{"type", "array"}, {"items", {{"enum", knownWriterNames()}}}}}}}};
  properties["splits"] = {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"test",
         {{"type", "object"},
          {"additionalProperties", false},
          {"properties",
           {{"assets",
             {{"type", "array"},
              {"items", {{"type", "string"}}},
              {"description", "asset ids training samples never choose"}}},
            {"identities",
             {{"type", "array"},
              {"items",
               {{"type", "array"},
                {"prefixItems",
                 {{{"type", "integer"}, {"minimum", 0}}, {{"type", "integer"}, {"minimum", 0}}}},
                {"minItems", 2},
                {"maxItems", 2}}},
              {"description", "[first, last] ranges of identities in the test split"}}}}}}}}}};

  // Parameters, nested by their dotted paths.
  for (const ParameterInfo& info : parameterTable()) {
    const std::vector<std::string> parts = splitPath(info.path);
    addLeaf(properties[parts[0]], parts, 1, info);
  }

  // A parameter is a bare value (a constant) or a distribution.
  json& definitions = schema["$defs"];
  json anyDistribution = json::array();
  for (const DistributionType& type : registry.types()) {
    definitions["distributions"][type.name] = typeSchema(type);
    anyDistribution.push_back({{"$ref", "#/$defs/distributions/" + type.name}});
  }
  definitions["distribution"] = {{"type", "object"},
                                 {"required", {"type"}},
                                 {"properties", {{"type", {{"enum", registry.names()}}}}},
                                 {"anyOf", anyDistribution}};
  const json distributionRef = {{"$ref", "#/$defs/distribution"}};
  definitions["value"] = {
      {"anyOf", {{{"type", {"number", "string", "boolean"}}}, distributionRef}}};
  definitions["numberParameter"] = {{"anyOf", {{{"type", "number"}}, distributionRef}}};
  definitions["integerParameter"] = {{"anyOf", {{{"type", "integer"}}, distributionRef}}};
  definitions["booleanParameter"] = {{"anyOf", {{{"type", "boolean"}}, distributionRef}}};
  definitions["stringParameter"] = {{"anyOf", {{{"type", "string"}}, distributionRef}}};
  return schema;
}

}  // namespace sf
