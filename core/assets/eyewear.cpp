#include "assets/eyewear.h"

#include "assets/head_fit.h"
#include "assets/mesh_building.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace sf {

namespace {

using V2 = Eigen::Vector2f;
using V3 = Eigen::Vector3f;

constexpr float kPi = 3.14159265358979f;
constexpr float kBaseRadius = 110.0f;  // mm: the lens's front curve (a 4.5 dioptre base)
constexpr float kWrap = 0.1f;          // face-form wrap: the outer edge ~6 degrees back
constexpr float kTilt = 0.14f;         // pantoscopic tilt: the bottom ~8 degrees in
constexpr float kLensThickness = 2.0f;
constexpr int kOutline = 72;  // points round a lens

/// One face's frame: where the lenses are and the shape of their outline, model space.
struct FrameLayout {
  V3 mid;                       // between the pupils
  std::array<float, 2> side{};  // x sign of each side (0 the subject's right, 1 left)
  float lensY = 0.0f;           // height of the lenses' centres
  float lensZ = 0.0f;           // depth of the lens's mid-surface at its centre
  float a = 25.0f, b = 19.0f;   // lens half-width and half-height
  float bridge = 18.0f;
  float squareness = 2.0f;
  float teardrop = 0.0f, upsweep = 0.0f;

  /// The point `h` mm in front of the lens's mid-surface at (u outward, v up) from the
  /// lens's centre.
  V3 at(int s, float u, float v, float h) const {
    const float lateral = 0.5f * bridge + a + u;
    const float sag = (u * u + v * v) / (2.0f * kBaseRadius);
    const float z = lensZ + h - sag - kWrap * (u + a) + kTilt * v;
    return {mid.x() + side[static_cast<std::size_t>(s)] * lateral, lensY + v, z};
  }
  /// The lens's front normal at (u, v).
  V3 normal(int s, float u, float v) const {
    const float dzdu = -u / kBaseRadius - kWrap;
    const float dzdv = -v / kBaseRadius + kTilt;
    return V3(-side[static_cast<std::size_t>(s)] * dzdu, -dzdv, 1.0f).normalized();
  }
  /// The lens outline at angle t: a superellipse, its lower inner part dropped (teardrop)
  /// and its upper outer corner raised (upsweep).
  V2 outline(float t) const {
    const float c = std::cos(t);
    const float s = std::sin(t);
    const float power = 2.0f / squareness;
    const float u = a * std::copysign(std::pow(std::abs(c), power), c);
    float v = b * std::copysign(std::pow(std::abs(s), power), s);
    v *= v < 0.0f ? 1.0f + teardrop * std::clamp(0.5f - 0.5f * u / a, 0.0f, 1.0f)
                  : 1.0f + upsweep * std::clamp(0.5f + 0.5f * u / a, 0.0f, 1.0f);
    return {u, v};
  }
  /// The outline's outward direction in the lens's plane at angle t.
  V2 outward(float t) const {
    const V2 tangent = outline(t + 1e-3f) - outline(t - 1e-3f);
    V2 n(tangent.y(), -tangent.x());
    if (n.dot(outline(t)) < 0.0f) {
      n = -n;
    }
    return n.normalized();
  }
  /// The direction in 3D of the in-plane 2D direction `d` at (u, v).
  V3 inPlane(int s, float u, float v, const V2& d) const {
    return (at(s, u + 0.01f * d.x(), v + 0.01f * d.y(), 0.0f) - at(s, u, v, 0.0f)).normalized();
  }
  /// |u| of the outline's inner or outer edge at height v (above the teardrop).
  float edgeU(float v) const {
    const float r = std::pow(std::min(1.0f, std::abs(v) / b), squareness);
    return a * std::pow(std::max(0.0f, 1.0f - r), 1.0f / squareness);
  }
};

/// Tints of the frames a `finish` in 0..1 picks from.
struct Finish {
  V3 colour;
  std::uint8_t pattern = 0;
};
Finish pickFinish(FrameMaterial material, float finish) {
  static const Finish metals[] = {
      {{0.90f, 0.89f, 0.86f}},  // silver
      {{0.93f, 0.74f, 0.40f}},  // gold
      {{0.30f, 0.30f, 0.32f}},  // gunmetal
      {{0.91f, 0.64f, 0.55f}},  // rose gold
  };
  static const Finish plastics[] = {
      {{0.012f, 0.012f, 0.014f}},  // black
      {{0.24f, 0.09f, 0.02f}, 1},  // tortoiseshell
      {{0.07f, 0.035f, 0.018f}},   // brown
      {{0.012f, 0.018f, 0.05f}},   // navy
      {{0.10f, 0.012f, 0.018f}},   // burgundy
      {{0.22f, 0.22f, 0.23f}},     // grey
  };
  const std::span<const Finish> range =
      material == FrameMaterial::Metal ? std::span<const Finish>(metals) : plastics;
  const auto pick =
      static_cast<std::size_t>(std::clamp(finish, 0.0f, 0.999f) * static_cast<float>(range.size()));
  return range[std::min(pick, range.size() - 1)];
}

SurfaceMesh emptyMesh(const std::string& name, SurfaceMaterial material, const V3& colour) {
  SurfaceMesh mesh;
  mesh.name = name;
  mesh.material = material;
  mesh.baseColor = colour;
  return mesh;
}

/// One lens: a 2 mm thick shell of the frame's curve inside the outline, facing out.
void addLens(SurfaceMesh& mesh, const FrameLayout& f, int s) {
  constexpr int kRings = 8;
  const float half = 0.5f * kLensThickness;
  for (const float face : {1.0f, -1.0f}) {
    const int centre = static_cast<int>(mesh.positions.size());
    mesh.positions.push_back(f.at(s, 0.0f, 0.0f, face * half));
    mesh.normals.push_back(face * f.normal(s, 0.0f, 0.0f));
    for (int k = 1; k <= kRings; ++k) {
      const float scale = static_cast<float>(k) / kRings;
      for (int i = 0; i < kOutline; ++i) {
        const V2 o = scale * f.outline(2.0f * kPi * static_cast<float>(i) / kOutline);
        mesh.positions.push_back(f.at(s, o.x(), o.y(), face * half));
        mesh.normals.push_back(face * f.normal(s, o.x(), o.y()));
      }
    }
    auto ring = [&](int k, int i) { return centre + 1 + (k - 1) * kOutline + (i % kOutline); };
    const V3 outward = face * f.normal(s, 0.0f, 0.0f);
    for (int i = 0; i < kOutline; ++i) {
      addFacing(mesh, centre, ring(1, i), ring(1, i + 1), outward, LabelClass::Glasses);
      for (int k = 1; k < kRings; ++k) {
        addFacing(mesh, ring(k, i), ring(k + 1, i), ring(k + 1, i + 1), outward,
                  LabelClass::Glasses);
        addFacing(mesh, ring(k, i), ring(k + 1, i + 1), ring(k, i + 1), outward,
                  LabelClass::Glasses);
      }
    }
  }
  // The edge, with its own vertices so the faces keep their normals.
  const int edge = static_cast<int>(mesh.positions.size());
  for (int i = 0; i < kOutline; ++i) {
    const float t = 2.0f * kPi * static_cast<float>(i) / kOutline;
    const V2 o = f.outline(t);
    const V3 out = f.inPlane(s, o.x(), o.y(), f.outward(t));
    for (const float face : {1.0f, -1.0f}) {
      mesh.positions.push_back(f.at(s, o.x(), o.y(), face * half));
      mesh.normals.push_back(out);
    }
  }
  for (int i = 0; i < kOutline; ++i) {
    const int a = edge + 2 * i;
    const int b = edge + 2 * ((i + 1) % kOutline);
    const V3 out = mesh.normals[static_cast<std::size_t>(a)];
    addFacing(mesh, a, a + 1, b + 1, out, LabelClass::Glasses);
    addFacing(mesh, a, b + 1, b, out, LabelClass::Glasses);
  }
}

}  // namespace

std::span<const EyewearStyle> builtinEyewear() {
  auto style = [](std::string id, std::string name, std::vector<std::string> tags) {
    EyewearStyle s;
    s.id = std::move(id);
    s.name = std::move(name);
    s.tags = std::move(tags);
    return s;
  };
  static const std::vector<EyewearStyle> eyewear = [&] {
    std::vector<EyewearStyle> all;
    EyewearStyle round = style("round", "Round wire glasses", {"metal", "round", "clear"});
    round.lensWidth = 46.0f;
    round.lensHeight = 44.0f;
    round.bridge = 20.0f;
    round.rimWidth = 1.5f;
    round.rimDepth = 1.5f;
    round.templeHeight = 1.6f;
    all.push_back(round);

    EyewearStyle rectangular =
        style("rectangular", "Rectangular glasses", {"plastic", "rectangular", "clear"});
    rectangular.lensWidth = 51.0f;
    rectangular.lensHeight = 33.0f;
    rectangular.squareness = 4.5f;
    rectangular.bridge = 17.0f;
    rectangular.rimWidth = 3.5f;
    rectangular.rimDepth = 3.5f;
    rectangular.templeHeight = 4.0f;
    rectangular.templeThickness = 2.5f;
    rectangular.frame = FrameMaterial::Plastic;
    all.push_back(rectangular);

    EyewearStyle aviator = style("aviator", "Aviators", {"metal", "teardrop", "clear"});
    aviator.lensWidth = 56.0f;
    aviator.lensHeight = 44.0f;
    aviator.squareness = 2.4f;
    aviator.teardrop = 0.25f;
    aviator.upsweep = -0.1f;
    aviator.bridge = 15.0f;
    aviator.rimWidth = 1.4f;
    aviator.rimDepth = 1.6f;
    aviator.templeHeight = 1.6f;
    aviator.doubleBridge = true;
    all.push_back(aviator);

    EyewearStyle thick =
        style("thick_rimmed", "Thick-rimmed glasses", {"plastic", "bold", "clear"});
    thick.lensWidth = 47.0f;
    thick.lensHeight = 40.0f;
    thick.squareness = 3.2f;
    thick.upsweep = 0.06f;
    thick.bridge = 19.0f;
    thick.rimWidth = 5.5f;
    thick.rimDepth = 5.5f;
    thick.browBar = 2.5f;
    thick.templeHeight = 7.0f;
    thick.templeThickness = 3.5f;
    thick.frame = FrameMaterial::Plastic;
    all.push_back(thick);

    EyewearStyle sunglasses = style("sunglasses", "Sunglasses", {"plastic", "sunglasses", "dark"});
    sunglasses.lensWidth = 52.0f;
    sunglasses.lensHeight = 42.0f;
    sunglasses.squareness = 3.4f;
    sunglasses.upsweep = 0.12f;
    sunglasses.teardrop = 0.08f;
    sunglasses.bridge = 18.0f;
    sunglasses.rimWidth = 5.0f;
    sunglasses.rimDepth = 5.0f;
    sunglasses.browBar = 1.5f;
    sunglasses.templeHeight = 8.0f;
    sunglasses.templeThickness = 3.5f;
    sunglasses.frame = FrameMaterial::Plastic;
    sunglasses.tinted = true;
    all.push_back(sunglasses);

    EyewearStyle rimless = style("rimless", "Rimless glasses", {"metal", "rimless", "clear"});
    rimless.lensWidth = 52.0f;
    rimless.lensHeight = 32.0f;
    rimless.squareness = 3.0f;
    rimless.bridge = 18.0f;
    rimless.templeHeight = 1.5f;
    all.push_back(rimless);
    return all;
  }();
  return eyewear;
}

const EyewearStyle* findEyewear(const std::string& id) {
  return findById(builtinEyewear(), id);
}

std::vector<SurfaceMesh> dressEyewear(const EyewearStyle& style, const SurfaceMesh& skin,
                                      const EyewearFit& fit, float finish) {
  if (fit.landmarks.size() < 70 || fit.shaped.size() != skin.positions.size()) {
    return {};
  }
  const std::span<const V3> lm = fit.landmarks;
  const bool plastic = style.frame == FrameMaterial::Plastic;

  // The head without its ears: what temples rest against and rays find the nose on.
  const HeadFit head = HeadFit::create(skin, fit.shaped, fit.landmarks, fit.ears);
  FrameLayout f;
  f.mid = head.mid();
  f.side = {head.sideSign(0), head.sideSign(1)};

  // Size: frames come in sizes; this face wears the nearest, within 15% smaller or 12% larger than
  // the nominal.
  const float faceWidth = (lm[16] - lm[0]).norm();
  const float nominal = 2.0f * (style.lensWidth + style.rimWidth) + style.bridge + 10.0f;
  const float scale = std::clamp((faceWidth + 10.0f) / nominal, 0.85f, 1.12f);
  f.a = 0.5f * style.lensWidth * scale;
  f.b = 0.5f * style.lensHeight * scale;
  f.bridge = style.bridge * scale;
  f.squareness = style.squareness;
  f.teardrop = style.teardrop;
  f.upsweep = style.upsweep;
  f.lensY = f.mid.y() + 0.08f * f.b;

  // Depth: 12 mm or more from the corneas, and the bridge on the nose (pads hold metal
  // frames a few millimetres off it).
  const float rimOffset = std::max(0.0f, 0.5f * style.rimWidth - 0.6f);
  const float bridgeV = (plastic ? 0.4f : 0.25f) * f.b;
  const float bridgeHalf = plastic ? std::max(1.5f, 0.45f * style.rimWidth) : 0.8f;
  const float bridgeDepth = plastic ? 0.5f * style.rimDepth : 0.8f;
  const float bridgeArch = plastic ? 1.5f : 3.0f;
  const float bridgeU = -f.edgeU(bridgeV) - rimOffset;
  f.lensZ = 0.0f;
  const float bridgeRelative = f.at(0, bridgeU, bridgeV, 0.0f).z();
  float cornea = std::max(lm[68].z(), lm[69].z());
  for (const V3& eye : fit.eyeCentres) {
    cornea = std::max(cornea, eye.z() + 12.0f);
  }
  f.lensZ = cornea + 12.0f + 0.5f * kLensThickness + kWrap * f.a;
  Ray down;
  down.origin = V3(f.mid.x(), f.lensY + bridgeV + bridgeArch - bridgeHalf, f.mid.z() + 300.0f);
  down.direction = -V3::UnitZ();
  if (const RayHit nose = head.intersect(down); nose.hit()) {
    const float noseZ = down.origin.z() - nose.t;
    f.lensZ = std::max(f.lensZ, noseZ + (plastic ? 0.5f : 3.5f) + bridgeDepth - bridgeRelative);
  }

  // Then forward until no rim or lens edge is inside the face (the nose's sides, cheeks):
  // the frame's back face must lie in front of the skin seen straight from the front.
  {
    float push = 0.0f;
    const float back = 0.2f - 0.5f * std::max(style.rimDepth, kLensThickness);
    for (int s = 0; s < 2; ++s) {
      for (int i = 0; i < kOutline; ++i) {
        const float t = 2.0f * kPi * static_cast<float>(i) / kOutline;
        const V2 out = f.outward(t);
        const float width =
            style.rimWidth + style.browBar * std::pow(std::max(0.0f, out.y()), 2.0f);
        for (const float offset : {-0.6f, std::max(0.0f, width - 0.6f)}) {
          const V2 uv = f.outline(t) + offset * out;
          const V3 p = f.at(s, uv.x(), uv.y(), back);
          Ray ray;
          ray.origin = V3(p.x(), p.y(), p.z() + 300.0f);
          ray.direction = -V3::UnitZ();
          if (const RayHit hit = head.intersect(ray); hit.hit() && hit.t < 300.0f + 0.5f) {
            push = std::max(push, 300.0f + 0.5f - hit.t);
          }
        }
      }
    }
    f.lensZ += push;
  }

  const Finish look = pickFinish(style.frame, finish);
  SurfaceMesh frame = emptyMesh(
      "eyewear_frame", plastic ? SurfaceMaterial::Plastic : SurfaceMaterial::Metal, look.colour);
  frame.finish = look.pattern;
  SurfaceMesh parts = emptyMesh("eyewear_parts", SurfaceMaterial::Plastic, {0.03f, 0.025f, 0.02f});
  SurfaceMesh lenses =
      emptyMesh("eyewear_lenses", SurfaceMaterial::Glass,
                style.tinted ? V3(0.30f, 0.31f, 0.27f) : V3(0.995f, 0.995f, 0.995f));
  lenses.occludes = style.tinted;

  const std::vector<V2> rimProfile =
      superellipse(0.5f * std::max(style.rimWidth, 0.1f), 0.5f * std::max(style.rimDepth, 0.1f),
                   plastic ? 5.0f : 2.0f, plastic ? 20 : 10);
  const std::vector<V2> wire = superellipse(0.45f, 0.45f, 2.0f, 8);
  for (int s = 0; s < 2; ++s) {
    addLens(lenses, f, s);
    const V3 lat(f.side[static_cast<std::size_t>(s)], 0.0f, 0.0f);

    // The rim round the lens, wider along the top for a browline.
    if (style.rimWidth > 0.0f) {
      std::vector<SweepStation> rim;
      for (int i = 0; i < kOutline; ++i) {
        const float t = 2.0f * kPi * static_cast<float>(i) / kOutline;
        const V2 out = f.outward(t);
        const float width =
            style.rimWidth + style.browBar * std::pow(std::max(0.0f, out.y()), 2.0f);
        const V2 centre = f.outline(t) + out * (0.5f * width - 0.6f);
        SweepStation st;
        st.point = f.at(s, centre.x(), centre.y(), 0.2f);
        st.across = f.inPlane(s, centre.x(), centre.y(), out);
        st.up = f.normal(s, centre.x(), centre.y());
        st.scale = V2(width / style.rimWidth, 1.0f);
        rim.push_back(st);
      }
      sweepProfile(frame, rim, rimProfile, true, LabelClass::Glasses);
    }

    // Temple: from the hinge at the top outer corner, back along the side of the head to
    // over the ear, then down behind it.
    const float hingeV = (plastic ? 0.55f : 0.4f) * f.b;
    const V3 hinge = f.at(
        s, f.edgeU(hingeV) + (style.rimWidth > 0.0f ? 0.5f * style.rimWidth : 0.6f), hingeV, -0.3f);
    const V3 endpiece = hinge + lat * (plastic ? 1.5f : 2.5f) - V3::UnitZ() * 7.0f;
    const float clearance = 0.5f * style.templeThickness + 1.0f;
    const V3 rest = head.earRoot(s);
    auto lateralAt = [&](float y, float z, float fallback) {
      const std::optional<float> sideOfHead = head.sideOfHead(s, y, z);
      return sideOfHead ? std::max(fallback, *sideOfHead + clearance) : fallback;
    };
    const float endLateral = std::abs(endpiece.x() - f.mid.x());
    const float restLateral = lateralAt(rest.y(), rest.z(), 0.0f);
    std::vector<V3> temple = {hinge, endpiece};
    constexpr int kAlong = 24;
    for (int i = 1; i <= kAlong; ++i) {
      const float t = static_cast<float>(i) / kAlong;
      const float y = endpiece.y() + t * (rest.y() - endpiece.y());
      const float z = endpiece.z() + t * (rest.z() - endpiece.z());
      const float lateral = lateralAt(y, z, endLateral + t * (restLateral - endLateral));
      temple.emplace_back(f.mid.x() + lat.x() * lateral, y, z);
    }
    // Behind the ear: on along the temple's line, bending down round the ear's root.
    const V2 along = V2(rest.y() - endpiece.y(), rest.z() - endpiece.z()).normalized();
    std::vector<V3> tip = {temple.back()};
    constexpr int kBend = 10;
    for (int i = 1; i <= kBend; ++i) {
      const float phi = 1.3f * static_cast<float>(i) / kBend;
      const float radius = 22.0f * scale;
      const float y =
          rest.y() + along.x() * radius * std::sin(phi) - radius * (1.0f - std::cos(phi));
      const float z = rest.z() + along.y() * radius * std::sin(phi);
      tip.emplace_back(f.mid.x() + lat.x() * lateralAt(y, z, 0.0f), y, z);
    }
    const std::vector<V2> templeProfile =
        superellipse(0.5f * style.templeHeight, 0.5f * style.templeThickness, 4.0f, 12);
    std::vector<SweepStation> templeStations = sweepStations(temple, V3::UnitY());
    for (std::size_t i = 0; i < templeStations.size(); ++i) {
      // Acetate temples taper from the hinge toward the ear.
      const float t = static_cast<float>(i) / static_cast<float>(templeStations.size() - 1);
      templeStations[i].scale = V2(plastic ? 1.0f - 0.35f * t : 1.0f, 1.0f);
    }
    sweepProfile(frame, templeStations, templeProfile, false, LabelClass::Glasses);
    if (plastic) {
      std::vector<SweepStation> tipStations = sweepStations(tip, V3::UnitY());
      for (SweepStation& st : tipStations) {
        st.scale = V2(0.65f, 1.0f);
      }
      sweepProfile(frame, tipStations, templeProfile, false, LabelClass::Glasses);
    } else {
      // Metal temples end in plastic tips.
      const std::vector<V2> tipProfile = superellipse(1.5f, 1.2f, 3.0f, 10);
      sweepProfile(parts, sweepStations(tip, V3::UnitY()), tipProfile, false, LabelClass::Glasses);
    }

    // Nose pads on arms for metal frames: on the side of the nose below the bridge.
    if (!plastic) {
      Ray inward;
      inward.origin = f.mid + V3(0.0f, f.lensY - f.mid.y() - 0.2f * f.b, 0.0f) + lat * 30.0f;
      inward.origin.z() = f.lensZ - 6.0f;
      inward.direction = -lat;
      inward.tFar = 26.0f;
      if (const RayHit hit = head.intersect(inward); hit.hit()) {
        const std::array<int, 3>& tri = head.skullTriangles()[hit.primID];
        const std::span<const V3> shaped = head.positions();
        V3 n = triangleNormal(shaped[static_cast<std::size_t>(tri[0])],
                              shaped[static_cast<std::size_t>(tri[1])],
                              shaped[static_cast<std::size_t>(tri[2])]);
        if (n.dot(lat) < 0.0f) {
          n = -n;
        }
        const V3 contact = inward.origin + hit.t * inward.direction;
        const V3 padCentre = contact + 1.0f * n;
        const V3 length = (V3::UnitY() - n * n.y()).normalized();
        const V3 width = n.cross(length).normalized();
        addEllipsoid(parts, padCentre, {5.5f * length, 3.0f * width, 0.7f * n},
                     LabelClass::Glasses);
        // The arm: from the back of the pad out to the rim's inner edge.
        const V3 anchor = f.at(s, -f.edgeU(-0.1f * f.b) - rimOffset, -0.1f * f.b, 0.0f);
        const V3 knee = padCentre + 3.0f * n + V3::UnitZ() * 2.0f;
        std::vector<V3> arm;
        for (int i = 0; i <= 6; ++i) {
          const float t = static_cast<float>(i) / 6.0f;
          arm.push_back((1 - t) * (1 - t) * (padCentre + 0.6f * n) + 2 * t * (1 - t) * knee +
                        t * t * anchor);
        }
        sweepProfile(frame, sweepStations(arm, n), superellipse(0.35f, 0.35f, 2.0f, 6), false,
                     LabelClass::Glasses);
      }
    }
  }

  // The bridge over the nose; aviators have a second bar across the top.
  auto bar = [&](float v, float u, float arch, float half, float depth) {
    const V3 right = f.at(0, u + 0.5f, v, 0.2f);
    const V3 left = f.at(1, u + 0.5f, v, 0.2f);
    std::vector<V3> path;
    for (int i = 0; i <= 20; ++i) {
      const float t = static_cast<float>(i) / 20.0f;
      path.push_back(right + t * (left - right) + V3::UnitY() * (arch * std::sin(kPi * t)));
    }
    sweepProfile(frame, sweepStations(path, V3::UnitY()),
                 superellipse(half, depth, plastic ? 5.0f : 2.0f, plastic ? 16 : 8), false,
                 LabelClass::Glasses);
  };
  bar(bridgeV, bridgeU, bridgeArch, bridgeHalf, bridgeDepth);
  if (style.doubleBridge) {
    const float topV = 0.8f * f.b;
    bar(topV, -f.edgeU(topV) - rimOffset, 0.0f, 0.7f, 0.7f);
  }

  // Glasses ride on the head: carry them rigidly into the posed world.
  std::vector<SurfaceMesh> out;
  for (SurfaceMesh* mesh : {&frame, &parts, &lenses}) {
    if (mesh->triangles.empty()) {
      continue;
    }
    mesh->restPositions = mesh->positions;
    for (V3& p : mesh->positions) {
      p = fit.worldFromRest * p;
    }
    for (V3& n : mesh->normals) {
      n = (fit.worldFromRest.linear() * n).normalized();
    }
    out.push_back(std::move(*mesh));
  }
  return out;
}

}  // namespace sf
