#pragma once

/// Internal invariants. A failed check is a bug in SynthFace, not bad input: it prints
/// where it failed and aborts. Bad input throws sf::Error instead.

namespace sf::detail {

[[noreturn]] void checkFailed(const char* file, int line, const char* condition,
                              const char* message);

}  // namespace sf::detail

#define SF_CHECK(condition)                                               \
  do {                                                                    \
    if (!(condition)) {                                                   \
      ::sf::detail::checkFailed(__FILE__, __LINE__, #condition, nullptr); \
    }                                                                     \
  } while (false)

#define SF_CHECK_MSG(condition, message)                                  \
  do {                                                                    \
    if (!(condition)) {                                                   \
      ::sf::detail::checkFailed(__FILE__, __LINE__, #condition, message); \
    }                                                                     \
  } while (false)
