#include "util/check.h"

#include <cstdio>
#include <cstdlib>

namespace sf::detail {

void checkFailed(const char* file, int line, const char* condition, const char* message) {
  std::fprintf(stderr, "synthface: internal error at %s:%d: check failed: %s%s%s\n", file, line,
               condition, message ? ": " : "", message ? message : "");
  std::fflush(stderr);
  std::abort();
}

}  // namespace sf::detail
