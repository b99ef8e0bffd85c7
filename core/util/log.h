#pragma once

#include <string_view>

namespace sf::log {

enum class Level { Debug, Info, Warning, Error, Off };

/// Messages below this level are dropped. Thread-safe; the default is Info.
void setLevel(Level level);
Level level();

/// Writes one line to stderr ("warning: ..."), whole even when threads log at once.
void write(Level level, std::string_view message);

inline void debug(std::string_view message) {
  write(Level::Debug, message);
}
inline void info(std::string_view message) {
  write(Level::Info, message);
}
inline void warning(std::string_view message) {
  write(Level::Warning, message);
}
inline void error(std::string_view message) {
  write(Level::Error, message);
}

}  // namespace sf::log
