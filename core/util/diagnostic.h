#pragma once

#include <string>
#include <vector>

namespace sf {

/// One problem found in an input document, located by a JSON pointer ("/camera/yaw/sigma")
/// or, for syntax errors, by line and column. Validators collect these instead of throwing
/// on the first problem, so that a user sees every problem at once.
struct Diagnostic {
  enum class Severity { Error, Warning };

  Severity severity = Severity::Error;
  std::string pointer;  ///< JSON pointer; empty for the whole document or a syntax error
  int line = 0;         ///< 1-based; 0 when the pointer locates the problem
  int column = 0;       ///< 1-based; 0 when unknown
  std::string message;  ///< what is wrong, ending in "(got X)" when a value was wrong

  bool isError() const { return severity == Severity::Error; }

  /// "recipe.json: /camera/yaw/sigma: must be > 0 (got -3)", "recipe.json:3:14: ...", and
  /// "recipe.json: /hair/groom: warning: ..." for warnings.
  std::string format(const std::string& file) const;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// Collects diagnostics in the order they are found.
class Diagnostics {
public:
  void error(std::string pointer, std::string message);
  void warning(std::string pointer, std::string message);
  void add(Diagnostic diagnostic) { m_all.push_back(std::move(diagnostic)); }
  void append(const std::vector<Diagnostic>& more);

  bool hasErrors() const;
  std::size_t errorCount() const;
  const std::vector<Diagnostic>& all() const { return m_all; }
  std::vector<Diagnostic> take() { return std::move(m_all); }

private:
  std::vector<Diagnostic> m_all;
};

/// Every diagnostic formatted for `file`, one a line.
std::string formatDiagnostics(const std::vector<Diagnostic>& diagnostics, const std::string& file);

/// Throws sf::Error located at the first error, whose message lists every error (one a line,
/// the first without its location, which the Error carries). Does nothing without errors.
void throwIfErrors(const std::vector<Diagnostic>& diagnostics, const std::string& file);

}  // namespace sf
