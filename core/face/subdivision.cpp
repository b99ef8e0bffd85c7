#include "face/subdivision.h"

#include "util/check.h"
#include "util/error.h"

#include <opensubdiv/far/patchMap.h>
#include <opensubdiv/far/patchTable.h>
#include <opensubdiv/far/patchTableFactory.h>
#include <opensubdiv/far/primvarRefiner.h>
#include <opensubdiv/far/ptexIndices.h>
#include <opensubdiv/far/stencilTable.h>
#include <opensubdiv/far/stencilTableFactory.h>
#include <opensubdiv/far/topologyDescriptor.h>

#include <Eigen/Geometry>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace sf {

namespace Far = OpenSubdiv::Far;
namespace Sdc = OpenSubdiv::Sdc;

namespace {

constexpr int kMaxLevel = 6;
/// Adaptive isolation for limit evaluation: regular patches are exact at any level; the
/// Gregory end caps left around extraordinary vertices shrink by half per level.
constexpr int kLimitIsolation = 4;
/// Most points a patch references (Gregory basis: 20).
constexpr int kMaxPatchPoints = 32;
/// How far outside a face a surface point may lie before it is an error (rounding).
constexpr float kUvTolerance = 1e-4f;

/// Sparse rows of (index, weight): row r owns [offsets[r], offsets[r + 1]).
struct Stencils {
  std::vector<int> offsets{0};
  std::vector<int> indices;
  std::vector<float> weights;

  int size() const { return static_cast<int>(offsets.size()) - 1; }

  void append(const Far::StencilTable& table) {
    const std::vector<int>& sizes = table.GetSizes();
    indices.insert(indices.end(), table.GetControlIndices().begin(),
                   table.GetControlIndices().end());
    weights.insert(weights.end(), table.GetWeights().begin(), table.GetWeights().end());
    for (const int size : sizes) {
      offsets.push_back(offsets.back() + size);
    }
    SF_CHECK(offsets.back() == static_cast<int>(indices.size()));
  }
};

/// Records one level's refinement masks with Far::PrimvarRefiner: the source names parent
/// vertex i, the destination row collects (parent, weight) terms. Edge and vertex points
/// also add child face points, which are rows themselves.
struct ParentVertex {
  int index;
};
struct ParentVertices {
  ParentVertex operator[](int i) const { return {i}; }
};
struct MaskRow {
  std::vector<std::pair<int, float>> terms;
  void Clear() { terms.clear(); }
  void AddWithWeight(ParentVertex parent, float weight) { add(parent.index, weight); }
  void AddWithWeight(const MaskRow& child, float weight) {
    for (const auto& [index, childWeight] : child.terms) {
      add(index, weight * childWeight);
    }
  }
  void add(int parent, float weight) {
    for (auto& [index, sum] : terms) {
      if (index == parent) {
        sum += weight;
        return;
      }
    }
    terms.emplace_back(parent, weight);
  }
};

/// Adapters that let Far::PrimvarRefiner read and write Eigen vectors in place.
template <typename Vec>
struct PrimvarRef {
  Vec& value;
  void Clear() { value.setZero(); }
  void AddWithWeight(const PrimvarRef& source, float weight) { value += weight * source.value; }
};
template <typename Vec>
struct PrimvarBuffer {
  Vec* data;
  PrimvarRef<Vec> operator[](int i) const { return {data[i]}; }
};
template <typename Vec>
PrimvarBuffer<Vec> primvars(std::vector<Vec>& values) {
  return {values.data()};
}

/// Maps barycentric (b1, b2) to a ptex sub-face of a triangle and (u, v) in it (see the
/// class comment). In corner k's sub-quad, with x and y the weights of the next and the
/// previous corner, the bilinear map is x = u/2 - uv/6, y = v/2 - uv/6; solved in closed form.
void triangleToSubFace(Vec2f barycentric, int& subFace, float& u, float& v) {
  const double weights[3] = {1.0 - barycentric.x() - barycentric.y(), barycentric.x(),
                             barycentric.y()};
  subFace = 0;
  for (int k = 1; k < 3; ++k) {
    if (weights[k] > weights[subFace]) {
      subFace = k;
    }
  }
  const double x = weights[(subFace + 1) % 3];
  const double y = weights[(subFace + 2) % 3];
  const double d = x - y;
  const double b = 3.0 - 2.0 * d;
  const double t = 0.5 * (b - std::sqrt(std::max(0.0, b * b - 24.0 * y)));
  u = static_cast<float>(std::clamp(t + 2.0 * d, 0.0, 1.0));
  v = static_cast<float>(std::clamp(t, 0.0, 1.0));
}

std::string faceLabel(int face) {
  return "subdivision: face " + std::to_string(face);
}

/// Checks the topology OpenSubdiv would otherwise reject with a message on stderr.
void checkTopology(const PolyMesh& mesh) {
  std::size_t corners = 0;
  for (int f = 0; f < mesh.faceCount(); ++f) {
    if (mesh.faceSizes[f] < 3) {
      throw Error(faceLabel(f) + ": " + std::to_string(mesh.faceSizes[f]) +
                  " vertices, needs at least 3");
    }
    corners += static_cast<std::size_t>(mesh.faceSizes[f]);
  }
  if (corners != mesh.faceIndices.size()) {
    throw Error("subdivision: faceIndices has " + std::to_string(mesh.faceIndices.size()) +
                " entries, faceSizes sum to " + std::to_string(corners));
  }
  if (!mesh.uvIndices.empty() && mesh.uvIndices.size() != corners) {
    throw Error("subdivision: uvIndices has " + std::to_string(mesh.uvIndices.size()) +
                " entries, needs one per face corner (" + std::to_string(corners) + ")");
  }
  const auto checkRange = [](const std::vector<int>& indices, std::size_t count, const char* what) {
    for (std::size_t i = 0; i < indices.size(); ++i) {
      if (indices[i] < 0 || static_cast<std::size_t>(indices[i]) >= count) {
        throw Error("subdivision: " + std::string(what) + "[" + std::to_string(i) +
                    "] = " + std::to_string(indices[i]) + " out of range (0.." +
                    std::to_string(static_cast<long>(count) - 1) + ")");
      }
    }
  };
  checkRange(mesh.faceIndices, mesh.positions.size(), "faceIndices");
  checkRange(mesh.uvIndices, mesh.uvs.size(), "uvIndices");
}

}  // namespace

struct SubdivisionSurface::Impl {
  int level = 0;
  int controlVertexCount = 0;
  std::vector<int> controlFaceSizes;
  std::vector<int> ptexFirstFace;  ///< per control face, its (first) ptex face

  /// Uniformly refined topology, kept for PrimvarRefiner::Limit.
  std::unique_ptr<const Far::TopologyRefiner> uniform;
  /// Per level l = 1..level: level l's vertices from level l - 1's. Unfactorised masks are
  /// small (a vertex point has 2n + 1 terms), so applying them level by level costs less
  /// than factorised stencils, and they build in linear time.
  std::vector<Stencils> levelStencils;
  PolyMesh refinedTopology;
  std::vector<int> faceParents;

  /// Limit evaluation: patches of the adaptively refined surface, and the stencils of its
  /// patch points beyond the control vertices (refined vertices, then end-cap points).
  std::unique_ptr<const Far::PatchTable> patchTable;
  std::unique_ptr<const Far::PatchMap> patchMap;
  Stencils patchPointStencils;

  /// Limit position and its (u, v) derivatives at a ptex face's (u, v).
  Vec3f evaluatePatch(std::span<const Vec3f> control, int ptexFace, float u, float v, Vec3f* du,
                      Vec3f* dv) const;
};

Vec3f SubdivisionSurface::Impl::evaluatePatch(std::span<const Vec3f> control, int ptexFace, float u,
                                              float v, Vec3f* du, Vec3f* dv) const {
  const Far::PatchTable::PatchHandle* handle = patchMap->FindPatch(ptexFace, u, v);
  SF_CHECK(handle != nullptr);
  const Far::ConstIndexArray points = patchTable->GetPatchVertices(*handle);
  SF_CHECK(points.size() <= kMaxPatchPoints);
  std::array<float, kMaxPatchPoints> wP{}, wDu{}, wDv{};
  patchTable->EvaluateBasis(*handle, u, v, wP.data(), wDu.data(), wDv.data());

  // Each patch point is a control vertex or a stencil over control vertices.
  Vec3f position = Vec3f::Zero(), derivativeU = Vec3f::Zero(), derivativeV = Vec3f::Zero();
  const auto add = [&](const Vec3f& point, float weightP, float weightU, float weightV) {
    position += weightP * point;
    derivativeU += weightU * point;
    derivativeV += weightV * point;
  };
  for (int i = 0; i < points.size(); ++i) {
    const int point = points[i];
    if (point < controlVertexCount) {
      add(control[point], wP[i], wDu[i], wDv[i]);
      continue;
    }
    const int row = point - controlVertexCount;
    SF_CHECK(row < patchPointStencils.size());
    for (int k = patchPointStencils.offsets[row]; k < patchPointStencils.offsets[row + 1]; ++k) {
      const float weight = patchPointStencils.weights[k];
      add(control[patchPointStencils.indices[k]], weight * wP[i], weight * wDu[i], weight * wDv[i]);
    }
  }
  if (du) {
    *du = derivativeU;
  }
  if (dv) {
    *dv = derivativeV;
  }
  return position;
}

SubdivisionSurface::SubdivisionSurface(std::shared_ptr<const Impl> impl)
    : m_impl(std::move(impl)) {}

SubdivisionSurface SubdivisionSurface::create(const PolyMesh& mesh, int level) {
  if (level < 0 || level > kMaxLevel) {
    throw Error("subdivision: level " + std::to_string(level) + " out of range (0.." +
                std::to_string(kMaxLevel) + ")");
  }
  checkTopology(mesh);
  auto impl = std::make_shared<Impl>();
  impl->level = level;
  impl->controlVertexCount = mesh.vertexCount();
  impl->controlFaceSizes = mesh.faceSizes;
  const bool hasUvs = !mesh.uvIndices.empty();

  // Topology with UVs as face-varying channel 0.
  Far::TopologyDescriptor descriptor;
  descriptor.numVertices = mesh.vertexCount();
  descriptor.numFaces = mesh.faceCount();
  descriptor.numVertsPerFace = mesh.faceSizes.data();
  descriptor.vertIndicesPerFace = mesh.faceIndices.data();
  Far::TopologyDescriptor::FVarChannel uvChannel;
  if (hasUvs) {
    uvChannel.numValues = static_cast<int>(mesh.uvs.size());
    uvChannel.valueIndices = mesh.uvIndices.data();
    descriptor.numFVarChannels = 1;
    descriptor.fvarChannels = &uvChannel;
  }
  Sdc::Options sdcOptions;
  sdcOptions.SetVtxBoundaryInterpolation(Sdc::Options::VTX_BOUNDARY_EDGE_AND_CORNER);
  sdcOptions.SetFVarLinearInterpolation(Sdc::Options::FVAR_LINEAR_CORNERS_ONLY);
  using Factory = Far::TopologyRefinerFactory<Far::TopologyDescriptor>;
  const Factory::Options factoryOptions(Sdc::SCHEME_CATMARK, sdcOptions);
  const auto makeRefiner = [&] {
    std::unique_ptr<Far::TopologyRefiner> refiner(Factory::Create(descriptor, factoryOptions));
    if (!refiner) {
      throw Error("subdivision: OpenSubdiv rejected the mesh topology");
    }
    return refiner;
  };

  // Uniform refinement: each level's masks, the refined faces, their UVs and parents.
  std::unique_ptr<Far::TopologyRefiner> uniform = makeRefiner();
  if (level > 0) {
    Far::TopologyRefiner::UniformOptions uniformOptions(level);
    uniformOptions.fullTopologyInLastLevel = true;
    uniform->RefineUniform(uniformOptions);

    // The masks of each level, recorded once.
    const Far::PrimvarRefiner maskRefiner(*uniform);
    for (int l = 1; l <= level; ++l) {
      std::vector<MaskRow> rows(uniform->GetLevel(l).GetNumVertices());
      maskRefiner.Interpolate(l, ParentVertices{}, rows);
      Stencils& stencils = impl->levelStencils.emplace_back();
      for (const MaskRow& row : rows) {
        for (const auto& [index, weight] : row.terms) {
          stencils.indices.push_back(index);
          stencils.weights.push_back(weight);
        }
        stencils.offsets.push_back(static_cast<int>(stencils.indices.size()));
      }
    }
  }
  const Far::TopologyLevel& last = uniform->GetLevel(level);
  PolyMesh& refined = impl->refinedTopology;
  for (int f = 0; f < last.GetNumFaces(); ++f) {
    const Far::ConstIndexArray vertices = last.GetFaceVertices(f);
    refined.faceSizes.push_back(vertices.size());
    refined.faceIndices.insert(refined.faceIndices.end(), vertices.begin(), vertices.end());
    if (hasUvs) {
      const Far::ConstIndexArray values = last.GetFaceFVarValues(f);
      refined.uvIndices.insert(refined.uvIndices.end(), values.begin(), values.end());
    }
    int parent = f;
    for (int l = level; l > 0; --l) {
      parent = uniform->GetLevel(l).GetFaceParentFace(parent);
    }
    impl->faceParents.push_back(parent);
  }
  if (hasUvs) {
    // UVs do not change with the pose: refine them once here.
    refined.uvs = mesh.uvs;
    const Far::PrimvarRefiner primvarRefiner(*uniform);
    for (int l = 1; l <= level; ++l) {
      std::vector<Vec2f> next(uniform->GetLevel(l).GetNumFVarValues(0), Vec2f::Zero());
      PrimvarBuffer<Vec2f> destination = primvars(next);
      primvarRefiner.InterpolateFaceVarying(l, primvars(refined.uvs), destination);
      refined.uvs = std::move(next);
    }
  }
  impl->uniform = std::move(uniform);

  // Adaptive refinement for exact limit evaluation: patches, a map from ptex (u, v) to
  // patches, and factorised stencils for every patch point that is not a control vertex.
  std::unique_ptr<Far::TopologyRefiner> adaptive = makeRefiner();
  Far::PatchTableFactory::Options patchOptions(kLimitIsolation);
  patchOptions.SetEndCapType(Far::PatchTableFactory::Options::ENDCAP_GREGORY_BASIS);
  patchOptions.useInfSharpPatch = true;
  adaptive->RefineAdaptive(patchOptions.GetRefineAdaptiveOptions());
  impl->patchTable.reset(Far::PatchTableFactory::Create(*adaptive, patchOptions));
  impl->patchMap = std::make_unique<const Far::PatchMap>(*impl->patchTable);
  if (adaptive->GetMaxLevel() > 0) {
    Far::StencilTableFactory::Options stencilOptions;
    stencilOptions.generateIntermediateLevels = true;
    stencilOptions.generateOffsets = true;
    std::unique_ptr<const Far::StencilTable> stencils(
        Far::StencilTableFactory::Create(*adaptive, stencilOptions));
    const Far::StencilTable* localPoints = impl->patchTable->GetLocalPointStencilTable();
    if (localPoints && localPoints->GetNumStencils() > 0) {
      stencils.reset(Far::StencilTableFactory::AppendLocalPointStencilTable(
          *adaptive, stencils.get(), localPoints));
    }
    impl->patchPointStencils.append(*stencils);
  } else if (const Far::StencilTable* localPoints = impl->patchTable->GetLocalPointStencilTable();
             localPoints && localPoints->GetNumStencils() > 0) {
    // Nothing was refined (every face a regular patch, or end caps straight away): the
    // end-cap points already refer to control vertices.
    impl->patchPointStencils.append(*localPoints);
  }

  const Far::PtexIndices ptex(*adaptive);
  for (int f = 0; f < mesh.faceCount(); ++f) {
    impl->ptexFirstFace.push_back(ptex.GetFaceId(f));
  }
  return SubdivisionSurface(std::move(impl));
}

int SubdivisionSurface::level() const {
  return m_impl->level;
}
int SubdivisionSurface::controlVertexCount() const {
  return m_impl->controlVertexCount;
}
int SubdivisionSurface::controlFaceCount() const {
  return static_cast<int>(m_impl->controlFaceSizes.size());
}
const PolyMesh& SubdivisionSurface::refinedTopology() const {
  return m_impl->refinedTopology;
}
const std::vector<int>& SubdivisionSurface::refinedFaceParents() const {
  return m_impl->faceParents;
}

void SubdivisionSurface::refinePositions(std::span<const Vec3f> controlPositions,
                                         std::vector<Vec3f>& positions) const {
  const Impl& impl = *m_impl;
  if (controlPositions.size() != static_cast<std::size_t>(impl.controlVertexCount)) {
    throw Error("subdivision: " + std::to_string(controlPositions.size()) +
                " control positions for a mesh of " + std::to_string(impl.controlVertexCount) +
                " vertices");
  }
  // Level by level; the last level lands in `positions`.
  positions.assign(controlPositions.begin(), controlPositions.end());
  std::vector<Vec3f> parents;
  for (const Stencils& stencils : impl.levelStencils) {
    parents.swap(positions);
    positions.resize(stencils.size());
    const int* indices = stencils.indices.data();
    const float* weights = stencils.weights.data();
    for (int s = 0; s < stencils.size(); ++s) {
      float x = 0.0f, y = 0.0f, z = 0.0f;
      for (int k = stencils.offsets[s]; k < stencils.offsets[s + 1]; ++k) {
        const Vec3f& point = parents[indices[k]];
        x += weights[k] * point.x();
        y += weights[k] * point.y();
        z += weights[k] * point.z();
      }
      positions[s] = Vec3f(x, y, z);
    }
  }
}

PolyMesh SubdivisionSurface::refine(std::span<const Vec3f> controlPositions) const {
  PolyMesh mesh;
  refine(controlPositions, mesh);
  return mesh;
}

void SubdivisionSurface::refine(std::span<const Vec3f> controlPositions, PolyMesh& mesh) const {
  // Element-wise assignment keeps the vectors' capacity when `mesh` was refined before.
  const PolyMesh& topology = m_impl->refinedTopology;
  mesh.faceSizes = topology.faceSizes;
  mesh.faceIndices = topology.faceIndices;
  mesh.uvs = topology.uvs;
  mesh.uvIndices = topology.uvIndices;
  refinePositions(controlPositions, mesh.positions);
}

void SubdivisionSurface::refinedLimitPositions(std::span<const Vec3f> controlPositions,
                                               std::vector<Vec3f>& positions,
                                               std::vector<Vec3f>* normals) const {
  std::vector<Vec3f> refined;
  refinePositions(controlPositions, refined);
  positions.assign(refined.size(), Vec3f::Zero());
  const Far::PrimvarRefiner primvarRefiner(*m_impl->uniform);
  PrimvarBuffer<Vec3f> destination = primvars(positions);
  if (!normals) {
    primvarRefiner.Limit(primvars(refined), destination);
    return;
  }
  std::vector<Vec3f> tangentU(refined.size()), tangentV(refined.size());
  PrimvarBuffer<Vec3f> destinationU = primvars(tangentU);
  PrimvarBuffer<Vec3f> destinationV = primvars(tangentV);
  primvarRefiner.Limit(primvars(refined), destination, destinationU, destinationV);
  normals->resize(refined.size());
  for (std::size_t i = 0; i < refined.size(); ++i) {
    (*normals)[i] = tangentU[i].cross(tangentV[i]).normalized();
  }
}

void SubdivisionSurface::toPtex(int face, Vec2f uv, int& ptexFace, float& u, float& v) const {
  const Impl& impl = *m_impl;
  if (face < 0 || face >= static_cast<int>(impl.controlFaceSizes.size())) {
    throw Error(faceLabel(face) + ": out of range (0.." +
                std::to_string(static_cast<int>(impl.controlFaceSizes.size()) - 1) + ")");
  }
  if (!uv.allFinite() || uv.minCoeff() < -kUvTolerance) {
    throw Error(faceLabel(face) + ": surface point (" + std::to_string(uv.x()) + ", " +
                std::to_string(uv.y()) + ") lies outside the face");
  }

  // Control face (u, v) -> ptex face and its (u, v).
  const int size = impl.controlFaceSizes[face];
  ptexFace = impl.ptexFirstFace[face];
  if (size == 4) {
    if (uv.maxCoeff() > 1.0f + kUvTolerance) {
      throw Error(faceLabel(face) + ": quad point (" + std::to_string(uv.x()) + ", " +
                  std::to_string(uv.y()) + ") outside [0, 1]^2");
    }
    u = std::clamp(uv.x(), 0.0f, 1.0f);
    v = std::clamp(uv.y(), 0.0f, 1.0f);
  } else if (size == 3) {
    if (uv.sum() > 1.0f + kUvTolerance) {
      throw Error(faceLabel(face) + ": barycentric point (" + std::to_string(uv.x()) + ", " +
                  std::to_string(uv.y()) + ") outside the triangle");
    }
    int subFace = 0;
    triangleToSubFace(uv, subFace, u, v);
    ptexFace += subFace;
  } else {
    throw Error(faceLabel(face) + ": has " + std::to_string(size) +
                " vertices; surface points need triangles or quads");
  }
}

void SubdivisionSurface::limitStencil(int face, Vec2f uv,
                                      std::vector<std::pair<int, float>>& stencil) const {
  const Impl& impl = *m_impl;
  int ptexFace = 0;
  float u = 0.0f, v = 0.0f;
  toPtex(face, uv, ptexFace, u, v);
  const Far::PatchTable::PatchHandle* handle = impl.patchMap->FindPatch(ptexFace, u, v);
  SF_CHECK(handle != nullptr);
  const Far::ConstIndexArray points = impl.patchTable->GetPatchVertices(*handle);
  SF_CHECK(points.size() <= kMaxPatchPoints);
  std::array<float, kMaxPatchPoints> weights{};
  impl.patchTable->EvaluateBasis(*handle, u, v, weights.data());
  std::vector<std::pair<int, float>> terms;
  for (int i = 0; i < points.size(); ++i) {
    const int point = points[i];
    if (point < impl.controlVertexCount) {
      terms.emplace_back(point, weights[static_cast<std::size_t>(i)]);
      continue;
    }
    const Stencils& stencils = impl.patchPointStencils;
    const int row = point - impl.controlVertexCount;
    SF_CHECK(row < stencils.size());
    for (int k = stencils.offsets[row]; k < stencils.offsets[row + 1]; ++k) {
      terms.emplace_back(stencils.indices[k],
                         stencils.weights[k] * weights[static_cast<std::size_t>(i)]);
    }
  }
  // Merge repeated vertices, in ascending vertex order.
  std::sort(terms.begin(), terms.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  stencil.clear();
  for (const auto& [vertex, weight] : terms) {
    if (!stencil.empty() && stencil.back().first == vertex) {
      stencil.back().second += weight;
    } else {
      stencil.emplace_back(vertex, weight);
    }
  }
}

Vec3f SubdivisionSurface::limitPoint(std::span<const Vec3f> controlPositions, int face, Vec2f uv,
                                     Vec3f* normal) const {
  const Impl& impl = *m_impl;
  if (controlPositions.size() != static_cast<std::size_t>(impl.controlVertexCount)) {
    throw Error("subdivision: " + std::to_string(controlPositions.size()) +
                " control positions for a mesh of " + std::to_string(impl.controlVertexCount) +
                " vertices");
  }
  int ptexFace = 0;
  float u = 0.0f, v = 0.0f;
  toPtex(face, uv, ptexFace, u, v);

  Vec3f du, dv;
  const Vec3f position = impl.evaluatePatch(controlPositions, ptexFace, u, v,
                                            normal ? &du : nullptr, normal ? &dv : nullptr);
  if (normal) {
    *normal = du.cross(dv).normalized();
  }
  return position;
}

void SubdivisionSurface::limitPoints(std::span<const Vec3f> controlPositions,
                                     std::span<const SurfacePoint> points,
                                     std::vector<Vec3f>& positions,
                                     std::vector<Vec3f>* normals) const {
  positions.resize(points.size());
  if (normals) {
    normals->resize(points.size());
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    positions[i] = limitPoint(controlPositions, points[i].face, points[i].uv,
                              normals ? &(*normals)[i] : nullptr);
  }
}

}  // namespace sf
