#include "util/diagnostic.h"

#include "util/error.h"

#include <algorithm>

namespace sf {

std::string Diagnostic::format(const std::string& file) const {
  std::string text = file;
  if (line > 0) {
    text += ":" + std::to_string(line);
    if (column > 0) {
      text += ":" + std::to_string(column);
    }
  }
  if (!pointer.empty()) {
    text += (text.empty() ? "" : ": ") + pointer;
  }
  if (!text.empty()) {
    text += ": ";
  }
  if (severity == Severity::Warning) {
    text += "warning: ";
  }
  return text + message;
}

void Diagnostics::error(std::string pointer, std::string message) {
  m_all.push_back({Diagnostic::Severity::Error, std::move(pointer), 0, 0, std::move(message)});
}

void Diagnostics::warning(std::string pointer, std::string message) {
  m_all.push_back({Diagnostic::Severity::Warning, std::move(pointer), 0, 0, std::move(message)});
}

void Diagnostics::append(const std::vector<Diagnostic>& more) {
  m_all.insert(m_all.end(), more.begin(), more.end());
}

bool Diagnostics::hasErrors() const {
  return errorCount() > 0;
}

std::size_t Diagnostics::errorCount() const {
  return static_cast<std::size_t>(
      std::count_if(m_all.begin(), m_all.end(), [](const Diagnostic& d) { return d.isError(); }));
}

std::string formatDiagnostics(const std::vector<Diagnostic>& diagnostics, const std::string& file) {
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics) {
    text += diagnostic.format(file) + "\n";
  }
  return text;
}

void throwIfErrors(const std::vector<Diagnostic>& diagnostics, const std::string& file) {
  const Diagnostic* first = nullptr;
  std::string message;
  for (const Diagnostic& diagnostic : diagnostics) {
    if (!diagnostic.isError()) {
      continue;
    }
    if (!first) {
      first = &diagnostic;
      message = diagnostic.message;
      if (diagnostic.line > 0 && diagnostic.column > 0) {
        message = "column " + std::to_string(diagnostic.column) + ": " + message;
      }
    } else {
      message += "\n" + diagnostic.format(file);
    }
  }
  if (first) {
    throw Error(first->line > 0 ? SourceLocation::atLine(file, first->line)
                                : SourceLocation::atPointer(file, first->pointer),
                message);
  }
}

}  // namespace sf
