#pragma once

#include "render/face_scene.h"

#include <Eigen/Core>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sf {

/// What kind of face covering a facewear style is.
enum class FacewearKind : std::uint8_t {
  SurgicalMask,  ///< pleated, flat across the cheeks, a nose wire, thin elastic ear loops
  ClothMask,     ///< contoured with a seam down the middle, fabric ear loops
  Scarf,         ///< wrapped round the neck and pulled up over the mouth, bulky
};

/// A built-in face covering.
struct FacewearStyle {
  std::string id;                 ///< "surgical_mask", ...
  std::string name;               ///< for people
  std::vector<std::string> tags;  ///< "mask", "medical", "knit"...
  FacewearKind kind = FacewearKind::SurgicalMask;
  bool knit = false;  ///< knit loops, else a woven (or non-woven) surface
};

/// The built-in facewear, in a stable order.
std::span<const FacewearStyle> builtinFacewear();
/// The built-in facewear `id`, or nullptr.
const FacewearStyle* findFacewear(const std::string& id);

/// Puts `style` on the posed skin `skin` (class FACEWEAR, material Cloth): a sheet drawn
/// taut over the nose, mouth and chin as cloth is (it spans the hollows beside the nose and
/// under the chin rather than following them), with hemmed edges and loops round the ears
/// for masks; a scarf goes right round the neck. It is shaped on `shaped` (the skin's
/// vertices in this identity without expression or pose, with `landmarks` its 70) and bound
/// to the skin's triangles, so it follows the jaw and the head as they move. `colour` is the
/// fabric's linear albedo (a surgical mask keeps its own pale blue); folds are deterministic
/// in `seed`. `ears` are the points of ears that are parts of their own (the loops go round
/// them). Empty when the skin or landmarks do not fit.
std::vector<SurfaceMesh> dressFacewear(const FacewearStyle& style, const SurfaceMesh& skin,
                                       std::span<const Eigen::Vector3f> shaped,
                                       std::span<const Eigen::Vector3f> landmarks,
                                       std::span<const Eigen::Vector3f> ears,
                                       const Eigen::Vector3f& colour, std::uint64_t seed);

}  // namespace sf
