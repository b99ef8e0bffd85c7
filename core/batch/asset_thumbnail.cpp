#include "batch/asset_thumbnail.h"

#include "assets/builtin_catalog.h"
#include "assets/hair_groom.h"
#include "recipe/recipe_io.h"
#include "scene/scene_context.h"
#include "util/error.h"
#include "util/version.h"

#include <oneapi/tbb/task_arena.h>

namespace sf {

namespace {

/// The recipe every thumbnail starts from: the head of average shape, neutral, facing the
/// camera under the studio softbox, in a plain grey T-shirt, with nothing else on.
std::vector<std::string> baseSettings() {
  return {"identity.distinctiveness=0",
          "expression.neutral=true",
          "head.yaw=0",
          "head.pitch=0",
          "head.roll=0",
          "gaze.yaw=0",
          "gaze.pitch=0",
          "camera.framing=faceSize",
          "camera.fov=30",
          "camera.pitch=0",
          "camera.roll=0",
          "camera.fStop=0",
          "environment.map=builtin/environment/studio_softbox",
          "environment.rotation=0",
          "environment.intensity=1",
          "skin.tone=0.4",
          "skin.material=builtin/skin/medium_even",
          "eyes.iris.melanin=0.6",
          "hair.present=false",
          "hair.color.melanin=0.75",
          "hair.color.redness=0.15",
          "brows.color.melanin=0.75",
          "brows.color.redness=0.15",
          "beard.color.melanin=0.75",
          "beard.color.redness=0.15",
          "brows.groom=builtin/brows/" + builtinBrows().front().id,
          "lashes.groom=builtin/lashes/" + builtinLashes().front().id,
          "lashes.length=1",
          "beard.present=false",
          "clothing.present=true",
          "clothing.item=builtin/clothing/tshirt_crew",
          "clothing.color.hue=210",
          "clothing.color.saturation=0.08",
          "clothing.color.lightness=0.45",
          "headwear.present=false",
          "eyewear.present=false",
          "facewear.present=false"};
}

/// The recipe of the default head with `settings`; throws naming `what` when they do not
/// make one.
Recipe thumbnailRecipe(const std::vector<std::string>& settings, const std::string& what) {
  const RecipeParse parse = parseRecipe(R"({"schemaVersion": 2, "model": "default"})", settings);
  if (!parse.ok()) {
    throw Error("thumbnails: " + what + ": " + formatDiagnostics(parse.diagnostics, "recipe"));
  }
  return parse.recipe;
}

}  // namespace

AssetThumbnailer AssetThumbnailer::create(int size, int samplesPerPixel) {
  AssetThumbnailer thumbnailer;
  thumbnailer.m_size = size;
  thumbnailer.m_samplesPerPixel = samplesPerPixel;
  thumbnailer.m_renderer =
      SampleRenderer::create(thumbnailRecipe({}, "the default head"),
                             SceneContext::fromModel(FaceModel{}, builtinAssetCatalog()), {},
                             RenderOverrides{size, samplesPerPixel, true});
  return thumbnailer;
}

std::vector<std::string> AssetThumbnailer::settingsFor(const std::string& assetId,
                                                       const std::string& kind) {
  std::vector<std::string> extra;
  if (kind == "skin") {
    extra = {"skin.material=" + assetId, "camera.yaw=25", "camera.faceSize=0.95"};
  } else if (kind == "hair") {
    extra = {"hair.present=true", "hair.groom=" + assetId, "camera.yaw=35", "camera.faceSize=0.5"};
  } else if (kind == "brows") {
    extra = {"brows.groom=" + assetId, "camera.yaw=10", "camera.faceSize=1.3"};
  } else if (kind == "lashes") {
    extra = {"lashes.groom=" + assetId, "camera.yaw=30", "camera.faceSize=1.4"};
  } else if (kind == "beard") {
    extra = {"beard.present=true", "beard.groom=" + assetId, "camera.yaw=30",
             "camera.faceSize=0.7"};
  } else if (kind == "clothing") {
    extra = {"clothing.item=" + assetId, "clothing.color.saturation=0.35",
             "clothing.color.lightness=0.4", "camera.yaw=20", "camera.faceSize=0.32"};
  } else if (kind == "headwear") {
    extra = {"headwear.present=true",         "headwear.item=" + assetId,
             "headwear.color.hue=20",         "headwear.color.saturation=0.3",
             "headwear.color.lightness=0.35", "camera.yaw=35",
             "camera.faceSize=0.48"};
  } else if (kind == "eyewear") {
    extra = {"eyewear.present=true", "eyewear.item=" + assetId, "eyewear.finish=0.5",
             "camera.yaw=25", "camera.faceSize=0.8"};
  } else if (kind == "facewear") {
    extra = {"facewear.present=true",         "facewear.item=" + assetId,
             "facewear.color.hue=200",        "facewear.color.saturation=0.3",
             "facewear.color.lightness=0.55", "camera.yaw=25",
             "camera.faceSize=0.65"};
  } else if (kind == "expression") {
    // The preset's first draw, on a face turned a little, framed on the face.
    extra = {"expression.neutral=false", "expression.preset=" + assetId, "camera.yaw=15",
             "camera.faceSize=1.0"};
  } else {
    return {};
  }
  std::vector<std::string> settings = baseSettings();
  settings.insert(settings.end(), extra.begin(), extra.end());
  return settings;
}

Image AssetThumbnailer::render(const std::string& assetId, const std::string& kind,
                               int threads) const {
  return render(assetId, kind, threads, {});
}

Image AssetThumbnailer::render(const std::string& assetId, const std::string& kind, int threads,
                               const std::vector<std::string>& extra) const {
  std::vector<std::string> settings = settingsFor(assetId, kind);
  if (settings.empty()) {
    throw Error("thumbnails: no rendered thumbnail for assets of kind '" + kind + "'");
  }
  settings.insert(settings.end(), extra.begin(), extra.end());
  const SampleRenderer renderer =
      m_renderer->rebind(thumbnailRecipe(settings, assetId),
                         SceneContext::fromModel(m_renderer->model(), builtinAssetCatalog()),
                         RenderOverrides{m_size, m_samplesPerPixel, true});
  Image image;
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] { image = renderer.render(0).image; });
  return image;
}

std::filesystem::path AssetThumbnailer::cachePath(const std::filesystem::path& cacheRoot,
                                                  const std::string& assetId,
                                                  const std::string& kind) {
  std::string name = builtinAssetName(assetId, kind);
  for (char& c : name) {
    if (c == '/' || c == '\\') {
      c = '_';
    }
  }
  return cacheRoot / "thumbnails" / (std::string(kVersion) + "-" + kLookHash) / kind /
         (name + ".png");
}

}  // namespace sf
