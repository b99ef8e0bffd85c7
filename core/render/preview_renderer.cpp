#include "render/preview_renderer.h"

#include "render/embree_accel.h"
#include "util/check.h"
#include "util/error.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <Eigen/Geometry>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace sf {

namespace {

constexpr float kPi = 3.14159265358979f;

float radians(float degrees) {
  return degrees * kPi / 180.0f;
}

/// A preview mesh as triangles with area-weighted smooth vertex normals.
struct PreparedMesh {
  const PreviewMesh* source = nullptr;
  std::vector<std::array<int, 3>> triangles;
  std::vector<Vec3f> normals;
};

PreparedMesh prepare(const PreviewMesh& item) {
  SF_CHECK_MSG(item.mesh, "PreviewMesh without a mesh");
  const PolyMesh& mesh = *item.mesh;
  PreparedMesh prepared;
  prepared.source = &item;

  // Fan each face from its first corner: a quad becomes two triangles.
  std::size_t corner = 0;
  for (const int size : mesh.faceSizes) {
    SF_CHECK_MSG(size >= 3, "face with fewer than 3 corners");
    SF_CHECK(corner + std::size_t(size) <= mesh.faceIndices.size());
    for (int i = 1; i + 1 < size; ++i) {
      prepared.triangles.push_back({mesh.faceIndices[corner], mesh.faceIndices[corner + i],
                                    mesh.faceIndices[corner + i + 1]});
    }
    corner += std::size_t(size);
  }

  // A triangle's cross product is its normal scaled by twice its area.
  prepared.normals.assign(mesh.positions.size(), Vec3f::Zero());
  for (const auto& tri : prepared.triangles) {
    for (const int index : tri) {
      SF_CHECK_MSG(index >= 0 && index < mesh.vertexCount(), "face index out of range");
    }
    const Vec3f& p0 = mesh.positions[std::size_t(tri[0])];
    const Vec3f weighted =
        (mesh.positions[std::size_t(tri[1])] - p0).cross(mesh.positions[std::size_t(tri[2])] - p0);
    for (const int index : tri) {
      prepared.normals[std::size_t(index)] += weighted;
    }
  }
  for (Vec3f& normal : prepared.normals) {
    const float length = normal.norm();
    normal = length > 0.0f ? Vec3f(normal / length) : Vec3f::Zero();
  }
  return prepared;
}

/// A well-mixed 32-bit hash (xor-shift-multiply rounds).
std::uint32_t mix(std::uint32_t h) {
  h ^= h >> 16;
  h *= 0x21f0aaadu;
  h ^= h >> 15;
  h *= 0x735a2d97u;
  h ^= h >> 15;
  return h;
}

std::uint32_t mix(std::uint32_t a, std::uint32_t b) {
  return mix(a ^ mix(b + 0x9e3779b9u));
}

/// A uniform float in [0, 1) from a hash.
float unitFloat(std::uint32_t h) {
  return float(h >> 8) * (1.0f / 16777216.0f);
}

/// The base-2 radical inverse (van der Corput) of i, in [0, 1).
float radicalInverse(std::uint32_t i) {
  i = (i << 16) | (i >> 16);
  i = ((i & 0x00ff00ffu) << 8) | ((i & 0xff00ff00u) >> 8);
  i = ((i & 0x0f0f0f0fu) << 4) | ((i & 0xf0f0f0f0u) >> 4);
  i = ((i & 0x33333333u) << 2) | ((i & 0xccccccccu) >> 2);
  i = ((i & 0x55555555u) << 1) | ((i & 0xaaaaaaaau) >> 1);
  return float(i >> 8) * (1.0f / 16777216.0f);
}

/// Point k of an n-point Hammersley set, shifted toroidally by `shift`: stratified samples
/// whose pattern differs from pixel to pixel.
Vec2f stratified(int k, int n, const Vec2f& shift) {
  const float a = (float(k) + 0.5f) / float(n) + shift.x();
  const float b = radicalInverse(std::uint32_t(k)) + shift.y();
  return {a - std::floor(a), b - std::floor(b)};
}

/// Two unit vectors completing `n` to an orthonormal basis.
void basisAround(const Vec3f& n, Vec3f& t, Vec3f& b) {
  const float sign = std::copysign(1.0f, n.z());
  const float a = -1.0f / (sign + n.z());
  const float c = n.x() * n.y() * a;
  t = Vec3f(1.0f + sign * n.x() * n.x() * a, sign * c, -sign * n.x());
  b = Vec3f(c, sign + n.y() * n.y() * a, -n.y());
}

/// Schlick's Fresnel reflectance of a dielectric with normal reflectance f0.
float fresnel(float f0, float cosine) {
  const float m = 1.0f - std::clamp(cosine, 0.0f, 1.0f);
  return f0 + (1.0f - f0) * m * m * m * m * m;
}

/// A GGX microfacet highlight (distribution, Smith-Schlick visibility, Fresnel), times N.L.
float highlight(const Vec3f& n, const Vec3f& v, const Vec3f& l, float roughness) {
  const float nl = n.dot(l);
  const float nv = n.dot(v);
  if (nl <= 0.0f || nv <= 0.0f) {
    return 0.0f;
  }
  const Vec3f h = (l + v).normalized();
  const float nh = std::max(n.dot(h), 0.0f);
  const float alpha = std::max(roughness * roughness, 0.002f);
  const float alpha2 = alpha * alpha;
  const float d = nh * nh * (alpha2 - 1.0f) + 1.0f;
  const float distribution = alpha2 / (kPi * d * d);
  const float k = alpha * 0.5f;
  const float visibility = 0.25f / ((nl * (1.0f - k) + k) * (nv * (1.0f - k) + k));
  return distribution * visibility * fresnel(0.04f, l.dot(h)) * nl;
}

/// The studio: directions towards each light in world space, and their colours.
struct LightRig {
  Vec3f key, fill, rim, up;
  Vec3f keyColour = Vec3f(1.35f, 1.28f, 1.18f);
  Vec3f fillColour = Vec3f(0.12f, 0.14f, 0.17f);
  Vec3f rimColour = Vec3f(0.45f, 0.47f, 0.52f);
  Vec3f skyColour = Vec3f(0.24f, 0.25f, 0.27f);
  Vec3f groundColour = Vec3f(0.06f, 0.055f, 0.05f);
  float keySpread = 0.12f;  ///< tangent of the key light's angular radius: shadow softness
};

/// What a camera ray sees where it meets a mesh.
struct SurfacePoint {
  Vec3f position;
  Vec3f geometricNormal;  ///< facing the camera
  Vec3f normal;           ///< smooth shading normal, facing the camera
};

/// Renders one image; every method is safe to call from any thread.
class PreviewTracer {
public:
  PreviewTracer(const TriangleScene& scene, const std::vector<PreparedMesh>& meshes,
                const LightRig& rig, const PreviewOptions& options, float epsilon, float aoDistance)
      : m_scene(scene),
        m_meshes(meshes),
        m_rig(rig),
        m_options(options),
        m_epsilon(epsilon),
        m_aoDistance(aoDistance) {}

  /// The light arriving along camera ray `ray` whose first hit is `hit`; `sample` numbers the
  /// ray among the pixel's subsamples and `pixel` seeds the pixel's sample patterns.
  Vec3f radiance(Ray ray, RayHit hit, std::uint32_t pixel, int sample,
                 const Vec3f& background) const {
    Vec3f colour = Vec3f::Zero();
    float throughput = 1.0f;
    // Transparent films add a reflection and let the ray continue; a few layers at most.
    for (int layer = 0; layer < 4; ++layer) {
      if (!hit.hit()) {
        return colour + throughput * background;
      }
      const PreparedMesh& mesh = m_meshes[hit.geomID];
      const SurfacePoint surface = surfaceAt(mesh, ray, hit);
      const Vec3f view = -ray.direction;
      if (!mesh.source->transparent) {
        return colour + throughput * shadeOpaque(*mesh.source, surface, view, pixel, sample);
      }
      const float reflectance = fresnel(0.04f, surface.normal.dot(view));
      const Vec3f gloss = m_rig.keyColour * highlight(surface.normal, view, m_rig.key, 0.15f) +
                          reflectance * skyLight(surface.normal.dot(m_rig.up));
      colour += throughput * mesh.source->specular * gloss;
      throughput *= 1.0f - reflectance;
      ray.tNear = hit.t + m_epsilon;
      hit = m_scene.intersect(ray);
    }
    return colour + throughput * background;
  }

private:
  SurfacePoint surfaceAt(const PreparedMesh& mesh, const Ray& ray, const RayHit& hit) const {
    const auto& tri = mesh.triangles[hit.primID];
    const std::vector<Vec3f>& positions = mesh.source->mesh->positions;
    const Vec3f& p0 = positions[std::size_t(tri[0])];
    const Vec3f e1 = positions[std::size_t(tri[1])] - p0;
    const Vec3f e2 = positions[std::size_t(tri[2])] - p0;

    SurfacePoint surface;
    surface.position = p0 + hit.u * e1 + hit.v * e2;
    Vec3f ng = e1.cross(e2);
    ng = ng.squaredNorm() > 0.0f ? Vec3f(ng.normalized()) : Vec3f(-ray.direction);
    Vec3f n = (1.0f - hit.u - hit.v) * mesh.normals[std::size_t(tri[0])] +
              hit.u * mesh.normals[std::size_t(tri[1])] + hit.v * mesh.normals[std::size_t(tri[2])];
    n = n.squaredNorm() > 1e-12f ? Vec3f(n.normalized()) : ng;

    // Shade both sides: turn the normals towards the camera.
    if (ng.dot(ray.direction) > 0.0f) {
      ng = -ng;
      n = -n;
    }
    // Near silhouettes the smooth normal can face away; bend it back into view.
    const float facing = -n.dot(ray.direction);
    if (facing < 0.05f) {
      n = (n - (0.05f - facing) * ray.direction).normalized();
    }
    surface.geometricNormal = ng;
    surface.normal = n;
    return surface;
  }

  Vec3f skyLight(float upness) const {
    const float t = 0.5f + 0.5f * upness;
    return (1.0f - t) * m_rig.groundColour + t * m_rig.skyColour;
  }

  Vec3f offsetOrigin(const SurfacePoint& surface) const {
    return surface.position + m_epsilon * surface.geometricNormal;
  }

  /// Visibility of the key light, sampled over its disc with the pixel's stratified pattern.
  float keyVisibility(const SurfacePoint& surface, Vec3f& direction, std::uint32_t pixel,
                      int sample) const {
    const int strata = m_options.supersampling * m_options.supersampling;
    const Vec2f shift(unitFloat(mix(pixel, 1)), unitFloat(mix(pixel, 2)));
    const Vec2f u = stratified(sample, strata, shift);
    Vec3f t, b;
    basisAround(m_rig.key, t, b);
    const float radius = m_rig.keySpread * std::sqrt(u.x());
    const float angle = 2.0f * kPi * u.y();
    direction = (m_rig.key + radius * (std::cos(angle) * t + std::sin(angle) * b)).normalized();
    if (surface.geometricNormal.dot(direction) <= 0.0f) {
      return 0.0f;
    }
    if (!m_options.shadows) {
      return 1.0f;
    }
    Ray shadowRay;
    shadowRay.origin = offsetOrigin(surface);
    shadowRay.direction = direction;
    return m_scene.occluded(shadowRay) ? 0.0f : 1.0f;
  }

  /// The unoccluded fraction of the cosine-weighted hemisphere within the AO distance.
  float ambientOcclusion(const SurfacePoint& surface, std::uint32_t pixel, int sample) const {
    const int rays = m_options.aoRays;
    if (rays == 0) {
      return 1.0f;
    }
    const int total = rays * m_options.supersampling * m_options.supersampling;
    const Vec2f shift(unitFloat(mix(pixel, 3)), unitFloat(mix(pixel, 4)));
    Vec3f t, b;
    basisAround(surface.normal, t, b);
    const Vec3f origin = offsetOrigin(surface);
    int open = 0;
    for (int i = 0; i < rays; ++i) {
      const Vec2f u = stratified(sample * rays + i, total, shift);
      const float r = std::sqrt(u.x());
      const float angle = 2.0f * kPi * u.y();
      Vec3f direction = r * std::cos(angle) * t + r * std::sin(angle) * b +
                        std::sqrt(std::max(0.0f, 1.0f - u.x())) * surface.normal;
      // Keep rays above the true surface: mirror those the smooth normal tipped under it.
      const float below = direction.dot(surface.geometricNormal);
      if (below < 0.0f) {
        direction -= 2.0f * below * surface.geometricNormal;
      }
      Ray aoRay;
      aoRay.origin = origin;
      aoRay.direction = direction;
      aoRay.tFar = m_aoDistance;
      open += m_scene.occluded(aoRay) ? 0 : 1;
    }
    return float(open) / float(rays);
  }

  Vec3f shadeOpaque(const PreviewMesh& material, const SurfacePoint& surface, const Vec3f& view,
                    std::uint32_t pixel, int sample) const {
    const Vec3f& n = surface.normal;
    Vec3f keyDirection;
    const float keyVisible = keyVisibility(surface, keyDirection, pixel, sample);
    const float occlusion = ambientOcclusion(surface, pixel, sample);
    // Occlusion darkens the key a little too, so creases read even in full light.
    const float crease = 0.75f + 0.25f * occlusion;

    // Diffuse: shadowed key, wrapped fill, rim from behind, and the occluded sky dome.
    const float fillWrap = std::max(0.0f, (n.dot(m_rig.fill) + 0.4f) / 1.4f);
    const Vec3f ambient = skyLight(n.dot(m_rig.up)) * occlusion;
    const Vec3f diffuse =
        m_rig.keyColour * (std::max(0.0f, n.dot(keyDirection)) * keyVisible * crease) +
        m_rig.fillColour * fillWrap + m_rig.rimColour * std::max(0.0f, n.dot(m_rig.rim)) + ambient;

    // Glossy: key and rim highlights and a Fresnel sheen of the sky dome.
    const float roughness = std::clamp(material.roughness, 0.02f, 1.0f);
    const Vec3f gloss =
        m_rig.keyColour * (highlight(n, view, keyDirection, roughness) * keyVisible) +
        m_rig.rimColour * highlight(n, view, m_rig.rim, roughness) +
        ambient * fresnel(0.04f, n.dot(view));
    return material.albedo.cwiseProduct(diffuse) + std::max(material.specular, 0.0f) * gloss;
  }

  const TriangleScene& m_scene;
  const std::vector<PreparedMesh>& m_meshes;
  const LightRig& m_rig;
  const PreviewOptions& m_options;
  float m_epsilon;
  float m_aoDistance;
};

/// The studio backdrop at image position (u, v) in [0, 1]: a grey gradient, lighter at the
/// top, with a slight vignette.
Vec3f backdrop(float u, float v) {
  const float top = 0.23f;
  const float bottom = 0.055f;
  const float level = top + (bottom - top) * v;
  const float du = u - 0.5f;
  const float dv = v - 0.45f;
  const float vignette = 1.0f - 0.35f * (du * du + dv * dv);
  return Vec3f::Constant(level * vignette);
}

/// Rolls values above a knee smoothly towards 1 instead of clipping them.
float softClip(float x) {
  constexpr float kKnee = 0.8f;
  if (x <= kKnee) {
    return x;
  }
  return kKnee + (1.0f - kKnee) * (1.0f - std::exp(-(x - kKnee) / (1.0f - kKnee)));
}

void validate(const PreviewCamera& camera, int width, int height, const PreviewOptions& options) {
  if (width <= 0 || height <= 0) {
    throw Error("preview: image size must be positive, got " + std::to_string(width) + "x" +
                std::to_string(height));
  }
  if (options.supersampling < 1 || options.supersampling > 8) {
    throw Error("preview: supersampling must be 1 to 8, got " +
                std::to_string(options.supersampling));
  }
  if (options.aoRays < 0 || options.aoRays > 64) {
    throw Error("preview: aoRays must be 0 to 64, got " + std::to_string(options.aoRays));
  }
  if (!(camera.verticalFovDegrees > 0.0f && camera.verticalFovDegrees < 180.0f)) {
    throw Error("preview: camera field of view must be between 0 and 180 degrees, got " +
                std::to_string(camera.verticalFovDegrees));
  }
  const Vec3f forward = camera.target - camera.position;
  if (forward.squaredNorm() == 0.0f || forward.cross(camera.up).squaredNorm() == 0.0f) {
    throw Error("preview: camera position, target and up must span a view");
  }
  if (options.keyLightDirection.squaredNorm() == 0.0f) {
    throw Error("preview: key light direction must not be zero");
  }
}

/// The meshes' bounding sphere: its centre is the bounding box's, so it is not the smallest.
void boundingSphere(std::span<const PreviewMesh> meshes, Vec3f& centre, float& radius) {
  Eigen::AlignedBox3f box;
  for (const PreviewMesh& item : meshes) {
    SF_CHECK_MSG(item.mesh, "PreviewMesh without a mesh");
    for (const Vec3f& p : item.mesh->positions) {
      box.extend(p);
    }
  }
  if (box.isEmpty()) {
    centre = Vec3f::Zero();
    radius = 1.0f;
    return;
  }
  centre = box.center();
  radius = 0.0f;
  for (const PreviewMesh& item : meshes) {
    for (const Vec3f& p : item.mesh->positions) {
      radius = std::max(radius, (p - centre).norm());
    }
  }
  radius = std::max(radius, 1e-6f);
}

}  // namespace

PreviewCamera PreviewCamera::orbit(const Vec3f& target, float yawDegrees, float pitchDegrees,
                                   float distance, float verticalFovDegrees) {
  const float yaw = radians(yawDegrees);
  const float pitch = radians(pitchDegrees);
  const Vec3f offset(std::sin(yaw) * std::cos(pitch), std::sin(pitch),
                     std::cos(yaw) * std::cos(pitch));
  PreviewCamera camera;
  camera.position = target + distance * offset;
  camera.target = target;
  camera.up = Vec3f::UnitY();
  camera.verticalFovDegrees = verticalFovDegrees;
  return camera;
}

PreviewCamera framePreview(std::span<const PreviewMesh> meshes, float yawDegrees,
                           float pitchDegrees, float verticalFovDegrees, float aspect) {
  Vec3f centre;
  float radius = 0.0f;
  boundingSphere(meshes, centre, radius);
  // The sphere fits when its silhouette's half-angle fits the narrower half field of view.
  const float tanHalf = std::tan(radians(verticalFovDegrees) * 0.5f) * std::min(aspect, 1.0f);
  const float distance = radius * std::sqrt(1.0f + 1.0f / (tanHalf * tanHalf));
  return PreviewCamera::orbit(centre, yawDegrees, pitchDegrees, distance, verticalFovDegrees);
}

Image renderPreview(std::span<const PreviewMesh> meshes, const PreviewCamera& camera, int width,
                    int height, const PreviewOptions& options, PreviewBuffers* buffers) {
  validate(camera, width, height, options);

  // Triangles, smooth normals and the ray tracing scene; geomID is the mesh's index.
  std::vector<PreparedMesh> prepared;
  std::vector<TriangleMeshInput> inputs;
  prepared.reserve(meshes.size());
  for (const PreviewMesh& item : meshes) {
    prepared.push_back(prepare(item));
  }
  for (const PreparedMesh& mesh : prepared) {
    inputs.push_back({mesh.source->mesh->positions, mesh.triangles, !mesh.source->transparent});
  }
  EmbreeDevice device;
  const TriangleScene scene = TriangleScene::create(device, inputs);
  Vec3f centre;
  float radius = 1.0f;
  boundingSphere(meshes, centre, radius);

  // Camera frame, and the light rig carried from camera space into the world.
  const Vec3f forward = (camera.target - camera.position).normalized();
  const Vec3f right = forward.cross(camera.up).normalized();
  const Vec3f up = right.cross(forward);
  const auto toWorld = [&](const Vec3f& v) {
    return Vec3f((v.x() * right + v.y() * up - v.z() * forward).normalized());
  };
  LightRig rig;
  rig.key = toWorld(options.keyLightDirection);
  const Vec3f& k = options.keyLightDirection;
  rig.fill = toWorld(Vec3f(-k.x(), -0.3f * k.y(), std::abs(k.z()) + 0.3f));
  rig.rim = toWorld(Vec3f(-0.6f * k.x(), 0.5f, -0.8f));
  rig.up = up;

  const float epsilon = 2e-5f * (radius + (camera.position - centre).norm());
  const PreviewTracer tracer(scene, prepared, rig, options, epsilon,
                             std::max(options.aoDistance, 0.0f) * radius);

  const int n = options.supersampling;
  const int samples = n * n;
  const float tanHalf = std::tan(radians(camera.verticalFovDegrees) * 0.5f);
  const float aspect = float(width) / float(height);
  Image image(width, height, 3);
  if (buffers) {
    buffers->coverage.assign(std::size_t(width) * std::size_t(height), 0.0f);
    buffers->meshIndex.assign(std::size_t(width) * std::size_t(height), -1);
  }

  tbb::parallel_for(
      tbb::blocked_range<int>(0, height, 1), [&](const tbb::blocked_range<int>& rows) {
        std::vector<Ray> rays(std::size_t(width) * std::size_t(samples));
        std::vector<RayHit> hits(rays.size());
        std::vector<Vec3f> backgrounds(rays.size());
        for (int y = rows.begin(); y != rows.end(); ++y) {
          // One row's camera rays, ordered by subsample row, then pixel: neighbours are coherent.
          for (int sy = 0; sy < n; ++sy) {
            const float v = (float(y) + (float(sy) + 0.5f) / float(n)) / float(height);
            for (int x = 0; x < width; ++x) {
              for (int sx = 0; sx < n; ++sx) {
                const float u = (float(x) + (float(sx) + 0.5f) / float(n)) / float(width);
                const std::size_t index =
                    (std::size_t(sy) * std::size_t(width) + std::size_t(x)) * std::size_t(n) +
                    std::size_t(sx);
                Ray& ray = rays[index];
                ray.origin = camera.position;
                ray.direction = (forward + (2.0f * u - 1.0f) * tanHalf * aspect * right +
                                 (1.0f - 2.0f * v) * tanHalf * up)
                                    .normalized();
                backgrounds[index] = backdrop(u, v);
              }
            }
          }
          scene.intersect(rays, hits);

          for (int x = 0; x < width; ++x) {
            const std::uint32_t pixel = mix(std::uint32_t(x), std::uint32_t(y));
            Vec3f sum = Vec3f::Zero();
            int covered = 0;
            std::array<unsigned, 64> seen{};
            for (int sy = 0; sy < n; ++sy) {
              for (int sx = 0; sx < n; ++sx) {
                const std::size_t index =
                    (std::size_t(sy) * std::size_t(width) + std::size_t(x)) * std::size_t(n) +
                    std::size_t(sx);
                const int sample = sy * n + sx;
                sum += tracer.radiance(rays[index], hits[index], pixel, sample, backgrounds[index]);
                seen[std::size_t(sample)] = hits[index].geomID;
                covered += hits[index].hit() ? 1 : 0;
              }
            }
            float* out = image.pixel(x, y);
            for (int c = 0; c < 3; ++c) {
              out[c] = softClip(sum[c] / float(samples));
            }
            if (buffers) {
              const std::size_t at = std::size_t(y) * std::size_t(width) + std::size_t(x);
              buffers->coverage[at] = float(covered) / float(samples);
              // The mesh most subsamples hit, ties going to the lower index, unless the
              // background covers more.
              int best = -1;
              int bestCount = samples - covered;
              for (int i = 0; i < samples; ++i) {
                const unsigned id = seen[std::size_t(i)];
                if (id == RayHit::kNone) {
                  continue;
                }
                const auto count = int(std::count(seen.begin(), seen.begin() + samples, id));
                if (count > bestCount || (count == bestCount && best >= 0 && int(id) < best)) {
                  best = int(id);
                  bestCount = count;
                }
              }
              buffers->meshIndex[at] = best;
            }
          }
        }
      });
  return image;
}

}  // namespace sf
