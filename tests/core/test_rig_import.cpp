// Rigged heads imported from glTF, FBX and OBJ: the built-in head exported by SynthFace and
// read back must come out as itself (topology, targets, skin, joints, landmarks), a bare OBJ
// in other units and axes must get everything else by registration, and bad files and
// sidecars are named.

#include "face/face_geometry.h"
#include "face/face_model_io.h"
#include "face/io/rig_import.h"
#include "face/model_export.h"
#include "face/model_store.h"
#include "util/error.h"

#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <assimp/Exporter.hpp>
#include <assimp/Importer.hpp>
#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using sf::Vec3f;
namespace fs = std::filesystem;

namespace {

/// The built-in head's surface parts, as importRiggedHead() merges them.
const std::vector<std::string> kSurfaceParts = {"skin", "ear_right", "ear_left"};

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

/// A progress callback that collects the lines.
std::function<void(std::string_view)> collect(std::vector<std::string>& lines) {
  return [&lines](std::string_view line) { lines.emplace_back(line); };
}

bool anyLineContains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

/// The largest distance between the two models' 70 landmarks at rest.
float worstLandmarkDistance(const sf::FaceModel& a, const sf::FaceModel& b) {
  const sf::PosedFace posedA = sf::FaceGeometry::create(a, 0).pose(sf::FaceState{});
  const sf::PosedFace posedB = sf::FaceGeometry::create(b, 0).pose(sf::FaceState{});
  float worst = 0.0f;
  for (std::size_t i = 0; i < posedA.landmarks.size(); ++i) {
    worst = std::max(worst, (posedA.landmarks[i] - posedB.landmarks[i]).norm());
  }
  return worst;
}

/// How far an expression at weight 1 moves landmark `index` (iBUG numbering).
float landmarkMove(const sf::FaceModel& model, const std::string& expression, int index) {
  const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 0);
  sf::FaceState state;
  state.expression.assign(model.expressions.size(), 0.0f);
  state.expression[static_cast<std::size_t>(model.findExpression(expression))] = 1.0f;
  const auto i = static_cast<std::size_t>(index);
  return (geometry.pose(state).landmarks[i] - geometry.pose(sf::FaceState{}).landmarks[i]).norm();
}

/// Checks what every import must give: a valid model with the five joints, the reference's
/// landmarks, and an exact .sfm round trip.
void checkComplete(const sf::FaceModel& model, const sf::FaceModel& reference) {
  sf::validateFaceModel(model, model.name);
  for (const char* joint : {"neck", "head", "jaw", "eye_left", "eye_right"}) {
    QVERIFY2(model.findJoint(joint) >= 0, joint);
  }
  QCOMPARE(model.landmarks.size(), reference.landmarks.size());
  QCOMPARE(model.denseLandmarks.size(), reference.denseLandmarks.size());
  const std::string bytes = sf::encodeFaceModel(model, "imported.sfm");
  QVERIFY(sf::decodeFaceModel(bytes, "imported.sfm") == model);
}

}  // namespace

class TestRigImport : public QObject {
  Q_OBJECT

private slots:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_model = sf::loadFaceModel("default");
    // Level 0: the template's own quads, triangulated by the glTF writer.
    m_scene = sf::buildExportScene(m_model, sf::FaceGeometry::create(m_model, 0), sf::FaceState{},
                                   sf::ExportTargets::All);
    m_glb = path("head.glb");
    sf::exportScene(m_scene, m_glb);
    for (const std::string& part : kSurfaceParts) {
      for (const sf::ExportMesh& mesh : m_scene.meshes) {
        if (mesh.name == part) {
          m_surfaceVertices += mesh.mesh.vertexCount();
          m_surfaceFaces += mesh.mesh.faceCount();
        }
      }
    }
  }

  // The file's topology, targets, skin and joints replace what registration carried.
  void readsItsOwnGltfBackWithASidecar() {
    writeText(path("head.glb.sidecar.json"), R"({
      "name": "round-trip",
      "license": "CC0-1.0",
      "surface": ["skin", "ear_right", "ear_left"],
      "identity": {"identity_nose_width": {"group": "nose"}},
      "expressions": ["jawOpen", "eyeBlinkLeft", {"mouthSmileLeft": {"group": "mouth"}}],
      "joints": {"neck": "neck", "head": "head", "jaw": "jaw",
                 "eye_left": "eye_left", "eye_right": "eye_right"}
    })");
    std::vector<std::string> lines;
    const sf::FaceModel model = sf::importRiggedHead(m_glb, m_model, {{}, collect(lines)});
    QCOMPARE(model.name, std::string("round-trip"));
    QCOMPARE(model.license, std::string("CC0-1.0"));

    // The exported surface meshes, welded back: the template's vertices and quads.
    const sf::FacePart& skin = model.parts.front();
    QCOMPARE(skin.mesh.vertexCount(), m_surfaceVertices);
    QCOMPARE(skin.mesh.faceCount(), m_surfaceFaces);
    QVERIFY(skin.subdivide);
    QVERIFY(anyLineContains(lines, "morph targets: 3 expressions and 1 identity modes"));

    // The imported targets are the file's: the named ones, with the sidecar's groups.
    QCOMPARE(model.expressions.size(), m_model.expressions.size());
    QCOMPARE(model.identity.size(), m_model.identity.size());
    QCOMPARE(
        model.expressions[static_cast<std::size_t>(model.findExpression("mouthSmileLeft"))].group,
        std::string("mouth"));
    QCOMPARE(model.identity[static_cast<std::size_t>(model.findIdentity("nose_width"))].group,
             std::string("nose"));
    const float original = landmarkMove(m_model, "jawOpen", 8);
    const float imported = landmarkMove(model, "jawOpen", 8);
    qInfo("jawOpen moves the chin %.3f mm in the original, %.3f mm imported", original, imported);
    QVERIFY(std::abs(imported - original) < 0.1f * original);

    // Face f of the skin is face f of the template, so vertices match corner by corner: the
    // file's weights arrive unchanged, its deltas turned by the fit's residual rotation.
    const sf::FacePart& originalSkin = m_model.parts.front();
    const int jawOpen = m_model.findExpression("jawOpen");
    const sf::MorphTarget& before = m_model.expressions[static_cast<std::size_t>(jawOpen)];
    const sf::MorphTarget& after =
        model.expressions[static_cast<std::size_t>(model.findExpression("jawOpen"))];
    const auto deltaOf = [](const sf::MorphTarget& target, int vertex) {
      const auto it = std::lower_bound(target.vertices.begin(), target.vertices.end(), vertex);
      return it != target.vertices.end() && *it == vertex
                 ? target.deltas[static_cast<std::size_t>(it - target.vertices.begin())]
                 : Vec3f(Vec3f::Zero());
    };
    float worstDelta = 0.0f, worstLength = 0.0f, worstWeight = 0.0f;
    for (std::size_t c = 0; c < originalSkin.mesh.faceIndices.size(); ++c) {
      const int from = originalSkin.mesh.faceIndices[c];
      const int to = skin.mesh.faceIndices[c];
      const Vec3f a = deltaOf(before, from), b = deltaOf(after, to);
      worstDelta = std::max(worstDelta, (a - b).norm());
      worstLength = std::max(worstLength, std::abs(a.norm() - b.norm()));
      for (std::size_t j = 0; j < m_model.joints.size(); ++j) {
        const auto weightOf = [](const sf::SkinWeights& skinWeights, int vertex, int joint) {
          float sum = 0.0f;
          for (std::size_t k = 0; k < sf::SkinWeights::kInfluences; ++k) {
            if (skinWeights.joints[static_cast<std::size_t>(vertex)][k] == joint) {
              sum += skinWeights.weights[static_cast<std::size_t>(vertex)][k];
            }
          }
          return sum;
        };
        const int joint = model.findJoint(m_model.joints[j].name);
        worstWeight =
            std::max(worstWeight, std::abs(weightOf(m_model.skin, from, static_cast<int>(j)) -
                                           weightOf(model.skin, to, joint)));
      }
    }
    qInfo("jawOpen deltas within %.4f mm (lengths within %.5f mm), skin weights within %.5f",
          worstDelta, worstLength, worstWeight);
    QVERIFY(worstLength < 1e-3f);
    QVERIFY(worstDelta < 0.2f);  // the jaw moves up to 27 mm: 0.4 degrees
    QVERIFY(worstWeight < 1e-4f);

    // Joints at the file's bind pose, landmarks where the original has them.
    for (const char* name : {"neck", "head", "jaw", "eye_left", "eye_right"}) {
      const Vec3f a =
          m_model.joints[static_cast<std::size_t>(m_model.findJoint(name))].restPosition;
      const Vec3f b = model.joints[static_cast<std::size_t>(model.findJoint(name))].restPosition;
      QVERIFY2((a - b).norm() < 0.5f, name);
    }
    const float worst = worstLandmarkDistance(m_model, model);
    qInfo("landmarks within %.3f mm", worst);
    QVERIFY(worst < 1.0f);
    checkComplete(model, m_model);
    fs::remove(path("head.glb.sidecar.json"));
  }

  // Without a sidecar: the largest mesh, targets and bones matched by name.
  void matchesTargetsAndJointsByNameWithoutASidecar() {
    const fs::path folder = path("plain");
    fs::create_directories(folder);
    fs::copy_file(m_glb, folder / "head.glb", fs::copy_options::overwrite_existing);
    std::vector<std::string> lines;
    const sf::FaceModel model =
        sf::importRiggedHead(folder / "head.glb", m_model, {{}, collect(lines)});
    QCOMPARE(model.name, std::string("head"));
    QCOMPARE(model.license, std::string("unknown"));
    QCOMPARE(model.parts.front().mesh.vertexCount(), m_model.parts.front().mesh.vertexCount());
    QVERIFY(anyLineContains(lines, "morph targets: " + std::to_string(m_model.expressions.size()) +
                                       " expressions and " +
                                       std::to_string(m_model.identity.size()) +
                                       " identity modes"));
    QVERIFY(anyLineContains(lines, "jaw = 'jaw'"));
    QVERIFY(anyLineContains(lines, "skin: weights from the file's bones"));
    QCOMPARE(model.expressions.size(), m_model.expressions.size());
    QCOMPARE(model.identity.size(), m_model.identity.size());
    QVERIFY(worstLandmarkDistance(m_model, model) < 1.0f);
    checkComplete(model, m_model);
  }

  // FBX as Assimp writes it: one vertex per face corner, centimetres by its header (the
  // sidecar corrects that: the content is in metres), bones with offset matrices.
  void readsAnFbxSkin() {
    const fs::path fbx = path("head.fbx");
    {
      Assimp::Importer importer;
      const aiScene* scene = importer.ReadFile(m_glb.string(), 0);
      QVERIFY(scene != nullptr);
      Assimp::Exporter exporter;
      QCOMPARE(exporter.Export(scene, "fbxa", fbx.string()), aiReturn_SUCCESS);
    }
    const fs::path sidecar = path("fbx.json");
    writeText(sidecar,
              R"({"unitsInMillimetres": 1000, "surface": ["skin", "ear_right", "ear_left"]})");
    std::vector<std::string> lines;
    const sf::FaceModel model = sf::importRiggedHead(fbx, m_model, {sidecar, collect(lines)});
    QCOMPARE(model.parts.front().mesh.vertexCount(), m_surfaceVertices);
    QCOMPARE(model.parts.front().mesh.faceCount(), m_surfaceFaces);
    QVERIFY(anyLineContains(lines, "units: 1000 mm per file unit (the sidecar)"));
    QVERIFY(anyLineContains(lines, "skin: weights from the file's bones"));
    for (const char* name : {"neck", "head", "jaw", "eye_left", "eye_right"}) {
      const Vec3f a =
          m_model.joints[static_cast<std::size_t>(m_model.findJoint(name))].restPosition;
      const Vec3f b = model.joints[static_cast<std::size_t>(model.findJoint(name))].restPosition;
      QVERIFY2((a - b).norm() < 0.5f, name);
    }
    QVERIFY(worstLandmarkDistance(m_model, model) < 1.0f);
    checkComplete(model, m_model);
  }

  // A bare head mesh, Z up and in centimetres: everything else comes by registration.
  void completesABareObjInOtherUnitsAndAxes() {
    sf::ExportScene scene;
    for (const sf::ExportMesh& mesh : m_scene.meshes) {
      if (mesh.name != "skin") {
        continue;
      }
      sf::ExportMesh bare;
      bare.name = "Head";
      bare.mesh = mesh.mesh;
      for (Vec3f& p : bare.mesh.positions) {
        p = Vec3f(p.x(), -p.z(), p.y()) / 10.0f;  // y up, +z face -> z up, -y face; cm
      }
      scene.meshes.push_back(std::move(bare));
    }
    const fs::path obj = path("bare.obj");
    sf::exportScene(scene, obj);
    // Landmarks in the file's units and axes guide the fit.
    nlohmann::json sidecar = {{"up", "+z"}, {"forward", "-y"}, {"unitsInMillimetres", 10}};
    const sf::PosedFace posed = sf::FaceGeometry::create(m_model, 0).pose(sf::FaceState{});
    for (const int i : {8, 30, 36, 45, 48, 54}) {
      const Vec3f p = posed.landmarks[static_cast<std::size_t>(i)];
      sidecar["landmarks"][m_model.landmarks[static_cast<std::size_t>(i)].name] = {
          p.x() / 10.0f, -p.z() / 10.0f, p.y() / 10.0f};
    }
    writeText(path("bare.obj.sidecar.json"), sidecar.dump());
    std::vector<std::string> lines;
    const sf::FaceModel model = sf::importRiggedHead(obj, m_model, {{}, collect(lines)});
    QVERIFY(anyLineContains(lines, "morph targets: 0 expressions and 0 identity modes"));
    QCOMPARE(model.parts.front().mesh.vertexCount(), m_model.parts.front().mesh.vertexCount());
    QCOMPARE(model.expressions.size(), m_model.expressions.size());
    QCOMPARE(model.identity.size(), m_model.identity.size());
    // Turned back into model space: the landmarks are where the original's are.
    const float worst = worstLandmarkDistance(m_model, model);
    qInfo("landmarks within %.3f mm", worst);
    QVERIFY(worst < 1.0f);
    const float move = landmarkMove(model, "jawOpen", 8);
    QVERIFY(std::abs(move - landmarkMove(m_model, "jawOpen", 8)) < 0.2f * move);
    checkComplete(model, m_model);
  }

  void badInputIsNamed_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("content");  // file content, or "" to use the exported head
    QTest::addColumn<QString>("sidecar");  // sidecar content, "" for none
    QTest::addColumn<QString>("message");
    const QString quad = "v 0 0 0\nv 10 0 0\nv 10 10 0\nv 0 10 0\nf 1 2 3 4\n";
    QTest::newRow("missing file") << "nothere.glb"
                                  << "-"
                                  << ""
                                  << "nothere.glb: no such file";
    QTest::newRow("extension") << "head.ply"
                               << "ply\n"
                               << ""
                               << "head.ply: cannot import '.ply' files";
    QTest::newRow("empty file") << "empty.obj"
                                << ""
                                << ""
                                << "empty.obj: the file is empty";
    QTest::newRow("truncated") << "truncated.glb"
                               << "truncate"
                               << ""
                               << "truncated.glb: the file is truncated: its header gives";
    QTest::newRow("unreadable") << "broken.gltf"
                                << "{\"asset\": "
                                << ""
                                << "broken.gltf: cannot read the file: ";
    QTest::newRow("no mesh")
        << "nomesh.gltf"
        << R"({"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}],
              "nodes": [{"name": "empty"}]})"
        << ""
        << "nomesh.gltf: the file holds no mesh";
    QTest::newRow("empty mesh") << "lines.obj"
                                << "v 0 0 0\nv 1 0 0\nl 1 2\n"
                                << ""
                                << "lines.obj: mesh 0 'defaultobject': the mesh is empty";
    QTest::newRow("nan") << "nan.obj"
                         << "v 0 0 0\nv nan 0 0\nv 0 1 0\nf 1 2 3\n"
                         << ""
                         << "nan.obj: mesh 0 'defaultobject': vertex 1 (face 0, corner 1) has a "
                            "non-finite coordinate (nan, 0, 0)";
    QTest::newRow("non-manifold")
        << "fin.obj"
        << "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nv 0 0 -1\nf 1 2 3\nf 2 1 4\nf 1 2 5\n"
        << ""
        << "fin.obj: mesh 0 'defaultobject': the edge between (0, 0, 0) and (1, 0, 0) is shared "
           "by 3 faces";
    QTest::newRow("target count") << "short.gltf"
                                  << "short target"
                                  << ""
                                  << "short.gltf: /meshes/0/primitives/0/targets/0/POSITION: "
                                     "mesh 'Head': morph 'jawOpen' has 2 positions, the mesh "
                                     "has 3";
    QTest::newRow("registration fails") << "far.obj" << quad << ""
                                        << "far.obj: could not find a nose tip";
    QTest::newRow("missing sidecar") << "head.glb"
                                     << ""
                                     << "-"
                                     << "missing.json: no such file";
    QTest::newRow("malformed sidecar") << "head.glb"
                                       << ""
                                       << "{\"name\": }"
                                       << "bad.json: malformed JSON: ";
    QTest::newRow("unknown key") << "head.glb"
                                 << ""
                                 << R"({"exprssions": ["jawOpen"]})"
                                 << "bad.json: /exprssions: unknown key 'exprssions' (did you "
                                    "mean 'expressions'?)";
    QTest::newRow("wrong type") << "head.glb"
                                << ""
                                << R"({"unitsInMillimetres": "cm"})"
                                << "bad.json: /unitsInMillimetres: expected a positive number";
    QTest::newRow("axes") << "head.glb"
                          << ""
                          << R"({"up": "+y", "forward": "-y"})"
                          << "bad.json: /forward: must be perpendicular";
    QTest::newRow("unknown target")
        << "head.glb"
        << ""
        << R"({"expressions": ["jawOpen", "eyeBlinkLeft", "jawOpn"]})"
        << "bad.json: /expressions/2: the file's surface has no morph target 'jawOpn' (did you "
           "mean 'jawOpen'?)";
    QTest::newRow("bad sigma")
        << "head.glb"
        << ""
        << R"({"identity": {"identity_nose_width": {"sigma": -1}}})"
        << "bad.json: /identity/identity_nose_width/sigma: expected a positive number";
    QTest::newRow("unknown file joint") << "head.glb"
                                        << ""
                                        << R"({"joints": {"jaw": "jaww"}})"
                                        << "bad.json: /joints/jaw: the file has no joint (node) "
                                           "'jaww' (did you mean 'jaw'?)";
    QTest::newRow("unknown SynthFace joint")
        << "head.glb"
        << ""
        << R"({"joints": {"jow": "jaw"}})"
        << "bad.json: /joints/jow: the reference has no joint 'jow' (did you mean 'jaw'?)";
    QTest::newRow("unknown mesh") << "head.glb"
                                  << ""
                                  << R"({"surface": ["skn"]})"
                                  << "bad.json: /surface/0: the file has no mesh or node 'skn' "
                                     "(did you mean 'skin'?)";
    QTest::newRow("unknown landmark")
        << "head.glb"
        << ""
        << R"({"landmarks": {"nose_300": [0, 0.1, 0.1]}})"
        << "bad.json: /landmarks/nose_300: the reference has no landmark 'nose_300' (did you "
           "mean 'nose_30'?)";
  }

  void badInputIsNamed() {
    QFETCH(QString, file);
    QFETCH(QString, content);
    QFETCH(QString, sidecar);
    QFETCH(QString, message);
    fs::path input = path(file.toStdString());
    if (file == "head.glb") {
      input = m_glb;
    } else if (content == "truncate") {
      std::ifstream stream(m_glb, std::ios::binary);
      std::string bytes(5000, '\0');
      stream.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      writeText(input, bytes);
    } else if (content == "short target") {
      writeText(input, shortTargetGltf());
    } else if (content != "-") {
      writeText(input, content.toStdString());
    }
    sf::RigImportOptions options;
    if (sidecar == "-") {
      options.sidecar = path("missing.json");
    } else if (!sidecar.isEmpty()) {
      options.sidecar = path("bad.json");
      writeText(options.sidecar, sidecar.toStdString());
    }
    try {
      sf::importRiggedHead(input, m_model, options);
      QFAIL("no error");
    } catch (const sf::Error& error) {
      QVERIFY2(QString(error.what()).contains(message), error.what());
    }
  }

private:
  fs::path path(const std::string& name) const {
    return fs::path(m_dir.path().toStdString()) / name;
  }

  /// A glTF triangle whose morph target has two positions for its three vertices.
  static std::string shortTargetGltf() {
    using nlohmann::json;
    // Positions (0,0,0) (1,0,0) (0,1,0), target offsets (0,0,1) twice, indices 0 1 2 + pad.
    const std::string buffer =
        "AAAAAAAAAAAAAAAAAACAPwAAAAAAAAAAAAAAAAAAgD8AAAAAAAAAAAAAAAAAAIA/AAAAAAAAAAAAAIA/"
        "AAABAAIAAAA=";
    const json primitive = {{"attributes", {{"POSITION", 0}}},
                            {"indices", 2},
                            {"targets", json::array({{{"POSITION", 1}}})}};
    const json gltf = {
        {"asset", {{"version", "2.0"}}},
        {"scene", 0},
        {"scenes", json::array({{{"nodes", {0}}}})},
        {"nodes", json::array({{{"mesh", 0}, {"name", "Head"}}})},
        {"meshes", json::array({{{"name", "Head"},
                                 {"extras", {{"targetNames", {"jawOpen"}}}},
                                 {"primitives", json::array({primitive})}}})},
        {"buffers", json::array({{{"byteLength", 68},
                                  {"uri", "data:application/octet-stream;base64," + buffer}}})},
        {"bufferViews", json::array({{{"buffer", 0}, {"byteOffset", 0}, {"byteLength", 36}},
                                     {{"buffer", 0}, {"byteOffset", 36}, {"byteLength", 24}},
                                     {{"buffer", 0}, {"byteOffset", 60}, {"byteLength", 6}}})},
        {"accessors",
         json::array(
             {{{"bufferView", 0},
               {"componentType", 5126},
               {"count", 3},
               {"type", "VEC3"},
               {"min", {0, 0, 0}},
               {"max", {1, 1, 0}}},
              {{"bufferView", 1},
               {"componentType", 5126},
               {"count", 2},
               {"type", "VEC3"},
               {"min", {0, 0, 1}},
               {"max", {0, 0, 1}}},
              {{"bufferView", 2}, {"componentType", 5123}, {"count", 3}, {"type", "SCALAR"}}})}};
    return gltf.dump();
  }

  QTemporaryDir m_dir;
  sf::FaceModel m_model;
  sf::ExportScene m_scene;
  fs::path m_glb;
  int m_surfaceVertices = 0;
  int m_surfaceFaces = 0;
};

QTEST_GUILESS_MAIN(TestRigImport)
#include "test_rig_import.moc"
