// Tests of the face model's consistency checks and its .sfm file format: exact round trips,
// and clear errors (naming the file and the element) for every kind of bad input.

#include "face/face_model.h"
#include "face/face_model_io.h"
#include "test_models.h"
#include "util/error.h"
#include "util/files.h"

#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// --- The documented layout, implemented here independently of the reader ------------------

constexpr std::size_t kPreamble = 32;

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : bytes) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  return hash;
}

std::uint64_t readLe(std::string_view bytes, std::size_t at, int size) {
  std::uint64_t value = 0;
  for (int i = 0; i < size; ++i) {
    value |= std::uint64_t{static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)])}
             << (8 * i);
  }
  return value;
}

void writeLe(std::string& bytes, std::size_t at, std::uint64_t value, int size) {
  for (int i = 0; i < size; ++i) {
    bytes[at + static_cast<std::size_t>(i)] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
}

void fixChecksum(std::string& bytes) {
  writeLe(bytes, bytes.size() - 8, fnv1a64(std::string_view(bytes).substr(0, bytes.size() - 8)), 8);
}

/// An .sfm file taken apart: preamble fields, header JSON and data section.
struct SfmFile {
  std::uint32_t version = 0;
  std::string headerText;
  json header;
  std::string data;

  static SfmFile parse(const std::string& bytes) {
    SfmFile file;
    file.version = static_cast<std::uint32_t>(readLe(bytes, 8, 4));
    const std::size_t headerSize = readLe(bytes, 24, 8);
    file.headerText = bytes.substr(kPreamble, headerSize);
    file.header = json::parse(file.headerText);
    const std::size_t dataStart = (kPreamble + headerSize + 7) / 8 * 8;
    file.data = bytes.substr(dataStart, bytes.size() - 8 - dataStart);
    return file;
  }

  /// The bytes, with sizes and checksum recomputed; `headerText` wins if `header` is null.
  std::string assemble() const {
    const std::string text = header.is_null() ? headerText : header.dump();
    std::string bytes("SFMODEL\0", 8);
    bytes.resize(kPreamble, '\0');
    writeLe(bytes, 8, version, 4);
    writeLe(bytes, 24, text.size(), 8);
    bytes += text;
    bytes.resize((bytes.size() + 7) / 8 * 8, '\0');
    bytes += data;
    bytes.resize(bytes.size() + 8, '\0');
    writeLe(bytes, 16, bytes.size(), 8);
    fixChecksum(bytes);
    return bytes;
  }

  std::size_t offsetOf(const json& ref) const { return ref["offset"].get<std::size_t>(); }

  void setI32(const json& ref, std::size_t index, std::int32_t value) {
    writeLe(data, offsetOf(ref) + 4 * index, static_cast<std::uint32_t>(value), 4);
  }
  std::int32_t i32(const json& ref, std::size_t index) const {
    return static_cast<std::int32_t>(readLe(data, offsetOf(ref) + 4 * index, 4));
  }
  void setF32(const json& ref, std::size_t index, float value) {
    writeLe(data, offsetOf(ref) + 4 * index, std::bit_cast<std::uint32_t>(value), 4);
  }
};

// --- Cases -------------------------------------------------------------------------------------

/// A bad file: an edit of the parsed file (re-assembled with a valid checksum) and/or of
/// the final bytes; the error's pointer ("*" at the end: a prefix) and a message fragment.
struct BadFileCase {
  const char* tag;
  std::function<void(SfmFile&)> edit;
  std::function<void(std::string&)> editBytes;
  const char* pointer;
  const char* fragment;
};

const std::vector<BadFileCase>& badFileCases() {
  const auto header = [](std::function<void(json&)> f) {
    return [f](SfmFile& file) { f(file.header); };
  };
  const auto positions = [](json& h) -> json& { return h["parts"][0]["positions"]; };
  static const std::vector<BadFileCase> cases = {
      {"empty file", {}, [](std::string& b) { b.clear(); }, "", "truncated"},
      {"wrong magic",
       {},
       [](std::string& b) { b[0] = 'X'; },
       "",
       "not a SynthFace model (.sfm) file"},
      {"a PNG",
       {},
       [](std::string& b) { b = "\x89PNG\r\n\x1a\n and more"; },
       "",
       "not a SynthFace model"},
      {"future version",
       [](SfmFile& f) { f.version = 7; },
       {},
       "",
       "written by a newer SynthFace: format version 7, this build reads up to 1"},
      {"version zero", [](SfmFile& f) { f.version = 0; }, {}, "", "invalid format version 0"},
      {"flipped data byte",
       {},
       [](std::string& b) { b[b.size() - 20] ^= 0x04; },
       "",
       "checksum mismatch"},
      {"flipped header byte", {}, [](std::string& b) { b[40] ^= 0x01; }, "", "checksum mismatch"},
      {"flipped checksum byte",
       {},
       [](std::string& b) { b.back() ^= 0x01; },
       "",
       "checksum mismatch"},
      {"trailing bytes",
       {},
       [](std::string& b) { b += "junk"; },
       "",
       "the file has 4 bytes more than"},
      {"reserved field set",
       {},
       [](std::string& b) {
         b[12] = 1;
         fixChecksum(b);
       },
       "",
       "reserved preamble field is 1"},
      {"header size past the end",
       {},
       [](std::string& b) {
         writeLe(b, 24, 1ull << 40, 8);
         fixChecksum(b);
       },
       "",
       "header size 1099511627776 exceeds"},
      {"malformed JSON",
       [](SfmFile& f) {
         f.header = json();
         f.headerText = "{\"name\": ";
       },
       {},
       "",
       "header: malformed JSON"},
      {"header is an array",
       header([](json& h) {
         h = json::array({1, 2});
       }),
       {},
       "",
       "expected an object, got array"},
      {"name is a number",
       header([](json& h) { h["name"] = 5; }),
       {},
       "/name",
       "expected a string, got number"},
      {"missing parts", header([](json& h) { h.erase("parts"); }), {}, "", "missing key 'parts'"},
      {"unknown key",
       header([](json& h) { h["nmae"] = "x"; }),
       {},
       "/nmae",
       "unknown key 'nmae' (did you mean 'name'?)"},
      {"parts is an object",
       header([](json& h) { h["parts"] = json::object(); }),
       {},
       "/parts",
       "expected an array, got object"},
      {"subdivide is a string",
       header([](json& h) { h["parts"][0]["subdivide"] = "yes"; }),
       {},
       "/parts/0/subdivide",
       "expected true or false, got string"},
      {"vertexCount is a fraction",
       header([](json& h) { h["parts"][0]["vertexCount"] = 97.5; }),
       {},
       "/parts/0/vertexCount",
       "expected an integer, got 97.5"},
      {"array offset past the end",
       header([=](json& h) { positions(h)["offset"] = 1 << 20; }),
       {},
       "/parts/0/positions",
       "runs past the end of the data section"},
      {"array count overflowing",
       header([=](json& h) { positions(h)["count"] = 1ull << 62; }),
       {},
       "/parts/0/positions",
       "runs past the end of the data section"},
      {"array count beyond 64 bits",
       header([=](json& h) { positions(h)["count"] = std::numeric_limits<std::uint64_t>::max(); }),
       {},
       "/parts/0/positions/count",
       "out of range"},
      {"array count huge fraction",
       header([=](json& h) { positions(h)["count"] = 1e30; }),
       {},
       "/parts/0/positions/count",
       "expected an integer"},
      {"negative offset",
       header([=](json& h) { positions(h)["offset"] = -8; }),
       {},
       "/parts/0/positions/offset",
       "-8 is out of range"},
      {"unaligned offset",
       header([=](json& h) { positions(h)["offset"] = positions(h)["offset"].get<int>() + 4; }),
       {},
       "/parts/0/positions/offset",
       "is not a multiple of 8"},
      {"wrong array type",
       header([](json& h) { h["parts"][0]["faceSizes"]["type"] = "f32"; }),
       {},
       "/parts/0/faceSizes/type",
       "expected type i32, got f32"},
      {"unknown array type",
       header([](json& h) { h["parts"][0]["uvs"]["type"] = "f64"; }),
       {},
       "/parts/0/uvs/type",
       "unknown type 'f64'"},
      {"array reference missing count",
       header([=](json& h) { positions(h).erase("count"); }),
       {},
       "/parts/0/positions",
       "missing key 'count'"},
      {"model vertex count mismatch",
       header([](json& h) { h["vertexCount"] = h["vertexCount"].get<int>() + 1; }),
       {},
       "/vertexCount",
       "vertexCount is 151, but the parts hold 150 vertices"},
      {"part vertex count mismatch",
       header([](json& h) { h["parts"][0]["vertexCount"] = 97; }),
       {},
       "/parts/0/positions/count",
       "holds 294 values, expected 291 (3 per vertex, 97 vertices)"},
      {"face count mismatch",
       header([](json& h) { h["parts"][1]["faceCount"] = 31; }),
       {},
       "/parts/1/faceSizes/count",
       "holds 32 values, expected 31"},
      {"skin count mismatch",
       header([](json& h) {
         h["skin"]["weights"]["count"] = h["skin"]["weights"]["count"].get<int>() - 4;
       }),
       {},
       "/skin/weights/count",
       "holds 596 values, expected 600 (4 per vertex, 150 vertices)"},
      {"morph deltas count mismatch",
       header([](json& h) {
         h["identity"][1]["deltas"]["count"] = h["identity"][1]["deltas"]["count"].get<int>() - 3;
       }),
       {},
       "/identity/1/deltas/count",
       "expected 156 (3 per vertex, 52 vertices)"},
      {"UVs not in pairs",
       header([](json& h) {
         h["parts"][0]["uvs"]["count"] = h["parts"][0]["uvs"]["count"].get<int>() - 1;
       }),
       {},
       "/parts/0/uvs/count",
       "not a multiple of 2"},
      {"unknown material",
       header([](json& h) { h["parts"][1]["material"] = "scelra"; }),
       {},
       "/parts/1/material",
       "unknown material 'scelra' (did you mean 'sclera'?)"},
      {"unknown parent joint",
       header([](json& h) { h["joints"][2]["parent"] = "hed"; }),
       {},
       "/joints/2/parent",
       "unknown joint 'hed' (did you mean 'head'?)"},
      {"parent is a number",
       header([](json& h) { h["joints"][2]["parent"] = 1; }),
       {},
       "/joints/2/parent",
       "expected a joint name or null, got number"},
      {"unknown driver",
       header([](json& h) { h["correctives"][0]["drivers"][1] = "jawOpn"; }),
       {},
       "/correctives/0/drivers/1",
       "unknown expression 'jawOpn' (did you mean 'jawOpen'?)"},
      {"unknown landmark part",
       header([](json& h) { h["landmarks"][0]["part"] = "skn"; }),
       {},
       "/landmarks/0/part",
       "unknown part 'skn' (did you mean 'skin'?)"},
      {"unknown landmark joint",
       header([](json& h) { h["landmarks"][69]["joint"] = "eye_rigth"; }),
       {},
       "/landmarks/69/joint",
       "unknown joint 'eye_rigth' (did you mean 'eye_right'?)"},
      {"unknown landmark kind",
       header([](json& h) { h["landmarks"][0]["kind"] = "edge"; }),
       {},
       "/landmarks/0/kind",
       "unknown landmark kind 'edge'"},
      {"joint landmark with a face",
       header([](json& h) { h["landmarks"][69]["face"] = 3; }),
       {},
       "/landmarks/69/face",
       "unknown key 'face'"},
      {"restPosition too short",
       header([](json& h) {
         h["joints"][0]["restPosition"] = {1, 2};
       }),
       {},
       "/joints/0/restPosition",
       "expected an array of 3 numbers"},
      {"sigma beyond a float",
       header([](json& h) { h["identity"][0]["sigma"] = 1e300; }),
       {},
       "/identity/0/sigma",
       "out of the range of a float"},
      {"69 landmarks",
       header([](json& h) { h["landmarks"].erase(h["landmarks"].size() - 1); }),
       {},
       "/landmarks",
       "69 landmarks; a model has exactly 70"},
      {"duplicate joint name",
       header([](json& h) {
         h["joints"][4]["name"] = "head";
         h["landmarks"][69]["joint"] = "eye_left";
       }),
       {},
       "/joints/4/name",
       "joint 'head': name already used by joints[1]"},
      {"empty mesh",
       header([](json& h) {
         // The last part emptied consistently: every count agrees, the model does not.
         json& part = h["parts"][2];
         part["vertexCount"] = 0;
         part["faceCount"] = 0;
         for (const char* key :
              {"positions", "faceSizes", "faceIndices", "faceClass", "faceGrowth"}) {
           part[key]["count"] = 0;
         }
         h["vertexCount"] = 124;
         h["skin"]["joints"]["count"] = 4 * 124;
         h["skin"]["weights"]["count"] = 4 * 124;
       }),
       {},
       "/parts/2/positions",
       "part 'eye_right': the mesh has no vertices"},
      {"NaN coordinate",
       [](SfmFile& f) {
         f.setF32(f.header["parts"][0]["positions"], 5 * 3 + 1,
                  std::numeric_limits<float>::quiet_NaN());
       },
       {},
       "/parts/0/positions/5",
       "part 'skin': vertex 5 is not finite"},
      {"vertex index out of range",
       [](SfmFile& f) { f.setI32(f.header["parts"][2]["faceIndices"], 17, 912); },
       {},
       "/parts/2/faces/5",
       "part 'eye_right': face 5: vertex index 912 out of range (0..25)"},
      {"non-manifold",
       [](SfmFile& f) {
         // Give a far-away quad the first edge of face 0: three faces share that edge.
         const json& ref = f.header["parts"][0]["faceIndices"];
         const std::int32_t a = f.i32(ref, 0);
         const std::int32_t b = f.i32(ref, 1);
         for (std::size_t face = 60;; ++face) {
           bool touches = false;
           for (std::size_t c = 0; c < 4; ++c) {
             touches = touches || f.i32(ref, 4 * face + c) == a || f.i32(ref, 4 * face + c) == b;
           }
           if (!touches) {
             f.setI32(ref, 4 * face, a);
             f.setI32(ref, 4 * face + 1, b);
             return;
           }
         }
       },
       {},
       "/parts/0/faces/*",
       "part 'skin': non-manifold: the edge between vertices 0 and 1 is shared by 3 faces"},
  };
  return cases;
}

/// An inconsistent model: an edit of the valid test model, the pointer ("*" at the end: a
/// prefix) and a message fragment validateFaceModel reports.
struct InvalidModelCase {
  const char* tag;
  std::function<void(sf::FaceModel&)> edit;
  const char* pointer;
  const char* fragment;
};

const std::vector<InvalidModelCase>& invalidModelCases() {
  using sf::FaceModel;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  static const std::vector<InvalidModelCase> cases = {
      {"no parts", [](FaceModel& m) { m.parts.clear(); }, "/parts", "the model has no parts"},
      {"part without faces",
       [](FaceModel& m) {
         sf::FacePart& part = m.parts[1];
         part.mesh.faceSizes.clear();
         part.mesh.faceIndices.clear();
         part.faceClass.clear();
         part.faceGrowth.clear();
       },
       "/parts/1/faces", "part 'eye_left': the mesh has no faces"},
      {"part without vertices", [](FaceModel& m) { m.parts[2].mesh.positions.clear(); },
       "/parts/2/positions", "part 'eye_right': the mesh has no vertices"},
      {"part without a name", [](FaceModel& m) { m.parts[0].name.clear(); }, "/parts/0/name",
       "part 0 has no name"},
      {"duplicate part name", [](FaceModel& m) { m.parts[2].name = "eye_left"; }, "/parts/2/name",
       "part 'eye_left': name already used by parts[1]"},
      {"unknown material", [](FaceModel& m) { m.parts[0].material = sf::PartMaterial(20); },
       "/parts/0/material", "part 'skin': unknown material 20"},
      {"gap between parts", [](FaceModel& m) { m.parts[1].firstVertex = 99; },
       "/parts/1/firstVertex", "part 'eye_left': firstVertex is 99, expected 98"},
      {"face of five", [](FaceModel& m) { m.parts[0].mesh.faceSizes[17] = 5; }, "/parts/0/faces/17",
       "part 'skin': face 17 has 5 vertices; faces have 3 or 4"},
      {"corner count", [](FaceModel& m) { m.parts[0].mesh.faceIndices.pop_back(); },
       "/parts/0/faceIndices",
       "part 'skin': faceIndices holds 383 indices, but the face sizes add up to 384"},
      {"vertex index out of range",
       [](FaceModel& m) { m.parts[0].mesh.faceIndices[17 * 4 + 2] = 912; }, "/parts/0/faces/17",
       "part 'skin': face 17: vertex index 912 out of range (0..97)"},
      {"negative vertex index", [](FaceModel& m) { m.parts[1].mesh.faceIndices[0] = -1; },
       "/parts/1/faces/0", "part 'eye_left': face 0: vertex index -1 out of range (0..25)"},
      {"vertex twice in a face",
       [](FaceModel& m) {
         std::vector<int>& indices = m.parts[0].mesh.faceIndices;
         indices[17 * 4 + 2] = indices[17 * 4];
       },
       "/parts/0/faces/17", "part 'skin': face 17 uses vertex"},
      {"uvIndices size", [](FaceModel& m) { m.parts[0].mesh.uvIndices.pop_back(); },
       "/parts/0/uvIndices", "part 'skin': uvIndices holds 383 indices for 384 face corners"},
      {"UV index out of range", [](FaceModel& m) { m.parts[0].mesh.uvIndices[5] = 1000; },
       "/parts/0/faces/1", "part 'skin': face 1: UV index 1000 out of range (0..149)"},
      {"UVs without indices", [](FaceModel& m) { m.parts[1].mesh.uvs = {sf::Vec2f(0, 0)}; },
       "/parts/1/uvIndices", "part 'eye_left': has 1 UVs but no uvIndices"},
      {"UV not finite", [=](FaceModel& m) { m.parts[0].mesh.uvs[3].x() = nan; }, "/parts/0/uvs/3",
       "part 'skin': UV 3 is not finite"},
      {"NaN position", [=](FaceModel& m) { m.parts[1].mesh.positions[5].y() = nan; },
       "/parts/1/positions/5", "part 'eye_left': vertex 5 is not finite"},
      {"infinite position", [=](FaceModel& m) { m.parts[0].mesh.positions[0].z() = -inf; },
       "/parts/0/positions/0", "part 'skin': vertex 0 is not finite"},
      {"faceClass size", [](FaceModel& m) { m.parts[0].faceClass.pop_back(); },
       "/parts/0/faceClass", "part 'skin': faceClass has 95 entries for 96 faces"},
      {"unknown label class", [](FaceModel& m) { m.parts[0].faceClass[3] = sf::LabelClass(42); },
       "/parts/0/faceClass/3", "part 'skin': face 3: unknown label class 42"},
      {"faceGrowth size", [](FaceModel& m) { m.parts[2].faceGrowth.push_back(0); },
       "/parts/2/faceGrowth", "part 'eye_right': faceGrowth has 33 entries for 32 faces"},
      {"unknown growth bits", [](FaceModel& m) { m.parts[0].faceGrowth[4] = 0x40; },
       "/parts/0/faceGrowth/4", "part 'skin': face 4: unknown growth region bits 64"},
      {"non-manifold",
       [](FaceModel& m) {
         // A third face on the edge (0, 1) of the cube.
         sf::FacePart& skin = m.parts[0];
         skin.mesh.faceSizes.push_back(3);
         skin.mesh.faceIndices.insert(skin.mesh.faceIndices.end(), {1, 0, 50});
         skin.mesh.uvIndices.insert(skin.mesh.uvIndices.end(), {0, 1, 2});
         skin.faceClass.push_back(sf::LabelClass::Skin);
         skin.faceGrowth.push_back(0);
       },
       "/parts/0/faces/96",
       "part 'skin': non-manifold: the edge between vertices 0 and 1 is shared by 3 faces"},
      {"identity not ascending",
       [](FaceModel& m) { m.identity[0].vertices[3] = m.identity[0].vertices[2]; },
       "/identity/0/vertices/3",
       "identity mode 'head_width': vertex indices must be strictly ascending: 2 follows 2"},
      {"expression vertex out of range",
       [](FaceModel& m) { m.expressions[1].vertices.back() = 150; }, "/expressions/1/vertices/*",
       "expression 'eyeBlinkLeft': vertex index 150 out of range (0..149)"},
      {"deltas size", [](FaceModel& m) { m.identity[1].deltas.pop_back(); }, "/identity/1/deltas",
       "identity mode 'eye_spacing': 51 deltas for 52 vertices"},
      {"infinite delta", [=](FaceModel& m) { m.expressions[0].deltas[0].x() = inf; },
       "/expressions/0/deltas/0", "expression 'jawOpen': delta of vertex"},
      {"zero sigma", [](FaceModel& m) { m.identity[0].sigma = 0; }, "/identity/0/sigma",
       "identity mode 'head_width': sigma must be a positive number, got 0"},
      {"expression with drivers", [](FaceModel& m) { m.expressions[0].drivers = {1}; },
       "/expressions/0/drivers", "expression 'jawOpen': only correctives have drivers"},
      {"corrective without drivers", [](FaceModel& m) { m.correctives[0].drivers.clear(); },
       "/correctives/0/drivers", "needs at least one driver expression"},
      {"driver out of range", [](FaceModel& m) { m.correctives[0].drivers[1] = 2; },
       "/correctives/0/drivers/1", "driver 2 is not an expression index (0..1)"},
      {"driver twice",
       [](FaceModel& m) {
         m.correctives[0].drivers = {0, 0};
       },
       "/correctives/0/drivers/1", "driver expression 'jawOpen' is listed twice"},
      {"duplicate expression name", [](FaceModel& m) { m.expressions[1].name = "jawOpen"; },
       "/expressions/1/name", "expression 'jawOpen': name already used by expressions[0]"},
      {"parent after the joint", [](FaceModel& m) { m.joints[1].parent = 2; }, "/joints/1/parent",
       "joint 'head': parent 2 must be -1 (a root) or an earlier joint"},
      {"joint its own parent", [](FaceModel& m) { m.joints[2].parent = 2; }, "/joints/2/parent",
       "joint 'jaw': parent 2 must be"},
      {"missing jaw joint", [](FaceModel& m) { m.joints[2].name = "mandible"; }, "/joints",
       "the skeleton has no joint 'jaw'"},
      {"anchor out of range", [](FaceModel& m) { m.joints[3].anchorVertices[0] = -1; },
       "/joints/3/anchorVertices/0", "joint 'eye_left': anchor vertex -1 out of range (0..149)"},
      {"joint position not finite", [=](FaceModel& m) { m.joints[0].restPosition.x() = nan; },
       "/joints/0/restPosition", "joint 'neck': rest position is not finite"},
      {"skin size", [](FaceModel& m) { m.skin.joints.pop_back(); }, "/skin/joints",
       "skin: 149 joint entries for 150 vertices"},
      {"skin joint out of range", [](FaceModel& m) { m.skin.joints[7][1] = 5; }, "/skin/joints/7",
       "skin: vertex 7: joint index 5 out of range (0..4)"},
      {"weights add up to 0.9",
       [](FaceModel& m) {
         m.skin.weights[7] = {0.5f, 0.4f, 0, 0};
       },
       "/skin/weights/7", "skin: vertex 7: weights add up to 0.9, not 1"},
      {"negative weight",
       [](FaceModel& m) {
         m.skin.weights[7] = {1.5f, -0.5f, 0, 0};
       },
       "/skin/weights/7", "skin: vertex 7: weight -0.5 is not a number >= 0"},
      {"69 landmarks", [](FaceModel& m) { m.landmarks.pop_back(); }, "/landmarks",
       "69 landmarks; a model has exactly 70"},
      {"landmark part out of range", [](FaceModel& m) { m.landmarks[0].part = 3; },
       "/landmarks/0/part", "landmark 'ibug_0': part 3 out of range (0..2)"},
      {"landmark face out of range", [](FaceModel& m) { m.landmarks[0].face = 96; },
       "/landmarks/0/face", "landmark 'ibug_0': face 96 out of range (0..95) of part 'skin'"},
      {"landmark outside its quad", [](FaceModel& m) { m.landmarks[0].uv = sf::Vec2f(1.5f, 0); },
       "/landmarks/0/uv", "landmark 'ibug_0': uv (1.5, 0) is outside its quad"},
      {"landmark outside its triangle",
       [](FaceModel& m) { m.denseLandmarks[1].uv = sf::Vec2f(0.7f, 0.4f); }, "/denseLandmarks/1/uv",
       "landmark 'dense_0001': uv (0.7, 0.4) is outside its triangle"},
      {"joint landmark out of range", [](FaceModel& m) { m.landmarks[68].joint = 9; },
       "/landmarks/68/joint", "landmark 'pupil_left': joint 9 out of range (0..4)"},
      {"joint landmark with a face", [](FaceModel& m) { m.landmarks[69].face = 3; },
       "/landmarks/69", "a joint landmark leaves part, face and uv at 0"},
      {"surface landmark with an offset",
       [](FaceModel& m) { m.landmarks[0].offset = sf::Vec3f(1, 0, 0); }, "/landmarks/0",
       "a surface landmark leaves joint and offset at 0"},
      {"duplicate landmark name", [](FaceModel& m) { m.landmarks[1].name = "ibug_0"; },
       "/landmarks/1/name", "landmark 'ibug_0': name already used by landmarks[0]"},
  };
  return cases;
}

bool pointerMatches(const std::string& actual, const std::string& expected) {
  if (!expected.empty() && expected.back() == '*') {
    return actual.rfind(expected.substr(0, expected.size() - 1), 0) == 0;
  }
  return actual == expected;
}

/// Every float of a model, as bits.
std::vector<std::uint32_t> floatBits(const sf::FaceModel& model) {
  std::vector<std::uint32_t> bits;
  const auto add = [&](float value) { bits.push_back(std::bit_cast<std::uint32_t>(value)); };
  const auto addVec = [&](const auto& v) {
    for (int i = 0; i < v.size(); ++i) {
      add(v[i]);
    }
  };
  for (const sf::FacePart& part : model.parts) {
    std::for_each(part.mesh.positions.begin(), part.mesh.positions.end(), addVec);
    std::for_each(part.mesh.uvs.begin(), part.mesh.uvs.end(), addVec);
  }
  for (const auto* list : {&model.identity, &model.expressions, &model.correctives}) {
    for (const sf::MorphTarget& target : *list) {
      add(target.sigma);
      std::for_each(target.deltas.begin(), target.deltas.end(), addVec);
    }
  }
  for (const sf::Joint& joint : model.joints) {
    addVec(joint.restPosition);
  }
  for (const auto& weights : model.skin.weights) {
    std::for_each(weights.begin(), weights.end(), add);
  }
  for (const auto* list : {&model.landmarks, &model.denseLandmarks}) {
    for (const sf::Landmark& landmark : *list) {
      addVec(landmark.uv);
      addVec(landmark.offset);
    }
  }
  return bits;
}

fs::path pathIn(const QTemporaryDir& dir, const char* name) {
  return fs::path(dir.path().toStdString()) / name;
}

}  // namespace

class TestFaceModelIo : public QObject {
  Q_OBJECT

private slots:
  void testModelIsValid();
  void validationRejectsInconsistentModels_data();
  void validationRejectsInconsistentModels();
  void validationMessageNamesFileAndElement();
  void roundTripIsExact();
  void layoutMatchesDocumentation();
  void writeValidatesFirst();
  void badFilesAreRejected_data();
  void badFilesAreRejected();
  void truncationAtEveryLengthNamesTheFile();
  void corruptionWithValidChecksumNeverCrashes();
  void missingFileNamesIt();
};

void TestFaceModelIo::testModelIsValid() {
  const sf::FaceModel model = sf::test::makeTestModel();
  sf::validateFaceModel(model, "test");
  QCOMPARE(model.vertexCount(), 150);
  QCOMPARE(model.findPart("eye_left"), 1);
  QCOMPARE(model.findPart("nose"), -1);
  QCOMPARE(model.findJoint("jaw"), 2);
  QCOMPARE(model.findExpression("eyeBlinkLeft"), 1);
  QCOMPARE(model.findIdentity("eye_spacing"), 1);
  QCOMPARE(model.findIdentity("jawOpen"), -1);
  const std::vector<sf::Vec3f> rest = model.restPositions();
  QCOMPARE(rest.size(), std::size_t{150});
  QVERIFY(rest[98] == model.parts[1].mesh.positions[0]);
  QVERIFY(rest[149] == model.parts[2].mesh.positions[25]);

  // The sphere: 8 triangles, 16 quads, 8 triangles.
  const std::vector<int> offsets = model.parts[1].mesh.faceOffsets();
  QCOMPARE(offsets.size(), std::size_t{33});
  QCOMPARE(offsets[8], 24);
  QCOMPARE(offsets[9], 28);
  QCOMPARE(offsets.back(), static_cast<int>(model.parts[1].mesh.faceIndices.size()));
  QCOMPARE(sf::PolyMesh().faceOffsets(), std::vector<int>{0});
}

void TestFaceModelIo::validationRejectsInconsistentModels_data() {
  QTest::addColumn<int>("index");
  const auto& cases = invalidModelCases();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    QTest::newRow(cases[i].tag) << static_cast<int>(i);
  }
}

void TestFaceModelIo::validationRejectsInconsistentModels() {
  QFETCH(int, index);
  const InvalidModelCase& c = invalidModelCases()[static_cast<std::size_t>(index)];
  sf::FaceModel model = sf::test::makeTestModel();
  c.edit(model);
  try {
    sf::validateFaceModel(model, "");
    QFAIL("the inconsistent model was accepted");
  } catch (const sf::Error& error) {
    const QString what = QString::fromStdString(error.what());
    QVERIFY2(QString::fromStdString(error.message()).contains(c.fragment), qPrintable(what));
    QVERIFY2(pointerMatches(error.where().pointer, c.pointer), qPrintable(what));
    QVERIFY(error.where().file.empty());
  }
}

void TestFaceModelIo::validationMessageNamesFileAndElement() {
  sf::FaceModel model = sf::test::makeTestModel();
  model.parts[0].mesh.faceIndices[17 * 4 + 2] = 912;
  try {
    sf::validateFaceModel(model, "head.sfm");
    QFAIL("the inconsistent model was accepted");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.what()),
             QStringLiteral("head.sfm: /parts/0/faces/17: part 'skin': face 17: vertex index 912 "
                            "out of range (0..97)"));
  }

  // Weights off by less than 1e-3 are fine.
  model = sf::test::makeTestModel();
  model.skin.weights[7] = {0.5f, 0.5009f, 0, 0};
  sf::validateFaceModel(model, "head.sfm");
}

void TestFaceModelIo::roundTripIsExact() {
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "head.sfm");
  const sf::FaceModel model = sf::test::makeTestModel();
  sf::writeFaceModel(model, path);
  const sf::FaceModel read = sf::readFaceModel(path);
  QVERIFY(read == model);
  // operator== sees -0 == +0; compare the bits too.
  QCOMPARE(floatBits(read), floatBits(model));
  QVERIFY(std::signbit(read.identity[0].deltas[0].x()));
  QVERIFY(std::signbit(read.joints[0].restPosition.z()));
  QCOMPARE(read.identity[0].deltas[0].y(), 1e-40f);
  QCOMPARE(read.author, std::string("Tête de test"));

  // Writing what was read gives the same bytes, and only the file is left in the folder.
  const fs::path again = pathIn(dir, "again.sfm");
  sf::writeFaceModel(read, again);
  QCOMPARE(sf::readFile(again), sf::readFile(path));
  QCOMPARE(
      std::distance(fs::directory_iterator(dir.path().toStdString()), fs::directory_iterator()), 2);
}

void TestFaceModelIo::layoutMatchesDocumentation() {
  const std::string bytes = sf::encodeFaceModel(sf::test::makeTestModel(), "head.sfm");
  QCOMPARE(bytes.substr(0, 8), std::string("SFMODEL\0", 8));
  QCOMPARE(readLe(bytes, 8, 4), std::uint64_t{sf::FaceModel::kFormatVersion});
  QCOMPARE(readLe(bytes, 12, 4), std::uint64_t{0});
  QCOMPARE(readLe(bytes, 16, 8), std::uint64_t{bytes.size()});
  QCOMPARE(readLe(bytes, bytes.size() - 8, 8),
           fnv1a64(std::string_view(bytes).substr(0, bytes.size() - 8)));

  // Taking the file apart and putting it together again, as documented, gives it back.
  SfmFile file = SfmFile::parse(bytes);
  file.header = json();
  QCOMPARE(file.assemble(), bytes);

  const json header = json::parse(file.headerText);
  QCOMPARE(header["vertexCount"].get<int>(), 150);
  QCOMPARE(header["parts"][1]["material"].get<std::string>(), std::string("sclera"));
  QVERIFY(header["joints"][0]["parent"].is_null());
  QCOMPARE(header["joints"][2]["parent"].get<std::string>(), std::string("head"));
  QVERIFY(header["correctives"][0]["drivers"] == json({"eyeBlinkLeft", "jawOpen"}));
  QCOMPARE(header["landmarks"][69]["joint"].get<std::string>(), std::string("eye_right"));
  const json& positions = header["parts"][0]["positions"];
  QCOMPARE(positions["type"].get<std::string>(), std::string("f32"));
  QCOMPARE(positions["count"].get<int>(), 98 * 3);
  for (const auto& part : header["parts"]) {
    for (const char* key :
         {"positions", "faceSizes", "faceIndices", "uvs", "uvIndices", "faceClass", "faceGrowth"}) {
      QCOMPARE(part[key]["offset"].get<std::size_t>() % 8, std::size_t{0});
    }
  }
  // The first float of the skin's positions, read straight from the data section.
  const float x = std::bit_cast<float>(
      static_cast<std::uint32_t>(readLe(file.data, positions["offset"].get<std::size_t>(), 4)));
  QCOMPARE(x, sf::test::makeTestModel().parts[0].mesh.positions[0].x());
}

void TestFaceModelIo::writeValidatesFirst() {
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "bad.sfm");
  sf::FaceModel model = sf::test::makeTestModel();
  model.joints[2].name = "mandible";
  try {
    sf::writeFaceModel(model, path);
    QFAIL("an inconsistent model was written");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.what()),
             QString::fromStdString(path.string() +
                                    ": /joints: the skeleton has no joint 'jaw' (required: neck, "
                                    "head, jaw, eye_left, eye_right)"));
  }
  QVERIFY(!fs::exists(path));
  QVERIFY(fs::is_empty(dir.path().toStdString()));
}

void TestFaceModelIo::badFilesAreRejected_data() {
  QTest::addColumn<int>("index");
  const auto& cases = badFileCases();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    QTest::newRow(cases[i].tag) << static_cast<int>(i);
  }
}

void TestFaceModelIo::badFilesAreRejected() {
  QFETCH(int, index);
  const BadFileCase& c = badFileCases()[static_cast<std::size_t>(index)];
  std::string bytes = sf::encodeFaceModel(sf::test::makeTestModel(), "head.sfm");
  if (c.edit) {
    SfmFile file = SfmFile::parse(bytes);
    c.edit(file);
    bytes = file.assemble();
  }
  if (c.editBytes) {
    c.editBytes(bytes);
  }
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "head.sfm");
  sf::writeFileAtomically(path, bytes);
  try {
    sf::readFaceModel(path);
    QFAIL("the bad file was accepted");
  } catch (const sf::Error& error) {
    const QString what = QString::fromStdString(error.what());
    QVERIFY2(what.startsWith(QString::fromStdString(path.string() + ": ")), qPrintable(what));
    QCOMPARE(QString::fromStdString(error.where().file), QString::fromStdString(path.string()));
    QVERIFY2(QString::fromStdString(error.message()).contains(c.fragment), qPrintable(what));
    QVERIFY2(pointerMatches(error.where().pointer, c.pointer), qPrintable(what));
  }
}

void TestFaceModelIo::truncationAtEveryLengthNamesTheFile() {
  const std::string bytes = sf::encodeFaceModel(sf::test::makeTestModel(), "head.sfm");
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    try {
      sf::decodeFaceModel(std::string_view(bytes).substr(0, length), "head.sfm");
      QFAIL(qPrintable(QStringLiteral("a file cut to %1 bytes was accepted").arg(length)));
    } catch (const sf::Error& error) {
      const std::string what = error.what();
      if (what.rfind("head.sfm: truncated: ", 0) != 0) {
        QFAIL(qPrintable(QStringLiteral("cut to %1 bytes: %2").arg(length).arg(what.c_str())));
      }
    }
  }

  // Through files too, where the error names the path.
  QTemporaryDir dir;
  const fs::path path = pathIn(dir, "cut.sfm");
  for (const std::size_t length :
       {std::size_t{0}, std::size_t{5}, std::size_t{31}, std::size_t{200}, bytes.size() - 1}) {
    sf::writeFileAtomically(path, std::string_view(bytes).substr(0, length));
    try {
      sf::readFaceModel(path);
      QFAIL("a truncated file was accepted");
    } catch (const sf::Error& error) {
      QVERIFY2(QString::fromStdString(error.what())
                   .startsWith(QString::fromStdString(path.string() + ": truncated: ")),
               error.what());
    }
  }
}

void TestFaceModelIo::corruptionWithValidChecksumNeverCrashes() {
  // Flip bits anywhere and fix the checksum: the reader must throw sf::Error or read a
  // valid model, never crash, hang or throw anything else.
  const std::string bytes = sf::encodeFaceModel(sf::test::makeTestModel(), "head.sfm");
  const std::size_t dataStart = (kPreamble + readLe(bytes, 24, 8) + 7) / 8 * 8;
  int rejected = 0;
  int accepted = 0;
  // Every byte of the preamble and header, every fifth of the data; the flipped bits
  // rotate between a low bit (digits, letters), two middle ones (punctuation) and the top
  // bit (invalid UTF-8, huge numbers).
  const std::array<unsigned char, 3> masks = {0x01, 0x22, 0x80};
  for (std::size_t i = 0; i + 8 < bytes.size(); i += i < dataStart ? 1 : 5) {
    std::string corrupt = bytes;
    corrupt[i] = static_cast<char>(corrupt[i] ^ masks[i % masks.size()]);
    fixChecksum(corrupt);
    try {
      const sf::FaceModel model = sf::decodeFaceModel(corrupt, "head.sfm");
      sf::validateFaceModel(model, "head.sfm");
      ++accepted;
    } catch (const sf::Error& error) {
      ++rejected;
      if (error.where().file != "head.sfm") {
        QFAIL(error.what());
      }
    }
  }
  QVERIFY(rejected > 1000);
  qInfo("%d corrupt files rejected, %d read as other valid models", rejected, accepted);
}

void TestFaceModelIo::missingFileNamesIt() {
  try {
    sf::readFaceModel("/nonexistent/head.sfm");
    QFAIL("a missing file was read");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.where().file), QStringLiteral("/nonexistent/head.sfm"));
  }
}

QTEST_APPLESS_MAIN(TestFaceModelIo)
#include "test_face_model_io.moc"
