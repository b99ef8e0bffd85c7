#pragma once

#include "render/face_scene.h"

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
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
  float collarReach = 10.0f;  ///< mm the collar's fold reaches out (a hood lying down: more)
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

/// A built-in item of headwear: a shell over the scalp above a brim line that runs above
/// the brows in front, over the ears and round the back of the head.
struct HeadwearStyle {
  std::string id;                 ///< "beanie", "cap", ...
  std::string name;               ///< for people
  std::vector<std::string> tags;  ///< "knit", "visor"...
  float brimFront = 10.0f;        ///< mm above the brows in front
  float brimSide = 15.0f;         ///< mm above the eyes at the sides
  float brimBack = -10.0f;        ///< mm above the eyes behind
  float lift = 7.0f;              ///< mm above the scalp: room for flattened hair
  float crown = 0.0f;             ///< mm more toward the top (a slouch, a cap's crown)
  float cuff = 0.0f;              ///< mm: height of a folded cuff along the brim (0 none)
  float visor = 0.0f;             ///< mm: how far a visor reaches forward (0 none)
  bool knit = true;               ///< knit, else woven
  float brim = 0.0f;              ///< mm: how far a brim reaches out all round (hats; 0 none)
  /// A wrap (a headscarf, a hood) covers the head, the ears and the neck all round but for
  /// an opening that frames the face, this many mm outside it at the cheeks; 0: an item
  /// with a brim line.
  float opening = 0.0f;
  float drape = 0.0f;      ///< mm more room toward the back and below (a hood's fullness)
  bool openFront = false;  ///< a wrap open down the front of the neck (a hood)
  bool hidesHair = false;  ///< no scalp hair shows (a headscarf)
};

/// The built-in headwear, in a stable order.
std::span<const HeadwearStyle> builtinHeadwear();
/// The built-in headwear `id`, or nullptr.
const HeadwearStyle* findHeadwear(const std::string& id);

/// The head's frame of a face without expression or pose, in model space.
struct HeadFrame {
  Eigen::Vector3f centre = Eigen::Vector3f::Zero();  ///< on the head's vertical axis
  Eigen::Vector3f up = Eigen::Vector3f::UnitY();
  Eigen::Vector3f forward = Eigen::Vector3f::UnitZ();  ///< where the face looks
  float browHeight = 40.0f;                            ///< the brows above the centre, along up
  float eyeHeight = 15.0f;                             ///< the eyes above the centre, along up
  /// The neck joint: a wrap stands out from the line between it and the centre.
  Eigen::Vector3f neck = Eigen::Vector3f(0.0f, -100.0f, 0.0f);
  /// The 70 landmarks of the same face: where a wrap's opening goes (viewed, not owned).
  std::span<const Eigen::Vector3f> landmarks;
  /// Surfaces of their own that a wrap covers too (ears), in the same space: positions and
  /// triangles (viewed, not owned).
  std::vector<std::pair<std::span<const Eigen::Vector3f>, std::span<const std::array<int, 3>>>>
      over;
};

/// Puts `style` on the posed skin (one mesh, material Cloth, class HEADWEAR): a shell over
/// the skin above the brim line, decided on `shaped` like dressGarment(), lifted by the
/// style's room for hair, with a hem at the brim and a visor or a brim when the style has one.
/// A wrap instead covers all but the face's opening (found from `frame.landmarks`), snug at
/// the opening and smoothed over the ears and the hollow under the jaw as cloth bridges them.
SurfaceMesh dressHeadwear(const HeadwearStyle& style, const SurfaceMesh& skin,
                          std::span<const Eigen::Vector3f> shaped, const HeadFrame& frame,
                          const Eigen::Vector3f& colour, std::uint64_t seed);

}  // namespace sf
