// Benchmark of the batch renderer (not a test: timings belong outside ctest).
//
//   bench_render [--count N] [--resolution PX] [--spp S]      seconds per image, by stage
//   bench_render --memory N [--resolution PX] [--spp S]       resident memory over N images
//   bench_render --environment NAME FILE                      a built-in environment as EXR
//   bench_render --head-only SPP FILE      the template head without hair, for Cycles
//
// --head-only renders the scene of tests/benchmarks/cycles_head.py: the bare template head
// (level 2), the studio_softbox environment, a 30-degree camera 900 mm in front, 512x512,
// and prints the seconds from building the acceleration structures to the finished image.
//
// The first form renders samples 0..N-1 of the default recipe and reports the time of each
// stage: building the scene (posing, growing hair), the acceleration structures, path tracing,
// denoising, and the labels (classes, depth, normals, soft masks, landmark projection and
// visibility), so the labels' share of the total can be read off. The second form renders N
// consecutive samples through SampleRenderer, as the batch runner does, and prints the
// resident set size every tenth of the way: it should stay flat.

#include "batch/sample_renderer.h"
#include "face/face_geometry.h"
#include "face/model_store.h"
#include "labels/landmark_projection.h"
#include "recipe/recipe_io.h"
#include "render/denoiser.h"
#include "render/environment.h"
#include "render/face_scene.h"
#include "render/image.h"
#include "render/path_tracer.h"
#include "scene/scene_compiler.h"
#include "scene/scene_context.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long residentMegabytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0;
  long resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE) / (1024 * 1024);
}

}  // namespace

int headOnly(int spp, const char* file) {
  const sf::FaceModel model = sf::loadFaceModel("default");
  const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 2);
  sf::ResolvedScene resolved;
  resolved.parameters["hair.present"] = false;
  resolved.parameters["environment.map"] = std::string("studio_softbox");
  sf::FaceScene scene = sf::FaceScene::create(model, geometry, resolved, 512, 512);
  scene.hair.clear();
  scene.camera = sf::Camera::lookAt(sf::Vec3f(0, -10, 900), sf::Vec3f(0, -10, 0),
                                    sf::Vec3f::UnitY(), 30.0f, 512, 512);
  const double start = now();
  const sf::FaceRenderer renderer = sf::FaceRenderer::create(scene);
  sf::RenderSettings settings;
  settings.samplesPerPixel = spp;
  const sf::RenderedImage image = renderer.render(settings);
  std::printf("synthface: %.2f s for 512x512 at %d spp (%ld threads)\n", now() - start, spp,
              sysconf(_SC_NPROCESSORS_ONLN));
  sf::writeImage(image.color, file);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--environment") {
    sf::writeImage(sf::paintBuiltinEnvironment(argv[2], 1024), argv[3]);
    return 0;
  }
  if (argc == 4 && std::string(argv[1]) == "--head-only") {
    return headOnly(std::atoi(argv[2]), argv[3]);
  }
  int count = 4;
  int memory = 0;
  int resolution = 512;
  int spp = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--count") {
      count = value;
    } else if (flag == "--memory") {
      memory = value;
    } else if (flag == "--resolution") {
      resolution = value;
    } else if (flag == "--spp") {
      spp = value;
    } else {
      std::fprintf(stderr, "unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  const sf::RecipeParse parse = sf::readRecipe(SF_SOURCE_DIR "/resources/recipes/default.json", {});
  const sf::SceneContext context = sf::loadSceneContext(parse.recipe);

  if (memory > 0) {
    sf::RenderOverrides overrides;
    overrides.resolution = resolution;
    overrides.samplesPerPixel = spp;
    const sf::SampleRenderer renderer =
        sf::SampleRenderer::create(parse.recipe, context, {}, overrides);
    std::printf("resident memory over %d images at %dx%d, %d spp:\n", memory, resolution,
                resolution, spp);
    const double start = now();
    for (int i = 0; i < memory; ++i) {
      const sf::RenderedSample sample = renderer.render(static_cast<std::uint64_t>(i));
      if (i == 0 || (i + 1) % std::max(1, memory / 10) == 0) {
        std::printf("  after %5d images: %5ld MB (%.2f s/image)\n", i + 1, residentMegabytes(),
                    (now() - start) / (i + 1));
        std::fflush(stdout);
      }
    }
    return 0;
  }

  const sf::FaceModel model = sf::loadFaceModel("default");
  const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 2);
  const sf::SceneCompiler compiler = sf::SceneCompiler::create(parse.recipe, context);
  double scene = 0.0, accel = 0.0, render = 0.0, denoise = 0.0, labels = 0.0;
  for (int i = 0; i < count; ++i) {
    const sf::ResolvedScene resolved = compiler.compile(static_cast<std::uint64_t>(i));
    double t = now();
    const sf::FaceScene face =
        sf::FaceScene::create(model, geometry, resolved, resolution, resolution);
    scene += now() - t;
    t = now();
    const sf::FaceRenderer renderer = sf::FaceRenderer::create(face);
    const double accelSeconds = now() - t;
    accel += accelSeconds;
    t = now();
    sf::RenderSettings settings;
    settings.samplesPerPixel = spp;
    settings.seed = static_cast<std::uint64_t>(i);
    const sf::RenderedImage image = renderer.render(settings);
    render += now() - t;
    t = now();
    const sf::Image clean =
        sf::denoise(image.color, {&image.albedo, &image.normal, &image.variance, &image.fibre});
    denoise += now() - t;
    t = now();
    const sf::LabelBuffers buffers = renderer.labels();
    const auto points = sf::projectPoints(renderer, face.landmarks);
    const auto dense = sf::projectPoints(renderer, face.denseLandmarks);
    labels += now() - t;
    std::size_t segments = 0;
    for (const sf::HairStrands& strands : face.hair) {
      segments += strands.segmentStarts.size();
    }
    std::printf("sample %d: hair %s, %zu strands, %zu curve segments in all, accel %.2f s\n", i,
                face.hair.empty() ? "none" : face.hair[0].groom.c_str(),
                face.hair.empty() ? std::size_t(0) : face.hair[0].strandCount, segments,
                accelSeconds);
    (void)clean;
    (void)buffers;
    (void)points;
    (void)dense;
  }
  const double total = scene + accel + render + denoise + labels;
  std::printf("%d images at %dx%d, %d spp, %ld hardware threads:\n", count, resolution, resolution,
              spp, sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("  scene   %6.2f s/image\n", scene / count);
  std::printf("  accel   %6.2f s/image\n", accel / count);
  std::printf("  render  %6.2f s/image\n", render / count);
  std::printf("  denoise %6.2f s/image\n", denoise / count);
  std::printf("  labels  %6.2f s/image (%.1f%% of the total)\n", labels / count,
              100.0 * labels / total);
  std::printf("  total   %6.2f s/image\n", total / count);
  return 0;
}
