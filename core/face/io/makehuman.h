#pragma once

// MakeHuman (hm08) as a SynthFace face model
// ==========================================
//
// Two layers. The readers parse MakeHuman's own files exactly as written and keep its units
// (decimetres) and axes; each throws sf::Error naming the file and the line (text formats)
// or the JSON pointer (JSON formats) for bad input. importMakeHuman() builds a FaceModel
// from them in SynthFace's conventions.
//
// The importer's rules (README of ../shared/thirdparty/makehuman for the formats):
//
// * Units and axes: millimetres (MakeHuman's decimetre x 100); MakeHuman already has y up,
//   the face along +z and +x toward the subject's left. The origin approximates the point
//   between the ear canals: the midpoint of the two pinnae's centroids, a pinna being the
//   base vertices that ears/{l,r}-ear-wing-incr.target moves (x is 0 by symmetry).
// * Parts: "skin" is the body (hm08 vertices 0..13379) cut to a bust like the built-in
//   head's: the faces that the top of the head reaches without crossing three edge loops of
//   the body, across the chest and around the upper arms (so the cut keeps whole quads, has
//   a smooth edge and leaves one connected piece), vertices renumbered in hm08 order,
//   MakeHuman's UVs kept. Eyes, corneas, teeth and tongue come from the eyes/high-poly,
//   teeth/teeth_base and tongue/tongue01 proxies fitted to the untargeted base mesh. The
//   eyeballs get UVs in SynthFace's eye convention (see eyeUvs in the .cpp): v grows with
//   the angle from the eye's axis, 0.34 at the rim of an 11.7 mm iris.
// * Identity: one mode per modifier of the groups head, forehead, eyebrows, eyes, nose,
//   mouth, ears, chin, cheek and neck of modeling_modifiers.json, plus four macro modes. A
//   FaceModel mode is linear, so a two-sided modifier (files <stem>-<min>, <stem>-<max>)
//   becomes the least-squares line through its three states (slider -1, 0, 1): the offset
//   (max - min) / 2 per slider unit. That is exact when the min target is the max target
//   negated; MakeHuman sculpted most sides separately (the importer reports how many are
//   exact), and elsewhere both ends miss their target by (max + min) / 2. A single-sided
//   modifier (0..1) is a mode from 0.
// * Names and groups: a mode is named after its files (nose-trans down|up ->
//   "nose_trans_up", l-eye-bag decr|incr -> "eye_bag_left"), its group is the built-in
//   head's region (head -> global, eyebrows -> eyes, chin -> jaw, cheek -> cheeks; the
//   others keep their names).
// * Standard deviations: a quarter of the slider for a two-sided modifier, so that +-3 SD
//   stays within MakeHuman's range, and an eighth of the target for a single-sided one (its
//   negative side extrapolates). Random faces then vary about as much as the built-in
//   head's: at 1 SD a face vertex moves by 7.4 mm RMS (masculinity alone 6.1 mm, the other
//   modes 4.6 mm), the built-in head's by 5.9 mm. A third of the slider made caricatures:
//   MakeHuman's many local sliders were not made to be combined at random.
// * Macro modes, from the caucasian and universal targets: "masculinity" (one SD is half of
//   young female -> young male, so +-1 is the two sexes), "age" (one SD is a fifth of young
//   -> old, about 13 years; both sexes averaged), "body_weight" and "muscle_tone"
//   (universal young min -> max at the other's average, both sexes averaged; a quarter of
//   the slider).
// * Modes reshape the head about the origin: outside the ears' group, a mode that moves the
//   pinnae's midpoint is shifted back by that much (MakeHuman's macro targets change the
//   body's height, and its head and neck translations move the head over the shoulders).
// * Expressions: the 34 legacy expression units (targets/expression/units/caucasian), at
//   full weight, named after their files. Proxies follow a morph exactly, as a fixed
//   function of the base vertices; for identity modes they are refitted completely (their
//   offsets' scale follows the head, as after modelling in MakeHuman), for expressions with
//   the neutral face's scale (as MakeHuman poses a fitted proxy), and without moving the
//   upper teeth, which are fixed to the skull (MakeHuman's teeth join the two gums at the
//   back, so the jaw would otherwise drag the upper gum's back corners along).
// * Skeleton: chest, neck, head, jaw, eye_right, eye_left at the heads of MakeHuman's bones
//   spine01, neck01, head, jaw, eye.R, eye.L. Every MakeHuman bone's weights go to the
//   nearest of these up its parent chain (chest when none is), keeping the four largest.
//   Eyes and corneas ride on their eye, lower teeth and tongue on the jaw, upper teeth on
//   the head.
// * Labels are left for registration: every skin face is LabelClass::Skin, and the model
//   has no landmarks yet, so it does not pass validateFaceModel() until they are added.

#include "face/face_model.h"

#include <Eigen/Core>

#include <array>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sf {

/// A Wavefront OBJ as MakeHuman writes its base mesh and proxy meshes. MakeHuman's targets,
/// proxies, skeletons and weights address vertices by the index of their `v` line, so this
/// reader keeps the `v` and `vt` lines in file order and each face corner's v/vt pair as
/// written (a general importer such as Assimp splits and reorders vertices per corner).
struct MhObj {
  std::vector<Eigen::Vector3d> positions;  ///< `v` lines, in file order (file units)
  std::vector<Eigen::Vector2f> uvs;        ///< `vt` lines, in file order
  std::vector<int> faceSizes;              ///< corners of each `f` line
  std::vector<int> faceIndices;            ///< 0-based position index per corner
  std::vector<int> uvIndices;              ///< 0-based UV index per corner; empty without UVs
  std::vector<std::string> groups;         ///< `g` names, in order of first appearance
  std::vector<int> faceGroups;             ///< per face, index into groups; -1 before any `g`

  int vertexCount() const { return static_cast<int>(positions.size()); }
  int faceCount() const { return static_cast<int>(faceSizes.size()); }
};

/// Reads an OBJ: `v`, `vt`, `f` (v, v/vt, v/vt/vn or v//vn corners, 1-based or negative),
/// `g`; `vn`, `o`, `s`, `mtllib` and `usemtl` are accepted and ignored. Throws sf::Error
/// naming the file and line for a missing file, an unknown statement, a missing or
/// non-numeric field, a non-finite number, an index out of range, or faces that mix corners
/// with and without UVs.
MhObj readMhObj(const std::filesystem::path& path);

/// A morph target: sparse offsets of base-mesh vertices, in file order (file units).
struct MhTarget {
  std::vector<int> vertices;
  std::vector<Eigen::Vector3d> deltas;
};

/// Reads a .target file: `index dx dy dz` lines and `#` comments. Throws sf::Error naming the
/// file and line for a missing file, a line without four fields, a non-number, a non-finite
/// offset, an index outside 0..vertexCount-1, or an index listed twice.
MhTarget readMhTarget(const std::filesystem::path& path, int vertexCount);

/// One slider of modeling_modifiers.json.
struct MhModifier {
  std::string group;          ///< "head", "nose", "macrodetails"...
  std::string target;         ///< file stem, such as "nose-trans"; empty for a macro
  std::string min;            ///< "down": the file <target>-<min>.target; empty if single
  std::string max;            ///< "up": the file <target>-<max>.target; empty if single
  std::string macroVariable;  ///< "Gender", "Age"...; empty unless a macro
  std::string modifierType;   ///< "EthnicModifier" or empty

  bool twoSided() const { return !min.empty(); }
  /// MakeHuman's name for it: "nose/nose-trans-down|up", "head/head-oval",
  /// "macrodetails/Gender".
  std::string name() const;
};

/// Reads modeling_modifiers.json: an array of {"group", "modifiers"}, each modifier either
/// {"target"[, "min", "max"]} or {"macrovar"[, "modifierType"]}, in file order. Throws
/// sf::Error naming the file and JSON pointer for malformed JSON, unknown keys (with a "did
/// you mean"), wrong types, and a modifier with only one of min and max.
std::vector<MhModifier> readMhModifiers(const std::filesystem::path& path);

/// A bone of a .mhskel skeleton.
struct MhBone {
  std::string name;
  int parent = -1;   ///< index into MhSkeleton::bones, -1 for a root; parents come first
  std::string head;  ///< joint names
  std::string tail;
};

/// A MakeHuman skeleton: bones whose ends are joints placed at the mean of base vertices, so
/// the skeleton follows any morph of the base mesh.
struct MhSkeleton {
  std::string name;
  int version = 0;
  std::string weightsFile;    ///< relative to the .mhskel's folder; empty if none
  std::vector<MhBone> bones;  ///< parents before children, siblings in file order
  std::vector<std::string> jointNames;
  std::vector<std::vector<int>> jointVertices;  ///< per joint, base-mesh vertex indices

  int findBone(std::string_view boneName) const;
  int findJoint(std::string_view jointName) const;
  /// The mean of a joint's vertices in `base`.
  Eigen::Vector3d jointPosition(int joint, std::span<const Eigen::Vector3d> base) const;
};

/// Reads a .mhskel file. Throws sf::Error naming the file and JSON pointer for malformed
/// JSON, unknown keys, a bone whose parent is not a bone or whose head or tail is not a joint
/// (with a "did you mean"), a cycle, or a joint vertex outside 0..vertexCount-1.
MhSkeleton readMhSkeleton(const std::filesystem::path& path, int vertexCount);

/// Skinning weights of a .mhw file, normalised per vertex.
struct MhWeights {
  std::vector<std::string> bones;  ///< bone names, in file order
  /// Per vertex: (bone index, weight) pairs summing to 1, largest first; empty for a vertex
  /// no bone weights.
  std::vector<std::vector<std::pair<int, float>>> vertices;
};

/// Reads a .mhw file for a mesh of `vertexCount` vertices. Throws sf::Error naming the file
/// and JSON pointer for malformed JSON, unknown keys, a pair that is not [index, weight], an
/// index out of range, or a weight that is negative or not finite.
MhWeights readMhWeights(const std::filesystem::path& path, int vertexCount);

/// A fitted asset (.mhclo) or body replacement (.proxy): how each vertex of its OBJ follows
/// the base mesh.
struct MhcloProxy {
  /// One asset vertex: wi P[i] + wj P[j] + wk P[k] + S d, P the current base positions and S
  /// the scale below. The 1-number form ("sits on base vertex i") is {i, i, i}, {1, 0, 0},
  /// offset 0.
  struct Reference {
    std::array<int, 3> vertices{0, 0, 0};
    std::array<double, 3> weights{1, 0, 0};
    Eigen::Vector3d offset{0, 0, 0};
  };
  /// One axis of S: |P[a] - P[b]| along the axis over `reference`; 1 when absent (a < 0).
  struct Scale {
    int a = -1;
    int b = -1;
    double reference = 1;
  };

  std::string name;
  std::string uuid;
  std::string basemesh;  ///< "hm08"
  std::string description;
  std::vector<std::string> tags;
  std::filesystem::path objFile;  ///< resolved against the .mhclo's folder; empty if none
  std::filesystem::path material;
  std::filesystem::path vertexBoneWeightsFile;
  int zDepth = 0;
  std::array<Scale, 3> scale;         ///< x, y, z
  std::vector<Reference> references;  ///< one per vertex of the asset's OBJ, in order
  std::vector<int> deleteVertices;    ///< base vertices it hides, ascending, no duplicates
};

/// Reads a .mhclo or .proxy file. Keywords before, between or after the fitting lines are
/// header keywords (name, uuid, tag, basemesh, obj_file, material, z_depth, x/y/z_scale,
/// vertexboneweights_file, description, ...); `verts 0` starts the fitting block and
/// `delete_verts` a block of indices and `a - b` ranges. Throws sf::Error naming the file
/// and line for a missing file, an unknown keyword (with a "did you mean"), a fitting line
/// of other than 1 or 9 numbers, a non-number or non-finite number, or a base vertex index
/// outside 0..baseVertexCount-1.
MhcloProxy readMhclo(const std::filesystem::path& path, int baseVertexCount);

/// The proxy's offset scale S for base positions `base`: per axis |P[a] - P[b]| over the
/// reference distance, or 1.
Eigen::Vector3d mhcloScale(const MhcloProxy& proxy, std::span<const Eigen::Vector3d> base);

/// The asset's vertex positions for base positions `base`, with the offsets scaled by
/// `scale` (the references must lie in range; readMhclo checked them against the base's
/// vertex count).
std::vector<Eigen::Vector3d> fitMhcloProxy(const MhcloProxy& proxy,
                                           std::span<const Eigen::Vector3d> base,
                                           const Eigen::Vector3d& scale);

/// fitMhcloProxy() with the scale measured on `base` itself, as MakeHuman fits an asset.
std::vector<Eigen::Vector3d> fitMhcloProxy(const MhcloProxy& proxy,
                                           std::span<const Eigen::Vector3d> base);

/// How importMakeHuman() builds the model.
struct MakeHumanImportOptions {
  /// Called with one line per step, such as "reading targets 120/286", and with notes on
  /// approximations ("modes: 10 of 139 two-sided modifiers are exact...").
  std::function<void(std::string_view)> progress;
  /// The bust is cut along edge loops of the body, so its edge is smooth: across the chest,
  /// the loop closest to this height (model space, millimetres; the origin is between the
  /// ears)...
  float bustBottom = -270.0f;
  /// ...and around each upper arm, the loop closest to the plane across the arm this far
  /// from the shoulder joint (MakeHuman's upperarm01 bone), in millimetres.
  float armCut = 30.0f;
};

/// The hm08 head as a FaceModel, from MakeHuman's data folder (the one holding 3dobjs/,
/// targets/, rigs/, eyes/, teeth/, tongue/ and modifiers/), by the rules at the top of this
/// header. The model has no landmarks; everything else passes validateFaceModel(). Throws
/// sf::Error naming the file for anything missing or malformed.
FaceModel importMakeHuman(const std::filesystem::path& dataDir,
                          const MakeHumanImportOptions& options = {});

}  // namespace sf
