#include "recipe/parameter_paths.h"

#include "util/json_util.h"

#include <initializer_list>
#include <iterator>
#include <tuple>

namespace sf {

namespace {

using nlohmann::json;

json truncatedNormal(double mean, double sigma, double low, double high) {
  return {
      {"type", "truncatedNormal"}, {"mean", mean}, {"sigma", sigma}, {"min", low}, {"max", high}};
}

json uniform(double low, double high) {
  return {{"type", "uniform"}, {"min", low}, {"max", high}};
}

json bernoulli(double p) {
  return {{"type", "bernoulli"}, {"p", p}};
}

json beta(double alpha, double betaValue) {
  return {{"type", "beta"}, {"alpha", alpha}, {"beta", betaValue}};
}

json assetChoice(const std::string& kind) {
  return {{"type", "assetChoice"}, {"kind", kind}};
}

/// A hood up comes with its hoodie: `withHood` when the sample wears the built-in hood,
/// else `otherwise`.
json withTheHood(const json& withHood, const json& otherwise) {
  const json hoodWorn = {
      {"type", "conditional"},
      {"rules",
       {{{"when", {{"path", "headwear.item"}, {"value", "builtin/headwear/hood"}}},
         {"then", {{"type", "constant"}, {"value", withHood}}}}}},
      {"otherwise", otherwise}};
  return {
      {"type", "conditional"},
      {"rules", {{{"when", {{"path", "headwear.present"}, {"value", true}}}, {"then", hoodWorn}}}},
      {"otherwise", otherwise}};
}

/// The default draw of skin.material: one of the built-in materials of the tone band that
/// skin.tone falls in (tagged tone1..tone6; the edges are those of skin_material.cpp).
json skinMaterialChoice() {
  static const double edges[] = {0.17, 0.33, 0.5, 0.67, 0.83};
  json rules = json::array();
  for (std::size_t band = 0; band < std::size(edges); ++band) {
    rules.push_back({{"when", {{"path", "skin.tone"}, {"op", "<"}, {"value", edges[band]}}},
                     {"then",
                      {{"type", "assetChoice"},
                       {"kind", "skin"},
                       {"tags", {"tone" + std::to_string(band + 1)}}}}});
  }
  return {{"type", "conditional"},
          {"rules", rules},
          {"otherwise", {{"type", "assetChoice"}, {"kind", "skin"}, {"tags", {"tone6"}}}}};
}

/// The default draw of expression.preset: every built-in preset but neutral, everyday
/// expressions and talking most often, strong and one-sided ones rarely.
json presetChoice() {
  static const std::vector<std::pair<const char*, double>> weights = {
      {"smile", 20},
      {"talk", 25},
      {"surprise", 6},
      {"frown", 6},
      {"disgust", 3},
      {"blink", 6},
      {"wink", 3},
      {"pucker", 3},
      {"puff", 3},
      {"smile_slight", 6},
      {"smile_broad", 5},
      {"laugh", 4},
      {"sad_slight", 3},
      {"sad", 3},
      {"sad_strong", 1.5},
      {"angry_slight", 3},
      {"angry", 2},
      {"angry_shout", 1},
      {"fear_slight", 1.5},
      {"fear", 1.5},
      {"surprise_slight", 3},
      {"surprise_strong", 1.5},
      {"disgust_strong", 1},
      {"contempt_left", 1},
      {"contempt_right", 1},
      {"pout", 1},
      {"bored", 2},
      {"thinking", 2},
      {"yawn", 1},
      {"viseme_aa", 2.5},
      {"viseme_ee", 2.5},
      {"viseme_ih", 2.5},
      {"viseme_oh", 2.5},
      {"viseme_oo", 2.5},
      {"viseme_fv", 2.5},
      {"viseme_mbp", 2.5},
      {"viseme_th", 2.5},
      {"viseme_ch", 2.5},
      {"viseme_ss", 2.5},
      {"viseme_rr", 2.5},
      {"viseme_kk", 2.5},
      {"viseme_nn", 2.5},
      {"half_blink", 3},
      {"eyes_closed", 2},
      {"squint", 2},
      {"wink_right", 3},
      {"smirk_left", 1.5},
      {"smirk_right", 1.5},
      {"brow_raise_left", 1.5},
      {"brow_raise_right", 1.5},
      {"sneer_left", 0.7},
      {"sneer_right", 0.7},
      {"jaw_left", 1},
      {"jaw_right", 1},
      {"mouth_left", 1},
      {"mouth_right", 1},
      {"lips_rolled", 1},
      {"jaw_forward", 0.7},
  };
  json values = json::array();
  json w = json::array();
  for (const auto& [name, weight] : weights) {
    values.push_back(name);
    w.push_back(weight);
  }
  return {{"type", "categorical"}, {"values", values}, {"weights", w}};
}

json linked(const std::string& source, double correlation) {
  return {{"type", "linked"}, {"source", source}, {"correlation", correlation}};
}

ParameterInfo number(std::string path, json fallback, double low, double high, std::string unit,
                     std::string help) {
  ParameterInfo info;
  info.path = std::move(path);
  info.kind = ValueKind::Number;
  info.defaultValue = std::move(fallback);
  info.min = low;
  info.max = high;
  info.unit = std::move(unit);
  info.help = std::move(help);
  return info;
}

ParameterInfo integer(std::string path, json fallback, double low, double high, std::string unit,
                      std::string help) {
  ParameterInfo info =
      number(std::move(path), std::move(fallback), low, high, std::move(unit), std::move(help));
  info.kind = ValueKind::Integer;
  return info;
}

ParameterInfo boolean(std::string path, json fallback, std::string help) {
  ParameterInfo info;
  info.path = std::move(path);
  info.kind = ValueKind::Boolean;
  info.defaultValue = std::move(fallback);
  info.help = std::move(help);
  return info;
}

ParameterInfo string(std::string path, json fallback, std::string help,
                     std::vector<std::string> choices = {}) {
  ParameterInfo info;
  info.path = std::move(path);
  info.kind = ValueKind::String;
  info.defaultValue = std::move(fallback);
  info.choices = std::move(choices);
  info.help = std::move(help);
  return info;
}

ParameterInfo perIdentity(ParameterInfo info) {
  info.perIdentity = true;
  return info;
}

std::vector<ParameterInfo> makeTable() {
  const std::string degrees = "deg";
  return {
      // Identity: coefficient = distinctiveness * scale(mode) * scale(group) * draw(mode).
      perIdentity(number("identity.distinctiveness", 1.0, 0.0, 5.0, "",
                         "multiplies every identity coefficient: 0 is the template face, 1 the "
                         "population's spread, more is more distinctive")),
      perIdentity(number("identity.modes.*", {{"type", "normal"}, {"mean", 0.0}, {"sigma", 1.0}},
                         -6.0, 6.0, "sd",
                         "one identity mode of the model, in standard deviations of the "
                         "population (names: synthface model info)")),
      perIdentity(number("identity.scale.*", 1.0, 0.0, 5.0, "",
                         "scales one identity mode, or every mode of a group (\"nose\", "
                         "\"jaw\"...)")),
      perIdentity(string("identity.person", "",
                         "a named person of identity.people whose face every sample of the "
                         "identity shows, in place of a drawn one; empty: drawn (a choice of "
                         "names makes a dataset of fixed people)")),
      number("identity.people.*.*", 0.0, -6.0, 6.0, "sd",
             "one identity mode of a named person (the studio's Face dock saves them), in "
             "standard deviations; modes not given are 0"),

      // Expression: neutral, or a preset from the library plus per-blendshape additions.
      boolean("expression.neutral", bernoulli(0.15),
              "no expression at all: every blendshape weight 0"),
      string("expression.preset", presetChoice(),
             "which preset of the expression library a non-neutral sample shows: 58 built-in "
             "(emotions at several intensities, visemes, blinks and winks, one-sided "
             "expressions; everyday ones drawn most often), more under expression.presets, "
             "or an expression of the recipe's library by asset id (expression/smile03; "
             "{\"type\": \"assetChoice\", \"kind\": \"expression\"} draws among them)"),
      number("expression.shapes.*", 0.0, 0.0, 1.0, "",
             "added to the preset's weight of one blendshape in every non-neutral sample (the "
             "sum is clamped to [0, 1])"),
      number("expression.presets.*.*", 0.0, 0.0, 1.0, "",
             "weight of one blendshape in one preset of the expression library"),

      // Gaze, relative to the head.
      number("gaze.yaw", truncatedNormal(0, 12, -35, 35), -45, 45, degrees,
             "eyes turned toward the subject's left (+) or right (-)"),
      number("gaze.pitch", truncatedNormal(0, 8, -25, 25), -35, 35, degrees,
             "eyes turned up (+) or down (-)"),

      // Head pose, relative to the body.
      number("head.yaw", truncatedNormal(0, 10, -40, 40), -80, 80, degrees,
             "head turned toward the subject's left (+)"),
      number("head.pitch", truncatedNormal(0, 8, -30, 30), -60, 60, degrees,
             "head tilted up (+) or down (-)"),
      number("head.roll", truncatedNormal(0, 4, -15, 15), -45, 45, degrees,
             "head tilted toward the subject's left shoulder (+)"),

      // Camera, looking at the face.
      string("camera.framing", "faceSize",
             "how far the camera is: from the face's size in the frame, or a distance",
             {"faceSize", "distance"}),
      number("camera.faceSize", uniform(0.45, 0.75), 0.05, 2.0, "",
             "height of the face (chin to crown) as a fraction of the image height, when "
             "framing is faceSize"),
      number("camera.distance", uniform(450, 1200), 100, 10000, "mm",
             "from the camera to the point between the eyes, when framing is distance"),
      number("camera.fov", truncatedNormal(35, 10, 15, 70), 1, 170, degrees,
             "vertical field of view (the focal length follows from it)"),
      number("camera.yaw", truncatedNormal(0, 30, -90, 90), -180, 180, degrees,
             "camera position around the head: + toward the subject's left"),
      number("camera.pitch", truncatedNormal(0, 10, -30, 30), -90, 90, degrees,
             "camera position above (+) or below (-) the eyes"),
      number("camera.roll", truncatedNormal(0, 3, -15, 15), -180, 180, degrees,
             "camera rotation about its viewing axis"),
      number("camera.fStop", 0.0, 0.0, 64.0, "",
             "aperture as an f-number for depth of field, focused between the eyes; 0 a "
             "pinhole (everything sharp)"),

      // Environment lighting.
      string("environment.map", assetChoice("environment"), "the environment map (asset id)"),
      number("environment.rotation", uniform(0, 360), 0, 360, degrees,
             "environment turned about the vertical axis"),
      number("environment.intensity", {{"type", "logNormal"}, {"mu", 0.0}, {"sigma", 0.3}}, 0, 100,
             "",
             "exposure relative to a camera metering on the face: 1 well exposed, 2 a stop "
             "over, 0.5 a stop under"),

      // Skin.
      number("skin.tone", beta(1.5, 1.5), 0, 1, "",
             "melanin of the skin: 0 the lightest, 1 the darkest"),
      string("skin.material", skinMaterialChoice(),
             "the skin material (asset id); by default one of the tone band skin.tone falls in, "
             "whose band then holds the tone"),

      // Eyes.
      number("eyes.iris.melanin", linked("skin.tone", 0.5), 0, 1, "",
             "iris pigment: 0 blue, 0.3 green, 0.5 hazel, 1 dark brown (linked to skin.tone)"),

      // Hair: fits under headwear when there is some.
      boolean("hair.present", bernoulli(0.92), "scalp hair at all (false: none)"),
      string("hair.groom",
             {{"type", "conditional"},
              {"rules",
               {{{"when", {{"path", "headwear.present"}, {"value", true}}},
                 {"then",
                  {{"type", "assetChoice"}, {"kind", "hair"}, {"tags", {"fitsUnderHeadwear"}}}}}}},
              {"otherwise", assetChoice("hair")}},
             "the hair groom (asset id); with headwear only grooms tagged fitsUnderHeadwear"),
      number("hair.color.melanin", beta(2.5, 1.2), 0, 1, "", "hair pigment: 0 blond, 1 black"),
      number("hair.color.redness", beta(1.2, 4.0), 0, 1, "", "share of red pigment (pheomelanin)"),

      // Brows, lashes and beard take their colour from the hair's draw.
      string("brows.groom",
             {{"type", "assetChoice"},
              {"kind", "brows"},
              {"weights", {{"joined", 0.15}, {"untamed", 0.5}}}},
             "the brows' shape and hair (asset id); joined and untamed brows drawn less often"),
      number("brows.color.melanin", linked("hair.color.melanin", 0.9), 0, 1, "",
             "brow pigment (linked to the hair's)"),
      number("brows.color.redness", linked("hair.color.redness", 0.9), 0, 1, "",
             "brow red pigment (linked to the hair's)"),
      string("lashes.groom",
             {{"type", "assetChoice"}, {"kind", "lashes"}, {"weights", {{"makeup", 0.5}}}},
             "the eyelash set (asset id); mascara drawn half as often"),
      number("lashes.length", uniform(0.8, 1.2), 0.2, 3, "", "scales the lashes' length"),
      boolean("beard.present", bernoulli(0.25), "a beard or moustache at all"),
      string("beard.groom", assetChoice("beard"), "the beard groom (asset id)"),
      number("beard.color.melanin", linked("hair.color.melanin", 0.8), 0, 1, "",
             "beard pigment (linked to the hair's)"),
      number("beard.color.redness", linked("hair.color.redness", 0.8), 0, 1, "",
             "beard red pigment (linked to the hair's)"),

      // Things worn.
      boolean("clothing.present", withTheHood(true, bernoulli(0.95)),
              "clothing on the shoulders (always with a hood up)"),
      string("clothing.item", withTheHood("builtin/clothing/hoodie", assetChoice("clothing")),
             "the clothing (asset id); a hoodie with a hood up"),
      number("clothing.color.hue", uniform(0.0, 360.0), 0, 360, "deg",
             "hue of the clothing's colour: 0 red, 120 green, 240 blue"),
      number("clothing.color.saturation", beta(1.2, 2.5), 0, 1, "",
             "saturation of the clothing's colour: 0 grey"),
      number("clothing.color.lightness", beta(1.3, 1.6), 0, 1, "",
             "lightness of the clothing's colour: 0 black, 1 white"),
      boolean("headwear.present", bernoulli(0.15), "a hat, cap, scarf..."),
      string("headwear.item", assetChoice("headwear"), "the headwear (asset id)"),
      number("headwear.color.hue", uniform(0.0, 360.0), 0, 360, "deg",
             "hue of the headwear's colour: 0 red, 120 green, 240 blue"),
      number("headwear.color.saturation", beta(1.2, 2.5), 0, 1, "",
             "saturation of the headwear's colour: 0 grey"),
      number("headwear.color.lightness", beta(1.3, 1.8), 0, 1, "",
             "lightness of the headwear's colour: 0 black, 1 white"),
      boolean("eyewear.present", bernoulli(0.2), "glasses or sunglasses"),
      string("eyewear.item", assetChoice("eyewear"), "the eyewear (asset id)"),
      number("eyewear.finish", uniform(0.0, 1.0), 0, 1, "",
             "the frame's colour: metals silver, gold, gunmetal, rose gold; acetates black, "
             "tortoiseshell, brown, navy, burgundy, grey (in that order over 0..1)"),
      boolean("facewear.present", bernoulli(0.05), "a mask or face covering"),
      string("facewear.item", assetChoice("facewear"), "the facewear (asset id)"),
      number("facewear.color.hue", uniform(0.0, 360.0), 0, 360, "deg",
             "hue of a cloth mask's or scarf's colour (a surgical mask keeps its own)"),
      number("facewear.color.saturation", beta(1.2, 2.5), 0, 1, "",
             "saturation of the facewear's colour: 0 grey"),
      number("facewear.color.lightness", beta(1.3, 1.8), 0, 1, "",
             "lightness of the facewear's colour: 0 black, 1 white"),

      // Rendering.
      integer("render.resolution", 512, 16, 16384, "px", "width and height of the image"),
      integer("render.samples", 64, 1, 65536, "", "path-traced samples per pixel"),
      boolean("render.denoise", true, "denoise the rendered image"),
      boolean("render.linearExr", false,
              "also write the exposed image in linear light as {id}_linear.exr (32-bit float)"),
  };
}

/// A built-in preset entry: uniform on [low, high], or linked to another entry.
json presetUniform(double low, double high) {
  return uniform(low, high);
}

json presetLink(const std::string& preset, const std::string& shape, double correlation) {
  return linked("expression.presets." + preset + "." + shape, correlation);
}

/// Whether a segment of a path may stand for a "*": a non-empty name without '.'.
bool isName(std::string_view segment) {
  return !segment.empty() && segment.find('.') == std::string_view::npos;
}

bool matches(std::string_view pattern, std::string_view path) {
  const std::vector<std::string> want = splitPath(pattern);
  const std::vector<std::string> have = splitPath(path);
  if (want.size() != have.size()) {
    return false;
  }
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "*" ? !isName(have[i]) : want[i] != have[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

const std::vector<ParameterInfo>& parameterTable() {
  static const std::vector<ParameterInfo> table = makeTable();
  return table;
}

const ParameterInfo* findParameter(std::string_view path) {
  const ParameterInfo* pattern = nullptr;
  for (const ParameterInfo& info : parameterTable()) {
    if (info.path == path) {
      return &info;
    }
    if (!pattern && info.isPattern() && matches(info.path, path)) {
      pattern = &info;
    }
  }
  return pattern;
}

bool isParameterGroup(std::string_view path) {
  const std::vector<std::string> have = splitPath(path);
  for (const ParameterInfo& info : parameterTable()) {
    const std::vector<std::string> want = splitPath(info.path);
    if (want.size() < have.size()) {
      continue;
    }
    bool prefix = true;
    for (std::size_t i = 0; i < have.size() && prefix; ++i) {
      prefix = want[i] == "*" ? isName(have[i]) : want[i] == have[i];
    }
    if (prefix) {
      return true;
    }
  }
  return false;
}

const std::map<std::string, std::map<std::string, nlohmann::json>>& builtinExpressionPresets() {
  static const std::map<std::string, std::map<std::string, json>> presets = {
      {"neutral", {}},
      {"smile",
       {{"mouthSmileLeft", presetUniform(0.3, 1.0)},
        {"mouthSmileRight", presetLink("smile", "mouthSmileLeft", 0.9)},
        {"cheekSquintLeft", presetUniform(0.0, 0.6)},
        {"cheekSquintRight", presetLink("smile", "cheekSquintLeft", 0.9)},
        {"eyeSquintLeft", presetUniform(0.0, 0.3)},
        {"eyeSquintRight", presetLink("smile", "eyeSquintLeft", 0.9)},
        {"jawOpen", presetUniform(0.0, 0.25)}}},
      {"talk",
       {{"jawOpen", presetUniform(0.05, 0.45)},
        {"mouthFunnel", presetUniform(0.0, 0.4)},
        {"mouthPucker", presetUniform(0.0, 0.3)},
        {"mouthLowerDownLeft", presetUniform(0.0, 0.4)},
        {"mouthLowerDownRight", presetLink("talk", "mouthLowerDownLeft", 0.8)},
        {"mouthUpperUpLeft", presetUniform(0.0, 0.3)},
        {"mouthUpperUpRight", presetLink("talk", "mouthUpperUpLeft", 0.8)},
        {"mouthStretchLeft", presetUniform(0.0, 0.3)},
        {"mouthStretchRight", presetLink("talk", "mouthStretchLeft", 0.8)}}},
      {"surprise",
       {{"browInnerUp", presetUniform(0.5, 1.0)},
        {"browOuterUpLeft", presetUniform(0.4, 1.0)},
        {"browOuterUpRight", presetLink("surprise", "browOuterUpLeft", 0.9)},
        {"eyeWideLeft", presetUniform(0.3, 1.0)},
        {"eyeWideRight", presetLink("surprise", "eyeWideLeft", 0.95)},
        {"jawOpen", presetUniform(0.1, 0.6)}}},
      {"frown",
       {{"browDownLeft", presetUniform(0.3, 1.0)},
        {"browDownRight", presetLink("frown", "browDownLeft", 0.9)},
        {"mouthFrownLeft", presetUniform(0.3, 1.0)},
        {"mouthFrownRight", presetLink("frown", "mouthFrownLeft", 0.9)},
        {"mouthPressLeft", presetUniform(0.0, 0.5)},
        {"mouthPressRight", presetLink("frown", "mouthPressLeft", 0.9)}}},
      {"disgust",
       {{"noseSneerLeft", presetUniform(0.3, 1.0)},
        {"noseSneerRight", presetLink("disgust", "noseSneerLeft", 0.9)},
        {"mouthUpperUpLeft", presetUniform(0.2, 0.7)},
        {"mouthUpperUpRight", presetLink("disgust", "mouthUpperUpLeft", 0.9)},
        {"browDownLeft", presetUniform(0.0, 0.5)},
        {"browDownRight", presetLink("disgust", "browDownLeft", 0.9)}}},
      {"blink",
       {{"eyeBlinkLeft", presetUniform(0.7, 1.0)},
        {"eyeBlinkRight", presetLink("blink", "eyeBlinkLeft", 1.0)}}},
      {"wink",
       {{"eyeBlinkLeft", presetUniform(0.8, 1.0)},
        {"cheekSquintLeft", presetUniform(0.0, 0.4)},
        {"mouthSmileLeft", presetUniform(0.0, 0.4)}}},
      {"pucker",
       {{"mouthPucker", presetUniform(0.4, 1.0)}, {"mouthFunnel", presetUniform(0.0, 0.4)}}},
      {"puff", {{"cheekPuff", presetUniform(0.4, 1.0)}, {"mouthPressLeft", presetUniform(0, 0.3)}}},
  };
  static const std::map<std::string, std::map<std::string, json>> library = [] {
    std::map<std::string, std::map<std::string, json>> all = presets;
    // Builds one preset from (shape, low, high) entries; a shape ending in "*" is a pair,
    // its right side linked to its left.
    auto add = [&](const std::string& name,
                   std::initializer_list<std::tuple<std::string, double, double>> entries) {
      std::map<std::string, json>& preset = all[name];
      for (const auto& [shape, low, high] : entries) {
        if (shape.back() == '*') {
          const std::string stem = shape.substr(0, shape.size() - 1);
          preset[stem + "Left"] = presetUniform(low, high);
          preset[stem + "Right"] = presetLink(name, stem + "Left", 0.9);
        } else {
          preset[shape] = presetUniform(low, high);
        }
      }
    };
    // Emotions at several intensities.
    add("smile_slight", {{"mouthSmile*", 0.1, 0.35}, {"cheekSquint*", 0.0, 0.2}});
    add("smile_broad", {{"mouthSmile*", 0.7, 1.0},
                        {"cheekSquint*", 0.4, 0.9},
                        {"eyeSquint*", 0.2, 0.5},
                        {"mouthDimple*", 0.0, 0.4},
                        {"jawOpen", 0.15, 0.4}});
    add("laugh", {{"mouthSmile*", 0.7, 1.0},
                  {"cheekSquint*", 0.5, 1.0},
                  {"eyeSquint*", 0.3, 0.7},
                  {"jawOpen", 0.35, 0.7},
                  {"mouthUpperUp*", 0.1, 0.4}});
    add("sad_slight", {{"mouthFrown*", 0.1, 0.4}, {"browInnerUp", 0.2, 0.5}});
    add("sad", {{"mouthFrown*", 0.3, 0.8},
                {"browInnerUp", 0.4, 0.9},
                {"mouthShrugLower", 0.0, 0.4},
                {"mouthPress*", 0.0, 0.3}});
    add("sad_strong", {{"mouthFrown*", 0.6, 1.0},
                       {"browInnerUp", 0.7, 1.0},
                       {"mouthShrugLower", 0.3, 0.7},
                       {"eyeSquint*", 0.1, 0.4},
                       {"mouthStretch*", 0.1, 0.4}});
    add("angry_slight", {{"browDown*", 0.2, 0.5}, {"mouthPress*", 0.1, 0.4}});
    add("angry", {{"browDown*", 0.5, 1.0},
                  {"noseSneer*", 0.1, 0.5},
                  {"mouthPress*", 0.2, 0.7},
                  {"eyeSquint*", 0.1, 0.4}});
    add("angry_shout", {{"browDown*", 0.6, 1.0},
                        {"jawOpen", 0.4, 0.8},
                        {"mouthUpperUp*", 0.3, 0.8},
                        {"mouthStretch*", 0.2, 0.6},
                        {"noseSneer*", 0.3, 0.8}});
    add("fear_slight",
        {{"browInnerUp", 0.3, 0.6}, {"eyeWide*", 0.2, 0.5}, {"mouthStretch*", 0.1, 0.3}});
    add("fear", {{"browInnerUp", 0.5, 1.0},
                 {"browOuterUp*", 0.2, 0.6},
                 {"eyeWide*", 0.5, 1.0},
                 {"mouthStretch*", 0.3, 0.8},
                 {"jawOpen", 0.05, 0.3}});
    add("surprise_slight",
        {{"browInnerUp", 0.2, 0.5}, {"browOuterUp*", 0.2, 0.5}, {"eyeWide*", 0.1, 0.4}});
    add("surprise_strong", {{"browInnerUp", 0.8, 1.0},
                            {"browOuterUp*", 0.8, 1.0},
                            {"eyeWide*", 0.7, 1.0},
                            {"jawOpen", 0.5, 0.9}});
    add("disgust_strong", {{"noseSneer*", 0.7, 1.0},
                           {"mouthUpperUp*", 0.5, 1.0},
                           {"browDown*", 0.3, 0.8},
                           {"eyeSquint*", 0.2, 0.6},
                           {"mouthShrugUpper", 0.0, 0.4}});
    add("contempt_left",
        {{"mouthSmileLeft", 0.3, 0.7}, {"mouthDimpleLeft", 0.2, 0.6}, {"mouthLeft", 0.0, 0.3}});
    add("contempt_right",
        {{"mouthSmileRight", 0.3, 0.7}, {"mouthDimpleRight", 0.2, 0.6}, {"mouthRight", 0.0, 0.3}});
    add("pout", {{"mouthShrugLower", 0.4, 0.9},
                 {"mouthPucker", 0.1, 0.4},
                 {"mouthFrown*", 0.1, 0.4},
                 {"browInnerUp", 0.0, 0.4}});
    add("bored", {{"eyeBlink*", 0.2, 0.45}, {"mouthPress*", 0.0, 0.3}, {"mouthLeft", 0.0, 0.3}});
    add("thinking", {{"browDownLeft", 0.2, 0.6},
                     {"eyeSquintLeft", 0.0, 0.3},
                     {"mouthLeft", 0.1, 0.4},
                     {"mouthPress*", 0.1, 0.4}});
    add("yawn", {{"jawOpen", 0.7, 1.0},
                 {"eyeSquint*", 0.3, 0.8},
                 {"eyeBlink*", 0.2, 0.6},
                 {"browInnerUp", 0.0, 0.4},
                 {"mouthFunnel", 0.0, 0.3}});
    // Talking: visemes.
    add("viseme_aa",
        {{"jawOpen", 0.4, 0.7}, {"mouthLowerDown*", 0.2, 0.5}, {"mouthUpperUp*", 0.0, 0.2}});
    add("viseme_ee", {{"jawOpen", 0.05, 0.2},
                      {"mouthStretch*", 0.3, 0.7},
                      {"mouthSmile*", 0.1, 0.3},
                      {"mouthUpperUp*", 0.1, 0.3}});
    add("viseme_ih", {{"jawOpen", 0.1, 0.3}, {"mouthStretch*", 0.1, 0.4}});
    add("viseme_oh", {{"jawOpen", 0.25, 0.5}, {"mouthFunnel", 0.4, 0.8}});
    add("viseme_oo",
        {{"jawOpen", 0.05, 0.2}, {"mouthPucker", 0.5, 1.0}, {"mouthFunnel", 0.3, 0.6}});
    add("viseme_fv",
        {{"mouthRollLower", 0.4, 0.8}, {"mouthUpperUp*", 0.1, 0.4}, {"jawOpen", 0.0, 0.1}});
    add("viseme_mbp",
        {{"mouthPress*", 0.4, 0.8}, {"mouthRollLower", 0.0, 0.3}, {"mouthRollUpper", 0.0, 0.3}});
    add("viseme_th", {{"jawOpen", 0.1, 0.25}, {"mouthLowerDown*", 0.1, 0.3}});
    add("viseme_ch", {{"mouthFunnel", 0.3, 0.6},
                      {"mouthPucker", 0.2, 0.5},
                      {"jawOpen", 0.05, 0.2},
                      {"mouthUpperUp*", 0.1, 0.3}});
    add("viseme_ss", {{"jawOpen", 0.0, 0.1},
                      {"mouthStretch*", 0.2, 0.5},
                      {"mouthSmile*", 0.0, 0.2},
                      {"mouthLowerDown*", 0.05, 0.2}});
    add("viseme_rr",
        {{"mouthPucker", 0.2, 0.5}, {"mouthFunnel", 0.1, 0.4}, {"jawOpen", 0.05, 0.2}});
    add("viseme_kk", {{"jawOpen", 0.15, 0.35}, {"mouthStretch*", 0.1, 0.3}});
    add("viseme_nn", {{"jawOpen", 0.05, 0.2}, {"mouthLowerDown*", 0.0, 0.2}});
    // Eyes.
    add("half_blink", {{"eyeBlink*", 0.3, 0.6}});
    add("eyes_closed", {{"eyeBlink*", 0.95, 1.0}, {"eyeSquint*", 0.0, 0.2}});
    add("squint", {{"eyeSquint*", 0.4, 1.0}, {"cheekSquint*", 0.1, 0.4}, {"browDown*", 0.0, 0.3}});
    add("wink_right", {{"eyeBlinkRight", 0.8, 1.0},
                       {"cheekSquintRight", 0.0, 0.4},
                       {"mouthSmileRight", 0.0, 0.4}});
    // One-sided.
    add("smirk_left",
        {{"mouthSmileLeft", 0.3, 0.8}, {"mouthLeft", 0.1, 0.4}, {"cheekSquintLeft", 0.0, 0.3}});
    add("smirk_right",
        {{"mouthSmileRight", 0.3, 0.8}, {"mouthRight", 0.1, 0.4}, {"cheekSquintRight", 0.0, 0.3}});
    add("brow_raise_left", {{"browOuterUpLeft", 0.5, 1.0}, {"browInnerUp", 0.0, 0.3}});
    add("brow_raise_right", {{"browOuterUpRight", 0.5, 1.0}, {"browInnerUp", 0.0, 0.3}});
    add("sneer_left", {{"noseSneerLeft", 0.4, 1.0}, {"mouthUpperUpLeft", 0.3, 0.8}});
    add("sneer_right", {{"noseSneerRight", 0.4, 1.0}, {"mouthUpperUpRight", 0.3, 0.8}});
    add("jaw_left", {{"jawLeft", 0.3, 0.8}, {"mouthLeft", 0.1, 0.4}});
    add("jaw_right", {{"jawRight", 0.3, 0.8}, {"mouthRight", 0.1, 0.4}});
    add("mouth_left", {{"mouthLeft", 0.4, 0.9}});
    add("mouth_right", {{"mouthRight", 0.4, 0.9}});
    add("lips_rolled", {{"mouthRollLower", 0.4, 1.0}, {"mouthRollUpper", 0.4, 1.0}});
    add("jaw_forward", {{"jawForward", 0.3, 0.8}, {"mouthShrugLower", 0.1, 0.3}});
    return all;
  }();
  return library;
}

nlohmann::json defaultDistribution(const std::string& path) {
  const std::vector<std::string> parts = splitPath(path);
  if (parts.size() == 4 && parts[0] == "expression" && parts[1] == "presets") {
    const auto& presets = builtinExpressionPresets();
    if (const auto preset = presets.find(parts[2]); preset != presets.end()) {
      if (const auto shape = preset->second.find(parts[3]); shape != preset->second.end()) {
        return shape->second;
      }
    }
  }
  const ParameterInfo* info = findParameter(path);
  return info ? info->defaultValue : nlohmann::json();
}

const PathResolver& parameterPathResolver() {
  class TableResolver : public PathResolver {
  public:
    std::optional<ValueKind> kindOf(const std::string& path) const override {
      const ParameterInfo* info = findParameter(path);
      return info ? std::optional<ValueKind>(info->kind) : std::nullopt;
    }
    std::vector<std::string> suggestions() const override { return concreteParameterPaths(); }
  };
  static const TableResolver resolver;
  return resolver;
}

std::vector<std::string> concreteParameterPaths() {
  std::vector<std::string> paths;
  for (const ParameterInfo& info : parameterTable()) {
    if (!info.isPattern()) {
      paths.push_back(info.path);
    }
  }
  return paths;
}

}  // namespace sf
