// Tests of the MakeHuman readers and of the hm08 head imported as a face model. The data is
// third-party test input under ../shared/thirdparty/makehuman, never copied into the
// repository; without it the tests that need it skip.
//
// Set SF_MAKEHUMAN_SFM=/path/model.sfm to also write the imported model there, with 70
// placeholder landmarks, to look at it: `synthface model export model.sfm --targets none
// --level 0 --out model.obj`.

#include "face/face_model.h"
#include "face/face_model_io.h"
#include "face/io/makehuman.h"
#include "util/error.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

fs::path dataDir() {
  return fs::path(SF_SOURCE_DIR "/../shared/thirdparty/makehuman") / "data";
}

/// The model with 70 placeholder landmarks (on the head joint), so that it can be validated
/// and written before registration places the real ones.
sf::FaceModel withPlaceholderLandmarks(sf::FaceModel model) {
  model.landmarks.clear();
  for (int i = 0; i < 70; ++i) {
    sf::Landmark landmark;
    landmark.name = "placeholder_" + std::to_string(i);
    landmark.kind = sf::Landmark::Kind::Joint;
    landmark.joint = model.findJoint("head");
    model.landmarks.push_back(landmark);
  }
  return model;
}

const sf::FacePart& part(const sf::FaceModel& model, const std::string& name) {
  const int index = model.findPart(name);
  if (index < 0) {
    qFatal("no part '%s'", name.c_str());
  }
  return model.parts[static_cast<std::size_t>(index)];
}

float largestOffset(const sf::MorphTarget& target) {
  float largest = 0;
  for (const sf::Vec3f& d : target.deltas) {
    largest = std::max(largest, d.norm());
  }
  return largest;
}

/// The offset of a global vertex in a target, or zero.
sf::Vec3f offsetOf(const sf::MorphTarget& target, int vertex) {
  const auto it = std::lower_bound(target.vertices.begin(), target.vertices.end(), vertex);
  return it != target.vertices.end() && *it == vertex
             ? target.deltas[static_cast<std::size_t>(it - target.vertices.begin())]
             : sf::Vec3f::Zero();
}

bool movesPart(const sf::MorphTarget& target, const sf::FacePart& part) {
  for (std::size_t k = 0; k < target.vertices.size(); ++k) {
    const int v = target.vertices[k];
    if (v >= part.firstVertex && v < part.firstVertex + part.mesh.vertexCount() &&
        target.deltas[k].norm() > 0.1f) {
      return true;
    }
  }
  return false;
}

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

class TestMakeHumanImport : public QObject {
  Q_OBJECT

private slots:
  void initTestCase();
  void baseMeshCounts();
  void identityModes();
  void twoSidedModeMatchesAntisymmetricSlider();
  void modesKeepTheOrigin();
  void expressions();
  void joints();
  void skinWeights();
  void parts();
  void eyesLookForwardWithAHumanIris();
  void morphsMoveTheProxies();
  void everyModeMovesSomething();
  void validatesWithLandmarks();
  void badInput_data();
  void badInput();

private:
  bool m_haveData = false;
  sf::FaceModel m_model;
  std::vector<std::string> m_progress;
};

void TestMakeHumanImport::initTestCase() {
  m_haveData = fs::is_directory(dataDir() / "3dobjs");
  if (!m_haveData) {
    return;  // the tests that need the data skip one by one; badInput runs anyway
  }
  QElapsedTimer timer;
  timer.start();
  sf::MakeHumanImportOptions options;
  options.progress = [&](std::string_view line) { m_progress.emplace_back(line); };
  m_model = sf::importMakeHuman(dataDir(), options);
  qInfo("imported MakeHuman hm08 in %lld ms: %d vertices, %zu identity modes, %zu expressions",
        static_cast<long long>(timer.elapsed()), m_model.vertexCount(), m_model.identity.size(),
        m_model.expressions.size());
  for (const std::string& line : m_progress) {
    if (line.starts_with("note:")) {
      qInfo("%s", line.c_str());
    }
  }
  if (const char* out = std::getenv("SF_MAKEHUMAN_SFM")) {
    sf::writeFaceModel(withPlaceholderLandmarks(m_model), out);
    qInfo("wrote %s", out);
  }
}

#define REQUIRE_DATA()                                                               \
  do {                                                                               \
    if (!m_haveData) {                                                               \
      QSKIP(qPrintable("MakeHuman test data not found at " +                         \
                       QString::fromStdString(dataDir().string()) +                  \
                       " (../shared/thirdparty/makehuman beside the source tree)")); \
    }                                                                                \
  } while (false)

void TestMakeHumanImport::baseMeshCounts() {
  REQUIRE_DATA();
  const sf::MhObj base = sf::readMhObj(dataDir() / "3dobjs/base.obj");
  QCOMPARE(base.vertexCount(), 19158);
  QCOMPARE(base.uvs.size(), std::size_t{21334});
  QCOMPARE(base.faceCount(), 18486);
  QCOMPARE(base.groups.size(), std::size_t{139});
  QVERIFY(std::all_of(base.faceSizes.begin(), base.faceSizes.end(), [](int n) { return n == 4; }));
  QCOMPARE(base.uvIndices.size(), base.faceIndices.size());
  // Kept as written: v line 298 is the nose tip, vertex 297 (README).
  QVERIFY(std::abs(base.positions[297].z() - 1.68) < 0.01);
  // The progress lines counted every target read.
  QVERIFY(std::find(m_progress.begin(), m_progress.end(), "reading targets 331/331") !=
          m_progress.end());
}

void TestMakeHumanImport::identityModes() {
  REQUIRE_DATA();
  // One mode per modifier of the ten head groups: head has 10 two-sided modifiers and 7
  // single shapes, the other nine groups 129 two-sided ones (forehead 4, eyebrows 3, neck
  // 8, eyes 34, nose 21, mouth 22, ears 22, chin 7, cheek 8): 146. Their 285 files are all
  // shipped (chin-triangle.target is in no modifier). Plus 4 macro modes.
  const std::vector<sf::MhModifier> modifiers =
      sf::readMhModifiers(dataDir() / "modifiers/modeling_modifiers.json");
  const std::vector<std::string> groups = {"head",  "forehead", "eyebrows", "eyes",  "nose",
                                           "mouth", "ears",     "chin",     "cheek", "neck"};
  int twoSided = 0, single = 0;
  for (const sf::MhModifier& modifier : modifiers) {
    if (std::find(groups.begin(), groups.end(), modifier.group) != groups.end()) {
      ++(modifier.twoSided() ? twoSided : single);
    }
  }
  QCOMPARE(twoSided, 139);
  QCOMPARE(single, 7);
  QCOMPARE(m_model.identity.size(), std::size_t{146 + 4});
  for (const char* name :
       {"head_age", "head_oval", "nose_trans_up", "eye_bag_out_left", "ear_shape_round_right",
        "masculinity", "age", "body_weight", "muscle_tone"}) {
    QVERIFY2(m_model.findIdentity(name) >= 0, name);
  }
  const sf::MorphTarget& nose =
      m_model.identity[static_cast<std::size_t>(m_model.findIdentity("nose_trans_up"))];
  QCOMPARE(nose.group, std::string("nose"));
  QCOMPARE(m_model.identity[static_cast<std::size_t>(m_model.findIdentity("chin_width"))].group,
           std::string("jaw"));
}

/// Where hm08 vertices went in the imported model's skin: the documented origin (between
/// the centroids of the pinnae that the ear-wing targets move) and a search by position.
class Hm08Skin {
public:
  explicit Hm08Skin(const sf::FaceModel& model) : m_skin(part(model, "skin")) {
    m_base = sf::readMhObj(dataDir() / "3dobjs/base.obj");
    for (const char* side : {"l", "r"}) {
      const sf::MhTarget wing = sf::readMhTarget(
          dataDir() / "targets/ears" / (std::string(side) + "-ear-wing-incr.target"), 19158);
      Eigen::Vector3d sum = Eigen::Vector3d::Zero();
      for (const int v : wing.vertices) {
        sum += m_base.positions[static_cast<std::size_t>(v)];
      }
      m_origin += 50.0 * sum / static_cast<double>(wing.vertices.size());
      m_pinnae.push_back(wing.vertices);
    }
  }

  /// The skin vertex of an hm08 vertex, or -1 when the cut dropped it.
  int vertex(int hm08) const {
    const sf::Vec3f at =
        (100.0 * m_base.positions[static_cast<std::size_t>(hm08)] - m_origin).cast<float>();
    for (int v = 0; v < m_skin.mesh.vertexCount(); ++v) {
      if ((m_skin.mesh.positions[static_cast<std::size_t>(v)] - at).norm() < 1e-3f) {
        return v;
      }
    }
    return -1;
  }

  /// The skin vertices of the left and right pinna.
  std::vector<std::vector<int>> pinnae() const {
    std::vector<std::vector<int>> result;
    for (const std::vector<int>& pinna : m_pinnae) {
      result.emplace_back();
      for (const int hm08 : pinna) {
        result.back().push_back(vertex(hm08));
      }
    }
    return result;
  }

private:
  const sf::FacePart& m_skin;
  sf::MhObj m_base;
  Eigen::Vector3d m_origin = Eigen::Vector3d::Zero();
  std::vector<std::vector<int>> m_pinnae;
};

void TestMakeHumanImport::twoSidedModeMatchesAntisymmetricSlider() {
  REQUIRE_DATA();
  // l-ear-scale-vert's two files are exact negatives, so +4 SD is MakeHuman's slider at 1:
  // the max file's offsets, in millimetres, on the skin.
  const sf::MhTarget max =
      sf::readMhTarget(dataDir() / "targets/ears/l-ear-scale-vert-incr.target", 19158);
  const sf::MorphTarget& mode =
      m_model.identity[static_cast<std::size_t>(m_model.findIdentity("ear_scale_vert_left"))];
  const Hm08Skin skin(m_model);
  int checked = 0;
  for (std::size_t k = 0; k < max.vertices.size() && checked < 20; ++k) {
    const sf::Vec3f expected = (100.0 * max.deltas[k]).cast<float>();
    if (expected.norm() < 0.5f || max.vertices[k] >= 13380) {
      continue;
    }
    const int v = skin.vertex(max.vertices[k]);
    QVERIFY(v >= 0);
    QVERIFY((4.0f * offsetOf(mode, v) - expected).norm() < 1e-3f);
    ++checked;
  }
  QCOMPARE(checked, 20);
}

void TestMakeHumanImport::modesKeepTheOrigin() {
  REQUIRE_DATA();
  // MakeHuman's male target makes the body taller and its head translations move the head
  // over the shoulders; imported, they leave the point between the ears where it is.
  const Hm08Skin skin(m_model);
  const std::vector<std::vector<int>> pinnae = skin.pinnae();
  for (const char* name :
       {"masculinity", "age", "body_weight", "head_trans_up", "neck_scale_vert", "nose_trans_up"}) {
    const sf::MorphTarget& mode =
        m_model.identity[static_cast<std::size_t>(m_model.findIdentity(name))];
    sf::Vec3f shift = sf::Vec3f::Zero();
    for (const std::vector<int>& pinna : pinnae) {
      sf::Vec3f sum = sf::Vec3f::Zero();
      for (const int v : pinna) {
        QVERIFY(v >= 0);
        sum += offsetOf(mode, v);
      }
      shift += 0.5f * sum / static_cast<float>(pinna.size());
    }
    QVERIFY2(shift.norm() < 0.02f, qPrintable(QString("%1: %2").arg(name).arg(shift.norm())));
  }
  // Still, raising the head over the shoulders moves the shoulders down.
  const sf::MorphTarget& raise =
      m_model.identity[static_cast<std::size_t>(m_model.findIdentity("head_trans_up"))];
  QVERIFY(largestOffset(raise) > 1.0f);
  const sf::FacePart& skinPart = part(m_model, "skin");
  float shoulders = 0;
  for (std::size_t k = 0; k < raise.vertices.size(); ++k) {
    const int v = raise.vertices[k];
    if (v < skinPart.mesh.vertexCount() &&
        skinPart.mesh.positions[static_cast<std::size_t>(v)].y() < -200.0f) {
      shoulders = std::min(shoulders, raise.deltas[k].y());
    }
  }
  QVERIFY(shoulders < -1.0f);
}

void TestMakeHumanImport::expressions() {
  REQUIRE_DATA();
  QCOMPARE(m_model.expressions.size(), std::size_t{34});
  const sf::MorphTarget& blink =
      m_model.expressions[static_cast<std::size_t>(m_model.findExpression("eye-left-closure"))];
  QCOMPARE(blink.group, std::string("eyes"));
  QCOMPARE(blink.sigma, 1.0f);
  QCOMPARE(
      m_model.expressions[static_cast<std::size_t>(m_model.findExpression("mouth-open"))].group,
      std::string("mouth"));
  QCOMPARE(
      m_model.expressions[static_cast<std::size_t>(m_model.findExpression("eyebrows-right-down"))]
          .group,
      std::string("brows"));
}

void TestMakeHumanImport::joints() {
  REQUIRE_DATA();
  std::vector<std::string> names;
  for (const sf::Joint& joint : m_model.joints) {
    names.push_back(joint.name);
  }
  QCOMPARE(names,
           (std::vector<std::string>{"chest", "neck", "head", "jaw", "eye_right", "eye_left"}));
  auto at = [&](const char* name) {
    return m_model.joints[static_cast<std::size_t>(m_model.findJoint(name))].restPosition;
  };
  const float eyes = (at("eye_left") - at("eye_right")).norm();
  QVERIFY2(std::abs(eyes - 63.0f) < 8.0f, qPrintable(QString::number(eyes)));
  QVERIFY(at("eye_left").x() > 0);  // the subject's left is +x
  QVERIFY(at("head").y() > at("neck").y());
  QVERIFY(at("neck").y() > at("chest").y());
  QVERIFY(at("jaw").z() > at("head").z());
  QVERIFY(at("jaw").y() < at("head").y());
  // The origin is between the ears: the eyes sit a little above it and well in front.
  QVERIFY(at("eye_left").y() > 5.0f && at("eye_left").y() < 30.0f);
  QVERIFY(at("eye_left").z() > 55.0f && at("eye_left").z() < 95.0f);
  for (const char* eye : {"eye_right", "eye_left"}) {
    const sf::Joint& joint = m_model.joints[static_cast<std::size_t>(m_model.findJoint(eye))];
    QCOMPARE(joint.anchorVertices.size(),
             static_cast<std::size_t>(part(m_model, eye).mesh.vertexCount()));
    QCOMPARE(joint.anchorVertices.front(), part(m_model, eye).firstVertex);
  }
}

void TestMakeHumanImport::skinWeights() {
  REQUIRE_DATA();
  const auto count = static_cast<std::size_t>(m_model.vertexCount());
  QCOMPARE(m_model.skin.weights.size(), count);
  for (std::size_t v = 0; v < count; ++v) {
    float sum = 0;
    for (const float w : m_model.skin.weights[v]) {
      QVERIFY(w >= 0);
      sum += w;
    }
    QVERIFY2(std::abs(sum - 1.0f) < 1e-5f, qPrintable(QString::number(v)));
  }
  // Rigid parts ride on their joint.
  for (const auto& [name, joint] :
       {std::pair{"eye_left", "eye_left"}, std::pair{"cornea_right", "eye_right"},
        std::pair{"teeth_upper", "head"}, std::pair{"teeth_lower", "jaw"},
        std::pair{"tongue", "jaw"}}) {
    const sf::FacePart& p = part(m_model, name);
    const auto v = static_cast<std::size_t>(p.firstVertex + p.mesh.vertexCount() / 2);
    QCOMPARE(m_model.skin.joints[v][0], m_model.findJoint(joint));
    QCOMPARE(m_model.skin.weights[v][0], 1.0f);
  }
  // The skin: the chin goes with the jaw, the forehead with the head, the shoulders with
  // the chest.
  const sf::FacePart& skin = part(m_model, "skin");
  auto dominant = [&](const sf::Vec3f& target) {
    int best = 0;
    for (int v = 1; v < skin.mesh.vertexCount(); ++v) {
      if ((skin.mesh.positions[static_cast<std::size_t>(v)] - target).norm() <
          (skin.mesh.positions[static_cast<std::size_t>(best)] - target).norm()) {
        best = v;
      }
    }
    return m_model.skin.joints[static_cast<std::size_t>(best)][0];
  };
  const sf::Vec3f eye =
      m_model.joints[static_cast<std::size_t>(m_model.findJoint("eye_left"))].restPosition;
  QCOMPARE(dominant(sf::Vec3f(0, eye.y() - 95, eye.z() + 30)), m_model.findJoint("jaw"));
  QCOMPARE(dominant(sf::Vec3f(0, eye.y() + 45, eye.z() + 40)), m_model.findJoint("head"));
  QCOMPARE(dominant(sf::Vec3f(150, -220, 0)), m_model.findJoint("chest"));
}

void TestMakeHumanImport::parts() {
  REQUIRE_DATA();
  std::vector<std::string> names;
  for (const sf::FacePart& p : m_model.parts) {
    names.push_back(p.name);
  }
  QCOMPARE(names,
           (std::vector<std::string>{"skin", "eye_right", "eye_left", "cornea_right", "cornea_left",
                                     "teeth_upper", "teeth_lower", "tongue"}));
  const sf::FacePart& skin = part(m_model, "skin");
  QCOMPARE(skin.mesh.vertexCount(), 4900);
  QCOMPARE(skin.mesh.faceCount(), 4854);
  QCOMPARE(skin.mesh.uvIndices.size(), skin.mesh.faceIndices.size());
  // The eyes proxy: 1064 vertices, an eyeball (276) and a cornea shell (256) per eye.
  QCOMPARE(part(m_model, "eye_right").mesh.vertexCount(), 276);
  QCOMPARE(part(m_model, "eye_left").mesh.vertexCount(), 276);
  QCOMPARE(part(m_model, "cornea_right").mesh.vertexCount(), 256);
  QCOMPARE(part(m_model, "cornea_left").mesh.vertexCount(), 256);
  QCOMPARE(part(m_model, "eye_left").material, sf::PartMaterial::Sclera);
  QCOMPARE(part(m_model, "cornea_left").material, sf::PartMaterial::Cornea);
  QCOMPARE(part(m_model, "eye_left").faceClass.front(), sf::LabelClass::LeftEye);
  QCOMPARE(part(m_model, "cornea_right").faceClass.front(), sf::LabelClass::RightEye);
  // The teeth proxy's 3868 vertices: 16 teeth of 63 vertices and a gum per jaw, the gums
  // joined at the back by a few vertices that both parts copy.
  const int upper = part(m_model, "teeth_upper").mesh.vertexCount();
  const int lower = part(m_model, "teeth_lower").mesh.vertexCount();
  QCOMPARE(upper, 2002);
  QCOMPARE(lower, 1886);
  QCOMPARE(upper + lower - 3868, 20);
  QCOMPARE(part(m_model, "tongue").mesh.vertexCount(), 226);
  QCOMPARE(part(m_model, "tongue").faceClass.front(), sf::LabelClass::MouthInterior);
  QCOMPARE(part(m_model, "teeth_lower").material, sf::PartMaterial::Teeth);
  QCOMPARE(part(m_model, "tongue").material, sf::PartMaterial::Tongue);
  // The lower teeth sit below the upper, both behind the lips and in front of the tongue's
  // root.
  auto mean = [](const sf::FacePart& p) {
    sf::Vec3f sum = sf::Vec3f::Zero();
    for (const sf::Vec3f& q : p.mesh.positions) {
      sum += q;
    }
    return sf::Vec3f(sum / static_cast<float>(p.mesh.vertexCount()));
  };
  QVERIFY(mean(part(m_model, "teeth_lower")).y() < mean(part(m_model, "teeth_upper")).y());
  float skinFront = -1e9f;
  for (const sf::Vec3f& p : skin.mesh.positions) {
    skinFront = std::max(skinFront, p.z());
  }
  for (const char* name : {"teeth_upper", "teeth_lower", "tongue"}) {
    for (const sf::Vec3f& p : part(m_model, name).mesh.positions) {
      QVERIFY(p.z() < skinFront - 5.0f);
    }
  }
  // The cut: a bust down to the shoulders, like the built-in head.
  float lowest = 1e9f, widest = 0;
  for (const sf::Vec3f& p : skin.mesh.positions) {
    lowest = std::min(lowest, p.y());
    widest = std::max(widest, std::abs(p.x()));
  }
  QVERIFY2(lowest > -320.0f && lowest < -260.0f, qPrintable(QString::number(lowest)));
  QVERIFY2(widest > 200.0f && widest < 250.0f, qPrintable(QString::number(widest)));
}

void TestMakeHumanImport::eyesLookForwardWithAHumanIris() {
  REQUIRE_DATA();
  for (const char* name : {"eye_right", "eye_left"}) {
    const sf::FacePart& eye = part(m_model, name);
    const sf::Vec3f center =
        m_model.joints[static_cast<std::size_t>(m_model.findJoint(name))].restPosition;
    // Where v crosses 0.34 along the faces' edges is the rim of the painted iris: it should
    // be a circle about 11.7 mm across, at the front of the eye.
    const std::vector<int> offsets = eye.mesh.faceOffsets();
    double sum = 0, lowest = 1e9, highest = 0;
    int crossings = 0;
    for (int f = 0; f < eye.mesh.faceCount(); ++f) {
      const int size = eye.mesh.faceSizes[static_cast<std::size_t>(f)];
      for (int k = 0; k < size; ++k) {
        const auto a = static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + k);
        const auto b =
            static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + (k + 1) % size);
        const float va = eye.mesh.uvs[static_cast<std::size_t>(eye.mesh.uvIndices[a])].y();
        const float vb = eye.mesh.uvs[static_cast<std::size_t>(eye.mesh.uvIndices[b])].y();
        QVERIFY(va >= 0 && va <= 1);
        if ((va <= 0.34f) == (vb <= 0.34f)) {
          continue;
        }
        const float t = (0.34f - va) / (vb - va);
        const sf::Vec3f p =
            (1 - t) * eye.mesh.positions[static_cast<std::size_t>(eye.mesh.faceIndices[a])] +
            t * eye.mesh.positions[static_cast<std::size_t>(eye.mesh.faceIndices[b])] - center;
        QVERIFY(p.z() > 10.0f);  // forward
        const double radius = std::hypot(p.x(), p.y());
        sum += radius;
        lowest = std::min(lowest, radius);
        highest = std::max(highest, radius);
        ++crossings;
      }
    }
    QVERIFY(crossings > 20);
    const double diameter = 2 * sum / crossings;
    QVERIFY2(std::abs(diameter - 11.7) < 0.6, qPrintable(QString::number(diameter)));
    // Round, as far as a coarse mesh allows: about a millimetre either way.
    QVERIFY2(lowest > 4.8 && highest < 7.0, qPrintable(QString("%1 %2").arg(lowest).arg(highest)));
    // The pupil is a small disc in the middle of it.
    float pupil = 0;
    for (std::size_t c = 0; c < eye.mesh.uvIndices.size(); ++c) {
      if (eye.mesh.uvs[static_cast<std::size_t>(eye.mesh.uvIndices[c])].y() <= 0.12f) {
        const sf::Vec3f p =
            eye.mesh.positions[static_cast<std::size_t>(eye.mesh.faceIndices[c])] - center;
        pupil = std::max(pupil, std::hypot(p.x(), p.y()));
      }
    }
    QVERIFY2(pupil < 2.5f, qPrintable(QString::number(pupil)));
  }
}

void TestMakeHumanImport::morphsMoveTheProxies() {
  REQUIRE_DATA();
  const sf::MorphTarget& open =
      m_model.expressions[static_cast<std::size_t>(m_model.findExpression("mouth-open"))];
  QVERIFY(movesPart(open, part(m_model, "teeth_lower")));
  QVERIFY(movesPart(open, part(m_model, "tongue")));
  QVERIFY(!movesPart(open, part(m_model, "teeth_upper")));
  QVERIFY(!movesPart(open, part(m_model, "eye_left")));
  const sf::MorphTarget& eyeUp =
      m_model.identity[static_cast<std::size_t>(m_model.findIdentity("eye_trans_up_left"))];
  QVERIFY(movesPart(eyeUp, part(m_model, "eye_left")));
  QVERIFY(movesPart(eyeUp, part(m_model, "cornea_left")));
  QVERIFY(!movesPart(eyeUp, part(m_model, "eye_right")));
  // Upward, as the name says.
  const sf::FacePart& eye = part(m_model, "eye_left");
  QVERIFY(offsetOf(eyeUp, eye.firstVertex).y() > 0);
}

void TestMakeHumanImport::everyModeMovesSomething() {
  REQUIRE_DATA();
  for (const sf::MorphTarget& mode : m_model.identity) {
    QVERIFY2(largestOffset(mode) > 0.05f, mode.name.c_str());
    QVERIFY2(std::abs(mode.sigma - largestOffset(mode)) < 1e-4f, mode.name.c_str());
  }
  for (const sf::MorphTarget& shape : m_model.expressions) {
    QVERIFY2(largestOffset(shape) > 0.5f, shape.name.c_str());
  }
}

void TestMakeHumanImport::validatesWithLandmarks() {
  REQUIRE_DATA();
  QVERIFY(m_model.landmarks.empty());
  QVERIFY(m_model.denseLandmarks.empty());
  QCOMPARE(m_model.name, std::string("makehuman-hm08"));
  QCOMPARE(m_model.version, std::string("1.1.0+hm08"));
  QCOMPARE(m_model.license, std::string("CC0-1.0"));
  const sf::FaceModel complete = withPlaceholderLandmarks(m_model);
  try {
    sf::validateFaceModel(complete, "makehuman");
  } catch (const sf::Error& error) {
    QFAIL(error.what());
  }
  // And it survives an .sfm round trip.
  QCOMPARE(sf::decodeFaceModel(sf::encodeFaceModel(complete, "makehuman"), "makehuman"), complete);
}

// Each row writes `content` to `file` in a temporary folder (unless `content` is null), reads
// it with `reader`, and expects an sf::Error whose text contains every string of `expected`.
void TestMakeHumanImport::badInput_data() {
  QTest::addColumn<QString>("reader");
  QTest::addColumn<QString>("file");
  QTest::addColumn<QString>("content");
  QTest::addColumn<QStringList>("expected");

  const QString header = "# a target\n# basemesh hm08\n";
  QTest::newRow("truncated target line")
      << "target"
      << "bad.target" << header + "3 0.1 0.2 0.3\n4 0.1 0.2\n"
      << QStringList{"bad.target:4", "expected 'index dx dy dz', got 3 fields"};
  QTest::newRow("target non-number")
      << "target"
      << "bad.target" << header + "3 0.1 x1 0.3\n"
      << QStringList{"bad.target:3", "dy: expected a number, got 'x1'"};
  QTest::newRow("target NaN") << "target"
                              << "bad.target" << header + "3 nan 0 0\n"
                              << QStringList{"bad.target:3", "dx is not finite"};
  QTest::newRow("target index out of range")
      << "target"
      << "bad.target" << header + "10 0 0 0\n"
      << QStringList{"bad.target:3", "vertex index 10 out of range (0..9)"};
  QTest::newRow("target vertex twice")
      << "target"
      << "bad.target"
      << "1 0 0 0\n2 0 0 0\n1 0 0 0\n"
      << QStringList{"bad.target:3", "vertex 1 is listed twice (first on line 1)"};
  QTest::newRow("missing target") << "target"
                                  << "missing.target" << QString() << QStringList{"missing.target"};
  QTest::newRow("obj truncated vertex")
      << "obj"
      << "bad.obj"
      << "v 0 0 0\nv 1 0\n"
      << QStringList{"bad.obj:2", "'v' takes 3 coordinates, got 2 fields"};
  QTest::newRow("obj face index out of range")
      << "obj"
      << "bad.obj"
      << "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n"
      << QStringList{"bad.obj:4", "vertex index 4 out of range (1..3)"};
  QTest::newRow("obj unknown statement") << "obj"
                                         << "bad.obj"
                                         << "v 0 0 0\ncurv 1 2\n"
                                         << QStringList{"bad.obj:2", "unknown OBJ statement"};
  const QString skeleton =
      R"({"name": "s", "version": 110, "joints": {"root____head": [0], "neck____head": [1, 2]},
          "bones": {"root": {"parent": null, "head": "root____head", "tail": "neck____head"},
                    "neck": {"parent": "root", "head": "neck____hed", "tail": "root____head"}}})";
  QTest::newRow("unknown joint") << "skeleton"
                                 << "bad.mhskel" << skeleton
                                 << QStringList{"bad.mhskel: /bones/neck/head",
                                                "unknown joint 'neck____hed'",
                                                "did you mean 'neck____head'"};
  QString badParent = skeleton;
  badParent.replace("neck____hed", "neck____head");
  badParent.replace("\"parent\": \"root\"", "\"parent\": \"rot\"");
  QTest::newRow("unknown parent bone")
      << "skeleton"
      << "bad.mhskel" << badParent
      << QStringList{"/bones/neck/parent", "unknown bone 'rot'", "did you mean 'root'"};
  QString badVertex = skeleton;
  badVertex.replace("neck____hed", "neck____head").replace("[1, 2]", "[1, 12]");
  QTest::newRow("joint vertex out of range")
      << "skeleton"
      << "bad.mhskel" << badVertex
      << QStringList{"/joints/neck____head/1", "vertex index 12 out of range (0..9)"};
  QTest::newRow("weights index out of range")
      << "weights"
      << "bad.mhw"
      << R"({"weights": {"head": [[0, 0.5], [10, 1.0]]}})"
      << QStringList{"bad.mhw: /weights/head/1/0", "vertex index 10 out of range (0..9)"};
  QTest::newRow("weights unknown key")
      << "weights"
      << "bad.mhw"
      << R"({"weigths": {}})"
      << QStringList{"bad.mhw: /weigths", "unknown key 'weigths'", "did you mean 'weights'"};
  QTest::newRow("mhclo unknown keyword")
      << "mhclo"
      << "bad.mhclo"
      << "name x\nobj_fle x.obj\nverts 0\n1\n"
      << QStringList{"bad.mhclo:2", "unknown keyword 'obj_fle'", "did you mean 'obj_file'"};
  QTest::newRow("mhclo fitting line of 4") << "mhclo"
                                           << "bad.mhclo"
                                           << "verts 0\n1\n1 2 3 0.5\n"
                                           << QStringList{"bad.mhclo:3", "1 number", "got 4"};
  QTest::newRow("mhclo index out of range")
      << "mhclo"
      << "bad.mhclo"
      << "verts 0\n1 2 30 0.2 0.3 0.5 0 0 0\n"
      << QStringList{"bad.mhclo:2", "base vertex 30 out of range (0..9)"};
  QTest::newRow("mhclo open range") << "mhclo"
                                    << "bad.mhclo"
                                    << "delete_verts\n1 - 3 5 -\n"
                                    << QStringList{"bad.mhclo:2", "range 5 - has no end"};
  QTest::newRow("modifiers unknown key")
      << "modifiers"
      << "bad.json"
      << R"([{"group": "nose", "modifiers": [{"traget": "x"}]}])"
      << QStringList{"bad.json: /0/modifiers/0/traget", "did you mean 'target'"};
  QTest::newRow("modifiers half two-sided")
      << "modifiers"
      << "bad.json"
      << R"([{"group": "nose", "modifiers": [{"target": "x", "min": "decr"}]}])"
      << QStringList{"/0/modifiers/0", "needs both 'min' and 'max'"};
}

void TestMakeHumanImport::badInput() {
  QFETCH(QString, reader);
  QFETCH(QString, file);
  QFETCH(QString, content);
  QFETCH(QStringList, expected);
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const fs::path path = fs::path(dir.path().toStdString()) / file.toStdString();
  if (!content.isNull()) {
    writeText(path, content.toStdString());
  }
  const std::map<QString, std::function<void()>> readers = {
      {"target", [&] { sf::readMhTarget(path, 10); }},
      {"obj", [&] { sf::readMhObj(path); }},
      {"skeleton", [&] { sf::readMhSkeleton(path, 10); }},
      {"weights", [&] { sf::readMhWeights(path, 10); }},
      {"mhclo", [&] { sf::readMhclo(path, 10); }},
      {"modifiers", [&] { sf::readMhModifiers(path); }},
  };
  try {
    readers.at(reader)();
    QFAIL("no error");
  } catch (const sf::Error& error) {
    const QString text = QString::fromStdString(error.what());
    for (const QString& part : expected) {
      QVERIFY2(text.contains(part), qPrintable(text + "  (expected: " + part + ")"));
    }
  }
}

QTEST_APPLESS_MAIN(TestMakeHumanImport)
#include "test_makehuman_import.moc"
