#include "assets/garment.h"

#include "assets/mesh_building.h"
#include "math/scalar.h"
#include "render/embree_accel.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <utility>

namespace sf {

namespace {

using V3 = Eigen::Vector3f;

/// Height of a layer's neckline above the neck's base at angle `theta` round the neck
/// (0 in front, +-pi behind).
float necklineHeight(const GarmentLayer& layer, const NeckFrame& frame, float theta) {
  const float back = 0.5f * (1.0f - std::cos(theta));  // 0 in front, 1 behind
  const float crew = 14.0f + 30.0f * back;
  switch (layer.neckline) {
    case Neckline::Crew: return crew;
    case Neckline::VNeck: return crew - layer.depth * std::max(0.0f, 1.0f - std::abs(theta) / 0.6f);
    case Neckline::Scoop:
      return crew - layer.depth * std::pow(std::max(0.0f, std::cos(theta)), 2.0f);
    case Neckline::Turtle: return frame.chinHeight - 24.0f + 16.0f * back;
    case Neckline::Mock: return 0.5f * (crew + frame.chinHeight - 24.0f) + 10.0f * back;
  }
  return crew;
}

/// Smooth value noise in [-1, 1] over space (folds of the cloth).
float foldNoise(const V3& p, std::uint32_t seed) {
  auto hash = [&](int x, int y, int z) {
    std::uint32_t h = seed * 0x9e3779b9u;
    h ^= static_cast<std::uint32_t>(x) * 0x85ebca6bu;
    h = (h << 13) | (h >> 19);
    h ^= static_cast<std::uint32_t>(y) * 0xc2b2ae35u;
    h = (h << 13) | (h >> 19);
    h ^= static_cast<std::uint32_t>(z) * 0x27d4eb2fu;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return static_cast<float>(h >> 8) * (1.0f / 16777216.0f);
  };
  const int x0 = static_cast<int>(std::floor(p.x()));
  const int y0 = static_cast<int>(std::floor(p.y()));
  const int z0 = static_cast<int>(std::floor(p.z()));
  const V3 f = p - V3(static_cast<float>(x0), static_cast<float>(y0), static_cast<float>(z0));
  const V3 u = f.unaryExpr([](float t) { return t * t * (3.0f - 2.0f * t); });
  float sum = 0.0f;
  for (int i = 0; i < 8; ++i) {
    const int dx = i & 1, dy = (i >> 1) & 1, dz = (i >> 2) & 1;
    const float w =
        (dx ? u.x() : 1.0f - u.x()) * (dy ? u.y() : 1.0f - u.y()) * (dz ? u.z() : 1.0f - u.z());
    sum += w * hash(x0 + dx, y0 + dy, z0 + dz);
  }
  return 2.0f * sum - 1.0f;
}

/// The linear albedo of a layer from the garment's colour.
V3 layerColour(const GarmentLayer& layer, const V3& colour) {
  switch (layer.colour) {
    case 1: return V3(0.78f, 0.78f, 0.76f);
    case 2: return colour * 0.45f;
    default: return colour;
  }
}

/// A shell of fabric over part of the skin, and what its edge needs.
struct Shell {
  SurfaceMesh mesh;
  std::vector<int> remap;                ///< skin vertex -> shell vertex, -1 uncovered
  std::vector<V3> position;              ///< skin positions, the rim's snapped to the edge
  std::vector<V3> normal;                ///< skin normals, likewise
  std::vector<std::pair<int, int>> rim;  ///< skin vertex pairs along the edge, wound
  std::vector<int> source;               ///< shell vertex -> the skin vertex it stands on
  std::size_t surfaceCount = 0;          ///< shell vertices before the hem's inner ones
};

/// Builds a shell over the skin triangles of the classes `covers` with a corner where
/// `inside` > 0 (mm inside the region's edge). Corners outside are moved along their edges
/// onto the edge (inside = 0), so the fabric's edge is smooth rather than the mesh's stair
/// of triangles. Each covered vertex is lifted along the normal by `lift(vertex)`, and a
/// hem joins the edge down to the skin.
template <typename Lift>
Shell buildShell(const SurfaceMesh& skin, std::vector<float>& inside,
                 std::initializer_list<LabelClass> covers, LabelClass label, Lift lift) {
  Shell shell;
  SurfaceMesh& out = shell.mesh;
  const std::size_t n = skin.positions.size();
  shell.remap.assign(n, -1);
  std::vector<std::array<int, 3>> covered;
  for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
    if (std::find(covers.begin(), covers.end(), skin.triangleClass[t]) == covers.end()) {
      continue;
    }
    const std::array<int, 3>& tri = skin.triangles[t];
    if (std::any_of(tri.begin(), tri.end(),
                    [&](int v) { return inside[static_cast<std::size_t>(v)] > 0.0f; })) {
      covered.push_back(tri);
    }
  }
  shell.position = skin.positions;
  shell.normal = skin.normals;
  {
    std::vector<V3> positionSum(n, V3::Zero());
    std::vector<V3> normalSum(n, V3::Zero());
    std::vector<int> crossings(n, 0);
    for (const std::array<int, 3>& tri : covered) {
      for (int k = 0; k < 3; ++k) {
        const auto outer = static_cast<std::size_t>(tri[static_cast<std::size_t>(k)]);
        if (inside[outer] > 0.0f) {
          continue;
        }
        for (int j = 1; j < 3; ++j) {
          const auto in = static_cast<std::size_t>(tri[static_cast<std::size_t>((k + j) % 3)]);
          if (inside[in] <= 0.0f) {
            continue;
          }
          const float t = inside[in] / (inside[in] - inside[outer]);
          positionSum[outer] +=
              skin.positions[in] + t * (skin.positions[outer] - skin.positions[in]);
          normalSum[outer] += skin.normals[in] + t * (skin.normals[outer] - skin.normals[in]);
          ++crossings[outer];
        }
      }
    }
    for (std::size_t v = 0; v < n; ++v) {
      if (crossings[v] > 0) {
        shell.position[v] = positionSum[v] / static_cast<float>(crossings[v]);
        shell.normal[v] = normalSum[v].normalized();
        inside[v] = 0.0f;
      }
    }
  }
  auto restOf = [&](std::size_t v) {
    return skin.restPositions.empty() ? skin.positions[v] : skin.restPositions[v];
  };
  for (const std::array<int, 3>& tri : covered) {
    std::array<int, 3> local{};
    for (int k = 0; k < 3; ++k) {
      const auto v = static_cast<std::size_t>(tri[static_cast<std::size_t>(k)]);
      if (shell.remap[v] < 0) {
        shell.remap[v] = static_cast<int>(out.positions.size());
        out.positions.push_back(shell.position[v] +
                                std::max(0.6f, lift(v, restOf(v))) * shell.normal[v]);
        out.restPositions.push_back(restOf(v));
        shell.source.push_back(static_cast<int>(v));
      }
      local[static_cast<std::size_t>(k)] = shell.remap[v];
    }
    out.triangles.push_back({local[0], local[1], local[2]});
    out.triangleClass.push_back(label);
  }
  // The edge: boundary edges of the covered set on the region's edge (the skin's own cut
  // at the chest stays open, below the frame).
  std::map<std::pair<int, int>, int> edgeUse;
  for (const std::array<int, 3>& tri : covered) {
    for (int k = 0; k < 3; ++k) {
      const int a = tri[static_cast<std::size_t>(k)];
      const int b = tri[static_cast<std::size_t>((k + 1) % 3)];
      ++edgeUse[{std::min(a, b), std::max(a, b)}];
    }
  }
  for (const std::array<int, 3>& tri : covered) {
    for (int k = 0; k < 3; ++k) {
      const int a = tri[static_cast<std::size_t>(k)];
      const int b = tri[static_cast<std::size_t>((k + 1) % 3)];
      if (edgeUse[{std::min(a, b), std::max(a, b)}] == 1 &&
          inside[static_cast<std::size_t>(a)] < 12.0f &&
          inside[static_cast<std::size_t>(b)] < 12.0f) {
        shell.rim.emplace_back(a, b);
      }
    }
  }
  // The hem: a wall from the shell down to just above the skin, so the fabric has an edge.
  shell.surfaceCount = out.positions.size();
  std::map<int, int> innerIndex;
  auto innerVertex = [&](int v) {
    if (const auto it = innerIndex.find(v); it != innerIndex.end()) {
      return it->second;
    }
    const auto s = static_cast<std::size_t>(v);
    const int index = static_cast<int>(out.positions.size());
    out.positions.push_back(shell.position[s] + 0.25f * shell.normal[s]);
    out.restPositions.push_back(restOf(s));
    shell.source.push_back(v);
    innerIndex.emplace(v, index);
    return index;
  };
  for (const auto& [a, b] : shell.rim) {
    const int sa = shell.remap[static_cast<std::size_t>(a)];
    const int sb = shell.remap[static_cast<std::size_t>(b)];
    const int ia = innerVertex(a);
    const int ib = innerVertex(b);
    out.triangles.push_back({sb, sa, ia});
    out.triangles.push_back({sb, ia, ib});
    out.triangleClass.push_back(label);
    out.triangleClass.push_back(label);
  }
  return shell;
}

SurfaceMesh dressLayer(const GarmentLayer& layer, const SurfaceMesh& skin,
                       std::span<const V3> shaped, const NeckFrame& frame, const V3& colour,
                       std::uint32_t seed) {
  // Per skin vertex: its angle round the neck and how far below the neckline it is.
  const std::size_t n = skin.positions.size();
  std::vector<float> below(n, -1.0f);
  std::vector<float> angle(n, 0.0f);
  for (std::size_t v = 0; v < n; ++v) {
    const V3 d = shaped[v] - frame.base;
    const float h = d.dot(frame.up);
    const V3 radial = d - h * frame.up;
    const float theta = std::atan2(radial.x(), radial.z());
    angle[v] = theta;
    below[v] = necklineHeight(layer, frame, theta) - h;
  }
  Shell shell = buildShell(
      skin, below, {LabelClass::Skin, LabelClass::Neck}, LabelClass::Clothing,
      [&](std::size_t v, const V3& rest) {
        const float loose = layer.looseness * smoothstep(0.0f, 50.0f, below[v]);
        // Folds: long ones hanging down, finer ones across; none at the neckline's band.
        const float folds =
            layer.wrinkles * smoothstep(3.0f, 25.0f, below[v]) *
            (0.7f * foldNoise(V3(rest.x() / 22.0f, rest.y() / 60.0f, rest.z() / 22.0f), seed) +
             0.3f * foldNoise(rest / 9.0f, seed + 1u));
        return layer.thickness + loose + folds;
      });
  SurfaceMesh& out = shell.mesh;
  out.name = "clothing";
  out.material = SurfaceMaterial::Cloth;
  out.baseColor = layerColour(layer, colour);
  out.knit = layer.knit;
  const std::vector<int>& remap = shell.remap;
  const std::vector<V3>& normal = shell.normal;
  const std::vector<std::pair<int, int>>& rim = shell.rim;
  // A shirt's collar: a stand up the neck from the neckline, then folded out and down over
  // the shoulders, open in front.
  if (layer.collar > 0.0f) {
    std::map<int, std::array<int, 3>> rows;
    auto collarRows = [&](int v) {
      if (const auto it = rows.find(v); it != rows.end()) {
        return it->second;
      }
      const auto s = static_cast<std::size_t>(v);
      const V3 base = out.positions[static_cast<std::size_t>(remap[s])];
      V3 outward = normal[s] - normal[s].dot(frame.up) * frame.up;
      outward = outward.norm() > 1e-4f ? V3(outward.normalized()) : normal[s];
      const V3 top = base + layer.collar * frame.up + 1.5f * outward;
      const V3 crest = top + 3.0f * outward + 1.0f * frame.up;
      const V3 edge = base + layer.collarReach * outward - 0.2f * layer.collar * frame.up;
      const V3& rest = out.restPositions[static_cast<std::size_t>(remap[s])];
      std::array<int, 3> indices{};
      const V3 points[3] = {top, crest, edge};
      for (int k = 0; k < 3; ++k) {
        indices[static_cast<std::size_t>(k)] = static_cast<int>(out.positions.size());
        out.positions.push_back(points[k]);
        out.restPositions.push_back(rest + points[k] - base);
      }
      rows.emplace(v, indices);
      return indices;
    };
    for (const auto& [a, b] : rim) {
      if (std::abs(angle[static_cast<std::size_t>(a)]) < layer.frontOpening ||
          std::abs(angle[static_cast<std::size_t>(b)]) < layer.frontOpening) {
        continue;
      }
      const std::array<int, 3> ra = collarRows(a);
      const std::array<int, 3> rb = collarRows(b);
      addQuad(out, remap[static_cast<std::size_t>(a)], remap[static_cast<std::size_t>(b)], rb[0],
              ra[0]);
      addQuad(out, ra[0], rb[0], rb[1], ra[1]);
      addQuad(out, ra[1], rb[1], rb[2], ra[2]);
    }
  }
  computeNormals(out);
  return out;
}

SurfaceMesh dressHeadwearShell(const HeadwearStyle& style, const SurfaceMesh& skin,
                               std::span<const V3> shaped, const HeadFrame& frame, const V3& colour,
                               std::uint32_t seed) {
  // Per skin vertex: its angle round the head's vertical axis and how far above the brim.
  const std::size_t n = skin.positions.size();
  std::vector<float> above(n, -1.0f);
  std::vector<float> angle(n, 0.0f);
  const V3 side = frame.up.cross(frame.forward).normalized();
  for (std::size_t v = 0; v < n; ++v) {
    const V3 d = shaped[v] - frame.centre;
    const float h = d.dot(frame.up);
    const float theta = std::atan2(d.dot(side), d.dot(frame.forward));
    angle[v] = theta;
    const float c = std::cos(theta);
    const float front = frame.browHeight + style.brimFront;
    const float sides = frame.eyeHeight + style.brimSide;
    const float back = frame.eyeHeight + style.brimBack;
    const float brim =
        sides + (front - sides) * std::max(c, 0.0f) + (back - sides) * std::max(-c, 0.0f);
    above[v] = h - brim;
  }
  const float top = [&] {
    float best = 0.0f;
    for (std::size_t v = 0; v < n; ++v) {
      best = std::max(best, above[v]);
    }
    return std::max(best, 1.0f);
  }();
  Shell shell = buildShell(
      skin, above, {LabelClass::Skin}, LabelClass::Headwear, [&](std::size_t v, const V3& rest) {
        // Room for the hair, more at the crown; a folded cuff is a step along the brim.
        const float crown = style.crown * smoothstep(0.2f, 1.0f, above[v] / top);
        const float cuff = style.cuff > 0.0f
                               ? 2.5f * (1.0f - smoothstep(style.cuff - 2.0f, style.cuff, above[v]))
                               : 0.0f;
        const float folds =
            0.6f * smoothstep(5.0f, 30.0f, above[v]) * foldNoise(rest / 14.0f, seed);
        return style.lift + crown + cuff + folds;
      });
  SurfaceMesh& out = shell.mesh;
  out.name = "headwear";
  out.material = SurfaceMaterial::Cloth;
  out.baseColor = colour;
  out.knit = style.knit;
  // A cap's visor (a curved plate out from the front of the brim line) or a hat's brim
  // (all round it, drooping a little toward its edge).
  if (style.visor > 0.0f || style.brim > 0.0f) {
    std::map<int, std::array<int, 2>> rows;
    auto visorRows = [&](int v) {
      if (const auto it = rows.find(v); it != rows.end()) {
        return it->second;
      }
      const auto s = static_cast<std::size_t>(v);
      const V3 base = out.positions[static_cast<std::size_t>(shell.remap[s])];
      // A visor: longest at the middle, curving down at the sides.
      const bool visor = style.visor > 0.0f;
      const float reach =
          visor ? style.visor * std::pow(std::max(0.0f, std::cos(angle[s] * 1.3f)), 0.6f)
                : style.brim;
      V3 outward = shell.normal[s] - shell.normal[s].dot(frame.up) * frame.up;
      outward = outward.norm() > 1e-4f ? V3(outward.normalized()) : frame.forward;
      const V3 middle = base + 0.55f * reach * outward - (visor ? 0.08f : 0.02f) * reach * frame.up;
      const V3 edge = base + reach * outward - (visor ? 0.22f : 0.09f) * reach * frame.up;
      const V3& rest = out.restPositions[static_cast<std::size_t>(shell.remap[s])];
      std::array<int, 2> indices{};
      const V3 points[2] = {middle, edge};
      for (int k = 0; k < 2; ++k) {
        indices[static_cast<std::size_t>(k)] = static_cast<int>(out.positions.size());
        out.positions.push_back(points[k]);
        out.restPositions.push_back(rest + points[k] - base);
      }
      rows.emplace(v, indices);
      return indices;
    };
    for (const auto& [a, b] : shell.rim) {
      if (style.visor > 0.0f && (std::abs(angle[static_cast<std::size_t>(a)]) > 1.15f ||
                                 std::abs(angle[static_cast<std::size_t>(b)]) > 1.15f)) {
        continue;
      }
      const std::array<int, 2> ra = visorRows(a);
      const std::array<int, 2> rb = visorRows(b);
      const int sa = shell.remap[static_cast<std::size_t>(a)];
      const int sb = shell.remap[static_cast<std::size_t>(b)];
      addQuad(out, sa, sb, rb[0], ra[0], LabelClass::Headwear);
      addQuad(out, ra[0], rb[0], rb[1], ra[1], LabelClass::Headwear);
    }
  }
  computeNormals(out);
  return out;
}

/// A wrap: the fabric over the head, the ears and the neck but for an opening round the
/// face. Built on the shaped skin, where the opening and the smoothing are measured, then
/// carried onto the posed skin vertex by vertex.
SurfaceMesh dressHeadwearWrap(const HeadwearStyle& style, const SurfaceMesh& skin,
                              std::span<const V3> shaped, const HeadFrame& frame, const V3& colour,
                              std::uint32_t seed) {
  if (frame.landmarks.size() < 68) {
    return SurfaceMesh{};
  }
  const auto at = [&](int i) { return frame.landmarks[static_cast<std::size_t>(i)]; };
  const V3 up = frame.up.normalized();
  const V3 forward = (frame.forward - frame.forward.dot(up) * up).normalized();
  const V3 side = up.cross(forward).normalized();

  // The opening, in the front view: an ellipse from above the brows to the chin (a U open
  // down the neck for a hood), out past the cheeks. Behind the front of the ears all is
  // covered.
  const V3 jawSides = 0.5f * (at(0) + at(16));
  const float halfWidth = 0.5f * std::abs((at(16) - at(0)).dot(side)) - 16.0f + style.opening;
  const float top = (0.5f * (at(19) + at(24))).dot(up) + 14.0f + 0.4f * style.opening;
  const float bottom = at(8).dot(up) - 4.0f;
  const float middleUp = 0.5f * (top + bottom);
  const float halfHeight = 0.5f * (top - bottom);
  const float middleSide = jawSides.dot(side);
  const float earFront = jawSides.dot(forward) - 12.0f;
  const std::size_t n = skin.positions.size();
  std::vector<float> inside(n);
  std::vector<float> liftOf(n);
  std::vector<float> shoulderOf(n);
  for (std::size_t v = 0; v < n; ++v) {
    const V3& p = shaped[v];
    const float u = (p.dot(side) - middleSide) / halfWidth;
    const float w = (p.dot(up) - middleUp) / halfHeight;
    // A hood's sides come down from the cheeks toward the front of the neck.
    const float radius = style.openFront && w < 0.0f
                             ? std::abs(u) / std::max(0.45f, 1.0f + 0.5f * w)
                             : std::hypot(u, w);
    const float oval = (radius - 1.0f) * std::min(halfWidth, halfHeight);
    inside[v] = std::max(oval, earFront - p.dot(forward));
    shoulderOf[v] = smoothstep(0.0f, 70.0f, at(8).dot(up) - p.dot(up));
    // Snug at the opening, full room a little way back; fuller behind (a hood, the folds
    // of a scarf at the back of the head) and over the clothes on the shoulders.
    const float back = smoothstep(-20.0f, 90.0f, (frame.centre - p).dot(forward));
    liftOf[v] = 2.0f + (style.lift - 2.0f) * smoothstep(0.0f, 25.0f, inside[v]) +
                (style.drape * back + 12.0f * shoulderOf[v]) * smoothstep(0.0f, 40.0f, inside[v]);
  }

  // The shell on the shaped skin.
  SurfaceMesh rest = skin;
  rest.positions.assign(shaped.begin(), shaped.end());
  computeNormals(rest);
  Shell shell = buildShell(
      rest, inside, {LabelClass::Skin, LabelClass::Neck, LabelClass::RightEar, LabelClass::LeftEar},
      LabelClass::Headwear, [&](std::size_t v, const V3& restPoint) {
        // Folds, long ones hanging over the shoulders.
        const V3 q(restPoint.x() / 16.0f, restPoint.y() / 45.0f, restPoint.z() / 16.0f);
        return liftOf[v] + (0.8f + 4.0f * shoulderOf[v]) * smoothstep(10.0f, 40.0f, inside[v]) *
                               (0.5f + 0.5f * foldNoise(q, seed));
      });
  SurfaceMesh& out = shell.mesh;
  if (out.triangles.empty()) {
    return out;
  }

  // Cloth bridges hollows and drapes over the ears: smooth the shell, keeping it outside
  // the skin by most of its lift along lines out from the neck's and head's axis, and its
  // edge where it is.
  std::vector<TriangleMeshInput> restInputs = {{rest.positions, rest.triangles, true}};
  for (const auto& [positions, triangles] : frame.over) {
    restInputs.push_back({positions, triangles, true});
  }
  const TriangleScene restScene = TriangleScene::create(sharedEmbreeDevice(), restInputs);
  const std::size_t count = shell.surfaceCount;
  std::vector<std::vector<int>> neighbours(count);
  for (const std::array<int, 3>& tri : out.triangles) {
    for (int k = 0; k < 3; ++k) {
      const int a = tri[static_cast<std::size_t>(k)];
      const int b = tri[static_cast<std::size_t>((k + 1) % 3)];
      if (static_cast<std::size_t>(a) < count && static_cast<std::size_t>(b) < count) {
        neighbours[static_cast<std::size_t>(a)].push_back(b);
        neighbours[static_cast<std::size_t>(b)].push_back(a);
      }
    }
  }
  std::vector<char> fixed(count, 0);
  for (const auto& [a, b] : shell.rim) {
    fixed[static_cast<std::size_t>(shell.remap[static_cast<std::size_t>(a)])] = 1;
    fixed[static_cast<std::size_t>(shell.remap[static_cast<std::size_t>(b)])] = 1;
  }
  const V3 axisBase = frame.neck - 120.0f * up;
  const V3 axis = frame.centre - axisBase;
  auto keepOutside = [&](V3& p, float minimum) {
    const float t = std::clamp((p - axisBase).dot(axis) / axis.squaredNorm(), 0.0f, 1.0f);
    const V3 centre = axisBase + t * axis;
    const V3 offset = p - centre;
    const float distance = offset.norm();
    if (distance < 1e-3f) {
      return;
    }
    const V3 direction = offset / distance;
    Ray ray;
    ray.origin = centre + (distance + 250.0f) * direction;
    ray.direction = -direction;
    ray.tFar = distance + 250.0f;
    const RayHit hit = restScene.intersect(ray);
    if (!hit.hit()) {
      return;
    }
    const float surface = distance + 250.0f - hit.t;
    if (distance < surface + minimum) {
      p = centre + (surface + minimum) * direction;
    }
  };
  std::vector<V3> next(count);
  for (int iteration = 0; iteration < 60; ++iteration) {
    for (std::size_t i = 0; i < count; ++i) {
      next[i] = out.positions[i];
      if (fixed[i] || neighbours[i].empty()) {
        continue;
      }
      V3 mean = V3::Zero();
      for (int j : neighbours[i]) {
        mean += out.positions[static_cast<std::size_t>(j)];
      }
      mean /= static_cast<float>(neighbours[i].size());
      next[i] = 0.5f * (out.positions[i] + mean);
      keepOutside(next[i], 0.7f * liftOf[static_cast<std::size_t>(shell.source[i])]);
    }
    std::copy(next.begin(), next.end(), out.positions.begin());
  }

  // Hanging folds, which the smoothing above would erase: ridges standing out of the cloth
  // (never into it) and running down, where it falls loose below the jaw and over the
  // shoulders; the cloth over the skull and round the face stays taut. About seven around
  // the neck, wandering a little from side to side as they fall.
  if (style.drape > 0.0f) {
    computeNormals(out);
    const float depth = 8.0f * std::min(1.0f, style.drape / 20.0f);
    const float jawLevel = (0.5f * (at(3) + at(13))).dot(up);
    for (std::size_t i = 0; i < count; ++i) {
      const auto v = static_cast<std::size_t>(shell.source[i]);
      if (fixed[i]) {
        continue;
      }
      const V3& p = out.positions[i];
      const float hanging =
          smoothstep(-10.0f, 40.0f, jawLevel - p.dot(up)) * smoothstep(5.0f, 30.0f, inside[v]);
      if (hanging <= 0.0f) {
        continue;
      }
      const V3 offset = p - frame.neck;
      const float around = std::atan2(offset.dot(side), offset.dot(forward));
      const float wander =
          3.0f *
          foldNoise(V3(p.dot(side) / 60.0f, p.dot(up) / 50.0f, p.dot(forward) / 60.0f), seed + 7u);
      const float ridge = 0.5f + 0.5f * std::cos(7.0f * around + wander);
      out.positions[i] += depth * hanging * ridge * ridge * out.normals[i];
    }
  }

  // Onto the posed skin: each vertex's offset from the skin it stands on, turned as that
  // skin's normal turned.
  for (std::size_t i = 0; i < out.positions.size(); ++i) {
    const auto v = static_cast<std::size_t>(shell.source[i]);
    const Eigen::Quaternionf turn =
        Eigen::Quaternionf::FromTwoVectors(rest.normals[v], skin.normals[v]);
    out.positions[i] = skin.positions[v] + turn * (out.positions[i] - rest.positions[v]);
  }
  out.name = "headwear";
  out.material = SurfaceMaterial::Cloth;
  out.baseColor = colour;
  out.knit = style.knit;
  computeNormals(out);
  return out;
}

}  // namespace

std::span<const GarmentStyle> builtinGarments() {
  using N = Neckline;
  // Layers: neckline, depth, thickness, looseness, wrinkles, knit, collar, opening, colour,
  // collar reach.
  static const std::vector<GarmentStyle> garments = {
      {"tshirt_crew",
       "T-shirt, crew neck",
       {"casual", "knit"},
       {{N::Crew, 0.0f, 1.2f, 3.0f, 1.2f, true, 0.0f, 0.0f, 0}}},
      {"tshirt_vneck",
       "T-shirt, V-neck",
       {"casual", "knit"},
       {{N::VNeck, 45.0f, 1.2f, 3.0f, 1.2f, true, 0.0f, 0.0f, 0}}},
      {"top_scoop",
       "Scoop-neck top",
       {"casual", "knit"},
       {{N::Scoop, 35.0f, 1.0f, 2.0f, 0.8f, true, 0.0f, 0.0f, 0}}},
      {"turtleneck",
       "Turtleneck",
       {"knit", "warm"},
       {{N::Turtle, 0.0f, 3.5f, 4.0f, 1.5f, true, 0.0f, 0.0f, 0}}},
      {"mock_neck",
       "Mock-neck sweater",
       {"knit", "warm"},
       {{N::Mock, 0.0f, 3.0f, 5.0f, 1.5f, true, 0.0f, 0.0f, 0}}},
      {"sweater_crew",
       "Crew-neck sweater",
       {"knit", "warm"},
       {{N::Crew, 0.0f, 4.0f, 7.0f, 2.5f, true, 0.0f, 0.0f, 0}}},
      {"sweater_vneck_shirt",
       "V-neck sweater over a shirt",
       {"knit", "formal", "collar"},
       {{N::Crew, 0.0f, 1.0f, 2.0f, 0.6f, false, 28.0f, 0.22f, 1},
        {N::VNeck, 70.0f, 4.0f, 7.0f, 2.0f, true, 0.0f, 0.0f, 0}}},
      {"shirt_collar",
       "Shirt with collar",
       {"formal", "woven", "collar"},
       {{N::VNeck, 18.0f, 1.0f, 4.0f, 1.5f, false, 30.0f, 0.25f, 0}}},
      {"polo",
       "Polo shirt",
       {"casual", "knit", "collar"},
       {{N::VNeck, 22.0f, 1.3f, 4.0f, 1.5f, true, 26.0f, 0.3f, 0}}},
      {"sweatshirt_zip",
       "Sweatshirt with a zip collar",
       {"casual", "knit", "warm"},
       {{N::Crew, 0.0f, 1.0f, 2.0f, 0.6f, true, 0.0f, 0.0f, 2},
        {N::VNeck, 40.0f, 6.0f, 12.0f, 3.5f, true, 38.0f, 0.45f, 0}}},
      {"jacket_tee",
       "Jacket over a T-shirt",
       {"casual", "woven", "collar", "layered"},
       {{N::Crew, 0.0f, 1.2f, 3.0f, 1.0f, true, 0.0f, 0.0f, 1},
        {N::VNeck, 85.0f, 5.0f, 10.0f, 2.5f, false, 34.0f, 0.5f, 0}}},
      {"blazer_shirt",
       "Blazer over a collared shirt",
       {"formal", "woven", "collar", "layered"},
       {{N::VNeck, 15.0f, 1.0f, 2.0f, 0.6f, false, 28.0f, 0.22f, 1},
        {N::VNeck, 95.0f, 5.0f, 8.0f, 1.5f, false, 36.0f, 0.55f, 2}}},
      // The hood lies down behind the neck: a deep collar folded far out.
      {"hoodie",
       "Hoodie",
       {"casual", "knit", "warm", "hood"},
       {{N::Crew, 0.0f, 5.0f, 10.0f, 3.0f, true, 30.0f, 0.8f, 0, 38.0f}}},
  };
  return garments;
}

const GarmentStyle* findGarment(const std::string& id) {
  return findById(builtinGarments(), id);
}

std::vector<SurfaceMesh> dressGarment(const GarmentStyle& style, const SurfaceMesh& skin,
                                      std::span<const Eigen::Vector3f> shaped,
                                      const NeckFrame& frame, const Eigen::Vector3f& colour,
                                      std::uint64_t seed) {
  std::vector<SurfaceMesh> layers;
  if (shaped.size() != skin.positions.size() || skin.normals.size() != skin.positions.size()) {
    return layers;
  }
  for (std::size_t i = 0; i < style.layers.size(); ++i) {
    const auto layerSeed = static_cast<std::uint32_t>((seed ^ (seed >> 32)) + 7919u * i);
    SurfaceMesh layer = dressLayer(style.layers[i], skin, shaped, frame, colour, layerSeed);
    if (!layer.triangles.empty()) {
      layers.push_back(std::move(layer));
    }
  }
  return layers;
}

std::span<const HeadwearStyle> builtinHeadwear() {
  // brimFront, brimSide, brimBack, lift, crown, cuff, visor, knit, brim.
  static const std::vector<HeadwearStyle> headwear = {
      {"beanie", "Beanie", {"knit", "warm"}, 8.0f, 14.0f, -12.0f, 7.0f, 3.0f, 0.0f, 0.0f, true},
      {"beanie_cuffed",
       "Cuffed beanie",
       {"knit", "warm"},
       6.0f,
       12.0f,
       -14.0f,
       7.0f,
       4.0f,
       28.0f,
       0.0f,
       true},
      {"beanie_slouch",
       "Slouchy beanie",
       {"knit", "casual"},
       12.0f,
       18.0f,
       -8.0f,
       7.0f,
       22.0f,
       0.0f,
       0.0f,
       true},
      {"cap",
       "Baseball cap",
       {"casual", "visor"},
       14.0f,
       22.0f,
       4.0f,
       6.0f,
       6.0f,
       0.0f,
       70.0f,
       false},
      {"felt_hat",
       "Felt hat",
       {"formal", "brim"},
       18.0f,
       24.0f,
       8.0f,
       8.0f,
       28.0f,
       0.0f,
       0.0f,
       false,
       50.0f},
      {"sun_hat",
       "Sun hat",
       {"summer", "brim"},
       16.0f,
       22.0f,
       6.0f,
       8.0f,
       18.0f,
       0.0f,
       0.0f,
       false,
       85.0f},
      {"bandana",
       "Bandana",
       {"woven", "summer", "scarf"},
       24.0f,
       22.0f,
       -6.0f,
       4.0f,
       2.0f,
       0.0f,
       0.0f,
       false},
      // Wraps: lift, then opening, drape, open in front, hides the hair.
      {"headscarf",
       "Headscarf (hijab)",
       {"woven", "wrap", "scarf"},
       0.0f,
       0.0f,
       0.0f,
       7.0f,
       0.0f,
       0.0f,
       0.0f,
       false,
       0.0f,
       6.0f,
       22.0f,
       false,
       true},
      {"hood",
       "Hood",
       {"knit", "wrap", "warm"},
       0.0f,
       0.0f,
       0.0f,
       12.0f,
       0.0f,
       0.0f,
       0.0f,
       true,
       0.0f,
       22.0f,
       30.0f,
       true,
       false},
  };
  return headwear;
}

const HeadwearStyle* findHeadwear(const std::string& id) {
  return findById(builtinHeadwear(), id);
}

SurfaceMesh dressHeadwear(const HeadwearStyle& style, const SurfaceMesh& skin,
                          std::span<const Eigen::Vector3f> shaped, const HeadFrame& frame,
                          const Eigen::Vector3f& colour, std::uint64_t seed) {
  if (shaped.size() != skin.positions.size() || skin.normals.size() != skin.positions.size()) {
    return SurfaceMesh{};
  }
  const auto mixed = static_cast<std::uint32_t>(seed ^ (seed >> 32));
  return style.opening > 0.0f ? dressHeadwearWrap(style, skin, shaped, frame, colour, mixed)
                              : dressHeadwearShell(style, skin, shaped, frame, colour, mixed);
}

}  // namespace sf
