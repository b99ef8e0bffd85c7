#pragma once

#include "random/asset_catalog.h"
#include "util/diagnostic.h"

#include <filesystem>
#include <string_view>

namespace sf {

/// An asset catalog held in memory: built in code, or read from a library index file,
///
///   {"assets": [{"id": "hair/bob_01", "kind": "hair", "tags": ["short", "straight"]}, ...]}
///
/// until the asset library provides its own catalog.
class MemoryAssetCatalog : public AssetCatalog {
public:
  MemoryAssetCatalog() = default;
  explicit MemoryAssetCatalog(std::vector<AssetInfo> assets) : m_assets(std::move(assets)) {}

  std::span<const AssetInfo> assets() const override { return m_assets; }

  /// Parses an index, reporting every problem (missing ids, duplicate ids, wrong types).
  static MemoryAssetCatalog parse(std::string_view text, Diagnostics& diagnostics);
  /// Reads an index file; throws sf::Error naming the file and every problem.
  static MemoryAssetCatalog load(const std::filesystem::path& path);

private:
  std::vector<AssetInfo> m_assets;
};

}  // namespace sf
