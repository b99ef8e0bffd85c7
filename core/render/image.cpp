#include "render/image.h"

#include "util/check.h"
#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace sf {

namespace fs = std::filesystem;

namespace {

enum class FileEncoding { Srgb8, LinearFloat };

struct FileFormat {
  const char* oiioName;  ///< OpenImageIO's name for the format plugin
  FileEncoding encoding;
};

/// The format for `path`'s extension, or throws sf::Error naming the file.
FileFormat formatFor(const fs::path& path) {
  const std::string extension = toLower(path.extension().string());
  if (extension == ".png") {
    return {"png", FileEncoding::Srgb8};
  }
  if (extension == ".jpg" || extension == ".jpeg") {
    return {"jpeg", FileEncoding::Srgb8};
  }
  if (extension == ".exr") {
    return {"openexr", FileEncoding::LinearFloat};
  }
  throw Error(SourceLocation::inFile(path.string()),
              "unknown image format '" + extension + "' (use .png, .jpg or .exr)");
}

/// OpenImageIO's message: the object's own if it has one, else the pending global one.
std::string oiioError(const std::string& objectMessage = {}) {
  if (!objectMessage.empty()) {
    return objectMessage;
  }
  std::string message = OIIO::geterror();
  return message.empty() ? "unknown OpenImageIO error" : message;
}

}  // namespace

Image::Image(int width, int height, int channels, float fill)
    : width(width), height(height), channels(channels) {
  SF_CHECK(width >= 0 && height >= 0 && channels >= 0);
  pixels.assign(std::size_t(width) * std::size_t(height) * std::size_t(channels), fill);
}

float linearToSrgb(float linear) {
  const float x = std::clamp(linear, 0.0f, 1.0f);
  return x <= 0.0031308f ? 12.92f * x : 1.055f * std::pow(x, 1.0f / 2.4f) - 0.055f;
}

float srgbToLinear(float encoded) {
  const float x = std::clamp(encoded, 0.0f, 1.0f);
  return x <= 0.04045f ? x / 12.92f : std::pow((x + 0.055f) / 1.055f, 2.4f);
}

std::uint8_t linearToSrgb8(float linear) {
  return static_cast<std::uint8_t>(std::lround(linearToSrgb(linear) * 255.0f));
}

std::vector<std::uint8_t> toSrgb8(const Image& image) {
  std::vector<std::uint8_t> bytes(image.pixels.size());
  const int alpha = image.alphaChannel();
  const auto channels = static_cast<std::size_t>(std::max(image.channels, 1));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const float sample = image.pixels[i];
    if (static_cast<int>(i % channels) == alpha) {
      bytes[i] = static_cast<std::uint8_t>(std::lround(std::clamp(sample, 0.0f, 1.0f) * 255.0f));
    } else {
      bytes[i] = linearToSrgb8(sample);
    }
  }
  return bytes;
}

void writeImage(const Image& image, const fs::path& path) {
  const FileFormat format = formatFor(path);
  if (image.empty() || image.channels < 1 || image.channels > 4) {
    throw Error(SourceLocation::inFile(path.string()),
                "cannot write an image of " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " pixels and " + std::to_string(image.channels) +
                    " channels");
  }

  // The temporary file's name does not end in the extension, so the plugin is chosen by
  // the final path's format rather than by the name OpenImageIO is given.
  replaceFileAtomically(path, [&](const fs::path& temp) {
    auto out = OIIO::ImageOutput::create(format.oiioName);
    if (!out) {
      throw Error(SourceLocation::inFile(path.string()), "cannot write image: " + oiioError());
    }
    const bool srgb = format.encoding == FileEncoding::Srgb8;
    OIIO::ImageSpec spec(image.width, image.height, image.channels,
                         srgb ? OIIO::TypeDesc::UINT8 : OIIO::TypeDesc::FLOAT);
    spec.alpha_channel = image.alphaChannel();
    spec.attribute("oiio:ColorSpace", srgb ? "sRGB" : "Linear");
    // Our alpha is straight: stop the PNG writer from dividing colour by it.
    spec.attribute("oiio:UnassociatedAlpha", 1);
    // No capture date: the same pixels make the same file (shards and resumed runs of a
    // dataset are compared byte for byte).
    spec.attribute("DateTime", "");
    if (!out->open(temp.string(), spec)) {
      throw Error(SourceLocation::inFile(path.string()),
                  "cannot write image: " + oiioError(out->geterror()));
    }
    const std::vector<std::uint8_t> bytes = srgb ? toSrgb8(image) : std::vector<std::uint8_t>();
    const bool written = srgb ? out->write_image(OIIO::TypeDesc::UINT8, bytes.data())
                              : out->write_image(OIIO::TypeDesc::FLOAT, image.pixels.data());
    const bool closed = out->close();
    if (!written || !closed) {
      throw Error(SourceLocation::inFile(path.string()),
                  "cannot write image: " + oiioError(out->geterror()));
    }
  });
}

void writeByteImage(std::span<const std::uint8_t> bytes, int width, int height, int channels,
                    const fs::path& path) {
  if (width <= 0 || height <= 0 || channels < 1 || channels > 4 ||
      bytes.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                          static_cast<std::size_t>(channels)) {
    throw Error(SourceLocation::inFile(path.string()),
                "cannot write " + std::to_string(bytes.size()) + " bytes as a " +
                    std::to_string(width) + "x" + std::to_string(height) + " image of " +
                    std::to_string(channels) + " channels");
  }
  replaceFileAtomically(path, [&](const fs::path& temp) {
    auto out = OIIO::ImageOutput::create("png");
    if (!out) {
      throw Error(SourceLocation::inFile(path.string()), "cannot write image: " + oiioError());
    }
    OIIO::ImageSpec spec(width, height, channels, OIIO::TypeDesc::UINT8);
    spec.attribute("oiio:ColorSpace", "Linear");
    spec.attribute("oiio:UnassociatedAlpha", 1);
    if (!out->open(temp.string(), spec) || !out->write_image(OIIO::TypeDesc::UINT8, bytes.data()) ||
        !out->close()) {
      throw Error(SourceLocation::inFile(path.string()),
                  "cannot write image: " + oiioError(out->geterror()));
    }
  });
}

std::vector<std::uint8_t> readByteImage(const fs::path& path, int& width, int& height,
                                        int& channels) {
  auto in = OIIO::ImageInput::open(path.string());
  if (!in) {
    throw Error(SourceLocation::inFile(path.string()), "cannot read image: " + oiioError());
  }
  const OIIO::ImageSpec& spec = in->spec();
  width = spec.width;
  height = spec.height;
  channels = spec.nchannels;
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(width) *
                                  static_cast<std::size_t>(height) *
                                  static_cast<std::size_t>(channels));
  if (!in->read_image(0, 0, 0, channels, OIIO::TypeDesc::UINT8, bytes.data())) {
    throw Error(SourceLocation::inFile(path.string()),
                "cannot read image: " + oiioError(in->geterror()));
  }
  return bytes;
}

Image readImage(const fs::path& path, ImageContent content) {
  // Ask for straight alpha, as stored in PNG, rather than premultiplied colour.
  OIIO::ImageSpec config;
  config.attribute("oiio:UnassociatedAlpha", 1);
  auto in = OIIO::ImageInput::open(path.string(), &config);
  if (!in) {
    throw Error(SourceLocation::inFile(path.string()), "cannot read image: " + oiioError());
  }
  const OIIO::ImageSpec& spec = in->spec();
  if (spec.width <= 0 || spec.height <= 0 || spec.nchannels < 1 || spec.nchannels > 4) {
    throw Error(SourceLocation::inFile(path.string()),
                "unsupported image: " + std::to_string(spec.width) + "x" +
                    std::to_string(spec.height) + " pixels, " + std::to_string(spec.nchannels) +
                    " channels");
  }
  Image image(spec.width, spec.height, spec.nchannels);
  if (!in->read_image(0, 0, 0, spec.nchannels, OIIO::TypeDesc::FLOAT, image.pixels.data())) {
    throw Error(SourceLocation::inFile(path.string()),
                "cannot read image: " + oiioError(in->geterror()));
  }

  // Integer files hold display-encoded values unless they say otherwise.
  const bool integer = spec.format.basetype != OIIO::TypeDesc::FLOAT &&
                       spec.format.basetype != OIIO::TypeDesc::HALF &&
                       spec.format.basetype != OIIO::TypeDesc::DOUBLE;
  const std::string colorSpace = spec.get_string_attribute("oiio:ColorSpace");
  const bool linear = colorSpace == "Linear" || colorSpace == "linear";
  if (integer && !linear && content == ImageContent::Colour) {
    const int alpha = image.alphaChannel();
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
      if (static_cast<int>(i % std::size_t(image.channels)) != alpha) {
        image.pixels[i] = srgbToLinear(image.pixels[i]);
      }
    }
  }
  in->close();
  return image;
}

Image thumbnailImage(const Image& source, int width) {
  if (source.empty()) {
    return Image();
  }
  const int w = std::clamp(width, 1, source.width);
  const int h = std::max(1, source.height * w / source.width);
  Image small(w, h, 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const int x0 = x * source.width / w, x1 = std::max(x0 + 1, (x + 1) * source.width / w);
      const int y0 = y * source.height / h, y1 = std::max(y0 + 1, (y + 1) * source.height / h);
      for (int c = 0; c < 3; ++c) {
        double sum = 0.0;
        for (int yy = y0; yy < y1; ++yy) {
          for (int xx = x0; xx < x1; ++xx) {
            sum += source.at(xx, yy, std::min(c, source.channels - 1));
          }
        }
        const float mean = static_cast<float>(sum / double((x1 - x0) * (y1 - y0)));
        small.at(x, y, c) =
            mean <= 0.8f ? mean : 0.8f + 0.2f * (1.0f - std::exp(-(mean - 0.8f) / 0.2f));
      }
    }
  }
  return small;
}

}  // namespace sf
