#pragma once

#include "face/face_evaluator.h"
#include "face/face_model.h"
#include "face/subdivision.h"

#include <optional>
#include <span>
#include <vector>

namespace sf {

/// Everything one FaceState makes of a model: what the renderer and the label writers use.
struct PosedFace {
  std::vector<Vec3f> controlPositions;  ///< posed control vertices, all parts (global indices)
  PosedSkeleton skeleton;               ///< joint transforms and posed pivots
  /// Per part: the refined quad mesh for subdivided parts, else the posed control mesh.
  /// FaceGeometry::faceParents(part) maps its faces back to the part's control faces.
  std::vector<PolyMesh> parts;
  std::vector<Vec3f> landmarks;       ///< FaceModel::landmarks, in order (iBUG 68 + pupils)
  std::vector<Vec3f> denseLandmarks;  ///< FaceModel::denseLandmarks, in order
};

/// Where the vertices of refined meshes lie.
enum class RefinedVertices {
  Refined,  ///< the subdivided control points (cheapest)
  Limit,    ///< pushed onto the limit surface (the exact surface, for close-ups)
};

/// A FaceModel made ready to pose: its evaluator, one SubdivisionSurface per subdivided
/// part and the landmark definitions, built once and then read only (one FaceGeometry may
/// serve several threads). The CLI and the renderer hold one per model.
class FaceGeometry {
public:
  /// Throws sf::Error when the model cannot be evaluated or subdivided.
  static FaceGeometry create(const FaceModel& model, int subdivisionLevel = 2,
                             RefinedVertices vertices = RefinedVertices::Refined);

  /// Poses the model: control positions, skeleton, meshes per part, landmarks. Throws
  /// sf::Error for a bad state (see FaceEvaluator::evaluate).
  PosedFace pose(const FaceState& state) const;
  /// The same into `posed`, reusing its storage: the cheap form for a loop over samples.
  void pose(const FaceState& state, PosedFace& posed) const;

  const FaceEvaluator& evaluator() const { return m_evaluator; }
  int subdivisionLevel() const { return m_level; }
  /// Per part, its subdivision surface; empty for parts with FacePart::subdivide false.
  std::span<const std::optional<SubdivisionSurface>> surfaces() const { return m_surfaces; }
  /// Per face of PosedFace::parts[part], the part's control face it lies in, so per-face
  /// data (FacePart::faceClass, faceGrowth) follows refinement.
  const std::vector<int>& faceParents(int part) const { return m_faceParents.at(part); }

private:
  FaceEvaluator m_evaluator;
  int m_level = 0;
  RefinedVertices m_vertices = RefinedVertices::Refined;
  std::vector<FacePart> m_parts;
  std::vector<std::optional<SubdivisionSurface>> m_surfaces;
  std::vector<std::vector<int>> m_faceParents;
  std::vector<Landmark> m_landmarks;
  std::vector<Landmark> m_denseLandmarks;
};

}  // namespace sf
