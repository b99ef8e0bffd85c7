#include "render/embree_accel.h"

#include "util/check.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace sf {

namespace {

const char* errorName(RTCError code) {
  switch (code) {
    case RTC_ERROR_NONE: return "no error";
    case RTC_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case RTC_ERROR_INVALID_OPERATION: return "invalid operation";
    case RTC_ERROR_OUT_OF_MEMORY: return "out of memory";
    case RTC_ERROR_UNSUPPORTED_CPU: return "unsupported CPU";
    case RTC_ERROR_CANCELLED: return "cancelled";
    default: return "unknown error";
  }
}

/// Occlusion filter of meshes that cast no shadow: rejects every hit.
void passThrough(const RTCFilterFunctionNArguments* args) {
  for (unsigned i = 0; i < args->N; ++i) {
    args->valid[i] = 0;
  }
}

RTCRay toEmbree(const Ray& ray) {
  RTCRay out{};
  out.org_x = ray.origin.x();
  out.org_y = ray.origin.y();
  out.org_z = ray.origin.z();
  out.tnear = ray.tNear;
  out.dir_x = ray.direction.x();
  out.dir_y = ray.direction.y();
  out.dir_z = ray.direction.z();
  out.time = 0.0f;
  out.tfar = ray.tFar;
  out.mask = ~0u;
  out.id = 0;
  out.flags = 0;
  return out;
}

}  // namespace

EmbreeDevice::EmbreeDevice() {
  m_device = rtcNewDevice(nullptr);
  if (!m_device) {
    const RTCError code = rtcGetDeviceError(nullptr);
    throw Error(std::string("Embree could not start: ") + errorName(code));
  }
  rtcSetDeviceErrorFunction(m_device, &EmbreeDevice::onError, this);
}

EmbreeDevice& sharedEmbreeDevice() {
  static EmbreeDevice device;
  return device;
}

EmbreeDevice::~EmbreeDevice() {
  rtcReleaseDevice(m_device);
}

std::string EmbreeDevice::version() const {
  const auto major = rtcGetDeviceProperty(m_device, RTC_DEVICE_PROPERTY_VERSION_MAJOR);
  const auto minor = rtcGetDeviceProperty(m_device, RTC_DEVICE_PROPERTY_VERSION_MINOR);
  const auto patch = rtcGetDeviceProperty(m_device, RTC_DEVICE_PROPERTY_VERSION_PATCH);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

void EmbreeDevice::throwIfFailed() {
  if (m_firstError != RTC_ERROR_NONE) {
    const std::string text =
        std::string("Embree: ") + errorName(m_firstError) + ": " + m_firstErrorMessage;
    m_firstError = RTC_ERROR_NONE;
    m_firstErrorMessage.clear();
    throw Error(text);
  }
}

void EmbreeDevice::onError(void* self, RTCError code, const char* message) {
  auto* device = static_cast<EmbreeDevice*>(self);
  if (device->m_firstError == RTC_ERROR_NONE) {
    device->m_firstError = code;
    device->m_firstErrorMessage = message ? message : "";
  }
}

TriangleScene TriangleScene::create(EmbreeDevice& device, std::span<const TriangleMeshInput> meshes,
                                    std::span<const CurveInput> curves) {
  TriangleScene result(rtcNewScene(device.handle()));
  // Robust traversal: rays through shared edges and vertices never slip between triangles.
  rtcSetSceneFlags(result.m_scene, RTC_SCENE_FLAG_ROBUST);
  rtcSetSceneBuildQuality(result.m_scene, RTC_BUILD_QUALITY_MEDIUM);

  for (std::size_t meshIndex = 0; meshIndex < meshes.size(); ++meshIndex) {
    const TriangleMeshInput& mesh = meshes[meshIndex];
    if (mesh.triangles.empty()) {
      continue;  // nothing to hit; its geomID stays unused
    }
    SF_CHECK_MSG(!mesh.positions.empty(), "triangles without vertices");
    const RTCGeometry geometry = rtcNewGeometry(device.handle(), RTC_GEOMETRY_TYPE_TRIANGLE);
    device.throwIfFailed();

    // Embree-owned buffers, padded as its SIMD loads require.
    auto* positions = static_cast<float*>(
        rtcSetNewGeometryBuffer(geometry, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT3,
                                3 * sizeof(float), mesh.positions.size()));
    auto* triangles = static_cast<unsigned*>(
        rtcSetNewGeometryBuffer(geometry, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3,
                                3 * sizeof(unsigned), mesh.triangles.size()));
    if (!positions || !triangles) {
      rtcReleaseGeometry(geometry);
      device.throwIfFailed();
      throw Error("Embree could not allocate a mesh of " + std::to_string(mesh.triangles.size()) +
                  " triangles");
    }
    for (std::size_t i = 0; i < mesh.positions.size(); ++i) {
      positions[3 * i + 0] = mesh.positions[i].x();
      positions[3 * i + 1] = mesh.positions[i].y();
      positions[3 * i + 2] = mesh.positions[i].z();
    }
    const auto vertexCount = static_cast<int>(mesh.positions.size());
    for (std::size_t i = 0; i < mesh.triangles.size(); ++i) {
      for (int corner = 0; corner < 3; ++corner) {
        const int index = mesh.triangles[i][static_cast<std::size_t>(corner)];
        SF_CHECK_MSG(index >= 0 && index < vertexCount, "triangle index out of range");
        triangles[3 * i + static_cast<std::size_t>(corner)] = static_cast<unsigned>(index);
      }
    }
    if (!mesh.occludes) {
      rtcSetGeometryOccludedFilterFunction(geometry, &passThrough);
    }
    rtcCommitGeometry(geometry);
    rtcAttachGeometryByID(result.m_scene, geometry, static_cast<unsigned>(meshIndex));
    rtcReleaseGeometry(geometry);
    device.throwIfFailed();
  }

  for (std::size_t curveIndex = 0; curveIndex < curves.size(); ++curveIndex) {
    const CurveInput& curve = curves[curveIndex];
    if (curve.segmentStarts.empty()) {
      continue;
    }
    const RTCGeometry geometry =
        rtcNewGeometry(device.handle(), RTC_GEOMETRY_TYPE_ROUND_LINEAR_CURVE);
    device.throwIfFailed();
    auto* points = static_cast<float*>(rtcSetNewGeometryBuffer(geometry, RTC_BUFFER_TYPE_VERTEX, 0,
                                                               RTC_FORMAT_FLOAT4, 4 * sizeof(float),
                                                               curve.points.size()));
    auto* starts = static_cast<unsigned*>(
        rtcSetNewGeometryBuffer(geometry, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT,
                                sizeof(unsigned), curve.segmentStarts.size()));
    if (!points || !starts) {
      rtcReleaseGeometry(geometry);
      device.throwIfFailed();
      throw Error("Embree could not allocate " + std::to_string(curve.segmentStarts.size()) +
                  " curve segments");
    }
    for (std::size_t i = 0; i < curve.points.size(); ++i) {
      for (int c = 0; c < 4; ++c) {
        points[4 * i + static_cast<std::size_t>(c)] = curve.points[i][c];
      }
    }
    for (std::size_t i = 0; i < curve.segmentStarts.size(); ++i) {
      SF_CHECK_MSG(curve.segmentStarts[i] + 1 < curve.points.size(), "segment out of range");
      starts[i] = curve.segmentStarts[i];
    }
    if (!curve.occludes) {
      rtcSetGeometryOccludedFilterFunction(geometry, &passThrough);
    }
    rtcCommitGeometry(geometry);
    rtcAttachGeometryByID(result.m_scene, geometry,
                          static_cast<unsigned>(meshes.size() + curveIndex));
    rtcReleaseGeometry(geometry);
    device.throwIfFailed();
  }

  rtcCommitScene(result.m_scene);
  device.throwIfFailed();
  return result;
}

TriangleScene::~TriangleScene() {
  if (m_scene) {
    rtcReleaseScene(m_scene);
  }
}

TriangleScene::TriangleScene(TriangleScene&& other) noexcept
    : m_scene(std::exchange(other.m_scene, nullptr)) {}

TriangleScene& TriangleScene::operator=(TriangleScene&& other) noexcept {
  if (this != &other) {
    if (m_scene) {
      rtcReleaseScene(m_scene);
    }
    m_scene = std::exchange(other.m_scene, nullptr);
  }
  return *this;
}

RayHit TriangleScene::intersect(const Ray& ray) const {
  RTCIntersectContext context;
  rtcInitIntersectContext(&context);
  RTCRayHit query{};
  query.ray = toEmbree(ray);
  query.hit.geomID = RTC_INVALID_GEOMETRY_ID;
  query.hit.instID[0] = RTC_INVALID_GEOMETRY_ID;
  rtcIntersect1(m_scene, &context, &query);

  RayHit hit;
  if (query.hit.geomID != RTC_INVALID_GEOMETRY_ID) {
    hit.geomID = query.hit.geomID;
    hit.primID = query.hit.primID;
    hit.u = query.hit.u;
    hit.v = query.hit.v;
    hit.t = query.ray.tfar;
  }
  return hit;
}

void TriangleScene::intersect(std::span<const Ray> rays, std::span<RayHit> hits) const {
  SF_CHECK(hits.size() == rays.size());
  constexpr std::size_t kPacket = 8;
  RTCIntersectContext context;
  rtcInitIntersectContext(&context);
  context.flags = RTC_INTERSECT_CONTEXT_FLAG_COHERENT;

  for (std::size_t begin = 0; begin < rays.size(); begin += kPacket) {
    const std::size_t count = std::min(kPacket, rays.size() - begin);
    alignas(32) int valid[kPacket];
    alignas(32) RTCRayHit8 packet;
    for (std::size_t lane = 0; lane < kPacket; ++lane) {
      // Idle lanes repeat the first ray so every field is initialised.
      const Ray& ray = rays[begin + (lane < count ? lane : 0)];
      valid[lane] = lane < count ? -1 : 0;
      packet.ray.org_x[lane] = ray.origin.x();
      packet.ray.org_y[lane] = ray.origin.y();
      packet.ray.org_z[lane] = ray.origin.z();
      packet.ray.tnear[lane] = ray.tNear;
      packet.ray.dir_x[lane] = ray.direction.x();
      packet.ray.dir_y[lane] = ray.direction.y();
      packet.ray.dir_z[lane] = ray.direction.z();
      packet.ray.time[lane] = 0.0f;
      packet.ray.tfar[lane] = ray.tFar;
      packet.ray.mask[lane] = ~0u;
      packet.ray.id[lane] = static_cast<unsigned>(lane);
      packet.ray.flags[lane] = 0;
      packet.hit.geomID[lane] = RTC_INVALID_GEOMETRY_ID;
      packet.hit.instID[0][lane] = RTC_INVALID_GEOMETRY_ID;
    }
    rtcIntersect8(valid, m_scene, &context, &packet);

    for (std::size_t lane = 0; lane < count; ++lane) {
      RayHit& hit = hits[begin + lane];
      hit = RayHit{};
      if (packet.hit.geomID[lane] != RTC_INVALID_GEOMETRY_ID) {
        hit.geomID = packet.hit.geomID[lane];
        hit.primID = packet.hit.primID[lane];
        hit.u = packet.hit.u[lane];
        hit.v = packet.hit.v[lane];
        hit.t = packet.ray.tfar[lane];
      }
    }
  }
}

bool TriangleScene::occluded(const Ray& ray) const {
  RTCIntersectContext context;
  rtcInitIntersectContext(&context);
  RTCRay query = toEmbree(ray);
  rtcOccluded1(m_scene, &context, &query);
  // Embree marks an occluded ray by setting tfar to -inf.
  return query.tfar < 0.0f;
}

// ---------------------------------------------------------------------------------------
// Closest points

Eigen::Vector2f closestPointOnTriangle(const Eigen::Vector3f& p, const Eigen::Vector3f& a,
                                       const Eigen::Vector3f& b, const Eigen::Vector3f& c) {
  // Find the Voronoi region of p among the triangle's corners, edges and face.
  const Eigen::Vector3f ab = b - a;
  const Eigen::Vector3f ac = c - a;
  const Eigen::Vector3f ap = p - a;
  const float d1 = ab.dot(ap);
  const float d2 = ac.dot(ap);
  if (d1 <= 0.0f && d2 <= 0.0f) {
    return {0.0f, 0.0f};  // corner a
  }
  const Eigen::Vector3f bp = p - b;
  const float d3 = ab.dot(bp);
  const float d4 = ac.dot(bp);
  if (d3 >= 0.0f && d4 <= d3) {
    return {1.0f, 0.0f};  // corner b
  }
  const float vc = d1 * d4 - d3 * d2;
  if (vc <= 0.0f && d1 >= 0.0f && d3 <= 0.0f) {
    return {d1 / (d1 - d3), 0.0f};  // edge ab
  }
  const Eigen::Vector3f cp = p - c;
  const float d5 = ab.dot(cp);
  const float d6 = ac.dot(cp);
  if (d6 >= 0.0f && d5 <= d6) {
    return {0.0f, 1.0f};  // corner c
  }
  const float vb = d5 * d2 - d1 * d6;
  if (vb <= 0.0f && d2 >= 0.0f && d6 <= 0.0f) {
    return {0.0f, d2 / (d2 - d6)};  // edge ac
  }
  const float va = d3 * d6 - d5 * d4;
  if (va <= 0.0f && (d4 - d3) >= 0.0f && (d5 - d6) >= 0.0f) {
    const float t = (d4 - d3) / ((d4 - d3) + (d5 - d6));
    return {1.0f - t, t};  // edge bc
  }
  // Inside the face; a degenerate triangle (zero area) falls back to corner a.
  const float sum = va + vb + vc;
  if (!(std::abs(sum) > 0.0f)) {
    return {0.0f, 0.0f};
  }
  return {vb / sum, vc / sum};
}

namespace {

/// What the point-query callback reads and updates.
struct ClosestPointSearch {
  const ClosestPointIndex* index = nullptr;
  ClosestPoint best;
};

bool visitTriangle(RTCPointQueryFunctionArguments* args) {
  auto* search = static_cast<ClosestPointSearch*>(args->userPtr);
  const auto positions = search->index->positions();
  const std::array<int, 3>& triangle = search->index->triangles()[args->primID];
  const Eigen::Vector3f query(args->query->x, args->query->y, args->query->z);
  const Eigen::Vector3f& a = positions[static_cast<std::size_t>(triangle[0])];
  const Eigen::Vector3f& b = positions[static_cast<std::size_t>(triangle[1])];
  const Eigen::Vector3f& c = positions[static_cast<std::size_t>(triangle[2])];
  const Eigen::Vector2f weights = closestPointOnTriangle(query, a, b, c);
  const Eigen::Vector3f point =
      (1.0f - weights.x() - weights.y()) * a + weights.x() * b + weights.y() * c;
  const float distance = (point - query).norm();
  const int primitive = static_cast<int>(args->primID);
  ClosestPoint& best = search->best;
  if (distance < best.distance ||
      (distance == best.distance && best.triangle >= 0 && primitive < best.triangle)) {
    best = {primitive, weights.x(), weights.y(), point, distance};
    if (distance < args->query->radius) {
      args->query->radius = distance;
      return true;
    }
  }
  return false;
}

}  // namespace

ClosestPointIndex ClosestPointIndex::create(EmbreeDevice& device,
                                            std::span<const Eigen::Vector3f> positions,
                                            std::span<const std::array<int, 3>> triangles) {
  ClosestPointIndex result;
  result.m_positions.assign(positions.begin(), positions.end());
  result.m_triangles.assign(triangles.begin(), triangles.end());
  const auto vertexCount = static_cast<int>(positions.size());
  for (const std::array<int, 3>& triangle : triangles) {
    for (const int corner : triangle) {
      SF_CHECK_MSG(corner >= 0 && corner < vertexCount, "triangle corner out of range");
    }
  }
  result.m_scene = rtcNewScene(device.handle());
  rtcSetSceneBuildQuality(result.m_scene, RTC_BUILD_QUALITY_MEDIUM);
  if (!triangles.empty()) {
    const RTCGeometry geometry = rtcNewGeometry(device.handle(), RTC_GEOMETRY_TYPE_TRIANGLE);
    device.throwIfFailed();
    auto* vertices = static_cast<float*>(
        rtcSetNewGeometryBuffer(geometry, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT3,
                                3 * sizeof(float), positions.size()));
    auto* indices = static_cast<unsigned*>(
        rtcSetNewGeometryBuffer(geometry, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3,
                                3 * sizeof(unsigned), triangles.size()));
    if (!vertices || !indices) {
      rtcReleaseGeometry(geometry);
      device.throwIfFailed();
      throw Error("Embree could not allocate a mesh of " + std::to_string(triangles.size()) +
                  " triangles");
    }
    for (std::size_t i = 0; i < positions.size(); ++i) {
      for (int axis = 0; axis < 3; ++axis) {
        vertices[3 * i + static_cast<std::size_t>(axis)] = positions[i][axis];
      }
    }
    for (std::size_t i = 0; i < triangles.size(); ++i) {
      for (int corner = 0; corner < 3; ++corner) {
        indices[3 * i + static_cast<std::size_t>(corner)] =
            static_cast<unsigned>(triangles[i][static_cast<std::size_t>(corner)]);
      }
    }
    rtcCommitGeometry(geometry);
    rtcAttachGeometryByID(result.m_scene, geometry, 0);
    rtcReleaseGeometry(geometry);
  }
  rtcCommitScene(result.m_scene);
  device.throwIfFailed();
  return result;
}

ClosestPointIndex::~ClosestPointIndex() {
  if (m_scene) {
    rtcReleaseScene(m_scene);
  }
}

ClosestPointIndex::ClosestPointIndex(ClosestPointIndex&& other) noexcept
    : m_scene(std::exchange(other.m_scene, nullptr)),
      m_positions(std::move(other.m_positions)),
      m_triangles(std::move(other.m_triangles)) {}

ClosestPointIndex& ClosestPointIndex::operator=(ClosestPointIndex&& other) noexcept {
  if (this != &other) {
    if (m_scene) {
      rtcReleaseScene(m_scene);
    }
    m_scene = std::exchange(other.m_scene, nullptr);
    m_positions = std::move(other.m_positions);
    m_triangles = std::move(other.m_triangles);
  }
  return *this;
}

ClosestPoint ClosestPointIndex::closest(const Eigen::Vector3f& point, float maxDistance) const {
  ClosestPointSearch search;
  search.index = this;
  if (m_triangles.empty()) {
    return search.best;
  }
  RTCPointQuery query;
  query.x = point.x();
  query.y = point.y();
  query.z = point.z();
  query.time = 0.0f;
  query.radius = maxDistance;
  RTCPointQueryContext context;
  rtcInitPointQueryContext(&context);
  rtcPointQuery(m_scene, &query, &context, &visitTriangle, &search);
  if (search.best.distance > maxDistance) {
    return ClosestPoint{};
  }
  return search.best;
}

}  // namespace sf
