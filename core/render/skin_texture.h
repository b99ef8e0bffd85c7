#pragma once

#include "render/image.h"

#include <Eigen/Core>

#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace sf {

/// What one image of a library skin gives, told by its file name: "normal" or "nrm" a
/// tangent-space normal map, "rough" a roughness map, "disp", "height" or "bump" a
/// displacement; anything else (albedo, diffuse, basecolor, colour...) the skin's colour.
enum class SkinMap { Albedo, Normal, Roughness, Displacement };

SkinMap skinMapOf(const std::filesystem::path& file);

/// A skin from the asset library: images painted on the face model's UV layout (v up, as
/// OBJ and glTF have it). Only the albedo is required.
struct SkinTextures {
  std::string id;      ///< the library asset, "skin/<name>"
  Image albedo;        ///< linear colour
  Image normal;        ///< tangent space, OpenGL convention (+Y toward v), 0..1 for -1..1
  Image roughness;     ///< perceptual roughness 0..1, first channel
  Image displacement;  ///< 0..1 in the first channel, 0.5 the surface; 1 is 0.5 mm out
  /// The albedo's mean: the colour of skin parts the layout does not cover (ears of their
  /// own), so they match the face.
  Eigen::Vector3f meanAlbedo = Eigen::Vector3f::Constant(0.5f);

  /// The albedo (linear RGB) at `uv`, bilinear, repeating outside 0..1.
  Eigen::Vector3f albedoAt(const Eigen::Vector2f& uv) const;
  /// The normal map's direction at `uv` in tangent space (x along u, y along v, z out),
  /// unit; (0, 0, 1) without a normal map.
  Eigen::Vector3f normalAt(const Eigen::Vector2f& uv) const;
  /// The perceptual roughness at `uv`, or a negative number without a roughness map.
  float roughnessAt(const Eigen::Vector2f& uv) const;
  /// The displacement at `uv` in mm (0 without a map).
  float displacementAt(const Eigen::Vector2f& uv) const;
};

/// Reads a library skin's images. Files are kept in a small cache by path, size and time,
/// so a batch reads each texture once. Throws sf::Error naming the asset when it has no
/// colour image, or the file when one cannot be read.
std::shared_ptr<const SkinTextures> loadSkinTextures(const std::string& id,
                                                     std::span<const std::string> files);

}  // namespace sf
