#include "recipe/recipe.h"

#include "util/json_util.h"

namespace sf {

bool Recipe::isTestIdentity(std::uint64_t identity) const {
  for (const IdentityRange& range : splits.testIdentities) {
    if (range.contains(identity)) {
      return true;
    }
  }
  return false;
}

nlohmann::json Recipe::toJson() const {
  nlohmann::json json = nlohmann::json::object();
  json["schemaVersion"] = kSchemaVersion;
  json["name"] = name;
  if (!description.empty()) {
    json["description"] = description;
  }
  json["seed"] = seed;
  json["samples"] = samples;
  json["identities"] = identities;
  json["model"] = model;
  json["library"] = library;
  json["outputs"] = {{"labels", outputs.labels}, {"writers", outputs.writers}};
  nlohmann::json ranges = nlohmann::json::array();
  for (const IdentityRange& range : splits.testIdentities) {
    ranges.push_back({range.first, range.last});
  }
  json["splits"] = {{"test", {{"assets", splits.testAssets}, {"identities", ranges}}}};
  for (const auto& [path, distribution] : parameters) {
    nlohmann::json* node = &json;
    const std::vector<std::string> parts = splitPath(path);
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      node = &(*node)[parts[i]];
    }
    (*node)[parts.back()] = distribution;
  }
  return json;
}

const std::vector<std::string>& knownLabelNames() {
  static const std::vector<std::string> names = {
      "segmentation", "landmarks", "denseLandmarks", "depth", "normals", "alpha", "parameters"};
  return names;
}

const std::vector<std::string>& knownWriterNames() {
  static const std::vector<std::string> names = {"faceSynthetics", "coco", "json"};
  return names;
}

}  // namespace sf
