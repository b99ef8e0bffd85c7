#include "render/skin_marks.h"

#include "render/procedural_noise.h"

#include <algorithm>
#include <cmath>

namespace sf {

namespace {

using V3 = Eigen::Vector3f;

/// The cross-section of a line: a soft groove `depth` deep, `width` across (mm), at
/// distance `d` from its middle.
float groove(float d, float width, float depth) {
  const float x = d / width;
  return x > 3.0f ? 0.0f : -depth * std::exp(-x * x);
}

/// 1 inside [a, b], falling to 0 over `fade` beyond either end.
float within(float t, float a, float b, float fade) {
  const float outside = std::max(a - t, t - b);
  return std::clamp(1.0f - outside / fade, 0.0f, 1.0f);
}

/// Distance from `p` to the segment a-b in the front view (x, y), and where along it
/// (0 at a, 1 at b) the nearest point is.
float segmentDistance(const V3& p, const V3& a, const V3& b, float& along) {
  const Eigen::Vector2f q(p.x() - a.x(), p.y() - a.y());
  const Eigen::Vector2f ab(b.x() - a.x(), b.y() - a.y());
  along = std::clamp(q.dot(ab) / std::max(ab.squaredNorm(), 1e-6f), 0.0f, 1.0f);
  return (q - along * ab).norm();
}

}  // namespace

SkinMarks SkinMarks::create(std::span<const Eigen::Vector3f> landmarks, float wrinkles, float moles,
                            std::uint32_t seed) {
  SkinMarks marks;
  marks.m_wrinkles = std::clamp(wrinkles, 0.0f, 1.0f);
  marks.m_moles = std::clamp(moles, 0.0f, 1.0f);
  marks.m_seed = seed;
  if (landmarks.size() < 68) {
    return marks;
  }
  marks.m_placed = true;
  const auto at = [&](int i) { return landmarks[static_cast<std::size_t>(i)]; };
  marks.m_centreX = 0.5f * (at(21).x() + at(22).x());
  marks.m_span = std::abs(at(26).x() - at(17).x());
  marks.m_browTop = -1e9f;
  for (int i = 17; i <= 26; ++i) {
    marks.m_browTop = std::max(marks.m_browTop, at(i).y());
  }
  marks.m_browInner = 0.5f * (at(21).y() + at(22).y());
  marks.m_foreheadZ = at(27).z();
  // Index 0 is the subject's right (the image's left): eye 36..41, wing 31, corner 48.
  marks.m_outerCanthus[0] = at(36);
  marks.m_outerCanthus[1] = at(45);
  marks.m_lowerLid[0] = 0.5f * (at(40) + at(41));
  marks.m_lowerLid[1] = 0.5f * (at(46) + at(47));
  marks.m_eyeWidth[0] = (at(39) - at(36)).norm();
  marks.m_eyeWidth[1] = (at(45) - at(42)).norm();
  marks.m_wing[0] = at(31);
  marks.m_wing[1] = at(35);
  marks.m_mouthCorner[0] = at(48);
  marks.m_mouthCorner[1] = at(54);
  marks.m_upperLipTop = std::max({at(50).y(), at(51).y(), at(52).y()});
  marks.m_chin = at(8);
  return marks;
}

float SkinMarks::lineRelief(const Eigen::Vector3f& p) const {
  const float w = m_wrinkles;
  if (!m_placed || w <= 0.0f) {
    return 0.0f;
  }
  const float x = p.x() - m_centreX;
  float relief = 0.0f;
  // Where a line breaks and picks up again: lines are not drawn with a ruler.
  const auto broken = [&](float u, float v, std::uint32_t salt) {
    return std::clamp(0.6f + 0.8f * valueNoise(V3(u, v, 0.5f), m_seed + salt), 0.3f, 1.0f);
  };

  // Forehead: three to four lines above the brows, arched a little over each brow, on the
  // front of the forehead only.
  if (p.z() > m_foreheadZ - 28.0f && std::abs(x) < 0.5f * m_span) {
    const float spacing = 0.085f * m_span;
    const float arch = 1.5f * std::cos(2.0f * 3.14159265f * x / m_span);
    const float lift = p.y() - (m_browTop + 1.3f * spacing) - arch -
                       0.8f * valueNoise(V3(x / 14.0f, 0.0f, 1.5f), m_seed + 11u);
    const float k = std::round(lift / spacing);
    if (k >= 0.0f && k <= 3.0f) {
      const float d = std::abs(lift - k * spacing);
      const float strength = (1.0f - 0.18f * k) * within(std::abs(x), 0.0f, 0.36f * m_span, 10.0f) *
                             broken(x / 11.0f, k * 3.7f, 13u);
      relief += strength * groove(d, 0.7f, 0.06f + 0.24f * w);
    }
  }

  // Frown lines: two short verticals between the brows, spreading a little upward.
  if (p.z() > m_foreheadZ - 15.0f) {
    const float up = p.y() - (m_browInner - 3.0f);
    if (up > -2.0f && up < 20.0f) {
      const float spread = 0.045f * m_span + 0.12f * std::max(0.0f, up);
      const float d = std::abs(std::abs(x) - spread);
      relief += within(up, 0.0f, 14.0f, 4.0f) * groove(d, 0.45f, 0.1f * w);
    }
  }

  for (int side = 0; side < 2; ++side) {
    // Crow's feet: a fan of lines out from the eye's outer corner.
    const V3& corner = m_outerCanthus[side];
    const float lateral = (p.x() - corner.x()) * (corner.x() > m_centreX ? 1.0f : -1.0f);
    const float dy = p.y() - corner.y();
    if (lateral > 2.0f && lateral < 24.0f && std::abs(dy) < 18.0f && p.z() > corner.z() - 30.0f) {
      const float r = std::hypot(lateral, dy);
      const float theta = std::atan2(dy, lateral);
      const float step = 0.3f;
      const float j = std::round((theta + 0.55f) / step);
      if (j >= 0.0f && j <= 4.0f) {
        const float d = std::abs(theta + 0.55f - j * step) * r;
        relief += within(r, 5.0f, 15.0f, 7.0f) * broken(r / 5.0f, j * 2.3f, 17u + side) *
                  groove(d, 0.5f, 0.18f * w);
      }
    }
    // Under the eye: a shallow arc below the lower lid.
    const V3& lid = m_lowerLid[side];
    const float t = (p.x() - lid.x()) / (0.6f * m_eyeWidth[side]);
    if (std::abs(t) < 1.4f && p.z() > lid.z() - 15.0f) {
      const float arc = lid.y() - 6.0f - 2.5f * t * t;
      relief += within(std::abs(t), 0.0f, 0.9f, 0.5f) * groove(p.y() - arc, 0.8f, 0.09f * w);
    }
    // The nasolabial fold, from above the nose's wing to beside the mouth's corner; and the
    // marionette line down from the corner.
    const float sx = (m_wing[side].x() - m_centreX) > 0.0f ? 1.0f : -1.0f;
    const V3 foldTop = m_wing[side] + V3(sx * 3.0f, 3.0f, 0.0f);
    const V3 foldEnd = m_mouthCorner[side] + V3(sx * 7.0f, -7.0f, 0.0f);
    if (p.z() > m_mouthCorner[side].z() - 25.0f) {
      float along = 0.0f;
      const float d = segmentDistance(p, foldTop, foldEnd, along);
      relief += (0.4f + 0.6f * std::sin(3.14159265f * along)) * groove(d, 3.0f, 0.1f + 0.5f * w);
      const V3 start = m_mouthCorner[side] + V3(sx * 2.0f, -3.0f, 0.0f);
      const V3 end = start + V3(sx * 4.0f, -17.0f, 0.0f);
      const float dm = segmentDistance(p, start, end, along);
      relief += std::sin(3.14159265f * along) * groove(dm, 2.2f, 0.3f * w * w);
    }
  }

  // Lines over the upper lip, in older skin.
  if (w > 0.4f && std::abs(x) < 14.0f && p.z() > m_mouthCorner[0].z()) {
    const float up = p.y() - m_upperLipTop;
    if (up > -0.5f && up < 9.0f) {
      const float pitch = 2.8f;
      const float shifted = x + 0.6f * valueNoise(V3(up / 3.0f, 0.0f, 2.5f), m_seed + 23u);
      const float d = std::abs(shifted - pitch * std::round(shifted / pitch));
      relief += within(up, 0.5f, 5.0f, 3.0f) * broken(x / 3.0f, 4.1f, 29u) *
                groove(d, 0.25f, 0.06f * (w - 0.4f));
    }
  }

  // Rings round the front of the neck.
  const float below = m_chin.y() - p.y();
  if (below > 25.0f && below < 75.0f && std::abs(x) < 55.0f && p.z() > m_chin.z() - 70.0f) {
    const float curve = below - 0.006f * x * x;
    for (const float ring : {36.0f, 52.0f}) {
      relief += within(std::abs(x), 0.0f, 30.0f, 18.0f) * broken(x / 12.0f, ring, 31u) *
                groove(curve - ring, 0.9f, 0.1f * w);
    }
  }
  return relief;
}

float SkinMarks::mole(const Eigen::Vector3f& p, float& radius) const {
  radius = 0.0f;
  if (m_moles <= 0.0f) {
    return 0.0f;
  }
  // One chance of a mole per 14 mm cell; its middle and size from the cell's hash, kept
  // inside the cell so only this cell needs looking at.
  constexpr float kCell = 14.0f;
  const int cx = static_cast<int>(std::floor(p.x() / kCell));
  const int cy = static_cast<int>(std::floor(p.y() / kCell));
  const int cz = static_cast<int>(std::floor(p.z() / kCell));
  if (hashUnit(cx, cy, cz, m_seed + 41u) >= 0.08f * m_moles) {
    return 0.0f;
  }
  const V3 middle =
      kCell * V3(static_cast<float>(cx) + 0.2f + 0.6f * hashUnit(cx, cy, cz, m_seed + 42u),
                 static_cast<float>(cy) + 0.2f + 0.6f * hashUnit(cx, cy, cz, m_seed + 43u),
                 static_cast<float>(cz) + 0.2f + 0.6f * hashUnit(cx, cy, cz, m_seed + 44u));
  radius = 0.6f + 1.5f * hashUnit(cx, cy, cz, m_seed + 45u);
  const float d = (p - middle).norm() / radius;
  if (d >= 1.0f) {
    return 0.0f;
  }
  const float t = 1.0f - d;
  return std::min(1.0f, 3.0f * t * t);
}

}  // namespace sf
