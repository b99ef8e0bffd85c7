#include "util/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace sf::log {

namespace {

std::atomic<Level> g_level{Level::Info};
std::mutex g_writeMutex;

const char* prefix(Level level) {
  switch (level) {
    case Level::Debug: return "debug: ";
    case Level::Warning: return "warning: ";
    case Level::Error: return "error: ";
    default: return "";
  }
}

}  // namespace

void setLevel(Level level) {
  g_level.store(level);
}

Level level() {
  return g_level.load();
}

void write(Level level, std::string_view message) {
  if (level < g_level.load() || level == Level::Off) {
    return;
  }
  // Build the whole line first so one fwrite keeps it in one piece.
  std::string line = prefix(level);
  line.append(message);
  line.push_back('\n');
  const std::lock_guard lock(g_writeMutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace sf::log
