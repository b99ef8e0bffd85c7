#include "command.h"

#include "face/face_geometry.h"
#include "face/face_model_io.h"
#include "face/identity_builder.h"
#include "face/io/model_import.h"
#include "face/mesh_export.h"
#include "face/model_export.h"
#include "face/model_store.h"
#include "face/model_summary.h"
#include "face/random_face.h"
#include "face/registration.h"
#include "render/image.h"
#include "render/model_sheet.h"
#include "util/args.h"
#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
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

/// Prints a registration report: overall and face residuals, then per region.
void printRegistration(const RegistrationReport& report) {
  char line[400];
  std::snprintf(line, sizeof(line),
                "registration: mean %.2f mm, max %.2f mm over %d samples (%d with no target "
                "point nearby and %d that no scanner could see, such as inside the nostrils "
                "and mouth, follow their neighbours)\nface: mean %.2f mm, max %.2f mm",
                double(report.mean), double(report.max), report.samples, report.unmatched,
                report.hidden, double(report.faceMean), double(report.faceMax));
  std::cout << line;
  if (!report.worstNear.empty()) {
    std::cout << " (largest near landmark " << report.worstNear << ")";
  }
  std::cout << "\n  region            mean mm  max mm  samples\n";
  for (const RegionResidual& region : report.regions) {
    std::snprintf(line, sizeof(line), "  %-16s %8.2f %7.2f %8d\n",
                  labelClassName(region.region).c_str(), double(region.mean), double(region.max),
                  region.samples);
    std::cout << line;
  }
}

/// Progress lines on stderr, prefixed.
std::function<void(std::string_view)> progressPrinter() {
  return [](std::string_view text) { std::cerr << "  " << text << "\n"; };
}

int runImport(std::span<const std::string> arguments) {
  ArgParser parser(
      "synthface model import",
      "Imports a head as a SynthFace model. FILE is a MakeHuman data folder (with\n"
      "3dobjs/base.obj, targets/, rigs/; its hm08 head, identity targets, expression units,\n"
      "skeleton and eye, teeth and tongue proxies) or a rigged head in glTF, FBX or OBJ,\n"
      "described by an optional JSON sidecar. The reference head is registered onto the\n"
      "imported one to carry across what it lacks: landmarks, label classes, hair growth\n"
      "regions and the reference's expressions.\n" +
          std::string(kModelHelp) + ".");
  parser.option("--out", "FILE", "the model to write (.sfm)")
      .option("--sidecar", "FILE", "JSON sidecar for a glTF, FBX or OBJ head")
      .option("--reference", "MODEL", "the model registered onto the head (default: default)")
      .positional("FILE", "the head to import");
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const ParsedArgs& args = *parsed;
  const std::string out = requiredValue(args, "--out", "FILE");
  const FaceModel reference = loadFaceModel(args.value("--reference", "default"));
  ModelImportOptions options;
  options.sidecar = args.value("--sidecar");
  options.progress = progressPrinter();
  const ModelImport imported = importModel(args.value("FILE"), reference, options);
  writeFaceModel(imported.model, out);
  std::cout << "imported " << imported.kind << ": " << imported.model.name << "\n";
  std::cout << describeFaceModel(imported.model);
  printRegistration(imported.registration);
  std::cerr << "wrote " << out << "\n";
  return 0;
}

int runRegister(std::span<const std::string> arguments) {
  ArgParser parser(
      "synthface model register",
      "Registers a model onto a head mesh of any topology (OBJ, PLY, glTF, FBX...): a rigid\n"
      "alignment from the nose tip (or from --landmarks), then a smooth non-rigid fit of\n"
      "the model's surface. Prints the residual distances, overall and per region.\n"
      "--topology mesh (the default) writes a model on the mesh's own topology with the\n"
      "model's landmarks, labels, UV layout, skinning, identity and expressions carried\n"
      "across; --topology model writes the model itself reshaped to the mesh (a registered\n"
      "scan). --mesh-out writes the fitted surface in the model's topology, as\n"
      "`synthface model build-identity` reads scans.\n" +
          std::string(kModelHelp) + ".");
  parser.option("--out", "FILE", "the model to write (.sfm)")
      .option("--reference", "MODEL", "the model to register (default: default)")
      .option("--topology", "mesh|model", "whose topology the written model has (default mesh)")
      .option("--units", "mm|cm|dm|m", "the mesh's unit (default: m for glTF, else mm)")
      .option("--landmarks", "FILE",
              "JSON {\"nose_30\": [x, y, z], ...}: landmark positions on the mesh")
      .option("--mesh-out", "FILE", "also write the fitted surface in the model's topology")
      .positional("MESH", "the head mesh");
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const ParsedArgs& args = *parsed;
  const std::string out = requiredValue(args, "--out", "FILE");
  const std::string meshPath = args.value("MESH");
  const std::string topology = args.value("--topology", "mesh");
  if (topology != "mesh" && topology != "model") {
    throw Error("--topology: expected 'mesh' or 'model', got '" + topology + "'");
  }
  float unit = defaultMillimetresPerUnit(meshPath);
  if (args.has("--units")) {
    const std::string units = args.value("--units");
    const std::map<std::string, float> known = {
        {"mm", 1.0f}, {"cm", 10.0f}, {"dm", 100.0f}, {"m", 1000.0f}};
    const auto it = known.find(units);
    if (it == known.end()) {
      throw Error("--units: expected mm, cm, dm or m, got '" + units + "'");
    }
    unit = it->second;
  }
  const FaceModel reference = loadFaceModel(args.value("--reference", "default"));
  const PolyMesh mesh = readHeadMesh(meshPath, unit);

  RegistrationOptions options;
  options.progress = progressPrinter();
  if (args.has("--landmarks")) {
    const std::string file = args.value("--landmarks");
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(readFile(file));
    } catch (const nlohmann::json::exception& error) {
      throw Error(file + ": " + error.what());
    }
    if (!json.is_object()) {
      throw Error(file + ": expected an object of landmark name -> [x, y, z]");
    }
    for (const auto& [name, value] : json.items()) {
      if (!value.is_array() || value.size() != 3 || !value[0].is_number() ||
          !value[1].is_number() || !value[2].is_number()) {
        throw Error(file + ": /" + name + ": expected [x, y, z]");
      }
      options.landmarks.push_back({name, unit * Vec3f(value[0].get<float>(), value[1].get<float>(),
                                                      value[2].get<float>())});
    }
  }
  const Registration fit = registerModel(reference, mesh, options, meshPath);
  printRegistration(fit.report);
  const FaceModel model =
      topology == "model" ? registeredModel(reference, fit)
                          : modelFromRegistration(reference, fit, mesh,
                                                  std::filesystem::path(meshPath).stem().string());
  writeFaceModel(model, out);
  if (args.has("--mesh-out")) {
    const FaceModel shaped = registeredModel(reference, fit);
    ExportScene scene;
    for (const FacePart& part : shaped.parts) {
      if (part.material == PartMaterial::Skin) {
        ExportMesh exported;
        exported.name = part.name;
        exported.mesh = part.mesh;
        scene.meshes.push_back(std::move(exported));
      }
    }
    exportScene(scene, args.value("--mesh-out"));
    std::cerr << "wrote " << args.value("--mesh-out") << "\n";
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
      {"import", "import a MakeHuman, glTF, FBX or OBJ head as a model", runImport},
      {"register", "fit a model to a head mesh of any topology", runRegister},
  };
  return runSubcommand(
      "usage: synthface model COMMAND [ARGS...]\n\nFace models: the built-in head and models read "
      "from .sfm files.\n",
      subcommands, arguments);
}

}  // namespace sf::cli
