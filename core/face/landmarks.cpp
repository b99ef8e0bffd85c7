#include "face/landmarks.h"

#include "util/check.h"
#include "util/error.h"

#include <string>

namespace sf {

namespace {

std::string landmarkLabel(std::size_t index, const Landmark& landmark) {
  return "landmark " + std::to_string(index) + " (" + landmark.name + ")";
}

/// A point of a control face: bilinear in a quad, barycentric in a triangle.
Vec3f interpolateControlFace(std::span<const Vec3f> positions, std::span<const int> corners,
                             Vec2f uv) {
  const float u = uv.x(), v = uv.y();
  if (corners.size() == 3) {
    return (1.0f - u - v) * positions[corners[0]] + u * positions[corners[1]] +
           v * positions[corners[2]];
  }
  SF_CHECK(corners.size() == 4);
  return (1.0f - u) * (1.0f - v) * positions[corners[0]] + u * (1.0f - v) * positions[corners[1]] +
         u * v * positions[corners[2]] + (1.0f - u) * v * positions[corners[3]];
}

}  // namespace

std::vector<Vec3f> evaluateLandmarks(std::span<const FacePart> parts,
                                     std::span<const std::optional<SubdivisionSurface>> surfaces,
                                     std::span<const Vec3f> posedPositions,
                                     const PosedSkeleton& skeleton,
                                     std::span<const Landmark> landmarks) {
  SF_CHECK(surfaces.size() == parts.size());
  // First corner of each face, per unrefined part, computed when first needed.
  std::vector<std::vector<int>> faceOffsets(parts.size());

  std::vector<Vec3f> result;
  result.reserve(landmarks.size());
  for (std::size_t i = 0; i < landmarks.size(); ++i) {
    const Landmark& landmark = landmarks[i];
    if (landmark.kind == Landmark::Kind::Joint) {
      if (landmark.joint < 0 || landmark.joint >= static_cast<int>(skeleton.restPivots.size())) {
        throw Error(landmarkLabel(i, landmark) + ": joint " + std::to_string(landmark.joint) +
                    " does not exist");
      }
      const int joint = landmark.joint;
      result.push_back(skeleton.worldFromRest[joint] *
                       (skeleton.restPivots[joint] + landmark.offset));
      continue;
    }

    if (landmark.part < 0 || landmark.part >= static_cast<int>(parts.size())) {
      throw Error(landmarkLabel(i, landmark) + ": part " + std::to_string(landmark.part) +
                  " does not exist");
    }
    const FacePart& part = parts[landmark.part];
    const PolyMesh& mesh = part.mesh;
    if (landmark.face < 0 || landmark.face >= mesh.faceCount()) {
      throw Error(landmarkLabel(i, landmark) + ": face " + std::to_string(landmark.face) +
                  " out of range for part " + part.name + " (0.." +
                  std::to_string(mesh.faceCount() - 1) + ")");
    }
    SF_CHECK(part.firstVertex >= 0 &&
             static_cast<std::size_t>(part.firstVertex + mesh.vertexCount()) <=
                 posedPositions.size());
    const std::span<const Vec3f> partPositions =
        posedPositions.subspan(part.firstVertex, mesh.vertexCount());

    const std::optional<SubdivisionSurface>& surface = surfaces[landmark.part];
    if (surface) {
      result.push_back(surface->limitPoint(partPositions, landmark.face, landmark.uv));
      continue;
    }
    std::vector<int>& offsets = faceOffsets[landmark.part];
    if (offsets.empty()) {
      offsets.push_back(0);
      for (const int size : mesh.faceSizes) {
        offsets.push_back(offsets.back() + size);
      }
    }
    const int size = mesh.faceSizes[landmark.face];
    if (size != 3 && size != 4) {
      throw Error(landmarkLabel(i, landmark) + ": face " + std::to_string(landmark.face) +
                  " of part " + part.name + " has " + std::to_string(size) +
                  " vertices; landmarks need triangles or quads");
    }
    const std::span<const int> corners(mesh.faceIndices.data() + offsets[landmark.face],
                                       static_cast<std::size_t>(size));
    result.push_back(interpolateControlFace(partPositions, corners, landmark.uv));
  }
  return result;
}

}  // namespace sf
