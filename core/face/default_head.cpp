#include "face/default_head.h"

#include "face/head_sculpt.h"
#include "math/scalar.h"
#include "util/check.h"
#include "util/fp_mode.h"

#include <oneapi/tbb/parallel_for.h>
#include <Eigen/Geometry>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <queue>
#include <string>
#include <tuple>

namespace sf {

namespace {

constexpr float kPi = std::numbers::pi_v<float>;
float radians(float degrees) {
  return degrees * kPi / 180.0f;
}

// The skin grid. Column 0 is the front midline; columns increase toward the subject's
// left (+x) and wrap around the back (column 48 is the back midline). Row 0 is the ring
// around the crown cap; rows go down to the chest.
constexpr int kColumns = 96;
constexpr int kHalfColumns = kColumns / 2;
constexpr int kCap = kColumns / 4;
constexpr int kRowBrow = 9;
constexpr int kRowEye = 17;
constexpr int kRowMouth = 40;
constexpr int kRowHeadEnd = 51;
constexpr int kRowTransitionEnd = 57;
constexpr int kRows = 70;
constexpr int kColInnerCanthus = 5;
constexpr int kColOuterCanthus = 16;
constexpr int kColMouthCorner = 10;
constexpr int kLidBandRows = 4;
constexpr int kLipBandRows = 2;  ///< rows from the mouth's line to each vermilion border
// The rows between these two (exclusive) are respaced over the nose (see noseRows).
constexpr int kRowNoseFirst = kRowEye + kLidBandRows + 1;
constexpr int kRowNoseLast = kRowMouth - 2 * kLipBandRows - 2;  ///< the subnasale's row
// Pockets: rings behind the lid margins and behind the lips, and up into each nostril.
constexpr int kEyePocketRings = 2;
constexpr int kMouthPocketRings = 4;
constexpr int kNostrilRings = 3;
// Each nostril opens where a 2 x 2 patch of grid faces lay on the nose's underside, round
// the grid vertex (+-kColNostril, kRowNostril): between the columella (columns -1..1) and
// the ala.
constexpr int kColNostril = 2;
constexpr int kRowNostril = kRowNoseLast - 1;

const Vec3f kRayCenter(0.0f, 5.0f, 5.0f);

/// Monotone cubic interpolation (Fritsch-Carlson) through increasing xs.
float monotoneInterpolate(std::span<const float> xs, std::span<const float> ys, float x) {
  const std::size_t n = xs.size();
  if (x <= xs[0]) {
    return ys[0];
  }
  if (x >= xs[n - 1]) {
    return ys[n - 1];
  }
  std::vector<float> slopes(n - 1), tangents(n);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    slopes[i] = (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]);
  }
  tangents[0] = slopes[0];
  tangents[n - 1] = slopes[n - 2];
  for (std::size_t i = 1; i + 1 < n; ++i) {
    tangents[i] = slopes[i - 1] * slopes[i] <= 0.0f ? 0.0f : 0.5f * (slopes[i - 1] + slopes[i]);
  }
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (slopes[i] == 0.0f) {
      tangents[i] = tangents[i + 1] = 0.0f;
      continue;
    }
    const float a = tangents[i] / slopes[i];
    const float b = tangents[i + 1] / slopes[i];
    const float s = a * a + b * b;
    if (s > 9.0f) {
      const float tau = 3.0f / std::sqrt(s);
      tangents[i] = tau * a * slopes[i];
      tangents[i + 1] = tau * b * slopes[i];
    }
  }
  std::size_t i = 0;
  while (x > xs[i + 1]) {
    ++i;
  }
  const float h = xs[i + 1] - xs[i];
  const float t = (x - xs[i]) / h;
  const float t2 = t * t, t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * ys[i] + (t3 - 2 * t2 + t) * h * tangents[i] +
         (-2 * t3 + 3 * t2) * ys[i + 1] + (t3 - t2) * h * tangents[i + 1];
}

/// Azimuth (around y, 0 toward +z, positive toward +x) and elevation of a direction.
float azimuthOf(const Vec3f& d) {
  return std::atan2(d.x(), d.z());
}
float elevationOf(const Vec3f& d) {
  return std::atan2(d.y(), std::hypot(d.x(), d.z()));
}
Vec3f directionFrom(float azimuth, float elevation) {
  return Vec3f(std::sin(azimuth) * std::cos(elevation), std::sin(elevation),
               std::cos(azimuth) * std::cos(elevation));
}

/// The grid column's signed index: 0..48 on the left, -1..-47 on the right.
int signedColumn(int c) {
  return c <= kHalfColumns ? c : c - kColumns;
}

/// The crown cap's lattice perimeter, (i, j) in 0..kCap, walked in increasing azimuth:
/// from (0, n) along j = n to (n, n), down to (n, 0), back to (0, 0) and up to (0, n). Entry
/// k meets ring 0 at column k - kCap / 2.
std::vector<std::pair<int, int>> capPerimeter() {
  const int n = kCap;
  std::vector<std::pair<int, int>> perimeter;
  for (int i = 0; i < n; ++i) {
    perimeter.emplace_back(i, n);
  }
  for (int j = n; j > 0; --j) {
    perimeter.emplace_back(n, j);
  }
  for (int i = n; i > 0; --i) {
    perimeter.emplace_back(i, 0);
  }
  for (int j = 0; j < n; ++j) {
    perimeter.emplace_back(0, j);
  }
  return perimeter;
}

/// The expression controls the construction itself knows: how open each eyelid is.
struct LidControls {
  std::array<float, 2> upper{1.0f, 1.0f};  ///< 1 open as at rest, 0 closed, >1 wide
  std::array<float, 2> lower{1.0f, 1.0f};  ///< 1 at rest, smaller raises the lower lid
};

/// Which side of a slit a vertex belongs to.
enum class SlitSide : std::uint8_t { None, Upper, Lower };

/// The skin's topology, built once; positions() places it for any sculpt.
class SkinLayout {
public:
  SkinLayout();

  /// Vertex positions for this sculpt and these lid controls. `hint`, the positions of a
  /// nearby sculpt (within a centimetre or so), speeds up the ray casts; the orbits' walls
  /// then move with their surroundings from the hint (see followUnderBrows).
  std::vector<Vec3f> positions(const HeadSculpt& sculpt, const LidControls& lids,
                               const std::vector<Vec3f>* hint = nullptr) const;

  const PolyMesh& mesh() const { return m_mesh; }
  int gridVertex(int column, int row) const {
    return row * kColumns + ((column % kColumns) + kColumns) % kColumns;
  }
  /// The lower copy of a slit vertex, or the vertex itself.
  int lowerVertex(int column, int row) const {
    const int v = gridVertex(column, row);
    const auto it = m_lowerCopy.find(v);
    return it == m_lowerCopy.end() ? v : it->second;
  }
  /// Faces of grid row `row` (between rows row and row+1), column `column`.
  int gridFace(int column, int row) const {
    return row * kColumns + ((column % kColumns) + kColumns) % kColumns;
  }
  SlitSide mouthSide(int vertex) const { return m_mouthSide[static_cast<std::size_t>(vertex)]; }
  /// -1 for vertices not on an eye pocket or slit, else the eye (0 right, 1 left).
  int eyeOf(int vertex) const { return m_eyeOf[static_cast<std::size_t>(vertex)]; }
  SlitSide eyeSide(int vertex) const { return m_eyeSide[static_cast<std::size_t>(vertex)]; }
  /// Pocket ring of a vertex: 0 for the skin surface, k >= 1 for the k-th ring inside.
  int pocketRing(int vertex) const { return m_ring[static_cast<std::size_t>(vertex)]; }
  /// Whether a face lies in a pocket (eye: 0/1, mouth: 2, nostril: 3/4) and which ring
  /// band it is.
  int facePocket(int face) const { return m_facePocket[static_cast<std::size_t>(face)]; }
  int facePocketRing(int face) const { return m_facePocketRing[static_cast<std::size_t>(face)]; }
  SlitSide faceSlitSide(int face) const { return m_faceSide[static_cast<std::size_t>(face)]; }

private:
  struct Pocket {
    int kind = 0;           ///< 0 right eye, 1 left eye, 2 mouth, 3 right nostril, 4 left
    std::vector<int> loop;  ///< margin vertices: corner, upper..., corner, lower...
    std::vector<SlitSide> loopSide;
    std::vector<std::vector<int>> rings;  ///< rings[k][i] behind loop[i]
  };

  /// The rows over the nose, respaced along the midline's profile: `elevations[k]` is the
  /// elevation of the row whose unwarped elevation lies k / (size - 1) of the way from
  /// `top` down to `bottom`.
  struct NoseRows {
    float top = 0.0f, bottom = 0.0f;
    std::vector<float> elevations;
  };
  NoseRows noseRows(const HeadSculpt& sculpt) const;

  /// The (azimuth, elevation) of a grid vertex, with the slit warps (and the nose's, given
  /// `nose`).
  std::pair<float, float> gridAngles(const HeadSculpt& sculpt, const LidControls& lids, int column,
                                     int row, SlitSide side, const NoseRows* nose = nullptr) const;
  std::pair<Vec3f, Vec3f> gridRay(const HeadSculpt& sculpt, const LidControls& lids, int column,
                                  int row, SlitSide side, const NoseRows* nose = nullptr) const;
  void addQuad(int a, int b, int c, int d, int pocket, int ring, SlitSide side,
               const std::array<Vec2f, 4>& uvs);
  /// A nostril pocket's rim on the nose's underside and its tube up into the nose.
  void placeNostril(const HeadSculpt& sculpt, const Pocket& pocket,
                    std::vector<Vec3f>& points) const;
  /// The grid vertices on each orbit's walls: from the row above the brow's down to the
  /// upper lid band's edge, and from the lower lid band's edge two rows down, beside the
  /// nose (the names below say brows for both).
  std::vector<int> orbitWall() const;
  /// Relaxes the orbits' walls toward their neighbours, back onto the surface.
  void relaxUnderBrows(const HeadSculpt& sculpt, std::vector<Vec3f>& points) const;
  /// Moves the orbits' walls with their surroundings: their displacement from `hint` is
  /// interpolated smoothly from the vertices round them, then put back onto the surface.
  void followUnderBrows(const HeadSculpt& sculpt, const std::vector<Vec3f>& hint,
                        std::vector<Vec3f>& points) const;
  /// Relaxes the grid's ring of vertices round a nostril's patch (side 0 right, 1 left).
  void relaxAroundNostril(const HeadSculpt& sculpt, int side, std::vector<Vec3f>& points) const;
  /// The UV of a face corner: corners of one vertex share a UV entry where they agree.
  int cornerUv(int vertex, const Vec2f& uv);
  void orientFaces();

  PolyMesh m_mesh;
  std::map<int, int> m_lowerCopy;
  std::vector<int> m_capInterior;  ///< (kCap-1)^2 cap vertices, row-major
  std::vector<int> m_capBoundary;  ///< the cap square's perimeter as ring-0 vertices
  std::vector<Pocket> m_pockets;
  std::vector<SlitSide> m_mouthSide, m_eyeSide;
  std::vector<int> m_eyeOf, m_ring;
  std::vector<int> m_facePocket, m_facePocketRing;
  std::vector<SlitSide> m_faceSide;
  std::map<std::tuple<int, float, float>, int> m_uvEntries;
  int m_vertexCount = 0;
};

// The skin's UV layout: one non-overlapping chart per piece of the lattice. The grid
// around the head fills v in [0, kGridTop] with its seam down the back of the head (column
// 48); the crown cap, the eye pockets, the mouth pocket, the mouth's back wall and the
// nostrils' tubes each get a box above it.
constexpr float kGridTop = 0.74f;
struct UvBox {
  float u, v, width, height;
  Vec2f at(float s, float t) const { return Vec2f(u + width * s, v + height * t); }
};
constexpr UvBox kCapBox{0.01f, 0.76f, 0.22f, 0.23f};
constexpr UvBox kEyeBoxes[2] = {{0.25f, 0.76f, 0.24f, 0.11f}, {0.25f, 0.88f, 0.24f, 0.11f}};
constexpr UvBox kMouthBox{0.51f, 0.76f, 0.48f, 0.13f};
constexpr UvBox kMouthBackBox{0.51f, 0.91f, 0.48f, 0.08f};
constexpr UvBox kNostrilBoxes[2] = {{0.51f, 0.892f, 0.23f, 0.016f}, {0.76f, 0.892f, 0.23f, 0.016f}};

/// The UV of grid lattice point (column, row), for a face whose first column is `faceColumn`
/// (so the two sides of the back seam get u = 1 and u = 0).
Vec2f gridUv(int faceColumn, int column, int row) {
  const int unwrapped = (faceColumn + kHalfColumns) % kColumns + (column - faceColumn);
  return Vec2f(static_cast<float>(unwrapped) / kColumns,
               kGridTop * (1.0f - static_cast<float>(row) / static_cast<float>(kRows - 1)));
}

int SkinLayout::cornerUv(int vertex, const Vec2f& uv) {
  const auto [it, inserted] =
      m_uvEntries.emplace(std::tuple{vertex, uv.x(), uv.y()}, static_cast<int>(m_mesh.uvs.size()));
  if (inserted) {
    m_mesh.uvs.push_back(uv);
  }
  return it->second;
}

void SkinLayout::addQuad(int a, int b, int c, int d, int pocket, int ring, SlitSide side,
                         const std::array<Vec2f, 4>& uvs) {
  m_mesh.faceSizes.push_back(4);
  m_mesh.faceIndices.insert(m_mesh.faceIndices.end(), {a, b, c, d});
  const int corners[] = {a, b, c, d};
  for (int k = 0; k < 4; ++k) {
    m_mesh.uvIndices.push_back(cornerUv(corners[k], uvs[static_cast<std::size_t>(k)]));
  }
  m_facePocket.push_back(pocket);
  m_facePocketRing.push_back(ring);
  m_faceSide.push_back(side);
}

SkinLayout::SkinLayout() {
  m_vertexCount = kColumns * kRows;
  auto newVertex = [&] { return m_vertexCount++; };

  // Slits: the interior vertices of each slit row get a second copy for the lower side.
  struct Slit {
    int kind, row, first, last;  // columns first..last are the corners
  };
  const Slit slits[] = {{0, kRowEye, -kColOuterCanthus, -kColInnerCanthus},
                        {1, kRowEye, kColInnerCanthus, kColOuterCanthus},
                        {2, kRowMouth, -kColMouthCorner, kColMouthCorner}};
  for (const Slit& slit : slits) {
    for (int c = slit.first + 1; c < slit.last; ++c) {
      m_lowerCopy[gridVertex(c, slit.row)] = newVertex();
    }
  }
  auto isSlitInterior = [&](int column, int row) {
    return m_lowerCopy.contains(gridVertex(column, row));
  };
  auto isSlitEdge = [&](int column, int row) {
    // The edge from (column, row) to (column + 1, row) lies on a slit.
    for (const Slit& slit : slits) {
      const int c = signedColumn(((column % kColumns) + kColumns) % kColumns);
      if (row == slit.row && c >= slit.first && c < slit.last) {
        return true;
      }
    }
    return false;
  };
  (void)isSlitInterior;

  // Grid faces: (c, r), (c, r+1), (c+1, r+1), (c+1, r); the top corners use the lower
  // copies of slit vertices.
  for (int r = 0; r + 1 < kRows; ++r) {
    for (int c = 0; c < kColumns; ++c) {
      addQuad(lowerVertex(c, r), gridVertex(c, r + 1), gridVertex(c + 1, r + 1),
              lowerVertex(c + 1, r), -1, 0, SlitSide::None,
              {gridUv(c, c, r), gridUv(c, c, r + 1), gridUv(c, c + 1, r + 1), gridUv(c, c + 1, r)});
    }
  }
  (void)isSlitEdge;

  // Crown cap: a (kCap+1) x (kCap+1) lattice whose perimeter is ring 0.
  const int n = kCap;
  std::vector<int> lattice(static_cast<std::size_t>((n + 1) * (n + 1)), -1);
  auto at = [&](int i, int j) -> int& {
    return lattice[static_cast<std::size_t>(j * (n + 1) + i)];
  };
  const std::vector<std::pair<int, int>> perimeter = capPerimeter();
  for (std::size_t k = 0; k < perimeter.size(); ++k) {
    const int column = static_cast<int>(k) - n / 2;
    at(perimeter[k].first, perimeter[k].second) = gridVertex(column, 0);
    m_capBoundary.push_back(gridVertex(column, 0));
  }
  for (int j = 1; j < n; ++j) {
    for (int i = 1; i < n; ++i) {
      at(i, j) = newVertex();
      m_capInterior.push_back(at(i, j));
    }
  }
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      const auto capUv = [&](int ci, int cj) {
        return kCapBox.at(static_cast<float>(ci) / n, static_cast<float>(cj) / n);
      };
      addQuad(at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1), -1, 0, SlitSide::None,
              {capUv(i, j), capUv(i + 1, j), capUv(i + 1, j + 1), capUv(i, j + 1)});
    }
  }

  // Pockets behind each slit: the margin loop continues inward as rings of quads.
  for (const Slit& slit : slits) {
    Pocket pocket;
    pocket.kind = slit.kind;
    pocket.loop.push_back(gridVertex(slit.first, slit.row));
    pocket.loopSide.push_back(SlitSide::None);
    for (int c = slit.first + 1; c < slit.last; ++c) {
      pocket.loop.push_back(gridVertex(c, slit.row));
      pocket.loopSide.push_back(SlitSide::Upper);
    }
    pocket.loop.push_back(gridVertex(slit.last, slit.row));
    pocket.loopSide.push_back(SlitSide::None);
    for (int c = slit.last - 1; c > slit.first; --c) {
      pocket.loop.push_back(lowerVertex(c, slit.row));
      pocket.loopSide.push_back(SlitSide::Lower);
    }
    const int ringCount = slit.kind == 2 ? kMouthPocketRings : kEyePocketRings;
    std::vector<int> previous = pocket.loop;
    const std::size_t size = pocket.loop.size();
    for (int k = 1; k <= ringCount; ++k) {
      std::vector<int> ring(size);
      for (std::size_t i = 0; i < size; ++i) {
        ring[i] = newVertex();
      }
      for (std::size_t i = 0; i < size; ++i) {
        const std::size_t j = (i + 1) % size;
        // Which side the face lies on follows its loop entries.
        const SlitSide side =
            pocket.loopSide[i] != SlitSide::None ? pocket.loopSide[i] : pocket.loopSide[j];
        const UvBox& box = slit.kind == 2 ? kMouthBox : kEyeBoxes[slit.kind];
        const auto pocketUv = [&](std::size_t loopIndex, int ringIndex) {
          return box.at(static_cast<float>(loopIndex) / static_cast<float>(size),
                        static_cast<float>(ringIndex) / static_cast<float>(ringCount));
        };
        addQuad(previous[i], ring[i], ring[j], previous[j], slit.kind, k, side,
                {pocketUv(i, k - 1), pocketUv(i, k), pocketUv(i + 1, k), pocketUv(i + 1, k - 1)});
      }
      pocket.rings.push_back(ring);
      previous = ring;
    }
    if (slit.kind == 2) {
      // Close the mouth cavity at the back: the upper half of the last ring meets the
      // lower half, with a triangle at each corner.
      const int interior = slit.last - slit.first - 1;
      auto upperAt = [&](int i) { return previous[static_cast<std::size_t>(1 + i)]; };
      auto lowerAt = [&](int i) {
        return previous[static_cast<std::size_t>(size - 1 - static_cast<std::size_t>(i))];
      };
      const auto backUv = [&](float s, float t) {
        return kMouthBackBox.at(s / static_cast<float>(interior + 1), t);
      };
      for (int i = 0; i + 1 < interior; ++i) {
        const float s = static_cast<float>(i + 1);
        addQuad(upperAt(i), upperAt(i + 1), lowerAt(i + 1), lowerAt(i), 2, ringCount + 1,
                SlitSide::None,
                {backUv(s, 0.0f), backUv(s + 1.0f, 0.0f), backUv(s + 1.0f, 1.0f), backUv(s, 1.0f)});
      }
      for (const auto& [corner, u, l, tip, edge] :
           {std::tuple{previous[0], upperAt(0), lowerAt(0), 0.0f, 1.0f},
            std::tuple{previous[static_cast<std::size_t>(interior + 1)], upperAt(interior - 1),
                       lowerAt(interior - 1), static_cast<float>(interior + 1),
                       static_cast<float>(interior)}}) {
        m_mesh.faceSizes.push_back(3);
        m_mesh.faceIndices.insert(m_mesh.faceIndices.end(), {corner, u, l});
        m_mesh.uvIndices.insert(m_mesh.uvIndices.end(),
                                {cornerUv(corner, backUv(tip, 0.5f)),
                                 cornerUv(u, backUv(edge, 0.0f)), cornerUv(l, backUv(edge, 1.0f))});
        m_facePocket.push_back(2);
        m_facePocketRing.push_back(ringCount + 1);
        m_faceSide.push_back(SlitSide::None);
      }
    }
    m_pockets.push_back(std::move(pocket));
  }

  // Nostrils: the patch's border loop continues up into the nose as rings of quads, and
  // the patch's own four faces close the top of that tube, round its centre vertex
  // (which positions() lifts there).
  for (int side = 0; side < 2; ++side) {
    const int sx = side == 0 ? -1 : 1;
    Pocket pocket;
    pocket.kind = 3 + side;
    // Around the patch: (lateral, forward) steps from the centre; forward is up the grid
    // (toward the tip), lateral away from the midline.
    constexpr std::array<std::pair<int, int>, 8> kAround = {
        {{-1, 1}, {0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}, {-1, -1}, {-1, 0}}};
    for (const auto& [lateral, forward] : kAround) {
      pocket.loop.push_back(gridVertex(sx * (kColNostril + lateral), kRowNostril - forward));
      pocket.loopSide.push_back(SlitSide::None);
    }
    const std::size_t size = pocket.loop.size();
    std::vector<int> previous = pocket.loop;
    for (int k = 1; k <= kNostrilRings; ++k) {
      std::vector<int> ring(size);
      for (std::size_t i = 0; i < size; ++i) {
        ring[i] = newVertex();
      }
      const auto tubeUv = [&](std::size_t loopIndex, int ringIndex) {
        return kNostrilBoxes[side].at(static_cast<float>(loopIndex) / static_cast<float>(size),
                                      static_cast<float>(ringIndex) / kNostrilRings);
      };
      for (std::size_t i = 0; i < size; ++i) {
        const std::size_t j = (i + 1) % size;
        addQuad(previous[i], ring[i], ring[j], previous[j], pocket.kind, k, SlitSide::None,
                {tubeUv(i, k - 1), tubeUv(i, k), tubeUv(i + 1, k), tubeUv(i + 1, k - 1)});
      }
      pocket.rings.push_back(ring);
      previous = ring;
    }
    // The patch's faces now close the tube: their border corners move to the last ring
    // (with UV entries of their own, the same coordinates as before).
    const int first = sx < 0 ? -kColNostril - 1 : kColNostril - 1;
    for (int column = first; column < first + 2; ++column) {
      for (int row = kRowNostril - 1; row <= kRowNostril; ++row) {
        const auto face = static_cast<std::size_t>(gridFace(column, row));
        for (std::size_t corner = 4 * face; corner < 4 * face + 4; ++corner) {
          const auto at =
              std::find(pocket.loop.begin(), pocket.loop.end(), m_mesh.faceIndices[corner]);
          if (at == pocket.loop.end()) {
            continue;  // the centre vertex
          }
          const int lifted = previous[static_cast<std::size_t>(at - pocket.loop.begin())];
          m_mesh.faceIndices[corner] = lifted;
          m_mesh.uvIndices[corner] =
              cornerUv(lifted, m_mesh.uvs[static_cast<std::size_t>(m_mesh.uvIndices[corner])]);
        }
        m_facePocket[face] = pocket.kind;
        m_facePocketRing[face] = kNostrilRings + 1;
      }
    }
    m_pockets.push_back(std::move(pocket));
  }

  // Per-vertex bookkeeping.
  m_mouthSide.assign(static_cast<std::size_t>(m_vertexCount), SlitSide::None);
  m_eyeSide.assign(static_cast<std::size_t>(m_vertexCount), SlitSide::None);
  m_eyeOf.assign(static_cast<std::size_t>(m_vertexCount), -1);
  m_ring.assign(static_cast<std::size_t>(m_vertexCount), 0);
  for (const Pocket& pocket : m_pockets) {
    for (std::size_t i = 0; i < pocket.loop.size(); ++i) {
      std::vector<int> column = {pocket.loop[i]};
      for (const auto& ring : pocket.rings) {
        column.push_back(ring[i]);
      }
      for (std::size_t k = 0; k < column.size(); ++k) {
        const auto v = static_cast<std::size_t>(column[k]);
        m_ring[v] = static_cast<int>(k);
        if (pocket.kind == 2) {
          m_mouthSide[v] = pocket.loopSide[i];
        } else if (pocket.kind < 2) {
          m_eyeOf[v] = pocket.kind;
          m_eyeSide[v] = pocket.loopSide[i];
        }
      }
    }
  }
  m_mesh.positions.assign(static_cast<std::size_t>(m_vertexCount), Vec3f::Zero());
  orientFaces();
}

void SkinLayout::orientFaces() {
  // Make every face's winding agree with its neighbours', starting from a forehead face
  // that the grid builds outward (counter-clockwise seen from outside).
  const std::vector<int> offsets = m_mesh.faceOffsets();
  const int faceCount = m_mesh.faceCount();
  std::map<std::pair<int, int>, std::vector<int>> edgeFaces;
  auto corner = [&](int f, int k) {
    const int size = m_mesh.faceSizes[static_cast<std::size_t>(f)];
    return m_mesh.faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] +
                                                       ((k % size) + size) % size)];
  };
  for (int f = 0; f < faceCount; ++f) {
    for (int k = 0; k < m_mesh.faceSizes[static_cast<std::size_t>(f)]; ++k) {
      const int a = corner(f, k), b = corner(f, k + 1);
      edgeFaces[{std::min(a, b), std::max(a, b)}].push_back(f);
    }
  }
  std::vector<int> state(static_cast<std::size_t>(faceCount), 0);  // 0 unseen, 1 keep, -1 flip
  auto directed = [&](int f, int a, int b) {
    // +1 when face f (with its current decision) walks a -> b.
    const int size = m_mesh.faceSizes[static_cast<std::size_t>(f)];
    for (int k = 0; k < size; ++k) {
      if (corner(f, k) == a && corner(f, k + 1) == b) {
        return state[static_cast<std::size_t>(f)];
      }
      if (corner(f, k) == b && corner(f, k + 1) == a) {
        return -state[static_cast<std::size_t>(f)];
      }
    }
    return 0;
  };
  std::queue<int> queue;
  const int seed = gridFace(0, 4);
  state[static_cast<std::size_t>(seed)] = 1;
  queue.push(seed);
  while (!queue.empty()) {
    const int f = queue.front();
    queue.pop();
    const int size = m_mesh.faceSizes[static_cast<std::size_t>(f)];
    for (int k = 0; k < size; ++k) {
      const int a = corner(f, k), b = corner(f, k + 1);
      for (int g : edgeFaces[{std::min(a, b), std::max(a, b)}]) {
        if (g == f || state[static_cast<std::size_t>(g)] != 0) {
          continue;
        }
        // Neighbours must walk the shared edge the other way.
        state[static_cast<std::size_t>(g)] = 1;
        if (directed(g, a, b) == directed(f, a, b)) {
          state[static_cast<std::size_t>(g)] = -1;
        }
        queue.push(g);
      }
    }
  }
  for (int f = 0; f < faceCount; ++f) {
    SF_CHECK_MSG(state[static_cast<std::size_t>(f)] != 0, "skin faces are not all connected");
    if (state[static_cast<std::size_t>(f)] < 0) {
      const auto begin = m_mesh.faceIndices.begin() + offsets[static_cast<std::size_t>(f)];
      std::reverse(begin, begin + m_mesh.faceSizes[static_cast<std::size_t>(f)]);
      const auto uvBegin = m_mesh.uvIndices.begin() + offsets[static_cast<std::size_t>(f)];
      std::reverse(uvBegin, uvBegin + m_mesh.faceSizes[static_cast<std::size_t>(f)]);
    }
  }
}

/// Where the face's features lie as seen from the ray centre.
struct FeatureAngles {
  float innerAzimuth, outerAzimuth, mouthAzimuth;
  float innerElevation, outerElevation;
  float stomionElevation, cornerElevation, subnasaleElevation;
  float browElevation;
  float eyeRadius;  ///< distance from the ray centre to the front of the eye
};

FeatureAngles featureAngles(const HeadSculpt& sculpt) {
  FeatureAngles a;
  // Use the left side (+x); the right mirrors it (asymmetry is small and ignored here).
  const Vec3f inner = sculpt.innerCanthus(1) - kRayCenter;
  const Vec3f outer = sculpt.outerCanthus(1) - kRayCenter;
  const Vec3f corner = sculpt.mouthCorner(1) - kRayCenter;
  a.innerAzimuth = azimuthOf(inner);
  a.outerAzimuth = azimuthOf(outer);
  a.mouthAzimuth = azimuthOf(corner);
  a.innerElevation = elevationOf(inner);
  a.outerElevation = elevationOf(outer);
  a.cornerElevation = elevationOf(corner);
  a.stomionElevation = elevationOf(sculpt.stomion() - kRayCenter);
  a.subnasaleElevation = elevationOf(sculpt.subnasale() - kRayCenter);
  a.browElevation = elevationOf(sculpt.eyeCenter(1) + Vec3f(0.0f, 20.0f, 10.0f) - kRayCenter);
  a.eyeRadius = (sculpt.eyeCenter(1) - kRayCenter).norm() + 12.0f;
  return a;
}

std::pair<float, float> SkinLayout::gridAngles(const HeadSculpt& sculpt, const LidControls& lids,
                                               int column, int row, SlitSide side,
                                               const NoseRows* nose) const {
  const FeatureAngles f = featureAngles(sculpt);
  const int c = signedColumn(((column % kColumns) + kColumns) % kColumns);
  const float sign = c < 0 ? -1.0f : 1.0f;
  const float ac = static_cast<float>(std::abs(c));

  // Azimuth: eye rows place columns at the canthi, mouth rows at the mouth corners.
  const float eyeX[] = {0.0f, kColInnerCanthus, kColOuterCanthus, 26.0f, 36.0f, 48.0f};
  const float eyeY[] = {0.0f, f.innerAzimuth, f.outerAzimuth, radians(75.0f), radians(110.0f), kPi};
  const float mouthX[] = {0.0f, kColMouthCorner, 26.0f, 36.0f, 48.0f};
  const float mouthY[] = {0.0f, f.mouthAzimuth, radians(75.0f), radians(110.0f), kPi};
  const float eyeAzimuth = monotoneInterpolate(eyeX, eyeY, ac);
  const float mouthAzimuth = monotoneInterpolate(mouthX, mouthY, ac);
  const float rowF = static_cast<float>(std::min(row, kRowHeadEnd));
  const float mouthWeight = smoothstep(kRowEye + 5.0f, kRowMouth - 5.0f, rowF);
  const float azimuth = sign * ((1.0f - mouthWeight) * eyeAzimuth + mouthWeight * mouthAzimuth);

  // Elevation of the row, through the feature lines.
  const float eyeBase = 0.5f * (f.innerElevation + f.outerElevation);
  // Below the eye, the lid band's rows keep the spacing they had before the nose got more
  // rows: a nineteenth of the eye-to-mouth angle each.
  const float lidBandEnd = eyeBase + (f.stomionElevation - eyeBase) * kLidBandRows / 19.0f;
  const float rowX[] = {0.0f,         kRowBrow,  kRowEye + 0.0f,    kRowEye + kLidBandRows,
                        kRowNoseLast, kRowMouth, kRowHeadEnd + 0.0f};
  const float rowY[] = {radians(58.0f),       f.browElevation,    eyeBase,        lidBandEnd,
                        f.subnasaleElevation, f.stomionElevation, radians(-64.0f)};
  float elevation = monotoneInterpolate(rowX, rowY, static_cast<float>(row));
  // Over the nose the rows follow its profile (evenly by the spline's angle, which is
  // close to evenly by row), fading out beside it.
  if (nose != nullptr && row > kRowNoseFirst && row < kRowNoseLast) {
    const float t = (nose->top - elevation) / (nose->top - nose->bottom);
    const float k = std::clamp(t, 0.0f, 1.0f) * static_cast<float>(nose->elevations.size() - 1);
    const auto i = std::min(static_cast<std::size_t>(k), nose->elevations.size() - 2);
    const float u = k - static_cast<float>(i);
    const float warped = (1.0f - u) * nose->elevations[i] + u * nose->elevations[i + 1];
    elevation +=
        smoothstep(radians(22.0f), radians(12.0f), std::abs(azimuth)) * (warped - elevation);
  }

  // Eye rows follow the canthal line (tilted), fading over six rows and beyond the canthi.
  const float a = std::abs(azimuth);
  const float span = f.outerAzimuth - f.innerAzimuth;
  const float s = (a - f.innerAzimuth) / span;
  const float line =
      f.innerElevation + std::clamp(s, 0.0f, 1.0f) * (f.outerElevation - f.innerElevation);
  const float columnFade =
      smoothstep(radians(10.0f), 0.0f, std::max(f.innerAzimuth - a, a - f.outerAzimuth));
  const float eyeRowFade = std::max(0.0f, 1.0f - std::abs(row - kRowEye) / 6.0f);
  const float lineHere = eyeBase + (line - eyeBase) * columnFade;
  elevation += (line - eyeBase) * columnFade * eyeRowFade;

  // Lid opening: compress the band above (below) the line to open the upper (lower) lid.
  if (s > 0.0f && s < 1.0f && std::abs(row - kRowEye) <= kLidBandRows) {
    const int eye = sign < 0 ? 0 : 1;
    const float height = sculpt.fissureHeight();
    const float upperShape = std::pow(std::sin(kPi * std::pow(s, 0.9f)), 0.8f);
    const float lowerShape = std::pow(std::sin(kPi * std::pow(s, 1.3f)), 0.9f);
    const float lowerMm = 0.38f * height * lowerShape * lids.lower[static_cast<std::size_t>(eye)];
    const float upperOpen = lids.upper[static_cast<std::size_t>(eye)];
    // Closed, the upper margin comes down to just above the lower one.
    const float upperMm =
        upperOpen >= 0.0f
            ? (0.62f * height * upperShape + lowerMm - 0.3f) * upperOpen - (lowerMm - 0.3f)
            : -lowerMm + 0.3f;
    const float upperAngle = std::atan(upperMm / f.eyeRadius);
    const float lowerAngle = std::atan(lowerMm / f.eyeRadius);
    const bool upperSide = row < kRowEye || (row == kRowEye && side != SlitSide::Lower);
    const float rowEdge = upperSide ? kRowEye - kLidBandRows : kRowEye + kLidBandRows;
    const float edge = monotoneInterpolate(rowX, rowY, rowEdge) +
                       (line - eyeBase) * columnFade *
                           std::max(0.0f, 1.0f - static_cast<float>(kLidBandRows) / 6.0f);
    const float shift = upperSide ? upperAngle : -lowerAngle;
    const float band = edge - lineHere;
    if (std::abs(band) > 1e-6f) {
      const float t = (elevation - lineHere) / band;  // 0 at the line, 1 at the band's edge
      elevation = lineHere + shift + t * (band - shift);
    }
  }

  // Mouth rows follow the lip line: corners lower than the stomion, fading over six rows.
  const float m = std::clamp(a / f.mouthAzimuth, 0.0f, 1.0f);
  const float mouthLine = f.stomionElevation + (f.cornerElevation - f.stomionElevation) * m * m;
  const float mouthColumnFade = smoothstep(f.mouthAzimuth + radians(12.0f), f.mouthAzimuth, a);
  auto mouthRowFade = [](int r) {
    return std::max(0.0f, 1.0f - static_cast<float>(std::abs(r - kRowMouth)) / 6.0f);
  };
  elevation += (mouthLine - f.stomionElevation) * mouthColumnFade * mouthRowFade(row);

  // Lip rows: the rows kLipBandRows above and below the mouth's line lie on the vermilion
  // borders (the cupid's bow's peaks included), so the red of the lips ends on an edge
  // loop; the rows between share the lip evenly and the next kLipBandRows rows blend back.
  // Toward the corners, where the red narrows to nothing, the rows return to their own
  // spacing, so the faces at the corners keep their size when the mouth opens.
  const int dr = row - kRowMouth;
  const float across = a / f.mouthAzimuth;
  const float cornerFade = smoothstep(1.0f, 0.7f, across);
  if (dr != 0 && std::abs(dr) <= 2 * kLipBandRows && cornerFade > 0.0f) {
    auto rowElevation = [&](int r) {
      return monotoneInterpolate(rowX, rowY, static_cast<float>(r)) +
             (mouthLine - f.stomionElevation) * mouthColumnFade * mouthRowFade(r);
    };
    const bool upper = dr < 0;
    // The border above (below) this column, placed at the lips' depth: in front at the
    // middle, back at the corners, as the mouth's arch goes.
    const float s = std::min(across, 1.0f);
    const Vec3f corner = sculpt.mouthCorner(1);
    const float z = sculpt.stomion().z() + (corner.z() - sculpt.stomion().z()) * s * s;
    const Vec3f border(s * corner.x(), sculpt.lipBorderY(upper, s), z);
    const float least = std::atan(1.0f / f.eyeRadius);
    float edge = elevationOf(border - kRayCenter);
    edge = upper ? std::max(edge, mouthLine + least) : std::min(edge, mouthLine - least);
    const int band = upper ? -kLipBandRows : kLipBandRows;
    const float k = static_cast<float>(std::abs(dr)) / kLipBandRows;
    const float target = std::abs(dr) <= kLipBandRows
                             ? mouthLine + k * (edge - mouthLine)
                             : elevation + (2.0f - k) * (edge - rowElevation(kRowMouth + band));
    elevation += cornerFade * (target - elevation);
  }
  return {azimuth, elevation};
}

SkinLayout::NoseRows SkinLayout::noseRows(const HeadSculpt& sculpt) const {
  // The midline's profile between the first and last nose rows, by rays from the centre;
  // its length counts each radian it turns as 4 mm more, so the tip and the corner under
  // it get rows of their own.
  NoseRows nose;
  const LidControls lids;
  nose.top = gridAngles(sculpt, lids, 0, kRowNoseFirst, SlitSide::None).second;
  nose.bottom = gridAngles(sculpt, lids, 0, kRowNoseLast, SlitSide::None).second;
  constexpr int kSteps = 240;
  std::vector<Vec3f> profile;
  for (int i = 0; i <= kSteps; ++i) {
    const float e = nose.top + (nose.bottom - nose.top) * static_cast<float>(i) / kSteps;
    profile.push_back(sculpt.castRayFromOutside(kRayCenter, directionFrom(0.0f, e), 175.0f));
  }
  std::vector<float> length(profile.size(), 0.0f);
  for (std::size_t i = 1; i < profile.size(); ++i) {
    float turn = 0.0f;
    if (i >= 2) {
      const Vec3f a = profile[i - 1] - profile[i - 2];
      const Vec3f b = profile[i] - profile[i - 1];
      if (a.norm() > 1e-4f && b.norm() > 1e-4f) {
        turn = std::acos(std::clamp(a.normalized().dot(b.normalized()), -1.0f, 1.0f));
      }
    }
    length[i] = length[i - 1] + (profile[i] - profile[i - 1]).norm() + 4.0f * turn;
  }
  constexpr int kEntries = 65;
  std::size_t j = 1;
  for (int k = 0; k < kEntries; ++k) {
    const float want = length.back() * static_cast<float>(k) / (kEntries - 1);
    while (j + 1 < length.size() && length[j] < want) {
      ++j;
    }
    const float span = std::max(length[j] - length[j - 1], 1e-6f);
    const float u = std::clamp((want - length[j - 1]) / span, 0.0f, 1.0f);
    const float step = (nose.bottom - nose.top) / kSteps;
    nose.elevations.push_back(nose.top + (static_cast<float>(j - 1) + u) * step);
  }
  return nose;
}

std::pair<Vec3f, Vec3f> SkinLayout::gridRay(const HeadSculpt& sculpt, const LidControls& lids,
                                            int column, int row, SlitSide side,
                                            const NoseRows* nose) const {
  const auto [azimuth, elevation] = gridAngles(sculpt, lids, column, row, side, nose);
  if (row <= kRowHeadEnd) {
    return {kRayCenter, directionFrom(azimuth, elevation)};
  }
  // Below the head the rays leave from the neck's axis, first turning level, then
  // tilting down over the shoulders.
  const Vec3f neckTop(0.0f, -130.0f, -8.0f);
  const Vec3f neckBottom(0.0f, -205.0f, -8.0f);
  if (row <= kRowTransitionEnd) {
    const float u = static_cast<float>(row - kRowHeadEnd) / (kRowTransitionEnd - kRowHeadEnd);
    const Vec3f origin = kRayCenter + u * (neckTop - kRayCenter);
    return {origin, directionFrom(azimuth, (1.0f - u) * elevation)};
  }
  const float u = static_cast<float>(row - kRowTransitionEnd) / (kRows - 1 - kRowTransitionEnd);
  const Vec3f origin = neckTop + u * (neckBottom - neckTop);
  return {origin, directionFrom(azimuth, -radians(62.0f) * std::pow(u, 1.3f))};
}

namespace {

/// Jacobi iterations over `vertices` (grid vertices off its first and last rows; columns
/// wrap round): each takes the average of its four grid neighbours, through `place`.
template <typename Place>
void smoothOverGrid(const std::vector<int>& vertices, int iterations, std::vector<Vec3f>& values,
                    Place place) {
  for (const int v : vertices) {
    SF_CHECK_MSG(v >= kColumns && v < (kRows - 1) * kColumns,
                 "smoothOverGrid: a vertex on the grid's first or last row");
  }
  std::vector<Vec3f> next(vertices.size());
  for (int iteration = 0; iteration < iterations; ++iteration) {
    for (std::size_t i = 0; i < vertices.size(); ++i) {
      const int v = vertices[i];
      const int c = v % kColumns;
      const int r = v / kColumns;
      const int row = r * kColumns;
      const Vec3f average =
          0.25f * (values[static_cast<std::size_t>(row + (c + kColumns - 1) % kColumns)] +
                   values[static_cast<std::size_t>(row + (c + 1) % kColumns)] +
                   values[static_cast<std::size_t>(v - kColumns)] +
                   values[static_cast<std::size_t>(v + kColumns)]);
      next[i] = place(average);
    }
    for (std::size_t i = 0; i < vertices.size(); ++i) {
      values[static_cast<std::size_t>(vertices[i])] = next[i];
    }
  }
}

/// Newton steps from p onto the sculpt's surface.
Vec3f ontoSurface(const HeadSculpt& sculpt, Vec3f p, int steps) {
  for (int step = 0; step < steps; ++step) {
    p -= sculpt.distance(p) * sculpt.normal(p);
  }
  return p;
}

}  // namespace

std::vector<Vec3f> SkinLayout::positions(const HeadSculpt& sculpt, const LidControls& lids,
                                         const std::vector<Vec3f>* hint) const {
  // How far along a ray to start looking: from the hint when there is one.
  constexpr float kHintMargin = 12.0f;
  auto reach = [&](int v, const Vec3f& origin, float fallback) {
    return hint ? ((*hint)[static_cast<std::size_t>(v)] - origin).norm() + kHintMargin : fallback;
  };
  std::vector<Vec3f> points(static_cast<std::size_t>(m_vertexCount), Vec3f::Zero());

  // Grid vertices and the lower copies of slit vertices: rays onto the sculpt.
  std::vector<std::tuple<int, int, int, SlitSide>> jobs;  // vertex, column, row, side
  for (int r = 0; r < kRows; ++r) {
    for (int c = 0; c < kColumns; ++c) {
      const int v = gridVertex(c, r);
      jobs.emplace_back(v, c, r, m_lowerCopy.contains(v) ? SlitSide::Upper : SlitSide::None);
    }
  }
  for (const auto& [main, copy] : m_lowerCopy) {
    jobs.emplace_back(copy, main % kColumns, main / kColumns, SlitSide::Lower);
  }
  const NoseRows nose = noseRows(sculpt);
  oneapi::tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t i) {
    const ScopedFlushDenormals flush;
    const auto& [v, c, r, side] = jobs[i];
    const auto [origin, direction] = gridRay(sculpt, lids, c, r, side, &nose);
    // The head's rays take the outermost surface (past hollows between blended solids);
    // below it, rays from the neck's axis take the first.
    points[static_cast<std::size_t>(v)] =
        r <= kRowHeadEnd
            ? sculpt.castRayFromOutside(origin, direction, reach(v, origin, 175.0f))
            : sculpt.castRay(origin, direction,
                             hint ? reach(v, origin, 0.0f) - 2.0f * kHintMargin : 30.0f);
  });

  // Where the head's rays hand over to the neck's, the grid can crowd and fold under the
  // jaw, and over the shoulders the rays graze the surface: relax those rows toward their
  // neighbours' average, back onto the surface.
  // The same under the brows, where the ridge overhangs the orbit (on the orbits' walls
  // relaxUnderBrows or followUnderBrows then takes over). (The nose needs none:
  // its rows are spaced along its profile, see noseRows; relaxing them would pull them
  // off the tip.)
  const struct {
    int first, last, firstColumn, lastColumn, iterations;
  } bands[] = {{kRowHeadEnd - 4, kRows - 2, 0, kColumns - 1, 16},
               {kRowBrow - 3, kRowEye - 3, -kColOuterCanthus - 4, kColOuterCanthus + 4, 8}};
  for (const auto& band : bands) {
    std::vector<int> vertices;
    for (int r = band.first; r <= band.last; ++r) {
      for (int c = band.firstColumn; c <= band.lastColumn; ++c) {
        vertices.push_back(gridVertex(c, r));
      }
    }
    smoothOverGrid(vertices, band.iterations, points,
                   [&](const Vec3f& average) { return ontoSurface(sculpt, average, 1); });
  }

  // The crown cap: directions relaxed between the ring's (a harmonic map), then cast.
  {
    const int n = kCap;
    std::vector<Vec3f> directions(static_cast<std::size_t>((n + 1) * (n + 1)));
    auto index = [&](int i, int j) { return static_cast<std::size_t>(j * (n + 1) + i); };
    const std::vector<std::pair<int, int>> perimeter = capPerimeter();
    for (std::size_t k = 0; k < perimeter.size(); ++k) {
      const Vec3f p = points[static_cast<std::size_t>(m_capBoundary[k])];
      directions[index(perimeter[k].first, perimeter[k].second)] = (p - kRayCenter).normalized();
    }
    for (int j = 1; j < n; ++j) {
      for (int i = 1; i < n; ++i) {
        directions[index(i, j)] = Vec3f(0.0f, 1.0f, 0.0f);
      }
    }
    // Jacobi iterations (not Gauss-Seidel), so the result keeps the left-right symmetry.
    std::vector<Vec3f> next = directions;
    for (int iteration = 0; iteration < 800; ++iteration) {
      for (int j = 1; j < n; ++j) {
        for (int i = 1; i < n; ++i) {
          const Vec3f sum = directions[index(i - 1, j)] + directions[index(i + 1, j)] +
                            directions[index(i, j - 1)] + directions[index(i, j + 1)];
          next[index(i, j)] = sum.normalized();
        }
      }
      std::swap(directions, next);
    }
    for (int j = 1; j < n; ++j) {
      for (int i = 1; i < n; ++i) {
        const int v = m_capInterior[static_cast<std::size_t>((j - 1) * (n - 1) + (i - 1))];
        points[static_cast<std::size_t>(v)] = sculpt.castRayFromOutside(
            kRayCenter, directions[index(i, j)], reach(v, kRayCenter, 175.0f));
      }
    }
  }

  // Under the brows the rays graze the orbit's wall, so where they land is not a smooth
  // function of the sculpt: a nearby sculpt's wall moves with the vertices round it.
  // The lids do not move the walls: with the lids away from rest, the walls are the ones
  // placed with the lids at rest.
  const LidControls rest;
  if (hint != nullptr && (lids.upper != rest.upper || lids.lower != rest.lower)) {
    const std::vector<Vec3f> atRest = positions(sculpt, rest, hint);
    for (const int v : orbitWall()) {
      points[static_cast<std::size_t>(v)] = atRest[static_cast<std::size_t>(v)];
    }
  } else if (hint != nullptr) {
    followUnderBrows(sculpt, *hint, points);
  } else {
    relaxUnderBrows(sculpt, points);
  }

  // Pockets, from their margins inward.
  for (const Pocket& pocket : m_pockets) {
    const std::size_t size = pocket.loop.size();
    if (pocket.kind >= 3) {
      placeNostril(sculpt, pocket, points);
      relaxAroundNostril(sculpt, pocket.kind - 3, points);
      continue;
    }
    for (std::size_t i = 0; i < size; ++i) {
      const Vec3f margin = points[static_cast<std::size_t>(pocket.loop[i])];
      if (pocket.kind < 2) {
        // Eyelid margin: about 1.5 mm thick, its back edge resting on the globe.
        const Vec3f eye = sculpt.eyeCenter(pocket.kind);
        const Vec3f outward = (margin - eye).normalized();
        const float r = (margin - eye).norm();
        const float globe = sculpt.eyeballRadius();
        points[static_cast<std::size_t>(pocket.rings[0][i])] =
            eye + outward * (0.5f * (r + globe) + 0.1f) + Vec3f(0.0f, 0.0f, -0.6f);
        points[static_cast<std::size_t>(pocket.rings[1][i])] =
            eye + outward * (globe - 0.15f) + Vec3f(0.0f, 0.0f, -1.2f);
      } else {
        // Lips: the inner faces curl back from the contact line into the mouth cavity.
        const float sideSign = pocket.loopSide[i] == SlitSide::Upper   ? 1.0f
                               : pocket.loopSide[i] == SlitSide::Lower ? -1.0f
                                                                       : 0.0f;
        const float across =
            std::abs(margin.x()) / std::max(std::abs(sculpt.mouthCorner(1).x()), 1.0f);
        const float open = 1.0f - 0.7f * across * across;
        const Vec3f offsets[kMouthPocketRings] = {
            // The first rings cross the contact line a little, so the lips' rounded limit
            // surfaces still meet when closed.
            Vec3f(0.0f, -1.0f * sideSign * open, -1.8f),
            Vec3f(0.0f, -0.5f * sideSign * open, -5.5f),
            Vec3f(0.0f, 9.0f * sideSign * open, -15.0f),
            Vec3f(0.0f, 10.0f * sideSign * open, -30.0f)};
        for (int k = 0; k < kMouthPocketRings; ++k) {
          // The cavity narrows a little toward the back.
          Vec3f point = margin + offsets[k];
          point.x() *= 1.0f - 0.05f * static_cast<float>(k);
          points[static_cast<std::size_t>(pocket.rings[static_cast<std::size_t>(k)][i])] = point;
        }
      }
    }
  }
  return points;
}

void SkinLayout::placeNostril(const HeadSculpt& sculpt, const Pocket& pocket,
                              std::vector<Vec3f>& points) const {
  const int side = pocket.kind - 3;
  const HeadSculpt::TurnedEllipsoid& nostril = sculpt.nostril(side);
  const float sx = side == 0 ? -1.0f : 1.0f;
  // The opening's frame on the underside: along the nostril's axis (forward and in, but
  // turned only half as far in, so the back of the rim keeps clear of the ala's base),
  // and across it, away from the midline.
  const Vec3f along = Vec3f(0.5f * nostril.axis.x(), 0.0f, nostril.axis.z()).normalized();
  Vec3f lateral(along.z(), 0.0f, -along.x());
  if (lateral.x() * sx < 0.0f) {
    lateral = -lateral;
  }
  // The rim: an ellipse a little smaller than the nostril's section (its long radius
  // 5.5 mm), a little nearer the midline (the grid's next column out lies on the
  // ala's underside, close by), dropped onto the underside from inside the nose. The
  // control loop stands outside the limit curve, so the corners sit on a slightly larger
  // ellipse.
  const float longRadius = 0.85f * nostril.radii.z();
  const float shortRadius = 0.7f * nostril.radii.x();
  const Vec3f middle = nostril.center - 0.8f * lateral;
  const std::size_t size = pocket.loop.size();
  Vec3f rimCenter = Vec3f::Zero();
  std::vector<Vec3f> rim(size);
  for (std::size_t i = 0; i < size; ++i) {
    // Loop entry i lies at 45 degree steps round the patch, starting front and medial.
    const float angle = 0.75f * kPi - 0.25f * kPi * static_cast<float>(i);
    const float corner = i % 2 == 0 ? 1.12f : 1.0f;
    const Vec3f inside = middle + corner * (longRadius * std::sin(angle) * along +
                                            shortRadius * std::cos(angle) * lateral);
    // From 4 mm up, inside the nose, down through the underside; should the nose be too
    // thin there, from below instead.
    const Vec3f above = inside + Vec3f(0.0f, 4.0f, 0.0f);
    rim[i] = sculpt.distance(above) < 0.0f
                 ? sculpt.castRay(above, Vec3f(0.0f, -1.0f, 0.0f))
                 : sculpt.castRayFromOutside(above, Vec3f(0.0f, -1.0f, 0.0f), 12.0f);
    rimCenter += rim[i] / static_cast<float>(size);
  }
  // Up into the vestibule, which leans back a little, narrowing; the rim's ups and downs
  // flatten out on the way, so the tube's top is level and its cap cannot fold.
  const Vec3f up = Vec3f(0.0f, 1.0f, -0.3f).normalized();
  constexpr float kDepths[kNostrilRings] = {1.2f, 4.5f, 8.0f};
  constexpr float kScales[kNostrilRings] = {0.9f, 0.75f, 0.5f};
  constexpr float kRelief[kNostrilRings] = {0.8f, 0.4f, 0.0f};
  for (std::size_t i = 0; i < size; ++i) {
    points[static_cast<std::size_t>(pocket.loop[i])] = rim[i];
    const Vec3f offset = rim[i] - rimCenter;
    const Vec3f rise = offset.dot(up) * up;
    for (int k = 0; k < kNostrilRings; ++k) {
      points[static_cast<std::size_t>(pocket.rings[static_cast<std::size_t>(k)][i])] =
          rimCenter + kDepths[k] * up + kScales[k] * (offset - rise) + kRelief[k] * rise;
    }
  }
  // The patch's centre vertex closes the top.
  const int center = gridVertex(side == 0 ? -kColNostril : kColNostril, kRowNostril);
  points[static_cast<std::size_t>(center)] = rimCenter + 10.0f * up;
}

void SkinLayout::relaxAroundNostril(const HeadSculpt& sculpt, int side,
                                    std::vector<Vec3f>& points) const {
  // The grid's ring round the patch lies on the ala and the lip just outside the rim, where
  // the rays graze the alar crease: one identity's ray can meet the ala where the next's
  // meets the lip, a jump that folds the quads against the rim. Relax the ring toward its
  // neighbours, back onto the surface (the midline column stays, as the columella's
  // profile).
  const int sx = side == 0 ? -1 : 1;
  std::vector<int> ring;
  for (int dr = -2; dr <= 2; ++dr) {
    for (int dc = -1; dc <= 2; ++dc) {
      if (std::abs(dr) == 2 || dc == 2) {
        ring.push_back(gridVertex(sx * (kColNostril + dc), kRowNostril + dr));
      }
    }
  }
  smoothOverGrid(ring, 6, points,
                 [&](const Vec3f& average) { return ontoSurface(sculpt, average, 1); });
}

std::vector<int> SkinLayout::orbitWall() const {
  // Below kRowNoseFirst the columns up to the inner canthus's are the nose's: gridAngles
  // places them along its profile, and the wall leaves them be.
  std::vector<int> wall;
  for (const int sx : {-1, 1}) {
    for (int r = kRowBrow - 1; r <= kRowEye - kLidBandRows; ++r) {
      for (int c = kColInnerCanthus - 2; c <= kColOuterCanthus + 1; ++c) {
        wall.push_back(gridVertex(sx * c, r));
      }
    }
    for (int r = kRowEye + kLidBandRows; r <= kRowEye + kLidBandRows + 2; ++r) {
      const int first = r > kRowNoseFirst ? kColInnerCanthus + 1 : kColInnerCanthus - 2;
      for (int c = first; c <= kColOuterCanthus + 1; ++c) {
        wall.push_back(gridVertex(sx * c, r));
      }
    }
  }
  return wall;
}

void SkinLayout::relaxUnderBrows(const HeadSculpt& sculpt, std::vector<Vec3f>& points) const {
  // Between the brow and the upper lid the orbit's wall falls steeply to the lid, and the
  // rays from the head's centre graze it: where one ray meets the wall the next meets the
  // lid, a jump that crowds the quads. Relax those rows toward their neighbours.
  const std::vector<int> wall = orbitWall();
  smoothOverGrid(wall, 100, points,
                 [&](const Vec3f& average) { return ontoSurface(sculpt, average, 1); });
  for (const int v : wall) {
    const auto i = static_cast<std::size_t>(v);
    points[i] = ontoSurface(sculpt, points[i], 3);
  }
}

void SkinLayout::followUnderBrows(const HeadSculpt& sculpt, const std::vector<Vec3f>& hint,
                                  std::vector<Vec3f>& points) const {
  // A harmonic interpolation of the displacement, fixed on the wall's surroundings.
  const std::vector<int> wall = orbitWall();
  std::vector<Vec3f> displacement(points.size());
  for (std::size_t v = 0; v < points.size(); ++v) {
    displacement[v] = points[v] - hint[v];
  }
  for (const int v : wall) {
    displacement[static_cast<std::size_t>(v)] = Vec3f::Zero();
  }
  smoothOverGrid(wall, 80, displacement, [](const Vec3f& average) { return average; });
  // Onto the sculpt along its normal at the template's vertex, not the gradient where the
  // point lands: a point that lands in the orbit's opening would follow the gradient to
  // the opening's far wall, a sheet away from its neighbours.
  for (const int v : wall) {
    const auto i = static_cast<std::size_t>(v);
    const Vec3f along = sculpt.normal(hint[i]);
    Vec3f p = hint[i] + displacement[i];
    for (int step = 0; step < 3; ++step) {
      p -= sculpt.distance(p) * along;
    }
    points[i] = p;
  }
}

// ---------------------------------------------------------------------------------------
// Eyes

/// An eyeball (sclera with a flat iris disc in front) or a cornea (a clear cap).
PolyMesh eyeMesh(const Vec3f& center, bool cornea) {
  constexpr int kLongitudes = 32;
  constexpr int kLatitudes = 16;
  const float limbus = std::asin(5.8f / 12.0f);
  PolyMesh mesh;
  // Rings from the front pole backward; UV: u around, v from the front pole.
  const int rings = cornea ? 8 : kLatitudes;
  auto ringAngle = [&](int k) {
    const float t = static_cast<float>(k) / static_cast<float>(rings);
    if (cornea) {
      return t * radians(50.0f);  // angle about the cornea's own centre
    }
    // Denser over the iris: the first third of the rings covers the iris disc.
    return t < 1.0f / 3.0f ? 3.0f * t * limbus
                           : limbus + (t - 1.0f / 3.0f) * 1.5f * (kPi - limbus) *
                                          static_cast<float>(rings) / static_cast<float>(rings + 1);
  };
  mesh.positions.push_back(center + Vec3f(0.0f, 0.0f, cornea ? 13.0f : 10.3f));
  mesh.uvs.emplace_back(0.5f, 0.0f);
  for (int k = 1; k <= rings; ++k) {
    const float alpha = ringAngle(k);
    for (int i = 0; i < kLongitudes; ++i) {
      const float phi = 2.0f * kPi * static_cast<float>(i) / kLongitudes;
      Vec3f p;
      if (cornea) {
        p = Vec3f(0.0f, 0.0f, 5.0f) + 8.0f * Vec3f(std::sin(alpha) * std::cos(phi),
                                                   std::sin(alpha) * std::sin(phi),
                                                   std::cos(alpha));
      } else if (alpha <= limbus + 1e-4f) {
        // The iris: a shallow cone from the pupil out to the limbus.
        const float radial = 5.8f * alpha / limbus;
        p = Vec3f(radial * std::cos(phi), radial * std::sin(phi), 10.3f + 0.2f * alpha / limbus);
      } else {
        p = 12.0f * Vec3f(std::sin(alpha) * std::cos(phi), std::sin(alpha) * std::sin(phi),
                          std::cos(alpha));
      }
      mesh.positions.push_back(center + p);
      mesh.uvs.emplace_back(static_cast<float>(i) / kLongitudes,
                            static_cast<float>(k) / static_cast<float>(rings));
    }
  }
  if (!cornea) {
    mesh.positions.push_back(center + Vec3f(0.0f, 0.0f, -12.0f));
    mesh.uvs.emplace_back(0.5f, 1.0f);
  }
  // The seam of the UV layout duplicates the u = 1 column.
  const int seamBase = static_cast<int>(mesh.uvs.size());
  for (int k = 1; k <= rings; ++k) {
    mesh.uvs.emplace_back(1.0f, static_cast<float>(k) / static_cast<float>(rings));
  }
  auto vertex = [&](int k, int i) { return 1 + (k - 1) * kLongitudes + (i % kLongitudes); };
  auto uv = [&](int k, int i) { return i == kLongitudes ? seamBase + k - 1 : vertex(k, i); };
  // Front fan: triangles (pole, ring1 i, ring1 i+1), counter-clockwise seen from the front.
  for (int i = 0; i < kLongitudes; ++i) {
    mesh.faceSizes.push_back(3);
    mesh.faceIndices.insert(mesh.faceIndices.end(), {0, vertex(1, i), vertex(1, i + 1)});
    mesh.uvIndices.insert(mesh.uvIndices.end(), {0, uv(1, i), uv(1, i + 1)});
  }
  for (int k = 1; k < rings; ++k) {
    for (int i = 0; i < kLongitudes; ++i) {
      mesh.faceSizes.push_back(4);
      mesh.faceIndices.insert(mesh.faceIndices.end(), {vertex(k, i), vertex(k + 1, i),
                                                       vertex(k + 1, i + 1), vertex(k, i + 1)});
      mesh.uvIndices.insert(mesh.uvIndices.end(),
                            {uv(k, i), uv(k + 1, i), uv(k + 1, i + 1), uv(k, i + 1)});
    }
  }
  if (!cornea) {
    const int back = static_cast<int>(mesh.positions.size()) - 1;
    const int backUv = seamBase - 1;
    for (int i = 0; i < kLongitudes; ++i) {
      mesh.faceSizes.push_back(3);
      mesh.faceIndices.insert(mesh.faceIndices.end(),
                              {back, vertex(rings, i + 1), vertex(rings, i)});
      mesh.uvIndices.insert(mesh.uvIndices.end(), {backUv, uv(rings, i + 1), uv(rings, i)});
    }
  }
  return mesh;
}

/// The tear line: a thin wet ribbon where the lower lid's margin meets the eyeball, from the
/// inner to the outer corner. Built from the placed skin, so it follows every lid shape.
PolyMesh tearLineMesh(const SkinLayout& layout, const std::vector<Vec3f>& skin,
                      const HeadSculpt& sculpt, int side) {
  const Vec3f center = sculpt.eyeCenter(side);
  const float sx = side == 0 ? -1.0f : 1.0f;
  const int count = kColOuterCanthus - kColInnerCanthus + 1;
  PolyMesh mesh;
  for (int i = 0; i < count; ++i) {
    const int column = static_cast<int>(sx) * (kColInnerCanthus + i);
    const Vec3f margin = skin[static_cast<std::size_t>(layout.lowerVertex(column, kRowEye))];
    const Vec3f out = (margin - center).normalized();
    const Vec3f up = (Vec3f::UnitY() - Vec3f::UnitY().dot(out) * out).normalized();
    // Narrower toward the corners, never degenerate.
    const float t = static_cast<float>(i) / static_cast<float>(count - 1);
    const float width =
        0.25f + 0.45f * std::sqrt(std::max(std::sin(std::numbers::pi_v<float> * t), 0.0f));
    const Vec3f onBall = center + (sculpt.eyeballRadius() + 0.05f) * out;
    // Six tenths of the way out to the margin, and never inside the globe nor far out at
    // the inner corner, where the slit's end stands well off the globe.
    const float lidHeight =
        std::clamp((margin - center).norm() - sculpt.eyeballRadius(), 0.5f, 2.0f);
    const Vec3f lid = onBall + 0.6f * lidHeight * out;
    mesh.positions.push_back(lid + 0.1f * up);
    mesh.positions.push_back(onBall + width * up);
    mesh.uvs.push_back(Vec2f(t, 0.0f));
    mesh.uvs.push_back(Vec2f(t, 1.0f));
  }
  for (int i = 0; i + 1 < count; ++i) {
    // Wound so that the ribbon faces out of the eye on both sides of the head.
    const int a = 2 * i, b = 2 * i + 1, c = 2 * i + 3, d = 2 * i + 2;
    const std::array<int, 4> quad = side == 1 ? std::array{a, b, c, d} : std::array{a, d, c, b};
    mesh.faceSizes.push_back(4);
    for (int k : quad) {
      mesh.faceIndices.push_back(k);
      mesh.uvIndices.push_back(k);
    }
  }
  return mesh;
}

/// The caruncle: the small pink mound in the inner corner of the eye, a flattened ellipsoid
/// tucked between the corner of the lids and the eyeball.
PolyMesh caruncleMesh(const SkinLayout& layout, const std::vector<Vec3f>& skin,
                      const HeadSculpt& sculpt, int side) {
  const float sx = side == 0 ? -1.0f : 1.0f;
  const Vec3f corner = skin[static_cast<std::size_t>(
      layout.gridVertex(static_cast<int>(sx) * kColInnerCanthus, kRowEye))];
  // On the eyeball in the corner where the lids meet: the point 2 mm nasal of the corner,
  // taken radially onto the globe (the corner stands well off the globe, so this lands
  // just inside the slit). It is built in the globe's frame there (across the slit, up,
  // out of the globe): 4 x 2.6 mm over the globe, its top about a millimetre off it, as
  // far out as the lid margins.
  const Vec3f eye = sculpt.eyeCenter(side);
  const Vec3f inSlit = corner + Vec3f(-sx * 2.0f, -0.2f, 0.0f);
  const Vec3f out = (inSlit - eye).normalized();
  const Vec3f up = (Vec3f::UnitY() - Vec3f::UnitY().dot(out) * out).normalized();
  const Vec3f across = up.cross(out);
  const Vec3f center = eye + (sculpt.eyeballRadius() + 0.3f) * out;
  const Vec3f radii(2.0f, 1.3f, 0.7f);  // across, up, out
  auto at = [&](float x, float y, float z) { return center + x * across + y * up + z * out; };
  constexpr int kRings = 6;
  constexpr int kSegments = 8;
  PolyMesh mesh;
  // Poles first, then rings from the top down; UVs from the same angles.
  mesh.positions.push_back(at(0.0f, radii.y(), 0.0f));
  mesh.positions.push_back(at(0.0f, -radii.y(), 0.0f));
  mesh.uvs.push_back(Vec2f(0.5f, 0.0f));
  mesh.uvs.push_back(Vec2f(0.5f, 1.0f));
  for (int k = 1; k < kRings; ++k) {
    const float theta = std::numbers::pi_v<float> * static_cast<float>(k) / kRings;
    for (int j = 0; j < kSegments; ++j) {
      const float phi = 2.0f * std::numbers::pi_v<float> * static_cast<float>(j) / kSegments;
      mesh.positions.push_back(at(radii.x() * std::sin(theta) * std::cos(phi),
                                  radii.y() * std::cos(theta),
                                  radii.z() * std::sin(theta) * std::sin(phi)));
      mesh.uvs.push_back(Vec2f(static_cast<float>(j) / kSegments, static_cast<float>(k) / kRings));
    }
  }
  auto ring = [&](int k, int j) { return 2 + (k - 1) * kSegments + (j % kSegments); };
  auto face = [&](std::initializer_list<int> corners) {
    mesh.faceSizes.push_back(static_cast<int>(corners.size()));
    for (int v : corners) {
      mesh.faceIndices.push_back(v);
      mesh.uvIndices.push_back(v);
    }
  };
  // Counter-clockwise seen from outside.
  for (int j = 0; j < kSegments; ++j) {
    face({0, ring(1, j + 1), ring(1, j)});
    for (int k = 1; k + 1 < kRings; ++k) {
      face({ring(k, j), ring(k, j + 1), ring(k + 1, j + 1), ring(k + 1, j)});
    }
    face({1, ring(kRings - 1, j), ring(kRings - 1, j + 1)});
  }
  return mesh;
}

// ---------------------------------------------------------------------------------------
// Teeth and tongue

/// A dental arch as a scalloped tube along a parabola behind the lips: `upper` teeth hang
/// from the gum down to the stomion, lower teeth rise to it (set 2.5 mm behind the upper,
/// the usual overjet). Incisal edges dip between teeth, and each tooth is a little fuller
/// in the middle than at its neighbours, so the row reads as separate teeth.
PolyMesh dentalArch(const HeadSculpt& sculpt, bool upper) {
  constexpr int kAlong = 40;   // around the arch, molar to molar
  constexpr int kAround = 10;  // around the tube's cross-section
  const Vec3f sto = sculpt.stomion();
  const float front = sto.z() - 11.0f - (upper ? 0.0f : 2.5f);
  const float halfWidth = 24.0f;  // at the second molars
  const float depth = 30.0f;      // incisors to molars
  const float height = upper ? 10.5f : 9.5f;
  const float sign = upper ? 1.0f : -1.0f;
  // Tooth widths from the midline back (mm): incisors, canine, premolars, molars.
  const float widths[] = {8.7f, 6.8f, 7.8f, 7.0f, 6.8f, 10.0f, 9.5f};
  PolyMesh mesh;
  for (int i = 0; i <= kAlong; ++i) {
    const float s = -1.0f + 2.0f * static_cast<float>(i) / kAlong;  // -1..1 across the arch
    // The arch: a parabola in (x, z); its tangent gives the cross-section's frame.
    const float x = s * halfWidth;
    const float z = front - depth * s * s;
    const Vec3f tangent =
        Vec3f(halfWidth, 0.0f, -2.0f * depth * s * halfWidth / halfWidth).normalized();
    const Vec3f outward =
        Vec3f(0.0f, 1.0f, 0.0f).cross(tangent).normalized() * (s < 0 ? 1.0f : 1.0f);
    // Arc length along the arch picks the tooth, for the scallops.
    const float along = std::abs(s) * 44.0f;
    float edge = 0.0f, start = 0.0f;
    float bulge = 0.0f;
    for (float w : widths) {
      if (along < start + w) {
        const float t = (along - start) / w;
        bulge = std::sin(kPi * t);
        edge = 0.8f * (1.0f - bulge);
        break;
      }
      start += w;
    }
    const float thickness = (std::abs(s) < 0.35f ? 6.5f : 9.0f) * (0.85f + 0.15f * bulge);
    for (int k = 0; k < kAround; ++k) {
      // A rounded rectangle: height along y, thickness along `outward`.
      const float angle = 2.0f * kPi * static_cast<float>(k) / kAround;
      const float cy = std::cos(angle), cz = std::sin(angle);
      const float ry = std::copysign(std::pow(std::abs(cy), 0.6f), cy);
      const float rz = std::copysign(std::pow(std::abs(cz), 0.6f), cz);
      // Closed, the upper incisors overlap the lower by about 2 mm (the overbite).
      const float yTop = sto.y() + sign * height;
      const float yEdge = upper ? sto.y() - 1.5f + edge : sto.y() + 0.5f - edge;
      const float y = 0.5f * (yTop + yEdge) + 0.5f * (yTop - yEdge) * ry;
      mesh.positions.push_back(Vec3f(x, y, z) + outward * (0.5f * thickness * rz));
    }
  }
  for (int i = 0; i < kAlong; ++i) {
    for (int k = 0; k < kAround; ++k) {
      const int a = i * kAround + k, b = i * kAround + (k + 1) % kAround;
      const int c = (i + 1) * kAround + (k + 1) % kAround, d = (i + 1) * kAround + k;
      mesh.faceSizes.push_back(4);
      mesh.faceIndices.insert(mesh.faceIndices.end(), {a, b, c, d});
    }
  }
  return mesh;
}

/// The tongue: a flattened ellipsoid resting on the floor of the mouth behind the lower
/// incisors, its tip just behind them.
PolyMesh tongueMesh(const HeadSculpt& sculpt) {
  constexpr int kRings = 10, kAround = 16;
  const Vec3f sto = sculpt.stomion();
  const Vec3f center(0.0f, sto.y() - 7.0f, sto.z() - 36.0f);
  const Vec3f radii(19.0f, 7.5f, 24.0f);
  PolyMesh mesh;
  mesh.positions.push_back(center + Vec3f(0.0f, 0.0f, radii.z()));  // tip, toward the lips
  for (int k = 1; k < kRings; ++k) {
    const float alpha = kPi * static_cast<float>(k) / kRings;
    for (int i = 0; i < kAround; ++i) {
      const float phi = 2.0f * kPi * static_cast<float>(i) / kAround;
      // Flatter underneath than on top.
      const float y = std::sin(alpha) * std::sin(phi);
      mesh.positions.push_back(center + Vec3f(radii.x() * std::sin(alpha) * std::cos(phi),
                                              radii.y() * (y > 0 ? y : 0.6f * y),
                                              radii.z() * std::cos(alpha)));
    }
  }
  mesh.positions.push_back(center - Vec3f(0.0f, 0.0f, radii.z()));  // root, toward the throat
  auto vertex = [&](int k, int i) { return 1 + (k - 1) * kAround + (i % kAround); };
  const int root = static_cast<int>(mesh.positions.size()) - 1;
  for (int i = 0; i < kAround; ++i) {
    mesh.faceSizes.push_back(3);
    mesh.faceIndices.insert(mesh.faceIndices.end(), {0, vertex(1, i + 1), vertex(1, i)});
    mesh.faceSizes.push_back(3);
    mesh.faceIndices.insert(mesh.faceIndices.end(),
                            {root, vertex(kRings - 1, i), vertex(kRings - 1, i + 1)});
  }
  for (int k = 1; k + 1 < kRings; ++k) {
    for (int i = 0; i < kAround; ++i) {
      mesh.faceSizes.push_back(4);
      mesh.faceIndices.insert(mesh.faceIndices.end(), {vertex(k, i), vertex(k, i + 1),
                                                       vertex(k + 1, i + 1), vertex(k + 1, i)});
    }
  }
  return mesh;
}

// ---------------------------------------------------------------------------------------
// Ears

/// An ear as a closed "pillow": a front surface with the ear's relief (the helix rolling
/// along the rim, the scapha's groove inside it, the antihelix ridge, the deep concha bowl,
/// the tragus in front of it, the soft lobule below) and a smooth back, stitched at the rim.
/// Its concha sits over the ear canal; it stands off the head by the ear's protrusion and
/// leans back by the ear's rotation. Side 0 is the subject's right (-x).
PolyMesh earMesh(const HeadSculpt& sculpt, int side) {
  constexpr int kRings = 9;
  constexpr int kSectors = 28;
  const float sx = side == 0 ? -1.0f : 1.0f;
  const float length = sculpt.value("ear_length");
  const float width = sculpt.value("ear_width");
  const float protrusion = sculpt.value("ear_protrusion");
  const float lean = (12.0f + sculpt.value("ear_rotation")) * kPi / 180.0f;
  // The ear's frame: `back` along the ear toward its rear rim, `up` along its length,
  // `out` its front face's normal, away from the head.
  const float open = std::atan2(protrusion, width * 1.1f);
  const Vec3f back = Vec3f(sx * std::sin(open), 0.0f, -std::cos(open)).normalized();
  const Vec3f up0(0.0f, 1.0f, 0.0f);
  const Vec3f up = (std::cos(lean) * up0 + std::sin(lean) * Vec3f(0.0f, 0.0f, -1.0f)).normalized();
  const Vec3f out = (side == 0 ? up.cross(back) : back.cross(up)).normalized();
  // The concha's centre, just behind and above the canal, slightly off the head.
  const Vec3f canal = sculpt.earCanal(side);
  const Vec3f center = canal + Vec3f(sx * 3.0f, 3.0f, -5.0f);

  // The outline, polar around the concha: taller than wide, the lobule narrower.
  auto outline = [&](float phi) {
    const float c = std::cos(phi), s = std::sin(phi);  // phi 0 toward the rear, pi/2 up
    const float halfWidth = 0.5f * width * (s < 0.0f ? 1.0f - 0.35f * s * s : 1.0f);
    const float above = 0.55f * length, below = 0.45f * length;
    // The front edge (cos < 0) stays close to the concha: the ear joins the head there.
    const float front = c < 0.0f ? 0.55f : 1.0f;
    return Vec2f(c * halfWidth * front * 1.15f, s * (s > 0.0f ? above : below));
  };
  // Height of the front surface above the ear plane at ring fraction t, angle phi.
  auto relief = [&](float t, float phi) {
    const float c = std::cos(phi), s = std::sin(phi);
    const float rim = 3.2f * std::exp(-std::pow((t - 0.93f) / 0.07f, 2.0f));
    const float scapha =
        -1.4f * std::exp(-std::pow((t - 0.78f) / 0.07f, 2.0f)) * (s > -0.3f ? 1.0f : 0.3f);
    const float antihelix =
        2.6f * std::exp(-std::pow((t - 0.6f) / 0.1f, 2.0f)) * (s > -0.5f ? 1.0f : 0.2f);
    const float concha = -7.0f * std::exp(-std::pow(t / 0.38f, 2.0f));
    const float tragus = 4.0f * std::exp(-std::pow((t - 0.42f) / 0.12f, 2.0f)) *
                         std::exp(-std::pow((phi - kPi) / 0.45f, 2.0f));
    const float lobule = s < -0.6f ? 1.5f * (-s - 0.6f) : 0.0f;
    // The front edge sinks into the head.
    const float join = c < 0.0f ? -6.0f * c * c * t : 0.0f;
    return rim + scapha + antihelix + concha + tragus + lobule + join + 2.0f * t;
  };

  PolyMesh mesh;
  auto place = [&](const Vec2f& plane, float height) {
    return center + plane.x() * back + plane.y() * up + height * out;
  };
  // Front: centre vertex, rings 1..kRings (ring kRings is the rim); back: rings kRings-1..1
  // and a centre vertex.
  mesh.positions.push_back(place(Vec2f(0, 0), relief(0.0f, 0.0f)));
  for (int i = 1; i <= kRings; ++i) {
    const float t = static_cast<float>(i) / kRings;
    for (int j = 0; j < kSectors; ++j) {
      const float phi = 2.0f * kPi * static_cast<float>(j) / kSectors;
      mesh.positions.push_back(place(t * outline(phi), relief(t, phi)));
    }
  }
  for (int i = kRings - 1; i >= 1; --i) {
    const float t = static_cast<float>(i) / kRings;
    for (int j = 0; j < kSectors; ++j) {
      const float phi = 2.0f * kPi * static_cast<float>(j) / kSectors;
      // A gently domed back, about 4 mm behind the ear plane, deeper toward the head.
      mesh.positions.push_back(place(0.97f * t * outline(phi), -4.0f - 3.0f * (1.0f - t)));
    }
  }
  mesh.positions.push_back(place(Vec2f(0, 0), -8.0f));
  // Ring k of the whole strip: 1..kRings front, kRings+1..2kRings-1 back.
  auto vertex = [&](int ring, int j) { return 1 + (ring - 1) * kSectors + (j % kSectors); };
  const int backCenter = static_cast<int>(mesh.positions.size()) - 1;
  const int strips = 2 * kRings - 1;
  for (int j = 0; j < kSectors; ++j) {
    mesh.faceSizes.push_back(3);
    mesh.faceIndices.insert(mesh.faceIndices.end(), {0, vertex(1, j), vertex(1, j + 1)});
    mesh.faceSizes.push_back(3);
    mesh.faceIndices.insert(mesh.faceIndices.end(),
                            {backCenter, vertex(strips, j + 1), vertex(strips, j)});
  }
  for (int ring = 1; ring < strips; ++ring) {
    for (int j = 0; j < kSectors; ++j) {
      mesh.faceSizes.push_back(4);
      mesh.faceIndices.insert(
          mesh.faceIndices.end(),
          {vertex(ring, j), vertex(ring + 1, j), vertex(ring + 1, j + 1), vertex(ring, j + 1)});
    }
  }
  // Faces were wound for one side; the mirror winds them the other way round.
  const bool flip = (back.cross(up)).dot(out) < 0.0f;
  if (flip) {
    const std::vector<int> offsets = mesh.faceOffsets();
    for (int f = 0; f < mesh.faceCount(); ++f) {
      const auto begin = mesh.faceIndices.begin() + offsets[static_cast<std::size_t>(f)];
      std::reverse(begin, begin + mesh.faceSizes[static_cast<std::size_t>(f)]);
    }
  }
  return mesh;
}

// ---------------------------------------------------------------------------------------
// The model

/// Everything the construction places for one sculpt and one lid state.
struct Placement {
  std::vector<Vec3f> skin;
  std::array<PolyMesh, 2> eyes;
  std::array<PolyMesh, 2> corneas;
  PolyMesh upperTeeth, lowerTeeth, tongue;
  std::array<PolyMesh, 2> ears;
  std::array<PolyMesh, 2> tearLines, caruncles;
};

Placement place(const SkinLayout& layout, const HeadSculpt& sculpt, const LidControls& lids,
                const std::vector<Vec3f>* hint = nullptr) {
  Placement placement;
  placement.skin = layout.positions(sculpt, lids, hint);
  for (int side = 0; side < 2; ++side) {
    placement.eyes[static_cast<std::size_t>(side)] = eyeMesh(sculpt.eyeCenter(side), false);
    placement.corneas[static_cast<std::size_t>(side)] = eyeMesh(sculpt.eyeCenter(side), true);
  }
  placement.upperTeeth = dentalArch(sculpt, true);
  placement.lowerTeeth = dentalArch(sculpt, false);
  placement.tongue = tongueMesh(sculpt);
  placement.ears = {earMesh(sculpt, 0), earMesh(sculpt, 1)};
  for (int side = 0; side < 2; ++side) {
    placement.tearLines[static_cast<std::size_t>(side)] =
        tearLineMesh(layout, placement.skin, sculpt, side);
    placement.caruncles[static_cast<std::size_t>(side)] =
        caruncleMesh(layout, placement.skin, sculpt, side);
  }
  return placement;
}

std::vector<Vec3f> concatenate(const Placement& placement) {
  std::vector<Vec3f> all = placement.skin;
  for (int side = 0; side < 2; ++side) {
    const auto& eye = placement.eyes[static_cast<std::size_t>(side)].positions;
    all.insert(all.end(), eye.begin(), eye.end());
  }
  for (int side = 0; side < 2; ++side) {
    const auto& cornea = placement.corneas[static_cast<std::size_t>(side)].positions;
    all.insert(all.end(), cornea.begin(), cornea.end());
  }
  for (const PolyMesh* mesh :
       {&placement.upperTeeth, &placement.lowerTeeth, &placement.tongue, &placement.ears[0],
        &placement.ears[1], &placement.tearLines[0], &placement.tearLines[1],
        &placement.caruncles[0], &placement.caruncles[1]}) {
    all.insert(all.end(), mesh->positions.begin(), mesh->positions.end());
  }
  return all;
}

/// A sparse target from two full position arrays: (plus - minus) * scale, dropping
/// vertices that move less than 1 micrometre.
MorphTarget difference(const std::string& name, const std::string& group,
                       const std::vector<Vec3f>& plus, const std::vector<Vec3f>& minus,
                       float scale) {
  MorphTarget target;
  target.name = name;
  target.group = group;
  for (std::size_t v = 0; v < plus.size(); ++v) {
    const Vec3f delta = (plus[v] - minus[v]) * scale;
    if (delta.norm() > 1e-3f) {
      target.vertices.push_back(static_cast<int>(v));
      target.deltas.push_back(delta);
    }
  }
  return target;
}

/// Bilinear (quad) or barycentric (triangle) coordinates of corner k of a face.
Vec2f cornerUv(int size, int k) {
  if (size == 3) {
    return k == 0 ? Vec2f(0, 0) : k == 1 ? Vec2f(1, 0) : Vec2f(0, 1);
  }
  const Vec2f quad[] = {Vec2f(0, 0), Vec2f(1, 0), Vec2f(1, 1), Vec2f(0, 1)};
  return quad[k];
}

/// Finds surface points of the skin by vertex, by edge or by closest point.
class SurfaceLocator {
public:
  explicit SurfaceLocator(const PolyMesh& mesh) : m_mesh(mesh), m_offsets(mesh.faceOffsets()) {}

  /// The point at fraction t along the edge a -> b, on a face that has that edge.
  Landmark onEdge(const std::string& name, int a, int b, float t) const {
    for (int f = 0; f < m_mesh.faceCount(); ++f) {
      const int size = m_mesh.faceSizes[static_cast<std::size_t>(f)];
      int ka = -1, kb = -1;
      for (int k = 0; k < size; ++k) {
        const int v = corner(f, k);
        if (v == a)
          ka = k;
        if (v == b)
          kb = k;
      }
      if (ka >= 0 && kb >= 0) {
        Landmark landmark;
        landmark.name = name;
        landmark.part = 0;
        landmark.face = f;
        landmark.uv = (1.0f - t) * cornerUv(size, ka) + t * cornerUv(size, kb);
        return landmark;
      }
    }
    SF_CHECK_MSG(false, "no face has that edge");
    return {};
  }

  /// A vertex, as a corner of one of its faces.
  Landmark atVertex(const std::string& name, int vertex) const {
    for (int f = 0; f < m_mesh.faceCount(); ++f) {
      const int size = m_mesh.faceSizes[static_cast<std::size_t>(f)];
      for (int k = 0; k < size; ++k) {
        if (corner(f, k) == vertex) {
          Landmark landmark;
          landmark.name = name;
          landmark.face = f;
          landmark.uv = cornerUv(size, k);
          return landmark;
        }
      }
    }
    SF_CHECK_MSG(false, "vertex on no face");
    return {};
  }

  /// The closest point of the (flat, triangulated) control mesh to `target`.
  Landmark closest(const std::string& name, const Vec3f& target) const {
    float best = 1e30f;
    Landmark landmark;
    landmark.name = name;
    for (int f = 0; f < m_mesh.faceCount(); ++f) {
      const int size = m_mesh.faceSizes[static_cast<std::size_t>(f)];
      // Triangles (0, 1, 2) and, for quads, (0, 2, 3), in the face's own coordinates.
      const int triangles[2][3] = {{0, 1, 2}, {0, 2, 3}};
      for (int t = 0; t < (size == 4 ? 2 : 1); ++t) {
        const Vec3f p0 = position(f, triangles[t][0]);
        const Vec3f p1 = position(f, triangles[t][1]);
        const Vec3f p2 = position(f, triangles[t][2]);
        const auto [b1, b2] = closestOnTriangle(target, p0, p1, p2);
        const Vec3f point = p0 + b1 * (p1 - p0) + b2 * (p2 - p0);
        const float distance = (point - target).squaredNorm();
        if (distance < best) {
          best = distance;
          landmark.face = f;
          const Vec2f uv0 = cornerUv(size, triangles[t][0]);
          const Vec2f uv1 = cornerUv(size, triangles[t][1]);
          const Vec2f uv2 = cornerUv(size, triangles[t][2]);
          landmark.uv = uv0 + b1 * (uv1 - uv0) + b2 * (uv2 - uv0);
        }
      }
    }
    return landmark;
  }

private:
  int corner(int f, int k) const {
    return m_mesh.faceIndices[static_cast<std::size_t>(m_offsets[static_cast<std::size_t>(f)] + k)];
  }
  Vec3f position(int f, int k) const {
    return m_mesh.positions[static_cast<std::size_t>(corner(f, k))];
  }

  /// Barycentric (b1, b2) of the closest point of triangle (a, b, c) to p.
  static std::pair<float, float> closestOnTriangle(const Vec3f& p, const Vec3f& a, const Vec3f& b,
                                                   const Vec3f& c) {
    // Project onto the plane, then clamp to the triangle by testing its edges.
    const Vec3f ab = b - a, ac = c - a, ap = p - a;
    const float d1 = ab.dot(ap), d2 = ac.dot(ap);
    if (d1 <= 0 && d2 <= 0)
      return {0.0f, 0.0f};
    const Vec3f bp = p - b;
    const float d3 = ab.dot(bp), d4 = ac.dot(bp);
    if (d3 >= 0 && d4 <= d3)
      return {1.0f, 0.0f};
    const float vc = d1 * d4 - d3 * d2;
    if (vc <= 0 && d1 >= 0 && d3 <= 0)
      return {d1 / (d1 - d3), 0.0f};
    const Vec3f cp = p - c;
    const float d5 = ab.dot(cp), d6 = ac.dot(cp);
    if (d6 >= 0 && d5 <= d6)
      return {0.0f, 1.0f};
    const float vb = d5 * d2 - d1 * d6;
    if (vb <= 0 && d2 >= 0 && d6 <= 0)
      return {0.0f, d2 / (d2 - d6)};
    const float va = d3 * d6 - d5 * d4;
    if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
      const float w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
      return {1.0f - w, w};
    }
    const float denominator = 1.0f / (va + vb + vc);
    return {vb * denominator, vc * denominator};
  }

  const PolyMesh& m_mesh;
  std::vector<int> m_offsets;
};

/// The 68 iBUG points and the two pupils (labels.md), as points on the default skin.
std::vector<Landmark> placeLandmarks(const SkinLayout& layout, const PolyMesh& skin,
                                     const HeadSculpt& sculpt) {
  const SurfaceLocator locate(skin);
  std::vector<Landmark> points(70);
  auto cast = [&](const Vec3f& origin, const Vec3f& target) {
    const Vec3f direction = (target - origin).normalized();
    return sculpt.castRayFromOutside(origin, direction, (target - origin).norm() + 25.0f);
  };

  // 0-16 jaw line, from the subject's right (image left) over the chin to the left.
  const Vec3f eye = sculpt.eyeCenter(1);
  const Vec3f menton = sculpt.chin();
  const float breadth = sculpt.value("head_breadth");
  const float jaw = sculpt.value("jaw_width");
  const Vec3f curve[] = {Vec3f(breadth * 0.5f - 12.0f, eye.y() - 14.0f, 22.0f),
                         Vec3f(jaw * 0.5f + 4.0f, sculpt.stomion().y() + 4.0f, 22.0f),
                         Vec3f(jaw * 0.5f - 2.0f, -80.0f, 26.0f),
                         Vec3f(30.0f, menton.y() + 10.0f, menton.z() - 18.0f),
                         Vec3f(0.0f, menton.y() + 1.0f, menton.z() + 2.0f)};
  for (int i = 0; i <= 8; ++i) {
    // Along the polyline through the curve's points, evenly by index.
    const float t = static_cast<float>(i) / 8.0f * 4.0f;
    const int k = std::min(static_cast<int>(t), 3);
    const Vec3f target = curve[k] + (t - static_cast<float>(k)) * (curve[k + 1] - curve[k]);
    for (int side = 0; side < 2; ++side) {
      const Vec3f mirroredTarget(side == 0 ? -target.x() : target.x(), target.y(), target.z());
      const Vec3f hit = cast(Vec3f(0.0f, target.y(), 10.0f), mirroredTarget);
      const int index = side == 0 ? i : 16 - i;
      points[static_cast<std::size_t>(index)] = locate.closest("jaw_" + std::to_string(index), hit);
    }
  }
  // 17-26 brows: right brow outer to inner, left brow inner to outer.
  for (int i = 0; i < 5; ++i) {
    const float x = 50.0f - 9.0f * static_cast<float>(i);  // outer to inner
    const float y =
        eye.y() + 14.0f + 4.0f * std::sin(kPi * std::clamp((x - 8.0f) / 46.0f, 0.0f, 1.0f));
    const Vec3f right = cast(kRayCenter, Vec3f(-x, y, eye.z() + 15.0f));
    const Vec3f left = cast(kRayCenter, Vec3f(x, y, eye.z() + 15.0f));
    points[static_cast<std::size_t>(17 + i)] =
        locate.closest("brow_" + std::to_string(17 + i), right);
    points[static_cast<std::size_t>(26 - i)] =
        locate.closest("brow_" + std::to_string(26 - i), left);
  }
  // 27-30 nose bridge, nasion down to the tip; 31-35 the nose's base, right to left.
  const Vec3f tip = sculpt.noseTip();
  const Vec3f sn = sculpt.subnasale();
  for (int i = 0; i < 4; ++i) {
    const float y = 18.0f + (tip.y() - 18.0f) * static_cast<float>(i) / 3.0f;
    const Vec3f hit =
        sculpt.castRayFromOutside(Vec3f(0.0f, y, 40.0f), Vec3f(0.0f, 0.0f, 1.0f), 140.0f);
    points[static_cast<std::size_t>(27 + i)] =
        locate.closest("nose_" + std::to_string(27 + i), hit);
  }
  const float alar = std::abs(sculpt.alare(1).x()) - 4.0f;
  const float baseX[] = {-alar, -6.5f, 0.0f, 6.5f, alar};
  const float baseY[] = {sn.y() + 3.0f, sn.y() + 1.0f, sn.y(), sn.y() + 1.0f, sn.y() + 3.0f};
  for (int i = 0; i < 5; ++i) {
    const Vec3f hit = sculpt.castRayFromOutside(Vec3f(baseX[i], baseY[i], 50.0f),
                                                Vec3f(0.0f, 0.0f, 1.0f), 130.0f);
    points[static_cast<std::size_t>(31 + i)] =
        locate.closest("nose_" + std::to_string(31 + i), hit);
  }
  // 36-47 eyes: on the lid margins (the slit's two sides), iBUG order.
  auto lid = [&](const std::string& name, float column, bool upper) {
    const int c = static_cast<int>(std::floor(column));
    const float t = column - static_cast<float>(c);
    const int a = upper ? layout.gridVertex(c, kRowEye) : layout.lowerVertex(c, kRowEye);
    const int b = upper ? layout.gridVertex(c + 1, kRowEye) : layout.lowerVertex(c + 1, kRowEye);
    return locate.onEdge(name, a, b, t);
  };
  const float span = kColOuterCanthus - kColInnerCanthus;
  const float in = kColInnerCanthus, out = kColOuterCanthus;
  points[36] = locate.atVertex("eye_36", layout.gridVertex(-kColOuterCanthus, kRowEye));
  points[37] = lid("eye_37", -(out - span / 3.0f), true);
  points[38] = lid("eye_38", -(in + span / 3.0f), true);
  points[39] = locate.atVertex("eye_39", layout.gridVertex(-kColInnerCanthus, kRowEye));
  points[40] = lid("eye_40", -(in + span / 3.0f), false);
  points[41] = lid("eye_41", -(out - span / 3.0f), false);
  points[42] = locate.atVertex("eye_42", layout.gridVertex(kColInnerCanthus, kRowEye));
  points[43] = lid("eye_43", in + span / 3.0f, true);
  points[44] = lid("eye_44", out - span / 3.0f, true);
  points[45] = locate.atVertex("eye_45", layout.gridVertex(kColOuterCanthus, kRowEye));
  points[46] = lid("eye_46", out - span / 3.0f, false);
  points[47] = lid("eye_47", in + span / 3.0f, false);
  // 48-59 the lips' outer border; 60-67 the inner contour, on the mouth slit.
  const Vec3f cornerR = sculpt.mouthCorner(0), cornerL = sculpt.mouthCorner(1);
  points[48] = locate.closest(
      "mouth_48", cast(Vec3f(0.0f, cornerR.y(), 40.0f), cornerR + Vec3f(-1.5f, 0.0f, 0.0f)));
  const float upperS[] = {-0.6f, -0.28f, 0.0f, 0.28f, 0.6f};
  for (int i = 0; i < 5; ++i) {
    const Vec3f border = sculpt.lipBorder(true, upperS[i]);
    points[static_cast<std::size_t>(49 + i)] = locate.closest(
        "mouth_" + std::to_string(49 + i), cast(Vec3f(0.0f, border.y(), 40.0f), border));
  }
  points[54] = locate.closest(
      "mouth_54", cast(Vec3f(0.0f, cornerL.y(), 40.0f), cornerL + Vec3f(1.5f, 0.0f, 0.0f)));
  const float lowerS[] = {0.6f, 0.3f, 0.0f, -0.3f, -0.6f};
  for (int i = 0; i < 5; ++i) {
    const Vec3f border = sculpt.lipBorder(false, lowerS[i]);
    points[static_cast<std::size_t>(55 + i)] = locate.closest(
        "mouth_" + std::to_string(55 + i), cast(Vec3f(0.0f, border.y(), 40.0f), border));
  }
  auto lip = [&](const std::string& name, float column, bool upper) {
    const int c = static_cast<int>(std::floor(column));
    const float t = column - static_cast<float>(c);
    const int a = upper ? layout.gridVertex(c, kRowMouth) : layout.lowerVertex(c, kRowMouth);
    const int b =
        upper ? layout.gridVertex(c + 1, kRowMouth) : layout.lowerVertex(c + 1, kRowMouth);
    return locate.onEdge(name, a, b, t);
  };
  const float half = kColMouthCorner;
  points[60] = locate.atVertex("mouth_60", layout.gridVertex(-kColMouthCorner, kRowMouth));
  points[61] = lip("mouth_61", -half / 2.0f, true);
  points[62] = lip("mouth_62", 0.0f, true);
  points[63] = lip("mouth_63", half / 2.0f, true);
  points[64] = locate.atVertex("mouth_64", layout.gridVertex(kColMouthCorner, kRowMouth));
  points[65] = lip("mouth_65", half / 2.0f, false);
  points[66] = lip("mouth_66", 0.0f, false);
  points[67] = lip("mouth_67", -half / 2.0f, false);
  // 68, 69 pupils: 68 in the eye ringed by 36-41 (the subject's right).
  for (int side = 0; side < 2; ++side) {
    Landmark pupil;
    pupil.name = side == 0 ? "pupil_right" : "pupil_left";
    pupil.kind = Landmark::Kind::Joint;
    pupil.joint = 4 + side;
    pupil.offset = Vec3f(0.0f, 0.0f, 10.3f);
    points[static_cast<std::size_t>(68 + side)] = pupil;
  }
  return points;
}

/// Dense points: every other skin vertex over the face and neck, and every vertex of the
/// lid margins and of the lips' contact line.
std::vector<Landmark> placeDenseLandmarks(const SkinLayout& layout, const PolyMesh& skin) {
  const SurfaceLocator locate(skin);
  std::vector<int> vertices;
  for (int r = 4; r <= kRowTransitionEnd + 6; r += 2) {
    for (int c = -30; c <= 30; c += 2) {
      vertices.push_back(layout.gridVertex(c, r));
    }
  }
  for (int c = -kColOuterCanthus; c <= kColOuterCanthus; ++c) {
    if (std::abs(c) >= kColInnerCanthus) {
      vertices.push_back(layout.gridVertex(c, kRowEye));
      if (layout.lowerVertex(c, kRowEye) != layout.gridVertex(c, kRowEye)) {
        vertices.push_back(layout.lowerVertex(c, kRowEye));
      }
    }
  }
  for (int c = -kColMouthCorner; c <= kColMouthCorner; ++c) {
    vertices.push_back(layout.gridVertex(c, kRowMouth));
    if (layout.lowerVertex(c, kRowMouth) != layout.gridVertex(c, kRowMouth)) {
      vertices.push_back(layout.lowerVertex(c, kRowMouth));
    }
  }
  std::sort(vertices.begin(), vertices.end());
  vertices.erase(std::unique(vertices.begin(), vertices.end()), vertices.end());
  std::vector<Landmark> points;
  for (int v : vertices) {
    char name[32];
    std::snprintf(name, sizeof name, "dense_%04zu", points.size());
    points.push_back(locate.atVertex(name, v));
  }
  return points;
}

/// A smooth local displacement: Gaussian falloff of radius `radius` around `center`.
struct Kernel {
  Vec3f center;
  float radius;
  Vec3f displacement;
  SlitSide only = SlitSide::None;  ///< restrict to one lip's side of the mouth
};

}  // namespace

FaceModel createDefaultHead() {
  // The same bits on every run, whatever ran on these threads before (see fp_mode.h).
  const ScopedFlushDenormals flush;
  const SkinLayout layout;
  const std::vector<float> mean = meanSculptValues();
  const HeadSculpt sculpt(mean);
  const LidControls restLids;
  const Placement base = place(layout, sculpt, restLids);

  FaceModel model;
  model.name = "synthface-default-head";
  model.version = "0.1.0";
  model.license = "CC0-1.0";
  model.author = "SynthFace (generated procedurally)";

  // Parts: skin, eyes, corneas.
  FacePart skin;
  skin.name = "skin";
  skin.material = PartMaterial::Skin;
  skin.mesh = layout.mesh();
  skin.mesh.positions = base.skin;
  skin.firstVertex = 0;
  model.parts.push_back(skin);
  int next = skin.mesh.vertexCount();
  // The eyes' parts: labelled as their eye, no hair.
  auto addEyePart = [&](const char* name, PartMaterial material, const PolyMesh& mesh, int side) {
    FacePart part;
    part.name = name;
    part.material = material;
    part.mesh = mesh;
    part.firstVertex = next;
    next += mesh.vertexCount();
    part.faceClass.assign(static_cast<std::size_t>(mesh.faceCount()),
                          side == 0 ? LabelClass::RightEye : LabelClass::LeftEye);
    part.faceGrowth.assign(static_cast<std::size_t>(mesh.faceCount()), kGrowthNone);
    model.parts.push_back(std::move(part));
  };
  addEyePart("eye_right", PartMaterial::Sclera, base.eyes[0], 0);
  addEyePart("eye_left", PartMaterial::Sclera, base.eyes[1], 1);
  addEyePart("cornea_right", PartMaterial::Cornea, base.corneas[0], 0);
  addEyePart("cornea_left", PartMaterial::Cornea, base.corneas[1], 1);
  // Teeth and tongue: mouth interior in the labels.
  for (const auto& [name, material, mesh] :
       {std::tuple{"teeth_upper", PartMaterial::Teeth, &base.upperTeeth},
        std::tuple{"teeth_lower", PartMaterial::Teeth, &base.lowerTeeth},
        std::tuple{"tongue", PartMaterial::Tongue, &base.tongue}}) {
    FacePart part;
    part.name = name;
    part.material = material;
    part.mesh = *mesh;
    part.firstVertex = next;
    next += mesh->vertexCount();
    part.faceClass.assign(static_cast<std::size_t>(mesh->faceCount()), LabelClass::MouthInterior);
    part.faceGrowth.assign(static_cast<std::size_t>(mesh->faceCount()), kGrowthNone);
    model.parts.push_back(std::move(part));
  }
  // Ears: skin, labelled as their ear.
  for (int side = 0; side < 2; ++side) {
    FacePart part;
    part.name = side == 0 ? "ear_right" : "ear_left";
    part.material = PartMaterial::Skin;
    part.mesh = base.ears[static_cast<std::size_t>(side)];
    part.firstVertex = next;
    next += part.mesh.vertexCount();
    part.faceClass.assign(static_cast<std::size_t>(part.mesh.faceCount()),
                          side == 0 ? LabelClass::RightEar : LabelClass::LeftEar);
    part.faceGrowth.assign(static_cast<std::size_t>(part.mesh.faceCount()), kGrowthNone);
    model.parts.push_back(std::move(part));
  }
  // The tear lines and caruncles, labelled as their eye.
  for (const auto& [name, material, meshes] :
       {std::tuple{"tear_line", PartMaterial::TearLine, &base.tearLines},
        std::tuple{"caruncle", PartMaterial::Caruncle, &base.caruncles}}) {
    for (int side = 0; side < 2; ++side) {
      FacePart part;
      part.name = std::string(name) + (side == 0 ? "_right" : "_left");
      part.material = material;
      part.mesh = (*meshes)[static_cast<std::size_t>(side)];
      part.firstVertex = next;
      next += part.mesh.vertexCount();
      part.faceClass.assign(static_cast<std::size_t>(part.mesh.faceCount()),
                            side == 0 ? LabelClass::RightEye : LabelClass::LeftEye);
      part.faceGrowth.assign(static_cast<std::size_t>(part.mesh.faceCount()), kGrowthNone);
      model.parts.push_back(std::move(part));
    }
  }
  const std::vector<Vec3f> rest = concatenate(base);

  // Skin labels and growth regions, per face, from the sculpt's solids and the layout.
  {
    FacePart& part = model.parts[0];
    const std::vector<int> offsets = part.mesh.faceOffsets();
    const Vec3f sto = sculpt.stomion();
    const Vec3f eyeL = sculpt.eyeCenter(1);
    // The red of the lips: the grid faces between the mouth's slit and the edge loops on
    // the vermilion borders (see gridAngles); toward the corners, where the rows return to
    // their own spacing, only the faces that lie (nearly) within the border.
    const float mouthHalf = std::abs(sculpt.mouthCorner(1).x());
    auto lipOf = [&](int face, const Vec3f& centre, float top, float bottom) {
      if (face >= kColumns * (kRows - 1)) {
        return LabelClass::Skin;  // not a grid face
      }
      const int row = face / kColumns;
      const int column = signedColumn(face % kColumns);
      if (column < -kColMouthCorner || column >= kColMouthCorner) {
        return LabelClass::Skin;
      }
      const float s = centre.x() / mouthHalf;
      if (row >= kRowMouth - kLipBandRows && row < kRowMouth &&
          top < sculpt.lipBorderY(true, s) + 1.5f) {
        return LabelClass::TopLip;
      }
      if (row >= kRowMouth && row < kRowMouth + kLipBandRows &&
          bottom > sculpt.lipBorderY(false, s) - 1.5f) {
        return LabelClass::BottomLip;
      }
      return LabelClass::Skin;
    };
    for (int f = 0; f < part.mesh.faceCount(); ++f) {
      Vec3f center = Vec3f::Zero();
      float top = -1e9f;
      float bottom = 1e9f;
      const int size = part.mesh.faceSizes[static_cast<std::size_t>(f)];
      for (int k = 0; k < size; ++k) {
        const Vec3f& corner = part.mesh.positions[static_cast<std::size_t>(
            part.mesh
                .faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + k)])];
        center += corner;
        top = std::max(top, corner.y());
        bottom = std::min(bottom, corner.y());
      }
      center /= static_cast<float>(size);
      LabelClass label = LabelClass::Skin;
      std::uint8_t growth = kGrowthNone;
      const int pocket = layout.facePocket(f);
      const int ring = layout.facePocketRing(f);
      if (pocket == 2) {
        label = ring <= 1 ? (layout.faceSlitSide(f) == SlitSide::Lower ? LabelClass::BottomLip
                                                                       : LabelClass::TopLip)
                          : LabelClass::MouthInterior;
      } else if (pocket >= 3) {
        label = LabelClass::Nose;  // inside a nostril
      } else if (pocket >= 0) {
        // Lashes grow from the front of the lid margin, not from its back edge on the globe.
        label = LabelClass::Skin;
        growth = ring == 1 ? kGrowthLashes : kGrowthNone;
      } else if (const LabelClass lip = lipOf(f, center, top, bottom); lip != LabelClass::Skin) {
        label = lip;
      } else if (sculpt.noseDistance(center) < 0.8f) {
        label = LabelClass::Nose;
      } else if (center.y() + 0.5f * center.z() < -85.0f ||
                 (center.z() < 20.0f && center.y() < -60.0f)) {
        label = LabelClass::Neck;
      }
      // Hair grows on the scalp above a hairline: across the forehead near the trichion
      // (tr-g is 61 mm in men, 55 in women; a groom's density ramps up over the first
      // centimetre in, so the region starts a little below it), curving down at the
      // temples into sideburns in front of the ears, then over the ears and down to the
      // nape. `azimuth` is the angle around the head from straight ahead (degrees).
      const float azimuth = std::atan2(std::abs(center.x()), center.z() - 8.0f) * 180.0f / kPi;
      if (label == LabelClass::Skin && pocket < 0) {
        if (azimuth < 80.0f) {
          const float across = std::min(azimuth, 45.0f) / 45.0f;
          const float temple = smoothstep(45.0f, 80.0f, azimuth);
          const float hairline = eyeL.y() + 67.0f - 6.0f * across * across - 65.0f * temple;
          if (center.y() > hairline) {
            growth |= kGrowthScalp;
          }
        } else if (center.y() > -35.0f + 0.4f * std::max(0.0f, center.z()) &&
                   !(std::abs(center.z()) < 25.0f && center.y() < 30.0f &&
                     std::abs(center.x()) > 55.0f)) {
          growth |= kGrowthScalp;
        }
        // Brows: a band over each brow ridge.
        const float ax = std::abs(center.x());
        const float browY =
            eyeL.y() + 15.0f + 3.0f * std::sin(kPi * std::clamp((ax - 10.0f) / 42.0f, 0.0f, 1.0f));
        if (ax > 9.0f && ax < 55.0f && std::abs(center.y() - browY) < 5.0f && center.z() > 55.0f) {
          growth |= kGrowthBrows;
        }
        // Beard: below the cheekbones, in front of the ears, down onto the throat.
        if (center.y() < eyeL.y() - 38.0f && center.z() > -5.0f && center.y() > -150.0f &&
            label != LabelClass::Nose) {
          growth |= center.y() > sto.y() && std::abs(center.x()) < 26.0f ? kGrowthMoustache
                                                                         : kGrowthBeard;
        }
      }
      part.faceClass.push_back(label);
      part.faceGrowth.push_back(growth);
    }
  }

  // Skeleton.
  const Vec3f jawPivot = sculpt.jawPivot();
  model.joints = {
      {"chest", -1, Vec3f(0.0f, -230.0f, -15.0f), {}},
      {"neck", 0, Vec3f(0.0f, -185.0f, -20.0f), {}},
      {"head", 1, Vec3f(0.0f, -28.0f, -8.0f), {}},
      {"jaw", 2, jawPivot, {}},
      {"eye_right", 2, sculpt.eyeCenter(0), {}},
      {"eye_left", 2, sculpt.eyeCenter(1), {}},
  };
  for (int side = 0; side < 2; ++side) {
    const FacePart& eye = model.parts[static_cast<std::size_t>(1 + side)];
    Joint& joint = model.joints[static_cast<std::size_t>(4 + side)];
    for (int v = 0; v < eye.mesh.vertexCount(); ++v) {
      joint.anchorVertices.push_back(eye.firstVertex + v);
    }
  }

  // Skinning weights.
  const int vertexCount = static_cast<int>(rest.size());
  model.skin.joints.assign(static_cast<std::size_t>(vertexCount), {0, 0, 0, 0});
  model.skin.weights.assign(static_cast<std::size_t>(vertexCount), {0.0f, 0.0f, 0.0f, 0.0f});
  std::vector<float> jawWeight(static_cast<std::size_t>(vertexCount), 0.0f);
  // The part a global vertex belongs to.
  auto partOf = [&](int v) {
    for (std::size_t p = 0; p < model.parts.size(); ++p) {
      const FacePart& part = model.parts[p];
      if (v >= part.firstVertex && v < part.firstVertex + part.mesh.vertexCount()) {
        return static_cast<int>(p);
      }
    }
    return -1;
  };
  {
    const Vec3f sto = sculpt.stomion();
    for (int v = 0; v < vertexCount; ++v) {
      const Vec3f& p = rest[static_cast<std::size_t>(v)];
      std::array<float, 6> w{};
      const float neck = smoothstep(-235.0f, -170.0f, p.y());
      const float head = smoothstep(-125.0f, -70.0f, p.y() + 0.5f * p.z());
      float jaw = smoothstep(-1.0f, 5.0f, sto.y() + 1.0f - p.y()) *
                  smoothstep(-8.0f, 15.0f, p.z()) *
                  smoothstep(-165.0f, -88.0f, p.y() + 0.6f * p.z());
      if (v < layout.mesh().vertexCount()) {
        const SlitSide side = layout.mouthSide(v);
        if (side == SlitSide::Upper)
          jaw = 0.0f;
        if (side == SlitSide::Lower)
          jaw = 1.0f;
      }
      jawWeight[static_cast<std::size_t>(v)] = jaw * head * neck;
      w[0] = 1.0f - neck;
      w[1] = neck * (1.0f - head);
      w[2] = neck * head * (1.0f - jaw);
      w[3] = neck * head * jaw;
      // Eyelids follow the gaze a little.
      if (v < layout.mesh().vertexCount() && layout.eyeOf(v) >= 0) {
        const float follow = layout.eyeSide(v) == SlitSide::Lower ? 0.15f : 0.3f;
        w[static_cast<std::size_t>(4 + layout.eyeOf(v))] = follow * w[2];
        w[2] *= 1.0f - follow;
      }
      // Upper teeth sit in the skull, lower teeth and the tongue ride on the jaw.
      if (const int p = partOf(v); p >= 5) {
        // Ears are on the head too.
        const bool jawPart = model.parts[static_cast<std::size_t>(p)].name == "teeth_lower" ||
                             model.parts[static_cast<std::size_t>(p)].name == "tongue";
        w = {};
        w[jawPart ? 3 : 2] = 1.0f;
        jawWeight[static_cast<std::size_t>(v)] = jawPart ? 1.0f : 0.0f;
      }
      // The tear lines ride on the lower lids, which follow the gaze a little.
      if (const int p = partOf(v);
          p >= 0 && model.parts[static_cast<std::size_t>(p)].material == PartMaterial::TearLine) {
        const int side = model.parts[static_cast<std::size_t>(p)].name.ends_with("_left") ? 1 : 0;
        w = {};
        w[2] = 0.85f;
        w[static_cast<std::size_t>(4 + side)] = 0.15f;
      }
      // Eyeballs and corneas turn with their eye.
      for (int side = 0; side < 2; ++side) {
        for (const FacePart* part : {&model.parts[static_cast<std::size_t>(1 + side)],
                                     &model.parts[static_cast<std::size_t>(3 + side)]}) {
          if (v >= part->firstVertex && v < part->firstVertex + part->mesh.vertexCount()) {
            w = {};
            w[static_cast<std::size_t>(4 + side)] = 1.0f;
          }
        }
      }
      // Keep the four largest influences, renormalised.
      std::array<int, 6> order{0, 1, 2, 3, 4, 5};
      std::sort(order.begin(), order.end(), [&](int a, int b) {
        return w[static_cast<std::size_t>(a)] > w[static_cast<std::size_t>(b)];
      });
      float sum = 0.0f;
      for (int k = 0; k < 4; ++k)
        sum += w[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])];
      for (int k = 0; k < 4; ++k) {
        const int j = order[static_cast<std::size_t>(k)];
        model.skin.joints[static_cast<std::size_t>(v)][static_cast<std::size_t>(k)] = j;
        model.skin.weights[static_cast<std::size_t>(v)][static_cast<std::size_t>(k)] =
            w[static_cast<std::size_t>(j)] / sum;
      }
    }
  }

  // Identity: one mode per sculpt parameter, by central differences over one SD.
  const auto parameters = sculptParameters();
  model.identity.resize(parameters.size());
  oneapi::tbb::parallel_for(std::size_t{0}, parameters.size(), [&](std::size_t k) {
    const ScopedFlushDenormals flush;
    std::vector<float> plus = mean, minus = mean;
    plus[k] += 0.5f * parameters[k].sd;
    minus[k] -= 0.5f * parameters[k].sd;
    const std::vector<Vec3f> up =
        concatenate(place(layout, HeadSculpt(plus), restLids, &base.skin));
    const std::vector<Vec3f> down =
        concatenate(place(layout, HeadSculpt(minus), restLids, &base.skin));
    MorphTarget mode = difference(parameters[k].name, parameters[k].group, up, down, 1.0f);
    mode.sigma = parameters[k].sd;
    model.identity[k] = std::move(mode);
  });

  // Expressions. Lids move by rebuilding the lids; the rest are smooth local displacements.
  const char* sideNames[] = {"Right", "Left"};
  for (int side = 0; side < 2; ++side) {
    const std::size_t s = static_cast<std::size_t>(side);
    LidControls blink = restLids;
    blink.upper[s] = 0.0f;
    model.expressions.push_back(difference(std::string("eyeBlink") + sideNames[side], "eyes",
                                           concatenate(place(layout, sculpt, blink, &base.skin)),
                                           rest, 1.0f));
    LidControls wide = restLids;
    wide.upper[s] = 1.35f;
    model.expressions.push_back(difference(std::string("eyeWide") + sideNames[side], "eyes",
                                           concatenate(place(layout, sculpt, wide, &base.skin)),
                                           rest, 1.0f));
    LidControls squint = restLids;
    squint.upper[s] = 0.85f;
    squint.lower[s] = 0.35f;
    model.expressions.push_back(difference(std::string("eyeSquint") + sideNames[side], "eyes",
                                           concatenate(place(layout, sculpt, squint, &base.skin)),
                                           rest, 1.0f));
  }

  // The jaw: 20 degrees open about the hinge, carried by the jaw's skinning weights.
  auto jawMotion = [&](const std::string& name, const Eigen::Affine3f& motion) {
    std::vector<Vec3f> moved = rest;
    for (std::size_t v = 0; v < moved.size(); ++v) {
      const Vec3f target = motion * rest[v];
      moved[v] = rest[v] + jawWeight[v] * (target - rest[v]);
    }
    model.expressions.push_back(difference(name, "jaw", moved, rest, 1.0f));
  };
  auto about = [&](const Eigen::Matrix3f& rotation) {
    Eigen::Affine3f motion = Eigen::Affine3f::Identity();
    motion.translate(jawPivot);
    motion.rotate(rotation);
    motion.translate(-jawPivot);
    return motion;
  };
  // Opening, the condyles glide forward as the jaw turns.
  {
    Eigen::Affine3f open = Eigen::Affine3f::Identity();
    open.translate(Vec3f(0.0f, 0.0f, 4.0f));
    jawMotion("jawOpen",
              open * about(Eigen::AngleAxisf(radians(20.0f), Vec3f::UnitX()).toRotationMatrix()));
  }
  jawMotion("jawLeft", about(Eigen::AngleAxisf(radians(6.0f), Vec3f::UnitY()).toRotationMatrix()));
  jawMotion("jawRight",
            about(Eigen::AngleAxisf(radians(-6.0f), Vec3f::UnitY()).toRotationMatrix()));
  {
    Eigen::Affine3f forward = Eigen::Affine3f::Identity();
    forward.translate(Vec3f(0.0f, 0.0f, 4.0f));
    jawMotion("jawForward", forward);
  }

  // Soft-tissue expressions from kernels placed on the sculpt's landmarks.
  auto kernelExpression = [&](const std::string& name, const std::string& group,
                              const std::vector<Kernel>& kernels) {
    std::vector<Vec3f> moved = rest;
    for (int v = 0; v < layout.mesh().vertexCount(); ++v) {
      const Vec3f& p = rest[static_cast<std::size_t>(v)];
      const SlitSide lip = layout.mouthSide(v);
      Vec3f offset = Vec3f::Zero();
      for (const Kernel& kernel : kernels) {
        if (kernel.only != SlitSide::None) {
          // Keep each lip's motion on its own side of the mouth.
          const bool upper =
              lip == SlitSide::Upper || (lip == SlitSide::None && p.y() > sculpt.stomion().y());
          if ((kernel.only == SlitSide::Upper) != upper) {
            continue;
          }
        }
        const float falloff =
            std::exp(-(p - kernel.center).squaredNorm() / (kernel.radius * kernel.radius));
        offset += falloff * kernel.displacement;
      }
      moved[static_cast<std::size_t>(v)] = p + offset;
    }
    model.expressions.push_back(difference(name, group, moved, rest, 1.0f));
  };
  const Vec3f sto = sculpt.stomion();
  const Vec3f eyeL = sculpt.eyeCenter(1);
  const Vec3f sn = sculpt.subnasale();
  for (int side = 0; side < 2; ++side) {
    const float sx = side == 0 ? -1.0f : 1.0f;
    const Vec3f corner = sculpt.mouthCorner(side);
    const Vec3f cheek(sx * 34.0f, eyeL.y() - 32.0f, eyeL.z() + 12.0f);
    const std::string n = sideNames[side];
    kernelExpression("mouthSmile" + n, "mouth",
                     {{corner, 14.0f, Vec3f(sx * 6.5f, 8.0f, -3.0f)},
                      {cheek, 17.0f, Vec3f(sx * 1.0f, 4.5f, 3.0f)}});
    kernelExpression("mouthFrown" + n, "mouth",
                     {{corner, 12.0f, Vec3f(sx * 0.5f, -6.5f, -0.5f)},
                      {corner + Vec3f(0.0f, -12.0f, 0.0f), 12.0f, Vec3f(0.0f, -3.0f, 1.2f)}});
    kernelExpression("mouthStretch" + n, "mouth",
                     {{corner, 13.0f, Vec3f(sx * 5.0f, -3.0f, -1.5f)}});
    kernelExpression("mouthDimple" + n, "mouth", {{corner, 8.0f, Vec3f(sx * 1.5f, 0.5f, -3.0f)}});
    kernelExpression(
        "mouthPress" + n, "mouth",
        {{corner + Vec3f(-sx * 8.0f, 0.0f, 3.0f), 9.0f, Vec3f(0.0f, -1.2f, -0.8f), SlitSide::Upper},
         {corner + Vec3f(-sx * 8.0f, 0.0f, 3.0f), 9.0f, Vec3f(0.0f, 1.2f, -0.8f),
          SlitSide::Lower}});
    kernelExpression("mouthUpperUp" + n, "mouth",
                     {{Vec3f(sx * 11.0f, sto.y() + 5.0f, sto.z()), 10.0f, Vec3f(0.0f, 4.0f, 1.0f),
                       SlitSide::Upper}});
    kernelExpression("mouthLowerDown" + n, "mouth",
                     {{Vec3f(sx * 11.0f, sto.y() - 6.0f, sto.z() - 1.0f), 10.0f,
                       Vec3f(0.0f, -4.0f, 1.0f), SlitSide::Lower}});
    kernelExpression(
        "noseSneer" + n, "nose",
        {{sculpt.alare(side) + Vec3f(-sx * 2.0f, 8.0f, 0.0f), 9.0f, Vec3f(0.0f, 3.5f, 1.2f)},
         {Vec3f(sx * 15.0f, sn.y() - 5.0f, sn.z() - 8.0f), 10.0f, Vec3f(0.0f, 2.5f, 0.8f)}});
    kernelExpression(
        "cheekSquint" + n, "cheeks",
        {{Vec3f(sx * 36.0f, eyeL.y() - 18.0f, eyeL.z() + 8.0f), 13.0f, Vec3f(0.0f, 2.5f, 1.0f)}});
    kernelExpression("browDown" + n, "brows",
                     {{Vec3f(sx * 24.0f, eyeL.y() + 17.0f, eyeL.z() + 20.0f), 15.0f,
                       Vec3f(-sx * 2.5f, -5.5f, 1.5f)}});
    kernelExpression(
        "browOuterUp" + n, "brows",
        {{Vec3f(sx * 44.0f, eyeL.y() + 17.0f, eyeL.z() + 10.0f), 14.0f, Vec3f(0.0f, 5.0f, 0.0f)}});
    kernelExpression("mouth" + n, "mouth", {{sto, 22.0f, Vec3f(sx * 6.0f, 0.0f, -1.0f)}});
  }
  kernelExpression(
      "browInnerUp", "brows",
      {{Vec3f(-15.0f, eyeL.y() + 17.0f, eyeL.z() + 22.0f), 12.0f, Vec3f(0.0f, 5.5f, 0.0f)},
       {Vec3f(15.0f, eyeL.y() + 17.0f, eyeL.z() + 22.0f), 12.0f, Vec3f(0.0f, 5.5f, 0.0f)}});
  kernelExpression(
      "cheekPuff", "cheeks",
      {{sculpt.mouthCorner(0) + Vec3f(-16.0f, 2.0f, -12.0f), 18.0f, Vec3f(-7.0f, 0.0f, 3.0f)},
       {sculpt.mouthCorner(1) + Vec3f(16.0f, 2.0f, -12.0f), 18.0f, Vec3f(7.0f, 0.0f, 3.0f)}});
  kernelExpression("mouthPucker", "mouth",
                   {{sculpt.mouthCorner(0), 11.0f, Vec3f(7.0f, 0.0f, 3.0f)},
                    {sculpt.mouthCorner(1), 11.0f, Vec3f(-7.0f, 0.0f, 3.0f)},
                    {sto, 13.0f, Vec3f(0.0f, 0.0f, 4.0f)}});
  kernelExpression(
      "mouthFunnel", "mouth",
      {{sculpt.mouthCorner(0), 11.0f, Vec3f(5.0f, 0.0f, 2.0f)},
       {sculpt.mouthCorner(1), 11.0f, Vec3f(-5.0f, 0.0f, 2.0f)},
       {sto + Vec3f(0.0f, 4.0f, 0.0f), 11.0f, Vec3f(0.0f, 2.5f, 3.5f), SlitSide::Upper},
       {sto + Vec3f(0.0f, -4.0f, 0.0f), 11.0f, Vec3f(0.0f, -2.5f, 3.5f), SlitSide::Lower}});
  kernelExpression(
      "mouthRollUpper", "mouth",
      {{sto + Vec3f(0.0f, 4.0f, 0.0f), 12.0f, Vec3f(0.0f, -2.0f, -3.0f), SlitSide::Upper}});
  kernelExpression(
      "mouthRollLower", "mouth",
      {{sto + Vec3f(0.0f, -4.0f, 0.0f), 12.0f, Vec3f(0.0f, 2.0f, -3.0f), SlitSide::Lower}});
  kernelExpression(
      "mouthShrugUpper", "mouth",
      {{sto + Vec3f(0.0f, 5.0f, 0.0f), 13.0f, Vec3f(0.0f, 2.0f, 2.0f), SlitSide::Upper}});
  kernelExpression(
      "mouthShrugLower", "mouth",
      {{sto + Vec3f(0.0f, -6.0f, 0.0f), 13.0f, Vec3f(0.0f, 3.0f, 1.5f), SlitSide::Lower},
       {sculpt.chin() + Vec3f(0.0f, 15.0f, 10.0f), 14.0f, Vec3f(0.0f, 2.0f, 1.0f)}});

  model.landmarks = placeLandmarks(layout, model.parts[0].mesh, sculpt);
  model.denseLandmarks = placeDenseLandmarks(layout, model.parts[0].mesh);
  return model;
}

}  // namespace sf
