#include "util/files.h"

#include "util/error.h"

#include <fcntl.h>
#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sf {

namespace fs = std::filesystem;

namespace {

std::string systemError() {
  return std::strerror(errno);
}

/// A name beside `path` that no other thread or process of ours will pick.
fs::path temporarySibling(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  fs::path temp = path;
  temp.replace_filename("." + path.filename().string() + ".tmp." + std::to_string(::getpid()) +
                        "." + std::to_string(counter++));
  return temp;
}

/// Flushes a file or folder to disk.
void syncPath(const fs::path& path, bool isDirectory) {
  const int fd = ::open(path.c_str(), isDirectory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) {
    throw Error(SourceLocation::inFile(path.string()), "cannot open to flush: " + systemError());
  }
  const int result = ::fsync(fd);
  const std::string reason = result != 0 ? systemError() : std::string();
  ::close(fd);
  // Some file systems do not support fsync on folders; the rename is still atomic.
  if (result != 0 && !isDirectory) {
    throw Error(SourceLocation::inFile(path.string()), "cannot flush to disk: " + reason);
  }
}

}  // namespace

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(SourceLocation::inFile(path.string()), "cannot open for reading: " + systemError());
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) {
    throw Error(SourceLocation::inFile(path.string()), "read failed: " + systemError());
  }
  return std::move(bytes).str();
}

void replaceFileAtomically(const fs::path& path,
                           const std::function<void(const fs::path& temp)>& write) {
  const fs::path temp = temporarySibling(path);
  try {
    write(temp);
    if (!fs::exists(temp)) {
      throw Error(SourceLocation::inFile(path.string()), "nothing was written");
    }
    syncPath(temp, false);
    std::error_code ec;
    fs::rename(temp, path, ec);
    if (ec) {
      throw Error(SourceLocation::inFile(path.string()), "cannot replace file: " + ec.message());
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw;
  }
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  syncPath(folder, true);
}

void writeFileAtomically(const fs::path& path, std::string_view bytes) {
  replaceFileAtomically(path, [&](const fs::path& temp) {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error(SourceLocation::inFile(path.string()),
                  "cannot open for writing: " + systemError());
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      throw Error(SourceLocation::inFile(path.string()), "write failed: " + systemError());
    }
  });
}

}  // namespace sf
