#pragma once

#include "face/face_model.h"

#include <filesystem>
#include <string>

namespace sf {

/// Where the built-in head is cached: $XDG_CACHE_HOME/synthface (or ~/.cache/synthface),
/// in a file named for a hash of the generator's code, so any new generator builds its own.
std::filesystem::path defaultHeadCachePath();

/// Loads a model by name: "default" is the built-in head (read from the cache, or built
/// and cached on first use: about a second); anything else is the path of an .sfm file.
/// Throws sf::Error naming the file for a missing or broken model. A broken cache file is
/// rebuilt, never trusted.
FaceModel loadFaceModel(const std::string& nameOrPath);

}  // namespace sf
