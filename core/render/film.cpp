#include "render/film.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace sf {

float meterExposure(const Image& color, const Image& albedo, std::span<const std::uint8_t> classes,
                    std::span<const std::uint8_t> faceClasses, float key) {
  if (color.width != albedo.width || color.height != albedo.height || color.channels < 3 ||
      albedo.channels < 3 ||
      classes.size() !=
          static_cast<std::size_t>(color.width) * static_cast<std::size_t>(color.height)) {
    throw Error("meterExposure: colour, albedo and classes must be of one size");
  }
  // The log-average of the illumination, robust to a few bright specular pixels.
  double logSum = 0.0;
  std::size_t count = 0;
  for (int y = 0; y < color.height; ++y) {
    for (int x = 0; x < color.width; ++x) {
      const std::uint8_t c =
          classes[static_cast<std::size_t>(y) * static_cast<std::size_t>(color.width) +
                  static_cast<std::size_t>(x)];
      if (std::find(faceClasses.begin(), faceClasses.end(), c) == faceClasses.end()) {
        continue;
      }
      double light = 0.0;
      for (int ch = 0; ch < 3; ++ch) {
        light += color.at(x, y, ch) / std::max(albedo.at(x, y, ch), 0.02f);
      }
      logSum += std::log(std::max(light / 3.0, 1e-4));
      ++count;
    }
  }
  if (count == 0) {
    return 1.0f;
  }
  const double mean = std::exp(logSum / static_cast<double>(count));
  return static_cast<float>(std::clamp(key / mean, 1e-4, 1e4));
}

Image developImage(const Image& linear, float exposure, float shoulder) {
  Image out = linear;
  const float range = 1.0f - shoulder;
  const int colourChannels = out.alphaChannel() >= 0 ? out.channels - 1 : out.channels;
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      float* p = out.pixel(x, y);
      for (int c = 0; c < colourChannels; ++c) {
        const float v = std::max(0.0f, p[c] * exposure);
        p[c] = v <= shoulder ? v : shoulder + range * (1.0f - std::exp(-(v - shoulder) / range));
      }
    }
  }
  return out;
}

}  // namespace sf
