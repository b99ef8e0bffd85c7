#pragma once

#include "render/face_scene.h"

#include <Eigen/Geometry>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sf {

/// What a frame is made of.
enum class FrameMaterial : std::uint8_t {
  Metal,    ///< wire rims and temples, pads on arms, plastic tips behind the ears
  Plastic,  ///< acetate: thick rims, the bridge resting on the nose
};

/// A built-in pair of glasses. Sizes are for a face 140 mm wide at the ears; a frame is
/// scaled to the face it is put on, within a size either way.
struct EyewearStyle {
  std::string id;                 ///< "round", "aviator", ...
  std::string name;               ///< for people
  std::vector<std::string> tags;  ///< "metal", "plastic", "sunglasses"...
  float lensWidth = 50.0f;        ///< mm across one lens
  float lensHeight = 38.0f;       ///< mm
  float squareness = 2.0f;        ///< the outline's superellipse exponent: 2 oval, 5 rectangle
  float teardrop = 0.0f;          ///< how far the lower inner part drops, share of the height
  float upsweep = 0.0f;           ///< how far the upper outer corner rises, share of the height
  float bridge = 18.0f;           ///< mm between the lenses
  float rimWidth = 0.0f;          ///< mm of frame round the lens, in its plane; 0 rimless
  float rimDepth = 0.0f;          ///< mm of frame front to back
  float browBar = 0.0f;           ///< mm more rim along the top (browline frames)
  float templeHeight = 2.0f;      ///< mm
  float templeThickness = 1.2f;   ///< mm
  FrameMaterial frame = FrameMaterial::Metal;
  bool tinted = false;        ///< dark lenses (sunglasses): opaque, so labelled GLASSES
  bool doubleBridge = false;  ///< a second bar across the top (aviators)
};

/// The built-in eyewear, in a stable order.
std::span<const EyewearStyle> builtinEyewear();
/// The built-in eyewear `id`, or nullptr.
const EyewearStyle* findEyewear(const std::string& id);

/// Where a face holds glasses, from the face without expression or pose (model space).
struct EyewearFit {
  std::span<const Eigen::Vector3f> shaped;     ///< the skin's vertices (skin's topology)
  std::span<const Eigen::Vector3f> landmarks;  ///< the 70
  std::array<Eigen::Vector3f, 2> eyeCentres;   ///< right, left eyeball centres
  std::span<const Eigen::Vector3f> ears;       ///< points of ears that are parts of their own
  Eigen::Affine3f worldFromRest = Eigen::Affine3f::Identity();  ///< the head's posed transform
};

/// Builds `style` for a face: the lenses 12 mm or more in front of the corneas, tilted and
/// wrapped as frames are, the bridge resting on the nose (on pads for metal frames), the
/// temples along the sides of the head to over the ears and bent down behind them. Fitted
/// on `fit.shaped` with the triangles and classes of `skin`, then carried rigidly by
/// `fit.worldFromRest`, as glasses ride on the head. Every triangle is class GLASSES; lenses
/// are material Glass (clear ones do not occlude, so labels see through them), frames
/// Metal or Plastic. `finish` (0..1) picks the frame's colour from the material's range.
std::vector<SurfaceMesh> dressEyewear(const EyewearStyle& style, const SurfaceMesh& skin,
                                      const EyewearFit& fit, float finish);

}  // namespace sf
