#include "command.h"
#include "recipe_support.h"

#include "render/image.h"
#include "scene/scene_stats.h"
#include "scene/stats_plot.h"

#include <iostream>

namespace sf::cli {

int runStats(std::span<const std::string> arguments) {
  ArgParser parser("synthface stats",
                   "Draws many samples of a recipe and summarises every parameter: mean, sd,\n"
                   "min, quantiles and max for numbers, the share of each value for the rest.\n"
                   "With --plot, also a grid of histograms.");
  parser.option("--n", "N", "how many samples (default 10000)")
      .option("--first", "I", "the first sample index (default 0)")
      .option("--plot", "FILE", "also write histograms (.png, .jpg or .exr)")
      .flag("--all", "include every identity coefficient and expression weight");
  addRecipeArguments(parser);
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const std::uint64_t count = countOption(*parsed, "--n", 10000, 1, 1000000);
  const std::uint64_t first =
      countOption(*parsed, "--first", 0, 0, DrawContext::kIndexLimit - count);
  const std::optional<CheckedRecipe> checked = checkRecipe(*parsed);
  if (!checked) {
    return 1;
  }
  const SceneCompiler compiler = SceneCompiler::create(checked->recipe, checked->context);
  const std::vector<ParameterSummary> summaries =
      summarizeScenes(compiler, first, count, parsed->has("--all"));
  const std::string title = std::to_string(count) + " samples of '" + checked->recipe.name + "' (" +
                            checked->file + ", seed " + std::to_string(checked->recipe.seed) + ")";
  std::cout << title << "\n" << formatSummaries(summaries);
  if (parsed->has("--plot")) {
    StatsPlotOptions options;
    options.title = title;
    const std::string plot = parsed->value("--plot");
    writeImage(plotSummaries(summaries, options), plot);
    std::cerr << "wrote " << plot << "\n";
  }
  return 0;
}

}  // namespace sf::cli
