#include "labels/landmark_projection.h"

#include "util/error.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace sf {

std::vector<ProjectedPoint> projectPoints(const FaceRenderer& renderer,
                                          std::span<const Eigen::Vector3f> points,
                                          float tolerance) {
  std::vector<ProjectedPoint> out;
  out.reserve(points.size());
  const Camera& camera = renderer.scene().camera;
  for (const Eigen::Vector3f& point : points) {
    const Eigen::Vector3f projected = camera.project(point);
    ProjectedPoint p;
    p.pixel = projected.head<2>();
    p.depth = projected.z();
    p.visible = projected.z() > 0.0f && renderer.visible(point, tolerance);
    out.push_back(p);
  }
  return out;
}

std::string formatLandmarks(std::span<const ProjectedPoint> points) {
  std::string text;
  char line[64];
  for (const ProjectedPoint& p : points) {
    std::snprintf(line, sizeof(line), "%.4f %.4f\n", static_cast<double>(p.pixel.x()),
                  static_cast<double>(p.pixel.y()));
    text += line;
  }
  return text;
}

std::vector<Eigen::Vector2f> parseLandmarks(std::string_view text, const std::string& source) {
  std::vector<Eigen::Vector2f> points;
  std::istringstream stream{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(stream, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    std::istringstream fields(line);
    double x = 0.0;
    double y = 0.0;
    std::string rest;
    if (!(fields >> x >> y) || (fields >> rest) || !std::isfinite(x) || !std::isfinite(y)) {
      throw Error(SourceLocation::atLine(source, number),
                  "expected two numbers \"x y\", got \"" + line + "\"");
    }
    points.emplace_back(static_cast<float>(x), static_cast<float>(y));
  }
  return points;
}

}  // namespace sf
