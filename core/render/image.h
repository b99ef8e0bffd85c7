#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace sf {

/// A picture in memory: float samples in linear light, rows top to bottom, channels
/// interleaved (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). Alpha, when present, is last and
/// straight: colour is not premultiplied by it.
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> pixels;  ///< width * height * channels samples

  Image() = default;
  /// An image of the given size with every sample set to `fill`.
  Image(int width, int height, int channels, float fill = 0.0f);

  bool empty() const { return pixels.empty(); }
  /// The first sample of pixel (x, y).
  float* pixel(int x, int y) { return pixels.data() + index(x, y); }
  const float* pixel(int x, int y) const { return pixels.data() + index(x, y); }
  float& at(int x, int y, int channel) { return pixels[index(x, y) + std::size_t(channel)]; }
  float at(int x, int y, int channel) const { return pixels[index(x, y) + std::size_t(channel)]; }
  /// The alpha channel's index, or -1 for images without alpha.
  int alphaChannel() const { return channels == 2 || channels == 4 ? channels - 1 : -1; }

  friend bool operator==(const Image&, const Image&) = default;

private:
  std::size_t index(int x, int y) const {
    return (std::size_t(y) * std::size_t(width) + std::size_t(x)) * std::size_t(channels);
  }
};

/// The sRGB transfer function: linear light in [0, 1] to encoded sRGB in [0, 1].
float linearToSrgb(float linear);
/// The inverse of linearToSrgb().
float srgbToLinear(float encoded);
/// A linear sample as an 8-bit sRGB value, clamped to [0, 1] and rounded to nearest.
std::uint8_t linearToSrgb8(float linear);

/// All samples as 8-bit values, interleaved like Image::pixels: colour channels sRGB-encoded,
/// alpha quantised linearly.
std::vector<std::uint8_t> toSrgb8(const Image& image);

/// Writes `image`, choosing the format by extension: .png and .jpg/.jpeg as 8-bit sRGB,
/// .exr as 32-bit float linear. The file appears atomically (complete or not at all).
/// Throws sf::Error naming the file when the format is unknown or writing fails.
void writeImage(const Image& image, const std::filesystem::path& path);

/// Writes 8-bit samples exactly as given, with no colour encoding: label maps and masks.
/// `bytes` holds width * height * channels values, interleaved. PNG only; atomic. Throws
/// sf::Error naming the file when the size is wrong or writing fails.
void writeByteImage(std::span<const std::uint8_t> bytes, int width, int height, int channels,
                    const std::filesystem::path& path);

/// Reads an 8-bit image's samples exactly as stored (no colour decoding), interleaved.
/// Sets width, height and channels. Throws sf::Error naming the file on failure.
std::vector<std::uint8_t> readByteImage(const std::filesystem::path& path, int& width, int& height,
                                        int& channels);

/// A small RGB copy of an image for a thumbnail: box-filtered down to `width` wide (never
/// up), values above 0.8 rolled off toward 1 so an HDRI's sun does not blow out the tile.
Image thumbnailImage(const Image& source, int width);

/// What an image file's samples are: colours (display-encoded in integer files) or values
/// such as normals and roughness, which are stored as they are.
enum class ImageContent { Colour, Values };

/// Reads an image into floats. Colour: 8- and 16-bit files are taken as sRGB unless they say
/// they are linear, float files as linear, and the result is linear light. Values: samples
/// as stored, scaled to 0..1 for integer files. Throws sf::Error naming the file on failure.
Image readImage(const std::filesystem::path& path, ImageContent content = ImageContent::Colour);

}  // namespace sf
