#include "face/io/makehuman.h"

#include "util/error.h"
#include "util/files.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace sf {

namespace fs = std::filesystem;
using Vec3d = Eigen::Vector3d;
using ordered_json = nlohmann::ordered_json;

namespace {

std::string str(std::size_t value) {
  return std::to_string(value);
}

std::string str(int value) {
  return std::to_string(value);
}

/// " (did you mean 'x'?)" or "".
std::string didYouMean(std::string_view word, std::span<const std::string> candidates) {
  const std::string match = closestMatch(word, candidates);
  return match.empty() ? std::string() : " (did you mean '" + match + "'?)";
}

// ---------------------------------------------------------------------------------------
// Text files

/// A text file read line by line, split into blank-separated fields, with numbered errors.
class TextLines {
public:
  explicit TextLines(const fs::path& path) : m_file(path.string()), m_text(readFile(path)) {}

  /// Moves to the next line; false at the end of the file.
  bool next() {
    if (m_position >= m_text.size()) {
      return false;
    }
    const std::size_t end = std::min(m_text.find('\n', m_position), m_text.size());
    std::string_view line(m_text.data() + m_position, end - m_position);
    m_position = end + 1;
    ++m_number;
    m_fields.clear();
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && isBlank(line[i])) {
        ++i;
      }
      const std::size_t begin = i;
      while (i < line.size() && !isBlank(line[i])) {
        ++i;
      }
      if (i > begin) {
        m_fields.push_back(line.substr(begin, i - begin));
      }
    }
    return true;
  }

  /// The current line's fields; empty for a blank line.
  const std::vector<std::string_view>& fields() const { return m_fields; }
  /// True for a blank line or a comment.
  bool skippable() const { return m_fields.empty() || m_fields[0].front() == '#'; }
  const std::string& file() const { return m_file; }
  int lineNumber() const { return m_number; }

  [[noreturn]] void fail(const std::string& message) const {
    throw Error(SourceLocation::atLine(m_file, m_number), message);
  }

  /// Field `k` of the line as an integer.
  int integer(std::size_t k, std::string_view what) const {
    const std::string_view field = m_fields[k];
    int value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size()) {
      fail(std::string(what) + ": expected an integer, got " + singleQuoted(field));
    }
    return value;
  }

  /// Field `k` as a 0-based index below `count`.
  int index(std::size_t k, int count, std::string_view what) const {
    const int value = integer(k, what);
    if (value < 0 || value >= count) {
      fail(std::string(what) + " " + str(value) + " out of range (0.." + str(count - 1) + ")");
    }
    return value;
  }

  /// Field `k` as a finite number.
  double number(std::size_t k, std::string_view what) const {
    std::string_view field = m_fields[k];
    if (field.size() > 1 && field.front() == '+' && field[1] != '-') {
      field.remove_prefix(1);
    }
    double value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size()) {
      fail(std::string(what) + ": expected a number, got " + singleQuoted(m_fields[k]));
    }
    if (!std::isfinite(value)) {
      fail(std::string(what) + " is not finite: " + singleQuoted(m_fields[k]));
    }
    return value;
  }

  /// The fields from `k` on, joined by single spaces (names that contain blanks).
  std::string rest(std::size_t k) const {
    std::string text;
    for (std::size_t i = k; i < m_fields.size(); ++i) {
      text += (i == k ? "" : " ") + std::string(m_fields[i]);
    }
    return text;
  }

  /// Fails unless the line has between `least` and `most` fields after its keyword.
  void expectArguments(std::size_t least, std::size_t most, std::string_view usage) const {
    const std::size_t count = m_fields.size() - 1;
    if (count < least || count > most) {
      fail(singleQuoted(m_fields[0]) + " takes " + std::string(usage) + ", got " + str(count) +
           (count == 1 ? " field" : " fields"));
    }
  }

private:
  static bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

  std::string m_file;
  std::string m_text;
  std::size_t m_position = 0;
  int m_number = 0;
  std::vector<std::string_view> m_fields;
};

// ---------------------------------------------------------------------------------------
// JSON files

/// A JSON file, kept in its key order, with errors at JSON pointers.
class JsonFile {
public:
  explicit JsonFile(const fs::path& path) : m_file(path.string()) {
    const std::string text = readFile(path);
    try {
      m_root = ordered_json::parse(text);
    } catch (const ordered_json::parse_error& error) {
      // nlohmann's messages start with "[json.exception.parse_error.101] ".
      std::string message = error.what();
      const std::size_t bracket = message.find("] ");
      if (bracket != std::string::npos) {
        message.erase(0, bracket + 2);
      }
      throw Error(SourceLocation::inFile(m_file), "malformed JSON: " + message);
    }
  }

  const ordered_json& root() const { return m_root; }
  const std::string& file() const { return m_file; }

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    throw Error(SourceLocation::atPointer(m_file, pointer.empty() ? "/" : pointer), message);
  }

  /// `value` is an object whose keys are all in `known` and include every one of
  /// `required`.
  void expectObject(const ordered_json& value, const std::string& pointer,
                    std::initializer_list<const char*> known,
                    std::initializer_list<const char*> required) const {
    if (!value.is_object()) {
      fail(pointer, "expected an object, got " + describeJson(value));
    }
    const std::vector<std::string> names(known.begin(), known.end());
    for (const auto& [key, item] : value.items()) {
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        fail(pointer + "/" + escapePointerToken(key),
             "unknown key " + singleQuoted(key) + didYouMean(key, names));
      }
    }
    for (const char* key : required) {
      if (!value.contains(key)) {
        fail(pointer, std::string("missing key '") + key + "'");
      }
    }
  }

  std::string string(const ordered_json& value, const std::string& pointer) const {
    if (!value.is_string()) {
      fail(pointer, "expected a string, got " + describeJson(value));
    }
    return value.get<std::string>();
  }

  int integer(const ordered_json& value, const std::string& pointer) const {
    if (!value.is_number_integer()) {
      fail(pointer, "expected an integer, got " + describeJson(value));
    }
    const auto wide = value.get<std::int64_t>();
    if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
      fail(pointer, "integer out of range: " + describeJson(value));
    }
    return static_cast<int>(wide);
  }

  int index(const ordered_json& value, const std::string& pointer, int count,
            std::string_view what) const {
    const int result = integer(value, pointer);
    if (result < 0 || result >= count) {
      fail(pointer,
           std::string(what) + " " + str(result) + " out of range (0.." + str(count - 1) + ")");
    }
    return result;
  }

  double number(const ordered_json& value, const std::string& pointer) const {
    if (!value.is_number()) {
      fail(pointer, "expected a number, got " + describeJson(value));
    }
    const double result = value.get<double>();
    if (!std::isfinite(result)) {
      fail(pointer, "number is not finite");
    }
    return result;
  }

  /// `value` is an object, of any keys.
  const ordered_json& object(const ordered_json& value, const std::string& pointer) const {
    if (!value.is_object()) {
      fail(pointer, "expected an object, got " + describeJson(value));
    }
    return value;
  }

  const ordered_json& array(const ordered_json& value, const std::string& pointer) const {
    if (!value.is_array()) {
      fail(pointer, "expected an array, got " + describeJson(value));
    }
    return value;
  }

private:
  std::string m_file;
  ordered_json m_root;
};

std::string child(const std::string& pointer, std::string_view key) {
  return pointer + "/" + escapePointerToken(key);
}

std::string child(const std::string& pointer, std::size_t index) {
  return pointer + "/" + str(index);
}

/// A 1-based OBJ index (or a negative one, counting back from the end) as 0-based.
int objIndex(const TextLines& lines, std::string_view text, int count, std::string_view what) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    lines.fail(std::string(what) + " index: expected an integer, got " + singleQuoted(text));
  }
  const int index = value > 0 ? value - 1 : count + value;
  if (value == 0 || index < 0 || index >= count) {
    lines.fail(std::string(what) + " index " + str(value) + " out of range (1.." + str(count) +
               ")");
  }
  return index;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Readers

MhObj readMhObj(const fs::path& path) {
  TextLines lines(path);
  MhObj obj;
  int normals = 0;
  int currentGroup = -1;
  int facesWithUvs = -1;  // unknown until the first face
  while (lines.next()) {
    if (lines.skippable()) {
      continue;
    }
    const auto& f = lines.fields();
    const std::string_view keyword = f[0];
    if (keyword == "v") {
      lines.expectArguments(3, 3, "3 coordinates");
      obj.positions.emplace_back(lines.number(1, "x"), lines.number(2, "y"), lines.number(3, "z"));
    } else if (keyword == "vt") {
      lines.expectArguments(2, 3, "2 texture coordinates");
      obj.uvs.emplace_back(static_cast<float>(lines.number(1, "u")),
                           static_cast<float>(lines.number(2, "v")));
    } else if (keyword == "vn") {
      lines.expectArguments(3, 3, "3 coordinates");
      for (std::size_t k = 1; k <= 3; ++k) {
        lines.number(k, "normal");
      }
      ++normals;
    } else if (keyword == "f") {
      if (f.size() < 4) {
        lines.fail("a face needs at least 3 corners, got " + str(f.size() - 1));
      }
      for (std::size_t k = 1; k < f.size(); ++k) {
        // v, v/vt, v/vt/vn or v//vn.
        std::string_view corner = f[k];
        std::array<std::string_view, 3> parts{};
        std::size_t count = 0;
        while (true) {
          const std::size_t slash = corner.find('/');
          if (count == 3) {
            lines.fail("face corner " + singleQuoted(f[k]) + " has more than 3 indices");
          }
          parts[count++] = corner.substr(0, slash);
          if (slash == std::string_view::npos) {
            break;
          }
          corner.remove_prefix(slash + 1);
        }
        obj.faceIndices.push_back(objIndex(lines, parts[0], obj.vertexCount(), "vertex"));
        const bool hasUv = count >= 2 && !parts[1].empty();
        if (facesWithUvs < 0) {
          facesWithUvs = hasUv ? 1 : 0;
        } else if (hasUv != (facesWithUvs == 1)) {
          lines.fail("face corner " + singleQuoted(f[k]) + (hasUv ? " has" : " has no") +
                     " texture index, unlike the first face's corners");
        }
        if (hasUv) {
          obj.uvIndices.push_back(
              objIndex(lines, parts[1], static_cast<int>(obj.uvs.size()), "texture"));
        }
        if (count == 3) {
          objIndex(lines, parts[2], normals, "normal");
        }
      }
      obj.faceSizes.push_back(static_cast<int>(f.size() - 1));
      obj.faceGroups.push_back(currentGroup);
    } else if (keyword == "g") {
      const std::string name = lines.rest(1);
      const auto it = std::find(obj.groups.begin(), obj.groups.end(), name);
      currentGroup = static_cast<int>(it - obj.groups.begin());
      if (it == obj.groups.end()) {
        obj.groups.push_back(name);
      }
    } else if (keyword == "o" || keyword == "s" || keyword == "mtllib" || keyword == "usemtl") {
      continue;
    } else {
      lines.fail("unknown OBJ statement " + singleQuoted(keyword) +
                 " (expected v, vt, vn, f, g, o, s, mtllib or usemtl)");
    }
  }
  return obj;
}

MhTarget readMhTarget(const fs::path& path, int vertexCount) {
  TextLines lines(path);
  MhTarget target;
  std::vector<int> firstLine(static_cast<std::size_t>(std::max(vertexCount, 0)), 0);
  while (lines.next()) {
    if (lines.skippable()) {
      continue;
    }
    if (lines.fields().size() != 4) {
      lines.fail("expected 'index dx dy dz', got " + str(lines.fields().size()) +
                 (lines.fields().size() == 1 ? " field" : " fields"));
    }
    const int vertex = lines.index(0, vertexCount, "vertex index");
    int& seen = firstLine[static_cast<std::size_t>(vertex)];
    if (seen != 0) {
      lines.fail("vertex " + str(vertex) + " is listed twice (first on line " + str(seen) + ")");
    }
    seen = lines.lineNumber();
    target.vertices.push_back(vertex);
    target.deltas.emplace_back(lines.number(1, "dx"), lines.number(2, "dy"), lines.number(3, "dz"));
  }
  return target;
}

std::string MhModifier::name() const {
  if (!macroVariable.empty()) {
    return group + "/" + macroVariable;
  }
  return group + "/" + target + (twoSided() ? "-" + min + "|" + max : std::string());
}

std::vector<MhModifier> readMhModifiers(const fs::path& path) {
  const JsonFile json(path);
  const ordered_json& root = json.array(json.root(), "");
  std::vector<MhModifier> modifiers;
  for (std::size_t g = 0; g < root.size(); ++g) {
    const std::string groupPointer = child("", g);
    json.expectObject(root[g], groupPointer, {"group", "modifiers"}, {"group", "modifiers"});
    const std::string group = json.string(root[g]["group"], child(groupPointer, "group"));
    const std::string listPointer = child(groupPointer, "modifiers");
    const ordered_json& list = json.array(root[g]["modifiers"], listPointer);
    for (std::size_t m = 0; m < list.size(); ++m) {
      const std::string pointer = child(listPointer, m);
      const ordered_json& item = list[m];
      json.expectObject(item, pointer, {"target", "min", "max", "macrovar", "modifierType"}, {});
      MhModifier modifier;
      modifier.group = group;
      auto text = [&](const char* key) {
        return item.contains(key) ? json.string(item[key], child(pointer, key)) : std::string();
      };
      modifier.target = text("target");
      modifier.min = text("min");
      modifier.max = text("max");
      modifier.macroVariable = text("macrovar");
      modifier.modifierType = text("modifierType");
      if (modifier.target.empty() == modifier.macroVariable.empty()) {
        json.fail(pointer, "a modifier has either a non-empty 'target' or a 'macrovar'");
      }
      if (modifier.min.empty() != modifier.max.empty()) {
        json.fail(pointer, "a two-sided modifier needs both 'min' and 'max'");
      }
      if (!modifier.min.empty() && modifier.target.empty()) {
        json.fail(pointer, "'min' and 'max' belong to a 'target' modifier");
      }
      modifiers.push_back(std::move(modifier));
    }
  }
  return modifiers;
}

int MhSkeleton::findBone(std::string_view boneName) const {
  for (std::size_t b = 0; b < bones.size(); ++b) {
    if (bones[b].name == boneName) {
      return static_cast<int>(b);
    }
  }
  return -1;
}

int MhSkeleton::findJoint(std::string_view jointName) const {
  const auto it = std::find(jointNames.begin(), jointNames.end(), jointName);
  return it == jointNames.end() ? -1 : static_cast<int>(it - jointNames.begin());
}

Vec3d MhSkeleton::jointPosition(int joint, std::span<const Vec3d> base) const {
  const std::vector<int>& vertices = jointVertices[static_cast<std::size_t>(joint)];
  Vec3d sum = Vec3d::Zero();
  for (const int v : vertices) {
    sum += base[static_cast<std::size_t>(v)];
  }
  return sum / static_cast<double>(vertices.size());
}

MhSkeleton readMhSkeleton(const fs::path& path, int vertexCount) {
  const JsonFile json(path);
  const ordered_json& root = json.root();
  json.expectObject(root, "",
                    {"bones", "joints", "planes", "name", "version", "description", "license",
                     "copyright", "tags", "weights_file"},
                    {"bones", "joints"});
  MhSkeleton skeleton;
  if (root.contains("name")) {
    skeleton.name = json.string(root["name"], "/name");
  }
  if (root.contains("version")) {
    skeleton.version = json.integer(root["version"], "/version");
  }
  if (root.contains("weights_file")) {
    skeleton.weightsFile = json.string(root["weights_file"], "/weights_file");
  }

  // Joints: name -> base vertices.
  const ordered_json& joints = root["joints"];
  json.object(joints, "/joints");
  for (const auto& [name, list] : joints.items()) {
    const std::string pointer = child("/joints", name);
    json.array(list, pointer);
    if (list.empty()) {
      json.fail(pointer, "joint " + singleQuoted(name) + " has no vertices");
    }
    std::vector<int> vertices;
    for (std::size_t k = 0; k < list.size(); ++k) {
      vertices.push_back(json.index(list[k], child(pointer, k), vertexCount, "vertex index"));
    }
    skeleton.jointNames.push_back(name);
    skeleton.jointVertices.push_back(std::move(vertices));
  }

  // Bones, then ordered parents first.
  const ordered_json& bones = root["bones"];
  if (!bones.is_object() || bones.empty()) {
    json.fail("/bones", "expected an object of bones, got " + describeJson(bones));
  }
  std::vector<std::string> names;
  for (const auto& [name, bone] : bones.items()) {
    names.push_back(name);
  }
  struct Parsed {
    MhBone bone;
    std::string parent;
  };
  std::vector<Parsed> parsed;
  for (const auto& [name, bone] : bones.items()) {
    const std::string pointer = child("/bones", name);
    json.expectObject(bone, pointer, {"parent", "head", "tail", "rotation_plane", "reference"},
                      {"parent", "head", "tail"});
    Parsed entry;
    entry.bone.name = name;
    for (const char* end : {"head", "tail"}) {
      const std::string jointName = json.string(bone[end], child(pointer, end));
      if (skeleton.findJoint(jointName) < 0) {
        json.fail(child(pointer, end), "unknown joint " + singleQuoted(jointName) +
                                           didYouMean(jointName, skeleton.jointNames));
      }
      (std::string_view(end) == "head" ? entry.bone.head : entry.bone.tail) = jointName;
    }
    if (!bone["parent"].is_null()) {
      entry.parent = json.string(bone["parent"], child(pointer, "parent"));
      if (std::find(names.begin(), names.end(), entry.parent) == names.end()) {
        json.fail(child(pointer, "parent"),
                  "unknown bone " + singleQuoted(entry.parent) + didYouMean(entry.parent, names));
      }
    }
    parsed.push_back(std::move(entry));
  }
  // Depth-first from the roots, children in file order.
  std::vector<int> order;
  std::vector<int> stack;
  for (int b = static_cast<int>(parsed.size()) - 1; b >= 0; --b) {
    if (parsed[static_cast<std::size_t>(b)].parent.empty()) {
      stack.push_back(b);
    }
  }
  std::vector<int> indexOf(parsed.size(), -1);
  while (!stack.empty()) {
    const int b = stack.back();
    stack.pop_back();
    indexOf[static_cast<std::size_t>(b)] = static_cast<int>(order.size());
    order.push_back(b);
    const std::string& name = parsed[static_cast<std::size_t>(b)].bone.name;
    for (int c = static_cast<int>(parsed.size()) - 1; c >= 0; --c) {
      if (parsed[static_cast<std::size_t>(c)].parent == name) {
        stack.push_back(c);
      }
    }
  }
  if (order.size() != parsed.size()) {
    for (std::size_t b = 0; b < parsed.size(); ++b) {
      if (indexOf[b] < 0) {
        json.fail(child(child("/bones", parsed[b].bone.name), "parent"),
                  "bone " + singleQuoted(parsed[b].bone.name) + " is in a cycle of parents");
      }
    }
  }
  for (const int b : order) {
    MhBone bone = parsed[static_cast<std::size_t>(b)].bone;
    const std::string& parent = parsed[static_cast<std::size_t>(b)].parent;
    if (!parent.empty()) {
      const auto p = std::find(names.begin(), names.end(), parent) - names.begin();
      bone.parent = indexOf[static_cast<std::size_t>(p)];
    }
    skeleton.bones.push_back(std::move(bone));
  }
  return skeleton;
}

MhWeights readMhWeights(const fs::path& path, int vertexCount) {
  const JsonFile json(path);
  const ordered_json& root = json.root();
  json.expectObject(root, "", {"weights", "name", "version", "description", "license", "copyright"},
                    {"weights"});
  const ordered_json& weights = root["weights"];
  json.object(weights, "/weights");
  MhWeights result;
  result.vertices.resize(static_cast<std::size_t>(std::max(vertexCount, 0)));
  for (const auto& [bone, list] : weights.items()) {
    const std::string pointer = child("/weights", bone);
    json.array(list, pointer);
    const int b = static_cast<int>(result.bones.size());
    result.bones.push_back(bone);
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string pairPointer = child(pointer, k);
      if (!list[k].is_array() || list[k].size() != 2) {
        json.fail(pairPointer, "expected [vertex index, weight], got " + describeJson(list[k]));
      }
      const int vertex = json.index(list[k][0], child(pairPointer, 0), vertexCount, "vertex index");
      const double weight = json.number(list[k][1], child(pairPointer, 1));
      if (weight < 0) {
        json.fail(child(pairPointer, 1), "weight " + numberText(weight) + " is negative");
      }
      auto& entries = result.vertices[static_cast<std::size_t>(vertex)];
      const auto same = std::find_if(entries.begin(), entries.end(),
                                     [&](const auto& entry) { return entry.first == b; });
      if (same != entries.end()) {
        json.fail(pairPointer,
                  "vertex " + str(vertex) + " is listed twice for bone " + singleQuoted(bone));
      }
      entries.emplace_back(b, static_cast<float>(weight));
    }
  }
  for (auto& entries : result.vertices) {
    std::erase_if(entries, [](const auto& entry) { return entry.second <= 0.0f; });
    double sum = 0;
    for (const auto& entry : entries) {
      sum += entry.second;
    }
    for (auto& entry : entries) {
      entry.second = static_cast<float>(entry.second / sum);
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
  }
  return result;
}

MhcloProxy readMhclo(const fs::path& path, int baseVertexCount) {
  TextLines lines(path);
  const fs::path folder = path.parent_path();
  MhcloProxy proxy;
  enum class Block { None, Verts, DeleteVerts };
  Block block = Block::None;
  static const std::vector<std::string> kKeywords = {
      "name",     "uuid",         "tag",          "basemesh",    "obj_file",
      "material", "z_depth",      "x_scale",      "y_scale",     "z_scale",
      "verts",    "delete_verts", "license",      "author",      "homepage",
      "version",  "max_pole",     "special_pose", "description", "vertexboneweights_file"};
  while (lines.next()) {
    if (lines.skippable()) {
      continue;
    }
    const auto& f = lines.fields();
    const char first = f[0].front();
    const bool numeric = (first >= '0' && first <= '9') || first == '-' || first == '.';
    if (numeric) {
      if (block == Block::Verts) {
        MhcloProxy::Reference reference;
        if (f.size() == 1) {
          const int v = lines.index(0, baseVertexCount, "base vertex");
          reference.vertices = {v, v, v};
        } else if (f.size() == 9) {
          for (std::size_t k = 0; k < 3; ++k) {
            reference.vertices[k] = lines.index(k, baseVertexCount, "base vertex");
            reference.weights[k] = lines.number(3 + k, "weight");
            reference.offset[static_cast<Eigen::Index>(k)] = lines.number(6 + k, "offset");
          }
        } else {
          lines.fail(
              "a fitting line has 1 number (a base vertex) or 9 (3 base vertices, 3 "
              "weights, 3 offsets), got " +
              str(f.size()));
        }
        proxy.references.push_back(reference);
      } else if (block == Block::DeleteVerts) {
        // Indices and "a - b" ranges; the dash is a field of its own.
        for (std::size_t k = 0; k < f.size(); ++k) {
          const int a = lines.index(k, baseVertexCount, "base vertex");
          if (k + 2 < f.size() && f[k + 1] == "-") {
            const int b = lines.index(k + 2, baseVertexCount, "base vertex");
            if (b < a) {
              lines.fail("range " + str(a) + " - " + str(b) + " runs backwards");
            }
            for (int v = a; v <= b; ++v) {
              proxy.deleteVertices.push_back(v);
            }
            k += 2;
          } else if (k + 1 < f.size() && f[k + 1] == "-") {
            lines.fail("range " + str(a) + " - has no end");
          } else {
            proxy.deleteVertices.push_back(a);
          }
        }
      } else {
        lines.fail("a line of numbers outside a 'verts' or 'delete_verts' block");
      }
      continue;
    }
    const std::string keyword(f[0]);
    if (keyword == "verts") {
      lines.expectArguments(1, 1, "1 number (0)");
      if (lines.integer(1, "verts") != 0) {
        lines.fail("only 'verts 0' is supported, got 'verts " + std::string(f[1]) + "'");
      }
      block = Block::Verts;
    } else if (keyword == "delete_verts") {
      block = Block::DeleteVerts;
      if (f.size() > 1) {
        lines.fail("'delete_verts' takes its indices on the following lines");
      }
    } else if (keyword == "name") {
      proxy.name = lines.rest(1);
    } else if (keyword == "uuid") {
      lines.expectArguments(1, 1, "1 identifier");
      proxy.uuid = f[1];
    } else if (keyword == "tag") {
      proxy.tags.push_back(lines.rest(1));
    } else if (keyword == "basemesh") {
      lines.expectArguments(1, 1, "1 name");
      proxy.basemesh = f[1];
    } else if (keyword == "description") {
      proxy.description = lines.rest(1);
    } else if (keyword == "obj_file" || keyword == "material" ||
               keyword == "vertexboneweights_file") {
      lines.expectArguments(1, 1, "1 file name");
      const fs::path file = folder / std::string(f[1]);
      (keyword == "obj_file"   ? proxy.objFile
       : keyword == "material" ? proxy.material
                               : proxy.vertexBoneWeightsFile) = file;
    } else if (keyword == "z_depth") {
      lines.expectArguments(1, 1, "1 integer");
      proxy.zDepth = lines.integer(1, "z_depth");
    } else if (keyword == "x_scale" || keyword == "y_scale" || keyword == "z_scale") {
      lines.expectArguments(3, 3, "2 base vertices and a reference distance");
      MhcloProxy::Scale& scale = proxy.scale[static_cast<std::size_t>(keyword[0] - 'x')];
      scale.a = lines.index(1, baseVertexCount, "base vertex");
      scale.b = lines.index(2, baseVertexCount, "base vertex");
      scale.reference = lines.number(3, "reference distance");
      if (scale.reference <= 0) {
        lines.fail("the reference distance must be > 0, got " + std::string(f[3]));
      }
    } else if (std::find(kKeywords.begin(), kKeywords.end(), keyword) == kKeywords.end()) {
      lines.fail("unknown keyword " + singleQuoted(keyword) + didYouMean(keyword, kKeywords));
    }
  }
  std::sort(proxy.deleteVertices.begin(), proxy.deleteVertices.end());
  proxy.deleteVertices.erase(std::unique(proxy.deleteVertices.begin(), proxy.deleteVertices.end()),
                             proxy.deleteVertices.end());
  return proxy;
}

Vec3d mhcloScale(const MhcloProxy& proxy, std::span<const Vec3d> base) {
  Vec3d scale = Vec3d::Ones();
  for (Eigen::Index axis = 0; axis < 3; ++axis) {
    const MhcloProxy::Scale& s = proxy.scale[static_cast<std::size_t>(axis)];
    if (s.a >= 0) {
      scale[axis] = std::abs(base[static_cast<std::size_t>(s.a)][axis] -
                             base[static_cast<std::size_t>(s.b)][axis]) /
                    s.reference;
    }
  }
  return scale;
}

std::vector<Vec3d> fitMhcloProxy(const MhcloProxy& proxy, std::span<const Vec3d> base,
                                 const Vec3d& scale) {
  std::vector<Vec3d> positions;
  positions.reserve(proxy.references.size());
  for (const MhcloProxy::Reference& r : proxy.references) {
    Vec3d p = scale.cwiseProduct(r.offset);
    for (std::size_t k = 0; k < 3; ++k) {
      if (r.weights[k] != 0) {
        p += r.weights[k] * base[static_cast<std::size_t>(r.vertices[k])];
      }
    }
    positions.push_back(p);
  }
  return positions;
}

std::vector<Vec3d> fitMhcloProxy(const MhcloProxy& proxy, std::span<const Vec3d> base) {
  return fitMhcloProxy(proxy, base, mhcloScale(proxy, base));
}

// ---------------------------------------------------------------------------------------
// The importer

namespace {

constexpr int kHm08Vertices = 19158;
constexpr int kBodyVertices = 13380;  // hm08 vertices 0..13379 are the skin surface
constexpr double kMillimetres = 100.0;
// Standard deviations (see the header): slider units per SD.
constexpr double kTwoSidedSd = 1.0 / 4.0;
constexpr double kSingleSidedSd = 1.0 / 8.0;
constexpr double kAgeSd = 1.0 / 5.0;
/// Offsets below this (mm) are dropped from morph targets.
constexpr double kMinDelta = 1e-4;
/// Human iris diameter (mm): the eye UVs put its rim at v = kIrisRimV.
constexpr double kIrisDiameter = 11.7;
constexpr double kIrisRimV = 0.34;
/// Identity modes that move the origin by less than this (mm) are left as they are.
constexpr double kOriginTolerance = 0.01;
/// Longest edge loop the bust's cut looks at, in edges.
constexpr int kMaxLoop = 200;
/// How far from its plane a vertex may start an edge loop for the cut (mm).
constexpr float kLoopSearch = 10.0f;

/// The modifier groups that shape the head, and the SynthFace region of each.
struct FaceGroup {
  const char* group;
  const char* region;
};
constexpr FaceGroup kFaceGroups[] = {
    {"head", "global"},  {"forehead", "forehead"}, {"eyebrows", "eyes"}, {"eyes", "eyes"},
    {"nose", "nose"},    {"mouth", "mouth"},       {"ears", "ears"},     {"chin", "jaw"},
    {"cheek", "cheeks"}, {"neck", "neck"}};

/// A sparse offset of base vertices, in file units.
struct BaseDelta {
  std::vector<int> vertices;
  std::vector<Vec3d> deltas;
};

/// Sums weighted targets into one sparse offset.
class DeltaSum {
public:
  explicit DeltaSum(int vertexCount) : m_dense(static_cast<std::size_t>(vertexCount)) {}

  void add(const MhTarget& target, double weight) {
    for (std::size_t k = 0; k < target.vertices.size(); ++k) {
      const auto v = static_cast<std::size_t>(target.vertices[k]);
      if (!m_dense[v]) {
        m_dense[v] = Vec3d::Zero();
        m_touched.push_back(target.vertices[k]);
      }
      *m_dense[v] += weight * target.deltas[k];
    }
  }

  /// The sum so far, in ascending vertex order; resets the sum.
  BaseDelta take() {
    std::sort(m_touched.begin(), m_touched.end());
    BaseDelta delta;
    for (const int v : m_touched) {
      delta.vertices.push_back(v);
      delta.deltas.push_back(*m_dense[static_cast<std::size_t>(v)]);
      m_dense[static_cast<std::size_t>(v)].reset();
    }
    m_touched.clear();
    return delta;
  }

private:
  std::vector<std::optional<Vec3d>> m_dense;
  std::vector<int> m_touched;
};

/// Union-find over vertex indices, for connected pieces of a mesh.
class Components {
public:
  explicit Components(int count) : m_parent(static_cast<std::size_t>(count)) {
    std::iota(m_parent.begin(), m_parent.end(), 0);
  }
  int find(int v) {
    while (m_parent[static_cast<std::size_t>(v)] != v) {
      int& parent = m_parent[static_cast<std::size_t>(v)];
      parent = m_parent[static_cast<std::size_t>(parent)];
      v = parent;
    }
    return v;
  }
  void join(int a, int b) { m_parent[static_cast<std::size_t>(find(a))] = find(b); }

private:
  std::vector<int> m_parent;
};

/// Joins the vertices of each face of `obj` (those faces with keep[f]).
Components faceComponents(const MhObj& obj, const std::vector<bool>& keep) {
  Components components(obj.vertexCount());
  int offset = 0;
  for (int f = 0; f < obj.faceCount(); ++f) {
    const int size = obj.faceSizes[static_cast<std::size_t>(f)];
    if (keep[static_cast<std::size_t>(f)]) {
      for (int k = 1; k < size; ++k) {
        components.join(obj.faceIndices[static_cast<std::size_t>(offset)],
                        obj.faceIndices[static_cast<std::size_t>(offset + k)]);
      }
    }
    offset += size;
  }
  return components;
}

/// Some faces of an OBJ as a mesh of their own: the vertices they use, renumbered in source
/// order, and their UVs.
struct SubMesh {
  PolyMesh mesh;            ///< positions left empty
  std::vector<int> source;  ///< source vertex of each vertex, ascending
};

SubMesh extractFaces(const MhObj& obj, const std::vector<bool>& keep) {
  SubMesh sub;
  std::vector<int> vertexMap(static_cast<std::size_t>(obj.vertexCount()), -1);
  std::vector<int> uvMap(obj.uvs.size(), -1);
  int offset = 0;
  for (int f = 0; f < obj.faceCount(); ++f) {
    const int size = obj.faceSizes[static_cast<std::size_t>(f)];
    if (keep[static_cast<std::size_t>(f)]) {
      for (int k = 0; k < size; ++k) {
        vertexMap[static_cast<std::size_t>(obj.faceIndices[static_cast<std::size_t>(offset + k)])] =
            0;
      }
    }
    offset += size;
  }
  for (int v = 0; v < obj.vertexCount(); ++v) {
    if (vertexMap[static_cast<std::size_t>(v)] == 0) {
      vertexMap[static_cast<std::size_t>(v)] = static_cast<int>(sub.source.size());
      sub.source.push_back(v);
    }
  }
  offset = 0;
  for (int f = 0; f < obj.faceCount(); ++f) {
    const int size = obj.faceSizes[static_cast<std::size_t>(f)];
    if (keep[static_cast<std::size_t>(f)]) {
      sub.mesh.faceSizes.push_back(size);
      for (int k = 0; k < size; ++k) {
        const auto corner = static_cast<std::size_t>(offset + k);
        sub.mesh.faceIndices.push_back(
            vertexMap[static_cast<std::size_t>(obj.faceIndices[corner])]);
        if (!obj.uvIndices.empty()) {
          int& uv = uvMap[static_cast<std::size_t>(obj.uvIndices[corner])];
          if (uv < 0) {
            uv = static_cast<int>(sub.mesh.uvs.size());
            sub.mesh.uvs.push_back(obj.uvs[static_cast<std::size_t>(obj.uvIndices[corner])]);
          }
          sub.mesh.uvIndices.push_back(uv);
        }
      }
    }
    offset += size;
  }
  return sub;
}

/// Edge loops of a quad mesh (some of its faces): an edge loop goes straight on through
/// every 4-valent vertex, leaving by the edge that shares no face with the one it came in by.
class EdgeLoops {
public:
  EdgeLoops(const MhObj& mesh, const std::vector<bool>& faces) : m_mesh(mesh), m_faces(faces) {
    m_neighbours.resize(static_cast<std::size_t>(mesh.vertexCount()));
    int offset = 0;
    for (int f = 0; f < mesh.faceCount(); ++f) {
      const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
      m_offsets.push_back(offset);
      if (faces[static_cast<std::size_t>(f)]) {
        for (int k = 0; k < size; ++k) {
          const int a = mesh.faceIndices[static_cast<std::size_t>(offset + k)];
          const int b = mesh.faceIndices[static_cast<std::size_t>(offset + (k + 1) % size)];
          m_edgeFaces[key(a, b)].push_back(f);
          auto& around = m_neighbours[static_cast<std::size_t>(a)];
          if (std::find(around.begin(), around.end(), b) == around.end()) {
            around.push_back(b);
            m_neighbours[static_cast<std::size_t>(b)].push_back(a);
          }
        }
      }
      offset += size;
    }
  }

  /// The closed edge loop around an axis (through `center` along `normal`) that lies closest
  /// to the plane across it: the loop's farthest vertex from the plane is nearest. Throws
  /// sf::Error naming `what` when no closed loop winds around the axis there.
  std::vector<int> loopAcross(const std::vector<Vec3f>& positions, const Vec3f& center,
                              const Vec3f& normal, const std::string& what) const {
    std::vector<int> best;
    float bestDistance = std::numeric_limits<float>::infinity();
    for (int v = 0; v < static_cast<int>(m_neighbours.size()); ++v) {
      const float distance =
          std::abs((positions[static_cast<std::size_t>(v)] - center).dot(normal));
      if (distance > kLoopSearch) {
        continue;
      }
      for (const int next : m_neighbours[static_cast<std::size_t>(v)]) {
        std::vector<int> loop = walk(v, next);
        if (loop.empty() || !winds(positions, loop, center, normal)) {
          continue;
        }
        float farthest = 0;
        for (const int u : loop) {
          farthest = std::max(
              farthest, std::abs((positions[static_cast<std::size_t>(u)] - center).dot(normal)));
        }
        if (farthest < bestDistance) {
          bestDistance = farthest;
          best = std::move(loop);
        }
      }
    }
    if (best.empty()) {
      throw Error("MakeHuman import: no closed edge loop of the body goes around " + what +
                  " near (" + numberText(center.x()) + ", " + numberText(center.y()) + ", " +
                  numberText(center.z()) + ") mm");
    }
    return best;
  }

  /// The faces reachable from the faces around vertex `seed` without crossing the loops'
  /// edges.
  std::vector<bool> flood(int seed, const std::vector<std::vector<int>>& loops) const {
    std::unordered_set<std::uint64_t> walls;
    for (const std::vector<int>& loop : loops) {
      for (std::size_t k = 0; k < loop.size(); ++k) {
        walls.insert(key(loop[k], loop[(k + 1) % loop.size()]));
      }
    }
    std::vector<bool> reached(m_faces.size(), false);
    std::vector<int> stack;
    for (const int next : m_neighbours[static_cast<std::size_t>(seed)]) {
      for (const int f : m_edgeFaces.at(key(seed, next))) {
        stack.push_back(f);
      }
    }
    while (!stack.empty()) {
      const int f = stack.back();
      stack.pop_back();
      if (reached[static_cast<std::size_t>(f)]) {
        continue;
      }
      reached[static_cast<std::size_t>(f)] = true;
      const int size = m_mesh.faceSizes[static_cast<std::size_t>(f)];
      for (int k = 0; k < size; ++k) {
        const std::uint64_t edge = key(corner(f, k), corner(f, (k + 1) % size));
        if (!walls.contains(edge)) {
          for (const int g : m_edgeFaces.at(edge)) {
            stack.push_back(g);
          }
        }
      }
    }
    return reached;
  }

private:
  static std::uint64_t key(int a, int b) {
    return (std::uint64_t{static_cast<std::uint32_t>(std::min(a, b))} << 32) |
           static_cast<std::uint32_t>(std::max(a, b));
  }

  int corner(int f, int k) const {
    return m_mesh.faceIndices[static_cast<std::size_t>(m_offsets[static_cast<std::size_t>(f)] + k)];
  }

  /// The loop that leaves `start` toward `next`, if it closes; else empty.
  std::vector<int> walk(int start, int next) const {
    std::vector<int> loop{start, next};
    while (static_cast<int>(loop.size()) <= kMaxLoop) {
      const int previous = loop[loop.size() - 2];
      const int current = loop.back();
      const auto& around = m_neighbours[static_cast<std::size_t>(current)];
      if (around.size() != 4) {
        return {};
      }
      const std::vector<int>& in = m_edgeFaces.at(key(previous, current));
      int straight = -1;
      for (const int candidate : around) {
        if (candidate == previous) {
          continue;
        }
        const std::vector<int>& out = m_edgeFaces.at(key(current, candidate));
        const bool sharesFace = std::any_of(out.begin(), out.end(), [&](int f) {
          return std::find(in.begin(), in.end(), f) != in.end();
        });
        if (!sharesFace) {
          straight = candidate;
        }
      }
      if (straight < 0 ||
          (straight != start && std::find(loop.begin(), loop.end(), straight) != loop.end())) {
        return {};
      }
      if (straight == start) {
        return loop;
      }
      loop.push_back(straight);
    }
    return {};
  }

  /// Whether a loop, projected on the plane through `center` across `normal`, goes once
  /// around `center`.
  static bool winds(const std::vector<Vec3f>& positions, const std::vector<int>& loop,
                    const Vec3f& center, const Vec3f& normal) {
    const Vec3f u = normal.unitOrthogonal();
    const Vec3f w = normal.cross(u);
    double turn = 0;
    for (std::size_t k = 0; k < loop.size(); ++k) {
      const Vec3f a = positions[static_cast<std::size_t>(loop[k])] - center;
      const Vec3f b = positions[static_cast<std::size_t>(loop[(k + 1) % loop.size()])] - center;
      const double angleA = std::atan2(a.dot(w), a.dot(u));
      const double angleB = std::atan2(b.dot(w), b.dot(u));
      double step = angleB - angleA;
      step -= 2 * std::numbers::pi * std::round(step / (2 * std::numbers::pi));
      turn += step;
    }
    return std::abs(std::abs(turn) - 2 * std::numbers::pi) < 0.5;
  }

  const MhObj& m_mesh;
  const std::vector<bool>& m_faces;
  std::vector<int> m_offsets;
  std::vector<std::vector<int>> m_neighbours;
  std::unordered_map<std::uint64_t, std::vector<int>> m_edgeFaces;
};

/// A part built from a fitted proxy.
struct ProxyPart {
  std::string name;
  PartMaterial material = PartMaterial::Skin;
  LabelClass label = LabelClass::Skin;
  int joint = 0;
  int proxy = 0;  ///< index into the importer's proxies
  SubMesh sub;    ///< faces, UVs and proxy vertex of each part vertex
};

/// A proxy asset: its fitting and its mesh.
struct Proxy {
  MhcloProxy fitting;
  MhObj obj;
  std::vector<Vec3d> rest;  ///< fitted to the untargeted base mesh
};

Proxy loadProxy(const fs::path& mhclo, int baseVertexCount) {
  Proxy proxy;
  proxy.fitting = readMhclo(mhclo, baseVertexCount);
  if (proxy.fitting.objFile.empty()) {
    throw Error(SourceLocation::inFile(mhclo.string()), "no 'obj_file' line");
  }
  proxy.obj = readMhObj(proxy.fitting.objFile);
  if (proxy.fitting.references.size() != proxy.obj.positions.size()) {
    throw Error(SourceLocation::inFile(mhclo.string()),
                str(proxy.fitting.references.size()) + " fitting lines for the " +
                    str(proxy.obj.positions.size()) + " vertices of " +
                    proxy.fitting.objFile.filename().string());
  }
  return proxy;
}

/// Eyeball UVs in SynthFace's convention (the renderer paints the pupil for v <= 0.12, the
/// iris up to 0.34, sclera beyond): u is the azimuth about the eye's axis over 2 pi, v grows
/// linearly with the angle from the axis up to kIrisRimV at the rim of a kIrisDiameter
/// iris, then linearly on to 1 at the back pole. One UV per face corner, so the u seam needs
/// no duplicated vertices.
void eyeUvs(PolyMesh& mesh, const Vec3f& center, const Vec3f& axis) {
  const Vec3f up = (Vec3f::UnitY() - Vec3f::UnitY().dot(axis) * axis).normalized();
  const Vec3f side = up.cross(axis);
  std::vector<double> angle;
  std::vector<std::optional<float>> azimuth;
  for (const Vec3f& p : mesh.positions) {
    const Vec3f d = p - center;
    const float along = d.dot(axis);
    const float across = (d - along * axis).norm();
    angle.push_back(std::atan2(across, along));
    azimuth.push_back(across > 1e-6f ? std::optional(std::atan2(d.dot(up), d.dot(side)))
                                     : std::nullopt);
  }
  // v of an angle, for the iris rim at angle `rim`.
  auto vOf = [](double theta, double rim) {
    return theta <= rim ? kIrisRimV * theta / rim
                        : kIrisRimV + (1.0 - kIrisRimV) * (theta - rim) / (std::numbers::pi - rim);
  };
  // The rim's angle: the renderer interpolates v linearly across faces, so place it where
  // the v = kIrisRimV line, followed along the mesh's edges, lies at the iris radius on
  // average (the iris may be dished in, so the angle alone would not say).
  std::vector<std::pair<int, int>> edges;
  const std::vector<int> offsets = mesh.faceOffsets();
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
    for (int k = 0; k < size; ++k) {
      const auto corner = [&](int c) {
        return mesh
            .faceIndices[static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)] + c % size)];
      };
      edges.emplace_back(corner(k), corner(k + 1));
    }
  }
  auto rimRadius = [&](double rim) {
    double sum = 0;
    int count = 0;
    for (const auto& [a, b] : edges) {
      const double va = vOf(angle[static_cast<std::size_t>(a)], rim);
      const double vb = vOf(angle[static_cast<std::size_t>(b)], rim);
      if ((va <= kIrisRimV) == (vb <= kIrisRimV)) {
        continue;
      }
      const auto t = static_cast<float>((kIrisRimV - va) / (vb - va));
      const Vec3f d = (1 - t) * mesh.positions[static_cast<std::size_t>(a)] +
                      t * mesh.positions[static_cast<std::size_t>(b)] - center;
      sum += (d - d.dot(axis) * axis).norm();
      ++count;
    }
    return count > 0 ? sum / count : 0.0;
  };
  double low = 0.05, high = 1.2;  // radians
  for (int iteration = 0; iteration < 40; ++iteration) {
    const double middle = 0.5 * (low + high);
    (rimRadius(middle) < 0.5 * kIrisDiameter ? low : high) = middle;
  }
  const double rim = 0.5 * (low + high);
  mesh.uvs.clear();
  mesh.uvIndices.clear();
  for (int f = 0; f < mesh.faceCount(); ++f) {
    const auto begin = static_cast<std::size_t>(offsets[static_cast<std::size_t>(f)]);
    const auto size = static_cast<std::size_t>(mesh.faceSizes[static_cast<std::size_t>(f)]);
    // u per corner, kept within half a turn of the face's first corner so that faces on the
    // seam do not wrap; a corner on the axis takes the mean of the others.
    std::vector<std::optional<float>> u(size);
    std::optional<float> reference;
    float sum = 0;
    int known = 0;
    for (std::size_t k = 0; k < size; ++k) {
      const auto v = static_cast<std::size_t>(mesh.faceIndices[begin + k]);
      if (!azimuth[v]) {
        continue;
      }
      float value = *azimuth[v] / (2 * std::numbers::pi_v<float>)+0.5f;
      if (!reference) {
        reference = value;
      }
      value += value - *reference > 0.5f ? -1.0f : value - *reference < -0.5f ? 1.0f : 0.0f;
      u[k] = value;
      sum += value;
      ++known;
    }
    const float shift = known > 0 && sum < 0 ? 1.0f : 0.0f;
    for (std::size_t k = 0; k < size; ++k) {
      const auto v = static_cast<std::size_t>(mesh.faceIndices[begin + k]);
      const float uk = u[k] ? *u[k] : known > 0 ? sum / static_cast<float>(known) : 0.5f;
      mesh.uvIndices.push_back(static_cast<int>(mesh.uvs.size()));
      mesh.uvs.emplace_back(uk + shift, static_cast<float>(vOf(angle[v], rim)));
    }
  }
}

/// "head-trans" down|up -> "head_trans_up"; "l-eye-bag" decr|incr -> "eye_bag_left".
std::string modeName(const MhModifier& modifier) {
  std::string stem = modifier.target;
  std::string side;
  if (stem.starts_with("l-")) {
    side = "_left";
    stem.erase(0, 2);
  } else if (stem.starts_with("r-")) {
    side = "_right";
    stem.erase(0, 2);
  }
  std::string name = stem;
  if (modifier.twoSided() && !(modifier.min == "decr" && modifier.max == "incr")) {
    name += "-" + modifier.max;
  }
  std::replace(name.begin(), name.end(), '-', '_');
  return name + side;
}

/// The expression group of a legacy expression unit, from its name.
std::string expressionGroup(std::string_view name) {
  if (name.starts_with("eyebrows")) {
    return "brows";
  }
  for (const char* group : {"eye", "mouth", "nose", "neck"}) {
    if (name.starts_with(group)) {
      return std::string(group) == "eye" ? "eyes" : group;
    }
  }
  return "face";
}

/// Builds the model; one instance per import.
class Importer {
public:
  Importer(const fs::path& dataDir, const MakeHumanImportOptions& options)
      : m_data(dataDir), m_options(options) {}

  FaceModel run() {
    readBase();
    m_model.name = "makehuman-hm08";
    const int version = m_skeleton.version;  // 110 for MakeHuman 1.1.0
    m_model.version =
        str(version / 100) + "." + str(version / 10 % 10) + "." + str(version % 10) + "+hm08";
    m_model.license = "CC0-1.0";
    m_model.author = "MakeHuman team (imported by SynthFace)";
    placeOrigin();
    buildSkin();
    buildProxyParts();
    buildSkeleton();
    buildIdentity();
    buildExpressions();
    return std::move(m_model);
  }

private:
  void progress(const std::string& line) const {
    if (m_options.progress) {
      m_options.progress(line);
    }
  }

  fs::path path(const std::string& relative) const { return m_data / relative; }

  Vec3f toModel(const Vec3d& p) const { return (kMillimetres * p - m_origin).cast<float>(); }

  /// Reads a target, counting it for progress.
  MhTarget target(const std::string& relative) {
    ++m_targetsRead;
    if (m_targetsRead % 10 == 0 || m_targetsRead == m_targetTotal) {
      progress("reading targets " + str(m_targetsRead) + "/" + str(m_targetTotal));
    }
    return readMhTarget(path(relative), m_base.vertexCount());
  }

  void readBase() {
    progress("reading base mesh");
    const fs::path file = path("3dobjs/base.obj");
    m_base = readMhObj(file);
    if (m_base.vertexCount() != kHm08Vertices) {
      throw Error(SourceLocation::inFile(file.string()),
                  "not the hm08 base mesh: " + str(m_base.vertexCount()) + " vertices, expected " +
                      str(kHm08Vertices));
    }
    progress("reading skeleton");
    const fs::path skeletonFile = path("rigs/default.mhskel");
    m_skeleton = readMhSkeleton(skeletonFile, m_base.vertexCount());
    if (m_skeleton.weightsFile.empty()) {
      throw Error(SourceLocation::inFile(skeletonFile.string()), "no 'weights_file'");
    }
    m_weightsFile = skeletonFile.parent_path() / m_skeleton.weightsFile;
    m_weights = readMhWeights(m_weightsFile, m_base.vertexCount());
    m_modifiers = readMhModifiers(path("modifiers/modeling_modifiers.json"));
    m_expressionFiles.clear();
    const fs::path units = path("targets/expression/units/caucasian");
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(units, error)) {
      if (entry.path().extension() == ".target") {
        m_expressionFiles.push_back(entry.path());
      }
    }
    if (error) {
      throw Error(SourceLocation::inFile(units.string()),
                  "cannot list the expression units: " + error.message());
    }
    std::sort(m_expressionFiles.begin(), m_expressionFiles.end());
    // Progress counts every target file the import reads.
    m_targetTotal = kMacroFiles + static_cast<int>(m_expressionFiles.size());
    for (const MhModifier& modifier : m_modifiers) {
      if (regionOf(modifier.group) != nullptr) {
        m_targetTotal += modifier.twoSided() ? 2 : 1;
      }
    }
  }

  /// The SynthFace region of a face modifier group, or null for other groups.
  static const char* regionOf(const std::string& group) {
    for (const FaceGroup& face : kFaceGroups) {
      if (group == face.group) {
        return face.region;
      }
    }
    return nullptr;
  }

  /// The origin: between the pinnae's centroids (see the header).
  void placeOrigin() {
    Vec3d sum = Vec3d::Zero();
    for (const char* side : {"l", "r"}) {
      const fs::path file = path(std::string("targets/ears/") + side + "-ear-wing-incr.target");
      const MhTarget ear = readMhTarget(file, m_base.vertexCount());
      if (ear.vertices.empty()) {
        throw Error(SourceLocation::inFile(file.string()), "moves no vertices");
      }
      Vec3d centroid = Vec3d::Zero();
      for (const int v : ear.vertices) {
        centroid += m_base.positions[static_cast<std::size_t>(v)];
      }
      sum += centroid / static_cast<double>(ear.vertices.size());
      m_pinnae.push_back(ear.vertices);
    }
    m_origin = kMillimetres * 0.5 * sum;
  }

  /// The model-space position of a MakeHuman bone's head joint.
  Vec3f boneHead(const char* bone) const {
    const MhBone& b = m_skeleton.bones[static_cast<std::size_t>(requireBone(bone))];
    return toModel(m_skeleton.jointPosition(m_skeleton.findJoint(b.head), m_base.positions));
  }

  void buildSkin() {
    progress("cutting the skin");
    // The bust's boundary: three edge loops of the body, across the chest and around each
    // upper arm; the skin is what the top of the head reaches without crossing them.
    std::vector<bool> body(static_cast<std::size_t>(m_base.faceCount()), true);
    int offset = 0;
    for (int f = 0; f < m_base.faceCount(); ++f) {
      for (int k = 0; k < m_base.faceSizes[static_cast<std::size_t>(f)]; ++k) {
        body[static_cast<std::size_t>(f)] =
            body[static_cast<std::size_t>(f)] &&
            m_base.faceIndices[static_cast<std::size_t>(offset + k)] < kBodyVertices;
      }
      offset += m_base.faceSizes[static_cast<std::size_t>(f)];
    }
    const EdgeLoops topology(m_base, body);
    std::vector<Vec3f> positions;
    for (const Vec3d& p : m_base.positions) {
      positions.push_back(toModel(p));
    }
    const Vec3f neck = boneHead("neck01");
    std::vector<std::vector<int>> loops;
    loops.push_back(topology.loopAcross(positions, Vec3f(0, m_options.bustBottom, neck.z()),
                                        Vec3f::UnitY(), "the chest"));
    for (const char* bone : {"upperarm01.L", "upperarm01.R"}) {
      const MhBone& arm = m_skeleton.bones[static_cast<std::size_t>(requireBone(bone))];
      const Vec3f shoulder = boneHead(bone);
      const Vec3f along =
          (toModel(m_skeleton.jointPosition(m_skeleton.findJoint(arm.tail), m_base.positions)) -
           shoulder)
              .normalized();
      loops.push_back(topology.loopAcross(positions, shoulder + m_options.armCut * along, along,
                                          std::string("the upper arm (") + bone + ")"));
    }
    int top = 0;
    for (int v = 1; v < kBodyVertices; ++v) {
      if (positions[static_cast<std::size_t>(v)].y() >
          positions[static_cast<std::size_t>(top)].y()) {
        top = v;
      }
    }
    std::vector<bool> keep = topology.flood(top, loops);
    offset = 0;
    for (int f = 0; f < m_base.faceCount(); ++f) {
      for (int k = 0; k < m_base.faceSizes[static_cast<std::size_t>(f)]; ++k) {
        const int v = m_base.faceIndices[static_cast<std::size_t>(offset + k)];
        if (keep[static_cast<std::size_t>(f)] &&
            positions[static_cast<std::size_t>(v)].y() < m_options.bustBottom - 150.0f) {
          throw Error(
              SourceLocation::inFile(path("3dobjs/base.obj").string()),
              "the bust's edge loops do not close it off: the skin reaches vertex " + str(v));
        }
      }
      offset += m_base.faceSizes[static_cast<std::size_t>(f)];
    }

    SubMesh sub = extractFaces(m_base, keep);
    m_skinIndex.assign(static_cast<std::size_t>(m_base.vertexCount()), -1);
    for (std::size_t v = 0; v < sub.source.size(); ++v) {
      m_skinIndex[static_cast<std::size_t>(sub.source[v])] = static_cast<int>(v);
      sub.mesh.positions.push_back(
          toModel(m_base.positions[static_cast<std::size_t>(sub.source[v])]));
    }
    FacePart skin;
    skin.name = "skin";
    skin.material = PartMaterial::Skin;
    skin.firstVertex = 0;
    skin.faceClass.assign(sub.mesh.faceSizes.size(), LabelClass::Skin);
    skin.faceGrowth.assign(sub.mesh.faceSizes.size(), kGrowthNone);
    skin.mesh = std::move(sub.mesh);
    m_skinSource = std::move(sub.source);
    m_model.parts.push_back(std::move(skin));
  }

  /// The eye bone's head joint position and axis (head -> tail), in model space.
  std::pair<Vec3f, Vec3f> eyeFrame(const char* bone) const {
    const MhBone& b = m_skeleton.bones[static_cast<std::size_t>(requireBone(bone))];
    const Vec3d head = m_skeleton.jointPosition(m_skeleton.findJoint(b.head), m_base.positions);
    const Vec3d tail = m_skeleton.jointPosition(m_skeleton.findJoint(b.tail), m_base.positions);
    return {toModel(head), (tail - head).normalized().cast<float>()};
  }

  int requireBone(const char* name) const {
    const int bone = m_skeleton.findBone(name);
    if (bone < 0) {
      throw Error(SourceLocation::inFile(path("rigs/default.mhskel").string()),
                  std::string("no bone '") + name + "'");
    }
    return bone;
  }

  void buildProxyParts() {
    progress("fitting eyes, teeth and tongue");
    const int n = m_base.vertexCount();
    m_proxies.push_back(loadProxy(path("eyes/high-poly/high-poly.mhclo"), n));
    m_proxies.push_back(loadProxy(path("teeth/teeth_base/teeth_base.mhclo"), n));
    m_proxies.push_back(loadProxy(path("tongue/tongue01/tongue01.mhclo"), n));
    for (Proxy& proxy : m_proxies) {
      proxy.rest = fitMhcloProxy(proxy.fitting, m_base.positions);
    }
    buildEyes();
    buildTeeth();
    {
      const Proxy& tongue = m_proxies[2];
      ProxyPart part{"tongue", PartMaterial::Tongue, LabelClass::MouthInterior, kJaw, 2, {}};
      part.sub = extractFaces(
          tongue.obj, std::vector<bool>(static_cast<std::size_t>(tongue.obj.faceCount()), true));
      m_proxyParts.push_back(std::move(part));
    }

    // Positions, then the parts in order after the skin.
    int next = m_model.parts[0].mesh.vertexCount();
    for (ProxyPart& proxyPart : m_proxyParts) {
      const Proxy& proxy = m_proxies[static_cast<std::size_t>(proxyPart.proxy)];
      for (const int v : proxyPart.sub.source) {
        proxyPart.sub.mesh.positions.push_back(toModel(proxy.rest[static_cast<std::size_t>(v)]));
      }
      if (proxyPart.material == PartMaterial::Sclera) {
        const auto [center, axis] = eyeFrame(proxyPart.name == "eye_left" ? "eye.L" : "eye.R");
        eyeUvs(proxyPart.sub.mesh, center, axis);
      }
      FacePart part;
      part.name = proxyPart.name;
      part.material = proxyPart.material;
      part.mesh = proxyPart.sub.mesh;
      part.firstVertex = next;
      part.faceClass.assign(part.mesh.faceSizes.size(), proxyPart.label);
      part.faceGrowth.assign(part.mesh.faceSizes.size(), kGrowthNone);
      next += part.mesh.vertexCount();
      m_model.parts.push_back(std::move(part));
    }
  }

  /// Eyeballs and cornea shells: the proxy's four connected pieces, sorted by side and by
  /// distance from the eye's centre (the cornea shell lies outside the eyeball).
  void buildEyes() {
    const Proxy& eyes = m_proxies[0];
    const std::string file = path("eyes/high-poly/high-poly.obj").string();
    const std::vector<bool> all(static_cast<std::size_t>(eyes.obj.faceCount()), true);
    Components components = faceComponents(eyes.obj, all);
    std::map<int, std::vector<int>> pieces;
    for (int v = 0; v < eyes.obj.vertexCount(); ++v) {
      pieces[components.find(v)].push_back(v);
    }
    // Per side: (mean distance from that eye's centre, piece).
    std::array<std::vector<std::pair<double, int>>, 2> bySide;
    for (const auto& [root, vertices] : pieces) {
      Vec3d centroid = Vec3d::Zero();
      for (const int v : vertices) {
        centroid += eyes.rest[static_cast<std::size_t>(v)];
      }
      centroid /= static_cast<double>(vertices.size());
      const int side = centroid.x() > 0 ? 1 : 0;
      const Vec3f center = eyeFrame(side == 1 ? "eye.L" : "eye.R").first;
      double distance = 0;
      for (const int v : vertices) {
        distance += (toModel(eyes.rest[static_cast<std::size_t>(v)]) - center).norm();
      }
      bySide[static_cast<std::size_t>(side)].emplace_back(
          distance / static_cast<double>(vertices.size()), root);
    }
    for (auto& side : bySide) {
      if (side.size() != 2) {
        throw Error(SourceLocation::inFile(file),
                    "expected an eyeball and a cornea shell for each eye, found " +
                        str(side.size()) + " pieces on one side");
      }
      std::sort(side.begin(), side.end());
    }
    // Part order as in the built-in head: eyes, then corneas; right before left.
    for (const bool cornea : {false, true}) {
      for (const int side : {0, 1}) {
        const int root = bySide[static_cast<std::size_t>(side)][cornea ? 1 : 0].second;
        std::vector<bool> keep(static_cast<std::size_t>(eyes.obj.faceCount()), false);
        int offset = 0;
        for (int f = 0; f < eyes.obj.faceCount(); ++f) {
          keep[static_cast<std::size_t>(f)] =
              components.find(eyes.obj.faceIndices[static_cast<std::size_t>(offset)]) == root;
          offset += eyes.obj.faceSizes[static_cast<std::size_t>(f)];
        }
        ProxyPart part;
        part.name = std::string(cornea ? "cornea" : "eye") + (side == 0 ? "_right" : "_left");
        part.material = cornea ? PartMaterial::Cornea : PartMaterial::Sclera;
        part.label = side == 0 ? LabelClass::RightEye : LabelClass::LeftEye;
        part.joint = side == 0 ? kEyeRight : kEyeLeft;
        part.proxy = 0;
        part.sub = extractFaces(eyes.obj, keep);
        m_proxyParts.push_back(std::move(part));
      }
    }
  }

  /// Upper and lower teeth: each face goes with the teeth helper (helper-upper-teeth or
  /// helper-lower-teeth of base.obj) that most of its corners' fitting vertices belong to.
  /// The gums join at the back, so the two parts each get their own copy of the few
  /// vertices they share.
  void buildTeeth() {
    const Proxy& teeth = m_proxies[1];
    const std::string baseFile = path("3dobjs/base.obj").string();
    std::vector<int> groupOf(static_cast<std::size_t>(m_base.vertexCount()), -1);
    int offset = 0;
    for (int f = 0; f < m_base.faceCount(); ++f) {
      for (int k = 0; k < m_base.faceSizes[static_cast<std::size_t>(f)]; ++k) {
        groupOf[static_cast<std::size_t>(
            m_base.faceIndices[static_cast<std::size_t>(offset + k)])] =
            m_base.faceGroups[static_cast<std::size_t>(f)];
      }
      offset += m_base.faceSizes[static_cast<std::size_t>(f)];
    }
    auto groupIndex = [&](const char* name) {
      const auto it = std::find(m_base.groups.begin(), m_base.groups.end(), name);
      if (it == m_base.groups.end()) {
        throw Error(SourceLocation::inFile(baseFile), std::string("no group '") + name + "'");
      }
      return static_cast<int>(it - m_base.groups.begin());
    };
    const int upper = groupIndex("helper-upper-teeth");
    const int lower = groupIndex("helper-lower-teeth");
    std::vector<bool> keepLower(static_cast<std::size_t>(teeth.obj.faceCount()), false);
    offset = 0;
    for (int f = 0; f < teeth.obj.faceCount(); ++f) {
      int votesLower = 0, votesUpper = 0;
      for (int k = 0; k < teeth.obj.faceSizes[static_cast<std::size_t>(f)]; ++k) {
        const auto& reference = teeth.fitting.references[static_cast<std::size_t>(
            teeth.obj.faceIndices[static_cast<std::size_t>(offset + k)])];
        for (const int v : reference.vertices) {
          votesLower += groupOf[static_cast<std::size_t>(v)] == lower;
          votesUpper += groupOf[static_cast<std::size_t>(v)] == upper;
        }
      }
      keepLower[static_cast<std::size_t>(f)] = votesLower > votesUpper;
      offset += teeth.obj.faceSizes[static_cast<std::size_t>(f)];
    }
    std::vector<bool> keepUpper(keepLower.size());
    std::transform(keepLower.begin(), keepLower.end(), keepUpper.begin(),
                   [](bool isLower) { return !isLower; });
    m_proxyParts.push_back({"teeth_upper", PartMaterial::Teeth, LabelClass::MouthInterior, kHead, 1,
                            extractFaces(teeth.obj, keepUpper)});
    m_proxyParts.push_back({"teeth_lower", PartMaterial::Teeth, LabelClass::MouthInterior, kJaw, 1,
                            extractFaces(teeth.obj, keepLower)});
  }

  void buildSkeleton() {
    progress("placing joints and weights");
    // Our joints, the MakeHuman bone whose head each sits at, and the parent.
    struct JointSource {
      const char* name;
      const char* bone;
      int parent;
    };
    constexpr JointSource kJoints[] = {{"chest", "spine01", -1},      {"neck", "neck01", kChest},
                                       {"head", "head", kNeck},       {"jaw", "jaw", kHead},
                                       {"eye_right", "eye.R", kHead}, {"eye_left", "eye.L", kHead}};
    std::vector<int> jointOfBone(m_skeleton.bones.size(), -1);
    for (std::size_t j = 0; j < std::size(kJoints); ++j) {
      const int bone = requireBone(kJoints[j].bone);
      const MhBone& b = m_skeleton.bones[static_cast<std::size_t>(bone)];
      Joint joint;
      joint.name = kJoints[j].name;
      joint.parent = kJoints[j].parent;
      joint.restPosition =
          toModel(m_skeleton.jointPosition(m_skeleton.findJoint(b.head), m_base.positions));
      m_model.joints.push_back(std::move(joint));
      jointOfBone[static_cast<std::size_t>(bone)] = static_cast<int>(j);
    }
    // Every other bone: the nearest mapped bone up its chain (bones are parents first).
    for (std::size_t b = 0; b < m_skeleton.bones.size(); ++b) {
      if (jointOfBone[b] < 0) {
        const int parent = m_skeleton.bones[b].parent;
        jointOfBone[b] = parent < 0 ? kChest : jointOfBone[static_cast<std::size_t>(parent)];
      }
    }
    // The eyes follow their eyeballs' identity offsets.
    for (std::size_t p = 1; p < m_model.parts.size(); ++p) {
      const FacePart& part = m_model.parts[p];
      if (part.material == PartMaterial::Sclera) {
        Joint& joint =
            m_model
                .joints[static_cast<std::size_t>(part.name == "eye_left" ? kEyeLeft : kEyeRight)];
        for (int v = 0; v < part.mesh.vertexCount(); ++v) {
          joint.anchorVertices.push_back(part.firstVertex + v);
        }
      }
    }

    // Skin weights: MakeHuman's per bone, summed per joint, the four largest kept.
    std::vector<int> jointOfWeightBone;
    for (const std::string& bone : m_weights.bones) {
      const int b = m_skeleton.findBone(bone);
      if (b < 0) {
        std::vector<std::string> names;
        for (const MhBone& known : m_skeleton.bones) {
          names.push_back(known.name);
        }
        throw Error(SourceLocation::atPointer(m_weightsFile.string(),
                                              "/weights/" + escapePointerToken(bone)),
                    "unknown bone " + singleQuoted(bone) + " (not in default.mhskel)" +
                        didYouMean(bone, names));
      }
      jointOfWeightBone.push_back(jointOfBone[static_cast<std::size_t>(b)]);
    }
    const int vertexCount = m_model.vertexCount();
    m_model.skin.joints.assign(static_cast<std::size_t>(vertexCount), {0, 0, 0, 0});
    m_model.skin.weights.assign(static_cast<std::size_t>(vertexCount), {0, 0, 0, 0});
    for (std::size_t v = 0; v < m_skinSource.size(); ++v) {
      const auto& entries = m_weights.vertices[static_cast<std::size_t>(m_skinSource[v])];
      if (entries.empty()) {
        throw Error(SourceLocation::inFile(m_weightsFile.string()),
                    "base vertex " + str(m_skinSource[v]) + " has no weights");
      }
      std::array<double, std::size(kJoints)> sum{};
      for (const auto& [bone, weight] : entries) {
        sum[static_cast<std::size_t>(jointOfWeightBone[static_cast<std::size_t>(bone)])] += weight;
      }
      std::array<int, std::size(kJoints)> order{};
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return sum[static_cast<std::size_t>(a)] > sum[static_cast<std::size_t>(b)];
      });
      double total = 0;
      for (std::size_t k = 0; k < SkinWeights::kInfluences; ++k) {
        total += sum[static_cast<std::size_t>(order[k])];
      }
      for (std::size_t k = 0; k < SkinWeights::kInfluences; ++k) {
        m_model.skin.joints[v][k] = order[k];
        m_model.skin.weights[v][k] =
            static_cast<float>(sum[static_cast<std::size_t>(order[k])] / total);
      }
    }
    for (std::size_t p = 1; p < m_model.parts.size(); ++p) {
      const FacePart& part = m_model.parts[p];
      const int joint = m_proxyParts[p - 1].joint;
      for (int v = 0; v < part.mesh.vertexCount(); ++v) {
        m_model.skin.joints[static_cast<std::size_t>(part.firstVertex + v)] = {joint, 0, 0, 0};
        m_model.skin.weights[static_cast<std::size_t>(part.firstVertex + v)] = {1, 0, 0, 0};
      }
    }
  }

  /// How a morph refits the proxies. Reshaping the head (identity) refits them completely, as
  /// MakeHuman does after modelling, so their offsets scale with the head. An expression
  /// moves the face as a pose would: MakeHuman poses a fitted proxy without refitting it, so
  /// the offsets keep the neutral face's scale (else opening the jaw, which the teeth's y
  /// scale measures, would stretch the upper teeth), and the parts fixed to the skull (the
  /// upper teeth, whose gum MakeHuman joins to the lower one at the back) stay in place.
  enum class Refit { Scale, KeepScale };

  /// A morph target of the model from an offset of the base mesh (file units): the skin's
  /// share directly, the proxies' by fitting them with and without the offset.
  MorphTarget morph(const std::string& name, const std::string& group, const BaseDelta& delta,
                    Refit refit) {
    std::vector<std::pair<int, Vec3f>> entries;
    for (std::size_t k = 0; k < delta.vertices.size(); ++k) {
      const int v = m_skinIndex[static_cast<std::size_t>(delta.vertices[k])];
      const Vec3d d = kMillimetres * delta.deltas[k];
      if (v >= 0 && d.norm() > kMinDelta) {
        entries.emplace_back(v, d.cast<float>());
      }
    }
    std::vector<Vec3d> moved = m_base.positions;
    for (std::size_t k = 0; k < delta.vertices.size(); ++k) {
      moved[static_cast<std::size_t>(delta.vertices[k])] += delta.deltas[k];
    }
    std::vector<std::vector<Vec3d>> fitted;
    for (const Proxy& proxy : m_proxies) {
      const Vec3d scale = mhcloScale(proxy.fitting, refit == Refit::Scale
                                                        ? std::span<const Vec3d>(moved)
                                                        : std::span<const Vec3d>(m_base.positions));
      fitted.push_back(fitMhcloProxy(proxy.fitting, moved, scale));
    }
    for (std::size_t p = 0; p < m_proxyParts.size(); ++p) {
      const ProxyPart& part = m_proxyParts[p];
      if (refit == Refit::KeepScale && part.joint == kHead) {
        continue;
      }
      const Proxy& proxy = m_proxies[static_cast<std::size_t>(part.proxy)];
      const int first = m_model.parts[p + 1].firstVertex;
      for (std::size_t v = 0; v < part.sub.source.size(); ++v) {
        const auto s = static_cast<std::size_t>(part.sub.source[v]);
        const Vec3d d =
            kMillimetres * (fitted[static_cast<std::size_t>(part.proxy)][s] - proxy.rest[s]);
        if (d.norm() > kMinDelta) {
          entries.emplace_back(first + static_cast<int>(v), d.cast<float>());
        }
      }
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    MorphTarget target;
    target.name = name;
    target.group = group;
    for (const auto& [v, d] : entries) {
      target.vertices.push_back(v);
      target.deltas.push_back(d);
    }
    return target;
  }

  /// An identity mode, with sigma the largest offset of one SD (mm).
  /// An identity mode, with sigma the largest offset of one SD (mm). Outside the ears'
  /// group, a mode that moves the origin (the pinnae's midpoint) is shifted back by that
  /// much, so that it reshapes the head about the point between the ears rather than moving
  /// the whole head: MakeHuman's sex, age and build targets change the body's height, and
  /// its head and neck translations move the head over the shoulders.
  void addIdentity(const std::string& name, const std::string& group, BaseDelta delta,
                   const std::string& source) {
    if (group != "ears") {
      keepOrigin(delta);
    }
    MorphTarget mode = morph(name, group, delta, Refit::Scale);
    float largest = 0;
    for (const Vec3f& d : mode.deltas) {
      largest = std::max(largest, d.norm());
    }
    if (largest == 0) {
      throw Error("MakeHuman import: " + source + " moves none of the imported vertices");
    }
    mode.sigma = largest;
    m_model.identity.push_back(std::move(mode));
  }

  /// Subtracts from every base vertex the offset `delta` gives the origin, if it is not
  /// negligible.
  void keepOrigin(BaseDelta& delta) const {
    std::vector<Vec3d> dense(m_base.positions.size(), Vec3d::Zero());
    for (std::size_t k = 0; k < delta.vertices.size(); ++k) {
      dense[static_cast<std::size_t>(delta.vertices[k])] = delta.deltas[k];
    }
    Vec3d shift = Vec3d::Zero();
    for (const std::vector<int>& pinna : m_pinnae) {
      Vec3d sum = Vec3d::Zero();
      for (const int v : pinna) {
        sum += dense[static_cast<std::size_t>(v)];
      }
      shift += 0.5 * sum / static_cast<double>(pinna.size());
    }
    if (kMillimetres * shift.norm() < kOriginTolerance) {
      return;
    }
    delta.vertices.resize(dense.size());
    std::iota(delta.vertices.begin(), delta.vertices.end(), 0);
    delta.deltas = std::move(dense);
    for (Vec3d& d : delta.deltas) {
      d -= shift;
    }
  }

  void buildIdentity() {
    DeltaSum sum(m_base.vertexCount());
    int twoSided = 0, exact = 0;
    double worstError = 0;
    std::string worst;
    for (const MhModifier& modifier : m_modifiers) {
      const char* region = regionOf(modifier.group);
      if (region == nullptr) {
        continue;
      }
      const std::string stem = "targets/" + modifier.group + "/" + modifier.target;
      // A modifier naming a target that is not there is an error of the modifiers' file.
      auto modifierTarget = [&](const std::string& relative) {
        if (!fs::exists(path(relative))) {
          throw Error(SourceLocation::inFile(path("modifiers/modeling_modifiers.json").string()),
                      "modifier " + singleQuoted(modifier.name()) + ": unknown target, no file " +
                          path(relative).string());
        }
        return target(relative);
      };
      if (!modifier.twoSided()) {
        sum.add(modifierTarget(stem + ".target"), kSingleSidedSd);
        addIdentity(modeName(modifier), region, sum.take(), modifier.name());
        continue;
      }
      const MhTarget min = modifierTarget(stem + "-" + modifier.min + ".target");
      const MhTarget max = modifierTarget(stem + "-" + modifier.max + ".target");
      // How far the min side is from the max side negated (mm).
      sum.add(max, 1.0);
      sum.add(min, 1.0);
      const BaseDelta asymmetry = sum.take();
      double error = 0;
      for (const Vec3d& d : asymmetry.deltas) {
        error = std::max(error, 0.5 * kMillimetres * d.norm());
      }
      ++twoSided;
      // MakeHuman writes offsets to 0.001 (0.1 mm); allow for the rounding of both files.
      exact += error <= 0.15;
      if (error > worstError) {
        worstError = error;
        worst = modifier.name();
      }
      sum.add(max, 0.5 * kTwoSidedSd);
      sum.add(min, -0.5 * kTwoSidedSd);
      addIdentity(modeName(modifier), region, sum.take(), modifier.name());
    }
    progress("note: " + str(exact) + " of " + str(twoSided) +
             " two-sided modifiers are antisymmetric (min = -max), so their linear mode is "
             "exact; the others use (max - min) / 2, missing both ends by (max + min) / 2, at "
             "most " +
             numberText(std::round(worstError * 100) / 100) + " mm (" + worst + ")");
    buildMacroModes(sum);
  }

  static constexpr int kMacroFiles = 12;

  void buildMacroModes(DeltaSum& sum) {
    const std::string macro = "targets/macrodetails/";
    const MhTarget maleYoung = target(macro + "caucasian-male-young.target");
    const MhTarget femaleYoung = target(macro + "caucasian-female-young.target");
    const MhTarget maleOld = target(macro + "caucasian-male-old.target");
    const MhTarget femaleOld = target(macro + "caucasian-female-old.target");
    sum.add(maleYoung, 0.5);
    sum.add(femaleYoung, -0.5);
    addIdentity("masculinity", "sex", sum.take(), "macrodetails/Gender");
    // Both sexes averaged: 0.5 (old - young) per sex.
    for (const MhTarget* t : {&maleOld, &femaleOld}) {
      sum.add(*t, 0.5 * kAgeSd);
    }
    for (const MhTarget* t : {&maleYoung, &femaleYoung}) {
      sum.add(*t, -0.5 * kAgeSd);
    }
    addIdentity("age", "age", sum.take(), "macrodetails/Age");
    // Universal targets: weight at average muscle, muscle at average weight.
    const std::string universal = macro + "universal-";
    for (const auto& [name, maxFile, minFile] :
         {std::tuple{"body_weight", "averagemuscle-maxweight", "averagemuscle-minweight"},
          std::tuple{"muscle_tone", "maxmuscle-averageweight", "minmuscle-averageweight"}}) {
      for (const char* sex : {"female", "male"}) {
        // Two-sided over the sexes' mean: (max - min) / 2 per slider unit, halved per sex.
        sum.add(target(universal + sex + "-young-" + maxFile + ".target"), 0.25 * kTwoSidedSd);
        sum.add(target(universal + sex + "-young-" + minFile + ".target"), -0.25 * kTwoSidedSd);
      }
      addIdentity(name, "build", sum.take(), std::string("macrodetails-universal/") + name);
    }
  }

  void buildExpressions() {
    DeltaSum sum(m_base.vertexCount());
    for (const fs::path& file : m_expressionFiles) {
      const std::string stem = file.stem().string();
      sum.add(target("targets/expression/units/caucasian/" + file.filename().string()), 1.0);
      MorphTarget shape = morph(stem, expressionGroup(stem), sum.take(), Refit::KeepScale);
      if (shape.vertices.empty()) {
        throw Error(SourceLocation::inFile(file.string()),
                    "the expression moves none of the imported vertices");
      }
      m_model.expressions.push_back(std::move(shape));
    }
    progress("done: " + str(m_model.identity.size()) + " identity modes, " +
             str(m_model.expressions.size()) + " expressions, " + str(m_model.vertexCount()) +
             " vertices");
  }

  // Joint indices of the model.
  static constexpr int kChest = 0, kNeck = 1, kHead = 2, kJaw = 3, kEyeRight = 4, kEyeLeft = 5;

  fs::path m_data;
  const MakeHumanImportOptions& m_options;
  FaceModel m_model;
  MhObj m_base;
  MhSkeleton m_skeleton;
  fs::path m_weightsFile;
  MhWeights m_weights;
  std::vector<MhModifier> m_modifiers;
  std::vector<fs::path> m_expressionFiles;
  Vec3d m_origin = Vec3d::Zero();          ///< in millimetres, MakeHuman's axes
  std::vector<std::vector<int>> m_pinnae;  ///< base vertices of the left and right pinnae
  std::vector<int> m_skinIndex;            ///< per hm08 vertex, its skin vertex or -1
  std::vector<int> m_skinSource;           ///< per skin vertex, its hm08 vertex
  std::vector<Proxy> m_proxies;            ///< eyes, teeth, tongue
  std::vector<ProxyPart> m_proxyParts;     ///< the model's parts after the skin, in order
  int m_targetsRead = 0;
  int m_targetTotal = 0;
};

}  // namespace

FaceModel importMakeHuman(const fs::path& dataDir, const MakeHumanImportOptions& options) {
  return Importer(dataDir, options).run();
}

}  // namespace sf
