#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>  // cross products on Vec3f

#include <cstdint>
#include <vector>

namespace sf {

using Vec2f = Eigen::Vector2f;
using Vec3f = Eigen::Vector3f;

/// A polygon mesh in OpenSubdiv's layout: per-face vertex counts and a flat list of
/// vertex indices, with face-varying UVs indexed the same way (one UV index per face
/// corner), so UV seams need no duplicated vertices.
struct PolyMesh {
  std::vector<Vec3f> positions;
  std::vector<int> faceSizes;    ///< vertices of each face (3 or 4 for our meshes)
  std::vector<int> faceIndices;  ///< sum(faceSizes) indices into positions
  std::vector<Vec2f> uvs;        ///< may be empty
  std::vector<int> uvIndices;    ///< empty, or one per entry of faceIndices, into uvs

  int faceCount() const { return static_cast<int>(faceSizes.size()); }
  int vertexCount() const { return static_cast<int>(positions.size()); }

  /// Offsets of each face's first corner in faceIndices (size faceCount() + 1).
  std::vector<int> faceOffsets() const;

  friend bool operator==(const PolyMesh&, const PolyMesh&) = default;
};

/// The mean UV v of a face's corners (0 for a mesh without UVs); `offsets` are the mesh's
/// faceOffsets(). The eyeballs paint their iris and pupil by it.
float meanFaceV(const PolyMesh& mesh, const std::vector<int>& offsets, int face);

}  // namespace sf
