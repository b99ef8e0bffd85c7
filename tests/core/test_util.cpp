// Tests of core/util: errors, argument parsing, "did you mean", atomic file writes.

#include "system_info.h"
#include "util/args.h"
#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

namespace fs = std::filesystem;

class TestUtil : public QObject {
  Q_OBJECT

private slots:
  void errorNamesItsSource_data();
  void errorNamesItsSource();
  void closestMatchSuggestsTypos_data();
  void closestMatchSuggestsTypos();
  void argsParseOptionsAndPositionals();
  void argsRejectBadInput_data();
  void argsRejectBadInput();
  void atomicWriteReplacesWholeFile();
  void atomicWriteKeepsOldFileWhenWriterFails();
  void atomicWriteIntoMissingFolderNamesFile();
  void readFileMissingNamesFile();
  void systemInfoFindsRayTracingAndFormats();
};

void TestUtil::errorNamesItsSource_data() {
  QTest::addColumn<QString>("file");
  QTest::addColumn<QString>("pointer");
  QTest::addColumn<int>("line");
  QTest::addColumn<QString>("expected");
  QTest::newRow("pointer") << "recipe.json"
                           << "/camera/yaw/sigma" << 0
                           << "recipe.json: /camera/yaw/sigma: must be > 0, got -3";
  QTest::newRow("line") << "head.obj"
                        << "" << 12 << "head.obj:12: must be > 0, got -3";
  QTest::newRow("file only") << "head.obj"
                             << "" << 0 << "head.obj: must be > 0, got -3";
  QTest::newRow("nothing") << ""
                           << "" << 0 << "must be > 0, got -3";
}

void TestUtil::errorNamesItsSource() {
  QFETCH(QString, file);
  QFETCH(QString, pointer);
  QFETCH(int, line);
  QFETCH(QString, expected);
  const sf::Error error(sf::SourceLocation{file.toStdString(), pointer.toStdString(), line},
                        "must be > 0, got -3");
  QCOMPARE(QString::fromStdString(error.what()), expected);
  QCOMPARE(QString::fromStdString(error.message()), QStringLiteral("must be > 0, got -3"));
  QCOMPARE(QString::fromStdString(error.where().file), file);
}

void TestUtil::closestMatchSuggestsTypos_data() {
  QTest::addColumn<QString>("word");
  QTest::addColumn<QString>("expected");
  QTest::newRow("one letter missing") << "sigam"
                                      << "sigma";
  QTest::newRow("transposed") << "mena"
                              << "mean";
  QTest::newRow("exact") << "weights"
                         << "weights";
  QTest::newRow("nothing close") << "zzzzzzzz"
                                 << "";
  QTest::newRow("short word, two edits") << "mu"
                                         << "";
}

void TestUtil::closestMatchSuggestsTypos() {
  QFETCH(QString, word);
  QFETCH(QString, expected);
  const std::vector<std::string> keys = {"mean", "sigma", "weights", "min", "max"};
  QCOMPARE(QString::fromStdString(sf::closestMatch(word.toStdString(), keys)), expected);
}

void TestUtil::argsParseOptionsAndPositionals() {
  sf::ArgParser parser("synthface render", "Renders a dataset.");
  parser.option("--out", "DIR", "output folder")
      .option("--set", "PATH=VALUE", "override", true)
      .flag("--resume", "continue")
      .positional("RECIPE", "the recipe");
  const std::vector<std::string> arguments = {"r.json", "--out=data", "--set",   "a=1",
                                              "--set",  "b=2",        "--resume"};
  const sf::ParsedArgs args = parser.parse(arguments);
  QCOMPARE(args.value("RECIPE"), std::string("r.json"));
  QCOMPARE(args.value("--out"), std::string("data"));
  QCOMPARE(args.values("--set"), (std::vector<std::string>{"a=1", "b=2"}));
  QVERIFY(args.has("--resume"));
  QVERIFY(!args.has("--threads"));
  QCOMPARE(args.value("--threads", "4"), std::string("4"));

  const std::vector<std::string> help = {"--help"};
  QVERIFY(parser.parse(help).helpRequested());
  const QString text = QString::fromStdString(parser.help());
  QVERIFY(text.startsWith("usage: synthface render [options] RECIPE"));
  QVERIFY(text.contains("--out DIR"));
}

void TestUtil::argsRejectBadInput_data() {
  QTest::addColumn<QStringList>("arguments");
  QTest::addColumn<QString>("expected");
  QTest::newRow("typo") << QStringList{"r.json", "--otu", "x"}
                        << "unknown option '--otu' (did you mean '--out'?)";
  QTest::newRow("unknown") << QStringList{"r.json", "--colour"} << "unknown option '--colour'";
  QTest::newRow("missing value") << QStringList{"r.json", "--out"}
                                 << "option '--out' needs a value (DIR)";
  QTest::newRow("flag with value")
      << QStringList{"r.json", "--resume=yes"} << "option '--resume' takes no value";
  QTest::newRow("missing positional") << QStringList{"--resume"} << "missing argument RECIPE";
  QTest::newRow("extra positional")
      << QStringList{"a.json", "b.json"} << "unexpected argument 'b.json'";
}

void TestUtil::argsRejectBadInput() {
  QFETCH(QStringList, arguments);
  QFETCH(QString, expected);
  sf::ArgParser parser("synthface render", "Renders a dataset.");
  parser.option("--out", "DIR", "output folder").flag("--resume", "continue");
  parser.positional("RECIPE", "the recipe");
  std::vector<std::string> argv;
  for (const QString& argument : arguments) {
    argv.push_back(argument.toStdString());
  }
  try {
    parser.parse(argv);
    QFAIL("bad arguments were accepted");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.what()), expected);
  }
}

void TestUtil::atomicWriteReplacesWholeFile() {
  QTemporaryDir dir;
  const fs::path path = fs::path(dir.path().toStdString()) / "recipe.json";
  sf::writeFileAtomically(path, "old contents");
  sf::writeFileAtomically(path, "new");
  QCOMPARE(sf::readFile(path), std::string("new"));
  // No temporary file is left behind.
  QCOMPARE(
      std::distance(fs::directory_iterator(dir.path().toStdString()), fs::directory_iterator()), 1);
}

void TestUtil::atomicWriteKeepsOldFileWhenWriterFails() {
  QTemporaryDir dir;
  const fs::path path = fs::path(dir.path().toStdString()) / "library.json";
  sf::writeFileAtomically(path, "precious");
  try {
    sf::replaceFileAtomically(path, [](const fs::path& temp) {
      sf::writeFileAtomically(temp, "half of it");
      throw sf::Error("simulated failure half way");
    });
    QFAIL("the writer's error was swallowed");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.what()), QStringLiteral("simulated failure half way"));
  }
  QCOMPARE(sf::readFile(path), std::string("precious"));
  QCOMPARE(
      std::distance(fs::directory_iterator(dir.path().toStdString()), fs::directory_iterator()), 1);
}

void TestUtil::atomicWriteIntoMissingFolderNamesFile() {
  QTemporaryDir dir;
  const fs::path path = fs::path(dir.path().toStdString()) / "no-such-folder" / "out.png";
  try {
    sf::writeFileAtomically(path, "bytes");
    QFAIL("writing into a missing folder succeeded");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.where().file), QString::fromStdString(path.string()));
    QVERIFY(QString::fromStdString(error.what()).contains("cannot open for writing"));
  }
}

void TestUtil::readFileMissingNamesFile() {
  try {
    sf::readFile("/nonexistent/recipe.json");
    QFAIL("reading a missing file succeeded");
  } catch (const sf::Error& error) {
    QCOMPARE(QString::fromStdString(error.what()),
             QStringLiteral("/nonexistent/recipe.json: cannot open for reading: "
                            "No such file or directory"));
  }
}

void TestUtil::systemInfoFindsRayTracingAndFormats() {
  const sf::SystemInfo info = sf::collectSystemInfo();
  QCOMPARE(QString::fromStdString(info.rayTracing), QStringLiteral("ok"));
  QVERIFY(info.hardwareThreads >= 1);
  // What the product reads and writes: PNG and EXR images, OBJ/glTF/FBX meshes.
  const QString images = QString::fromStdString(info.imageFormats);
  QVERIFY(images.split(',').contains("png"));
  QVERIFY(images.split(',').contains("openexr"));
  const QString meshes = QString::fromStdString(info.meshExtensions);
  for (const char* extension : {"*.obj", "*.gltf", "*.glb", "*.fbx"}) {
    QVERIFY2(meshes.split(';').contains(extension), extension);
  }
}

QTEST_APPLESS_MAIN(TestUtil)
#include "test_util.moc"
