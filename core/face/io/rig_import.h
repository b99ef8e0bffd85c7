#pragma once

// Rigged heads from glTF 2.0, FBX and OBJ as SynthFace face models
// =================================================================
//
// importRiggedHead() reads a head mesh with its morph targets and skin through Assimp, fits
// a reference model to it (registerModel, normally the built-in head) and builds a complete
// FaceModel on the file's topology (modelFromRegistration): landmarks, labels, eyes, teeth,
// tongue and everything else the file leaves out come from the reference; the file's own
// morph targets, skin weights and joint pivots replace what was carried across.
//
// The sidecar
// -----------
// A JSON file that says what the mesh file cannot: RigImportOptions::sidecar, or else
// "<file>.sidecar.json" beside the file ("head.glb.sidecar.json") when it exists. Every key
// is optional; unknown keys are errors (with a "did you mean").
//
//   {
//     "name": "alex",                 model name (default: the file's stem)
//     "license": "CC-BY-4.0",         (default "unknown")
//     "author": "Jo Smith",           (default "unknown")
//     "surface": ["Head", "Ears"],    meshes (or nodes) that form the head surface
//     "unitsInMillimetres": 10,       millimetres per file unit
//     "up": "+z", "forward": "-y",    the file's axes: where the head's top and face point
//     "keepUvs": false,               true: keep the file's UVs instead of the reference's
//     "identity": {"NoseWide": {"group": "nose", "sigma": 2.5, "name": "nose_width"}},
//     "expressions": ["jawOpen", "eyeBlinkLeft", {"Smile_L": {"group": "mouth"}}],
//     "joints": {"neck": "Neck", "head": "Head", "jaw": "Jaw",
//                "eye_left": "LeftEye", "eye_right": "RightEye"},
//     "landmarks": {"nose_30": [0.0, 161.2, 10.4], "jaw_8": [0.0, 142.0, 6.5]}
//   }
//
// * "surface": each name selects the meshes of that name, or every mesh of the nodes of that
//   name, in the order given. Default: the mesh with the most faces.
// * Units: glTF is in metres (1000); FBX uses the file's UnitScaleFactor (centimetres per
//   unit, so 10 x that; 10 when the file has none); OBJ defaults to millimetres (1).
// * Axes: SynthFace's model space has y up and the face looking along +z; "up" and
//   "forward" are each one of "+x", "-x", "+y", "-y", "+z", "-z" and must be perpendicular.
//   Default "+y" and "+z", except that FBX files use their UpAxis and FrontAxis settings.
// * "identity" and "expressions": the morph targets to import, as a list of target names or
//   an object of name -> options; a list may also hold one-key objects. Options: "name"
//   (the name in the model; default the target's name without a leading "identity_", spelt
//   as the reference spells it when the two match but for letter case), "group" and, for
//   identity only, "sigma" (the millimetres of one standard deviation, for display; the
//   target as stored is one SD). A target that replaces a carried one keeps its group and
//   sigma unless given; a new one defaults to group "global" (identity) or "other"
//   (expression) and to its largest offset as sigma. With neither key, targets match by name:
//   one named as a reference expression (letter case aside, also after a "blendShape1." or
//   "ns:" prefix) is that expression, one named as a reference identity mode, or
//   "identity_<mode>" as `synthface model export` writes them, is that mode; the others are
//   ignored, with a progress note naming them.
// * "joints": SynthFace joint -> the file's joint (node) name. Without it, the file's bones
//   are matched to the reference's joints by name, letter case, separators and namespace
//   ("mixamorig:") aside: the reference's own names, and for the five head joints also
//   neck/neck01, head, jaw/mandible/lowerjaw, eye_l/eye.L/LeftEye/l_eye and the like.
// * "landmarks": reference landmark names (FaceModel::landmarks or denseLandmarks: "nose_30",
//   "jaw_8", ...) -> positions on the mesh, in the file's units and axes. They guide the
//   registration (RegistrationOptions::landmarks).
//
// What the importer does
// ----------------------
// * Reading: through Assimp without triangulation, so OBJ and FBX quads stay quads; faces of
//   more than four corners are split into triangles, points and lines are skipped. A mesh of
//   triangles only, nine tenths of which pair up as a quad cut along its 0-2 diagonal
//   ((a, b, c) then (a, c, d), as glTF exporters write quads, SynthFace's among them), gets
//   its quads back, so the surface subdivides as the original did. Unskinned meshes are
//   placed by their node's transform; skinned ones too, except in glTF, whose skinned meshes
//   are in the skeleton's space already.
// * Welding: importers split vertices at UV and normal seams (OBJ and FBX into one vertex
//   per face corner), so the vertices of each surface mesh are joined again by exact
//   position: copies identical in position, normal, UV, morph offsets and skin weights, and
//   copies at equal positions on either side of an edge that exactly two faces share (a
//   seam). Distinct vertices that only touch, such as closed lips whose upper and lower
//   vertices coincide but whose normals differ, stay apart. An edge shared by more than two
//   faces after welding is an error (an OBJ without normals cannot tell closed lips apart).
// * Morph targets: the file's deltas replace, on the surface's vertices, those carried
//   across for a target of the same name (the eyes, teeth and tongue keep the reference's);
//   other targets are added. Deltas below 1e-4 mm are dropped.
// * Skin: the bones' weights on the surface go to the mapped SynthFace joints; a bone that
//   is not mapped gives its weight to its nearest mapped ancestor in the node hierarchy, or
//   to the model's root joint (the built-in head's "chest") when it has none. The four
//   largest are kept and normalised; vertices no bone weights keep the carried weights. With
//   no mapped bone, the weights carried across from the reference stay. A mapped joint's
//   pivot is its bind position (the inverse of aiBone::mOffsetMatrix, or the node's
//   transform for a joint that weights nothing); the eyeball parts that ride on a mapped
//   eye joint move with its pivot, unless it lies over 5 mm from the fitted eyeball's centre
//   (then it is not an eyeball's centre, and the fitted pivot stays, with a progress note).
//   Joints the file lacks are placed by the registration.
// * Placement: the finished model is moved (turned and shifted, not scaled) so that it sits
//   like the reference: y up, face along +z, the origin between the ear canals.
// * UVs: the skin gets the reference's UV layout (none, if the reference has none), so its
//   textures fit, unless "keepUvs" is true.

#include "face/face_model.h"
#include "face/registration.h"

#include <filesystem>
#include <functional>
#include <string_view>

namespace sf {

/// How importRiggedHead() reads a file.
struct RigImportOptions {
  std::filesystem::path sidecar;  ///< empty: none (then "<file>.sidecar.json" beside the file
                                  ///< is used if it exists)
  /// Lines such as "surface: meshes 'skin': 7152 vertices, 14166 faces" and notes on what
  /// was ignored, then the registration's own progress.
  std::function<void(std::string_view)> progress;
  /// When given, receives the registration's report (residuals overall, over the face and
  /// per region).
  RegistrationReport* registration = nullptr;
};

/// Imports a head mesh with optional morph targets and skin as a FaceModel, using
/// `reference` (normally the built-in head, loadFaceModel("default")) for everything the file
/// and sidecar leave out, by registration (rules at the top of this header). The result
/// passes validateFaceModel(). Writes nothing. Throws sf::Error naming the file (or the
/// sidecar) and the element for: a missing, unreadable or truncated file (with Assimp's
/// message), an unsupported extension, no meshes, an empty mesh, a non-finite coordinate,
/// morph targets whose vertex count differs from their mesh's, non-manifold edges after
/// welding, a malformed sidecar (JSON pointer; unknown keys, target, joint, mesh and landmark
/// names with a "did you mean"), and a registration that fails (its error passes through).
FaceModel importRiggedHead(const std::filesystem::path& file, const FaceModel& reference,
                           const RigImportOptions& options);

}  // namespace sf
