#include "util/error.h"

namespace sf {

std::string SourceLocation::toString() const {
  std::string text = file;
  if (line > 0) {
    text += ":" + std::to_string(line);
  }
  if (!pointer.empty()) {
    if (!text.empty()) {
      text += ": ";
    }
    text += pointer;
  }
  return text;
}

namespace {

std::string describe(const SourceLocation& where, const std::string& message) {
  const std::string location = where.toString();
  return location.empty() ? message : location + ": " + message;
}

}  // namespace

Error::Error(std::string message) : Error(SourceLocation{}, std::move(message)) {}

Error::Error(SourceLocation where, std::string message)
    : std::runtime_error(describe(where, message)),
      m_where(std::move(where)),
      m_message(std::move(message)) {}

}  // namespace sf
