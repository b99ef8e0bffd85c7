#include "render/skin_texture.h"

#include "util/error.h"
#include "util/strings.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <list>
#include <mutex>
#include <utility>

namespace sf {
namespace fs = std::filesystem;

namespace {

/// Bilinear sample of `channel` (clamped to the image's channels) at `uv`, repeating.
float sample(const Image& image, const Eigen::Vector2f& uv, int channel) {
  const int c = std::min(channel, image.channels - 1);
  // Texel centres at (i + 0.5) / width; row 0 is the top of the image, at v = 1.
  const float x = (uv.x() - std::floor(uv.x())) * static_cast<float>(image.width) - 0.5f;
  const float y = (1.0f - (uv.y() - std::floor(uv.y()))) * static_cast<float>(image.height) - 0.5f;
  const float fx = std::floor(x);
  const float fy = std::floor(y);
  const float tx = x - fx;
  const float ty = y - fy;
  auto wrap = [](int i, int size) { return ((i % size) + size) % size; };
  const int x0 = wrap(static_cast<int>(fx), image.width);
  const int x1 = wrap(static_cast<int>(fx) + 1, image.width);
  const int y0 = wrap(static_cast<int>(fy), image.height);
  const int y1 = wrap(static_cast<int>(fy) + 1, image.height);
  const float top = image.at(x0, y0, c) + tx * (image.at(x1, y0, c) - image.at(x0, y0, c));
  const float bottom = image.at(x0, y1, c) + tx * (image.at(x1, y1, c) - image.at(x0, y1, c));
  return top + ty * (bottom - top);
}

/// The cache key of a file: its path, size and modification time, so an edited texture
/// is read again.
std::string fileKey(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  const auto time = fs::last_write_time(file, ec);
  return file.string() + "|" + std::to_string(size) + "|" +
         std::to_string(time.time_since_epoch().count());
}

Image firstChannel(const Image& image) {
  Image grey(image.width, image.height, 1);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      grey.at(x, y, 0) = image.at(x, y, 0);
    }
  }
  return grey;
}

std::size_t imageBytes(const SkinTextures& textures) {
  return sizeof(float) * (textures.albedo.pixels.size() + textures.normal.pixels.size() +
                          textures.roughness.pixels.size() + textures.displacement.pixels.size());
}

}  // namespace

SkinMap skinMapOf(const fs::path& file) {
  const std::string stem = toLower(file.stem().string());
  auto has = [&](const char* word) { return stem.find(word) != std::string::npos; };
  if (has("normal") || has("nrm")) {
    return SkinMap::Normal;
  }
  if (has("rough")) {
    return SkinMap::Roughness;
  }
  if (has("disp") || has("height") || has("bump")) {
    return SkinMap::Displacement;
  }
  return SkinMap::Albedo;
}

Eigen::Vector3f SkinTextures::albedoAt(const Eigen::Vector2f& uv) const {
  if (albedo.channels < 3) {
    return Eigen::Vector3f::Constant(sample(albedo, uv, 0));  // grey, perhaps with alpha
  }
  return {sample(albedo, uv, 0), sample(albedo, uv, 1), sample(albedo, uv, 2)};
}

Eigen::Vector3f SkinTextures::normalAt(const Eigen::Vector2f& uv) const {
  if (normal.empty()) {
    return Eigen::Vector3f::UnitZ();
  }
  const Eigen::Vector3f n(2.0f * sample(normal, uv, 0) - 1.0f, 2.0f * sample(normal, uv, 1) - 1.0f,
                          2.0f * sample(normal, uv, 2) - 1.0f);
  return n.norm() > 1e-4f && n.z() > 0.0f ? Eigen::Vector3f(n.normalized())
                                          : Eigen::Vector3f::UnitZ();
}

float SkinTextures::roughnessAt(const Eigen::Vector2f& uv) const {
  return roughness.empty() ? -1.0f : std::clamp(sample(roughness, uv, 0), 0.0f, 1.0f);
}

float SkinTextures::displacementAt(const Eigen::Vector2f& uv) const {
  return displacement.empty() ? 0.0f : (sample(displacement, uv, 0) - 0.5f);
}

std::shared_ptr<const SkinTextures> loadSkinTextures(const std::string& id,
                                                     std::span<const std::string> files) {
  // The last few skins read, newest first: a batch draws from a handful of skins.
  static std::mutex mutex;
  static std::list<std::pair<std::string, std::shared_ptr<const SkinTextures>>> cache;
  std::string key = id;
  for (const std::string& file : files) {
    key += "\n" + fileKey(file);
  }
  {
    const std::lock_guard lock(mutex);
    for (auto it = cache.begin(); it != cache.end(); ++it) {
      if (it->first == key) {
        cache.splice(cache.begin(), cache, it);
        return cache.front().second;
      }
    }
  }
  auto textures = std::make_shared<SkinTextures>();
  textures->id = id;
  for (const std::string& file : files) {
    Image* slot = nullptr;
    ImageContent content = ImageContent::Values;
    switch (skinMapOf(file)) {
      case SkinMap::Albedo:
        slot = &textures->albedo;
        content = ImageContent::Colour;
        break;
      case SkinMap::Normal: slot = &textures->normal; break;
      case SkinMap::Roughness: slot = &textures->roughness; break;
      case SkinMap::Displacement: slot = &textures->displacement; break;
    }
    if (!slot->empty()) {
      throw Error(SourceLocation::inFile(file),
                  "skin '" + id + "' has two images of this kind (name them albedo, normal, " +
                      "roughness and displacement)");
    }
    *slot = readImage(file, content);
    if ((slot == &textures->roughness || slot == &textures->displacement) && slot->channels > 1) {
      *slot = firstChannel(*slot);  // a grey map: a third of the memory
    }
  }
  if (textures->albedo.empty()) {
    throw Error("skin '" + id +
                "' has no colour image: give one whose name does not say normal, roughness or "
                "displacement (such as albedo.png)");
  }
  Eigen::Vector3d sum = Eigen::Vector3d::Zero();
  for (int y = 0; y < textures->albedo.height; ++y) {
    for (int x = 0; x < textures->albedo.width; ++x) {
      const float* p = textures->albedo.pixel(x, y);
      sum += textures->albedo.channels >= 3 ? Eigen::Vector3d(p[0], p[1], p[2])
                                            : Eigen::Vector3d::Constant(p[0]);
    }
  }
  textures->meanAlbedo =
      (sum / static_cast<double>(textures->albedo.width * textures->albedo.height)).cast<float>();
  // Four 4K skins with every map are gigabytes of floats: the cache keeps skins up to
  // 1 GiB in all, and always the newest.
  const std::lock_guard lock(mutex);
  cache.emplace_front(std::move(key), textures);
  std::size_t bytes = 0;
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    bytes += imageBytes(*it->second);
    if (it != cache.begin() && bytes > (std::size_t(1) << 30)) {
      cache.erase(it, cache.end());
      break;
    }
  }
  return textures;
}

}  // namespace sf
