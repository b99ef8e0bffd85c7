#include "batch/sample_renderer.h"

#include "face/model_store.h"
#include "render/denoiser.h"
#include "render/face_scene.h"
#include "render/film.h"
#include "util/error.h"

#include <cstdio>
#include <utility>

namespace sf {

namespace {

nlohmann::json vec(const Eigen::Vector3f& v) {
  return {v.x(), v.y(), v.z()};
}

nlohmann::json rows(const Eigen::Matrix3f& m) {
  return {{m(0, 0), m(0, 1), m(0, 2)}, {m(1, 0), m(1, 1), m(1, 2)}, {m(2, 0), m(2, 1), m(2, 2)}};
}

nlohmann::json pointsJson(const std::vector<ProjectedPoint>& points) {
  nlohmann::json pixels = nlohmann::json::array();
  nlohmann::json visible = nlohmann::json::array();
  for (const ProjectedPoint& p : points) {
    pixels.push_back({p.pixel.x(), p.pixel.y()});
    visible.push_back(p.visible);
  }
  return {{"pixels", pixels}, {"visible", visible}};
}

int integerOr(const ResolvedScene& scene, const std::string& path, int fallback) {
  const auto it = scene.parameters.find(path);
  return it != scene.parameters.end() && isNumeric(it->second)
             ? static_cast<int>(numericValue(it->second))
             : fallback;
}

bool flagOr(const ResolvedScene& scene, const std::string& path, bool fallback) {
  const auto it = scene.parameters.find(path);
  return it != scene.parameters.end() && std::holds_alternative<bool>(it->second)
             ? std::get<bool>(it->second)
             : fallback;
}

}  // namespace

std::string sampleId(std::uint64_t index) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%06llu", static_cast<unsigned long long>(index));
  return buffer;
}

SampleRenderer SampleRenderer::create(const Recipe& recipe, const SceneContext& context,
                                      const std::filesystem::path& baseDir,
                                      RenderOverrides overrides) {
  SampleRenderer renderer;
  const std::filesystem::path given(recipe.model);
  const std::string model = recipe.model == "default" || given.is_absolute() || baseDir.empty()
                                ? recipe.model
                                : (baseDir / given).string();
  renderer.m_model = std::make_shared<const FaceModel>(loadFaceModel(model));
  renderer.m_geometry =
      std::make_shared<const FaceGeometry>(FaceGeometry::create(*renderer.m_model, 2));
  renderer.m_compiler =
      std::make_shared<const SceneCompiler>(SceneCompiler::create(recipe, context));
  renderer.m_overrides = overrides;
  return renderer;
}

SampleRenderer SampleRenderer::rebind(const Recipe& recipe, const SceneContext& context,
                                      RenderOverrides overrides) const {
  SampleRenderer renderer = *this;
  renderer.m_compiler =
      std::make_shared<const SceneCompiler>(SceneCompiler::create(recipe, context));
  renderer.m_overrides = overrides;
  return renderer;
}

int SampleRenderer::resolution() const {
  if (m_overrides.resolution) {
    return *m_overrides.resolution;
  }
  return integerOr(m_compiler->compile(0), "render.resolution", 512);
}

RenderedSample SampleRenderer::render(std::uint64_t index) const {
  return renderScene(m_compiler->compile(index));
}

RenderedSample SampleRenderer::renderScene(ResolvedScene resolved) const {
  const std::uint64_t index = resolved.index;
  RenderedSample out;
  out.index = index;
  out.id = sampleId(index);
  out.scene = std::move(resolved);
  const int resolution =
      m_overrides.resolution.value_or(integerOr(out.scene, "render.resolution", 512));
  const int spp = m_overrides.samplesPerPixel.value_or(integerOr(out.scene, "render.samples", 64));
  const bool denoiseImage = m_overrides.denoise.value_or(flagOr(out.scene, "render.denoise", true));

  const FaceScene scene = FaceScene::create(*m_model, *m_geometry, out.scene, resolution,
                                            resolution, m_compiler->context().assets.get());
  const FaceRenderer renderer = FaceRenderer::create(scene);
  RenderSettings settings;
  settings.samplesPerPixel = spp;
  // Per sample: the recipe's seed and the index fix every path.
  settings.seed = out.scene.seed * 0x9e3779b97f4a7c15ull + index;
  const RenderedImage rendered = renderer.render(settings);
  out.labels = renderer.labels();
  const Image color = denoiseImage ? denoise(rendered.color, {&rendered.albedo, &rendered.normal,
                                                              &rendered.variance, &rendered.fibre})
                                   : rendered.color;
  const std::uint8_t faceClasses[] = {static_cast<std::uint8_t>(LabelClass::Skin),
                                      static_cast<std::uint8_t>(LabelClass::Nose),
                                      static_cast<std::uint8_t>(LabelClass::TopLip),
                                      static_cast<std::uint8_t>(LabelClass::BottomLip)};
  // environment.intensity is the exposure relative to the metered one: 2 is a stop over.
  const float metered = meterExposure(color, rendered.albedo, out.labels.classes, faceClasses);
  const float exposure = metered * scene.environmentIntensity;
  out.image = developImage(color, exposure);
  if (flagOr(out.scene, "render.linearExr", false)) {
    out.linear = color;
    for (float& v : out.linear.pixels) {
      v *= exposure;
    }
  }

  out.landmarks = projectPoints(renderer, scene.landmarks);
  out.denseLandmarks = projectPoints(renderer, scene.denseLandmarks);
  for (const Landmark& landmark : m_model->landmarks) {
    out.landmarkNames.push_back(landmark.name);
  }

  // Metadata: camera, pose and gaze in OpenCV camera space (x right, y down, z forward).
  const Eigen::Isometry3f cameraFromWorld = scene.camera.worldFromCamera.inverse();
  const Eigen::Isometry3f cameraFromHead = cameraFromWorld * scene.worldFromHead;
  nlohmann::json landmarks3d = nlohmann::json::array();
  for (const Eigen::Vector3f& p : scene.landmarks) {
    landmarks3d.push_back(vec(cameraFromWorld * p));
  }
  nlohmann::json eyes = nlohmann::json::object();
  const char* sides[2] = {"right", "left"};
  for (int side = 0; side < 2; ++side) {
    eyes[sides[side]] = {
        {"centre", vec(cameraFromWorld * scene.eyeCentres[static_cast<std::size_t>(side)])},
        {"direction",
         vec(cameraFromWorld.linear() * scene.gazeDirections[static_cast<std::size_t>(side)])}};
  }
  nlohmann::json landmarkJson = pointsJson(out.landmarks);
  landmarkJson["names"] = out.landmarkNames;
  landmarkJson["camera"] = landmarks3d;
  out.metadata = {
      {"id", out.id},
      {"index", index},
      {"split", out.scene.split},
      {"camera", scene.camera.toJson()},
      {"headPose",
       {{"yaw", scene.headPoseDegrees.x()},
        {"pitch", scene.headPoseDegrees.y()},
        {"roll", scene.headPoseDegrees.z()},
        {"cameraFromHead",
         {{"rotation", rows(cameraFromHead.linear())},
          {"translation", vec(cameraFromHead.translation())}}}}},
      {"gaze", {{"yaw", scene.gazeDegrees.x()}, {"pitch", scene.gazeDegrees.y()}, {"eyes", eyes}}},
      {"landmarks", landmarkJson},
      {"denseLandmarks", pointsJson(out.denseLandmarks)},
      {"render",
       {{"samplesPerPixel", spp},
        {"denoised", denoiseImage},
        {"exposure", exposure},
        {"environment", scene.environment}}},
      {"scene", out.scene.toJson()},
  };
  return out;
}

}  // namespace sf
