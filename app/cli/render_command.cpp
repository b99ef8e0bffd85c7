#include "command.h"
#include "recipe_support.h"

#include "batch/batch_runner.h"
#include "util/error.h"

#include <oneapi/tbb/global_control.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

namespace sf::cli {

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onInterrupt(int) {
  g_cancel.store(true);
}

std::string duration(double seconds) {
  char buffer[32];
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm", s / 3600, (s / 60) % 60);
  } else if (s >= 60) {
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds", s / 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%llds", s);
  }
  return buffer;
}

/// "K/N" as two integers; throws sf::Error naming --shard otherwise.
std::pair<int, int> parseShard(const std::string& text) {
  const std::size_t slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      std::size_t used = 0;
      const int k = std::stoi(text.substr(0, slash), &used);
      const bool kWhole = used == slash;
      const int n = std::stoi(text.substr(slash + 1), &used);
      if (kWhole && used == text.size() - slash - 1 && n >= 1 && k >= 0 && k < n) {
        return {k, n};
      }
    }
  } catch (const std::exception&) {
  }
  throw Error("--shard: expected K/N with 0 <= K < N (such as 0/4), got '" + text + "'");
}

}  // namespace

int runRender(std::span<const std::string> arguments) {
  ArgParser parser(
      "synthface render",
      "Renders a recipe's samples into a dataset folder in the FaceSynthetics layout\n"
      "({id}.png, {id}_seg.png, {id}_ldmks.txt) with depth, normals, landmark visibility,\n"
      "dense landmarks, soft masks and {id}_meta.json beside them, and manifest.json.\n"
      "Every file is written atomically; after a kill, --resume finishes the rest. Shards\n"
      "of one recipe (--shard K/N, one per cluster job) together make exactly the dataset\n"
      "a single process would.");
  parser.option("--out", "DIR", "the dataset folder (created if missing)")
      .option("--count", "N", "samples in the dataset (default: the recipe's samples)")
      .option("--start", "I", "the first sample index (default 0)")
      .option("--shard", "K/N", "render only shard K of N (0-based): indices start+K, +N, ...")
      .flag("--resume", "skip samples already complete in DIR")
      .option("--threads", "T", "worker threads (default: all cores)")
      .option("--format", "NAME",
              "a dataset format (default facesynthetics; list: synthface formats); repeatable",
              true)
      .option("--spp", "S", "samples per pixel, overriding render.samples")
      .option("--resolution", "PX", "image width and height, overriding render.resolution")
      .flag("--no-denoise", "keep the path tracer's noise (overrides render.denoise)")
      .flag("--quiet", "no progress line");
  addRecipeArguments(parser);
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const std::string out = requiredValue(*parsed, "--out", "DIR");
  const std::optional<CheckedRecipe> checked = checkRecipe(*parsed);
  if (!checked) {
    return 1;
  }
  BatchOptions options;
  options.out = out;
  options.count = countOption(*parsed, "--count", checked->recipe.samples, 1, 100000000);
  options.start = countOption(*parsed, "--start", 0, 0, DrawContext::kIndexLimit - options.count);
  if (parsed->has("--shard")) {
    std::tie(options.shardIndex, options.shardCount) = parseShard(parsed->value("--shard"));
  }
  options.resume = parsed->has("--resume");
  if (parsed->has("--format")) {
    options.formats = parsed->values("--format");
  }
  loadDatasetPlugins();
  for (const std::string& format : options.formats) {
    DatasetWriterRegistry::instance().create(format);  // unknown formats fail before rendering
  }
  RenderOverrides overrides;
  if (parsed->has("--spp")) {
    overrides.samplesPerPixel = static_cast<int>(countOption(*parsed, "--spp", 64, 1, 65536));
  }
  if (parsed->has("--resolution")) {
    overrides.resolution = static_cast<int>(countOption(*parsed, "--resolution", 512, 16, 16384));
  }
  if (parsed->has("--no-denoise")) {
    overrides.denoise = false;
  }
  std::unique_ptr<tbb::global_control> threads;
  if (parsed->has("--threads")) {
    threads = std::make_unique<tbb::global_control>(
        tbb::global_control::max_allowed_parallelism,
        static_cast<std::size_t>(countOption(*parsed, "--threads", 1, 1, 1024)));
  }

  const std::filesystem::path recipeFile(checked->file);
  const SampleRenderer renderer = SampleRenderer::create(checked->recipe, checked->context,
                                                         recipeFile.parent_path(), overrides);

  const bool quiet = parsed->has("--quiet");
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  const std::string shard = options.shardCount > 1
                                ? "shard " + std::to_string(options.shardIndex) + "/" +
                                      std::to_string(options.shardCount) + ": "
                                : "";
  options.progress = [&](const BatchProgress& p) {
    if (quiet) {
      return;
    }
    const double perSample = p.done > 0 ? p.seconds / static_cast<double>(p.done) : 0.0;
    const double eta = perSample * static_cast<double>(p.total - p.done);
    char line[256];
    std::snprintf(line, sizeof(line),
                  "%s%llu/%llu samples (%llu skipped, %llu failed), %.1f s/sample, ETA %s",
                  shard.c_str(), static_cast<unsigned long long>(p.done),
                  static_cast<unsigned long long>(p.total),
                  static_cast<unsigned long long>(p.skipped),
                  static_cast<unsigned long long>(p.failed), perSample, duration(eta).c_str());
    std::cerr << (terminal ? "\r" : "") << line << (terminal ? "\033[K" : "\n") << std::flush;
  };
  g_cancel.store(false);
  options.cancel = &g_cancel;
  const auto previous = std::signal(SIGINT, onInterrupt);
  BatchResult result;
  try {
    result = runBatch(renderer, checked->recipe, options);
  } catch (...) {
    std::signal(SIGINT, previous);
    throw;
  }
  std::signal(SIGINT, previous);
  if (!quiet && terminal) {
    std::cerr << "\n";
  }
  std::cerr << "rendered " << result.rendered << ", skipped " << result.skipped << ", failed "
            << result.failed << " in " << duration(result.seconds) << " into " << out
            << (result.cancelled ? " (interrupted: --resume finishes it)" : "") << "\n";
  for (const auto& [index, error] : result.failures) {
    std::cerr << "  sample " << index << ": " << error << "\n";
  }
  return result.failed > 0 || result.cancelled ? 1 : 0;
}

}  // namespace sf::cli
