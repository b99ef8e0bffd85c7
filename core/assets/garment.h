#pragma once

#include "render/face_scene.h"

#include <Eigen/Core>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sf {

/// Where a layer of clothing ends at the neck.
enum class Neckline : std::uint8_t {
  Crew,    ///< round, at the base of the neck
  VNeck,   ///< a V down the front
  Scoop,   ///< a wide round dip in front
  Turtle,  ///< up the neck to just under the jaw, folded over
  Mock,    ///< half way up the neck
};

/// One layer of a garment: a shell over the shoulders and neck from the neckline down.
struct GarmentLayer {
  Neckline neckline = Neckline::Crew;
  float depth = 0.0f;         ///< mm: how far a V or scoop dips in front
  float thickness = 1.5f;     ///< mm above the skin at the neckline
  float looseness = 4.0f;     ///< mm more, reached 5 cm below the neckline
  float wrinkles = 1.0f;      ///< mm: amplitude of the folds
  bool knit = true;           ///< knit loops (jersey, sweaters) or a woven weave (shirts)
  float collar = 0.0f;        ///< mm: height of a shirt collar's stand (0 none)
  float frontOpening = 0.0f;  ///< radians either side of the front where the collar is open
  int colour = 0;             ///< 0 the garment's colour, 1 white, 2 a darker shade of it
};

/// A built-in garment: one or more layers, outermost last.
struct GarmentStyle {
  std::string id;                 ///< "tshirt_crew", "turtleneck", ...
  std::string name;               ///< for people
  std::vector<std::string> tags;  ///< "casual", "formal", "knit", "collar"...
  std::vector<GarmentLayer> layers;
};

/// The built-in garments, in a stable order.
std::span<const GarmentStyle> builtinGarments();
/// The built-in garment `id`, or nullptr.
const GarmentStyle* findGarment(const std::string& id);

/// The neck's frame of a face without expression or pose, in model space: where a
/// neckline is measured from.
struct NeckFrame {
  Eigen::Vector3f base = Eigen::Vector3f(0.0f, -185.0f, -20.0f);  ///< the neck joint
  Eigen::Vector3f up = Eigen::Vector3f::UnitY();                  ///< toward the head joint
  float chinHeight = 80.0f;  ///< the chin (landmark 8) above the base, along up
};

/// Dresses the posed skin in `style`: per layer, a mesh (material Cloth, class CLOTHING)
/// over the skin triangles below the layer's neckline, lifted along the skin's normals by
/// the layer's thickness and looseness with folds, closed at the neckline by a hem down
/// to the skin, with a collar when the layer has one. Which triangles a layer covers is
/// decided on `shaped` (the skin's vertices in this identity without expression or pose),
/// so the garment follows the body as it moves. `colour` is the garment's linear albedo;
/// folds are deterministic in `seed`. The layers come back innermost first.
std::vector<SurfaceMesh> dressGarment(const GarmentStyle& style, const SurfaceMesh& skin,
                                      std::span<const Eigen::Vector3f> shaped,
                                      const NeckFrame& frame, const Eigen::Vector3f& colour,
                                      std::uint64_t seed);

}  // namespace sf
