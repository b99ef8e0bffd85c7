#pragma once

#include "render/face_scene.h"

#include <Eigen/Geometry>

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace sf {

/// How a groom gathers its hair, if it does: combed from every root to a tie on the skull,
/// then on from the tie as a tail, a bun or plaits.
enum class GroomGather : std::uint8_t {
  None,      ///< every strand falls where its combing and gravity take it
  Ponytail,  ///< a tail from one tie, spreading as it falls
  Bun,       ///< coiled round into a ring on the tie
  Braid,     ///< one three-strand plait from the tie
  Braids,    ///< two plaits, one from a tie on each side
};

/// A procedural hair style: how long the strands are, how they are combed, how they fall and
/// curl. Any style can be any natural colour (the colour comes from the sample's melanin).
struct GroomStyle {
  std::string id;                 ///< "short_crop", "bob", ...
  std::string name;               ///< for people
  std::vector<std::string> tags;  ///< "short", "long", "curly", "fitsUnderHeadwear"...
  float length = 40.0f;           ///< mm, mean strand length
  float lengthJitter = 0.2f;      ///< relative spread of lengths
  float density = 1.0f;           ///< strands per mm^2 of scalp
  float lift = 0.3f;              ///< 0 combed flat on the scalp, 1 standing out
  float volume = 5.0f;            ///< mm: thickness of the hair layer over the scalp
  float gravity = 0.5f;           ///< how strongly strands beyond the scalp fall
  float curlRadius = 0.0f;        ///< mm
  float curlPeriod = 20.0f;       ///< mm of strand per turn
  float frizz = 0.05f;            ///< random bending per step
  float recession = 0.0f;         ///< 0 a full hairline, 1 the crown bald
  float partSide = 0.0f;          ///< -1 parted on the subject's right, 1 left, 0 combed back
  float fringe = 0.0f;            ///< 0 combed back from the forehead, 1 falling forward over it
  GroomGather gather = GroomGather::None;
  /// Where a gathered groom's tie sits on the skull: -1 at the nape, 0 the middle of the
  /// back of the head, 1 the crown (a top knot).
  float tieHeight = 0.0f;
  /// mm: a tail's or plait's length past the tie; a bun's outer radius.
  float tailLength = 0.0f;
};

/// Where a groom must stop on a particular head, in head space (the head joint's frame,
/// millimetres): the haircut keeps the face clear and rests on the shoulders.
struct GroomFit {
  float browY = 40.0f;          ///< fringes are cut at the brows
  float faceFrontZ = 90.0f;     ///< the face's front (the brows' depth)
  float faceHalfWidth = 70.0f;  ///< hair in front of the face, within this, is cut at the brows
  float shoulderY = -120.0f;    ///< strands end at the shoulders
  float mouthY = -50.0f;        ///< the mouth's slit: moustaches stop at it
  float mouthHalfWidth = 25.0f;
  float mouthFrontZ = 95.0f;
  /// Moves a world-space point out of the head to at least `offset` mm above the skin;
  /// empty: the skull ellipsoid alone keeps strands out.
  std::function<Eigen::Vector3f(const Eigen::Vector3f& world, float offset)> pushOutOfHead;
  /// Moves a world-space point, inside or out, to `offset` mm above the skin straight
  /// below it (seen from the head's middle): gathered hair lies on the head this way.
  /// Empty: the skull ellipsoid alone.
  std::function<Eigen::Vector3f(const Eigen::Vector3f& world, float offset)> onHead;
};

/// The built-in grooms, in a stable order.
std::span<const GroomStyle> builtinGrooms();
/// The built-in groom `id`, or nullptr.
const GroomStyle* findGroom(const std::string& id);

/// Grows `style` on the scalp of the posed skin `skin` (triangles with the kGrowthScalp bit;
/// roots are placed by the template's surface area, so the same groom has the same roots on
/// every identity and follows the surface). Strands keep outside an ellipsoid fitted to the
/// skull, fall with gravity in world space and curl about their path. Deterministic in
/// `seed`.
HairStrands growHair(const GroomStyle& style, const SurfaceMesh& skin,
                     const Eigen::Isometry3f& worldFromHead, const GroomFit& fit,
                     std::uint64_t seed);

/// A procedural beard or moustache: where on the face it grows and how long.
struct BeardStyle {
  std::string id;
  std::string name;
  std::vector<std::string> tags;
  float length = 10.0f;      ///< mm
  float density = 3.0f;      ///< hairs per mm^2
  std::uint8_t regions = 0;  ///< GrowthRegion bits: kGrowthBeard, kGrowthMoustache
  float maxAbsX = 0.0f;      ///< only within this distance of the midline (0: anywhere)
  float lift = 0.3f;         ///< 0 flat on the skin, 1 standing out
  float curlRadius = 0.0f;   ///< mm
};

/// The built-in beards and moustaches, in a stable order.
std::span<const BeardStyle> builtinBeards();
const BeardStyle* findBeard(const std::string& id);

/// Grows `style` on the skin's beard and moustache regions: hairs lying downward along the
/// skin (outward for a moustache), kept out of the skin and off the mouth. Labelled Beard,
/// soft mask "beard".
HairStrands growBeard(const BeardStyle& style, const SurfaceMesh& skin,
                      const Eigen::Isometry3f& worldFromHead, const GroomFit& fit,
                      std::uint64_t seed);

/// The shape and hair of a pair of brows, drawn along the brow landmarks (17-21, 22-26).
struct BrowStyle {
  std::string id;
  std::string name;
  std::vector<std::string> tags;
  float innerHalfHeight = 4.0f;  ///< mm: half the brow's height at its inner end
  float outerHalfHeight = 1.4f;  ///< mm: at its tail
  float arch = 0.0f;             ///< mm the brow rises above the landmarks at its peak
  float tailCut = 0.0f;          ///< share of the brow's length missing at the tail
  float bridge = 0.0f;           ///< mm it reaches in past the inner landmark (toward a unibrow)
  float density = 1.4f;          ///< hairs per mm^2 where the brow is full
  float length = 7.0f;           ///< mm: the inner hairs (the tail's are shorter)
  float lift = 0.0f;             ///< 0 hairs sweep to the temple, 1 brushed upward
};

/// The built-in brows, in a stable order; the first is the default.
std::span<const BrowStyle> builtinBrows();
const BrowStyle* findBrow(const std::string& id);

/// Grows the brow of one side (0 the subject's right, 1 the left) where the skin's
/// browWeight is high (painted for `style`): short hairs lying almost flat along the brow,
/// upward at its inner end and toward the temple along its body, where the upper hairs
/// slant a little down and the lower ones a little up to meet along its middle line; as
/// long and dense as the style says. With `fit.onHead`, each hair follows the skin's curve
/// a hair's breadth above it (a lifted style's tips rise a little more); without, hairs
/// grow straight from their roots and bend back toward the skin. Labelled RightBrow or
/// LeftBrow, soft mask "right_brow" or "left_brow".
HairStrands growBrow(const BrowStyle& style, const SurfaceMesh& skin,
                     const Eigen::Isometry3f& worldFromHead, const GroomFit& fit, int side,
                     std::uint64_t seed);

/// A set of eyelashes.
struct LashStyle {
  std::string id;
  std::string name;
  std::vector<std::string> tags;
  float length = 1.0f;   ///< times the typical length (upper 9 mm, lower 5.5 mm)
  float density = 1.0f;  ///< times the typical count (150 upper, 80 lower an eye)
  float curl = 1.0f;     ///< times the typical curl away from the eye
  float radius = 1.0f;   ///< times the typical fibre radius (mascara thickens)
};

/// The built-in lash sets, in a stable order; the first is the default.
std::span<const LashStyle> builtinLashes();
const LashStyle* findLashes(const std::string& id);

/// Grows the lashes on the skin's kGrowthLashes triangles (the front of each lid margin):
/// about 150 upper lashes an eye, 9 mm long at most, leaving the margin forward, fanning
/// out from the eyeball's centre and curling up; 80 shorter, finer lower ones curling down. Both
/// thin out toward the inner corner, and neighbours clump. `style` scales count, length, curl and
/// thickness, and `length` scales the length again. `eyeCentres` are the eyeballs' centres in world
/// space (right, left). One set per eye, labelled as that eye, soft mask "lashes".
std::vector<HairStrands> growLashes(const LashStyle& style, const SurfaceMesh& skin,
                                    const std::array<Eigen::Vector3f, 2>& eyeCentres,
                                    const Eigen::Isometry3f& worldFromHead, float length,
                                    std::uint64_t seed);

/// Absorption of a hair fibre per unit radius from its melanin (0 blond, 1 black) and the
/// share of red pheomelanin, after Chiang et al. 2016.
Eigen::Vector3f hairAbsorption(float melanin, float redness);

}  // namespace sf
