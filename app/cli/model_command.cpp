#include "command.h"

#include "face/face_geometry.h"
#include "face/face_model_io.h"
#include "face/identity_builder.h"
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
#include <cstdio>
#include <iostream>
#include <type_traits>

#include <unistd.h>

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

int runBuildIdentity(std::span<const std::string> arguments) {
  ArgParser parser(
      "synthface model build-identity",
      "Builds identity modes by PCA from registered scans. DIR holds the scans: its .obj\n"
      "and .ply files, read in file-name order (other files are skipped), each a mesh in\n"
      "the template's topology: its skin parts (the built-in head's skin, ear_right and\n"
      "ear_left), one mesh per part as `synthface model export --targets none --level 0`\n"
      "writes them, or all in one mesh. The model written is the template moved to the\n"
      "scans' mean, with the principal components as identity modes (one SD each).\n" +
          std::string(kModelHelp) + ".");
  parser.option("--out", "FILE", "the model to write (.sfm)")
      .option("--template", "MODEL", "the model the scans are registered to (default: default)")
      .option("--variance", "F", "keep components up to this share of the variance (default 0.98)")
      .option("--max-modes", "N", "keep at most N components (default: no limit)")
      .option("--name", "NAME", "the model's name (default: the template's, with '-pca')")
      .option("--license", "SPDX", "the model's licence (default: the template's)")
      .positional("DIR", "the folder of scans");
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const ParsedArgs& args = *parsed;
  const std::string out = requiredValue(args, "--out", "FILE");
  const std::string folder = args.value("DIR");
  IdentityBuildOptions options;
  options.varianceThreshold = numberOption(args, "--variance", 0.98, 0.0, 1.0);
  if (options.varianceThreshold == 0) {
    throw Error("--variance: expected a number above 0 and at most 1, got '" +
                args.value("--variance") + "'");
  }
  options.maxModes = static_cast<int>(wholeNumber(args, "--max-modes", 0, 1, 100000));
  options.name = args.value("--name");
  options.license = args.value("--license");
  const FaceModel templateModel = loadFaceModel(args.value("--template", "default"));

  // Progress: one line rewritten on a terminal, else about every tenth of the scans.
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  bool lineOpen = false;  // a progress line on the terminal awaits its newline
  options.progress = [terminal, &lineOpen](int done, int total) {
    if (terminal || done == total || done % std::max(total / 10, 1) == 0) {
      std::cerr << (terminal ? "\r" : "") << "reading scans: " << done << "/" << total
                << (terminal ? "\033[K" : "\n") << std::flush;
      lineOpen = terminal;
    }
  };
  PcaIdentity result;
  try {
    result = createIdentityModelFromFolder(templateModel, folder, options);
  } catch (...) {
    std::cerr << (lineOpen ? "\n" : "");
    throw;
  }
  std::cerr << (lineOpen ? "\n" : "");
  writeFaceModel(result.model, out);

  char explained[160];
  std::snprintf(explained, sizeof(explained),
                "components: %zu kept of %d, explaining %.2f%% of the variance\n",
                result.components.size(), result.availableComponents,
                100.0 * result.components.back().cumulative);
  std::cout << "scans: " << result.scanCount << " in " << folder << "\n"
            << "vertices: " << result.surfaceVertices
            << " per scan (skin surface: " << join(result.surfaceParts, ", ") << ")\n"
            << explained << "  mode      sd mm  variance  cumulative\n";
  for (std::size_t k = 0; k < result.components.size(); ++k) {
    const PcaComponent& component = result.components[k];
    char line[128];
    std::snprintf(line, sizeof(line), "  %-8s %6.2f   %6.2f%%     %6.2f%%\n",
                  result.model.identity[k].name.c_str(), static_cast<double>(component.sigma),
                  100.0 * component.fraction, 100.0 * component.cumulative);
    std::cout << line;
  }
  std::cerr << "wrote " << out << "\n";
  return 0;
}

}  // namespace

int runModel(std::span<const std::string> arguments) {
  const std::vector<Command> subcommands = {
      {"info", "print a model's counts", runInfo},
      {"sheet", "render a contact sheet of random faces", runSheet},
      {"export", "write a posed face as glTF or OBJ", runExport},
      {"build-identity", "build identity modes by PCA from registered scans", runBuildIdentity},
  };
  return runSubcommand(
      "usage: synthface model COMMAND [ARGS...]\n\nFace models: the built-in head and models read "
      "from .sfm files.\n",
      subcommands, arguments);
}

}  // namespace sf::cli
