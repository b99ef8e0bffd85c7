#include "system_info.h"

#include "render/embree_accel.h"
#include "util/error.h"
#include "util/version.h"

#include <OpenImageIO/imageio.h>
#include <assimp/version.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/version.h>
#include <Eigen/Core>
#include <assimp/Importer.hpp>
#include <nlohmann/json.hpp>

namespace sf {

namespace {

std::string dotted(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace

std::string synthfaceVersion() {
  return kVersion;
}

SystemInfo collectSystemInfo() {
  SystemInfo info;
  info.version = kVersion;

  std::string embreeVersion = "unavailable";
  try {
    EmbreeDevice device;
    embreeVersion = device.version();
    info.rayTracing = "ok";
  } catch (const Error& error) {
    info.rayTracing = error.what();
  }

  const int oiio = OIIO::openimageio_version();
  info.libraries = {
      {"Eigen", dotted(EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION)},
      {"OpenSubdiv", kOpenSubdivVersion},
      {"Assimp",
       dotted(static_cast<int>(aiGetVersionMajor()), static_cast<int>(aiGetVersionMinor()),
              static_cast<int>(aiGetVersionPatch()))},
      {"OpenImageIO", dotted(oiio / 10000, oiio / 100 % 100, oiio % 100)},
      {"Embree", embreeVersion},
      {"oneTBB", TBB_runtime_version()},
      {"nlohmann-json", dotted(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                               NLOHMANN_JSON_VERSION_PATCH)},
  };
  info.hardwareThreads = oneapi::tbb::info::default_concurrency();
  info.imageFormats = OIIO::get_string_attribute("format_list");

  Assimp::Importer importer;
  importer.GetExtensionList(info.meshExtensions);
  return info;
}

}  // namespace sf
