// Tests of the built-in head: what an artist or a researcher would notice about it.

#include "face/default_head.h"
#include "face/face_geometry.h"
#include "face/face_model.h"
#include "face/model_export.h"
#include "face/model_store.h"
#include "render/embree_accel.h"

#include <assimp/scene.h>
#include <assimp/Importer.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <array>
#include <map>
#include <numbers>
#include <optional>
#include <random>

using namespace sf;

namespace {

/// The model is built once per test run (and cached on disk between runs).
const FaceModel& model() {
  static const FaceModel instance = loadFaceModel("default");
  return instance;
}

const FaceGeometry& geometry() {
  static const FaceGeometry instance = FaceGeometry::create(model(), 1);
  return instance;
}

FaceState withExpression(const std::string& name, float weight) {
  FaceState state;
  state.expression.assign(model().expressions.size(), 0.0f);
  const int index = model().findExpression(name);
  if (index < 0) {
    qFatal("no expression %s", name.c_str());
  }
  state.expression[static_cast<std::size_t>(index)] = weight;
  return state;
}

/// Unit face normals of one part's control faces (Newell's method, about the first corner
/// so that small faces far from the origin keep their precision).
std::vector<Vec3f> faceNormals(const FacePart& part, std::span<const Vec3f> global) {
  std::vector<Vec3f> normals;
  const std::vector<int> offsets = part.mesh.faceOffsets();
  for (int f = 0; f < part.mesh.faceCount(); ++f) {
    const int size = part.mesh.faceSizes[static_cast<std::size_t>(f)];
    const auto at = [&](int corner) {
      return global[static_cast<std::size_t>(
          part.firstVertex + part.mesh.faceIndices[static_cast<std::size_t>(
                                 offsets[static_cast<std::size_t>(f)] + corner % size)])];
    };
    Vec3f n = Vec3f::Zero();
    for (int k = 1; k + 1 < size; ++k) {
      n += (at(k) - at(0)).cross(at(k + 1) - at(0));
    }
    normals.push_back(n.normalized());
  }
  return normals;
}

/// Per face of a part, the faces that share an edge with it.
std::vector<std::vector<int>> faceNeighbours(const FacePart& part) {
  const std::vector<int> offsets = part.mesh.faceOffsets();
  std::map<std::pair<int, int>, std::vector<int>> edges;
  for (int f = 0; f < part.mesh.faceCount(); ++f) {
    const int size = part.mesh.faceSizes[static_cast<std::size_t>(f)];
    for (int k = 0; k < size; ++k) {
      const int a =
          part.mesh.faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + k)];
      const int b = part.mesh.faceIndices[static_cast<std::size_t>(
          offsets[static_cast<std::size_t>(f)] + (k + 1) % size)];
      edges[{std::min(a, b), std::max(a, b)}].push_back(f);
    }
  }
  std::vector<std::vector<int>> neighbours(static_cast<std::size_t>(part.mesh.faceCount()));
  for (const auto& [edge, faces] : edges) {
    for (int f : faces) {
      for (int g : faces) {
        if (f != g) {
          neighbours[static_cast<std::size_t>(f)].push_back(g);
        }
      }
    }
  }
  return neighbours;
}

/// Faces that fold over: facing along their neighbours at rest, against them when posed.
/// `where` receives the part and position of the first.
int invertedFaces(std::span<const Vec3f> posed, QString* where = nullptr) {
  const std::vector<Vec3f> rest = model().restPositions();
  int inverted = 0;
  for (const FacePart& part : model().parts) {
    const std::vector<Vec3f> before = faceNormals(part, rest);
    const std::vector<Vec3f> after = faceNormals(part, posed);
    const std::vector<std::vector<int>> neighbours = faceNeighbours(part);
    for (std::size_t f = 0; f < before.size(); ++f) {
      Vec3f aroundBefore = Vec3f::Zero(), aroundAfter = Vec3f::Zero();
      for (int g : neighbours[f]) {
        aroundBefore += before[static_cast<std::size_t>(g)];
        aroundAfter += after[static_cast<std::size_t>(g)];
      }
      // Turned over, not merely tilted in a crease: clearly along its neighbours at rest,
      // clearly against them posed.
      if (before[f].dot(aroundBefore.normalized()) > 0.5f &&
          after[f].dot(aroundAfter.normalized()) < -0.2f) {
        if (inverted++ == 0 && where) {
          const int corner =
              part.mesh.faceIndices[static_cast<std::size_t>(part.mesh.faceOffsets()[f])];
          const Vec3f p = rest[static_cast<std::size_t>(part.firstVertex + corner)];
          *where = QString("%1 face %2 near (%3, %4, %5)")
                       .arg(QString::fromStdString(part.name))
                       .arg(f)
                       .arg(p.x(), 0, 'f', 1)
                       .arg(p.y(), 0, 'f', 1)
                       .arg(p.z(), 0, 'f', 1);
        }
      }
    }
  }
  return inverted;
}

/// The distance from each eye's pivot to the visible lid margins (skin vertices where the
/// lid's outer skin meets its inner surface), over both eyes. The inner surface is the
/// lash-bearing front of the margin plus the faces behind it that end on the pocket's open
/// edge against the globe (the eye pockets have two rings of faces, so that is all of it).
float lidMarginToEye(const PosedFace& posed) {
  const FacePart& skin = model().parts[0];
  const std::vector<int> offsets = skin.mesh.faceOffsets();
  auto corner = [&](int f, int k) {
    return skin.mesh.faceIndices[static_cast<std::size_t>(
        offsets[static_cast<std::size_t>(f)] +
        k % skin.mesh.faceSizes[static_cast<std::size_t>(f)])];
  };
  std::map<std::pair<int, int>, int> edgeUses;
  for (int f = 0; f < skin.mesh.faceCount(); ++f) {
    for (int k = 0; k < skin.mesh.faceSizes[static_cast<std::size_t>(f)]; ++k) {
      ++edgeUses[std::minmax(corner(f, k), corner(f, k + 1))];
    }
  }
  std::vector<bool> lashVertex(static_cast<std::size_t>(skin.mesh.vertexCount()), false);
  for (int f = 0; f < skin.mesh.faceCount(); ++f) {
    if (skin.faceGrowth[static_cast<std::size_t>(f)] & kGrowthLashes) {
      for (int k = 0; k < skin.mesh.faceSizes[static_cast<std::size_t>(f)]; ++k) {
        lashVertex[static_cast<std::size_t>(corner(f, k))] = true;
      }
    }
  }
  std::vector<int> touches(static_cast<std::size_t>(skin.mesh.vertexCount()), 0);
  for (int f = 0; f < skin.mesh.faceCount(); ++f) {
    bool inner = skin.faceGrowth[static_cast<std::size_t>(f)] & kGrowthLashes;
    bool nearLashes = false;
    bool open = false;
    for (int k = 0; k < skin.mesh.faceSizes[static_cast<std::size_t>(f)]; ++k) {
      nearLashes = nearLashes || lashVertex[static_cast<std::size_t>(corner(f, k))];
      open = open || edgeUses[std::minmax(corner(f, k), corner(f, k + 1))] == 1;
    }
    inner = inner || (nearLashes && open);
    for (int k = 0; k < skin.mesh.faceSizes[static_cast<std::size_t>(f)]; ++k) {
      touches[static_cast<std::size_t>(corner(f, k))] |= inner ? 1 : 2;
    }
  }
  float nearest = 1e9f;
  for (int side = 0; side < 2; ++side) {
    const Vec3f pivot = posed.skeleton.positions[static_cast<std::size_t>(
        model().findJoint(side == 0 ? "eye_right" : "eye_left"))];
    for (int v = 0; v < skin.mesh.vertexCount(); ++v) {
      if (touches[static_cast<std::size_t>(v)] == 3) {
        nearest =
            std::min(nearest, (posed.controlPositions[static_cast<std::size_t>(v)] - pivot).norm());
      }
    }
  }
  return nearest;
}

/// The template posed at rest: every identity mode at 0.
PosedFace templatePose() {
  FaceState state;
  state.identity.assign(model().identity.size(), 0.0f);
  return geometry().pose(state);
}

/// The posed face as an Embree scene (one geometry per part, in part order); `clear` parts
/// (the corneas) get no triangles, so rays pass through them.
struct PosedScene {
  EmbreeDevice device;
  std::vector<std::vector<std::array<int, 3>>> triangles;
  std::optional<TriangleScene> scene;

  explicit PosedScene(const PosedFace& posed, bool clearCorneas) : triangles(posed.parts.size()) {
    std::vector<TriangleMeshInput> inputs;
    for (std::size_t p = 0; p < posed.parts.size(); ++p) {
      const PolyMesh& mesh = posed.parts[p];
      const std::vector<int> offsets = mesh.faceOffsets();
      const bool clear = clearCorneas && model().parts[p].material == PartMaterial::Cornea;
      for (int f = 0; f < mesh.faceCount() && !clear; ++f) {
        const int* c =
            &mesh.faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)])];
        triangles[p].push_back({c[0], c[1], c[2]});
        if (mesh.faceSizes[static_cast<std::size_t>(f)] == 4) {
          triangles[p].push_back({c[0], c[2], c[3]});
        }
      }
      inputs.push_back({mesh.positions, triangles[p], true});
    }
    scene.emplace(TriangleScene::create(device, inputs));
  }

  /// The first hit of a ray along -z from 400 mm in front of `point`.
  RayHit hitInFrontOf(const Vec3f& point) const {
    Ray ray;
    ray.origin = point + Vec3f(0.0f, 0.0f, 400.0f);
    ray.direction = Vec3f(0.0f, 0.0f, -1.0f);
    return scene->intersect(ray);
  }

  /// The name of the part a ray along -z from 400 mm in front of `point` meets first, or "".
  std::string partSeenInFrontOf(const Vec3f& point) const {
    const RayHit hit = hitInFrontOf(point);
    return hit.hit() ? model().parts[hit.geomID].name : std::string();
  }

  /// The depth (z) of the first surface a ray along -z meets at (x, y), or -1e9.
  float frontZ(float x, float y) const {
    const RayHit hit = hitInFrontOf(Vec3f(x, y, 0.0f));
    return hit.hit() ? 400.0f - hit.t : -1e9f;
  }
};

}  // namespace

class TestDefaultHead : public QObject {
  Q_OBJECT

private slots:
  void hasTheCountsTheProductPromises();
  void zeroCoefficientsGiveTheTemplate();
  void isLeftRightSymmetric();
  void openingTheJawWidensTheLipGap();
  void aFullSmileLiftsTheMouthCorners();
  void closingTheLidsCoversTheIris();
  void blinkingLeavesTheBrowStill();
  void tearLinesFollowTheLowerLids();
  void openMouthShowsTeeth();
  void landmarksFollowTheSurface();
  void threeSigmaIdentitiesStayValid();
  void fullExpressionsStayValid();
  void gltfExportReimportsWithTargets();
  void generationIsDeterministic();
  void skinHasOneNonOverlappingUvLayout();
  void templateHasAnAdultsMeasurements();
  void noseHasGridLinesAlongItsProfile();
  void nostrilsOpenUpIntoTheNose();
  void noseSideWallFallsToTheInnerCanthi();
  void noseDorsumRoundsIntoItsWalls();
  void skinSlopesFromTheNoseIntoTheInnerCanthi();
};

void TestDefaultHead::skinHasOneNonOverlappingUvLayout() {
  // Every skin face has UVs inside the unit square, no face is folded flat, and no texel
  // centre of a 512 x 512 texture lies inside two faces.
  const sf::PolyMesh& mesh = model().parts[static_cast<std::size_t>(model().findPart("skin"))].mesh;
  QCOMPARE(mesh.uvIndices.size(), mesh.faceIndices.size());
  constexpr int kSize = 512;
  std::vector<int> cover(kSize * kSize, 0);
  const std::vector<int> offsets = mesh.faceOffsets();
  int doubled = 0;
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
    std::vector<sf::Vec2f> uv;
    for (int k = 0; k < size; ++k) {
      uv.push_back(mesh.uvs[static_cast<std::size_t>(
          mesh.uvIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + k)])]);
      QVERIFY(uv.back().minCoeff() >= 0.0f && uv.back().maxCoeff() <= 1.0f);
    }
    float area = 0.0f;
    for (int k = 0; k < size; ++k) {
      const sf::Vec2f& a = uv[static_cast<std::size_t>(k)];
      const sf::Vec2f& b = uv[static_cast<std::size_t>((k + 1) % size)];
      area += a.x() * b.y() - b.x() * a.y();
    }
    QVERIFY2(std::abs(area) > 1e-8f, qPrintable(QString("face %1 has no UV area").arg(f)));
    for (int k = 1; k + 1 < size; ++k) {
      const sf::Vec2f a = uv[0] * kSize, b = uv[static_cast<std::size_t>(k)] * kSize,
                      c = uv[static_cast<std::size_t>(k + 1)] * kSize;
      const float denominator = (b - a).x() * (c - a).y() - (c - a).x() * (b - a).y();
      if (std::abs(denominator) < 1e-12f) {
        continue;
      }
      const int x0 = std::max(0, static_cast<int>(std::floor(std::min({a.x(), b.x(), c.x()}))));
      const int x1 =
          std::min(kSize - 1, static_cast<int>(std::ceil(std::max({a.x(), b.x(), c.x()}))));
      const int y0 = std::max(0, static_cast<int>(std::floor(std::min({a.y(), b.y(), c.y()}))));
      const int y1 =
          std::min(kSize - 1, static_cast<int>(std::ceil(std::max({a.y(), b.y(), c.y()}))));
      for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
          const sf::Vec2f p(static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f);
          const float s = ((p - a).x() * (c - a).y() - (c - a).x() * (p - a).y()) / denominator;
          const float t = ((b - a).x() * (p - a).y() - (p - a).x() * (b - a).y()) / denominator;
          if (s > 1e-5f && t > 1e-5f && s + t < 1.0f - 1e-5f) {
            doubled += ++cover[static_cast<std::size_t>(y * kSize + x)] == 2;
          }
        }
      }
    }
  }
  int covered = 0;
  for (const int count : cover) {
    covered += count > 0;
  }
  qInfo("skin UVs cover %.1f%% of the texture; %d texels lie in two faces",
        100.0 * covered / (kSize * kSize), doubled);
  QCOMPARE(doubled, 0);
  QVERIFY(covered > kSize * kSize / 2);
}

void TestDefaultHead::noseHasGridLinesAlongItsProfile() {
  // The skin grid's rows are spread along the nose's midline profile, over the tip and its
  // underside as much as down the dorsum, so Catmull-Clark keeps the tip's curve: no two
  // neighbouring control vertices on the midline from below the nasion to the subnasale
  // lie more than 5.5 mm apart (rows cast evenly by angle left 8.9 mm across the tip; now
  // the tip's are about 3.4 mm, and the widest, about 5 mm, lie along the straight dorsum).
  const PosedFace posed = templatePose();
  const auto& at = posed.landmarks;
  const std::vector<Vec3f>& control =
      model().parts[static_cast<std::size_t>(model().findPart("skin"))].mesh.positions;
  std::vector<Vec3f> midline;
  for (const Vec3f& p : control) {
    if (std::abs(p.x()) < 0.3f && p.y() < at[27].y() - 10.0f && p.y() > at[33].y() - 1.0f &&
        p.z() > at[33].z() - 6.0f) {
      midline.push_back(p);
    }
  }
  std::sort(midline.begin(), midline.end(),
            [](const Vec3f& a, const Vec3f& b) { return a.y() > b.y(); });
  QVERIFY2(midline.size() >= 8, qPrintable(QString("%1 midline vertices").arg(midline.size())));
  float widest = 0.0f;
  for (std::size_t i = 1; i < midline.size(); ++i) {
    widest = std::max(widest, (midline[i] - midline[i - 1]).norm());
  }
  qInfo("%zu midline vertices over the nose, at most %.1f mm apart", midline.size(), widest);
  QVERIFY2(widest <= 5.5f, qPrintable(QString("a %1 mm gap").arg(widest)));
}

void TestDefaultHead::noseSideWallFallsToTheInnerCanthi() {
  // At the inner canthi's height the skin falls from the dorsum toward each inner corner of
  // the eye as one side wall: from half way out to the corner it still falls at least
  // 0.6 mm for each mm across. (It fell 0.53 mm per mm there before the medial canthal
  // hollow, a shelf in front of the corner that made the nose read as a box from the front;
  // now 0.63.)
  const PosedFace posed = templatePose();
  const PosedScene scene(posed, true);
  for (const int corner : {39, 42}) {
    const Vec3f canthus = posed.landmarks[static_cast<std::size_t>(corner)];
    const float x0 = 0.5f * canthus.x();
    const float x1 = 0.875f * canthus.x();
    const float z0 = scene.frontZ(x0, canthus.y());
    const float z1 = scene.frontZ(x1, canthus.y());
    const float slope = (z0 - z1) / std::abs(x1 - x0);
    qInfo("landmark %d: the skin falls %.2f mm per mm from %.1f to %.1f mm off the midline", corner,
          slope, std::abs(x0), std::abs(x1));
    QVERIFY2(slope > 0.6f, qPrintable(QString("%1 mm per mm").arg(slope)));
  }
}

void TestDefaultHead::noseDorsumRoundsIntoItsWalls() {
  // Across the dorsum the skin turns from the ridge into the side walls and then runs on
  // at the wall's slope: no band just off the ridge falls steeper than the wall below it.
  // Such a band is a shoulder along each side of the dorsum, a bright flat top between two
  // dark edges that made the nose read as a box from the front. Sections at three heights
  // between the inner canthi and the tip, slopes over 1 mm steps across; the steepest
  // within 7 mm of the midline against the wall's slope from there out to 10 mm. (With the
  // dorsum a round standing on a wedge, 35% of the way down fell 1.63 mm in one step
  // against a wall of 1.28 per mm; with the wedge's walls tangent to the round, 1.35 against
  // 1.32.)
  const PosedFace posed = templatePose();
  const PosedScene scene(posed, true);
  const float canthusY = posed.landmarks[39].y();
  const float tipY = posed.landmarks[30].y();
  for (const float f : {0.35f, 0.5f, 0.65f}) {
    const float y = canthusY + f * (tipY - canthusY);
    for (const float side : {-1.0f, 1.0f}) {
      float steepest = 0.0f;
      for (int x = 1; x <= 7; ++x) {
        const float fall = scene.frontZ(side * static_cast<float>(x - 1), y) -
                           scene.frontZ(side * static_cast<float>(x), y);
        steepest = std::max(steepest, fall);
      }
      const float wall = (scene.frontZ(side * 7.0f, y) - scene.frontZ(side * 10.0f, y)) / 3.0f;
      qInfo(
          "%.0f%% of the way to the tip, %s side: steepest 1 mm within 7 mm of the ridge "
          "falls %.2f mm, the wall from 7 to 10 mm %.2f mm per mm",
          100.0f * f, side < 0.0f ? "right" : "left", steepest, wall);
      QVERIFY2(wall > 0.8f, qPrintable(QString("the wall falls only %1 mm per mm").arg(wall)));
      QVERIFY2(steepest < 1.15f * wall,
               qPrintable(QString("%1 mm in 1 mm against a wall of %2 per mm, %3% of the way")
                              .arg(steepest)
                              .arg(wall)
                              .arg(100.0f * f)));
    }
  }
}

void TestDefaultHead::skinSlopesFromTheNoseIntoTheInnerCanthi() {
  // Between the nose and each eye the skin falls steadily from the dorsum back to the inner
  // canthus. Sections at 2, 5 and 8 mm above each canthus, from the midline out in 1 mm
  // steps: up to 1 mm short of the canthus no step falls 2 mm, half way out the skin has
  // fallen 2 mm, and over the canthus 9 mm. (When the skin stood flat in front of the
  // corner and dropped at the orbit's medial edge, a plank between the eyes, 5 mm up it
  // had fallen 1.1 mm half way and 8.1 mm over the canthus; now 5.1 and 15.7.)
  const PosedFace posed = templatePose();
  const PosedScene scene(posed, true);
  for (const int landmark : {39, 42}) {
    const Vec3f canthus = posed.landmarks[static_cast<std::size_t>(landmark)];
    const float side = canthus.x() < 0.0f ? -1.0f : 1.0f;
    const int last = static_cast<int>(std::abs(canthus.x())) - 1;
    for (const float above : {2.0f, 5.0f, 8.0f}) {
      const float y = canthus.y() + above;
      std::vector<float> z;
      for (int x = 0; x <= last; ++x) {
        z.push_back(scene.frontZ(side * static_cast<float>(x), y));
      }
      float steepest = 0.0f;
      for (std::size_t i = 1; i < z.size(); ++i) {
        steepest = std::max(steepest, z[i - 1] - z[i]);
      }
      const float halfWay = z.front() - z[z.size() / 2];
      const float overCanthus = z.front() - scene.frontZ(canthus.x(), y);
      qInfo(
          "landmark %d, %.0f mm above: steepest 1 mm step %.2f mm, fallen %.2f mm half way "
          "and %.2f mm over the canthus",
          landmark, above, steepest, halfWay, overCanthus);
      const QString where = QString("landmark %1, %2 mm above").arg(landmark).arg(above);
      QVERIFY2(steepest < 2.0f,
               qPrintable(QString("a 1 mm step falls %1 mm, %2").arg(steepest).arg(where)));
      QVERIFY2(halfWay > 2.0f,
               qPrintable(QString("only %1 mm fallen half way, %2").arg(halfWay).arg(where)));
      QVERIFY2(overCanthus > 9.0f,
               qPrintable(
                   QString("only %1 mm fallen over the canthus, %2").arg(overCanthus).arg(where)));
    }
  }
}

void TestDefaultHead::nostrilsOpenUpIntoTheNose() {
  // Look up into the nose from just below the subnasale (landmark 33), a ray every half
  // millimetre over the nose's base in front of it: where a nostril opens, the rays go on
  // up into the nose (its tube is about 10 mm deep) before they meet skin labelled nose;
  // elsewhere they stop at the underside. (Before the nostrils were holes in the mesh they
  // were dents about a millimetre deep, and their lining glowed orange in renders.)
  const PosedFace posed = templatePose();
  const PosedScene scene(posed, true);
  const auto skinPart = static_cast<std::size_t>(model().findPart("skin"));
  const std::vector<int> parents = geometry().faceParents(static_cast<int>(skinPart));
  std::vector<int> triangleFace;  // the refined skin's faces, per triangle
  const PolyMesh& refined = posed.parts[skinPart];
  for (int f = 0; f < refined.faceCount(); ++f) {
    for (int k = 2; k < refined.faceSizes[static_cast<std::size_t>(f)]; ++k) {
      triangleFace.push_back(f);
    }
  }
  const Vec3f subnasale = posed.landmarks[33];
  const float alar = std::abs(posed.landmarks[35].x() - posed.landmarks[31].x());
  for (float sx : {-1.0f, 1.0f}) {
    float deepest = 0.0f;
    int open = 0;
    for (float x = 0.0f; x <= 0.5f * alar; x += 0.5f) {
      for (float z = subnasale.z(); z <= subnasale.z() + 12.0f; z += 0.5f) {
        Ray ray;
        ray.origin = Vec3f(sx * x, subnasale.y() - 3.0f, z);
        ray.direction = Vec3f(0.0f, 1.0f, 0.0f);
        const RayHit hit = scene.scene->intersect(ray);
        if (!hit.hit() || hit.geomID != skinPart) {
          continue;
        }
        // A ray that starts inside the upper lip crosses the skin an odd number of times
        // on its way up and out through the crown: skip it.
        int crossings = 0;
        for (Ray up = ray;;) {
          const RayHit next = scene.scene->intersect(up);
          if (!next.hit()) {
            break;
          }
          crossings += next.geomID == skinPart ? 1 : 0;
          up.tNear = next.t + 1e-3f;
        }
        if (crossings % 2 != 0) {
          continue;
        }
        const float rise = ray.origin.y() + hit.t - subnasale.y();
        if (rise > 5.0f) {
          ++open;
          const int control = parents[static_cast<std::size_t>(triangleFace[hit.primID])];
          QVERIFY2(model().parts[skinPart].faceClass[static_cast<std::size_t>(control)] ==
                       LabelClass::Nose,
                   qPrintable(QString("inside the nostril at x %1, z %2: face %3 is not nose")
                                  .arg(ray.origin.x())
                                  .arg(z)
                                  .arg(control)));
        }
        deepest = std::max(deepest, rise);
      }
    }
    // The opening, where rays pass 5 mm above the subnasale, in square millimetres (an
    // adult's nostril opening is about 5 by 10 mm; part of it lies behind the subnasale).
    const float area = 0.25f * static_cast<float>(open);
    qInfo("nostril at %s: rays rise %.1f mm above the subnasale, %.0f mm2 open",
          sx < 0.0f ? "right" : "left", deepest, area);
    QVERIFY2(deepest > 8.0f, qPrintable(QString("the nostril is %1 mm deep").arg(deepest)));
    QVERIFY2(area > 10.0f && area < 60.0f, qPrintable(QString("%1 mm2 open").arg(area)));
  }
}

void TestDefaultHead::templateHasAnAdultsMeasurements() {
  // The template against published adult means (../shared/specs/anthropometry.md): head
  // and face sizes within about 1.5 SD (ANSUR II, 3DFN), and the soft-tissue profile
  // relative to the subnasale within 2 SD of Arnett's true-vertical norms (upper lip
  // +3.3 +- 1.7 mm, lower lip +1.0 +- 2.2, soft pogonion -3.5 +- 1.8, nasal tip +17 +- 2).
  const PosedFace posed = templatePose();
  const std::vector<Vec3f>& skin =
      posed.parts[static_cast<std::size_t>(model().findPart("skin"))].positions;
  const auto& at = posed.landmarks;
  auto expectNear = [](const char* what, float value, float mean, float tolerance) {
    qInfo("%s: %.1f, expected %.1f +- %.1f", what, value, mean, tolerance);
    QVERIFY2(std::abs(value - mean) <= tolerance, qPrintable(QString("%1: %2 mm, expected %3 +- %4")
                                                                 .arg(what)
                                                                 .arg(value, 0, 'f', 1)
                                                                 .arg(mean)
                                                                 .arg(tolerance)));
  };
  // The midline's profile: its most forward point at each height, and between two heights.
  const PosedScene scene(posed, false);
  auto frontAt = [&](float y) { return scene.frontZ(0.0f, y); };
  auto front = [&](float top, float bottom) {
    Vec3f best(0.0f, 0.0f, -1e9f);
    for (float y = bottom; y <= top; y += 0.5f) {
      if (const float z = frontAt(y); z > best.z()) {
        best = Vec3f(0.0f, y, z);
      }
    }
    return best;
  };
  auto deepest = [&](float top, float bottom) {
    Vec3f best(0.0f, 0.0f, 1e9f);
    for (float y = bottom; y <= top; y += 0.5f) {
      if (const float z = frontAt(y); z > -1e8f && z < best.z()) {
        best = Vec3f(0.0f, y, z);
      }
    }
    return best;
  };
  const float lipLine = 0.5f * (at[62].y() + at[66].y());
  const Vec3f tip = front(at[27].y() - 20.0f, lipLine + 8.0f);
  // Soft-tissue nasion and subnasale: the profile's hollows above and below the nose.
  const Vec3f nasion = deepest(at[27].y() + 15.0f, at[27].y() - 10.0f);
  const Vec3f subnasale = deepest(tip.y(), lipLine + 3.0f);
  const Vec3f glabella = front(nasion.y() + 25.0f, nasion.y());
  float back = 1e9f, breadth = 0.0f;
  for (const Vec3f& p : skin) {
    if (p.y() > subnasale.y()) {
      back = std::min(back, p.z());
    }
    if (p.y() > nasion.y() - 10.0f) {
      breadth = std::max(breadth, 2.0f * std::abs(p.x()));
    }
  }
  expectNear("head length g-op", glabella.z() - back, 195.0f, 10.0f);
  expectNear("head breadth eu-eu", breadth, 151.0f, 8.0f);
  expectNear("face height n-gn", nasion.y() - at[8].y(), 120.0f, 10.0f);
  expectNear("biocular width ex-ex", (at[36] - at[45]).norm(), 87.0f, 6.0f);
  expectNear("intercanthal width en-en", (at[39] - at[42]).norm(), 32.0f, 4.5f);
  expectNear("mouth width ch-ch", (at[48] - at[54]).norm(), 49.0f, 5.5f);
  expectNear("nasal height n-sn", nasion.y() - subnasale.y(), 55.6f, 7.0f);
  expectNear("upper lip ahead of subnasale",
             front(subnasale.y() - 2.0f, lipLine).z() - subnasale.z(), 3.3f, 3.4f);
  expectNear("lower lip ahead of subnasale", front(lipLine, at[57].y() - 2.0f).z() - subnasale.z(),
             1.0f, 4.4f);
  expectNear("soft pogonion ahead of subnasale",
             front(at[57].y() - 8.0f, at[8].y()).z() - subnasale.z(), -3.5f, 3.6f);
  expectNear("nasal tip ahead of subnasale", tip.z() - subnasale.z(), 17.0f, 4.0f);
  // The nose starts in a hollow below the brow, not as the forehead's continuation: the
  // nasofrontal angle (glabella-nasion-dorsum, in profile) is 115-135 degrees in clinical
  // norms, and the nasion lies a few millimetres behind the glabella.
  const Vec3f dorsum(0.0f, nasion.y() - 16.0f, frontAt(nasion.y() - 16.0f));
  const Vec3f up = (glabella - nasion).normalized();
  const Vec3f down = (dorsum - nasion).normalized();
  const float nasofrontal =
      std::acos(std::clamp(up.dot(down), -1.0f, 1.0f)) * 180.0f / std::numbers::pi_v<float>;
  expectNear("nasofrontal angle", nasofrontal, 127.0f, 10.0f);
  expectNear("nasion behind glabella", glabella.z() - nasion.z(), 5.0f, 2.5f);
}

void TestDefaultHead::hasTheCountsTheProductPromises() {
  const FaceModel& m = model();
  validateFaceModel(m, "default");
  QVERIFY(m.identity.size() >= 64);
  QVERIFY(m.expressions.size() >= 40);
  QCOMPARE(m.landmarks.size(), std::size_t{70});
  QVERIFY(m.denseLandmarks.size() >= 500);
  for (const char* joint : {"neck", "head", "jaw", "eye_left", "eye_right"}) {
    QVERIFY2(m.findJoint(joint) >= 0, joint);
  }
  for (const char* part : {"skin", "eye_left", "eye_right", "cornea_left", "cornea_right",
                           "tear_line_left", "tear_line_right", "caruncle_left", "caruncle_right",
                           "teeth_upper", "teeth_lower", "tongue", "ear_left", "ear_right"}) {
    QVERIFY2(m.findPart(part) >= 0, part);
  }
  // No identity mode or expression is a no-op: each moves the face by at least 0.1 mm
  // (the philtrum's width, the subtlest, moves 0.16 mm per SD; the cupid's bow 0.3 mm).
  for (const auto* targets : {&m.identity, &m.expressions}) {
    for (const MorphTarget& target : *targets) {
      float largest = 0.0f;
      for (const Vec3f& delta : target.deltas) {
        largest = std::max(largest, delta.norm());
      }
      QVERIFY2(largest > 0.1f, qPrintable(QString("%1 moves at most %2 mm")
                                              .arg(QString::fromStdString(target.name))
                                              .arg(largest)));
    }
  }
  // Every label class of a face's skin appears.
  std::array<int, 256> counts{};
  for (LabelClass label : m.parts[0].faceClass) {
    ++counts[static_cast<std::size_t>(label)];
  }
  for (LabelClass label : {LabelClass::Skin, LabelClass::Nose, LabelClass::TopLip,
                           LabelClass::BottomLip, LabelClass::MouthInterior, LabelClass::Neck}) {
    QVERIFY2(counts[static_cast<std::size_t>(label)] > 0,
             qPrintable(QString("no faces of class %1").arg(static_cast<int>(label))));
  }
}

void TestDefaultHead::zeroCoefficientsGiveTheTemplate() {
  std::vector<Vec3f> positions;
  geometry().evaluator().evaluate(FaceState{}, positions);
  QCOMPARE(positions, model().restPositions());
}

void TestDefaultHead::isLeftRightSymmetric() {
  // Every skin vertex has a mirror image (x -> -x) among the skin's vertices.
  const std::vector<Vec3f>& points = model().parts[0].mesh.positions;
  std::vector<Vec3f> sorted = points;
  std::sort(sorted.begin(), sorted.end(),
            [](const Vec3f& a, const Vec3f& b) { return a.y() < b.y(); });
  float worst = 0.0f;
  for (const Vec3f& p : points) {
    const Vec3f mirror(-p.x(), p.y(), p.z());
    auto it = std::lower_bound(sorted.begin(), sorted.end(), mirror.y() - 0.5f,
                               [](const Vec3f& a, float y) { return a.y() < y; });
    float best = 1e9f;
    for (; it != sorted.end() && it->y() <= mirror.y() + 0.5f; ++it) {
      best = std::min(best, (*it - mirror).norm());
    }
    worst = std::max(worst, best);
  }
  QVERIFY2(worst < 0.05f, qPrintable(QString("a vertex is %1 mm from its mirror").arg(worst)));
}

void TestDefaultHead::openingTheJawWidensTheLipGap() {
  // Landmarks 62 and 66: the middle of the upper and the lower inner lip.
  const PosedFace closed = geometry().pose(FaceState{});
  const PosedFace open = geometry().pose(withExpression("jawOpen", 1.0f));
  const float gapClosed = (closed.landmarks[62] - closed.landmarks[66]).norm();
  const float gapOpen = (open.landmarks[62] - open.landmarks[66]).norm();
  // At rest the lips meet; the limit surface rounds their contact into a narrow parting.
  QVERIFY2(gapClosed < 2.0f, qPrintable(QString("closed lips %1 mm apart").arg(gapClosed)));
  QVERIFY2(gapOpen > gapClosed + 12.0f,
           qPrintable(QString("open lips only %1 mm apart").arg(gapOpen)));
  // The upper lip stays: the jaw, not the head, moves.
  QVERIFY((closed.landmarks[62] - open.landmarks[62]).norm() < 1.0f);
}

void TestDefaultHead::aFullSmileLiftsTheMouthCorners() {
  // Landmarks 48 and 54: the mouth corners (the subject's right, left). A broad smile draws
  // each corner up, out and back by about a centimetre, the other corner barely.
  const PosedFace rest = geometry().pose(FaceState{});
  const PosedFace smile = geometry().pose(withExpression("mouthSmileLeft", 1.0f));
  const Vec3f moved = smile.landmarks[54] - rest.landmarks[54];
  QVERIFY2(moved.y() > 6.0f && moved.x() > 4.0f && moved.norm() > 8.0f,
           qPrintable(QString("the left corner moved (%1, %2, %3) mm")
                          .arg(moved.x())
                          .arg(moved.y())
                          .arg(moved.z())));
  QVERIFY((smile.landmarks[48] - rest.landmarks[48]).norm() < 2.0f);
  // A frown draws the corner down.
  const PosedFace frown = geometry().pose(withExpression("mouthFrownLeft", 1.0f));
  QVERIFY((frown.landmarks[54] - rest.landmarks[54]).y() < -4.0f);
}

void TestDefaultHead::tearLinesFollowTheLowerLids() {
  // Looking sideways, the lower lid follows the eye a little; its tear line goes with it.
  FaceState gaze;
  gaze.jointRotations.assign(model().joints.size(), Eigen::Quaternionf::Identity());
  gaze.jointRotations[static_cast<std::size_t>(model().findJoint("eye_left"))] =
      Eigen::Quaternionf(Eigen::AngleAxisf(0.35f, Vec3f::UnitY()));
  const PosedFace rest = geometry().pose(FaceState{});
  const PosedFace turned = geometry().pose(gaze);
  const FacePart& skin = model().parts[0];
  const FacePart& tear =
      model().parts[static_cast<std::size_t>(model().findPart("tear_line_left"))];
  const Vec3f eye =
      model().joints[static_cast<std::size_t>(model().findJoint("eye_left"))].restPosition;
  float largest = 0.0f;
  // Not the two ends: at the corners of the eye the upper lid, which follows more, meets it.
  for (int v = 2; v < tear.mesh.vertexCount() - 2; ++v) {
    const std::size_t global = static_cast<std::size_t>(tear.firstVertex + v);
    // The skin vertex nearest to it at rest on the lid's side of it: the lid margin or the
    // pocket behind it, not a vertex of the pocket's ring deeper in, against the globe
    // (near the inner corner one can lie nearer, and the rings turn with the eye).
    const float fromEye = (rest.controlPositions[global] - eye).norm();
    std::size_t nearest = 0;
    float best = 1e9f;
    for (int k = 0; k < skin.mesh.vertexCount(); ++k) {
      const Vec3f& candidate = rest.controlPositions[static_cast<std::size_t>(k)];
      const float d = (candidate - rest.controlPositions[global]).norm();
      if (d < best && (candidate - eye).norm() > fromEye - 0.2f) {
        best = d;
        nearest = static_cast<std::size_t>(k);
      }
    }
    const Vec3f moved = turned.controlPositions[global] - rest.controlPositions[global];
    const Vec3f lid = turned.controlPositions[nearest] - rest.controlPositions[nearest];
    QVERIFY2((moved - lid).norm() < 0.2f,
             qPrintable(QString("tear line vertex %1 moves %2 mm, its lid %3 mm")
                            .arg(v)
                            .arg(moved.norm())
                            .arg(lid.norm())));
    largest = std::max(largest, moved.norm());
  }
  QVERIFY2(largest > 0.3f, "the tear line does not follow the gaze");
}

void TestDefaultHead::closingTheLidsCoversTheIris() {
  // Look at each pupil from 40 cm in front: open, the eye is seen; blinking, the skin.
  for (int side = 0; side < 2; ++side) {
    const std::string name = side == 0 ? "eyeBlinkRight" : "eyeBlinkLeft";
    for (float weight : {0.0f, 1.0f}) {
      const PosedFace posed = geometry().pose(withExpression(name, weight));
      const PosedScene scene(posed, true);
      const std::string seen =
          scene.partSeenInFrontOf(posed.landmarks[static_cast<std::size_t>(68 + side)]);
      const std::string expected = weight == 0.0f ? (side == 0 ? "eye_right" : "eye_left") : "skin";
      QVERIFY2(seen == expected,
               qPrintable(QString::fromStdString(name + " " + std::to_string(weight) +
                                                 ": the ray meets " + seen)));
    }
  }
}

void TestDefaultHead::blinkingLeavesTheBrowStill() {
  // A blink moves the lid, not the skin between the lid's fold and the brow: no skin
  // vertex higher than halfway from the pupil to the middle of the brow above it moves.
  const PosedFace rest = geometry().pose(FaceState{});
  const int vertices = model().parts[0].mesh.vertexCount();
  for (int side = 0; side < 2; ++side) {
    const std::string name = side == 0 ? "eyeBlinkRight" : "eyeBlinkLeft";
    const PosedFace blink = geometry().pose(withExpression(name, 1.0f));
    const Vec3f pupil = rest.landmarks[static_cast<std::size_t>(68 + side)];
    const Vec3f brow = rest.landmarks[side == 0 ? 19 : 24];
    const float above = 0.5f * (pupil.y() + brow.y());
    float largest = 0.0f, lid = 0.0f;
    for (int k = 0; k < vertices; ++k) {
      const std::size_t v = static_cast<std::size_t>(k);
      const Vec3f p = rest.controlPositions[v];
      if (std::abs(p.x() - pupil.x()) > 25.0f || p.z() < pupil.z() - 25.0f) {
        continue;
      }
      const float moved = (blink.controlPositions[v] - p).norm();
      float& bin = p.y() > above ? largest : lid;
      bin = std::max(bin, moved);
    }
    qInfo("%s: the lid moves up to %.2f mm, the skin above it %.2f mm", name.c_str(), lid, largest);
    QVERIFY2(lid > 5.0f, qPrintable(QString::fromStdString(name + ": the lid hardly moves")));
    QVERIFY2(largest < 0.5f, qPrintable(QString("%1 moves the skin under the brow %2 mm")
                                            .arg(QString::fromStdString(name))
                                            .arg(largest)));
  }
}

void TestDefaultHead::openMouthShowsTeeth() {
  // Look into the mouth from the front: closed, the lips; open, teeth or tongue.
  for (float weight : {0.0f, 1.0f}) {
    const PosedFace posed = geometry().pose(withExpression("jawOpen", weight));
    const PosedScene scene(posed, false);
    // Look in along the line between the inner lips' midpoints (landmarks 62 and 66),
    // a ray every half millimetre; report what the rays meet, front first.
    std::string seen;
    bool sawMouth = false;
    const Vec3f top = posed.landmarks[62], bottom = posed.landmarks[66];
    const int steps = std::max(1, static_cast<int>((top - bottom).norm() / 0.5f));
    for (int i = 0; i <= steps; ++i) {
      const std::string part =
          scene.partSeenInFrontOf(top + (bottom - top) * (static_cast<float>(i) / steps));
      if (!part.empty()) {
        sawMouth |= part == "teeth_upper" || part == "teeth_lower" || part == "tongue";
        if (seen.find(part) == std::string::npos) {
          seen += part + " ";
        }
      }
    }
    if (weight == 0.0f) {
      QVERIFY2(!sawMouth, qPrintable(QString::fromStdString("closed mouth shows " + seen)));
    } else {
      QVERIFY2(sawMouth, qPrintable(QString::fromStdString("open mouth shows only " + seen)));
    }
  }
}

void TestDefaultHead::landmarksFollowTheSurface() {
  // A longer, more protruding nose carries the nose-tip landmark (30) forward.
  FaceState state;
  state.identity.assign(model().identity.size(), 0.0f);
  state.identity[static_cast<std::size_t>(model().findIdentity("nose_protrusion"))] = 2.0f;
  const PosedFace rest = geometry().pose(FaceState{});
  const PosedFace longer = geometry().pose(state);
  QVERIFY2(longer.landmarks[30].z() - rest.landmarks[30].z() > 2.0f,
           qPrintable(
               QString("tip moved %1 mm").arg(longer.landmarks[30].z() - rest.landmarks[30].z())));
  // A wider mouth moves the mouth corners (48, 54) apart.
  state.identity.assign(model().identity.size(), 0.0f);
  state.identity[static_cast<std::size_t>(model().findIdentity("mouth_width"))] = 2.0f;
  const PosedFace wide = geometry().pose(state);
  const float before = (rest.landmarks[48] - rest.landmarks[54]).norm();
  const float after = (wide.landmarks[48] - wide.landmarks[54]).norm();
  QVERIFY2(after - before > 4.0f,
           qPrintable(QString("mouth widened by %1 mm").arg(after - before)));
  // Landmarks keep the iBUG layout: 36 (the subject's right outer eye corner) has x < 0,
  // 45 x > 0; the chin (8) is the lowest jaw point; the nose tip is the most forward.
  QVERIFY(rest.landmarks[36].x() < rest.landmarks[39].x());
  QVERIFY(rest.landmarks[42].x() < rest.landmarks[45].x());
  for (int i = 0; i <= 16; ++i) {
    QVERIFY(rest.landmarks[8].y() <= rest.landmarks[static_cast<std::size_t>(i)].y() + 1e-3f);
  }
  for (int i = 0; i < 68; ++i) {
    QVERIFY(rest.landmarks[30].z() >= rest.landmarks[static_cast<std::size_t>(i)].z() - 1e-3f);
  }
}

void TestDefaultHead::threeSigmaIdentitiesStayValid() {
  // Each mode alone at +-3 SD, then random identities uniform in [-3, 3] per mode. Every
  // failure is collected, so the message lists them all.
  struct Case {
    QString name;
    FaceState state;
    bool combined;
  };
  std::vector<Case> cases;
  for (std::size_t k = 0; k < model().identity.size(); ++k) {
    for (float sign : {-3.0f, 3.0f}) {
      FaceState state;
      state.identity.assign(model().identity.size(), 0.0f);
      state.identity[k] = sign;
      cases.push_back(
          {QString("%1 %2").arg(QString::fromStdString(model().identity[k].name)).arg(sign), state,
           false});
    }
  }
  std::mt19937 random(7);
  std::uniform_real_distribution<float> uniform(-3.0f, 3.0f);
  for (int i = 0; i < 20; ++i) {
    FaceState state;
    for (std::size_t k = 0; k < model().identity.size(); ++k) {
      state.identity.push_back(uniform(random));
    }
    cases.push_back({QString("random #%1").arg(i), state, true});
  }
  QStringList single, combined;
  for (const Case& c : cases) {
    const PosedFace posed = geometry().pose(c.state);
    QString where;
    const int inverted = invertedFaces(posed.controlPositions, &where);
    // The eyes stay in their sockets: no lid margin cuts into the 12 mm globe.
    const float margin = lidMarginToEye(posed);
    if (inverted > 0 || margin <= 12.0f) {
      (c.combined ? combined : single)
          << QString("%1: %2 inverted (first %3), lid margin %4 mm from the eye")
                 .arg(c.name)
                 .arg(inverted)
                 .arg(where)
                 .arg(margin);
    }
  }
  QVERIFY2(single.isEmpty(), qPrintable(single.join("; ")));
  if (!combined.isEmpty()) {
    qInfo("%d of 20 combined identities fold: %s", static_cast<int>(combined.size()),
          qPrintable(combined.join("; ")));
  }
  QEXPECT_FAIL("",
               "known defect (issue 3): extreme combined identities fold a few faces where "
               "the grid meets the sculpt's overhangs; needs global relaxation of the skin grid",
               Continue);
  QVERIFY2(combined.isEmpty(),
           qPrintable(QString("%1 of 20: ").arg(combined.size()) + combined.join("; ")));
}

void TestDefaultHead::fullExpressionsStayValid() {
  for (const MorphTarget& expression : model().expressions) {
    const PosedFace posed = geometry().pose(withExpression(expression.name, 1.0f));
    QString where;
    const int inverted = invertedFaces(posed.controlPositions, &where);
    QVERIFY2(inverted == 0,
             qPrintable(QString::fromStdString(expression.name) +
                        QString(": %1 inverted faces, first %2").arg(inverted).arg(where)));
  }
}

void TestDefaultHead::gltfExportReimportsWithTargets() {
  QTemporaryDir dir;
  const std::string path = dir.filePath("head.glb").toStdString();
  exportScene(buildExportScene(model(), geometry(), FaceState{}, ExportTargets::Expressions), path);
  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFile(path, 0);
  QVERIFY2(scene, importer.GetErrorString());
  QCOMPARE(scene->mNumMeshes, static_cast<unsigned>(model().parts.size()));
  for (unsigned m = 0; m < scene->mNumMeshes; ++m) {
    QCOMPARE(scene->mMeshes[m]->mNumAnimMeshes, static_cast<unsigned>(model().expressions.size()));
    QVERIFY(scene->mMeshes[m]->mNumBones > 0);
  }
}

void TestDefaultHead::generationIsDeterministic() {
  // Building the head again gives the very same model (the cache is only a shortcut).
  QCOMPARE(createDefaultHead() == model(), true);
}

QTEST_APPLESS_MAIN(TestDefaultHead)
#include "test_default_head.moc"
