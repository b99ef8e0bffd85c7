#include "assets/hair_groom.h"

#include "assets/mesh_building.h"

#include "math/counter_rng.h"
#include "math/scalar.h"
#include "render/procedural_noise.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

namespace sf {

namespace {

using V3 = Eigen::Vector3f;
constexpr float kPi = 3.14159265358979f;

/// The skull as an ellipsoid in head space: strands stay outside it.
struct Skull {
  V3 centre = V3::Zero();
  V3 radii = V3::Constant(80.0f);

  /// Moves p out to the ellipsoid grown by `offset` millimetres, if it is inside.
  V3 pushOut(const V3& p, float offset) const {
    const V3 grown = radii + V3::Constant(offset);
    const V3 q = (p - centre).cwiseQuotient(grown);
    const float n = q.norm();
    if (n >= 1.0f || n < 1e-6f) {
      return p;
    }
    return centre + grown.cwiseProduct(q / n);
  }

  /// The outward normal of the ellipsoid at the direction of p.
  V3 normal(const V3& p) const {
    return (p - centre).cwiseQuotient(radii.cwiseProduct(radii)).normalized();
  }
};

/// A frame along a tail's centreline: where it is, which way it runs, and two directions
/// across it (parallel transported, so plaits do not twist where the tail bends).
struct TailFrame {
  V3 point;
  V3 tangent;
  V3 across;
  V3 across2;
};

/// The centreline of a tail from the tie `tie` (on the skull, outward normal `out`): it
/// leaves the head along `start` and falls under `gravity`, kept `clearance` mm outside
/// the skull, for `length` mm or down to `lowestY`.
std::vector<TailFrame> tailCentreline(const Skull& skull, const V3& tie, const V3& start,
                                      const V3& down, float gravity, float length, float clearance,
                                      float lowestY) {
  std::vector<TailFrame> frames;
  const float step = 4.0f;
  V3 direction = start.normalized();
  V3 point = tie;
  V3 across = direction.cross(V3::UnitX());
  if (across.norm() < 1e-3f) {
    across = direction.cross(V3::UnitY());
  }
  across.normalize();
  for (float travelled = 0.0f; travelled <= length && point.y() > lowestY; travelled += step) {
    frames.push_back({point, direction, across, direction.cross(across)});
    const V3 next = (direction + gravity * down).normalized();
    point = skull.pushOut(point + step * next, clearance);
    // Parallel transport: turn the frame by the rotation that takes the old tangent to
    // the new one.
    const V3 turned = (point - frames.back().point).normalized();
    across = Eigen::Quaternionf::FromTwoVectors(direction, turned) * across;
    across = (across - turned * turned.dot(across)).normalized();
    direction = turned;
  }
  return frames;
}

/// Hair gathered to a tie and on into a ponytail, a bun or plaits: each strand is combed
/// over the skull from its root to its tie, then follows the tail at its own place in
/// the tail's cross-section.
class GatheredGroom {
public:
  GatheredGroom(const GroomStyle& style, const Skull& skull, const V3& down, const GroomFit& fit,
                const Eigen::Isometry3f& worldFromHead)
      : m_style(style),
        m_skull(skull),
        m_down(down),
        m_onHead(fit.onHead),
        m_worldFromHead(worldFromHead),
        m_headFromWorld(worldFromHead.inverse()) {
    const float elevation = std::clamp(style.tieHeight, -1.0f, 1.0f) * 1.35f;
    const int ties = style.gather == GroomGather::Braids ? 2 : 1;
    for (int t = 0; t < ties; ++t) {
      // On the back of the skull, or for two plaits behind each ear.
      const float side = ties == 1 ? 0.0f : (t == 0 ? -1.0f : 1.0f);
      const float around = ties == 1 ? 0.0f : 0.95f;
      const V3 unit(side * std::sin(around) * std::cos(elevation), std::sin(elevation),
                    -std::cos(around) * std::cos(elevation));
      Tie tie;
      tie.point = skull.centre + skull.radii.cwiseProduct(unit) +
                  2.0f * skull.normal(skull.centre + skull.radii.cwiseProduct(unit));
      tie.out = skull.normal(tie.point);
      if (style.gather == GroomGather::Bun) {
        tie.centre = tie.point + 0.7f * style.tailLength * tie.out;
      } else {
        // A ponytail leaves the head outward and falls; plaits hang from the start.
        const float gravity = style.gather == GroomGather::Ponytail ? 0.22f : 0.6f;
        const V3 start = style.gather == GroomGather::Ponytail ? V3(tie.out + 0.5f * down)
                                                               : V3(tie.out + 2.0f * down);
        tie.frames = tailCentreline(skull, tie.point + 3.0f * tie.out, start, down, gravity,
                                    style.tailLength, 12.0f, fit.shoulderY);
      }
      m_ties.push_back(std::move(tie));
    }
  }

  /// Grows one strand from `root` (head space) through `emit(point, along)`; `u(k)` gives
  /// the strand's uniform numbers. Returns the number of points emitted.
  template <typename Emit, typename Uniform>
  int grow(const V3& root, float layer, Uniform&& u, Emit&& emit) const {
    const Tie& tie = m_ties[m_ties.size() == 2 && root.x() > m_skull.centre.x() ? 1 : 0];
    int emitted = 0;
    // Over the skull to the tie, lying close.
    V3 p = root;
    const float step = 4.0f;
    for (int s = 0; s < 90; ++s) {
      const V3 toTie = tie.point - p;
      const V3 n = m_skull.normal(p);
      // Arrived when the tie is within a step across the head: the strand lies on the
      // head, a layer above it, while the tie sits on the skull ellipsoid.
      if ((toTie - n * n.dot(toTie)).norm() < step) {
        break;
      }
      // Toward the tie, but from the front of the head up and back over it first: the
      // straight way to a low tie would comb the hairline down over the face.
      const float front =
          std::clamp((p.z() - m_skull.centre.z()) / m_skull.radii.z() + 0.2f, 0.0f, 1.0f);
      V3 flow = toTie.normalized() + 2.0f * front * V3(0.0f, 0.8f, -0.6f);
      flow -= n * n.dot(flow);
      flow = flow.norm() > 1e-4f ? V3(flow.normalized()) : V3(toTie.normalized());
      const float lift = layer * std::min(1.0f, static_cast<float>(s + 1) / 3.0f);
      p = m_skull.pushOut(p + step * flow, lift);
      if (m_onHead) {
        // Lying on the head itself, which bulges past the ellipsoid at the forehead and
        // falls inside it at the temples.
        p = m_headFromWorld * m_onHead(m_worldFromHead * p, 0.4f + lift);
      }
      emit(p, 0.3f);
      ++emitted;
    }
    // Its place in the tail: the side it came from, at a random depth.
    const float radial = std::sqrt(u(0));
    const float spin = 2.0f * kPi * u(1);
    // A bundle of eighty thousand fibres is dozens of fibres deep: the inner half is never
    // seen and ends (tucked in) soon after the tie, which halves a tail's geometry.
    const float reach = radial < 0.7f ? 0.15f : 1.0f;
    if (m_style.gather == GroomGather::Bun) {
      const V3 axis = tie.out;
      V3 e1 = (p - tie.centre) - axis * axis.dot(p - tie.centre);
      if (e1.norm() < 1e-3f) {
        e1 = axis.cross(V3::UnitX());
      }
      e1.normalize();
      const V3 e2 = axis.cross(e1);
      const float major = 0.55f * m_style.tailLength;
      const float minor = 0.45f * m_style.tailLength * radial;
      const float turns = 1.0f + 0.5f * u(2);
      const int steps = static_cast<int>(2.0f * kPi * major * turns / step);
      const int kept = std::max(2, static_cast<int>(reach * static_cast<float>(steps)));
      for (int s = 1; s <= kept; ++s) {
        const float angle = 2.0f * kPi * turns * static_cast<float>(s) / static_cast<float>(steps);
        const V3 ring = std::cos(angle) * e1 + std::sin(angle) * e2;
        const float across = minor * std::cos(spin + 3.0f * angle);
        const float lift = minor * std::sin(spin + 3.0f * angle);
        emit(V3(tie.centre + (major + across) * ring + lift * axis),
             0.3f + 0.7f * static_cast<float>(s) / static_cast<float>(steps));
        ++emitted;
      }
      return emitted;
    }
    const bool plait = m_style.gather != GroomGather::Ponytail;
    const int rope = static_cast<int>(u(3) * 3.0f) % 3;
    const std::size_t count = tie.frames.size();
    const std::size_t kept =
        std::max<std::size_t>(2, static_cast<std::size_t>(reach * static_cast<float>(count)));
    for (std::size_t k = 0; k < std::min(count, kept); ++k) {
      const TailFrame& f = tie.frames[k];
      const float along =
          static_cast<float>(k) / static_cast<float>(std::max<std::size_t>(1, count - 1));
      const float travelled = 4.0f * static_cast<float>(k);
      V3 offset;
      if (plait) {
        // A three-strand plait: each rope weaves side to side and front to back at twice
        // the rate; the last few centimetres are loose below the band.
        const float loose = std::clamp((along - 0.88f) / 0.12f, 0.0f, 1.0f);
        const float phase = 2.0f * kPi * (travelled / 28.0f + static_cast<float>(rope) / 3.0f);
        const float width = 10.0f * (1.0f - 0.35f * along);
        const V3 ropeCentre = (1.0f - loose) * (width * std::sin(phase) * f.across +
                                                0.45f * width * std::sin(2.0f * phase) * f.across2);
        const float ropeRadius = 4.2f * (1.0f - 0.3f * along) + 8.0f * loose;
        offset = ropeCentre +
                 ropeRadius * radial * (std::cos(spin) * f.across + std::sin(spin) * f.across2);
      } else {
        const float radius = 6.0f + 18.0f * std::pow(along, 0.8f);
        const float wave = 1.5f * std::sin(travelled / 17.0f + spin);
        offset =
            (radius * radial + wave) * (std::cos(spin) * f.across + std::sin(spin) * f.across2);
      }
      emit(V3(f.point + offset), 0.3f + 0.7f * along);
      ++emitted;
    }
    return emitted;
  }

private:
  struct Tie {
    V3 point;   ///< on the skull
    V3 out;     ///< the skull's outward normal there
    V3 centre;  ///< a bun's middle
    std::vector<TailFrame> frames;
  };
  const GroomStyle& m_style;
  const Skull& m_skull;
  V3 m_down;
  std::function<V3(const V3&, float)> m_onHead;
  Eigen::Isometry3f m_worldFromHead;
  Eigen::Isometry3f m_headFromWorld;
  std::vector<Tie> m_ties;
};

/// Uniform barycentrics (b1, b2) of a triangle from two uniform numbers, folding the unit
/// square's upper half back onto the triangle.
Eigen::Vector2f triangleBarycentrics(float u1, float u2) {
  return u1 + u2 > 1.0f ? Eigen::Vector2f(1.0f - u1, 1.0f - u2) : Eigen::Vector2f(u1, u2);
}

/// A whole number of hairs with mean `expected`: its floor, plus one with the remainder's
/// probability (u uniform).
int stochasticCount(float expected, float u) {
  return static_cast<int>(expected) + (u < expected - std::floor(expected) ? 1 : 0);
}

/// How far in from the scalp's edge (mm) a hairline's density reaches full.
constexpr float kHairlineWidth = 11.0f;

/// Per vertex of `skin`, how far (mm, straight-line, over `shape`) it lies from the edge
/// of the growth region `region`, up to `cap`: the hairline's soft edge is drawn from
/// it. Corners are matched by position, so where a mesh splits a vertex along the
/// region's edge, the edge is still found.
std::vector<float> distanceToRegionEdge(const SurfaceMesh& skin, const std::vector<V3>& shape,
                                        std::uint8_t region, float cap) {
  auto key = [](const V3& p) {
    auto q = [](float v) {
      return static_cast<std::uint64_t>(std::llround(v * 100.0f) + (1 << 20)) & 0x1fffff;
    };
    return q(p.x()) | q(p.y()) << 21 | q(p.z()) << 42;
  };
  // Bit 1: a corner of a region triangle; bit 2: of another triangle.
  std::unordered_map<std::uint64_t, std::uint8_t> uses;
  std::vector<char> inRegion(shape.size(), 0);
  for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
    const bool inside = t < skin.triangleGrowth.size() && (skin.triangleGrowth[t] & region) != 0;
    for (int v : skin.triangles[t]) {
      uses[key(shape[static_cast<std::size_t>(v)])] |= inside ? 1 : 2;
      inRegion[static_cast<std::size_t>(v)] |= inside ? 1 : 0;
    }
  }
  // The edge's points, in a grid of cells `cap` wide: a vertex looks in its cell's
  // neighbourhood only.
  std::unordered_map<std::uint64_t, std::vector<V3>> cells;
  // (A cell's integer coordinates are keyed as positions a hundredth as large.)
  auto cellOf = [cap](const V3& p) { return V3((p / cap).array().floor()); };
  for (std::size_t v = 0; v < shape.size(); ++v) {
    const auto it = uses.find(key(shape[v]));
    if (inRegion[v] && it != uses.end() && it->second == 3) {
      cells[key(cellOf(shape[v]) / 100.0f)].push_back(shape[v]);
    }
  }
  std::vector<float> distance(shape.size(), 0.0f);
  for (std::size_t v = 0; v < shape.size(); ++v) {
    if (!inRegion[v]) {
      continue;
    }
    float nearest = cap * cap;
    const V3 cell = cellOf(shape[v]);
    for (int dx = -1; dx <= 1; ++dx) {
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dz = -1; dz <= 1; ++dz) {
          const V3 offset(static_cast<float>(dx), static_cast<float>(dy), static_cast<float>(dz));
          const auto it = cells.find(key((cell + offset) / 100.0f));
          if (it == cells.end()) {
            continue;
          }
          for (const V3& p : it->second) {
            nearest = std::min(nearest, (p - shape[v]).squaredNorm());
          }
        }
      }
    }
    distance[v] = std::sqrt(nearest);
  }
  return distance;
}

}  // namespace

std::span<const GroomStyle> builtinGrooms() {
  // id, name, tags, length, jitter, density, lift, volume, gravity, curl radius, curl
  // period, frizz, recession, part, fringe
  static const std::vector<GroomStyle> grooms = {
      {"buzz",
       "Buzz cut",
       {"short", "straight", "fitsUnderHeadwear"},
       5,
       0.2f,
       1.6f,
       0.15f,
       1.0f,
       0.0f,
       0,
       20,
       0.08f,
       0,
       0,
       0},
      {"crew",
       "Crew cut",
       {"short", "straight", "fitsUnderHeadwear"},
       16,
       0.25f,
       1.5f,
       0.35f,
       3.5f,
       0.1f,
       0,
       20,
       0.1f,
       0,
       0,
       0.2f},
      {"short_crop",
       "Short crop",
       {"short", "straight", "fitsUnderHeadwear"},
       35,
       0.25f,
       1.4f,
       0.25f,
       6.0f,
       0.3f,
       0,
       20,
       0.08f,
       0,
       0.6f,
       0.4f},
      {"side_part",
       "Side part",
       {"short", "straight", "fitsUnderHeadwear"},
       55,
       0.2f,
       1.4f,
       0.2f,
       7.0f,
       0.4f,
       0,
       20,
       0.05f,
       0,
       -1.0f,
       0.0f},
      {"balding",
       "Balding, short",
       {"short", "balding", "fitsUnderHeadwear"},
       14,
       0.3f,
       1.2f,
       0.3f,
       3.0f,
       0.1f,
       0,
       20,
       0.1f,
       0.75f,
       0,
       0},
      {"receding",
       "Receding hairline",
       {"short", "balding", "fitsUnderHeadwear"},
       30,
       0.25f,
       1.3f,
       0.25f,
       5.0f,
       0.3f,
       0,
       20,
       0.08f,
       0.4f,
       0,
       0},
      {"curly_short",
       "Short curls",
       {"short", "curly", "fitsUnderHeadwear"},
       45,
       0.3f,
       1.3f,
       0.7f,
       14.0f,
       0.1f,
       3.0f,
       9,
       0.15f,
       0,
       0,
       0.3f},
      {"afro",
       "Afro",
       {"medium", "coily"},
       70,
       0.2f,
       1.4f,
       0.95f,
       45.0f,
       0.0f,
       1.8f,
       4,
       0.25f,
       0,
       0,
       0.3f},
      {"bob",
       "Bob",
       {"medium", "straight"},
       150,
       0.15f,
       1.4f,
       0.15f,
       9.0f,
       0.9f,
       0,
       20,
       0.04f,
       0,
       0.5f,
       0.7f},
      {"long_straight",
       "Long, straight",
       {"long", "straight"},
       300,
       0.15f,
       1.4f,
       0.15f,
       9.0f,
       1.0f,
       0,
       20,
       0.04f,
       0,
       1.0f,
       0.0f},
      {"long_wavy",
       "Long, wavy",
       {"long", "wavy"},
       280,
       0.2f,
       1.4f,
       0.2f,
       12.0f,
       1.0f,
       5.0f,
       45,
       0.08f,
       0,
       -0.8f,
       0.0f},
      {.id = "shaved",
       .name = "Shaved",
       .tags = {"short", "shaved", "fitsUnderHeadwear"},
       .length = 2.5f,
       .lengthJitter = 0.3f,
       .density = 2.6f,
       .lift = 0.5f,
       .volume = 0.3f,
       .gravity = 0.0f,
       .frizz = 0.1f},
      {.id = "bald_fringe",
       .name = "Bald, with a fringe of hair at the sides",
       .tags = {"short", "balding", "bald", "fitsUnderHeadwear"},
       .length = 9,
       .lengthJitter = 0.3f,
       .density = 1.2f,
       .lift = 0.3f,
       .volume = 2.0f,
       .gravity = 0.1f,
       .frizz = 0.1f,
       .recession = 1.2f},
      {.id = "pixie",
       .name = "Pixie cut",
       .tags = {"short", "straight", "fitsUnderHeadwear"},
       .length = 50,
       .lengthJitter = 0.3f,
       .density = 1.4f,
       .lift = 0.2f,
       .volume = 6.0f,
       .gravity = 0.3f,
       .frizz = 0.07f,
       .partSide = 0.8f,
       .fringe = 0.9f},
      {.id = "slicked_back",
       .name = "Slicked back",
       .tags = {"medium", "straight", "fitsUnderHeadwear"},
       .length = 90,
       .lengthJitter = 0.15f,
       .density = 1.4f,
       .lift = 0.05f,
       .volume = 3.0f,
       .gravity = 0.2f,
       .frizz = 0.02f},
      {.id = "quiff",
       .name = "Quiff",
       .tags = {"short", "straight"},
       .length = 60,
       .lengthJitter = 0.25f,
       .density = 1.4f,
       .lift = 0.55f,
       .volume = 12.0f,
       .gravity = 0.05f,
       .frizz = 0.06f},
      {.id = "shoulder_length",
       .name = "Shoulder length, straight",
       .tags = {"medium", "straight"},
       .length = 200,
       .lengthJitter = 0.12f,
       .density = 1.4f,
       .lift = 0.15f,
       .volume = 9.0f,
       .gravity = 1.0f,
       .frizz = 0.04f,
       .partSide = 0.6f,
       .fringe = 0.2f},
      {.id = "middle_part",
       .name = "Long, parted in the middle",
       .tags = {"long", "straight"},
       .length = 280,
       .lengthJitter = 0.15f,
       .density = 1.4f,
       .lift = 0.15f,
       .volume = 8.0f,
       .gravity = 1.0f,
       .frizz = 0.04f,
       .partSide = 0.02f},
      {.id = "long_layered",
       .name = "Long, layered",
       .tags = {"long", "straight"},
       .length = 240,
       .lengthJitter = 0.45f,
       .density = 1.4f,
       .lift = 0.2f,
       .volume = 11.0f,
       .gravity = 1.0f,
       .frizz = 0.06f,
       .partSide = -0.7f},
      {.id = "wavy_medium",
       .name = "Medium, wavy",
       .tags = {"medium", "wavy"},
       .length = 130,
       .lengthJitter = 0.2f,
       .density = 1.4f,
       .lift = 0.25f,
       .volume = 12.0f,
       .gravity = 0.8f,
       .curlRadius = 4.0f,
       .curlPeriod = 40,
       .frizz = 0.08f,
       .partSide = 0.7f,
       .fringe = 0.3f},
      {.id = "curly_medium",
       .name = "Medium, curly",
       .tags = {"medium", "curly"},
       .length = 100,
       .lengthJitter = 0.3f,
       .density = 1.3f,
       .lift = 0.5f,
       .volume = 20.0f,
       .gravity = 0.5f,
       .curlRadius = 4.5f,
       .curlPeriod = 14,
       .frizz = 0.15f,
       .fringe = 0.4f},
      {.id = "long_curly",
       .name = "Long, curly",
       .tags = {"long", "curly"},
       .length = 230,
       .lengthJitter = 0.25f,
       .density = 1.3f,
       .lift = 0.35f,
       .volume = 22.0f,
       .gravity = 0.9f,
       .curlRadius = 6.0f,
       .curlPeriod = 22,
       .frizz = 0.12f,
       .partSide = 0.5f},
      {.id = "coily_short",
       .name = "Short coils",
       .tags = {"short", "coily", "fitsUnderHeadwear"},
       .length = 28,
       .lengthJitter = 0.25f,
       .density = 1.5f,
       .lift = 0.75f,
       .volume = 10.0f,
       .gravity = 0.0f,
       .curlRadius = 1.4f,
       .curlPeriod = 3.5f,
       .frizz = 0.25f,
       .fringe = 0.3f},
      {.id = "coily_medium",
       .name = "Medium coils",
       .tags = {"medium", "coily"},
       .length = 55,
       .lengthJitter = 0.25f,
       .density = 1.5f,
       .lift = 0.85f,
       .volume = 28.0f,
       .gravity = 0.0f,
       .curlRadius = 1.6f,
       .curlPeriod = 4,
       .frizz = 0.25f,
       .fringe = 0.3f},
      {.id = "ponytail_low",
       .name = "Low ponytail",
       .tags = {"long", "straight", "gathered", "fitsUnderHeadwear"},
       .length = 260,
       .lengthJitter = 0.1f,
       .density = 1.4f,
       .lift = 0.0f,
       .volume = 2.5f,
       .gravity = 1.0f,
       .frizz = 0.03f,
       .gather = GroomGather::Ponytail,
       .tieHeight = -0.45f,
       .tailLength = 200},
      {.id = "ponytail_high",
       .name = "High ponytail",
       .tags = {"long", "straight", "gathered"},
       .length = 280,
       .lengthJitter = 0.1f,
       .density = 1.4f,
       .lift = 0.0f,
       .volume = 2.5f,
       .gravity = 1.0f,
       .frizz = 0.03f,
       .gather = GroomGather::Ponytail,
       .tieHeight = 0.45f,
       .tailLength = 260},
      {.id = "bun_low",
       .name = "Low bun",
       .tags = {"long", "straight", "gathered", "fitsUnderHeadwear"},
       .length = 250,
       .lengthJitter = 0.1f,
       .density = 1.4f,
       .lift = 0.0f,
       .volume = 2.5f,
       .gravity = 1.0f,
       .frizz = 0.03f,
       .gather = GroomGather::Bun,
       .tieHeight = -0.3f,
       .tailLength = 30},
      {.id = "top_knot",
       .name = "Top knot",
       .tags = {"long", "straight", "gathered"},
       .length = 250,
       .lengthJitter = 0.1f,
       .density = 1.4f,
       .lift = 0.0f,
       .volume = 2.5f,
       .gravity = 1.0f,
       .frizz = 0.03f,
       .gather = GroomGather::Bun,
       .tieHeight = 0.85f,
       .tailLength = 28},
      {.id = "afro_puff",
       .name = "Afro puff",
       .tags = {"medium", "coily", "gathered"},
       .length = 150,
       .lengthJitter = 0.2f,
       .density = 1.4f,
       .lift = 0.0f,
       .volume = 4.0f,
       .gravity = 0.0f,
       .curlRadius = 1.5f,
       .curlPeriod = 4,
       .frizz = 0.3f,
       .gather = GroomGather::Bun,
       .tieHeight = 0.6f,
       .tailLength = 42},
      {.id = "braid",
       .name = "Single braid",
       .tags = {"long", "braided", "gathered", "fitsUnderHeadwear"},
       .length = 300,
       .lengthJitter = 0.1f,
       .density = 1.4f,
       .lift = 0.0f,
       .volume = 2.0f,
       .gravity = 1.0f,
       .frizz = 0.02f,
       .gather = GroomGather::Braid,
       .tieHeight = -0.2f,
       .tailLength = 260},
      {.id = "braids_two",
       .name = "Two braids",
       .tags = {"long", "braided", "gathered", "fitsUnderHeadwear"},
       .length = 300,
       .lengthJitter = 0.1f,
       .density = 1.4f,
       .lift = 0.0f,
       .volume = 2.0f,
       .gravity = 1.0f,
       .frizz = 0.02f,
       .partSide = 0.02f,
       .gather = GroomGather::Braids,
       .tieHeight = -0.35f,
       .tailLength = 240},
  };
  return grooms;
}

const GroomStyle* findGroom(const std::string& id) {
  return findById(builtinGrooms(), id);
}

Eigen::Vector3f hairAbsorption(float melanin, float redness) {
  // Eumelanin and pheomelanin absorption spectra (Chiang et al. 2016, from Donner and
  // Jensen), at the red, green and blue primaries.
  const float m = std::clamp(melanin, 0.0f, 1.0f);
  const float eumelanin = 0.25f + 7.75f * m * m;
  const float pheomelanin = std::clamp(redness, 0.0f, 1.0f) * (0.3f + 2.0f * (1.0f - m));
  return eumelanin * V3(0.419f, 0.697f, 1.37f) + pheomelanin * V3(0.187f, 0.4f, 1.05f);
}

HairStrands growHair(const GroomStyle& style, const SurfaceMesh& skin,
                     const Eigen::Isometry3f& worldFromHead, const GroomFit& fit,
                     std::uint64_t seed) {
  HairStrands out;
  out.groom = style.id;
  const Eigen::Isometry3f headFromWorld = worldFromHead.inverse();
  const bool haveRest = skin.restPositions.size() == skin.positions.size();

  // Scalp triangles, weighted by their template area.
  std::vector<std::size_t> scalp;
  std::vector<double> cdf;
  double area = 0.0;
  V3 low = V3::Constant(1e9f);
  V3 high = V3::Constant(-1e9f);
  for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
    if (t >= skin.triangleGrowth.size() || !(skin.triangleGrowth[t] & kGrowthScalp)) {
      continue;
    }
    const auto& tri = skin.triangles[t];
    const auto& source = haveRest ? skin.restPositions : skin.positions;
    const V3& a = source[static_cast<std::size_t>(tri[0])];
    const V3& b = source[static_cast<std::size_t>(tri[1])];
    const V3& c = source[static_cast<std::size_t>(tri[2])];
    area += 0.5 * static_cast<double>((b - a).cross(c - a).norm());
    scalp.push_back(t);
    cdf.push_back(area);
    for (int k = 0; k < 3; ++k) {
      const V3 local = headFromWorld *
                       skin.positions[static_cast<std::size_t>(tri[static_cast<std::size_t>(k)])];
      low = low.cwiseMin(local);
      high = high.cwiseMax(local);
    }
  }
  if (scalp.empty() || area <= 0.0) {
    return out;
  }
  // The skull: as wide and deep as the scalp, its top at the scalp's top.
  Skull skull;
  skull.radii = V3(0.5f * (high.x() - low.x()), 0.0f, 0.5f * (high.z() - low.z()));
  skull.radii.y() = 0.95f * skull.radii.x();
  skull.centre =
      V3(0.5f * (low.x() + high.x()), high.y() - skull.radii.y(), 0.5f * (low.z() + high.z()));
  skull.radii *= 0.97f;  // a little inside the scalp, so roots sit on the skin
  const V3 crown(skull.centre.x(), high.y(), skull.centre.z() - 0.3f * skull.radii.z());
  const V3 down = (headFromWorld.linear() * V3(0.0f, -1.0f, 0.0f)).normalized();

  const std::size_t count = static_cast<std::size_t>(std::min(200000.0, area * style.density));
  const CounterRng rng(seed, streamOf("hair.groom." + style.id));
  // The hairline: density rises over the first kHairlineWidth mm in from the scalp's
  // edge, along an edge that wanders by a few millimetres, so the hair thins out into
  // the skin in wisps rather than stopping at a line.
  const std::vector<V3>& shape = haveRest ? skin.restPositions : skin.positions;
  const std::vector<float> edgeDistance =
      distanceToRegionEdge(skin, shape, kGrowthScalp, 2.0f * kHairlineWidth);
  const CounterRng hairlineRng(seed, streamOf("hair.hairline." + style.id));
  const auto noiseSeed = static_cast<std::uint32_t>(seed ^ (seed >> 32));
  std::optional<GatheredGroom> gathered;
  if (style.gather != GroomGather::None) {
    gathered.emplace(style, skull, down, fit, worldFromHead);
  }
  const int maxSegments = 48;
  out.points.reserve(count * 8);
  out.segmentStarts.reserve(count * 7);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t base = static_cast<std::uint64_t>(i) * 16;
    // Root: a triangle by area, a point by uniform barycentrics.
    const double pick = rng.uniform(base) * area;
    const std::size_t k =
        static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), pick) - cdf.begin());
    const auto& tri = skin.triangles[scalp[std::min(k, scalp.size() - 1)]];
    const Eigen::Vector2f bary = triangleBarycentrics(rng.uniform(base + 1), rng.uniform(base + 2));
    const float b1 = bary.x();
    const float b2 = bary.y();
    const float b0 = 1.0f - b1 - b2;
    auto lerp3 = [&](const std::vector<V3>& values) {
      return V3(b0 * values[static_cast<std::size_t>(tri[0])] +
                b1 * values[static_cast<std::size_t>(tri[1])] +
                b2 * values[static_cast<std::size_t>(tri[2])]);
    };
    const V3 root = headFromWorld * lerp3(skin.positions);
    const V3 normal = (headFromWorld.linear() * lerp3(skin.normals)).normalized();

    const float fromEdge = b0 * edgeDistance[static_cast<std::size_t>(tri[0])] +
                           b1 * edgeDistance[static_cast<std::size_t>(tri[1])] +
                           b2 * edgeDistance[static_cast<std::size_t>(tri[2])];
    const float wander = 4.5f * fbm(lerp3(shape) / 10.0f, noiseSeed, 3);
    // 0 at the edge, 1 where the hair is full: sparser, finer, shorter and flatter hairs.
    const float hairline = smoothstep(0.0f, kHairlineWidth, fromEdge + wander - 1.0f);
    if (hairlineRng.uniform(i) >= hairline) {
      continue;
    }
    const float rootRadius = 0.055f * (0.55f + 0.45f * hairline);

    // Balding: the top front of the scalp thins out first.
    if (style.recession > 0.0f) {
      const float top = (root.y() - skull.centre.y()) / skull.radii.y();
      const float front = (root.z() - skull.centre.z()) / skull.radii.z();
      const float bald = std::clamp(0.8f * top + 0.5f * front, 0.0f, 1.5f);
      if (bald > 1.45f - style.recession && rng.uniform(base + 3) < 0.97f) {
        continue;
      }
    }

    if (gathered) {
      // Combed to the tie and on into the tail, bun or plait.
      const float layer = 0.3f + hairline * style.volume * std::pow(rng.uniform(base + 5), 0.7f);
      const unsigned first = static_cast<unsigned>(out.points.size());
      const V3 world = worldFromHead * root;
      out.points.emplace_back(world.x(), world.y(), world.z(), rootRadius);
      const int grown = gathered->grow(
          root, layer,
          [&](int k) { return rng.uniform(base + 10 + static_cast<std::uint64_t>(k)); },
          [&](V3 point, float along) {
            if (fit.pushOutOfHead) {
              point = headFromWorld * fit.pushOutOfHead(worldFromHead * point, 0.4f + layer);
            }
            const V3 placed = worldFromHead * point;
            const float taper = along > 0.8f ? 1.0f - 0.5f * (along - 0.8f) / 0.2f : 1.0f;
            out.points.emplace_back(placed.x(), placed.y(), placed.z(), rootRadius * taper);
          });
      if (grown == 0) {
        out.points.pop_back();
        continue;
      }
      for (int g = 0; g < grown; ++g) {
        out.segmentStarts.push_back(first + static_cast<unsigned>(g));
      }
      ++out.strandCount;
      continue;
    }

    // Combing: away from the crown, to the side of a parting, forward for a fringe.
    auto comb = [&](const V3& p) {
      V3 flow = p - crown;
      const float forehead = std::clamp((p.z() - skull.centre.z()) / skull.radii.z(), 0.0f, 1.0f);
      if (style.partSide != 0.0f) {
        const float side = std::copysign(1.0f, p.x() - style.partSide * 0.35f * skull.radii.x());
        flow += side * V3(0.6f * skull.radii.x(), 0.0f, 0.0f) * (1.0f - forehead * 0.3f);
      }
      // Ahead of the crown, hair goes back over the head or forward over the brow as the
      // fringe says (0.5 leaves the crown's own parting).
      const float ahead = std::clamp((p.z() - crown.z()) / (1.3f * skull.radii.z()), 0.0f, 1.0f);
      // (Back is up and back over the forehead's curve; forward is down over the brow.)
      flow += (style.fringe - 0.5f) * ahead * 4.0f * skull.radii.z() * V3(0.0f, -0.6f, 1.0f);
      flow += 0.5f * skull.radii.y() * down;
      const V3 n = skull.normal(p);
      V3 tangent = flow - n * n.dot(flow);
      return tangent.norm() > 1e-4f ? V3(tangent.normalized()) : down;
    };

    // Short cuts are tapered: shorter over the ears and at the nape, as clippers leave them,
    // so temple hair does not hang down the cheeks.
    float taper = 1.0f;
    if (style.length < 80.0f) {
      const float side = std::clamp(
          (std::abs(root.x() - skull.centre.x()) / skull.radii.x() - 0.5f) / 0.3f, 0.0f, 1.0f);
      const float low =
          std::clamp((skull.centre.y() - root.y()) / (0.5f * skull.radii.y()) + 0.3f, 0.0f, 1.0f);
      taper = 1.0f - 0.75f * std::max(side, low);
    }
    const float length = style.length * taper * (0.5f + 0.5f * hairline) *
                         std::max(0.2f, 1.0f + style.lengthJitter * rng.normal(base + 4));
    const int segments = std::clamp(static_cast<int>(std::ceil(length / 4.0f)), 2, maxSegments);
    const float step = length / static_cast<float>(segments);
    const float layer = 0.3f + hairline * style.volume * std::pow(rng.uniform(base + 5), 0.7f);
    const float phase = 2.0f * kPi * rng.uniform(base + 6);
    const float curl = style.curlRadius * (0.7f + 0.6f * rng.uniform(base + 7));
    V3 direction = (style.lift * normal + (1.0f - style.lift) * comb(root)).normalized();
    V3 centre = root;
    const unsigned first = static_cast<unsigned>(out.points.size());
    auto emit = [&](const V3& p, float along) {
      const float taper = along > 0.7f ? 1.0f - 0.6f * (along - 0.7f) / 0.3f : 1.0f;
      const V3 world = worldFromHead * p;
      out.points.emplace_back(world.x(), world.y(), world.z(), rootRadius * taper);
    };
    emit(root, 0.0f);
    int grown = 0;
    for (int s = 1; s <= segments; ++s) {
      const float travelled = step * static_cast<float>(s);
      const float along = travelled / length;
      // Bend toward the comb direction, then gravity once past the scalp's hold.
      const float hold = std::clamp((travelled - 15.0f) / 60.0f, 0.0f, 1.0f);
      V3 target = comb(centre) + style.gravity * hold * 2.0f * down;
      const V3 jitter(rng.normal(base + 8 + static_cast<std::uint64_t>(s) * 3 % 7),
                      rng.normal(base + 9 + static_cast<std::uint64_t>(s) * 5 % 7),
                      rng.normal(base + 10 + static_cast<std::uint64_t>(s) * 7 % 5));
      direction = (direction + 0.5f * target.normalized() + style.frizz * jitter).normalized();
      centre = skull.pushOut(centre + step * direction, layer * std::min(1.0f, travelled / 8.0f));
      V3 point = centre;
      if (curl > 0.0f) {
        // A helix about the path.
        V3 e1 = direction.cross(V3::UnitY());
        if (e1.norm() < 1e-3f) {
          e1 = direction.cross(V3::UnitX());
        }
        e1.normalize();
        const V3 e2 = direction.cross(e1);
        const float angle = phase + 2.0f * kPi * travelled / style.curlPeriod;
        const float grow = std::min(1.0f, travelled / (0.5f * style.curlPeriod + 1.0f));
        point += grow * curl * (std::cos(angle) * e1 + std::sin(angle) * e2);
      }
      // The haircut: nothing hangs over the face below the brows, nothing below the
      // shoulders.
      const bool overFace = point.z() > fit.faceFrontZ - 45.0f &&
                            std::abs(point.x()) < fit.faceHalfWidth + 4.0f &&
                            point.y() < fit.browY + 4.0f;
      // Short cuts end in sideburns at the ears' tops, not strands down the cheeks.
      const bool belowSideburn =
          style.length < 80.0f && point.y() < fit.browY - 22.0f && point.z() > skull.centre.z();
      if (overFace || belowSideburn || point.y() < fit.shoulderY) {
        break;
      }
      if (fit.pushOutOfHead) {
        // The skin itself as the collider, where it bulges past the ellipsoid.
        const float offset = 0.4f + layer * std::min(1.0f, travelled / 8.0f);
        const V3 pushed = headFromWorld * fit.pushOutOfHead(worldFromHead * point, offset);
        // A strand that has run into the body or the clothes ends there, rather than
        // jumping out past them (and wandering on from inside).
        if ((pushed - point).norm() > 12.0f) {
          break;
        }
        point = pushed;
      }
      emit(point, along);
      ++grown;
    }
    if (grown == 0) {
      out.points.pop_back();
      continue;
    }
    for (int s = 0; s < grown; ++s) {
      out.segmentStarts.push_back(first + static_cast<unsigned>(s));
    }
    ++out.strandCount;
  }
  return out;
}

namespace {

/// Adds one strand grown from `root` along `direction`, bending by `bend` per step.
void addStrand(HairStrands& out, const V3& root, V3 direction, const V3& bend, float length,
               int segments, float radius, const Eigen::Isometry3f& worldFromHead) {
  const unsigned first = static_cast<unsigned>(out.points.size());
  V3 p = root;
  const float step = length / static_cast<float>(segments);
  for (int s = 0; s <= segments; ++s) {
    const float along = static_cast<float>(s) / static_cast<float>(segments);
    const V3 world = worldFromHead * p;
    out.points.emplace_back(world.x(), world.y(), world.z(), radius * (1.0f - 0.65f * along));
    direction = (direction + bend).normalized();
    p += step * direction;
  }
  for (int s = 0; s < segments; ++s) {
    out.segmentStarts.push_back(first + static_cast<unsigned>(s));
  }
  ++out.strandCount;
}

/// Adds one strand that lies along the skin from `root`: each step goes on along the
/// strand's last direction and is then put back `rise` times the distance travelled (mm,
/// at most 0.35 mm) above the skin below it, so the hair follows the skin's curve instead
/// of leaving it where the skin turns away.
void addLyingStrand(HairStrands& out, const V3& root, V3 direction, float length, int segments,
                    float radius, float rise, const Eigen::Isometry3f& worldFromHead,
                    const GroomFit& fit) {
  const Eigen::Isometry3f headFromWorld = worldFromHead.inverse();
  auto onSkin = [&](const V3& p, float offset) {
    return V3(headFromWorld * fit.onHead(worldFromHead * p, offset));
  };
  const unsigned first = static_cast<unsigned>(out.points.size());
  const float step = length / static_cast<float>(segments);
  V3 p = onSkin(root, 0.02f);
  for (int s = 0; s <= segments; ++s) {
    const float along = static_cast<float>(s) / static_cast<float>(segments);
    const V3 world = worldFromHead * p;
    out.points.emplace_back(world.x(), world.y(), world.z(), radius * (1.0f - 0.7f * along));
    if (s == segments) {
      break;
    }
    const float travelled = step * static_cast<float>(s + 1);
    const V3 next = onSkin(p + step * direction, 0.02f + std::min(0.35f, rise * travelled));
    const V3 moved = next - p;
    if (moved.norm() > 1e-4f) {
      direction = moved.normalized();
    }
    p = next;
  }
  for (int s = 0; s < segments; ++s) {
    out.segmentStarts.push_back(first + static_cast<unsigned>(s));
  }
  ++out.strandCount;
}

}  // namespace

std::span<const BrowStyle> builtinBrows() {
  // id, name, tags, inner and outer half height, arch, tail cut, bridge, density, length, lift
  static const std::vector<BrowStyle> brows = {
      {"natural", "Natural", {"medium"}, 4.0f, 1.4f, 0.0f, 0.0f, 0.0f, 1.4f, 7.0f, 0.0f},
      {"thick", "Thick", {"thick"}, 5.5f, 2.4f, 0.5f, 0.0f, 0.0f, 1.75f, 8.0f, 0.1f},
      {"thin", "Thin", {"thin", "groomed"}, 2.2f, 0.9f, 1.5f, 0.05f, 0.0f, 1.25f, 5.5f, 0.0f},
      {"arched",
       "High arch",
       {"arched", "groomed"},
       3.4f,
       1.1f,
       3.5f,
       0.0f,
       0.0f,
       1.4f,
       6.5f,
       0.0f},
      {"straight", "Straight", {"straight"}, 3.6f, 2.2f, -0.8f, 0.0f, 0.0f, 1.4f, 7.0f, 0.0f},
      {"bushy", "Bushy", {"thick", "untamed"}, 6.0f, 3.0f, 0.8f, 0.0f, 1.5f, 1.6f, 11.0f, 0.35f},
      {"feathered", "Feathered", {"groomed"}, 4.5f, 1.8f, 1.0f, 0.0f, 0.0f, 1.5f, 7.5f, 0.8f},
      {"short_tail", "Short tail", {"medium"}, 4.0f, 1.6f, 0.5f, 0.3f, 0.0f, 1.4f, 7.0f, 0.0f},
      {"sparse", "Sparse", {"thin", "light"}, 3.5f, 1.2f, 0.3f, 0.15f, 0.0f, 0.6f, 6.0f, 0.0f},
      {"unibrow", "Joined", {"thick", "joined"}, 4.8f, 2.0f, 0.5f, 0.0f, 12.0f, 1.5f, 8.0f, 0.15f},
  };
  return brows;
}

const BrowStyle* findBrow(const std::string& id) {
  return findById(builtinBrows(), id);
}

std::span<const LashStyle> builtinLashes() {
  // id, name, tags, length, density, curl, radius
  static const std::vector<LashStyle> lashes = {
      {"natural", "Natural", {"medium"}, 1.0f, 1.0f, 1.0f, 1.0f},
      {"long", "Long and curled", {"long"}, 1.3f, 1.1f, 1.25f, 1.0f},
      {"sparse", "Short and sparse", {"short", "light"}, 0.75f, 0.6f, 0.7f, 0.85f},
      {"mascara", "With mascara", {"makeup", "long"}, 1.2f, 1.2f, 1.25f, 1.6f},
  };
  return lashes;
}

const LashStyle* findLashes(const std::string& id) {
  return findById(builtinLashes(), id);
}

HairStrands growBrow(const BrowStyle& style, const SurfaceMesh& skin,
                     const Eigen::Isometry3f& worldFromHead, const GroomFit& fit, int side,
                     std::uint64_t seed) {
  HairStrands out;
  out.groom = side == 0 ? "brow_right" : "brow_left";
  out.label = side == 0 ? LabelClass::RightBrow : LabelClass::LeftBrow;
  out.mask = side == 0 ? "right_brow" : "left_brow";
  if (skin.browWeight.size() != skin.positions.size()) {
    return out;
  }
  const Eigen::Isometry3f headFromWorld = worldFromHead.inverse();
  const CounterRng rng(seed, streamOf(out.groom));
  const float outward = side == 0 ? -1.0f : 1.0f;  // toward this side's temple
  // Brow extent along x, for the inner-to-outer position of a root.
  // Its middle line and half height, per 2 mm of |x|, for the herringbone: hairs above the
  // middle point a little down, those below it a little up, so they meet along it.
  float inner = 1e9f;
  float outer = 0.0f;
  constexpr float kBin = 2.0f;
  constexpr int kBins = 48;
  std::array<double, kBins> weightSum{}, ySum{}, yySum{};
  for (std::size_t v = 0; v < skin.positions.size(); ++v) {
    const V3 local = headFromWorld * skin.positions[v];
    const float weight = skin.browWeight[v];
    if (weight > 0.5f && local.x() * outward > 0.0f) {
      inner = std::min(inner, std::abs(local.x()));
      outer = std::max(outer, std::abs(local.x()));
    }
    const int bin = static_cast<int>(std::abs(local.x()) / kBin);
    if (weight > 0.3f && local.x() * outward > 0.0f && bin < kBins) {
      weightSum[static_cast<std::size_t>(bin)] += weight;
      ySum[static_cast<std::size_t>(bin)] += weight * local.y();
      yySum[static_cast<std::size_t>(bin)] += weight * local.y() * local.y();
    }
  }
  auto middle = [&](float x) {
    // The nearest filled bin's (middle, half height).
    const int bin = std::clamp(static_cast<int>(std::abs(x) / kBin), 0, kBins - 1);
    for (int d = 0; d < kBins; ++d) {
      for (const int b : {bin - d, bin + d}) {
        if (b >= 0 && b < kBins && weightSum[static_cast<std::size_t>(b)] > 0.0) {
          const double w = weightSum[static_cast<std::size_t>(b)];
          const double mean = ySum[static_cast<std::size_t>(b)] / w;
          const double variance = yySum[static_cast<std::size_t>(b)] / w - mean * mean;
          return std::pair{
              static_cast<float>(mean),
              std::max(1.0f, 1.7f * static_cast<float>(std::sqrt(std::max(variance, 0.0))))};
        }
      }
    }
    return std::pair{0.0f, 1.0f};
  };
  std::uint64_t draw = 0;
  for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
    const auto& tri = skin.triangles[t];
    float weight = 0.0f;
    for (int corner : tri) {
      weight += skin.browWeight[static_cast<std::size_t>(corner)] / 3.0f;
    }
    const V3 a = headFromWorld * skin.positions[static_cast<std::size_t>(tri[0])];
    if (weight < 0.15f || a.x() * outward <= 0.0f) {
      continue;
    }
    const V3 b = headFromWorld * skin.positions[static_cast<std::size_t>(tri[1])];
    const V3 c = headFromWorld * skin.positions[static_cast<std::size_t>(tri[2])];
    const float expected = style.density * weight * 0.5f * (b - a).cross(c - a).norm();
    const int count = stochasticCount(expected, rng.uniform(draw++));
    const V3 normal = (b - a).cross(c - a).normalized();
    for (int k = 0; k < count; ++k) {
      const float u1 = rng.uniform(draw++);
      const Eigen::Vector2f bary = triangleBarycentrics(u1, rng.uniform(draw++));
      const V3 root = a + bary.x() * (b - a) + bary.y() * (c - a);
      const float along =
          std::clamp((std::abs(root.x()) - inner) / std::max(outer - inner, 1.0f), 0.0f, 1.0f);
      // The brow thins toward its inner end, whose edge is soft rather than cut square.
      if (rng.uniform(draw++) > 0.55f + 0.45f * smoothstep(0.0f, 0.15f, along)) {
        continue;
      }
      // Inner hairs rise, the rest sweep to the temple, all lying close to the skin, the
      // body's upper and lower hairs converging on its middle line. A feathered (lifted)
      // brow is brushed upward along its length.
      const auto [middleY, halfHeight] = middle(root.x());
      const float converge = std::clamp((root.y() - middleY) / halfHeight, -1.0f, 1.0f) *
                             smoothstep(0.1f, 0.3f, along) * (1.0f - style.lift);
      const float body = smoothstep(0.0f, 0.45f, along);
      V3 direction(outward * (0.45f + 0.55f * body) * (1.0f - 0.6f * style.lift),
                   1.0f - 0.85f * body * (1.0f - style.lift) - 0.45f * converge, 0.0f);
      direction += 0.12f * V3(rng.normal(draw), rng.normal(draw + 1), 0.0f);
      draw += 2;
      direction = (direction - normal * normal.dot(direction)).normalized();
      direction = (direction + 0.1f * normal).normalized();
      // The rising hairs at the inner end are short; the body's longest; the tail's shorter.
      const float length = style.length * (0.55f + 0.45f * smoothstep(0.0f, 0.3f, along)) *
                           (1.0f - 0.35f * smoothstep(0.4f, 1.0f, along)) *
                           (0.8f + 0.4f * rng.uniform(draw++));
      // Brow hairs are coarser than the scalp's: about 80 micrometres across.
      if (fit.onHead) {
        addLyingStrand(out, root, direction, length, 5, 0.04f, 0.04f + 0.3f * style.lift,
                       worldFromHead, fit);
      } else {
        addStrand(out, root + 0.05f * normal, direction, -0.09f * normal, length, 4, 0.04f,
                  worldFromHead);
      }
    }
  }
  return out;
}

std::vector<HairStrands> growLashes(const LashStyle& style, const SurfaceMesh& skin,
                                    const std::array<Eigen::Vector3f, 2>& eyeCentres,
                                    const Eigen::Isometry3f& worldFromHead, float length,
                                    std::uint64_t seed) {
  std::vector<HairStrands> out(2);
  const Eigen::Isometry3f headFromWorld = worldFromHead.inverse();
  for (int side = 0; side < 2; ++side) {
    out[static_cast<std::size_t>(side)].groom = side == 0 ? "lashes_right" : "lashes_left";
    out[static_cast<std::size_t>(side)].label =
        side == 0 ? LabelClass::RightEye : LabelClass::LeftEye;
    out[static_cast<std::size_t>(side)].mask = "lashes";
  }
  const V3 centres[2] = {headFromWorld * eyeCentres[0], headFromWorld * eyeCentres[1]};

  // The lash triangles of each eye, with where along the lid each lies: `along` runs from
  // 0 at the inner corner to 1 at the outer one, and `upper` says which lid. The corners
  // are the lash triangles' extremes along x; the line between them splits the lids.
  struct Root {
    V3 a, b, c;
    float area, along;
    bool upper;
  };
  std::vector<Root> roots[2];
  for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
    if (t >= skin.triangleGrowth.size() || !(skin.triangleGrowth[t] & kGrowthLashes)) {
      continue;
    }
    const auto& tri = skin.triangles[t];
    const V3 a = headFromWorld * skin.positions[static_cast<std::size_t>(tri[0])];
    const V3 b = headFromWorld * skin.positions[static_cast<std::size_t>(tri[1])];
    const V3 c = headFromWorld * skin.positions[static_cast<std::size_t>(tri[2])];
    const int side = (a + b + c).x() < 0.0f ? 0 : 1;
    roots[side].push_back({a, b, c, 0.5f * (b - a).cross(c - a).norm(), 0.0f, false});
  }
  // Per lid, indexed by `upper` (lower first): count an eye, length in mm, radius in mm,
  // and curl, about the radians the lash turns from root to tip. Upper lids have some 90 to
  // 160 lashes, lower ones 75 to 80; we take 120 and 75.
  struct Lid {
    float count, length, radius, curl;
  };
  const Lid lids[2] = {{75.0f, 5.5f, 0.032f, 0.45f}, {120.0f, 9.0f, 0.045f, 0.9f}};
  const CounterRng rng(seed, streamOf("lashes"));
  const CounterRng clumps(seed, streamOf("lashes.clumps"));
  std::uint64_t draw = 0;
  constexpr int kSegments = 6;
  for (int side = 0; side < 2; ++side) {
    std::vector<Root>& eyeRoots = roots[side];
    if (eyeRoots.empty()) {
      continue;
    }
    const V3& eye = centres[side];
    const float lateralSign = side == 0 ? -1.0f : 1.0f;  // the subject's right eye is at -x
    V3 inner = eyeRoots.front().a;
    V3 outer = inner;
    for (const Root& r : eyeRoots) {
      for (const V3& p : {r.a, r.b, r.c}) {
        if (p.x() * lateralSign < inner.x() * lateralSign) {
          inner = p;
        }
        if (p.x() * lateralSign > outer.x() * lateralSign) {
          outer = p;
        }
      }
    }
    const float span = std::max(std::abs(outer.x() - inner.x()), 1.0f);
    // Lashes thin out toward the inner corner and are longest a little outside the middle
    // of the lid; the lower lid's are fewer, shorter, finer and curl down.
    auto density = [](bool upper, float along) {
      const float ends = smoothstep(0.0f, 0.08f, along) * (1.0f - smoothstep(0.92f, 1.0f, along));
      return ends * (upper ? 0.3f + 0.7f * smoothstep(0.05f, 0.4f, along)
                           : 0.15f + 0.85f * smoothstep(0.15f, 0.55f, along));
    };
    float weighted[2] = {0.0f, 0.0f};
    for (Root& r : eyeRoots) {
      const V3 centre = (r.a + r.b + r.c) / 3.0f;
      r.along = std::clamp((centre.x() - inner.x()) * lateralSign / span, 0.0f, 1.0f);
      r.upper = centre.y() > inner.y() + r.along * (outer.y() - inner.y());
      weighted[r.upper] += r.area * density(r.upper, r.along);
    }
    for (const Root& r : eyeRoots) {
      const Lid& lid = lids[r.upper];
      if (weighted[r.upper] <= 0.0f) {
        continue;
      }
      const float expected =
          style.density * lid.count * r.area * density(r.upper, r.along) / weighted[r.upper];
      const int count = stochasticCount(expected, rng.uniform(draw++));
      const V3 vertical = r.upper ? V3::UnitY() : V3(-V3::UnitY());
      for (int k = 0; k < count; ++k) {
        const float u1 = rng.uniform(draw++);
        const Eigen::Vector2f bary = triangleBarycentrics(u1, rng.uniform(draw++));
        const V3 root = r.a + bary.x() * (r.b - r.a) + bary.y() * (r.c - r.a);
        const float along = std::clamp((root.x() - inner.x()) * lateralSign / span, 0.0f, 1.0f);
        // Out of the lid margin forward and fanning away from the eyeball's centre (seen from the
        // front, the lashes radiate; the outer ones sweep toward the temple), then curling
        // away from the eye. Neighbouring lashes clump: they share part of their scatter.
        V3 fan = root - eye;
        fan.z() = 0.0f;
        fan =
            fan.normalized() + V3(0.45f * lateralSign * smoothstep(0.55f, 1.0f, along), 0.0f, 0.0f);
        const std::uint64_t clump = static_cast<std::uint64_t>(along * 30.0f) * 4 +
                                    static_cast<std::uint64_t>(side) * 2 +
                                    static_cast<std::uint64_t>(r.upper);
        V3 scatter = 0.07f * V3(clumps.normal(3 * clump), clumps.normal(3 * clump + 1),
                                clumps.normal(3 * clump + 2)) +
                     0.05f * V3(rng.normal(draw), rng.normal(draw + 1), rng.normal(draw + 2));
        draw += 3;
        const V3 direction = (V3::UnitZ() + 0.3f * fan - 0.1f * vertical + scatter).normalized();
        const float shape = r.upper ? 0.6f + 0.4f * smoothstep(0.0f, 0.6f, along) -
                                          0.15f * smoothstep(0.8f, 1.0f, along)
                                    : 0.6f + 0.4f * smoothstep(0.2f, 0.7f, along);
        // About a third of the lashes at any time are young: under 3/4 of full length.
        const float grown = 0.45f + 0.55f * std::sqrt(rng.uniform(draw++));
        const float l = style.length * length * lid.length * shape * grown;
        const float curl = style.curl * lid.curl / static_cast<float>(kSegments);
        addStrand(out[static_cast<std::size_t>(side)], root, direction, curl * vertical, l,
                  kSegments, lid.radius * style.radius, worldFromHead);
      }
    }
  }
  return out;
}

std::span<const BeardStyle> builtinBeards() {
  const std::uint8_t all = kGrowthBeard | kGrowthMoustache;
  // id, name, tags, length, density, regions, max |x|, lift, curl radius
  static const std::vector<BeardStyle> beards = {
      {"stubble", "Stubble", {"short"}, 1.5f, 4.0f, all, 0.0f, 0.6f, 0.0f},
      {"short_boxed", "Short boxed beard", {"short"}, 6.0f, 3.5f, all, 0.0f, 0.35f, 0.0f},
      {"full", "Full beard", {"medium"}, 20.0f, 2.2f, all, 0.0f, 0.3f, 0.0f},
      {"long", "Long beard", {"long"}, 45.0f, 2.2f, all, 0.0f, 0.25f, 0.0f},
      {"curly_full", "Full curly beard", {"medium", "curly"}, 16.0f, 3.0f, all, 0.0f, 0.45f, 1.5f},
      {"goatee", "Goatee", {"short"}, 12.0f, 3.5f, all, 24.0f, 0.3f, 0.0f},
      {"circle", "Circle beard", {"short"}, 8.0f, 3.5f, all, 32.0f, 0.3f, 0.0f},
      {"soul_patch", "Soul patch", {"short"}, 8.0f, 3.5f, kGrowthBeard, 9.0f, 0.3f, 0.0f},
      {"moustache", "Moustache", {"moustache"}, 9.0f, 4.0f, kGrowthMoustache, 0.0f, 0.35f, 0.0f},
      {"chevron",
       "Chevron moustache",
       {"moustache"},
       13.0f,
       4.5f,
       kGrowthMoustache,
       0.0f,
       0.2f,
       0.0f},
  };
  return beards;
}

const BeardStyle* findBeard(const std::string& id) {
  return findById(builtinBeards(), id);
}

HairStrands growBeard(const BeardStyle& style, const SurfaceMesh& skin,
                      const Eigen::Isometry3f& worldFromHead, const GroomFit& fit,
                      std::uint64_t seed) {
  HairStrands out;
  out.groom = style.id;
  out.label = LabelClass::Beard;
  out.mask = "beard";
  const Eigen::Isometry3f headFromWorld = worldFromHead.inverse();
  const V3 down = (headFromWorld.linear() * V3(0.0f, -1.0f, 0.0f)).normalized();
  const CounterRng rng(seed, streamOf("beard." + style.id));
  std::uint64_t draw = 0;
  const int segments = std::clamp(static_cast<int>(std::ceil(style.length / 2.0f)), 1, 20);
  for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
    if (t >= skin.triangleGrowth.size() || !(skin.triangleGrowth[t] & style.regions)) {
      continue;
    }
    const auto& tri = skin.triangles[t];
    const V3 a = headFromWorld * skin.positions[static_cast<std::size_t>(tri[0])];
    const V3 b = headFromWorld * skin.positions[static_cast<std::size_t>(tri[1])];
    const V3 c = headFromWorld * skin.positions[static_cast<std::size_t>(tri[2])];
    if (style.maxAbsX > 0.0f && std::abs((a.x() + b.x() + c.x()) / 3.0f) > style.maxAbsX) {
      continue;
    }
    const bool moustache = (skin.triangleGrowth[t] & kGrowthMoustache) != 0;
    const float expected = style.density * 0.5f * (b - a).cross(c - a).norm();
    const int count = stochasticCount(expected, rng.uniform(draw++));
    const V3 normal = (b - a).cross(c - a).normalized();
    for (int k = 0; k < count; ++k) {
      const float u1 = rng.uniform(draw++);
      const Eigen::Vector2f bary = triangleBarycentrics(u1, rng.uniform(draw++));
      const V3 root = a + bary.x() * (b - a) + bary.y() * (c - a);
      // Down along the skin; a moustache also sweeps outward from the midline.
      V3 flow =
          down + (moustache ? V3(0.8f * std::copysign(1.0f, root.x()), 0.0f, 0.0f) : V3::Zero());
      flow += 0.3f * V3(rng.normal(draw), rng.normal(draw + 1), rng.normal(draw + 2));
      draw += 3;
      flow -= normal * normal.dot(flow);
      if (flow.norm() < 0.3f) {
        // Under the jaw the skin faces down: hang, rather than follow a random tangent.
        flow = down + 0.5f * normal;
      }
      V3 direction = (flow.normalized() * (1.0f - style.lift) + normal * style.lift).normalized();
      const float length = style.length * (0.7f + 0.6f * rng.uniform(draw++));
      const float step = length / static_cast<float>(segments);
      const float layer = 0.3f + 0.25f * length * rng.uniform(draw++);
      const float phase = 2.0f * kPi * rng.uniform(draw++);
      const unsigned first = static_cast<unsigned>(out.points.size());
      const V3 rootWorld = worldFromHead * root;
      out.points.emplace_back(rootWorld.x(), rootWorld.y(), rootWorld.z(), 0.045f);
      V3 centre = root;
      int grown = 0;
      for (int s = 1; s <= segments; ++s) {
        const float travelled = step * static_cast<float>(s);
        direction = (direction + 0.25f * flow.normalized() + 0.1f * down).normalized();
        centre += step * direction;
        V3 point = centre;
        if (style.curlRadius > 0.0f) {
          const float angle = phase + 2.0f * kPi * travelled / 5.0f;
          point += style.curlRadius * std::min(1.0f, travelled / 3.0f) *
                   V3(std::cos(angle), 0.0f, std::sin(angle));
        }
        // Nothing over the mouth.
        if (std::abs(point.x()) < fit.mouthHalfWidth && point.z() > fit.mouthFrontZ - 14.0f &&
            std::abs(point.y() - fit.mouthY) < 4.0f) {
          break;
        }
        if (fit.pushOutOfHead) {
          const float offset = 0.3f + layer * std::min(1.0f, travelled / 4.0f);
          point = headFromWorld * fit.pushOutOfHead(worldFromHead * point, offset);
        }
        const V3 world = worldFromHead * point;
        const float along = travelled / length;
        out.points.emplace_back(world.x(), world.y(), world.z(), 0.045f * (1.0f - 0.6f * along));
        ++grown;
      }
      if (grown == 0) {
        out.points.pop_back();
        continue;
      }
      for (int s = 0; s < grown; ++s) {
        out.segmentStarts.push_back(first + static_cast<unsigned>(s));
      }
      ++out.strandCount;
    }
  }
  return out;
}

}  // namespace sf
