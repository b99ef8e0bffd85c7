#include "scene/resolved_scene.h"

#include "util/error.h"
#include "util/json_util.h"

namespace sf {

const Value& ResolvedScene::value(const std::string& path) const {
  const auto it = parameters.find(path);
  if (it == parameters.end()) {
    throw Error("the scene has no parameter '" + path + "'");
  }
  return it->second;
}

double ResolvedScene::number(const std::string& path) const {
  const Value& found = value(path);
  if (!isNumeric(found)) {
    throw Error(path + " is not a number (got " + valueToString(found) + ")");
  }
  return numericValue(found);
}

bool ResolvedScene::flag(const std::string& path) const {
  const Value& found = value(path);
  if (!std::holds_alternative<bool>(found)) {
    throw Error(path + " is not a boolean (got " + valueToString(found) + ")");
  }
  return std::get<bool>(found);
}

std::string ResolvedScene::text(const std::string& path) const {
  const Value& found = value(path);
  if (kindOf(found) != ValueKind::String) {
    throw Error(path + " is not a string (got " + valueToString(found) + ")");
  }
  return valueToString(found);
}

FaceState ResolvedScene::faceState(const FaceModel& model) const {
  FaceState state;
  state.identity.assign(model.identity.size(), 0.0f);
  for (std::size_t i = 0; i < model.identity.size(); ++i) {
    if (const auto it = identity.find(model.identity[i].name); it != identity.end()) {
      state.identity[i] = static_cast<float>(it->second);
    }
  }
  state.expression.assign(model.expressions.size(), 0.0f);
  for (std::size_t i = 0; i < model.expressions.size(); ++i) {
    if (const auto it = expression.find(model.expressions[i].name); it != expression.end()) {
      state.expression[i] = static_cast<float>(it->second);
    }
  }
  return state;
}

void ResolvedScene::setFace(const FaceModel& model, const FaceState& face) {
  for (std::size_t i = 0; i < model.identity.size(); ++i) {
    identity[model.identity[i].name] = i < face.identity.size() ? face.identity[i] : 0.0;
  }
  for (std::size_t i = 0; i < model.expressions.size(); ++i) {
    expression[model.expressions[i].name] = i < face.expression.size() ? face.expression[i] : 0.0;
  }
}

void ResolvedScene::setHeadPose(const HeadPose& pose) {
  parameters["head.yaw"] = double(pose.yaw);
  parameters["head.pitch"] = double(pose.pitch);
  parameters["head.roll"] = double(pose.roll);
  parameters["gaze.yaw"] = double(pose.gazeYaw);
  parameters["gaze.pitch"] = double(pose.gazePitch);
}

nlohmann::json ResolvedScene::toJson() const {
  nlohmann::json json;
  json["seed"] = seed;
  json["index"] = index;
  json["identityIndex"] = identityIndex;
  json["split"] = split;
  json["parameters"] = nlohmann::json::object();
  for (const auto& [path, value] : parameters) {
    json["parameters"][path] = valueToJson(value);
  }
  json["identity"] = identity;
  json["expression"] = expression;
  return json;
}

ResolvedScene ResolvedScene::fromJson(const nlohmann::json& json, const std::string& source) {
  const auto fail = [&](const std::string& pointer, const std::string& message) {
    throw Error(SourceLocation::atPointer(source, pointer), message);
  };
  if (!json.is_object()) {
    fail("", "a resolved scene must be a JSON object (got " + describeJson(json) + ")");
  }
  const auto member = [&](const char* key) -> const nlohmann::json& {
    if (!json.contains(key)) {
      fail("", std::string("missing \"") + key + "\"");
    }
    return json[key];
  };
  const auto count = [&](const char* key) {
    const nlohmann::json& value = member(key);
    if (!value.is_number_unsigned()) {
      fail(std::string("/") + key, "must be a whole number >= 0 (got " + describeJson(value) + ")");
    }
    return value.get<std::uint64_t>();
  };
  const auto numbers = [&](const char* key) {
    std::map<std::string, double> result;
    const nlohmann::json& object = member(key);
    if (!object.is_object()) {
      fail(std::string("/") + key, "must be an object (got " + describeJson(object) + ")");
    }
    for (const auto& [name, value] : object.items()) {
      if (!value.is_number()) {
        fail(std::string("/") + key + "/" + escapePointerToken(name),
             "must be a number (got " + describeJson(value) + ")");
      }
      result[name] = value.get<double>();
    }
    return result;
  };
  ResolvedScene scene;
  scene.seed = count("seed");
  scene.index = count("index");
  scene.identityIndex = count("identityIndex");
  const nlohmann::json& split = member("split");
  if (!split.is_string()) {
    fail("/split", "must be \"train\" or \"test\" (got " + describeJson(split) + ")");
  }
  scene.split = split.get<std::string>();
  const nlohmann::json& parameters = member("parameters");
  if (!parameters.is_object()) {
    fail("/parameters", "must be an object (got " + describeJson(parameters) + ")");
  }
  for (const auto& [path, value] : parameters.items()) {
    const std::optional<Value> parsed = valueFromJson(value);
    if (!parsed) {
      fail("/parameters/" + escapePointerToken(path),
           "must be a number, string, boolean or null (got " + describeJson(value) + ")");
    }
    scene.parameters[path] = *parsed;
  }
  scene.identity = numbers("identity");
  scene.expression = numbers("expression");
  return scene;
}

}  // namespace sf
