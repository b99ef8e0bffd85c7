// synthface: the command-line tool. Core only, no Qt: it runs on headless cluster nodes.

#include "command.h"

#include "system_info.h"
#include "util/error.h"
#include "util/strings.h"

#include <algorithm>
#include <iostream>

namespace sf::cli {

std::vector<Command> allCommands() {
  return {
      {"model", "face models: info, sheet, export, import, register, build-identity", runModel},
      {"recipe", "recipes: init, paths, schema, upgrade", runRecipe},
      {"validate", "check a recipe and print every problem", runValidate},
      {"sample", "print the resolved parameters of one sample of a recipe", runSample},
      {"render", "render a recipe's samples into a labelled dataset", runRender},
      {"formats", "list the dataset formats render can write, plugins included", runFormats},
      {"library", "import, list and check asset libraries", runLibrary},
      {"stats", "summarise a recipe's distributions over many samples", runStats},
      {"sysinfo", "check this machine: versions, threads, ray tracing, formats", runSysinfo},
  };
}

std::optional<ParsedArgs> parseOrHelp(const ArgParser& parser,
                                      std::span<const std::string> arguments) {
  ParsedArgs args = parser.parse(arguments);
  if (args.helpRequested()) {
    std::cout << parser.help();
    return std::nullopt;
  }
  return args;
}

int runSubcommand(const std::string& usage, const std::vector<Command>& subcommands,
                  std::span<const std::string> arguments) {
  if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h") {
    std::ostream& out = arguments.empty() ? std::cerr : std::cout;
    out << usage << "\ncommands:\n";
    std::size_t width = 8;
    for (const Command& command : subcommands) {
      width = std::max(width, command.name.size());
    }
    for (const Command& command : subcommands) {
      out << "  " << command.name << std::string(width + 2 - command.name.size(), ' ')
          << command.summary << "\n";
    }
    return arguments.empty() ? 2 : 0;
  }
  for (const Command& command : subcommands) {
    if (command.name == arguments[0]) {
      return command.run(arguments.subspan(1));
    }
  }
  std::vector<std::string> names;
  for (const Command& command : subcommands) {
    names.push_back(command.name);
  }
  const std::string hint = closestMatch(arguments[0], names);
  throw Error("unknown command '" + arguments[0] + "'" +
              (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

std::string requiredValue(const ParsedArgs& args, const std::string& name,
                          const std::string& valueName) {
  if (!args.has(name)) {
    throw Error(name + " " + valueName + " is required");
  }
  return args.value(name);
}

namespace {

void printHelp(std::ostream& out) {
  out << "usage: synthface [--version] [--help] COMMAND [ARGS...]\n\n"
         "SynthFace renders synthetic face datasets with exact labels.\n\n"
         "commands:\n";
  for (const Command& command : allCommands()) {
    out << "  " << command.name << std::string(12 - command.name.size(), ' ') << command.summary
        << "\n";
  }
  out << "\nRun 'synthface COMMAND --help' for a command's options.\n";
}

int run(const std::vector<std::string>& arguments) {
  if (arguments.empty()) {
    printHelp(std::cerr);
    return 2;
  }
  const std::string& first = arguments.front();
  if (first == "--help" || first == "-h" || first == "help") {
    printHelp(std::cout);
    return 0;
  }
  if (first == "--version" || first == "-V") {
    std::cout << "synthface " << synthfaceVersion() << "\n";
    return 0;
  }

  const std::vector<Command> commands = allCommands();
  for (const Command& command : commands) {
    if (command.name == first) {
      try {
        return command.run(std::span(arguments).subspan(1));
      } catch (const Error& error) {
        std::cerr << "synthface " << command.name << ": " << error.what() << "\n";
        return 2;
      }
    }
  }
  std::vector<std::string> names;
  for (const Command& command : commands) {
    names.push_back(command.name);
  }
  const std::string hint = closestMatch(first, names);
  std::cerr << "synthface: unknown command '" << first << "'"
            << (hint.empty() ? "" : " (did you mean '" + hint + "'?)")
            << "; run 'synthface --help' for the list\n";
  return 2;
}

}  // namespace

}  // namespace sf::cli

int main(int argc, char** argv) {
  try {
    return sf::cli::run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const sf::Error& error) {
    std::cerr << "synthface: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "synthface: unexpected error: " << error.what() << "\n";
    return 1;
  }
}
