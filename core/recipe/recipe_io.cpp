#include "recipe/recipe_io.h"

#include "random/distribution_registry.h"
#include "recipe/parameter_paths.h"
#include "recipe/recipe_upgrade.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <set>

namespace sf {

namespace {

using nlohmann::json;

std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string hint = closestMatch(word, candidates);
  return hint.empty() ? std::string() : "; did you mean " + inQuotes(hint) + "?";
}

// --- Strict JSON text ----------------------------------------------------------------------

/// Builds a document from nlohmann's SAX events, refusing duplicate keys and deep nesting.
class JsonBuilder {
public:
  static constexpr std::size_t kMaxDepth = 64;

  explicit JsonBuilder(Diagnostics& diagnostics) : m_diagnostics(diagnostics) {}

  bool null() { return put(nullptr); }
  bool boolean(bool value) { return put(value); }
  bool number_integer(json::number_integer_t value) { return put(value); }
  bool number_unsigned(json::number_unsigned_t value) { return put(value); }
  bool number_float(json::number_float_t value, const json::string_t&) { return put(value); }
  bool string(json::string_t& value) { return put(std::move(value)); }
  bool binary(json::binary_t&) { return false; }
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& key) {
    if (m_stack.back()->contains(key)) {
      m_diagnostics.error(pointer() + "/" + escapePointerToken(key),
                          "duplicate key (got " + inQuotes(key) + " twice)");
      m_failed = true;
    }
    m_key = std::move(key);
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    m_errorPosition = position;
    m_errorMessage = e.what();
    m_syntaxError = true;
    return false;
  }

  json& root() { return m_root; }
  bool failed() const { return m_failed; }
  bool syntaxError() const { return m_syntaxError; }
  std::size_t errorPosition() const { return m_errorPosition; }
  const std::string& errorMessage() const { return m_errorMessage; }

private:
  /// The JSON pointer of the innermost open container.
  std::string pointer() const {
    std::string text;
    for (const std::string& token : m_tokens) {
      text += "/" + escapePointerToken(token);
    }
    return text;
  }

  json* insert(json value) {
    if (m_stack.empty()) {
      m_root = std::move(value);
      return &m_root;
    }
    json& container = *m_stack.back();
    if (container.is_object()) {
      json& slot = container[m_key];
      slot = std::move(value);
      return &slot;
    }
    container.push_back(std::move(value));
    return &container.back();
  }

  bool put(json value) {
    insert(std::move(value));
    return true;
  }

  bool open(json container) {
    if (m_stack.size() >= kMaxDepth) {
      m_diagnostics.error("",
                          "nested deeper than " + std::to_string(kMaxDepth) + " levels (got more)");
      m_failed = true;
      return false;
    }
    std::string token;
    if (!m_stack.empty()) {
      token = m_stack.back()->is_object() ? m_key : std::to_string(m_stack.back()->size());
    }
    json* inserted = insert(std::move(container));
    if (!m_stack.empty()) {
      m_tokens.push_back(std::move(token));
    }
    m_stack.push_back(inserted);
    return true;
  }

  bool close() {
    m_stack.pop_back();
    if (!m_tokens.empty() && !m_stack.empty()) {
      m_tokens.pop_back();
    }
    return true;
  }

  Diagnostics& m_diagnostics;
  json m_root;
  std::vector<json*> m_stack;
  std::vector<std::string> m_tokens;
  std::string m_key;
  bool m_failed = false;
  bool m_syntaxError = false;
  std::size_t m_errorPosition = 0;
  std::string m_errorMessage;
};

/// nlohmann's message without its "[json.exception...] parse error at line 1, column 5: ".
std::string syntaxMessage(const std::string& what) {
  std::string message = what;
  if (const std::size_t column = message.find(", column "); column != std::string::npos) {
    if (const std::size_t colon = message.find(": ", column); colon != std::string::npos) {
      return message.substr(colon + 2);
    }
  }
  if (const std::size_t bracket = message.find("] "); bracket != std::string::npos) {
    message = message.substr(bracket + 2);
  }
  if (message.rfind("number overflow parsing ", 0) == 0) {
    return "number out of range (got " + message.substr(24) + ")";
  }
  return message;
}

// --- The parameter tree ----------------------------------------------------------------------

/// The table's paths as a tree of segments, for walking a recipe document.
struct PathNode {
  std::map<std::string, std::unique_ptr<PathNode>> children;
  std::unique_ptr<PathNode> anyName;  ///< a "*" segment
  const ParameterInfo* leaf = nullptr;
};

const PathNode& parameterTree() {
  static const PathNode root = [] {
    PathNode tree;
    for (const ParameterInfo& info : parameterTable()) {
      PathNode* node = &tree;
      for (const std::string& segment : splitPath(info.path)) {
        std::unique_ptr<PathNode>& next = segment == "*" ? node->anyName : node->children[segment];
        if (!next) {
          next = std::make_unique<PathNode>();
        }
        node = next.get();
      }
      node->leaf = &info;
    }
    return tree;
  }();
  return root;
}

const std::vector<std::string>& settingKeys() {
  static const std::vector<std::string> keys = {
      "schemaVersion", "name",  "description", "seed",    "samples",
      "identities",    "model", "library",     "outputs", "splits"};
  return keys;
}

std::vector<std::string> childNames(const PathNode& node) {
  std::vector<std::string> names;
  for (const auto& [name, child] : node.children) {
    names.push_back(name);
  }
  return names;
}

// --- Default distributions -----------------------------------------------------------------

/// The parsed default distribution of a concrete path (cached: defaults never change).
std::shared_ptr<const Distribution> defaultParameterDistribution(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Distribution>> cache;
  std::lock_guard lock(mutex);
  if (const auto it = cache.find(path); it != cache.end()) {
    return it->second;
  }
  const json fallback = defaultDistribution(path);
  if (fallback.is_null()) {
    return nullptr;
  }
  Diagnostics diagnostics;
  auto parsed = DistributionRegistry::instance().parse(fallback, pointerOfPath(path), diagnostics,
                                                       &parameterPathResolver());
  if (!parsed) {
    throw Error("internal: the default of " + path +
                " does not parse: " + formatDiagnostics(diagnostics.all(), ""));
  }
  // Cache the table's own paths and the built-in presets' entries, not every name a
  // recipe made up under a pattern (the cache would grow without bound).
  const std::vector<std::string> parts = splitPath(path);
  const bool builtinPreset = parts.size() == 4 && builtinExpressionPresets().contains(parts[2]) &&
                             builtinExpressionPresets().at(parts[2]).contains(parts[3]);
  if (!findParameter(path)->isPattern() || builtinPreset) {
    cache[path] = parsed;
  }
  return parsed;
}

// --- The reader ----------------------------------------------------------------------------

class RecipeReader {
public:
  RecipeReader(Recipe& recipe, Diagnostics& diagnostics)
      : m_recipe(recipe), m_diagnostics(diagnostics) {}

  void read(const json& document) {
    for (const auto& [key, value] : document.items()) {
      const std::string pointer = "/" + escapePointerToken(key);
      if (key == "schemaVersion") {
        continue;
      }
      if (key == "name" || key == "description" || key == "model" || key == "library") {
        readString(key, value, pointer);
      } else if (key == "seed") {
        readCount(value, pointer, ~std::uint64_t{0}, m_recipe.seed);
      } else if (key == "samples") {
        readCount(value, pointer, DrawContext::kIndexLimit, m_recipe.samples);
      } else if (key == "identities") {
        readCount(value, pointer, DrawContext::kIndexLimit, m_recipe.identities);
      } else if (key == "outputs") {
        readOutputs(value, pointer);
      } else if (key == "splits") {
        readSplits(value, pointer);
      } else if (const auto it = parameterTree().children.find(key);
                 it != parameterTree().children.end()) {
        readGroup(*it->second, value, key, pointer);
      } else {
        std::vector<std::string> known = settingKeys();
        for (const std::string& group : childNames(parameterTree())) {
          known.push_back(group);
        }
        m_diagnostics.error(pointer,
                            "unknown key (got " + inQuotes(key) + ")" + didYouMean(key, known));
      }
    }
    checkPresetNames();
    checkCycles();
  }

private:
  void readString(const std::string& key, const json& value, const std::string& pointer) {
    if (!value.is_string()) {
      m_diagnostics.error(pointer, "must be a string (got " + describeJson(value) + ")");
      return;
    }
    const std::string text = value.get<std::string>();
    if (key == "model" && text.empty()) {
      m_diagnostics.error(pointer, "must name a model: \"default\" or a .sfm file (got \"\")");
      return;
    }
    (key == "name"          ? m_recipe.name
     : key == "description" ? m_recipe.description
     : key == "model"       ? m_recipe.model
                            : m_recipe.library) = text;
  }

  /// A whole number in [0, limit); whole-valued floats (1e3) are accepted.
  bool readCount(const json& value, const std::string& pointer, std::uint64_t limit,
                 std::uint64_t& out) {
    const std::string range = "a whole number from 0 to " +
                              (limit == ~std::uint64_t{0} ? std::string("18446744073709551615")
                                                          : std::to_string(limit - 1));
    if (value.is_number_unsigned() &&
        (limit == ~std::uint64_t{0} || value.get<std::uint64_t>() < limit)) {
      out = value.get<std::uint64_t>();
      return true;
    }
    if (value.is_number_float()) {
      const double number = value.get<double>();
      if (number >= 0.0 && number == std::floor(number) && number < static_cast<double>(limit)) {
        out = static_cast<std::uint64_t>(number);
        return true;
      }
    }
    m_diagnostics.error(pointer, "must be " + range + " (got " + describeJson(value) + ")");
    return false;
  }

  /// An array of names from `known`.
  std::vector<std::string> readNames(const json& value, const std::string& pointer,
                                     const std::vector<std::string>* known) {
    std::vector<std::string> names;
    if (!value.is_array()) {
      m_diagnostics.error(pointer, "must be an array of strings (got " + describeJson(value) + ")");
      return names;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string at = pointer + "/" + std::to_string(i);
      if (!value[i].is_string()) {
        m_diagnostics.error(at, "must be a string (got " + describeJson(value[i]) + ")");
        continue;
      }
      const std::string name = value[i].get<std::string>();
      if (known && std::find(known->begin(), known->end(), name) == known->end()) {
        m_diagnostics.error(at, "must be one of " + join(*known, ", ") + " (got " + inQuotes(name) +
                                    ")" + didYouMean(name, *known));
        continue;
      }
      names.push_back(name);
    }
    return names;
  }

  /// Checks that `value` is an object whose keys are all in `known`.
  bool checkKeys(const json& value, const std::string& pointer,
                 const std::vector<std::string>& known, const std::string& what) {
    if (!value.is_object()) {
      m_diagnostics.error(pointer,
                          "must be an object of " + what + " (got " + describeJson(value) + ")");
      return false;
    }
    for (const auto& [key, entry] : value.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        m_diagnostics.error(
            pointer + "/" + escapePointerToken(key),
            "unknown key in " + what + " (got " + inQuotes(key) + ")" + didYouMean(key, known));
      }
    }
    return true;
  }

  void readOutputs(const json& value, const std::string& pointer) {
    if (!checkKeys(value, pointer, {"labels", "writers"}, "outputs")) {
      return;
    }
    if (value.contains("labels")) {
      m_recipe.outputs.labels = readNames(value["labels"], pointer + "/labels", &knownLabelNames());
    }
    if (value.contains("writers")) {
      m_recipe.outputs.writers =
          readNames(value["writers"], pointer + "/writers", &knownWriterNames());
    }
  }

  void readSplits(const json& value, const std::string& pointer) {
    if (!checkKeys(value, pointer, {"test"}, "splits") || !value.contains("test")) {
      return;
    }
    const json& test = value["test"];
    const std::string testPointer = pointer + "/test";
    if (!checkKeys(test, testPointer, {"assets", "identities"}, "the test split")) {
      return;
    }
    if (test.contains("assets")) {
      m_recipe.splits.testAssets = readNames(test["assets"], testPointer + "/assets", nullptr);
    }
    if (!test.contains("identities")) {
      return;
    }
    const json& ranges = test["identities"];
    const std::string rangesPointer = testPointer + "/identities";
    if (!ranges.is_array()) {
      m_diagnostics.error(rangesPointer, "must be an array of [first, last] identity ranges (got " +
                                             describeJson(ranges) + ")");
      return;
    }
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      const std::string at = rangesPointer + "/" + std::to_string(i);
      const json& range = ranges[i];
      if (!range.is_array() || range.size() != 2) {
        m_diagnostics.error(at, "must be a range [first, last] (got " + describeJson(range) + ")");
        continue;
      }
      IdentityRange parsed;
      if (readCount(range[0], at + "/0", DrawContext::kIndexLimit, parsed.first) &&
          readCount(range[1], at + "/1", DrawContext::kIndexLimit, parsed.last)) {
        if (parsed.last < parsed.first) {
          m_diagnostics.error(at + "/1", "must be >= first (" + std::to_string(parsed.first) +
                                             ") (got " + std::to_string(parsed.last) + ")");
          continue;
        }
        m_recipe.splits.testIdentities.push_back(parsed);
      }
    }
  }

  void readGroup(const PathNode& node, const json& value, const std::string& path,
                 const std::string& pointer) {
    if (node.leaf) {
      readParameter(*node.leaf, value, path, pointer);
      return;
    }
    if (!value.is_object()) {
      m_diagnostics.error(pointer, "must be an object of " + path + " parameters (got " +
                                       describeJson(value) + ")");
      return;
    }
    for (const auto& [key, entry] : value.items()) {
      const std::string childPointer = pointer + "/" + escapePointerToken(key);
      const std::string childPath = path + "." + key;
      if (const auto it = node.children.find(key); it != node.children.end()) {
        readGroup(*it->second, entry, childPath, childPointer);
      } else if (node.anyName) {
        if (key.empty() || key.find('.') != std::string::npos) {
          m_diagnostics.error(childPointer,
                              "names may not be empty or contain '.' (got " + inQuotes(key) + ")");
          continue;
        }
        readGroup(*node.anyName, entry, childPath, childPointer);
      } else {
        m_diagnostics.error(childPointer, "unknown key in " + path + " (got " + inQuotes(key) +
                                              ")" + didYouMean(key, childNames(node)));
      }
    }
  }

  void readParameter(const ParameterInfo& info, const json& value, const std::string& path,
                     const std::string& pointer) {
    const std::shared_ptr<const Distribution> distribution = DistributionRegistry::instance().parse(
        value, pointer, m_diagnostics, &parameterPathResolver());
    if (!distribution) {
      return;
    }
    const std::string what = value.is_object()
                                 ? "a " + distribution->typeName() + " distribution of " +
                                       valueKindName(distribution->kind()) + "s"
                                 : describeJson(value);
    if (!kindFits(distribution->kind(), info.kind)) {
      m_diagnostics.error(pointer, std::string("must be a ") + valueKindName(info.kind) +
                                       " or a distribution of them (got " + what + ")");
      return;
    }
    const std::optional<std::vector<Value>> outcomes = distribution->outcomes();
    if (info.kind == ValueKind::Number || info.kind == ValueKind::Integer) {
      const auto [low, high] = distribution->support();
      const bool below = std::isfinite(low) && low < info.min;
      const bool above = std::isfinite(high) && high > info.max;
      if (below || above) {
        const std::string unit = info.unit.empty() ? "" : " " + info.unit;
        const std::string got = low == high
                                    ? numberText(low)
                                    : "values from " + numberText(low) + " to " + numberText(high);
        m_diagnostics.error(pointer, "must be from " + numberText(info.min) + " to " +
                                         numberText(info.max) + unit + " (got " + got + ")");
        return;
      }
      if (info.kind == ValueKind::Integer && outcomes) {
        for (const Value& outcome : *outcomes) {
          const double number = numericValue(outcome);
          if (number != std::floor(number)) {
            m_diagnostics.error(pointer, "must be a whole number (got " + numberText(number) + ")");
            return;
          }
        }
      }
    }
    if (!info.choices.empty() && outcomes) {
      for (const Value& outcome : *outcomes) {
        const std::string text = valueToString(outcome);
        if (std::find(info.choices.begin(), info.choices.end(), text) == info.choices.end()) {
          m_diagnostics.error(pointer, "must be one of " + join(info.choices, ", ") + " (got " +
                                           inQuotes(text) + ")" + didYouMean(text, info.choices));
          return;
        }
      }
    }
    m_recipe.parameters[path] = value;
    m_parsed[path] = distribution;
  }

  /// The distribution of a path: the recipe's, else the default.
  std::shared_ptr<const Distribution> effective(const std::string& path) const {
    if (const auto it = m_parsed.find(path); it != m_parsed.end()) {
      return it->second;
    }
    return defaultParameterDistribution(path);
  }

  /// expression.preset may only name presets that exist. Names with a '/' are expression
  /// assets of the library ("expression/smile03"), checked where the library is loaded
  /// (checkRecipeForScene()).
  void checkPresetNames() {
    std::vector<std::string> presets;
    for (const auto& [name, shapes] : builtinExpressionPresets()) {
      presets.push_back(name);
    }
    for (const auto& [path, distribution] : m_recipe.parameters) {
      const std::vector<std::string> parts = splitPath(path);
      if (parts.size() == 4 && parts[1] == "presets" &&
          std::find(presets.begin(), presets.end(), parts[2]) == presets.end()) {
        presets.push_back(parts[2]);
      }
    }
    const auto distribution = effective("expression.preset");
    const auto outcomes = distribution ? distribution->outcomes() : std::nullopt;
    if (!outcomes) {
      return;
    }
    for (const Value& outcome : *outcomes) {
      const std::string name = valueToString(outcome);
      if (name.find('/') == std::string::npos &&
          std::find(presets.begin(), presets.end(), name) == presets.end()) {
        m_diagnostics.error(
            "/expression/preset",
            "unknown expression preset (got " + inQuotes(name) + ")" + didYouMean(name, presets));
      }
    }
  }

  /// Linked draws and conditions may not, through any chain, depend on themselves.
  void checkCycles() {
    std::set<std::string> nodes;
    for (const std::string& path : concreteParameterPaths()) {
      nodes.insert(path);
    }
    for (const auto& [path, distribution] : m_recipe.parameters) {
      nodes.insert(path);
    }
    std::map<std::string, int> state;  // 0 unseen, 1 on the stack, 2 done
    std::vector<std::string> stack;
    std::set<std::string> reported;
    std::function<void(const std::string&)> visit = [&](const std::string& path) {
      state[path] = 1;
      stack.push_back(path);
      std::vector<std::string> dependencies;
      if (const auto distribution = effective(path)) {
        distribution->collectDependencies(dependencies);
      }
      for (const std::string& next : dependencies) {
        if (state[next] == 1) {
          const auto start = std::find(stack.begin(), stack.end(), next);
          std::vector<std::string> cycle(start, stack.end());
          cycle.push_back(next);
          if (reported.insert(*std::min_element(cycle.begin(), cycle.end())).second) {
            m_diagnostics.error(pointerOfPath(next),
                                "dependency cycle: " + join(cycle, " -> ") +
                                    " (a linked draw or condition depends on itself)");
          }
        } else if (state[next] == 0) {
          visit(next);
        }
      }
      stack.pop_back();
      state[path] = 2;
    };
    for (const std::string& path : nodes) {
      if (state[path] == 0) {
        visit(path);
      }
    }
  }

  Recipe& m_recipe;
  Diagnostics& m_diagnostics;
  std::map<std::string, std::shared_ptr<const Distribution>> m_parsed;
};

// --- Overrides -----------------------------------------------------------------------------

/// Applies one "PATH=VALUE" to the document; returns the pointer it set, or "" on error.
std::string applyOverride(json& document, const std::string& assignment, Diagnostics& diagnostics) {
  if (!isValidUtf8(assignment)) {
    diagnostics.error("", "--set: not valid UTF-8 (got " + dumpJson(json(assignment)) + ")");
    return {};
  }
  const std::size_t equals = assignment.find('=');
  const std::string path = assignment.substr(0, equals);
  if (equals == std::string::npos || path.empty()) {
    diagnostics.error(
        "", "--set expects PATH=VALUE, such as camera.fov=35 (got " + inQuotes(assignment) + ")");
    return {};
  }
  const std::string text = assignment.substr(equals + 1);
  json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    value = text;  // not JSON: a string, such as --set skin.material=skin_03
  }
  const std::vector<std::string> parts = splitPath(path);
  // The longest prefix that names a parameter; what follows is a key inside its distribution.
  std::size_t leafEnd = 0;
  for (std::size_t i = 1; i <= parts.size(); ++i) {
    std::vector<std::string> prefix(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(i));
    if (findParameter(join(prefix, "."))) {
      leafEnd = i;
      break;
    }
  }
  const std::vector<std::string> settings = {"name",
                                             "description",
                                             "seed",
                                             "samples",
                                             "identities",
                                             "model",
                                             "library",
                                             "outputs.labels",
                                             "outputs.writers",
                                             "splits.test.assets",
                                             "splits.test.identities"};
  if (leafEnd == 0 && std::find(settings.begin(), settings.end(), path) == settings.end()) {
    std::vector<std::string> known = settings;
    for (const std::string& parameter : concreteParameterPaths()) {
      known.push_back(parameter);
    }
    diagnostics.error("", "--set " + assignment + ": unknown parameter path (got " +
                              inQuotes(path) + ")" + didYouMean(path, known));
    return {};
  }
  json* node = &document;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (node->is_null()) {
      *node = json::object();
    }
    if (!node->is_object()) {
      diagnostics.error(
          "", "--set " + assignment + ": " +
                  join(std::vector<std::string>(parts.begin(),
                                                parts.begin() + static_cast<std::ptrdiff_t>(i)),
                       ".") +
                  " is not an object (got " + describeJson(*node) + ")");
      return {};
    }
    const bool last = i + 1 == parts.size();
    if (!last && !node->contains(parts[i]) && i + 1 == leafEnd) {
      // Changing one key of a distribution the recipe leaves at its default.
      (*node)[parts[i]] = defaultDistribution(
          join(std::vector<std::string>(parts.begin(),
                                        parts.begin() + static_cast<std::ptrdiff_t>(leafEnd)),
               "."));
    }
    node = &(*node)[parts[i]];
  }
  *node = std::move(value);
  return pointerOfPath(path);
}

}  // namespace

bool RecipeParse::ok() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return d.isError(); });
}

std::optional<nlohmann::json> parseJsonText(std::string_view text, Diagnostics& diagnostics) {
  JsonBuilder builder(diagnostics);
  const bool parsed = json::sax_parse(text.begin(), text.end(), &builder);
  if (builder.syntaxError()) {
    // Line and column (1-based) of the last character read, as nlohmann counts them: the
    // end of the input counts as a character.
    const std::size_t last = builder.errorPosition() > 0 ? builder.errorPosition() - 1 : 0;
    const std::string_view before = text.substr(0, std::min(last, text.size()));
    const int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const std::size_t lineStart = before.rfind('\n');
    const int column =
        static_cast<int>(lineStart == std::string_view::npos ? last + 1 : last - lineStart);
    diagnostics.add({Diagnostic::Severity::Error, "", line, std::max(column, 1),
                     syntaxMessage(builder.errorMessage())});
    return std::nullopt;
  }
  if (!parsed || builder.failed()) {
    return std::nullopt;
  }
  return std::move(builder.root());
}

RecipeParse parseRecipeJson(nlohmann::json document, const std::vector<std::string>& overrides) {
  RecipeParse result;
  Diagnostics diagnostics;
  if (!document.is_object()) {
    diagnostics.error("", "a recipe must be a JSON object (got " + describeJson(document) + ")");
    result.diagnostics = diagnostics.take();
    return result;
  }
  result.readJson = true;
  const int version = upgradeRecipeDocument(document, diagnostics);
  if (version > 0 && version < Recipe::kSchemaVersion) {
    result.upgradedFrom = version;
  }
  if (version == 0 && document.contains("schemaVersion") &&
      document["schemaVersion"].is_number_unsigned()) {
    // A newer schema: its keys would only add noise to the one error that matters.
    result.diagnostics = diagnostics.take();
    return result;
  }
  std::vector<std::pair<std::string, std::string>> overridePointers;
  for (const std::string& assignment : overrides) {
    const std::string pointer = applyOverride(document, assignment, diagnostics);
    if (!pointer.empty()) {
      overridePointers.emplace_back(pointer, assignment);
    }
  }
  RecipeReader(result.recipe, diagnostics).read(document);
  result.diagnostics = diagnostics.take();
  // Name the --set behind a problem it caused.
  for (Diagnostic& diagnostic : result.diagnostics) {
    for (const auto& [pointer, assignment] : overridePointers) {
      if (diagnostic.pointer == pointer || diagnostic.pointer.rfind(pointer + "/", 0) == 0) {
        diagnostic.message += " (from --set " + assignment + ")";
        break;
      }
    }
  }
  return result;
}

RecipeParse parseRecipe(std::string_view text, const std::vector<std::string>& overrides) {
  Diagnostics diagnostics;
  std::optional<json> document = parseJsonText(text, diagnostics);
  if (!document) {
    RecipeParse result;
    result.diagnostics = diagnostics.take();
    return result;
  }
  return parseRecipeJson(std::move(*document), overrides);
}

RecipeParse readRecipe(const std::filesystem::path& path,
                       const std::vector<std::string>& overrides) {
  std::string text;
  try {
    if (!std::filesystem::exists(path)) {
      throw Error("no such recipe file");
    }
    text = readFile(path);
  } catch (const Error& error) {
    RecipeParse result;
    result.diagnostics.push_back({Diagnostic::Severity::Error, "", 0, 0, error.message()});
    return result;
  }
  return parseRecipe(text, overrides);
}

Recipe loadRecipe(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  RecipeParse parsed = readRecipe(path, overrides);
  throwIfErrors(parsed.diagnostics, path.string());
  return std::move(parsed.recipe);
}

std::string recipeToText(const Recipe& recipe) {
  return dumpJson(recipe.toJson(), 2) + "\n";
}

void saveRecipe(const Recipe& recipe, const std::filesystem::path& path) {
  writeFileAtomically(path, recipeToText(recipe));
}

std::shared_ptr<const Distribution> parameterDistribution(const Recipe& recipe,
                                                          const std::string& path) {
  const auto it = recipe.parameters.find(path);
  if (it == recipe.parameters.end()) {
    if (auto fallback = defaultParameterDistribution(path)) {
      return fallback;
    }
    throw Error("unknown parameter path '" + path + "'");
  }
  Diagnostics diagnostics;
  auto parsed = DistributionRegistry::instance().parse(it->second, pointerOfPath(path), diagnostics,
                                                       &parameterPathResolver());
  throwIfErrors(diagnostics.all(), recipe.name);
  return parsed;
}

}  // namespace sf
