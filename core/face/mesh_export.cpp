#include "face/mesh_export.h"

#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

#include <assimp/material.h>
#include <assimp/mesh.h>
#include <assimp/scene.h>
#include <assimp/Exporter.hpp>
#include <assimp/IOStream.hpp>
#include <assimp/IOSystem.hpp>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace sf {

namespace {

/// The scene's root node; joints and meshes hang under it.
constexpr const char* kRootName = "SynthFace";
constexpr double kWeightSumTolerance = 1e-3;

enum class Format { Glb, Gltf, Obj };

std::string str(std::size_t value) {
  return std::to_string(value);
}

std::string str(int value) {
  return std::to_string(value);
}

bool isFinite(const Vec3f& v) {
  return std::isfinite(v.x()) && std::isfinite(v.y()) && std::isfinite(v.z());
}

bool isFinite(const Vec2f& v) {
  return std::isfinite(v.x()) && std::isfinite(v.y());
}

Format formatOf(const std::filesystem::path& path) {
  const std::string extension = toLower(path.extension().string());
  if (extension == ".glb") {
    return Format::Glb;
  }
  if (extension == ".gltf") {
    return Format::Gltf;
  }
  if (extension == ".obj") {
    return Format::Obj;
  }
  throw Error(SourceLocation::inFile(path.string()),
              "cannot export to '" + path.extension().string() +
                  "' files: the extension must be .glb, .gltf or .obj");
}

// ---------------------------------------------------------------------------------------
// Checking the input

/// Checks an ExportScene; failures throw sf::Error at a JSON-pointer-like path into it.
class SceneChecker {
public:
  SceneChecker(const ExportScene& scene, const std::string& file) : m_scene(scene), m_file(file) {}

  void run() {
    if (m_scene.meshes.empty()) {
      fail("/meshes", "nothing to export: the scene has no meshes");
    }
    checkJoints();
    std::unordered_map<std::string, std::size_t> names;
    for (std::size_t i = 0; i < m_scene.meshes.size(); ++i) {
      const ExportMesh& mesh = m_scene.meshes[i];
      const std::string path = "/meshes/" + str(i);
      if (mesh.name.empty()) {
        fail(path + "/name", "mesh " + str(i) + " has no name");
      }
      const auto [it, inserted] = names.emplace(mesh.name, i);
      if (!inserted) {
        fail(path + "/name",
             "mesh '" + mesh.name + "': name already used by meshes[" + str(it->second) + "]");
      }
      checkMesh(mesh, path, "mesh '" + mesh.name + "'");
    }
  }

private:
  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    throw Error(SourceLocation::atPointer(m_file, pointer), message);
  }

  void checkJoints() {
    std::unordered_map<std::string, std::size_t> names;
    for (std::size_t j = 0; j < m_scene.joints.size(); ++j) {
      const ExportJoint& joint = m_scene.joints[j];
      const std::string path = "/joints/" + str(j);
      const std::string what = "joint '" + joint.name + "'";
      if (joint.name.empty()) {
        fail(path + "/name", "joint " + str(j) + " has no name");
      }
      const auto [it, inserted] = names.emplace(joint.name, j);
      if (!inserted) {
        fail(path + "/name", what + ": name already used by joints[" + str(it->second) + "]");
      }
      // glTF node names must stay the joint names; Assimp gives these to other nodes first.
      const bool materialName = joint.name.rfind("material_", 0) == 0;
      if (joint.name == kRootName || materialName) {
        fail(path + "/name", what + ": the name is reserved (the root node is '" +
                                 std::string(kRootName) + "', materials are 'material_<n>')");
      }
      if (joint.parent < -1 || joint.parent >= static_cast<int>(j)) {
        fail(path + "/parent",
             what + ": parent " + str(joint.parent) + " must be -1 (a root) or an earlier joint");
      }
      if (!isFinite(joint.bindPosition)) {
        fail(path + "/bindPosition", what + ": bind position is not finite");
      }
    }
  }

  void checkMesh(const ExportMesh& input, const std::string& path, const std::string& what) {
    const PolyMesh& mesh = input.mesh;
    const std::size_t vertexCount = mesh.positions.size();
    if (vertexCount == 0 || mesh.faceSizes.empty()) {
      fail(path, what + ": the mesh is empty (" + str(vertexCount) + " vertices, " +
                     str(mesh.faceSizes.size()) + " faces)");
    }
    for (std::size_t v = 0; v < vertexCount; ++v) {
      if (!isFinite(mesh.positions[v])) {
        fail(path + "/positions/" + str(v), what + ": vertex " + str(v) + " is not finite");
      }
    }
    std::size_t corners = 0;
    for (std::size_t f = 0; f < mesh.faceSizes.size(); ++f) {
      if (mesh.faceSizes[f] != 3 && mesh.faceSizes[f] != 4) {
        fail(path + "/faces/" + str(f), what + ": face " + str(f) + " has " +
                                            str(mesh.faceSizes[f]) + " vertices, not 3 or 4");
      }
      corners += static_cast<std::size_t>(mesh.faceSizes[f]);
    }
    if (corners != mesh.faceIndices.size()) {
      fail(path + "/faceIndices", what + ": " + str(mesh.faceIndices.size()) +
                                      " face indices, but the face sizes add up to " +
                                      str(corners));
    }
    for (std::size_t c = 0; c < corners; ++c) {
      const int index = mesh.faceIndices[c];
      if (index < 0 || static_cast<std::size_t>(index) >= vertexCount) {
        fail(path + "/faceIndices/" + str(c), what + ": vertex index " + str(index) +
                                                  " out of range (0.." + str(vertexCount - 1) +
                                                  ")");
      }
    }
    if (!mesh.uvIndices.empty() && mesh.uvIndices.size() != corners) {
      fail(path + "/uvIndices", what + ": " + str(mesh.uvIndices.size()) + " UV indices for " +
                                    str(corners) + " face corners");
    }
    for (std::size_t c = 0; c < mesh.uvIndices.size(); ++c) {
      const int index = mesh.uvIndices[c];
      if (index < 0 || static_cast<std::size_t>(index) >= mesh.uvs.size()) {
        fail(path + "/uvIndices/" + str(c), what + ": UV index " + str(index) + " out of range (" +
                                                str(mesh.uvs.size()) + " UVs)");
      }
      if (!isFinite(mesh.uvs[static_cast<std::size_t>(index)])) {
        fail(path + "/uvs/" + str(index), what + ": UV " + str(index) + " is not finite");
      }
    }
    if (!input.normals.empty() && input.normals.size() != vertexCount) {
      fail(path + "/normals", what + ": " + str(input.normals.size()) + " normals for " +
                                  str(vertexCount) + " vertices");
    }
    for (std::size_t v = 0; v < input.normals.size(); ++v) {
      if (!isFinite(input.normals[v])) {
        fail(path + "/normals/" + str(v), what + ": normal " + str(v) + " is not finite");
      }
    }
    checkTargets(input, path, what);
    checkSkin(input, path, what);
  }

  void checkTargets(const ExportMesh& input, const std::string& path, const std::string& what) {
    const std::size_t vertexCount = input.mesh.positions.size();
    std::unordered_map<std::string, std::size_t> names;
    for (std::size_t t = 0; t < input.targets.size(); ++t) {
      const ExportMorphTarget& target = input.targets[t];
      const std::string targetPath = path + "/targets/" + str(t);
      if (target.name.empty()) {
        fail(targetPath + "/name", what + ": target " + str(t) + " has no name");
      }
      const auto [it, inserted] = names.emplace(target.name, t);
      if (!inserted) {
        fail(targetPath + "/name", what + ": target '" + target.name +
                                       "': name already used by targets[" + str(it->second) + "]");
      }
      if (target.deltas.size() != vertexCount) {
        fail(targetPath + "/deltas", what + ": target '" + target.name + "' has " +
                                         str(target.deltas.size()) + " deltas for " +
                                         str(vertexCount) + " vertices");
      }
      for (std::size_t v = 0; v < vertexCount; ++v) {
        if (!isFinite(target.deltas[v])) {
          fail(targetPath + "/deltas/" + str(v),
               what + ": target '" + target.name + "': delta " + str(v) + " is not finite");
        }
      }
    }
  }

  void checkSkin(const ExportMesh& input, const std::string& path, const std::string& what) {
    const std::size_t vertexCount = input.mesh.positions.size();
    if (input.skinJoints.empty() && input.skinWeights.empty()) {
      return;
    }
    if (input.skinJoints.size() != vertexCount || input.skinWeights.size() != vertexCount) {
      fail(path + "/skinJoints", what + ": skin has " + str(input.skinJoints.size()) +
                                     " joint and " + str(input.skinWeights.size()) +
                                     " weight entries for " + str(vertexCount) + " vertices");
    }
    const std::size_t jointCount = m_scene.joints.size();
    for (std::size_t v = 0; v < vertexCount; ++v) {
      double sum = 0;
      for (std::size_t k = 0; k < ExportMesh::kInfluences; ++k) {
        const int joint = input.skinJoints[v][k];
        const float weight = input.skinWeights[v][k];
        if (joint < 0 || static_cast<std::size_t>(joint) >= jointCount) {
          fail(path + "/skinJoints/" + str(v), what + ": vertex " + str(v) + ": joint " +
                                                   str(joint) + " out of range (" +
                                                   str(jointCount) + " joints)");
        }
        if (!std::isfinite(weight) || weight < 0) {
          fail(path + "/skinWeights/" + str(v),
               what + ": vertex " + str(v) + ": weight is not a number >= 0");
        }
        sum += weight;
      }
      if (std::abs(sum - 1.0) > kWeightSumTolerance) {
        fail(path + "/skinWeights/" + str(v), what + ": vertex " + str(v) + ": weights add up to " +
                                                  std::to_string(sum) + ", not 1");
      }
    }
  }

  const ExportScene& m_scene;
  const std::string& m_file;
};

// ---------------------------------------------------------------------------------------
// Building the Assimp scene

/// A mesh with one UV per vertex: vertices are split where their face-varying UVs differ.
struct SplitMesh {
  std::vector<int> source;        ///< per output vertex, its vertex in the input mesh
  std::vector<Vec2f> uvs;         ///< per output vertex; empty without UVs
  std::vector<unsigned> corners;  ///< per face corner, its output vertex
};

SplitMesh splitVertices(const PolyMesh& mesh) {
  SplitMesh split;
  const bool hasUvs = !mesh.uvIndices.empty();
  // (input vertex, UV bits) -> output vertex, in order of first use.
  std::map<std::tuple<int, std::uint32_t, std::uint32_t>, unsigned> outputOf;
  split.corners.reserve(mesh.faceIndices.size());
  for (std::size_t c = 0; c < mesh.faceIndices.size(); ++c) {
    const int vertex = mesh.faceIndices[c];
    const Vec2f uv = hasUvs ? mesh.uvs[static_cast<std::size_t>(mesh.uvIndices[c])] : Vec2f(0, 0);
    // Adding +0 turns -0 into +0, so equal UVs make equal keys.
    const auto key = std::make_tuple(vertex, std::bit_cast<std::uint32_t>(uv.x() + 0.0f),
                                     std::bit_cast<std::uint32_t>(uv.y() + 0.0f));
    const auto [it, inserted] = outputOf.emplace(key, static_cast<unsigned>(split.source.size()));
    if (inserted) {
      split.source.push_back(vertex);
      if (hasUvs) {
        split.uvs.push_back(uv);
      }
    }
    split.corners.push_back(it->second);
  }
  return split;
}

/// Area-weighted vertex normals (Newell's method per face), unit length.
std::vector<Vec3f> smoothNormals(const PolyMesh& mesh) {
  std::vector<Vec3f> normals(mesh.positions.size(), Vec3f::Zero());
  std::size_t offset = 0;
  for (const int faceSize : mesh.faceSizes) {
    const auto size = static_cast<std::size_t>(faceSize);
    Vec3f normal = Vec3f::Zero();
    for (std::size_t c = 0; c < size; ++c) {
      const Vec3f& a = mesh.positions[static_cast<std::size_t>(mesh.faceIndices[offset + c])];
      const Vec3f& b =
          mesh.positions[static_cast<std::size_t>(mesh.faceIndices[offset + (c + 1) % size])];
      normal += a.cross(b);
    }
    for (std::size_t c = 0; c < size; ++c) {
      normals[static_cast<std::size_t>(mesh.faceIndices[offset + c])] += normal;
    }
    offset += size;
  }
  for (Vec3f& normal : normals) {
    const float length = normal.norm();
    normal = length > 0 ? Vec3f(normal / length) : Vec3f(0, 0, 1);
  }
  return normals;
}

aiVector3D toAssimp(const Vec3f& v) {
  return aiVector3D(v.x(), v.y(), v.z());
}

aiMatrix4x4 translation(const Vec3f& offset) {
  aiMatrix4x4 matrix;  // identity
  matrix.a4 = offset.x();
  matrix.b4 = offset.y();
  matrix.c4 = offset.z();
  return matrix;
}

void setFace(aiFace& face, std::initializer_list<unsigned> indices) {
  face.mNumIndices = static_cast<unsigned>(indices.size());
  face.mIndices = new unsigned[indices.size()];
  std::copy(indices.begin(), indices.end(), face.mIndices);
}

aiMaterial* createMaterial(const std::string& name) {
  auto material = std::make_unique<aiMaterial>();
  const aiString materialName(name);
  material->AddProperty(&materialName, AI_MATKEY_NAME);
  const aiColor3D grey(0.8f, 0.8f, 0.8f);
  material->AddProperty(&grey, 1, AI_MATKEY_COLOR_DIFFUSE);
  return material.release();
}

/// One aiMesh: split vertices, scaled positions, normals, UVs, faces (triangulated for
/// glTF), and for glTF the targets and bones.
aiMesh* createMesh(const ExportMesh& input, unsigned materialIndex, const ExportScene& scene,
                   bool gltf, float scale) {
  const PolyMesh& poly = input.mesh;
  const SplitMesh split = splitVertices(poly);
  const std::vector<Vec3f> normals = input.normals.empty() ? smoothNormals(poly) : input.normals;
  const auto vertexCount = static_cast<unsigned>(split.source.size());

  auto mesh = std::make_unique<aiMesh>();
  mesh->mName = aiString(input.name);
  mesh->mMaterialIndex = materialIndex;
  mesh->mNumVertices = vertexCount;
  mesh->mVertices = new aiVector3D[vertexCount];
  mesh->mNormals = new aiVector3D[vertexCount];
  for (unsigned v = 0; v < vertexCount; ++v) {
    const auto source = static_cast<std::size_t>(split.source[v]);
    mesh->mVertices[v] = toAssimp(poly.positions[source] * scale);
    mesh->mNormals[v] = toAssimp(normals[source]);
  }
  if (!split.uvs.empty()) {
    mesh->mNumUVComponents[0] = 2;
    mesh->mTextureCoords[0] = new aiVector3D[vertexCount];
    for (unsigned v = 0; v < vertexCount; ++v) {
      mesh->mTextureCoords[0][v] = aiVector3D(split.uvs[v].x(), split.uvs[v].y(), 0);
    }
  }

  // Faces: glTF takes triangles only, so quads are cut along their 0-2 diagonal.
  const bool hasQuads = std::count(poly.faceSizes.begin(), poly.faceSizes.end(), 4) > 0;
  const bool hasTriangles = std::count(poly.faceSizes.begin(), poly.faceSizes.end(), 3) > 0;
  std::size_t faceCount = poly.faceSizes.size();
  if (gltf) {
    faceCount +=
        static_cast<std::size_t>(std::count(poly.faceSizes.begin(), poly.faceSizes.end(), 4));
  }
  mesh->mNumFaces = static_cast<unsigned>(faceCount);
  mesh->mFaces = new aiFace[faceCount];
  std::size_t face = 0;
  std::size_t offset = 0;
  for (const int size : poly.faceSizes) {
    const unsigned* c = split.corners.data() + offset;
    if (size == 3) {
      setFace(mesh->mFaces[face++], {c[0], c[1], c[2]});
    } else if (gltf) {
      setFace(mesh->mFaces[face++], {c[0], c[1], c[2]});
      setFace(mesh->mFaces[face++], {c[0], c[2], c[3]});
    } else {
      setFace(mesh->mFaces[face++], {c[0], c[1], c[2], c[3]});
    }
    offset += static_cast<std::size_t>(size);
  }
  const auto triangleType = static_cast<unsigned>(aiPrimitiveType_TRIANGLE);
  const auto polygonType = static_cast<unsigned>(aiPrimitiveType_POLYGON);
  mesh->mPrimitiveTypes =
      (gltf || hasTriangles ? triangleType : 0u) | (!gltf && hasQuads ? polygonType : 0u);
  if (!gltf) {
    return mesh.release();
  }

  // Morph targets: Assimp stores the target's absolute positions.
  if (!input.targets.empty()) {
    mesh->mNumAnimMeshes = static_cast<unsigned>(input.targets.size());
    mesh->mAnimMeshes = new aiAnimMesh*[input.targets.size()]();
    for (std::size_t t = 0; t < input.targets.size(); ++t) {
      const ExportMorphTarget& target = input.targets[t];
      auto* anim = new aiAnimMesh();
      mesh->mAnimMeshes[t] = anim;
      anim->mName = aiString(target.name);
      anim->mNumVertices = vertexCount;
      anim->mVertices = new aiVector3D[vertexCount];
      for (unsigned v = 0; v < vertexCount; ++v) {
        const auto source = static_cast<std::size_t>(split.source[v]);
        anim->mVertices[v] = toAssimp((poly.positions[source] + target.deltas[source]) * scale);
      }
    }
  }

  // Skin: one bone per joint of the scene, so every skinned mesh shares one glTF skin.
  if (!input.skinJoints.empty() && !scene.joints.empty()) {
    std::vector<std::vector<aiVertexWeight>> weightsOf(scene.joints.size());
    for (unsigned v = 0; v < vertexCount; ++v) {
      const auto source = static_cast<std::size_t>(split.source[v]);
      for (std::size_t k = 0; k < ExportMesh::kInfluences; ++k) {
        const float weight = input.skinWeights[source][k];
        if (weight <= 0) {
          continue;
        }
        std::vector<aiVertexWeight>& list =
            weightsOf[static_cast<std::size_t>(input.skinJoints[source][k])];
        // A joint named in two slots of one vertex gets their sum.
        if (!list.empty() && list.back().mVertexId == v) {
          list.back().mWeight += weight;
        } else {
          list.emplace_back(v, weight);
        }
      }
    }
    mesh->mNumBones = static_cast<unsigned>(scene.joints.size());
    mesh->mBones = new aiBone*[scene.joints.size()]();
    for (std::size_t j = 0; j < scene.joints.size(); ++j) {
      auto* bone = new aiBone();
      mesh->mBones[j] = bone;
      bone->mName = aiString(scene.joints[j].name);
      // Bind pose: a pure translation, so its inverse moves back by the bind position.
      bone->mOffsetMatrix = translation(-scene.joints[j].bindPosition * scale);
      const std::vector<aiVertexWeight>& list = weightsOf[j];
      if (!list.empty()) {
        bone->mNumWeights = static_cast<unsigned>(list.size());
        bone->mWeights = new aiVertexWeight[list.size()];
        std::copy(list.begin(), list.end(), bone->mWeights);
      }
    }
  }
  return mesh.release();
}

/// Gives `parent` these children (which it then owns).
void attachChildren(aiNode* parent, std::vector<std::unique_ptr<aiNode>>& children) {
  if (children.empty()) {
    return;
  }
  parent->mNumChildren = static_cast<unsigned>(children.size());
  parent->mChildren = new aiNode*[children.size()];
  for (std::size_t i = 0; i < children.size(); ++i) {
    children[i]->mParent = parent;
    parent->mChildren[i] = children[i].release();
  }
}

/// The root "SynthFace" with the joint hierarchy (glTF only) first, then one node per mesh.
/// Joints come first so that Assimp's glTF exporter names their nodes exactly as the joints.
aiNode* createNodes(const ExportScene& input, bool withJoints, float scale) {
  auto root = std::make_unique<aiNode>(kRootName);
  std::vector<std::unique_ptr<aiNode>> rootChildren;
  if (withJoints) {
    const std::size_t jointCount = input.joints.size();
    std::vector<std::unique_ptr<aiNode>> nodes;
    for (const ExportJoint& joint : input.joints) {
      auto node = std::make_unique<aiNode>(joint.name);
      const Vec3f parentPosition =
          joint.parent < 0 ? Vec3f(0, 0, 0)
                           : input.joints[static_cast<std::size_t>(joint.parent)].bindPosition;
      node->mTransformation = translation((joint.bindPosition - parentPosition) * scale);
      nodes.push_back(std::move(node));
    }
    // Parents come first, so children are attached before their parents move.
    std::vector<std::vector<std::unique_ptr<aiNode>>> children(jointCount);
    for (std::size_t j = jointCount; j-- > 0;) {
      attachChildren(nodes[j].get(), children[j]);
      const int parent = input.joints[j].parent;
      if (parent >= 0) {
        children[static_cast<std::size_t>(parent)].insert(
            children[static_cast<std::size_t>(parent)].begin(), std::move(nodes[j]));
      }
    }
    for (std::size_t j = 0; j < jointCount; ++j) {
      if (input.joints[j].parent < 0) {
        rootChildren.push_back(std::move(nodes[j]));
      }
    }
  }
  for (std::size_t i = 0; i < input.meshes.size(); ++i) {
    auto node = std::make_unique<aiNode>(input.meshes[i].name);
    node->mNumMeshes = 1;
    node->mMeshes = new unsigned[1]{static_cast<unsigned>(i)};
    rootChildren.push_back(std::move(node));
  }
  attachChildren(root.get(), rootChildren);
  return root.release();
}

std::unique_ptr<aiScene> createScene(const ExportScene& input, Format format) {
  const bool gltf = format != Format::Obj;
  const float scale = gltf ? kGltfMetresPerMillimetre : 1.0f;
  auto scene = std::make_unique<aiScene>();
  const std::size_t meshCount = input.meshes.size();
  // The arrays are the scene's from the start, so a failure half way frees them.
  scene->mMaterials = new aiMaterial*[meshCount]();
  scene->mNumMaterials = static_cast<unsigned>(meshCount);
  scene->mMeshes = new aiMesh*[meshCount]();
  scene->mNumMeshes = static_cast<unsigned>(meshCount);
  for (std::size_t i = 0; i < meshCount; ++i) {
    scene->mMaterials[i] = createMaterial(input.meshes[i].name);
    scene->mMeshes[i] = createMesh(input.meshes[i], static_cast<unsigned>(i), input, gltf, scale);
  }
  scene->mRootNode = createNodes(input, gltf, scale);
  return scene;
}

// ---------------------------------------------------------------------------------------
// Capturing Assimp's output, to write it atomically

/// A file Assimp writes into memory.
class MemoryStream : public Assimp::IOStream {
public:
  explicit MemoryStream(std::string& bytes) : m_bytes(bytes) {}

  size_t Read(void*, size_t, size_t) override { return 0; }

  size_t Write(const void* buffer, size_t size, size_t count) override {
    const std::size_t length = size * count;
    if (length == 0 || length / count != size) {
      return 0;
    }
    if (m_position + length > m_bytes.size()) {
      m_bytes.resize(m_position + length, '\0');
    }
    std::memcpy(m_bytes.data() + m_position, buffer, length);
    m_position += length;
    return count;
  }

  aiReturn Seek(size_t offset, aiOrigin origin) override {
    switch (origin) {
      case aiOrigin_SET: m_position = offset; return aiReturn_SUCCESS;
      case aiOrigin_CUR: m_position += offset; return aiReturn_SUCCESS;
      case aiOrigin_END: m_position = m_bytes.size() + offset; return aiReturn_SUCCESS;
      default: return aiReturn_FAILURE;
    }
  }

  size_t Tell() const override { return m_position; }
  size_t FileSize() const override { return m_bytes.size(); }
  void Flush() override {}

private:
  std::string& m_bytes;
  std::size_t m_position = 0;
};

/// The files of one export, by the path Assimp gave, in the order it opened them.
struct CapturedFiles {
  std::map<std::string, std::string> bytes;
  std::vector<std::string> order;
};

/// An Assimp file system that writes into CapturedFiles and reads nothing.
class CaptureSystem : public Assimp::IOSystem {
public:
  explicit CaptureSystem(CapturedFiles& files) : m_files(files) {}

  using Assimp::IOSystem::Exists;
  using Assimp::IOSystem::Open;

  bool Exists(const char* file) const override { return m_files.bytes.count(file) > 0; }
  char getOsSeparator() const override { return '/'; }

  Assimp::IOStream* Open(const char* file, const char* mode) override {
    if (std::strchr(mode, 'w') == nullptr) {
      return nullptr;
    }
    const auto [it, inserted] = m_files.bytes.try_emplace(file);
    if (inserted) {
      m_files.order.push_back(file);
    }
    it->second.clear();
    return new MemoryStream(it->second);
  }

  void Close(Assimp::IOStream* stream) override { delete stream; }

private:
  CapturedFiles& m_files;
};

}  // namespace

void exportScene(const ExportScene& scene, const std::filesystem::path& path) {
  const std::string file = path.string();
  const Format format = formatOf(path);
  SceneChecker(scene, file).run();
  const std::unique_ptr<aiScene> assimpScene = createScene(scene, format);

  CapturedFiles files;
  {
    Assimp::Exporter exporter;
    exporter.SetIOHandler(new CaptureSystem(files));  // the exporter owns it
    Assimp::ExportProperties properties;
    // Target names go to the mesh's extras.targetNames, where Blender finds them.
    properties.SetPropertyBool("GLTF2_TARGETNAMES_EXP", true);
    const char* formatId = format == Format::Glb    ? "glb2"
                           : format == Format::Gltf ? "gltf2"
                                                    : "obj";
    if (exporter.Export(assimpScene.get(), formatId, file, 0, &properties) != aiReturn_SUCCESS) {
      throw Error(SourceLocation::inFile(file),
                  std::string("export failed: ") + exporter.GetErrorString());
    }
  }

  // Side files first, so that the new main file never names a missing or stale one.
  const auto mainFile = files.bytes.find(file);
  if (mainFile == files.bytes.end()) {
    throw Error(SourceLocation::inFile(file), "export failed: Assimp wrote no file");
  }
  for (const std::string& name : files.order) {
    if (name != file) {
      writeFileAtomically(name, files.bytes[name]);
    }
  }
  writeFileAtomically(file, mainFile->second);
}

}  // namespace sf
