#include "random/asset_catalog.h"

#include "random/memory_asset_catalog.h"

namespace sf {

const AssetInfo* AssetCatalog::find(const std::string& id) const {
  for (const AssetInfo& asset : assets()) {
    if (asset.id == id) {
      return &asset;
    }
  }
  return nullptr;
}

const AssetCatalog& emptyAssetCatalog() {
  static const MemoryAssetCatalog empty;
  return empty;
}

}  // namespace sf
