#include "face/face_model.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sf {

namespace {

template <typename T>
int indexByName(const std::vector<T>& items, const std::string& name) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace

int FaceModel::vertexCount() const {
  int count = 0;
  for (const FacePart& part : parts) {
    count += part.mesh.vertexCount();
  }
  return count;
}

int FaceModel::findPart(const std::string& partName) const {
  return indexByName(parts, partName);
}

int FaceModel::findJoint(const std::string& jointName) const {
  return indexByName(joints, jointName);
}

int FaceModel::findExpression(const std::string& expressionName) const {
  return indexByName(expressions, expressionName);
}

int FaceModel::findIdentity(const std::string& modeName) const {
  return indexByName(identity, modeName);
}

std::vector<Vec3f> FaceModel::restPositions() const {
  std::vector<Vec3f> positions;
  positions.reserve(static_cast<std::size_t>(vertexCount()));
  for (const FacePart& part : parts) {
    positions.insert(positions.end(), part.mesh.positions.begin(), part.mesh.positions.end());
  }
  return positions;
}

namespace {

constexpr int kLandmarkCount = 70;
constexpr double kWeightSumTolerance = 1e-3;
constexpr float kBarycentricTolerance = 1e-5f;
constexpr std::uint8_t kKnownGrowthBits =
    kGrowthScalp | kGrowthBrows | kGrowthLashes | kGrowthBeard | kGrowthMoustache;

std::string str(std::size_t value) {
  return std::to_string(value);
}

std::string str(int value) {
  return std::to_string(value);
}

std::string str(float value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", static_cast<double>(value));
  return buffer;
}

std::string str(const Vec3f& v) {
  return "(" + str(v.x()) + ", " + str(v.y()) + ", " + str(v.z()) + ")";
}

std::string str(const Vec2f& v) {
  return "(" + str(v.x()) + ", " + str(v.y()) + ")";
}

/// "(0..n-1)" for an index range of n elements.
std::string range(std::size_t count) {
  return count == 0 ? std::string("(there are none)") : "(0.." + str(count - 1) + ")";
}

bool isFinite(const Vec3f& v) {
  return std::isfinite(v.x()) && std::isfinite(v.y()) && std::isfinite(v.z());
}

bool isFinite(const Vec2f& v) {
  return std::isfinite(v.x()) && std::isfinite(v.y());
}

bool isKnownLabelClass(LabelClass value) {
  const auto raw = static_cast<int>(value);
  return raw <= static_cast<int>(LabelClass::Facewear) || value == LabelClass::Ignore;
}

/// Checks one model. Each failure throws sf::Error at a JSON pointer that follows the .sfm
/// header's layout ("/parts/2/faces/17"), with the element's name in the message.
class Validator {
public:
  Validator(const FaceModel& model, const std::string& source) : m_model(model), m_source(source) {}

  void run() {
    checkParts();
    checkMorphTargets(m_model.identity, "identity", "identity mode", false);
    checkMorphTargets(m_model.expressions, "expressions", "expression", false);
    checkMorphTargets(m_model.correctives, "correctives", "corrective", true);
    checkJoints();
    checkSkin();
    checkLandmarks(m_model.landmarks, "landmarks", true);
    checkLandmarks(m_model.denseLandmarks, "denseLandmarks", false);
  }

private:
  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    throw Error(SourceLocation::atPointer(m_source, pointer), message);
  }

  /// Every element of a list has a name, and no two share one.
  template <typename T>
  void checkNames(const std::vector<T>& items, const std::string& list, const std::string& kind) {
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string& name = items[i].name;
      const std::string pointer = "/" + list + "/" + str(i) + "/name";
      if (name.empty()) {
        fail(pointer, kind + " " + str(i) + " has no name");
      }
      const auto [it, inserted] = seen.emplace(name, i);
      if (!inserted) {
        fail(pointer,
             kind + " '" + name + "': name already used by " + list + "[" + str(it->second) + "]");
      }
    }
  }

  void checkParts() {
    if (m_model.parts.empty()) {
      fail("/parts", "the model has no parts");
    }
    checkNames(m_model.parts, "parts", "part");
    std::int64_t nextVertex = 0;
    for (std::size_t i = 0; i < m_model.parts.size(); ++i) {
      const FacePart& part = m_model.parts[i];
      const std::string path = "/parts/" + str(i);
      const std::string what = "part '" + part.name + "'";
      if (static_cast<int>(part.material) > static_cast<int>(PartMaterial::MouthCavity)) {
        fail(path + "/material",
             what + ": unknown material " + str(static_cast<int>(part.material)));
      }
      if (part.firstVertex != nextVertex) {
        fail(path + "/firstVertex", what + ": firstVertex is " + str(part.firstVertex) +
                                        ", expected " + std::to_string(nextVertex) +
                                        ": parts cover the vertex array in order, without gaps");
      }
      checkMesh(part, path, what);
      nextVertex += part.mesh.vertexCount();
      if (nextVertex > std::numeric_limits<int>::max()) {
        fail(path, what + ": the model has more than 2^31 - 1 vertices");
      }
    }
    m_vertexCount = static_cast<int>(nextVertex);
  }

  void checkMesh(const FacePart& part, const std::string& path, const std::string& what) {
    const PolyMesh& mesh = part.mesh;
    if (mesh.positions.empty()) {
      fail(path + "/positions", what + ": the mesh has no vertices");
    }
    if (mesh.faceSizes.empty()) {
      fail(path + "/faces", what + ": the mesh has no faces");
    }
    for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
      if (!isFinite(mesh.positions[v])) {
        fail(path + "/positions/" + str(v),
             what + ": vertex " + str(v) + " is not finite " + str(mesh.positions[v]));
      }
    }

    // Face sizes first: the offsets below rely on them.
    std::size_t corners = 0;
    for (std::size_t f = 0; f < mesh.faceSizes.size(); ++f) {
      const int size = mesh.faceSizes[f];
      if (size != 3 && size != 4) {
        fail(path + "/faces/" + str(f),
             what + ": face " + str(f) + " has " + str(size) + " vertices; faces have 3 or 4");
      }
      corners += static_cast<std::size_t>(size);
    }
    if (corners != mesh.faceIndices.size()) {
      fail(path + "/faceIndices", what + ": faceIndices holds " + str(mesh.faceIndices.size()) +
                                      " indices, but the face sizes add up to " + str(corners));
    }
    const std::size_t vertexCount = mesh.positions.size();
    std::size_t offset = 0;
    for (std::size_t f = 0; f < mesh.faceSizes.size(); ++f) {
      const auto size = static_cast<std::size_t>(mesh.faceSizes[f]);
      for (std::size_t c = 0; c < size; ++c) {
        const int index = mesh.faceIndices[offset + c];
        if (index < 0 || static_cast<std::size_t>(index) >= vertexCount) {
          fail(path + "/faces/" + str(f), what + ": face " + str(f) + ": vertex index " +
                                              str(index) + " out of range " + range(vertexCount));
        }
        for (std::size_t d = 0; d < c; ++d) {
          if (mesh.faceIndices[offset + d] == index) {
            fail(path + "/faces/" + str(f),
                 what + ": face " + str(f) + " uses vertex " + str(index) + " twice");
          }
        }
      }
      offset += size;
    }

    checkUvs(mesh, path, what);

    const std::size_t faceCount = mesh.faceSizes.size();
    if (part.faceClass.size() != faceCount) {
      fail(path + "/faceClass", what + ": faceClass has " + str(part.faceClass.size()) +
                                    " entries for " + str(faceCount) + " faces");
    }
    for (std::size_t f = 0; f < faceCount; ++f) {
      if (!isKnownLabelClass(part.faceClass[f])) {
        fail(path + "/faceClass/" + str(f), what + ": face " + str(f) + ": unknown label class " +
                                                str(static_cast<int>(part.faceClass[f])));
      }
    }
    if (part.faceGrowth.size() != faceCount) {
      fail(path + "/faceGrowth", what + ": faceGrowth has " + str(part.faceGrowth.size()) +
                                     " entries for " + str(faceCount) + " faces");
    }
    for (std::size_t f = 0; f < faceCount; ++f) {
      if ((part.faceGrowth[f] & ~kKnownGrowthBits) != 0) {
        fail(path + "/faceGrowth/" + str(f), what + ": face " + str(f) +
                                                 ": unknown growth region bits " +
                                                 str(static_cast<int>(part.faceGrowth[f])));
      }
    }

    checkManifold(mesh, path, what);
  }

  void checkUvs(const PolyMesh& mesh, const std::string& path, const std::string& what) {
    for (std::size_t u = 0; u < mesh.uvs.size(); ++u) {
      if (!isFinite(mesh.uvs[u])) {
        fail(path + "/uvs/" + str(u),
             what + ": UV " + str(u) + " is not finite " + str(mesh.uvs[u]));
      }
    }
    if (mesh.uvIndices.empty()) {
      if (!mesh.uvs.empty()) {
        fail(path + "/uvIndices", what + ": has " + str(mesh.uvs.size()) + " UVs but no uvIndices");
      }
      return;
    }
    if (mesh.uvIndices.size() != mesh.faceIndices.size()) {
      fail(path + "/uvIndices", what + ": uvIndices holds " + str(mesh.uvIndices.size()) +
                                    " indices for " + str(mesh.faceIndices.size()) +
                                    " face corners (it must be empty or match faceIndices)");
    }
    std::size_t offset = 0;
    for (std::size_t f = 0; f < mesh.faceSizes.size(); ++f) {
      const auto size = static_cast<std::size_t>(mesh.faceSizes[f]);
      for (std::size_t c = 0; c < size; ++c) {
        const int index = mesh.uvIndices[offset + c];
        if (index < 0 || static_cast<std::size_t>(index) >= mesh.uvs.size()) {
          fail(path + "/faces/" + str(f), what + ": face " + str(f) + ": UV index " + str(index) +
                                              " out of range " + range(mesh.uvs.size()));
        }
      }
      offset += size;
    }
  }

  /// No edge may be shared by more than two faces of one part.
  void checkManifold(const PolyMesh& mesh, const std::string& path, const std::string& what) {
    std::vector<std::pair<std::uint64_t, int>> edges;  // (lo << 32 | hi, face)
    edges.reserve(mesh.faceIndices.size());
    std::size_t offset = 0;
    for (std::size_t f = 0; f < mesh.faceSizes.size(); ++f) {
      const auto size = static_cast<std::size_t>(mesh.faceSizes[f]);
      for (std::size_t c = 0; c < size; ++c) {
        const auto a = static_cast<std::uint32_t>(mesh.faceIndices[offset + c]);
        const auto b = static_cast<std::uint32_t>(mesh.faceIndices[offset + (c + 1) % size]);
        const std::uint64_t key = (std::uint64_t{std::min(a, b)} << 32) | std::max(a, b);
        edges.emplace_back(key, static_cast<int>(f));
      }
      offset += size;
    }
    std::sort(edges.begin(), edges.end());
    for (std::size_t begin = 0; begin < edges.size();) {
      std::size_t end = begin + 1;
      while (end < edges.size() && edges[end].first == edges[begin].first) {
        ++end;
      }
      if (end - begin > 2) {
        const auto lo = static_cast<int>(edges[begin].first >> 32);
        const auto hi = static_cast<int>(edges[begin].first & 0xffffffffu);
        std::string faces;
        for (std::size_t e = begin; e < end; ++e) {
          faces += (e == begin ? "" : ", ") + str(edges[e].second);
        }
        fail(path + "/faces/" + str(edges[begin + 2].second),
             what + ": non-manifold: the edge between vertices " + str(lo) + " and " + str(hi) +
                 " is shared by " + str(end - begin) + " faces (" + faces +
                 "); at most 2 may share an edge");
      }
      begin = end;
    }
  }

  void checkMorphTargets(const std::vector<MorphTarget>& targets, const std::string& list,
                         const std::string& kind, bool corrective) {
    checkNames(targets, list, kind);
    const std::size_t vertexCount = static_cast<std::size_t>(m_vertexCount);
    const std::size_t expressionCount = m_model.expressions.size();
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const MorphTarget& target = targets[t];
      const std::string path = "/" + list + "/" + str(t);
      const std::string what = kind + " '" + target.name + "'";
      if (!std::isfinite(target.sigma) || target.sigma <= 0) {
        fail(path + "/sigma", what + ": sigma must be a positive number, got " + str(target.sigma));
      }
      if (target.deltas.size() != target.vertices.size()) {
        fail(path + "/deltas", what + ": " + str(target.deltas.size()) + " deltas for " +
                                   str(target.vertices.size()) + " vertices");
      }
      for (std::size_t k = 0; k < target.vertices.size(); ++k) {
        const int vertex = target.vertices[k];
        if (vertex < 0 || static_cast<std::size_t>(vertex) >= vertexCount) {
          fail(path + "/vertices/" + str(k),
               what + ": vertex index " + str(vertex) + " out of range " + range(vertexCount));
        }
        if (k > 0 && vertex <= target.vertices[k - 1]) {
          fail(path + "/vertices/" + str(k),
               what + ": vertex indices must be strictly ascending: " + str(vertex) + " follows " +
                   str(target.vertices[k - 1]));
        }
        if (!isFinite(target.deltas[k])) {
          fail(path + "/deltas/" + str(k), what + ": delta of vertex " + str(vertex) +
                                               " is not finite " + str(target.deltas[k]));
        }
      }
      if (!corrective) {
        if (!target.drivers.empty()) {
          fail(path + "/drivers", what + ": only correctives have drivers");
        }
        continue;
      }
      if (target.drivers.empty()) {
        fail(path + "/drivers", what + ": a corrective needs at least one driver expression");
      }
      for (std::size_t k = 0; k < target.drivers.size(); ++k) {
        const int driver = target.drivers[k];
        if (driver < 0 || static_cast<std::size_t>(driver) >= expressionCount) {
          fail(path + "/drivers/" + str(k), what + ": driver " + str(driver) +
                                                " is not an expression index " +
                                                range(expressionCount));
        }
        for (std::size_t d = 0; d < k; ++d) {
          if (target.drivers[d] == driver) {
            fail(path + "/drivers/" + str(k),
                 what + ": driver expression '" +
                     m_model.expressions[static_cast<std::size_t>(driver)].name +
                     "' is listed twice");
          }
        }
      }
    }
  }

  void checkJoints() {
    checkNames(m_model.joints, "joints", "joint");
    const std::size_t vertexCount = static_cast<std::size_t>(m_vertexCount);
    for (std::size_t j = 0; j < m_model.joints.size(); ++j) {
      const Joint& joint = m_model.joints[j];
      const std::string path = "/joints/" + str(j);
      const std::string what = "joint '" + joint.name + "'";
      if (joint.parent < -1 || joint.parent >= static_cast<int>(j)) {
        fail(path + "/parent", what + ": parent " + str(joint.parent) +
                                   " must be -1 (a root) or an earlier joint, parents first");
      }
      if (!isFinite(joint.restPosition)) {
        fail(path + "/restPosition",
             what + ": rest position is not finite " + str(joint.restPosition));
      }
      for (std::size_t k = 0; k < joint.anchorVertices.size(); ++k) {
        const int vertex = joint.anchorVertices[k];
        if (vertex < 0 || static_cast<std::size_t>(vertex) >= vertexCount) {
          fail(path + "/anchorVertices/" + str(k),
               what + ": anchor vertex " + str(vertex) + " out of range " + range(vertexCount));
        }
      }
    }
    for (const char* required : {"neck", "head", "jaw", "eye_left", "eye_right"}) {
      if (m_model.findJoint(required) < 0) {
        fail("/joints", std::string("the skeleton has no joint '") + required +
                            "' (required: neck, head, jaw, eye_left, eye_right)");
      }
    }
  }

  void checkSkin() {
    const SkinWeights& skin = m_model.skin;
    const std::size_t vertexCount = static_cast<std::size_t>(m_vertexCount);
    if (skin.joints.size() != vertexCount) {
      fail("/skin/joints", "skin: " + str(skin.joints.size()) + " joint entries for " +
                               str(vertexCount) + " vertices (one per vertex)");
    }
    if (skin.weights.size() != vertexCount) {
      fail("/skin/weights", "skin: " + str(skin.weights.size()) + " weight entries for " +
                                str(vertexCount) + " vertices (one per vertex)");
    }
    const std::size_t jointCount = m_model.joints.size();
    for (std::size_t v = 0; v < vertexCount; ++v) {
      double sum = 0;
      for (int k = 0; k < SkinWeights::kInfluences; ++k) {
        const int joint = skin.joints[v][static_cast<std::size_t>(k)];
        const float weight = skin.weights[v][static_cast<std::size_t>(k)];
        if (joint < 0 || static_cast<std::size_t>(joint) >= jointCount) {
          fail("/skin/joints/" + str(v), "skin: vertex " + str(v) + ": joint index " + str(joint) +
                                             " out of range " + range(jointCount));
        }
        if (!std::isfinite(weight) || weight < 0) {
          fail("/skin/weights/" + str(v),
               "skin: vertex " + str(v) + ": weight " + str(weight) + " is not a number >= 0");
        }
        sum += weight;
      }
      if (std::abs(sum - 1.0) > kWeightSumTolerance) {
        fail("/skin/weights/" + str(v), "skin: vertex " + str(v) + ": weights add up to " +
                                            str(static_cast<float>(sum)) + ", not 1");
      }
    }
  }

  void checkLandmarks(const std::vector<Landmark>& landmarks, const std::string& list, bool iBug) {
    if (iBug && landmarks.size() != kLandmarkCount) {
      fail("/" + list, str(landmarks.size()) + " landmarks; a model has exactly " +
                           str(kLandmarkCount) + " (the iBUG 68, then the two pupils)");
    }
    checkNames(landmarks, list, "landmark");
    for (std::size_t l = 0; l < landmarks.size(); ++l) {
      const Landmark& landmark = landmarks[l];
      const std::string path = "/" + list + "/" + str(l);
      const std::string what = "landmark '" + landmark.name + "'";
      if (landmark.kind == Landmark::Kind::Surface) {
        checkSurfaceLandmark(landmark, path, what);
      } else if (landmark.kind == Landmark::Kind::Joint) {
        if (landmark.joint < 0 ||
            static_cast<std::size_t>(landmark.joint) >= m_model.joints.size()) {
          fail(path + "/joint", what + ": joint " + str(landmark.joint) + " out of range " +
                                    range(m_model.joints.size()));
        }
        if (!isFinite(landmark.offset)) {
          fail(path + "/offset", what + ": offset is not finite " + str(landmark.offset));
        }
        if (landmark.part != 0 || landmark.face != 0 || landmark.uv != Vec2f(0, 0)) {
          fail(path, what + ": a joint landmark leaves part, face and uv at 0");
        }
      } else {
        fail(path + "/kind", what + ": unknown kind " + str(static_cast<int>(landmark.kind)));
      }
    }
  }

  void checkSurfaceLandmark(const Landmark& landmark, const std::string& path,
                            const std::string& what) {
    const std::vector<FacePart>& parts = m_model.parts;
    if (landmark.part < 0 || static_cast<std::size_t>(landmark.part) >= parts.size()) {
      fail(path + "/part",
           what + ": part " + str(landmark.part) + " out of range " + range(parts.size()));
    }
    const FacePart& part = parts[static_cast<std::size_t>(landmark.part)];
    const auto faceCount = static_cast<std::size_t>(part.mesh.faceCount());
    if (landmark.face < 0 || static_cast<std::size_t>(landmark.face) >= faceCount) {
      fail(path + "/face", what + ": face " + str(landmark.face) + " out of range " +
                               range(faceCount) + " of part '" + part.name + "'");
    }
    const Vec2f& uv = landmark.uv;
    const int size = part.mesh.faceSizes[static_cast<std::size_t>(landmark.face)];
    const bool inside =
        isFinite(uv) &&
        (size == 4 ? uv.x() >= 0 && uv.x() <= 1 && uv.y() >= 0 && uv.y() <= 1
                   : uv.x() >= 0 && uv.y() >= 0 && uv.x() + uv.y() <= 1 + kBarycentricTolerance);
    if (!inside) {
      fail(path + "/uv",
           what + ": uv " + str(uv) + " is outside its " +
               (size == 4 ? "quad (0 <= u, v <= 1)" : "triangle (b1, b2 >= 0, b1 + b2 <= 1)"));
    }
    if (landmark.joint != 0 || landmark.offset != Vec3f(0, 0, 0)) {
      fail(path, what + ": a surface landmark leaves joint and offset at 0");
    }
  }

  const FaceModel& m_model;
  const std::string& m_source;
  int m_vertexCount = 0;
};

}  // namespace

void validateFaceModel(const FaceModel& model, const std::string& source) {
  Validator(model, source).run();
}

}  // namespace sf
