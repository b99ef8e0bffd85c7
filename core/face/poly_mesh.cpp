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

}  // namespace sf
