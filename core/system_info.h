#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sf {

/// What this build and this machine offer: SynthFace's version, the versions of the
/// libraries it runs on, and what they can read and write. `synthface sysinfo` prints it,
/// so a cluster node can be checked before a batch render is sent to it.
struct SystemInfo {
  std::string version;                                         ///< SynthFace's version
  std::vector<std::pair<std::string, std::string>> libraries;  ///< name, version
  int hardwareThreads = 0;                                     ///< TBB's default concurrency
  std::string rayTracing;      ///< Embree status: "ok" or why it cannot start
  std::string imageFormats;    ///< OpenImageIO's formats, comma separated
  std::string meshExtensions;  ///< Assimp's importable extensions, such as "*.obj;*.gltf"
};

/// Gathers SystemInfo. Starts an Embree device to check that ray tracing works here.
SystemInfo collectSystemInfo();

/// SynthFace's version, such as "0.1.0".
std::string synthfaceVersion();

}  // namespace sf
