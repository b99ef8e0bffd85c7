#include "command.h"
#include "recipe_support.h"

#include "recipe/parameter_paths.h"
#include "recipe/recipe_io.h"
#include "recipe/recipe_schema.h"
#include "recipe/recipe_upgrade.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <filesystem>
#include <iostream>

namespace sf::cli {

namespace {

int runInit(std::span<const std::string> arguments) {
  ArgParser parser("synthface recipe init",
                   "Writes a new recipe with every parameter at its default: the settings and\n"
                   "nothing else. Add parameters to it by their dotted paths (see 'synthface\n"
                   "recipe paths').");
  parser.option("--out", "FILE", "the recipe to write")
      .option("--name", "NAME", "the dataset's name (default: the file's name)")
      .flag("--force", "replace an existing file");
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const std::string out = requiredValue(*parsed, "--out", "FILE");
  if (std::filesystem::exists(out) && !parsed->has("--force")) {
    throw Error(SourceLocation::inFile(out), "already exists (use --force to replace it)");
  }
  Recipe recipe;
  recipe.name = parsed->value("--name", std::filesystem::path(out).stem().string());
  saveRecipe(recipe, out);
  std::cerr << "wrote " << out << "\n";
  return 0;
}

int runSchema(std::span<const std::string> arguments) {
  ArgParser parser("synthface recipe schema",
                   "Prints the JSON Schema of recipes (draft 2020-12), for editors to validate\n"
                   "and complete recipe files. resources/recipe.schema.json is its output.");
  parser.option("--out", "FILE", "write it to a file instead");
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const std::string text = dumpJson(recipeJsonSchema(), 2) + "\n";
  if (parsed->has("--out")) {
    writeFileAtomically(parsed->value("--out"), text);
    std::cerr << "wrote " << parsed->value("--out") << "\n";
  } else {
    std::cout << text;
  }
  return 0;
}

int runUpgrade(std::span<const std::string> arguments) {
  ArgParser parser(
      "synthface recipe upgrade",
      "Rewrites a recipe in the current schema version (" + std::to_string(Recipe::kSchemaVersion) +
          "). The steps:\n" + [] {
            std::string steps;
            for (const RecipeUpgradeStep& step : recipeUpgradeSteps()) {
              steps += "  " + std::to_string(step.from) + " -> " + std::to_string(step.from + 1) +
                       ": " + step.summary + "\n";
            }
            return steps;
          }());
  parser.option("--out", "FILE", "where to write it (default: replace RECIPE)")
      .positional("RECIPE", "the recipe file");
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const std::string file = parsed->value("RECIPE");
  const std::string out = parsed->value("--out", file);
  const RecipeParse read = readRecipe(file);
  std::cerr << formatDiagnostics(read.diagnostics, file);
  if (!read.ok()) {
    return 1;
  }
  saveRecipe(read.recipe, out);
  std::cerr << "wrote " << out << " (schemaVersion "
            << (read.upgradedFrom > 0 ? read.upgradedFrom : Recipe::kSchemaVersion) << " -> "
            << Recipe::kSchemaVersion << ")\n";
  return 0;
}

int runPaths(std::span<const std::string> arguments) {
  ArgParser parser("synthface recipe paths",
                   "Lists every parameter a recipe can set: its dotted path, kind, range and\n"
                   "default, and what it means. '*' stands for a name from the model (identity\n"
                   "modes, blendshapes) or the recipe (expression presets).");
  parser.flag("--json", "print the table as JSON");
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  nlohmann::json table = nlohmann::json::array();
  for (const ParameterInfo& info : parameterTable()) {
    nlohmann::json entry = {{"path", info.path},
                            {"kind", valueKindName(info.kind)},
                            {"default", info.defaultValue},
                            {"help", info.help}};
    if (info.kind == ValueKind::Number || info.kind == ValueKind::Integer) {
      entry["min"] = info.min;
      entry["max"] = info.max;
      entry["unit"] = info.unit;
    }
    if (!info.choices.empty()) {
      entry["choices"] = info.choices;
    }
    table.push_back(entry);
    if (parsed->has("--json")) {
      continue;
    }
    std::string range;
    if (info.kind == ValueKind::Number || info.kind == ValueKind::Integer) {
      range = " [" + numberText(info.min) + ", " + numberText(info.max) +
              (info.unit.empty() ? "" : " " + info.unit) + "]";
    }
    std::cout << info.path << " (" << valueKindName(info.kind) << range << ")\n    " << info.help
              << "\n    default: " << dumpJson(info.defaultValue) << "\n";
  }
  if (parsed->has("--json")) {
    std::cout << dumpJson(table, 2) << "\n";
  }
  return 0;
}

}  // namespace

int runRecipe(std::span<const std::string> arguments) {
  const std::vector<Command> subcommands = {
      {"init", "write a new recipe with the defaults", runInit},
      {"paths", "list every parameter path with its default", runPaths},
      {"schema", "print the JSON Schema of recipes", runSchema},
      {"upgrade", "rewrite a recipe in the current schema version", runUpgrade},
  };
  return runSubcommand(
      "usage: synthface recipe COMMAND [ARGS...]\n\nRecipes: what a dataset is, as JSON.\nSee also "
      "'synthface validate', 'sample' and 'stats'.\n",
      subcommands, arguments);
}

}  // namespace sf::cli
