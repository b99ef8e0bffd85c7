#pragma once

#include <embree3/rtcore.h>

#include <Eigen/Core>

#include <array>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace sf {

/// Owns an Embree device, the ray tracing kernels chosen for this CPU. Embree reports
/// errors through a callback; the device turns the first one into an sf::Error thrown by
/// throwIfFailed(), so no Embree error passes silently.
class EmbreeDevice {
public:
  /// Creates the device; throws sf::Error when Embree cannot start on this machine.
  EmbreeDevice();
  ~EmbreeDevice();
  EmbreeDevice(const EmbreeDevice&) = delete;
  EmbreeDevice& operator=(const EmbreeDevice&) = delete;

  RTCDevice handle() const { return m_device; }

  /// Embree's version, such as "3.13.5".
  std::string version() const;

  /// Throws sf::Error with Embree's message if any Embree call on this device failed.
  void throwIfFailed();

private:
  static void onError(void* self, RTCError code, const char* message);

  RTCDevice m_device = nullptr;
  RTCError m_firstError = RTC_ERROR_NONE;
  std::string m_firstErrorMessage;
};

/// The process's Embree device, created on first use and shared by every scene.
EmbreeDevice& sharedEmbreeDevice();

/// A triangle mesh handed to TriangleScene::create(), viewed, not owned: the scene copies it.
struct TriangleMeshInput {
  std::span<const Eigen::Vector3f> positions;
  std::span<const std::array<int, 3>> triangles;  ///< indices into positions
  bool occludes = true;  ///< false: occluded() passes through it (a cornea casts no shadow)
};

/// Strands of round linear segments (hair fibres) handed to TriangleScene::create(), viewed,
/// not owned. Segment i runs from points[segmentStarts[i]] to points[segmentStarts[i] + 1];
/// each point carries its radius in w.
struct CurveInput {
  std::span<const Eigen::Vector4f> points;
  std::span<const unsigned> segmentStarts;
  bool occludes = true;
};

/// A ray for TriangleScene queries. Hits count only for tNear <= t <= tFar, with t measured
/// in units of `direction`, which need not be normalised.
struct Ray {
  Eigen::Vector3f origin = Eigen::Vector3f::Zero();
  Eigen::Vector3f direction = Eigen::Vector3f::UnitZ();
  float tNear = 0.0f;
  float tFar = std::numeric_limits<float>::infinity();
};

/// The closest hit of a ray: mesh `geomID` (its index in create()'s list), triangle `primID`,
/// at distance t; the point is (1-u-v)*p0 + u*p1 + v*p2 of the triangle's corners. Curves
/// follow the meshes: geomID meshes.size() + i is curve set i, primID its segment, u the
/// position along the segment (0 at its start).
struct RayHit {
  static constexpr unsigned kNone = ~0u;

  unsigned geomID = kNone;
  unsigned primID = kNone;
  float u = 0.0f;
  float v = 0.0f;
  float t = std::numeric_limits<float>::infinity();

  bool hit() const { return geomID != kNone; }
};

/// An immutable Embree scene of triangle meshes and curves answering closest-hit and any-hit
/// (shadow) queries. Queries are thread-safe and deterministic: a ray gets the same answer
/// whichever thread traces it.
class TriangleScene {
public:
  /// Builds the acceleration structure; `device` must outlive the scene. Throws sf::Error
  /// if Embree fails (out of memory, for instance).
  static TriangleScene create(EmbreeDevice& device, std::span<const TriangleMeshInput> meshes,
                              std::span<const CurveInput> curves = {});

  ~TriangleScene();
  TriangleScene(TriangleScene&& other) noexcept;
  TriangleScene& operator=(TriangleScene&& other) noexcept;
  TriangleScene(const TriangleScene&) = delete;
  TriangleScene& operator=(const TriangleScene&) = delete;

  /// The closest hit of one ray.
  RayHit intersect(const Ray& ray) const;

  /// The closest hits of many rays, traced in packets of 8: faster than one at a time for
  /// coherent rays such as neighbouring camera rays. `hits` must be as long as `rays`.
  void intersect(std::span<const Ray> rays, std::span<RayHit> hits) const;

  /// Whether anything that occludes lies on the ray between tNear and tFar.
  bool occluded(const Ray& ray) const;

private:
  explicit TriangleScene(RTCScene scene) : m_scene(scene) {}

  RTCScene m_scene = nullptr;
};

/// The closest point of a triangle mesh to a query point: triangle `triangle`, at
/// (1 - b1 - b2) * p0 + b1 * p1 + b2 * p2 of its corners.
struct ClosestPoint {
  int triangle = -1;  ///< -1: nothing within the search radius
  float b1 = 0.0f;
  float b2 = 0.0f;
  Eigen::Vector3f point = Eigen::Vector3f::Zero();
  float distance = std::numeric_limits<float>::infinity();

  bool found() const { return triangle >= 0; }
};

/// Closest-point queries on one triangle mesh (Embree's point queries over its BVH): what
/// mesh registration asks thousands of times per iteration. Immutable after create();
/// queries are thread-safe and deterministic (ties go to the lower triangle index).
class ClosestPointIndex {
public:
  /// Copies the mesh and builds the BVH; `device` must outlive the index. Throws sf::Error
  /// if Embree fails.
  static ClosestPointIndex create(EmbreeDevice& device, std::span<const Eigen::Vector3f> positions,
                                  std::span<const std::array<int, 3>> triangles);

  ~ClosestPointIndex();
  ClosestPointIndex(ClosestPointIndex&& other) noexcept;
  ClosestPointIndex& operator=(ClosestPointIndex&& other) noexcept;
  ClosestPointIndex(const ClosestPointIndex&) = delete;
  ClosestPointIndex& operator=(const ClosestPointIndex&) = delete;

  /// The closest point on the mesh within `maxDistance` of `point` (not found() when there
  /// is none).
  ClosestPoint closest(const Eigen::Vector3f& point,
                       float maxDistance = std::numeric_limits<float>::infinity()) const;

  std::span<const Eigen::Vector3f> positions() const { return m_positions; }
  std::span<const std::array<int, 3>> triangles() const { return m_triangles; }

private:
  ClosestPointIndex() = default;

  RTCScene m_scene = nullptr;
  std::vector<Eigen::Vector3f> m_positions;
  std::vector<std::array<int, 3>> m_triangles;
};

/// The point of triangle (a, b, c) closest to p, as barycentric weights (b1, b2) of b and c.
Eigen::Vector2f closestPointOnTriangle(const Eigen::Vector3f& p, const Eigen::Vector3f& a,
                                       const Eigen::Vector3f& b, const Eigen::Vector3f& c);

}  // namespace sf
