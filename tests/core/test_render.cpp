// Tests of the path tracer and its labels: camera projection against the pinhole formula,
// environment importance sampling against uniform sampling, exact labels of an analytic
// plane, visibility, thread-count independence, a small baseline image of the default
// head, and the FaceSynthetics layout written by a batch run.

#include "assets/asset_library.h"
#include "assets/builtin_catalog.h"
#include "assets/eyewear.h"
#include "assets/facewear.h"
#include "assets/garment.h"
#include "assets/hair_groom.h"
#include "assets/skin_material.h"
#include "batch/asset_thumbnail.h"
#include "batch/batch_runner.h"
#include "face/model_store.h"
#include "labels/landmark_projection.h"
#include "math/counter_rng.h"
#include "recipe/parameter_paths.h"
#include "recipe/recipe_io.h"
#include "render/camera.h"
#include "render/embree_accel.h"
#include "render/environment.h"
#include "render/face_scene.h"
#include "render/image.h"
#include "render/path_tracer.h"
#include "render/skin_marks.h"
#include "scene/scene_compiler.h"
#include "scene/scene_context.h"
#include "util/error.h"
#include "util/files.h"

// TBB before Qt: TBB declares functions named `emit`, which Qt defines as a macro.
#include <oneapi/tbb/global_control.h>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using sf::Vec3f;

namespace {

constexpr float kPi = 3.14159265358979f;

/// A square of side 2 * half in the plane z = 0, facing +z, of class `label`; the triangles
/// split it along a diagonal.
sf::SurfaceMesh square(float half, float z, sf::LabelClass label, sf::SurfaceMaterial material) {
  sf::SurfaceMesh mesh;
  mesh.name = "square";
  mesh.material = material;
  mesh.positions = {Vec3f(-half, -half, z), Vec3f(half, -half, z), Vec3f(half, half, z),
                    Vec3f(-half, half, z)};
  mesh.normals.assign(4, Vec3f::UnitZ());
  mesh.triangles = {{0, 1, 2}, {0, 2, 3}};
  mesh.triangleClass = {label, label};
  return mesh;
}

/// A scene of one square seen straight on from +z, 500 mm away, under the overcast sky.
sf::FaceScene planeScene(int size) {
  sf::FaceScene scene;
  scene.meshes.push_back(square(60.3f, 0.0f, sf::LabelClass::Nose, sf::SurfaceMaterial::Teeth));
  scene.camera =
      sf::Camera::lookAt(Vec3f(0, 0, 500), Vec3f::Zero(), Vec3f::UnitY(), 30.0f, size, size);
  scene.environment = "overcast";
  scene.landmarks.assign(70, Vec3f::Zero());
  return scene;
}

fs::path sourceDir() {
  return fs::path(SF_SOURCE_DIR);
}

/// Sample 0 of the default recipe with `overrides`, on `model` subdivided as `geometry`,
/// for an image `size` pixels square. Throws when the overrides give any diagnostic.
sf::FaceScene defaultRecipeScene(const sf::FaceModel& model, const sf::FaceGeometry& geometry,
                                 const std::vector<std::string>& overrides, int size) {
  const fs::path recipe = sourceDir() / "resources/recipes/default.json";
  const sf::RecipeParse parse = sf::readRecipe(recipe, overrides);
  if (!parse.diagnostics.empty()) {
    throw std::runtime_error(parse.diagnostics.front().format(recipe.string()));
  }
  const sf::SceneCompiler compiler =
      sf::SceneCompiler::create(parse.recipe, sf::SceneContext::fromModel(model));
  return sf::FaceScene::create(model, geometry, compiler.compile(0), size, size);
}

}  // namespace

/// How far `p` lies above the skin indexed by `index` (mm; negative inside it), measured
/// along the normal of the skin's closest triangle; 0 when no skin is within `reach`.
float heightAboveSkin(const sf::ClosestPointIndex& index, const sf::SurfaceMesh& skin,
                      const Vec3f& p, float reach = 60.0f) {
  const sf::ClosestPoint c = index.closest(p, reach);
  if (!c.found()) {
    return 0.0f;
  }
  const std::array<int, 3>& t = skin.triangles[static_cast<std::size_t>(c.triangle)];
  const Vec3f& a = skin.positions[static_cast<std::size_t>(t[0])];
  const Vec3f n = (skin.positions[static_cast<std::size_t>(t[1])] - a)
                      .cross(skin.positions[static_cast<std::size_t>(t[2])] - a)
                      .normalized();
  return (p - c.point).dot(n);
}

/// How far the deepest vertex of `meshes` lies inside the skin (negative mm; 0 none), for
/// vertices within 60 mm of it.
float deepestInside(const std::vector<const sf::SurfaceMesh*>& meshes,
                    const sf::SurfaceMesh& skin) {
  static sf::EmbreeDevice device;
  const sf::ClosestPointIndex index =
      sf::ClosestPointIndex::create(device, skin.positions, skin.triangles);
  float deepest = 0.0f;
  for (const sf::SurfaceMesh* mesh : meshes) {
    for (const Vec3f& p : mesh->positions) {
      deepest = std::min(deepest, heightAboveSkin(index, skin, p));
    }
  }
  return deepest;
}

class TestRender : public QObject {
  Q_OBJECT

private slots:
  void cameraProjectsLikeThePinholeFormula() {
    const sf::Camera camera = sf::Camera::lookAt(Vec3f(100, 50, 400), Vec3f(0, 10, 0),
                                                 Vec3f::UnitY(), 35.0f, 640, 480, 7.0f);
    const Eigen::Matrix3f k = camera.intrinsics();
    QCOMPARE(k(0, 2), 320.0f);
    QCOMPARE(k(1, 2), 240.0f);
    QVERIFY(std::abs(k(0, 0) - 240.0f / std::tan(17.5f * kPi / 180.0f)) < 1e-3f);
    const Eigen::Matrix4f cameraFromWorld = camera.worldFromCamera.inverse().matrix();
    for (const Vec3f& p : {Vec3f(0, 10, 0), Vec3f(30, -20, 40), Vec3f(-50, 60, -10)}) {
      const Eigen::Vector4f local = cameraFromWorld * p.homogeneous();
      const Vec3f pixel = k * local.head<3>();
      const Vec3f projected = camera.project(p);
      QVERIFY((projected.head<2>() - pixel.head<2>() / pixel.z()).norm() < 1e-3f);
      QVERIFY(std::abs(projected.z() - local.z()) < 1e-3f);
      // The ray through the projection passes through the point.
      const sf::Ray ray = camera.ray(projected.x(), projected.y());
      const Vec3f toPoint = p - ray.origin;
      QVERIFY((toPoint - toPoint.dot(ray.direction) * ray.direction).norm() < 1e-2f);
    }
    // The target is at the image centre; +y world is up the image (before roll).
    const sf::Camera upright =
        sf::Camera::lookAt(Vec3f(0, 0, 400), Vec3f::Zero(), Vec3f::UnitY(), 35.0f, 100, 100);
    QVERIFY((upright.project(Vec3f::Zero()).head<2>() - Eigen::Vector2f(50, 50)).norm() < 1e-4f);
    QVERIFY(upright.project(Vec3f(0, 10, 0)).y() < 50.0f);
    QVERIFY(upright.project(Vec3f(10, 0, 0)).x() > 50.0f);
  }

  void thinLensKeepsTheFocusPlaneSharp() {
    sf::Camera camera =
        sf::Camera::lookAt(Vec3f(0, 0, 500), Vec3f::Zero(), Vec3f::UnitY(), 35.0f, 64, 64);
    camera.apertureRadius = camera.apertureRadiusForFStop(2.0f);
    camera.focusDistance = 500.0f;
    QVERIFY(std::abs(camera.fullFrameFocalLength() - 12.0f / std::tan(17.5f * kPi / 180.0f)) <
            1e-3f);
    QVERIFY(camera.apertureRadius > 5.0f);  // f/2 at 38 mm: a 19 mm wide aperture
    // Every lens point's ray through pixel (20.5, 40.5) meets the pinhole ray at the focus
    // plane, and the rays spread elsewhere.
    const sf::Ray pinhole = camera.ray(20.5f, 40.5f);
    const Vec3f focus = pinhole.origin + (500.0f / -pinhole.direction.z()) * pinhole.direction;
    for (const auto& [u, v] : {std::pair{0.1f, 0.2f}, {0.9f, 0.5f}, {0.4f, 0.95f}}) {
      const sf::Ray ray = camera.lensRay(20.5f, 40.5f, u, v);
      QVERIFY((ray.origin - pinhole.origin).norm() <= camera.apertureRadius + 1e-3f);
      const Vec3f at =
          ray.origin + ((focus.z() - ray.origin.z()) / ray.direction.z()) * ray.direction;
      QVERIFY((at - focus).norm() < 1e-2f);
    }
    camera.apertureRadius = 0.0f;
    QVERIFY((camera.lensRay(3.0f, 4.0f, 0.7f, 0.2f).origin - camera.position()).norm() < 1e-6f);
  }

  void environmentSamplingMatchesItsDensity_data() {
    QTest::addColumn<QString>("id");
    for (const sf::BuiltinEnvironment& e : sf::builtinEnvironments()) {
      QTest::newRow(e.id.c_str()) << QString::fromStdString(e.id);
    }
  }

  void environmentSamplingMatchesItsDensity() {
    QFETCH(QString, id);
    const sf::Environment env =
        sf::Environment::create(sf::paintBuiltinEnvironment(id.toStdString(), 256), 40.0f, 1.0f);
    const sf::CounterRng rng(7, 11);
    const int n = 200000;
    // Irradiance by uniform and by importance sampling agree; the density integrates to 1.
    double integral = 0.0;
    double uniformIrradiance = 0.0;
    double sampledIrradiance = 0.0;
    const Vec3f normal = Vec3f(0.3f, 0.5f, 0.8f).normalized();
    for (int i = 0; i < n; ++i) {
      const float z = 1.0f - 2.0f * rng.uniform(4 * static_cast<std::uint64_t>(i));
      const float phi = 2.0f * kPi * rng.uniform(4 * static_cast<std::uint64_t>(i) + 1);
      const float r = std::sqrt(std::max(0.0f, 1.0f - z * z));
      const Vec3f d(r * std::cos(phi), r * std::sin(phi), z);
      uniformIrradiance += std::max(0.0f, d.dot(normal)) * env.radiance(d).y() * 4.0 * kPi;
      const sf::Environment::Sample s =
          env.sample(rng.uniform(4 * static_cast<std::uint64_t>(i) + 2),
                     rng.uniform(4 * static_cast<std::uint64_t>(i) + 3));
      QVERIFY(s.pdf > 0.0f);
      QVERIFY(std::abs(s.pdf - env.pdf(s.direction)) <= 1e-3f * s.pdf);
      sampledIrradiance += std::max(0.0f, s.direction.dot(normal)) * s.radiance.y() / s.pdf;
    }
    // Quadrature over a grid finer than the map: solid angle 2 pi^2 sin(theta) du dv.
    const int gw = 1024;
    const int gh = 512;
    for (int y = 0; y < gh; ++y) {
      const float theta = kPi * (static_cast<float>(y) + 0.5f) / gh;
      for (int x = 0; x < gw; ++x) {
        const float phi = 2.0f * kPi * (static_cast<float>(x) + 0.5f) / gw;
        const Vec3f d(std::sin(theta) * std::sin(phi), std::cos(theta),
                      -std::sin(theta) * std::cos(phi));
        integral += env.pdf(d) * 2.0 * kPi * kPi * std::sin(theta) / (gw * gh);
      }
    }
    QVERIFY2(std::abs(integral - 1.0) < 0.01, qPrintable(QString::number(integral)));
    // Lights small and bright (the sun) make uniform sampling noisy: a looser bound there.
    const double tolerance = id == "sunny" || id == "sunset" || id == "night_street" ? 0.15 : 0.03;
    const double a = uniformIrradiance / n;
    const double b = sampledIrradiance / n;
    QVERIFY2(std::abs(a - b) <= tolerance * std::max(a, b),
             qPrintable(QString("uniform %1, importance %2").arg(a).arg(b)));
  }

  void labelsAreExactOnAPlane() {
    const sf::FaceScene scene = planeScene(64);
    const sf::FaceRenderer renderer = sf::FaceRenderer::create(scene);
    const sf::LabelBuffers labels = renderer.labels();
    QCOMPARE(labels.width, 64);
    const sf::Camera& camera = scene.camera;
    int inside = 0;
    for (int y = 0; y < 64; ++y) {
      for (int x = 0; x < 64; ++x) {
        // Where the pixel centre's ray meets the plane z = 0.
        const sf::Ray ray = camera.ray(static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f);
        const float t = -ray.origin.z() / ray.direction.z();
        const Vec3f hit = ray.origin + t * ray.direction;
        const bool expected = std::abs(hit.x()) < 60.3f && std::abs(hit.y()) < 60.3f;
        const std::uint8_t label = labels.classes[static_cast<std::size_t>(y * 64 + x)];
        QCOMPARE(label, expected ? std::uint8_t(2) : std::uint8_t(0));
        inside += expected ? 1 : 0;
        if (expected) {
          const float depth = (hit - camera.position()).dot(camera.worldFromCamera.linear().col(2));
          QVERIFY(std::abs(labels.depth.at(x, y, 0) - depth) < 1e-3f * depth);
          QVERIFY(std::abs(labels.normals.at(x, y, 2) + 1.0f) < 1e-4f);  // facing the camera
        } else {
          QCOMPARE(labels.depth.at(x, y, 0), 0.0f);
        }
      }
    }
    QVERIFY(inside > 500 && inside < 64 * 64);
  }

  void landmarksProjectAndKnowWhenTheyAreHidden() {
    sf::FaceScene scene = planeScene(64);
    const sf::FaceRenderer renderer = sf::FaceRenderer::create(scene);
    const std::vector<Vec3f> points = {Vec3f(10, 20, 0), Vec3f(10, 20, 30), Vec3f(10, 20, -30),
                                       Vec3f(100, 100, -30)};
    const std::vector<sf::ProjectedPoint> projected = sf::projectPoints(renderer, points);
    QVERIFY(projected[0].visible);   // on the plane
    QVERIFY(projected[1].visible);   // in front of it
    QVERIFY(!projected[2].visible);  // behind it
    QVERIFY(projected[3].visible);   // behind the plane's plane, but beside the square
    for (std::size_t i = 0; i < points.size(); ++i) {
      QVERIFY((projected[i].pixel - scene.camera.project(points[i]).head<2>()).norm() < 1e-5f);
    }
    // The landmark file round-trips, and bad lines are refused with their line number.
    const std::string text = sf::formatLandmarks(projected);
    const std::vector<Eigen::Vector2f> back = sf::parseLandmarks(text, "x.txt");
    QCOMPARE(back.size(), points.size());
    QVERIFY((back[1] - projected[1].pixel).norm() < 1e-3f);
    try {
      sf::parseLandmarks("1 2\n3 four\n", "bad.txt");
      QFAIL("a bad line was accepted");
    } catch (const sf::Error& error) {
      QVERIFY2(std::string(error.what()).find("bad.txt:2") != std::string::npos, error.what());
    }
  }

  void imagesDoNotDependOnTheThreadCount() {
    const sf::FaceScene scene = planeScene(24);
    const sf::FaceRenderer renderer = sf::FaceRenderer::create(scene);
    sf::RenderSettings settings;
    settings.samplesPerPixel = 4;
    settings.seed = 99;
    sf::RenderedImage one;
    {
      const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
      one = renderer.render(settings);
    }
    const sf::RenderedImage many = renderer.render(settings);
    QVERIFY(one.color == many.color);
    QVERIFY(one.albedo == many.albedo);
    settings.seed = 100;
    QVERIFY(!(renderer.render(settings).color == one.color));
  }

  void fibresRecordTheirCoverageAndDirection() {
    // Parallel fibres in front of the plate's middle, rising to the right as the camera
    // sees them (-45 degrees, x right and y down): the fibre guide has them, with that
    // direction as a doubled angle (cos -90, sin -90) = (0, -1); elsewhere it is zero.
    sf::FaceScene scene = planeScene(32);
    sf::HairStrands strands;
    for (int k = -6; k <= 6; ++k) {
      const Vec3f start(-20.0f + 3.0f * k, -20.0f - 3.0f * k, 10.0f);
      strands.segmentStarts.push_back(static_cast<unsigned>(strands.points.size()));
      strands.points.emplace_back(start.x(), start.y(), start.z(), 0.4f);
      strands.points.emplace_back(start.x() + 40.0f, start.y() + 40.0f, start.z(), 0.4f);
    }
    scene.hair.push_back(strands);
    const sf::FaceRenderer renderer = sf::FaceRenderer::create(scene);
    sf::RenderSettings settings;
    settings.samplesPerPixel = 16;
    const sf::RenderedImage image = renderer.render(settings);
    QCOMPARE(image.fibre.channels, 3);
    const float centre = image.fibre.at(16, 16, 0);
    QVERIFY2(centre > 0.05f && centre < 0.9f, qPrintable(QString::number(centre)));
    double cosine = 0.0, sine = 0.0;
    for (int y = 12; y < 20; ++y) {
      for (int x = 12; x < 20; ++x) {
        cosine += image.fibre.at(x, y, 1);
        sine += image.fibre.at(x, y, 2);
      }
    }
    const double length = std::hypot(cosine, sine);
    QVERIFY(length > 0.0);
    QVERIFY2(sine / length < -0.99, qPrintable(QString("%1 %2").arg(cosine).arg(sine)));
    // The plate's top left corner (it covers pixels 9 to 22), away from the fibres, and the
    // sky beyond it: no fibre.
    QVERIFY(image.normal.at(10, 10, 2) < -0.9f);
    for (int c = 0; c < 3; ++c) {
      QCOMPARE(image.fibre.at(10, 10, c), 0.0f);
      QCOMPARE(image.fibre.at(0, 0, c), 0.0f);
    }
  }

  void aLitPlaneHasTheBrightnessOfItsAlbedo() {
    // A white-furnace check of the integrator: a diffuse-glossy plate under a uniform sky
    // of radiance 1 reflects about its albedo (plus the sheen), never more than 1.
    sf::FaceScene scene = planeScene(16);
    const sf::FaceRenderer renderer = sf::FaceRenderer::create(scene);
    sf::RenderSettings settings;
    settings.samplesPerPixel = 64;
    const sf::RenderedImage image = renderer.render(settings);
    const float centre = image.color.at(8, 8, 1);
    QVERIFY2(centre > 0.2f && centre < 1.0f, qPrintable(QString::number(centre)));
  }

  void defaultHeadMatchesItsBaseline() {
    // A small render of the default recipe's first sample, compared with the image stored
    // in tests/baselines: catches unintended changes to the face, materials or lights.
    // The environment is a painted one, so the image does not depend on whether this
    // machine has Blender's HDRIs.
    const sf::RecipeParse parse =
        sf::readRecipe(sourceDir() / "resources/recipes/default.json",
                       {"environment.map=builtin/environment/studio_softbox"});
    QVERIFY(parse.diagnostics.empty());
    const sf::SceneContext context = sf::loadSceneContext(parse.recipe);
    sf::RenderOverrides overrides;
    overrides.resolution = 64;
    overrides.samplesPerPixel = 16;
    const sf::SampleRenderer renderer =
        sf::SampleRenderer::create(parse.recipe, context, {}, overrides);
    const sf::RenderedSample sample = renderer.render(0);
    const fs::path baseline = sourceDir() / "tests/baselines/render_default_0.png";
    if (qEnvironmentVariableIsSet("SF_UPDATE_BASELINES")) {
      sf::writeImage(sample.image, baseline);
      QSKIP("baseline written");
    }
    const sf::Image expected = sf::readImage(baseline);
    QCOMPARE(expected.width, 64);
    const std::vector<std::uint8_t> got = sf::toSrgb8(sample.image);
    const std::vector<std::uint8_t> want = sf::toSrgb8(expected);
    QCOMPARE(got.size(), want.size());
    double total = 0.0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      total += std::abs(static_cast<int>(got[i]) - static_cast<int>(want[i]));
    }
    const double mean = total / static_cast<double>(got.size());
    QVERIFY2(mean < 2.0, qPrintable(QString("mean difference %1 levels").arg(mean)));
    // The face is there, in the middle, labelled.
    QCOMPARE(sample.landmarks.size(), std::size_t(70));
    QVERIFY(sample.labels.classes[static_cast<std::size_t>(32 * 64 + 32)] != 0);
  }

  void groomCatalogueCoversTheStyles() {
    // At least 30 scalp grooms with distinct ids, and every style a dataset needs is among
    // their tags: short and long, straight to coily, balding, gathered and braided.
    const auto grooms = sf::builtinGrooms();
    QVERIFY2(grooms.size() >= 30, qPrintable(QString::number(grooms.size())));
    std::set<std::string> ids;
    std::set<std::string> tags;
    for (const sf::GroomStyle& groom : grooms) {
      QVERIFY2(ids.insert(groom.id).second, groom.id.c_str());
      tags.insert(groom.tags.begin(), groom.tags.end());
    }
    for (const char* tag : {"short", "medium", "long", "straight", "wavy", "curly", "coily",
                            "balding", "bald", "shaved", "gathered", "braided"}) {
      QVERIFY2(tags.count(tag) == 1, tag);
    }
  }

  void theHairlineSitsAtTheTrichionAndThinsOut() {
    // Over the middle of the forehead, the hair starts about where a hairline does (the
    // trichion, 55 to 61 mm above the glabella in adults) and thins out into the skin
    // over several millimetres rather than stopping at a line.
    const sf::FaceModel model = sf::loadFaceModel("default");
    const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    const sf::FaceScene scene = defaultRecipeScene(
        model, geometry,
        {"hair.present=true", "hair.groom=builtin/hair/crew", "headwear.present=false",
         "head.yaw=0", "head.pitch=0", "head.roll=0", "expression.neutral=true"},
        32);
    const sf::HairStrands& hair = scene.hair.front();
    QCOMPARE(hair.groom, std::string("crew"));
    const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
    const Vec3f brows = headFromWorld * Vec3f(0.5f * (scene.landmarks[19] + scene.landmarks[24]));
    // The roots over the forehead's middle, by height above the brows.
    std::vector<float> heights;
    for (std::size_t i = 0; i < hair.segmentStarts.size(); ++i) {
      if (i > 0 && hair.segmentStarts[i - 1] + 1 == hair.segmentStarts[i]) {
        continue;  // not a strand's first segment
      }
      const Vec3f root = headFromWorld * Vec3f(hair.points[hair.segmentStarts[i]].head<3>());
      if (std::abs(root.x() - brows.x()) < 25.0f && root.z() > brows.z() - 30.0f) {
        heights.push_back(root.y() - brows.y());
      }
    }
    QVERIFY2(heights.size() > 300, qPrintable(QString::number(heights.size())));
    std::sort(heights.begin(), heights.end());
    const float lowest = heights[heights.size() / 50];
    QVERIFY2(lowest > 45.0f && lowest < 65.0f,
             qPrintable(QString("hairline %1 mm above the brows").arg(lowest)));
    // Roots per millimetre of height: the first 3 mm above the hairline hold under 60% as
    // many as a band of the same height 15 mm further up (a hard edge: about 100%).
    auto inBand = [&](float from) {
      return std::count_if(heights.begin(), heights.end(),
                           [&](float h) { return h >= from && h < from + 3.0f; });
    };
    const auto edge = inBand(lowest);
    const auto full = inBand(lowest + 15.0f);
    QVERIFY2(edge * 5 < full * 3,
             qPrintable(QString("%1 roots at the edge, %2 above").arg(edge).arg(full)));
  }

  void gatheredHairGoesToItsTie_data() {
    QTest::addColumn<QString>("groom");
    for (const sf::GroomStyle& g : sf::builtinGrooms()) {
      if (g.gather != sf::GroomGather::None) {
        QTest::newRow(g.id.c_str()) << QString::fromStdString(g.id);
      }
    }
  }

  void gatheredHairGoesToItsTie() {
    // Ponytails, buns and plaits: the face stays clear (nothing in front of it below the
    // brows), and the hair ends where its style puts it: a tail hangs behind and below the
    // head, a bun's ends stay in a knot on it, two plaits hang one on each side.
    QFETCH(QString, groom);
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    const sf::GroomStyle& style = *sf::findGroom(groom.toStdString());
    const sf::FaceScene scene =
        defaultRecipeScene(model, geometry,
                           {"hair.present=true", "hair.groom=builtin/hair/" + groom.toStdString(),
                            "headwear.present=false", "head.yaw=0", "head.pitch=0", "head.roll=0"},
                           32);
    const sf::HairStrands& hair = scene.hair.front();
    QCOMPARE(hair.groom, groom.toStdString());
    QVERIFY(hair.strandCount > 10000);
    const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
    const Vec3f browMid = headFromWorld * Vec3f(0.5f * (scene.landmarks[19] + scene.landmarks[24]));
    const Vec3f chin = headFromWorld * scene.landmarks[8];
    // The tips: the last point of each strand.
    std::vector<Vec3f> tips;
    std::size_t overFace = 0;
    for (std::size_t i = 0; i < hair.segmentStarts.size(); ++i) {
      const unsigned end = hair.segmentStarts[i] + 1;
      const Vec3f p = headFromWorld * Vec3f(hair.points[end].head<3>());
      if (p.y() < browMid.y() - 5.0f && p.y() > chin.y() && std::abs(p.x()) < 35.0f &&
          p.z() > browMid.z() - 30.0f) {
        ++overFace;
      }
      if (i + 1 == hair.segmentStarts.size() || hair.segmentStarts[i + 1] != end) {
        tips.push_back(p);
      }
    }
    QCOMPARE(tips.size(), hair.strandCount);
    // Strands go straight to the tie and on: none circles it (a strand that never arrived
    // used to wind about it for the rest of its 90 steps). Allowed: 40 steps of 4 mm over the
    // head, then the tail (or the bun's coil) for the outer half of the strands.
    const float tailSteps =
        (style.gather == sf::GroomGather::Bun ? 2.0f * 3.14159f * 0.55f * 1.5f : 1.0f) *
        style.tailLength / 4.0f;
    const double perStrand =
        static_cast<double>(hair.segmentStarts.size()) / static_cast<double>(hair.strandCount);
    QVERIFY2(perStrand < 40.0 + 0.6 * tailSteps,
             qPrintable(QString("%1 segments per strand").arg(perStrand)));
    QVERIFY2(overFace == 0, qPrintable(QString("%1 points over the face").arg(overFace)));
    if (style.gather != sf::GroomGather::Bun) {
      // The inner half of a tail is tucked in below the tie, unseen: the tail's end is where
      // the outer half ends, the tips furthest from the head.
      const Vec3f middle(0.0f, 60.0f, 0.0f);
      std::sort(tips.begin(), tips.end(), [&](const Vec3f& a, const Vec3f& b) {
        return (a - middle).squaredNorm() > (b - middle).squaredNorm();
      });
      tips.resize(tips.size() / 2);
    }
    Vec3f mean = Vec3f::Zero();
    for (const Vec3f& tip : tips) {
      mean += tip / static_cast<float>(tips.size());
    }
    float spread = 0.0f;
    for (const Vec3f& tip : tips) {
      spread += (tip - mean).norm() / static_cast<float>(tips.size());
    }
    const QString where = QString("tips' mean (%1, %2, %3), spread %4 mm")
                              .arg(mean.x())
                              .arg(mean.y())
                              .arg(mean.z())
                              .arg(spread);
    switch (style.gather) {
      case sf::GroomGather::Bun:
        // In a knot a few centimetres across, behind the face's front.
        QVERIFY2(spread < 1.3f * style.tailLength, qPrintable(where));
        QVERIFY2(mean.z() < browMid.z() - 60.0f, qPrintable(where));
        break;
      case sf::GroomGather::Braids: {
        std::size_t left = 0;
        for (const Vec3f& tip : tips) {
          left += tip.x() > 0.0f ? 1 : 0;
        }
        QVERIFY2(left > tips.size() / 3 && left < 2 * tips.size() / 3, qPrintable(where));
        QVERIFY2(mean.y() < chin.y(), qPrintable(where));
        break;
      }
      default:
        // Hanging behind the head, lower than the chin.
        QVERIFY2(mean.y() < chin.y() && mean.z() < browMid.z() - 80.0f, qPrintable(where));
        QVERIFY2(std::abs(mean.x()) < 15.0f, qPrintable(where));
        break;
    }
  }

  void hairStaysOutsideTheHead_data() {
    QTest::addColumn<QString>("groom");
    for (const sf::GroomStyle& g : sf::builtinGrooms()) {
      QTest::newRow(g.id.c_str()) << QString::fromStdString(g.id);
    }
  }

  void hairStaysOutsideTheHead() {
    // Every groom on distinctive (3 sd) identities: a strand point is inside the head when
    // the segment from the skull's middle to it crosses no skin.
    QFETCH(QString, groom);
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 2);
    const sf::RecipeParse parse =
        sf::readRecipe(sourceDir() / "resources/recipes/default.json",
                       {"hair.present=true", "hair.groom=builtin/hair/" + groom.toStdString(),
                        "identity.distinctiveness=3"});
    QVERIFY(parse.diagnostics.empty());
    const sf::SceneCompiler compiler =
        sf::SceneCompiler::create(parse.recipe, sf::SceneContext::fromModel(model));
    std::size_t inside = 0;
    std::size_t checked = 0;
    for (std::uint64_t index : {0u, 1u}) {
      const sf::FaceScene scene =
          sf::FaceScene::create(model, geometry, compiler.compile(index), 32, 32);
      // The scalp groom first, then both brows and both eyes' lashes (a brow has some 290
      // hairs, an eye's lids about 195).
      QCOMPARE(scene.hair.size(), std::size_t(5));
      QCOMPARE(scene.hair[0].groom, groom.toStdString());
      QVERIFY(scene.hair[0].strandCount > 10000);
      for (std::size_t set = 1; set < 5; ++set) {
        const sf::HairStrands& extra = scene.hair[set];
        const bool lashes = extra.mask == "lashes";
        QVERIFY2(extra.strandCount > (lashes ? 100u : 150u) && extra.strandCount < 3000u,
                 qPrintable(QString::fromStdString(extra.groom) + ": " +
                            QString::number(extra.strandCount)));
      }
      const sf::SurfaceMesh& skin = scene.meshes[0];
      QCOMPARE(skin.name, std::string("skin"));
      static sf::EmbreeDevice device;
      const sf::TriangleMeshInput input{skin.positions, skin.triangles, true};
      const sf::TriangleScene skinScene = sf::TriangleScene::create(device, {&input, 1});
      const Vec3f middle = scene.worldFromHead * Vec3f(0.0f, 60.0f, 0.0f);
      const auto& points = scene.hair[0].points;
      // Roots sit on the skin itself: check the points a strand grows to.
      std::vector<bool> grown(points.size(), false);
      for (const unsigned start : scene.hair[0].segmentStarts) {
        grown[start + 1] = true;
      }
      for (std::size_t i = 0; i < points.size(); i += 37) {
        if (!grown[i]) {
          continue;
        }
        const Vec3f p = points[i].head<3>();
        const Vec3f toPoint = p - middle;
        const float distance = toPoint.norm();
        sf::Ray ray;
        ray.origin = middle;
        ray.direction = toPoint / distance;
        ray.tFar = distance - 0.3f;
        ++checked;
        if (!skinScene.occluded(ray)) {
          ++inside;
        }
      }
    }
    QVERIFY(checked > 1000);
    // Tight curls still dip into the skin here and there (about 0.6% of an afro's points
    // on 3 sd heads): allowed up to 1%.
    QVERIFY2(
        inside * 100 <= checked,
        qPrintable(QString("%1 of %2 strand points inside the head").arg(inside).arg(checked)));
  }

  void lipsAreLabelledWhereTheyAreRed() {
    // The vermilion is painted inside the outline of the lip landmarks, and the
    // segmentation's lips are the painted triangles: no blocky band of red past the mouth's
    // corners, no red skin, top above bottom; on a talking face too.
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 2);
    const sf::RecipeParse parse =
        sf::readRecipe(sourceDir() / "resources/recipes/default.json",
                       {"expression.neutral=false", "expression.preset=talk", "head.yaw=0",
                        "head.pitch=0", "head.roll=0"});
    QVERIFY(parse.diagnostics.empty());
    const sf::SceneCompiler compiler =
        sf::SceneCompiler::create(parse.recipe, sf::SceneContext::fromModel(model));
    for (std::uint64_t index : {0u, 3u}) {
      const sf::FaceScene scene =
          sf::FaceScene::create(model, geometry, compiler.compile(index), 32, 32);
      const sf::SurfaceMesh& skin = scene.meshes[0];
      QCOMPARE(skin.name, std::string("skin"));
      QCOMPARE(skin.lipWeight.size(), skin.positions.size());
      QCOMPARE(skin.tint.size(), skin.positions.size());
      const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
      const Vec3f cornerR = headFromWorld * scene.landmarks[48];
      const Vec3f cornerL = headFromWorld * scene.landmarks[54];
      const float front = std::min(cornerR.z(), cornerL.z()) - 3.0f;
      std::size_t top = 0, bottom = 0, mismatched = 0, lipFaces = 0;
      float topY = 0.0f, bottomY = 0.0f;
      // How far the lips reach from the corners' line: at the middle, and near the corners.
      const float middleX = 0.5f * (cornerR.x() + cornerL.x());
      const float halfWidth = 0.5f * (cornerL.x() - cornerR.x());
      auto cornerLineY = [&](float x) {
        return cornerR.y() +
               (x - cornerR.x()) / (cornerL.x() - cornerR.x()) * (cornerL.y() - cornerR.y());
      };
      float middleReach = 0.0f, cornerReach = 0.0f, middleTop = -1e9f;
      for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
        Vec3f centre = Vec3f::Zero();
        float weight = 0.0f;
        for (int corner : skin.triangles[t]) {
          centre += headFromWorld * skin.positions[static_cast<std::size_t>(corner)] / 3.0f;
          weight += skin.lipWeight[static_cast<std::size_t>(corner)] / 3.0f;
        }
        const sf::LabelClass label = skin.triangleClass[t];
        const bool lip = label == sf::LabelClass::TopLip || label == sf::LabelClass::BottomLip;
        if (centre.z() < front) {
          continue;  // the mouth's pocket behind the slit keeps its own labels
        }
        if (lip) {
          ++lipFaces;
          // Never past the mouth's corners.
          QVERIFY(centre.x() > cornerR.x() - 1.5f && centre.x() < cornerL.x() + 1.5f);
          (label == sf::LabelClass::TopLip ? topY : bottomY) += centre.y();
          const float reach = std::abs(centre.y() - cornerLineY(centre.x()));
          const float along = std::abs(centre.x() - middleX) / halfWidth;
          if (along < 0.1f) {
            middleReach = std::max(middleReach, reach);
            if (label == sf::LabelClass::TopLip) {
              middleTop = std::max(middleTop, centre.y());
            }
          } else if (along > 0.85f) {
            cornerReach = std::max(cornerReach, reach);
          }
          ++(label == sf::LabelClass::TopLip ? top : bottom);
        }
        if ((label == sf::LabelClass::Skin || lip) && lip != (weight > 0.5f)) {
          ++mismatched;
        }
      }
      QVERIFY(top > 20 && bottom > 20);
      QVERIFY(topY / static_cast<float>(top) > bottomY / static_cast<float>(bottom));
      // The lips taper into the corners (they keep most of their height over the middle,
      // as real lips do, and close over the outer sixth), and the red ends at the upper
      // lip's border.
      QVERIFY2(cornerReach < 0.6f * middleReach,
               qPrintable(QString("reach %1 mm at the corners, %2 mm at the middle")
                              .arg(cornerReach)
                              .arg(middleReach)));
      const float border = (headFromWorld * scene.landmarks[51]).y();
      QVERIFY2(std::abs(middleTop - border) < 1.0f,
               qPrintable(QString("lip top %1, border %2").arg(middleTop).arg(border)));
      QVERIFY2(mismatched * 50 < lipFaces,
               qPrintable(QString("%1 of %2 lip faces").arg(mismatched).arg(lipFaces)));
      // The cheeks are flushed: redder than the forehead's skin.
      const Vec3f cheek = headFromWorld * (0.5f * (scene.landmarks[41] + scene.landmarks[31]));
      const Vec3f brow = headFromWorld * (scene.landmarks[27] + Vec3f(0.0f, 30.0f, 0.0f));
      auto tintNear = [&](const Vec3f& at) {
        std::size_t best = 0;
        for (std::size_t v = 0; v < skin.positions.size(); ++v) {
          if ((headFromWorld * skin.positions[v] - at).squaredNorm() <
              (headFromWorld * skin.positions[best] - at).squaredNorm()) {
            best = v;
          }
        }
        return skin.tint[best];
      };
      const Vec3f cheekTint = tintNear(cheek);
      const Vec3f browTint = tintNear(brow);
      QVERIFY(cheekTint.y() / cheekTint.x() < browTint.y() / browTint.x() - 0.02f);
    }
  }

  void garmentsDressTheShoulders() {
    // Every built-in garment, seen from the front: the chest is CLOTHING, and the fabric's
    // top at the throat is where its neckline says (a turtleneck's up the neck, a V-neck's
    // down the chest).
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    std::map<std::string, int> top;
    for (const sf::GarmentStyle& garment : sf::builtinGarments()) {
      const sf::RecipeParse parse =
          sf::readRecipe(sourceDir() / "resources/recipes/default.json",
                         {"clothing.present=true", "clothing.item=builtin/clothing/" + garment.id,
                          "hair.present=false", "beard.present=false", "head.yaw=0", "head.pitch=0",
                          "head.roll=0", "camera.yaw=0", "camera.pitch=0", "camera.roll=0",
                          "camera.faceSize=0.4", "identity.distinctiveness=2"});
      QVERIFY(parse.diagnostics.empty());
      const sf::SceneCompiler compiler =
          sf::SceneCompiler::create(parse.recipe, sf::SceneContext::fromModel(model));
      const sf::FaceScene scene =
          sf::FaceScene::create(model, geometry, compiler.compile(0), 96, 96);
      std::size_t layers = 0;
      for (const sf::SurfaceMesh& mesh : scene.meshes) {
        if (mesh.material == sf::SurfaceMaterial::Cloth) {
          ++layers;
          QVERIFY(std::all_of(mesh.triangleClass.begin(), mesh.triangleClass.end(),
                              [](sf::LabelClass c) { return c == sf::LabelClass::Clothing; }));
        }
      }
      QCOMPARE(layers, garment.layers.size());
      const sf::LabelBuffers labels = sf::FaceRenderer::create(scene).labels();
      auto at = [&](int x, int y) {
        return static_cast<sf::LabelClass>(
            labels.classes[static_cast<std::size_t>(y * labels.width + x)]);
      };
      QVERIFY2(at(48, 95) == sf::LabelClass::Clothing, garment.id.c_str());
      // The fabric's highest pixel on the centre column below the chin.
      const Eigen::Vector3f chin = scene.camera.project(scene.landmarks[8]);
      int row = 95;
      while (row > static_cast<int>(chin.y()) + 1 && at(48, row - 1) == sf::LabelClass::Clothing) {
        --row;
      }
      top[garment.id] = row;
      // Neck shows between the chin and the fabric.
      QVERIFY2(row > chin.y() + 1.0f, garment.id.c_str());
    }
    QVERIFY(top["turtleneck"] < top["mock_neck"]);
    QVERIFY(top["mock_neck"] < top["tshirt_crew"]);
    QVERIFY(top["tshirt_crew"] < top["tshirt_vneck"]);
  }

  void headwearSitsOnTheScalp() {
    // Every built-in headwear, seen from the front: the crown is HEADWEAR, the eyes stay
    // clear of the brim, and scalp hair shows only below it (none pokes through).
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    for (const sf::HeadwearStyle& item : sf::builtinHeadwear()) {
      const sf::RecipeParse parse = sf::readRecipe(
          sourceDir() / "resources/recipes/default.json",
          {"headwear.present=true", "headwear.item=builtin/headwear/" + item.id,
           "hair.present=true", "hair.groom=builtin/hair/bob", "head.yaw=0", "head.pitch=0",
           "head.roll=0", "camera.yaw=0", "camera.pitch=0", "camera.roll=0", "camera.faceSize=0.6",
           "expression.neutral=true", "gaze.yaw=0", "gaze.pitch=0"});
      QVERIFY(parse.diagnostics.empty());
      const sf::SceneCompiler compiler =
          sf::SceneCompiler::create(parse.recipe, sf::SceneContext::fromModel(model));
      const sf::FaceScene scene =
          sf::FaceScene::create(model, geometry, compiler.compile(0), 96, 96);
      const auto hat = std::find_if(scene.meshes.begin(), scene.meshes.end(),
                                    [](const sf::SurfaceMesh& m) { return m.name == "headwear"; });
      QVERIFY2(hat != scene.meshes.end(), item.id.c_str());
      QVERIFY(std::all_of(hat->triangleClass.begin(), hat->triangleClass.end(),
                          [](sf::LabelClass c) { return c == sf::LabelClass::Headwear; }));
      const sf::LabelBuffers labels = sf::FaceRenderer::create(scene).labels();
      auto at = [&](const Eigen::Vector3f& world) {
        const Eigen::Vector3f p = scene.camera.project(world);
        const int x = std::clamp(static_cast<int>(p.x()), 0, labels.width - 1);
        const int y = std::clamp(static_cast<int>(p.y()), 0, labels.height - 1);
        return static_cast<sf::LabelClass>(
            labels.classes[static_cast<std::size_t>(y * labels.width + x)]);
      };
      // Above the forehead, half way from the brows to the crown.
      const Eigen::Vector3f up = scene.worldFromHead.linear() * Eigen::Vector3f::UnitY();
      const Eigen::Vector3f brows = 0.5f * (scene.landmarks[19] + scene.landmarks[24]);
      QVERIFY2(at(brows + 55.0f * up) == sf::LabelClass::Headwear, item.id.c_str());
      QVERIFY2(at(scene.landmarks[68]) == sf::LabelClass::RightEye, item.id.c_str());
      QVERIFY2(at(scene.landmarks[69]) == sf::LabelClass::LeftEye, item.id.c_str());
      // A hat's brim reaches out past the head all round.
      if (item.brim > 0.0f) {
        const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
        float hatWidth = 0.0f;
        for (const Vec3f& p : hat->positions) {
          hatWidth = std::max(hatWidth, std::abs((headFromWorld * p).x()));
        }
        const float headWidth =
            0.5f *
            ((headFromWorld * scene.landmarks[0]) - (headFromWorld * scene.landmarks[16])).norm();
        QVERIFY2(hatWidth > headWidth + 0.6f * item.brim, item.id.c_str());
      }
      if (item.opening > 0.0f) {
        // A wrap frames the face: the nose and the chin show; the sides of the head (the
        // outermost pixels of the eyes' row) and the ears are under it.
        const int row = static_cast<int>(scene.camera.project(scene.landmarks[68]).y());
        int first = 0;
        int last = labels.width - 1;
        auto classAt = [&](int x) {
          return static_cast<sf::LabelClass>(
              labels.classes[static_cast<std::size_t>(row * labels.width + x)]);
        };
        while (first < last && classAt(first) == sf::LabelClass::Background) {
          ++first;
        }
        while (last > first && classAt(last) == sf::LabelClass::Background) {
          --last;
        }
        QVERIFY2(classAt(first) == sf::LabelClass::Headwear, item.id.c_str());
        QVERIFY2(classAt(last) == sf::LabelClass::Headwear, item.id.c_str());
        QVERIFY2(at(scene.landmarks[30]) == sf::LabelClass::Nose, item.id.c_str());
        QVERIFY2(at(0.5f * (scene.landmarks[8] + scene.landmarks[57])) == sf::LabelClass::Skin,
                 item.id.c_str());
        QVERIFY2(std::none_of(labels.classes.begin(), labels.classes.end(),
                              [](std::uint8_t c) {
                                return c == static_cast<std::uint8_t>(sf::LabelClass::RightEar) ||
                                       c == static_cast<std::uint8_t>(sf::LabelClass::LeftEar);
                              }),
                 item.id.c_str());
      }
      if (item.opening > 0.0f && item.drape > 0.0f) {
        // Loose cloth hangs in folds: round the neck below the chin, the cloth's distance
        // from the middle of that band rises and falls by 2 mm or more at least four times
        // (the smooth cloth without its folds gives one).
        const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
        const float chin = (headFromWorld * scene.landmarks[8]).y();
        std::vector<Vec3f> band;
        Vec3f mean = Vec3f::Zero();
        for (const Vec3f& p : hat->positions) {
          const Vec3f local = headFromWorld * p;
          if (local.y() < chin - 25.0f && local.y() > chin - 45.0f) {
            band.push_back(local);
            mean += local;
          }
        }
        QVERIFY2(band.size() > 50, item.id.c_str());
        mean /= static_cast<float>(band.size());
        constexpr int kBins = 48;
        std::array<float, kBins> radius{};
        for (const Vec3f& p : band) {
          const float angle = std::atan2(p.x() - mean.x(), p.z() - mean.z());
          const int bin = std::clamp(static_cast<int>((angle + 3.14159265f) / 6.2831853f * kBins),
                                     0, kBins - 1);
          radius[static_cast<std::size_t>(bin)] =
              std::max(radius[static_cast<std::size_t>(bin)],
                       std::hypot(p.x() - mean.x(), p.z() - mean.z()));
        }
        int folds = 0;
        for (int b = 0; b < kBins; ++b) {
          const float r = radius[static_cast<std::size_t>(b)];
          bool peak = r > 0.0f;
          float lowest = r;
          for (int d = -3; d <= 3 && peak; ++d) {
            const float other = radius[static_cast<std::size_t>((b + d + kBins) % kBins)];
            peak = d == 0 || other < r || (other == r && d > 0);
            if (other > 0.0f) {
              lowest = std::min(lowest, other);
            }
          }
          folds += peak && r - lowest >= 2.0f;
        }
        QVERIFY2(folds >= 4, qPrintable(QString("%1: %2 folds").arg(item.id.c_str()).arg(folds)));
      }
      // Hair remains below the brim, and none of it is outside the hat above it; a
      // headscarf hides it all.
      const auto scalpHair =
          std::find_if(scene.hair.begin(), scene.hair.end(),
                       [](const sf::HairStrands& h) { return h.mask == "hair"; });
      if (item.hidesHair) {
        QVERIFY2(scalpHair == scene.hair.end(), item.id.c_str());
        continue;
      }
      QVERIFY2(scalpHair != scene.hair.end(), item.id.c_str());
      const sf::HairStrands& hair = *scalpHair;
      QVERIFY2(hair.segmentStarts.size() > 1000, item.id.c_str());
      static sf::EmbreeDevice device;
      const sf::TriangleMeshInput input{hat->positions, hat->triangles, true};
      const sf::TriangleScene hatScene = sf::TriangleScene::create(device, {&input, 1});
      const Vec3f middle = scene.worldFromHead * Vec3f(0.0f, 60.0f, 0.0f);
      std::size_t through = 0;
      for (std::size_t i = 0; i < hair.segmentStarts.size(); i += 13) {
        const Vec3f p = hair.points[hair.segmentStarts[i]].head<3>();
        sf::Ray ray;
        ray.origin = middle;
        ray.direction = (p - middle).normalized();
        ray.tFar = (p - middle).norm();
        through += hatScene.occluded(ray) ? 1 : 0;
      }
      QCOMPARE(through, std::size_t(0));
    }
  }

  void eyewearRestsOnTheFace() {
    // Every built-in pair of glasses on a face turned a little: lenses clear of the eyes,
    // the bridge on the nose, nothing inside the head, temples back over the ears; labels
    // see through clear lenses and not through dark ones.
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    static sf::EmbreeDevice device;
    QCOMPARE(sf::builtinEyewear().size(), std::size_t(6));
    for (const sf::EyewearStyle& item : sf::builtinEyewear()) {
      const sf::RecipeParse parse = sf::readRecipe(
          sourceDir() / "resources/recipes/default.json",
          {"eyewear.present=true", "eyewear.item=builtin/eyewear/" + item.id, "hair.present=false",
           "headwear.present=false", "head.yaw=20", "head.pitch=-5", "head.roll=0", "camera.yaw=0",
           "camera.pitch=0", "camera.roll=0", "camera.faceSize=0.8", "expression.neutral=true",
           "gaze.yaw=0", "gaze.pitch=0"});
      QVERIFY(parse.diagnostics.empty());
      const sf::SceneCompiler compiler =
          sf::SceneCompiler::create(parse.recipe, sf::SceneContext::fromModel(model));
      const sf::FaceScene scene =
          sf::FaceScene::create(model, geometry, compiler.compile(0), 128, 128);
      const char* id = item.id.c_str();
      const sf::SurfaceMesh* lenses = nullptr;
      std::vector<const sf::SurfaceMesh*> frame;
      const sf::SurfaceMesh* skin = nullptr;
      for (const sf::SurfaceMesh& mesh : scene.meshes) {
        if (mesh.name == "eyewear_lenses") {
          lenses = &mesh;
        } else if (mesh.name.rfind("eyewear", 0) == 0) {
          frame.push_back(&mesh);
        } else if (mesh.name == "skin") {
          skin = &mesh;
        }
      }
      QVERIFY2(lenses && !frame.empty() && skin, id);
      QCOMPARE(lenses->material, sf::SurfaceMaterial::Glass);
      QCOMPARE(lenses->occludes, item.tinted);
      for (const sf::SurfaceMesh* mesh : frame) {
        QVERIFY2(std::all_of(mesh->triangleClass.begin(), mesh->triangleClass.end(),
                             [](sf::LabelClass c) { return c == sf::LabelClass::Glasses; }),
                 id);
      }
      // Lenses: at least 10 mm in front of each cornea (eyeball radius 12 mm).
      for (const Vec3f& p : lenses->positions) {
        for (const Vec3f& eye : scene.eyeCentres) {
          QVERIFY2((p - eye).norm() > 22.0f, id);
        }
      }
      // No part of the frame inside the head, and the bridge within 5 mm of the nose.
      const float deepest = deepestInside(frame, *skin);
      QVERIFY2(deepest > -0.5f, qPrintable(QString("%1: %2 mm inside").arg(id).arg(deepest)));
      const sf::ClosestPointIndex index =
          sf::ClosestPointIndex::create(device, skin->positions, skin->triangles);
      const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
      const float midX = (headFromWorld * (0.5f * (scene.landmarks[68] + scene.landmarks[69]))).x();
      float nearNose = 1e9f;
      float backmost = 1e9f;
      for (const sf::SurfaceMesh* mesh : frame) {
        for (const Vec3f& p : mesh->positions) {
          const Vec3f local = headFromWorld * p;
          backmost = std::min(backmost, local.z());
          if (std::abs(local.x() - midX) < 12.0f) {
            nearNose = std::min(nearNose, index.closest(p, 60.0f).distance);
          }
        }
      }
      QVERIFY2(nearNose < 5.0f,
               qPrintable(QString("%1: %2 mm off the nose").arg(id).arg(nearNose)));
      // The temples reach back past the front of the ears (landmarks 0 and 16 lie there).
      const float earFront = std::max((headFromWorld * scene.landmarks[0]).z(),
                                      (headFromWorld * scene.landmarks[16]).z());
      QVERIFY2(backmost < earFront - 10.0f, id);

      // Labels: the pupils are EYE through clear lenses and GLASSES behind dark ones; the
      // frame is in the glasses mask, and so are dark lenses.
      const sf::FaceRenderer renderer = sf::FaceRenderer::create(scene);
      const sf::LabelBuffers labels = renderer.labels();
      QVERIFY2(labels.softMasks.count("glasses") == 1, id);
      const sf::Image& mask = labels.softMasks.at("glasses");
      for (int side = 0; side < 2; ++side) {
        const Vec3f pupil = scene.landmarks[static_cast<std::size_t>(68 + side)];
        const Eigen::Vector3f p = scene.camera.project(pupil);
        const int x = static_cast<int>(p.x());
        const int y = static_cast<int>(p.y());
        const auto label = static_cast<sf::LabelClass>(
            labels.classes[static_cast<std::size_t>(y * labels.width + x)]);
        const sf::LabelClass eye = side == 0 ? sf::LabelClass::RightEye : sf::LabelClass::LeftEye;
        QVERIFY2(label == (item.tinted ? sf::LabelClass::Glasses : eye), id);
        QVERIFY2(renderer.visible(pupil) != item.tinted, id);
        QVERIFY2((mask.at(x, y, 0) > 0.5f) == item.tinted, id);
      }
      std::size_t framePixels = 0;
      for (std::size_t i = 0; i < labels.classes.size(); ++i) {
        framePixels += labels.classes[i] == static_cast<std::uint8_t>(sf::LabelClass::Glasses);
      }
      QVERIFY2(framePixels > 25, qPrintable(QString("%1: %2 px").arg(id).arg(framePixels)));
    }
  }

  void facewearCoversTheMouth() {
    // Every built-in face covering: FACEWEAR over the mouth and chin, the eyes clear, the
    // mouth's landmarks hidden, nothing inside the face, a beard under it cut away; and it
    // follows the jaw when the mouth opens.
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    QCOMPARE(sf::builtinFacewear().size(), std::size_t(3));
    for (const sf::FacewearStyle& item : sf::builtinFacewear()) {
      const char* id = item.id.c_str();
      std::array<float, 2> chinHeight{};
      std::size_t chinVertex = 0;
      for (const bool open : {false, true}) {
        const sf::RecipeParse parse =
            sf::readRecipe(sourceDir() / "resources/recipes/default.json",
                           {"facewear.present=true", "facewear.item=builtin/facewear/" + item.id,
                            "hair.present=false", "headwear.present=false", "eyewear.present=false",
                            "beard.present=true", "beard.groom=builtin/beard/full", "head.yaw=0",
                            "head.pitch=0", "head.roll=0", "camera.yaw=0", "camera.pitch=0",
                            "camera.roll=0", "camera.faceSize=0.8", "gaze.yaw=0", "gaze.pitch=0",
                            open ? "expression.neutral=false" : "expression.neutral=true",
                            "expression.preset=blink", "expression.shapes.jawOpen=1"});
        QVERIFY(parse.diagnostics.empty());
        const sf::SceneCompiler compiler =
            sf::SceneCompiler::create(parse.recipe, sf::SceneContext::fromModel(model));
        const sf::FaceScene scene =
            sf::FaceScene::create(model, geometry, compiler.compile(0), 128, 128);
        const sf::SurfaceMesh* skin = nullptr;
        std::vector<const sf::SurfaceMesh*> covering;
        for (const sf::SurfaceMesh& mesh : scene.meshes) {
          if (mesh.name == "skin") {
            skin = &mesh;
          } else if (mesh.name.rfind("facewear", 0) == 0) {
            covering.push_back(&mesh);
          }
        }
        QVERIFY2(skin && !covering.empty(), id);
        for (const sf::SurfaceMesh* mesh : covering) {
          QCOMPARE(mesh->material, sf::SurfaceMaterial::Cloth);
          QVERIFY2(std::all_of(mesh->triangleClass.begin(), mesh->triangleClass.end(),
                               [](sf::LabelClass c) { return c == sf::LabelClass::Facewear; }),
                   id);
        }
        const float deepest = deepestInside(covering, *skin);
        QVERIFY2(
            deepest > -1.0f,
            qPrintable(
                QString("%1%3: %2 mm inside").arg(id).arg(deepest).arg(open ? " (open)" : "")));
        const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
        // The covering's vertex nearest the chin in the closed face, followed when it opens.
        const std::vector<Vec3f>& sheet = covering.front()->positions;
        if (!open) {
          chinVertex = 0;
          for (std::size_t v = 0; v < sheet.size(); ++v) {
            if ((sheet[v] - scene.landmarks[8]).norm() <
                (sheet[chinVertex] - scene.landmarks[8]).norm()) {
              chinVertex = v;
            }
          }
        }
        QVERIFY2(chinVertex < sheet.size(), id);
        chinHeight[open ? 1 : 0] = (headFromWorld * sheet[chinVertex]).y();
        // No beard strand outside the covering over the mouth and chin.
        const auto beard = std::find_if(scene.hair.begin(), scene.hair.end(),
                                        [](const sf::HairStrands& h) { return h.mask == "beard"; });
        const sf::FaceRenderer renderer = sf::FaceRenderer::create(scene);
        const sf::LabelBuffers labels = renderer.labels();
        auto at = [&](const Vec3f& world) {
          const Eigen::Vector3f p = scene.camera.project(world);
          return static_cast<sf::LabelClass>(labels.classes[static_cast<std::size_t>(
              static_cast<int>(p.y()) * labels.width + static_cast<int>(p.x()))]);
        };
        for (const int landmark : {8, 51, 57, 62, 66}) {
          const Vec3f p = scene.landmarks[static_cast<std::size_t>(landmark)];
          QVERIFY2(at(p) == sf::LabelClass::Facewear,
                   qPrintable(QString("%1: landmark %2").arg(id).arg(landmark)));
          QVERIFY2(!renderer.visible(p), qPrintable(QString("%1%3: landmark %2 visible")
                                                        .arg(id)
                                                        .arg(landmark)
                                                        .arg(open ? " (open)" : "")));
        }
        if (!open) {
          QVERIFY2(at(scene.landmarks[68]) == sf::LabelClass::RightEye, id);
          QVERIFY2(at(scene.landmarks[69]) == sf::LabelClass::LeftEye, id);
        }
        if (beard != scene.hair.end()) {
          for (std::size_t i = 0; i < beard->segmentStarts.size(); i += 7) {
            const Vec3f p = beard->points[beard->segmentStarts[i]].head<3>();
            const Eigen::Vector3f pixel = scene.camera.project(p);
            if (pixel.x() < 0 || pixel.y() < 0 || pixel.x() >= 128 || pixel.y() >= 128) {
              continue;
            }
            const Vec3f local = headFromWorld * p;
            const Vec3f mouth = headFromWorld * scene.landmarks[62];
            if (std::abs(local.x() - mouth.x()) < 15.0f &&
                std::abs(local.y() - mouth.y()) < 12.0f) {
              QVERIFY2(!renderer.visible(p, 0.3f), id);
            }
          }
        }
      }
      // Opening the jaw takes a mask down with the chin (a loose scarf need only cover it,
      // which the labels above check).
      QVERIFY2(item.kind == sf::FacewearKind::Scarf || chinHeight[1] < chinHeight[0] - 3.0f,
               qPrintable(QString("%1: %2 -> %3").arg(id).arg(chinHeight[0]).arg(chinHeight[1])));
    }
  }

  void browAndLashStylesDiffer() {
    // Each built-in brow grows on both sides with brow labels where it is painted; thick
    // brows are taller and fuller than thin ones, sparse ones fewer, a joined brow crosses
    // the midline; long lashes reach farther than sparse ones, and there are more of them.
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    struct Measure {
      std::size_t browStrands = 0;
      // mm: the spread (SD) of brow points' heights about the brow's middle line (the mean
      // height in 2 mm slices across), so that a brow's arch does not count as its height
      float browHeight = 0.0f;
      float nearMidline = 1e9f;
      float browOffSkin = 0.0f;  // mm: the farthest brow hair point above the skin
      float browInside = 0.0f;   // mm: the deepest one under it (negative)
      std::size_t lashStrands = 0;
      float lashReach = 0.0f;  // mm: how far forward of the eyes the lashes reach
      float lashRise = 0.0f;   // degrees: upper lashes' mean root-to-tip angle above forward
    };
    auto measure = [&](const std::string& brows, const std::string& lashes) {
      const sf::FaceScene scene = defaultRecipeScene(
          model, geometry,
          {"brows.groom=builtin/brows/" + brows, "lashes.groom=builtin/lashes/" + lashes,
           "lashes.length=1", "hair.present=false", "headwear.present=false",
           "eyewear.present=false", "facewear.present=false", "expression.neutral=true",
           "head.yaw=0", "head.pitch=0", "head.roll=0"},
          32);
      const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
      const float midX = (headFromWorld * (0.5f * (scene.landmarks[21] + scene.landmarks[22]))).x();
      const float eyesZ = (headFromWorld * scene.eyeCentres[0]).z();
      Measure m;
      static sf::EmbreeDevice device;
      const sf::SurfaceMesh& skin = scene.meshes.front();
      const sf::ClosestPointIndex skinIndex =
          sf::ClosestPointIndex::create(device, skin.positions, skin.triangles);
      // Per side and 2 mm slice of x: the sum of heights, of their squares, and the count.
      std::map<std::pair<int, int>, std::array<double, 3>> slices;
      std::vector<float> rises;
      int sides = 0;
      for (const sf::HairStrands& strands : scene.hair) {
        if (strands.label == sf::LabelClass::RightBrow ||
            strands.label == sf::LabelClass::LeftBrow) {
          ++sides;
          m.browStrands += strands.strandCount;
          for (const Eigen::Vector4f& p : strands.points) {
            const Vec3f local = headFromWorld * Vec3f(p.head<3>());
            std::array<double, 3>& slice =
                slices[{sides, static_cast<int>(std::floor(local.x() / 2.0f))}];
            slice[0] += local.y();
            slice[1] += static_cast<double>(local.y()) * local.y();
            slice[2] += 1.0;
            const float above = heightAboveSkin(skinIndex, skin, p.head<3>());
            m.browOffSkin = std::max(m.browOffSkin, above);
            m.browInside = std::min(m.browInside, above);
            m.nearMidline = std::min(m.nearMidline, std::abs(local.x() - midX));
          }
        } else if (strands.mask == "lashes") {
          m.lashStrands += strands.strandCount;
          for (const Eigen::Vector4f& p : strands.points) {
            m.lashReach = std::max(m.lashReach, (headFromWorld * Vec3f(p.head<3>())).z() - eyesZ);
          }
          const float eyeY = (headFromWorld * scene.eyeCentres[0]).y();
          const std::vector<unsigned>& starts = strands.segmentStarts;
          Vec3f root = Vec3f::Zero();
          for (std::size_t i = 0; i < starts.size(); ++i) {
            if (i == 0 || starts[i - 1] + 1 != starts[i]) {
              root = headFromWorld * Vec3f(strands.points[starts[i]].head<3>());
            }
            if (i + 1 == starts.size() || starts[i] + 1 != starts[i + 1]) {
              const Vec3f tip = headFromWorld * Vec3f(strands.points[starts[i] + 1].head<3>());
              if (root.y() > eyeY) {
                rises.push_back(std::atan2(tip.y() - root.y(), tip.z() - root.z()) * 57.2958f);
              }
            }
          }
        }
      }
      if (sides != 2 || slices.empty()) {
        throw std::runtime_error("brows missing");
      }
      double spread = 0.0, count = 0.0;
      for (const auto& [where, slice] : slices) {
        const double mean = slice[0] / slice[2];
        spread += slice[1] - slice[2] * mean * mean;
        count += slice[2];
      }
      m.browHeight = static_cast<float>(std::sqrt(std::max(spread, 0.0) / count));
      m.lashRise = rises.empty() ? 0.0f
                                 : std::accumulate(rises.begin(), rises.end(), 0.0f) /
                                       static_cast<float>(rises.size());
      // The skin's brow labels are where the style painted it.
      for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
        float weight = 0.0f;
        for (const int v : skin.triangles[t]) {
          weight += skin.browWeight[static_cast<std::size_t>(v)] / 3.0f;
        }
        const bool brow = skin.triangleClass[t] == sf::LabelClass::RightBrow ||
                          skin.triangleClass[t] == sf::LabelClass::LeftBrow;
        if (brow != (weight > 0.5f)) {
          throw std::runtime_error("brow labels off the painted brow");
        }
      }
      return m;
    };
    QCOMPARE(sf::builtinBrows().size(), std::size_t(10));
    QCOMPARE(sf::builtinLashes().size(), std::size_t(4));
    std::map<std::string, Measure> brows;
    for (const sf::BrowStyle& style : sf::builtinBrows()) {
      brows[style.id] = measure(style.id, "natural");
    }
    QVERIFY2(brows["thick"].browHeight > 1.3f * brows["thin"].browHeight,
             qPrintable(QString("thick %1 mm, thin %2 mm")
                            .arg(brows["thick"].browHeight)
                            .arg(brows["thin"].browHeight)));
    QVERIFY(brows["thick"].browStrands > 2 * brows["thin"].browStrands);
    QVERIFY(brows["sparse"].browStrands < brows["natural"].browStrands / 2);
    QVERIFY2(brows["unibrow"].nearMidline < 3.0f,
             qPrintable(QString::number(brows["unibrow"].nearMidline)));
    QVERIFY(brows["natural"].nearMidline > 6.0f);
    // Brow hairs lie on the skin, following its curve: none stands off it like a brush
    // (a lifted, feathered brow's tips rise the most, some 0.4 mm).
    for (const auto& [id, m] : brows) {
      QVERIFY2(m.browOffSkin < 0.6f && m.browInside > -0.05f,
               qPrintable(QString("%1: %2 mm above, %3 mm under")
                              .arg(id.c_str())
                              .arg(m.browOffSkin)
                              .arg(m.browInside)));
    }
    const Measure sparse = measure("natural", "sparse");
    const Measure long_ = measure("natural", "long");
    QVERIFY(long_.lashStrands > sparse.lashStrands);
    QVERIFY2(long_.lashReach > sparse.lashReach + 2.0f,
             qPrintable(QString("%1 vs %2").arg(long_.lashReach).arg(sparse.lashReach)));
    // Upper lashes reach forward and curl up, neither standing up the lid nor lying flat:
    // on average their tips are 20 to 50 degrees above their roots' forward direction.
    const float rise = brows["natural"].lashRise;
    QVERIFY2(rise > 20.0f && rise < 50.0f, qPrintable(QString("%1 degrees").arg(rise)));
  }

  void lashesGrowAlongTheLidMargins() {
    // Lashes root on the lid margins (seen from the front, within 2 mm of the outline
    // through the eye landmarks), about 150 upper and 80 lower an eye, the upper ones
    // longer; they thin out toward the inner corner; seen from the front, the upper ones
    // fan out from the eye's centre. The gaze is straight ahead, so the pupil marks it.
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    const sf::FaceScene scene =
        defaultRecipeScene(model, geometry,
                           {"lashes.groom=builtin/lashes/natural", "lashes.length=1",
                            "hair.present=false", "headwear.present=false", "eyewear.present=false",
                            "facewear.present=false", "expression.neutral=true", "head.yaw=0",
                            "head.pitch=0", "head.roll=0", "gaze.yaw=0", "gaze.pitch=0"},
                           32);
    const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
    int sets = 0;
    for (const sf::HairStrands& strands : scene.hair) {
      if (strands.mask != "lashes") {
        continue;
      }
      const int side = strands.label == sf::LabelClass::RightEye ? 0 : 1;
      ++sets;
      // The eye's outline through its six landmarks (iBUG 36-41 or 42-47), and its corners.
      // Distances to it are measured in the front view (x, y).
      std::vector<Vec3f> outline;
      for (int i = 0; i < 6; ++i) {
        outline.push_back(headFromWorld *
                          scene.landmarks[static_cast<std::size_t>(36 + 6 * side + i)]);
      }
      const Vec3f outer = side == 0 ? outline[0] : outline[3];
      const Vec3f inner = side == 0 ? outline[3] : outline[0];
      const Vec3f pupil = headFromWorld * scene.landmarks[static_cast<std::size_t>(68 + side)];
      auto toOutline = [&](const Vec3f& p) {
        float best = 1e9f;
        for (std::size_t i = 0; i < outline.size(); ++i) {
          const Vec3f& a = outline[i];
          const Vec3f& b = outline[(i + 1) % outline.size()];
          const float t = std::clamp((p - a).dot(b - a) / (b - a).squaredNorm(), 0.0f, 1.0f);
          best = std::min(best, (a + t * (b - a) - p).head<2>().norm());
        }
        return best;
      };
      int upper = 0, lower = 0, innerThird = 0, outerThird = 0, fanning = 0;
      float upperLength = 0.0f, lowerLength = 0.0f, farthest = 0.0f;
      const std::vector<unsigned>& starts = strands.segmentStarts;
      std::size_t first = 0;
      for (std::size_t i = 0; i < starts.size(); ++i) {
        if (i + 1 < starts.size() && starts[i] + 1 == starts[i + 1]) {
          continue;  // not the strand's last segment
        }
        const Vec3f root = headFromWorld * Vec3f(strands.points[starts[first]].head<3>());
        const Vec3f tip = headFromWorld * Vec3f(strands.points[starts[i] + 1].head<3>());
        float length = 0.0f;
        for (unsigned p = starts[first]; p <= starts[i]; ++p) {
          length += (strands.points[p + 1] - strands.points[p]).head<3>().norm();
        }
        first = i + 1;
        farthest = std::max(farthest, toOutline(root));
        const float along = (root.x() - inner.x()) / (outer.x() - inner.x());
        const bool isUpper = root.y() > inner.y() + along * (outer.y() - inner.y());
        (isUpper ? upper : lower) += 1;
        (isUpper ? upperLength : lowerLength) += length;
        innerThird += along < 1.0f / 3.0f;
        outerThird += along > 2.0f / 3.0f;
        // In the front view, the lash grows within 60 degrees of straight out from the pupil.
        const Eigen::Vector2f fromPupil = (root - pupil).head<2>();
        const Eigen::Vector2f growth = (tip - root).head<2>();
        fanning += isUpper && fromPupil.normalized().dot(growth.normalized()) > 0.5f;
      }
      const QString summary = QString(
                                  "eye %1: %2 upper, %3 lower, %4 inner third, %5 outer, "
                                  "%6 fanning, farthest root %7 mm")
                                  .arg(side)
                                  .arg(upper)
                                  .arg(lower)
                                  .arg(innerThird)
                                  .arg(outerThird)
                                  .arg(fanning)
                                  .arg(farthest);
      QVERIFY2(farthest < 2.0f, qPrintable(summary));
      QVERIFY2(upper > 110 && upper < 190 && lower > 50 && lower < 110, qPrintable(summary));
      QVERIFY2(upperLength / upper > 1.4f * lowerLength / lower, qPrintable(summary));
      QVERIFY2(innerThird < 0.75f * outerThird, qPrintable(summary));
      QVERIFY2(fanning > upper * 3 / 4, qPrintable(summary));
    }
    QCOMPARE(sets, 2);
  }

  void expressionLibraryUsesTheModelsShapes() {
    // The built-in expression library: at least 50 presets, every one the default draw can
    // pick exists, and every blendshape they name is one of the default head's.
    const auto& presets = sf::builtinExpressionPresets();
    QVERIFY2(presets.size() >= 50, qPrintable(QString::number(presets.size())));
    const sf::ParameterInfo* choice = sf::findParameter("expression.preset");
    QVERIFY(choice);
    QVERIFY(choice->defaultValue["values"].size() >= 50);
    for (const auto& value : choice->defaultValue["values"]) {
      QVERIFY2(presets.count(value.get<std::string>()) == 1, value.dump().c_str());
    }
    const sf::FaceModel model = sf::loadFaceModel("default");
    std::set<std::string> shapes;
    for (const sf::MorphTarget& target : model.expressions) {
      shapes.insert(target.name);
    }
    for (const auto& [name, entries] : presets) {
      for (const auto& [shape, distribution] : entries) {
        QVERIFY2(shapes.count(shape) == 1, qPrintable(QString::fromStdString(name + ": " + shape)));
      }
    }
  }

  void beardsGrowOnTheLowerFace() {
    // Every built-in beard grows, labelled BEARD, on the lower face.
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 2);
    for (const sf::BeardStyle& beard : sf::builtinBeards()) {
      const sf::FaceScene scene = defaultRecipeScene(
          model, geometry,
          {"beard.present=true", "beard.groom=builtin/beard/" + beard.id, "hair.present=false"},
          32);
      const auto it = std::find_if(scene.hair.begin(), scene.hair.end(),
                                   [](const sf::HairStrands& h) { return h.mask == "beard"; });
      QVERIFY2(it != scene.hair.end(), beard.id.c_str());
      QCOMPARE(it->label, sf::LabelClass::Beard);
      QVERIFY2(it->strandCount > 150, qPrintable(QString::fromStdString(beard.id) + ": " +
                                                 QString::number(it->strandCount)));
      const Eigen::Isometry3f headFromWorld = scene.worldFromHead.inverse();
      // The cheek line of a beard stays well below the eyes.
      const float eyes =
          (headFromWorld * (0.5f * (scene.landmarks[36] + scene.landmarks[45]))).y() - 20.0f;
      for (const Eigen::Vector4f& p : it->points) {
        QVERIFY2((headFromWorld * Vec3f(p.head<3>())).y() < eyes, beard.id.c_str());
      }
    }
  }

  void skinMaterialsSetTheSkin() {
    // 24 built-in skins, four characters in each of six tone bands that meet end to end.
    const auto materials = sf::builtinSkinMaterials();
    QCOMPARE(materials.size(), std::size_t{24});
    std::set<std::string> ids;
    float previousHigh = 0.0f;
    for (std::size_t i = 0; i < materials.size(); ++i) {
      const sf::SkinMaterial& m = materials[i];
      ids.insert(m.id);
      if (i % 4 == 0) {
        QCOMPARE(m.melaninLow, previousHigh);
        previousHigh = m.melaninHigh;
      }
      QVERIFY(m.melaninHigh > m.melaninLow);
    }
    QCOMPARE(previousHigh, 1.0f);
    QCOMPARE(ids.size(), materials.size());
    const auto catalog = sf::builtinAssetCatalog();
    QCOMPARE(std::count_if(catalog->assets().begin(), catalog->assets().end(),
                           [](const sf::AssetInfo& a) { return a.kind == "skin"; }),
             std::ptrdiff_t{24});

    // Chosen by name, a skin holds the tone inside its band: a deep skin is dark whatever
    // tone was drawn, and a mature one carries more lines and moles than an even one.
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    auto lookOf = [&](const std::string& material, double tone) {
      const sf::RecipeParse parse =
          sf::readRecipe(sourceDir() / "resources/recipes/default.json",
                         {"skin.material=" + material, "skin.tone=" + std::to_string(tone),
                          "hair.present=false", "beard.present=false", "identity.modes.age=0"});
      if (!parse.diagnostics.empty()) {
        throw sf::Error(sf::formatDiagnostics(parse.diagnostics, "recipe"));
      }
      const sf::SceneCompiler compiler = sf::SceneCompiler::create(
          parse.recipe, sf::SceneContext::fromModel(model, sf::builtinAssetCatalog()));
      return sf::FaceScene::create(model, geometry, compiler.compile(0), 32, 32).look;
    };
    const auto luminance = [](const Eigen::Vector3f& c) {
      return 0.2126f * c.x() + 0.7152f * c.y() + 0.0722f * c.z();
    };
    const sf::FaceLook light = lookOf("none", 0.1);
    const sf::FaceLook deep = lookOf("builtin/skin/deep_even", 0.1);
    const sf::FaceLook drawnDeep = lookOf("none", 0.83);
    QVERIFY(luminance(deep.skinAlbedo) < 0.3f * luminance(light.skinAlbedo));
    QVERIFY(std::abs(luminance(deep.skinAlbedo) / luminance(drawnDeep.skinAlbedo) - 1.0f) < 0.15f);
    const sf::FaceLook even = lookOf("builtin/skin/fair_even", 0.25);
    const sf::FaceLook mature = lookOf("builtin/skin/fair_mature", 0.25);
    const sf::FaceLook rosy = lookOf("builtin/skin/fair_rosy", 0.25);
    QCOMPARE(even.wrinkles, 0.0f);
    QVERIFY(mature.wrinkles > 0.6f);
    QVERIFY(mature.moles > even.moles);
    QVERIFY(rosy.freckles > 0.3f && even.freckles == 0.0f);
    // Rosy skin is redder than even skin of the same tone.
    QVERIFY(rosy.skinAlbedo.x() / rosy.skinAlbedo.y() > even.skinAlbedo.x() / even.skinAlbedo.y());
    // Lips: on fair skin, blood makes them much redder than the face; deep skin pigments
    // them too, so they are darker than the face, only a little redder, and mauve (bluer
    // for their green than the skin), not orange.
    auto redness = [](const Eigen::Vector3f& c) { return c.x() / c.y(); };
    QVERIFY(redness(even.lipAlbedo) > 1.35f * redness(even.skinAlbedo));
    QVERIFY(luminance(deep.lipAlbedo) < 0.85f * luminance(deep.skinAlbedo));
    QVERIFY(redness(deep.lipAlbedo) < 1.3f * redness(deep.skinAlbedo));
    QVERIFY(deep.lipAlbedo.z() / deep.lipAlbedo.y() > deep.skinAlbedo.z() / deep.skinAlbedo.y());
    QCOMPARE(even.restLandmarks.size(), std::size_t{70});
    // A built-in name that is not there is an error, not a silent default.
    bool thrown = false;
    try {
      lookOf("builtin/skin/fair_evn", 0.25);
    } catch (const sf::Error& error) {
      thrown = std::string(error.what()).find("fair_evn") != std::string::npos;
    }
    QVERIFY(thrown);
  }

  void librarySkinTexturesPaintTheSkin() {
    // Skins a user imports into a library are images on the model's UV layout. A flat
    // colour comes out as the skin's albedo (sRGB decoded); a normal map tilts the shading
    // normals; a skin without a colour image, or one not in the library, is an error naming
    // it.
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    // A colour is written as an sRGB PNG; a normal map's values as they are.
    const Vec3f expected(0.58f, 0.19f, 0.10f);
    const fs::path albedo = root / "albedo.png";
    sf::Image colour(16, 16, 3);
    for (int y = 0; y < 16; ++y) {
      for (int x = 0; x < 16; ++x) {
        for (int c = 0; c < 3; ++c) {
          colour.at(x, y, c) = expected[c];
        }
      }
    }
    sf::writeImage(colour, albedo);
    const fs::path tilted = root / "tilted_normal.png";
    std::vector<std::uint8_t> bytes;
    for (int i = 0; i < 16 * 16; ++i) {
      bytes.insert(bytes.end(), {190, 128, 230});
    }
    sf::writeByteImage(bytes, 16, 16, 3, tilted);
    sf::AssetLibrary library = sf::AssetLibrary::create(root / "lib", "skins");
    sf::ImportOptions options;
    options.licence = "CC0-1.0";
    options.thumbnail = false;
    options.name = "flat";
    library.import("skin", {albedo}, options);
    options.name = "bumpy";
    library.import("skin", {albedo, tilted}, options);
    // A skin without a colour image, or with two, is refused at import, naming the file.
    options.name = "colourless";
    for (const std::vector<fs::path>& files :
         {std::vector<fs::path>{tilted}, std::vector<fs::path>{tilted, tilted}}) {
      QString message;
      try {
        library.import("skin", files, options);
      } catch (const sf::Error& error) {
        message = error.what();
      }
      QVERIFY2(message.contains("tilted_normal.png"), qPrintable(message));
    }
    QVERIFY(library.find("skin/colourless") == nullptr);

    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 2);
    struct Look {
      sf::RenderedImage image;
      sf::LabelBuffers labels;
    };
    auto render = [&](const std::string& skin) {
      sf::RecipeParse parse = sf::readRecipe(sourceDir() / "resources/recipes/default.json",
                                             {"skin.material=" + skin, "head.yaw=0", "head.pitch=0",
                                              "hair.present=false", "camera.distance=450"});
      parse.recipe.library = (root / "lib" / "library.json").string();
      const sf::SceneContext context = sf::loadSceneContext(parse.recipe);
      const sf::SceneCompiler compiler = sf::SceneCompiler::create(parse.recipe, context);
      const sf::FaceScene scene =
          sf::FaceScene::create(model, geometry, compiler.compile(2), 64, 64, context.assets.get());
      const sf::FaceRenderer renderer = sf::FaceRenderer::create(scene);
      sf::RenderSettings settings;
      settings.samplesPerPixel = 2;
      return Look{renderer.render(settings), renderer.labels()};
    };
    auto skinPixels = [](const Look& look) {
      std::vector<std::pair<int, int>> pixels;
      for (int y = 0; y < look.labels.height; ++y) {
        for (int x = 0; x < look.labels.width; ++x) {
          if (look.labels.classes[static_cast<std::size_t>(y * look.labels.width + x)] ==
              static_cast<std::uint8_t>(sf::LabelClass::Skin)) {
            pixels.emplace_back(x, y);
          }
        }
      }
      return pixels;
    };
    Look flat;
    try {
      flat = render("skin/flat");
    } catch (const sf::Error& error) {
      QFAIL(error.what());
    }
    const auto pixels = skinPixels(flat);
    QVERIFY(pixels.size() > 300);
    // Most skin pixels carry the image's colour; brows, moles and lines darken a few.
    std::size_t matching = 0;
    for (const auto& [x, y] : pixels) {
      const float* a = flat.image.albedo.pixel(x, y);
      matching += (Vec3f(a[0], a[1], a[2]) - expected).norm() < 0.02f ? 1 : 0;
    }
    QVERIFY2(matching * 10 > pixels.size() * 8,
             qPrintable(QString("%1 of %2 skin pixels have the image's colour")
                            .arg(matching)
                            .arg(pixels.size())));
    // A built-in skin is drawn, not the image.
    const Look builtin = render("builtin/skin/deep_even");
    const float* a = builtin.image.albedo.pixel(pixels[pixels.size() / 2].first,
                                                pixels[pixels.size() / 2].second);
    QVERIFY((Vec3f(a[0], a[1], a[2]) - expected).norm() > 0.1f);

    // The tilted normal map turns the shading normals as far as it says.
    const Look bumpy = render("skin/bumpy");
    double turned = 0.0;
    for (const auto& [x, y] : pixels) {
      const float* n0 = flat.image.normal.pixel(x, y);
      const float* n1 = bumpy.image.normal.pixel(x, y);
      const Vec3f u(n0[0], n0[1], n0[2]);
      const Vec3f v(n1[0], n1[1], n1[2]);
      turned += std::acos(std::clamp(u.normalized().dot(v.normalized()), -1.0f, 1.0f)) /
                static_cast<double>(pixels.size());
    }
    // (190, 128, 230) encodes (0.49, 0.00, 0.80): 31 degrees off the surface's normal.
    const double encoded = std::atan2(2.0 * 190 / 255 - 1, 2.0 * 230 / 255 - 1);
    QVERIFY2(std::abs(turned - encoded) < 0.12,
             qPrintable(QString("turned by %1 rad, not %2").arg(turned).arg(encoded)));

    QString message;
    try {
      render("skin/missing");
    } catch (const sf::Error& error) {
      message = error.what();
    }
    QVERIFY2(message.contains("skin/missing"), qPrintable(message));
  }

  void ageLinesAndMolesSitWhereTheyBelong() {
    static const sf::FaceModel model = sf::loadFaceModel("default");
    static const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 1);
    const std::vector<Vec3f> landmarks = geometry.pose(sf::FaceState{}).landmarks;
    const sf::SkinMarks young = sf::SkinMarks::create(landmarks, 0.0f, 0.0f, 7u);
    const sf::SkinMarks old = sf::SkinMarks::create(landmarks, 1.0f, 0.0f, 7u);
    // The grooves met walking up a line at `x`, `z` from `y0` to `y1`.
    auto grooves = [](const sf::SkinMarks& marks, float x, float z, float y0, float y1) {
      int count = 0;
      bool inside = false;
      for (float y = y0; y < y1; y += 0.05f) {
        const bool deep = marks.lineRelief(Vec3f(x, y, z)) < -0.02f;
        count += deep && !inside ? 1 : 0;
        inside = deep;
      }
      return count;
    };
    float browTop = -1e9f;
    for (int i = 17; i <= 26; ++i) {
      browTop = std::max(browTop, landmarks[static_cast<std::size_t>(i)].y());
    }
    const float middle = 0.5f * (landmarks[21].x() + landmarks[22].x());
    const float forehead = landmarks[27].z();
    // Forehead lines above the brows in old skin, none in young skin.
    QVERIFY(grooves(old, middle + 15.0f, forehead, browTop, browTop + 45.0f) >= 3);
    QCOMPARE(grooves(young, middle + 15.0f, forehead, browTop, browTop + 45.0f), 0);
    // Crow's feet fan out from both eyes' outer corners.
    for (int corner : {36, 45}) {
      const Vec3f c = landmarks[static_cast<std::size_t>(corner)];
      const float out = c.x() > middle ? 10.0f : -10.0f;
      QVERIFY(grooves(old, c.x() + out, c.z(), c.y() - 12.0f, c.y() + 12.0f) >= 3);
    }
    // Nothing on the back of the head or the crown.
    QCOMPARE(grooves(old, middle, forehead - 150.0f, browTop - 100.0f, browTop + 100.0f), 0);
    QCOMPARE(grooves(old, middle + 15.0f, forehead, browTop + 60.0f, browTop + 120.0f), 0);

    // Moles: none without, more with more.
    auto moleVolume = [&](float moles) {
      const sf::SkinMarks marks = sf::SkinMarks::create(landmarks, 0.0f, moles, 7u);
      int count = 0;
      for (float x = -100.0f; x < 100.0f; x += 1.5f) {
        for (float y = -150.0f; y < 100.0f; y += 1.5f) {
          for (float z = -50.0f; z < 120.0f; z += 1.5f) {
            float radius = 0.0f;
            const float m = marks.mole(Vec3f(x, y, z), radius);
            count += m > 0.0f ? 1 : 0;
            if (m > 0.0f && (radius < 0.5f || radius > 2.2f)) {
              return -1;
            }
          }
        }
      }
      return count;
    };
    QCOMPARE(moleVolume(0.0f), 0);
    const int few = moleVolume(0.25f);
    const int many = moleVolume(1.0f);
    QVERIFY2(few > 0 && many > 2 * few, qPrintable(QString("%1 %2").arg(few).arg(many)));
  }

  void builtinThumbnailsShowTheirAsset() {
    // Every built-in but the painted environments has settings that show it, and they are
    // a valid recipe.
    const auto catalog = sf::builtinAssetCatalog();
    for (const sf::AssetInfo& asset : catalog->assets()) {
      const std::vector<std::string> settings =
          sf::AssetThumbnailer::settingsFor(asset.id, asset.kind);
      QCOMPARE(settings.empty(), asset.kind == "environment");
      if (!settings.empty()) {
        const sf::RecipeParse parse =
            sf::parseRecipe(R"({"schemaVersion": 2, "model": "default"})", settings);
        QVERIFY2(parse.ok(), qPrintable(QString::fromStdString(
                                 asset.id + ": " + sf::formatDiagnostics(parse.diagnostics, ""))));
      }
    }
    // A thumbnail is the head wearing the asset: a deep skin is darker in the middle of
    // the picture than a pale one, the same head otherwise.
    const sf::AssetThumbnailer thumbnailer = sf::AssetThumbnailer::create(48, 4);
    const sf::Image deep = thumbnailer.render("builtin/skin/deep_even", "skin", 1);
    const sf::Image pale = thumbnailer.render("builtin/skin/pale_even", "skin", 1);
    QCOMPARE(deep.width, 48);
    QCOMPARE(deep.height, 48);
    auto middle = [](const sf::Image& image) {
      float sum = 0.0f;
      for (int y = 18; y < 30; ++y) {
        for (int x = 18; x < 30; ++x) {
          sum += image.at(x, y, 1);
        }
      }
      return sum / 144.0f;
    };
    QVERIFY2(middle(deep) < 0.5f * middle(pale),
             qPrintable(QString("%1 %2").arg(middle(deep)).arg(middle(pale))));
    bool thrown = false;
    try {
      thumbnailer.render("builtin/hair/no_such_groom", "hair", 1);
    } catch (const sf::Error& error) {
      thrown = std::string(error.what()).find("no_such_groom") != std::string::npos;
    }
    QVERIFY(thrown);
    // Cached by kind and name, in a folder of this build's look.
    const fs::path cached = sf::AssetThumbnailer::cachePath("/cache", "builtin/hair/bob", "hair");
    QCOMPARE(cached.filename().string(), std::string("bob.png"));
    QCOMPARE(cached.parent_path().filename().string(), std::string("hair"));
  }

  void batchWritesTheFaceSyntheticsLayout() {
    QTemporaryDir dir;
    const fs::path out = fs::path(dir.path().toStdString()) / "set";
    // No beard: the manifest must not list the beard grooms drawn but not shown.
    const sf::RecipeParse parse =
        sf::readRecipe(sourceDir() / "resources/recipes/default.json", {"beard.present=false"});
    const sf::SceneContext context = sf::loadSceneContext(parse.recipe);
    sf::RenderOverrides overrides;
    overrides.resolution = 40;
    overrides.samplesPerPixel = 2;
    const sf::SampleRenderer renderer =
        sf::SampleRenderer::create(parse.recipe, context, {}, overrides);
    sf::BatchOptions options;
    options.out = out;
    options.count = 2;
    const sf::BatchResult result = sf::runBatch(renderer, parse.recipe, options);
    QCOMPARE(result.rendered, std::uint64_t(2));
    for (const char* id : {"000000", "000001"}) {
      const std::string base = (out / id).string();
      int w = 0, h = 0, c = 0;
      sf::readByteImage(base + ".png", w, h, c);
      QCOMPARE(w, 40);
      QCOMPARE(c, 3);
      const std::vector<std::uint8_t> seg = sf::readByteImage(base + "_seg.png", w, h, c);
      QCOMPARE(c, 1);
      QCOMPARE(h, 40);
      for (const std::uint8_t v : seg) {
        QVERIFY(v <= 18 || v == 255);
      }
      const std::vector<Eigen::Vector2f> landmarks =
          sf::parseLandmarks(sf::readFile(base + "_ldmks.txt"), base);
      QCOMPARE(landmarks.size(), std::size_t(70));
      QVERIFY(sf::sampleComplete(out, id[5] == '0' ? 0 : 1));
    }
    const nlohmann::json manifest = nlohmann::json::parse(sf::readFile(out / "manifest.json"));
    QCOMPARE(manifest["summary"]["done"].get<int>(), 2);
    QCOMPARE(manifest["samples"][1]["status"].get<std::string>(), std::string("done"));
    QVERIFY(manifest["licenses"].contains("CC0-1.0"));
    bool environmentListed = false;
    for (const auto& [licence, assets] : manifest["licenses"].items()) {
      for (const auto& asset : assets) {
        const std::string name = asset.get<std::string>();
        QVERIFY2(name.rfind("beard:", 0) != 0, name.c_str());
        environmentListed = environmentListed || name.rfind("environment:", 0) == 0;
      }
    }
    QVERIFY(environmentListed);
    // A sample whose marker is gone is incomplete again; the manifest says pending.
    fs::remove(out / "000001_meta.json");
    QVERIFY(!sf::sampleComplete(out, 1));
  }
};

QTEST_APPLESS_MAIN(TestRender)
#include "test_render.moc"
