#pragma once

#include "face/poly_mesh.h"

#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace sf {

/// A point on a control face: bilinear (u, v) in a quad (corner 0 at (0, 0), u toward
/// corner 1, v toward corner 3), barycentric (b1, b2) in a triangle (the weights of
/// corners 1 and 2), as in Landmark::uv.
struct SurfacePoint {
  int face = 0;
  Vec2f uv{0, 0};
};

/// Catmull-Clark subdivision of one mesh topology (OpenSubdiv Far), built once and then
/// applied to any number of control positions of that topology. Boundary edges and corners
/// stay sharp (VTX_BOUNDARY_EDGE_AND_CORNER); UVs are a face-varying channel with linear
/// boundaries and corners (FVAR_LINEAR_CORNERS_ONLY). Immutable and cheap to copy; one
/// surface may serve several threads.
///
/// Limit points use the ptex parameterisation: a quad is one ptex face with the (u, v)
/// above. A triangle is three ptex sub-faces, one per corner k: the quad (corner k, midpoint
/// of edge k -> k+1, face centre, midpoint of edge k-1 -> k) with (0, 0) at corner k, u
/// toward the next edge's midpoint. A barycentric point goes to the sub-face of its largest
/// weight, at the (u, v) whose bilinear image in that sub-quad (in barycentric space) is the
/// point; so the map is continuous and matches a flat triangle's own parameterisation.
class SubdivisionSurface {
public:
  /// Refinement tables for `mesh`'s faces and UVs (positions only give the vertex count) at
  /// uniform `level` (0..6; 0 returns the control mesh), and the patches for limit points.
  /// Throws sf::Error for bad topology. Costs a few hundred ms for a 10k-vertex quad mesh
  /// (more when many vertices are extraordinary): build once per model.
  static SubdivisionSurface create(const PolyMesh& mesh, int level);

  int level() const;
  int controlVertexCount() const;
  int controlFaceCount() const;

  /// The refined quad mesh's faces and UVs, without positions.
  const PolyMesh& refinedTopology() const;
  /// Per refined face, the control face it lies in: carries per-face data such as
  /// FacePart::faceClass to the refined mesh.
  const std::vector<int>& refinedFaceParents() const;

  /// The refined mesh (positions, quads, UVs) for these control positions.
  PolyMesh refine(std::span<const Vec3f> controlPositions) const;
  /// The same into `mesh`, reusing its storage: the cheap form for a loop over poses.
  void refine(std::span<const Vec3f> controlPositions, PolyMesh& mesh) const;
  /// Just the refined positions, reusing `positions`' storage.
  void refinePositions(std::span<const Vec3f> controlPositions,
                       std::vector<Vec3f>& positions) const;
  /// The refined vertices pushed onto the limit surface (exact surface points of the
  /// refined mesh), with unit limit normals when `normals` is given.
  void refinedLimitPositions(std::span<const Vec3f> controlPositions, std::vector<Vec3f>& positions,
                             std::vector<Vec3f>* normals = nullptr) const;

  /// The exact limit-surface point at `uv` in control face `face`, and its unit normal
  /// (du x dv, outward for counter-clockwise faces) when `normal` is given. Throws sf::Error
  /// for a face out of range or one that is neither a triangle nor a quad.
  Vec3f limitPoint(std::span<const Vec3f> controlPositions, int face, Vec2f uv,
                   Vec3f* normal = nullptr) const;
  /// limitPoint() for many points; `normals` is filled when given.
  void limitPoints(std::span<const Vec3f> controlPositions, std::span<const SurfacePoint> points,
                   std::vector<Vec3f>& positions, std::vector<Vec3f>* normals = nullptr) const;

  /// The control vertices and weights whose weighted sum is limitPoint(face, uv): the limit
  /// surface is linear in the control positions. Replaces `stencil` with (vertex, weight)
  /// pairs in ascending vertex order. Throws like limitPoint().
  void limitStencil(int face, Vec2f uv, std::vector<std::pair<int, float>>& stencil) const;

private:
  struct Impl;
  /// Control face (u, v) -> ptex face and its (u, v); throws for a point off the face.
  void toPtex(int face, Vec2f uv, int& ptexFace, float& u, float& v) const;
  explicit SubdivisionSurface(std::shared_ptr<const Impl> impl);

  std::shared_ptr<const Impl> m_impl;
};

}  // namespace sf
