#pragma once

#include <span>
#include <string>
#include <vector>

namespace sf {

/// What an asset choice needs to know about one asset of the library.
struct AssetInfo {
  std::string id;                  ///< unique in the library, such as "hair/bob_01"
  std::string kind;                ///< "hair", "brows", "headwear", "environment", ...
  std::vector<std::string> tags;   ///< free-form: "short", "fitsUnderHeadwear", "curly"...
  std::string licence;             ///< "CC0-1.0", ...; empty when the library does not say
  std::vector<std::string> files;  ///< absolute paths of its files (empty for built-ins)

  friend bool operator==(const AssetInfo&, const AssetInfo&) = default;
};

/// The assets a recipe draws from, as the distributions see them. The asset library
/// implements it; MemoryAssetCatalog holds a list in memory (tests, small libraries).
class AssetCatalog {
public:
  virtual ~AssetCatalog() = default;
  /// Every asset, in a stable order (draws index into it).
  virtual std::span<const AssetInfo> assets() const = 0;
  /// The asset with this id, or nullptr.
  const AssetInfo* find(const std::string& id) const;
};

/// A catalog with no assets: every asset choice draws "none".
const AssetCatalog& emptyAssetCatalog();

}  // namespace sf
