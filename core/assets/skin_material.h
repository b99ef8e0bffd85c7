#pragma once

#include <span>
#include <string>
#include <vector>

namespace sf {

/// A built-in skin material: the pigments of one skin and the marks it carries, as the
/// path tracer's procedural skin reads them. Melanin sets the colour through the measured
/// reflectances of skin (`skinAlbedo`), haemoglobin the blood under it; freckles, moles,
/// pores and age lines are drawn on the model's rest surface, so they follow identity and
/// expression and stay put from one sample of a person to the next.
struct SkinMaterial {
  std::string id;                 ///< "fair_freckled", ...
  std::string name;               ///< for people
  std::vector<std::string> tags;  ///< the tone band ("tone1".."tone6") and the character
  float melaninLow = 0.0f;        ///< the band of skin.tone this skin covers, 0 light .. 1 dark
  float melaninHigh = 1.0f;
  float haemoglobin = 0.5f;  ///< blood: 0 sallow .. 1 ruddy
  float undertone = 0.0f;    ///< -1 pink .. 0 neutral .. 1 olive (yellow-green)
  float freckles = 0.0f;     ///< 0 none .. 1 many, on the nose and cheeks
  float moles = 0.3f;        ///< 0 none .. 1 many, anywhere on the face and neck
  float wrinkles = 0.0f;     ///< 0 young .. 1 deep age lines; the identity's age adds to it
  float pores = 1.0f;        ///< pore size and depth, 1 typical
  float roughness = 0.35f;   ///< GGX alpha of the sheen: lower is oilier
};

/// The built-in skin materials, six tone bands of four each, in a stable order.
std::span<const SkinMaterial> builtinSkinMaterials();
/// The built-in skin material `id`, or nullptr.
const SkinMaterial* findSkinMaterial(const std::string& id);

/// The skin's melanin for `material` given the recipe's `tone`: the tone, held inside the
/// material's band, so a material chosen by name keeps its colour.
float skinMelanin(const SkinMaterial& material, float tone);

}  // namespace sf
