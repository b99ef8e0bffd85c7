#include "face/io/rig_import.h"

#include "face/registration.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <assimp/config.h>
#include <assimp/mesh.h>
#include <assimp/metadata.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <assimp/Importer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace sf {

namespace fs = std::filesystem;

namespace {

using nlohmann::ordered_json;

/// Morph offsets shorter than this (millimetres) are dropped.
constexpr float kSmallestDelta = 1e-4f;
/// An eye joint's pivot from the file is used when it lies this close (millimetres) to the
/// fitted eyeball's centre; the eyeball then moves onto it.
constexpr float kEyePivotReach = 5.0f;

std::string str(std::size_t value) {
  return std::to_string(value);
}

std::string str(int value) {
  return std::to_string(value);
}

std::string str(unsigned value) {
  return std::to_string(value);
}

/// " (did you mean 'x'?)" or "".
std::string didYouMean(std::string_view word, std::span<const std::string> candidates) {
  const std::string match = closestMatch(word, candidates);
  return match.empty() ? std::string() : " (did you mean '" + match + "'?)";
}

std::string coordinates(float x, float y, float z) {
  std::ostringstream text;
  text << "(" << x << ", " << y << ", " << z << ")";
  return text.str();
}

/// "'a', 'b', 'c' and 12 more": at most `shown` of the names, quoted.
std::string someNames(const std::vector<std::string>& names, std::size_t shown = 8) {
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) {
    text += (i == 0 ? "" : ", ") + singleQuoted(names[i]);
  }
  if (names.size() > shown) {
    text += " and " + std::to_string(names.size() - shown) + " more";
  }
  return text;
}

void report(const RigImportOptions& options, const std::string& line) {
  if (options.progress) {
    options.progress(line);
  }
}

// ---------------------------------------------------------------------------------------
// The sidecar

/// One morph target the sidecar imports.
struct TargetChoice {
  std::string fileName;   ///< the target's name in the file
  std::string modelName;  ///< the name in the model; empty: derived from fileName
  std::string group;      ///< empty: the default
  std::optional<float> sigma;
  std::string pointer;
};

struct JointChoice {
  std::string joint;  ///< SynthFace joint
  std::string node;   ///< the file's node
  std::string pointer;
};

struct LandmarkChoice {
  std::string name;
  Vec3f position{0, 0, 0};  ///< file units and axes
  std::string pointer;
};

struct Sidecar {
  std::string file;  ///< empty: there is none
  std::optional<std::string> name;
  std::optional<std::string> license;
  std::optional<std::string> author;
  std::vector<std::string> surface;
  std::optional<float> unitsInMillimetres;
  std::optional<Vec3f> up;
  std::optional<Vec3f> forward;
  bool keepUvs = false;
  bool listsTargets = false;  ///< has "identity" or "expressions"
  std::vector<TargetChoice> identity;
  std::vector<TargetChoice> expressions;
  bool listsJoints = false;
  std::vector<JointChoice> joints;
  std::vector<LandmarkChoice> landmarks;

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    throw Error(SourceLocation::atPointer(file, pointer), message);
  }
};

/// Reads and checks the sidecar's structure; names are checked against the file later.
class SidecarReader {
public:
  explicit SidecarReader(Sidecar& sidecar) : m_sidecar(sidecar) {}

  void read(const fs::path& path) {
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
      throw Error(SourceLocation::inFile(m_sidecar.file),
                  fs::exists(path, error) ? "not a file" : "no such file");
    }
    const std::string text = readFile(path);
    ordered_json root;
    try {
      root = ordered_json::parse(text);
    } catch (const ordered_json::parse_error& parseError) {
      // nlohmann's messages start with "[json.exception.parse_error.101] ".
      std::string message = parseError.what();
      const std::size_t bracket = message.find("] ");
      if (bracket != std::string::npos) {
        message.erase(0, bracket + 2);
      }
      throw Error(SourceLocation::inFile(m_sidecar.file), "malformed JSON: " + message);
    }
    if (!root.is_object()) {
      fail("", "expected an object, got " + describeJson(root));
    }
    expectKeys(root, "",
               {"name", "license", "author", "surface", "unitsInMillimetres", "up", "forward",
                "keepUvs", "identity", "expressions", "joints", "landmarks"});
    for (const auto& [key, value] : root.items()) {
      const std::string pointer = "/" + escapePointerToken(key);
      if (key == "name" || key == "license" || key == "author") {
        std::string text = string(value, pointer);
        if (text.empty()) {
          fail(pointer, "must not be empty");
        }
        (key == "name"      ? m_sidecar.name
         : key == "license" ? m_sidecar.license
                            : m_sidecar.author) = std::move(text);
      } else if (key == "surface") {
        readSurface(value, pointer);
      } else if (key == "unitsInMillimetres") {
        if (!value.is_number() || !(value.get<double>() > 0) ||
            !std::isfinite(value.get<double>())) {
          fail(pointer, "expected a positive number (millimetres per file unit), got " +
                            describeJson(value));
        }
        m_sidecar.unitsInMillimetres = value.get<float>();
      } else if (key == "up" || key == "forward") {
        (key == "up" ? m_sidecar.up : m_sidecar.forward) = axis(value, pointer);
      } else if (key == "keepUvs") {
        if (!value.is_boolean()) {
          fail(pointer, "expected true or false, got " + describeJson(value));
        }
        m_sidecar.keepUvs = value.get<bool>();
      } else if (key == "identity" || key == "expressions") {
        m_sidecar.listsTargets = true;
        readTargets(value, pointer, key == "identity",
                    key == "identity" ? m_sidecar.identity : m_sidecar.expressions);
      } else if (key == "joints") {
        readJoints(value, pointer);
      } else if (key == "landmarks") {
        readLandmarks(value, pointer);
      }
    }
    if (m_sidecar.up && m_sidecar.forward &&
        std::abs(m_sidecar.up->dot(*m_sidecar.forward)) > 0.5f) {
      fail("/forward", "must be perpendicular to \"up\"");
    }
  }

private:
  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    if (pointer.empty()) {
      throw Error(SourceLocation::inFile(m_sidecar.file), message);
    }
    m_sidecar.fail(pointer, message);
  }

  void expectKeys(const ordered_json& object, const std::string& pointer,
                  const std::vector<std::string>& known) const {
    for (const auto& [key, value] : object.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail(pointer + "/" + escapePointerToken(key),
             "unknown key " + singleQuoted(key) + didYouMean(key, known));
      }
    }
  }

  std::string string(const ordered_json& value, const std::string& pointer) const {
    if (!value.is_string()) {
      fail(pointer, "expected a string, got " + describeJson(value));
    }
    return value.get<std::string>();
  }

  Vec3f axis(const ordered_json& value, const std::string& pointer) const {
    static const std::vector<std::string> names = {"+x", "-x", "+y", "-y", "+z", "-z"};
    const std::string text = toLower(string(value, pointer));
    const std::string full = text.size() == 1 ? "+" + text : text;
    const auto it = std::find(names.begin(), names.end(), full);
    if (it == names.end()) {
      fail(pointer, "expected one of \"+x\", \"-x\", \"+y\", \"-y\", \"+z\", \"-z\", got " +
                        describeJson(value));
    }
    Vec3f result = Vec3f::Zero();
    result[static_cast<int>(it - names.begin()) / 2] = full[0] == '-' ? -1.0f : 1.0f;
    return result;
  }

  void readSurface(const ordered_json& value, const std::string& pointer) {
    if (!value.is_array() || value.empty()) {
      fail(pointer, "expected a non-empty array of mesh names, got " + describeJson(value));
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      m_sidecar.surface.push_back(string(value[i], pointer + "/" + str(i)));
    }
  }

  void readTargetOptions(TargetChoice& choice, const ordered_json& value,
                         const std::string& pointer, bool identity) const {
    if (!value.is_object()) {
      fail(pointer, "expected an object of options, got " + describeJson(value));
    }
    expectKeys(value, pointer,
               identity ? std::vector<std::string>{"group", "sigma", "name"}
                        : std::vector<std::string>{"group", "name"});
    for (const auto& [key, item] : value.items()) {
      const std::string itemPointer = pointer + "/" + escapePointerToken(key);
      if (key == "sigma") {
        if (!item.is_number() || !(item.get<double>() > 0) || !std::isfinite(item.get<double>())) {
          fail(itemPointer,
               "expected a positive number (millimetres of one standard "
               "deviation), got " +
                   describeJson(item));
        }
        choice.sigma = item.get<float>();
      } else {
        std::string text = string(item, itemPointer);
        if (text.empty()) {
          fail(itemPointer, "must not be empty");
        }
        (key == "group" ? choice.group : choice.modelName) = std::move(text);
      }
    }
  }

  void readTargets(const ordered_json& value, const std::string& pointer, bool identity,
                   std::vector<TargetChoice>& choices) {
    const auto add = [&](const std::string& name, const ordered_json* options,
                         const std::string& itemPointer) {
      TargetChoice choice;
      choice.fileName = name;
      choice.pointer = itemPointer;
      if (options != nullptr) {
        readTargetOptions(choice, *options, itemPointer, identity);
      }
      choices.push_back(std::move(choice));
    };
    if (value.is_object()) {
      for (const auto& [name, options] : value.items()) {
        add(name, &options, pointer + "/" + escapePointerToken(name));
      }
      return;
    }
    if (!value.is_array()) {
      fail(pointer,
           "expected an array of morph target names or an object of name -> "
           "options, got " +
               describeJson(value));
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      const ordered_json& item = value[i];
      const std::string itemPointer = pointer + "/" + str(i);
      if (item.is_string()) {
        add(item.get<std::string>(), nullptr, itemPointer);
      } else if (item.is_object() && item.size() == 1) {
        const auto entry = item.items().begin();
        add(entry.key(), &entry.value(), itemPointer + "/" + escapePointerToken(entry.key()));
      } else {
        fail(itemPointer,
             "expected a morph target name or {\"name\": {options}}, got " + describeJson(item));
      }
    }
  }

  void readJoints(const ordered_json& value, const std::string& pointer) {
    if (!value.is_object()) {
      fail(pointer,
           "expected an object of SynthFace joint -> the file's joint, got " + describeJson(value));
    }
    m_sidecar.listsJoints = true;
    for (const auto& [joint, node] : value.items()) {
      const std::string itemPointer = pointer + "/" + escapePointerToken(joint);
      m_sidecar.joints.push_back({joint, string(node, itemPointer), itemPointer});
    }
  }

  void readLandmarks(const ordered_json& value, const std::string& pointer) {
    if (!value.is_object()) {
      fail(pointer, "expected an object of landmark name -> [x, y, z], got " + describeJson(value));
    }
    for (const auto& [name, position] : value.items()) {
      const std::string itemPointer = pointer + "/" + escapePointerToken(name);
      const bool numbers = position.is_array() && position.size() == 3 &&
                           std::all_of(position.begin(), position.end(), [](const auto& x) {
                             return x.is_number() && std::isfinite(x.template get<double>());
                           });
      if (!numbers) {
        fail(itemPointer,
             "expected [x, y, z] (three finite numbers), got " + describeJson(position));
      }
      m_sidecar.landmarks.push_back(
          {name,
           Vec3f(position[0].get<float>(), position[1].get<float>(), position[2].get<float>()),
           itemPointer});
    }
  }

  Sidecar& m_sidecar;
};

// ---------------------------------------------------------------------------------------
// glTF checks Assimp leaves out

/// The JSON of a .gltf or .glb file, or null when it is not there to read (Assimp then
/// reports the problem). Throws for a .glb shorter than its header says.
ordered_json gltfJson(const fs::path& path, const std::string& file, bool binary) {
  std::ifstream stream(path, std::ios::binary);
  if (!binary) {
    std::ostringstream text;
    text << stream.rdbuf();
    ordered_json json = ordered_json::parse(text.str(), nullptr, false);
    return json.is_discarded() ? ordered_json() : json;
  }
  std::error_code error;
  const auto size = static_cast<std::uint64_t>(fs::file_size(path, error));
  std::array<std::uint32_t, 5> header{};  // magic, version, length, chunk length, chunk type
  if (error || !stream.read(reinterpret_cast<char*>(header.data()), sizeof(header))) {
    return {};
  }
  constexpr std::uint32_t kMagic = 0x46546C67;      // "glTF"
  constexpr std::uint32_t kJsonChunk = 0x4E4F534A;  // "JSON"
  if (header[0] != kMagic || header[4] != kJsonChunk) {
    return {};
  }
  if (header[2] > size || sizeof(header) + std::uint64_t{header[3]} > size) {
    throw Error(SourceLocation::inFile(file), "the file is truncated: its header gives " +
                                                  std::to_string(header[2]) +
                                                  " bytes, the file has " + std::to_string(size));
  }
  std::string text(header[3], '\0');
  if (!stream.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    return {};
  }
  ordered_json json = ordered_json::parse(text, nullptr, false);
  return json.is_discarded() ? ordered_json() : json;
}

/// Checks that every morph target has as many positions as its mesh: Assimp's glTF reader
/// does not, and reads past a short accessor.
void checkGltfTargets(const fs::path& path, const std::string& file, bool binary) {
  const ordered_json json = gltfJson(path, file, binary);
  if (!json.is_object() || !json.contains("meshes") || !json.contains("accessors") ||
      !json["meshes"].is_array() || !json["accessors"].is_array()) {
    return;
  }
  const ordered_json& accessors = json["accessors"];
  const auto countOf = [&](const ordered_json& index) -> std::optional<std::uint64_t> {
    if (!index.is_number_unsigned() || index.get<std::uint64_t>() >= accessors.size()) {
      return std::nullopt;
    }
    const ordered_json& accessor = accessors[index.get<std::size_t>()];
    if (!accessor.is_object() || !accessor.contains("count") ||
        !accessor["count"].is_number_unsigned()) {
      return std::nullopt;
    }
    return accessor["count"].get<std::uint64_t>();
  };
  const ordered_json& meshes = json["meshes"];
  for (std::size_t m = 0; m < meshes.size(); ++m) {
    const ordered_json& mesh = meshes[m];
    if (!mesh.is_object() || !mesh.contains("primitives") || !mesh["primitives"].is_array()) {
      continue;
    }
    const std::string meshName =
        mesh.contains("name") && mesh["name"].is_string() ? mesh["name"].get<std::string>() : "";
    const ordered_json* targetNames = nullptr;
    if (mesh.contains("extras") && mesh["extras"].is_object() &&
        mesh["extras"].contains("targetNames") && mesh["extras"]["targetNames"].is_array()) {
      targetNames = &mesh["extras"]["targetNames"];
    }
    const ordered_json& primitives = mesh["primitives"];
    for (std::size_t p = 0; p < primitives.size(); ++p) {
      const ordered_json& primitive = primitives[p];
      if (!primitive.is_object() || !primitive.contains("attributes") ||
          !primitive["attributes"].is_object() || !primitive["attributes"].contains("POSITION") ||
          !primitive.contains("targets") || !primitive["targets"].is_array()) {
        continue;
      }
      const std::optional<std::uint64_t> count = countOf(primitive["attributes"]["POSITION"]);
      const ordered_json& targets = primitive["targets"];
      for (std::size_t t = 0; t < targets.size() && count; ++t) {
        if (!targets[t].is_object() || !targets[t].contains("POSITION")) {
          continue;
        }
        const std::optional<std::uint64_t> targetCount = countOf(targets[t]["POSITION"]);
        if (targetCount && *targetCount != *count) {
          std::string name = "target " + str(t);
          if (targetNames != nullptr && t < targetNames->size() && (*targetNames)[t].is_string()) {
            name = singleQuoted((*targetNames)[t].get<std::string>());
          }
          throw Error(
              SourceLocation::atPointer(file, "/meshes/" + str(m) + "/primitives/" + str(p) +
                                                  "/targets/" + str(t) + "/POSITION"),
              "mesh " + singleQuoted(meshName) + ": morph " + name + " has " +
                  std::to_string(*targetCount) + " positions, the mesh has " +
                  std::to_string(*count));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// The scene

Eigen::Affine3f toEigen(const aiMatrix4x4& m) {
  Eigen::Matrix4f matrix;
  matrix << m.a1, m.a2, m.a3, m.a4, m.b1, m.b2, m.b3, m.b4, m.c1, m.c2, m.c3, m.c4, m.d1, m.d2,
      m.d3, m.d4;
  Eigen::Affine3f affine;
  affine.matrix() = matrix;
  return affine;
}

Vec3f toEigen(const aiVector3D& v) {
  return Vec3f(v.x, v.y, v.z);
}

bool isFinite(const aiVector3D& v) {
  return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

/// The node tree in depth-first order, with global transforms, and where each mesh hangs.
struct SceneIndex {
  std::vector<const aiNode*> nodes;
  std::unordered_map<const aiNode*, Eigen::Affine3f> global;
  std::vector<const aiNode*> nodeOfMesh;  ///< per mesh, the first node that draws it
  std::set<std::string> boneNames;        ///< bones of any mesh

  explicit SceneIndex(const aiScene& scene) : nodeOfMesh(scene.mNumMeshes, nullptr) {
    if (scene.mRootNode != nullptr) {
      visit(scene.mRootNode, Eigen::Affine3f::Identity());
    }
    for (unsigned m = 0; m < scene.mNumMeshes; ++m) {
      const aiMesh* mesh = scene.mMeshes[m];
      for (unsigned b = 0; b < mesh->mNumBones; ++b) {
        boneNames.insert(mesh->mBones[b]->mName.C_Str());
      }
    }
  }

  const aiNode* find(const std::string& name) const {
    for (const aiNode* node : nodes) {
      if (name == node->mName.C_Str()) {
        return node;
      }
    }
    return nullptr;
  }

  std::vector<std::string> nodeNames() const {
    std::vector<std::string> names;
    for (const aiNode* node : nodes) {
      names.emplace_back(node->mName.C_Str());
    }
    return names;
  }

private:
  void visit(const aiNode* node, const Eigen::Affine3f& parent) {
    const Eigen::Affine3f transform = parent * toEigen(node->mTransformation);
    nodes.push_back(node);
    global.emplace(node, transform);
    for (unsigned i = 0; i < node->mNumMeshes; ++i) {
      const unsigned mesh = node->mMeshes[i];
      if (mesh < nodeOfMesh.size() && nodeOfMesh[mesh] == nullptr) {
        nodeOfMesh[mesh] = node;
      }
    }
    for (unsigned i = 0; i < node->mNumChildren; ++i) {
      visit(node->mChildren[i], transform);
    }
  }
};

/// "mesh 2 'Head'".
std::string meshLabel(const aiScene& scene, unsigned mesh) {
  return "mesh " + str(mesh) + " " + singleQuoted(scene.mMeshes[mesh]->mName.C_Str());
}

/// The meshes that form the head surface, in order.
std::vector<unsigned> surfaceMeshes(const aiScene& scene, const SceneIndex& index,
                                    const Sidecar& sidecar) {
  std::vector<unsigned> selected;
  if (sidecar.surface.empty()) {
    std::size_t most = 0;
    for (unsigned m = 0; m < scene.mNumMeshes; ++m) {
      const aiMesh* mesh = scene.mMeshes[m];
      std::size_t faces = 0;
      for (unsigned f = 0; f < mesh->mNumFaces; ++f) {
        faces += mesh->mFaces[f].mNumIndices >= 3 ? 1 : 0;
      }
      if (selected.empty() || faces > most) {
        selected = {m};
        most = faces;
      }
    }
    return selected;
  }
  for (std::size_t i = 0; i < sidecar.surface.size(); ++i) {
    const std::string& name = sidecar.surface[i];
    std::vector<unsigned> found;
    for (unsigned m = 0; m < scene.mNumMeshes; ++m) {
      if (name == scene.mMeshes[m]->mName.C_Str()) {
        found.push_back(m);
      }
    }
    if (found.empty()) {
      for (const aiNode* node : index.nodes) {
        if (name == node->mName.C_Str()) {
          found.insert(found.end(), node->mMeshes, node->mMeshes + node->mNumMeshes);
        }
      }
    }
    if (found.empty()) {
      std::vector<std::string> names = index.nodeNames();
      for (unsigned m = 0; m < scene.mNumMeshes; ++m) {
        names.emplace_back(scene.mMeshes[m]->mName.C_Str());
      }
      sidecar.fail("/surface/" + str(i),
                   "the file has no mesh or node " + singleQuoted(name) + didYouMean(name, names));
    }
    for (const unsigned m : found) {
      if (m < scene.mNumMeshes &&
          std::find(selected.begin(), selected.end(), m) == selected.end()) {
        selected.push_back(m);
      }
    }
  }
  return selected;
}

// ---------------------------------------------------------------------------------------
// Welding

/// A float's bits, with -0 made +0, so that equal values compare equal.
std::uint32_t bits(float value) {
  return std::bit_cast<std::uint32_t>(value + 0.0f);
}

/// Per vertex of an aiMesh: the bones' weights, (bone, weight) by bone.
using BoneWeights = std::vector<std::vector<std::pair<unsigned, float>>>;

BoneWeights boneWeights(const aiMesh& mesh) {
  BoneWeights weights(mesh.mNumVertices);
  for (unsigned b = 0; b < mesh.mNumBones; ++b) {
    const aiBone& bone = *mesh.mBones[b];
    for (unsigned w = 0; w < bone.mNumWeights; ++w) {
      const aiVertexWeight& weight = bone.mWeights[w];
      if (weight.mVertexId < mesh.mNumVertices && weight.mWeight > 0.0f) {
        weights[weight.mVertexId].emplace_back(b, weight.mWeight);
      }
    }
  }
  for (auto& list : weights) {
    std::sort(list.begin(), list.end());
  }
  return weights;
}

/// Compares the vertices of one aiMesh exactly.
class VertexCompare {
public:
  VertexCompare(const aiMesh& mesh, const BoneWeights& weights)
      : m_mesh(mesh), m_weights(weights) {}

  /// Equal position, morph positions and weights: the same point of the surface.
  bool sameGeometry(unsigned a, unsigned b) const {
    if (!same(m_mesh.mVertices[a], m_mesh.mVertices[b])) {
      return false;
    }
    for (unsigned t = 0; t < m_mesh.mNumAnimMeshes; ++t) {
      const aiAnimMesh& anim = *m_mesh.mAnimMeshes[t];
      if (anim.mVertices != nullptr && !same(anim.mVertices[a], anim.mVertices[b])) {
        return false;
      }
    }
    const auto& wa = m_weights[a];
    const auto& wb = m_weights[b];
    return wa.size() == wb.size() &&
           std::equal(wa.begin(), wa.end(), wb.begin(), [](const auto& x, const auto& y) {
             return x.first == y.first && bits(x.second) == bits(y.second);
           });
  }

  /// sameGeometry() and equal normal and UVs: copies of one vertex of the file's topology.
  /// Equal normals, or no normals to tell them apart by (then false: do not join).
  bool sameNormal(unsigned a, unsigned b) const {
    return m_mesh.mNormals != nullptr && same(m_mesh.mNormals[a], m_mesh.mNormals[b]);
  }

  bool sameVertex(unsigned a, unsigned b) const {
    if (m_mesh.mNormals != nullptr && !same(m_mesh.mNormals[a], m_mesh.mNormals[b])) {
      return false;
    }
    for (unsigned c = 0; c < AI_MAX_NUMBER_OF_TEXTURECOORDS; ++c) {
      if (m_mesh.mTextureCoords[c] != nullptr &&
          !same(m_mesh.mTextureCoords[c][a], m_mesh.mTextureCoords[c][b])) {
        return false;
      }
    }
    return sameGeometry(a, b);
  }

  std::uint64_t hash(unsigned v) const {
    std::uint64_t hash = 14695981039346656037ull;
    const auto mix = [&](const aiVector3D& p) {
      for (const float x : {p.x, p.y, p.z}) {
        hash = (hash ^ bits(x)) * 1099511628211ull;
      }
    };
    mix(m_mesh.mVertices[v]);
    if (m_mesh.mNormals != nullptr) {
      mix(m_mesh.mNormals[v]);
    }
    if (m_mesh.mTextureCoords[0] != nullptr) {
      mix(m_mesh.mTextureCoords[0][v]);
    }
    return hash;
  }

  std::array<std::uint32_t, 3> positionKey(unsigned v) const {
    const aiVector3D& p = m_mesh.mVertices[v];
    return {bits(p.x), bits(p.y), bits(p.z)};
  }

private:
  static bool same(const aiVector3D& a, const aiVector3D& b) {
    return bits(a.x) == bits(b.x) && bits(a.y) == bits(b.y) && bits(a.z) == bits(b.z);
  }

  const aiMesh& m_mesh;
  const BoneWeights& m_weights;
};

struct PositionKeyHash {
  std::size_t operator()(const std::array<std::uint32_t, 3>& key) const {
    std::uint64_t hash = 14695981039346656037ull;
    for (const std::uint32_t word : key) {
      hash = (hash ^ word) * 1099511628211ull;
    }
    return static_cast<std::size_t>(hash);
  }
};

/// Union-find over integers.
class DisjointSets {
public:
  int add() {
    m_parent.push_back(static_cast<int>(m_parent.size()));
    return m_parent.back();
  }
  int find(int x) {
    while (m_parent[static_cast<std::size_t>(x)] != x) {
      int& parent = m_parent[static_cast<std::size_t>(x)];
      parent = m_parent[static_cast<std::size_t>(parent)];
      x = parent;
    }
    return x;
  }
  void join(int a, int b) {
    a = find(a);
    b = find(b);
    if (a != b) {
      m_parent[static_cast<std::size_t>(std::max(a, b))] = std::min(a, b);
    }
  }

private:
  std::vector<int> m_parent;
};

/// One surface mesh welded into a single topology, in the mesh's own units and space.
struct WeldedMesh {
  PolyMesh mesh;
  std::vector<unsigned> source;  ///< per welded vertex, one of the file's vertices
  int splitFaces = 0;            ///< faces of more than four corners, split into triangles
  int skippedFaces = 0;          ///< points and lines
  int degenerateFaces = 0;       ///< faces that repeat a vertex once welded, dropped
  int joinedTriangles = 0;       ///< triangles joined into quads
};

WeldedMesh weldMesh(const aiScene& scene, unsigned meshIndex, const BoneWeights& weights,
                    const std::string& file) {
  const aiMesh& mesh = *scene.mMeshes[meshIndex];
  const std::string label = meshLabel(scene, meshIndex);
  const auto fail = [&](const std::string& message) {
    throw Error(SourceLocation::inFile(file), label + ": " + message);
  };
  WeldedMesh result;

  // Faces as corner lists of the file's vertices: quads kept, larger polygons as fans.
  std::vector<std::vector<unsigned>> faces;
  for (unsigned f = 0; f < mesh.mNumFaces; ++f) {
    const aiFace& face = mesh.mFaces[f];
    for (unsigned c = 0; c < face.mNumIndices; ++c) {
      const unsigned v = face.mIndices[c];
      if (v >= mesh.mNumVertices) {
        fail("face " + str(f) + ": vertex index " + str(v) + " out of range");
      }
      if (!isFinite(mesh.mVertices[v])) {
        const aiVector3D& p = mesh.mVertices[v];
        fail("vertex " + str(v) + " (face " + str(f) + ", corner " + str(c) +
             ") has a non-finite coordinate " + coordinates(p.x, p.y, p.z));
      }
    }
    if (face.mNumIndices < 3) {
      ++result.skippedFaces;
    } else if (face.mNumIndices <= 4) {
      faces.emplace_back(face.mIndices, face.mIndices + face.mNumIndices);
    } else {
      ++result.splitFaces;
      for (unsigned c = 1; c + 1 < face.mNumIndices; ++c) {
        faces.push_back({face.mIndices[0], face.mIndices[c], face.mIndices[c + 1]});
      }
    }
  }
  if (faces.empty()) {
    fail("the mesh is empty: it has " + str(mesh.mNumVertices) + " vertices and no faces of " +
         "three or more corners");
  }
  for (unsigned t = 0; t < mesh.mNumAnimMeshes; ++t) {
    const aiAnimMesh& anim = *mesh.mAnimMeshes[t];
    if (anim.mVertices == nullptr) {
      continue;
    }
    const std::string what = "morph target " + singleQuoted(anim.mName.C_Str());
    if (anim.mNumVertices != mesh.mNumVertices) {
      fail(what + " has " + str(anim.mNumVertices) + " vertices, the mesh has " +
           str(mesh.mNumVertices));
    }
    for (const auto& face : faces) {
      for (const unsigned v : face) {
        if (!isFinite(anim.mVertices[v])) {
          const aiVector3D& p = anim.mVertices[v];
          fail(what + ": vertex " + str(v) + " has a non-finite coordinate " +
               coordinates(p.x, p.y, p.z));
        }
      }
    }
  }

  // Seeds: the file's vertices, with identical copies joined.
  const VertexCompare compare(mesh, weights);
  std::vector<int> seedOf(mesh.mNumVertices, -1);
  std::vector<unsigned> seedVertex;
  std::unordered_map<std::uint64_t, std::vector<int>> buckets;
  DisjointSets sets;
  for (const auto& face : faces) {
    for (const unsigned v : face) {
      if (seedOf[v] >= 0) {
        continue;
      }
      std::vector<int>& bucket = buckets[compare.hash(v)];
      for (const int seed : bucket) {
        if (compare.sameVertex(seedVertex[static_cast<std::size_t>(seed)], v)) {
          seedOf[v] = seed;
          break;
        }
      }
      if (seedOf[v] < 0) {
        seedOf[v] = sets.add();
        seedVertex.push_back(v);
        bucket.push_back(seedOf[v]);
      }
    }
  }

  // Seams: an edge between two positions that exactly two faces use joins their corners
  // at either end, when these are the same point of the surface.
  std::unordered_map<std::array<std::uint32_t, 3>, int, PositionKeyHash> positionIds;
  std::vector<int> positionOf(mesh.mNumVertices, -1);
  for (const auto& face : faces) {
    for (const unsigned v : face) {
      if (positionOf[v] < 0) {
        positionOf[v] =
            positionIds.emplace(compare.positionKey(v), static_cast<int>(positionIds.size()))
                .first->second;
      }
    }
  }
  struct EdgeUse {
    std::uint64_t key;
    unsigned low;   ///< the file's vertex at the lower position id
    unsigned high;  ///< ... at the higher one
  };
  std::vector<EdgeUse> uses;
  for (const auto& face : faces) {
    for (std::size_t c = 0; c < face.size(); ++c) {
      unsigned a = face[c];
      unsigned b = face[(c + 1) % face.size()];
      if (positionOf[a] == positionOf[b]) {
        continue;
      }
      if (positionOf[a] > positionOf[b]) {
        std::swap(a, b);
      }
      const std::uint64_t key = (std::uint64_t{static_cast<std::uint32_t>(positionOf[a])} << 32) |
                                static_cast<std::uint32_t>(positionOf[b]);
      uses.push_back({key, a, b});
    }
  }
  std::sort(uses.begin(), uses.end(),
            [](const EdgeUse& x, const EdgeUse& y) { return x.key < y.key; });
  for (std::size_t begin = 0; begin < uses.size();) {
    std::size_t end = begin + 1;
    while (end < uses.size() && uses[end].key == uses[begin].key) {
      ++end;
    }
    if (end - begin == 2) {
      const EdgeUse& x = uses[begin];
      const EdgeUse& y = uses[begin + 1];
      if (compare.sameGeometry(x.low, y.low) && compare.sameGeometry(x.high, y.high)) {
        sets.join(seedOf[x.low], seedOf[y.low]);
        sets.join(seedOf[x.high], seedOf[y.high]);
      }
    } else if (end - begin > 2) {
      // Where two sheets touch along a seam (closed lips split again by a UV seam), only
      // copies with the same normal as well are one point of one sheet.
      for (std::size_t i = begin; i < end; ++i) {
        for (std::size_t j = i + 1; j < end; ++j) {
          const EdgeUse& x = uses[i];
          const EdgeUse& y = uses[j];
          if (compare.sameGeometry(x.low, y.low) && compare.sameGeometry(x.high, y.high) &&
              compare.sameNormal(x.low, y.low) && compare.sameNormal(x.high, y.high)) {
            sets.join(seedOf[x.low], seedOf[y.low]);
            sets.join(seedOf[x.high], seedOf[y.high]);
          }
        }
      }
    }
    begin = end;
  }

  // The welded vertices, numbered in order of first use, and the faces over them; faces
  // that repeat a vertex once welded are dropped.
  struct Face {
    std::size_t size = 0;
    std::array<int, 4> welded{};
    std::array<unsigned, 4> vertex{};  ///< the file's vertices, for UVs
  };
  std::vector<Face> weldedFaces;
  std::vector<int> weldedOfSet(seedVertex.size(), -1);
  for (const auto& face : faces) {
    Face out;
    out.size = face.size();
    for (std::size_t c = 0; c < face.size(); ++c) {
      const int set = sets.find(seedOf[face[c]]);
      int& welded = weldedOfSet[static_cast<std::size_t>(set)];
      if (welded < 0) {
        welded = static_cast<int>(result.source.size());
        result.source.push_back(face[c]);
        result.mesh.positions.push_back(toEigen(mesh.mVertices[face[c]]));
      }
      out.welded[c] = welded;
      out.vertex[c] = face[c];
    }
    bool repeats = false;
    for (std::size_t a = 0; a < out.size; ++a) {
      for (std::size_t b = a + 1; b < out.size; ++b) {
        repeats = repeats || out.welded[a] == out.welded[b];
      }
    }
    if (repeats) {
      ++result.degenerateFaces;
      continue;
    }
    weldedFaces.push_back(out);
  }

  // A quad mesh triangulated along each quad's 0-2 diagonal (glTF as SynthFace and most
  // tools write it) becomes quads again: (a, b, c), (a, c, d) -> (a, b, c, d), when all
  // faces are triangles and nearly all pair up so.
  const bool allTriangles = std::all_of(weldedFaces.begin(), weldedFaces.end(),
                                        [](const Face& face) { return face.size == 3; });
  if (allTriangles && weldedFaces.size() >= 2) {
    std::vector<Face> joined;
    std::size_t pairs = 0;
    for (std::size_t f = 0; f < weldedFaces.size(); ++f) {
      const Face& first = weldedFaces[f];
      if (f + 1 < weldedFaces.size()) {
        const Face& second = weldedFaces[f + 1];
        const int d = second.welded[2];
        if (second.welded[0] == first.welded[0] && second.welded[1] == first.welded[2] &&
            d != first.welded[0] && d != first.welded[1] && d != first.welded[2]) {
          Face quad = first;
          quad.size = 4;
          quad.welded[3] = d;
          quad.vertex[3] = second.vertex[2];
          joined.push_back(quad);
          ++pairs;
          ++f;
          continue;
        }
      }
      joined.push_back(first);
    }
    if (2.0 * static_cast<double>(pairs) >= 0.9 * static_cast<double>(weldedFaces.size())) {
      result.joinedTriangles = static_cast<int>(2 * pairs);
      weldedFaces = std::move(joined);
    }
  }

  std::map<std::tuple<int, std::uint32_t, std::uint32_t>, int> uvIndexOf;
  const aiVector3D* uvs = mesh.mTextureCoords[0];
  for (const Face& face : weldedFaces) {
    result.mesh.faceSizes.push_back(static_cast<int>(face.size));
    for (std::size_t c = 0; c < face.size; ++c) {
      result.mesh.faceIndices.push_back(face.welded[c]);
      if (uvs != nullptr) {
        const aiVector3D& uv = uvs[face.vertex[c]];
        const auto key = std::make_tuple(face.welded[c], bits(uv.x), bits(uv.y));
        const auto [it, inserted] =
            uvIndexOf.emplace(key, static_cast<int>(result.mesh.uvs.size()));
        if (inserted) {
          result.mesh.uvs.emplace_back(uv.x, uv.y);
        }
        result.mesh.uvIndices.push_back(it->second);
      }
    }
  }
  if (result.mesh.faceSizes.empty()) {
    fail("the mesh is empty: every face repeats a vertex");
  }

  // A head surface is manifold: at most two faces on an edge.
  std::vector<std::pair<std::uint64_t, int>> edges;
  const std::vector<int> offsets = result.mesh.faceOffsets();
  for (int f = 0; f < result.mesh.faceCount(); ++f) {
    const int size = result.mesh.faceSizes[static_cast<std::size_t>(f)];
    for (int c = 0; c < size; ++c) {
      const int* corners = result.mesh.faceIndices.data() + offsets[static_cast<std::size_t>(f)];
      const auto a = static_cast<std::uint32_t>(std::min(corners[c], corners[(c + 1) % size]));
      const auto b = static_cast<std::uint32_t>(std::max(corners[c], corners[(c + 1) % size]));
      edges.emplace_back((std::uint64_t{a} << 32) | b, f);
    }
  }
  std::sort(edges.begin(), edges.end());
  for (std::size_t begin = 0; begin < edges.size();) {
    std::size_t end = begin + 1;
    while (end < edges.size() && edges[end].first == edges[begin].first) {
      ++end;
    }
    if (end - begin > 2) {
      const auto describe = [&](std::uint64_t vertex) {
        const Vec3f& p = result.mesh.positions[static_cast<std::size_t>(vertex)];
        return coordinates(p.x(), p.y(), p.z());
      };
      fail("the edge between " + describe(edges[begin].first >> 32) + " and " +
           describe(edges[begin].first & 0xffffffffu) + " is shared by " + str(end - begin) +
           " faces once vertices at equal positions are joined; a head surface must be manifold "
           "(closed lips whose vertices coincide stay apart only when their normals, UVs, "
           "morph offsets or skin weights differ: write the file with normals)");
    }
    begin = end;
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Names

/// A name as the matching of joints sees it: without a namespace ("mixamorig:"), lower
/// case, letters and digits only.
std::string jointKey(std::string_view name) {
  const std::size_t colon = name.rfind(':');
  if (colon != std::string_view::npos) {
    name.remove_prefix(colon + 1);
  }
  std::string key;
  for (const char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return key;
}

/// Other names of the five head joints, as jointKey() gives them.
std::vector<std::string> jointAliases(const std::string& joint) {
  if (joint == "neck") {
    return {"neck", "neck01", "neck1"};
  }
  if (joint == "head") {
    return {"head"};
  }
  if (joint == "jaw") {
    return {"jaw", "jaw01", "jawbone", "mandible", "lowerjaw"};
  }
  if (joint == "eye_left") {
    return {"eyeleft", "lefteye", "eyel", "leye"};
  }
  if (joint == "eye_right") {
    return {"eyeright", "righteye", "eyer", "reye"};
  }
  return {};
}

/// The name of a reference element equal to `name` but for letter case, also after a
/// "prefix." or "prefix:" (Maya's "blendShape1.jawOpen"); empty if none.
template <typename T>
std::string matchName(const std::string& name, const std::vector<T>& items,
                      bool allowPrefix = true) {
  std::vector<std::string> forms = {toLower(name)};
  const std::size_t cut = name.find_last_of(".:");
  if (allowPrefix && cut != std::string::npos && cut + 1 < name.size()) {
    forms.push_back(toLower(name.substr(cut + 1)));
  }
  for (const std::string& form : forms) {
    for (const T& item : items) {
      if (toLower(item.name) == form) {
        return item.name;
      }
    }
  }
  return {};
}

constexpr std::string_view kIdentityPrefix = "identity_";

/// A morph target of the file, over the surface's vertices, in model units and axes.
struct FileTarget {
  std::string name;
  std::vector<Vec3f> deltas;
};

/// A target the model takes from the file.
struct ImportedTarget {
  const FileTarget* source = nullptr;
  std::string name;
  std::string group;  ///< empty: keep or default
  std::optional<float> sigma;
};

/// Replaces `target`'s entries for vertices [0, count) with the non-zero `deltas`.
void replaceSurfaceDeltas(MorphTarget& target, const std::vector<Vec3f>& deltas) {
  const int count = static_cast<int>(deltas.size());
  std::vector<int> vertices;
  std::vector<Vec3f> values;
  for (int v = 0; v < count; ++v) {
    if (deltas[static_cast<std::size_t>(v)].norm() > kSmallestDelta) {
      vertices.push_back(v);
      values.push_back(deltas[static_cast<std::size_t>(v)]);
    }
  }
  for (std::size_t i = 0; i < target.vertices.size(); ++i) {
    if (target.vertices[i] >= count) {
      vertices.push_back(target.vertices[i]);
      values.push_back(target.deltas[i]);
    }
  }
  target.vertices = std::move(vertices);
  target.deltas = std::move(values);
}

}  // namespace

FaceModel importRiggedHead(const fs::path& path, const FaceModel& reference,
                           const RigImportOptions& options) {
  const std::string file = path.string();
  const auto fail = [&](const std::string& message) {
    throw Error(SourceLocation::inFile(file), message);
  };

  // The file: its format first, then its sidecar, then Assimp.
  const std::string extension = toLower(path.extension().string());
  const bool gltf = extension == ".glb" || extension == ".gltf";
  const bool fbx = extension == ".fbx";
  if (!gltf && !fbx && extension != ".obj") {
    fail("cannot import '" + path.extension().string() +
         "' files as a rigged head: the extension must be .glb, .gltf, .fbx or .obj");
  }
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    fail(fs::exists(path, error) ? "not a file" : "no such file");
  }
  if (fs::file_size(path, error) == 0) {
    fail("the file is empty");
  }

  Sidecar sidecar;
  fs::path sidecarPath = options.sidecar;
  if (sidecarPath.empty()) {
    fs::path beside = path;
    beside += ".sidecar.json";
    if (fs::exists(beside, error)) {
      sidecarPath = beside;
    }
  }
  if (!sidecarPath.empty()) {
    sidecar.file = sidecarPath.string();
    SidecarReader(sidecar).read(sidecarPath);
    report(options, "sidecar: " + sidecar.file);
  }

  if (gltf) {
    checkGltfTargets(path, file, extension == ".glb");
  }
  report(options, "reading " + file);
  Assimp::Importer importer;
  importer.SetPropertyBool(AI_CONFIG_IMPORT_FBX_PRESERVE_PIVOTS, false);
  // No post-processing beyond validation: quads stay quads, vertices as the file has them.
  const aiScene* scene = importer.ReadFile(file, aiProcess_ValidateDataStructure);
  if (scene == nullptr) {
    fail(std::string("cannot read the file: ") + importer.GetErrorString());
  }
  if (scene->mNumMeshes == 0) {
    fail("the file holds no mesh");
  }
  const SceneIndex index(*scene);

  // Units and axes: modelFromScene takes the scene's space to millimetres, y up, face +z.
  float units = extension == ".obj" ? 1.0f : gltf ? 1000.0f : 10.0f;
  Vec3f up = Vec3f::UnitY();
  Vec3f forward = Vec3f::UnitZ();
  std::string unitsSource = gltf ? "glTF metres" : fbx ? "FBX default centimetres" : "OBJ default";
  if (fbx && scene->mMetaData != nullptr) {
    float factor = 0.0f;
    double factorDouble = 0.0;
    if (scene->mMetaData->Get("UnitScaleFactor", factor) && factor > 0 && std::isfinite(factor)) {
      units = 10.0f * factor;
      unitsSource = "the file's UnitScaleFactor";
    } else if (scene->mMetaData->Get("UnitScaleFactor", factorDouble) && factorDouble > 0 &&
               std::isfinite(factorDouble)) {
      units = 10.0f * static_cast<float>(factorDouble);
      unitsSource = "the file's UnitScaleFactor";
    }
    std::int32_t upAxis = -1, upSign = 0, frontAxis = -1, frontSign = 0;
    if (scene->mMetaData->Get("UpAxis", upAxis) && scene->mMetaData->Get("UpAxisSign", upSign) &&
        scene->mMetaData->Get("FrontAxis", frontAxis) &&
        scene->mMetaData->Get("FrontAxisSign", frontSign) && upAxis >= 0 && upAxis < 3 &&
        frontAxis >= 0 && frontAxis < 3 && upAxis != frontAxis && (upSign == 1 || upSign == -1) &&
        (frontSign == 1 || frontSign == -1)) {
      up = Vec3f::Zero();
      forward = Vec3f::Zero();
      up[upAxis] = static_cast<float>(upSign);
      forward[frontAxis] = static_cast<float>(frontSign);
    }
  }
  if (sidecar.unitsInMillimetres) {
    units = *sidecar.unitsInMillimetres;
    unitsSource = "the sidecar";
  }
  up = sidecar.up.value_or(up);
  forward = sidecar.forward.value_or(forward);
  if (std::abs(up.dot(forward)) > 0.5f) {
    sidecar.fail("/up", "\"up\" and \"forward\" must be perpendicular");
  }
  Eigen::Matrix3f axes;
  axes.row(0) = up.cross(forward).transpose();
  axes.row(1) = up.transpose();
  axes.row(2) = forward.transpose();
  Eigen::Affine3f modelFromScene = Eigen::Affine3f::Identity();
  modelFromScene.linear() = units * axes;
  std::ostringstream unitsText;
  unitsText << units;
  report(options, "units: " + unitsText.str() + " mm per file unit (" + unitsSource + ")");

  // Where each mesh's vertices are: their node's transform, but glTF skins ignore it.
  const auto modelFromMesh = [&](unsigned m) -> Eigen::Affine3f {
    const aiNode* node = index.nodeOfMesh[m];
    const bool skinnedGltf = gltf && scene->mMeshes[m]->mNumBones > 0;
    if (node == nullptr || skinnedGltf) {
      return modelFromScene;
    }
    return modelFromScene * index.global.at(node);
  };

  // The surface: its meshes welded and merged, in millimetres.
  const std::vector<unsigned> meshes = surfaceMeshes(*scene, index, sidecar);
  std::vector<BoneWeights> weightsOfMesh;
  std::vector<WeldedMesh> welded;
  PolyMesh surface;
  std::vector<std::pair<std::size_t, unsigned>> sourceOf;  // per vertex: (surface mesh, vertex)
  std::vector<std::string> meshNames;
  int splitFaces = 0, skippedFaces = 0, degenerateFaces = 0, joinedTriangles = 0;
  bool anyUvs = false;
  for (std::size_t s = 0; s < meshes.size(); ++s) {
    weightsOfMesh.push_back(boneWeights(*scene->mMeshes[meshes[s]]));
    welded.push_back(weldMesh(*scene, meshes[s], weightsOfMesh.back(), file));
    anyUvs = anyUvs || !welded.back().mesh.uvs.empty();
  }
  for (std::size_t s = 0; s < meshes.size(); ++s) {
    const WeldedMesh& part = welded[s];
    const Eigen::Affine3f transform = modelFromMesh(meshes[s]);
    const int base = surface.vertexCount();
    const int uvBase = static_cast<int>(surface.uvs.size());
    for (std::size_t v = 0; v < part.source.size(); ++v) {
      surface.positions.push_back(transform * part.mesh.positions[v]);
      sourceOf.emplace_back(s, part.source[v]);
    }
    surface.faceSizes.insert(surface.faceSizes.end(), part.mesh.faceSizes.begin(),
                             part.mesh.faceSizes.end());
    for (const int i : part.mesh.faceIndices) {
      surface.faceIndices.push_back(base + i);
    }
    if (anyUvs) {
      // A mesh without UVs gets (0, 0) at every corner, so the UVs stay face-varying.
      if (part.mesh.uvs.empty()) {
        surface.uvs.emplace_back(0.0f, 0.0f);
        surface.uvIndices.insert(surface.uvIndices.end(), part.mesh.faceIndices.size(), uvBase);
      } else {
        surface.uvs.insert(surface.uvs.end(), part.mesh.uvs.begin(), part.mesh.uvs.end());
        for (const int i : part.mesh.uvIndices) {
          surface.uvIndices.push_back(uvBase + i);
        }
      }
    }
    splitFaces += part.splitFaces;
    skippedFaces += part.skippedFaces;
    degenerateFaces += part.degenerateFaces;
    joinedTriangles += part.joinedTriangles;
    meshNames.push_back(singleQuoted(scene->mMeshes[meshes[s]]->mName.C_Str()));
  }
  for (const Vec3f& p : surface.positions) {
    if (!std::isfinite(p.x()) || !std::isfinite(p.y()) || !std::isfinite(p.z())) {
      fail("the surface does not fit in single precision once in millimetres (units " +
           unitsText.str() + ")");
    }
  }
  const int surfaceVertices = surface.vertexCount();
  report(options, "surface: " + std::string(meshes.size() == 1 ? "mesh " : "meshes ") +
                      join(meshNames, ", ") + ": " + str(surfaceVertices) + " vertices, " +
                      str(surface.faceCount()) + " faces");
  if (joinedTriangles > 0) {
    report(options, "surface: " + str(joinedTriangles) +
                        " triangles joined into quads again (a triangulated quad mesh)");
  }
  if (splitFaces + skippedFaces + degenerateFaces > 0) {
    report(options, "surface: " + str(splitFaces) +
                        " faces of more than four corners split into triangles, " +
                        str(skippedFaces) + " points and lines skipped, " + str(degenerateFaces) +
                        " faces that repeat a vertex dropped");
  }

  // The file's morph targets over the surface, by name in order of first appearance.
  std::vector<FileTarget> fileTargets;
  std::map<std::string, std::size_t> targetIndex;
  int unnamedTargets = 0;
  for (std::size_t s = 0; s < meshes.size(); ++s) {
    const aiMesh& mesh = *scene->mMeshes[meshes[s]];
    const Eigen::Matrix3f linear = modelFromMesh(meshes[s]).linear();
    std::set<std::string> seen;
    for (unsigned t = 0; t < mesh.mNumAnimMeshes; ++t) {
      const aiAnimMesh& anim = *mesh.mAnimMeshes[t];
      const std::string name = anim.mName.C_Str();
      if (name.empty()) {
        ++unnamedTargets;
        continue;
      }
      if (!seen.insert(name).second) {
        fail(meshLabel(*scene, meshes[s]) + ": two morph targets are named " + singleQuoted(name));
      }
      if (anim.mVertices == nullptr) {
        continue;
      }
      auto [it, inserted] = targetIndex.emplace(name, fileTargets.size());
      if (inserted) {
        fileTargets.push_back(
            {name, std::vector<Vec3f>(static_cast<std::size_t>(surfaceVertices), Vec3f::Zero())});
      }
      FileTarget& target = fileTargets[it->second];
      for (int v = 0; v < surfaceVertices; ++v) {
        const auto& [source, vertex] = sourceOf[static_cast<std::size_t>(v)];
        if (source == s) {
          target.deltas[static_cast<std::size_t>(v)] =
              linear * toEigen(anim.mVertices[vertex] - mesh.mVertices[vertex]);
        }
      }
    }
  }
  if (unnamedTargets > 0) {
    report(options, "morph targets: " + str(unnamedTargets) + " without a name ignored");
  }

  // Which targets are identity modes and which expressions.
  std::vector<ImportedTarget> identity;
  std::vector<ImportedTarget> expressions;
  {
    std::vector<std::string> fileNames;
    for (const FileTarget& target : fileTargets) {
      fileNames.push_back(target.name);
    }
    std::set<std::string> modelNames[2];
    const auto take = [&](const FileTarget& target, bool isIdentity, std::string modelName,
                          std::string group, std::optional<float> sigma,
                          const std::string& pointer) {
      if (!modelNames[isIdentity ? 0 : 1].insert(modelName).second) {
        if (!pointer.empty()) {
          sidecar.fail(pointer, std::string(isIdentity ? "identity mode " : "expression ") +
                                    singleQuoted(modelName) + " is imported twice");
        }
        report(options, "morph targets: " + singleQuoted(target.name) + " ignored: " +
                            singleQuoted(modelName) + " came from another target already");
        return;
      }
      (isIdentity ? identity : expressions)
          .push_back({&target, std::move(modelName), std::move(group), sigma});
    };
    if (sidecar.listsTargets) {
      std::set<std::string> listed;
      for (const bool isIdentity : {true, false}) {
        for (const TargetChoice& choice : isIdentity ? sidecar.identity : sidecar.expressions) {
          const auto found = targetIndex.find(choice.fileName);
          if (found == targetIndex.end()) {
            sidecar.fail(choice.pointer, "the file's surface has no morph target " +
                                             singleQuoted(choice.fileName) +
                                             didYouMean(choice.fileName, fileNames));
          }
          if (!listed.insert(choice.fileName).second) {
            sidecar.fail(choice.pointer,
                         "morph target " + singleQuoted(choice.fileName) + " is listed twice");
          }
          std::string modelName = choice.modelName;
          if (modelName.empty()) {
            modelName = choice.fileName;
            if (isIdentity && modelName.starts_with(kIdentityPrefix) &&
                modelName.size() > kIdentityPrefix.size()) {
              modelName.erase(0, kIdentityPrefix.size());
            }
            const std::string known = isIdentity
                                          ? matchName(modelName, reference.identity, false)
                                          : matchName(modelName, reference.expressions, false);
            if (!known.empty()) {
              modelName = known;
            }
          }
          take(fileTargets[found->second], isIdentity, modelName, choice.group, choice.sigma,
               choice.pointer);
        }
      }
      std::vector<std::string> unused;
      for (const std::string& name : fileNames) {
        if (listed.count(name) == 0) {
          unused.push_back(name);
        }
      }
      if (!unused.empty()) {
        report(options, "morph targets: " + str(unused.size()) +
                            " not listed in the sidecar, ignored: " + someNames(unused));
      }
    } else {
      std::vector<std::string> unknown;
      for (const FileTarget& target : fileTargets) {
        std::string name = matchName(target.name, reference.expressions);
        if (!name.empty()) {
          take(target, false, name, "", std::nullopt, "");
          continue;
        }
        std::string mode = target.name;
        if (toLower(mode).starts_with(kIdentityPrefix)) {
          mode.erase(0, kIdentityPrefix.size());
        }
        name = matchName(mode, reference.identity, false);
        if (!name.empty()) {
          take(target, true, name, "", std::nullopt, "");
        } else {
          unknown.push_back(target.name);
        }
      }
      if (!unknown.empty()) {
        report(options, "morph targets: " + str(unknown.size()) +
                            " match no expression or identity mode of the reference, ignored "
                            "(name them in a sidecar to import them): " +
                            someNames(unknown));
      }
    }
    report(options, "morph targets: " + str(expressions.size()) + " expressions and " +
                        str(identity.size()) + " identity modes from the file");
  }

  // Joints: SynthFace joint -> the file's node.
  std::vector<std::pair<int, const aiNode*>> mappedJoints;  // (reference joint, node)
  {
    std::vector<std::string> referenceJoints;
    for (const Joint& joint : reference.joints) {
      referenceJoints.push_back(joint.name);
    }
    std::map<const aiNode*, std::string> usedNodes;
    if (sidecar.listsJoints) {
      const std::vector<std::string> nodeNames = index.nodeNames();
      for (const JointChoice& choice : sidecar.joints) {
        const int joint = reference.findJoint(choice.joint);
        if (joint < 0) {
          sidecar.fail(choice.pointer, "the reference has no joint " + singleQuoted(choice.joint) +
                                           didYouMean(choice.joint, referenceJoints) +
                                           "; its joints: " + join(referenceJoints, ", "));
        }
        const aiNode* node = index.find(choice.node);
        if (node == nullptr) {
          sidecar.fail(choice.pointer, "the file has no joint (node) " + singleQuoted(choice.node) +
                                           didYouMean(choice.node, nodeNames));
        }
        const auto [it, inserted] = usedNodes.emplace(node, choice.joint);
        if (!inserted) {
          sidecar.fail(choice.pointer, "the file's joint " + singleQuoted(choice.node) +
                                           " is already given to " + singleQuoted(it->second));
        }
        mappedJoints.emplace_back(joint, node);
      }
    } else {
      for (std::size_t j = 0; j < reference.joints.size(); ++j) {
        std::vector<std::string> keys = jointAliases(reference.joints[j].name);
        keys.push_back(jointKey(reference.joints[j].name));
        for (const aiNode* node : index.nodes) {
          const std::string name = node->mName.C_Str();
          if (index.boneNames.count(name) == 0 || usedNodes.count(node) > 0 ||
              std::find(keys.begin(), keys.end(), jointKey(name)) == keys.end()) {
            continue;
          }
          usedNodes.emplace(node, reference.joints[j].name);
          mappedJoints.emplace_back(static_cast<int>(j), node);
          break;
        }
      }
    }
    std::vector<std::string> mappedText;
    for (const auto& [joint, node] : mappedJoints) {
      mappedText.push_back(reference.joints[static_cast<std::size_t>(joint)].name + " = " +
                           singleQuoted(node->mName.C_Str()));
    }
    if (!mappedText.empty()) {
      report(options, "joints from the file: " + join(mappedText, ", "));
    } else if (!index.boneNames.empty()) {
      report(options, "joints: none of the file's " + str(index.boneNames.size()) +
                          " bones matches a SynthFace joint (map them in a sidecar); joints and "
                          "weights come from the reference");
    }
  }

  // Landmarks from the sidecar guide the registration.
  RegistrationOptions registration;
  registration.progress = options.progress;
  {
    std::vector<std::string> names;
    for (const auto* list : {&reference.landmarks, &reference.denseLandmarks}) {
      for (const Landmark& landmark : *list) {
        names.push_back(landmark.name);
      }
    }
    for (const LandmarkChoice& choice : sidecar.landmarks) {
      if (std::find(names.begin(), names.end(), choice.name) == names.end()) {
        sidecar.fail(choice.pointer, "the reference has no landmark " + singleQuoted(choice.name) +
                                         didYouMean(choice.name, names));
      }
      registration.landmarks.push_back({choice.name, modelFromScene * choice.position});
    }
  }

  // Fit the reference and build the complete model on the file's topology.
  PolyMesh target = surface;
  if (!sidecar.keepUvs && !surface.uvs.empty()) {
    target.uvs.clear();
    target.uvIndices.clear();
    report(options,
           "UVs: the file's are replaced by the reference's layout (\"keepUvs\": true "
           "keeps them)");
  }
  const Registration fit = registerModel(reference, target, registration, file);
  if (options.registration) {
    *options.registration = fit.report;
  }
  FaceModel model = modelFromRegistration(reference, fit, target, file);
  if (sidecar.keepUvs) {
    model.parts[0].mesh.uvs = surface.uvs;
    model.parts[0].mesh.uvIndices = surface.uvIndices;
  }

  // The file's morph targets replace or join those carried across.
  const auto importTargets = [&](const std::vector<ImportedTarget>& imported,
                                 std::vector<MorphTarget>& targets, bool isIdentity) {
    for (const ImportedTarget& entry : imported) {
      auto it = std::find_if(targets.begin(), targets.end(),
                             [&](const MorphTarget& t) { return t.name == entry.name; });
      if (it == targets.end()) {
        MorphTarget added;
        added.name = entry.name;
        added.group = isIdentity ? "global" : "other";
        targets.push_back(std::move(added));
        it = targets.end() - 1;
        if (isIdentity) {
          float largest = 0.0f;
          for (const Vec3f& delta : entry.source->deltas) {
            largest = std::max(largest, delta.norm());
          }
          it->sigma = largest > 0.0f ? largest : 1.0f;
        }
      }
      if (!entry.group.empty()) {
        it->group = entry.group;
      }
      if (entry.sigma) {
        it->sigma = *entry.sigma;
      }
      replaceSurfaceDeltas(*it, entry.source->deltas);
    }
  };
  importTargets(identity, model.identity, true);
  importTargets(expressions, model.expressions, false);

  // Joint pivots from the file's bind pose.
  std::vector<int> jointOfMapped;  // model joint per mappedJoints entry
  for (const auto& [referenceJoint, node] : mappedJoints) {
    const std::string& name = reference.joints[static_cast<std::size_t>(referenceJoint)].name;
    const int joint = model.findJoint(name);
    jointOfMapped.push_back(joint);
    std::optional<Vec3f> pivot;
    // A bone of a surface mesh first, then of any mesh, then the node itself.
    std::vector<unsigned> order = meshes;
    for (unsigned m = 0; m < scene->mNumMeshes; ++m) {
      if (std::find(meshes.begin(), meshes.end(), m) == meshes.end()) {
        order.push_back(m);
      }
    }
    for (const unsigned m : order) {
      const aiMesh& mesh = *scene->mMeshes[m];
      for (unsigned b = 0; b < mesh.mNumBones && !pivot; ++b) {
        if (node->mName == mesh.mBones[b]->mName) {
          aiMatrix4x4 bind = mesh.mBones[b]->mOffsetMatrix;
          bind.Inverse();
          pivot = modelFromMesh(m) * Vec3f(bind.a4, bind.b4, bind.c4);
        }
      }
      if (pivot) {
        break;
      }
    }
    if (!pivot) {
      pivot = modelFromScene * Vec3f(index.global.at(node).translation());
    }
    if (!std::isfinite(pivot->x()) || !std::isfinite(pivot->y()) || !std::isfinite(pivot->z())) {
      fail("joint " + singleQuoted(node->mName.C_Str()) +
           ": its bind pose is not invertible (a non-finite pivot)");
    }
    Joint& modelJoint = model.joints[static_cast<std::size_t>(joint)];
    const Vec3f shift = *pivot - modelJoint.restPosition;
    if (name == "eye_left" || name == "eye_right") {
      if (shift.norm() > kEyePivotReach) {
        std::ostringstream distance;
        distance.precision(3);
        distance << shift.norm();
        report(options, "joints: the file's " + name + " pivot is " + distance.str() +
                            " mm from the fitted eyeball's centre, so not at an eyeball's "
                            "centre: the fitted pivot is kept");
        continue;
      }
      // The parts that ride on this eye alone (eyeball, cornea) move onto the pivot.
      for (std::size_t p = 1; p < model.parts.size(); ++p) {
        FacePart& part = model.parts[p];
        bool rides = part.mesh.vertexCount() > 0;
        for (int v = 0; v < part.mesh.vertexCount() && rides; ++v) {
          const auto global = static_cast<std::size_t>(part.firstVertex + v);
          float weight = 0.0f;
          for (int k = 0; k < SkinWeights::kInfluences; ++k) {
            if (model.skin.joints[global][static_cast<std::size_t>(k)] == joint) {
              weight += model.skin.weights[global][static_cast<std::size_t>(k)];
            }
          }
          rides = weight > 0.999f;
        }
        if (rides) {
          for (Vec3f& position : part.mesh.positions) {
            position += shift;
          }
        }
      }
    }
    modelJoint.restPosition = *pivot;
  }

  // Skin weights of the surface from the file's bones, when any bone maps.
  bool anyBones = false;
  for (const unsigned m : meshes) {
    anyBones = anyBones || scene->mMeshes[m]->mNumBones > 0;
  }
  if (anyBones && !mappedJoints.empty()) {
    std::map<const aiNode*, int> jointOfNode;
    for (std::size_t i = 0; i < mappedJoints.size(); ++i) {
      jointOfNode[mappedJoints[i].second] = jointOfMapped[i];
    }
    // Per surface mesh and bone: the nearest mapped node up the hierarchy, else the root.
    std::vector<std::vector<int>> boneJoint(meshes.size());
    std::set<std::string> toRoot;
    for (std::size_t s = 0; s < meshes.size(); ++s) {
      const aiMesh& mesh = *scene->mMeshes[meshes[s]];
      for (unsigned b = 0; b < mesh.mNumBones; ++b) {
        const std::string boneName = mesh.mBones[b]->mName.C_Str();
        int joint = -1;
        for (const aiNode* node = index.find(boneName); node != nullptr && joint < 0;
             node = node->mParent) {
          const auto found = jointOfNode.find(node);
          if (found != jointOfNode.end()) {
            joint = found->second;
          }
        }
        if (joint < 0) {
          joint = 0;
          toRoot.insert(boneName);
        }
        boneJoint[s].push_back(joint);
      }
    }
    if (!toRoot.empty()) {
      const std::vector<std::string> names(toRoot.begin(), toRoot.end());
      report(options, "skin: bones above every mapped joint weight the root joint " +
                          singleQuoted(model.joints.front().name) + ": " + someNames(names));
    }
    int carried = 0;
    for (int v = 0; v < surfaceVertices; ++v) {
      const auto& [s, vertex] = sourceOf[static_cast<std::size_t>(v)];
      std::map<int, float> sums;
      for (const auto& [bone, weight] : weightsOfMesh[s][vertex]) {
        sums[boneJoint[s][bone]] += weight;
      }
      std::vector<std::pair<float, int>> ranked;
      for (const auto& [joint, weight] : sums) {
        ranked.emplace_back(weight, joint);
      }
      std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
      });
      ranked.resize(std::min<std::size_t>(ranked.size(), SkinWeights::kInfluences));
      float total = 0.0f;
      for (const auto& entry : ranked) {
        total += entry.first;
      }
      if (!(total > 0.0f) || !std::isfinite(total)) {
        ++carried;
        continue;
      }
      std::array<int, SkinWeights::kInfluences> joints{};
      std::array<float, SkinWeights::kInfluences> weights{};
      for (std::size_t k = 0; k < ranked.size(); ++k) {
        joints[k] = ranked[k].second;
        weights[k] = ranked[k].first / total;
      }
      model.skin.joints[static_cast<std::size_t>(v)] = joints;
      model.skin.weights[static_cast<std::size_t>(v)] = weights;
    }
    report(options,
           "skin: weights from the file's bones" +
               (carried > 0 ? "; " + str(carried) + " vertices no bone weights keep the reference's"
                            : std::string()));
  }

  // Sit like the reference: undo the fit's rotation and translation, keep its size.
  const Eigen::Matrix3f back = fit.rotation.transpose();
  for (FacePart& part : model.parts) {
    for (Vec3f& position : part.mesh.positions) {
      position = back * (position - fit.translation);
    }
  }
  for (Joint& joint : model.joints) {
    joint.restPosition = back * (joint.restPosition - fit.translation);
  }
  for (auto* targets : {&model.identity, &model.expressions, &model.correctives}) {
    for (MorphTarget& target : *targets) {
      for (Vec3f& delta : target.deltas) {
        delta = back * delta;
      }
    }
  }
  for (auto* landmarks : {&model.landmarks, &model.denseLandmarks}) {
    for (Landmark& landmark : *landmarks) {
      if (landmark.kind == Landmark::Kind::Joint) {
        landmark.offset = back * landmark.offset;
      }
    }
  }

  model.name = sidecar.name.value_or(path.stem().string());
  model.license = sidecar.license.value_or("unknown");
  model.author = sidecar.author.value_or("unknown");
  validateFaceModel(model, file);
  report(options, "imported " + singleQuoted(model.name) + ": " + str(model.vertexCount()) +
                      " vertices, " + str(model.identity.size()) + " identity modes, " +
                      str(model.expressions.size()) + " expressions, " + str(model.joints.size()) +
                      " joints");
  return model;
}

}  // namespace sf
