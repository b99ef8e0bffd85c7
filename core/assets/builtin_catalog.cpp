#include "assets/builtin_catalog.h"

#include "random/memory_asset_catalog.h"
#include "render/environment.h"

namespace sf {

namespace {

constexpr const char* kPrefix = "builtin/";

}  // namespace

std::shared_ptr<const AssetCatalog> builtinAssetCatalog() {
  static const std::shared_ptr<const AssetCatalog> catalog = [] {
    std::vector<AssetInfo> assets;
    for (const BuiltinEnvironment& environment : builtinEnvironments()) {
      assets.push_back({kPrefix + environment.id, "environment", environment.tags});
    }
    return std::make_shared<MemoryAssetCatalog>(std::move(assets));
  }();
  return catalog;
}

std::string builtinEnvironmentName(const std::string& assetId) {
  const std::string prefix = kPrefix;
  return assetId.rfind(prefix, 0) == 0 ? assetId.substr(prefix.size()) : assetId;
}

}  // namespace sf
