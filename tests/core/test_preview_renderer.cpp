// Tests of core/render's preview renderer, image files and contact sheets: coverage of an
// analytic sphere, lighting direction, thread-count independence, PNG/EXR round trips,
// write errors and sheet layout.

#include "face/poly_mesh.h"
#include "render/contact_sheet.h"
#include "render/image.h"
#include "render/preview_renderer.h"
#include "util/error.h"

// TBB before Qt: TBB declares functions named `emit`, which Qt defines as a macro.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr float kPi = 3.14159265358979f;

/// A UV sphere: quads between rings, triangles at the poles.
sf::PolyMesh uvSphere(const sf::Vec3f& centre, float radius, int segments, int rings) {
  sf::PolyMesh mesh;
  mesh.positions.push_back(centre + radius * sf::Vec3f::UnitY());
  for (int ring = 1; ring < rings; ++ring) {
    const float polar = kPi * float(ring) / float(rings);
    for (int segment = 0; segment < segments; ++segment) {
      const float azimuth = 2.0f * kPi * float(segment) / float(segments);
      mesh.positions.push_back(centre + radius * sf::Vec3f(std::sin(polar) * std::sin(azimuth),
                                                           std::cos(polar),
                                                           std::sin(polar) * std::cos(azimuth)));
    }
  }
  mesh.positions.push_back(centre - radius * sf::Vec3f::UnitY());
  const int south = int(mesh.positions.size()) - 1;
  const auto at = [&](int ring, int segment) {
    return 1 + (ring - 1) * segments + segment % segments;
  };
  for (int segment = 0; segment < segments; ++segment) {
    mesh.faceSizes.push_back(3);
    mesh.faceIndices.insert(mesh.faceIndices.end(), {0, at(1, segment), at(1, segment + 1)});
  }
  for (int ring = 1; ring + 1 < rings; ++ring) {
    for (int segment = 0; segment < segments; ++segment) {
      mesh.faceSizes.push_back(4);
      mesh.faceIndices.insert(mesh.faceIndices.end(),
                              {at(ring, segment), at(ring + 1, segment), at(ring + 1, segment + 1),
                               at(ring, segment + 1)});
    }
  }
  for (int segment = 0; segment < segments; ++segment) {
    mesh.faceSizes.push_back(3);
    mesh.faceIndices.insert(mesh.faceIndices.end(),
                            {south, at(rings - 1, segment + 1), at(rings - 1, segment)});
  }
  return mesh;
}

/// A camera on +Z looking at the origin: camera space equals world space.
sf::PreviewCamera frontCamera(float distance, float fovDegrees) {
  sf::PreviewCamera camera;
  camera.position = sf::Vec3f(0.0f, 0.0f, distance);
  camera.target = sf::Vec3f::Zero();
  camera.up = sf::Vec3f::UnitY();
  camera.verticalFovDegrees = fovDegrees;
  return camera;
}

/// The pixel where world point p lands for frontCamera(distance, fov) in a size x size image.
QPoint project(const sf::Vec3f& p, float distance, float fovDegrees, int size) {
  const float focal = 0.5f * float(size) / std::tan(0.5f * fovDegrees * kPi / 180.0f);
  const float depth = distance - p.z();
  return {int(std::floor(0.5f * float(size) + focal * p.x() / depth)),
          int(std::floor(0.5f * float(size) - focal * p.y() / depth))};
}

float luminance(const sf::Image& image, const QPoint& at) {
  const float* rgb = image.pixel(at.x(), at.y());
  return 0.2126f * rgb[0] + 0.7152f * rgb[1] + 0.0722f * rgb[2];
}

}  // namespace

class TestPreviewRenderer : public QObject {
  Q_OBJECT

private slots:
  void sphereCoversItsProjectedDisc();
  void litSideFacesKeyLight_data();
  void litSideFacesKeyLight();
  void transparentShellCastsNoShadow();
  void sameImageForAnyThreadCount();
  void imageRoundTrips_data();
  void imageRoundTrips();
  void writeIntoMissingFolderNamesPath();
  void badImageFilesNameThePath();
  void contactSheetPlacesTilesAndCaptions();
};

void TestPreviewRenderer::sphereCoversItsProjectedDisc() {
  const float radius = 1.0f;
  const float distance = 5.0f;
  const float fov = 30.0f;
  const int size = 64;
  const sf::PolyMesh sphere = uvSphere(sf::Vec3f::Zero(), radius, 96, 48);
  const sf::PreviewMesh meshes[] = {{&sphere}};
  sf::PreviewBuffers buffers;
  const sf::Image image =
      sf::renderPreview(meshes, frontCamera(distance, fov), size, size, {}, &buffers);
  QCOMPARE(image.width, size);
  QCOMPARE(image.height, size);
  QCOMPARE(image.channels, 3);

  // The silhouette is a circle of radius focal * tan(asin(r / d)).
  const float focal = 0.5f * float(size) / std::tan(0.5f * fov * kPi / 180.0f);
  const float discRadius = focal * radius / std::sqrt(distance * distance - radius * radius);
  const float expected = kPi * discRadius * discRadius;
  const float covered = std::accumulate(buffers.coverage.begin(), buffers.coverage.end(), 0.0f);
  QVERIFY2(std::abs(covered - expected) < 0.02f * expected,
           qPrintable(QString("covered %1 px, disc %2 px").arg(covered).arg(expected)));
  const auto ids = std::count(buffers.meshIndex.begin(), buffers.meshIndex.end(), 0);
  QVERIFY2(std::abs(float(ids) - expected) < 0.03f * expected,
           qPrintable(QString("%1 pixels labelled, disc %2 px").arg(ids).arg(expected)));
  QCOMPARE(buffers.meshIndex.front(), -1);

  // Pixels well outside the disc show the backdrop, those inside the sphere.
  const sf::Image background =
      sf::renderPreview(std::span<const sf::PreviewMesh>(), frontCamera(distance, fov), size, size);
  QCOMPARE(background.at(2, 2, 0), image.at(2, 2, 0));
  QVERIFY(background.at(size / 2, size / 2, 0) != image.at(size / 2, size / 2, 0));
}

void TestPreviewRenderer::litSideFacesKeyLight_data() {
  QTest::addColumn<float>("x");
  QTest::addColumn<float>("y");
  QTest::addColumn<float>("z");
  QTest::newRow("upper left (default)") << -0.55f << 0.55f << 0.65f;
  QTest::newRow("right") << 0.8f << 0.1f << 0.6f;
  QTest::newRow("below") << 0.1f << -0.8f << 0.6f;
}

void TestPreviewRenderer::litSideFacesKeyLight() {
  QFETCH(float, x);
  QFETCH(float, y);
  QFETCH(float, z);
  const float distance = 4.0f;
  const float fov = 35.0f;
  const int size = 64;
  const sf::PolyMesh sphere = uvSphere(sf::Vec3f::Zero(), 1.0f, 48, 24);
  const sf::PreviewMesh meshes[] = {{&sphere}};
  sf::PreviewOptions options;
  options.keyLightDirection = sf::Vec3f(x, y, z);
  const sf::Image image =
      sf::renderPreview(meshes, frontCamera(distance, fov), size, size, options);

  // Where the normal points at the key light against its mirror image across the view axis.
  const sf::Vec3f toKey = options.keyLightDirection.normalized();
  const sf::Vec3f away = sf::Vec3f(-toKey.x(), -toKey.y(), toKey.z()).normalized();
  const float lit = luminance(image, project(0.95f * toKey, distance, fov, size));
  const float unlit = luminance(image, project(0.95f * away, distance, fov, size));
  QVERIFY2(lit > 2.0f * unlit, qPrintable(QString("lit %1, unlit %2").arg(lit).arg(unlit)));
}

void TestPreviewRenderer::transparentShellCastsNoShadow() {
  const float distance = 6.0f;
  const float fov = 30.0f;
  const int size = 48;
  const sf::PolyMesh sphere = uvSphere(sf::Vec3f::Zero(), 1.0f, 48, 24);
  const sf::PolyMesh shell = uvSphere(sf::Vec3f::Zero(), 1.3f, 48, 24);
  const sf::PreviewMesh bare[] = {{&sphere}};
  sf::PreviewMesh covered[] = {{&sphere}, {&shell}};
  covered[1].transparent = true;
  const sf::Image a = sf::renderPreview(bare, frontCamera(distance, fov), size, size);
  const sf::Image b = sf::renderPreview(covered, frontCamera(distance, fov), size, size);

  // The shell only adds a faint reflection over the lit side.
  const sf::Vec3f toKey = sf::PreviewOptions().keyLightDirection.normalized();
  const QPoint at = project(0.7f * toKey, distance, fov, size);
  QVERIFY2(
      luminance(b, at) > 0.85f * luminance(a, at),
      qPrintable(QString("bare %1, behind shell %2").arg(luminance(a, at)).arg(luminance(b, at))));
}

void TestPreviewRenderer::sameImageForAnyThreadCount() {
  // A sphere casting a shadow on a bigger one: shadows, occlusion and gloss all take part.
  const sf::PolyMesh big = uvSphere(sf::Vec3f::Zero(), 1.0f, 40, 20);
  const sf::PolyMesh small = uvSphere(sf::Vec3f(-0.6f, 0.6f, 1.1f), 0.35f, 24, 12);
  const sf::PreviewMesh meshes[] = {{&big}, {&small}};
  const sf::PreviewCamera camera = sf::framePreview(meshes, 30.0f, 10.0f, 30.0f);

  const auto renderWith = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, std::size_t(threads));
    tbb::task_arena arena(threads);
    sf::Image image;
    arena.execute([&] { image = sf::renderPreview(meshes, camera, 40, 32); });
    return image;
  };
  const sf::Image one = renderWith(1);
  const sf::Image many = renderWith(6);
  QCOMPARE(one.pixels.size(), many.pixels.size());
  const auto differences =
      std::inner_product(one.pixels.begin(), one.pixels.end(), many.pixels.begin(), 0,
                         std::plus<>(), std::not_equal_to<>());
  QCOMPARE(differences, 0);
}

void TestPreviewRenderer::imageRoundTrips_data() {
  QTest::addColumn<QString>("name");
  QTest::addColumn<int>("channels");
  QTest::newRow("png grey") << "grey.png" << 1;
  QTest::newRow("png rgb") << "rgb.png" << 3;
  QTest::newRow("png rgba") << "rgba.png" << 4;
  QTest::newRow("exr rgb") << "rgb.exr" << 3;
}

void TestPreviewRenderer::imageRoundTrips() {
  QFETCH(QString, name);
  QFETCH(int, channels);
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const fs::path path = fs::path(dir.path().toStdString()) / name.toStdString();

  sf::Image image(13, 7, channels);
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    image.pixels[i] = float((i * 37) % 101) / 100.0f;
  }
  sf::writeImage(image, path);
  const sf::Image back = sf::readImage(path);
  QCOMPARE(back.width, image.width);
  QCOMPARE(back.height, image.height);
  QCOMPARE(back.channels, image.channels);
  // No temporary file is left behind.
  QCOMPARE(std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator()),
           std::ptrdiff_t(1));

  if (path.extension() == ".exr") {
    QVERIFY(back.pixels == image.pixels);
    return;
  }
  // 8-bit files keep each sample to within one step of its sRGB encoding (alpha linear).
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    const bool alpha = int(i % std::size_t(channels)) == image.alphaChannel();
    const float want = alpha ? image.pixels[i] : sf::linearToSrgb(image.pixels[i]);
    const float got = alpha ? back.pixels[i] : sf::linearToSrgb(back.pixels[i]);
    QVERIFY2(std::abs(want - got) <= 1.0f / 255.0f,
             qPrintable(QString("sample %1: wrote %2, read %3").arg(i).arg(want).arg(got)));
  }
}

void TestPreviewRenderer::writeIntoMissingFolderNamesPath() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const fs::path path = fs::path(dir.path().toStdString()) / "missing" / "sheet.png";
  try {
    sf::writeImage(sf::Image(4, 4, 3, 0.5f), path);
    QFAIL("writing into a missing folder succeeded");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.where().file), QString::fromStdString(path.string()));
    QVERIFY(std::string(error.what()).find(path.string()) != std::string::npos);
  }
  QVERIFY(!fs::exists(path.parent_path()));
}

void TestPreviewRenderer::badImageFilesNameThePath() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const fs::path folder = dir.path().toStdString();
  const fs::path unknown = folder / "sheet.bmpx";
  const fs::path missing = folder / "absent.png";
  const fs::path garbage = folder / "garbage.png";
  {
    std::FILE* file = std::fopen(garbage.c_str(), "wb");
    QVERIFY(file);
    std::fputs("not a png", file);
    std::fclose(file);
  }
  const auto namesFile = [](const fs::path& path, const auto& action) {
    try {
      action();
    } catch (const sf::Error& error) {
      return error.where().file == path.string();
    }
    return false;
  };
  QVERIFY(namesFile(unknown, [&] { sf::writeImage(sf::Image(2, 2, 3), unknown); }));
  QVERIFY(!fs::exists(unknown));
  QVERIFY(namesFile(missing, [&] { sf::readImage(missing); }));
  QVERIFY(namesFile(garbage, [&] { sf::readImage(garbage); }));
}

void TestPreviewRenderer::contactSheetPlacesTilesAndCaptions() {
  const int tileWidth = 10;
  const int tileHeight = 8;
  std::vector<sf::Image> images;
  std::vector<std::string> captions;
  for (int i = 0; i < 5; ++i) {
    images.emplace_back(tileWidth, tileHeight, 3, 0.1f + 0.15f * float(i));
    captions.push_back("#" + std::to_string(i + 1) + " front");
  }
  sf::ContactSheetOptions options;
  options.margin = 6;
  const sf::Image sheet = sf::composeContactSheet(images, captions, 3, options);

  // Two rows of three cells; a cell is its tile and a 13-pixel caption band (gap + font).
  const int captionHeight = 13;
  QCOMPARE(sheet.channels, 3);
  QCOMPARE(sheet.width, 6 + 3 * (tileWidth + 6));
  QCOMPARE(sheet.height, 6 + 2 * (tileHeight + captionHeight + 6));

  const auto isColour = [&](int x, int y, const sf::Vec3f& colour) {
    const float* p = sheet.pixel(x, y);
    return p[0] == colour.x() && p[1] == colour.y() && p[2] == colour.z();
  };
  const auto captionInk = [&](int column, int row) {
    int ink = 0;
    const int left = 6 + column * (tileWidth + 6);
    const int top = 6 + row * (tileHeight + captionHeight + 6) + tileHeight;
    for (int y = top; y < top + captionHeight; ++y) {
      for (int x = left; x < left + tileWidth; ++x) {
        ink += isColour(x, y, options.text) ? 1 : 0;
      }
    }
    return ink;
  };
  for (int i = 0; i < 5; ++i) {
    const int left = 6 + (i % 3) * (tileWidth + 6);
    const int top = 6 + (i / 3) * (tileHeight + captionHeight + 6);
    const sf::Vec3f colour = sf::Vec3f::Constant(images[std::size_t(i)].pixels[0]);
    QVERIFY2(
        isColour(left, top, colour) && isColour(left + tileWidth - 1, top + tileHeight - 1, colour),
        qPrintable(QString("tile %1 misplaced").arg(i)));
    QVERIFY(isColour(left - 1, top, options.background));
    QVERIFY2(captionInk(i % 3, i / 3) > 10, qPrintable(QString("caption %1 missing").arg(i)));
  }
  // The sixth cell is empty: backdrop, no caption.
  QVERIFY(
      isColour(6 + 2 * (tileWidth + 6), 6 + tileHeight + captionHeight + 6, options.background));
  QCOMPARE(captionInk(2, 1), 0);
  // Without captions the cells shrink to their tiles.
  const sf::Image bare = sf::composeContactSheet(images, {}, 3, options);
  QCOMPARE(bare.height, 6 + 2 * (tileHeight + 6));
}

QTEST_APPLESS_MAIN(TestPreviewRenderer)
#include "test_preview_renderer.moc"
