#include "face/face_geometry.h"

#include "face/landmarks.h"

#include <numeric>

namespace sf {

FaceGeometry FaceGeometry::create(const FaceModel& model, int subdivisionLevel,
                                  RefinedVertices vertices) {
  FaceGeometry geometry;
  geometry.m_evaluator = FaceEvaluator::create(model);
  geometry.m_level = subdivisionLevel;
  geometry.m_vertices = vertices;
  geometry.m_parts = model.parts;
  geometry.m_landmarks = model.landmarks;
  geometry.m_denseLandmarks = model.denseLandmarks;
  for (const FacePart& part : model.parts) {
    if (part.subdivide) {
      SubdivisionSurface surface = SubdivisionSurface::create(part.mesh, subdivisionLevel);
      geometry.m_faceParents.push_back(surface.refinedFaceParents());
      geometry.m_surfaces.emplace_back(std::move(surface));
    } else {
      // Unrefined parts keep their faces.
      std::vector<int> parents(part.mesh.faceCount());
      std::iota(parents.begin(), parents.end(), 0);
      geometry.m_faceParents.push_back(std::move(parents));
      geometry.m_surfaces.emplace_back(std::nullopt);
    }
  }
  return geometry;
}

PosedFace FaceGeometry::pose(const FaceState& state) const {
  PosedFace posed;
  pose(state, posed);
  return posed;
}

void FaceGeometry::pose(const FaceState& state, PosedFace& posed) const {
  m_evaluator.evaluate(state, posed.controlPositions, &posed.skeleton);

  // Meshes per part, from that part's range of the global vertices.
  const std::span<const Vec3f> control(posed.controlPositions);
  posed.parts.resize(m_parts.size());
  for (std::size_t p = 0; p < m_parts.size(); ++p) {
    const FacePart& part = m_parts[p];
    const std::span<const Vec3f> partControl =
        control.subspan(part.firstVertex, part.mesh.vertexCount());
    const std::optional<SubdivisionSurface>& surface = m_surfaces[p];
    PolyMesh& mesh = posed.parts[p];
    if (!surface) {
      mesh = part.mesh;
      mesh.positions.assign(partControl.begin(), partControl.end());
    } else {
      surface->refine(partControl, mesh);
      if (m_vertices == RefinedVertices::Limit) {
        surface->refinedLimitPositions(partControl, mesh.positions);
      }
    }
  }

  posed.landmarks = evaluateLandmarks(m_parts, m_surfaces, control, posed.skeleton, m_landmarks);
  posed.denseLandmarks =
      evaluateLandmarks(m_parts, m_surfaces, control, posed.skeleton, m_denseLandmarks);
}

}  // namespace sf
