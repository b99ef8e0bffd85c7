#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sf {

/// Edit distance between two strings (bytes, case-sensitive), where inserting, deleting or
/// replacing a character, or swapping two neighbours, costs one.
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate closest to `word` by edit distance, for "did you mean" hints; empty when
/// none is close enough to be a plausible typo (more than a third of the word differs).
std::string closestMatch(std::string_view word, std::span<const std::string> candidates);

/// A name in single quotes, for messages about files: 'jawOpen'.
std::string singleQuoted(std::string_view text);

/// The text with ASCII letters in lower case (file extensions, names compared without case).
std::string toLower(std::string_view text);

/// Joins the strings with a separator.
std::string join(std::span<const std::string> parts, std::string_view separator);

}  // namespace sf
