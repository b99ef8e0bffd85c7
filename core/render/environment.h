#pragma once

#include "render/image.h"

#include <Eigen/Core>

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sf {

/// Distant lighting from every direction: an equirectangular (latitude-longitude) map of
/// linear RGB radiance, importance-sampled by luminance.
///
/// World space is the face model's: y up, the face looking along +z. Column u of the map is
/// the azimuth measured from -z (behind the head) through +x; row 0 is straight up. So the
/// middle column lights the face from the front, the way HDRI viewers show it.
class Environment {
public:
  /// Builds the sampling tables. `rotationDegrees` turns the map about +y (counterclockwise
  /// seen from above); `intensity` scales its radiance. Throws sf::Error for an empty map, a
  /// map that is not RGB or RGBA, or a negative or non-finite intensity.
  static Environment create(Image map, float rotationDegrees = 0.0f, float intensity = 1.0f);

  /// Radiance arriving from direction `direction` (unit length, pointing away from the scene).
  Eigen::Vector3f radiance(const Eigen::Vector3f& direction) const;

  struct Sample {
    Eigen::Vector3f direction = Eigen::Vector3f::UnitY();  ///< unit, pointing away
    Eigen::Vector3f radiance = Eigen::Vector3f::Zero();
    float pdf = 0.0f;  ///< per unit solid angle
  };
  /// A direction drawn in proportion to luminance times solid angle, from two uniform numbers.
  Sample sample(float u1, float u2) const;
  /// The solid-angle density with which sample() draws `direction`.
  float pdf(const Eigen::Vector3f& direction) const;

  const Image& map() const { return m_map; }

private:
  Eigen::Vector2f toMap(const Eigen::Vector3f& direction) const;  ///< (u, v) in [0, 1)
  Eigen::Vector3f fromMap(float u, float v) const;

  Image m_map;
  float m_rotation = 0.0f;  ///< radians
  float m_intensity = 1.0f;
  std::vector<float> m_rowCdf;       ///< height + 1 entries, normalised
  std::vector<float> m_columnCdf;    ///< per row width + 1 entries, normalised
  std::vector<float> m_rowWeight;    ///< per row, its share of the total
  std::vector<float> m_pixelWeight;  ///< per pixel, luminance * sin(theta), unnormalised
  float m_total = 0.0f;
};

/// A built-in environment the code paints: studios, skies and rooms, so that a fresh install
/// renders with nothing downloaded.
struct BuiltinEnvironment {
  std::string id;                 ///< "studio_softbox", "overcast", ...
  std::string name;               ///< for people
  std::vector<std::string> tags;  ///< "studio", "outdoor", "indoor", "warm"...
};

/// The built-in environments, in a stable order.
std::span<const BuiltinEnvironment> builtinEnvironments();

/// Paints built-in environment `id` as an equirectangular map `width` x width/2 pixels.
/// Deterministic. Throws sf::Error for an unknown id.
Image paintBuiltinEnvironment(std::string_view id, int width = 1024);

/// An HDRI environment another package installed on this machine, indexed as a built-in
/// asset: Debian's `blender-data` ships eight CC0 maps by Greg Zaal (HDRI Haven).
struct SystemEnvironment {
  std::string id;                 ///< "blender_city", ...
  std::string name;               ///< for people
  std::vector<std::string> tags;  ///< "hdri", "outdoor", "indoor"...
  std::filesystem::path file;     ///< absolute path of the map
  std::string licence;            ///< "CC0-1.0"
  std::string author;             ///< who made the map
  std::string source;             ///< where it came from
};

/// The HDRIs of a Blender `studiolights/world` folder: every .exr and .hdr in it, when its
/// license.txt says the maps are CC0 (nothing otherwise). Sorted by id; deterministic.
std::vector<SystemEnvironment> findBlenderEnvironments(const std::filesystem::path& folder);

/// The system environments of this machine, found once per process: Blender's maps in
/// $SYNTHFACE_BLENDER_HDRI_DIR when it is set (empty: none), else in Debian's
/// /usr/share/blender/datafiles/studiolights/world.
std::span<const SystemEnvironment> systemEnvironments();

/// The environment map for an id: a built-in one by name, a system environment by its id
/// ("blender_city"), or an image file (HDR, EXR, PNG...) read with OpenImageIO. Maps are cached per
/// id for the life of the process. Throws sf::Error naming the file when it cannot be read.
const Image& environmentMap(const std::string& id);

}  // namespace sf
