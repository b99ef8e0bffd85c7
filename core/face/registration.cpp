#include "face/registration.h"

#include "face/face_evaluator.h"
#include "face/landmarks.h"
#include "face/subdivision.h"
#include "math/sampling.h"
#include "render/embree_accel.h"
#include "util/check.h"
#include "util/error.h"

#include <oneapi/tbb/parallel_for.h>
#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>

namespace sf {

namespace {

using Triangle = std::array<int, 3>;

/// iBUG indices the automatic alignment and the face region use (labels.md order).
constexpr int kNoseTip = 30;
constexpr int kIbugCount = 68;

std::string mm(float value) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(2);
  out << value;
  return out.str();
}

/// Quads split along their 0-2 diagonal; triangles as they are. `triangleFace` receives
/// each triangle's face and `triangleHalf` which half of a quad it is (0: corners 0 1 2,
/// 1: corners 0 2 3).
std::vector<Triangle> triangulate(const PolyMesh& mesh, std::vector<int>* triangleFace = nullptr,
                                  std::vector<std::uint8_t>* triangleHalf = nullptr) {
  std::vector<Triangle> triangles;
  const std::vector<int> offsets = mesh.faceOffsets();
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const int* corners = mesh.faceIndices.data() + offsets[static_cast<std::size_t>(f)];
    const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
    for (int k = 1; k + 1 < size; ++k) {
      triangles.push_back({corners[0], corners[k], corners[k + 1]});
      if (triangleFace) {
        triangleFace->push_back(f);
      }
      if (triangleHalf) {
        triangleHalf->push_back(static_cast<std::uint8_t>(k - 1));
      }
    }
  }
  return triangles;
}

/// Checks a target mesh before anything uses it.
void checkTarget(const PolyMesh& mesh, const std::string& source) {
  if (mesh.vertexCount() == 0 || mesh.faceCount() == 0) {
    throw Error(source + ": the mesh is empty (" + std::to_string(mesh.vertexCount()) +
                " vertices, " + std::to_string(mesh.faceCount()) + " faces)");
  }
  for (int v = 0; v < mesh.vertexCount(); ++v) {
    if (!mesh.positions[static_cast<std::size_t>(v)].allFinite()) {
      throw Error(source + ": vertex " + std::to_string(v) + " has a non-finite coordinate");
    }
  }
  std::size_t corners = 0;
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
    if (size < 3) {
      throw Error(source + ": face " + std::to_string(f) + " has " + std::to_string(size) +
                  " vertices");
    }
    corners += static_cast<std::size_t>(size);
  }
  if (corners != mesh.faceIndices.size()) {
    throw Error(source + ": face sizes add up to " + std::to_string(corners) + " corners, " +
                std::to_string(mesh.faceIndices.size()) + " given");
  }
  for (std::size_t i = 0; i < mesh.faceIndices.size(); ++i) {
    const int v = mesh.faceIndices[i];
    if (v < 0 || v >= mesh.vertexCount()) {
      throw Error(source + ": face corner " + std::to_string(i) + ": vertex " + std::to_string(v) +
                  " out of range (0.." + std::to_string(mesh.vertexCount() - 1) + ")");
    }
  }
}

/// The target: its triangles in a closest-point index, with their normals and which of
/// their edges lie on the mesh boundary (a correspondence there is where a partial scan
/// ends, not where the surface is).
struct TargetSurface {
  ClosestPointIndex index;
  std::vector<Vec3f> normals;                      ///< per triangle
  std::vector<std::array<bool, 3>> boundaryEdges;  ///< per triangle: edge k is (k, k+1)

  static TargetSurface create(const PolyMesh& mesh) {
    std::vector<Triangle> triangles = triangulate(mesh);
    std::map<std::pair<int, int>, int> edgeUses;
    const std::vector<int> offsets = mesh.faceOffsets();
    for (int f = 0; f < mesh.faceCount(); ++f) {
      const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
      const int* corners = mesh.faceIndices.data() + offsets[static_cast<std::size_t>(f)];
      for (int k = 0; k < size; ++k) {
        const int a = corners[k], b = corners[(k + 1) % size];
        ++edgeUses[{std::min(a, b), std::max(a, b)}];
      }
    }
    TargetSurface surface{
        ClosestPointIndex::create(sharedEmbreeDevice(), mesh.positions, triangles), {}, {}};
    for (const Triangle& t : triangles) {
      const Vec3f& a = mesh.positions[static_cast<std::size_t>(t[0])];
      const Vec3f& b = mesh.positions[static_cast<std::size_t>(t[1])];
      const Vec3f& c = mesh.positions[static_cast<std::size_t>(t[2])];
      const Vec3f n = (b - a).cross(c - a);
      surface.normals.push_back(n.norm() > 0.0f ? Vec3f(n.normalized()) : Vec3f::Zero());
      std::array<bool, 3> boundary{};
      for (int k = 0; k < 3; ++k) {
        const int p = t[static_cast<std::size_t>(k)], q = t[static_cast<std::size_t>((k + 1) % 3)];
        const auto it = edgeUses.find({std::min(p, q), std::max(p, q)});
        boundary[static_cast<std::size_t>(k)] = it != edgeUses.end() && it->second == 1;
      }
      surface.boundaryEdges.push_back(boundary);
    }
    return surface;
  }

  /// Whether a closest point lies on a boundary edge of its triangle.
  bool onBoundary(const ClosestPoint& hit) const {
    const std::array<bool, 3>& edges = boundaryEdges[static_cast<std::size_t>(hit.triangle)];
    const float w0 = 1.0f - hit.b1 - hit.b2;
    constexpr float kEps = 1e-4f;
    return (edges[0] && hit.b2 < kEps) || (edges[1] && w0 < kEps) || (edges[2] && hit.b1 < kEps);
  }
};

/// One data sample of the model's surface: the limit point at a surface vertex, as a
/// stencil over global vertices.
struct Sample {
  std::vector<std::pair<int, float>> stencil;  ///< global vertex, weight
  int part = 0;
  int face = 0;  ///< a face of the part at the vertex (for its label)
  Vec2f uv{0, 0};
  LabelClass region = LabelClass::Skin;
  bool fitted = true;   ///< false where a closed scan cannot show it: mouth, nostrils, lids' backs
  bool face68 = false;  ///< around the 68 landmarks
};

/// The model's surface parts and what the fit needs of them.
struct ModelSurface {
  std::vector<int> parts;                                   ///< indices of PartMaterial::Skin parts
  std::vector<std::optional<SubdivisionSurface>> surfaces;  ///< per model part
  std::vector<int> unknownOf;  ///< per global vertex: its unknown, or -1 (not a surface vertex)
  std::vector<int> vertexOf;   ///< per unknown: its global vertex
  std::vector<Sample> samples;
  std::vector<std::pair<int, int>> edges;  ///< unknown pairs the smoothness term ties

  Vec3f evaluate(const Sample& sample, std::span<const Vec3f> positions) const {
    Vec3f p = Vec3f::Zero();
    for (const auto& [vertex, weight] : sample.stencil) {
      p += weight * positions[static_cast<std::size_t>(vertex)];
    }
    return p;
  }
};

/// A corner's (u, v) in a face, as Landmark::uv defines it.
Vec2f cornerUv(int size, int k) {
  if (size == 3) {
    return k == 0 ? Vec2f(0, 0) : k == 1 ? Vec2f(1, 0) : Vec2f(0, 1);
  }
  static const Vec2f quad[] = {Vec2f(0, 0), Vec2f(1, 0), Vec2f(1, 1), Vec2f(0, 1)};
  return quad[k];
}

/// The corner weights of a point (u, v) of a face: bilinear in a quad, barycentric in a
/// triangle.
std::array<float, 4> cornerWeights(int size, const Vec2f& uv) {
  if (size == 3) {
    return {1.0f - uv.x() - uv.y(), uv.x(), uv.y(), 0.0f};
  }
  const float u = uv.x(), v = uv.y();
  return {(1 - u) * (1 - v), u * (1 - v), u * v, (1 - u) * v};
}

/// The limit points and unit normals of the samples for these global positions.
void sampleSurface(const FaceModel& model, const ModelSurface& surface,
                   std::span<const Vec3f> positions, std::vector<Vec3f>& points,
                   std::vector<Vec3f>& normals);

/// Marks the samples no scanner can see, so the fit leaves them to the smoothness term:
/// those from which the model's own parts (at rest) hide nearly all of the sky. A sample
/// looks out through its limit normal; it is hidden when fewer than kOpenSky of
/// cosine-weighted rays over that hemisphere escape. This covers the insides of the
/// nostrils, the mouth and the lids' pockets on any model, whatever its labels; a closed
/// scan shows none of them, and fitting them to its nearest surface would flatten them.
/// It also covers a part's skin that lies inside another part (an ear's root in the head).
void markHiddenSamples(const FaceModel& model, std::span<const Vec3f> rest, ModelSurface& surface) {
  constexpr int kRays = 64;
  constexpr float kOpenSky = 0.15f;
  // What blocks the rays: every part at rest, refined once. The surface parts are refined
  // onto the limit surface the samples lie on, whether or not they are rendered subdivided
  // (a triangulated import's is not), so each sample is a vertex of its blocker and no
  // convex stretch of skin hides itself under its own control faces.
  std::vector<std::vector<Vec3f>> positions(model.parts.size());
  std::vector<std::vector<Triangle>> triangles(model.parts.size());
  std::vector<TriangleMeshInput> meshes;
  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    const FacePart& part = model.parts[p];
    const auto control = rest.subspan(static_cast<std::size_t>(part.firstVertex),
                                      static_cast<std::size_t>(part.mesh.vertexCount()));
    if (part.mesh.faceCount() == 0) {
      continue;
    }
    if (part.subdivide || surface.surfaces[p]) {
      const SubdivisionSurface refined = SubdivisionSurface::create(part.mesh, 1);
      refined.refinedLimitPositions(control, positions[p]);
      triangles[p] = triangulate(refined.refinedTopology());
    } else {
      positions[p].assign(control.begin(), control.end());
      triangles[p] = triangulate(part.mesh);
    }
    meshes.push_back({positions[p], triangles[p]});
  }
  const TriangleScene scene = TriangleScene::create(sharedEmbreeDevice(), meshes);

  std::vector<Vec3f> points, normals;
  sampleSurface(model, surface, rest, points, normals);
  // The share of rays from sample i over the hemisphere of its normal turned by `sign`
  // that meet nothing. The rays are cosine-weighted along a Fibonacci spiral, evenly
  // spread and the same on every run.
  const float golden = 0.5f * (3.0f - std::sqrt(5.0f));  // of a turn
  const auto openSky = [&](std::size_t i, float sign) {
    const Vec3f n = sign * normals[i];
    if (!n.allFinite() || n.isZero()) {
      return 1.0f;  // no normal to look out along: keep the sample
    }
    int escaped = 0;
    for (int k = 0; k < kRays; ++k) {
      const float turn = golden * static_cast<float>(k);
      Ray ray;
      ray.origin = points[i];
      ray.direction = cosineSample(n, (static_cast<float>(k) + 0.5f) / static_cast<float>(kRays),
                                   turn - std::floor(turn));
      // The sample is a vertex of its blocker: its own triangles meet the ray only at its
      // origin, which this margin steps past.
      ray.tNear = 0.2f;
      escaped += !scene.occluded(ray);
    }
    return static_cast<float>(escaped) / static_cast<float>(kRays);
  };
  std::vector<float> windingSide(surface.samples.size()), otherSide(surface.samples.size());
  oneapi::tbb::parallel_for(std::size_t{0}, surface.samples.size(), [&](std::size_t i) {
    windingSide[i] = openSky(i, 1.0f);
    otherSide[i] = openSky(i, -1.0f);
  });

  // Each part looks out on the side of its faces' winding, unless the other side sees more
  // sky (a part wound inward, as some imported meshes are).
  std::vector<bool> hidden(surface.samples.size(), false);
  int hiddenCount = 0;
  for (const int p : surface.parts) {
    double winding = 0.0, other = 0.0;
    for (std::size_t i = 0; i < surface.samples.size(); ++i) {
      if (surface.samples[i].part == p) {
        winding += windingSide[i];
        other += otherSide[i];
      }
    }
    for (std::size_t i = 0; i < surface.samples.size(); ++i) {
      if (surface.samples[i].part == p) {
        hidden[i] = (winding >= other ? windingSide[i] : otherSide[i]) < kOpenSky;
        hiddenCount += hidden[i];
      }
    }
  }
  if (hiddenCount == static_cast<int>(surface.samples.size())) {
    return;  // nothing sees out (a model of a box's inside?): fit all of it rather than none
  }
  for (std::size_t i = 0; i < surface.samples.size(); ++i) {
    if (hidden[i]) {
      surface.samples[i].fitted = false;
    }
  }
}

ModelSurface buildModelSurface(const FaceModel& model, std::span<const Vec3f> rest,
                               std::span<const Vec3f> restLandmarks) {
  ModelSurface surface;
  surface.surfaces.resize(model.parts.size());
  surface.unknownOf.assign(static_cast<std::size_t>(model.vertexCount()), -1);
  for (int p = 0; p < static_cast<int>(model.parts.size()); ++p) {
    const FacePart& part = model.parts[static_cast<std::size_t>(p)];
    if (part.material != PartMaterial::Skin) {
      continue;
    }
    surface.parts.push_back(p);
    surface.surfaces[static_cast<std::size_t>(p)] = SubdivisionSurface::create(part.mesh, 0);
    for (int v = 0; v < part.mesh.vertexCount(); ++v) {
      surface.unknownOf[static_cast<std::size_t>(part.firstVertex + v)] =
          static_cast<int>(surface.vertexOf.size());
      surface.vertexOf.push_back(part.firstVertex + v);
    }
  }
  if (surface.parts.empty()) {
    throw Error(model.name + ": the model has no skin surface to register");
  }

  // The face region: within the landmarks' sphere, in front of their centroid.
  Vec3f centroid = Vec3f::Zero();
  float radius = 0.0f;
  const int faceLandmarks = std::min<int>(kIbugCount, static_cast<int>(restLandmarks.size()));
  for (int i = 0; i < faceLandmarks; ++i) {
    centroid += restLandmarks[static_cast<std::size_t>(i)];
  }
  centroid /= static_cast<float>(std::max(faceLandmarks, 1));
  for (int i = 0; i < faceLandmarks; ++i) {
    radius = std::max(radius, (restLandmarks[static_cast<std::size_t>(i)] - centroid).norm());
  }

  std::vector<std::pair<int, float>> local;
  for (const int p : surface.parts) {
    const FacePart& part = model.parts[static_cast<std::size_t>(p)];
    const std::vector<int> offsets = part.mesh.faceOffsets();
    // One sample per vertex, at the corner of its first face; mouth-interior vertices are
    // sampled only when every face around them is mouth interior.
    std::vector<int> firstFace(static_cast<std::size_t>(part.mesh.vertexCount()), -1);
    std::vector<int> firstCorner(firstFace.size(), 0);
    std::vector<bool> outside(firstFace.size(), false);
    for (int f = 0; f < part.mesh.faceCount(); ++f) {
      const int size = part.mesh.faceSizes[static_cast<std::size_t>(f)];
      const bool interior =
          part.faceClass[static_cast<std::size_t>(f)] == LabelClass::MouthInterior;
      for (int k = 0; k < size; ++k) {
        const int v =
            part.mesh
                .faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + k)];
        auto& first = firstFace[static_cast<std::size_t>(v)];
        if (first < 0 || (!interior && !outside[static_cast<std::size_t>(v)])) {
          first = f;
          firstCorner[static_cast<std::size_t>(v)] = k;
        }
        if (!interior) {
          outside[static_cast<std::size_t>(v)] = true;
        }
      }
      // Smoothness ties each edge of the face.
      for (int k = 0; k < size; ++k) {
        const int a =
            part.mesh
                .faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + k)];
        const int b = part.mesh.faceIndices[static_cast<std::size_t>(
            offsets[static_cast<std::size_t>(f)] + (k + 1) % size)];
        if (a < b) {
          surface.edges.emplace_back(
              surface.unknownOf[static_cast<std::size_t>(part.firstVertex + a)],
              surface.unknownOf[static_cast<std::size_t>(part.firstVertex + b)]);
        }
      }
    }
    const SubdivisionSurface& limit = *surface.surfaces[static_cast<std::size_t>(p)];
    for (int v = 0; v < part.mesh.vertexCount(); ++v) {
      const int f = firstFace[static_cast<std::size_t>(v)];
      if (f < 0) {
        continue;  // a vertex no face uses
      }
      Sample sample;
      sample.part = p;
      sample.face = f;
      sample.uv = cornerUv(part.mesh.faceSizes[static_cast<std::size_t>(f)],
                           firstCorner[static_cast<std::size_t>(v)]);
      limit.limitStencil(f, sample.uv, local);
      float sum = 0.0f;
      for (const auto& [vertex, weight] : local) {
        if (std::abs(weight) > 1e-6f) {
          sample.stencil.emplace_back(part.firstVertex + vertex, weight);
          sum += weight;
        }
      }
      for (auto& term : sample.stencil) {
        term.second /= sum;
      }
      sample.region = part.faceClass[static_cast<std::size_t>(f)];
      sample.fitted = outside[static_cast<std::size_t>(v)];
      const Vec3f p0 = surface.evaluate(sample, rest);
      sample.face68 = faceLandmarks > 0 && (p0 - centroid).norm() < 1.1f * radius &&
                      p0.z() > centroid.z() - 30.0f;
      surface.samples.push_back(std::move(sample));
    }
  }

  // Separate surface parts (the ears) are tied to the skin at their rims: each rim vertex
  // to its nearest vertex of another surface part.
  if (surface.parts.size() > 1) {
    for (const int p : surface.parts) {
      const FacePart& part = model.parts[static_cast<std::size_t>(p)];
      std::map<std::pair<int, int>, int> uses;
      const std::vector<int> offsets = part.mesh.faceOffsets();
      for (int f = 0; f < part.mesh.faceCount(); ++f) {
        const int size = part.mesh.faceSizes[static_cast<std::size_t>(f)];
        for (int k = 0; k < size; ++k) {
          const int a =
              part.mesh
                  .faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + k)];
          const int b = part.mesh.faceIndices[static_cast<std::size_t>(
              offsets[static_cast<std::size_t>(f)] + (k + 1) % size)];
          ++uses[{std::min(a, b), std::max(a, b)}];
        }
      }
      std::set<int> rim;
      for (const auto& [edge, count] : uses) {
        if (count == 1) {
          rim.insert(edge.first);
          rim.insert(edge.second);
        }
      }
      for (const int v : rim) {
        const Vec3f& position = rest[static_cast<std::size_t>(part.firstVertex + v)];
        int best = -1;
        float bestDistance = 8.0f;  // millimetres: parts farther apart are not joined
        for (const int q : surface.parts) {
          if (q == p) {
            continue;
          }
          const FacePart& other = model.parts[static_cast<std::size_t>(q)];
          for (int w = 0; w < other.mesh.vertexCount(); ++w) {
            const float d =
                (rest[static_cast<std::size_t>(other.firstVertex + w)] - position).norm();
            if (d < bestDistance) {
              bestDistance = d;
              best = other.firstVertex + w;
            }
          }
        }
        if (best >= 0) {
          surface.edges.emplace_back(
              surface.unknownOf[static_cast<std::size_t>(part.firstVertex + v)],
              surface.unknownOf[static_cast<std::size_t>(best)]);
        }
      }
    }
  }
  markHiddenSamples(model, rest, surface);
  return surface;
}

/// Where each model landmark lies at rest, and its sample stencil when it is on a surface
/// part (for the landmark term of the fit).
struct LandmarkRef {
  int index = -1;  ///< into the combined list: landmarks, then dense landmarks
  std::vector<std::pair<int, float>> stencil;
  Vec3f target{0, 0, 0};
};

/// The index of a landmark in the combined list (landmarks, then dense landmarks), or -1.
int landmarkIndex(const FaceModel& model, const std::string& name) {
  const int count = static_cast<int>(model.landmarks.size());
  for (int i = 0; i < count + static_cast<int>(model.denseLandmarks.size()); ++i) {
    const Landmark& landmark = i < count
                                   ? model.landmarks[static_cast<std::size_t>(i)]
                                   : model.denseLandmarks[static_cast<std::size_t>(i - count)];
    if (landmark.name == name) {
      return i;
    }
  }
  return -1;
}

const Landmark* findLandmark(const FaceModel& model, const std::string& name) {
  const int index = landmarkIndex(model, name);
  const int count = static_cast<int>(model.landmarks.size());
  return index < 0       ? nullptr
         : index < count ? &model.landmarks[static_cast<std::size_t>(index)]
                         : &model.denseLandmarks[static_cast<std::size_t>(index - count)];
}

/// The limit points and unit normals of every sample for these global positions.
void sampleSurface(const FaceModel& model, const ModelSurface& surface,
                   std::span<const Vec3f> positions, std::vector<Vec3f>& points,
                   std::vector<Vec3f>& normals) {
  points.resize(surface.samples.size());
  normals.resize(surface.samples.size());
  for (std::size_t i = 0; i < surface.samples.size(); ++i) {
    const Sample& sample = surface.samples[i];
    const FacePart& part = model.parts[static_cast<std::size_t>(sample.part)];
    const auto partPositions = positions.subspan(static_cast<std::size_t>(part.firstVertex),
                                                 static_cast<std::size_t>(part.mesh.vertexCount()));
    points[i] = surface.surfaces[static_cast<std::size_t>(sample.part)]->limitPoint(
        partPositions, sample.face, sample.uv, &normals[i]);
  }
}

/// Correspondences for the current surface: per sample the target point and a weight (0
/// for rejected samples).
struct Correspondences {
  std::vector<Vec3f> points;
  std::vector<double> weights;
  std::vector<float> distances;  ///< to the target, accepted or not (inf: none in range)
  int accepted = 0;
};

Correspondences findCorrespondences(const ModelSurface& surface, std::span<const Vec3f> points,
                                    std::span<const Vec3f> normals, const TargetSurface& target,
                                    float maxDistance, bool flipTargetNormals) {
  // A sample on the far side of a thin shell (a lip, an ear) must not snap to the near
  // side: normals may differ by at most 60 degrees.
  constexpr float kMinNormalCos = 0.5f;
  Correspondences result;
  const std::size_t count = surface.samples.size();
  result.points.assign(count, Vec3f::Zero());
  result.weights.assign(count, 0.0);
  result.distances.assign(count, std::numeric_limits<float>::infinity());
  for (std::size_t i = 0; i < count; ++i) {
    const ClosestPoint hit = target.index.closest(points[i], maxDistance);
    if (!hit.found()) {
      continue;
    }
    result.distances[i] = hit.distance;
    if (!surface.samples[i].fitted || target.onBoundary(hit)) {
      continue;
    }
    Vec3f targetNormal = target.normals[static_cast<std::size_t>(hit.triangle)];
    if (flipTargetNormals) {
      targetNormal = -targetNormal;
    }
    if (normals[i].dot(targetNormal) < kMinNormalCos) {
      continue;
    }
    result.points[i] = hit.point;
    result.weights[i] = 1.0;
    ++result.accepted;
  }
  return result;
}

/// A similarity transform y = scale * rotation * x + translation.
struct Similarity {
  float scale = 1.0f;
  Eigen::Matrix3f rotation = Eigen::Matrix3f::Identity();
  Vec3f translation = Vec3f::Zero();

  Vec3f operator()(const Vec3f& x) const { return scale * (rotation * x) + translation; }

  static Similarity fromMatrix(const Eigen::Matrix4f& m) {
    Similarity s;
    const Eigen::Matrix3f linear = m.topLeftCorner<3, 3>();
    s.scale = std::cbrt(linear.determinant());
    s.rotation = linear / s.scale;
    s.translation = m.topRightCorner<3, 1>();
    return s;
  }
};

/// Least-squares similarity from point pairs (Umeyama's method, in Eigen).
Similarity fitSimilarity(const std::vector<Vec3f>& from, const std::vector<Vec3f>& to,
                         bool withScale = true) {
  Eigen::MatrixXd a(3, static_cast<Eigen::Index>(from.size()));
  Eigen::MatrixXd b(3, static_cast<Eigen::Index>(to.size()));
  for (std::size_t i = 0; i < from.size(); ++i) {
    a.col(static_cast<Eigen::Index>(i)) = from[i].cast<double>();
    b.col(static_cast<Eigen::Index>(i)) = to[i].cast<double>();
  }
  const Eigen::Matrix4d m = Eigen::umeyama(a, b, withScale);
  return Similarity::fromMatrix(m.cast<float>());
}

float median(std::vector<float> values) {
  if (values.empty()) {
    return 0.0f;
  }
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

/// The model's rest state: positions, landmarks.
struct RestShape {
  std::vector<Vec3f> positions;
  std::vector<Vec3f> landmarks;  ///< FaceModel::landmarks then denseLandmarks
  std::vector<Vec3f> joints;     ///< rest pivots
};

RestShape restShape(const FaceModel& model,
                    const std::vector<std::optional<SubdivisionSurface>>& surfaces) {
  RestShape rest;
  const FaceEvaluator evaluator = FaceEvaluator::create(model);
  PosedSkeleton skeleton;
  evaluator.evaluate(FaceState{}, rest.positions, &skeleton);
  rest.joints = skeleton.restPivots;
  std::vector<Landmark> all = model.landmarks;
  all.insert(all.end(), model.denseLandmarks.begin(), model.denseLandmarks.end());
  rest.landmarks = evaluateLandmarks(model.parts, surfaces, rest.positions, skeleton, all);
  return rest;
}

/// Rigid alignment with scale: from the sidecar landmarks, or from the nose tip and ICP.
Similarity alignRigidly(const FaceModel& model, const ModelSurface& surface, const RestShape& rest,
                        const PolyMesh& target, const TargetSurface& targetSurface,
                        const RegistrationOptions& options, const std::string& source,
                        bool& flipNormals) {
  std::vector<Vec3f> restPoints, restNormals;
  sampleSurface(model, surface, rest.positions, restPoints, restNormals);

  // Mesh extents.
  Vec3f low = target.positions.front(), high = low;
  for (const Vec3f& p : target.positions) {
    low = low.cwiseMin(p);
    high = high.cwiseMax(p);
  }
  const float targetSize = (high - low).norm();

  std::vector<Similarity> starts;
  if (options.landmarks.size() >= 3) {
    std::vector<Vec3f> from, to;
    for (const TargetLandmark& landmark : options.landmarks) {
      const int index = landmarkIndex(model, landmark.name);
      from.push_back(rest.landmarks[static_cast<std::size_t>(index)]);
      to.push_back(landmark.position);
    }
    starts.push_back(fitSimilarity(from, to));
  } else {
    if (rest.landmarks.size() <= static_cast<std::size_t>(kNoseTip)) {
      throw Error(source + ": the model has no nose-tip landmark to align by; give landmarks");
    }
    // The nose tip: the most forward point of the upper middle of the mesh.
    const float yFrom = low.y() + 0.45f * (high.y() - low.y());
    const float xMid = 0.5f * (low.x() + high.x());
    const float xHalf = 0.25f * (high.x() - low.x());
    Vec3f nose = Vec3f::Constant(std::numeric_limits<float>::quiet_NaN());
    for (const Vec3f& p : target.positions) {
      if (p.y() >= yFrom && std::abs(p.x() - xMid) <= xHalf && !(p.z() <= nose.z())) {
        nose = p;
      }
    }
    if (!nose.allFinite()) {
      throw Error(source + ": could not find a nose tip (the mesh's upper middle is empty)");
    }
    const Vec3f modelNose = rest.landmarks[static_cast<std::size_t>(kNoseTip)];
    if (options.progress) {
      options.progress("  nose tip at (" + mm(nose.x()) + ", " + mm(nose.y()) + ", " +
                       mm(nose.z()) + ")");
    }
    for (const auto& [yaw, pitch] :
         {std::pair{0.0f, 0.0f}, {25.0f, 0.0f}, {-25.0f, 0.0f}, {0.0f, 20.0f}, {0.0f, -20.0f}}) {
      Similarity start;
      start.scale = 1.0f;  // the target is in millimetres; the face-only pass fits size
      start.rotation = (Eigen::AngleAxisf(yaw * float(M_PI) / 180.0f, Vec3f::UnitY()) *
                        Eigen::AngleAxisf(pitch * float(M_PI) / 180.0f, Vec3f::UnitX()))
                           .toRotationMatrix();
      start.translation = nose - start.scale * (start.rotation * modelNose);
      starts.push_back(start);
    }
  }

  // ICP from each start on every fourth sample; the start that ends with the smallest
  // mean capped distance wins.
  const float cap = 2.0f * options.maxDistance;
  const auto score = [&](const Similarity& transform) {
    double sum = 0.0;
    int count = 0;
    for (std::size_t i = 0; i < restPoints.size(); i += 2) {
      if (surface.samples[i].fitted) {
        const ClosestPoint hit = targetSurface.index.closest(transform(restPoints[i]), cap);
        sum += hit.found() ? hit.distance : cap;
        ++count;
      }
    }
    return count ? float(sum / count) : std::numeric_limits<float>::infinity();
  };
  Similarity best;
  float bestScore = std::numeric_limits<float>::infinity();
  // Trimmed ICP: closest points, the nearer ones kept, Umeyama; `faceOnly` uses the samples
  // around the landmarks alone (a face is rigid where a neck bends).
  const auto icp = [&](Similarity current, bool faceOnly, std::size_t stride, float firstRadius,
                       bool withScale) {
    for (int iteration = 0; iteration < 40; ++iteration) {
      const float radius =
          std::max(firstRadius * std::pow(0.85f, float(iteration)), 2.0f * options.maxDistance);
      std::vector<Vec3f> from, to;
      for (std::size_t i = 0; i < restPoints.size(); i += stride) {
        if (!surface.samples[i].fitted || (faceOnly && !surface.samples[i].face68)) {
          continue;
        }
        const Vec3f p = current(restPoints[i]);
        const ClosestPoint hit = targetSurface.index.closest(p, radius);
        if (!hit.found() || targetSurface.onBoundary(hit)) {
          continue;
        }
        from.push_back(restPoints[i]);
        to.push_back(hit.point);
      }
      if (from.size() < 8) {
        break;
      }
      // Keep the nearer pairs: outliers (shoulders, hair) do not pull.
      std::vector<float> pairDistances;
      for (std::size_t i = 0; i < from.size(); ++i) {
        pairDistances.push_back((current(from[i]) - to[i]).norm());
      }
      const float cut = 2.5f * std::max(median(pairDistances), 0.5f);
      std::vector<Vec3f> keptFrom, keptTo;
      for (std::size_t i = 0; i < from.size(); ++i) {
        if (pairDistances[i] <= cut) {
          keptFrom.push_back(from[i]);
          keptTo.push_back(to[i]);
        }
      }
      if (keptFrom.size() < 8) {
        break;
      }
      const Similarity previous = current;
      current = fitSimilarity(keptFrom, keptTo, withScale);
      if (!withScale) {
        current.scale = previous.scale;
        current.translation = Vec3f::Zero();
        Vec3f fromMean = Vec3f::Zero(), toMean = Vec3f::Zero();
        for (std::size_t i = 0; i < keptFrom.size(); ++i) {
          fromMean += keptFrom[i];
          toMean += keptTo[i];
        }
        fromMean /= float(keptFrom.size());
        toMean /= float(keptFrom.size());
        current.translation = toMean - current.scale * (current.rotation * fromMean);
      }
      float moved = 0.0f;
      for (std::size_t i = 0; i < restPoints.size(); i += 97) {
        moved = std::max(moved, (current(restPoints[i]) - previous(restPoints[i])).norm());
      }
      if (moved < 0.01f) {
        break;
      }
    }
    return current;
  };
  for (const Similarity& start : starts) {
    const Similarity current = icp(start, false, 4, 0.25f * targetSize, false);
    const float startScore = score(current);
    if (options.progress) {
      options.progress("  start: mean capped distance " + mm(startScore) + " mm");
    }
    if (startScore < bestScore) {
      bestScore = startScore;
      best = current;
    }
  }
  if (!std::isfinite(bestScore) || !(best.scale > 0.0f)) {
    throw Error(source + ": the rigid alignment found no overlap between the model and the mesh");
  }
  // Then the face alone, on every sample, point to plane (it converges where point-to-point
  // ICP creeps along a smooth surface), with the size.
  constexpr int kRigidIterations = 15;
  for (int iteration = 0; iteration < 30 + kRigidIterations; ++iteration) {
    Eigen::Matrix<double, 7, 7> normal = Eigen::Matrix<double, 7, 7>::Zero();
    Eigen::Matrix<double, 7, 1> rhs = Eigen::Matrix<double, 7, 1>::Zero();
    std::vector<std::pair<Vec3f, ClosestPoint>> pairs;
    Vec3f centre = Vec3f::Zero();
    for (std::size_t i = 0; i < restPoints.size(); ++i) {
      if (!surface.samples[i].fitted || !surface.samples[i].face68) {
        continue;
      }
      const Vec3f p = best(restPoints[i]);
      const ClosestPoint hit = targetSurface.index.closest(p, options.maxDistance);
      // Only pairs whose surfaces face alike (either winding): a lip's closest point on a
      // misaligned nose would pull the size down as readily as into place.
      if (hit.found() && !targetSurface.onBoundary(hit) &&
          std::abs((best.rotation * restNormals[i])
                       .dot(targetSurface.normals[static_cast<std::size_t>(hit.triangle)])) >=
              0.5f) {
        pairs.emplace_back(p, hit);
        centre += p;
      }
    }
    if (pairs.size() < 16) {
      break;
    }
    centre /= float(pairs.size());
    std::vector<float> distances;
    for (const auto& [p, hit] : pairs) {
      distances.push_back(hit.distance);
    }
    const float cut = 3.0f * std::max(median(distances), 0.2f);
    for (const auto& [p, hit] : pairs) {
      if (hit.distance > cut) {
        continue;
      }
      const Eigen::Vector3d n =
          targetSurface.normals[static_cast<std::size_t>(hit.triangle)].cast<double>();
      const Eigen::Vector3d q = (p - centre).cast<double>();
      // Residual after a small similarity about the centre: (1 + s) q + w x q + t.
      Eigen::Matrix<double, 7, 1> row;
      row << q.dot(n), q.cross(n), n;
      const double residual = (p - hit.point).cast<double>().dot(n);
      normal += row * row.transpose();
      rhs -= row * residual;
    }
    if (iteration < kRigidIterations) {
      // Turn and move first: with the size free from a poor start, shrinking toward the
      // face's middle can look as good as turning into place.
      normal(0, 0) += 1e12;
    }
    const Eigen::Matrix<double, 7, 1> step = normal.ldlt().solve(rhs);
    if (!step.allFinite()) {
      break;
    }
    const Eigen::Vector3d w = step.segment<3>(1);
    Similarity update;
    update.scale = static_cast<float>(1.0 + step(0));
    update.rotation =
        w.norm() > 0.0
            ? Eigen::AngleAxisf(float(w.norm()), w.normalized().cast<float>()).toRotationMatrix()
            : Eigen::Matrix3f::Identity();
    update.translation =
        centre + step.segment<3>(4).cast<float>() - update.scale * (update.rotation * centre);
    best.scale = update.scale * best.scale;
    best.rotation = update.rotation * best.rotation;
    best.translation = update(best.translation);
    if (iteration >= kRigidIterations && w.norm() < 1e-6 && step.segment<3>(4).norm() < 1e-4 &&
        std::abs(step(0)) < 1e-6) {
      break;
    }
  }

  // Decide the target's winding from the best alignment.
  int facing = 0, opposed = 0;
  for (std::size_t i = 0; i < restPoints.size(); ++i) {
    const ClosestPoint hit = targetSurface.index.closest(best(restPoints[i]), options.maxDistance);
    if (hit.found()) {
      const float cosine = (best.rotation * restNormals[i])
                               .dot(targetSurface.normals[static_cast<std::size_t>(hit.triangle)]);
      (cosine >= 0.0f ? facing : opposed) += 1;
    }
  }
  flipNormals = opposed > facing;
  return best;
}

/// The mean displacement of the surface vertices nearest to `point`, weighted by inverse
/// distance: how a part or joint inside the head follows the fitted surface.
Vec3f followSurface(const Vec3f& point, const std::vector<Vec3f>& aligned,
                    const std::vector<Vec3f>& fitted) {
  constexpr std::size_t kNeighbours = 24;
  std::vector<std::pair<float, std::size_t>> nearest;
  nearest.reserve(aligned.size());
  for (std::size_t i = 0; i < aligned.size(); ++i) {
    nearest.emplace_back((aligned[i] - point).squaredNorm(), i);
  }
  const std::size_t k = std::min(kNeighbours, nearest.size());
  std::partial_sort(nearest.begin(), nearest.begin() + static_cast<std::ptrdiff_t>(k),
                    nearest.end());
  Vec3f sum = Vec3f::Zero();
  float weights = 0.0f;
  for (std::size_t i = 0; i < k; ++i) {
    const float w = 1.0f / (std::sqrt(nearest[i].first) + 1.0f);
    sum += w * (fitted[nearest[i].second] - aligned[nearest[i].second]);
    weights += w;
  }
  return weights > 0.0f ? Vec3f(sum / weights) : Vec3f::Zero();
}

}  // namespace

std::string labelClassName(LabelClass region) {
  switch (region) {
    case LabelClass::Skin: return "skin";
    case LabelClass::Nose: return "nose";
    case LabelClass::RightEye: return "right eye";
    case LabelClass::LeftEye: return "left eye";
    case LabelClass::RightBrow: return "right brow";
    case LabelClass::LeftBrow: return "left brow";
    case LabelClass::RightEar: return "right ear";
    case LabelClass::LeftEar: return "left ear";
    case LabelClass::MouthInterior: return "mouth interior";
    case LabelClass::TopLip: return "top lip";
    case LabelClass::BottomLip: return "bottom lip";
    case LabelClass::Neck: return "neck";
    default: return "class " + std::to_string(static_cast<int>(region));
  }
}

Registration registerModel(const FaceModel& model, const PolyMesh& target,
                           const RegistrationOptions& options, const std::string& source) {
  checkTarget(target, source);
  const auto progress = [&](const std::string& line) {
    if (options.progress) {
      options.progress(line);
    }
  };
  for (const TargetLandmark& landmark : options.landmarks) {
    if (!findLandmark(model, landmark.name)) {
      throw Error(source + ": landmark '" + landmark.name + "': the model has no such landmark");
    }
    if (!landmark.position.allFinite()) {
      throw Error(source + ": landmark '" + landmark.name + "': position is not finite");
    }
  }

  // The model's surface at rest, and the target.
  std::vector<std::optional<SubdivisionSurface>> allSurfaces(model.parts.size());
  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    if (model.parts[p].subdivide) {
      allSurfaces[p] = SubdivisionSurface::create(model.parts[p].mesh, 0);
    }
  }
  const RestShape rest = restShape(model, allSurfaces);
  const ModelSurface surface = buildModelSurface(model, rest.positions, rest.landmarks);
  const TargetSurface targetSurface = TargetSurface::create(target);

  progress("rigid alignment");
  bool flipNormals = false;
  const Similarity similarity =
      alignRigidly(model, surface, rest, target, targetSurface, options, source, flipNormals);

  // Every vertex aligned; the surface vertices are the unknowns from here on.
  std::vector<Vec3f> positions(rest.positions.size());
  for (std::size_t v = 0; v < positions.size(); ++v) {
    positions[v] = similarity(rest.positions[v]);
  }
  const std::vector<Vec3f> aligned = positions;
  const int unknowns = static_cast<int>(surface.vertexOf.size());

  // Landmark terms from the sidecar, on surface parts only.
  std::vector<LandmarkRef> landmarkTerms;
  std::vector<std::pair<int, float>> local;
  for (const TargetLandmark& named : options.landmarks) {
    const Landmark& landmark = *findLandmark(model, named.name);
    if (landmark.kind != Landmark::Kind::Surface ||
        model.parts[static_cast<std::size_t>(landmark.part)].material != PartMaterial::Skin) {
      continue;
    }
    const FacePart& part = model.parts[static_cast<std::size_t>(landmark.part)];
    surface.surfaces[static_cast<std::size_t>(landmark.part)]->limitStencil(landmark.face,
                                                                            landmark.uv, local);
    LandmarkRef ref;
    for (const auto& [vertex, weight] : local) {
      ref.stencil.emplace_back(part.firstVertex + vertex, weight);
    }
    ref.target = named.position;
    landmarkTerms.push_back(std::move(ref));
  }

  // The sparsity pattern of the normal equations is fixed: smoothness edges, sample and
  // landmark stencils. Factor its analysis once.
  using SparseMatrix = Eigen::SparseMatrix<double>;
  std::vector<Eigen::Matrix3f> rotations(static_cast<std::size_t>(unknowns),
                                         Eigen::Matrix3f::Identity());
  std::vector<std::vector<int>> neighbours(static_cast<std::size_t>(unknowns));
  for (const auto& [a, b] : surface.edges) {
    neighbours[static_cast<std::size_t>(a)].push_back(b);
    neighbours[static_cast<std::size_t>(b)].push_back(a);
  }
  // Each vertex's best rotation from its rest edges to its fitted edges (the local step of
  // as-rigid-as-possible deformation).
  const auto updateRotations = [&] {
    for (int u = 0; u < unknowns; ++u) {
      const Vec3f& restA =
          aligned[static_cast<std::size_t>(surface.vertexOf[static_cast<std::size_t>(u)])];
      const Vec3f& nowA =
          positions[static_cast<std::size_t>(surface.vertexOf[static_cast<std::size_t>(u)])];
      Eigen::Matrix3f covariance = Eigen::Matrix3f::Zero();
      for (const int w : neighbours[static_cast<std::size_t>(u)]) {
        const std::size_t vw =
            static_cast<std::size_t>(surface.vertexOf[static_cast<std::size_t>(w)]);
        covariance += (nowA - positions[vw]) * (restA - aligned[vw]).transpose();
      }
      const Eigen::JacobiSVD<Eigen::Matrix3f> svd(covariance,
                                                  Eigen::ComputeFullU | Eigen::ComputeFullV);
      Eigen::Matrix3f rotation = svd.matrixU() * svd.matrixV().transpose();
      if (rotation.determinant() < 0.0f) {
        Eigen::Matrix3f u = svd.matrixU();
        u.col(2) = -u.col(2);
        rotation = u * svd.matrixV().transpose();
      }
      rotations[static_cast<std::size_t>(u)] = rotation;
    }
  };
  std::vector<Eigen::Triplet<double>> triplets;
  const auto unknownOf = [&](int vertex) {
    const int u = surface.unknownOf[static_cast<std::size_t>(vertex)];
    SF_CHECK(u >= 0);
    return u;
  };
  const auto assemble = [&](double stiffness, const Correspondences& matches, double landmarkWeight,
                            Eigen::MatrixXd& rhs) {
    triplets.clear();
    rhs.setZero(unknowns, 3);
    for (const auto& [a, b] : surface.edges) {
      triplets.emplace_back(a, a, stiffness);
      triplets.emplace_back(b, b, stiffness);
      triplets.emplace_back(a, b, -stiffness);
      triplets.emplace_back(b, a, -stiffness);
      // As rigid as possible: the edge keeps its rest vector turned by its ends' rotations,
      // so a region may turn (a head on its neck) without paying for it.
      const Vec3f restDifference =
          0.5f * (rotations[static_cast<std::size_t>(a)] + rotations[static_cast<std::size_t>(b)]) *
          (aligned[static_cast<std::size_t>(surface.vertexOf[static_cast<std::size_t>(a)])] -
           aligned[static_cast<std::size_t>(surface.vertexOf[static_cast<std::size_t>(b)])]);
      rhs.row(a) += stiffness * restDifference.cast<double>().transpose();
      rhs.row(b) -= stiffness * restDifference.cast<double>().transpose();
    }
    const auto addStencil = [&](const std::vector<std::pair<int, float>>& stencil, double weight,
                                const Vec3f& goal) {
      for (const auto& [vi, wi] : stencil) {
        const int i = unknownOf(vi);
        for (const auto& [vj, wj] : stencil) {
          triplets.emplace_back(i, unknownOf(vj), weight * double(wi) * double(wj));
        }
        rhs.row(i) += weight * double(wi) * goal.cast<double>().transpose();
      }
    };
    for (std::size_t s = 0; s < surface.samples.size(); ++s) {
      addStencil(surface.samples[s].stencil, matches.weights[s], matches.points[s]);
    }
    for (const LandmarkRef& ref : landmarkTerms) {
      addStencil(ref.stencil, landmarkWeight, ref.target);
    }
    // A whisper of Tikhonov keeps the system definite where nothing else holds a vertex.
    for (int u = 0; u < unknowns; ++u) {
      triplets.emplace_back(u, u, 1e-9);
    }
    SparseMatrix matrix(unknowns, unknowns);
    matrix.setFromTriplets(triplets.begin(), triplets.end());
    return matrix;
  };

  // Non-rigid stages, from stiff to supple; a few correspondence updates in each.
  Eigen::SimplicialLDLT<SparseMatrix> solver;
  bool analysed = false;
  std::vector<Vec3f> points, normals;
  const int stages = static_cast<int>(options.stiffness.size());
  const double landmarkWeight = landmarkTerms.empty() ? 0.0 : 10.0;
  for (int stage = 0; stage < stages; ++stage) {
    const float t = stages > 1 ? float(stage) / float(stages - 1) : 1.0f;
    const float maxDistance = options.maxDistance * (4.0f - 3.0f * t);
    const double stiffness = options.stiffness[static_cast<std::size_t>(stage)];
    for (int iteration = 0; iteration < options.iterationsPerStiffness; ++iteration) {
      sampleSurface(model, surface, positions, points, normals);
      const Correspondences matches =
          findCorrespondences(surface, points, normals, targetSurface, maxDistance, flipNormals);
      if (matches.accepted < 8) {
        throw Error(source + ": the registration did not converge: only " +
                    std::to_string(matches.accepted) + " of " +
                    std::to_string(surface.samples.size()) +
                    " model samples found the mesh within " + mm(maxDistance) + " mm");
      }
      Eigen::MatrixXd rhs;
      const SparseMatrix matrix = assemble(stiffness, matches, landmarkWeight, rhs);
      if (!analysed) {
        solver.analyzePattern(matrix);
        analysed = true;
      }
      solver.factorize(matrix);
      if (solver.info() != Eigen::Success) {
        throw Error(source +
                    ": the registration did not converge: the fit's linear system is "
                    "singular at stage " +
                    std::to_string(stage + 1));
      }
      const Eigen::MatrixXd solution = solver.solve(rhs);
      if (!solution.allFinite()) {
        throw Error(source +
                    ": the registration did not converge: non-finite positions at "
                    "stage " +
                    std::to_string(stage + 1));
      }
      for (int u = 0; u < unknowns; ++u) {
        positions[static_cast<std::size_t>(surface.vertexOf[static_cast<std::size_t>(u)])] =
            solution.row(u).transpose().cast<float>();
      }
      updateRotations();
    }
    float sum = 0.0f;
    int count = 0;
    sampleSurface(model, surface, positions, points, normals);
    for (const Vec3f& p : points) {
      const ClosestPoint hit = targetSurface.index.closest(p, options.maxDistance);
      if (hit.found()) {
        sum += hit.distance;
        ++count;
      }
    }
    progress("non-rigid " + std::to_string(stage + 1) + "/" + std::to_string(stages) +
             ": mean distance " + mm(count ? sum / float(count) : 0.0f) + " mm");
  }

  // Parts inside the head and the joints follow the surface around them.
  std::vector<Vec3f> alignedSurface, fittedSurface;
  for (const int vertex : surface.vertexOf) {
    alignedSurface.push_back(aligned[static_cast<std::size_t>(vertex)]);
    fittedSurface.push_back(positions[static_cast<std::size_t>(vertex)]);
  }
  for (const FacePart& part : model.parts) {
    if (part.material == PartMaterial::Skin || part.mesh.vertexCount() == 0) {
      continue;
    }
    Vec3f centroid = Vec3f::Zero();
    for (int v = 0; v < part.mesh.vertexCount(); ++v) {
      centroid += aligned[static_cast<std::size_t>(part.firstVertex + v)];
    }
    centroid /= float(part.mesh.vertexCount());
    const Vec3f shift = followSurface(centroid, alignedSurface, fittedSurface);
    for (int v = 0; v < part.mesh.vertexCount(); ++v) {
      positions[static_cast<std::size_t>(part.firstVertex + v)] += shift;
    }
  }
  Registration result;
  result.scale = similarity.scale;
  result.rotation = similarity.rotation;
  result.translation = similarity.translation;
  for (const Vec3f& pivot : rest.joints) {
    const Vec3f alignedPivot = similarity(pivot);
    result.jointPositions.push_back(alignedPivot +
                                    followSurface(alignedPivot, alignedSurface, fittedSurface));
  }

  // Residuals, per sample, against the whole target.
  sampleSurface(model, surface, positions, points, normals);
  RegistrationReport& report = result.report;
  std::map<LabelClass, RegionResidual> regions;
  double sum = 0.0, faceSum = 0.0;
  int faceSamples = 0;
  float worst = -1.0f;
  for (std::size_t s = 0; s < points.size(); ++s) {
    const Sample& sample = surface.samples[s];
    if (!sample.fitted) {
      ++report.hidden;
      continue;
    }
    const ClosestPoint hit = targetSurface.index.closest(points[s], options.maxDistance);
    if (!hit.found() || targetSurface.onBoundary(hit)) {
      ++report.unmatched;
      continue;
    }
    const float d = hit.distance;
    ++report.samples;
    sum += d;
    report.max = std::max(report.max, d);
    RegionResidual& region = regions[sample.region];
    region.region = sample.region;
    region.mean += d;
    region.max = std::max(region.max, d);
    ++region.samples;
    if (sample.face68) {
      faceSum += d;
      ++faceSamples;
      report.faceMax = std::max(report.faceMax, d);
      if (d > worst) {
        worst = d;
        report.worstPoint = points[s];
      }
    }
  }
  report.mean = report.samples ? float(sum / report.samples) : 0.0f;
  report.faceMean = faceSamples ? float(faceSum / faceSamples) : 0.0f;
  for (auto& [label, region] : regions) {
    region.mean /= float(std::max(region.samples, 1));
    report.regions.push_back(region);
  }
  std::sort(report.regions.begin(), report.regions.end(),
            [](const RegionResidual& a, const RegionResidual& b) { return a.mean > b.mean; });
  if (worst >= 0.0f) {
    float nearest = std::numeric_limits<float>::infinity();
    for (std::size_t l = 0; l < model.landmarks.size(); ++l) {
      const float d = (similarity(rest.landmarks[l]) - report.worstPoint).norm();
      if (d < nearest) {
        nearest = d;
        report.worstNear = model.landmarks[l].name;
      }
    }
  }
  result.positions = std::move(positions);
  return result;
}

// ---------------------------------------------------------------------------------------
// Transfer

namespace {

/// The fitted model's surface as triangles for closest-point lookups, each mapped back to
/// its part, control face and the (u, v) parameterisation of that face. Vertices sit on the
/// limit surface, so lookups land within a fraction of a millimetre of the rendered skin.
struct FittedLookup {
  struct Location {
    int part = -1;
    int face = 0;
    Vec2f uv{0, 0};
    /// Global vertices and weights whose sum is the point: the limit stencil on a
    /// subdivided part, the corner weights on others.
    std::vector<std::pair<int, float>> stencil;
    float distance = 0.0f;
  };

  std::optional<ClosestPointIndex> index;
  std::vector<std::optional<SubdivisionSurface>> surfaces;  ///< per model part
  std::vector<int> triangleFace, trianglePart;
  std::vector<std::uint8_t> triangleHalf;

  static FittedLookup create(const FaceModel& model, std::span<const Vec3f> positions) {
    FittedLookup lookup;
    lookup.surfaces.resize(model.parts.size());
    std::vector<Vec3f> limit;
    std::vector<Triangle> triangles;
    for (int p = 0; p < static_cast<int>(model.parts.size()); ++p) {
      const FacePart& part = model.parts[static_cast<std::size_t>(p)];
      if (part.material != PartMaterial::Skin) {
        continue;
      }
      const auto partPositions =
          positions.subspan(static_cast<std::size_t>(part.firstVertex),
                            static_cast<std::size_t>(part.mesh.vertexCount()));
      // Limit positions of the control vertices, from one face corner each.
      std::vector<Vec3f> vertexLimit(partPositions.begin(), partPositions.end());
      if (part.subdivide) {
        lookup.surfaces[static_cast<std::size_t>(p)] = SubdivisionSurface::create(part.mesh, 0);
        const SubdivisionSurface& surface = *lookup.surfaces[static_cast<std::size_t>(p)];
        const std::vector<int> offsets = part.mesh.faceOffsets();
        std::vector<bool> done(vertexLimit.size(), false);
        for (int f = 0; f < part.mesh.faceCount(); ++f) {
          const int size = part.mesh.faceSizes[static_cast<std::size_t>(f)];
          for (int k = 0; k < size; ++k) {
            const int v = part.mesh.faceIndices[static_cast<std::size_t>(
                offsets[static_cast<std::size_t>(f)] + k)];
            if (!done[static_cast<std::size_t>(v)] && size <= 4) {
              vertexLimit[static_cast<std::size_t>(v)] =
                  surface.limitPoint(partPositions, f, cornerUv(size, k));
              done[static_cast<std::size_t>(v)] = true;
            }
          }
        }
      }
      const int base = static_cast<int>(limit.size());
      limit.insert(limit.end(), vertexLimit.begin(), vertexLimit.end());
      std::vector<int> faces;
      std::vector<std::uint8_t> halves;
      for (Triangle t : triangulate(part.mesh, &faces, &halves)) {
        triangles.push_back({t[0] + base, t[1] + base, t[2] + base});
      }
      lookup.triangleFace.insert(lookup.triangleFace.end(), faces.begin(), faces.end());
      lookup.triangleHalf.insert(lookup.triangleHalf.end(), halves.begin(), halves.end());
      lookup.trianglePart.insert(lookup.trianglePart.end(), faces.size(), p);
    }
    lookup.index = ClosestPointIndex::create(sharedEmbreeDevice(), limit, triangles);
    return lookup;
  }

  Location locate(const FaceModel& model, const Vec3f& point) const {
    Location location;
    const ClosestPoint hit = index->closest(point);
    if (!hit.found()) {
      return location;
    }
    const std::size_t t = static_cast<std::size_t>(hit.triangle);
    location.part = trianglePart[t];
    location.face = triangleFace[t];
    location.distance = hit.distance;
    const FacePart& part = model.parts[static_cast<std::size_t>(location.part)];
    const int size = part.mesh.faceSizes[static_cast<std::size_t>(location.face)];
    const int offset = part.mesh.faceOffsets()[static_cast<std::size_t>(location.face)];
    if (size == 4) {
      // Half 0 is corners (0, 1, 2), at (0,0) (1,0) (1,1); half 1 is (0, 2, 3), at (0,0)
      // (1,1) (0,1).
      location.uv =
          triangleHalf[t] == 0 ? Vec2f(hit.b1 + hit.b2, hit.b2) : Vec2f(hit.b1, hit.b1 + hit.b2);
    } else {
      location.uv = Vec2f(hit.b1, hit.b2);
    }
    if (const auto& surface = surfaces[static_cast<std::size_t>(location.part)];
        surface && size <= 4) {
      surface->limitStencil(location.face, location.uv, location.stencil);
      for (auto& term : location.stencil) {
        term.first += part.firstVertex;
      }
    } else {
      const std::array<float, 4> weights = cornerWeights(std::min(size, 4), location.uv);
      for (int k = 0; k < std::min(size, 4); ++k) {
        location.stencil.emplace_back(
            part.firstVertex + part.mesh.faceIndices[static_cast<std::size_t>(offset + k)],
            weights[static_cast<std::size_t>(k)]);
      }
    }
    return location;
  }
};

/// The closest point of a part's surface to `point`, as a landmark position (face, uv):
/// the closest point of the control mesh, then Gauss-Newton steps on the limit surface
/// within that face.
std::pair<int, Vec2f> projectToPart(const FacePart& part, const ClosestPointIndex& index,
                                    const std::vector<int>& triangleFace,
                                    const std::vector<std::uint8_t>& triangleHalf,
                                    const SubdivisionSurface* surface, const Vec3f& point) {
  const ClosestPoint hit = index.closest(point);
  SF_CHECK(hit.found());
  const std::size_t t = static_cast<std::size_t>(hit.triangle);
  const int face = triangleFace[t];
  const int size = part.mesh.faceSizes[static_cast<std::size_t>(face)];
  Vec2f uv = size == 4 ? (triangleHalf[t] == 0 ? Vec2f(hit.b1 + hit.b2, hit.b2)
                                               : Vec2f(hit.b1, hit.b1 + hit.b2))
                       : Vec2f(hit.b1, hit.b2);
  const auto clampUv = [&](Vec2f value) {
    value = value.cwiseMax(0.0f);
    if (size == 4) {
      return Vec2f(value.cwiseMin(1.0f));
    }
    const float sum = value.sum();
    return sum > 1.0f ? Vec2f(value / sum) : value;
  };
  uv = clampUv(uv);
  if (surface && size <= 4) {
    const std::span<const Vec3f> positions = part.mesh.positions;
    constexpr float kStep = 1e-3f;
    for (int iteration = 0; iteration < 6; ++iteration) {
      const Vec3f p = surface->limitPoint(positions, face, uv);
      const Vec2f du = clampUv(uv + Vec2f(kStep, 0)) - uv;
      const Vec2f dv = clampUv(uv + Vec2f(0, kStep)) - uv;
      Eigen::Matrix<float, 3, 2> jacobian;
      jacobian.col(0) =
          du.x() != 0.0f
              ? Vec3f((surface->limitPoint(positions, face, uv + du) - p) / du.x())
              : Vec3f((p - surface->limitPoint(positions, face, clampUv(uv - Vec2f(kStep, 0)))) /
                      kStep);
      jacobian.col(1) =
          dv.y() != 0.0f
              ? Vec3f((surface->limitPoint(positions, face, uv + dv) - p) / dv.y())
              : Vec3f((p - surface->limitPoint(positions, face, clampUv(uv - Vec2f(0, kStep)))) /
                      kStep);
      const Eigen::Matrix2f normal = jacobian.transpose() * jacobian;
      if (std::abs(normal.determinant()) < 1e-12f) {
        break;
      }
      const Vec2f step = normal.inverse() * (jacobian.transpose() * (point - p));
      uv = clampUv(uv + step);
      if (step.norm() < 1e-5f) {
        break;
      }
    }
  }
  return {face, uv};
}

/// Per-vertex dense deltas of a morph target.
std::vector<Vec3f> denseDeltas(const MorphTarget& target, int vertexCount) {
  std::vector<Vec3f> dense(static_cast<std::size_t>(vertexCount), Vec3f::Zero());
  for (std::size_t i = 0; i < target.vertices.size(); ++i) {
    dense[static_cast<std::size_t>(target.vertices[i])] = target.deltas[i];
  }
  return dense;
}

/// Replaces the entries of `target` for global vertices [first, first + count) with
/// `deltas` (non-zero ones), keeping the vertex list ascending.
void replaceRange(MorphTarget& target, int first, int count, const std::vector<Vec3f>& deltas) {
  std::vector<std::pair<int, Vec3f>> entries;
  for (std::size_t i = 0; i < target.vertices.size(); ++i) {
    const int v = target.vertices[i];
    if (v < first || v >= first + count) {
      entries.emplace_back(v, target.deltas[i]);
    }
  }
  for (int i = 0; i < count; ++i) {
    const Vec3f& delta = deltas[static_cast<std::size_t>(i)];
    if (delta.squaredNorm() > 1e-12f) {
      entries.emplace_back(first + i, delta);
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  target.vertices.clear();
  target.deltas.clear();
  for (const auto& [v, delta] : entries) {
    target.vertices.push_back(v);
    target.deltas.push_back(delta);
  }
}

/// The front pole of the eyeball that rides on `joint` (its anchor vertices'
/// PartMaterial::Sclera part): the rest position of the vertex with the smallest UV v, the
/// pupil's centre in SynthFace's eye convention. Nothing when the joint has no eyeball.
std::optional<Vec3f> eyeFrontPole(const FaceModel& model, int joint) {
  const std::vector<int>& anchors = model.joints[static_cast<std::size_t>(joint)].anchorVertices;
  if (anchors.empty()) {
    return std::nullopt;
  }
  for (const FacePart& part : model.parts) {
    const int anchor = anchors.front();
    if (part.material != PartMaterial::Sclera || anchor < part.firstVertex ||
        anchor >= part.firstVertex + part.mesh.vertexCount() || part.mesh.uvIndices.empty()) {
      continue;
    }
    float bestV = std::numeric_limits<float>::infinity();
    std::optional<Vec3f> pole;
    for (std::size_t c = 0; c < part.mesh.faceIndices.size(); ++c) {
      const float v = part.mesh.uvs[static_cast<std::size_t>(part.mesh.uvIndices[c])].y();
      if (v < bestV) {
        bestV = v;
        pole = part.mesh.positions[static_cast<std::size_t>(part.mesh.faceIndices[c])];
      }
    }
    return pole;
  }
  return std::nullopt;
}

int findByName(const std::vector<MorphTarget>& targets, const std::string& name) {
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

void transferSurface(const FaceModel& model, const Registration& fit, FaceModel& target,
                     int targetPart, const SurfaceTransfer& what) {
  SF_CHECK(targetPart >= 0 && targetPart < static_cast<int>(target.parts.size()));
  SF_CHECK(fit.positions.size() == static_cast<std::size_t>(model.vertexCount()));
  FacePart& part = target.parts[static_cast<std::size_t>(targetPart)];
  PolyMesh& mesh = part.mesh;
  const std::vector<int> offsets = mesh.faceOffsets();
  const FittedLookup lookup = FittedLookup::create(model, fit.positions);

  // Where each target vertex and face centre lies on the fitted model.
  std::vector<FittedLookup::Location> atVertex;
  atVertex.reserve(static_cast<std::size_t>(mesh.vertexCount()));
  for (const Vec3f& p : mesh.positions) {
    atVertex.push_back(lookup.locate(model, p));
  }
  std::vector<FittedLookup::Location> atFace;
  std::vector<Vec3f> centres;
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
    Vec3f centre = Vec3f::Zero();
    for (int k = 0; k < size; ++k) {
      centre += mesh.positions[static_cast<std::size_t>(
          mesh.faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + k)])];
    }
    centres.push_back(centre / float(size));
    atFace.push_back(lookup.locate(model, centres.back()));
  }

  if (what.labels) {
    part.faceClass.assign(static_cast<std::size_t>(mesh.faceCount()), LabelClass::Skin);
    part.faceGrowth.assign(static_cast<std::size_t>(mesh.faceCount()), kGrowthNone);
    for (int f = 0; f < mesh.faceCount(); ++f) {
      const FittedLookup::Location& at = atFace[static_cast<std::size_t>(f)];
      const FacePart& source = model.parts[static_cast<std::size_t>(at.part)];
      part.faceClass[static_cast<std::size_t>(f)] =
          source.faceClass[static_cast<std::size_t>(at.face)];
      part.faceGrowth[static_cast<std::size_t>(f)] =
          source.faceGrowth[static_cast<std::size_t>(at.face)];
    }
  }

  if (what.uvs) {
    // The UV of a point of a model face, interpolated from the face's corner UVs.
    const auto uvAt = [&](int p, int face, const Vec2f& uv) -> std::optional<Vec2f> {
      const FacePart& source = model.parts[static_cast<std::size_t>(p)];
      if (source.mesh.uvIndices.empty()) {
        return std::nullopt;
      }
      const int size = source.mesh.faceSizes[static_cast<std::size_t>(face)];
      const int offset = source.mesh.faceOffsets()[static_cast<std::size_t>(face)];
      const std::array<float, 4> weights = cornerWeights(std::min(size, 4), uv);
      Vec2f result = Vec2f::Zero();
      for (int k = 0; k < std::min(size, 4); ++k) {
        result += weights[static_cast<std::size_t>(k)] *
                  source.mesh.uvs[static_cast<std::size_t>(
                      source.mesh.uvIndices[static_cast<std::size_t>(offset + k)])];
      }
      return result;
    };
    // Texel density (UV units per millimetre), to tell a UV seam from an ordinary step.
    std::vector<float> ratios;
    for (const FacePart& source : model.parts) {
      if (source.material != PartMaterial::Skin || source.mesh.uvIndices.empty()) {
        continue;
      }
      const std::vector<int> sourceOffsets = source.mesh.faceOffsets();
      for (int f = 0; f < source.mesh.faceCount(); f += 7) {
        const int a = sourceOffsets[static_cast<std::size_t>(f)];
        const float length =
            fit.scale * (source.mesh.positions[static_cast<std::size_t>(
                             source.mesh.faceIndices[static_cast<std::size_t>(a)])] -
                         source.mesh.positions[static_cast<std::size_t>(
                             source.mesh.faceIndices[static_cast<std::size_t>(a + 1)])])
                            .norm();
        const float uvLength = (source.mesh.uvs[static_cast<std::size_t>(
                                    source.mesh.uvIndices[static_cast<std::size_t>(a)])] -
                                source.mesh.uvs[static_cast<std::size_t>(
                                    source.mesh.uvIndices[static_cast<std::size_t>(a + 1)])])
                                   .norm();
        if (length > 0.0f) {
          ratios.push_back(uvLength / length);
        }
      }
    }
    const float density = median(ratios);
    std::vector<Vec2f> cornerUvs;
    bool any = false;
    for (int f = 0; f < mesh.faceCount(); ++f) {
      const FittedLookup::Location& centre = atFace[static_cast<std::size_t>(f)];
      const std::optional<Vec2f> centreUv = uvAt(centre.part, centre.face, centre.uv);
      const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
      for (int k = 0; k < size; ++k) {
        const int v =
            mesh.faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + k)];
        const FittedLookup::Location& at = atVertex[static_cast<std::size_t>(v)];
        std::optional<Vec2f> uv = uvAt(at.part, at.face, at.uv);
        if (centreUv && uv) {
          any = true;
          const float reach =
              (mesh.positions[static_cast<std::size_t>(v)] - centres[static_cast<std::size_t>(f)])
                  .norm();
          if ((*uv - *centreUv).norm() > 4.0f * density * reach + 1e-3f) {
            // Across a seam from the face's centre: extrapolate the centre's chart instead,
            // with the centre face's UV gradient in 3D.
            const FacePart& source = model.parts[static_cast<std::size_t>(centre.part)];
            const int sourceSize =
                std::min(source.mesh.faceSizes[static_cast<std::size_t>(centre.face)], 4);
            const int sourceOffset =
                source.mesh.faceOffsets()[static_cast<std::size_t>(centre.face)];
            Eigen::MatrixXf positions(sourceSize, 3);
            Eigen::MatrixXf uvs(sourceSize, 2);
            for (int c = 0; c < sourceSize; ++c) {
              const int vertex =
                  source.firstVertex +
                  source.mesh.faceIndices[static_cast<std::size_t>(sourceOffset + c)];
              positions.row(c) = fit.positions[static_cast<std::size_t>(vertex)].transpose();
              uvs.row(c) =
                  source.mesh
                      .uvs[static_cast<std::size_t>(
                          source.mesh.uvIndices[static_cast<std::size_t>(sourceOffset + c)])]
                      .transpose();
            }
            const Eigen::RowVector3f meanPosition = positions.colwise().mean();
            const Eigen::RowVector2f meanUv = uvs.colwise().mean();
            positions.rowwise() -= meanPosition;
            uvs.rowwise() -= meanUv;
            const Eigen::MatrixXf gradient =
                positions.jacobiSvd(Eigen::ComputeThinU | Eigen::ComputeThinV).solve(uvs);
            const Eigen::RowVector3f offset =
                mesh.positions[static_cast<std::size_t>(v)].transpose() - meanPosition;
            uv = Vec2f((meanUv + offset * gradient).transpose());
          }
        }
        cornerUvs.push_back(uv.value_or(Vec2f::Zero()));
      }
    }
    if (any) {
      // Share UVs between corners of one vertex where they agree.
      mesh.uvs.clear();
      mesh.uvIndices.clear();
      std::map<std::tuple<int, float, float>, int> shared;
      for (std::size_t c = 0; c < cornerUvs.size(); ++c) {
        const auto key = std::tuple{mesh.faceIndices[c], cornerUvs[c].x(), cornerUvs[c].y()};
        auto [it, inserted] = shared.emplace(key, static_cast<int>(mesh.uvs.size()));
        if (inserted) {
          mesh.uvs.push_back(cornerUvs[c]);
        }
        mesh.uvIndices.push_back(it->second);
      }
    }
  }

  if (what.skinWeights) {
    std::vector<int> jointMap;
    for (const Joint& joint : model.joints) {
      const int found = target.findJoint(joint.name);
      if (found < 0) {
        throw Error(target.name + ": skin weights: the model has no joint '" + joint.name + "'");
      }
      jointMap.push_back(found);
    }
    const auto vertexCount = static_cast<std::size_t>(target.vertexCount());
    target.skin.joints.resize(vertexCount);
    target.skin.weights.resize(vertexCount, {1.0f, 0.0f, 0.0f, 0.0f});
    for (int v = 0; v < mesh.vertexCount(); ++v) {
      const FittedLookup::Location& at = atVertex[static_cast<std::size_t>(v)];
      std::map<int, float> sums;
      for (const auto& [vertex, weight] : at.stencil) {
        const std::size_t source = static_cast<std::size_t>(vertex);
        for (int i = 0; i < SkinWeights::kInfluences; ++i) {
          const float w = model.skin.weights[source][static_cast<std::size_t>(i)];
          if (w > 0.0f) {
            sums[jointMap[static_cast<std::size_t>(
                model.skin.joints[source][static_cast<std::size_t>(i)])]] += w * weight;
          }
        }
      }
      std::vector<std::pair<float, int>> ranked;
      for (const auto& [joint, w] : sums) {
        if (w > 1e-4f) {
          ranked.emplace_back(w, joint);
        }
      }
      std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
      });
      ranked.resize(std::min<std::size_t>(ranked.size(), SkinWeights::kInfluences));
      float total = 0.0f;
      for (const auto& entry : ranked) {
        total += entry.first;
      }
      std::array<int, SkinWeights::kInfluences> joints{};
      std::array<float, SkinWeights::kInfluences> weights{};
      for (std::size_t i = 0; i < ranked.size(); ++i) {
        joints[i] = ranked[i].second;
        weights[i] = total > 0.0f ? ranked[i].first / total : (i == 0 ? 1.0f : 0.0f);
      }
      if (ranked.empty()) {
        weights[0] = 1.0f;
      }
      const std::size_t global = static_cast<std::size_t>(part.firstVertex + v);
      target.skin.joints[global] = joints;
      target.skin.weights[global] = weights;
    }
  }

  // Morph targets: interpolated, rotated and scaled into the target's space.
  const auto transferTargets = [&](const std::vector<MorphTarget>& from,
                                   std::vector<MorphTarget>& to) {
    for (const MorphTarget& morph : from) {
      const std::vector<Vec3f> dense = denseDeltas(morph, model.vertexCount());
      std::vector<Vec3f> deltas(static_cast<std::size_t>(mesh.vertexCount()), Vec3f::Zero());
      for (int v = 0; v < mesh.vertexCount(); ++v) {
        const FittedLookup::Location& at = atVertex[static_cast<std::size_t>(v)];
        Vec3f delta = Vec3f::Zero();
        for (const auto& [vertex, weight] : at.stencil) {
          delta += weight * dense[static_cast<std::size_t>(vertex)];
        }
        deltas[static_cast<std::size_t>(v)] = fit.scale * (fit.rotation * delta);
      }
      int index = findByName(to, morph.name);
      if (index < 0) {
        MorphTarget added = morph;
        added.vertices.clear();
        added.deltas.clear();
        added.drivers.clear();
        for (const int driver : morph.drivers) {
          const int found =
              target.findExpression(model.expressions[static_cast<std::size_t>(driver)].name);
          if (found < 0) {
            throw Error(target.name + ": corrective '" + morph.name + "': no expression '" +
                        model.expressions[static_cast<std::size_t>(driver)].name + "'");
          }
          added.drivers.push_back(found);
        }
        to.push_back(std::move(added));
        index = static_cast<int>(to.size()) - 1;
      }
      replaceRange(to[static_cast<std::size_t>(index)], part.firstVertex, mesh.vertexCount(),
                   deltas);
    }
  };
  if (what.identity) {
    transferTargets(model.identity, target.identity);
  }
  if (what.expressions) {
    transferTargets(model.expressions, target.expressions);
    transferTargets(model.correctives, target.correctives);
  }

  if (what.landmarks) {
    std::vector<int> triangleFace;
    std::vector<std::uint8_t> triangleHalf;
    const std::vector<Triangle> triangles = triangulate(mesh, &triangleFace, &triangleHalf);
    const ClosestPointIndex index =
        ClosestPointIndex::create(sharedEmbreeDevice(), mesh.positions, triangles);
    std::optional<SubdivisionSurface> surface;
    if (part.subdivide) {
      surface = SubdivisionSurface::create(mesh, 0);
    }
    std::vector<std::optional<SubdivisionSurface>> modelSurfaces(model.parts.size());
    const auto carry = [&](const std::vector<Landmark>& from) {
      std::vector<Landmark> result;
      for (const Landmark& landmark : from) {
        Landmark carried = landmark;
        if (landmark.kind == Landmark::Kind::Joint) {
          const std::string& jointName =
              model.joints[static_cast<std::size_t>(landmark.joint)].name;
          carried.joint = target.findJoint(jointName);
          if (carried.joint < 0) {
            throw Error(target.name + ": landmark '" + landmark.name + "': no joint '" + jointName +
                        "'");
          }
          carried.offset = fit.scale * (fit.rotation * landmark.offset);
          if (const std::optional<Vec3f> pole = eyeFrontPole(target, carried.joint)) {
            // A pupil sits where the target's own eyeball paints it.
            carried.offset =
                *pole - target.joints[static_cast<std::size_t>(carried.joint)].restPosition;
          }
          result.push_back(carried);
          continue;
        }
        const FacePart& source = model.parts[static_cast<std::size_t>(landmark.part)];
        auto& sourceSurface = modelSurfaces[static_cast<std::size_t>(landmark.part)];
        const auto sourcePositions =
            std::span<const Vec3f>(fit.positions)
                .subspan(static_cast<std::size_t>(source.firstVertex),
                         static_cast<std::size_t>(source.mesh.vertexCount()));
        Vec3f point;
        if (source.subdivide) {
          if (!sourceSurface) {
            sourceSurface = SubdivisionSurface::create(source.mesh, 0);
          }
          point = sourceSurface->limitPoint(sourcePositions, landmark.face, landmark.uv);
        } else {
          const int size = source.mesh.faceSizes[static_cast<std::size_t>(landmark.face)];
          const int offset = source.mesh.faceOffsets()[static_cast<std::size_t>(landmark.face)];
          const std::array<float, 4> weights = cornerWeights(std::min(size, 4), landmark.uv);
          point = Vec3f::Zero();
          for (int k = 0; k < std::min(size, 4); ++k) {
            point += weights[static_cast<std::size_t>(k)] *
                     sourcePositions[static_cast<std::size_t>(
                         source.mesh.faceIndices[static_cast<std::size_t>(offset + k)])];
          }
        }
        if (source.material != PartMaterial::Skin) {
          throw Error(target.name + ": landmark '" + landmark.name + "' lies on part '" +
                      source.name + "', which is not part of the registered surface");
        }
        const auto [face, uv] = projectToPart(part, index, triangleFace, triangleHalf,
                                              surface ? &*surface : nullptr, point);
        carried.part = targetPart;
        carried.face = face;
        carried.uv = uv;
        result.push_back(carried);
      }
      return result;
    };
    target.landmarks = carry(model.landmarks);
    target.denseLandmarks = carry(model.denseLandmarks);
  }
}

FaceModel registeredModel(const FaceModel& model, const Registration& fit) {
  SF_CHECK(fit.positions.size() == static_cast<std::size_t>(model.vertexCount()));
  FaceModel result = model;
  const Eigen::Matrix3f back = fit.rotation.transpose();
  for (FacePart& part : result.parts) {
    for (int v = 0; v < part.mesh.vertexCount(); ++v) {
      part.mesh.positions[static_cast<std::size_t>(v)] =
          back * (fit.positions[static_cast<std::size_t>(part.firstVertex + v)] - fit.translation);
    }
  }
  for (std::size_t j = 0; j < result.joints.size(); ++j) {
    // restPosition is the template's pivot; the fitted pivot includes no identity offset.
    result.joints[j].restPosition = back * (fit.jointPositions[j] - fit.translation);
  }
  for (auto* targets : {&result.identity, &result.expressions, &result.correctives}) {
    for (MorphTarget& morph : *targets) {
      for (Vec3f& delta : morph.deltas) {
        delta *= fit.scale;
      }
      morph.sigma *= morph.sigma != 1.0f || targets == &result.identity ? fit.scale : 1.0f;
    }
  }
  for (Landmark& landmark : result.landmarks) {
    if (landmark.kind == Landmark::Kind::Joint) {
      landmark.offset *= fit.scale;
    }
  }
  result.name = model.name + "-registered";
  return result;
}

FaceModel modelFromRegistration(const FaceModel& model, const Registration& fit,
                                const PolyMesh& mesh, const std::string& name) {
  SF_CHECK(fit.positions.size() == static_cast<std::size_t>(model.vertexCount()));
  FaceModel result;
  result.name = name;
  result.version = "1";
  result.license = model.license;
  result.author = model.author;

  FacePart skin;
  skin.name = "skin";
  skin.material = PartMaterial::Skin;
  skin.mesh = mesh;
  skin.firstVertex = 0;
  // Catmull-Clark suits quad meshes; a triangulated scan is rendered as it is.
  const auto quads = std::count(mesh.faceSizes.begin(), mesh.faceSizes.end(), 4);
  skin.subdivide = quads >= 0.9 * double(mesh.faceCount());
  skin.faceClass.assign(static_cast<std::size_t>(mesh.faceCount()), LabelClass::Skin);
  skin.faceGrowth.assign(static_cast<std::size_t>(mesh.faceCount()), kGrowthNone);
  result.parts.push_back(std::move(skin));

  // The model's inner parts, where the fit put them.
  std::vector<int> newVertex(static_cast<std::size_t>(model.vertexCount()), -1);
  int next = mesh.vertexCount();
  for (const FacePart& part : model.parts) {
    if (part.material == PartMaterial::Skin) {
      continue;
    }
    FacePart moved = part;
    moved.firstVertex = next;
    for (int v = 0; v < part.mesh.vertexCount(); ++v) {
      moved.mesh.positions[static_cast<std::size_t>(v)] =
          fit.positions[static_cast<std::size_t>(part.firstVertex + v)];
      newVertex[static_cast<std::size_t>(part.firstVertex + v)] = next + v;
    }
    next += part.mesh.vertexCount();
    result.parts.push_back(std::move(moved));
  }

  for (std::size_t j = 0; j < model.joints.size(); ++j) {
    Joint joint = model.joints[j];
    joint.restPosition = fit.jointPositions[j];
    std::vector<int> anchors;
    for (const int v : joint.anchorVertices) {
      if (newVertex[static_cast<std::size_t>(v)] >= 0) {
        anchors.push_back(newVertex[static_cast<std::size_t>(v)]);
      }
    }
    joint.anchorVertices = std::move(anchors);
    result.joints.push_back(std::move(joint));
  }

  result.skin.joints.assign(static_cast<std::size_t>(next), {});
  result.skin.weights.assign(static_cast<std::size_t>(next), {1.0f, 0.0f, 0.0f, 0.0f});
  for (std::size_t v = 0; v < newVertex.size(); ++v) {
    if (newVertex[v] >= 0) {
      result.skin.joints[static_cast<std::size_t>(newVertex[v])] = model.skin.joints[v];
      result.skin.weights[static_cast<std::size_t>(newVertex[v])] = model.skin.weights[v];
    }
  }

  // Inner parts' deltas, rotated into the target's space; the surface's come by transfer.
  const auto moveTargets = [&](const std::vector<MorphTarget>& from, std::vector<MorphTarget>& to) {
    for (const MorphTarget& morph : from) {
      MorphTarget moved = morph;
      moved.vertices.clear();
      moved.deltas.clear();
      for (std::size_t i = 0; i < morph.vertices.size(); ++i) {
        const int v = newVertex[static_cast<std::size_t>(morph.vertices[i])];
        if (v >= 0) {
          moved.vertices.push_back(v);
          moved.deltas.push_back(fit.scale * (fit.rotation * morph.deltas[i]));
        }
      }
      to.push_back(std::move(moved));
    }
  };
  moveTargets(model.identity, result.identity);
  moveTargets(model.expressions, result.expressions);
  moveTargets(model.correctives, result.correctives);

  transferSurface(model, fit, result, 0, SurfaceTransfer{});
  validateFaceModel(result, name);
  return result;
}
}  // namespace sf
