#include "random/memory_asset_catalog.h"

#include "util/error.h"
#include "util/files.h"
#include "util/json_util.h"

#include <nlohmann/json.hpp>

#include <set>

namespace sf {

MemoryAssetCatalog MemoryAssetCatalog::parse(std::string_view text, Diagnostics& diagnostics) {
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded()) {
    diagnostics.error("", "not valid JSON");
    return {};
  }
  if (!document.is_object() || !document.contains("assets") || !document["assets"].is_array()) {
    diagnostics.error(
        "", "expected an object with an \"assets\" array (got " + describeJson(document) + ")");
    return {};
  }
  std::vector<AssetInfo> assets;
  std::set<std::string> ids;
  const nlohmann::json& list = document["assets"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string pointer = "/assets/" + std::to_string(i);
    const nlohmann::json& entry = list[i];
    if (!entry.is_object()) {
      diagnostics.error(pointer, "expected an object (got " + describeJson(entry) + ")");
      continue;
    }
    AssetInfo asset;
    bool good = true;
    for (const char* key : {"id", "kind"}) {
      if (!entry.contains(key) || !entry[key].is_string() ||
          entry[key].get<std::string>().empty()) {
        diagnostics.error(
            pointer + "/" + key,
            "expected a non-empty string (got " +
                (entry.contains(key) ? describeJson(entry[key]) : std::string("nothing")) + ")");
        good = false;
      }
    }
    if (entry.contains("tags")) {
      const nlohmann::json& tags = entry["tags"];
      for (std::size_t t = 0; tags.is_array() && t < tags.size(); ++t) {
        if (tags[t].is_string()) {
          asset.tags.push_back(tags[t].get<std::string>());
        } else {
          diagnostics.error(pointer + "/tags/" + std::to_string(t),
                            "expected a string (got " + describeJson(tags[t]) + ")");
        }
      }
      if (!tags.is_array()) {
        diagnostics.error(pointer + "/tags",
                          "expected an array of strings (got " + describeJson(tags) + ")");
      }
    }
    if (!good) {
      continue;
    }
    if (entry.contains("licence") && entry["licence"].is_string()) {
      asset.licence = entry["licence"].get<std::string>();
    }
    // Files of an asset library index (assets/asset_library.h): paths relative to it,
    // made absolute by load().
    if (entry.contains("files") && entry["files"].is_array()) {
      for (const nlohmann::json& file : entry["files"]) {
        if (file.is_object() && file.value("path", nlohmann::json()).is_string()) {
          asset.files.push_back(file["path"].get<std::string>());
        }
      }
    }
    asset.id = entry["id"].get<std::string>();
    asset.kind = entry["kind"].get<std::string>();
    if (!ids.insert(asset.id).second) {
      diagnostics.error(pointer + "/id", "duplicate asset id (got \"" + asset.id + "\")");
      continue;
    }
    assets.push_back(std::move(asset));
  }
  return MemoryAssetCatalog(std::move(assets));
}

MemoryAssetCatalog MemoryAssetCatalog::load(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    throw Error(SourceLocation::inFile(path.string()), "no such asset library file");
  }
  Diagnostics diagnostics;
  MemoryAssetCatalog catalog = parse(readFile(path), diagnostics);
  throwIfErrors(diagnostics.all(), path.string());
  const std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  for (AssetInfo& asset : catalog.m_assets) {
    for (std::string& file : asset.files) {
      file = (folder / file).lexically_normal().string();
    }
  }
  return catalog;
}

}  // namespace sf
