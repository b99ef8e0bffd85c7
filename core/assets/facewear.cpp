#include "assets/facewear.h"

#include "assets/head_fit.h"
#include "assets/mesh_building.h"
#include "assets/surface_binding.h"
#include "math/scalar.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sf {

namespace {

using V3 = Eigen::Vector3f;

constexpr float kPi = 3.14159265358979f;

/// The sheet's outline: how far round the head it reaches and its edges' heights, by the
/// share `a` (0 in front, 1 at the side edge or, for a scarf, behind) of that reach.
struct Outline {
  float halfAngle = 1.2f;  ///< radians either side of the front; pi for all the way round
  float slope = 0.4f;      ///< how steeply cloth falls away from what holds it out
  float offset = 0.6f;     ///< mm above what holds it out
  FacewearKind kind = FacewearKind::SurgicalMask;
  float bridgeY = 0.0f, noseTipY = 0.0f, chinY = 0.0f;

  float top(float a) const {
    switch (kind) {
      case FacewearKind::SurgicalMask: return bridgeY - 14.0f * a * a;
      case FacewearKind::ClothMask: return bridgeY + 2.0f - 18.0f * std::pow(a, 1.5f);
      case FacewearKind::Scarf: return noseTipY + 4.0f - 8.0f * a;
    }
    return bridgeY;
  }
  float bottom(float a) const {
    switch (kind) {
      case FacewearKind::SurgicalMask: return chinY - 12.0f + 38.0f * a * a;
      case FacewearKind::ClothMask: return chinY - 16.0f + 42.0f * a * a;
      case FacewearKind::Scarf: return chinY - 55.0f + 25.0f * 0.5f * (1.0f - std::cos(kPi * a));
    }
    return chinY;
  }
};

}  // namespace

std::span<const FacewearStyle> builtinFacewear() {
  static const std::vector<FacewearStyle> facewear = {
      {"surgical_mask",
       "Surgical mask",
       {"mask", "medical", "pleated"},
       FacewearKind::SurgicalMask,
       false},
      {"cloth_mask", "Cloth mask", {"mask", "fabric"}, FacewearKind::ClothMask, false},
      {"scarf", "Scarf over the mouth", {"scarf", "knit", "winter"}, FacewearKind::Scarf, true},
  };
  return facewear;
}

const FacewearStyle* findFacewear(const std::string& id) {
  return findById(builtinFacewear(), id);
}

std::vector<SurfaceMesh> dressFacewear(const FacewearStyle& style, const SurfaceMesh& skin,
                                       std::span<const V3> shaped, std::span<const V3> landmarks,
                                       std::span<const V3> ears, const V3& colour,
                                       std::uint64_t seed) {
  if (landmarks.size() < 70 || shaped.size() != skin.positions.size() || skin.triangles.empty()) {
    return {};
  }
  const HeadFit head = HeadFit::create(skin, shaped, landmarks, ears);
  const V3 mid = head.mid();
  const bool scarf = style.kind == FacewearKind::Scarf;
  Outline outline;
  outline.kind = style.kind;
  outline.bridgeY = landmarks[28].y();
  outline.noseTipY = landmarks[30].y();
  outline.chinY = landmarks[8].y();
  switch (style.kind) {
    case FacewearKind::SurgicalMask:
      outline.halfAngle = 1.25f;
      outline.slope = 0.35f;
      outline.offset = 0.5f;
      break;
    case FacewearKind::ClothMask:
      outline.halfAngle = 1.15f;
      outline.slope = 0.55f;
      outline.offset = 1.2f;
      break;
    case FacewearKind::Scarf:
      outline.halfAngle = kPi;
      outline.slope = 0.5f;
      outline.offset = 6.0f;
      break;
  }

  // What holds the cloth out, per grid point: the skin, found outward from one vertical
  // axis through the head at the mouth's depth (one axis for all heights, so that the
  // sheet's rows agree where the face gives way to the neck).
  // Ears included: a scarf passes over the lobes.
  const TriangleMeshInput skinInput{shaped, skin.triangles, true};
  const TriangleScene holder = TriangleScene::create(sharedEmbreeDevice(), {&skinInput, 1});
  const float mouthY = 0.5f * (landmarks[62].y() + landmarks[66].y());
  float nearZ = std::numeric_limits<float>::max();
  float farZ = std::numeric_limits<float>::lowest();
  for (const V3& p : shaped) {
    if (std::abs(p.y() - mouthY) < 3.0f && std::abs(p.x() - mid.x()) < 40.0f) {
      nearZ = std::min(nearZ, p.z());
      farZ = std::max(farZ, p.z());
    }
  }
  const float axisZ = nearZ <= farZ ? 0.5f * (nearZ + farZ) : mid.z() - 90.0f;
  const int columns = scarf ? 96 : 64;
  const int rows = 40;
  const int columnCount = scarf ? columns : columns + 1;
  auto angleOf = [&](int i) {
    return scarf ? 2.0f * kPi * static_cast<float>(i) / static_cast<float>(columns) - kPi
                 : outline.halfAngle *
                       (2.0f * static_cast<float>(i) / static_cast<float>(columns) - 1.0f);
  };
  auto index = [&](int i, int k) { return static_cast<std::size_t>(k * columnCount + i); };
  std::vector<float> theta(static_cast<std::size_t>(columnCount));
  std::vector<float> y(static_cast<std::size_t>(columnCount * (rows + 1)));
  std::vector<float> held(y.size(), std::numeric_limits<float>::quiet_NaN());
  for (int i = 0; i < columnCount; ++i) {
    theta[static_cast<std::size_t>(i)] = angleOf(i);
    const float a = std::abs(angleOf(i)) / outline.halfAngle;
    for (int k = 0; k <= rows; ++k) {
      const float s = static_cast<float>(k) / static_cast<float>(rows);
      const std::size_t at = index(i, k);
      y[at] = outline.top(a) + s * (outline.bottom(a) - outline.top(a));
      Ray ray;
      ray.origin = V3(mid.x(), y[at], axisZ);
      ray.direction = V3(std::sin(theta[static_cast<std::size_t>(i)]), 0.0f,
                         std::cos(theta[static_cast<std::size_t>(i)]));
      ray.tFar = 300.0f;
      // The last crossing outward: the lips' outside, not the mouth's inside.
      for (RayHit hit = holder.intersect(ray); hit.hit(); hit = holder.intersect(ray)) {
        held[at] = hit.t;
        ray.tNear = hit.t + 0.01f;
      }
    }
  }
  // Fill misses from the row's neighbours.
  for (int k = 0; k <= rows; ++k) {
    float last = std::numeric_limits<float>::quiet_NaN();
    for (int pass = 0; pass < 2; ++pass) {
      for (int i = 0; i < columnCount; ++i) {
        float& r = held[index(pass == 0 ? i : columnCount - 1 - i, k)];
        if (std::isnan(r)) {
          r = last;
        } else {
          last = r;
        }
      }
    }
  }
  // Cloth drawn taut: at each point, the highest of what holds it out less a fall with the
  // distance to it, so the sheet spans hollows (beside the nose, under the chin).
  std::vector<float> radius(held.size(), 0.0f);
  for (int i = 0; i < columnCount; ++i) {
    for (int k = 0; k <= rows; ++k) {
      const std::size_t at = index(i, k);
      float best = std::isnan(held[at]) ? 0.0f : held[at];
      for (int di = -12; di <= 12; ++di) {
        int j = i + di;
        if (scarf) {
          j = (j + columnCount) % columnCount;
        } else if (j < 0 || j >= columnCount) {
          continue;
        }
        for (int dk = -10; dk <= 10; ++dk) {
          const int l = k + dk;
          if (l < 0 || l > rows) {
            continue;
          }
          const float r = held[index(j, l)];
          if (std::isnan(r)) {
            continue;
          }
          const float arc = 0.5f * (r + best) * std::abs(static_cast<float>(di)) *
                            (scarf ? 2.0f * kPi / columns : 2.0f * outline.halfAngle / columns);
          const float dy = y[index(j, l)] - y[at];
          best = std::max(best, r - outline.slope * std::sqrt(arc * arc + dy * dy));
        }
      }
      radius[at] = best;
    }
  }

  // The sheet: offset from what holds it, with the style's pleats, seam or folds.
  SurfaceMesh sheet;
  sheet.name = "facewear";
  sheet.material = SurfaceMaterial::Cloth;
  sheet.knit = style.knit;
  sheet.baseColor = style.kind == FacewearKind::SurgicalMask ? V3(0.36f, 0.56f, 0.68f) : colour;
  const float phase1 = static_cast<float>(seed % 997) * 0.01f;
  const float phase2 = static_cast<float>((seed >> 10) % 991) * 0.01f;
  std::vector<V3> axis(y.size());
  for (int k = 0; k <= rows; ++k) {
    const float s = static_cast<float>(k) / static_cast<float>(rows);
    for (int i = 0; i < columnCount; ++i) {
      const std::size_t at = index(i, k);
      const float t = theta[static_cast<std::size_t>(i)];
      const float a = std::abs(t) / outline.halfAngle;
      float r = radius[at] + outline.offset;
      switch (style.kind) {
        case FacewearKind::SurgicalMask:
          // Three pleats across the middle, each a step facing down.
          if (s > 0.22f && s < 0.85f) {
            const float pleat = (s - 0.22f) / 0.63f * 3.0f;
            r += 1.5f * (pleat - std::floor(pleat)) * (1.0f - smoothstep(0.85f, 1.0f, a));
          }
          break;
        case FacewearKind::ClothMask:
          r += 1.0f * std::exp(-std::pow(t * radius[at] / 2.0f, 2.0f));  // the seam
          break;
        case FacewearKind::Scarf:
          r += 2.0f * std::sin(7.0f * t + 0.12f * y[at] + phase1) +
               0.8f * std::sin(13.0f * t - 0.25f * y[at] + phase2) + 10.0f * s * s;
          break;
      }
      axis[at] = V3(mid.x(), y[at], axisZ);
      sheet.positions.push_back(axis[at] + r * V3(std::sin(t), 0.0f, std::cos(t)));
    }
  }
  for (int k = 0; k < rows; ++k) {
    for (int i = 0; i < columns; ++i) {
      const int i1 = scarf ? (i + 1) % columnCount : i + 1;
      const int a = static_cast<int>(index(i, k));
      const int b = static_cast<int>(index(i1, k));
      const int c = static_cast<int>(index(i1, k + 1));
      const int d = static_cast<int>(index(i, k + 1));
      const V3 outward =
          sheet.positions[static_cast<std::size_t>(a)] - axis[static_cast<std::size_t>(a)];
      addFacing(sheet, a, b, c, outward, LabelClass::Facewear);
      addFacing(sheet, a, c, d, outward, LabelClass::Facewear);
    }
  }

  // Hemmed edges: a rolled border round a mask, the scarf's top and bottom edges.
  auto hem = [&](std::vector<int> loop, bool closed, float size) {
    std::vector<V3> path;
    for (const int v : loop) {
      path.push_back(sheet.positions[static_cast<std::size_t>(v)]);
    }
    std::vector<SweepStation> stations = sweepStations(path, V3::UnitY());
    for (std::size_t n = 0; n < stations.size(); ++n) {
      const V3 out = (path[n] - axis[static_cast<std::size_t>(loop[n])]).normalized();
      const V3 tangent = stations[n].up.cross(stations[n].across);
      V3 across = out - tangent * tangent.dot(out);
      if (across.norm() > 1e-6f) {
        stations[n].across = across.normalized();
        stations[n].up = tangent.cross(stations[n].across).normalized();
      }
    }
    sweepProfile(sheet, stations, superellipse(size, size, 2.0f, 8), closed, LabelClass::Facewear);
  };
  if (scarf) {
    for (const int k : {0, rows}) {
      std::vector<int> loop;
      for (int i = 0; i < columnCount; ++i) {
        loop.push_back(static_cast<int>(index(i, k)));
      }
      hem(loop, true, 2.5f);
    }
  } else {
    std::vector<int> loop;
    for (int i = 0; i < columnCount; ++i) {
      loop.push_back(static_cast<int>(index(i, 0)));
    }
    for (int k = 1; k <= rows; ++k) {
      loop.push_back(static_cast<int>(index(columns, k)));
    }
    for (int i = columns - 1; i >= 0; --i) {
      loop.push_back(static_cast<int>(index(i, rows)));
    }
    for (int k = rows - 1; k > 0; --k) {
      loop.push_back(static_cast<int>(index(0, k)));
    }
    hem(loop, true, style.kind == FacewearKind::SurgicalMask ? 0.8f : 1.2f);
  }

  // Ear loops: from the mask's top corner over the ear's root, down behind the ear, under
  // the lobe and back to the bottom corner, close to the side of the head.
  SurfaceMesh loops;
  loops.name = "facewear_loops";
  loops.material = SurfaceMaterial::Cloth;
  loops.knit = false;
  loops.baseColor = style.kind == FacewearKind::SurgicalMask ? V3(0.72f, 0.72f, 0.7f) : colour;
  if (!scarf) {
    for (int side = 0; side < 2; ++side) {
      // Column 0 is at -halfAngle: toward -x.
      const int edge = (head.sideSign(side) < 0.0f) ? 0 : columns;
      const V3 topCorner = sheet.positions[index(edge, 2)];
      const V3 bottomCorner = sheet.positions[index(edge, rows - 2)];
      const V3 root = head.earRoot(side);
      const V3 lobe = head.earLobe(side);
      const std::array<V3, 5> knots = {topCorner, root + V3(0.0f, 4.0f, 3.0f),
                                       root + V3(0.0f, -10.0f, -13.0f),
                                       lobe + V3(0.0f, -4.0f, -3.0f), bottomCorner};
      std::vector<V3> path;
      constexpr int kPerSpan = 12;
      for (int span = 0; span < 4; ++span) {
        const V3& p0 = knots[static_cast<std::size_t>(std::max(0, span - 1))];
        const V3& p1 = knots[static_cast<std::size_t>(span)];
        const V3& p2 = knots[static_cast<std::size_t>(span + 1)];
        const V3& p3 = knots[static_cast<std::size_t>(std::min(4, span + 2))];
        for (int n = 0; n < kPerSpan + (span == 3 ? 1 : 0); ++n) {
          const float t = static_cast<float>(n) / kPerSpan;
          // Catmull-Rom through the knots.
          const V3 p = 0.5f * ((2.0f * p1) + (-p0 + p2) * t +
                               (2.0f * p0 - 5.0f * p1 + 4.0f * p2 - p3) * t * t +
                               (-p0 + 3.0f * p1 - 3.0f * p2 + p3) * t * t * t);
          path.push_back(p);
        }
      }
      // Close to the head between the corners, the straight course near them.
      for (std::size_t n = 0; n < path.size(); ++n) {
        const float t = static_cast<float>(n) / static_cast<float>(path.size() - 1);
        const float hug = smoothstep(0.0f, 0.2f, t) * smoothstep(1.0f, 0.8f, t);
        if (const std::optional<float> sideOfHead =
                head.sideOfHead(side, path[n].y(), path[n].z())) {
          const float straight = std::abs(path[n].x() - mid.x());
          const float lateral = straight + hug * (*sideOfHead + 1.2f - straight);
          path[n].x() = mid.x() + head.sideSign(side) * std::max(lateral, *sideOfHead + 1.0f);
        }
      }
      const std::vector<Eigen::Vector2f> band = style.kind == FacewearKind::SurgicalMask
                                                    ? superellipse(0.6f, 0.6f, 2.0f, 8)
                                                    : superellipse(1.6f, 0.6f, 4.0f, 10);
      sweepProfile(loops, sweepStations(path, V3(head.sideSign(side), 0.0f, 0.0f)), band, false,
                   LabelClass::Facewear);
    }
  }

  // Bound to the skin, so the covering follows the jaw and the head.
  std::vector<SurfaceMesh> out;
  for (SurfaceMesh* mesh : {&sheet, &loops}) {
    if (mesh->triangles.empty()) {
      continue;
    }
    const SurfaceBinding binding = SurfaceBinding::create(mesh->positions, shaped, skin.triangles);
    mesh->restPositions = mesh->positions;
    mesh->positions = binding.place(skin.positions);
    keepOutside(mesh->positions, skin.positions, skin.triangles, 0.5f, 20.0f);
    computeNormals(*mesh);
    out.push_back(std::move(*mesh));
  }
  return out;
}

}  // namespace sf
