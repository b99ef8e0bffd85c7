#include "face/poly_mesh.h"

namespace sf {

std::vector<int> PolyMesh::faceOffsets() const {
  std::vector<int> offsets;
  offsets.reserve(faceSizes.size() + 1);
  offsets.push_back(0);
  for (const int size : faceSizes) {
    offsets.push_back(offsets.back() + size);
  }
  return offsets;
}

float meanFaceV(const PolyMesh& mesh, const std::vector<int>& offsets, int face) {
  if (mesh.uvIndices.empty()) {
    return 0.0f;
  }
  const int size = mesh.faceSizes[static_cast<std::size_t>(face)];
  float sum = 0.0f;
  for (int k = 0; k < size; ++k) {
    const int uv =
        mesh.uvIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(face)] + k)];
    sum += mesh.uvs[static_cast<std::size_t>(uv)].y();
  }
  return sum / static_cast<float>(size);
}

}  // namespace sf
