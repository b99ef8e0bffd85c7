// The Batch dock, driven as a user drives it: it renders the recipe off the GUI thread into
// exactly the files `synthface render` writes, cancels after the current image, resumes
// without rendering twice, reports bad setups in the dock, and stops cleanly when destroyed.

#include "batch_dock.h"
#include "document/recipe_document.h"

#include "batch/batch_runner.h"
#include "batch/sample_renderer.h"
#include "scene/scene_context.h"

#include <QCheckBox>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <map>
#include <memory>

using sf::ui::BatchDock;
using sf::ui::RecipeDocument;

namespace fs = std::filesystem;

namespace {

/// Generous: the first run may build the built-in head.
constexpr int kRunTimeout = 180000;

/// Makes the document's recipe quick to render: 64 px images, 2 samples per pixel, and
/// `samples` samples.
void makeQuick(RecipeDocument& document, int samples) {
  QCOMPARE(document.setParameter("render.resolution", 64), QString());
  QCOMPARE(document.setParameter("render.samples", 2), QString());
  QCOMPARE(document.setSetting("samples", samples), QString());
}

/// Replaces the text of a field by typing, as a user would.
void typeInto(QLineEdit* edit, const QString& text) {
  edit->selectAll();
  QTest::keyClicks(edit, text);
}

void typeInto(QSpinBox* spin, int value) {
  spin->selectAll();
  QTest::keyClicks(spin, QString::number(value));
}

fs::path toPath(const QString& path) {
  return fs::path(QFile::encodeName(path).toStdString());
}

/// How many of samples [0, count) are complete in `dir`.
int completeSamples(const QString& dir, int count) {
  int complete = 0;
  for (int i = 0; i < count; ++i) {
    complete += sf::sampleComplete(toPath(dir), static_cast<std::uint64_t>(i)) ? 1 : 0;
  }
  return complete;
}

/// Every file of a dataset folder (but the lock file) by name, with its bytes.
QMap<QString, QByteArray> folderContents(const QString& dir) {
  QMap<QString, QByteArray> contents;
  QDirIterator it(dir, QDir::Files);
  while (it.hasNext()) {
    QFile file(it.next());
    if (file.fileName().endsWith(QLatin1String(".synthface.lock"))) {
      continue;
    }
    if (file.open(QIODevice::ReadOnly)) {
      contents.insert(QFileInfo(file).fileName(), file.readAll());
    }
  }
  return contents;
}

/// The modification times of the files of complete samples of `dir`.
std::map<std::string, fs::file_time_type> sampleFileTimes(const QString& dir, int count) {
  std::map<std::string, fs::file_time_type> times;
  for (int i = 0; i < count; ++i) {
    if (!sf::sampleComplete(toPath(dir), static_cast<std::uint64_t>(i))) {
      continue;
    }
    for (const char* suffix : {".png", "_seg.png", "_meta.json"}) {
      const fs::path file = toPath(dir) / (sf::sampleId(static_cast<std::uint64_t>(i)) + suffix);
      times[file.filename().string()] = fs::last_write_time(file);
    }
  }
  return times;
}

/// Saves a picture of `widget` as `name` in $SF_SCREENSHOT_DIR, when it is set.
void saveScreenshot(QWidget& widget, const QString& name) {
  const QString dir = qEnvironmentVariable("SF_SCREENSHOT_DIR");
  if (dir.isEmpty()) {
    return;
  }
  QDir().mkpath(dir);
  QVERIFY(widget.grab().save(QDir(dir).filePath(name)));
}

}  // namespace

class TestBatchDock : public QObject {
  Q_OBJECT

private slots:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    qputenv("XDG_STATE_HOME", m_dir.filePath(QStringLiteral("state")).toUtf8());
  }

  // The count and the default folder follow the recipe until the user sets them; the
  // override fields show the recipe's values.
  void fieldsFollowTheRecipeUntilEdited() {
    RecipeDocument document;
    BatchDock dock(&document);
    QCOMPARE(dock.objectName(), QStringLiteral("batchDock"));
    QCOMPARE(dock.windowTitle(), QStringLiteral("Batch"));
    QCOMPARE(dock.countSpinBox()->value(), static_cast<int>(document.recipe().samples));
    QCOMPARE(dock.checkedFormats(), QStringList{QStringLiteral("facesynthetics")});
    QVERIFY(dock.resumeCheckBox()->isChecked());
    QVERIFY(!dock.cancelButton()->isEnabled());

    QCOMPARE(document.setSetting("samples", 25), QString());
    QCOMPARE(dock.countSpinBox()->value(), 25);
    typeInto(dock.countSpinBox(), 7);
    QCOMPARE(dock.countSpinBox()->value(), 7);
    QCOMPARE(document.setSetting("samples", 40), QString());
    QCOMPARE(dock.countSpinBox()->value(), 7);

    QVERIFY2(dock.outputFolder().endsWith(QLatin1String("/SynthFace/untitled")),
             qPrintable(dock.outputFolder()));
    QCOMPARE(document.setSetting("name", "studio faces"), QString());
    QVERIFY2(dock.outputFolder().endsWith(QLatin1String("/SynthFace/studio_faces")),
             qPrintable(dock.outputFolder()));
    const QString recipeFile = m_dir.filePath(QStringLiteral("portraits.json"));
    QCOMPARE(document.save(recipeFile), QString());
    QCOMPARE(dock.outputFolder(), m_dir.filePath(QStringLiteral("portraits")));
    typeInto(dock.outputFolderEdit(), QStringLiteral("mine"));
    QCOMPARE(dock.outputDirectory(), m_dir.filePath(QStringLiteral("mine")));
    QCOMPARE(document.setSetting("name", "other"), QString());
    QCOMPARE(dock.outputFolder(), QStringLiteral("mine"));

    QCOMPARE(dock.resolutionSpinBox()->text(), QStringLiteral("Recipe (512 px)"));
    QCOMPARE(document.setParameter("render.resolution", 128), QString());
    QCOMPARE(dock.resolutionSpinBox()->text(), QStringLiteral("Recipe (128 px)"));
    QCOMPARE(dock.samplesPerPixelSpinBox()->text(), QStringLiteral("Recipe (64)"));

    // Without a format there is nothing to write.
    dock.formatCheckBox(QStringLiteral("facesynthetics"))->click();
    QVERIFY(!dock.startButton()->isEnabled());
    dock.setFormats({QStringLiteral("coco"), QStringLiteral("facesynthetics")},
                    {QStringLiteral("facesynthetics"), QStringLiteral("nonsense")});
    QCOMPARE(dock.availableFormats(),
             (QStringList{QStringLiteral("coco"), QStringLiteral("facesynthetics")}));
    QCOMPARE(dock.checkedFormats(), QStringList{QStringLiteral("facesynthetics")});
    QVERIFY(dock.startButton()->isEnabled());
  }

  // Start renders the dataset in the background; its files are byte for byte those of
  // SampleRenderer + runBatch (what `synthface render RECIPE --out DIR` runs), for the
  // recipe as it was when Start was pressed.
  void rendersWhatTheCliRenders() {
    RecipeDocument document;
    makeQuick(document, 2);
    BatchDock dock(&document);
    dock.resize(380, 760);
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    QCOMPARE(dock.countSpinBox()->value(), 2);
    const QString out = m_dir.filePath(QStringLiteral("studio"));
    typeInto(dock.outputFolderEdit(), out);
    QVERIFY(!dock.openFolderButton()->isEnabled());  // no folder yet

    QSignalSpy started(&dock, &BatchDock::started);
    QSignalSpy progressed(&dock, &BatchDock::progressed);
    QSignalSpy finished(&dock, &BatchDock::finished);
    const sf::Recipe atStart = document.recipe();
    QTest::mouseClick(dock.startButton(), Qt::LeftButton);
    QCOMPARE(started.count(), 1);
    QVERIFY(dock.isRunning());
    QVERIFY(!dock.startButton()->isEnabled());
    QVERIFY(dock.cancelButton()->isEnabled());
    QVERIFY(!dock.countSpinBox()->isEnabled());
    // Edits during the run do not change what it renders.
    QCOMPARE(document.setParameter("render.resolution", 32), QString());

    QVERIFY(finished.wait(kRunTimeout));
    QVERIFY(!dock.isRunning());
    QVERIFY2(dock.messageLabel()->isHidden(), qPrintable(dock.messageLabel()->text()));
    QVERIFY2(finished.at(0).at(0).toString().startsWith(QLatin1String("Done.")),
             qPrintable(finished.at(0).at(0).toString()));
    QCOMPARE(progressed.count(), 2);
    QCOMPARE(progressed.last().at(0).toULongLong(), 2ull);
    QCOMPARE(dock.progressBar()->maximum(), 2);
    QCOMPARE(dock.progressBar()->value(), 2);
    QCOMPARE(completeSamples(out, 2), 2);
    QCOMPARE(QImage(QDir(out).filePath(QStringLiteral("000001.png"))).width(), 64);
    QVERIFY(!dock.lastImageLabel()->pixmap().isNull());
    QVERIFY(dock.openFolderButton()->isEnabled());
    QVERIFY(dock.startButton()->isEnabled());
    QCOMPARE(dock.startButton()->text(), QStringLiteral("&Start"));  // nothing left to resume
    QCOMPARE(dock.lastResult().rendered, 2ull);
    saveScreenshot(dock, QStringLiteral("batch_dock.png"));

    const QString direct = m_dir.filePath(QStringLiteral("direct"));
    const fs::path baseDir = toPath(document.baseDir());
    const sf::SceneContext context = sf::loadSceneContext(atStart, baseDir);
    const sf::SampleRenderer renderer = sf::SampleRenderer::create(atStart, context, baseDir);
    sf::BatchOptions options;
    options.out = toPath(direct);
    options.count = 2;
    QCOMPARE(sf::runBatch(renderer, atStart, options).rendered, 2ull);

    const QMap<QString, QByteArray> fromDock = folderContents(out);
    const QMap<QString, QByteArray> fromCore = folderContents(direct);
    QCOMPARE(fromDock.keys(), fromCore.keys());
    QVERIFY(fromDock.contains(QStringLiteral("000000.png")));
    for (auto it = fromDock.begin(); it != fromDock.end(); ++it) {
      QVERIFY2(it.value() == fromCore.value(it.key()), qPrintable(it.key() + " differs"));
    }
  }

  // Cancel stops after the image being rendered; Resume then renders only the rest.
  void cancelThenResumeFinishesTheRest() {
    RecipeDocument document;
    makeQuick(document, 4);
    BatchDock dock(&document);
    dock.show();
    const QString out = m_dir.filePath(QStringLiteral("resumed"));
    typeInto(dock.outputFolderEdit(), out);
    QSignalSpy progressed(&dock, &BatchDock::progressed);
    QSignalSpy finished(&dock, &BatchDock::finished);

    QTest::mouseClick(dock.startButton(), Qt::LeftButton);
    QVERIFY(progressed.wait(kRunTimeout));
    saveScreenshot(dock, QStringLiteral("batch_dock_running.png"));
    QTest::mouseClick(dock.cancelButton(), Qt::LeftButton);
    QVERIFY(!dock.cancelButton()->isEnabled());
    QVERIFY(finished.wait(kRunTimeout));
    QVERIFY(dock.lastResult().cancelled);
    const int done = completeSamples(out, 4);
    QVERIFY2(done >= 1 && done < 4, qPrintable(QString::number(done)));
    QCOMPARE(dock.lastResult().rendered, static_cast<std::uint64_t>(done));
    QCOMPARE(dock.startButton()->text(), QStringLiteral("&Resume"));
    QVERIFY2(dock.statusLabel()->text().startsWith(QLatin1String("Cancelled.")),
             qPrintable(dock.statusLabel()->text()));
    const auto before = sampleFileTimes(out, 4);

    QTest::mouseClick(dock.startButton(), Qt::LeftButton);
    QVERIFY(finished.wait(kRunTimeout));
    QVERIFY(!dock.lastResult().cancelled);
    QCOMPARE(completeSamples(out, 4), 4);
    QCOMPARE(dock.lastResult().skipped, static_cast<std::uint64_t>(done));
    QCOMPARE(dock.lastResult().rendered, static_cast<std::uint64_t>(4 - done));
    QCOMPARE(dock.progressBar()->value(), 4);
    const auto after = sampleFileTimes(out, 4);
    for (const auto& [name, time] : before) {
      QVERIFY2(after.at(name) == time, qPrintable(QString::fromStdString(name + " rewritten")));
    }
  }

  // A setup the batch cannot use is reported in the dock, and the dock stays usable.
  void badSetupShowsAnError_data() {
    QTest::addColumn<QString>("folder");  // relative to the test's folder
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("expected");  // in the message
    QTest::newRow("folder under a file") << "plain.txt/dataset"
                                         << "default"
                                         << "cannot create the output folder";
    QTest::newRow("folder is a file") << "plain.txt"
                                      << "default"
                                      << "plain.txt";
    QTest::newRow("model missing") << "unused"
                                   << "missing_model.sfm"
                                   << "missing_model.sfm";
  }

  void badSetupShowsAnError() {
    QFETCH(QString, folder);
    QFETCH(QString, model);
    QFETCH(QString, expected);
    QFile plain(m_dir.filePath(QStringLiteral("plain.txt")));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();

    RecipeDocument document;
    makeQuick(document, 2);
    QCOMPARE(document.setSetting("model", model.toStdString()), QString());
    BatchDock dock(&document);
    dock.show();
    typeInto(dock.outputFolderEdit(), m_dir.filePath(folder));
    QSignalSpy finished(&dock, &BatchDock::finished);
    QTest::mouseClick(dock.startButton(), Qt::LeftButton);
    QVERIFY(finished.wait(kRunTimeout));
    QVERIFY(!dock.isRunning());
    QVERIFY(dock.messageLabel()->isVisible());
    QVERIFY2(dock.messageLabel()->text().contains(expected),
             qPrintable(dock.messageLabel()->text()));
    QVERIFY(finished.at(0).at(0).toString().contains(expected));
    if (QLatin1String(QTest::currentDataTag()) == QLatin1String("model missing")) {
      saveScreenshot(dock, QStringLiteral("batch_dock_error.png"));
    }
    QVERIFY(dock.startButton()->isEnabled());
    QVERIFY(dock.countSpinBox()->isEnabled());
    QCOMPARE(completeSamples(m_dir.filePath(folder), 2), 0);
  }

  // Destroying the dock cancels its run and waits for it: at most the image being rendered
  // is finished, and nothing reaches the destroyed dock afterwards.
  void destroyingMidRunStopsTheRun_data() {
    QTest::addColumn<bool>("afterFirstImage");
    QTest::newRow("while loading the model") << false;
    QTest::newRow("while rendering") << true;
  }

  void destroyingMidRunStopsTheRun() {
    QFETCH(bool, afterFirstImage);
    RecipeDocument document;
    makeQuick(document, 20);
    auto dock = std::make_unique<BatchDock>(&document);
    dock->show();
    const QString out = m_dir.filePath(afterFirstImage ? QStringLiteral("destroyed_rendering")
                                                       : QStringLiteral("destroyed_loading"));
    typeInto(dock->outputFolderEdit(), out);
    QSignalSpy progressed(dock.get(), &BatchDock::progressed);
    QTest::mouseClick(dock->startButton(), Qt::LeftButton);
    QVERIFY(dock->isRunning());
    if (afterFirstImage) {
      QVERIFY(progressed.wait(kRunTimeout));
    }
    const int before = completeSamples(out, 20);

    QElapsedTimer timer;
    timer.start();
    dock.reset();
    const qint64 waited = timer.elapsed();
    QCoreApplication::processEvents();  // queued calls to the dock must be dropped

    const int after = completeSamples(out, 20);
    qInfo("destroyed in %lld ms; %d complete samples before, %d after",
          static_cast<long long>(waited), before, after);
    QVERIFY2(after <= before + 1, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
    if (!afterFirstImage) {
      QCOMPARE(after, 0);
    }
  }

private:
  QTemporaryDir m_dir;
};

QTEST_MAIN(TestBatchDock)
#include "test_batch_dock.moc"
