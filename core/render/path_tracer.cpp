#include "render/path_tracer.h"

#include "math/counter_rng.h"
#include "math/sampling.h"
#include "math/scalar.h"
#include "render/embree_accel.h"
#include "render/hair_bsdf.h"
#include "render/procedural_noise.h"
#include "render/skin_marks.h"
#include "render/skin_texture.h"
#include "util/error.h"
#include "util/fp_mode.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>

namespace sf {

namespace {

using V3 = Eigen::Vector3f;
constexpr float kPi = 3.14159265358979f;
constexpr float kInvPi = 1.0f / kPi;

// --- Random numbers ----------------------------------------------------------------------

/// A small sequential generator (PCG32) seeded per path from the counter-based RNG.
class PathRng {
public:
  explicit PathRng(std::uint64_t seed)
      : m_state(seed * 6364136223846793005ull + 1442695040888963407ull) {}
  float next() {
    const std::uint64_t old = m_state;
    m_state = old * 6364136223846793005ull + 1442695040888963407ull;
    const auto xorshifted = static_cast<std::uint32_t>(((old >> 18u) ^ old) >> 27u);
    const auto rot = static_cast<std::uint32_t>(old >> 59u);
    const std::uint32_t bits = (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
    return static_cast<float>(bits >> 8) * (1.0f / 16777216.0f);
  }

private:
  std::uint64_t m_state;
};

// --- Microfacet and Fresnel ---------------------------------------------------------------

float schlick(float f0, float cosTheta) {
  const float m = std::clamp(1.0f - cosTheta, 0.0f, 1.0f);
  const float m2 = m * m;
  return f0 + (1.0f - f0) * m2 * m2 * m;
}

/// Exact Fresnel reflectance of a smooth dielectric; eta = n_transmitted / n_incident.
float fresnelDielectric(float cosI, float eta) {
  const float sin2T = (1.0f - cosI * cosI) / (eta * eta);
  if (sin2T >= 1.0f) {
    return 1.0f;
  }
  const float cosT = std::sqrt(1.0f - sin2T);
  const float rs = (cosI - eta * cosT) / (cosI + eta * cosT);
  const float rp = (eta * cosI - cosT) / (eta * cosI + cosT);
  return 0.5f * (rs * rs + rp * rp);
}

float ggxD(float nh, float alpha) {
  const float a2 = alpha * alpha;
  const float d = nh * nh * (a2 - 1.0f) + 1.0f;
  return a2 / (kPi * d * d);
}

float ggxG1(float nv, float alpha) {
  const float a2 = alpha * alpha;
  return 2.0f * nv / (nv + std::sqrt(a2 + (1.0f - a2) * nv * nv));
}

/// A glossy lobe pair: GGX with roughness alphaA, plus mixB of a broader alphaB.
struct Specular {
  float f0 = 0.028f;
  float alphaA = 0.3f;
  float alphaB = 0.6f;
  float mixB = 0.15f;

  /// BRDF value times nothing (no cosine); wo, wi unit, above the surface.
  float eval(const V3& n, const V3& wo, const V3& wi) const {
    const float no = n.dot(wo);
    const float ni = n.dot(wi);
    if (no <= 0.0f || ni <= 0.0f) {
      return 0.0f;
    }
    const V3 h = (wo + wi).normalized();
    const float nh = std::max(0.0f, n.dot(h));
    const float F = schlick(f0, std::max(0.0f, wi.dot(h)));
    auto lobe = [&](float a) { return ggxD(nh, a) * ggxG1(no, a) * ggxG1(ni, a); };
    const float d = (1.0f - mixB) * lobe(alphaA) + mixB * lobe(alphaB);
    return d * F / (4.0f * no * ni);
  }

  float pdf(const V3& n, const V3& wo, const V3& wi) const {
    if (n.dot(wi) <= 0.0f) {
      return 0.0f;
    }
    const V3 h = (wo + wi).normalized();
    const float nh = std::max(0.0f, n.dot(h));
    const float oh = std::abs(wo.dot(h));
    if (oh <= 0.0f) {
      return 0.0f;
    }
    const float d = (1.0f - mixB) * ggxD(nh, alphaA) + mixB * ggxD(nh, alphaB);
    return d * nh / (4.0f * oh);
  }

  V3 sample(const V3& n, const V3& wo, float u0, float u1, float u2) const {
    const float alpha = u0 < mixB ? alphaB : alphaA;
    const float a2 = alpha * alpha;
    const float cos2 = (1.0f - u1) / (1.0f + (a2 - 1.0f) * u1);
    const float cosT = std::sqrt(std::max(0.0f, cos2));
    const float sinT = std::sqrt(std::max(0.0f, 1.0f - cos2));
    const float phi = 2.0f * kPi * u2;
    V3 t, b;
    orthonormalBasis(n, t, b);
    const V3 h = (sinT * std::cos(phi) * t + sinT * std::sin(phi) * b + cosT * n).normalized();
    return (2.0f * wo.dot(h) * h - wo).normalized();
  }
};

// --- Surfaces ---------------------------------------------------------------------------

/// What a ray found: the point, its normals and everything shading needs.
struct Shading {
  V3 position;
  V3 geometric;           ///< unit, facing the incoming ray
  V3 normal;              ///< unit shading normal, same side as geometric
  bool frontFace = true;  ///< the ray hit the outside of the surface
  SurfaceMaterial material = SurfaceMaterial::Skin;
  V3 albedo = V3::Constant(0.5f);
  Specular specular;
  V3 specularColor = V3::Ones();  ///< tints the specular lobes (metals)
  bool subsurface = false;
  LabelClass label = LabelClass::Background;
  unsigned mesh = 0;
};

/// The Burley profile's radial density for one channel (unit albedo), per unit area.
float burley(float r, float d) {
  r = std::max(r, 1e-4f * d);
  return (std::exp(-r / d) + std::exp(-r / (3.0f * d))) / (8.0f * kPi * d * r);
}

float sampleBurleyRadius(float d, float u) {
  // Mixture: e^{-r/d} carries a quarter of the energy, e^{-r/3d} three quarters.
  if (u < 0.25f) {
    return -d * std::log(1.0f - u * 4.0f * 0.999f);
  }
  return -3.0f * d * std::log(1.0f - (u - 0.25f) / 0.75f * 0.999f);
}

/// A per-vertex attribute at a point of a triangle, from its barycentric coordinates.
template <typename T>
T barycentric(const std::vector<T>& values, const std::array<int, 3>& tri, float b0, float b1,
              float b2) {
  return b0 * values[static_cast<std::size_t>(tri[0])] +
         b1 * values[static_cast<std::size_t>(tri[1])] +
         b2 * values[static_cast<std::size_t>(tri[2])];
}

float luminance(const V3& c) {
  return 0.2126f * c.x() + 0.7152f * c.y() + 0.0722f * c.z();
}

}  // namespace

struct FaceRenderer::Impl {
  const FaceScene* scene = nullptr;
  Environment environment;
  std::unique_ptr<TriangleScene> all;
  std::unique_ptr<TriangleScene> skin;  ///< skin meshes only: subsurface probes
  std::vector<unsigned> skinToMesh;     ///< skin scene geomID -> mesh index
  std::uint32_t detailSeed = 0;
  SkinMarks marks;  ///< the person's age lines and moles
  float sceneRadius = 300.0f;

  /// Where a ray met a hair fibre.
  struct FibreHit {
    V3 position;
    V3 tangent;  ///< unit, along the fibre
    V3 normal;   ///< unit, from the fibre's axis to the hit
    float radius = 0.04f;
    const HairStrands* strands = nullptr;
  };
  bool isHair(const RayHit& hit) const { return hit.geomID >= scene->meshes.size(); }
  FibreHit fibre(const Ray& ray, const RayHit& hit) const;
  LabelClass labelOf(const RayHit& hit) const {
    return isHair(hit) ? scene->hair[hit.geomID - scene->meshes.size()].label
                       : scene->meshes[hit.geomID].triangleClass[hit.primID];
  }
  bool occludes(const RayHit& hit) const {
    return isHair(hit) || scene->meshes[hit.geomID].occludes;
  }
  /// Whether this hit is on something worn over the face: clothing, a covering, glasses.
  bool isWorn(const RayHit& hit) const {
    if (isHair(hit)) {
      return false;
    }
    const SurfaceMaterial material = scene->meshes[hit.geomID].material;
    return material == SurfaceMaterial::Cloth || material == SurfaceMaterial::Glass ||
           material == SurfaceMaterial::Metal || material == SurfaceMaterial::Plastic;
  }
  /// Whether the labels look through this hit: a clear lens (labels.md).
  bool seeThrough(const RayHit& hit) const {
    return !isHair(hit) && scene->meshes[hit.geomID].material == SurfaceMaterial::Glass &&
           !scene->meshes[hit.geomID].occludes;
  }
  /// The closest hit the labels see along `ray`: past clear lenses.
  RayHit labelHit(Ray ray) const {
    RayHit hit = all->intersect(ray);
    for (int crossing = 0; crossing < 8 && hit.hit() && seeThrough(hit); ++crossing) {
      ray.tNear = hit.t + 1e-3f;
      hit = all->intersect(ray);
    }
    return hit;
  }

  /// The surface at a hit. `fine`: with the skin's finest relief (age lines and moles),
  /// which only the camera's first hit shows; deeper in a path, and where light leaves the
  /// skin after scattering under it, that relief is lost in the blur.
  Shading shade(const Ray& ray, const RayHit& hit, bool fine = true) const;
  void skinDetail(const SurfaceMesh& mesh, unsigned triangle, float b0, float b1, float b2,
                  bool fine, Shading& s) const;
  /// A library skin's normal or displacement map, turned into the triangle's tangent frame.
  void paintedRelief(const SurfaceMesh& mesh, unsigned triangle, const Eigen::Vector2f& uv,
                     const SkinTextures& painted, Shading& s) const;
  /// With `firstTangent` and `firstFibrePoint`, a path whose first hit is a hair fibre
  /// gives the fibre's direction and the point hit there (both stay untouched otherwise).
  V3 trace(const Ray& primary, PathRng& rng, int maxBounces, V3* firstAlbedo, V3* firstNormal,
           V3* firstTangent = nullptr, V3* firstFibrePoint = nullptr) const;
  bool subsurfaceExit(const Shading& entry, PathRng& rng, Shading& exit, V3& weight) const;
  void clothDetail(const SurfaceMesh& mesh, const std::array<int, 3>& tri, float b0, float b1,
                   float b2, Shading& s) const;
  void plasticDetail(const SurfaceMesh& mesh, const std::array<int, 3>& tri, float b0, float b1,
                     float b2, Shading& s) const;
  bool unoccluded(const V3& origin, const V3& direction, float tFar) const;
};

FaceRenderer::Impl::FibreHit FaceRenderer::Impl::fibre(const Ray& ray, const RayHit& hit) const {
  const HairStrands& strands = scene->hair[hit.geomID - scene->meshes.size()];
  const unsigned start = strands.segmentStarts[hit.primID];
  const Eigen::Vector4f& a = strands.points[start];
  const Eigen::Vector4f& b = strands.points[start + 1];
  FibreHit f;
  f.strands = &strands;
  const V3 pa = a.head<3>();
  const V3 pb = b.head<3>();
  const V3 axis = pb - pa;
  f.tangent = axis.norm() > 0.0f ? V3(axis.normalized()) : V3::UnitY();
  const float u = std::clamp(hit.u, 0.0f, 1.0f);
  const V3 centre = pa + u * axis;
  f.radius = a.w() + u * (b.w() - a.w());
  f.position = ray.origin + hit.t * ray.direction;
  V3 out = f.position - centre;
  out -= f.tangent * f.tangent.dot(out);
  f.normal = out.norm() > 0.0f ? V3(out.normalized()) : V3(-ray.direction.normalized());
  return f;
}

Shading FaceRenderer::Impl::shade(const Ray& ray, const RayHit& hit, bool fine) const {
  const SurfaceMesh& mesh = scene->meshes[hit.geomID];
  const std::array<int, 3>& tri = mesh.triangles[hit.primID];
  const float b1 = hit.u;
  const float b2 = hit.v;
  const float b0 = 1.0f - b1 - b2;
  const V3& p0 = mesh.positions[static_cast<std::size_t>(tri[0])];
  const V3& p1 = mesh.positions[static_cast<std::size_t>(tri[1])];
  const V3& p2 = mesh.positions[static_cast<std::size_t>(tri[2])];
  Shading s;
  s.mesh = hit.geomID;
  s.material = mesh.material;
  s.label = mesh.triangleClass[hit.primID];
  s.position = b0 * p0 + b1 * p1 + b2 * p2;
  V3 ng = (p1 - p0).cross(p2 - p0);
  ng = ng.norm() > 0.0f ? V3(ng.normalized()) : V3(-ray.direction.normalized());
  V3 n = (b0 * mesh.normals[static_cast<std::size_t>(tri[0])] +
          b1 * mesh.normals[static_cast<std::size_t>(tri[1])] +
          b2 * mesh.normals[static_cast<std::size_t>(tri[2])]);
  n = n.norm() > 0.0f ? V3(n.normalized()) : ng;
  if (n.dot(ng) < 0.0f) {
    n = -n;
  }
  s.frontFace = ng.dot(ray.direction) < 0.0f;
  if (!s.frontFace) {
    ng = -ng;
    n = -n;
  }
  s.geometric = ng;
  s.normal = n;

  switch (mesh.material) {
    case SurfaceMaterial::Skin: {
      s.subsurface = true;
      skinDetail(mesh, hit.primID, b0, b1, b2, fine, s);
      break;
    }
    case SurfaceMaterial::Sclera: {
      float v = 0.5f;
      float u = 0.0f;
      if (!mesh.cornerUvs.empty()) {
        const auto& uv = mesh.cornerUvs[hit.primID];
        v = b0 * uv[0].y() + b1 * uv[1].y() + b2 * uv[2].y();
        u = b0 * uv[0].x() + b1 * uv[1].x() + b2 * uv[2].x();
      }
      const V3& iris = scene->look.irisColor;
      if (v <= 0.12f) {
        s.albedo = V3::Constant(0.008f);
      } else if (v <= 0.34f) {
        // Radial fibres, a darker limbal ring and a lighter collarette.
        const float t = (v - 0.12f) / 0.22f;
        const float fibres = fbm(V3(u * 90.0f, t * 6.0f, 0.0f), detailSeed + 7u, 3);
        const float ring = 1.0f - 0.55f * std::clamp((t - 0.8f) / 0.2f, 0.0f, 1.0f);
        const float collarette = 1.0f + 0.5f * std::exp(-std::pow((t - 0.28f) / 0.1f, 2.0f));
        s.albedo = (iris * (1.0f + 0.45f * fibres) * ring * collarette).cwiseMax(0.003f);
      } else {
        // Sclera: off-white, pinker away from the limbus, with fine red vessels (where a
        // noise stretched along the meridians crosses zero: thin lines running toward the
        // iris, branching) that show most in the corners, nasal and temporal (u 0, 0.5, 1
        // are the horizontal meridian), and fade out before the limbus.
        const float blush = std::clamp((v - 0.38f) / 0.16f, 0.0f, 1.0f);
        const float field = fbm(V3(u * 40.0f, v * 8.0f, 3.0f), detailSeed + 9u, 4);
        const float line = 1.0f - smoothstep(0.0f, 0.07f, std::abs(field));
        const float corners = std::pow(std::abs(std::cos(2.0f * kPi * u)), 1.5f);
        const float vessels = line * smoothstep(0.35f, 0.47f, v) * (0.35f + 0.65f * corners);
        s.albedo =
            V3(0.72f, 0.68f, 0.63f)
                .cwiseProduct(V3(1.0f - 0.1f * vessels, 1.0f - 0.12f * blush - 0.45f * vessels,
                                 1.0f - 0.15f * blush - 0.45f * vessels));
      }
      s.specular = {0.025f, 0.08f, 0.3f, 0.3f};
      break;
    }
    case SurfaceMaterial::Caruncle:
      // Moist pink tissue, like the inside of the lids: pinker and paler than the lips,
      // a little darker under more pigment.
      s.albedo = 0.7f * V3(0.56f, 0.28f, 0.27f) + 0.3f * scene->look.skinAlbedo;
      s.specular = {0.03f, 0.08f, 0.3f, 0.3f};
      break;
    case SurfaceMaterial::Teeth:
      s.albedo = V3(0.70f, 0.64f, 0.52f);
      s.specular = {0.04f, 0.12f, 0.35f, 0.3f};
      break;
    case SurfaceMaterial::Tongue:
      s.albedo = V3(0.45f, 0.13f, 0.12f);
      s.specular = {0.03f, 0.15f, 0.4f, 0.3f};
      break;
    case SurfaceMaterial::MouthCavity:
      s.albedo = V3(0.30f, 0.07f, 0.07f);
      s.specular = {0.03f, 0.2f, 0.4f, 0.3f};
      break;
    case SurfaceMaterial::Cloth: clothDetail(mesh, tri, b0, b1, b2, s); break;
    case SurfaceMaterial::Metal:
      // Polished: all reflection, coloured by the metal (f0 1, the colour its tint).
      s.albedo = V3::Zero();
      s.specularColor = mesh.baseColor;
      s.specular = {1.0f, 0.06f, 0.25f, 0.2f};
      break;
    case SurfaceMaterial::Plastic: plasticDetail(mesh, tri, b0, b1, b2, s); break;
    case SurfaceMaterial::Cornea:
    case SurfaceMaterial::TearFilm:
    case SurfaceMaterial::Glass: break;
  }
  return s;
}

void FaceRenderer::Impl::skinDetail(const SurfaceMesh& mesh, unsigned triangle, float b0, float b1,
                                    float b2, bool fine, Shading& s) const {
  const std::array<int, 3>& tri = mesh.triangles[triangle];
  const FaceLook& look = scene->look;
  auto attribute = [&](const std::vector<float>& values) {
    if (values.empty()) {
      return 0.0f;
    }
    return b0 * values[static_cast<std::size_t>(tri[0])] +
           b1 * values[static_cast<std::size_t>(tri[1])] +
           b2 * values[static_cast<std::size_t>(tri[2])];
  };
  const float lip = std::clamp((attribute(mesh.lipWeight) - 0.25f) * 2.0f, 0.0f, 1.0f);
  const float brow = std::clamp((attribute(mesh.browWeight) - 0.2f) * 1.6f, 0.0f, 1.0f);
  const V3 rest =
      mesh.restPositions.empty() ? s.position : barycentric(mesh.restPositions, tri, b0, b1, b2);
  const std::uint32_t seed = detailSeed;
  // A library skin: images on the model's UV layout give the colour, and the relief and
  // sheen where it has maps for them. The person's moles and age lines stay.
  const SkinTextures* painted = mesh.cornerUvs.empty() ? nullptr : look.skinTextures.get();
  Eigen::Vector2f uv = Eigen::Vector2f::Zero();
  if (painted != nullptr) {
    const auto& corners = mesh.cornerUvs[triangle];
    uv = b0 * corners[0] + b1 * corners[1] + b2 * corners[2];
  }

  V3 albedo;
  if (painted != nullptr) {
    albedo = painted->albedoAt(uv);
  } else {
    // Colour: blotches of blood and pigment, freckles, the vermilion. Skin outside a
    // library skin's layout takes the image's mean colour.
    const V3 base = look.skinTextures ? look.skinTextures->meanAlbedo : look.skinAlbedo;
    albedo = base + lip * (look.lipAlbedo - base);
    if (!mesh.tint.empty()) {
      albedo = albedo.cwiseProduct(barycentric(mesh.tint, tri, b0, b1, b2));
    }
    // Blood and pigment vary over centimetres (faint) and millimetres (mottling).
    const float blotch = fbm(rest / 22.0f, seed + 1u, 4);
    const float mottle = fbm(rest / 3.0f, seed + 2u, 3);
    albedo = albedo.cwiseProduct(V3(1.0f + 0.03f * blotch + 0.02f * mottle,
                                    1.0f - 0.03f * blotch + 0.04f * mottle,
                                    1.0f - 0.03f * blotch + 0.04f * mottle));
    if (look.freckles > 0.0f) {
      const float spot = cellular(rest / 2.6f, seed + 3u);
      const float chance = hashUnit(static_cast<int>(std::floor(rest.x() / 2.6f)),
                                    static_cast<int>(std::floor(rest.y() / 2.6f)),
                                    static_cast<int>(std::floor(rest.z() / 2.6f)), seed + 4u);
      // Freckles gather on the nose and cheeks, where the sun falls.
      const float region = std::exp(-std::pow((rest.y() + 15.0f) / 35.0f, 2.0f)) *
                           std::clamp((rest.z() - 40.0f) / 30.0f, 0.0f, 1.0f);
      if (chance < 0.45f * look.freckles * region && spot < 0.28f) {
        const float t = (1.0f - spot / 0.28f) * (0.5f + 0.5f * chance / (0.45f * look.freckles));
        albedo = albedo.cwiseProduct(V3(1.0f - 0.12f * t, 1.0f - 0.2f * t, 1.0f - 0.26f * t));
      }
    }
  }
  // Moles: brown, darker in the middle, a little raised; not on the lips.
  float moleRadius = 0.0f;
  const float mole = (1.0f - lip) * marks.mole(rest, moleRadius);
  if (mole > 0.0f) {
    const V3 pigment =
        (painted != nullptr ? albedo : look.skinAlbedo).cwiseProduct(V3(0.32f, 0.22f, 0.18f));
    albedo = albedo + std::min(1.0f, 0.4f + 0.6f * mole) * (pigment - albedo);
  }
  if (brow > 0.0f) {
    // Hair-like streaks: noise stretched along the brow (x) and tilted upward outward.
    const V3 q(rest.x() * 0.35f, (rest.y() - 0.25f * std::abs(rest.x())) * 3.0f, rest.z() * 3.0f);
    const float strands = 0.5f + 0.5f * fbm(q, seed + 5u, 3);
    // A shadow of colour under the strand brows, as skin shows through real ones.
    const float cover = std::clamp(brow * (0.2f + 0.3f * strands), 0.0f, 0.45f);
    albedo = albedo + cover * (look.browColor - albedo);
  }
  s.albedo = albedo.cwiseMax(0.002f).cwiseMin(0.95f);

  // Relief: pores and fine creases as a bump on the shading normal; on the lips, the fine
  // grooves that run across them, from the mouth's line out to the border. A skin with a
  // normal or displacement map brings its own pores.
  const bool ownRelief =
      painted != nullptr && (!painted->normal.empty() || !painted->displacement.empty());
  auto grooves = [&](const V3& x) {
    return fbm(V3(x.x() / 0.3f, x.y() / 4.0f, x.z() / 4.0f), seed + 9u, 2);
  };
  // Older skin has a coarser grain; age lines cut into it; a mole stands a little proud.
  const float poreScale = look.pores;
  const float grainDepth = 0.03f * (1.0f + look.wrinkles);
  auto height = [&](const V3& x) {
    float skinRelief = 0.0f;
    if (!ownRelief) {
      const float pores = std::min(1.0f, cellular(x / (0.55f * poreScale), seed + 6u) * 1.6f);
      const float grain = fbm(x / 1.6f, seed + 7u, 2);
      skinRelief = 0.035f * poreScale * pores + grainDepth * grain;
    }
    if (fine) {
      float radius = 0.0f;
      skinRelief += marks.lineRelief(x) + 0.12f * marks.mole(x, radius) * radius;
    }
    return (1.0f - lip) * skinRelief + (ownRelief ? 0.0f : lip * 0.05f * grooves(x));
  };
  V3 t, b;
  orthonormalBasis(s.normal, t, b);
  const float step = 0.08f;
  const float h0 = height(rest);
  const float ht = (height(rest + step * t) - h0) / step;
  const float hb = (height(rest + step * b) - h0) / step;
  s.normal = (s.normal - (ht * t + hb * b)).normalized();
  if (ownRelief && fine) {
    paintedRelief(mesh, triangle, uv, *painted, s);
  }
  if (lip > 0.0f && !ownRelief) {
    // The grooves hold a little shadow of colour.
    s.albedo *= 1.0f - 0.12f * lip * std::max(0.0f, -grooves(rest));
  }
  // So do the age lines.
  s.albedo *= 1.0f - 0.4f * (1.0f - lip) * std::min(0.25f, std::max(0.0f, -marks.lineRelief(rest)));

  // Sheen: oilier and smoother on the lips and the T-zone, or as the roughness map says.
  const float oil = 0.5f + 0.5f * fbm(rest / 30.0f, seed + 8u, 2);
  const float mapped = painted != nullptr ? painted->roughnessAt(uv) : -1.0f;
  s.specular.f0 = 0.028f;
  s.specular.alphaA =
      mapped >= 0.0f
          ? std::clamp(mapped * mapped, 0.05f, 0.8f)
          : std::clamp(look.skinRoughness * (1.1f - 0.3f * oil) - 0.1f * lip, 0.12f, 0.6f);
  s.specular.alphaB = 0.55f;
  s.specular.mixB = 0.15f;
}

void FaceRenderer::Impl::paintedRelief(const SurfaceMesh& mesh, unsigned triangle,
                                       const Eigen::Vector2f& uv, const SkinTextures& painted,
                                       Shading& s) const {
  // The triangle's tangents: how position changes with u and with v.
  const std::array<int, 3>& tri = mesh.triangles[triangle];
  const auto& corners = mesh.cornerUvs[triangle];
  const V3 e1 = mesh.positions[static_cast<std::size_t>(tri[1])] -
                mesh.positions[static_cast<std::size_t>(tri[0])];
  const V3 e2 = mesh.positions[static_cast<std::size_t>(tri[2])] -
                mesh.positions[static_cast<std::size_t>(tri[0])];
  const Eigen::Vector2f d1 = corners[1] - corners[0];
  const Eigen::Vector2f d2 = corners[2] - corners[0];
  const float det = d1.x() * d2.y() - d2.x() * d1.y();
  if (std::abs(det) < 1e-12f) {
    return;  // a triangle squashed to a line in UV: no frame
  }
  const V3 dpdu = (e1 * d2.y() - e2 * d1.y()) / det;
  const V3 dpdv = (e2 * d1.x() - e1 * d2.x()) / det;
  const V3 n = s.normal;
  V3 tangent = dpdu - n * n.dot(dpdu);
  if (tangent.norm() < 1e-9f) {
    return;
  }
  tangent.normalize();
  V3 bitangent = n.cross(tangent);
  if (bitangent.dot(dpdv) < 0.0f) {
    bitangent = -bitangent;  // a mirrored UV island
  }
  V3 out = n;
  if (!painted.normal.empty()) {
    const V3 m = painted.normalAt(uv);
    out = (m.x() * tangent + m.y() * bitangent + m.z() * n).normalized();
  }
  if (!painted.displacement.empty()) {
    // The height's slope along each tangent, from a texel either way; a texel is a fraction
    // of a millimetre on a face.
    const float du = 1.0f / static_cast<float>(painted.displacement.width);
    const float dv = 1.0f / static_cast<float>(painted.displacement.height);
    const float slopeU = (painted.displacementAt(uv + Eigen::Vector2f(du, 0.0f)) -
                          painted.displacementAt(uv - Eigen::Vector2f(du, 0.0f))) /
                         (2.0f * du * std::max(dpdu.norm(), 1e-6f));
    const float slopeV = (painted.displacementAt(uv + Eigen::Vector2f(0.0f, dv)) -
                          painted.displacementAt(uv - Eigen::Vector2f(0.0f, dv))) /
                         (2.0f * dv * std::max(dpdv.norm(), 1e-6f));
    out = (out - slopeU * tangent - slopeV * bitangent).normalized();
  }
  s.normal = out.dot(s.geometric) > 0.05f ? out : s.normal;
}

void FaceRenderer::Impl::clothDetail(const SurfaceMesh& mesh, const std::array<int, 3>& tri,
                                     float b0, float b1, float b2, Shading& s) const {
  const V3 rest =
      mesh.restPositions.empty() ? s.position : barycentric(mesh.restPositions, tri, b0, b1, b2);
  // Yarn: heathered colour, and a relief of loops (knit: wales running down) or a plain
  // weave (woven), a fraction of a millimetre deep.
  const std::uint32_t seed = detailSeed + 101u;
  const float heather = fbm(rest / 1.5f, seed, 2);
  s.albedo = mesh.baseColor * (1.0f + 0.08f * heather);
  const float period = mesh.knit ? 1.6f : 0.7f;
  auto height = [&](const V3& x) {
    const float across = std::sin(2.0f * kPi * (x.x() + 0.6f * x.z()) / period);
    const float along = std::sin(2.0f * kPi * x.y() / (period * (mesh.knit ? 1.3f : 1.0f)));
    return mesh.knit ? 0.12f * std::abs(across) * (0.7f + 0.3f * along) : 0.05f * (across * along);
  };
  V3 t, b;
  orthonormalBasis(s.normal, t, b);
  const float step = 0.05f;
  const float h0 = height(rest);
  const float ht = (height(rest + step * t) - h0) / step;
  const float hb = (height(rest + step * b) - h0) / step;
  s.normal = (s.normal - 0.6f * (ht * t + hb * b)).normalized();
  // Fibres scatter a broad, dim sheen.
  s.specular = {0.03f, 0.55f, 0.9f, 0.5f};
}

void FaceRenderer::Impl::plasticDetail(const SurfaceMesh& mesh, const std::array<int, 3>& tri,
                                       float b0, float b1, float b2, Shading& s) const {
  s.albedo = mesh.baseColor;
  if (mesh.finish == 1) {
    // Tortoiseshell: dark brown patches in amber, stretched along the frame's width.
    const V3 rest =
        mesh.restPositions.empty() ? s.position : barycentric(mesh.restPositions, tri, b0, b1, b2);
    const V3 q(rest.x() / 9.0f, rest.y() / 4.0f, rest.z() / 4.0f);
    const float patch = 0.5f + 0.5f * fbm(q, detailSeed + 211u, 4);
    const float dark = std::clamp((patch - 0.4f) * 3.0f, 0.0f, 1.0f);
    s.albedo = mesh.baseColor + dark * (V3(0.025f, 0.012f, 0.006f) - mesh.baseColor);
  }
  // A clear, glossy surface over the colour.
  s.specular = {0.045f, 0.05f, 0.2f, 0.25f};
}

bool FaceRenderer::Impl::unoccluded(const V3& origin, const V3& direction, float tFar) const {
  Ray shadow;
  shadow.origin = origin;
  shadow.direction = direction;
  shadow.tNear = 0.0f;
  shadow.tFar = tFar;
  return !all->occluded(shadow);
}

bool FaceRenderer::Impl::subsurfaceExit(const Shading& entry, PathRng& rng, Shading& exit,
                                        V3& weight) const {
  const V3& d = scene->look.scatterRadius;
  const float maxD = d.maxCoeff();
  // Axis: the normal half the time, each tangent a quarter.
  V3 t, b;
  orthonormalBasis(entry.normal, t, b);
  const V3 axes[3] = {entry.normal, t, b};
  const float axisProbability[3] = {0.5f, 0.25f, 0.25f};
  const float ua = rng.next();
  const int axis = ua < 0.5f ? 0 : (ua < 0.75f ? 1 : 2);
  const int channel = std::min(2, static_cast<int>(rng.next() * 3.0f));
  const float r = sampleBurleyRadius(d[channel], rng.next());
  const float rMax = 16.0f * maxD;
  if (r >= rMax) {
    return false;
  }
  const float phi = 2.0f * kPi * rng.next();
  V3 e1, e2;
  orthonormalBasis(axes[axis], e1, e2);
  const float h = std::sqrt(rMax * rMax - r * r);
  Ray probe;
  probe.origin = entry.position + r * (std::cos(phi) * e1 + std::sin(phi) * e2) + h * axes[axis];
  probe.direction = -axes[axis];
  probe.tNear = 0.0f;
  probe.tFar = 2.0f * h;
  // Every crossing of the skin along the probe; one of them, uniformly, is the exit.
  constexpr int kMaxHits = 8;
  RayHit hits[kMaxHits];
  int count = 0;
  while (count < kMaxHits) {
    const RayHit hit = skin->intersect(probe);
    if (!hit.hit()) {
      break;
    }
    hits[count++] = hit;
    probe.tNear = hit.t + 1e-3f;
  }
  if (count == 0) {
    return false;
  }
  const int pick = std::min(count - 1, static_cast<int>(rng.next() * static_cast<float>(count)));
  RayHit chosen = hits[pick];
  chosen.geomID = skinToMesh[chosen.geomID];
  Ray at = probe;
  exit = shade(at, chosen, false);
  // Outward normal at the exit, whichever way the probe crossed it.
  V3 n = exit.normal;
  V3 ng = exit.geometric;
  if (!exit.frontFace) {
    n = -n;
    ng = -ng;
  }
  exit.normal = n;
  exit.geometric = ng;
  exit.position = exit.position + 0.01f * ng;

  // The density of reaching this point by all strategies (axes and channels).
  const V3 delta = exit.position - entry.position;
  float pdf = 0.0f;
  for (int a = 0; a < 3; ++a) {
    const float along = delta.dot(axes[a]);
    const float planar = std::sqrt(std::max(0.0f, delta.squaredNorm() - along * along));
    const float cosine = std::abs(n.dot(axes[a]));
    for (int c = 0; c < 3; ++c) {
      pdf += axisProbability[a] * (1.0f / 3.0f) * burley(planar, d[c]) * cosine;
    }
  }
  pdf /= static_cast<float>(count);
  if (pdf <= 0.0f) {
    return false;
  }
  const float distance = delta.norm();
  // The profile is a half-space's: it holds where the exit lies on the same face of the
  // skin as the entry. Across a thin wall (a nostril's or an ear's, the lips where they
  // meet) the probe finds the far face, which light reaches only through the whole wall,
  // far less than the half-space profile claims at that distance: without this a
  // nostril's lining glowed orange. An exit passes light by the cosine between the two
  // normals (round a corner, a fraction), a wall's far face a tenth.
  constexpr float kThroughWall = 0.1f;
  const float facing =
      kThroughWall + (1.0f - kThroughWall) * std::clamp(n.dot(entry.normal), 0.0f, 1.0f);
  for (int c = 0; c < 3; ++c) {
    weight[c] = facing * entry.albedo[c] * burley(distance, d[c]) / pdf;
  }
  // Bright outliers from unlucky geometry: clamp, trading a little energy for no fireflies.
  const float maxWeight = 4.0f;
  if (weight.maxCoeff() > maxWeight) {
    weight *= maxWeight / weight.maxCoeff();
  }
  return true;
}

V3 FaceRenderer::Impl::trace(const Ray& primary, PathRng& rng, int maxBounces, V3* firstAlbedo,
                             V3* firstNormal, V3* firstTangent, V3* firstFibrePoint) const {
  V3 radiance = V3::Zero();
  V3 throughput = V3::Ones();
  Ray ray = primary;
  bool specularChain = true;  // the camera, or only delta bounces since the last diffuse vertex
  float lastPdf = 0.0f;       // solid-angle density of the last non-delta sampling decision
  bool recordedFeatures = false;
  const float eps = 0.02f;

  for (int bounce = 0; bounce <= maxBounces; ++bounce) {
    const RayHit hit = all->intersect(ray);
    const V3 direction = ray.direction.normalized();
    if (!hit.hit()) {
      const V3 le = environment.radiance(direction);
      if (specularChain) {
        radiance += throughput.cwiseProduct(le);
      } else {
        const float lightPdf = environment.pdf(direction);
        const float w = lastPdf * lastPdf / (lastPdf * lastPdf + lightPdf * lightPdf);
        radiance += throughput.cwiseProduct(le) * w;
      }
      if (!recordedFeatures && firstAlbedo) {
        *firstAlbedo = le.cwiseMin(1.0f);
        *firstNormal = V3::Zero();
      }
      break;
    }
    if (isHair(hit)) {
      // A fibre: the Chiang et al. model in the fibre's frame.
      const FibreHit f = fibre(ray, hit);
      const V3 wo = -direction;
      const V3 x = f.tangent;
      V3 z = wo - x * x.dot(wo);
      z = z.norm() > 1e-6f ? V3(z.normalized()) : f.normal;
      const V3 y = z.cross(x);
      const HairBsdf bsdf(f.normal.dot(y), f.strands->absorption);
      auto toLocal = [&](const V3& w) { return V3(w.dot(x), w.dot(y), w.dot(z)); };
      const V3 woLocal = toLocal(wo);
      if (!recordedFeatures && firstAlbedo) {
        // No normal, so the denoiser never mixes fibres with the surfaces behind them; the
        // fibre's direction instead, so it can average along strands and not across them.
        *firstAlbedo = f.strands->albedo.cwiseProduct(throughput);
        *firstNormal = V3::Zero();
        if (firstTangent && firstFibrePoint) {
          *firstTangent = f.tangent;
          *firstFibrePoint = f.position;
        }
        recordedFeatures = true;
      }
      const float skip = 3.0f * f.radius;
      {
        const Environment::Sample light = environment.sample(rng.next(), rng.next());
        if (light.pdf > 0.0f) {
          Ray shadow;
          shadow.origin = f.position;
          shadow.direction = light.direction;
          shadow.tNear = skip;
          if (!all->occluded(shadow)) {
            const V3 wiLocal = toLocal(light.direction);
            const V3 value = bsdf.eval(woLocal, wiLocal);
            const float bsdfPdf = bsdf.pdf(woLocal, wiLocal);
            const float w = light.pdf * light.pdf / (light.pdf * light.pdf + bsdfPdf * bsdfPdf);
            radiance +=
                throughput.cwiseProduct(value).cwiseProduct(light.radiance) * (w / light.pdf);
          }
        }
      }
      if (bounce == maxBounces) {
        break;
      }
      float pdf = 0.0f;
      const float u0 = rng.next();
      const float u1 = rng.next();
      const float u2 = rng.next();
      const float u3 = rng.next();
      const V3 wiLocal = bsdf.sample(woLocal, u0, u1, u2, u3, pdf);
      if (!(pdf > 0.0f)) {
        break;
      }
      throughput = throughput.cwiseProduct(bsdf.eval(woLocal, wiLocal)) / pdf;
      if (!std::isfinite(throughput.sum())) {
        break;
      }
      lastPdf = pdf;
      specularChain = false;
      ray.origin = f.position;
      ray.direction = (wiLocal.x() * x + wiLocal.y() * y + wiLocal.z() * z).normalized();
      ray.tNear = skip;
      ray.tFar = std::numeric_limits<float>::infinity();
      if (bounce >= 3) {
        const float q = std::min(0.95f, throughput.maxCoeff());
        if (rng.next() >= q) {
          break;
        }
        throughput /= q;
      }
      continue;
    }

    Shading s = shade(ray, hit, bounce == 0);
    const V3 wo = -direction;

    if (s.material == SurfaceMaterial::Glass) {
      // A lens: its reflection of the environment is added where nothing is in the way
      // (the usual case, and with no noise); the path goes on through it, tinted.
      const float cosI = std::clamp(wo.dot(s.normal), 0.0f, 1.0f);
      const float eta = s.frontFace ? 1.5f : 1.0f / 1.5f;
      const float f = fresnelDielectric(cosI, eta);
      const V3 mirror = 2.0f * cosI * s.normal - wo;
      if (mirror.dot(s.geometric) > 0.0f && unoccluded(s.position + eps * s.geometric, mirror,
                                                       std::numeric_limits<float>::infinity())) {
        radiance += throughput.cwiseProduct(environment.radiance(mirror)) * f;
      }
      if (f >= 1.0f) {
        break;  // total internal reflection at a grazing edge: the path is lost
      }
      const float ratio = 1.0f / eta;
      const float cosT = std::sqrt(std::max(0.0f, 1.0f - ratio * ratio * (1.0f - cosI * cosI)));
      ray.origin = s.position - eps * s.geometric;
      ray.direction = (-ratio * wo + (ratio * cosI - cosT) * s.normal).normalized();
      ray.tNear = 0.0f;
      ray.tFar = std::numeric_limits<float>::infinity();
      throughput = throughput.cwiseProduct(scene->meshes[s.mesh].baseColor) * (1.0f - f);
      continue;
    }
    if (s.material == SurfaceMaterial::Cornea || s.material == SurfaceMaterial::TearFilm) {
      // Delta interfaces: reflect or pass, by Fresnel.
      const float cosI = std::clamp(wo.dot(s.normal), 0.0f, 1.0f);
      V3 next;
      if (s.material == SurfaceMaterial::Cornea) {
        const float eta = s.frontFace ? 1.376f : 1.0f / 1.376f;
        const float f = fresnelDielectric(cosI, eta);
        if (rng.next() < f) {
          next = 2.0f * cosI * s.normal - wo;
        } else {
          const float ratio = 1.0f / eta;
          const float cosT = std::sqrt(std::max(0.0f, 1.0f - ratio * ratio * (1.0f - cosI * cosI)));
          next = (-ratio * wo + (ratio * cosI - cosT) * s.normal).normalized();
        }
      } else {
        const float f = schlick(0.02f, cosI);
        next = rng.next() < f ? V3(2.0f * cosI * s.normal - wo) : direction;
      }
      const bool transmitted = next.dot(s.geometric) < 0.0f;
      ray.origin = s.position + (transmitted ? -eps : eps) * s.geometric;
      ray.direction = next;
      ray.tNear = 0.0f;
      ray.tFar = std::numeric_limits<float>::infinity();
      continue;  // no throughput change: both events are chosen with their probabilities
    }

    if (!recordedFeatures && firstAlbedo) {
      *firstAlbedo = s.albedo.cwiseProduct(throughput);  // seen through any tinted lens
      *firstNormal = s.normal;
      recordedFeatures = true;
    }

    const bool metal = s.albedo.maxCoeff() <= 0.0f;
    const float pSpecular = s.subsurface ? 0.35f : (metal ? 1.0f : 0.3f);
    const V3 origin = s.position + eps * s.geometric;

    // Next-event estimation at the surface: the specular lobes, and the diffuse one for
    // surfaces without subsurface scattering.
    {
      const Environment::Sample light = environment.sample(rng.next(), rng.next());
      const float ni = s.normal.dot(light.direction);
      if (light.pdf > 0.0f && ni > 0.0f && s.geometric.dot(light.direction) > 0.0f &&
          unoccluded(origin, light.direction, std::numeric_limits<float>::infinity())) {
        float f = s.specular.eval(s.normal, wo, light.direction);
        float bsdfPdf = pSpecular * s.specular.pdf(s.normal, wo, light.direction);
        V3 fColor = s.specularColor * f;
        if (!s.subsurface) {
          const float kd = 1.0f - schlick(s.specular.f0, std::max(0.0f, s.normal.dot(wo)));
          fColor += s.albedo * (kd * kInvPi);
          bsdfPdf += (1.0f - pSpecular) * ni * kInvPi;
        }
        const float w = light.pdf * light.pdf / (light.pdf * light.pdf + bsdfPdf * bsdfPdf);
        radiance +=
            throughput.cwiseProduct(fColor).cwiseProduct(light.radiance) * (ni * w / light.pdf);
      }
    }

    // Skin: the light that enters, scatters beneath and leaves at an exit point. Where the
    // camera sees skin, its direct part is estimated on every path, not only on those that
    // go on from the exit: choosing between the sheen and what lies beneath would leave a
    // third of the camera's samples without the skin's main colour (a close-up's skin noise
    // falls by a fifth, for a sixth more time). Deeper in a path, the choice is made
    // first, as for any other surface.
    Shading exit;
    V3 beneath = V3::Zero();  // the path's throughput as it leaves the exit
    auto scatterBeneath = [&](float share) {
      V3 weight;
      if (!subsurfaceExit(s, rng, exit, weight)) {
        // No exit found (a thin or open part of the mesh): leave where the light entered.
        exit = s;
        exit.position = origin;
        weight = s.albedo;
      }
      const float transmission = 1.0f - schlick(s.specular.f0, std::max(0.0f, s.normal.dot(wo)));
      beneath = throughput.cwiseProduct(weight) * (transmission / share);
      // Light leaving at the exit: a normalised Lambertian (the albedo is in the weight),
      // weighed against the cosine sampling that continues the path from it, which
      // follows with probability (1 - pSpecular) / share.
      const Environment::Sample light = environment.sample(rng.next(), rng.next());
      const float ni = exit.normal.dot(light.direction);
      if (light.pdf > 0.0f && ni > 0.0f && exit.geometric.dot(light.direction) > -0.2f &&
          unoccluded(exit.position, light.direction, std::numeric_limits<float>::infinity())) {
        const float bsdfPdf =
            bounce == maxBounces ? 0.0f : (1.0f - pSpecular) / share * ni * kInvPi;
        const float w = light.pdf * light.pdf / (light.pdf * light.pdf + bsdfPdf * bsdfPdf);
        radiance += beneath.cwiseProduct(light.radiance) * (kInvPi * ni * w / light.pdf);
      }
    };
    const bool seenSkin = s.subsurface && specularChain;
    if (seenSkin) {
      scatterBeneath(1.0f);
    }
    if (bounce == maxBounces) {
      break;
    }

    // Continue the path: the specular lobes, or the diffuse (beneath the surface for skin).
    V3 nextDirection;
    if (rng.next() < pSpecular) {
      const float u0 = rng.next();
      const float u1 = rng.next();
      const float u2 = rng.next();
      nextDirection = s.specular.sample(s.normal, wo, u0, u1, u2);
      const float ni = s.normal.dot(nextDirection);
      if (ni <= 0.0f || s.geometric.dot(nextDirection) <= 0.0f) {
        break;
      }
      float pdf = pSpecular * s.specular.pdf(s.normal, wo, nextDirection);
      V3 f = s.specularColor * s.specular.eval(s.normal, wo, nextDirection);
      if (!s.subsurface) {
        const float kd = 1.0f - schlick(s.specular.f0, std::max(0.0f, s.normal.dot(wo)));
        f += s.albedo * (kd * kInvPi);
        pdf += (1.0f - pSpecular) * ni * kInvPi;
      }
      if (pdf <= 0.0f) {
        break;
      }
      throughput = throughput.cwiseProduct(f) * (ni / pdf);
      lastPdf = pdf;
      ray.origin = origin;
    } else if (s.subsurface) {
      // On from the exit, in a cosine-distributed direction.
      if (seenSkin) {
        throughput = beneath / (1.0f - pSpecular);
      } else {
        scatterBeneath(1.0f - pSpecular);
        throughput = beneath;
      }
      nextDirection = cosineSample(exit.normal, rng.next(), rng.next());
      if (exit.geometric.dot(nextDirection) <= 0.0f) {
        break;
      }
      lastPdf = (seenSkin ? 1.0f - pSpecular : 1.0f) * exit.normal.dot(nextDirection) * kInvPi;
      ray.origin = exit.position;
    } else {
      nextDirection = cosineSample(s.normal, rng.next(), rng.next());
      const float ni = s.normal.dot(nextDirection);
      if (ni <= 0.0f || s.geometric.dot(nextDirection) <= 0.0f) {
        break;
      }
      const float pdf = pSpecular * s.specular.pdf(s.normal, wo, nextDirection) +
                        (1.0f - pSpecular) * ni * kInvPi;
      const float kd = 1.0f - schlick(s.specular.f0, std::max(0.0f, s.normal.dot(wo)));
      const V3 f =
          s.specularColor * s.specular.eval(s.normal, wo, nextDirection) + s.albedo * (kd * kInvPi);
      throughput = throughput.cwiseProduct(f) * (ni / pdf);
      lastPdf = pdf;
      ray.origin = origin;
    }
    specularChain = false;
    ray.direction = nextDirection;
    ray.tNear = 0.0f;
    ray.tFar = std::numeric_limits<float>::infinity();

    // Russian roulette after a few bounces.
    if (bounce >= 3) {
      const float q = std::min(0.95f, throughput.maxCoeff());
      if (rng.next() >= q) {
        break;
      }
      throughput /= q;
    }
  }
  return radiance;
}

FaceRenderer::FaceRenderer(std::unique_ptr<Impl> impl)
    : m_scene(impl->scene), m_environment(&impl->environment), m_impl(std::move(impl)) {}
FaceRenderer::FaceRenderer(FaceRenderer&&) noexcept = default;
FaceRenderer& FaceRenderer::operator=(FaceRenderer&&) noexcept = default;
FaceRenderer::~FaceRenderer() = default;

FaceRenderer FaceRenderer::create(const FaceScene& scene) {
  auto impl = std::make_unique<Impl>();
  impl->scene = &scene;
  impl->environment = Environment::create(environmentMap(scene.environment),
                                          scene.environmentRotation, scene.environmentIntensity);
  EmbreeDevice& device = sharedEmbreeDevice();
  std::vector<TriangleMeshInput> inputs;
  std::vector<TriangleMeshInput> skinInputs;
  for (std::size_t m = 0; m < scene.meshes.size(); ++m) {
    const SurfaceMesh& mesh = scene.meshes[m];
    inputs.push_back({mesh.positions, mesh.triangles, mesh.occludes});
    if (mesh.material == SurfaceMaterial::Skin) {
      skinInputs.push_back({mesh.positions, mesh.triangles, true});
      impl->skinToMesh.push_back(static_cast<unsigned>(m));
    }
  }
  std::vector<CurveInput> curves;
  for (const HairStrands& strands : scene.hair) {
    curves.push_back({strands.points, strands.segmentStarts, true});
  }
  impl->all = std::make_unique<TriangleScene>(TriangleScene::create(device, inputs, curves));
  impl->skin = std::make_unique<TriangleScene>(TriangleScene::create(device, skinInputs));
  impl->detailSeed =
      static_cast<std::uint32_t>(scene.look.detailSeed ^ (scene.look.detailSeed >> 32));
  impl->marks = SkinMarks::create(scene.look.restLandmarks, scene.look.wrinkles, scene.look.moles,
                                  impl->detailSeed + 301u);
  return FaceRenderer(std::move(impl));
}

RenderedImage FaceRenderer::render(const RenderSettings& settings) const {
  if (settings.samplesPerPixel < 1 || settings.samplesPerPixel > 65536) {
    throw Error("render: samples per pixel must be 1..65536, got " +
                std::to_string(settings.samplesPerPixel));
  }
  if (settings.maxBounces < 1 || settings.maxBounces > 64) {
    throw Error("render: bounces must be 1..64, got " + std::to_string(settings.maxBounces));
  }
  const Camera& camera = m_scene->camera;
  const int width = camera.width;
  const int height = camera.height;
  RenderedImage out{Image(width, height, 3), Image(width, height, 3), Image(width, height, 3),
                    Image(width, height, 1), Image(width, height, 3)};
  const Eigen::Matrix3f cameraFromWorld = camera.worldFromCamera.linear().transpose();
  std::atomic<int> rowsDone{0};
  std::mutex progressMutex;
  const Impl& impl = *m_impl;

  tbb::parallel_for(
      tbb::blocked_range<int>(0, height, 4), [&](const tbb::blocked_range<int>& rows) {
        const ScopedFlushDenormals flush;
        for (int y = rows.begin(); y < rows.end(); ++y) {
          for (int x = 0; x < width; ++x) {
            const std::uint64_t pixel =
                static_cast<std::uint64_t>(y) * static_cast<std::uint64_t>(width) +
                static_cast<std::uint64_t>(x);
            const CounterRng pixelRng(settings.seed, pixel);
            V3 sum = V3::Zero();
            V3 albedoSum = V3::Zero();
            V3 normalSum = V3::Zero();
            V3 fibreSum = V3::Zero();  // hits, cos 2a, sin 2a
            double lumSum = 0.0;
            double lumSquares = 0.0;
            for (int s = 0; s < settings.samplesPerPixel; ++s) {
              PathRng rng(pixelRng.bits(static_cast<std::uint64_t>(s)));
              const float jx = rng.next();
              const float jy = rng.next();
              const float lu = rng.next();
              const float lv = rng.next();
              const Ray ray =
                  camera.lensRay(static_cast<float>(x) + jx, static_cast<float>(y) + jy, lu, lv);
              V3 albedo = V3::Zero();
              V3 normal = V3::Zero();
              V3 tangent = V3::Zero();
              V3 fibrePoint = V3::Zero();
              V3 value = impl.trace(ray, rng, settings.maxBounces, &albedo, &normal, &tangent,
                                    &fibrePoint);
              if (tangent != V3::Zero()) {
                // The fibre's direction on screen (x right, y down): how its image (x/z, y/z)
                // moves along it. As a doubled angle, a direction without a sign. A fibre
                // seen nearly end-on has no direction to speak of: it counts as cover only.
                const V3 t = cameraFromWorld * tangent;
                const V3 at = cameraFromWorld * (fibrePoint - camera.position());
                const float sx = t.x() * at.z() - at.x() * t.z();
                const float sy = t.y() * at.z() - at.y() * t.z();
                const float length2 = sx * sx + sy * sy;
                fibreSum[0] += 1.0f;
                if (length2 > 0.04f * at.squaredNorm()) {
                  fibreSum[1] += (sx * sx - sy * sy) / length2;
                  fibreSum[2] += 2.0f * sx * sy / length2;
                }
              }
              // A sample far brighter than a diffuse surface could be is a caustic firefly.
              const float lum = luminance(value);
              if (!std::isfinite(lum)) {
                value = V3::Zero();
              } else if (lum > 64.0f) {
                value *= 64.0f / lum;
              }
              sum += value;
              lumSum += luminance(value);
              lumSquares += static_cast<double>(luminance(value)) * luminance(value);
              albedoSum += albedo;
              normalSum += normal;
            }
            const float inv = 1.0f / static_cast<float>(settings.samplesPerPixel);
            const V3 normalCamera = cameraFromWorld * (normalSum * inv);
            const double n = settings.samplesPerPixel;
            const double mean = lumSum / n;
            out.variance.at(x, y, 0) =
                n > 1.0
                    ? static_cast<float>(std::max(0.0, lumSquares / n - mean * mean) / (n - 1.0))
                    : 1.0f;
            for (int c = 0; c < 3; ++c) {
              out.color.at(x, y, c) = sum[c] * inv;
              out.albedo.at(x, y, c) = albedoSum[c] * inv;
              out.normal.at(x, y, c) = normalCamera[c];
              out.fibre.at(x, y, c) = fibreSum[c] * inv;
            }
          }
        }
        const int done =
            rowsDone.fetch_add(static_cast<int>(rows.size())) + static_cast<int>(rows.size());
        if (settings.progress) {
          std::lock_guard lock(progressMutex);
          settings.progress(static_cast<float>(done) / static_cast<float>(height));
        }
      });
  return out;
}

LabelBuffers FaceRenderer::labels() const {
  const Camera& camera = m_scene->camera;
  LabelBuffers out;
  out.width = camera.width;
  out.height = camera.height;
  out.classes.assign(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height), 0);
  out.depth = Image(out.width, out.height, 1);
  out.normals = Image(out.width, out.height, 3);
  const Eigen::Matrix3f cameraFromWorld = camera.worldFromCamera.linear().transpose();
  const Eigen::Vector3f forward = camera.worldFromCamera.linear().col(2);

  // Soft masks: for the strand sets by their mask name, and for surfaces of the soft
  // classes (painted brows) by the class's name.
  auto surfaceMask = [](LabelClass c) -> const char* {
    switch (c) {
      case LabelClass::Hair: return "hair";
      case LabelClass::Beard: return "beard";
      case LabelClass::RightBrow: return "right_brow";
      case LabelClass::LeftBrow: return "left_brow";
      case LabelClass::Glasses: return "glasses";
      default: return nullptr;
    }
  };
  for (const SurfaceMesh& mesh : m_scene->meshes) {
    for (const LabelClass c : mesh.triangleClass) {
      if (const char* name = surfaceMask(c)) {
        out.softMasks.try_emplace(name, Image(out.width, out.height, 1));
      }
    }
  }
  for (const HairStrands& strands : m_scene->hair) {
    out.softMasks.try_emplace(strands.mask, Image(out.width, out.height, 1));
  }
  const bool anyMasks = !out.softMasks.empty();
  const Impl& impl = *m_impl;

  tbb::parallel_for(
      tbb::blocked_range<int>(0, out.height, 8), [&](const tbb::blocked_range<int>& rows) {
        const ScopedFlushDenormals flush;
        for (int y = rows.begin(); y < rows.end(); ++y) {
          for (int x = 0; x < out.width; ++x) {
            const Ray ray = camera.ray(static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f);
            const RayHit hit = impl.labelHit(ray);
            const std::size_t index =
                static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) +
                static_cast<std::size_t>(x);
            if (hit.hit()) {
              V3 position;
              V3 n;
              if (impl.isHair(hit)) {
                const Impl::FibreHit f = impl.fibre(ray, hit);
                position = f.position;
                n = f.normal;
              } else {
                const Shading s = impl.shade(ray, hit);
                position = s.position;
                n = s.frontFace ? s.normal : V3(-s.normal);  // the outward side
              }
              LabelClass label = impl.labelOf(hit);
              if (impl.isHair(hit) &&
                  (label == LabelClass::RightBrow || label == LabelClass::LeftBrow)) {
                // labels.md: brow hair outside the face's silhouette is IGNORE. Look past
                // the strands for the surface behind.
                Ray behind = ray;
                bool surface = false;
                for (int step = 0; step < 16; ++step) {
                  const RayHit next = impl.all->intersect(behind);
                  if (!next.hit()) {
                    break;
                  }
                  if (!impl.isHair(next)) {
                    surface = true;
                    break;
                  }
                  behind.tNear = next.t + 0.01f;
                }
                if (!surface) {
                  label = LabelClass::Ignore;
                }
              }
              out.classes[index] = static_cast<std::uint8_t>(label);
              out.depth.at(x, y, 0) = (position - camera.position()).dot(forward);
              const V3 local = cameraFromWorld * n;
              for (int c = 0; c < 3; ++c) {
                out.normals.at(x, y, c) = local[c];
              }
            }
            if (!anyMasks) {
              continue;
            }
            for (int sy = 0; sy < 4; ++sy) {
              for (int sx = 0; sx < 4; ++sx) {
                const Ray sub =
                    camera.ray(static_cast<float>(x) + (static_cast<float>(sx) + 0.5f) * 0.25f,
                               static_cast<float>(y) + (static_cast<float>(sy) + 0.5f) * 0.25f);
                const RayHit h = impl.labelHit(sub);
                if (!h.hit()) {
                  continue;
                }
                const char* name =
                    impl.isHair(h) ? m_scene->hair[h.geomID - m_scene->meshes.size()].mask.c_str()
                                   : surfaceMask(impl.labelOf(h));
                if (!name) {
                  continue;
                }
                if (const auto it = out.softMasks.find(name); it != out.softMasks.end()) {
                  it->second.at(x, y, 0) += 1.0f / 16.0f;
                }
              }
            }
          }
        }
      });
  return out;
}

bool FaceRenderer::visible(const Eigen::Vector3f& point, float tolerance) const {
  const V3 origin = m_scene->camera.position();
  const V3 toPoint = point - origin;
  const float distance = toPoint.norm();
  if (distance <= tolerance) {
    return true;
  }
  if (m_scene->camera.project(point).z() <= 0.0f) {
    return false;
  }
  Ray ray;
  ray.origin = origin;
  ray.direction = toPoint / distance;
  ray.tNear = 0.0f;
  ray.tFar = distance - tolerance;
  if (!m_impl->all->occluded(ray)) {
    return true;
  }
  // A point on a silhouette: the ray grazes the surface near the point, where the rendered
  // (refined) surface may lie a little in front of the landmark's exact (limit) surface.
  // Visible when every opaque hit before it is within reach of the point itself and is
  // the face's own surface: something worn (a mask lying on the lips) hides it however
  // close it lies.
  Ray probe = ray;
  for (int step = 0; step < 8; ++step) {
    const RayHit hit = m_impl->all->intersect(probe);
    if (!hit.hit()) {
      return true;
    }
    const V3 at = probe.origin + hit.t * probe.direction;
    if (m_impl->occludes(hit) && ((at - point).norm() > 2.0f * tolerance || m_impl->isWorn(hit))) {
      return false;
    }
    probe.tNear = hit.t + 1e-3f;
  }
  return true;
}

}  // namespace sf
