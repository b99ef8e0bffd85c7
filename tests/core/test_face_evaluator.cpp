// Tests of core/face evaluation: morphs, correctives, skinning, Catmull-Clark refinement,
// exact limit points and landmarks, on small models built here.

#include "face/face_evaluator.h"
#include "face/face_geometry.h"
#include "face/landmarks.h"
#include "face/subdivision.h"
#include "util/error.h"

#include <QTest>

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <utility>

using sf::Vec2f;
using sf::Vec3f;

namespace {

constexpr float kDegree = std::numbers::pi_v<float> / 180.0f;

/// A closed cube of n x n quads per side, half-size `halfSize` about `centre`, outward
/// counter-clockwise faces, and one UV chart per side (so UV seams along the cube's edges).
sf::PolyMesh makeCube(int n, float halfSize, Vec3f centre = Vec3f::Zero()) {
  struct Side {
    Eigen::Vector3i origin, u, v;  // in lattice steps; u x v points outward
  };
  const std::array<Side, 6> sides = {{
      {{n, 0, 0}, {0, 1, 0}, {0, 0, 1}},
      {{0, 0, 0}, {0, 0, 1}, {0, 1, 0}},
      {{0, n, 0}, {0, 0, 1}, {1, 0, 0}},
      {{0, 0, 0}, {1, 0, 0}, {0, 0, 1}},
      {{0, 0, n}, {1, 0, 0}, {0, 1, 0}},
      {{0, 0, 0}, {0, 1, 0}, {1, 0, 0}},
  }};
  sf::PolyMesh mesh;
  std::map<std::array<int, 3>, int> vertexOf;
  const auto vertex = [&](const Eigen::Vector3i& lattice) {
    const std::array<int, 3> key = {lattice.x(), lattice.y(), lattice.z()};
    const auto [it, inserted] = vertexOf.emplace(key, mesh.vertexCount());
    if (inserted) {
      mesh.positions.push_back(centre +
                               halfSize * (2.0f * lattice.cast<float>() / n - Vec3f::Ones()));
    }
    return it->second;
  };
  for (int s = 0; s < 6; ++s) {
    const Side& side = sides[s];
    const int firstUv = static_cast<int>(mesh.uvs.size());
    for (int p = 0; p <= n; ++p) {
      for (int q = 0; q <= n; ++q) {
        mesh.uvs.emplace_back((s + static_cast<float>(p) / n) / 6.0f, static_cast<float>(q) / n);
      }
    }
    for (int p = 0; p < n; ++p) {
      for (int q = 0; q < n; ++q) {
        const std::array<std::pair<int, int>, 4> corners = {
            {{p, q}, {p + 1, q}, {p + 1, q + 1}, {p, q + 1}}};
        mesh.faceSizes.push_back(4);
        for (const auto& [a, b] : corners) {
          mesh.faceIndices.push_back(vertex(side.origin + a * side.u + b * side.v));
          mesh.uvIndices.push_back(firstUv + a * (n + 1) + b);
        }
      }
    }
  }
  return mesh;
}

/// An octahedron of radius r: 6 vertices, 8 outward counter-clockwise triangles, no UVs.
sf::PolyMesh makeOctahedron(float r, Vec3f centre) {
  sf::PolyMesh mesh;
  for (int axis = 0; axis < 3; ++axis) {
    for (const float sign : {1.0f, -1.0f}) {
      Vec3f p = centre;
      p[axis] += sign * r;
      mesh.positions.push_back(p);  // vertex 2 * axis + (sign < 0)
    }
  }
  for (int sx = 0; sx < 2; ++sx) {
    for (int sy = 0; sy < 2; ++sy) {
      for (int sz = 0; sz < 2; ++sz) {
        const int x = sx, y = 2 + sy, z = 4 + sz;
        const bool positive = (sx + sy + sz) % 2 == 0;  // sign product > 0
        mesh.faceSizes.push_back(3);
        for (const int v : positive ? std::array{x, y, z} : std::array{x, z, y}) {
          mesh.faceIndices.push_back(v);
        }
      }
    }
  }
  return mesh;
}

/// A flat regular n x n grid of unit quads in the z = 0 plane.
sf::PolyMesh makeGrid(int n) {
  sf::PolyMesh mesh;
  for (int j = 0; j <= n; ++j) {
    for (int i = 0; i <= n; ++i) {
      mesh.positions.emplace_back(static_cast<float>(i), static_cast<float>(j), 0.0f);
    }
  }
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      const int v = j * (n + 1) + i;
      mesh.faceSizes.push_back(4);
      for (const int corner : {v, v + 1, v + n + 2, v + n + 1}) {
        mesh.faceIndices.push_back(corner);
      }
    }
  }
  return mesh;
}

/// Corner indices of each face.
std::vector<std::vector<int>> facesOf(const sf::PolyMesh& mesh) {
  std::vector<std::vector<int>> faces;
  int offset = 0;
  for (const int size : mesh.faceSizes) {
    faces.emplace_back(mesh.faceIndices.begin() + offset, mesh.faceIndices.begin() + offset + size);
    offset += size;
  }
  return faces;
}

/// The (u, v) of the point at fraction t along edge (corner k -> corner k+1) of a face,
/// in Landmark convention (bilinear for quads, barycentric (b1, b2) for triangles).
Vec2f edgePoint(int size, int k, float t) {
  if (size == 4) {
    const std::array<Vec2f, 4> corners = {Vec2f(0, 0), Vec2f(1, 0), Vec2f(1, 1), Vec2f(0, 1)};
    return (1.0f - t) * corners[k] + t * corners[(k + 1) % 4];
  }
  const std::array<Vec2f, 3> corners = {Vec2f(0, 0), Vec2f(1, 0), Vec2f(0, 1)};
  return (1.0f - t) * corners[k] + t * corners[(k + 1) % 3];
}

float distanceToTriangle(const Vec3f& p, const Vec3f& a, const Vec3f& b, const Vec3f& c) {
  // Closest point by regions (Ericson, Real-Time Collision Detection, 5.1.5).
  const Vec3f ab = b - a, ac = c - a, ap = p - a;
  const float d1 = ab.dot(ap), d2 = ac.dot(ap);
  if (d1 <= 0 && d2 <= 0) {
    return (p - a).norm();
  }
  const Vec3f bp = p - b;
  const float d3 = ab.dot(bp), d4 = ac.dot(bp);
  if (d3 >= 0 && d4 <= d3) {
    return (p - b).norm();
  }
  const float vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    return (p - (a + d1 / (d1 - d3) * ab)).norm();
  }
  const Vec3f cp = p - c;
  const float d5 = ab.dot(cp), d6 = ac.dot(cp);
  if (d6 >= 0 && d5 <= d6) {
    return (p - c).norm();
  }
  const float vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) {
    return (p - (a + d2 / (d2 - d6) * ac)).norm();
  }
  const float va = d3 * d6 - d5 * d4;
  if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
    return (p - (b + (d4 - d3) / ((d4 - d3) + (d5 - d6)) * (c - b))).norm();
  }
  const float denominator = 1.0f / (va + vb + vc);
  return (p - (a + ab * (vb * denominator) + ac * (vc * denominator))).norm();
}

/// Distance from p to a quad mesh, each quad split into two triangles.
float distanceToMesh(const Vec3f& p, const sf::PolyMesh& mesh) {
  float best = std::numeric_limits<float>::max();
  for (const std::vector<int>& f : facesOf(mesh)) {
    const auto& x = mesh.positions;
    best = std::min(best, distanceToTriangle(p, x[f[0]], x[f[1]], x[f[2]]));
    if (f.size() == 4) {
      best = std::min(best, distanceToTriangle(p, x[f[0]], x[f[2]], x[f[3]]));
    }
  }
  return best;
}

float nearestDistance(const Vec3f& p, const std::vector<Vec3f>& points) {
  float best = std::numeric_limits<float>::max();
  for (const Vec3f& q : points) {
    best = std::min(best, (p - q).norm());
  }
  return best;
}

QByteArray describe(const Vec3f& v) {
  return QByteArray("(") + QByteArray::number(v.x(), 'g', 8) + ", " +
         QByteArray::number(v.y(), 'g', 8) + ", " + QByteArray::number(v.z(), 'g', 8) + ")";
}

#define VERIFY_NEAR(actual, expected, tolerance)                                             \
  do {                                                                                       \
    const Vec3f actualValue_ = (actual);                                                     \
    const Vec3f expectedValue_ = (expected);                                                 \
    QVERIFY2((actualValue_ - expectedValue_).norm() <= (tolerance),                          \
             describe(actualValue_) + " != " + describe(expectedValue_) + " (" #actual ")"); \
  } while (false)

Eigen::Quaternionf rotation(float degrees, const Vec3f& axis) {
  return Eigen::Quaternionf(Eigen::AngleAxisf(degrees * kDegree, axis.normalized()));
}

enum Joints { kNeck, kHead, kJaw, kEyeLeft, kEyeRight };
enum Parts { kSkin, kEyeLeftPart, kEyeRightPart };

/// The test head: a 4 x 4-per-side cube "skin" (98 vertices), a subdivided octahedron left
/// eye and an unrefined octahedron right eye; 3 identity modes, 3 expressions, 1 corrective,
/// 5 joints, 70 landmarks (68 on the skin, two pupils) and dense landmarks on the eyes.
sf::FaceModel makeTestModel() {
  sf::FaceModel model;
  model.name = "test-head";
  const Vec3f eyeLeftCentre(20, 10, 58), eyeRightCentre(-20, 10, 58);
  model.parts.push_back({"skin", sf::PartMaterial::Skin, makeCube(4, 50), 0, true, {}, {}});
  model.parts.push_back(
      {"eye_left", sf::PartMaterial::Sclera, makeOctahedron(5, eyeLeftCentre), 0, true, {}, {}});
  model.parts.push_back(
      {"eye_right", sf::PartMaterial::Sclera, makeOctahedron(5, eyeRightCentre), 0, false, {}, {}});
  int first = 0;
  for (sf::FacePart& part : model.parts) {
    part.firstVertex = first;
    first += part.mesh.vertexCount();
    part.faceClass.assign(part.mesh.faceCount(), sf::LabelClass::Skin);
    part.faceGrowth.assign(part.mesh.faceCount(), sf::kGrowthNone);
  }
  const std::vector<Vec3f>& skin = model.parts[kSkin].mesh.positions;
  const int eyeLeftFirst = model.parts[kEyeLeftPart].firstVertex;
  const int eyeRightFirst = model.parts[kEyeRightPart].firstVertex;

  // Identity: skin translation, skin z scale, eyes moved (unevenly, so anchors average).
  sf::MorphTarget translate{"global_shift", "global", 2.0f, {}, {}, {}};
  sf::MorphTarget depth{"depth", "global", 5.0f, {}, {}, {}};
  for (int v = 0; v < static_cast<int>(skin.size()); ++v) {
    translate.vertices.push_back(v);
    translate.deltas.emplace_back(2, 0, 0);
    depth.vertices.push_back(v);
    depth.deltas.emplace_back(0, 0, 0.1f * skin[v].z());
  }
  sf::MorphTarget eyes{"eye_position", "eyes", 3.0f, {}, {}, {}};
  for (int i = 0; i < 6; ++i) {
    eyes.vertices.push_back(eyeLeftFirst + i);
    eyes.deltas.emplace_back(0.5f * i, 3, 1);
  }
  for (int i = 0; i < 6; ++i) {
    eyes.vertices.push_back(eyeRightFirst + i);
    eyes.deltas.emplace_back(-1, 3, 0.25f * i);
  }
  model.identity = {translate, depth, eyes};

  // Expressions: jaw drop (low front skin), smile (front face), blink (left eye); a
  // corrective for jawOpen + smile.
  sf::MorphTarget jawOpen{"jawOpen", "mouth", 1.0f, {}, {}, {}};
  sf::MorphTarget smile{"smile", "mouth", 1.0f, {}, {}, {}};
  sf::MorphTarget corrective{"jawOpen+smile", "mouth", 1.0f, {}, {}, {0, 1}};
  for (int v = 0; v < static_cast<int>(skin.size()); ++v) {
    if (skin[v].y() < 0 && skin[v].z() > 0) {
      jawOpen.vertices.push_back(v);
      jawOpen.deltas.emplace_back(0, -5, 0);
    }
    if (skin[v].z() > 49) {
      smile.vertices.push_back(v);
      smile.deltas.emplace_back(0.01f * skin[v].x(), 1, 0);
      if (skin[v].y() <= 0) {
        corrective.vertices.push_back(v);
        corrective.deltas.emplace_back(0, 0, 3);
      }
    }
  }
  sf::MorphTarget blink{"eyeBlinkLeft", "eyes", 1.0f, {}, {}, {}};
  for (int i = 0; i < 6; ++i) {
    blink.vertices.push_back(eyeLeftFirst + i);
    blink.deltas.emplace_back(0, -1, 0);
  }
  model.expressions = {jawOpen, smile, blink};
  model.correctives = {corrective};

  // Skeleton: the eyes' pivots follow their eyeballs.
  std::vector<int> eyeLeftVertices, eyeRightVertices;
  for (int i = 0; i < 6; ++i) {
    eyeLeftVertices.push_back(eyeLeftFirst + i);
    eyeRightVertices.push_back(eyeRightFirst + i);
  }
  model.joints = {{"neck", -1, {0, -60, 0}, {}},
                  {"head", kNeck, {0, -20, 0}, {}},
                  {"jaw", kHead, {0, -10, 30}, {}},
                  {"eye_left", kHead, eyeLeftCentre, eyeLeftVertices},
                  {"eye_right", kHead, eyeRightCentre, eyeRightVertices}};

  // Skin weights: the low front is the jaw (a blended row above it), the low back the neck.
  const auto add = [&](std::array<int, 4> joints, std::array<float, 4> weights) {
    model.skin.joints.push_back(joints);
    model.skin.weights.push_back(weights);
  };
  for (const Vec3f& p : skin) {
    if (p.y() < -49 && p.z() > 0) {
      add({kJaw, 0, 0, 0}, {1, 0, 0, 0});
    } else if (p.y() < -24 && p.z() > 0) {
      add({kJaw, kHead, 0, 0}, {0.5f, 0.5f, 0, 0});
    } else if (p.y() < -49) {
      add({kNeck, kHead, 0, 0}, {0.75f, 0.25f, 0, 0});
    } else {
      add({kHead, 0, 0, 0}, {1, 0, 0, 0});
    }
  }
  for (int i = 0; i < 6; ++i) {
    add({kEyeLeft, 0, 0, 0}, {1, 0, 0, 0});
  }
  for (int i = 0; i < 6; ++i) {
    add({kEyeRight, 0, 0, 0}, {1, 0, 0, 0});
  }

  // 68 landmarks spread over the skin's faces, then the pupils 5 mm in front of the eyes.
  for (int i = 0; i < 68; ++i) {
    sf::Landmark landmark;
    landmark.name = "lm_" + std::to_string(i);
    landmark.part = kSkin;
    landmark.face = (i * 7) % model.parts[kSkin].mesh.faceCount();
    landmark.uv = Vec2f(std::fmod(0.1f + 0.37f * i, 1.0f), std::fmod(0.2f + 0.61f * i, 1.0f));
    model.landmarks.push_back(landmark);
  }
  for (const int joint : {kEyeLeft, kEyeRight}) {
    sf::Landmark pupil;
    pupil.name = joint == kEyeLeft ? "pupil_left" : "pupil_right";
    pupil.kind = sf::Landmark::Kind::Joint;
    pupil.joint = joint;
    pupil.offset = Vec3f(0, 0, 5);
    model.landmarks.push_back(pupil);
  }
  for (const int part : {kEyeLeftPart, kEyeRightPart}) {
    for (int face = 0; face < 8; ++face) {
      sf::Landmark dense;
      dense.name = "dense_" + std::to_string(model.denseLandmarks.size());
      dense.part = part;
      dense.face = face;
      dense.uv = Vec2f(0.2f, 0.3f);
      model.denseLandmarks.push_back(dense);
    }
  }
  return model;
}

std::vector<Vec3f> templateOf(const sf::FaceModel& model) {
  std::vector<Vec3f> positions;
  for (const sf::FacePart& part : model.parts) {
    positions.insert(positions.end(), part.mesh.positions.begin(), part.mesh.positions.end());
  }
  return positions;
}

/// Template + one target at `weight`, computed independently of the evaluator.
std::vector<Vec3f> plusTarget(std::vector<Vec3f> positions, const sf::MorphTarget& target,
                              float weight) {
  for (std::size_t k = 0; k < target.vertices.size(); ++k) {
    positions[target.vertices[k]] += weight * target.deltas[k];
  }
  return positions;
}

}  // namespace

Q_DECLARE_METATYPE(sf::PolyMesh)
Q_DECLARE_METATYPE(Vec2f)

class TestFaceEvaluator : public QObject {
  Q_OBJECT

private slots:
  void zeroStateGivesTemplate();
  void oneCoefficientAddsItsDelta_data();
  void oneCoefficientAddsItsDelta();
  void correctiveUsesProductOfDrivers_data();
  void correctiveUsesProductOfDrivers();
  void jawRotationMovesOnlyJawVertices();
  void parentRotationCarriesChildren();
  void jointPivotsFollowIdentity();
  void badStateThrows_data();
  void badStateThrows();
  void badModelThrows();

  void cubeCornersReachKnownLimit();
  void refinedCountsFollowFormula_data();
  void refinedCountsFollowFormula();
  void refinedUvsStayInCharts();
  void limitPointsMatchRefinedLimitVertices_data();
  void limitPointsMatchRefinedLimitVertices();
  void sharedEdgesAgree_data();
  void sharedEdgesAgree();
  void flatGridLimitIsBilinear();
  void limitNormalsPointOutward();
  void limitPointLiesOnFineRefinement();
  void badSurfaceInputThrows();

  void landmarksFollowIdentityAndExpression();
  void pupilsFollowEyeJoints();
  void poseGivesMeshesPerPart();
};

void TestFaceEvaluator::zeroStateGivesTemplate() {
  const sf::FaceModel model = makeTestModel();
  sf::validateFaceModel(model, "");  // the test head is a proper model
  const sf::FaceEvaluator evaluator = sf::FaceEvaluator::create(model);
  QCOMPARE(evaluator.vertexCount(), 98 + 6 + 6);
  std::vector<Vec3f> positions;
  evaluator.evaluate(sf::FaceState{}, positions);
  QVERIFY(positions == templateOf(model));

  // Explicit zeros and identity rotations are the same state.
  sf::FaceState zeros;
  zeros.identity.assign(3, 0.0f);
  zeros.expression.assign(3, 0.0f);
  zeros.jointRotations.assign(5, Eigen::Quaternionf::Identity());
  evaluator.evaluate(zeros, positions);
  QVERIFY(positions == templateOf(model));
}

void TestFaceEvaluator::oneCoefficientAddsItsDelta_data() {
  QTest::addColumn<bool>("identity");
  QTest::addColumn<int>("index");
  QTest::newRow("identity 0 (shift)") << true << 0;
  QTest::newRow("identity 1 (depth)") << true << 1;
  QTest::newRow("identity 2 (eyes)") << true << 2;
  QTest::newRow("expression 0 (jawOpen)") << false << 0;
  QTest::newRow("expression 1 (smile)") << false << 1;
  QTest::newRow("expression 2 (blink)") << false << 2;
}

void TestFaceEvaluator::oneCoefficientAddsItsDelta() {
  QFETCH(bool, identity);
  QFETCH(int, index);
  const sf::FaceModel model = makeTestModel();
  const sf::FaceEvaluator evaluator = sf::FaceEvaluator::create(model);
  sf::FaceState state;
  (identity ? state.identity : state.expression).assign(index + 1, 0.0f);
  (identity ? state.identity : state.expression)[index] = 1.0f;
  std::vector<Vec3f> positions;
  evaluator.evaluate(state, positions);
  const sf::MorphTarget& target = identity ? model.identity[index] : model.expressions[index];
  QVERIFY(positions == plusTarget(templateOf(model), target, 1.0f));
}

void TestFaceEvaluator::correctiveUsesProductOfDrivers_data() {
  QTest::addColumn<float>("jawOpen");
  QTest::addColumn<float>("smile");
  QTest::newRow("jawOpen only") << 1.0f << 0.0f;
  QTest::newRow("smile only") << 0.0f << 1.0f;
  QTest::newRow("both full") << 1.0f << 1.0f;
  QTest::newRow("both partial") << 0.5f << 0.8f;
}

void TestFaceEvaluator::correctiveUsesProductOfDrivers() {
  QFETCH(float, jawOpen);
  QFETCH(float, smile);
  const sf::FaceModel model = makeTestModel();
  const sf::FaceEvaluator evaluator = sf::FaceEvaluator::create(model);
  sf::FaceState state;
  state.expression = {jawOpen, smile};
  std::vector<Vec3f> positions;
  evaluator.evaluate(state, positions);
  std::vector<Vec3f> expected = plusTarget(templateOf(model), model.expressions[0], jawOpen);
  expected = plusTarget(expected, model.expressions[1], smile);
  expected = plusTarget(expected, model.correctives[0], jawOpen * smile);
  for (std::size_t v = 0; v < positions.size(); ++v) {
    VERIFY_NEAR(positions[v], expected[v], 1e-4f);
  }
  if (jawOpen == 0.0f || smile == 0.0f) {
    QVERIFY(positions == expected);  // an inactive corrective adds nothing at all
  }
}

void TestFaceEvaluator::jawRotationMovesOnlyJawVertices() {
  const sf::FaceModel model = makeTestModel();
  const sf::FaceEvaluator evaluator = sf::FaceEvaluator::create(model);
  sf::FaceState state;
  state.jointRotations.assign(5, Eigen::Quaternionf::Identity());
  state.jointRotations[kJaw] = rotation(20, Vec3f::UnitX());
  std::vector<Vec3f> positions;
  sf::PosedSkeleton skeleton;
  evaluator.evaluate(state, positions, &skeleton);

  const std::vector<Vec3f> rest = templateOf(model);
  const Vec3f pivot = model.joints[kJaw].restPosition;
  const Eigen::Matrix3f r = state.jointRotations[kJaw].toRotationMatrix();
  int moved = 0;
  for (std::size_t v = 0; v < rest.size(); ++v) {
    float jawWeight = 0.0f;
    for (int k = 0; k < 4; ++k) {
      if (model.skin.joints[v][k] == kJaw) {
        jawWeight += model.skin.weights[v][k];
      }
    }
    if (jawWeight == 0.0f) {
      QVERIFY(positions[v] == rest[v]);
      continue;
    }
    ++moved;
    const Vec3f rotated = r * (rest[v] - pivot) + pivot;
    VERIFY_NEAR(positions[v], (1.0f - jawWeight) * rest[v] + jawWeight * rotated, 1e-4f);
    QVERIFY((positions[v] - rest[v]).norm() > 1.0f);
  }
  QVERIFY(moved >= 10);
  // The jaw rotates about its own pivot; no other joint moves.
  for (int j = 0; j < 5; ++j) {
    VERIFY_NEAR(skeleton.positions[j], model.joints[j].restPosition, 1e-5f);
  }
  const std::vector<Eigen::Affine3f> transforms = evaluator.jointTransforms(state);
  QVERIFY(transforms[kJaw].isApprox(skeleton.worldFromRest[kJaw]));
  QVERIFY(transforms[kHead].isApprox(Eigen::Affine3f::Identity()));
}

void TestFaceEvaluator::parentRotationCarriesChildren() {
  const sf::FaceModel model = makeTestModel();
  const sf::FaceEvaluator evaluator = sf::FaceEvaluator::create(model);
  sf::FaceState state;
  state.jointRotations.assign(3, Eigen::Quaternionf::Identity());
  state.jointRotations[kNeck] = rotation(15, Vec3f(0, 0, 1));
  state.jointRotations[kJaw] = rotation(20, Vec3f::UnitX());
  std::vector<Vec3f> positions;
  sf::PosedSkeleton skeleton;
  evaluator.evaluate(state, positions, &skeleton);

  const Eigen::Matrix3f neck = state.jointRotations[kNeck].toRotationMatrix();
  const Eigen::Matrix3f jaw = state.jointRotations[kJaw].toRotationMatrix();
  const Vec3f neckPivot = model.joints[kNeck].restPosition;
  const Vec3f jawPivot = model.joints[kJaw].restPosition;
  const auto byNeck = [&](const Vec3f& p) { return Vec3f(neck * (p - neckPivot) + neckPivot); };

  // Children's pivots ride on the neck; the neck's own pivot stays.
  VERIFY_NEAR(skeleton.positions[kNeck], neckPivot, 1e-5f);
  for (const int j : {kHead, kJaw, kEyeLeft, kEyeRight}) {
    VERIFY_NEAR(skeleton.positions[j], byNeck(model.joints[j].restPosition), 1e-4f);
  }
  const std::vector<Vec3f> rest = templateOf(model);
  for (std::size_t v = 0; v < rest.size(); ++v) {
    if (model.skin.joints[v][0] == kHead && model.skin.weights[v][0] == 1.0f) {
      VERIFY_NEAR(positions[v], byNeck(rest[v]), 1e-4f);
    } else if (model.skin.joints[v][0] == kJaw && model.skin.weights[v][0] == 1.0f) {
      VERIFY_NEAR(positions[v], byNeck(jaw * (rest[v] - jawPivot) + jawPivot), 1e-4f);
    } else if (model.skin.joints[v][0] == kEyeLeft) {
      VERIFY_NEAR(positions[v], byNeck(rest[v]), 1e-4f);
    }
  }
}

void TestFaceEvaluator::jointPivotsFollowIdentity() {
  const sf::FaceModel model = makeTestModel();
  const sf::FaceEvaluator evaluator = sf::FaceEvaluator::create(model);
  sf::FaceState state;
  state.identity = {0.0f, 0.0f, 1.5f};
  state.jointRotations.assign(5, Eigen::Quaternionf::Identity());
  state.jointRotations[kEyeLeft] = rotation(30, Vec3f::UnitY());
  state.jointRotations[kEyeRight] = rotation(-25, Vec3f(1, 1, 0));
  std::vector<Vec3f> positions;
  sf::PosedSkeleton skeleton;
  evaluator.evaluate(state, positions, &skeleton);

  // The pivots moved by the mean offset of their eyeballs; the eyeballs turn in place, so
  // their centroids stay on the pivots.
  const std::vector<Vec3f> shaped =
      plusTarget(templateOf(model), model.identity[2], state.identity[2]);
  const std::array<std::pair<int, int>, 2> eyes = {
      {{kEyeLeft, kEyeLeftPart}, {kEyeRight, kEyeRightPart}}};
  for (const auto& [joint, part] : eyes) {
    const int first = model.parts[part].firstVertex;
    Vec3f centroid = Vec3f::Zero(), shapedCentroid = Vec3f::Zero();
    for (int i = 0; i < 6; ++i) {
      centroid += positions[first + i] / 6.0f;
      shapedCentroid += shaped[first + i] / 6.0f;
    }
    VERIFY_NEAR(skeleton.restPivots[joint], shapedCentroid, 1e-4f);
    VERIFY_NEAR(skeleton.positions[joint], shapedCentroid, 1e-4f);
    VERIFY_NEAR(centroid, shapedCentroid, 1e-4f);
    QVERIFY((skeleton.restPivots[joint] - model.joints[joint].restPosition).norm() > 4.0f);
    const Eigen::Matrix3f r = state.jointRotations[joint].toRotationMatrix();
    for (int i = 0; i < 6; ++i) {
      VERIFY_NEAR(positions[first + i], r * (shaped[first + i] - shapedCentroid) + shapedCentroid,
                  1e-4f);
    }
  }
  // Joints without anchors keep their pivots.
  VERIFY_NEAR(skeleton.restPivots[kJaw], model.joints[kJaw].restPosition, 0.0f);
}

void TestFaceEvaluator::badStateThrows_data() {
  QTest::addColumn<int>("identities");
  QTest::addColumn<int>("expressions");
  QTest::addColumn<int>("rotations");
  QTest::addColumn<bool>("nan");
  QTest::newRow("identity too long") << 4 << 0 << 0 << false;
  QTest::newRow("expression too long") << 0 << 4 << 0 << false;
  QTest::newRow("rotations too long") << 0 << 0 << 6 << false;
  QTest::newRow("not finite") << 3 << 0 << 0 << true;
}

void TestFaceEvaluator::badStateThrows() {
  QFETCH(int, identities);
  QFETCH(int, expressions);
  QFETCH(int, rotations);
  QFETCH(bool, nan);
  const sf::FaceEvaluator evaluator = sf::FaceEvaluator::create(makeTestModel());
  sf::FaceState state;
  state.identity.assign(identities, 0.1f);
  state.expression.assign(expressions, 0.1f);
  state.jointRotations.assign(rotations, Eigen::Quaternionf::Identity());
  if (nan) {
    state.identity[1] = std::numeric_limits<float>::quiet_NaN();
  }
  std::vector<Vec3f> positions;
  QVERIFY_THROWS_EXCEPTION(sf::Error, evaluator.evaluate(state, positions));
  QVERIFY_THROWS_EXCEPTION(sf::Error, evaluator.jointTransforms(state));
}

void TestFaceEvaluator::badModelThrows() {
  sf::FaceModel model = makeTestModel();
  model.expressions[1].vertices.back() = 1000;
  QVERIFY_THROWS_EXCEPTION(sf::Error, sf::FaceEvaluator::create(model));
  model = makeTestModel();
  model.correctives[0].drivers = {0, 3};
  QVERIFY_THROWS_EXCEPTION(sf::Error, sf::FaceEvaluator::create(model));
  model = makeTestModel();
  model.skin.weights.pop_back();
  QVERIFY_THROWS_EXCEPTION(sf::Error, sf::FaceEvaluator::create(model));
}

void TestFaceEvaluator::cubeCornersReachKnownLimit() {
  // A cube with corners at +-1. Catmull-Clark's limit of a vertex of valence n is
  // (n^2 v + 4 sum(edge neighbours) + sum(face-opposite vertices)) / (n (n + 5)), computed
  // here from the topology (Halstead et al. 1993).
  const sf::PolyMesh cube = makeCube(1, 1.0f);
  QCOMPARE(cube.vertexCount(), 8);
  const sf::SubdivisionSurface surface = sf::SubdivisionSurface::create(cube, 1);
  const std::vector<std::vector<int>> faces = facesOf(cube);
  for (int f = 0; f < 6; ++f) {
    for (int k = 0; k < 4; ++k) {
      const int v = faces[f][k];
      Vec3f edgeSum = Vec3f::Zero(), faceSum = Vec3f::Zero();
      int valence = 0;
      for (const std::vector<int>& face : faces) {
        for (int i = 0; i < 4; ++i) {
          if (face[i] == v) {
            edgeSum += cube.positions[face[(i + 1) % 4]];  // each edge once, via its next
            faceSum += cube.positions[face[(i + 2) % 4]];
            ++valence;
          }
        }
      }
      const float n = static_cast<float>(valence);
      const Vec3f expected =
          (n * n * cube.positions[v] + 4.0f * edgeSum + faceSum) / (n * (n + 5.0f));
      VERIFY_NEAR(expected, 0.5f * cube.positions[v], 1e-6f);  // corners at +-1/2
      const Vec2f uv = edgePoint(4, k, 0.0f);
      Vec3f normal;
      VERIFY_NEAR(surface.limitPoint(cube.positions, f, uv, &normal), expected, 1e-5f);
      VERIFY_NEAR(normal, cube.positions[v].normalized(), 1e-4f);  // by symmetry
    }
    // The face centre's limit lies on the face's axis, strictly inside the hull.
    const Vec3f centre = surface.limitPoint(cube.positions, f, Vec2f(0.5f, 0.5f));
    Vec3f axis = Vec3f::Zero();
    for (const int v : faces[f]) {
      axis += cube.positions[v] / 4.0f;
    }
    QVERIFY(std::abs(centre.dot(axis)) < 1.0f);
    VERIFY_NEAR(centre, centre.dot(axis) * axis, 1e-5f);
  }
  // Uniform refinement converges to the same corner.
  const sf::SubdivisionSurface fine = sf::SubdivisionSurface::create(cube, 6);
  std::vector<Vec3f> refined;
  fine.refinePositions(cube.positions, refined);
  QVERIFY(nearestDistance(Vec3f(0.5f, 0.5f, 0.5f), refined) < 1e-3f);
}

void TestFaceEvaluator::refinedCountsFollowFormula_data() {
  QTest::addColumn<sf::PolyMesh>("mesh");
  QTest::addColumn<int>("level");
  QTest::addColumn<int>("faces");
  // Closed meshes: F_L quads, and Euler's V - E + F = 2 with E = 2 F gives V = F + 2.
  // A cube: F_L = 6 * 4^L. An octahedron: 24 quads at level 1, F_L = 24 * 4^(L-1).
  for (int level = 1; level <= 3; ++level) {
    const int power = 1 << (2 * level);
    QTest::addRow("cube level %d", level) << makeCube(1, 1.0f) << level << 6 * power;
    QTest::addRow("cube3 level %d", level) << makeCube(3, 1.0f) << level << 54 * power;
    QTest::addRow("octahedron level %d", level)
        << makeOctahedron(1.0f, Vec3f::Zero()) << level << 6 * power;
  }
  QTest::addRow("level 0 keeps the mesh") << makeOctahedron(1.0f, Vec3f::Zero()) << 0 << 8;
}

void TestFaceEvaluator::refinedCountsFollowFormula() {
  QFETCH(sf::PolyMesh, mesh);
  QFETCH(int, level);
  QFETCH(int, faces);
  const sf::SubdivisionSurface surface = sf::SubdivisionSurface::create(mesh, level);
  const sf::PolyMesh refined = surface.refine(mesh.positions);
  QCOMPARE(refined.faceCount(), faces);
  QCOMPARE(refined.vertexCount(), level == 0 ? mesh.vertexCount() : faces + 2);
  if (level > 0) {
    QVERIFY(std::all_of(refined.faceSizes.begin(), refined.faceSizes.end(),
                        [](int size) { return size == 4; }));
  }
  // Every control face has its share of the refined faces.
  const std::vector<int>& parents = surface.refinedFaceParents();
  QCOMPARE(static_cast<int>(parents.size()), faces);
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const int children = static_cast<int>(std::count(parents.begin(), parents.end(), f));
    const int expected =
        level == 0 ? 1 : (mesh.faceSizes[f] == 4 ? 1 << (2 * level) : 3 << (2 * (level - 1)));
    QCOMPARE(children, expected);
  }
}

void TestFaceEvaluator::refinedUvsStayInCharts() {
  // Each refined face's UVs stay inside its control face's chart (the UV seams hold).
  const sf::PolyMesh cube = makeCube(2, 1.0f);
  const sf::SubdivisionSurface surface = sf::SubdivisionSurface::create(cube, 2);
  const sf::PolyMesh refined = surface.refine(cube.positions);
  QCOMPARE(refined.uvIndices.size(), refined.faceIndices.size());
  const std::vector<int>& parents = surface.refinedFaceParents();
  for (int f = 0; f < refined.faceCount(); ++f) {
    const int side = parents[f] / 4;  // 4 control faces per side
    for (int k = 0; k < 4; ++k) {
      const Vec2f uv = refined.uvs[refined.uvIndices[4 * f + k]];
      QVERIFY(uv.x() >= side / 6.0f - 1e-6f && uv.x() <= (side + 1) / 6.0f + 1e-6f);
    }
  }
}

void TestFaceEvaluator::limitPointsMatchRefinedLimitVertices_data() {
  QTest::addColumn<sf::PolyMesh>("mesh");
  QTest::addColumn<int>("face");
  QTest::addColumn<Vec2f>("uv");
  // Points on the level-2 grid of each control face are refined vertices; their limits must
  // match the refined vertices' exact limit positions.
  const sf::PolyMesh cube = makeCube(2, 1.0f);
  for (const Vec2f& uv : {Vec2f(0, 0), Vec2f(1, 0), Vec2f(0.5f, 0.5f), Vec2f(0.25f, 0.75f),
                          Vec2f(0.75f, 0), Vec2f(1, 0.5f)}) {
    for (const int face : {0, 5, 13}) {
      QTest::addRow("cube face %d (%g, %g)", face, uv.x(), uv.y()) << cube << face << uv;
    }
  }
  // In a triangle: corners, edge midpoints, centre, and its sub-faces' grid points
  // (sub-face (0.5, 0) is 1/4 along the edge; its centre has b1 = b2 = 5/24).
  const sf::PolyMesh octahedron = makeOctahedron(1.0f, Vec3f(0.1f, 0.2f, 0.3f));
  for (const Vec2f& uv : {Vec2f(0, 0), Vec2f(1, 0), Vec2f(0, 1), Vec2f(0.5f, 0), Vec2f(0.5f, 0.5f),
                          Vec2f(1.0f / 3, 1.0f / 3), Vec2f(0.25f, 0), Vec2f(5.0f / 24, 5.0f / 24),
                          Vec2f(0.75f, 0.25f), Vec2f(7.0f / 12, 5.0f / 24)}) {
    QTest::addRow("octahedron (%g, %g)", uv.x(), uv.y()) << octahedron << 3 << uv;
  }
}

void TestFaceEvaluator::limitPointsMatchRefinedLimitVertices() {
  QFETCH(sf::PolyMesh, mesh);
  QFETCH(int, face);
  QFETCH(Vec2f, uv);
  // Squash the mesh so nothing is symmetric by accident.
  for (Vec3f& p : mesh.positions) {
    p = Vec3f(1.3f * p.x() + 0.2f * p.y(), 0.8f * p.y(), p.z() + 0.1f * p.x() * p.x());
  }
  const sf::SubdivisionSurface surface = sf::SubdivisionSurface::create(mesh, 2);
  std::vector<Vec3f> limits;
  surface.refinedLimitPositions(mesh.positions, limits);
  const Vec3f point = surface.limitPoint(mesh.positions, face, uv);
  QVERIFY2(nearestDistance(point, limits) < 1e-5f, describe(point));
}

void TestFaceEvaluator::sharedEdgesAgree_data() {
  QTest::addColumn<sf::PolyMesh>("mesh");
  QTest::addColumn<float>("t");
  QTest::newRow("cube") << makeCube(2, 1.0f) << 0.3f;
  QTest::newRow("octahedron") << makeOctahedron(1.0f, Vec3f::Zero()) << 0.3f;
  QTest::newRow("octahedron near corner") << makeOctahedron(1.0f, Vec3f::Zero()) << 0.1f;
  // A cube with one side split into triangles: quads meet triangles.
  sf::PolyMesh mixed = makeCube(2, 1.0f);
  sf::PolyMesh split;
  split.positions = mixed.positions;
  const std::vector<std::vector<int>> faces = facesOf(mixed);
  for (std::size_t f = 0; f < faces.size(); ++f) {
    const std::vector<int>& c = faces[f];
    if (f < 4) {
      split.faceSizes.insert(split.faceSizes.end(), {3, 3});
      split.faceIndices.insert(split.faceIndices.end(), {c[0], c[1], c[2], c[0], c[2], c[3]});
    } else {
      split.faceSizes.push_back(4);
      split.faceIndices.insert(split.faceIndices.end(), c.begin(), c.end());
    }
  }
  QTest::newRow("mixed") << split << 0.3f;
}

void TestFaceEvaluator::sharedEdgesAgree() {
  // The surface is one continuous surface: a point on a shared edge, named from either
  // face in its own (u, v) convention, is the same limit point. This pins down the
  // orientation of the quad and triangle parameterisations.
  QFETCH(sf::PolyMesh, mesh);
  QFETCH(float, t);
  for (Vec3f& p : mesh.positions) {
    p = Vec3f(p.x() + 0.3f * p.y() * p.z(), 1.2f * p.y(), p.z() - 0.2f * p.x());
  }
  const sf::SubdivisionSurface surface = sf::SubdivisionSurface::create(mesh, 1);
  const std::vector<std::vector<int>> faces = facesOf(mesh);
  int edges = 0;
  for (std::size_t f = 0; f < faces.size(); ++f) {
    const int size = static_cast<int>(faces[f].size());
    for (int k = 0; k < size; ++k) {
      const int a = faces[f][k], b = faces[f][(k + 1) % size];
      // The neighbour runs the edge b -> a.
      for (std::size_t g = 0; g < faces.size(); ++g) {
        const int other = static_cast<int>(faces[g].size());
        for (int m = 0; m < other; ++m) {
          if (faces[g][m] == b && faces[g][(m + 1) % other] == a) {
            const Vec3f here =
                surface.limitPoint(mesh.positions, static_cast<int>(f), edgePoint(size, k, t));
            const Vec3f there = surface.limitPoint(mesh.positions, static_cast<int>(g),
                                                   edgePoint(other, m, 1.0f - t));
            VERIFY_NEAR(here, there, 1e-5f);
            ++edges;
          }
        }
      }
    }
  }
  QVERIFY(edges > 0);
  QCOMPARE(static_cast<std::size_t>(edges), mesh.faceIndices.size());  // closed: all shared
}

void TestFaceEvaluator::flatGridLimitIsBilinear() {
  // On a flat regular grid the limit surface is the plane itself, parameterised linearly:
  // an interior face's (u, v) lands where bilinear interpolation of its corners says.
  sf::PolyMesh grid = makeGrid(6);
  const sf::SubdivisionSurface surface = sf::SubdivisionSurface::create(grid, 2);
  const std::vector<std::vector<int>> faces = facesOf(grid);
  for (const int face : {7, 14, 21, 28}) {
    const std::vector<int>& c = faces[face];
    for (const Vec2f& uv : {Vec2f(0.2f, 0.7f), Vec2f(0.9f, 0.1f), Vec2f(0.5f, 0.5f)}) {
      const float u = uv.x(), v = uv.y();
      const Vec3f bilinear = (1 - u) * (1 - v) * grid.positions[c[0]] +
                             u * (1 - v) * grid.positions[c[1]] + u * v * grid.positions[c[2]] +
                             (1 - u) * v * grid.positions[c[3]];
      Vec3f normal;
      VERIFY_NEAR(surface.limitPoint(grid.positions, face, uv, &normal), bilinear, 1e-5f);
      VERIFY_NEAR(normal, Vec3f::UnitZ(), 1e-5f);
    }
  }
}

void TestFaceEvaluator::limitNormalsPointOutward() {
  const sf::PolyMesh cube = makeCube(2, 1.0f);
  const sf::SubdivisionSurface surface = sf::SubdivisionSurface::create(cube, 2);
  std::vector<Vec3f> positions, normals;
  surface.refinedLimitPositions(cube.positions, positions, &normals);
  QCOMPARE(normals.size(), positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    QVERIFY(std::abs(normals[i].norm() - 1.0f) < 1e-4f);
    QVERIFY(normals[i].dot(positions[i].normalized()) > 0.5f);
  }
  const std::vector<sf::SurfacePoint> points = {{0, Vec2f(0.3f, 0.6f)}, {9, Vec2f(0.9f, 0.2f)}};
  surface.limitPoints(cube.positions, points, positions, &normals);
  QCOMPARE(positions.size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    QVERIFY(normals[i].dot(positions[i].normalized()) > 0.5f);
  }
}

void TestFaceEvaluator::limitPointLiesOnFineRefinement() {
  // A limit point lies on the refined surface, closer the finer the refinement.
  sf::PolyMesh mesh = makeCube(2, 1.0f);
  for (Vec3f& p : mesh.positions) {
    p = Vec3f(p.x() * (1.0f + 0.3f * p.y()), p.y(), p.z() + 0.2f * p.x());
  }
  const sf::SubdivisionSurface coarse = sf::SubdivisionSurface::create(mesh, 2);
  const sf::SubdivisionSurface fine = sf::SubdivisionSurface::create(mesh, 5);
  const sf::PolyMesh coarseMesh = coarse.refine(mesh.positions);
  const sf::PolyMesh fineMesh = fine.refine(mesh.positions);
  const std::array<sf::SurfacePoint, 3> points = {
      {{0, Vec2f(0.3137f, 0.7071f)}, {6, Vec2f(0.0123f, 0.0456f)}, {17, Vec2f(0.61f, 0.29f)}}};
  for (const auto& [face, uv] : points) {
    const Vec3f point = fine.limitPoint(mesh.positions, face, uv);
    VERIFY_NEAR(coarse.limitPoint(mesh.positions, face, uv), point, 0.0f);  // any level
    const float coarseDistance = distanceToMesh(point, coarseMesh);
    const float fineDistance = distanceToMesh(point, fineMesh);
    QVERIFY2(fineDistance < 2e-3f, QByteArray::number(fineDistance));
    QVERIFY(fineDistance < coarseDistance || coarseDistance < 1e-5f);
  }
}

void TestFaceEvaluator::badSurfaceInputThrows() {
  sf::PolyMesh mesh = makeCube(1, 1.0f);
  mesh.faceIndices[5] = 8;
  QVERIFY_THROWS_EXCEPTION(sf::Error, sf::SubdivisionSurface::create(mesh, 1));
  mesh = makeCube(1, 1.0f);
  QVERIFY_THROWS_EXCEPTION(sf::Error, sf::SubdivisionSurface::create(mesh, 9));
  const sf::SubdivisionSurface surface = sf::SubdivisionSurface::create(mesh, 1);
  QVERIFY_THROWS_EXCEPTION(sf::Error, surface.limitPoint(mesh.positions, 6, Vec2f(0, 0)));
  QVERIFY_THROWS_EXCEPTION(sf::Error, surface.limitPoint(mesh.positions, 0, Vec2f(1.5f, 0)));
  const std::vector<Vec3f> tooFew(mesh.positions.begin(), mesh.positions.end() - 1);
  QVERIFY_THROWS_EXCEPTION(sf::Error, surface.refine(tooFew));

  const sf::FaceModel model = makeTestModel();
  const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
  const sf::PosedFace posed = geometry.pose(sf::FaceState{});
  std::vector<sf::Landmark> bad = {model.landmarks[0]};
  bad[0].face = 96;
  QVERIFY_THROWS_EXCEPTION(
      sf::Error, sf::evaluateLandmarks(model.parts, geometry.surfaces(), posed.controlPositions,
                                       posed.skeleton, bad));
}

void TestFaceEvaluator::landmarksFollowIdentityAndExpression() {
  const sf::FaceModel model = makeTestModel();
  const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 2);
  const sf::PosedFace rest = geometry.pose(sf::FaceState{});
  QCOMPARE(rest.landmarks.size(), std::size_t{70});
  QCOMPARE(rest.denseLandmarks.size(), std::size_t{16});

  // The limit surface is affine invariant: shifting the skin shifts its landmarks by the
  // same amount, scaling its depth scales theirs; the pupils stay.
  sf::FaceState shifted;
  shifted.identity = {1.0f};
  const sf::PosedFace moved = geometry.pose(shifted);
  sf::FaceState deeper;
  deeper.identity = {0.0f, 1.0f};
  const sf::PosedFace deep = geometry.pose(deeper);
  for (int i = 0; i < 68; ++i) {
    VERIFY_NEAR(moved.landmarks[i], rest.landmarks[i] + Vec3f(2, 0, 0), 1e-4f);
    const Vec3f r = rest.landmarks[i];
    VERIFY_NEAR(deep.landmarks[i], Vec3f(r.x(), r.y(), 1.1f * r.z()), 1e-4f);
    // Each landmark is on its face's limit surface: inside the cube, near its side.
    QVERIFY(r.cwiseAbs().maxCoeff() <= 50.001f && r.cwiseAbs().maxCoeff() > 40.0f);
  }
  for (int i = 68; i < 70; ++i) {
    VERIFY_NEAR(moved.landmarks[i], rest.landmarks[i], 1e-5f);
  }

  // Blinking moves the left eye down by 1: its dense landmarks follow, the right eye's not.
  sf::FaceState blink;
  blink.expression = {0.0f, 0.0f, 1.0f};
  const sf::PosedFace blinked = geometry.pose(blink);
  for (int i = 0; i < 16; ++i) {
    const Vec3f expected = rest.denseLandmarks[i] - (i < 8 ? Vec3f(0, 1, 0) : Vec3f::Zero());
    VERIFY_NEAR(blinked.denseLandmarks[i], expected, 1e-4f);
  }

  // A smile moves the front landmarks on the limit surface by the smile's (smoothed) delta.
  sf::FaceState smile;
  smile.expression = {0.0f, 1.0f};
  const sf::PosedFace smiling = geometry.pose(smile);
  const sf::SubdivisionSurface& skin = *geometry.surfaces()[kSkin];
  const std::span<const Vec3f> skinControl(smiling.controlPositions.data(), 98);
  for (int i = 0; i < 68; ++i) {
    const sf::Landmark& landmark = model.landmarks[i];
    VERIFY_NEAR(smiling.landmarks[i], skin.limitPoint(skinControl, landmark.face, landmark.uv),
                0.0f);
  }
  // The unrefined right eye's landmarks interpolate its control face (barycentric).
  const std::vector<std::vector<int>> eyeFaces = facesOf(model.parts[kEyeRightPart].mesh);
  const int eyeFirst = model.parts[kEyeRightPart].firstVertex;
  for (int face = 0; face < 8; ++face) {
    const std::vector<int>& c = eyeFaces[face];
    const auto& x = rest.controlPositions;
    const Vec3f expected =
        0.5f * x[eyeFirst + c[0]] + 0.2f * x[eyeFirst + c[1]] + 0.3f * x[eyeFirst + c[2]];
    VERIFY_NEAR(rest.denseLandmarks[8 + face], expected, 1e-5f);
  }
}

void TestFaceEvaluator::pupilsFollowEyeJoints() {
  const sf::FaceModel model = makeTestModel();
  const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
  sf::FaceState state;
  state.identity = {0.0f, 0.0f, 1.0f};
  state.jointRotations.assign(5, Eigen::Quaternionf::Identity());
  state.jointRotations[kEyeLeft] = rotation(20, Vec3f::UnitY());
  const sf::PosedFace posed = geometry.pose(state);
  const Eigen::Matrix3f r = state.jointRotations[kEyeLeft].toRotationMatrix();
  // The pupil sits 5 mm in front of the identity-shifted pivot, turned with the eye.
  const Vec3f pivot = posed.skeleton.restPivots[kEyeLeft];
  VERIFY_NEAR(posed.landmarks[68], pivot + r * Vec3f(0, 0, 5), 1e-4f);
  VERIFY_NEAR(posed.landmarks[69], posed.skeleton.restPivots[kEyeRight] + Vec3f(0, 0, 5), 1e-4f);
  QVERIFY((pivot - model.joints[kEyeLeft].restPosition).norm() > 3.0f);
}

void TestFaceEvaluator::poseGivesMeshesPerPart() {
  const sf::FaceModel model = makeTestModel();
  for (const sf::RefinedVertices vertices :
       {sf::RefinedVertices::Refined, sf::RefinedVertices::Limit}) {
    const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 2, vertices);
    const sf::PosedFace posed = geometry.pose(sf::FaceState{});
    QCOMPARE(posed.parts.size(), std::size_t{3});
    QCOMPARE(posed.parts[kSkin].faceCount(), 96 * 16);
    QCOMPARE(posed.parts[kSkin].vertexCount(), 96 * 16 + 2);
    QCOMPARE(posed.parts[kEyeLeftPart].faceCount(), 8 * 3 * 4);
    QVERIFY(posed.parts[kEyeRightPart] == model.parts[kEyeRightPart].mesh);  // not refined
    for (int part = 0; part < 3; ++part) {
      QCOMPARE(static_cast<int>(geometry.faceParents(part).size()), posed.parts[part].faceCount());
    }
    QVERIFY(!geometry.surfaces()[kEyeRightPart].has_value());
  }
}

QTEST_GUILESS_MAIN(TestFaceEvaluator)
#include "test_face_evaluator.moc"
