#include "command.h"

#include "assets/asset_library.h"
#include "assets/builtin_catalog.h"
#include "assets/expression_asset.h"
#include "batch/asset_thumbnail.h"
#include "face/model_store.h"
#include "recipe_support.h"
#include "render/contact_sheet.h"
#include "render/image.h"
#include "util/error.h"
#include "util/strings.h"

#include <unistd.h>
#include <filesystem>
#include <iostream>

namespace sf::cli {

namespace {

constexpr char kLibraryOption[] =
    "the library folder (default: the user library, $XDG_DATA_HOME/synthface/library)";

AssetLibrary openLibrary(const ParsedArgs& args) {
  return args.has("--library") ? AssetLibrary::open(args.value("--library"))
                               : AssetLibrary::openUserLibrary();
}

std::vector<std::string> splitTags(const std::string& text) {
  std::vector<std::string> tags;
  std::string tag;
  for (char c : text + ",") {
    if (c == ',') {
      while (!tag.empty() && tag.back() == ' ') {
        tag.pop_back();
      }
      if (!tag.empty()) {
        tags.push_back(tag);
      }
      tag.clear();
    } else if (!(c == ' ' && tag.empty())) {
      tag += c;
    }
  }
  return tags;
}

int runImport(std::span<const std::string> arguments) {
  ArgParser parser("synthface library import",
                   "Imports files as one asset of KIND into a library: meshes (OBJ, glTF, FBX)\n"
                   "are checked with Assimp, images and HDRIs (HDR, EXR, PNG, JPEG, TIFF) with\n"
                   "OpenImageIO, an expression (one synthface-expression .json or MakeHuman\n"
                   ".mhpose, its pose units translated into blendshapes) by reading it;\n"
                   "the files are copied in and hashed, a thumbnail is rendered,\n"
                   "and the index is saved atomically. KIND is one of: " +
                       join(AssetLibrary::kinds(), ", ") + ".");
  parser.positional("KIND", "the asset kind");
  parser.positional("FILES", "the asset's files (a glTF with its .bin and textures)",
                    ArgParser::Count::Many);
  parser.option("--licence", "SPDX", "the asset's licence, such as CC0-1.0 (required)");
  parser.option("--name", "NAME", "its name (default: the first file's name)");
  parser.option("--tags", "A,B", "comma-separated tags, such as outdoor,warm");
  parser.option("--author", "WHO", "its author");
  parser.option("--source", "URL", "where it came from");
  parser.option("--library", "DIR", kLibraryOption);
  const std::optional<ParsedArgs> args = parseOrHelp(parser, arguments);
  if (!args) {
    return 0;
  }
  // Importing into a folder without a library makes one there.
  const bool create =
      args->has("--library") &&
      !std::filesystem::exists(std::filesystem::path(args->value("--library")) / "library.json");
  AssetLibrary library =
      create ? AssetLibrary::create(args->value("--library"),
                                    std::filesystem::path(args->value("--library")).filename())
             : openLibrary(*args);
  if (create) {
    std::cerr << "created the library " << library.indexPath().string() << "\n";
  }
  ImportOptions options;
  options.licence = args->value("--licence");
  options.name = args->value("--name");
  options.tags = splitTags(args->value("--tags"));
  options.author = args->value("--author");
  options.source = args->value("--source");
  std::vector<std::filesystem::path> files;
  for (const std::string& file : args->values("FILES")) {
    files.emplace_back(file);
  }
  std::cerr << "importing " << files.size() << (files.size() == 1 ? " file" : " files") << " as "
            << args->value("KIND") << "...\n";
  const LibraryAsset& asset = library.import(args->value("KIND"), files, options);
  std::cout << "imported " << asset.id << " into " << library.indexPath().string() << "\n"
            << "use it in a recipe: \"library\": \"" << library.indexPath().string() << "\"\n";
  if (asset.kind == "expression") {
    std::cout << "show it: \"expression\": {\"preset\": \"" << asset.id << "\"}\n";
  }
  if (const auto untranslated = asset.parameters.find("untranslated");
      untranslated != asset.parameters.end()) {
    std::cerr << "warning: " << asset.id << ": no counterpart for "
              << join(untranslated->get<std::vector<std::string>>(), ", ") << "; left out\n";
  }
  return 0;
}

int runCreate(std::span<const std::string> arguments) {
  ArgParser parser("synthface library create",
                   "Makes an empty asset library in DIR: a folder with an index,\n"
                   "library.json, that recipes name in \"library\".");
  parser.positional("DIR", "the library folder (created if missing)");
  parser.option("--name", "NAME", "the library's name (default: the folder's name)");
  const std::optional<ParsedArgs> args = parseOrHelp(parser, arguments);
  if (!args) {
    return 0;
  }
  const std::filesystem::path folder(args->value("DIR"));
  const AssetLibrary library =
      AssetLibrary::create(folder, args->value("--name", folder.filename().string()));
  std::cout << "created " << library.indexPath().string() << "\n";
  return 0;
}

int runList(std::span<const std::string> arguments) {
  ArgParser parser("synthface library list",
                   "Lists the assets of a library, and with --builtin the built-in ones\n"
                   "every installation has: id, kind, licence and tags.");
  parser.option("--library", "DIR", kLibraryOption);
  parser.option("--kind", "KIND", "only assets of this kind");
  parser.flag("--builtin", "also list the built-in assets");
  const std::optional<ParsedArgs> args = parseOrHelp(parser, arguments);
  if (!args) {
    return 0;
  }
  const std::string kind = args->value("--kind");
  if (args->has("--builtin")) {
    for (const AssetInfo& asset : builtinAssetCatalog()->assets()) {
      if (kind.empty() || asset.kind == kind) {
        std::cout << asset.id << "  " << asset.kind << "  " << asset.licence << "  ["
                  << join(asset.tags, ", ") << "]\n";
      }
    }
  }
  const AssetLibrary library = openLibrary(*args);
  for (const LibraryAsset& asset : library.assets()) {
    if (kind.empty() || asset.kind == kind) {
      std::cout << asset.id << "  " << asset.kind << "  " << asset.licence << "  ["
                << join(asset.tags, ", ") << "]\n";
    }
  }
  return 0;
}

int runInfo(std::span<const std::string> arguments) {
  ArgParser parser("synthface library info", "Prints everything a library records of an asset.");
  parser.positional("ID", "the asset id, such as environment/sky");
  parser.option("--library", "DIR", kLibraryOption);
  const std::optional<ParsedArgs> args = parseOrHelp(parser, arguments);
  if (!args) {
    return 0;
  }
  const AssetLibrary library = openLibrary(*args);
  const LibraryAsset* asset = library.find(args->value("ID"));
  if (asset == nullptr) {
    throw Error(SourceLocation::inFile(library.indexPath().string()),
                "no asset \"" + args->value("ID") + "\"");
  }
  std::cout << "id         " << asset->id << "\nkind       " << asset->kind << "\nname       "
            << asset->name << "\ntags       " << join(asset->tags, ", ") << "\nlicence    "
            << asset->licence << "\nauthor     " << asset->author << "\nsource     "
            << asset->source << "\nthumbnail  " << asset->thumbnail << "\n";
  for (const AssetFile& file : asset->files) {
    std::cout << "file       " << file.path << "  " << file.size << " bytes  " << file.hash << "\n";
  }
  if (!asset->parameters.empty()) {
    std::cout << "parameters " << asset->parameters.dump() << "\n";
  }
  if (asset->kind == "expression") {
    // What a recipe naming it gets: the weights as read (a .mhpose translated).
    for (const AssetFile& file : asset->files) {
      if (isExpressionFile(file.path)) {
        const ExpressionAsset expression = readExpressionAsset(library.absolutePath(file.path));
        for (const auto& [shape, weight] : expression.shapes) {
          std::cout << "shape      " << shape << "  " << weight << "\n";
        }
        if (expression.gazeYaw != 0.0 || expression.gazePitch != 0.0) {
          std::cout << "gaze       yaw " << expression.gazeYaw << " deg, pitch "
                    << expression.gazePitch << " deg\n";
        }
      }
    }
  }
  return 0;
}

int runCheck(std::span<const std::string> arguments) {
  ArgParser parser("synthface library check",
                   "Verifies a library: its index, and for every asset that its files exist\n"
                   "inside the library (no link leads out) with the sizes and hashes the index\n"
                   "records, and that its thumbnail exists. Exits 1 when there are errors.");
  parser.option("--library", "DIR", kLibraryOption);
  const std::optional<ParsedArgs> args = parseOrHelp(parser, arguments);
  if (!args) {
    return 0;
  }
  const std::filesystem::path folder = args->has("--library")
                                           ? std::filesystem::path(args->value("--library"))
                                           : AssetLibrary::userLibraryFolder();
  Diagnostics diagnostics;
  const AssetLibrary library = AssetLibrary::read(folder, diagnostics);
  std::vector<Diagnostic> problems = diagnostics.all();
  for (const Diagnostic& problem : library.check()) {
    problems.push_back(problem);
  }
  const std::string index = library.indexPath().string();
  std::cerr << formatDiagnostics(problems, index);
  std::size_t errors = 0;
  for (const Diagnostic& problem : problems) {
    errors += problem.isError() ? 1 : 0;
  }
  if (errors > 0) {
    std::cerr << index << ": " << errors << (errors == 1 ? " error" : " errors") << "\n";
    return 1;
  }
  std::cout << index << ": ok: " << library.assets().size() << " assets\n";
  return 0;
}

}  // namespace

/// The built-in assets of `kind` (every kind when empty) the renderer pictures: all but
/// the painted environments. Throws when there are none.
std::vector<AssetInfo> renderedBuiltins(const std::string& kind) {
  std::vector<AssetInfo> assets;
  for (const AssetInfo& asset : builtinAssetCatalog()->assets()) {
    if ((kind.empty() || asset.kind == kind) &&
        !AssetThumbnailer::settingsFor(asset.id, asset.kind).empty()) {
      assets.push_back(asset);
    }
  }
  if (assets.empty()) {
    throw Error("--kind: no built-in assets of kind \"" + kind + "\" are rendered");
  }
  return assets;
}

int runThumbnails(std::span<const std::string> arguments) {
  ArgParser parser(
      "synthface library thumbnails",
      "Renders the thumbnails of the built-in assets (all but environments, which are\n"
      "painted): the default head wearing each one, as the studio's Library shows them.\n"
      "By default into the cache the studio reads, so it need not render them itself;\n"
      "pictures already there are kept, so an interrupted run resumes.");
  parser.option("--kind", "KIND", "only assets of this kind")
      .option("--out", "DIR", "write DIR/KIND/NAME.png instead of into the cache")
      .option("--size", "PX", "width and height (default 128, the studio's)")
      .option("--spp", "S", "samples per pixel (default 16)");
  const std::optional<ParsedArgs> args = parseOrHelp(parser, arguments);
  if (!args) {
    return 0;
  }
  const std::string kind = args->value("--kind");
  const auto size = static_cast<int>(countOption(*args, "--size", 128, 16, 1024));
  const auto spp = static_cast<int>(countOption(*args, "--spp", 16, 1, 4096));
  const std::vector<AssetInfo> todo = renderedBuiltins(kind);
  auto target = [&](const AssetInfo& asset) {
    return args->has("--out") ? std::filesystem::path(args->value("--out")) / asset.kind /
                                    (builtinAssetName(asset.id, asset.kind) + ".png")
                              : AssetThumbnailer::cachePath(defaultHeadCachePath().parent_path(),
                                                            asset.id, asset.kind);
  };
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  std::optional<AssetThumbnailer> thumbnailer;
  int rendered = 0;
  int kept = 0;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    const std::filesystem::path path = target(todo[i]);
    if (std::filesystem::exists(path)) {
      ++kept;
      continue;
    }
    if (!thumbnailer) {
      thumbnailer = AssetThumbnailer::create(size, spp);
    }
    std::cerr << (terminal ? "\r" : "") << "thumbnails: " << i + 1 << "/" << todo.size() << "  "
              << todo[i].id << (terminal ? "\033[K" : "\n") << std::flush;
    std::filesystem::create_directories(path.parent_path());
    writeImage(thumbnailer->render(todo[i].id, todo[i].kind), path);
    ++rendered;
  }
  if (terminal && rendered > 0) {
    std::cerr << "\n";
  }
  std::cout << "rendered " << rendered << ", kept " << kept << " into "
            << (args->has("--out") ? std::filesystem::path(args->value("--out"))
                                   : target(todo.front()).parent_path().parent_path())
                   .string()
            << "\n";
  return 0;
}

int runSheet(std::span<const std::string> arguments) {
  ArgParser parser(
      "synthface library sheet",
      "Renders a contact sheet of built-in assets (all but environments) as samples wear\n"
      "them: one row per asset, on a few identities, each from the front and turned\n"
      "three-quarters. The first identity is the average head.");
  parser.option("--kind", "KIND", "only assets of this kind")
      .option("--out", "FILE", "the sheet to write (.png, .jpg or .exr)")
      .option("--identities", "N", "identities per asset (default 2)")
      .option("--size", "PX", "each picture's width and height (default 160)")
      .option("--spp", "S", "samples per pixel (default 16)");
  const std::optional<ParsedArgs> args = parseOrHelp(parser, arguments);
  if (!args) {
    return 0;
  }
  if (!args->has("--out")) {
    throw Error("--out: give the sheet's file");
  }
  const std::string kind = args->value("--kind");
  const auto identities = static_cast<int>(countOption(*args, "--identities", 2, 1, 16));
  const auto size = static_cast<int>(countOption(*args, "--size", 160, 16, 1024));
  const auto spp = static_cast<int>(countOption(*args, "--spp", 16, 1, 4096));
  const std::vector<AssetInfo> assets = renderedBuiltins(kind);
  const AssetThumbnailer thumbnailer = AssetThumbnailer::create(size, spp);
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  std::vector<Image> images;
  std::vector<std::string> captions;
  for (std::size_t a = 0; a < assets.size(); ++a) {
    std::cerr << (terminal ? "\r" : "") << "sheet: " << a + 1 << "/" << assets.size() << "  "
              << assets[a].id << (terminal ? "\033[K" : "\n") << std::flush;
    for (int identity = 0; identity < identities; ++identity) {
      for (const char* yaw : {"0", "35"}) {
        std::vector<std::string> extra = {std::string("camera.yaw=") + yaw};
        if (identity > 0) {
          extra.push_back("identity.distinctiveness=1");
          extra.push_back("seed=" + std::to_string(identity));
        }
        images.push_back(thumbnailer.render(assets[a].id, assets[a].kind, 0, extra));
        captions.push_back(identity == 0 && yaw[0] == '0'
                               ? builtinAssetName(assets[a].id, assets[a].kind)
                               : std::string());
      }
    }
  }
  if (terminal) {
    std::cerr << "\n";
  }
  writeImage(composeContactSheet(images, captions, 2 * identities), args->value("--out"));
  std::cout << "wrote " << args->value("--out") << ": " << assets.size() << " assets, "
            << identities << " identities, front and three-quarters\n";
  return 0;
}

int runLibrary(std::span<const std::string> arguments) {
  const std::vector<Command> subcommands = {
      {"create", "make an empty library", runCreate},
      {"import", "import files as an asset (mesh, texture, HDRI)", runImport},
      {"list", "list the assets of a library", runList},
      {"info", "print everything recorded of an asset", runInfo},
      {"check", "verify files, hashes and paths", runCheck},
      {"thumbnails", "render the built-in assets' thumbnails", runThumbnails},
      {"sheet", "a contact sheet of built-in assets on a few identities", runSheet},
  };
  return runSubcommand(
      "usage: synthface library COMMAND [ARGS...]\n\nAsset libraries: folders of assets with "
      "an index (library.json) that recipes draw from.\n",
      subcommands, arguments);
}

}  // namespace sf::cli
