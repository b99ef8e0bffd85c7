#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

namespace sf {

/// The result of ArgParser::parse(): option values and positional arguments by name.
class ParsedArgs {
public:
  bool helpRequested() const { return m_help; }
  /// True when the flag or option was given.
  bool has(const std::string& name) const;
  /// The option's last value, or `fallback` when it was not given.
  std::string value(const std::string& name, const std::string& fallback = {}) const;
  /// Every value of a repeatable option, or of a positional argument, in order.
  const std::vector<std::string>& values(const std::string& name) const;

private:
  friend class ArgParser;
  bool m_help = false;
  std::map<std::string, std::vector<std::string>> m_values;
};

/// Parses one command's arguments: `--name`, `--name value`, `--name=value` and
/// positionals. `--help`/`-h` is always known. Unknown options and missing values throw
/// sf::Error with a "did you mean" hint; help() prints the usage for `--help`.
class ArgParser {
public:
  enum class Count { One, Optional, Many };

  ArgParser(std::string usageName, std::string summary);

  /// A boolean `--name`.
  ArgParser& flag(const std::string& name, const std::string& help);
  /// `--name VALUE`; a repeatable option keeps every value.
  ArgParser& option(const std::string& name, const std::string& valueName, const std::string& help,
                    bool repeatable = false);
  /// A positional argument. Only the last one may be Optional or Many.
  ArgParser& positional(const std::string& name, const std::string& help, Count count = Count::One);

  ParsedArgs parse(std::span<const std::string> arguments) const;
  std::string help() const;

private:
  struct Option {
    std::string name;
    std::string valueName;  // empty for flags
    std::string help;
    bool repeatable = false;
  };
  struct Positional {
    std::string name;
    std::string help;
    Count count = Count::One;
  };

  const Option* findOption(const std::string& name) const;

  std::string m_usageName;
  std::string m_summary;
  std::vector<Option> m_options;
  std::vector<Positional> m_positionals;
};

}  // namespace sf
