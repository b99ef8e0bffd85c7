#pragma once

// A re-meshed, moved copy of the built-in head, shared by test_registration and
// bench_registration: a target that has the model's surface but none of its vertices.

#include "face/face_geometry.h"
#include "face/face_model.h"

#include <Eigen/Geometry>

#include <array>
#include <numbers>
#include <vector>

namespace sf::testing {

/// Where the copies are put: turned 12 degrees about a tilted axis and moved.
inline Eigen::Affine3f worldFromModel() {
  return Eigen::Translation3f(30.0f, -12.0f, 45.0f) *
         Eigen::AngleAxisf(12.0f * std::numbers::pi_v<float> / 180.0f,
                           Vec3f(0.3f, 1.0f, 0.1f).normalized());
}

/// The built-in head's surface parts posed by `state`, refined to level 2 on the limit
/// surface, merged, and split into triangles along alternating diagonals: the same surface
/// as the model's with none of its vertices or faces.
inline PolyMesh remeshedHead(const FaceModel& model, const FaceState& state,
                             const Eigen::Affine3f& worldFromModel, std::vector<Vec3f>& landmarks) {
  const FaceGeometry geometry = FaceGeometry::create(model, 2, RefinedVertices::Limit);
  const PosedFace posed = geometry.pose(state);
  PolyMesh mesh;
  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    if (model.parts[p].material != PartMaterial::Skin) {
      continue;
    }
    const PolyMesh& part = posed.parts[p];
    const int base = mesh.vertexCount();
    for (const Vec3f& position : part.positions) {
      mesh.positions.push_back(worldFromModel * position);
    }
    const std::vector<int> offsets = part.faceOffsets();
    for (int f = 0; f < part.faceCount(); ++f) {
      const int* c = part.faceIndices.data() + offsets[static_cast<std::size_t>(f)];
      if (part.faceSizes[static_cast<std::size_t>(f)] != 4) {
        continue;
      }
      const bool flip = f % 2 == 1;
      const std::array<int, 6> corners =
          flip ? std::array<int, 6>{c[0], c[1], c[3], c[1], c[2], c[3]}
               : std::array<int, 6>{c[0], c[1], c[2], c[0], c[2], c[3]};
      for (int t = 0; t < 2; ++t) {
        mesh.faceSizes.push_back(3);
        for (int k = 0; k < 3; ++k) {
          mesh.faceIndices.push_back(base + corners[static_cast<std::size_t>(3 * t + k)]);
        }
      }
    }
  }
  landmarks.clear();
  for (const Vec3f& landmark : posed.landmarks) {
    landmarks.push_back(worldFromModel * landmark);
  }
  return mesh;
}

}  // namespace sf::testing
