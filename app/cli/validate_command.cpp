#include "command.h"
#include "recipe_support.h"

#include <iostream>

namespace sf::cli {

int runValidate(std::span<const std::string> arguments) {
  ArgParser parser("synthface validate",
                   "Checks a recipe: its JSON, every parameter's distribution, its model and\n"
                   "asset library, and the names it uses from them. Prints every problem at\n"
                   "once as FILE: /json/pointer: what is wrong (got X). Exits 1 when there\n"
                   "are errors (warnings alone are fine).");
  addRecipeArguments(parser);
  const std::optional<ParsedArgs> parsed = parseOrHelp(parser, arguments);
  if (!parsed) {
    return 0;
  }
  const std::string file = parsed->value("RECIPE");
  const RecipeValidation validation = validateRecipeFile(file, parsed->values("--set"));
  std::cerr << formatDiagnostics(validation.parse.diagnostics, file);
  if (!validation.ok()) {
    std::size_t errors = 0;
    for (const Diagnostic& diagnostic : validation.parse.diagnostics) {
      errors += diagnostic.isError() ? 1 : 0;
    }
    std::cerr << file << ": " << errors << (errors == 1 ? " error" : " errors") << "\n";
    return 1;
  }
  const Recipe& recipe = validation.parse.recipe;
  if (validation.parse.upgradedFrom > 0) {
    std::cout << file << ": note: schemaVersion " << validation.parse.upgradedFrom << " read as "
              << Recipe::kSchemaVersion << "; 'synthface recipe upgrade' rewrites the file\n";
  }
  std::cout << file << ": valid: " << recipe.samples << " samples, " << recipe.parameters.size()
            << " parameters set (the rest default), model '" << recipe.model << "', "
            << (recipe.library.empty() ? std::string("no asset library")
                                       : "library '" + recipe.library + "'")
            << "\n";
  return 0;
}

}  // namespace sf::cli
