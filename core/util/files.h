#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace sf {

/// Reads a whole file. Throws sf::Error naming the file when it cannot be read.
std::string readFile(const std::filesystem::path& path);

/// Replaces `path` so that a reader, or a crash at any moment, sees either the old file or
/// the complete new one, never a mix: `write` fills a temporary file in the same folder,
/// which is flushed to disk and renamed over `path`. If `write` throws, the temporary file
/// is removed and `path` is untouched. Throws sf::Error naming the file on I/O failure.
void replaceFileAtomically(const std::filesystem::path& path,
                           const std::function<void(const std::filesystem::path& temp)>& write);

/// replaceFileAtomically() for bytes already in memory.
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace sf
