#pragma once

#include <functional>
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

int runSysinfo(std::span<const std::string> arguments);
int runModel(std::span<const std::string> arguments);

}  // namespace sf::cli
