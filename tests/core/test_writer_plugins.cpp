// Tests of writer plugins: the loader's refusals, errors surfacing from a plugin, the
// plugin search path, and the COCO plugin's annotations read back.

#include "dataset/dataset_writer.h"
#include "dataset/plugin_loader.h"
#include "render/image.h"
#include "util/error.h"
#include "util/files.h"

#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

// QCOMPARE cannot take nlohmann::json (it converts to anything); compare and print dumps.
#define COMPARE_JSON(actual, expected) \
  QVERIFY2((actual) == (expected),     \
           qPrintable(QString::fromStdString((actual).dump() + " != " + (expected).dump())))

namespace {

constexpr int kSize = 8;
constexpr int kLandmarks = 70;

/// labels.md's class numbers used below.
enum : std::uint8_t {
  kSkin = 1,
  kNose = 2,
  kRightEye = 3,
  kTopLip = 10,
  kNeck = 12,
  kHair = 13,
  kBeard = 14,
  kClothing = 15
};

/// An 8x8 sample: a face of skin with an eye, a nose, a lip and a beard pixel, hair above,
/// neck and clothing below; 70 landmarks, every third hidden and the last outside the image.
sf::RenderedSample fakeSample(std::uint64_t index) {
  sf::RenderedSample sample;
  sample.index = index;
  sample.id = sf::sampleId(index);
  sample.image = sf::Image(kSize, kSize, 3);
  for (int y = 0; y < kSize; ++y) {
    for (int x = 0; x < kSize; ++x) {
      for (int c = 0; c < 3; ++c) {
        sample.image.at(x, y, c) = float((x + kSize * y + 17 * c + int(index)) % 64) / 63.0f;
      }
    }
  }
  sf::LabelBuffers& labels = sample.labels;
  labels.width = kSize;
  labels.height = kSize;
  labels.classes.assign(kSize * kSize, 0);
  auto set = [&](int x, int y, std::uint8_t c) { labels.classes[std::size_t(y * kSize + x)] = c; };
  for (int x = 2; x <= 5; ++x) {
    set(x, 0, kHair);
    for (int y = 1; y <= 5; ++y) {
      set(x, y, kSkin);
    }
  }
  set(3, 2, kRightEye);
  set(4, 3, kNose);
  set(3 + int(index % 2), 4, kTopLip);
  set(1, 5, kBeard);
  set(3, 6, kNeck);
  set(4, 6, kNeck);
  set(0, 7, kClothing);
  for (int i = 0; i < kLandmarks; ++i) {
    sf::ProjectedPoint point;
    point.pixel = Eigen::Vector2f(float(i % 8) + 0.25f, float(i / 10) + 0.5f);
    point.depth = 500.0f + float(i);
    point.visible = i % 3 != 0;
    sample.landmarks.push_back(point);
    sample.landmarkNames.push_back("landmark_" + std::to_string(i));
  }
  sample.landmarks.back().pixel = Eigen::Vector2f(-1.0f, 3.0f);
  sample.metadata = {{"index", index}};
  return sample;
}

sf::DatasetInfo fakeInfo() {
  sf::DatasetInfo info;
  info.recipeName = "plugin test";
  info.recipeHash = "fnv1a64:0123456789abcdef";
  info.width = kSize;
  info.height = kSize;
  info.start = 3;
  info.count = 3;
  for (int i = 0; i < kLandmarks; ++i) {
    info.landmarkNames.push_back("landmark_" + std::to_string(i));
  }
  info.classes = sf::labelClassTable();
  return info;
}

/// The face mask COCO's segmentation must hold: classes 1-11 and the beard.
std::vector<std::uint8_t> faceMask(const sf::RenderedSample& sample) {
  std::vector<std::uint8_t> mask;
  for (const std::uint8_t c : sample.labels.classes) {
    mask.push_back((c >= 1 && c <= 11) || c == kBeard ? 1 : 0);
  }
  return mask;
}

/// Decodes COCO's uncompressed RLE (column-major runs, outside first) to a row-major mask.
std::vector<std::uint8_t> decodeRle(const nlohmann::json& rle) {
  const int height = rle.at("size").at(0).get<int>();
  const int width = rle.at("size").at(1).get<int>();
  std::vector<std::uint8_t> mask(std::size_t(width * height), 0);
  std::size_t position = 0;  // column-major
  std::uint8_t value = 0;
  for (const nlohmann::json& count : rle.at("counts")) {
    for (std::uint64_t i = 0; i < count.get<std::uint64_t>(); ++i, ++position) {
      const std::size_t x = position / std::size_t(height);
      const std::size_t y = position % std::size_t(height);
      mask.at(y * std::size_t(width) + x) = value;
    }
    value = value ? 0 : 1;
  }
  if (position != mask.size()) {
    throw std::runtime_error("RLE covers " + std::to_string(position) + " pixels, not " +
                             std::to_string(mask.size()));
  }
  return mask;
}

std::vector<int> toInts(const std::vector<std::uint8_t>& bytes) {
  return std::vector<int>(bytes.begin(), bytes.end());
}

/// The message of the sf::Error that `body` throws, or "" when it throws none.
template <typename Body>
QString errorOf(Body&& body) {
  try {
    body();
  } catch (const sf::Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

}  // namespace

class TestWriterPlugins : public QObject {
  Q_OBJECT

private slots:
  void cocoPluginRegistersItsFormat();
  void cocoWritesImageAndFragment();
  void cocoAnnotationsHoldKeypointsBoxAndMasks();
  void cocoFinishRefusesSamplesWithoutAnnotation();
  void loaderRefusesBadModules_data();
  void loaderRefusesBadModules();
  void loaderRefusesTakenName();
  void failingPluginSurfacesItsMessage();
  void searchPathSkipsFailuresAndShadowsByFileName();
};

void TestWriterPlugins::cocoPluginRegistersItsFormat() {
  sf::DatasetWriterRegistry registry;
  QCOMPARE(QString::fromStdString(sf::loadWriterPlugin(SF_COCO_PLUGIN, registry)),
           QStringLiteral("coco"));
  QVERIFY(registry.has("coco"));
  const auto formats = registry.formats();
  QCOMPARE(formats.size(), std::size_t(1));
  QVERIFY(formats[0].second.find("COCO") != std::string::npos);
}

void TestWriterPlugins::cocoWritesImageAndFragment() {
  QTemporaryDir temp;
  const fs::path dir = temp.path().toStdString();
  sf::DatasetWriterRegistry registry;
  sf::loadWriterPlugin(SF_COCO_PLUGIN, registry);
  const auto writer = registry.create("coco");
  const sf::RenderedSample sample = fakeSample(3);

  // The FaceSynthetics writer ran first and listed the image: it is listed once.
  std::vector<std::string> files = {"000003.png"};
  writer->writeSample(dir, sample, files);
  QCOMPARE(files, (std::vector<std::string>{"000003.png", "coco/annotations/000003.json"}));

  // The image holds the sample's 8-bit sRGB pixels.
  int width = 0, height = 0, channels = 0;
  const auto bytes = sf::readByteImage(dir / "000003.png", width, height, channels);
  QCOMPARE(width, kSize);
  QCOMPARE(height, kSize);
  QCOMPARE(channels, 3);
  QCOMPARE(toInts(bytes), toInts(sf::toSrgb8(sample.image)));

  const auto fragment = nlohmann::json::parse(sf::readFile(dir / "coco/annotations/000003.json"));
  QCOMPARE(fragment.at("image").at("file_name").get<std::string>(), std::string("000003.png"));
  QCOMPARE(fragment.at("annotation").at("image_id").get<int>(), 3);
}

void TestWriterPlugins::cocoAnnotationsHoldKeypointsBoxAndMasks() {
  QTemporaryDir temp;
  const fs::path dir = temp.path().toStdString();
  sf::DatasetWriterRegistry registry;
  sf::loadWriterPlugin(SF_COCO_PLUGIN, registry);
  const auto writer = registry.create("coco");
  const std::vector<sf::RenderedSample> samples = {fakeSample(3), fakeSample(4)};
  for (const sf::RenderedSample& sample : samples) {
    std::vector<std::string> files;
    writer->writeSample(dir, sample, files);
  }
  const std::vector<std::uint64_t> complete = {3, 4};
  writer->finish(dir, fakeInfo(), complete);

  const auto coco = nlohmann::json::parse(sf::readFile(dir / "coco/annotations.json"));
  QCOMPARE(coco.at("images").size(), std::size_t(2));
  QCOMPARE(coco.at("annotations").size(), std::size_t(2));
  const auto& category = coco.at("categories").at(0);
  QCOMPARE(category.at("name").get<std::string>(), std::string("face"));
  QCOMPARE(category.at("keypoints").get<std::vector<std::string>>(), fakeInfo().landmarkNames);
  // iBUG 68: 16 jaw + 4 + 4 brows + 3 bridge + 4 nostrils + 6 + 6 eyes + 12 + 8 lips.
  QCOMPARE(category.at("skeleton").size(), std::size_t(63));
  COMPARE_JSON(category.at("skeleton").at(0), nlohmann::json({1, 2}));
  COMPARE_JSON(category.at("synthface_classes"), sf::labelClassTable());

  for (std::size_t s = 0; s < samples.size(); ++s) {
    const sf::RenderedSample& sample = samples[s];
    const auto& image = coco.at("images").at(s);
    const auto& annotation = coco.at("annotations").at(s);
    QCOMPARE(image.at("id").get<std::uint64_t>(), sample.index);
    QCOMPARE(image.at("file_name").get<std::string>(), sample.id + ".png");
    QCOMPARE(image.at("width").get<int>(), kSize);
    QCOMPARE(annotation.at("id").get<std::uint64_t>(), sample.index + 1);
    QCOMPARE(annotation.at("image_id").get<std::uint64_t>(), sample.index);
    QCOMPARE(annotation.at("category_id").get<int>(), 1);

    // Keypoints: visible 2, hidden 1, outside the image 0 at (0, 0).
    const auto keypoints = annotation.at("keypoints").get<std::vector<double>>();
    QCOMPARE(keypoints.size(), std::size_t(3 * kLandmarks));
    for (int i = 0; i < kLandmarks - 1; ++i) {
      const sf::ProjectedPoint& point = sample.landmarks[std::size_t(i)];
      QCOMPARE(keypoints[std::size_t(3 * i)], double(point.pixel.x()));
      QCOMPARE(keypoints[std::size_t(3 * i + 1)], double(point.pixel.y()));
      QCOMPARE(keypoints[std::size_t(3 * i + 2)], point.visible ? 2.0 : 1.0);
    }
    QCOMPARE(keypoints[3 * kLandmarks - 1], 0.0);
    QCOMPARE(annotation.at("num_keypoints").get<int>(), kLandmarks - 1);

    // Box and area of the face: the beard widens it, hair, neck and clothing do not.
    const std::vector<std::uint8_t> mask = faceMask(sample);
    COMPARE_JSON(annotation.at("bbox"), nlohmann::json({1, 1, 5, 5}));
    QCOMPARE(annotation.at("area").get<int>(), int(std::count(mask.begin(), mask.end(), 1)));
    QCOMPARE(annotation.at("iscrowd").get<int>(), 0);

    // The RLE decodes back to the mask, pixel for pixel, and so does each class's.
    const auto& segmentation = annotation.at("segmentation");
    COMPARE_JSON(segmentation.at("size"), nlohmann::json({kSize, kSize}));
    QCOMPARE(toInts(decodeRle(segmentation)), toInts(mask));
    const auto& perClass = annotation.at("synthface_class_segmentation");
    for (const std::uint8_t c :
         {kSkin, kNose, kRightEye, kTopLip, kNeck, kHair, kBeard, kClothing}) {
      std::vector<std::uint8_t> expected;
      for (const std::uint8_t value : sample.labels.classes) {
        expected.push_back(value == c ? 1 : 0);
      }
      QCOMPARE(toInts(decodeRle(perClass.at(std::to_string(c)))), toInts(expected));
    }
    QCOMPARE(perClass.size(), std::size_t(8));
  }
}

void TestWriterPlugins::cocoFinishRefusesSamplesWithoutAnnotation() {
  QTemporaryDir temp;
  const fs::path dir = temp.path().toStdString();
  sf::DatasetWriterRegistry registry;
  sf::loadWriterPlugin(SF_COCO_PLUGIN, registry);
  const auto writer = registry.create("coco");
  std::vector<std::string> files;
  writer->writeSample(dir, fakeSample(3), files);
  const std::vector<std::uint64_t> complete = {3, 5};
  const QString message = errorOf([&] { writer->finish(dir, fakeInfo(), complete); });
  QVERIFY2(message.contains(SF_COCO_PLUGIN), qPrintable(message));
  QVERIFY2(message.contains("coco/annotations/000005.json"), qPrintable(message));
  QVERIFY2(message.contains("without the 'coco' format"), qPrintable(message));
  QVERIFY(!fs::exists(dir / "coco/annotations.json"));
}

void TestWriterPlugins::loaderRefusesBadModules_data() {
  QTest::addColumn<QString>("path");
  QTest::addColumn<QStringList>("expected");
  QTest::newRow("missing file") << "/nonexistent/synthface/plugin.so"
                                << QStringList{"/nonexistent/synthface/plugin.so",
                                               "no such writer plugin file"};
  QTest::newRow("not a library") << "NOT_A_LIBRARY"
                                 << QStringList{"not_a_library.so",
                                                "cannot load the writer plugin"};
  QTest::newRow("no entry point") << SF_NO_ENTRY_PLUGIN
                                  << QStringList{SF_NO_ENTRY_PLUGIN, "does not export",
                                                 "sf_writer_plugin()"};
  QTest::newRow("other ABI version")
      << SF_BAD_ABI_PLUGIN
      << QStringList{SF_BAD_ABI_PLUGIN, "ABI version 999", "loads version 1", "rebuild"};
}

void TestWriterPlugins::loaderRefusesBadModules() {
  QFETCH(QString, path);
  QFETCH(QStringList, expected);
  QTemporaryDir temp;
  if (path == "NOT_A_LIBRARY") {
    path = temp.filePath("not_a_library.so");
    sf::writeFileAtomically(path.toStdString(), "this is text, not ELF\n");
  }
  sf::DatasetWriterRegistry registry;
  const QString message = errorOf([&] { sf::loadWriterPlugin(path.toStdString(), registry); });
  for (const QString& part : expected) {
    QVERIFY2(message.contains(part), qPrintable(message));
  }
  QVERIFY(registry.formats().empty());
}

void TestWriterPlugins::loaderRefusesTakenName() {
  sf::DatasetWriterRegistry registry;
  sf::loadWriterPlugin(SF_COCO_PLUGIN, registry);
  const QString message = errorOf([&] { sf::loadWriterPlugin(SF_COCO_PLUGIN, registry); });
  QVERIFY2(message.contains(SF_COCO_PLUGIN), qPrintable(message));
  QVERIFY2(message.contains("format 'coco' is already registered"), qPrintable(message));
  QCOMPARE(registry.formats().size(), std::size_t(1));
}

void TestWriterPlugins::failingPluginSurfacesItsMessage() {
  QTemporaryDir temp;
  const fs::path dir = temp.path().toStdString();
  sf::DatasetWriterRegistry registry;
  sf::loadWriterPlugin(SF_FAILING_PLUGIN, registry);
  const auto writer = registry.create("failing");
  std::vector<std::string> files;
  const QString written = errorOf([&] { writer->writeSample(dir, fakeSample(3), files); });
  QVERIFY2(written.contains(SF_FAILING_PLUGIN), qPrintable(written));
  QVERIFY2(written.contains("sample 000003: disk quota exceeded writing failing/000003.bin"),
           qPrintable(written));
  const std::vector<std::uint64_t> complete = {3};
  const QString finished = errorOf([&] { writer->finish(dir, fakeInfo(), complete); });
  QVERIFY2(finished.contains("failing/index.bin: read-only file system"), qPrintable(finished));
}

void TestWriterPlugins::searchPathSkipsFailuresAndShadowsByFileName() {
  // $SYNTHFACE_PLUGIN_PATH holds the COCO plugin and a broken one; the app's folder holds
  // another copy of the COCO plugin, which the first hides.
  QTemporaryDir temp;
  const fs::path envDir = fs::path(temp.path().toStdString()) / "env";
  const fs::path appDir = fs::path(temp.path().toStdString()) / "app";
  fs::create_directories(envDir);
  fs::create_directories(appDir);
  const fs::path coco = SF_COCO_PLUGIN;
  const fs::path badAbi = SF_BAD_ABI_PLUGIN;
  fs::copy_file(coco, envDir / coco.filename());
  fs::copy_file(badAbi, envDir / badAbi.filename());
  fs::copy_file(coco, appDir / coco.filename());
  qputenv(sf::kWriterPluginPathVariable,
          QByteArray::fromStdString("/nonexistent/plugins::" + envDir.string()));

  const std::vector<fs::path> appDirs = {appDir};
  const std::vector<fs::path> dirs = sf::writerPluginDirs(appDirs);
  QCOMPARE(dirs, (std::vector<fs::path>{"/nonexistent/plugins", envDir, appDir}));

  sf::DatasetWriterRegistry registry;
  const std::vector<std::string> errors = sf::loadWriterPlugins(registry, appDirs);
  qunsetenv(sf::kWriterPluginPathVariable);
  QCOMPARE(errors.size(), std::size_t(1));
  const QString message = QString::fromStdString(errors[0]);
  QVERIFY2(message.contains(QString::fromStdString((envDir / badAbi.filename()).string())),
           qPrintable(message));
  QVERIFY2(message.contains("ABI version 999"), qPrintable(message));
  QVERIFY(registry.has("coco"));
  QCOMPARE(registry.formats().size(), std::size_t(1));
}

QTEST_GUILESS_MAIN(TestWriterPlugins)
#include "test_writer_plugins.moc"
