#pragma once

#include "util/args.h"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sf::cli {

/// One `synthface` subcommand. `run` gets the arguments after the command's name and
/// returns the process exit code; it may throw sf::Error for bad input.
struct Command {
  std::string name;
  std::string summary;
  std::function<int(std::span<const std::string> arguments)> run;
};

/// Every subcommand, in the order `synthface --help` lists them.
std::vector<Command> allCommands();

/// Parses a command's arguments; on --help prints the usage and returns nothing.
std::optional<ParsedArgs> parseOrHelp(const ArgParser& parser,
                                      std::span<const std::string> arguments);

/// Runs the subcommand `arguments[0]` of a command with subcommands (`synthface model
/// info`); with no arguments or --help, prints `usage` (its first lines) and the list.
/// Throws sf::Error with a "did you mean" for an unknown subcommand.
int runSubcommand(const std::string& usage, const std::vector<Command>& subcommands,
                  std::span<const std::string> arguments);

/// The value of an option the command cannot do without; throws sf::Error naming it.
std::string requiredValue(const ParsedArgs& args, const std::string& name,
                          const std::string& valueName);

int runSysinfo(std::span<const std::string> arguments);
int runModel(std::span<const std::string> arguments);
int runRecipe(std::span<const std::string> arguments);
int runRender(std::span<const std::string> arguments);
int runFormats(std::span<const std::string> arguments);
int runLibrary(std::span<const std::string> arguments);

/// Loads the dataset writer plugins once per process (formats_command.cpp); problems are
/// logged as warnings and the other plugins still load.
void loadDatasetPlugins();
int runSample(std::span<const std::string> arguments);
int runStats(std::span<const std::string> arguments);
int runValidate(std::span<const std::string> arguments);

}  // namespace sf::cli
