#include "command.h"

#include "face/face_geometry.h"
#include "face/model_export.h"
#include "face/model_store.h"
#include "face/model_summary.h"
#include "face/random_face.h"
#include "render/image.h"
#include "render/model_sheet.h"
#include "util/args.h"
#include "util/error.h"
#include "util/strings.h"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <type_traits>

namespace sf::cli {

namespace {

constexpr char kModelHelp[] =
    "MODEL is 'default' (the built-in head) or the path of a .sfm model file";

/// Parses a number option within [low, high], naming it in the error; `fallback` when the
/// option was not given.
template <typename Number>
Number numberOption(const ParsedArgs& args, const std::string& name, Number fallback, Number low,
                    Number high) {
  if (!args.has(name)) {
    return fallback;
  }
  const std::string text = args.value(name);
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !(value >= low) ||
      !(value <= high)) {
    throw Error(name + ": expected " +
                (std::is_integral_v<Number> ? "a whole number" : "a number") + " from " +
                std::to_string(low) + " to " + std::to_string(high) + ", got '" + text + "'");
  }
  return value;
}

long long wholeNumber(const ParsedArgs& args, const std::string& name, long long fallback,
                      long long low, long long high) {
  return numberOption(args, name, fallback, low, high);
}

float realNumber(const ParsedArgs& args, const std::string& name, float fallback, float low,
                 float high) {
  return numberOption(args, name, fallback, low, high);
}

int runInfo(std::span<const std::string> arguments) {
  ArgParser parser("synthface model info",
                   "Prints a model's counts: identity modes, expressions, joints, landmarks,\n"
                   "dense landmarks, vertices and faces, per part.\n" +
                       std::string(kModelHelp) + ".");
  parser.option("--level", "L", "subdivision level for the refined counts (default 2)")
      .positional("MODEL", "the model (default: default)", ArgParser::Count::Optional);
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const ParsedArgs& args = *parsed;
  const int level = static_cast<int>(wholeNumber(args, "--level", 2, 0, 4));
  const FaceModel model = loadFaceModel(args.value("MODEL", "default"));
  std::cout << describeFaceModel(model, level);
  return 0;
}

int runSheet(std::span<const std::string> arguments) {
  ArgParser parser("synthface model sheet",
                   "Renders a contact sheet of random identities and expressions, each from\n"
                   "the front, at three-quarters and from the side. Face #0 is the template.\n" +
                       std::string(kModelHelp) + ".");
  parser.option("--out", "FILE", "the image to write (.png, or .exr for linear)")
      .option("--count", "N", "faces on the sheet (default 16)")
      .option("--seed", "S", "random seed (default 1)")
      .option("--size", "PX", "pixels per view (default 240)")
      .option("--per-row", "K", "faces per row (default 4)")
      .option("--sigma", "X", "identity spread in standard deviations (default 1)")
      .option("--level", "L", "subdivision level (default 2)")
      .positional("MODEL", "the model (default: default)", ArgParser::Count::Optional);
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const ParsedArgs& args = *parsed;
  const std::string out = requiredValue(args, "--out", "FILE");
  ModelSheetOptions options;
  options.count = static_cast<int>(wholeNumber(args, "--count", 16, 1, 1024));
  options.seed = static_cast<std::uint64_t>(wholeNumber(args, "--seed", 1, 0, 1LL << 62));
  options.tileSize = static_cast<int>(wholeNumber(args, "--size", 240, 32, 4096));
  options.facesPerRow = static_cast<int>(wholeNumber(args, "--per-row", 4, 1, 64));
  options.random.identitySigma = realNumber(args, "--sigma", 1.0f, 0.0f, 5.0f);
  options.subdivisionLevel = static_cast<int>(wholeNumber(args, "--level", 2, 0, 4));
  const FaceModel model = loadFaceModel(args.value("MODEL", "default"));
  std::cerr << "rendering " << options.count << " faces x 3 views...\n";
  writeImage(renderModelSheet(model, options), out);
  std::cerr << "wrote " << out << "\n";
  return 0;
}

int runExport(std::span<const std::string> arguments) {
  ArgParser parser("synthface model export",
                   "Writes a posed face as glTF 2.0 (.gltf/.glb, in metres, with morph\n"
                   "targets and the skin, so it animates in Blender) or OBJ (millimetres).\n"
                   "Without --seed the face is the template.\n" +
                       std::string(kModelHelp) + ".");
  parser.option("--out", "FILE", "the file to write: .glb, .gltf or .obj")
      .option("--level", "L", "subdivision level (default 1)")
      .option("--seed", "S", "draw a random identity and expression with this seed")
      .option("--index", "I", "which face of the seeded series (default 0)")
      .option("--targets", "WHICH", "morph targets: none, expressions (default) or all")
      .positional("MODEL", "the model (default: default)", ArgParser::Count::Optional);
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const ParsedArgs& args = *parsed;
  const std::string out = requiredValue(args, "--out", "FILE");
  const std::string which = args.value("--targets", "expressions");
  const std::vector<std::string> choices = {"none", "expressions", "all"};
  if (std::find(choices.begin(), choices.end(), which) == choices.end()) {
    const std::string hint = closestMatch(which, choices);
    throw Error("--targets: expected none, expressions or all, got '" + which + "'" +
                (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
  const ExportTargets targets = which == "none"          ? ExportTargets::None
                                : which == "expressions" ? ExportTargets::Expressions
                                                         : ExportTargets::All;
  const int level = static_cast<int>(wholeNumber(args, "--level", 1, 0, 3));
  const FaceModel model = loadFaceModel(args.value("MODEL", "default"));
  FaceState state;
  if (args.has("--seed")) {
    state = randomFaceState(
        model, static_cast<std::uint64_t>(wholeNumber(args, "--seed", 0, 0, 1LL << 62)),
        static_cast<std::uint64_t>(wholeNumber(args, "--index", 0, 0, 1LL << 62)));
  }
  const FaceGeometry geometry = FaceGeometry::create(model, level);
  exportScene(buildExportScene(model, geometry, state, targets), out);
  std::cerr << "wrote " << out << "\n";
  return 0;
}

}  // namespace

int runModel(std::span<const std::string> arguments) {
  const std::vector<Command> subcommands = {
      {"info", "print a model's counts", runInfo},
      {"sheet", "render a contact sheet of random faces", runSheet},
      {"export", "write a posed face as glTF or OBJ", runExport},
  };
  return runSubcommand(
      "usage: synthface model COMMAND [ARGS...]\n\nFace models: the built-in head and models read "
      "from .sfm files.\n",
      subcommands, arguments);
}

}  // namespace sf::cli
