#include "assets/skin_material.h"

#include "assets/mesh_building.h"

#include <algorithm>
#include <array>

namespace sf {

namespace {

/// The tone bands: skin.tone from light to dark in six steps, the range the measured
/// reflectances of skin cover (Fitzpatrick's six types, roughly). The default recipe's
/// skin.material rule uses the same edges.
struct ToneBand {
  const char* id;
  const char* name;
  float low;
  float high;
  float freckleChance;  ///< how readily this skin freckles in the sun
};
constexpr std::array<ToneBand, 6> kBands = {{
    {"pale", "Pale", 0.0f, 0.17f, 1.0f},
    {"fair", "Fair", 0.17f, 0.33f, 0.8f},
    {"medium", "Medium", 0.33f, 0.5f, 0.35f},
    {"tan", "Tan", 0.5f, 0.67f, 0.1f},
    {"brown", "Brown", 0.67f, 0.83f, 0.0f},
    {"deep", "Deep", 0.83f, 1.0f, 0.0f},
}};

/// The characters every band comes in.
struct Character {
  const char* id;
  const char* name;
  float haemoglobin;
  float undertone;
  float freckles;  ///< scaled by the band's freckleChance
  float moles;
  float wrinkles;
  float pores;
  float roughness;
};
constexpr std::array<Character, 4> kCharacters = {{
    {"even", "even", 0.45f, 0.0f, 0.0f, 0.2f, 0.0f, 0.85f, 0.37f},
    {"rosy", "rosy", 0.8f, -0.6f, 0.85f, 0.4f, 0.1f, 1.0f, 0.33f},
    {"olive", "olive, oily", 0.4f, 0.7f, 0.15f, 0.35f, 0.2f, 1.25f, 0.27f},
    {"mature", "mature, lined", 0.55f, 0.15f, 0.35f, 0.75f, 0.8f, 1.3f, 0.41f},
}};

std::vector<SkinMaterial> makeMaterials() {
  std::vector<SkinMaterial> materials;
  for (std::size_t b = 0; b < kBands.size(); ++b) {
    const ToneBand& band = kBands[b];
    for (const Character& character : kCharacters) {
      SkinMaterial m;
      m.id = std::string(band.id) + "_" + character.id;
      m.name = std::string(band.name) + ", " + character.name;
      m.tags = {"tone" + std::to_string(b + 1), character.id};
      m.melaninLow = band.low;
      m.melaninHigh = band.high;
      m.haemoglobin = character.haemoglobin;
      m.undertone = character.undertone;
      m.freckles = character.freckles * band.freckleChance;
      m.moles = character.moles;
      m.wrinkles = character.wrinkles;
      m.pores = character.pores;
      m.roughness = character.roughness;
      if (m.freckles > 0.2f) {
        m.tags.push_back("freckled");
        m.name += ", freckled";
      }
      if (m.wrinkles > 0.5f) {
        m.tags.push_back("aged");
      }
      materials.push_back(std::move(m));
    }
  }
  return materials;
}

}  // namespace

std::span<const SkinMaterial> builtinSkinMaterials() {
  static const std::vector<SkinMaterial> materials = makeMaterials();
  return materials;
}

const SkinMaterial* findSkinMaterial(const std::string& id) {
  return findById(builtinSkinMaterials(), id);
}

float skinMelanin(const SkinMaterial& material, float tone) {
  return std::clamp(tone, material.melaninLow, material.melaninHigh);
}

}  // namespace sf
