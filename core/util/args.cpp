#include "util/args.h"

#include "util/check.h"
#include "util/error.h"
#include "util/strings.h"

#include <algorithm>

namespace sf {

bool ParsedArgs::has(const std::string& name) const {
  return m_values.contains(name);
}

std::string ParsedArgs::value(const std::string& name, const std::string& fallback) const {
  const auto it = m_values.find(name);
  return it == m_values.end() || it->second.empty() ? fallback : it->second.back();
}

const std::vector<std::string>& ParsedArgs::values(const std::string& name) const {
  static const std::vector<std::string> none;
  const auto it = m_values.find(name);
  return it == m_values.end() ? none : it->second;
}

ArgParser::ArgParser(std::string usageName, std::string summary)
    : m_usageName(std::move(usageName)), m_summary(std::move(summary)) {}

ArgParser& ArgParser::flag(const std::string& name, const std::string& help) {
  m_options.push_back({name, {}, help, false});
  return *this;
}

ArgParser& ArgParser::option(const std::string& name, const std::string& valueName,
                             const std::string& help, bool repeatable) {
  SF_CHECK(!valueName.empty());
  m_options.push_back({name, valueName, help, repeatable});
  return *this;
}

ArgParser& ArgParser::positional(const std::string& name, const std::string& help, Count count) {
  SF_CHECK_MSG(m_positionals.empty() || m_positionals.back().count == Count::One,
               "only the last positional argument may be optional or repeated");
  m_positionals.push_back({name, help, count});
  return *this;
}

const ArgParser::Option* ArgParser::findOption(const std::string& name) const {
  const auto it = std::find_if(m_options.begin(), m_options.end(),
                               [&](const Option& option) { return option.name == name; });
  return it == m_options.end() ? nullptr : &*it;
}

ParsedArgs ArgParser::parse(std::span<const std::string> arguments) const {
  ParsedArgs parsed;
  std::vector<std::string> positionals;
  bool onlyPositionals = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (onlyPositionals || argument.size() < 2 || argument[0] != '-') {
      positionals.push_back(argument);
      continue;
    }
    if (argument == "--") {
      onlyPositionals = true;
      continue;
    }
    if (argument == "--help" || argument == "-h") {
      parsed.m_help = true;
      continue;
    }
    // Split "--name=value".
    const std::size_t equals = argument.find('=');
    const std::string name = argument.substr(0, equals);
    const Option* option = findOption(name);
    if (!option) {
      std::vector<std::string> known;
      for (const Option& candidate : m_options) {
        known.push_back(candidate.name);
      }
      const std::string hint = closestMatch(name, known);
      throw Error("unknown option '" + name + "'" +
                  (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    }
    std::vector<std::string>& slot = parsed.m_values[name];
    if (option->valueName.empty()) {
      if (equals != std::string::npos) {
        throw Error("option '" + name + "' takes no value");
      }
      continue;
    }
    std::string value;
    if (equals != std::string::npos) {
      value = argument.substr(equals + 1);
    } else if (i + 1 < arguments.size()) {
      value = arguments[++i];
    } else {
      throw Error("option '" + name + "' needs a value (" + option->valueName + ")");
    }
    if (!option->repeatable) {
      slot.clear();
    }
    slot.push_back(std::move(value));
  }
  if (parsed.m_help) {
    return parsed;
  }

  // Hand out positionals in order; the last declared one may take none or many.
  std::size_t next = 0;
  for (const Positional& positional : m_positionals) {
    std::vector<std::string>& slot = parsed.m_values[positional.name];
    if (next >= positionals.size()) {
      if (positional.count == Count::One) {
        throw Error("missing argument " + positional.name);
      }
      parsed.m_values.erase(positional.name);
      continue;
    }
    if (positional.count == Count::Many) {
      slot.assign(positionals.begin() + static_cast<std::ptrdiff_t>(next), positionals.end());
      next = positionals.size();
    } else {
      slot.push_back(positionals[next++]);
    }
  }
  if (next < positionals.size()) {
    throw Error("unexpected argument '" + positionals[next] + "'");
  }
  return parsed;
}

std::string ArgParser::help() const {
  std::string text = "usage: " + m_usageName;
  if (!m_options.empty()) {
    text += " [options]";
  }
  for (const Positional& positional : m_positionals) {
    switch (positional.count) {
      case Count::One: text += " " + positional.name; break;
      case Count::Optional: text += " [" + positional.name + "]"; break;
      case Count::Many: text += " [" + positional.name + "...]"; break;
    }
  }
  text += "\n\n" + m_summary + "\n";

  // Two aligned columns: the argument, then its help.
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Positional& positional : m_positionals) {
    rows.emplace_back(positional.name, positional.help);
  }
  for (const Option& option : m_options) {
    rows.emplace_back(option.valueName.empty() ? option.name : option.name + " " + option.valueName,
                      option.help);
  }
  rows.emplace_back("-h, --help", "show this help and exit");
  std::size_t width = 0;
  for (const auto& row : rows) {
    width = std::max(width, row.first.size());
  }
  text += "\n";
  for (const auto& [left, right] : rows) {
    text += "  " + left + std::string(width - left.size() + 2, ' ') + right + "\n";
  }
  return text;
}

}  // namespace sf
