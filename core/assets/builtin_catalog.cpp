#include "assets/builtin_catalog.h"

#include "assets/eyewear.h"
#include "assets/facewear.h"
#include "assets/garment.h"
#include "assets/hair_groom.h"
#include "assets/skin_material.h"
#include "random/memory_asset_catalog.h"
#include "recipe/parameter_paths.h"
#include "render/environment.h"

#include <algorithm>

namespace sf {

std::shared_ptr<const AssetCatalog> builtinAssetCatalog() {
  static const std::shared_ptr<const AssetCatalog> catalog = [] {
    std::vector<AssetInfo> assets;
    for (const BuiltinEnvironment& environment : builtinEnvironments()) {
      assets.push_back({"builtin/environment/" + environment.id,
                        "environment",
                        environment.tags,
                        "CC0-1.0",
                        {}});
    }
    // HDRIs other packages installed (Blender's), after the painted ones so that adding
    // or removing them does not renumber those.
    for (const SystemEnvironment& environment : systemEnvironments()) {
      assets.push_back({"builtin/environment/" + environment.id,
                        "environment",
                        environment.tags,
                        environment.licence,
                        {environment.file.string()}});
    }
    for (const GroomStyle& groom : builtinGrooms()) {
      assets.push_back({"builtin/hair/" + groom.id, "hair", groom.tags, "CC0-1.0", {}});
    }
    for (const GarmentStyle& garment : builtinGarments()) {
      assets.push_back({"builtin/clothing/" + garment.id, "clothing", garment.tags, "CC0-1.0", {}});
    }
    for (const HeadwearStyle& item : builtinHeadwear()) {
      assets.push_back({"builtin/headwear/" + item.id, "headwear", item.tags, "CC0-1.0", {}});
    }
    for (const EyewearStyle& item : builtinEyewear()) {
      assets.push_back({"builtin/eyewear/" + item.id, "eyewear", item.tags, "CC0-1.0", {}});
    }
    for (const FacewearStyle& item : builtinFacewear()) {
      assets.push_back({"builtin/facewear/" + item.id, "facewear", item.tags, "CC0-1.0", {}});
    }
    for (const BrowStyle& brow : builtinBrows()) {
      assets.push_back({"builtin/brows/" + brow.id, "brows", brow.tags, "CC0-1.0", {}});
    }
    for (const LashStyle& lashes : builtinLashes()) {
      assets.push_back({"builtin/lashes/" + lashes.id, "lashes", lashes.tags, "CC0-1.0", {}});
    }
    for (const BeardStyle& beard : builtinBeards()) {
      assets.push_back({"builtin/beard/" + beard.id, "beard", beard.tags, "CC0-1.0", {}});
    }
    for (const SkinMaterial& skin : builtinSkinMaterials()) {
      assets.push_back({"builtin/skin/" + skin.id, "skin", skin.tags, "CC0-1.0", {}});
    }
    // The recipe language's expression presets (but neutral, which expression.neutral
    // gives), tagged by the words of their names: "smile_slight" is smile, slight.
    for (const auto& [name, shapes] : builtinExpressionPresets()) {
      if (name == "neutral") {
        continue;
      }
      std::vector<std::string> tags;
      for (std::size_t start = 0; start < name.size();) {
        const std::size_t end = std::min(name.find('_', start), name.size());
        tags.push_back(name.substr(start, end - start));
        start = end + 1;
      }
      assets.push_back({"builtin/expression/" + name, "expression", tags, "CC0-1.0", {}});
    }
    return std::make_shared<MemoryAssetCatalog>(std::move(assets));
  }();
  return catalog;
}

std::string builtinAssetName(const std::string& assetId, const std::string& kind) {
  const std::string prefix = "builtin/" + kind + "/";
  return assetId.rfind(prefix, 0) == 0 ? assetId.substr(prefix.size()) : assetId;
}

}  // namespace sf
