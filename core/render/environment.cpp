#include "render/environment.h"

#include "math/scalar.h"
#include "util/error.h"
#include "util/strings.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <span>

namespace sf {

namespace {

constexpr float kPi = 3.14159265358979f;

float luminance(const float* rgb) {
  return 0.2126f * rgb[0] + 0.7152f * rgb[1] + 0.0722f * rgb[2];
}

/// The index i with cdf[i] <= u < cdf[i + 1], for a non-decreasing cdf from 0 to 1.
int findInterval(std::span<const float> cdf, float u) {
  const auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
  const int i = static_cast<int>(it - cdf.begin()) - 1;
  return std::clamp(i, 0, static_cast<int>(cdf.size()) - 2);
}

}  // namespace

Environment Environment::create(Image map, float rotationDegrees, float intensity) {
  if (map.empty() || map.width < 2 || map.height < 1) {
    throw Error("environment: the map is empty");
  }
  if (map.channels != 3 && map.channels != 4) {
    throw Error("environment: the map must be RGB or RGBA, got " + std::to_string(map.channels) +
                " channels");
  }
  if (!(intensity >= 0.0f) || !std::isfinite(intensity)) {
    throw Error("environment: intensity must be a finite number >= 0, got " +
                std::to_string(intensity));
  }
  Environment env;
  env.m_rotation = rotationDegrees * kPi / 180.0f;
  env.m_intensity = intensity;
  const int w = map.width;
  const int h = map.height;
  env.m_pixelWeight.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  env.m_columnCdf.resize(static_cast<std::size_t>(h) * static_cast<std::size_t>(w + 1));
  env.m_rowWeight.resize(static_cast<std::size_t>(h));
  env.m_rowCdf.resize(static_cast<std::size_t>(h + 1));
  // Weights: luminance times the solid angle of the pixel's row; a floor keeps every
  // direction that has light at all reachable.
  double total = 0.0;
  for (int y = 0; y < h; ++y) {
    const float sinTheta = std::sin(kPi * (static_cast<float>(y) + 0.5f) / static_cast<float>(h));
    double rowSum = 0.0;
    float* cdf = &env.m_columnCdf[static_cast<std::size_t>(y) * static_cast<std::size_t>(w + 1)];
    cdf[0] = 0.0f;
    for (int x = 0; x < w; ++x) {
      float* rgb = map.pixel(x, y);
      for (int c = 0; c < 3; ++c) {
        if (!std::isfinite(rgb[c]) || rgb[c] < 0.0f) {
          rgb[c] = 0.0f;
        }
      }
      const float weight = (luminance(rgb) + 1e-4f) * sinTheta;
      env.m_pixelWeight[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) +
                        static_cast<std::size_t>(x)] = weight;
      rowSum += weight;
      cdf[x + 1] = static_cast<float>(rowSum);
    }
    for (int x = 1; x <= w; ++x) {
      cdf[x] = rowSum > 0.0 ? static_cast<float>(cdf[x] / rowSum)
                            : static_cast<float>(x) / static_cast<float>(w);
    }
    cdf[w] = 1.0f;
    env.m_rowWeight[static_cast<std::size_t>(y)] = static_cast<float>(rowSum);
    total += rowSum;
  }
  env.m_rowCdf[0] = 0.0f;
  double running = 0.0;
  for (int y = 0; y < h; ++y) {
    running += env.m_rowWeight[static_cast<std::size_t>(y)];
    env.m_rowCdf[static_cast<std::size_t>(y + 1)] =
        total > 0.0 ? static_cast<float>(running / total) : static_cast<float>(y + 1) / h;
  }
  env.m_rowCdf[static_cast<std::size_t>(h)] = 1.0f;
  env.m_total = static_cast<float>(total);
  env.m_map = std::move(map);
  return env;
}

Eigen::Vector2f Environment::toMap(const Eigen::Vector3f& d) const {
  // Azimuth from -z through +x, minus the map's rotation.
  float phi = std::atan2(d.x(), -d.z()) - m_rotation;
  phi = phi - 2.0f * kPi * std::floor(phi / (2.0f * kPi));
  const float theta = std::acos(std::clamp(d.y(), -1.0f, 1.0f));
  float u = phi / (2.0f * kPi);
  float v = theta / kPi;
  u = std::min(u, 0.99999994f);
  v = std::min(v, 0.99999994f);
  return Eigen::Vector2f(u, v);
}

Eigen::Vector3f Environment::fromMap(float u, float v) const {
  const float phi = 2.0f * kPi * u + m_rotation;
  const float theta = kPi * v;
  const float s = std::sin(theta);
  return Eigen::Vector3f(s * std::sin(phi), std::cos(theta), -s * std::cos(phi));
}

Eigen::Vector3f Environment::radiance(const Eigen::Vector3f& direction) const {
  const Eigen::Vector2f uv = toMap(direction);
  // Bilinear lookup, wrapping in u.
  const float fx = uv.x() * static_cast<float>(m_map.width) - 0.5f;
  const float fy = std::clamp(uv.y() * static_cast<float>(m_map.height) - 0.5f, 0.0f,
                              static_cast<float>(m_map.height - 1));
  const int x0 = static_cast<int>(std::floor(fx));
  const int y0 = static_cast<int>(fy);
  const float tx = fx - static_cast<float>(x0);
  const float ty = fy - static_cast<float>(y0);
  const int y1 = std::min(y0 + 1, m_map.height - 1);
  const int xa = (x0 % m_map.width + m_map.width) % m_map.width;
  const int xb = (xa + 1) % m_map.width;
  Eigen::Vector3f out;
  for (int c = 0; c < 3; ++c) {
    const float top = (1 - tx) * m_map.at(xa, y0, c) + tx * m_map.at(xb, y0, c);
    const float bottom = (1 - tx) * m_map.at(xa, y1, c) + tx * m_map.at(xb, y1, c);
    out[c] = (1 - ty) * top + ty * bottom;
  }
  return out * m_intensity;
}

Environment::Sample Environment::sample(float u1, float u2) const {
  const int w = m_map.width;
  const int h = m_map.height;
  const int y = findInterval(m_rowCdf, u1);
  const float rowLow = m_rowCdf[static_cast<std::size_t>(y)];
  const float rowHigh = m_rowCdf[static_cast<std::size_t>(y + 1)];
  const float dy = rowHigh > rowLow ? (u1 - rowLow) / (rowHigh - rowLow) : 0.5f;
  // The row's column CDF, in place: sampling allocates nothing.
  const std::span<const float> row(
      m_columnCdf.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(w + 1),
      static_cast<std::size_t>(w + 1));
  const int x = findInterval(row, u2);
  const float columnLow = row[static_cast<std::size_t>(x)];
  const float columnHigh = row[static_cast<std::size_t>(x + 1)];
  const float dx = columnHigh > columnLow ? (u2 - columnLow) / (columnHigh - columnLow) : 0.5f;
  const float u = (static_cast<float>(x) + std::clamp(dx, 0.0f, 0.999f)) / static_cast<float>(w);
  const float v = (static_cast<float>(y) + std::clamp(dy, 0.0f, 0.999f)) / static_cast<float>(h);
  Sample s;
  s.direction = fromMap(u, v);
  s.pdf = pdf(s.direction);
  s.radiance = radiance(s.direction);
  return s;
}

float Environment::pdf(const Eigen::Vector3f& direction) const {
  if (m_total <= 0.0f) {
    return 0.0f;
  }
  const Eigen::Vector2f uv = toMap(direction);
  const int w = m_map.width;
  const int h = m_map.height;
  const int x = std::min(static_cast<int>(uv.x() * static_cast<float>(w)), w - 1);
  const int y = std::min(static_cast<int>(uv.y() * static_cast<float>(h)), h - 1);
  const float sinTheta = std::sin(kPi * (static_cast<float>(y) + 0.5f) / static_cast<float>(h));
  if (sinTheta <= 0.0f) {
    return 0.0f;
  }
  const float weight = m_pixelWeight[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) +
                                     static_cast<std::size_t>(x)];
  // Density in (u, v) is weight / total * w * h; d(omega) = 2 pi^2 sin(theta) du dv.
  return weight / m_total * static_cast<float>(w) * static_cast<float>(h) /
         (2.0f * kPi * kPi * sinTheta);
}

// --- Built-in environments -------------------------------------------------------------

namespace {

using Rgb = Eigen::Vector3f;

/// Elevation and azimuth (degrees) of a direction: azimuth 0 is the face's front (+z),
/// 90 the subject's left (+x).
struct Angles {
  float elevation;
  float azimuth;
};

Angles anglesOf(const Eigen::Vector3f& d) {
  return {std::asin(std::clamp(d.y(), -1.0f, 1.0f)) * 180.0f / kPi,
          std::atan2(d.x(), d.z()) * 180.0f / kPi};
}

float wrapDegrees(float a) {
  while (a > 180.0f) {
    a -= 360.0f;
  }
  while (a < -180.0f) {
    a += 360.0f;
  }
  return a;
}

/// A soft-edged rectangular light, seen from the centre: 1 inside, 0 outside.
float panel(const Angles& a, float azimuth, float elevation, float halfWidth, float halfHeight,
            float softness = 2.0f) {
  const float da =
      std::abs(wrapDegrees(a.azimuth - azimuth)) * std::cos(a.elevation * kPi / 180.0f);
  const float de = std::abs(a.elevation - elevation);
  return (1.0f - smoothstep(halfWidth - softness, halfWidth + softness, da)) *
         (1.0f - smoothstep(halfHeight - softness, halfHeight + softness, de));
}

/// A round light (a sun, a lamp) of the given angular radius, with a soft glow around it.
float disc(const Eigen::Vector3f& d, const Eigen::Vector3f& centre, float radiusDegrees) {
  const float angle = std::acos(std::clamp(d.dot(centre), -1.0f, 1.0f)) * 180.0f / kPi;
  return 1.0f - smoothstep(radiusDegrees * 0.8f, radiusDegrees * 1.2f, angle);
}

Eigen::Vector3f direction(float azimuthDegrees, float elevationDegrees) {
  const float a = azimuthDegrees * kPi / 180.0f;
  const float e = elevationDegrees * kPi / 180.0f;
  return Eigen::Vector3f(std::cos(e) * std::sin(a), std::sin(e), std::cos(e) * std::cos(a));
}

/// A room's diffuse walls, floor and ceiling, brighter near the lights.
Rgb room(const Angles& a, const Rgb& walls, const Rgb& floor, const Rgb& ceiling) {
  if (a.elevation < -8.0f) {
    return floor;
  }
  if (a.elevation > 40.0f) {
    return ceiling;
  }
  const float t = smoothstep(-8.0f, 0.0f, a.elevation);
  return (1.0f - t) * floor + t * walls;
}

/// A simple sky: zenith to horizon gradient over a ground plane.
Rgb sky(const Angles& a, const Rgb& zenith, const Rgb& horizon, const Rgb& ground) {
  if (a.elevation < 0.0f) {
    const float t = smoothstep(-10.0f, 0.0f, a.elevation);
    return (1.0f - t) * ground + t * horizon * 0.8f;
  }
  const float t = std::pow(std::sin(a.elevation * kPi / 180.0f), 0.6f);
  return (1.0f - t) * horizon + t * zenith;
}

Rgb paintDirection(std::string_view id, const Eigen::Vector3f& d) {
  const Angles a = anglesOf(d);
  if (id == "studio_softbox") {
    Rgb c =
        room(a, Rgb(0.030f, 0.030f, 0.032f), Rgb(0.020f, 0.020f, 0.020f), Rgb(0.02f, 0.02f, 0.02f));
    c += Rgb(6.0f, 5.9f, 5.6f) * panel(a, -40.0f, 22.0f, 18.0f, 24.0f);
    c += Rgb(1.1f, 1.1f, 1.15f) * panel(a, 55.0f, 5.0f, 22.0f, 28.0f);
    c += Rgb(5.0f, 5.0f, 5.2f) * panel(a, 150.0f, 30.0f, 6.0f, 25.0f);
    return c;
  }
  if (id == "studio_high_key") {
    Rgb c = room(a, Rgb(0.75f, 0.75f, 0.76f), Rgb(0.45f, 0.45f, 0.45f), Rgb(0.6f, 0.6f, 0.6f));
    c += Rgb(3.0f, 3.0f, 3.0f) * panel(a, -25.0f, 18.0f, 25.0f, 25.0f, 6.0f);
    c += Rgb(2.0f, 2.0f, 2.0f) * panel(a, 35.0f, 10.0f, 25.0f, 25.0f, 6.0f);
    return c;
  }
  if (id == "studio_rembrandt") {
    Rgb c =
        room(a, Rgb(0.012f, 0.011f, 0.010f), Rgb(0.01f, 0.01f, 0.01f), Rgb(0.01f, 0.01f, 0.01f));
    c += Rgb(14.0f, 13.0f, 11.5f) * panel(a, -55.0f, 38.0f, 9.0f, 9.0f, 1.5f);
    c += Rgb(0.25f, 0.25f, 0.28f) * panel(a, 60.0f, 0.0f, 30.0f, 30.0f, 8.0f);
    return c;
  }
  if (id == "overcast") {
    if (a.elevation >= 0.0f) {
      // CIE overcast sky: three times brighter at the zenith than at the horizon.
      const float s = std::sin(a.elevation * kPi / 180.0f);
      return Rgb(0.95f, 0.98f, 1.04f) * (0.9f * (1.0f + 2.0f * s) / 3.0f);
    }
    const float t = smoothstep(-10.0f, 0.0f, a.elevation);
    return (1.0f - t) * Rgb(0.11f, 0.11f, 0.09f) + t * Rgb(0.28f, 0.29f, 0.3f);
  }
  if (id == "sunny") {
    const Eigen::Vector3f sun = direction(35.0f, 48.0f);
    Rgb c = sky(a, Rgb(0.16f, 0.30f, 0.72f), Rgb(0.62f, 0.72f, 0.88f), Rgb(0.20f, 0.19f, 0.14f));
    c += Rgb(9000.0f, 8600.0f, 7800.0f) * disc(d, sun, 1.2f);
    c += Rgb(0.6f, 0.55f, 0.45f) * std::pow(std::max(0.0f, d.dot(sun)), 64.0f);
    return c;
  }
  if (id == "sunset") {
    const Eigen::Vector3f sun = direction(-65.0f, 6.0f);
    Rgb c = sky(a, Rgb(0.05f, 0.08f, 0.22f), Rgb(0.85f, 0.45f, 0.2f), Rgb(0.05f, 0.04f, 0.035f));
    c += Rgb(2600.0f, 1300.0f, 520.0f) * disc(d, sun, 1.5f);
    c += Rgb(1.2f, 0.55f, 0.2f) * std::pow(std::max(0.0f, d.dot(sun)), 16.0f);
    return c;
  }
  if (id == "indoor_window") {
    Rgb c = room(a, Rgb(0.09f, 0.075f, 0.06f), Rgb(0.05f, 0.04f, 0.03f), Rgb(0.12f, 0.11f, 0.10f));
    c += Rgb(3.2f, 3.4f, 3.8f) * panel(a, 70.0f, 12.0f, 24.0f, 22.0f, 1.0f);
    c += Rgb(6.0f, 4.8f, 3.4f) * disc(d, direction(-30.0f, 75.0f), 6.0f);
    return c;
  }
  if (id == "office") {
    Rgb c = room(a, Rgb(0.22f, 0.22f, 0.21f), Rgb(0.09f, 0.09f, 0.085f), Rgb(0.3f, 0.3f, 0.3f));
    for (float az : {-60.0f, 0.0f, 60.0f, 120.0f, 180.0f, 240.0f}) {
      c += Rgb(3.0f, 3.1f, 3.3f) * panel(a, az, 62.0f, 9.0f, 6.0f, 1.0f);
    }
    c += Rgb(1.4f, 1.5f, 1.7f) * panel(a, -80.0f, 10.0f, 30.0f, 18.0f, 1.0f);
    return c;
  }
  if (id == "night_street") {
    Rgb c =
        sky(a, Rgb(0.004f, 0.006f, 0.014f), Rgb(0.03f, 0.025f, 0.03f), Rgb(0.012f, 0.011f, 0.01f));
    c += Rgb(60.0f, 30.0f, 8.0f) * disc(d, direction(-50.0f, 28.0f), 3.0f);
    c += Rgb(4.0f, 6.0f, 14.0f) * panel(a, 75.0f, 8.0f, 10.0f, 5.0f, 1.0f);
    c += Rgb(1.5f, 1.2f, 1.0f) * panel(a, 160.0f, 15.0f, 20.0f, 6.0f, 1.0f);
    return c;
  }
  throw Error("environment: no built-in environment named '" + std::string(id) + "'");
}

}  // namespace

std::span<const BuiltinEnvironment> builtinEnvironments() {
  static const std::vector<BuiltinEnvironment> list = {
      {"studio_softbox", "Studio, softbox key", {"studio", "indoor"}},
      {"studio_high_key", "Studio, high key", {"studio", "indoor", "bright"}},
      {"studio_rembrandt", "Studio, Rembrandt light", {"studio", "indoor", "dark"}},
      {"overcast", "Overcast sky", {"outdoor", "sky", "soft"}},
      {"sunny", "Sunny sky", {"outdoor", "sky", "hard"}},
      {"sunset", "Sunset", {"outdoor", "sky", "warm"}},
      {"indoor_window", "Room with a window", {"indoor", "warm"}},
      {"office", "Office, ceiling panels", {"indoor", "cool"}},
      {"night_street", "Street at night", {"outdoor", "dark", "coloured"}},
  };
  return list;
}

Image paintBuiltinEnvironment(std::string_view id, int width) {
  if (width < 8 || width > 16384) {
    throw Error("environment: width must be 8..16384, got " + std::to_string(width));
  }
  paintDirection(id, Eigen::Vector3f::UnitY());  // throws for an unknown id
  const int height = width / 2;
  Image image(width, height, 3);
  // 2x2 samples per pixel soften the edges of the lights.
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      Rgb sum = Rgb::Zero();
      for (int s = 0; s < 4; ++s) {
        const float u = (static_cast<float>(x) + 0.25f + 0.5f * static_cast<float>(s % 2)) /
                        static_cast<float>(width);
        const float v = (static_cast<float>(y) + 0.25f + 0.5f * static_cast<float>(s / 2)) /
                        static_cast<float>(height);
        const float phi = 2.0f * kPi * u;
        const float theta = kPi * v;
        const Eigen::Vector3f d(std::sin(theta) * std::sin(phi), std::cos(theta),
                                -std::sin(theta) * std::cos(phi));
        sum += paintDirection(id, d);
      }
      for (int c = 0; c < 3; ++c) {
        image.at(x, y, c) = 0.25f * sum[c];
      }
    }
  }
  return image;
}

namespace {

/// What Blender's eight maps show, for names and tags people can filter by.
struct KnownMap {
  const char* stem;
  const char* name;
  std::vector<std::string> tags;
};

const std::vector<KnownMap>& knownBlenderMaps() {
  static const std::vector<KnownMap> maps = {
      {"city", "City square", {"hdri", "outdoor", "urban"}},
      {"courtyard", "Courtyard", {"hdri", "outdoor", "soft"}},
      {"forest", "Forest", {"hdri", "outdoor", "green"}},
      {"interior", "Interior with windows", {"hdri", "indoor"}},
      {"night", "Street at night (photographed)", {"hdri", "outdoor", "dark"}},
      {"studio", "Photo studio", {"hdri", "studio", "indoor"}},
      {"sunrise", "Sunrise", {"hdri", "outdoor", "warm"}},
      {"sunset", "Sunset over fields", {"hdri", "outdoor", "warm"}},
  };
  return maps;
}

}  // namespace

std::vector<SystemEnvironment> findBlenderEnvironments(const std::filesystem::path& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return {};
  }
  // Only maps whose licence the folder states as CC0 may go into datasets unasked.
  std::ifstream licenceFile(folder / "license.txt");
  const std::string licence((std::istreambuf_iterator<char>(licenceFile)),
                            std::istreambuf_iterator<char>());
  if (toLower(licence).find("cc0") == std::string::npos) {
    return {};
  }
  std::vector<SystemEnvironment> found;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    const std::string extension = toLower(entry.path().extension().string());
    if (!entry.is_regular_file(ec) || (extension != ".exr" && extension != ".hdr")) {
      continue;
    }
    const std::string stem = entry.path().stem().string();
    SystemEnvironment environment;
    environment.id = "blender_" + stem;
    environment.name = stem + " (Blender HDRI)";
    environment.tags = {"hdri"};
    for (const KnownMap& known : knownBlenderMaps()) {
      if (stem == known.stem) {
        environment.name = known.name;
        environment.tags = known.tags;
      }
    }
    environment.file = fs::absolute(entry.path());
    environment.licence = "CC0-1.0";
    environment.author = "Greg Zaal (HDRI Haven)";
    environment.source = "Blender's studio lights, installed by Debian's blender-data";
    found.push_back(std::move(environment));
  }
  std::sort(found.begin(), found.end(),
            [](const SystemEnvironment& a, const SystemEnvironment& b) { return a.id < b.id; });
  return found;
}

std::span<const SystemEnvironment> systemEnvironments() {
  static const std::vector<SystemEnvironment> environments = [] {
    const char* folder = std::getenv("SYNTHFACE_BLENDER_HDRI_DIR");
    if (folder != nullptr) {
      return *folder == '\0' ? std::vector<SystemEnvironment>{} : findBlenderEnvironments(folder);
    }
    return findBlenderEnvironments("/usr/share/blender/datafiles/studiolights/world");
  }();
  return environments;
}

const Image& environmentMap(const std::string& id) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Image>> cache;
  std::lock_guard lock(mutex);
  if (const auto it = cache.find(id); it != cache.end()) {
    return *it->second;
  }
  const auto& builtins = builtinEnvironments();
  const bool builtin = std::any_of(builtins.begin(), builtins.end(),
                                   [&](const BuiltinEnvironment& e) { return e.id == id; });
  // A system environment (Blender's maps) by its id, else an image file.
  std::filesystem::path file = id;
  for (const SystemEnvironment& system : systemEnvironments()) {
    if (system.id == id) {
      file = system.file;
    }
  }
  Image map = builtin ? paintBuiltinEnvironment(id) : readImage(file);
  if (map.channels == 1 || map.channels == 2) {
    // Grey maps become RGB.
    Image rgb(map.width, map.height, 3);
    for (int y = 0; y < map.height; ++y) {
      for (int x = 0; x < map.width; ++x) {
        for (int c = 0; c < 3; ++c) {
          rgb.at(x, y, c) = map.at(x, y, 0);
        }
      }
    }
    map = std::move(rgb);
  }
  return *cache.emplace(id, std::make_unique<Image>(std::move(map))).first->second;
}

}  // namespace sf
