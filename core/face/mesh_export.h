#pragma once

#include "face/poly_mesh.h"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace sf {

/// Model space is millimetres; glTF is metres. glTF export multiplies positions, morph
/// deltas and joint positions by this; OBJ files stay in millimetres.
inline constexpr float kGltfMetresPerMillimetre = 0.001f;

/// A morph target of one ExportMesh: a name and a dense position offset per vertex.
struct ExportMorphTarget {
  std::string name;           ///< becomes the shape key name in Blender
  std::vector<Vec3f> deltas;  ///< one per entry of the mesh's positions, millimetres
};

/// One mesh to export, filled by the caller (a FaceModel part, an evaluated head...).
struct ExportMesh {
  static constexpr int kInfluences = 4;

  std::string name;  ///< unique in the scene
  /// Positions in millimetres, faces of 3 or 4 vertices, optional face-varying UVs (v up,
  /// as in OBJ). Vertices are split where their UVs differ, since glTF and OBJ readers
  /// want one UV per vertex; vertices no face uses are left out.
  PolyMesh mesh;
  /// Empty (smooth area-weighted normals are computed), or one unit normal per position.
  std::vector<Vec3f> normals;
  std::vector<ExportMorphTarget> targets;  ///< glTF only; names unique in the mesh
  /// Empty (not skinned), or one entry per position: indices into ExportScene::joints,
  /// with weights >= 0 summing to 1 (within 1e-3); unused slots have weight 0.
  std::vector<std::array<int, kInfluences>> skinJoints;
  std::vector<std::array<float, kInfluences>> skinWeights;
};

/// A joint of the skeleton. In the bind pose joints are translations only (no rotation).
struct ExportJoint {
  std::string name;             ///< unique; not "SynthFace" (the root node) nor "material_<n>"
  int parent = -1;              ///< an earlier joint, or -1 for a root
  Vec3f bindPosition{0, 0, 0};  ///< world space, millimetres
};

/// What exportScene() writes: meshes and an optional skeleton they are skinned to.
struct ExportScene {
  std::vector<ExportMesh> meshes;
  std::vector<ExportJoint> joints;
};

/// Writes the scene through Assimp, in the format the extension names:
///
/// - `.glb`, `.gltf`: glTF 2.0 in metres (kGltfMetresPerMillimetre). Faces are triangulated
///   (quads along their 0-2 diagonal). Morph targets become glTF targets, named in the
///   mesh's extras.targetNames (Blender's shape keys); skinned meshes share one glTF skin
///   over all joints, whose nodes sit under the root node "SynthFace" with the meshes' nodes
///   (a mesh node whose name a joint has is called "<name>_node"), so the head animates in
///   Blender. `.gltf` writes its buffer beside it (`name.bin`).
///   Assimp's exporter merges vertices equal within 1e-5 in position, normal and UV.
/// - `.obj`: Wavefront OBJ and its `.mtl`, in millimetres, faces as given, with positions,
///   UVs and normals; no targets and no skin.
///
/// Every file is replaced atomically, side files (.bin, .mtl) before the main one, so a new
/// main file never refers to a missing or older side file (an old main file may briefly
/// meet a new side file, as when the main file's write fails). Throws sf::Error
/// naming the file, and for bad input the element ("/meshes/1/targets/0"), for an
/// unsupported extension, inconsistent input, or a failed write.
void exportScene(const ExportScene& scene, const std::filesystem::path& path);

}  // namespace sf
