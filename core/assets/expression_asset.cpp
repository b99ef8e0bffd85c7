#include "assets/expression_asset.h"

#include "util/error.h"
#include "util/files.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

namespace sf {
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "synthface-expression";
constexpr int kVersion = 1;

/// One MakeHuman face pose unit: the blendshapes it stands for, each with a factor, and
/// how far it turns the eyes (degrees at weight 1; each eye's unit counts for half).
struct PoseUnit {
  const char* name;
  std::vector<std::pair<const char*, double>> shapes;
  double gazeYaw = 0.0;
  double gazePitch = 0.0;
  bool tongue = false;
};

// MakeHuman's 59 face units (data/poseunits/face-poseunits.json), by the muscle action
// each one's bone rotations make (FACS action units in the comments). "Left" is the
// subject's left, as in ARKit's names. The eye units turn the eye bones about 20 degrees
// (their BVH frames).
const std::vector<PoseUnit>& poseUnits() {
  static const std::vector<PoseUnit> units = {
      {"Rest", {}},
      {"LeftBrowDown", {{"browDownLeft", 1.0}}},  // AU4
      {"RightBrowDown", {{"browDownRight", 1.0}}},
      {"LeftOuterBrowUp", {{"browOuterUpLeft", 1.0}}},  // AU2
      {"RightOuterBrowUp", {{"browOuterUpRight", 1.0}}},
      {"LeftInnerBrowUp", {{"browInnerUp", 0.5}}},  // AU1: one shape for both sides
      {"RightInnerBrowUp", {{"browInnerUp", 0.5}}},
      {"NoseWrinkler", {{"noseSneerLeft", 1.0}, {"noseSneerRight", 1.0}}},  // AU9
      {"LeftUpperLidOpen", {{"eyeWideLeft", 1.0}}},                         // AU5
      {"RightUpperLidOpen", {{"eyeWideRight", 1.0}}},
      {"LeftUpperLidClosed", {{"eyeBlinkLeft", 1.0}}},  // AU43
      {"RightUpperLidClosed", {{"eyeBlinkRight", 1.0}}},
      {"LeftLowerLidUp", {{"eyeSquintLeft", 1.0}}},  // AU7
      {"RightLowerLidUp", {{"eyeSquintRight", 1.0}}},
      {"LeftEyeDown", {}, 0.0, -10.0},
      {"RightEyeDown", {}, 0.0, -10.0},
      {"LeftEyeUp", {}, 0.0, 10.0},
      {"RightEyeUp", {}, 0.0, 10.0},
      {"LeftEyeturnRight", {}, -10.0, 0.0},
      {"RightEyeturnRight", {}, -10.0, 0.0},
      {"LeftEyeturnLeft", {}, 10.0, 0.0},
      {"RightEyeturnLeft", {}, 10.0, 0.0},
      {"LeftCheekUp", {{"cheekSquintLeft", 1.0}}},  // AU6
      {"RightCheekUp", {{"cheekSquintRight", 1.0}}},
      {"CheeksPump", {{"cheekPuff", 1.0}}},  // AD34
      // AU28-like suck: the lips drawn in between the teeth.
      {"CheeksSuck", {{"mouthRollUpper", 0.4}, {"mouthRollLower", 0.4}}},
      // AU11: the upper lip raised at the nasolabial furrow.
      {"NasolabialDeepener", {{"mouthUpperUpLeft", 0.4}, {"mouthUpperUpRight", 0.4}}},
      {"ChinLeft", {{"jawLeft", 1.0}}},  // AD30
      {"ChinRight", {{"jawRight", 1.0}}},
      {"ChinDown", {{"jawOpen", 0.4}}},            // AU26, a little
      {"ChinForward", {{"jawForward", 1.0}}},      // AD29
      {"lowerLipUp", {{"mouthShrugLower", 1.0}}},  // AU17
      {"lowerLipDown", {{"mouthLowerDownLeft", 1.0}, {"mouthLowerDownRight", 1.0}}},  // AU16
      {"lowerLipBackward", {{"mouthRollLower", 1.0}}},                                // AU28
      {"lowerLipForward", {{"mouthShrugLower", 0.6}}},
      {"UpperLipUp", {{"mouthUpperUpLeft", 1.0}, {"mouthUpperUpRight", 1.0}}},  // AU10
      {"UpperLipBackward", {{"mouthRollUpper", 1.0}}},
      {"UpperLipForward", {{"mouthShrugUpper", 1.0}}},
      {"UpperLipStretched", {{"mouthStretchLeft", 0.5}, {"mouthStretchRight", 0.5}}},
      {"JawDrop", {{"jawOpen", 1.0}}},  // AU27
      {"JawDropStretched",
       {{"jawOpen", 1.0}, {"mouthStretchLeft", 0.5}, {"mouthStretchRight", 0.5}}},
      {"LipsKiss", {{"mouthPucker", 1.0}}},  // AU18
      {"MouthMoveLeft", {{"mouthLeft", 1.0}}},
      {"MouthMoveRight", {{"mouthRight", 1.0}}},
      {"MouthLeftPullUp", {{"mouthSmileLeft", 1.0}}},  // AU12
      {"MouthRightPullUp", {{"mouthSmileRight", 1.0}}},
      {"MouthLeftPullSide", {{"mouthStretchLeft", 0.6}, {"mouthDimpleLeft", 0.4}}},  // AU20/14
      {"MouthRightPullSide", {{"mouthStretchRight", 0.6}, {"mouthDimpleRight", 0.4}}},
      {"MouthLeftPullDown", {{"mouthFrownLeft", 1.0}}},  // AU15
      {"MouthRightPullDown", {{"mouthFrownRight", 1.0}}},
      // AU21, the platysma: the corners pulled down and out.
      {"MouthLeftPlatysma", {{"mouthFrownLeft", 0.5}, {"mouthStretchLeft", 0.5}}},
      {"MouthRightPlatysma", {{"mouthFrownRight", 0.5}, {"mouthStretchRight", 0.5}}},
      {"TongueOut", {}, 0.0, 0.0, true},
      {"TongueUshape", {}, 0.0, 0.0, true},
      {"TongueUp", {}, 0.0, 0.0, true},
      {"TongueDown", {}, 0.0, 0.0, true},
      {"TongueLeft", {}, 0.0, 0.0, true},
      {"TongueRight", {}, 0.0, 0.0, true},
      {"TonguePointUp", {}, 0.0, 0.0, true},
      {"TonguePointDown", {}, 0.0, 0.0, true},
  };
  return units;
}

/// A weight in [0, 1], or an error at `pointer`.
double weightAt(const nlohmann::json& value, const std::string& file, const std::string& pointer) {
  if (!value.is_number()) {
    throw Error(SourceLocation::atPointer(file, pointer),
                "expected a weight between 0 and 1 (got " + describeJson(value) + ")");
  }
  const double weight = value.get<double>();
  if (!std::isfinite(weight) || weight < 0.0 || weight > 1.0) {
    throw Error(SourceLocation::atPointer(file, pointer),
                "a weight must be between 0 and 1 (got " + numberText(weight) + ")");
  }
  return weight;
}

/// Throws for a key of `object` that is not in `known`, with a "did you mean".
void rejectUnknownKeys(const nlohmann::json& object, const std::vector<std::string>& known,
                       const std::string& file, const std::string& pointer) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) {
      continue;
    }
    const std::string hint = closestMatch(key, known);
    throw Error(
        SourceLocation::atPointer(file, pointer + "/" + escapePointerToken(key)),
        "unknown key" + (hint.empty() ? std::string() : " (did you mean " + inQuotes(hint) + "?)"));
  }
}

ExpressionAsset readOwnFormat(const nlohmann::json& document, const std::string& file) {
  rejectUnknownKeys(document, {"format", "version", "shapes", "gaze"}, file, "");
  if (document.value("format", "") != kFormat) {
    throw Error(SourceLocation::atPointer(file, "/format"),
                std::string("expected \"") + kFormat + "\" (got " +
                    describeJson(document.value("format", nlohmann::json())) + ")");
  }
  if (!document.contains("version") || !document["version"].is_number_integer() ||
      document["version"].get<int>() > kVersion || document["version"].get<int>() < 1) {
    throw Error(SourceLocation::atPointer(file, "/version"),
                "this SynthFace reads version " + std::to_string(kVersion) + " (got " +
                    describeJson(document.value("version", nlohmann::json())) + ")");
  }
  ExpressionAsset expression;
  if (!document.contains("shapes") || !document["shapes"].is_object()) {
    throw Error(SourceLocation::atPointer(file, "/shapes"),
                "expected an object of blendshape weights, such as {\"jawOpen\": 0.4}");
  }
  for (const auto& [shape, weight] : document["shapes"].items()) {
    const std::string pointer = "/shapes/" + escapePointerToken(shape);
    if (shape.empty() || shape.find('.') != std::string::npos) {
      throw Error(SourceLocation::atPointer(file, pointer),
                  "a blendshape name may not be empty or contain '.'");
    }
    expression.shapes[shape] = weightAt(weight, file, pointer);
  }
  if (document.contains("gaze")) {
    const nlohmann::json& gaze = document["gaze"];
    if (!gaze.is_object()) {
      throw Error(SourceLocation::atPointer(file, "/gaze"),
                  "expected {\"yaw\": degrees, \"pitch\": degrees}");
    }
    rejectUnknownKeys(gaze, {"yaw", "pitch"}, file, "/gaze");
    for (const auto& [key, field] :
         {std::pair{"yaw", &expression.gazeYaw}, std::pair{"pitch", &expression.gazePitch}}) {
      if (!gaze.contains(key)) {
        continue;
      }
      const nlohmann::json& angle = gaze[key];
      if (!angle.is_number() || std::abs(angle.get<double>()) > 45.0) {
        throw Error(SourceLocation::atPointer(file, std::string("/gaze/") + key),
                    "expected degrees between -45 and 45 (got " + describeJson(angle) + ")");
      }
      *field = angle.get<double>();
    }
  }
  return expression;
}

}  // namespace

bool isExpressionFile(const fs::path& path) {
  const std::string extension = toLower(path.extension().string());
  return extension == ".json" || extension == ".mhpose";
}

ExpressionAsset expressionFromMhposeUnits(const std::map<std::string, double>& units,
                                          const std::string& file) {
  std::vector<std::string> names;
  for (const PoseUnit& unit : poseUnits()) {
    names.emplace_back(unit.name);
  }
  ExpressionAsset expression;
  for (const auto& [name, weight] : units) {
    const auto unit = std::find_if(poseUnits().begin(), poseUnits().end(),
                                   [&](const PoseUnit& u) { return name == u.name; });
    if (unit == poseUnits().end()) {
      const std::string hint = closestMatch(name, names);
      throw Error(SourceLocation::atPointer(file, "/unit_poses/" + escapePointerToken(name)),
                  "not a MakeHuman face pose unit" +
                      (hint.empty() ? std::string() : " (did you mean " + inQuotes(hint) + "?)"));
    }
    if (unit->tongue && weight > 0.0) {
      expression.dropped.push_back(name);
    }
    for (const auto& [shape, factor] : unit->shapes) {
      expression.shapes[shape] += factor * weight;
    }
    expression.gazeYaw += unit->gazeYaw * weight;
    expression.gazePitch += unit->gazePitch * weight;
  }
  std::erase_if(expression.shapes, [](const auto& entry) { return entry.second <= 0.0; });
  for (auto& [shape, weight] : expression.shapes) {
    weight = std::min(weight, 1.0);
  }
  return expression;
}

ExpressionAsset readExpressionAsset(const fs::path& path) {
  const std::string file = path.string();
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(readFile(path));
  } catch (const nlohmann::json::parse_error& error) {
    throw Error(SourceLocation::inFile(file), std::string("not valid JSON: ") + error.what());
  }
  if (!document.is_object()) {
    throw Error(SourceLocation::inFile(file), "expected a JSON object");
  }
  ExpressionAsset expression;
  if (toLower(path.extension().string()) == ".mhpose") {
    if (!document.contains("unit_poses") || !document["unit_poses"].is_object()) {
      throw Error(SourceLocation::atPointer(file, "/unit_poses"),
                  "a MakeHuman expression needs its pose units: {\"JawDrop\": 0.5, ...}");
    }
    std::map<std::string, double> units;
    for (const auto& [unit, weight] : document["unit_poses"].items()) {
      units[unit] = weightAt(weight, file, "/unit_poses/" + escapePointerToken(unit));
    }
    expression = expressionFromMhposeUnits(units, file);
  } else {
    expression = readOwnFormat(document, file);
  }
  const bool still = std::none_of(expression.shapes.begin(), expression.shapes.end(),
                                  [](const auto& entry) { return entry.second > 0.0; });
  if (still && expression.gazeYaw == 0.0 && expression.gazePitch == 0.0) {
    throw Error(SourceLocation::inFile(file),
                "the expression moves nothing: every weight is zero (a neutral face needs no "
                "asset: expression.neutral gives it)");
  }
  return expression;
}

std::string expressionAssetText(const ExpressionAsset& expression) {
  nlohmann::json document = {{"format", kFormat}, {"version", kVersion}};
  document["shapes"] = nlohmann::json::object();
  for (const auto& [shape, weight] : expression.shapes) {
    document["shapes"][shape] = weight;
  }
  if (expression.gazeYaw != 0.0 || expression.gazePitch != 0.0) {
    document["gaze"] = {{"yaw", expression.gazeYaw}, {"pitch", expression.gazePitch}};
  }
  return dumpJson(document, 2) + "\n";
}

}  // namespace sf
