#pragma once

#include "face/poly_mesh.h"

#include <Eigen/Geometry>

#include <array>

#include <cstdint>
#include <string>
#include <vector>

namespace sf {

/// FaceSynthetics segmentation classes (../shared/specs/labels.md). Left and right are the
/// subject's own: LeftEye is the subject's left eye, on the image right of a frontal face.
enum class LabelClass : std::uint8_t {
  Background = 0,
  Skin = 1,
  Nose = 2,
  RightEye = 3,
  LeftEye = 4,
  RightBrow = 5,
  LeftBrow = 6,
  RightEar = 7,
  LeftEar = 8,
  MouthInterior = 9,
  TopLip = 10,
  BottomLip = 11,
  Neck = 12,
  Hair = 13,
  Beard = 14,
  Clothing = 15,
  Glasses = 16,
  Headwear = 17,
  Facewear = 18,
  Ignore = 255,
};

/// Where hair may grow, per face, as bit flags (a face can be both skin and beard).
enum GrowthRegion : std::uint8_t {
  kGrowthNone = 0,
  kGrowthScalp = 1 << 0,
  kGrowthBrows = 1 << 1,
  kGrowthLashes = 1 << 2,
  kGrowthBeard = 1 << 3,
  kGrowthMoustache = 1 << 4,
};

/// How a part is shaded; the renderer picks its material from this.
enum class PartMaterial : std::uint8_t {
  Skin,
  Sclera,  ///< eyeball white, with the iris and pupil painted through its UVs
  Cornea,  ///< clear, refracting
  TearLine,
  Caruncle,
  Teeth,
  Tongue,
  MouthCavity,
};

/// One mesh of the model (the skin surface, an eyeball, the teeth...). Its vertices are the
/// range [firstVertex, firstVertex + mesh.vertexCount()) of the model's shared vertex array,
/// so morph targets and skinning address all parts alike.
struct FacePart {
  std::string name;  ///< "skin", "eye_left", "cornea_left", "teeth_upper", ...
  PartMaterial material = PartMaterial::Skin;
  PolyMesh mesh;  ///< rest positions (the template), local indices
  int firstVertex = 0;
  bool subdivide = true;                 ///< refined with Catmull-Clark for rendering
  std::vector<LabelClass> faceClass;     ///< one per face
  std::vector<std::uint8_t> faceGrowth;  ///< one per face, GrowthRegion bits

  friend bool operator==(const FacePart&, const FacePart&) = default;
};

/// A sparse vertex offset: identity modes, expression blendshapes and correctives.
struct MorphTarget {
  std::string name;  ///< "nose_width", "jawOpen", "eyeBlinkLeft+jawOpen"...
  std::string
      group;  ///< identity: region ("nose", "jaw", "global"...); expression: "eyes", "mouth"...
  float sigma = 1.0f;         ///< identity modes: millimetres of one SD, for display; else 1
  std::vector<int> vertices;  ///< global vertex indices, ascending
  std::vector<Vec3f> deltas;  ///< offset at coefficient 1 (one SD for identity modes)
  std::vector<int> drivers;   ///< correctives only: expression indices whose weights multiply

  friend bool operator==(const MorphTarget&, const MorphTarget&) = default;
};

/// A joint of the skeleton, in the rest pose. Joints carry no rest rotation: their frames
/// are parallel to model space.
struct Joint {
  std::string name;             ///< at least "neck", "head", "jaw", "eye_left", "eye_right"
  int parent = -1;              ///< index of the parent joint, -1 for the root; parents come first
  Vec3f restPosition{0, 0, 0};  ///< pivot in model space for the template (millimetres)
  /// When not empty, the pivot follows the identity: it moves by the mean identity offset
  /// of these global vertices (an eye joint follows its eyeball).
  std::vector<int> anchorVertices;

  friend bool operator==(const Joint&, const Joint&) = default;
};

/// Up to four joint influences per vertex (linear blend skinning).
struct SkinWeights {
  static constexpr int kInfluences = 4;
  std::vector<std::array<int, kInfluences>> joints;     ///< per vertex; unused slots 0
  std::vector<std::array<float, kInfluences>> weights;  ///< per vertex; sum 1

  friend bool operator==(const SkinWeights&, const SkinWeights&) = default;
};

/// A named point that follows the surface: on a face of a part (exact on the limit surface
/// for subdivided parts), or fixed relative to a joint (the pupil centres).
struct Landmark {
  enum class Kind : std::uint8_t { Surface, Joint };
  std::string name;  ///< "jaw_00", ..., "pupil_left"; dense points "dense_0123"
  Kind kind = Kind::Surface;
  int part = 0;    ///< Surface: the part
  int face = 0;    ///< Surface: face of that part
  Vec2f uv{0, 0};  ///< Surface: bilinear (u, v) in a quad, or barycentric (b1, b2) in a triangle
  int joint = 0;   ///< Joint: the joint
  Vec3f offset{0, 0, 0};  ///< Joint: offset from the joint's rest position, in rest space

  friend bool operator==(const Landmark&, const Landmark&) = default;
};

/// A morphable head: template parts, identity modes, expression blendshapes with
/// correctives, a skeleton with skinning, and landmarks. Model space is millimetres,
/// y up, the face looking along +z, x toward the subject's left; the origin is between the
/// ear canals. Every model SynthFace uses, built in or imported, is of this one kind.
struct FaceModel {
  static constexpr int kFormatVersion = 1;

  std::string name;     ///< "synthface-default-head"
  std::string version;  ///< the content's version, such as "1.0.0"
  std::string license;  ///< SPDX id or text
  std::string author;

  std::vector<FacePart> parts;
  std::vector<MorphTarget> identity;
  std::vector<MorphTarget> expressions;
  std::vector<MorphTarget> correctives;
  std::vector<Joint> joints;
  SkinWeights skin;                      ///< one entry per global vertex
  std::vector<Landmark> landmarks;       ///< exactly 70: iBUG 68 then pupils (labels.md)
  std::vector<Landmark> denseLandmarks;  ///< any number, stable order

  /// Number of vertices over all parts.
  int vertexCount() const;
  /// Index of the part, joint, expression... with this name, or -1.
  int findPart(const std::string& partName) const;
  int findJoint(const std::string& jointName) const;
  int findExpression(const std::string& expressionName) const;
  int findIdentity(const std::string& modeName) const;

  /// All rest positions, parts concatenated (the template's vertex array).
  std::vector<Vec3f> restPositions() const;

  friend bool operator==(const FaceModel&, const FaceModel&) = default;
};

/// Checks a model for consistency: part vertex ranges, face sizes and indices, classes per
/// face, finite positions, sorted morph vertex lists within range, joints ordered with
/// parents first, weights summing to 1, landmarks on existing faces. Throws sf::Error
/// naming `source` (a file name, or "" for a model built in memory) and the element by a
/// JSON pointer, such as "head.sfm: /parts/2/faces/17: part 'cornea_left': face 17: vertex
/// index 912 out of range (0..480)".
void validateFaceModel(const FaceModel& model, const std::string& source);

}  // namespace sf
