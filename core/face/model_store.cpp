#include "face/model_store.h"

#include "face/default_head.h"
#include "face/face_model_io.h"
#include "util/error.h"
#include "util/log.h"
#include "util/version.h"

#include <cstdlib>

namespace sf {

namespace fs = std::filesystem;

fs::path defaultHeadCachePath() {
  fs::path folder;
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache) {
    folder = fs::path(cache) / "synthface";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    folder = fs::path(home) / ".cache" / "synthface";
  } else {
    folder = fs::temp_directory_path() / "synthface-cache";
  }
  return folder / (std::string("default-head-") + kVersion + "-" + kDefaultHeadHash + ".sfm");
}

FaceModel loadFaceModel(const std::string& nameOrPath) {
  if (nameOrPath != "default") {
    if (!fs::exists(nameOrPath)) {
      throw Error(SourceLocation::inFile(nameOrPath), "no such model file");
    }
    return readFaceModel(nameOrPath);
  }
  const fs::path cached = defaultHeadCachePath();
  if (fs::exists(cached)) {
    try {
      return readFaceModel(cached);
    } catch (const Error& error) {
      log::warning(std::string("rebuilding the built-in head: ") + error.what());
    }
  }
  FaceModel model = createDefaultHead();
  try {
    fs::create_directories(cached.parent_path());
    writeFaceModel(model, cached);
  } catch (const std::exception& error) {
    // A read-only home still gets a working model, only without the cache.
    log::warning(std::string("could not cache the built-in head: ") + error.what());
  }
  return model;
}

}  // namespace sf
