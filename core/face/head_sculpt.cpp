#include "face/head_sculpt.h"

#include "math/scalar.h"
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
    {"philtrum_width", "mouth", 12.5f, 1.9f, "mm"},
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
  // The stomion is where the lips meet, on the surface in front of the teeth.
  m_stomion = Vec3f(0.0f, m_subnasale.y() - upperLip, faceDepth + 11.0f + lipForward);
  const Vec3f menton(0.0f, nasion.y() - faceHeight - v("chin_height"),
                     faceDepth - 11.0f + forward + v("chin_protrusion") * 0.6f);

  // Eyes: the globe centre sits 24 mm behind the nasion, so the cornea is ~11 mm behind it.
  const float ipd = v("eye_separation") + 1.5f * masc;
  const float eyeY = nasion.y() - 6.0f + v("eye_height");
  const float eyeZ = faceDepth - 24.0f + v("eye_depth") - 1.0f * masc;
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

  // Mouth corners lie back along the dental arch, in the commissure a little inside the
  // skin.
  const float mouthWidth = v("mouth_width") + 1.5f * masc;
  for (int side = 0; side < 2; ++side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    m_mouthCorner[side] =
        Vec3f(sx * mouthWidth * 0.5f, m_stomion.y() + 1.5f + v("mouth_corner_height") - age,
              m_stomion.z() - 11.0f);
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
  // Head length is glabella (about 7 mm in front of the face's depth) to the back of the
  // skull, where the occiput's blend adds about 7 mm to the cranium.
  const float craniumFront = faceDepth - 3.0f;
  const float craniumBack = faceDepth + 14.0f - length + crown;
  m_cranium = {Vec3f(0.0f, 40.0f, 0.5f * (craniumFront + craniumBack)),
               Vec3f(0.5f * breadth, height - 38.0f, 0.5f * (craniumFront - craniumBack))};
  m_forehead = {
      Vec3f(0.0f, eyeY + 48.0f + v("forehead_height"), faceDepth - 48.0f - v("forehead_slope")),
      // Hollow temples narrow the brow's sides.
      Vec3f(0.5f * v("forehead_width") - 2.0f * v("temple_depth"), 52.0f, 47.0f)};
  m_occiput = {Vec3f(0.0f, 22.0f, craniumBack + 36.0f - v("occiput")), Vec3f(52.0f, 42.0f, 34.0f)};

  // The face's base form: superellipse sections lofted from the brow to the chin. Each
  // row is placed from the face's frame, so the measurements move it.
  const float faceWidth = v("face_width") + 4.0f * masc + 3.0f * weight;
  const float jawWidth = v("jaw_width") + 5.0f * masc + 5.0f * weight;
  const float fullness = v("cheek_fullness") + 3.0f * weight - 1.5f * age;
  const float chinWidth = v("chin_width") + 2.0f * masc;
  const float browY = eyeY + 17.0f + v("brow_height");
  const float ridge = v("brow_ridge") + 1.8f * masc;
  m_loft = {
      {menton.y(), 20.0f + chinWidth, menton.z(), 2.0f},
      {menton.y() + 12.0f + 0.4f * v("chin_height"), 0.5f * jawWidth - 10.0f + chinWidth,
       menton.z() + 15.0f + 0.4f * v("chin_protrusion"), 2.2f},
      {m_stomion.y() - 17.0f, 0.5f * jawWidth + 0.3f * fullness, m_stomion.z() - 8.0f, 2.4f},
      {m_stomion.y(), 0.5f * jawWidth + 5.0f + 0.5f * fullness, m_stomion.z() - 3.0f, 2.4f},
      {m_subnasale.y(), 0.5f * faceWidth - 7.0f + 0.3f * fullness, m_subnasale.z() - 6.0f, 2.6f},
      {eyeY - 14.0f, 0.5f * faceWidth, faceDepth - 4.0f, 2.8f},
      {eyeY, 0.5f * faceWidth - 2.0f, faceDepth - 6.0f, 2.8f},
      {browY, 0.5f * v("forehead_width") + 4.0f, faceDepth - 1.0f + 0.5f * ridge, 2.6f},
      {browY + 25.0f + v("forehead_height"), 0.5f * v("forehead_width") - 8.0f,
       faceDepth - 12.0f - 0.5f * v("forehead_slope"), 2.4f},
      {browY + 60.0f + v("forehead_height"), 0.5f * v("forehead_width") - 30.0f,
       faceDepth - 45.0f - v("forehead_slope"), 2.2f},
  };
  m_loftTop = browY + 35.0f + v("forehead_height");
  // The jaw's underside: a plane from below the chin back up to the jaw's angle.
  const float gonionY = -72.0f - v("jaw_angle_height") - 3.0f * age;
  const Vec3f gonion(0.0f, gonionY, 4.0f - v("jaw_angle_flare"));
  m_jawPlanePoint = menton;
  const Vec3f jawLine = (gonion - menton).normalized();
  m_jawPlaneNormal = Vec3f(0.0f, -jawLine.z(), jawLine.y()).normalized();
  if (m_jawPlaneNormal.y() > 0.0f) {
    m_jawPlaneNormal = -m_jawPlaneNormal;
  }

  // Local forms, as displacements of the base: bone and fat under the skin. Front features
  // are placed on the base surface as seen from the front, so they stay on the skin
  // whatever the measurements (`front(x, y)`).
  m_bumps.clear();
  auto front = [&](float x, float y, float dz = 0.0f) {
    Vec3f point = frontPoint(x, y);
    point.z() += dz;
    return point;
  };
  const Vec3f eye = m_eye[1];
  const float fold = v("upper_lid_fold");
  const float lowerLid = v("lower_lid_fullness");
  // Orbits: the hollow around each globe, deeper under the brow for a stronger lid fold.
  addPairBump(eye + Vec3f(2.0f, 3.0f + 0.8f * fold, 12.0f), Vec3f(13.5f, 11.0f, 9.0f),
              -4.5f - 0.8f * fold + 0.8f * weight + 0.8f * (v("eye_depth") - masc));
  // The medial canthal hollow: between the nose's side wall and the inner corner of each
  // eye, the skin falls back to the corner instead of standing in front of it as a shelf.
  addPairBump(front(eye.x() - 18.5f, eye.y() - 3.0f, -2.0f), Vec3f(5.0f, 5.0f, 8.0f), -4.0f);
  // Brow ridge over each orbit, and the glabella between them.
  addPairCrease(front(12.0f, browY - 1.0f, -2.0f), front(44.0f, browY + 1.0f, -3.0f),
                Vec3f(10.0f, 6.0f, 8.0f), std::max(1.5f + ridge, 0.3f));
  addBump(front(0.0f, browY - 4.0f, -1.0f), Vec3f(10.0f, 8.0f, 8.0f), 0.8f + 0.5f * ridge);
  // The radix: the hollow at the nasion between the glabella and the nose's dorsum, so the
  // nose starts below the brow (nasofrontal angle near 130 degrees) instead of running on
  // from the forehead.
  addBump(front(0.0f, nasion.y() - 1.5f, -1.0f), Vec3f(8.0f, 5.0f, 8.0f),
          -3.5f + 0.5f * v("nose_bridge_height"));
  // Temples.
  addPairBump(Vec3f(0.5f * v("forehead_width") + 6.0f, eyeY + 22.0f, faceDepth - 45.0f),
              Vec3f(14.0f, 18.0f, 16.0f), -2.0f - v("temple_depth") + 1.0f * weight);
  // Cheekbones: the malar eminence below the outer eye, and the arch toward the ear.
  const float cheekY = eyeY - 20.0f + v("cheekbone_height");
  addPairBump(front(0.5f * faceWidth - 26.0f, cheekY, -3.0f), Vec3f(15.0f, 11.0f, 12.0f),
              2.5f + v("cheekbone_prominence") + 0.5f * masc);
  addPairCrease(Vec3f(0.5f * faceWidth - 14.0f, cheekY + 3.0f, eyeZ - 8.0f),
                Vec3f(0.5f * v("head_breadth") - 8.0f, eyeY - 12.0f, 12.0f), Vec3f::Constant(10.0f),
                0.5f + 0.3f * v("cheekbone_prominence"));
  // Lower lid and the tear trough below it.
  addPairCrease(front(eye.x() - 10.0f, eye.y() - 13.0f, -1.0f),
                front(eye.x() + 10.0f, eye.y() - 12.0f, -1.0f), Vec3f(6.0f, 5.0f, 8.0f),
                -0.3f - 0.6f * age + 0.4f * lowerLid);
  // The cheek's fat pad, over the nasolabial fold, lower and fuller with age and weight.
  const float nasolabial = v("nasolabial_depth") + 0.8f * age;
  addPairBump(front(24.0f + 0.1f * faceWidth, m_subnasale.y() + 4.0f - 3.0f * age, -4.0f),
              Vec3f(15.0f, 16.0f, 12.0f), 2.0f + 0.6f * fullness + 1.0f * nasolabial);
  // The nasolabial fold, from beside the nose's wing to past the mouth's corner.
  addPairCrease(front(0.5f * v("nose_width") + 5.0f, m_subnasale.y() + 6.0f, -1.0f),
                front(0.5f * mouthWidth + 6.0f, m_stomion.y() - 8.0f, -1.0f),
                Vec3f(6.0f, 6.0f, 8.0f), -0.35f - 0.6f * nasolabial);
  // Below the cheekbone: a hollow on lean faces, filled by weight.
  addPairBump(Vec3f(0.5f * faceWidth - 14.0f, m_stomion.y() + 8.0f, eyeZ - 24.0f),
              Vec3f(14.0f, 16.0f, 14.0f), -1.2f + 0.4f * fullness + 1.5f * weight - 0.8f * masc);
  // Jowls with age and weight, along the jaw in front of its angle.
  addPairBump(Vec3f(0.5f * jawWidth - 8.0f, m_stomion.y() - 24.0f, eyeZ - 10.0f),
              Vec3f(12.0f, 10.0f, 12.0f), 1.0f * age + 1.2f * weight);
  // The jaw's angle and the masseter over it.
  addPairBump(Vec3f(0.5f * jawWidth + v("jaw_angle_flare"), gonionY + 12.0f, 12.0f),
              Vec3f(10.0f, 14.0f, 14.0f), 1.5f + 1.5f * masc);
  // The mouth's frame: the orbicularis round the lips, the sulcus below, the chin's pad.
  // The mouth stands forward on the dental arch: a broad dome from the nose to the chin.
  addBump(front(0.0f, m_stomion.y() - 1.0f, -4.0f), Vec3f(24.0f, 19.0f, 12.0f),
          3.5f + 0.5f * lipForward);
  addCrease(front(-9.0f, m_stomion.y() - 15.0f, -1.0f), front(9.0f, m_stomion.y() - 15.0f, -1.0f),
            Vec3f(3.5f, 3.5f, 8.0f), -2.6f);
  addBump(front(0.0f, menton.y() + 13.0f + 0.4f * v("chin_height"), -2.0f),
          Vec3f(11.0f + 0.6f * chinWidth, 9.0f, 8.0f), 2.8f + 0.3f * v("chin_protrusion"));
  // The philtrum: a groove between two columns from the columella to the cupid's bow.
  m_philtrumHalfWidth = 0.5f * v("philtrum_width");
  const float bowY = m_stomion.y() + v("upper_vermilion") - 0.8f * age;
  addCrease(front(0.0f, m_subnasale.y() - 3.0f), front(0.0f, bowY + 2.0f), Vec3f(2.0f, 2.0f, 6.0f),
            -0.8f);
  addPairCrease(front(0.5f * m_philtrumHalfWidth + 0.5f, m_subnasale.y() - 3.0f),
                front(0.8f * m_philtrumHalfWidth, bowY), Vec3f(1.8f, 1.8f, 6.0f), 0.8f);
  // Sex-typical: a fuller forehead and softer brow on female-typical faces.
  addBump(front(0.0f, browY + 22.0f, -4.0f), Vec3f(28.0f, 18.0f, 14.0f), -0.8f * masc);

  // Nose solids. The bony and cartilage vault (the dorsum and the side walls down to the
  // cheeks) widens from the root to the base, where the lobule sits on it: the tip, the
  // columella under it, and the alae, wings that wrap back from the tip to the face and
  // meet it in a crease (see noseDistance and noseBlendRadius).
  const float bridge = v("nose_bridge_width") + 1.0f * masc;
  m_noseBridge = {nasion + Vec3f(0.0f, -1.0f, -4.5f + v("nose_bridge_height")),
                  m_noseTip + Vec3f(0.0f, 5.0f, -5.0f + 0.6f * v("nose_hump")), bridge * 0.42f,
                  5.5f};
  const float tip = v("nose_tip_size");
  m_noseTipBall = {m_noseTip - Vec3f(0.0f, 0.5f, tip * 0.9f),
                   Vec3f(tip * 0.85f, tip * 0.85f, tip * 0.9f)};
  m_columella = {m_noseTip + Vec3f(0.0f, -5.0f, -5.0f), m_subnasale + Vec3f(0.0f, 1.0f, -1.0f),
                 2.8f, 3.2f};
  const float flare = v("nostril_flare");
  // The vault's ridge runs along the dorsum's front, seen in horizontal section: the dorsum
  // leans forward, so there its front stands r / cos(lean) ahead of its axis.
  const Vec3f dorsum = (m_noseBridge.b - m_noseBridge.a).normalized();
  const float lean = std::abs(dorsum.y());
  const Vec3f ridgeTop =
      m_noseBridge.a + (3.0f / lean) * dorsum + Vec3f(0.0f, 0.0f, m_noseBridge.ra / lean);
  const Vec3f ridgeBottom = m_noseBridge.b + Vec3f(0.0f, 0.0f, m_noseBridge.rb / lean);
  m_vault = {ridgeTop,
             ridgeBottom,
             0.5f * bridge + 2.5f,
             0.5f * std::abs(m_alare[1].x() - m_alare[0].x()) - 3.0f,
             8.0f,
             23.0f};
  for (int side = 0; side < 2; ++side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    const float halfWidth = std::abs(m_alare[side].x());
    // Each ala runs from its base on the cheek forward and in to the tip.
    const Vec3f alarBase(sx * (halfWidth - 4.8f + 0.5f * flare), m_subnasale.y() + 5.5f,
                         m_subnasale.z() - 4.0f);
    const Vec3f alarFront(sx * 6.0f, m_subnasale.y() + 6.0f, m_subnasale.z() + 7.0f);
    m_ala[side] = {0.5f * (alarBase + alarFront), (alarFront - alarBase).normalized(),
                   Vec3f(4.3f + 0.3f * flare, 6.0f, 0.5f * (alarFront - alarBase).norm() + 3.5f)};
    m_nostril[side] = {Vec3f(sx * 6.0f, m_subnasale.y() + 2.5f, m_subnasale.z() + 3.5f),
                       Vec3f(-sx * 4.0f, 0.6f, 11.0f).normalized(),
                       Vec3f(2.8f + 0.3f * flare, 2.5f, 5.5f)};
  }

  // Lips: raised over the mouth's frame between the stomion line and the vermilion
  // borders (see lipHeight).
  m_mouthHalfWidth = mouthWidth * 0.5f;
  m_upperVermilion = std::max(v("upper_vermilion") - 0.8f * masc - 1.2f * age, 2.5f);
  m_lowerVermilion = std::max(v("lower_vermilion") - 0.8f * masc - 1.2f * age, 3.0f);
  m_cupidBow = std::max(v("cupid_bow"), 0.0f);
  m_lipFullness = 4.0f + 0.25f * lipForward;

  // Neck, shoulders and chest.
  const float neckWidth = v("neck_width") + 10.0f * masc + 6.0f * weight;
  const float neckDepth = v("neck_depth") + 8.0f * masc + 6.0f * weight;
  // Narrower at the top, and back, so the jaw's angle and lower border stand out over it.
  m_neck = {Vec3f(0.0f, -40.0f, -12.0f), Vec3f(0.0f, -245.0f - v("neck_length"), -6.0f),
            neckWidth * 0.44f, neckWidth * 0.52f};
  m_neckSquash = neckWidth / std::max(neckDepth, 1.0f);
  for (int side = 0; side < 2; ++side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    m_sternoMastoid[side] = {Vec3f(sx * 46.0f, -30.0f, -20.0f),
                             Vec3f(sx * 14.0f, -232.0f - v("neck_length"), 42.0f), 12.0f, 9.0f};
  }
  // Bounding spheres of the nose's and the lips' solids (see faceDistance).
  m_noseBound = 0.5f * (nasion + m_subnasale);
  m_noseBoundRadius = 0.0f;
  for (const Vec3f& corner : {nasion, m_noseTip, m_subnasale, m_alare[0], m_alare[1]}) {
    m_noseBoundRadius = std::max(m_noseBoundRadius, (corner - m_noseBound).norm());
  }
  m_noseBoundRadius += 16.0f;
  const float shoulderWidth = v("shoulder_width") + 25.0f * masc;
  const float shoulderY = -238.0f - v("neck_length") - v("shoulder_slope");
  m_shoulders = {Vec3f(-(shoulderWidth * 0.5f - 45.0f), shoulderY, -22.0f),
                 Vec3f(shoulderWidth * 0.5f - 45.0f, shoulderY, -22.0f), 46.0f, 46.0f};
  m_chest = {Vec3f(0.0f, shoulderY - 60.0f, 2.0f),
             Vec3f(shoulderWidth * 0.5f - 40.0f, 90.0f, 95.0f + 8.0f * weight)};
  m_adamsApple = {Vec3f(0.0f, -124.0f - 0.3f * v("neck_length"), 35.0f),
                  Vec3f(9.0f, 13.0f, 7.5f) * std::clamp(0.35f + 0.75f * masc, 0.05f, 1.6f)};
}

float HeadSculpt::lipLine(float s) const {
  return m_stomion.y() + (m_mouthCorner[1].y() - m_stomion.y()) * s * s;
}

float HeadSculpt::lipBorderHeight(bool upper, float s) const {
  // The red keeps most of its height over the middle two thirds and closes quickly into
  // the corners, below as above; the upper border also carries the cupid's bow.
  const float q = std::max(1.0f - s * s, 0.0f);
  if (!upper) {
    return m_lowerVermilion * std::pow(q, 0.65f);
  }
  const float taper = std::pow(q, 0.65f);
  // The cupid's bow: two peaks either side of a dip at the midline.
  // The peaks sit under the philtrum's columns, as wide as the philtrum.
  const float a = std::abs(s);
  const float peak = m_philtrumHalfWidth / m_mouthHalfWidth;
  const float bow = 1.8f * m_cupidBow *
                    (std::exp(-std::pow((a - peak) / (0.55f * peak), 2.0f)) -
                     0.7f * std::exp(-std::pow(a / (0.35f * peak), 2.0f)));
  return m_upperVermilion * taper + bow * taper;
}

float HeadSculpt::lipHeight(const Vec3f& p) const {
  const float s = p.x() / m_mouthHalfWidth;
  if (std::abs(s) >= 1.0f || p.z() < m_stomion.z() - 40.0f) {
    return 0.0f;
  }
  const float gate = smoothstep(m_stomion.z() - 36.0f, m_stomion.z() - 22.0f, p.z());
  const float taper = std::pow(std::max(1.0f - s * s, 0.0f), 0.55f);
  const float v = p.y() - lipLine(s);
  const bool upper = v > 0.0f;
  const float border = std::max(lipBorderHeight(upper, s), 0.5f);
  const float t = std::abs(v) / border;
  float height;
  if (upper) {
    // In profile the upper vermilion slants down and back from its border to the
    // stomion; above the border the skin of the lip falls back to the subnasale
    // (the philtrum's slope), with the white roll as a low ridge on the border.
    const float full = m_lipFullness * taper;
    if (t <= 1.0f) {
      height = full * (1.0f - 0.85f * std::pow(1.0f - t, 1.8f));
    } else {
      const float skin = std::max(m_subnasale.y() - lipLine(s) - border, 4.0f);
      const float u = std::clamp((v - border) / skin, 0.0f, 1.0f);
      height = full * (1.0f - u) * (1.0f - u) * (1.0f + 2.0f * u);
    }
    const float bow = border - m_upperVermilion * std::pow(std::max(1.0f - s * s, 0.0f), 0.65f);
    height += taper * (0.3f + 0.4f * bow) * std::exp(-std::pow((v - border) / 1.2f, 2.0f));
  } else {
    // The lower vermilion is a pillow, fullest past its middle, that rolls under at its
    // border into the skin's curve down to the mentolabial sulcus.
    const float full = 0.8f * m_lipFullness * taper;
    if (t <= 0.6f) {
      height = full * (0.15f + 0.85f * std::sin(0.5f * std::numbers::pi_v<float> * t / 0.6f));
    } else if (t <= 1.0f) {
      height = full * (1.0f - 0.15f * std::pow((t - 0.6f) / 0.4f, 2.0f));
    } else {
      height = 0.85f * full * std::exp(-std::pow((std::abs(v) - border) / 2.6f, 2.0f));
    }
  }
  return gate * height;
}

namespace {

/// Blends a left-right pair of solids into `d`: the pair first, so mirror points agree.
float blendPair(float d, float right, float left, float k) {
  return smoothMin(d, smoothMin(right, left, k), k);
}

}  // namespace

float HeadSculpt::noseDistance(const Vec3f& p) const {
  auto capsule = [&](const Capsule& c) { return roundCone(p, c.a, c.b, c.ra, c.rb); };
  // The vault: a wedge whose walls slope from the dorsum's ridge down to the cheeks, its
  // ridge rounded by the dorsum. Measured across, in the horizontal section through p.
  const Vault& vault = m_vault;
  const float t =
      std::clamp((vault.top.y() - p.y()) / (vault.top.y() - vault.bottom.y()), -0.3f, 1.4f);
  Vec3f ridge = vault.top + t * (vault.bottom - vault.top);
  // Below its end the ridge falls back under the lobule, smoothly.
  const float below = std::max(vault.bottom.y() - p.y(), 0.0f);
  ridge.z() -= 1.5f * below * below / (below + 4.0f);
  const float halfWidth = vault.topHalfWidth + t * (vault.bottomHalfWidth - vault.topHalfWidth);
  const float depth = vault.topDepth + t * (vault.bottomDepth - vault.topDepth);
  // In section the vault is a wedge with its ridge rounded to the dorsum's radius r, the
  // walls running on from the round as its tangents: the points within r of a sharp wedge
  // whose apex is r under the ridge; steeper toward the base (see m_vault). A round
  // standing on the walls instead, as the dorsum alone did, showed a shoulder along each
  // side, the steepest part of the wall, and the nose read as a box from the front.
  const float slope = depth / halfWidth;
  const float round =
      m_noseBridge.ra + std::clamp(t, 0.0f, 1.0f) * (m_noseBridge.rb - m_noseBridge.ra);
  const float across = std::abs(p.x());
  const float up = p.z() - (ridge.z() - round);
  float wedge = across <= slope * up ? std::hypot(across, up)
                                     : (slope * across + up) / std::sqrt(1.0f + slope * slope);
  wedge -= round;
  // The ridge leans, so a horizontal distance overstates the true one: scale it back.
  wedge *= 0.8f;
  // The walls end a little past halfWidth, in a broad round down to the cheeks.
  wedge = smoothMax(wedge, std::abs(p.x()) - halfWidth - 4.0f, 8.0f);
  wedge = smoothMax(wedge, p.y() - vault.top.y(), 6.0f);
  wedge = smoothMax(wedge, vault.bottom.y() - 9.0f - p.y(), 6.0f);
  // A tight blend: along the dorsum the two surfaces nearly coincide, and a wide one would
  // swell the ridge over the walls again.
  float d = smoothMin(capsule(m_noseBridge), wedge, 1.0f);
  // The lobule: the tip over the columella, and the alae, joined to the tip by a shallow
  // crease over each wing.
  float lobule = ellipsoid(p, m_noseTipBall.center, m_noseTipBall.radii);
  lobule = smoothMin(lobule, capsule(m_columella), 3.0f);
  auto turned = [&](const TurnedEllipsoid& e) {
    const Vec3f q = p - e.center;
    const Vec3f across = Vec3f(0.0f, 1.0f, 0.0f).cross(e.axis).normalized();
    return ellipsoid(Vec3f(q.dot(across), q.y(), q.dot(e.axis)), Vec3f::Zero(), e.radii);
  };
  auto ala = [&](int side) { return turned(m_ala[side]); };
  lobule = blendPair(lobule, ala(0), ala(1), 3.0f);
  d = smoothMin(d, lobule, 5.0f);
  return d;
}

float HeadSculpt::noseBlendRadius(const Vec3f& p) const {
  // Soft where the vault meets the cheeks and brow; a tight crease round each ala's base.
  float crease = 0.0f;
  for (const TurnedEllipsoid& ala : m_ala) {
    const Vec3f base = ala.center - (ala.radii.z() - 3.5f) * ala.axis;
    crease = std::max(crease, std::exp(-(p - base).squaredNorm() / 64.0f));
  }
  return 8.0f - 4.0f * crease;
}

void HeadSculpt::addBump(const Vec3f& center, const Vec3f& radii, float height) {
  addCrease(center, center, radii, height);
}

void HeadSculpt::addCrease(const Vec3f& a, const Vec3f& b, const Vec3f& radii, float height) {
  // The kernel is cut off at 3 radii (see bumps()), so nothing farther than that from the
  // segment can feel it.
  m_bumps.push_back(
      {a, b, radii, height, 0.5f * (a + b), 0.5f * (b - a).norm() + 3.0f * radii.maxCoeff()});
}

void HeadSculpt::addPairBump(const Vec3f& leftCenter, const Vec3f& radii, float height) {
  addBump(mirrored(leftCenter, 0), radii, height);
  addBump(leftCenter, radii, height);
}

void HeadSculpt::addPairCrease(const Vec3f& leftA, const Vec3f& leftB, const Vec3f& radii,
                               float height) {
  addCrease(mirrored(leftA, 0), mirrored(leftB, 0), radii, height);
  addCrease(leftA, leftB, radii, height);
}

float HeadSculpt::bumps(const Vec3f& p) const {
  float sum = 0.0f;
  for (const Bump& bump : m_bumps) {
    if ((p - bump.middle).squaredNorm() >= bump.reach * bump.reach) {
      continue;
    }
    // In the space where the kernel's radii are 1, the nearest point of its segment.
    Vec3f q = (p - bump.a).cwiseQuotient(bump.radii);
    if (bump.a != bump.b) {
      const Vec3f ab = (bump.b - bump.a).cwiseQuotient(bump.radii);
      q -= std::clamp(q.dot(ab) / ab.squaredNorm(), 0.0f, 1.0f) * ab;
    }
    const float r2 = q.squaredNorm();
    if (r2 < 9.0f) {
      sum += bump.height * std::exp(-r2);
    }
  }
  return sum;
}

float HeadSculpt::loftDistance(const Vec3f& p) const {
  // The section's size at a height: a cubic through the rows (Catmull-Rom tangents).
  auto section = [&](float y) {
    const auto& rows = m_loft;
    y = std::clamp(y, rows.front().y, rows.back().y);
    std::size_t k = 0;
    while (k + 2 < rows.size() && rows[k + 1].y < y) {
      ++k;
    }
    const float h = std::max(rows[k + 1].y - rows[k].y, 1e-3f);
    const float t = std::clamp((y - rows[k].y) / h, 0.0f, 1.0f);
    auto channel = [&](auto member) {
      auto at = [&](std::size_t i) { return rows[i].*member; };
      const std::size_t last = rows.size() - 1;
      auto slope = [&](std::size_t i) {  // per unit y
        const std::size_t lo = i == 0 ? 0 : i - 1;
        const std::size_t hi = i == last ? last : i + 1;
        return (at(hi) - at(lo)) / std::max(rows[hi].y - rows[lo].y, 1e-3f);
      };
      const float t2 = t * t;
      const float t3 = t2 * t;
      return (2 * t3 - 3 * t2 + 1) * at(k) + (t3 - 2 * t2 + t) * h * slope(k) +
             (-2 * t3 + 3 * t2) * at(k + 1) + (t3 - t2) * h * slope(k + 1);
    };
    return std::array<float, 3>{channel(&LoftRow::halfWidth), channel(&LoftRow::front),
                                channel(&LoftRow::exponent)};
  };
  constexpr float kBack = 25.0f;
  auto level = [&](float y) {
    const auto [a, front, n] = section(y);
    const float x = std::abs(p.x()) / a;
    const float z = p.z() > 0.0f ? p.z() / front : -p.z() / kBack;
    const float f = std::pow(std::pow(x, n) + std::pow(z, n), 1.0f / n);
    return std::array<float, 4>{f, a, front, n};
  };
  const auto [f, a, front, n] = level(p.y());
  const float fs = std::max(f, 1e-3f);
  const float x = std::abs(p.x()) / a;
  const float z = std::abs(p.z()) / (p.z() > 0.0f ? front : kBack);
  const float common = std::pow(fs, 1.0f - n);
  const float gx = common * std::pow(x, n - 1.0f) / a;
  const float gz = common * std::pow(z, n - 1.0f) / (p.z() > 0.0f ? front : kBack);
  const float gy = 0.5f * (level(p.y() + 1.0f)[0] - level(p.y() - 1.0f)[0]);
  float d = (f - 1.0f) / std::max(std::sqrt(gx * gx + gy * gy + gz * gz), 1e-4f);
  // Closed above by the forehead and below by the jaw's underside.
  d = smoothMax(d, p.y() - m_loftTop, 20.0f);
  d = smoothMax(d, (p - m_jawPlanePoint).dot(m_jawPlaneNormal), 7.0f);
  return d;
}

float HeadSculpt::baseDistance(const Vec3f& p) const {
  float d = ellipsoid(p, m_cranium.center, m_cranium.radii);
  d = smoothMin(d, ellipsoid(p, m_forehead.center, m_forehead.radii), 25.0f);
  d = smoothMin(d, ellipsoid(p, m_occiput.center, m_occiput.radii), 30.0f);
  // The loft lies below its top plane and above the jaw's underside: where those bounds
  // alone put it past the blend, it cannot change the result (smoothMin is then min).
  constexpr float kBlend = 24.0f;
  const float bound = std::max(p.y() - m_loftTop, (p - m_jawPlanePoint).dot(m_jawPlaneNormal));
  if (bound >= d + kBlend) {
    return d;
  }
  return smoothMin(d, loftDistance(p), kBlend);
}

Vec3f HeadSculpt::frontPoint(float x, float y) const {
  // Sphere-trace the base from in front of the face, then bisect the last step.
  float z = 220.0f;
  float outside = z;
  for (int step = 0; step < 200; ++step) {
    const float d = baseDistance(Vec3f(x, y, z));
    if (d < 0.0f) {
      break;
    }
    outside = z;
    z -= std::max(0.8f * d, 0.1f);
  }
  float inside = z;
  for (int i = 0; i < 20; ++i) {
    const float mid = 0.5f * (inside + outside);
    (baseDistance(Vec3f(x, y, mid)) < 0.0f ? inside : outside) = mid;
  }
  return Vec3f(x, y, 0.5f * (inside + outside));
}

float HeadSculpt::orbitOpening(const Vec3f& p, int side) const {
  const Vec3f q = p - m_eye[side];
  const float temporal = (side == 0 ? -1.0f : 1.0f) * q.x();
  // An elliptic cone forward from the globe's centre, wider toward the temple and above
  // the eye than toward the nose and below it, ended by a sphere.
  const float tanAcross = temporal > 0.0f ? 2.2f : 1.9f;
  // Above, it is lower toward the nose, under the brow's inner end.
  const float tanUp = q.y() > 0.0f ? 1.2f + 0.3f * smoothstep(-8.0f, 8.0f, temporal) : 0.9f;
  const float cone = 0.6f * (std::hypot(temporal / tanAcross, q.y() / tanUp) - q.z());
  // Toward the nose it ends 3 mm short of the inner canthus, leaving the nose's side alone.
  const float medial = std::abs(m_innerCanthus[side].x() - m_eye[side].x()) - 3.0f;
  return std::max({cone, q.norm() - m_orbitReach, -temporal - medial});
}

float HeadSculpt::medialOrbit(const Vec3f& p, int side) const {
  // In the inner canthus's frame: across toward the temple, up, and ahead (+z).
  const Vec3f& corner = m_innerCanthus[side];
  const float across = (side == 0 ? -1.0f : 1.0f) * (p.x() - corner.x());
  const float up = p.y() - corner.y();
  // A wall through the corner that rises toward the nose, 1.2 mm forward for each mm in.
  // Higher up it comes forward (1.5 mm per mm from 6 mm above the corner) and out (0.6 mm
  // per mm from 3 mm above), so the cut runs out on the brow instead of ending in a ledge.
  constexpr float kSlope = 1.2f;
  const float ahead = p.z() - corner.z() - 1.5f * std::max(up - 6.0f, 0.0f);
  const float shift = 0.6f * std::max(up - 3.0f, 0.0f);
  const float wall = -(kSlope * (across - shift) + ahead) / std::hypot(1.0f, kSlope);
  // Never deeper than 2 mm in front of the corner, which leaves the lids' pockets round it
  // their room (cut to the corner's depth, extreme identities folded them there); and only
  // from the nose's side to 2 mm past the corner, from 10 mm below it to 18 mm above.
  const float floor = 2.0f - ahead;
  const float window = 8.0f * (std::hypot((across + 6.0f) / 8.0f, (up - 4.0f) / 14.0f) - 1.0f);
  return std::max({wall, floor, window});
}

float HeadSculpt::faceDistance(const Vec3f& p) const {
  float d = baseDistance(p) - bumps(p) - lipHeight(p);
  // The orbits: the face is cut back round each globe, so the lids below lie on the globe
  // (their margins about a millimetre in front of it, the cornea standing out past them in
  // profile) and the skin falls from the brow and the cheek into the lids.
  d = smoothMax(d, -orbitOpening(p, 0), 8.0f);
  d = smoothMax(d, -orbitOpening(p, 1), 8.0f);
  // Between the nose and each inner canthus the skin slopes back to the corner: without
  // this cut it stood flat in front of the corner and fell off at the opening's medial
  // edge, a plank between the eyes.
  d = smoothMax(d, -medialOrbit(p, 0), 6.0f);
  d = smoothMax(d, -medialOrbit(p, 1), 6.0f);
  // The lids over the globes.
  d = blendPair(d, (p - m_eye[0]).norm() - m_lidRadius, (p - m_eye[1]).norm() - m_lidRadius, 5.0f);
  // The nose and lips only matter near them: skip them where their bounding spheres show
  // they cannot change the blended distance (a smooth union is min(a, b) when b >= a + k).
  if ((p - m_noseBound).norm() - m_noseBoundRadius < d + 8.0f) {
    // The nose's underside stays closed: the skin's mesh opens the nostrils as holes
    // that continue up into the nose as tubes (rays onto the sculpt could not follow
    // them in).
    d = smoothMin(d, noseDistance(p), noseBlendRadius(p));
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

float HeadSculpt::lipBorderY(bool upper, float s) const {
  s = std::clamp(s, -1.0f, 1.0f);
  return lipLine(s) + (upper ? 1.0f : -1.0f) * lipBorderHeight(upper, s);
}

Vec3f HeadSculpt::lipBorder(bool upper, float s) const {
  s = std::clamp(s, -1.0f, 1.0f);
  const float y = lipBorderY(upper, s);
  const float x = s * m_mouthHalfWidth;
  // The surface point there, seen from the front.
  return castRayFromOutside(Vec3f(x, y, m_stomion.z() - 40.0f), Vec3f(0.0f, 0.0f, 1.0f), 60.0f);
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
