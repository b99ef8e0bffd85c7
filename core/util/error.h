#pragma once

#include <stdexcept>
#include <string>

namespace sf {

/// Where a piece of bad input came from: a file, and inside it a JSON pointer or a line.
struct SourceLocation {
  std::string file;     ///< path as the user gave it; empty when the input had no file
  std::string pointer;  ///< JSON pointer such as "/camera/yaw/sigma"; empty when unused
  int line = 0;         ///< 1-based line number; 0 when unused

  static SourceLocation inFile(std::string file) { return {std::move(file), {}, 0}; }
  static SourceLocation atPointer(std::string file, std::string pointer) {
    return {std::move(file), std::move(pointer), 0};
  }
  static SourceLocation atLine(std::string file, int line) { return {std::move(file), {}, line}; }

  /// "recipe.json: /camera/yaw", "model.obj:12", "recipe.json" or "" when nothing is known.
  std::string toString() const;
};

/// Bad input, reported to the user. The message says what is wrong; `where()` says where.
/// what() gives both, in the form "recipe.json: /camera/yaw/sigma: must be > 0, got -3".
class Error : public std::runtime_error {
public:
  explicit Error(std::string message);
  Error(SourceLocation where, std::string message);

  const SourceLocation& where() const { return m_where; }
  /// The message without its location.
  const std::string& message() const { return m_message; }

private:
  SourceLocation m_where;
  std::string m_message;
};

}  // namespace sf
