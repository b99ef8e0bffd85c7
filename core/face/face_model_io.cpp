#include "face/face_model_io.h"

#include "util/check.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace sf {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr std::string_view kMagic{"SFMODEL\0", 8};
constexpr std::uint32_t kCurrentVersion = FaceModel::kFormatVersion;
constexpr std::size_t kPreambleSize = 32;
constexpr std::size_t kChecksumSize = 8;
constexpr std::size_t kAlignment = 8;
constexpr std::size_t kInfluences = SkinWeights::kInfluences;
/// An expected array length meaning "any".
constexpr std::uint64_t kAnyCount = std::numeric_limits<std::uint64_t>::max();

/// PartMaterial values by name, in enum order.
constexpr std::array<const char*, 8> kMaterialNames = {
    "skin", "sclera", "cornea", "tearLine", "caruncle", "teeth", "tongue", "mouthCavity"};

enum class ScalarType { F32, I32, U8 };

const char* typeName(ScalarType type) {
  switch (type) {
    case ScalarType::F32: return "f32";
    case ScalarType::I32: return "i32";
    case ScalarType::U8: return "u8";
  }
  return "?";
}

std::size_t typeSize(ScalarType type) {
  return type == ScalarType::U8 ? 1 : 4;
}

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::size_t alignUp(std::size_t size) {
  return (size + kAlignment - 1) / kAlignment * kAlignment;
}

void putU32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
  }
}

void putU64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
  }
}

std::uint32_t getU32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= std::uint32_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  }
  return value;
}

std::uint64_t getU64(std::string_view bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value |= std::uint64_t{static_cast<unsigned char>(bytes[at + i])} << (8 * i);
  }
  return value;
}

std::string hex(std::uint64_t value) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%016" PRIx64, value);
  return buffer;
}

std::string str(std::uint64_t value) {
  return std::to_string(value);
}

/// " (did you mean 'x'?)" or "".
std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string match = closestMatch(word, candidates);
  return match.empty() ? std::string() : " (did you mean '" + match + "'?)";
}

template <typename T>
std::vector<std::string> namesOf(const std::vector<T>& items) {
  std::vector<std::string> names;
  names.reserve(items.size());
  for (const T& item : items) {
    names.push_back(item.name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------
// Writing

/// Appends arrays to the data section, 8-byte aligned, and returns their references.
class DataWriter {
public:
  ordered_json floats(std::span<const float> values) {
    ordered_json ref = begin(ScalarType::F32, values.size());
    appendWords(values);
    return ref;
  }

  ordered_json ints(std::span<const int> values) {
    ordered_json ref = begin(ScalarType::I32, values.size());
    appendWords(values);
    return ref;
  }

  ordered_json bytes(std::span<const std::uint8_t> values) {
    ordered_json ref = begin(ScalarType::U8, values.size());
    m_data.append(reinterpret_cast<const char*>(values.data()), values.size());
    return ref;
  }

  template <int N>
  ordered_json vecs(const std::vector<Eigen::Matrix<float, N, 1>>& values) {
    std::vector<float> flat(values.size() * N);
    for (std::size_t i = 0; i < values.size(); ++i) {
      for (int c = 0; c < N; ++c) {
        flat[N * i + static_cast<std::size_t>(c)] = values[i][c];
      }
    }
    return floats(flat);
  }

  const std::string& data() const { return m_data; }

private:
  /// 4-byte values, little-endian.
  template <typename T>
  void appendWords(std::span<const T> values) {
    static_assert(sizeof(T) == 4);
    const std::size_t at = m_data.size();
    m_data.resize(at + 4 * values.size());
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(m_data.data() + at, values.data(), 4 * values.size());
    } else {
      for (std::size_t i = 0; i < values.size(); ++i) {
        const auto word = std::bit_cast<std::uint32_t>(values[i]);
        for (std::size_t b = 0; b < 4; ++b) {
          m_data[at + 4 * i + b] = static_cast<char>((word >> (8 * b)) & 0xffu);
        }
      }
    }
  }

  ordered_json begin(ScalarType type, std::size_t count) {
    m_data.resize(alignUp(m_data.size()), '\0');
    ordered_json ref;
    ref["offset"] = m_data.size();
    ref["count"] = count;
    ref["type"] = typeName(type);
    return ref;
  }

  std::string m_data;
};

ordered_json vecJson(const Vec3f& v) {
  return ordered_json::array({v.x(), v.y(), v.z()});
}

ordered_json vecJson(const Vec2f& v) {
  return ordered_json::array({v.x(), v.y()});
}

ordered_json encodePart(const FacePart& part, DataWriter& data) {
  std::vector<std::uint8_t> classes;
  classes.reserve(part.faceClass.size());
  for (const LabelClass c : part.faceClass) {
    classes.push_back(static_cast<std::uint8_t>(c));
  }
  const PolyMesh& mesh = part.mesh;
  ordered_json item;
  item["name"] = part.name;
  item["material"] = kMaterialNames[static_cast<std::size_t>(part.material)];
  item["firstVertex"] = part.firstVertex;
  item["subdivide"] = part.subdivide;
  item["vertexCount"] = mesh.vertexCount();
  item["faceCount"] = mesh.faceCount();
  item["positions"] = data.vecs<3>(mesh.positions);
  item["faceSizes"] = data.ints(mesh.faceSizes);
  item["faceIndices"] = data.ints(mesh.faceIndices);
  item["uvs"] = data.vecs<2>(mesh.uvs);
  item["uvIndices"] = data.ints(mesh.uvIndices);
  item["faceClass"] = data.bytes(classes);
  item["faceGrowth"] = data.bytes(part.faceGrowth);
  return item;
}

ordered_json encodeTargets(const std::vector<MorphTarget>& targets, const FaceModel& model,
                           DataWriter& data) {
  ordered_json list = ordered_json::array();
  for (const MorphTarget& target : targets) {
    ordered_json drivers = ordered_json::array();
    for (const int driver : target.drivers) {
      drivers.push_back(model.expressions[static_cast<std::size_t>(driver)].name);
    }
    ordered_json item;
    item["name"] = target.name;
    item["group"] = target.group;
    item["sigma"] = target.sigma;
    item["vertices"] = data.ints(target.vertices);
    item["deltas"] = data.vecs<3>(target.deltas);
    item["drivers"] = std::move(drivers);
    list.push_back(std::move(item));
  }
  return list;
}

ordered_json encodeLandmarks(const std::vector<Landmark>& landmarks, const FaceModel& model) {
  ordered_json list = ordered_json::array();
  for (const Landmark& landmark : landmarks) {
    ordered_json item;
    item["name"] = landmark.name;
    if (landmark.kind == Landmark::Kind::Surface) {
      item["kind"] = "surface";
      item["part"] = model.parts[static_cast<std::size_t>(landmark.part)].name;
      item["face"] = landmark.face;
      item["uv"] = vecJson(landmark.uv);
    } else {
      item["kind"] = "joint";
      item["joint"] = model.joints[static_cast<std::size_t>(landmark.joint)].name;
      item["offset"] = vecJson(landmark.offset);
    }
    list.push_back(std::move(item));
  }
  return list;
}

// ---------------------------------------------------------------------------------------
// Reading

/// Brings a header written by an older format version up to the current one, one version
/// step at a time, so that every .sfm file ever written stays readable. When the format
/// moves to version N + 1, add a case N here that rewrites a version-N header (and, through
/// the data section it is given, any array whose encoding changed) into version N + 1.
void upgradeHeader([[maybe_unused]] json& header, std::uint32_t version,
                   [[maybe_unused]] std::string_view data) {
  for (; version < kCurrentVersion; ++version) {
    switch (version) {
      default: SF_CHECK_MSG(false, "no upgrade step from this .sfm format version");
    }
  }
}

/// Decodes an .sfm file: the preamble and checksum, then the header and its arrays.
class Decoder {
public:
  Decoder(std::string_view bytes, const std::string& source) : m_bytes(bytes), m_source(source) {}

  FaceModel decode() {
    const std::uint32_t version = checkPreamble();
    json header = parseHeader();
    upgradeHeader(header, version, m_data);
    FaceModel model = decodeHeader(header);
    validateFaceModel(model, m_source);
    return model;
  }

private:
  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    throw Error(SourceLocation::atPointer(m_source, pointer), message);
  }

  /// Checks magic, version, size and checksum; finds the header and the data section.
  std::uint32_t checkPreamble() {
    const std::size_t size = m_bytes.size();
    const std::size_t magicBytes = std::min(size, kMagic.size());
    if (m_bytes.substr(0, magicBytes) != kMagic.substr(0, magicBytes)) {
      fail("", "not a SynthFace model (.sfm) file: it does not start with \"SFMODEL\"");
    }
    if (size < kPreambleSize) {
      fail("", "truncated: the file has " + str(size) + " bytes, fewer than the " +
                   str(kPreambleSize) + "-byte preamble");
    }
    const std::uint32_t version = getU32(m_bytes, 8);
    if (version > kCurrentVersion) {
      fail("", "written by a newer SynthFace: format version " + str(version) +
                   ", this build reads up to " + str(kCurrentVersion));
    }
    if (version == 0) {
      fail("", "invalid format version 0");
    }
    const std::uint64_t declaredSize = getU64(m_bytes, 16);
    if (declaredSize > size) {
      fail("", "truncated: the file has " + str(size) + " of its " + str(declaredSize) + " bytes");
    }
    if (declaredSize < size) {
      fail("", "the file has " + str(size - declaredSize) + " bytes more than the " +
                   str(declaredSize) + " its preamble gives");
    }
    if (size < kPreambleSize + kChecksumSize) {
      fail("", "corrupt: a file size of " + str(size) + " bytes leaves no room for a checksum");
    }
    const std::uint64_t stored = getU64(m_bytes, size - kChecksumSize);
    const std::uint64_t computed = fnv1a64(m_bytes.substr(0, size - kChecksumSize));
    if (stored != computed) {
      fail("", "checksum mismatch: the file is corrupt (stored " + hex(stored) + ", computed " +
                   hex(computed) + ")");
    }
    if (getU32(m_bytes, 12) != 0) {
      fail("", "reserved preamble field is " + str(getU32(m_bytes, 12)) + ", not 0");
    }
    const std::uint64_t headerSize = getU64(m_bytes, 24);
    const std::size_t available = size - kPreambleSize - kChecksumSize;
    if (headerSize > available) {
      fail("", "header size " + str(headerSize) + " exceeds the " + str(available) +
                   " bytes the file holds");
    }
    m_header = m_bytes.substr(kPreambleSize, headerSize);
    const std::size_t dataStart = alignUp(kPreambleSize + headerSize);
    m_data = dataStart <= size - kChecksumSize
                 ? m_bytes.substr(dataStart, size - kChecksumSize - dataStart)
                 : std::string_view();
    return version;
  }

  json parseHeader() const {
    try {
      json header = json::parse(m_header.begin(), m_header.end());
      return header;
    } catch (const json::parse_error& error) {
      // nlohmann's messages start with "[json.exception.parse_error.101] ".
      std::string message = error.what();
      const std::size_t bracket = message.find("] ");
      if (bracket != std::string::npos) {
        message.erase(0, bracket + 2);
      }
      fail("", "header: malformed JSON: " + message);
    }
  }

  // --- JSON values -----------------------------------------------------------------------

  /// `value` is an object with exactly these keys.
  void expectObject(const json& value, const std::string& pointer,
                    std::initializer_list<const char*> keys) const {
    if (!value.is_object()) {
      fail(pointer, std::string("expected an object, got ") + value.type_name());
    }
    const std::vector<std::string> known(keys.begin(), keys.end());
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
        fail(pointer + "/" + escapePointerToken(it.key()),
             "unknown key '" + it.key() + "'" + didYouMean(it.key(), known));
      }
    }
    for (const std::string& key : known) {
      if (!value.contains(key)) {
        fail(pointer, "missing key '" + key + "'");
      }
    }
  }

  const json& member(const json& object, const char* key) const { return *object.find(key); }

  std::string getString(const json& object, const char* key, const std::string& pointer) const {
    const json& value = member(object, key);
    if (!value.is_string()) {
      fail(pointer + "/" + key, std::string("expected a string, got ") + value.type_name());
    }
    return value.get<std::string>();
  }

  bool getBool(const json& object, const char* key, const std::string& pointer) const {
    const json& value = member(object, key);
    if (!value.is_boolean()) {
      fail(pointer + "/" + key, std::string("expected true or false, got ") + value.type_name());
    }
    return value.get<bool>();
  }

  std::int64_t getInteger(const json& value, const std::string& pointer, std::int64_t min,
                          std::int64_t max) const {
    if (!value.is_number_integer()) {
      fail(pointer, "expected an integer, got " +
                        (value.is_number() ? value.dump() : std::string(value.type_name())));
    }
    const bool tooBig =
        value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(max);
    if (tooBig || value.get<std::int64_t>() < min || value.get<std::int64_t>() > max) {
      fail(pointer, value.dump() + " is out of range (" + std::to_string(min) + ".." +
                        std::to_string(max) + ")");
    }
    return value.get<std::int64_t>();
  }

  int getInt(const json& object, const char* key, const std::string& pointer, int min = 0) const {
    return static_cast<int>(
        getInteger(member(object, key), pointer + "/" + key, min, std::numeric_limits<int>::max()));
  }

  float getFloat(const json& value, const std::string& pointer) const {
    if (!value.is_number()) {
      fail(pointer, std::string("expected a number, got ") + value.type_name());
    }
    const double number = value.get<double>();
    if (!(std::abs(number) <= std::numeric_limits<float>::max())) {
      fail(pointer, value.dump() + " is out of the range of a float");
    }
    return static_cast<float>(number);
  }

  template <int N>
  Eigen::Matrix<float, N, 1> getVec(const json& object, const char* key,
                                    const std::string& pointer) const {
    const json& value = member(object, key);
    const std::string path = pointer + "/" + key;
    if (!value.is_array() || value.size() != N) {
      fail(path, "expected an array of " + std::to_string(N) + " numbers");
    }
    Eigen::Matrix<float, N, 1> v;
    for (int i = 0; i < N; ++i) {
      v[i] = getFloat(value[static_cast<std::size_t>(i)], path + "/" + std::to_string(i));
    }
    return v;
  }

  // --- Arrays in the data section --------------------------------------------------------

  /// The bytes an array reference points at, after checking its type, bounds and (when
  /// given) its count.
  std::string_view arrayBytes(const json& object, const char* key, const std::string& pointer,
                              ScalarType type, std::uint64_t expectedCount,
                              const std::string& countRule) const {
    const json& ref = member(object, key);
    const std::string path = pointer + "/" + key;
    expectObject(ref, path, {"offset", "count", "type"});
    const std::string actualType = getString(ref, "type", path);
    if (actualType != typeName(type)) {
      const bool known = actualType == "f32" || actualType == "i32" || actualType == "u8";
      fail(path + "/type",
           known ? "expected type " + std::string(typeName(type)) + ", got " + actualType
                 : "unknown type '" + actualType + "' (f32, i32 or u8)");
    }
    const auto limit = std::numeric_limits<std::int64_t>::max();
    const auto offset =
        static_cast<std::uint64_t>(getInteger(*ref.find("offset"), path + "/offset", 0, limit));
    const auto count =
        static_cast<std::uint64_t>(getInteger(*ref.find("count"), path + "/count", 0, limit));
    if (offset % kAlignment != 0) {
      fail(path + "/offset", "offset " + str(offset) + " is not a multiple of 8");
    }
    const std::size_t elementSize = typeSize(type);
    if (offset > m_data.size() || count > (m_data.size() - offset) / elementSize) {
      fail(path, "array of " + str(count) + " " + typeName(type) + " at offset " + str(offset) +
                     " runs past the end of the data section (" + str(m_data.size()) + " bytes)");
    }
    if (expectedCount != kAnyCount && count != expectedCount) {
      fail(path + "/count", "holds " + str(count) + " values, expected " + str(expectedCount) +
                                " (" + countRule + ")");
    }
    return m_data.substr(offset, count * elementSize);
  }

  /// Little-endian 4-byte values.
  template <typename T>
  static std::vector<T> words(std::string_view bytes) {
    static_assert(sizeof(T) == 4);
    std::vector<T> values(bytes.size() / 4);
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(values.data(), bytes.data(), 4 * values.size());
    } else {
      for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = std::bit_cast<T>(getU32(bytes, 4 * i));
      }
    }
    return values;
  }

  std::vector<float> readFloats(const json& object, const char* key, const std::string& pointer,
                                std::uint64_t expectedCount = kAnyCount,
                                const std::string& countRule = {}) const {
    const std::string_view bytes =
        arrayBytes(object, key, pointer, ScalarType::F32, expectedCount, countRule);
    return words<float>(bytes);
  }

  std::vector<int> readInts(const json& object, const char* key, const std::string& pointer,
                            std::uint64_t expectedCount = kAnyCount,
                            const std::string& countRule = {}) const {
    const std::string_view bytes =
        arrayBytes(object, key, pointer, ScalarType::I32, expectedCount, countRule);
    return words<int>(bytes);
  }

  std::vector<std::uint8_t> readBytes(const json& object, const char* key,
                                      const std::string& pointer, std::uint64_t expectedCount,
                                      const std::string& countRule) const {
    const std::string_view bytes =
        arrayBytes(object, key, pointer, ScalarType::U8, expectedCount, countRule);
    return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
  }

  /// n Vec3f or Vec2f stored flat.
  template <int N>
  std::vector<Eigen::Matrix<float, N, 1>> readVecs(const json& object, const char* key,
                                                   const std::string& pointer,
                                                   std::uint64_t expectedVectors,
                                                   const std::string& countRule) const {
    const std::uint64_t expectedCount =
        expectedVectors == kAnyCount ? kAnyCount : expectedVectors * N;
    const std::vector<float> flat = readFloats(object, key, pointer, expectedCount, countRule);
    if (flat.size() % N != 0) {
      fail(pointer + "/" + key + "/count", "holds " + str(flat.size()) +
                                               " values, not a multiple of " + std::to_string(N) +
                                               " (" + std::to_string(N) + " per vector)");
    }
    std::vector<Eigen::Matrix<float, N, 1>> vectors(flat.size() / N);
    for (std::size_t i = 0; i < vectors.size(); ++i) {
      for (int c = 0; c < N; ++c) {
        vectors[i][c] = flat[N * i + static_cast<std::size_t>(c)];
      }
    }
    return vectors;
  }

  // --- The model -------------------------------------------------------------------------

  FaceModel decodeHeader(const json& header) const {
    expectObject(header, "",
                 {"name", "version", "license", "author", "vertexCount", "parts", "identity",
                  "expressions", "correctives", "joints", "skin", "landmarks", "denseLandmarks"});
    FaceModel model;
    model.name = getString(header, "name", "");
    model.version = getString(header, "version", "");
    model.license = getString(header, "license", "");
    model.author = getString(header, "author", "");

    const json& parts = list(header, "parts", "");
    std::uint64_t partVertices = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      model.parts.push_back(decodePart(parts[i], "/parts/" + str(i)));
      partVertices += static_cast<std::uint64_t>(model.parts.back().mesh.vertexCount());
    }
    const int vertexCount = getInt(header, "vertexCount", "");
    if (partVertices != static_cast<std::uint64_t>(vertexCount)) {
      fail("/vertexCount", "vertexCount is " + std::to_string(vertexCount) +
                               ", but the parts hold " + str(partVertices) + " vertices");
    }

    // Expressions first: drivers name them.
    model.expressions = decodeTargets(header, "expressions", model);
    model.identity = decodeTargets(header, "identity", model);
    model.correctives = decodeTargets(header, "correctives", model);
    model.joints = decodeJoints(header);
    model.skin = decodeSkin(header, static_cast<std::uint64_t>(vertexCount));
    model.landmarks = decodeLandmarks(header, "landmarks", model);
    model.denseLandmarks = decodeLandmarks(header, "denseLandmarks", model);
    return model;
  }

  const json& list(const json& object, const char* key, const std::string& pointer) const {
    const json& value = member(object, key);
    if (!value.is_array()) {
      fail(pointer + "/" + key, std::string("expected an array, got ") + value.type_name());
    }
    return value;
  }

  FacePart decodePart(const json& object, const std::string& pointer) const {
    expectObject(
        object, pointer,
        {"name", "material", "firstVertex", "subdivide", "vertexCount", "faceCount", "positions",
         "faceSizes", "faceIndices", "uvs", "uvIndices", "faceClass", "faceGrowth"});
    FacePart part;
    part.name = getString(object, "name", pointer);
    const std::string material = getString(object, "material", pointer);
    const std::vector<std::string> materials(kMaterialNames.begin(), kMaterialNames.end());
    const auto found = std::find(materials.begin(), materials.end(), material);
    if (found == materials.end()) {
      fail(pointer + "/material",
           "unknown material '" + material + "'" + didYouMean(material, materials));
    }
    part.material = static_cast<PartMaterial>(found - materials.begin());
    part.firstVertex = getInt(object, "firstVertex", pointer);
    part.subdivide = getBool(object, "subdivide", pointer);
    const int vertexCount = getInt(object, "vertexCount", pointer);
    const int faceCount = getInt(object, "faceCount", pointer);
    const std::string perVertex = "3 per vertex, " + std::to_string(vertexCount) + " vertices";
    const std::string perFace = "one per face, " + std::to_string(faceCount) + " faces";
    const auto faces = static_cast<std::uint64_t>(faceCount);

    PolyMesh& mesh = part.mesh;
    mesh.positions = readVecs<3>(object, "positions", pointer,
                                 static_cast<std::uint64_t>(vertexCount), perVertex);
    mesh.faceSizes = readInts(object, "faceSizes", pointer, faces, perFace);
    mesh.faceIndices = readInts(object, "faceIndices", pointer);
    mesh.uvs = readVecs<2>(object, "uvs", pointer, kAnyCount, {});
    mesh.uvIndices = readInts(object, "uvIndices", pointer);
    for (const std::uint8_t value : readBytes(object, "faceClass", pointer, faces, perFace)) {
      part.faceClass.push_back(static_cast<LabelClass>(value));
    }
    part.faceGrowth = readBytes(object, "faceGrowth", pointer, faces, perFace);
    return part;
  }

  std::vector<MorphTarget> decodeTargets(const json& header, const char* key,
                                         const FaceModel& model) const {
    const json& targets = list(header, key, "");
    const std::vector<std::string> expressionNames = namesOf(model.expressions);
    std::vector<MorphTarget> result;
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const json& object = targets[t];
      const std::string pointer = "/" + std::string(key) + "/" + str(t);
      expectObject(object, pointer, {"name", "group", "sigma", "vertices", "deltas", "drivers"});
      MorphTarget target;
      target.name = getString(object, "name", pointer);
      target.group = getString(object, "group", pointer);
      target.sigma = getFloat(member(object, "sigma"), pointer + "/sigma");
      target.vertices = readInts(object, "vertices", pointer);
      target.deltas = readVecs<3>(object, "deltas", pointer, target.vertices.size(),
                                  "3 per vertex, " + str(target.vertices.size()) + " vertices");
      const json& drivers = list(object, "drivers", pointer);
      for (std::size_t k = 0; k < drivers.size(); ++k) {
        const std::string path = pointer + "/drivers/" + str(k);
        if (!drivers[k].is_string()) {
          fail(path, std::string("expected an expression name, got ") + drivers[k].type_name());
        }
        const std::string name = drivers[k].get<std::string>();
        const int index = model.findExpression(name);
        if (index < 0) {
          fail(path, "unknown expression '" + name + "'" + didYouMean(name, expressionNames));
        }
        target.drivers.push_back(index);
      }
      result.push_back(std::move(target));
    }
    return result;
  }

  std::vector<Joint> decodeJoints(const json& header) const {
    const json& joints = list(header, "joints", "");
    std::vector<Joint> result;
    for (std::size_t j = 0; j < joints.size(); ++j) {
      const std::string pointer = "/joints/" + str(j);
      expectObject(joints[j], pointer, {"name", "parent", "restPosition", "anchorVertices"});
      Joint joint;
      joint.name = getString(joints[j], "name", pointer);
      joint.restPosition = getVec<3>(joints[j], "restPosition", pointer);
      joint.anchorVertices = readInts(joints[j], "anchorVertices", pointer);
      result.push_back(std::move(joint));
    }
    // Parents by name, once every joint's name is known.
    const std::vector<std::string> names = namesOf(result);
    for (std::size_t j = 0; j < joints.size(); ++j) {
      const json& parent = member(joints[j], "parent");
      const std::string pointer = "/joints/" + str(j) + "/parent";
      if (parent.is_null()) {
        continue;
      }
      if (!parent.is_string()) {
        fail(pointer, std::string("expected a joint name or null, got ") + parent.type_name());
      }
      const std::string name = parent.get<std::string>();
      const auto found = std::find(names.begin(), names.end(), name);
      if (found == names.end()) {
        fail(pointer, "unknown joint '" + name + "'" + didYouMean(name, names));
      }
      result[j].parent = static_cast<int>(found - names.begin());
    }
    return result;
  }

  SkinWeights decodeSkin(const json& header, std::uint64_t vertexCount) const {
    const json& skin = member(header, "skin");
    expectObject(skin, "/skin", {"joints", "weights"});
    const std::string rule = "4 per vertex, " + str(vertexCount) + " vertices";
    const std::vector<int> joints =
        readInts(skin, "joints", "/skin", vertexCount * kInfluences, rule);
    const std::vector<float> weights =
        readFloats(skin, "weights", "/skin", vertexCount * kInfluences, rule);
    SkinWeights result;
    result.joints.resize(vertexCount);
    result.weights.resize(vertexCount);
    for (std::size_t v = 0; v < vertexCount; ++v) {
      for (std::size_t k = 0; k < kInfluences; ++k) {
        result.joints[v][k] = joints[kInfluences * v + k];
        result.weights[v][k] = weights[kInfluences * v + k];
      }
    }
    return result;
  }

  std::vector<Landmark> decodeLandmarks(const json& header, const char* key,
                                        const FaceModel& model) const {
    const json& landmarks = list(header, key, "");
    const std::vector<std::string> partNames = namesOf(model.parts);
    const std::vector<std::string> jointNames = namesOf(model.joints);
    std::vector<Landmark> result;
    for (std::size_t l = 0; l < landmarks.size(); ++l) {
      const json& object = landmarks[l];
      const std::string pointer = "/" + std::string(key) + "/" + str(l);
      if (!object.is_object()) {
        fail(pointer, std::string("expected an object, got ") + object.type_name());
      }
      if (!object.contains("kind")) {
        fail(pointer, "missing key 'kind'");
      }
      const std::string kind = getString(object, "kind", pointer);
      Landmark landmark;
      if (kind == "surface") {
        expectObject(object, pointer, {"name", "kind", "part", "face", "uv"});
        landmark.kind = Landmark::Kind::Surface;
        const std::string part = getString(object, "part", pointer);
        landmark.part = model.findPart(part);
        if (landmark.part < 0) {
          fail(pointer + "/part", "unknown part '" + part + "'" + didYouMean(part, partNames));
        }
        landmark.face = getInt(object, "face", pointer);
        landmark.uv = getVec<2>(object, "uv", pointer);
      } else if (kind == "joint") {
        expectObject(object, pointer, {"name", "kind", "joint", "offset"});
        landmark.kind = Landmark::Kind::Joint;
        const std::string joint = getString(object, "joint", pointer);
        landmark.joint = model.findJoint(joint);
        if (landmark.joint < 0) {
          fail(pointer + "/joint", "unknown joint '" + joint + "'" + didYouMean(joint, jointNames));
        }
        landmark.offset = getVec<3>(object, "offset", pointer);
      } else {
        fail(pointer + "/kind", "unknown landmark kind '" + kind + "' (surface or joint)");
      }
      landmark.name = getString(object, "name", pointer);
      result.push_back(std::move(landmark));
    }
    return result;
  }

  std::string_view m_bytes;
  const std::string& m_source;
  std::string_view m_header;
  std::string_view m_data;
};

}  // namespace

std::string encodeFaceModel(const FaceModel& model, const std::string& source) {
  validateFaceModel(model, source);

  // Arrays go to the data section as the header is built; their offsets are relative to
  // the data section, so the header's own length does not move them.
  DataWriter data;
  ordered_json header;
  header["name"] = model.name;
  header["version"] = model.version;
  header["license"] = model.license;
  header["author"] = model.author;
  header["vertexCount"] = model.vertexCount();
  header["parts"] = ordered_json::array();
  for (const FacePart& part : model.parts) {
    header["parts"].push_back(encodePart(part, data));
  }
  header["identity"] = encodeTargets(model.identity, model, data);
  header["expressions"] = encodeTargets(model.expressions, model, data);
  header["correctives"] = encodeTargets(model.correctives, model, data);
  header["joints"] = ordered_json::array();
  for (const Joint& joint : model.joints) {
    ordered_json item;
    item["name"] = joint.name;
    item["parent"] = joint.parent < 0
                         ? ordered_json()
                         : ordered_json(model.joints[static_cast<std::size_t>(joint.parent)].name);
    item["restPosition"] = vecJson(joint.restPosition);
    item["anchorVertices"] = data.ints(joint.anchorVertices);
    header["joints"].push_back(std::move(item));
  }
  std::vector<int> skinJoints;
  std::vector<float> skinWeights;
  for (std::size_t v = 0; v < model.skin.joints.size(); ++v) {
    skinJoints.insert(skinJoints.end(), model.skin.joints[v].begin(), model.skin.joints[v].end());
    skinWeights.insert(skinWeights.end(), model.skin.weights[v].begin(),
                       model.skin.weights[v].end());
  }
  header["skin"]["joints"] = data.ints(skinJoints);
  header["skin"]["weights"] = data.floats(skinWeights);
  header["landmarks"] = encodeLandmarks(model.landmarks, model);
  header["denseLandmarks"] = encodeLandmarks(model.denseLandmarks, model);

  std::string text;
  try {
    text = header.dump();
  } catch (const ordered_json::type_error&) {
    throw Error(SourceLocation::inFile(source), "names and metadata must be valid UTF-8");
  }

  const std::size_t dataStart = alignUp(kPreambleSize + text.size());
  const std::size_t fileSize = dataStart + data.data().size() + kChecksumSize;
  std::string bytes;
  bytes.reserve(fileSize);
  bytes.append(kMagic);
  putU32(bytes, kCurrentVersion);
  putU32(bytes, 0);
  putU64(bytes, fileSize);
  putU64(bytes, text.size());
  bytes += text;
  bytes.resize(dataStart, '\0');
  bytes += data.data();
  putU64(bytes, fnv1a64(bytes));
  SF_CHECK(bytes.size() == fileSize);
  return bytes;
}

FaceModel decodeFaceModel(std::string_view bytes, const std::string& source) {
  try {
    return Decoder(bytes, source).decode();
  } catch (const nlohmann::json::exception& error) {
    // The decoder checks every value before using it; this is a safety net that keeps
    // even an overlooked case an error about the file rather than a crash.
    throw Error(SourceLocation::inFile(source), std::string("header: ") + error.what());
  }
}

void writeFaceModel(const FaceModel& model, const std::filesystem::path& path) {
  writeFileAtomically(path, encodeFaceModel(model, path.string()));
}

FaceModel readFaceModel(const std::filesystem::path& path) {
  return decodeFaceModel(readFile(path), path.string());
}

}  // namespace sf
