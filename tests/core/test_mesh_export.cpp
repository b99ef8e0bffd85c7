// Tests of mesh export: glTF (binary and text) and OBJ files written through Assimp, read
// back with Assimp's importer (and the glTF JSON read directly, for what Blender needs).

#include "face/mesh_export.h"
#include "test_models.h"
#include "util/error.h"
#include "util/files.h"

#include <QTemporaryDir>
#include <QTest>

#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <assimp/Importer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kCubeCuts = 4;
constexpr float kCubeHalfSize = 90;  // millimetres

// Expected sizes, counted from how the shapes are built rather than from the exporter:
// each of the cube's 6 sides is its own UV island of (4 + 1)^2 corners, so splitting
// vertices by UV gives 6 * 25 = 150 vertices (the cube itself has 6 * 16 + 2 = 98); its
// 96 quads become 192 triangles. The sphere (4 rings, 8 segments) has no UVs: 2 + 3 * 8 = 26
// vertices, 16 triangles and 16 quads, 48 triangles after triangulation.
constexpr unsigned kHeadVertices = 6 * (kCubeCuts + 1) * (kCubeCuts + 1);
constexpr unsigned kHeadQuads = 6 * kCubeCuts * kCubeCuts;
constexpr unsigned kEyeVertices = 2 + 3 * 8;
constexpr unsigned kEyeTriangles = 16;
constexpr unsigned kEyeQuads = 16;

/// A small head: "head" (a cube of quads with UVs, targets "jawOpen" and "smile") and
/// "eye_left" (a sphere without UVs), skinned to the joints neck, head and jaw.
sf::ExportScene makeScene() {
  sf::ExportScene scene;
  scene.joints = {{"neck", -1, sf::Vec3f(0, -80, 0)},
                  {"head", 0, sf::Vec3f(0, 10, 0)},
                  {"jaw", 1, sf::Vec3f(0, -20, 30)}};

  sf::ExportMesh head;
  head.name = "head";
  head.mesh = sf::test::subdividedCube(kCubeCuts, kCubeHalfSize, sf::Vec3f(0, 0, 0), true);
  sf::ExportMorphTarget jawOpen{"jawOpen", {}};
  sf::ExportMorphTarget smile{"smile", {}};
  for (const sf::Vec3f& p : head.mesh.positions) {
    jawOpen.deltas.push_back(p.y() < 0 ? sf::Vec3f(0, -10, 0) : sf::Vec3f(0, 0, 0));
    smile.deltas.emplace_back(p.x() > 0 ? 2.0f : -2.0f, p.y() > 0 ? 1.0f : 0.0f, 0.0f);
    if (p.y() <= -kCubeHalfSize) {
      head.skinJoints.push_back({0, 1, 0, 0});
      head.skinWeights.push_back({0.5f, 0.5f, 0, 0});
    } else if (p.y() < 0) {
      head.skinJoints.push_back({2, 1, 0, 0});
      head.skinWeights.push_back({0.6f, 0.4f, 0, 0});
    } else {
      head.skinJoints.push_back({1, 0, 0, 0});
      head.skinWeights.push_back({1, 0, 0, 0});
    }
  }
  head.targets = {jawOpen, smile};

  sf::ExportMesh eye;
  eye.name = "eye_left";
  eye.mesh = sf::test::uvSphere(4, 8, 12, sf::Vec3f(32, 10, 95));
  eye.skinJoints.assign(eye.mesh.positions.size(), {1, 0, 0, 0});
  eye.skinWeights.assign(eye.mesh.positions.size(), {1, 0, 0, 0});

  scene.meshes = {head, eye};
  return scene;
}

std::vector<std::string> filesIn(const QTemporaryDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path().toStdString())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

const aiMesh* findMesh(const aiScene* scene, const std::string& name) {
  for (unsigned i = 0; i < scene->mNumMeshes; ++i) {
    if (name == scene->mMeshes[i]->mName.C_Str()) {
      return scene->mMeshes[i];
    }
  }
  return nullptr;
}

std::set<std::string> boneNames(const aiMesh* mesh) {
  std::set<std::string> names;
  for (unsigned b = 0; b < mesh->mNumBones; ++b) {
    names.insert(mesh->mBones[b]->mName.C_Str());
  }
  return names;
}

float largestCoordinate(const aiMesh* mesh) {
  float largest = 0;
  for (unsigned v = 0; v < mesh->mNumVertices; ++v) {
    const aiVector3D& p = mesh->mVertices[v];
    largest = std::max({largest, std::abs(p.x), std::abs(p.y), std::abs(p.z)});
  }
  return largest;
}

fs::path pathIn(const QTemporaryDir& dir, const char* name) {
  return fs::path(dir.path().toStdString()) / name;
}

/// Bad export input: an edit of makeScene(), the error's pointer and a message fragment.
struct BadSceneCase {
  const char* tag;
  std::function<void(sf::ExportScene&)> edit;
  const char* pointer;
  const char* fragment;
};

const std::vector<BadSceneCase>& badSceneCases() {
  using sf::ExportScene;
  static const std::vector<BadSceneCase> cases = {
      {"no meshes", [](ExportScene& s) { s.meshes.clear(); }, "/meshes",
       "nothing to export: the scene has no meshes"},
      {"duplicate mesh name", [](ExportScene& s) { s.meshes[1].name = "head"; }, "/meshes/1/name",
       "mesh 'head': name already used by meshes[0]"},
      {"empty mesh", [](ExportScene& s) { s.meshes[1].mesh = sf::PolyMesh(); }, "/meshes/1",
       "mesh 'eye_left': the mesh is empty (0 vertices, 0 faces)"},
      {"face of five", [](ExportScene& s) { s.meshes[1].mesh.faceSizes[0] = 5; },
       "/meshes/1/faces/0", "mesh 'eye_left': face 0 has 5 vertices, not 3 or 4"},
      {"vertex index out of range", [](ExportScene& s) { s.meshes[0].mesh.faceIndices[7] = 98; },
       "/meshes/0/faceIndices/7", "mesh 'head': vertex index 98 out of range (0..97)"},
      {"UV index out of range", [](ExportScene& s) { s.meshes[0].mesh.uvIndices[3] = -2; },
       "/meshes/0/uvIndices/3", "mesh 'head': UV index -2 out of range (150 UVs)"},
      {"normals count", [](ExportScene& s) { s.meshes[1].normals.assign(3, sf::Vec3f(0, 1, 0)); },
       "/meshes/1/normals", "mesh 'eye_left': 3 normals for 26 vertices"},
      {"NaN position", [](ExportScene& s) { s.meshes[0].mesh.positions[4].x() = std::nanf(""); },
       "/meshes/0/positions/4", "mesh 'head': vertex 4 is not finite"},
      {"target deltas count", [](ExportScene& s) { s.meshes[0].targets[1].deltas.pop_back(); },
       "/meshes/0/targets/1/deltas", "mesh 'head': target 'smile' has 97 deltas for 98 vertices"},
      {"duplicate target name", [](ExportScene& s) { s.meshes[0].targets[1].name = "jawOpen"; },
       "/meshes/0/targets/1/name", "target 'jawOpen': name already used by targets[0]"},
      {"skin size", [](ExportScene& s) { s.meshes[1].skinWeights.pop_back(); },
       "/meshes/1/skinJoints", "mesh 'eye_left': skin has 26 joint and 25 weight entries"},
      {"skin joint out of range", [](ExportScene& s) { s.meshes[0].skinJoints[3][0] = 3; },
       "/meshes/0/skinJoints/3", "mesh 'head': vertex 3: joint 3 out of range (3 joints)"},
      {"weights do not add up",
       [](ExportScene& s) {
         s.meshes[0].skinWeights[3] = {0.5f, 0, 0, 0};
       },
       "/meshes/0/skinWeights/3", "mesh 'head': vertex 3: weights add up to 0.5"},
      {"joint parent later", [](ExportScene& s) { s.joints[0].parent = 2; }, "/joints/0/parent",
       "joint 'neck': parent 2 must be -1 (a root) or an earlier joint"},
      {"duplicate joint name", [](ExportScene& s) { s.joints[2].name = "neck"; }, "/joints/2/name",
       "joint 'neck': name already used by joints[0]"},
      {"joint named like the root", [](ExportScene& s) { s.joints[1].name = "SynthFace"; },
       "/joints/1/name", "joint 'SynthFace': the name is reserved"},
      {"joint named like a material", [](ExportScene& s) { s.joints[1].name = "material_0"; },
       "/joints/1/name", "joint 'material_0': the name is reserved"},
  };
  return cases;
}

}  // namespace

class TestMeshExport : public QObject {
  Q_OBJECT

private slots:
  void gltfReimports_data();
  void gltfReimports();
  void gltfHasWhatBlenderNeeds();
  void objReimports();
  void exportReplacesFiles();
  void badInputIsRejected_data();
  void badInputIsRejected();
  void unsupportedExtensionIsRejected();
  void missingFolderNamesTheFile();
};

void TestMeshExport::gltfReimports_data() {
  QTest::addColumn<QString>("name");
  QTest::addColumn<QStringList>("files");
  QTest::newRow("glb") << "head.glb" << QStringList{"head.glb"};
  QTest::newRow("gltf") << "head.gltf" << QStringList{"head.bin", "head.gltf"};
}

void TestMeshExport::gltfReimports() {
  QFETCH(QString, name);
  QFETCH(QStringList, files);
  QTemporaryDir dir;
  const fs::path path = fs::path(dir.path().toStdString()) / name.toStdString();
  sf::exportScene(makeScene(), path);

  // The files, and no temporary left behind.
  std::vector<std::string> expectedFiles;
  for (const QString& file : files) {
    expectedFiles.push_back(file.toStdString());
  }
  QCOMPARE(filesIn(dir), expectedFiles);

  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFile(path.string(), aiProcess_ValidateDataStructure);
  QVERIFY2(scene != nullptr, importer.GetErrorString());
  QCOMPARE(scene->mNumMeshes, 2u);

  const aiMesh* head = findMesh(scene, "head");
  QVERIFY(head != nullptr);
  QCOMPARE(head->mNumVertices, kHeadVertices);
  QCOMPARE(head->mNumFaces, 2 * kHeadQuads);
  QVERIFY(head->HasNormals());
  QVERIFY(head->HasTextureCoords(0));
  QCOMPARE(head->mNumAnimMeshes, 2u);
  QCOMPARE(QString(head->mAnimMeshes[0]->mName.C_Str()), QStringLiteral("jawOpen"));
  QCOMPARE(QString(head->mAnimMeshes[1]->mName.C_Str()), QStringLiteral("smile"));
  QCOMPARE(head->mNumBones, 3u);
  QCOMPARE(boneNames(head), (std::set<std::string>{"neck", "head", "jaw"}));
  // The jaw's inverse bind matrix moves back from its bind position, in metres.
  const aiBone* const* jawBone =
      std::find_if(head->mBones, head->mBones + head->mNumBones,
                   [](const aiBone* bone) { return std::string(bone->mName.C_Str()) == "jaw"; });
  QVERIFY(jawBone != head->mBones + head->mNumBones);
  QVERIFY(std::abs((*jawBone)->mOffsetMatrix.a4) < 1e-6f);
  QVERIFY(std::abs((*jawBone)->mOffsetMatrix.b4 - 0.02f) < 1e-6f);
  QVERIFY(std::abs((*jawBone)->mOffsetMatrix.c4 + 0.03f) < 1e-6f);

  const aiMesh* eye = findMesh(scene, "eye_left");
  QVERIFY(eye != nullptr);
  QCOMPARE(eye->mNumVertices, kEyeVertices);
  QCOMPARE(eye->mNumFaces, kEyeTriangles + 2 * kEyeQuads);
  QVERIFY(!eye->HasTextureCoords(0));
  QCOMPARE(eye->mNumAnimMeshes, 0u);
  QCOMPARE(boneNames(eye), boneNames(head));

  // Metres: the cube's half size of 90 mm is 0.09.
  QVERIFY2(std::abs(largestCoordinate(head) - 0.09f) < 1e-6f,
           qPrintable(QString::number(largestCoordinate(head))));

  // jawOpen moves the lowest vertices 10 mm = 0.01 down; the top ones stay.
  const aiAnimMesh* open = head->mAnimMeshes[0];
  for (unsigned v = 0; v < head->mNumVertices; ++v) {
    const aiVector3D delta = open->mVertices[v] - head->mVertices[v];
    const float expected = head->mVertices[v].y < 0 ? -0.01f : 0.0f;
    QVERIFY2(std::abs(delta.y - expected) < 1e-6f && std::abs(delta.x) < 1e-6f,
             qPrintable(QStringLiteral("vertex %1: delta y %2").arg(v).arg(delta.y)));
  }

  // Every vertex's weights add up to 1.
  for (const aiMesh* mesh : {head, eye}) {
    std::vector<float> sums(mesh->mNumVertices, 0.0f);
    for (unsigned b = 0; b < mesh->mNumBones; ++b) {
      for (unsigned w = 0; w < mesh->mBones[b]->mNumWeights; ++w) {
        sums[mesh->mBones[b]->mWeights[w].mVertexId] += mesh->mBones[b]->mWeights[w].mWeight;
      }
    }
    for (const float sum : sums) {
      QVERIFY2(std::abs(sum - 1.0f) < 1e-3f, qPrintable(QString::number(sum)));
    }
  }

  // The jaw joint's node is a child of the head's, at its bind position in metres.
  const aiNode* jaw = scene->mRootNode->FindNode("jaw");
  QVERIFY(jaw != nullptr);
  QCOMPARE(QString(jaw->mParent->mName.C_Str()), QStringLiteral("head"));
  aiMatrix4x4 worldFromJaw = jaw->mTransformation;
  for (const aiNode* node = jaw->mParent; node != nullptr; node = node->mParent) {
    worldFromJaw = node->mTransformation * worldFromJaw;
  }
  QVERIFY(std::abs(worldFromJaw.a4 - 0.0f) < 1e-6f);
  QVERIFY(std::abs(worldFromJaw.b4 - -0.02f) < 1e-6f);
  QVERIFY(std::abs(worldFromJaw.c4 - 0.03f) < 1e-6f);
}

void TestMeshExport::gltfHasWhatBlenderNeeds() {
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "head.gltf");
  sf::exportScene(makeScene(), path);
  const json gltf = json::parse(sf::readFile(path));

  QCOMPARE(gltf["asset"]["version"].get<std::string>(), std::string("2.0"));
  QVERIFY(!gltf.contains("extensionsRequired"));
  // The buffer beside the file, named relative to it.
  QCOMPARE(gltf["buffers"].size(), std::size_t{1});
  QCOMPARE(gltf["buffers"][0]["uri"].get<std::string>(), std::string("head.bin"));
  QCOMPARE(gltf["buffers"][0]["byteLength"].get<std::uintmax_t>(),
           fs::file_size(pathIn(dir, "head.bin")));

  // One skin over the three joints, with inverse bind matrices.
  QCOMPARE(gltf["skins"].size(), std::size_t{1});
  QCOMPARE(gltf["skins"][0]["joints"].size(), std::size_t{3});
  QVERIFY(gltf["skins"][0].contains("inverseBindMatrices"));
  std::set<std::string> jointNames;
  for (const json& joint : gltf["skins"][0]["joints"]) {
    jointNames.insert(gltf["nodes"][joint.get<std::size_t>()]["name"].get<std::string>());
  }
  QCOMPARE(jointNames, (std::set<std::string>{"neck", "head", "jaw"}));

  // Every mesh's node is skinned; the head's targets carry their names.
  int meshNodes = 0;
  for (const json& node : gltf["nodes"]) {
    if (node.contains("mesh")) {
      ++meshNodes;
      QCOMPARE(node["skin"].get<int>(), 0);
    }
  }
  QCOMPARE(meshNodes, 2);
  bool sawHead = false;
  for (const json& mesh : gltf["meshes"]) {
    const json& primitive = mesh["primitives"][0];
    QVERIFY(primitive["attributes"].contains("JOINTS_0"));
    QVERIFY(primitive["attributes"].contains("WEIGHTS_0"));
    if (mesh["name"] == "head") {
      sawHead = true;
      QCOMPARE(primitive["targets"].size(), std::size_t{2});
      QVERIFY(mesh["extras"]["targetNames"] == json({"jawOpen", "smile"}));
    }
  }
  QVERIFY(sawHead);
}

void TestMeshExport::objReimports() {
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "head.obj");
  sf::exportScene(makeScene(), path);
  QCOMPARE(filesIn(dir), (std::vector<std::string>{"head.mtl", "head.obj"}));
  const std::string obj = sf::readFile(path);
  QVERIFY(obj.find("mtllib head.mtl") != std::string::npos);

  // OBJ readers give each face corner its own vertex; joining identical ones must give
  // back exactly the UV-split vertices.
  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFile(
      path.string(), aiProcess_JoinIdenticalVertices | aiProcess_ValidateDataStructure);
  QVERIFY2(scene != nullptr, importer.GetErrorString());
  unsigned vertices = 0;
  unsigned faces = 0;
  unsigned quads = 0;
  float largest = 0;
  for (unsigned i = 0; i < scene->mNumMeshes; ++i) {
    const aiMesh* mesh = scene->mMeshes[i];
    vertices += mesh->mNumVertices;
    faces += mesh->mNumFaces;
    for (unsigned f = 0; f < mesh->mNumFaces; ++f) {
      quads += mesh->mFaces[f].mNumIndices == 4 ? 1 : 0;
    }
    QVERIFY(mesh->HasNormals());
    QCOMPARE(mesh->mNumAnimMeshes, 0u);
    QCOMPARE(mesh->mNumBones, 0u);
    largest = std::max(largest, largestCoordinate(mesh));
  }
  QCOMPARE(vertices, kHeadVertices + kEyeVertices);
  QCOMPARE(faces, kHeadQuads + kEyeTriangles + kEyeQuads);
  QCOMPARE(quads, kHeadQuads + kEyeQuads);
  // Millimetres.
  QVERIFY2(std::abs(largest - (95 + 12)) < 1e-3f, qPrintable(QString::number(largest)));
}

void TestMeshExport::exportReplacesFiles() {
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "head.glb");
  sf::exportScene(makeScene(), path);
  sf::ExportScene eyeOnly = makeScene();
  eyeOnly.meshes.erase(eyeOnly.meshes.begin());
  sf::exportScene(eyeOnly, path);
  QCOMPARE(filesIn(dir), std::vector<std::string>{"head.glb"});
  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFile(path.string(), aiProcess_ValidateDataStructure);
  QVERIFY2(scene != nullptr, importer.GetErrorString());
  QCOMPARE(scene->mNumMeshes, 1u);
  QCOMPARE(QString(scene->mMeshes[0]->mName.C_Str()), QStringLiteral("eye_left"));
}

void TestMeshExport::badInputIsRejected_data() {
  QTest::addColumn<int>("index");
  const auto& cases = badSceneCases();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    QTest::newRow(cases[i].tag) << static_cast<int>(i);
  }
}

void TestMeshExport::badInputIsRejected() {
  QFETCH(int, index);
  const BadSceneCase& c = badSceneCases()[static_cast<std::size_t>(index)];
  sf::ExportScene scene = makeScene();
  c.edit(scene);
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "head.glb");
  try {
    sf::exportScene(scene, path);
    QFAIL("bad input was exported");
  } catch (const sf::Error& error) {
    const QString what = QString::fromStdString(error.what());
    QCOMPARE(QString::fromStdString(error.where().file), QString::fromStdString(path.string()));
    QCOMPARE(QString::fromStdString(error.where().pointer), QString(c.pointer));
    QVERIFY2(QString::fromStdString(error.message()).contains(c.fragment), qPrintable(what));
  }
  QVERIFY(filesIn(dir).empty());
}

void TestMeshExport::unsupportedExtensionIsRejected() {
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "head.fbx");
  try {
    sf::exportScene(makeScene(), path);
    QFAIL("an .fbx file was written");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.what()),
             QString::fromStdString(path.string() + ": cannot export to '.fbx' files: the "
                                                    "extension must be .glb, .gltf or .obj"));
  }
  QVERIFY(filesIn(dir).empty());
}

void TestMeshExport::missingFolderNamesTheFile() {
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "missing") / "head.glb";
  try {
    sf::exportScene(makeScene(), path);
    QFAIL("a file was written into a missing folder");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.where().file), QString::fromStdString(path.string()));
  }
}

QTEST_APPLESS_MAIN(TestMeshExport)
#include "test_mesh_export.moc"
