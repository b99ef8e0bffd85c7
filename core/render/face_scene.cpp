#include "render/face_scene.h"

#include "assets/builtin_catalog.h"
#include "assets/eyewear.h"
#include "assets/facewear.h"
#include "assets/garment.h"
#include "assets/hair_groom.h"
#include "assets/skin_material.h"
#include "face/head_pose.h"
#include "math/counter_rng.h"
#include "math/scalar.h"
#include "random/asset_catalog.h"
#include "render/embree_accel.h"
#include "render/image.h"
#include "render/skin_texture.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <span>

namespace sf {

namespace {

constexpr float kPi = 3.14159265358979f;

float radians(float degrees) {
  return degrees * kPi / 180.0f;
}

/// A parameter as a number, or `fallback` when the scene lacks it or holds no number
/// (scenes recorded by older versions).
float numberOr(const ResolvedScene& scene, const std::string& path, float fallback) {
  const auto it = scene.parameters.find(path);
  if (it == scene.parameters.end() || !isNumeric(it->second)) {
    return fallback;
  }
  return static_cast<float>(numericValue(it->second));
}

std::string textOr(const ResolvedScene& scene, const std::string& path,
                   const std::string& fallback) {
  const auto it = scene.parameters.find(path);
  if (it == scene.parameters.end() || !std::holds_alternative<std::string>(it->second)) {
    return fallback;
  }
  return std::get<std::string>(it->second);
}

Eigen::Vector3f lerp(const Eigen::Vector3f& a, const Eigen::Vector3f& b, float t) {
  return a + t * (b - a);
}

/// Interpolates a table of colours evenly spaced over [0, 1], in log space (pigments
/// multiply).
Eigen::Vector3f logTable(std::span<const Eigen::Vector3f> table, float t) {
  t = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(table.size() - 1);
  const std::size_t i = std::min(static_cast<std::size_t>(t), table.size() - 2);
  const float f = t - static_cast<float>(i);
  Eigen::Vector3f out;
  for (int c = 0; c < 3; ++c) {
    out[c] = std::exp((1.0f - f) * std::log(table[i][c]) + f * std::log(table[i + 1][c]));
  }
  return out;
}

/// Triangulates one posed part into a surface mesh with smooth normals and labels.
SurfaceMesh makeSurface(const FacePart& part, const PolyMesh& mesh, const PolyMesh* rest,
                        const std::vector<int>& parents) {
  SurfaceMesh out;
  out.name = part.name;
  out.positions = mesh.positions;
  if (rest && rest->positions.size() == mesh.positions.size()) {
    out.restPositions = rest->positions;
  }
  const bool haveUvs = !mesh.uvs.empty() && mesh.uvIndices.size() == mesh.faceIndices.size();
  out.normals.assign(mesh.positions.size(), Eigen::Vector3f::Zero());
  std::vector<float> lipCount(mesh.positions.size(), 0.0f);
  std::vector<float> browCount(mesh.positions.size(), 0.0f);
  std::vector<float> faceCount(mesh.positions.size(), 0.0f);
  int offset = 0;
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
    const LabelClass label =
        part.faceClass[static_cast<std::size_t>(parents[static_cast<std::size_t>(f)])];
    const bool lip = label == LabelClass::TopLip || label == LabelClass::BottomLip;
    const bool brow = label == LabelClass::RightBrow || label == LabelClass::LeftBrow;
    for (int k = 0; k < size; ++k) {
      const auto v =
          static_cast<std::size_t>(mesh.faceIndices[static_cast<std::size_t>(offset + k)]);
      faceCount[v] += 1.0f;
      lipCount[v] += lip ? 1.0f : 0.0f;
      browCount[v] += brow ? 1.0f : 0.0f;
    }
    // A fan of triangles from the first corner.
    for (int k = 1; k + 1 < size; ++k) {
      const std::array<int, 3> corners = {offset, offset + k, offset + k + 1};
      std::array<int, 3> tri{};
      std::array<Eigen::Vector2f, 3> uv{};
      for (int c = 0; c < 3; ++c) {
        tri[static_cast<std::size_t>(c)] =
            mesh.faceIndices[static_cast<std::size_t>(corners[static_cast<std::size_t>(c)])];
        if (haveUvs) {
          uv[static_cast<std::size_t>(c)] = mesh.uvs[static_cast<std::size_t>(
              mesh.uvIndices[static_cast<std::size_t>(corners[static_cast<std::size_t>(c)])])];
        }
      }
      const Eigen::Vector3f& a = mesh.positions[static_cast<std::size_t>(tri[0])];
      const Eigen::Vector3f& b = mesh.positions[static_cast<std::size_t>(tri[1])];
      const Eigen::Vector3f& c = mesh.positions[static_cast<std::size_t>(tri[2])];
      const Eigen::Vector3f areaNormal = (b - a).cross(c - a);  // length: twice the area
      for (int i : tri) {
        out.normals[static_cast<std::size_t>(i)] += areaNormal;
      }
      out.triangles.push_back(tri);
      out.triangleClass.push_back(label);
      out.triangleGrowth.push_back(
          part.faceGrowth.empty()
              ? std::uint8_t{0}
              : part.faceGrowth[static_cast<std::size_t>(parents[static_cast<std::size_t>(f)])]);
      if (haveUvs) {
        out.cornerUvs.push_back(uv);
      }
    }
    offset += size;
  }
  for (Eigen::Vector3f& n : out.normals) {
    const float length = n.norm();
    n = length > 0.0f ? Eigen::Vector3f(n / length) : Eigen::Vector3f::UnitZ();
  }
  if (part.material == PartMaterial::Skin) {
    out.lipWeight.resize(mesh.positions.size());
    out.browWeight.resize(mesh.positions.size());
    for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
      out.lipWeight[v] = faceCount[v] > 0.0f ? lipCount[v] / faceCount[v] : 0.0f;
      out.browWeight[v] = faceCount[v] > 0.0f ? browCount[v] / faceCount[v] : 0.0f;
    }
  }
  return out;
}

/// Paints brows of `style` onto the skin from the brow landmarks of the template: a band
/// along each brow's polyline (raised by the style's arch, reaching in by its bridge, its
/// tail cut short as it says), widest at the inner end. Sets SurfaceMesh::browWeight and
/// labels the triangles the brows cover as the brow of their side, and those they do not
/// as skin.
void paintBrows(SurfaceMesh& skin, const std::vector<Eigen::Vector3f>& restLandmarks,
                const BrowStyle& style) {
  if (skin.restPositions.empty() || restLandmarks.size() < 27) {
    return;
  }
  skin.browWeight.assign(skin.positions.size(), 0.0f);
  std::vector<int> side(skin.positions.size(), -1);
  const float front = 0.5f * (restLandmarks[19].z() + restLandmarks[24].z()) - 25.0f;
  const float midX = 0.5f * (restLandmarks[21].x() + restLandmarks[22].x());
  for (int s = 0; s < 2; ++s) {
    // Outer to inner: right 17..21, left 26..22; then on toward the midline.
    std::vector<Eigen::Vector2f> line;
    for (int i = 0; i < 5; ++i) {
      const Eigen::Vector3f& p = restLandmarks[static_cast<std::size_t>(s == 0 ? 17 + i : 26 - i)];
      const float along = static_cast<float>(i) / 4.0f;
      const float peak = along <= 0.35f ? along / 0.35f : 1.0f - (along - 0.35f) / 0.65f;
      line.emplace_back(p.x(), p.y() - 1.2f + style.arch * peak);
    }
    if (style.bridge > 0.0f) {
      const Eigen::Vector2f inner = line.back();
      const float reach = std::min(style.bridge, std::abs(midX - inner.x()) + 1.0f);
      line.emplace_back(inner.x() + std::copysign(reach, midX - inner.x()), inner.y() - 0.5f);
    }
    for (std::size_t v = 0; v < skin.positions.size(); ++v) {
      const Eigen::Vector3f& r = skin.restPositions[v];
      if (r.z() < front) {
        continue;
      }
      const Eigen::Vector2f q(r.x(), r.y());
      float best = 1e9f;
      float along = 0.0f;
      for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        const Eigen::Vector2f a = line[i];
        const Eigen::Vector2f b = line[i + 1];
        const float t =
            std::clamp((q - a).dot(b - a) / std::max((b - a).squaredNorm(), 1e-6f), 0.0f, 1.0f);
        const float d = (a + t * (b - a) - q).norm();
        if (d < best) {
          best = d;
          along = (static_cast<float>(i) + t) / 4.0f;
        }
      }
      // Beyond the inner landmark (along > 1) the bridge thins toward the midline.
      const float halfHeight =
          along <= 1.0f ? style.outerHalfHeight + (style.innerHalfHeight - style.outerHalfHeight) *
                                                      std::pow(along, 1.5f)
                        : style.innerHalfHeight * (1.0f - 1.6f * (along - 1.0f));
      const float t =
          std::clamp((best - 0.6f * halfHeight) / (0.8f * std::max(halfHeight, 0.3f)), 0.0f, 1.0f);
      float weight = 1.0f - t * t * (3.0f - 2.0f * t);
      if (style.tailCut > 0.0f) {
        weight *= smoothstep(style.tailCut - 0.04f, style.tailCut + 0.04f, along);
      }
      if (weight > skin.browWeight[v]) {
        skin.browWeight[v] = weight;
        side[v] = s;
      }
    }
  }
  for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
    const LabelClass c = skin.triangleClass[t];
    const bool brow = c == LabelClass::RightBrow || c == LabelClass::LeftBrow;
    if (c != LabelClass::Skin && !brow) {
      continue;
    }
    float weight = 0.0f;
    int right = 0;
    for (int corner : skin.triangles[t]) {
      weight += skin.browWeight[static_cast<std::size_t>(corner)] / 3.0f;
      right += side[static_cast<std::size_t>(corner)] == 0 ? 1 : 0;
    }
    if (weight > 0.5f) {
      skin.triangleClass[t] = right >= 2 ? LabelClass::RightBrow : LabelClass::LeftBrow;
    } else if (brow) {
      skin.triangleClass[t] = LabelClass::Skin;
    }
  }
}

/// A closed Catmull-Rom curve through `points`, `perSegment` samples per segment.
std::vector<Eigen::Vector2f> closedSpline(std::span<const Eigen::Vector2f> points, int perSegment) {
  std::vector<Eigen::Vector2f> out;
  const std::size_t n = points.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector2f& p0 = points[(i + n - 1) % n];
    const Eigen::Vector2f& p1 = points[i];
    const Eigen::Vector2f& p2 = points[(i + 1) % n];
    const Eigen::Vector2f& p3 = points[(i + 2) % n];
    for (int k = 0; k < perSegment; ++k) {
      const float t = static_cast<float>(k) / static_cast<float>(perSegment);
      const float t2 = t * t;
      const float t3 = t2 * t;
      out.push_back(0.5f *
                    (2.0f * p1 + (p2 - p0) * t + (2.0f * p0 - 5.0f * p1 + 4.0f * p2 - p3) * t2 +
                     (3.0f * p1 - p0 - 3.0f * p2 + p3) * t3));
    }
  }
  return out;
}

/// Signed distance from `q` to a closed polygon: negative inside.
float polygonDistance(std::span<const Eigen::Vector2f> polygon, const Eigen::Vector2f& q) {
  float best = std::numeric_limits<float>::max();
  bool inside = false;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const Eigen::Vector2f& a = polygon[j];
    const Eigen::Vector2f& b = polygon[i];
    const Eigen::Vector2f ab = b - a;
    const float t = std::clamp((q - a).dot(ab) / std::max(ab.squaredNorm(), 1e-9f), 0.0f, 1.0f);
    best = std::min(best, (a + t * ab - q).squaredNorm());
    if ((a.y() > q.y()) != (b.y() > q.y()) &&
        q.x() < a.x() + (q.y() - a.y()) / (b.y() - a.y()) * ab.x()) {
      inside = !inside;
    }
  }
  return inside ? -std::sqrt(best) : std::sqrt(best);
}

/// The mouth's line seen from the front: midway between the inner lip contours, corner to
/// corner (landmarks 60..67).
class MouthLine {
public:
  explicit MouthLine(const std::vector<Eigen::Vector3f>& landmarks) {
    m_points[0] = Eigen::Vector2f(landmarks[60].x(), landmarks[60].y());
    m_points[4] = Eigen::Vector2f(landmarks[64].x(), landmarks[64].y());
    for (int i = 1; i < 4; ++i) {
      const Eigen::Vector3f mid = 0.5f * (landmarks[static_cast<std::size_t>(60 + i)] +
                                          landmarks[static_cast<std::size_t>(68 - i)]);
      m_points[static_cast<std::size_t>(i)] = Eigen::Vector2f(mid.x(), mid.y());
    }
  }

  /// The line's height at x, level beyond the corners.
  float y(float x) const {
    if (x <= m_points[0].x()) {
      return m_points[0].y();
    }
    for (std::size_t i = 0; i + 1 < m_points.size(); ++i) {
      if (x <= m_points[i + 1].x()) {
        const float t =
            (x - m_points[i].x()) / std::max(m_points[i + 1].x() - m_points[i].x(), 1e-6f);
        return m_points[i].y() + t * (m_points[i + 1].y() - m_points[i].y());
      }
    }
    return m_points.back().y();
  }

  float left() const { return m_points.front().x(); }
  float right() const { return m_points.back().x(); }

private:
  std::array<Eigen::Vector2f, 5> m_points;
};

/// Paints the vermilion of the lips onto the skin from the lip landmarks of the face in
/// this identity without expression (`shaped`: per vertex positions and the 70
/// landmarks): inside the smooth outline through the outer lip points 48-59, seen from the
/// front, with a border 0.8 mm soft. Replaces the per-face lip weight in front
/// of the mouth (the mouth's pocket keeps its own) and relabels the skin and lip triangles
/// there to match, top or bottom by the mouth's line, so that the segmentation's lips are
/// the red ones.
void paintLips(SurfaceMesh& skin, const std::vector<Eigen::Vector3f>& shaped,
               const std::vector<Eigen::Vector3f>& landmarks) {
  if (shaped.size() != skin.positions.size() || landmarks.size() < 68 ||
      skin.lipWeight.size() != skin.positions.size()) {
    return;
  }
  std::array<Eigen::Vector2f, 12> outer;
  float minX = 1e9f, maxX = -1e9f, minY = 1e9f, maxY = -1e9f;
  for (int i = 0; i < 12; ++i) {
    const Eigen::Vector3f& p = landmarks[static_cast<std::size_t>(48 + i)];
    outer[static_cast<std::size_t>(i)] = Eigen::Vector2f(p.x(), p.y());
    minX = std::min(minX, p.x());
    maxX = std::max(maxX, p.x());
    minY = std::min(minY, p.y());
    maxY = std::max(maxY, p.y());
  }
  const std::vector<Eigen::Vector2f> outline = closedSpline(outer, 8);
  const MouthLine mouthLine(landmarks);
  // In front of the mouth: the lips' surface, not the pocket behind the slit.
  const float front = std::min(landmarks[48].z(), landmarks[54].z()) - 3.0f;
  constexpr float kSoft = 0.8f;
  std::vector<char> painted(skin.positions.size(), 0);
  for (std::size_t v = 0; v < shaped.size(); ++v) {
    const Eigen::Vector3f& p = shaped[v];
    if (p.z() < front || p.x() < minX - 3.0f || p.x() > maxX + 3.0f || p.y() < minY - 3.0f ||
        p.y() > maxY + 3.0f) {
      if (p.z() >= front && skin.lipWeight[v] > 0.0f && std::abs(p.x()) < maxX + 12.0f &&
          p.y() > minY - 12.0f && p.y() < maxY + 12.0f) {
        skin.lipWeight[v] = 0.0f;  // a blocky face-label lip outside the outline
        painted[v] = 1;
      }
      continue;
    }
    const float d = polygonDistance(outline, Eigen::Vector2f(p.x(), p.y()));
    const float t = std::clamp((d + kSoft) / (2.0f * kSoft), 0.0f, 1.0f);
    skin.lipWeight[v] = 1.0f - t * t * (3.0f - 2.0f * t);
    painted[v] = 1;
  }
  for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
    LabelClass& label = skin.triangleClass[t];
    if (label != LabelClass::Skin && label != LabelClass::TopLip &&
        label != LabelClass::BottomLip) {
      continue;
    }
    float weight = 0.0f;
    Eigen::Vector3f centre = Eigen::Vector3f::Zero();
    bool all = true;
    for (int corner : skin.triangles[t]) {
      const auto c = static_cast<std::size_t>(corner);
      weight += skin.lipWeight[c] / 3.0f;
      centre += shaped[c] / 3.0f;
      all = all && painted[c];
    }
    if (!all) {
      continue;
    }
    label = weight <= 0.5f                          ? LabelClass::Skin
            : centre.y() >= mouthLine.y(centre.x()) ? LabelClass::TopLip
                                                    : LabelClass::BottomLip;
  }
}

/// Paints the colour regions of a face onto the skin (SurfaceMesh::tint), from the face's
/// own landmarks in this identity without expression (`shaped`), so they sit where this
/// face's cheeks, nose and eyes are: blood flushes the cheeks and the nose's tip and wings,
/// thin skin darkens the lids and the hollows under the eyes, the skin round the mouth is a
/// little darker, the lashes' roots draw a dark line along the lids' margins, and the lips
/// are darker and redder where they meet. `flush` (0..1)
/// scales the blood, `tone` (0 light .. 1 dark) the pigment.
void paintRegions(SurfaceMesh& skin, const std::vector<Eigen::Vector3f>& shaped,
                  const std::vector<Eigen::Vector3f>& landmarks, float flush, float tone) {
  if (shaped.size() != skin.positions.size() || landmarks.size() < 70) {
    return;
  }
  using V3 = Eigen::Vector3f;
  struct Region {
    V3 centre;
    V3 radii;   ///< mm, along x, y, z
    V3 colour;  ///< the multiplier at the centre
  };
  const auto at = [&](int i) { return landmarks[static_cast<std::size_t>(i)]; };
  // Blood shows less through more melanin.
  const float blood = flush * (1.0f - 0.6f * std::clamp(tone, 0.0f, 1.0f));
  const V3 red(1.0f, 1.0f - 0.22f * blood, 1.0f - 0.18f * blood);
  std::vector<Region> regions;
  for (int side = 0; side < 2; ++side) {
    const V3 pupil = at(68 + side);
    const V3 wing = at(side == 0 ? 31 : 35);
    const V3 lowerLid = 0.5f * (at(side == 0 ? 40 : 46) + at(side == 0 ? 41 : 47));
    const V3 upperLid = 0.5f * (at(side == 0 ? 37 : 43) + at(side == 0 ? 38 : 44));
    const float sx = side == 0 ? -1.0f : 1.0f;
    // The cheek's flush: below the outer half of the eye, beside the nose's wing.
    regions.push_back(
        {V3(pupil.x() + sx * 6.0f, 0.45f * lowerLid.y() + 0.55f * wing.y(), wing.z() - 6.0f),
         V3(17.0f, 13.0f, 25.0f), red});
    // The nose's wing.
    regions.push_back(
        {wing, V3(6.0f, 6.0f, 10.0f), V3(1.0f, 1.0f - 0.16f * blood, 1.0f - 0.12f * blood)});
    // Under the eye: thin skin over the orbit's veins, darker and a little violet.
    regions.push_back(
        {lowerLid + V3(0.0f, -4.5f, -2.0f), V3(13.0f, 5.0f, 12.0f), V3(0.9f, 0.86f, 0.9f)});
    // The upper lid, and its crease: darker, a little pink.
    regions.push_back(
        {upperLid + V3(0.0f, 3.0f, -2.0f), V3(14.0f, 5.0f, 12.0f), V3(0.92f, 0.86f, 0.86f)});
  }
  // The nose's tip, and the skin round the mouth.
  regions.push_back(
      {at(30), V3(8.0f, 8.0f, 12.0f), V3(1.0f, 1.0f - 0.15f * blood, 1.0f - 0.12f * blood)});
  const V3 mouth = 0.5f * (at(62) + at(66));
  regions.push_back({mouth + V3(0.0f, 0.0f, -4.0f), V3(30.0f, 22.0f, 25.0f),
                     V3(0.95f - 0.03f * tone, 0.93f - 0.03f * tone, 0.94f - 0.03f * tone)});
  // The chin is a little redder where it meets the jaw's bone.
  regions.push_back({at(8) + V3(0.0f, 8.0f, 0.0f), V3(14.0f, 9.0f, 14.0f),
                     V3(1.0f, 1.0f - 0.08f * blood, 1.0f - 0.06f * blood)});
  skin.tint.assign(skin.positions.size(), V3::Ones());
  for (std::size_t v = 0; v < shaped.size(); ++v) {
    V3 tint = V3::Ones();
    for (const Region& region : regions) {
      const float r2 = (shaped[v] - region.centre).cwiseQuotient(region.radii).squaredNorm();
      if (r2 < 9.0f) {
        // Pigments multiply: blend in log space by a Gaussian falloff.
        const float w = std::exp(-r2);
        for (int c = 0; c < 3; ++c) {
          tint[c] *= std::pow(region.colour[c], w);
        }
      }
    }
    skin.tint[v] = tint;
  }

  // Where the lips meet: the moist inner vermilion, darker and redder, shading into the
  // slit between them (and the pocket behind it), fading out past the corners.
  const MouthLine mouthLine(landmarks);
  const float mouthCentre = 0.5f * (mouthLine.left() + mouthLine.right());
  const float mouthHalf = std::max(0.5f * (mouthLine.right() - mouthLine.left()), 1.0f);
  const float lipsFront = std::min(at(48).z(), at(54).z()) - 12.0f;
  const V3 wet(0.62f, 0.5f, 0.52f);
  for (std::size_t v = 0; v < shaped.size(); ++v) {
    const V3& p = shaped[v];
    const float across = std::abs(p.x() - mouthCentre) / mouthHalf;
    if (p.z() < lipsFront || across > 1.2f) {
      continue;
    }
    const float w = (1.0f - smoothstep(0.85f, 1.15f, across)) *
                    std::exp(-std::pow((p.y() - mouthLine.y(p.x())) / 1.1f, 2.0f));
    for (int c = 0; c < 3; ++c) {
      skin.tint[v][c] *= std::pow(wet[c], w);
    }
  }

  // The lash line: the roots of the lashes darken the upper lid's margin, most toward the
  // outer corner where the lashes are densest; the lower lid's sparse lashes a little.
  for (int side = 0; side < 2; ++side) {
    const int first = side == 0 ? 36 : 42;
    std::array<Eigen::Vector2f, 6> lid;  // upper 0..3 corner to corner, lower 4..5
    for (int i = 0; i < 6; ++i) {
      const V3 p = at(first + i);
      lid[static_cast<std::size_t>(i)] = Eigen::Vector2f(p.x(), p.y());
    }
    const float outerX = lid[side == 0 ? 0 : 3].x();
    const float innerX = lid[side == 0 ? 3 : 0].x();
    const float front = std::min(at(first).z(), at(first + 3).z()) - 6.0f;
    for (std::size_t v = 0; v < shaped.size(); ++v) {
      const V3& p = shaped[v];
      if (p.z() < front) {
        continue;
      }
      const Eigen::Vector2f q(p.x(), p.y());
      auto nearest = [&](std::initializer_list<int> chain, float& along) {
        float best = 1e9f;
        int previous = -1;
        for (int i : chain) {
          if (previous >= 0) {
            const Eigen::Vector2f a = lid[static_cast<std::size_t>(previous)];
            const Eigen::Vector2f b = lid[static_cast<std::size_t>(i)];
            const float t =
                std::clamp((q - a).dot(b - a) / std::max((b - a).squaredNorm(), 1e-6f), 0.0f, 1.0f);
            const Eigen::Vector2f c = a + t * (b - a);
            const float d = (c - q).norm();
            if (d < best) {
              best = d;
              along = std::clamp((c.x() - innerX) / (outerX - innerX), 0.0f, 1.0f);
              // Only the lid's side of the margin: above the upper, below the lower.
              if ((chain.size() == 4) != (q.y() >= c.y() - 0.2f)) {
                best = 1e9f;
              }
            }
          }
          previous = i;
        }
        return best;
      };
      float along = 0.0f;
      const float upper = nearest({0, 1, 2, 3}, along);
      if (upper < 3.0f) {
        const float w = (0.55f + 0.45f * along) * std::exp(-std::pow(upper / 0.9f, 2.0f));
        skin.tint[v] = skin.tint[v].cwiseProduct(
            V3(std::pow(0.3f, w), std::pow(0.28f, w), std::pow(0.28f, w)));
        continue;
      }
      const float lower = nearest({3, 4, 5, 0}, along);
      if (lower < 2.0f) {
        const float w = (0.2f + 0.8f * along) * std::exp(-std::pow(lower / 0.5f, 2.0f));
        skin.tint[v] = skin.tint[v].cwiseProduct(V3::Constant(std::pow(0.82f, w)));
      }
    }
  }
}

SurfaceMaterial surfaceMaterial(PartMaterial material) {
  switch (material) {
    case PartMaterial::Skin: return SurfaceMaterial::Skin;
    case PartMaterial::Sclera: return SurfaceMaterial::Sclera;
    case PartMaterial::Cornea: return SurfaceMaterial::Cornea;
    case PartMaterial::TearLine: return SurfaceMaterial::TearFilm;
    case PartMaterial::Caruncle: return SurfaceMaterial::Caruncle;
    case PartMaterial::Teeth: return SurfaceMaterial::Teeth;
    case PartMaterial::Tongue: return SurfaceMaterial::Tongue;
    case PartMaterial::MouthCavity: return SurfaceMaterial::MouthCavity;
  }
  return SurfaceMaterial::Skin;
}

}  // namespace

Eigen::Vector3f skinAlbedo(float tone, float redness, float undertone) {
  // Diffuse albedos of skin from the lightest to the darkest, as measured reflectances of
  // the Fitzpatrick types fall; interpolated in log space, as melanin absorbs.
  static const Eigen::Vector3f table[] = {
      {0.78f, 0.57f, 0.47f}, {0.66f, 0.45f, 0.35f},  {0.52f, 0.33f, 0.23f},
      {0.36f, 0.21f, 0.13f}, {0.20f, 0.11f, 0.068f}, {0.095f, 0.055f, 0.038f},
  };
  Eigen::Vector3f albedo = logTable(table, tone);
  // Haemoglobin absorbs green and blue: more of it is a redder, slightly darker skin.
  const float r = std::clamp(redness, 0.0f, 1.0f) - 0.5f;
  albedo =
      albedo.cwiseProduct(Eigen::Vector3f(1.0f + 0.04f * r, 1.0f - 0.18f * r, 1.0f - 0.12f * r));
  // Undertone: olive skin has more carotene and less blood showing (yellower), pink skin
  // the reverse.
  const float u = std::clamp(undertone, -1.0f, 1.0f);
  albedo =
      albedo.cwiseProduct(Eigen::Vector3f(1.0f - 0.03f * u, 1.0f + 0.03f * u, 1.0f - 0.08f * u));
  return albedo;
}

Eigen::Vector3f lipAlbedo(const Eigen::Vector3f& skin, float tone) {
  const float deep = smoothstep(0.35f, 0.9f, tone);
  return skin.cwiseProduct(
      lerp(Eigen::Vector3f(0.86f, 0.58f, 0.62f), Eigen::Vector3f(0.8f, 0.66f, 0.74f), deep));
}

Eigen::Vector3f clothingAlbedo(float hue, float saturation, float lightness) {
  // HSL to sRGB, then to linear; kept off pure black and white (no dye is).
  const float h = std::fmod(std::fmod(hue, 360.0f) + 360.0f, 360.0f) / 60.0f;
  const float l = std::clamp(lightness, 0.0f, 1.0f);
  const float c = (1.0f - std::abs(2.0f * l - 1.0f)) * std::clamp(saturation, 0.0f, 1.0f);
  const float x = c * (1.0f - std::abs(std::fmod(h, 2.0f) - 1.0f));
  Eigen::Vector3f rgb;
  switch (static_cast<int>(h)) {
    case 0: rgb = {c, x, 0.0f}; break;
    case 1: rgb = {x, c, 0.0f}; break;
    case 2: rgb = {0.0f, c, x}; break;
    case 3: rgb = {0.0f, x, c}; break;
    case 4: rgb = {x, 0.0f, c}; break;
    default: rgb = {c, 0.0f, x}; break;
  }
  rgb += Eigen::Vector3f::Constant(l - 0.5f * c);
  Eigen::Vector3f linear;
  for (int i = 0; i < 3; ++i) {
    linear[i] = std::clamp(srgbToLinear(rgb[i]), 0.02f, 0.8f);
  }
  return linear;
}

Eigen::Vector3f hairAlbedo(float melanin, float redness) {
  // Eumelanin darkens every channel, most of all blue; pheomelanin keeps red.
  static const Eigen::Vector3f dark[] = {
      {0.62f, 0.48f, 0.30f},     // blond
      {0.30f, 0.19f, 0.10f},     // light brown
      {0.10f, 0.06f, 0.035f},    // dark brown
      {0.022f, 0.016f, 0.013f},  // black
  };
  Eigen::Vector3f albedo = logTable(dark, melanin);
  const float red = std::clamp(redness, 0.0f, 1.0f);
  const Eigen::Vector3f ginger = Eigen::Vector3f(0.55f, 0.20f, 0.07f) *
                                 (0.35f + 0.65f * (1.0f - std::clamp(melanin, 0.0f, 1.0f)));
  return lerp(albedo, ginger, 0.8f * red);
}

FaceScene FaceScene::create(const FaceModel& model, const FaceGeometry& geometry,
                            const ResolvedScene& resolved, int width, int height,
                            const AssetCatalog* assets) {
  FaceScene scene;

  // Pose: identity and expression from the scene, the head turned partly at the neck, the
  // eyes turned in the head.
  FaceState state = resolved.faceState(model);
  HeadPose pose;
  pose.yaw = numberOr(resolved, "head.yaw", 0.0f);
  pose.pitch = numberOr(resolved, "head.pitch", 0.0f);
  pose.roll = numberOr(resolved, "head.roll", 0.0f);
  pose.gazeYaw = numberOr(resolved, "gaze.yaw", 0.0f);
  pose.gazePitch = numberOr(resolved, "gaze.pitch", 0.0f);
  applyHeadPose(model, pose, state);
  const Eigen::Vector3f headPose(pose.yaw, pose.pitch, pose.roll);
  const Eigen::Vector3f gaze(pose.gazeYaw, pose.gazePitch, 0.0f);
  const int head = model.findJoint("head");
  const int eyeJoints[2] = {model.findJoint("eye_right"), model.findJoint("eye_left")};
  const PosedFace posed = geometry.pose(state);
  const PosedFace rest = geometry.pose(FaceState{});
  FaceState shapedState;  // this identity, no expression, no pose: where the lips are drawn
  shapedState.identity = state.identity;
  const PosedFace shaped = geometry.pose(shapedState);

  // The brows' and lashes' styles: the recipe's, else the defaults.
  const std::string browId = builtinAssetName(textOr(resolved, "brows.groom", ""), "brows");
  const BrowStyle* browStyle = browId.empty() ? &builtinBrows().front() : findBrow(browId);
  if (!browStyle) {
    throw Error("scene: no brows named '" + browId + "'");
  }
  const std::string lashId = builtinAssetName(textOr(resolved, "lashes.groom", ""), "lashes");
  const LashStyle* lashStyle = lashId.empty() ? &builtinLashes().front() : findLashes(lashId);
  if (!lashStyle) {
    throw Error("scene: no lashes named '" + lashId + "'");
  }

  // Surfaces.
  std::size_t paintedPart = model.parts.size();
  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    const FacePart& part = model.parts[p];
    SurfaceMesh mesh = makeSurface(part, posed.parts[p],
                                   part.material == PartMaterial::Skin ? &rest.parts[p] : nullptr,
                                   geometry.faceParents(static_cast<int>(p)));
    mesh.material = surfaceMaterial(part.material);
    if (mesh.material == SurfaceMaterial::Skin && part.name == "skin") {
      paintBrows(mesh, rest.landmarks, *browStyle);
      paintLips(mesh, shaped.parts[p].positions, shaped.landmarks);
      paintedPart = p;
    }
    mesh.occludes =
        mesh.material != SurfaceMaterial::Cornea && mesh.material != SurfaceMaterial::TearFilm;
    if (!mesh.triangles.empty()) {
      scene.meshes.push_back(std::move(mesh));
    }
  }
  scene.landmarks = posed.landmarks;
  scene.denseLandmarks = posed.denseLandmarks;
  if (head >= 0) {
    const Eigen::Affine3f& t = posed.skeleton.worldFromRest[static_cast<std::size_t>(head)];
    scene.worldFromHead.linear() = t.linear();
    scene.worldFromHead.translation() = posed.skeleton.positions[static_cast<std::size_t>(head)];
  }
  scene.headPoseDegrees = headPose;
  scene.gazeDegrees = gaze;
  for (int side = 0; side < 2; ++side) {
    const int joint = eyeJoints[side];
    if (joint >= 0) {
      const Eigen::Affine3f& t = posed.skeleton.worldFromRest[static_cast<std::size_t>(joint)];
      scene.eyeCentres[static_cast<std::size_t>(side)] =
          posed.skeleton.positions[static_cast<std::size_t>(joint)];
      scene.gazeDirections[static_cast<std::size_t>(side)] =
          (t.linear() * Eigen::Vector3f::UnitZ()).normalized();
    } else {
      scene.eyeCentres[static_cast<std::size_t>(side)] = Eigen::Vector3f::Zero();
      scene.gazeDirections[static_cast<std::size_t>(side)] = Eigen::Vector3f::UnitZ();
    }
  }

  // Framing: the face from chin to crown, centred between them, seen from the camera's
  // place on a sphere around it.
  if (scene.landmarks.size() < 70) {
    throw Error("scene: the model has " + std::to_string(scene.landmarks.size()) +
                " landmarks; rendering needs the 70 of labels.md");
  }
  const Eigen::Vector3f up = scene.worldFromHead.linear() * Eigen::Vector3f::UnitY();
  const Eigen::Vector3f eyes = 0.5f * (scene.landmarks[68] + scene.landmarks[69]);
  const Eigen::Vector3f chin = scene.landmarks[8];
  float crown = (chin - eyes).dot(up);
  const int skinPart = model.findPart("skin");
  if (skinPart >= 0) {
    for (const Eigen::Vector3f& v : posed.parts[static_cast<std::size_t>(skinPart)].positions) {
      crown = std::max(crown, (v - eyes).dot(up));
    }
  }
  const float chinHeight = (chin - eyes).dot(up);
  const float faceHeight = crown - chinHeight;
  const Eigen::Vector3f target = eyes + up * (0.5f * (crown + chinHeight));
  const float fov = numberOr(resolved, "camera.fov", 35.0f);
  float distance = numberOr(resolved, "camera.distance", 600.0f);
  if (textOr(resolved, "camera.framing", "faceSize") == "faceSize") {
    const float size = std::max(0.05f, numberOr(resolved, "camera.faceSize", 0.6f));
    distance = faceHeight / (size * 2.0f * std::tan(0.5f * radians(fov)));
  }
  const float yaw = radians(numberOr(resolved, "camera.yaw", 0.0f));
  const float pitch = radians(numberOr(resolved, "camera.pitch", 0.0f));
  const Eigen::Vector3f offset(std::cos(pitch) * std::sin(yaw), std::sin(pitch),
                               std::cos(pitch) * std::cos(yaw));
  scene.camera = Camera::lookAt(target + distance * offset, target, Eigen::Vector3f::UnitY(), fov,
                                width, height, numberOr(resolved, "camera.roll", 0.0f));
  // Depth of field: a full-frame camera's lens at this f-number, focused between the eyes.
  // The scene is at real scale, so the blur is that of a photograph of a real head.
  scene.camera.apertureRadius =
      scene.camera.apertureRadiusForFStop(numberOr(resolved, "camera.fStop", 0.0f));
  scene.camera.focusDistance =
      (eyes - scene.camera.position()).dot(scene.camera.worldFromCamera.linear().col(2));

  // Lighting.
  std::string environment = textOr(resolved, "environment.map", "");
  const AssetInfo* libraryEnvironment =
      assets != nullptr && !environment.empty() ? assets->find(environment) : nullptr;
  if (libraryEnvironment != nullptr && !libraryEnvironment->files.empty()) {
    scene.environment = libraryEnvironment->files.front();  // an image file: an HDRI
  } else {
    scene.environment =
        environment.empty() ? "studio_softbox" : builtinAssetName(environment, "environment");
  }
  scene.environmentRotation = numberOr(resolved, "environment.rotation", 0.0f);
  scene.environmentIntensity = numberOr(resolved, "environment.intensity", 1.0f);

  // Look. Per-identity details come from a stream of the identity, not the sample. A
  // built-in skin material sets the pigments and marks; without one (or with a library
  // skin), they are drawn for the identity.
  float tone = numberOr(resolved, "skin.tone", 0.3f);
  const CounterRng identityRng(resolved.seed,
                               streamOf("render.skin.identity") + resolved.identityIndex);
  const std::string skinId = textOr(resolved, "skin.material", "");
  const SkinMaterial* skinMaterial = findSkinMaterial(builtinAssetName(skinId, "skin"));
  if (skinMaterial == nullptr && skinId.rfind("builtin/skin/", 0) == 0) {
    throw Error("scene: no skin material named '" + skinId + "'");
  }
  if (skinMaterial == nullptr && !skinId.empty() && skinId != "none" && assets != nullptr) {
    const AssetInfo* librarySkin = assets->find(skinId);
    if (librarySkin == nullptr || librarySkin->kind != "skin") {
      throw Error("scene: no skin named '" + skinId + "' in the library");
    }
    scene.look.skinTextures = loadSkinTextures(librarySkin->id, librarySkin->files);
  }
  // The identity's age deepens the lines of any skin.
  const int ageMode = model.findIdentity("age");
  const float age = ageMode >= 0 && static_cast<std::size_t>(ageMode) < state.identity.size()
                        ? state.identity[static_cast<std::size_t>(ageMode)]
                        : 0.0f;
  float redness = 0.35f + 0.3f * identityRng.uniform(0);
  float undertone = 0.0f;
  float wrinkles = 0.0f;
  scene.look.skinRoughness = 0.3f + 0.1f * identityRng.uniform(1);
  scene.look.freckles = tone < 0.35f ? std::max(0.0f, identityRng.uniform(2) * 1.6f - 0.6f) : 0.0f;
  scene.look.moles = 0.3f * identityRng.uniform(5);
  if (skinMaterial != nullptr) {
    tone = skinMelanin(*skinMaterial, tone);
    // A person of a material varies a little about it.
    redness = skinMaterial->haemoglobin + 0.16f * (identityRng.uniform(0) - 0.5f);
    undertone = skinMaterial->undertone;
    wrinkles = skinMaterial->wrinkles;
    scene.look.skinRoughness = skinMaterial->roughness + 0.06f * (identityRng.uniform(1) - 0.5f);
    scene.look.freckles = skinMaterial->freckles * (0.6f + 0.8f * identityRng.uniform(2));
    scene.look.moles = skinMaterial->moles * (0.5f + identityRng.uniform(5));
    scene.look.pores = skinMaterial->pores;
  }
  scene.look.wrinkles = std::clamp(wrinkles + 0.3f * age, 0.0f, 1.0f);
  scene.look.skinAlbedo = skinAlbedo(tone, redness, undertone);
  scene.look.restLandmarks = rest.landmarks;
  scene.look.lipAlbedo = lipAlbedo(scene.look.skinAlbedo, tone);
  scene.look.browColor = hairAlbedo(numberOr(resolved, "brows.color.melanin", 0.6f),
                                    numberOr(resolved, "brows.color.redness", 0.1f));
  const float iris = numberOr(resolved, "eyes.iris.melanin", 0.6f);
  static const Eigen::Vector3f irisTable[] = {
      {0.10f, 0.20f, 0.33f},  {0.16f, 0.22f, 0.17f},   {0.22f, 0.14f, 0.06f},
      {0.09f, 0.045f, 0.02f}, {0.035f, 0.018f, 0.01f},
  };
  scene.look.irisColor = logTable(irisTable, iris);
  scene.look.detailSeed = identityRng.bits(3);

  // Hair of every kind grows on the skin.
  const auto skin = std::find_if(scene.meshes.begin(), scene.meshes.end(),
                                 [](const SurfaceMesh& m) { return m.name == "skin"; });
  if (skin == scene.meshes.end()) {
    return scene;
  }
  if (paintedPart < model.parts.size()) {
    paintRegions(*skin, shaped.parts[paintedPart].positions, shaped.landmarks,
                 0.3f + 0.7f * identityRng.uniform(4), tone);
  }

  // Clothing over the shoulders and neck, measured on the unposed body. Added to the scene
  // after the hair has grown round it.
  auto flagOr = [&](const std::string& path, bool fallback) {
    const auto it = resolved.parameters.find(path);
    return it == resolved.parameters.end() || !std::holds_alternative<bool>(it->second)
               ? fallback
               : std::get<bool>(it->second);
  };
  std::vector<SurfaceMesh> garments;
  const std::string garmentId = builtinAssetName(textOr(resolved, "clothing.item", ""), "clothing");
  const int neckJoint = model.findJoint("neck");
  if (flagOr("clothing.present", false) && !garmentId.empty() && paintedPart < model.parts.size() &&
      neckJoint >= 0 && head >= 0) {
    const GarmentStyle* style = findGarment(garmentId);
    if (!style) {
      throw Error("scene: no garment named '" + garmentId + "'");
    }
    NeckFrame frame;
    frame.base = shaped.skeleton.positions[static_cast<std::size_t>(neckJoint)];
    frame.up =
        (shaped.skeleton.positions[static_cast<std::size_t>(head)] - frame.base).normalized();
    frame.chinHeight = (shaped.landmarks[8] - frame.base).dot(frame.up);
    const Eigen::Vector3f garmentColour =
        clothingAlbedo(numberOr(resolved, "clothing.color.hue", 210.0f),
                       numberOr(resolved, "clothing.color.saturation", 0.3f),
                       numberOr(resolved, "clothing.color.lightness", 0.4f));
    const std::uint64_t garmentSeed = resolved.seed ^ (resolved.index * 0x94d049bb133111ebull);
    // A hoodie's hood lies down behind the neck unless the sample wears it up.
    GarmentStyle worn = *style;
    const std::string headwearItem = textOr(resolved, "headwear.item", "");
    const HeadwearStyle* headwearStyle = findHeadwear(builtinAssetName(headwearItem, "headwear"));
    if (flagOr("headwear.present", false) && headwearStyle != nullptr && headwearStyle->openFront &&
        std::find(style->tags.begin(), style->tags.end(), "hood") != style->tags.end()) {
      for (GarmentLayer& layer : worn.layers) {
        layer.collar = 0.0f;
      }
    }
    garments = dressGarment(worn, *skin, shaped.parts[paintedPart].positions, frame, garmentColour,
                            garmentSeed);
  }
  // Ears modelled as parts of their own: what wraps cover and temples and ear loops go round.
  std::vector<std::size_t> earParts;
  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    const std::vector<LabelClass>& classes = model.parts[p].faceClass;
    if (p != paintedPart && std::any_of(classes.begin(), classes.end(), [](LabelClass c) {
          return c == LabelClass::RightEar || c == LabelClass::LeftEar;
        })) {
      earParts.push_back(p);
    }
  }
  // Headwear over the scalp; hair that would poke through it is cut away below, and a
  // headscarf hides it all.
  bool hairHidden = false;
  const std::string headwearId =
      builtinAssetName(textOr(resolved, "headwear.item", ""), "headwear");
  if (flagOr("headwear.present", false) && !headwearId.empty() &&
      paintedPart < model.parts.size() && head >= 0) {
    const HeadwearStyle* style = findHeadwear(headwearId);
    if (!style) {
      throw Error("scene: no headwear named '" + headwearId + "'");
    }
    HeadFrame frame;
    frame.centre = shaped.skeleton.positions[static_cast<std::size_t>(head)];
    frame.browHeight = 0.5f * (shaped.landmarks[19] + shaped.landmarks[24]).y() - frame.centre.y();
    frame.eyeHeight = 0.5f * (shaped.landmarks[68] + shaped.landmarks[69]).y() - frame.centre.y();
    if (neckJoint >= 0) {
      frame.neck = shaped.skeleton.positions[static_cast<std::size_t>(neckJoint)];
    }
    frame.landmarks = shaped.landmarks;
    for (const std::size_t p : earParts) {
      const auto mesh =
          std::find_if(scene.meshes.begin(), scene.meshes.end(),
                       [&](const SurfaceMesh& m) { return m.name == model.parts[p].name; });
      if (mesh != scene.meshes.end()) {
        frame.over.emplace_back(shaped.parts[p].positions, mesh->triangles);
      }
    }
    hairHidden = style->hidesHair;
    const Eigen::Vector3f hatColour =
        clothingAlbedo(numberOr(resolved, "headwear.color.hue", 20.0f),
                       numberOr(resolved, "headwear.color.saturation", 0.3f),
                       numberOr(resolved, "headwear.color.lightness", 0.3f));
    SurfaceMesh hat = dressHeadwear(*style, *skin, shaped.parts[paintedPart].positions, frame,
                                    hatColour, resolved.seed ^ (resolved.index * 0x2545f491ull));
    if (!hat.triangles.empty()) {
      garments.push_back(std::move(hat));
    }
  }
  std::vector<Eigen::Vector3f> earPoints;
  for (const std::size_t p : earParts) {
    earPoints.insert(earPoints.end(), shaped.parts[p].positions.begin(),
                     shaped.parts[p].positions.end());
  }
  // Glasses on the nose and over the ears, riding rigidly on the head.
  const std::string eyewearId = builtinAssetName(textOr(resolved, "eyewear.item", ""), "eyewear");
  if (flagOr("eyewear.present", false) && !eyewearId.empty() && paintedPart < model.parts.size() &&
      head >= 0) {
    const EyewearStyle* style = findEyewear(eyewearId);
    if (!style) {
      throw Error("scene: no eyewear named '" + eyewearId + "'");
    }
    EyewearFit eyewearFit;
    eyewearFit.shaped = shaped.parts[paintedPart].positions;
    eyewearFit.landmarks = shaped.landmarks;
    eyewearFit.ears = earPoints;
    for (int side = 0; side < 2; ++side) {
      const int joint = eyeJoints[side];
      // Without eye joints, the pupil landmark stands in for the cornea's apex.
      eyewearFit.eyeCentres[static_cast<std::size_t>(side)] =
          joint >= 0 ? shaped.skeleton.positions[static_cast<std::size_t>(joint)]
                     : Eigen::Vector3f(shaped.landmarks[static_cast<std::size_t>(68 + side)] -
                                       Eigen::Vector3f(0.0f, 0.0f, 12.0f));
    }
    eyewearFit.worldFromRest = posed.skeleton.worldFromRest[static_cast<std::size_t>(head)];
    for (SurfaceMesh& part :
         dressEyewear(*style, *skin, eyewearFit, numberOr(resolved, "eyewear.finish", 0.0f))) {
      garments.push_back(std::move(part));
    }
  }
  // A mask or a scarf over the mouth, bound to the skin so that it follows the jaw.
  const std::string facewearId =
      builtinAssetName(textOr(resolved, "facewear.item", ""), "facewear");
  if (flagOr("facewear.present", false) && !facewearId.empty() &&
      paintedPart < model.parts.size()) {
    const FacewearStyle* style = findFacewear(facewearId);
    if (!style) {
      throw Error("scene: no facewear named '" + facewearId + "'");
    }
    const Eigen::Vector3f fabric =
        clothingAlbedo(numberOr(resolved, "facewear.color.hue", 210.0f),
                       numberOr(resolved, "facewear.color.saturation", 0.2f),
                       numberOr(resolved, "facewear.color.lightness", 0.3f));
    for (SurfaceMesh& part :
         dressFacewear(*style, *skin, shaped.parts[paintedPart].positions, shaped.landmarks,
                       earPoints, fabric, resolved.seed ^ (resolved.index * 0x5bd1e995ull))) {
      garments.push_back(std::move(part));
    }
  }
  // The haircut's limits on this head, from its landmarks in head space.
  const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
  const Eigen::Vector3f brows =
      headFromWorld * (0.5f * (scene.landmarks[19] + scene.landmarks[24]));
  GroomFit fit;
  fit.browY = brows.y();
  fit.faceFrontZ = brows.z();
  fit.faceHalfWidth =
      0.5f * ((headFromWorld * scene.landmarks[0]) - (headFromWorld * scene.landmarks[16])).norm();
  fit.shoulderY = (headFromWorld * scene.landmarks[8]).y() - 70.0f;
  const Eigen::Vector3f mouth =
      headFromWorld * (0.5f * (scene.landmarks[62] + scene.landmarks[66]));
  fit.mouthY = mouth.y();
  fit.mouthFrontZ = mouth.z();
  fit.mouthHalfWidth =
      0.5f *
          ((headFromWorld * scene.landmarks[48]) - (headFromWorld * scene.landmarks[54])).norm() +
      2.0f;
  // Strands keep out of the skin: along the line from the middle of the skull, a point
  // before the skin is inside the head.
  const TriangleMeshInput skinInput{skin->positions, skin->triangles, true};
  const TriangleScene skinScene = TriangleScene::create(sharedEmbreeDevice(), {&skinInput, 1});
  std::vector<TriangleMeshInput> garmentInputs;
  for (const SurfaceMesh& layer : garments) {
    // Hair lies over clothing, glasses and face coverings; it stays under headwear: below.
    if (layer.name == "clothing" || layer.name.rfind("eyewear", 0) == 0 ||
        layer.name.rfind("facewear", 0) == 0) {
      garmentInputs.push_back({layer.positions, layer.triangles, true});
    }
  }
  const std::optional<TriangleScene> garmentScene =
      garmentInputs.empty() ? std::nullopt
                            : std::optional<TriangleScene>(
                                  TriangleScene::create(sharedEmbreeDevice(), garmentInputs));
  const Eigen::Vector3f middle = scene.worldFromHead * Eigen::Vector3f(0.0f, 60.0f, 0.0f);
  // The ray from the head's middle out through a point, and the point's distance on it.
  auto rayThrough = [&](const Eigen::Vector3f& p, float& distance) {
    const Eigen::Vector3f toPoint = p - middle;
    distance = toPoint.norm();
    Ray ray;
    ray.origin = middle;
    ray.direction =
        distance < 1e-3f ? Eigen::Vector3f::UnitY() : Eigen::Vector3f(toPoint / distance);
    return ray;
  };
  fit.pushOutOfHead = [&](const Eigen::Vector3f& p, float offset) -> Eigen::Vector3f {
    float distance = 0.0f;
    Ray ray = rayThrough(p, distance);
    if (distance < 1e-3f) {
      return p;
    }
    const RayHit hit = skinScene.intersect(ray);
    float reach = hit.hit() && hit.t + offset > distance ? hit.t + offset : distance;
    // Clothing: a point under (or just over) any layer goes out to above it.
    if (garmentScene) {
      ray.tFar = reach + offset;
      for (int crossing = 0; crossing < 8; ++crossing) {
        const RayHit cloth = garmentScene->intersect(ray);
        if (!cloth.hit()) {
          break;
        }
        if (cloth.t + offset > reach) {
          reach = cloth.t + offset;
          ray.tFar = reach + offset;
        }
        ray.tNear = cloth.t + 0.01f;
      }
    }
    return reach > distance ? Eigen::Vector3f(middle + ray.direction * reach) : p;
  };
  fit.onHead = [&](const Eigen::Vector3f& p, float offset) -> Eigen::Vector3f {
    float distance = 0.0f;
    const Ray ray = rayThrough(p, distance);
    if (distance < 1e-3f) {
      return p;
    }
    const RayHit hit = skinScene.intersect(ray);
    return hit.hit() ? Eigen::Vector3f(middle + ray.direction * (hit.t + offset)) : p;
  };
  auto colour = [&](HairStrands& strands, const std::string& prefix, float darker) {
    const float melanin =
        std::min(1.0f, numberOr(resolved, prefix + ".color.melanin", 0.5f) + darker);
    const float redness = numberOr(resolved, prefix + ".color.redness", 0.1f);
    strands.absorption = hairAbsorption(melanin, redness);
    strands.albedo = hairAlbedo(melanin, redness);
    if (!strands.segmentStarts.empty()) {
      scene.hair.push_back(std::move(strands));
    }
  };
  const std::uint64_t personal = resolved.seed ^ (resolved.identityIndex * 0x9e3779b97f4a7c15ull);

  // Scalp hair: the groom drawn, grown on this head, coloured by its melanin.
  const std::string groomId = builtinAssetName(textOr(resolved, "hair.groom", ""), "hair");
  if (flagOr("hair.present", true) && !groomId.empty() && !hairHidden) {
    const GroomStyle* style = findGroom(groomId);
    if (!style) {
      throw Error("scene: no hair groom named '" + groomId + "'");
    }
    HairStrands strands = growHair(*style, *skin, scene.worldFromHead, fit, personal);
    colour(strands, "hair", 0.0f);
  }

  // Brows and lashes on every face, coloured like the brows; lashes darker.
  const std::uint64_t facial = resolved.seed ^ (resolved.identityIndex * 0xbf58476d1ce4e5b9ull);
  for (int side = 0; side < 2; ++side) {
    HairStrands brow = growBrow(*browStyle, *skin, scene.worldFromHead, fit, side, facial);
    colour(brow, "brows", 0.0f);
  }
  for (HairStrands& lashes : growLashes(*lashStyle, *skin, scene.eyeCentres, scene.worldFromHead,
                                        numberOr(resolved, "lashes.length", 1.0f), facial)) {
    colour(lashes, "brows", 0.3f);
  }

  // A beard or moustache, when the sample has one.
  const std::string beardId = builtinAssetName(textOr(resolved, "beard.groom", ""), "beard");
  if (flagOr("beard.present", false) && !beardId.empty()) {
    const BeardStyle* style = findBeard(beardId);
    if (!style) {
      throw Error("scene: no beard named '" + beardId + "'");
    }
    HairStrands beard = growBeard(*style, *skin, scene.worldFromHead, fit, facial);
    colour(beard, "beard", 0.0f);
  }
  // Hair outside a covering (the covering between the skull and the point) is cut away:
  // under a hat, scalp hair shows only below its brim; a mask hides the beard under it.
  for (std::size_t g = 0; g < garments.size(); ++g) {
    const std::string covered = garments[g].name == "headwear"   ? "hair"
                                : garments[g].name == "facewear" ? "beard"
                                                                 : "";
    if (covered.empty()) {
      continue;
    }
    const TriangleMeshInput hatInput{garments[g].positions, garments[g].triangles, true};
    const TriangleScene hatScene = TriangleScene::create(sharedEmbreeDevice(), {&hatInput, 1});
    auto poking = [&](const Eigen::Vector4f& point) {
      const Eigen::Vector3f toPoint = point.head<3>() - middle;
      const float distance = toPoint.norm();
      Ray ray;
      ray.origin = middle;
      ray.direction = toPoint / std::max(distance, 1e-6f);
      ray.tFar = distance;
      return distance > 1e-3f && hatScene.occluded(ray);
    };
    for (HairStrands& strands : scene.hair) {
      if (strands.mask != covered) {
        continue;
      }
      std::vector<unsigned> kept;
      kept.reserve(strands.segmentStarts.size());
      for (const unsigned start : strands.segmentStarts) {
        if (!poking(strands.points[start]) && !poking(strands.points[start + 1])) {
          kept.push_back(start);
        }
      }
      strands.segmentStarts = std::move(kept);
    }
  }
  for (SurfaceMesh& layer : garments) {
    scene.meshes.push_back(std::move(layer));
  }
  return scene;
}

}  // namespace sf
