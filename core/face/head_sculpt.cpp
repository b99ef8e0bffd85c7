#include "face/head_sculpt.h"

#include "util/check.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>

namespace sf {

namespace {

// Means and SDs: ANSUR II (head, neck, shoulders), 3DFN at age 25 (face soft tissue),
// averaged over sexes where sex has its own mode. Shape controls without a published
// measurement have mean 0 and an SD chosen so that 3 SD stays a plausible adult.
constexpr std::array<SculptParameter, 64> kParameters = {{
    {"head_length", "global", 195.0f, 7.0f, "mm"},
    {"head_breadth", "global", 151.0f, 5.5f, "mm"},
    {"head_height", "global", 128.0f, 6.0f, "mm"},
    {"face_height", "global", 120.0f, 6.5f, "mm"},
    {"face_width", "global", 137.0f, 6.0f, "mm"},
    {"face_depth", "global", 98.0f, 4.0f, "mm"},
    {"lower_face_forward", "global", 0.0f, 3.0f, "mm"},
    {"crown_position", "global", 0.0f, 4.0f, "mm"},
    {"forehead_height", "forehead", 0.0f, 4.0f, "mm"},
    {"forehead_slope", "forehead", 0.0f, 4.0f, "mm"},
    {"forehead_width", "forehead", 108.0f, 8.0f, "mm"},
    {"brow_ridge", "forehead", 0.0f, 1.5f, "mm"},
    {"temple_depth", "forehead", 0.0f, 2.0f, "mm"},
    {"eye_separation", "eyes", 63.0f, 3.5f, "mm"},
    {"eye_height", "eyes", 0.0f, 2.5f, "mm"},
    {"fissure_length", "eyes", 28.3f, 2.0f, "mm"},
    {"fissure_height", "eyes", 10.0f, 1.2f, "mm"},
    {"canthal_tilt", "eyes", 4.0f, 3.0f, "deg"},
    {"eye_depth", "eyes", 0.0f, 1.8f, "mm"},
    {"upper_lid_fold", "eyes", 0.0f, 1.0f, ""},
    {"lower_lid_fullness", "eyes", 0.0f, 1.0f, ""},
    {"brow_height", "eyes", 0.0f, 3.0f, "mm"},
    {"nose_length", "nose", 48.5f, 3.7f, "mm"},
    {"nose_protrusion", "nose", 20.5f, 1.9f, "mm"},
    {"nose_width", "nose", 34.3f, 2.5f, "mm"},
    {"nose_bridge_width", "nose", 11.0f, 1.5f, "mm"},
    {"nose_bridge_height", "nose", 0.0f, 1.5f, "mm"},
    {"nose_hump", "nose", 0.0f, 1.0f, "mm"},
    {"nose_tip_size", "nose", 8.0f, 1.0f, "mm"},
    {"nose_tip_angle", "nose", 0.0f, 2.5f, "mm"},
    {"nostril_flare", "nose", 0.0f, 1.0f, "mm"},
    {"cheekbone_height", "cheeks", 0.0f, 3.0f, "mm"},
    {"cheekbone_prominence", "cheeks", 0.0f, 2.5f, "mm"},
    {"cheek_fullness", "cheeks", 0.0f, 2.5f, "mm"},
    {"nasolabial_depth", "cheeks", 0.0f, 1.0f, "mm"},
    {"mouth_width", "mouth", 49.0f, 3.7f, "mm"},
    {"upper_lip_height", "mouth", 21.5f, 2.5f, "mm"},
    {"upper_vermilion", "mouth", 7.5f, 1.5f, "mm"},
    {"lower_vermilion", "mouth", 8.6f, 1.9f, "mm"},
    {"lip_protrusion", "mouth", 0.0f, 2.0f, "mm"},
    {"cupid_bow", "mouth", 1.0f, 0.6f, "mm"},
    {"philtrum_width", "mouth", 12.5f, 1.5f, "mm"},
    {"mouth_corner_height", "mouth", 0.0f, 1.2f, "mm"},
    {"jaw_width", "jaw", 100.0f, 7.0f, "mm"},
    {"jaw_angle_height", "jaw", 0.0f, 4.0f, "mm"},
    {"jaw_angle_flare", "jaw", 0.0f, 3.0f, "mm"},
    {"chin_protrusion", "jaw", 0.0f, 3.0f, "mm"},
    {"chin_width", "jaw", 0.0f, 3.0f, "mm"},
    {"chin_height", "jaw", 0.0f, 2.5f, "mm"},
    {"ear_length", "ears", 62.0f, 4.3f, "mm"},
    {"ear_width", "ears", 34.7f, 2.9f, "mm"},
    {"ear_protrusion", "ears", 22.0f, 3.0f, "mm"},
    {"ear_height", "ears", 0.0f, 3.0f, "mm"},
    {"ear_rotation", "ears", 0.0f, 4.0f, "deg"},
    {"neck_width", "neck", 112.0f, 7.0f, "mm"},
    {"neck_depth", "neck", 108.0f, 7.0f, "mm"},
    {"neck_length", "neck", 0.0f, 8.0f, "mm"},
    {"shoulder_width", "neck", 390.0f, 19.0f, "mm"},
    {"shoulder_slope", "neck", 0.0f, 8.0f, "mm"},
    {"masculinity", "sex", 0.0f, 1.0f, ""},
    {"age", "age", 0.0f, 1.0f, ""},
    {"body_weight", "weight", 0.0f, 1.0f, ""},
    {"face_asymmetry", "global", 0.0f, 1.0f, "mm"},
    {"occiput", "global", 0.0f, 3.0f, "mm"},
}};

// Distance primitives. Ellipsoid: the usual first-order bound; good near the surface.
float ellipsoid(const Vec3f& p, const Vec3f& c, const Vec3f& r) {
  const Vec3f q = p - c;
  const float k0 = q.cwiseQuotient(r).norm();
  const float k1 = q.cwiseQuotient(r.cwiseProduct(r)).norm();
  return k1 > 1e-8f ? k0 * (k0 - 1.0f) / k1 : -r.minCoeff();
}

/// A capsule whose radius goes linearly from ra at a to rb at b.
float roundCone(const Vec3f& p, const Vec3f& a, const Vec3f& b, float ra, float rb) {
  const Vec3f ab = b - a;
  const float t = std::clamp((p - a).dot(ab) / std::max(ab.squaredNorm(), 1e-8f), 0.0f, 1.0f);
  return (p - (a + t * ab)).norm() - (ra + t * (rb - ra));
}

/// Polynomial smooth minimum: a union whose seam is rounded over about k millimetres.
float smoothMin(float a, float b, float k) {
  const float h = std::max(k - std::abs(a - b), 0.0f) / k;
  return std::min(a, b) - h * h * k * 0.25f;
}

float smoothMax(float a, float b, float k) {
  return -smoothMin(-a, -b, k);
}

Vec3f mirrored(const Vec3f& v, int side) {
  return Vec3f(side == 0 ? -v.x() : v.x(), v.y(), v.z());
}

}  // namespace

std::span<const SculptParameter> sculptParameters() {
  return kParameters;
}

int sculptParameterIndex(const char* name) {
  for (std::size_t i = 0; i < kParameters.size(); ++i) {
    if (std::strcmp(kParameters[i].name, name) == 0) {
      return static_cast<int>(i);
    }
  }
  SF_CHECK_MSG(false, name);
  return -1;
}

std::vector<float> meanSculptValues() {
  std::vector<float> values;
  for (const SculptParameter& parameter : kParameters) {
    values.push_back(parameter.mean);
  }
  return values;
}

float HeadSculpt::value(const char* name) const {
  return m_values[static_cast<std::size_t>(sculptParameterIndex(name))];
}

HeadSculpt::HeadSculpt(std::span<const float> values) : m_values(values.begin(), values.end()) {
  SF_CHECK(m_values.size() == kParameters.size());
  auto v = [&](const char* name) { return value(name); };
  auto dev = [&](const char* name) {  // deviation from the mean
    const int i = sculptParameterIndex(name);
    return m_values[static_cast<std::size_t>(i)] - kParameters[static_cast<std::size_t>(i)].mean;
  };
  m_masculinity = v("masculinity");
  m_weight = v("body_weight");
  m_age = v("age");
  const float masc = m_masculinity;
  const float weight = m_weight;
  const float age = m_age;

  // The face's vertical frame: nasion, subnasale, stomion, menton.
  const float faceDepth = v("face_depth");
  const Vec3f nasion(0.0f, 18.0f, faceDepth);
  const float nasalHeight = 55.6f + 0.8f * dev("nose_length") + 1.2f * masc;
  const float upperLip = v("upper_lip_height") + 1.0f * masc + 1.5f * age;
  const float faceHeight = v("face_height") + 4.0f * masc;
  const float forward = v("lower_face_forward");
  const float lipForward = v("lip_protrusion") + forward * 0.8f - 1.0f * age;

  m_subnasale = Vec3f(0.0f, nasion.y() - nasalHeight, faceDepth + 9.0f + forward * 0.5f);
  m_stomion = Vec3f(0.0f, m_subnasale.y() - upperLip, faceDepth + 7.0f + lipForward);
  const Vec3f menton(0.0f, nasion.y() - faceHeight - v("chin_height"),
                     faceDepth - 14.0f + forward + v("chin_protrusion") * 0.6f);

  // Eyes: the globe centre sits 25 mm behind the nasion, so the cornea is ~12 mm behind it.
  const float ipd = v("eye_separation") + 1.5f * masc;
  const float eyeY = nasion.y() - 6.0f + v("eye_height");
  const float eyeZ = faceDepth - 25.0f + v("eye_depth") - 1.0f * masc;
  const float fissure = v("fissure_length") + 0.5f * masc;
  m_fissureHeight = std::max(v("fissure_height") - 0.8f * age, 5.0f);
  const float tilt = v("canthal_tilt") * std::numbers::pi_v<float> / 180.0f;
  for (int side = 0; side < 2; ++side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    const float asym = sx * 0.5f * v("face_asymmetry");
    m_eye[side] = Vec3f(sx * ipd * 0.5f, eyeY + asym, eyeZ);
    const float innerX = ipd * 0.5f - 0.55f * fissure;
    const float outerX = ipd * 0.5f + 0.45f * fissure;
    m_innerCanthus[side] =
        Vec3f(sx * innerX, eyeY - 0.5f * fissure * std::sin(tilt) + asym, eyeZ + 8.5f);
    m_outerCanthus[side] =
        Vec3f(sx * outerX, eyeY + 0.5f * fissure * std::sin(tilt) + asym, eyeZ + 3.5f);
  }

  // Mouth corners lie back along the dental arch.
  const float mouthWidth = v("mouth_width") + 1.5f * masc;
  for (int side = 0; side < 2; ++side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    m_mouthCorner[side] =
        Vec3f(sx * mouthWidth * 0.5f, m_stomion.y() + 1.5f + v("mouth_corner_height") - age,
              m_stomion.z() - 16.0f);
  }

  // Nose.
  const float protrusion = v("nose_protrusion") + 1.0f * masc;
  m_noseTip = m_subnasale + Vec3f(0.0f, 11.0f + v("nose_tip_angle") - 1.5f * age, 0.0f) +
              Vec3f(0.0f, 0.0f, std::sqrt(std::max(protrusion * protrusion - 121.0f, 25.0f)));
  const float noseWidth = v("nose_width") + 1.5f * masc + 1.0f * age;
  for (int side = 0; side < 2; ++side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    m_alare[side] = Vec3f(sx * noseWidth * 0.5f, m_subnasale.y() + 5.0f, m_subnasale.z() - 8.0f);
  }
  m_chin = menton;
  m_jawPivot = Vec3f(0.0f, -8.0f, 10.0f);
  const float earY = -2.0f + v("ear_height");
  m_earCanal[0] = Vec3f(-v("head_breadth") * 0.5f + 6.0f, earY, 0.0f);
  m_earCanal[1] = Vec3f(v("head_breadth") * 0.5f - 6.0f, earY, 0.0f);

  // Cranium: an ellipsoid set high and back so the orbits sit below its front.
  const float length = v("head_length") + 4.0f * masc;
  const float breadth = v("head_breadth") + 3.0f * masc;
  const float height = v("head_height") + 3.0f * masc;
  // The crown's position moves the back of the skull; the front (over the brows) stays.
  const float crown = v("crown_position");
  m_cranium = {Vec3f(0.0f, 40.0f, faceDepth + 2.0f - 0.5f * length - 5.0f + 0.5f * crown),
               Vec3f(0.5f * breadth, height - 38.0f, 0.5f * length - 0.5f * crown)};
  m_forehead = {
      Vec3f(0.0f, eyeY + 48.0f + v("forehead_height"), faceDepth - 48.0f - v("forehead_slope")),
      // Hollow temples narrow the brow's sides.
      Vec3f(0.5f * v("forehead_width") - 2.0f * v("temple_depth"), 52.0f, 47.0f)};
  m_occiput = {Vec3f(0.0f, 22.0f, m_cranium.center.z() - 0.5f * length + 36.0f - v("occiput")),
               Vec3f(52.0f, 42.0f, 34.0f)};

  const float faceWidth = v("face_width") + 4.0f * masc + 3.0f * weight;
  const float jawWidth = v("jaw_width") + 5.0f * masc + 5.0f * weight;
  const float fullness = v("cheek_fullness") + 3.0f * weight - 1.5f * age;
  for (int side = 0; side < 2; ++side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    const Vec3f eye = m_eye[side];
    const float ridge = v("brow_ridge") + 1.8f * masc;
    m_browRidge[side] = {
        Vec3f(sx * 10.0f, eye.y() + 15.0f + v("brow_height"), faceDepth - 6.0f + ridge),
        Vec3f(sx * 50.0f, eye.y() + 17.0f + v("brow_height"), faceDepth - 34.0f + ridge), 8.0f,
        7.0f};
    // A deeper upper-lid fold: the socket hollow sits higher and reaches further.
    const float fold = v("upper_lid_fold");
    m_orbit[side] = {eye + Vec3f(sx * 0.5f, 4.0f + 1.5f * fold, 15.0f),
                     Vec3f(15.0f, 10.0f, 5.0f + 0.5f * fold)};
    m_cheekbone[side] = {
        Vec3f(sx * (faceWidth * 0.5f - 22.0f), eye.y() - 19.0f + v("cheekbone_height"),
              eyeZ - 12.0f + v("cheekbone_prominence")),
        Vec3f(17.0f, 11.0f, 19.0f)};
    // The cheek's fat pad: fuller lower lids lift it toward the eye; a deeper nasolabial
    // fold pushes it forward and in, over the fold.
    const float lowerLid = v("lower_lid_fullness");
    const float nasolabial = v("nasolabial_depth") + 0.8f * age;
    m_malar[side] = {
        Vec3f(sx * (31.0f - nasolabial), eye.y() - 34.0f - 2.0f * age + 1.5f * lowerLid,
              eyeZ - 2.0f + fullness + 0.8f * lowerLid + 1.5f * nasolabial),
        Vec3f(18.0f, 18.0f, 16.0f)};
    m_buccal[side] = {Vec3f(sx * (jawWidth * 0.5f - 8.0f), m_stomion.y() - 4.0f - 4.0f * age,
                            eyeZ - 18.0f + 0.6f * fullness),
                      Vec3f(17.0f + 2.0f * weight, 22.0f, 20.0f)};
    const Vec3f gonion(sx * (jawWidth * 0.5f + v("jaw_angle_flare")),
                       -72.0f - v("jaw_angle_height") - 3.0f * age, 4.0f);
    m_jawLine[side] = {gonion,
                       Vec3f(sx * (12.0f + v("chin_width")), menton.y() + 8.0f, menton.z() - 6.0f),
                       9.0f + 2.0f * weight, 10.0f};
    m_ramus[side] = {gonion + Vec3f(0.0f, 0.0f, 0.0f),
                     Vec3f(sx * (breadth * 0.5f - 18.0f), -8.0f, 14.0f), 9.0f, 8.0f};
    m_sternoMastoid[side] = {Vec3f(sx * 46.0f, -30.0f, -20.0f),
                             Vec3f(sx * 14.0f, -232.0f - v("neck_length"), 42.0f), 12.0f, 9.0f};
  }
  m_midface = {Vec3f(0.0f, m_subnasale.y() + 2.0f, faceDepth - 73.0f + 0.5f * forward),
               Vec3f(0.5f * faceWidth - 8.0f, 84.0f, 75.0f)};
  m_mandible = {Vec3f(0.0f, m_stomion.y() - 18.0f, faceDepth - 48.0f + forward),
                Vec3f(jawWidth * 0.42f, 28.0f, 46.0f)};
  m_muzzle = {Vec3f(0.0f, m_stomion.y() + 1.0f, m_stomion.z() - 23.0f), Vec3f(27.0f, 31.0f, 24.0f)};
  m_noseBase = {Vec3f(0.0f, m_subnasale.y() + 14.0f, m_subnasale.z() - 17.0f),
                Vec3f(21.0f, 19.0f, 12.0f)};
  m_chinBall = {Vec3f(0.0f, menton.y() + 15.0f, menton.z() + 4.0f),
                Vec3f(18.0f + v("chin_width") + 2.0f * masc, 16.0f, 15.0f)};

  // Nose solids.
  const float bridge = v("nose_bridge_width") + 1.0f * masc;
  m_noseBridge = {nasion + Vec3f(0.0f, -2.0f, -3.0f + v("nose_bridge_height")),
                  m_noseTip + Vec3f(0.0f, 5.0f, -4.0f + 0.6f * v("nose_hump")), bridge * 0.5f,
                  6.0f};
  const float tip = v("nose_tip_size");
  m_noseTipBall = {m_noseTip - Vec3f(0.0f, 0.5f, tip * 0.85f),
                   Vec3f(tip * 1.1f, tip * 0.95f, tip * 0.9f)};
  m_columella = {m_noseTip + Vec3f(0.0f, -5.0f, -5.0f), m_subnasale + Vec3f(0.0f, 1.0f, -1.0f),
                 3.0f, 3.4f};
  for (int side = 0; side < 2; ++side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    m_ala[side] = {m_alare[side] + Vec3f(-sx * (5.5f - v("nostril_flare")), 0.5f, 1.5f),
                   Vec3f(6.5f, 5.5f, 8.0f)};
  }

  // Lips: chains of tapered capsules along the dental arch, meeting at the stomion.
  const float halfWidth = mouthWidth * 0.5f;
  const float upperVermilion = v("upper_vermilion") - 0.8f * masc - 1.2f * age;
  const float lowerVermilion = v("lower_vermilion") - 0.8f * masc - 1.2f * age;
  auto lipChain = [&](float vermilion, float sign) {
    std::vector<Capsule> chain;
    constexpr int kSegments = 8;
    Vec3f previous;
    float previousRadius = 0.0f;
    for (int i = 0; i <= kSegments; ++i) {
      const float s = -1.0f + 2.0f * static_cast<float>(i) / kSegments;
      const float profile = std::pow(std::max(1.0f - s * s, 0.0f), 0.55f);
      const float radius = 1.4f + (0.55f * vermilion - 0.6f) * profile;
      const float bow =
          sign > 0 ? v("cupid_bow") * std::exp(-std::pow((std::abs(s) - 0.28f) / 0.16f, 2.0f))
                   : 0.0f;
      const Vec3f point(s * (halfWidth - 1.0f),
                        m_stomion.y() + sign * (radius * 0.82f + bow * 0.8f) + 0.6f * s * s,
                        m_stomion.z() - 2.0f - 15.5f * s * s + profile * 0.5f);
      if (i > 0) {
        chain.push_back({previous, point, previousRadius, radius});
      }
      previous = point;
      previousRadius = radius;
    }
    return chain;
  };
  m_upperLip = lipChain(upperVermilion, 1.0f);
  m_lowerLip = lipChain(lowerVermilion, -1.0f);

  // Neck, shoulders and chest.
  const float neckWidth = v("neck_width") + 10.0f * masc + 6.0f * weight;
  const float neckDepth = v("neck_depth") + 8.0f * masc + 6.0f * weight;
  m_neck = {Vec3f(0.0f, -40.0f, -12.0f), Vec3f(0.0f, -245.0f - v("neck_length"), -6.0f),
            neckWidth * 0.46f, neckWidth * 0.52f};
  m_neckSquash = neckWidth / std::max(neckDepth, 1.0f);
  // Bounding spheres of the nose's and the lips' solids (see faceDistance).
  m_noseBound = 0.5f * (nasion + m_subnasale);
  m_noseBoundRadius = 0.0f;
  for (const Vec3f& corner : {nasion, m_noseTip, m_subnasale, m_alare[0], m_alare[1]}) {
    m_noseBoundRadius = std::max(m_noseBoundRadius, (corner - m_noseBound).norm());
  }
  m_noseBoundRadius += 16.0f;
  m_lipsBoundRadius = 0.0f;
  for (const auto* chain : {&m_upperLip, &m_lowerLip}) {
    for (const Capsule& c : *chain) {
      m_lipsBoundRadius = std::max(
          {m_lipsBoundRadius, (c.a - m_stomion).norm() + c.ra, (c.b - m_stomion).norm() + c.rb});
    }
  }
  m_lipsBoundRadius += 1.0f;
  m_philtrumHalfWidth = 0.5f * v("philtrum_width");
  const float shoulderWidth = v("shoulder_width") + 25.0f * masc;
  const float shoulderY = -238.0f - v("neck_length") - v("shoulder_slope");
  m_shoulders = {Vec3f(-(shoulderWidth * 0.5f - 45.0f), shoulderY, -22.0f),
                 Vec3f(shoulderWidth * 0.5f - 45.0f, shoulderY, -22.0f), 46.0f, 46.0f};
  m_chest = {Vec3f(0.0f, shoulderY - 60.0f, 2.0f),
             Vec3f(shoulderWidth * 0.5f - 40.0f, 90.0f, 95.0f + 8.0f * weight)};
  m_adamsApple = {Vec3f(0.0f, -124.0f - 0.3f * v("neck_length"), 35.0f),
                  Vec3f(9.0f, 13.0f, 7.5f) * std::clamp(0.35f + 0.75f * masc, 0.05f, 1.6f)};
}

float HeadSculpt::lipsDistance(const Vec3f& p) const {
  // Each chain runs across the mouth; blend mirror pairs first so the result is symmetric
  // (a smooth union is commutative but not associative).
  float d = 1e9f;
  for (const std::vector<Capsule>* chain : {&m_upperLip, &m_lowerLip}) {
    const std::size_t n = chain->size();
    for (std::size_t i = 0; i < n / 2; ++i) {
      const Capsule& a = (*chain)[i];
      const Capsule& b = (*chain)[n - 1 - i];
      d = smoothMin(
          d,
          smoothMin(roundCone(p, a.a, a.b, a.ra, a.rb), roundCone(p, b.a, b.b, b.ra, b.rb), 1.5f),
          1.5f);
    }
    if (n % 2 == 1) {
      const Capsule& c = (*chain)[n / 2];
      d = smoothMin(d, roundCone(p, c.a, c.b, c.ra, c.rb), 1.5f);
    }
  }
  return d;
}

namespace {

/// Blends a left-right pair of solids into `d`: the pair first, so mirror points agree.
float blendPair(float d, float right, float left, float k) {
  return smoothMin(d, smoothMin(right, left, k), k);
}

}  // namespace

float HeadSculpt::noseDistance(const Vec3f& p) const {
  float d = roundCone(p, m_noseBridge.a, m_noseBridge.b, m_noseBridge.ra, m_noseBridge.rb);
  d = smoothMin(d, ellipsoid(p, m_noseTipBall.center, m_noseTipBall.radii), 5.0f);
  d = smoothMin(d, roundCone(p, m_columella.a, m_columella.b, m_columella.ra, m_columella.rb),
                3.0f);
  d = blendPair(d, ellipsoid(p, m_ala[0].center, m_ala[0].radii),
                ellipsoid(p, m_ala[1].center, m_ala[1].radii), 4.0f);
  // The side walls from the bridge down to the alae.
  auto wall = [&](int side) {
    return roundCone(p, m_noseBridge.a + mirrored(Vec3f(3.0f, -8.0f, -6.0f), side),
                     m_ala[side].center + Vec3f(0.0f, 3.0f, -2.0f), 5.5f, 7.0f);
  };
  d = blendPair(d, wall(0), wall(1), 9.0f);
  // Nostrils: pockets cut up into the underside.
  auto nostril = [&](int side) {
    const Vec3f center = mirrored(Vec3f(5.8f, 0.0f, 0.0f), side) +
                         Vec3f(0.0f, m_subnasale.y() + 2.6f, m_subnasale.z() + 5.5f);
    return ellipsoid(p, center, Vec3f(3.2f, 1.8f, 5.0f));
  };
  d = smoothMax(d, -smoothMin(nostril(0), nostril(1), 1.2f), 1.2f);
  return d;
}

float HeadSculpt::faceDistance(const Vec3f& p) const {
  float d = ellipsoid(p, m_cranium.center, m_cranium.radii);
  d = smoothMin(d, ellipsoid(p, m_forehead.center, m_forehead.radii), 25.0f);
  d = smoothMin(d, ellipsoid(p, m_occiput.center, m_occiput.radii), 30.0f);
  d = smoothMin(d, ellipsoid(p, m_midface.center, m_midface.radii), 18.0f);
  d = smoothMin(d, ellipsoid(p, m_mandible.center, m_mandible.radii), 20.0f);
  d = smoothMin(d, ellipsoid(p, m_chinBall.center, m_chinBall.radii), 12.0f);
  auto cone = [&](const Capsule& c) { return roundCone(p, c.a, c.b, c.ra, c.rb); };
  auto solid = [&](const Ellipsoid& e) { return ellipsoid(p, e.center, e.radii); };
  d = blendPair(d, cone(m_browRidge[0]), cone(m_browRidge[1]), 12.0f);
  d = blendPair(d, solid(m_cheekbone[0]), solid(m_cheekbone[1]), 14.0f);
  d = blendPair(d, solid(m_buccal[0]), solid(m_buccal[1]), 16.0f);
  d = blendPair(d, cone(m_jawLine[0]), cone(m_jawLine[1]), 14.0f);
  d = blendPair(d, cone(m_ramus[0]), cone(m_ramus[1]), 16.0f);
  // Orbits: hollow the sockets, then lay the lids over the globes.
  d = smoothMax(d, -smoothMin(solid(m_orbit[0]), solid(m_orbit[1]), 9.0f), 9.0f);
  d = blendPair(d, (p - m_eye[0]).norm() - m_lidRadius, (p - m_eye[1]).norm() - m_lidRadius, 6.0f);
  // The cheeks' fat pads below the eyes, over which the nasolabial folds form.
  d = blendPair(d, solid(m_malar[0]), solid(m_malar[1]), 12.0f);
  // The muzzle: the soft tissue over the dental arch, from the nose down to the chin.
  d = smoothMin(d, solid(m_muzzle), 12.0f);
  d = smoothMin(d, solid(m_noseBase), 10.0f);
  // The nose and lips only matter near them: skip them where their bounding spheres show
  // they cannot change the blended distance (a smooth union is min(a, b) when b >= a + k).
  if ((p - m_noseBound).norm() - m_noseBoundRadius < d + 6.0f) {
    d = smoothMin(d, noseDistance(p), 6.0f);
  }
  // The philtrum's two columns from the cupid's bow to the columella.
  auto column = [&](int side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    const Vec3f low(sx * m_philtrumHalfWidth * 0.45f, m_stomion.y() + 8.5f, m_stomion.z() + 0.5f);
    const Vec3f high(sx * 3.0f, m_subnasale.y() - 2.0f, m_subnasale.z() - 3.0f);
    return roundCone(p, low, high, 2.6f, 2.2f);
  };
  d = blendPair(d, column(0), column(1), 5.0f);
  if ((p - m_stomion).norm() - m_lipsBoundRadius < d + 5.0f) {
    d = smoothMin(d, lipsDistance(p), 5.0f);
  }
  return d;
}

float HeadSculpt::neckDistance(const Vec3f& p) const {
  // The neck is elliptical: squash z toward the axis before measuring.
  const float squash = m_neckSquash;
  const Vec3f q(p.x(), p.y(), m_neck.a.z() + (p.z() - m_neck.a.z()) * squash);
  float d = roundCone(q, m_neck.a, m_neck.b, m_neck.ra, m_neck.rb) / std::max(squash, 1.0f);
  auto muscle = [&](int side) {
    const Capsule& m = m_sternoMastoid[side];
    return roundCone(p, m.a, m.b, m.ra, m.rb);
  };
  d = blendPair(d, muscle(0), muscle(1), 18.0f);
  d = smoothMin(d, ellipsoid(p, m_adamsApple.center, m_adamsApple.radii), 10.0f);
  d = smoothMin(d, roundCone(p, m_shoulders.a, m_shoulders.b, m_shoulders.ra, m_shoulders.rb),
                80.0f);
  d = smoothMin(d, ellipsoid(p, m_chest.center, m_chest.radii), 50.0f);
  return d;
}

float HeadSculpt::distance(const Vec3f& p) const {
  const float face = faceDistance(p);
  // Only the neck's upper end blends into the head, behind and below the jaw.
  return smoothMin(face, neckDistance(p), 14.0f);
}

float HeadSculpt::castRayDistance(const Vec3f& origin, const Vec3f& direction,
                                  float startDistance) const {
  // Back off until the start is inside the solid.
  float t = std::max(startDistance, 0.0f);
  while (t > 0.0f && distance(origin + t * direction) >= 0.0f) {
    t = std::max(t - 6.0f, 0.0f);
  }
  // March outward: inside, |distance| bounds the way to the surface.
  float inside = t;
  for (int step = 0; step < 400; ++step) {
    const float d = distance(origin + t * direction);
    if (d >= 0.0f) {
      break;
    }
    inside = t;
    t += std::max(-d * 0.9f, 0.2f);
  }
  // Bisect between the last inside point and the first outside one.
  float outside = t;
  for (int i = 0; i < 24; ++i) {
    const float mid = 0.5f * (inside + outside);
    (distance(origin + mid * direction) < 0.0f ? inside : outside) = mid;
  }
  return 0.5f * (inside + outside);
}

Vec3f HeadSculpt::castRay(const Vec3f& origin, const Vec3f& direction, float startDistance) const {
  return origin + castRayDistance(origin, direction, startDistance) * direction;
}

Vec3f HeadSculpt::castRayFromOutside(const Vec3f& origin, const Vec3f& direction,
                                     float maxDistance) const {
  float t = maxDistance;
  if (distance(origin + t * direction) < 0.0f) {
    return castRay(origin, direction, 0.0f);
  }
  // Sphere-trace inward: outside, the distance is a safe step.
  float outside = t;
  for (int step = 0; step < 400 && t > 0.0f; ++step) {
    const float d = distance(origin + t * direction);
    if (d < 0.0f) {
      break;
    }
    outside = t;
    t -= std::max(d * 0.9f, 0.2f);
  }
  float inside = std::max(t, 0.0f);
  for (int i = 0; i < 16; ++i) {
    const float mid = 0.5f * (inside + outside);
    (distance(origin + mid * direction) < 0.0f ? inside : outside) = mid;
  }
  return origin + 0.5f * (inside + outside) * direction;
}

Vec3f HeadSculpt::lipBorder(bool upper, float s) const {
  const std::vector<Capsule>& chain = upper ? m_upperLip : m_lowerLip;
  const float position =
      std::clamp((s + 1.0f) * 0.5f, 0.0f, 1.0f) * static_cast<float>(chain.size());
  const int index = std::min(static_cast<int>(position), static_cast<int>(chain.size()) - 1);
  const float f = position - static_cast<float>(index);
  const Capsule& c = chain[static_cast<std::size_t>(index)];
  const Vec3f center = c.a + f * (c.b - c.a);
  const float radius = c.ra + f * (c.rb - c.ra);
  // The border is where the lip's front meets the skin: up (or down) and a little forward.
  return center + radius * Vec3f(0.0f, upper ? 0.8f : -0.8f, 0.6f);
}

Vec3f HeadSculpt::normal(const Vec3f& p) const {
  constexpr float h = 0.05f;
  const Vec3f g(distance(p + Vec3f(h, 0, 0)) - distance(p - Vec3f(h, 0, 0)),
                distance(p + Vec3f(0, h, 0)) - distance(p - Vec3f(0, h, 0)),
                distance(p + Vec3f(0, 0, h)) - distance(p - Vec3f(0, 0, h)));
  const float n = g.norm();
  return n > 1e-12f ? Vec3f(g / n) : Vec3f(0, 0, 1);
}

}  // namespace sf
