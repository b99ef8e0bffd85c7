// The studio as a user drives it, under Xvfb: the contact sheet of samples, opening a
// sample into the viewport and the path-traced preview, recipe edits with undo, and files
// that are broken or saved. With SF_SCREENSHOT_DIR set, saves screenshots of the docks in
// use there.

#include "batch_dock.h"
#include "distributions_dock.h"
#include "document/recipe_document.h"
#include "face_dock.h"
#include "histogram_widget.h"
#include "library_dock.h"
#include "main_window.h"
#include "preview_dock.h"
#include "recovery_dialog.h"
#include "render_service.h"
#include "samples_dock.h"
#include "viewport/face_entity.h"
#include "viewport/face_overlay.h"
#include "viewport/orbit_camera.h"
#include "viewport/viewport_widget.h"

#include "assets/asset_library.h"
#include "batch/batch_runner.h"
#include "batch/sample_renderer.h"
#include "face/face_model_io.h"
#include "face/model_store.h"
#include "recipe/recipe_io.h"
#include "render/image.h"
#include "scene/scene_compiler.h"
#include "scene/scene_context.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QFile>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>

#include <algorithm>
#include <cmath>

using sf::ui::MainWindow;

namespace {

constexpr int kRenderTimeout = 300000;

/// Saves the window when SF_SCREENSHOT_DIR is set.
void screenshot(MainWindow& window, const QString& name) {
  const QString dir = qEnvironmentVariable("SF_SCREENSHOT_DIR");
  if (dir.isEmpty()) {
    return;
  }
  QString error = "pending";
  window.saveScreenshot(dir + "/" + name, [&](const QString& result) { error = result; });
  QTRY_VERIFY_WITH_TIMEOUT(error != "pending", 60000);
  QCOMPARE(error, QString());
}

void closeMessageBoxes(QWidget& window) {
  for (QMessageBox* box : window.findChildren<QMessageBox*>()) {
    box->close();
  }
}

/// Renders the viewport until the frame shows what the scene holds.
QImage settledCapture(sf::ui::ViewportWidget& viewport) {
  QImage image;
  for (int i = 0; i < 2; ++i) {
    bool done = false;
    viewport.captureFrame([&](const QImage& frame) {
      image = frame;
      done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 20000)) {
      return {};
    }
  }
  return image.convertToFormat(QImage::Format_RGB32);
}

/// How many pixels of two same-sized pictures differ by more than 2 in some channel (all of
/// them when the sizes differ).
int differingPixels(const QImage& a, const QImage& b) {
  if (a.size() != b.size()) {
    return std::max(a.width() * a.height(), b.width() * b.height());
  }
  int count = 0;
  for (int y = 0; y < a.height(); ++y) {
    for (int x = 0; x < a.width(); ++x) {
      const QRgb p = a.pixel(x, y);
      const QRgb q = b.pixel(x, y);
      if (std::abs(qRed(p) - qRed(q)) > 2 || std::abs(qGreen(p) - qGreen(q)) > 2 ||
          std::abs(qBlue(p) - qBlue(q)) > 2) {
        ++count;
      }
    }
  }
  return count;
}

/// Answers the next Save Expression dialog: `name`, saved to the recipe (0) or a library (1).
void answerSaveExpression(const QString& name, int destination) {
  QTimer::singleShot(0, [name, destination] {
    QWidget* dialog = QApplication::activeModalWidget();
    QVERIFY(dialog != nullptr);
    dialog->findChild<QLineEdit*>("expressionName")->setText(name);
    dialog->findChild<QComboBox*>("expressionDestination")->setCurrentIndex(destination);
    QVERIFY(dialog->findChild<QLineEdit*>("expressionLicence")->isEnabled() == (destination == 1));
    qobject_cast<QDialog*>(dialog)->accept();
  });
}

/// A window at its usual size with its model loaded, on a page of 6 small samples.
void prepare(MainWindow& window) {
  window.resize(1280, 800);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QTRY_VERIFY_WITH_TIMEOUT(window.faceLoadFinished(), kRenderTimeout);
  window.dressingAction()->setChecked(true);  // hair and assets on, whatever a test left
  window.samplesDock()->countField()->setCurrentIndex(0);  // 6 samples
  window.previewDock()->sizeField()->setCurrentIndex(0);   // 256 px
  window.previewDock()->samplesField()->setValue(4);
}

}  // namespace

class TestStudio : public QObject {
  Q_OBJECT

private slots:
  void init() {
    // A clean autosave folder and settings per test.
    QVERIFY(m_state.isValid());
    qputenv("XDG_STATE_HOME", m_state.path().toUtf8());
  }

  // The sheet fills with distinct samples; clicking one poses its face in the viewport and
  // the Face dock and renders it in the preview, exactly as the batch renders it.
  void samplesOpenIntoPreview() {
    MainWindow window;
    prepare(window);
    sf::ui::SamplesDock& samples = *window.samplesDock();
    QTRY_VERIFY_WITH_TIMEOUT(samples.readyCount() == 6, kRenderTimeout);
    QCOMPARE(samples.sheet()->count(), 6);
    const QImage first = samples.sheet()->item(0)->icon().pixmap(150).toImage();
    const QImage second = samples.sheet()->item(1)->icon().pixmap(150).toImage();
    QVERIFY(!first.isNull());
    QVERIFY(first != second);
    QVERIFY(samples.sheet()->item(2)->text().startsWith("#000002"));

    // Click the fourth thumbnail.
    QListWidget* sheet = samples.sheet();
    const QRect rect = sheet->visualItemRect(sheet->item(3));
    QTest::mouseClick(sheet->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(window.currentSample(), std::uint64_t{3});

    // The Face dock holds the sample's face as the recipe draws it.
    const sf::Recipe& recipe = window.document()->recipe();
    const sf::SceneContext context = sf::loadSceneContext(recipe);
    const sf::ResolvedScene scene = sf::compileScene(recipe, 3, context);
    const sf::SampleRenderer renderer =
        sf::SampleRenderer::create(recipe, context, {}, {256, 4, std::nullopt});
    sf::FaceState expected = scene.faceState(renderer.model());
    expected.identity.resize(renderer.model().identity.size(), 0.0f);
    expected.expression.resize(renderer.model().expressions.size(), 0.0f);
    QVERIFY(window.faceDock()->faceState().identity == expected.identity);
    QVERIFY(window.faceDock()->faceState().expression == expected.expression);

    // The preview's last pass is the batch renderer's image of that sample, bit for bit.
    sf::ui::PreviewDock& preview = *window.previewDock();
    QTRY_VERIFY_WITH_TIMEOUT(preview.frame().final && preview.frame().index == 3, kRenderTimeout);
    const sf::RenderedSample rendered = renderer.render(3);
    const std::vector<std::uint8_t> bytes = sf::toSrgb8(rendered.image);
    const QImage shown = preview.frame().image;
    QCOMPARE(shown.size(), QSize(256, 256));
    bool identical = true;
    for (int y = 0; y < 256 && identical; ++y) {
      for (int x = 0; x < 256; ++x) {
        const QColor c = shown.pixelColor(x, y);
        const std::size_t i = (std::size_t(y) * 256 + std::size_t(x)) * 3;
        if (c.red() != bytes[i] || c.green() != bytes[i + 1] || c.blue() != bytes[i + 2]) {
          identical = false;
          break;
        }
      }
    }
    QVERIFY2(identical, "the preview differs from the batch render of the same sample");
    QCOMPARE(preview.frame().landmarks.size(), 70);

    // Overlays change what is shown, not the frame.
    const QImage plain = preview.composed();
    preview.landmarksToggle()->setChecked(true);
    preview.segmentationToggle()->setChecked(true);
    QVERIFY(preview.composed() != plain);
    QCOMPARE(preview.frame().image, shown);
    screenshot(window, "studio_samples_preview.png");
    preview.landmarksToggle()->setChecked(false);
    preview.segmentationToggle()->setChecked(false);
  }

  // Editing the face by hand re-renders the preview with that face.
  void editedFaceIsPreviewed() {
    MainWindow window;
    prepare(window);
    sf::ui::PreviewDock& preview = *window.previewDock();
    QTRY_VERIFY_WITH_TIMEOUT(preview.frame().final, kRenderTimeout);
    const QImage before = preview.frame().image;
    QSignalSpy frames(&preview, &sf::ui::PreviewDock::frameShown);
    QSlider* jaw = window.faceDock()->slider("jawOpen");
    QVERIFY(jaw != nullptr);
    jaw->setValue(90);
    QTRY_VERIFY_WITH_TIMEOUT(!frames.isEmpty() && preview.frame().final, kRenderTimeout);
    QVERIFY(preview.frame().image != before);
  }

  // The Face dock's pose sliders turn the head in the viewport and in the preview; an
  // expression preset sets its blendshapes.
  void poseAndPresets() {
    MainWindow window;
    prepare(window);
    sf::ui::FaceDock& dock = *window.faceDock();
    dock.reset();
    const QImage front = settledCapture(*window.viewport());
    QSlider* yaw = dock.slider("head.yaw");
    QVERIFY(yaw != nullptr);
    yaw->setValue(40);
    QCOMPARE(dock.headPose().yaw, 40.0f);
    QVERIFY(settledCapture(*window.viewport()) != front);
    // The preview follows with the edited pose.
    QSignalSpy frames(window.previewDock(), &sf::ui::PreviewDock::frameShown);
    QTRY_VERIFY_WITH_TIMEOUT(!frames.isEmpty() && window.previewDock()->frame().final,
                             kRenderTimeout);

    QVERIFY(dock.applyPreset("smile"));
    const sf::FaceState& state = dock.faceState();
    QVERIFY(std::any_of(state.expression.begin(), state.expression.end(),
                        [](float w) { return w > 0.2f; }));
    screenshot(window, "studio_face_pose_preset.png");
    QVERIFY(!dock.applyPreset("no such preset"));
    dock.reset();
    QCOMPARE(dock.headPose(), sf::HeadPose{});
  }

  // The Face dock saves the sliders' expression as a recipe preset and their identity as a
  // named person, each one undo step; the preset and person boxes offer them back, and a
  // recipe choosing the person renders that face.
  void saveExpressionAndPerson() {
    MainWindow window;
    prepare(window);
    sf::ui::FaceDock& dock = *window.faceDock();
    sf::ui::RecipeDocument& document = *window.document();
    dock.reset();
    QVERIFY(!dock.saveExpression("neutral_again").isEmpty());  // every slider at zero
    dock.slider("jawOpen")->setValue(60);
    dock.slider("mouthSmileLeft")->setValue(25);
    QVERIFY(dock.saveExpression("a.b").contains("letters, digits"));
    QVERIFY(dock.saveExpression("smile").contains("built-in"));
    QCOMPARE(document.recipe(), sf::Recipe{});

    // Save Expression, driven through its dialog: to the recipe, its first choice.
    answerSaveExpression("gape", 0);
    QTest::mouseClick(dock.findChild<QPushButton*>("saveExpression"), Qt::LeftButton);
    const sf::Recipe withPreset = document.recipe();
    QVERIFY(withPreset.parameters.at("expression.presets.gape.jawOpen") == nlohmann::json(0.6));
    QVERIFY(withPreset.parameters.at("expression.presets.gape.mouthSmileLeft") ==
            nlohmann::json(0.25));
    QCOMPARE(withPreset.parameters.size(), std::size_t{2});
    QVERIFY(dock.presetBox()->findText("gape") > 0);
    dock.reset();
    QVERIFY(dock.applyPreset("gape"));
    QCOMPARE(dock.slider("jawOpen")->value(), 60);
    QCOMPARE(dock.slider("mouthSmileLeft")->value(), 25);

    // Save Person: the identity sliders under a name.
    dock.slider("nose_width")->setValue(150);
    dock.slider("jaw_width")->setValue(-80);
    QVERIFY(dock.savePerson("ada").isEmpty());
    QVERIFY(document.recipe().parameters.at("identity.people.ada.nose_width") ==
            nlohmann::json(1.5));
    QVERIFY(document.recipe().parameters.at("identity.people.ada.jaw_width") ==
            nlohmann::json(-0.8));
    QCOMPARE(dock.personBox()->findText("ada"), 1);
    dock.reset();
    QVERIFY(dock.applyPerson("ada"));
    QCOMPARE(dock.slider("nose_width")->value(), 150);
    QCOMPARE(dock.slider("jaw_width")->value(), -80);
    QVERIFY(!dock.applyPerson("nobody"));

    // A recipe that chooses the person shows that face in every sample.
    QVERIFY(document.setParameter("identity.person", "ada").isEmpty());
    const sf::Recipe& recipe = document.recipe();
    const sf::SceneContext context = sf::loadSceneContext(recipe);
    for (std::uint64_t index : {0u, 7u}) {
      const sf::ResolvedScene scene = sf::compileScene(recipe, index, context);
      QCOMPARE(scene.identity.at("nose_width"), 1.5);
      QCOMPARE(scene.identity.at("jaw_width"), -0.8);
    }

    // Undo takes each step back, boxes included.
    document.undoStack()->undo();  // identity.person
    document.undoStack()->undo();  // Save Person
    QCOMPARE(document.recipe(), withPreset);
    QCOMPARE(dock.personBox()->findText("ada"), -1);
    document.undoStack()->undo();  // Save Expression
    QCOMPARE(document.recipe(), sf::Recipe{});
    QCOMPARE(dock.presetBox()->findText("gape"), -1);
  }

  // Save Expression to a library: with no library in the recipe, the user's library gets
  // the expression and becomes the recipe's (one undo step); the preset box then offers it
  // by id, and choosing it sets the sliders. Samples that name it show it.
  void saveExpressionToTheLibrary() {
    QTemporaryDir data;
    const QByteArray oldData = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_DATA_HOME", data.path().toUtf8());
    {
      MainWindow window;
      prepare(window);
      sf::ui::FaceDock& dock = *window.faceDock();
      sf::ui::RecipeDocument& document = *window.document();
      dock.reset();
      dock.slider("jawOpen")->setValue(70);
      dock.slider("browInnerUp")->setValue(40);
      QVERIFY(dock.saveExpressionToLibrary("gasp", "").contains("licence"));
      QVERIFY(dock.saveExpressionToLibrary("a b", "CC0-1.0").contains("letters, digits"));

      answerSaveExpression("gasp", 1);
      auto* saveButton = dock.findChild<QPushButton*>("saveExpression");
      QTest::mouseClick(saveButton, Qt::LeftButton);
      // The library is written and the thumbnail rendered off the GUI thread: the click
      // returns at once, and Save Expression waits until the save is done.
      QVERIFY(dock.savingExpression());
      QVERIFY(!saveButton->isEnabled());
      QVERIFY(dock.saveExpressionToLibrary("gasp2", "CC0-1.0").contains("still being saved"));
      QTRY_VERIFY_WITH_TIMEOUT(!dock.savingExpression(), kRenderTimeout);
      const sf::AssetLibrary user = sf::AssetLibrary::openUserLibrary();
      const sf::LibraryAsset* saved = user.find("expression/gasp");
      QVERIFY(saved != nullptr);
      QCOMPARE(saved->licence, std::string("CC0-1.0"));
      QVERIFY(!saved->thumbnail.empty());
      QCOMPARE(document.recipe().library, user.indexPath().string());
      QVERIFY(window.libraryDock()->userLibrary().find("expression/gasp") != nullptr);
      // The window reloads the recipe's library: the preset box offers the new expression.
      QTRY_VERIFY_WITH_TIMEOUT(dock.presetBox()->findText("expression/gasp") > 0, kRenderTimeout);
      QTRY_VERIFY_WITH_TIMEOUT(window.faceLoadFinished(), kRenderTimeout);
      QVERIFY(saveButton->isEnabled());
      // The reload keeps the face being edited.
      QCOMPARE(dock.slider("jawOpen")->value(), 70);
      dock.presetBox()->setCurrentIndex(dock.presetBox()->findText("expression/gasp"));
      screenshot(window, "studio_library_expression.png");
      dock.reset();
      QVERIFY(dock.applyPreset("expression/gasp"));
      QCOMPARE(dock.slider("jawOpen")->value(), 70);
      QCOMPARE(dock.slider("browInnerUp")->value(), 40);

      QVERIFY(document.setParameter("expression.neutral", false).isEmpty());
      QVERIFY(document.setParameter("expression.preset", "expression/gasp").isEmpty());
      const sf::SceneContext context =
          sf::loadSceneContext(document.recipe(), document.baseDir().toStdString());
      const sf::ResolvedScene scene = sf::compileScene(document.recipe(), 5, context);
      QCOMPARE(scene.expression.at("jawOpen"), 0.7);
      QCOMPARE(scene.expression.at("browInnerUp"), 0.4);

      // Undo leaves the expression in the library, and the recipe as it was.
      document.undoStack()->undo();
      document.undoStack()->undo();
      document.undoStack()->undo();
      QCOMPARE(document.recipe(), sf::Recipe{});
      QVERIFY(sf::AssetLibrary::openUserLibrary().find("expression/gasp") != nullptr);
    }
    if (oldData.isNull()) {
      qunsetenv("XDG_DATA_HOME");
    } else {
      qputenv("XDG_DATA_HOME", oldData);
    }
  }

  // A library save that fails in the background (here the user's library cannot be made:
  // its parent is a file) is reported without a blocking dialog; the recipe stays as it was
  // and the Library dock, greyed while the save ran, comes back.
  void aFailedLibrarySaveIsReported() {
    QTemporaryDir data;
    QFile blocker(data.filePath("not-a-folder"));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const QByteArray oldData = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_DATA_HOME", blocker.fileName().toUtf8());
    {
      MainWindow window;
      prepare(window);
      sf::ui::FaceDock& dock = *window.faceDock();
      dock.reset();
      dock.slider("jawOpen")->setValue(50);
      QSignalSpy failed(&dock, &sf::ui::FaceDock::libraryExpressionFailed);
      QSignalSpy saved(&dock, &sf::ui::FaceDock::libraryExpressionSaved);
      QCOMPARE(dock.saveExpressionToLibrary("yawn", "CC0-1.0"), QString());
      QVERIFY(!window.libraryDock()->isEnabled());
      QTRY_VERIFY_WITH_TIMEOUT(!dock.savingExpression(), kRenderTimeout);
      QCOMPARE(failed.count(), 1);
      QCOMPARE(saved.count(), 0);
      QCOMPARE(failed.first().at(0).toString(), QString("yawn"));
      QVERIFY(!failed.first().at(1).toString().isEmpty());
      QVERIFY(window.libraryDock()->isEnabled());
      QCOMPARE(window.document()->recipe(), sf::Recipe{});
      auto* box = window.findChild<QMessageBox*>("saveExpressionError");
      QVERIFY(box != nullptr);
      QTRY_VERIFY(box->isVisible());
      QVERIFY(box->text().contains(failed.first().at(1).toString()));
      box->close();
    }
    if (oldData.isNull()) {
      qunsetenv("XDG_DATA_HOME");
    } else {
      qputenv("XDG_DATA_HOME", oldData);
    }
  }

  // Open Model: a SynthFace model becomes the recipe's (one undo step) and loads; a broken
  // one or a head that cannot be imported is reported and leaves the recipe alone.
  void openModelFromTheFaceDock() {
    MainWindow window;
    prepare(window);
    QTemporaryDir dir;
    QSignalSpy opened(&window, &MainWindow::modelOpened);

    const QString broken = dir.filePath("broken.sfm");
    {
      QFile file(broken);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("not a model");
    }
    window.openModel(broken);
    QCOMPARE(opened.count(), 1);
    QVERIFY2(opened.last().at(0).toString().contains("broken.sfm"),
             qPrintable(opened.last().at(0).toString()));
    QCOMPARE(window.document()->recipe().model, std::string("default"));
    closeMessageBoxes(window);

    // A head to import that is not a mesh: the import fails off the GUI thread.
    const QString notAHead = dir.filePath("head.obj");
    {
      QFile file(notAHead);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("v 0 0 nan\n");
    }
    window.openModel(notAHead);
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 2, 60000);
    QVERIFY2(opened.last().at(0).toString().contains("head.obj"),
             qPrintable(opened.last().at(0).toString()));
    QCOMPARE(window.document()->recipe().model, std::string("default"));
    closeMessageBoxes(window);

    // The built-in head saved as a model file opens as the recipe's model.
    const QString path = dir.filePath("mine.sfm");
    sf::writeFaceModel(sf::loadFaceModel("default"), path.toStdString());
    window.openModel(path);
    QCOMPARE(opened.count(), 3);
    QCOMPARE(opened.last().at(0).toString(), QString());
    QCOMPARE(window.document()->recipe().model, path.toStdString());
    QTRY_VERIFY_WITH_TIMEOUT(window.faceLoadFinished(), kRenderTimeout);
    QVERIFY(window.faceDock()->isEnabled());
    window.document()->undoStack()->undo();
    QCOMPARE(window.document()->recipe().model, std::string("default"));
  }

  // A recipe edit re-renders the sheet; undo from the Edit menu puts it back; the title
  // marks unsaved changes.
  void editsRerenderAndUndo() {
    MainWindow window;
    prepare(window);
    sf::ui::SamplesDock& samples = *window.samplesDock();
    QVERIFY(!window.isWindowModified());

    // Results of the recipe before an edit are never shown after it: the first thumbnail
    // to arrive is of the new recipe.
    QVERIFY(window.document()->setParameter("camera.yaw", 40).isEmpty());
    QVERIFY(window.isWindowModified());
    QTRY_VERIFY_WITH_TIMEOUT(samples.readyCount() >= 1, kRenderTimeout);
    for (int i = 0; i < samples.sheet()->count(); ++i) {
      const QString text = samples.sheet()->item(i)->text();
      QVERIFY2(text.contains("yaw 40") || text == QString("#%1").arg(i), qPrintable(text));
    }

    // The seed field is an edit like any other.
    samples.seedField()->setFocus();
    samples.seedField()->selectAll();
    QTest::keyClicks(samples.seedField(), "77");
    QTest::keyClick(samples.seedField(), Qt::Key_Return);
    QCOMPARE(window.document()->recipe().seed, std::uint64_t{77});

    QAction* undo = nullptr;
    for (QAction* action : window.menuBar()->actions()) {
      if (action->menu() != nullptr && action->text() == "&Edit") {
        undo = action->menu()->actions().value(0);
      }
    }
    QVERIFY(undo != nullptr);
    undo->trigger();
    QCOMPARE(window.document()->recipe().seed, std::uint64_t{1});
    undo->trigger();
    QVERIFY(!window.document()->recipe().parameters.contains("camera.yaw"));
    QVERIFY(!window.isWindowModified());
    const auto noneAt40 = [&] {
      for (int i = 0; i < samples.sheet()->count(); ++i) {
        if (samples.sheet()->item(i)->text().contains("yaw 40")) {
          return false;
        }
      }
      return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(samples.readyCount() >= 1 && noneAt40(), kRenderTimeout);
  }

  // The Distributions and Batch docks in the window: a histogram of the selected
  // parameter, and a small batch run to completion from the Batch tab.
  void distributionsAndBatchDocks() {
    MainWindow window;
    prepare(window);
    sf::ui::DistributionsDock& distributions = *window.distributionsDock();
    distributions.show();
    distributions.raise();
    QVERIFY(window.document()
                ->setParameter("camera.yaw", nlohmann::json{{"type", "truncatedNormal"},
                                                            {"mean", 0},
                                                            {"sigma", 25},
                                                            {"min", -70},
                                                            {"max", 70}})
                .isEmpty());
    distributions.selectPath("camera.yaw");
    QTRY_VERIFY_WITH_TIMEOUT(
        distributions.histogram()->drawCount() == 10000 && !distributions.histogram()->isBusy(),
        60000);
    QVERIFY(std::abs(distributions.histogram()->standardDeviation() - 25.0) < 2.5);

    QTemporaryDir out;
    QVERIFY(window.document()->setParameter("render.resolution", 96).isEmpty());
    QVERIFY(window.document()->setParameter("render.samples", 4).isEmpty());
    sf::ui::BatchDock& batch = *window.batchDock();
    batch.show();
    batch.raise();
    batch.countSpinBox()->setValue(2);
    batch.setOutputFolder(out.filePath("dataset"));
    QSignalSpy finished(&batch, &sf::ui::BatchDock::finished);
    QTest::mouseClick(batch.startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kRenderTimeout);
    QVERIFY(sf::sampleComplete(out.filePath("dataset").toStdString(), 0));
    QVERIFY(sf::sampleComplete(out.filePath("dataset").toStdString(), 1));
    QVERIFY(!batch.lastImageLabel()->pixmap().isNull());
    screenshot(window, "studio_distributions_batch.png");
  }

  // The View > Overlays menu: landmarks, indices, dense landmarks, wireframe and
  // segmentation colours change the viewport, and switching them off restores it.
  void viewportOverlays() {
    MainWindow window;
    prepare(window);
    // The face alone: its sample's hair, arriving late, would change the pictures compared.
    window.dressingAction()->setChecked(false);
    for (const char* name : {"landmarks", "indices", "dense", "segmentation", "wireframe"}) {
      QVERIFY(window.overlayAction(name) != nullptr);
      window.overlayAction(name)->setChecked(false);
    }
    window.faceDock()->reset();
    // Let the reset's follow-ups (the face preview's timer, the dressing switched off) land
    // before the pictures are compared.
    QTest::qWait(600);
    sf::ui::OrbitCamera camera;
    camera.setView(sf::ui::OrbitCamera::View::Front);
    camera.target = QVector3D(0, 20, 60);
    camera.distance = 330.0f;
    window.viewport()->setOrbitCamera(camera);
    const QImage plain = settledCapture(*window.viewport());
    QCOMPARE(window.faceOverlay()->segmentCount(), 0);

    window.overlayAction("landmarks")->trigger();
    window.overlayAction("indices")->trigger();
    QCOMPARE(window.faceOverlay()->labelCount(), 70);
    // A cross per landmark, and digits: 10 indices of one digit, 60 of two.
    QVERIFY(window.faceOverlay()->segmentCount() > 70 * 3 + 70 * 4);
    const QImage marked = settledCapture(*window.viewport());
    QVERIFY(marked != plain);
    screenshot(window, "studio_viewport_landmarks.png");

    window.overlayAction("dense")->trigger();
    QVERIFY(window.faceOverlay()->segmentCount() >= (70 + 500) * 3);
    window.overlayAction("wireframe")->trigger();
    window.overlayAction("segmentation")->trigger();
    QVERIFY(window.faceEntity()->segmentationShading());
    const QImage everything = settledCapture(*window.viewport());
    QVERIFY(everything != marked);
    screenshot(window, "studio_viewport_segmentation_wireframe.png");

    for (const char* name : {"landmarks", "indices", "dense", "segmentation", "wireframe"}) {
      window.overlayAction(name)->trigger();
    }
    QCOMPARE(window.faceOverlay()->segmentCount(), 0);
    QCOMPARE(window.faceOverlay()->labelCount(), 0);
    // The plain picture again, but for the odd pixel where two surfaces meet (the globe
    // under the lids' inner corners) and the depth test may go either way once Qt3D has
    // drawn them in another order.
    const QImage again = settledCapture(*window.viewport());
    const int differing = differingPixels(again, plain);
    QVERIFY2(differing <= plain.width() * plain.height() / 10000,
             qPrintable(QString("%1 pixels differ").arg(differing)));
  }

  // A broken recipe: a message naming the file and field, the document and the file as
  // they were, the studio still working.
  void brokenRecipeIsReported() {
    MainWindow window;
    prepare(window);
    QTemporaryDir dir;
    const QString path = dir.filePath("broken.json");
    const QByteArray text = R"({"schemaVersion": 2, "camera": {"yaw": {"type": "normal",
        "mean": 0, "sigma": -2}}})";
    {
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(text);
    }
    QVERIFY(window.document()->setParameter("head.yaw", 5).isEmpty());
    const sf::Recipe before = window.document()->recipe();
    QVERIFY(!window.openRecipe(path));
    QVERIFY2(window.lastError().contains("broken.json"), qPrintable(window.lastError()));
    QVERIFY2(window.lastError().contains("/camera/yaw/sigma"), qPrintable(window.lastError()));
    QCOMPARE(window.document()->recipe(), before);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), text);
    closeMessageBoxes(window);

    // A good file opens, and saves back to itself.
    const QString good = dir.filePath("good.json");
    sf::Recipe recipe;
    recipe.name = "good";
    recipe.parameters["camera.fov"] = 28;
    sf::saveRecipe(recipe, good.toStdString());
    QVERIFY(window.openRecipe(good));
    QCOMPARE(window.document()->recipe(), recipe);
    QVERIFY(window.windowTitle().startsWith("good.json"));
    QVERIFY(window.document()->setParameter("camera.fov", 30).isEmpty());
    QVERIFY(window.saveRecipe());
    QVERIFY(sf::loadRecipe(good.toStdString()).parameters.at("camera.fov") == nlohmann::json(30));
    // The model may still be reloading: let it finish before the window goes.
    QTRY_VERIFY_WITH_TIMEOUT(window.faceLoadFinished(), kRenderTimeout);
  }

  // After a crash every recipe with unsaved changes is offered, by name, newest first; one
  // is recovered, another discarded. An autosave a running studio holds is not offered.
  void recoveryOffersEveryAutosave() {
    using sf::ui::RecipeDocument;
    QTemporaryDir dir;
    auto crashedEdit = [&](const QString& name, double yaw) {
      sf::Recipe recipe;
      recipe.name = name.toStdString();
      const QString path = dir.filePath(name + ".json");
      sf::saveRecipe(recipe, path.toStdString());
      RecipeDocument crashed;
      [&] { QVERIFY(crashed.open(path).isEmpty()); }();
      [&] { QVERIFY(crashed.setParameter("head.yaw", yaw).isEmpty()); }();
      crashed.autosave();
      return std::make_pair(crashed.autosavePath(), crashed.recipe());
    };
    const auto [older, olderRecipe] = crashedEdit("older", 5);
    QTest::qWait(1100);  // autosaves are ordered by modification time
    const auto [newer, newerRecipe] = crashedEdit("newer", 9);
    RecipeDocument running;
    QVERIFY(running.setParameter("head.yaw", 1).isEmpty());
    running.autosave();
    QVERIFY(QFile::exists(running.autosavePath()));
    QCOMPARE(RecipeDocument::pendingAutosaves(), QStringList({newer, older}));

    MainWindow window;
    prepare(window);
    int offered = 0;
    QString firstOffered;
    QTimer::singleShot(0, [&] {
      auto* dialog = window.findChild<sf::ui::RecoveryDialog*>();
      if (!dialog) {
        return;
      }
      offered = dialog->list()->count();
      firstOffered = dialog->list()->item(0)->text();
      if (const QString shots = qEnvironmentVariable("SF_SCREENSHOT_DIR"); !shots.isEmpty()) {
        dialog->grab().save(shots + "/recovery.png");
      }
      dialog->list()->setCurrentRow(1);
      dialog->discardButton()->click();  // the older one
      dialog->list()->setCurrentRow(0);
      dialog->recoverButton()->click();
    });
    window.offerRecovery();
    QCOMPARE(offered, 2);
    QVERIFY2(firstOffered.startsWith("newer.json, autosaved"), qPrintable(firstOffered));
    QVERIFY(!QFile::exists(older));
    QCOMPARE(window.document()->recipe(), newerRecipe);
    QCOMPARE(window.document()->filePath(), dir.filePath("newer.json"));
    QVERIFY(window.document()->isModified());
    QVERIFY(QFile::exists(running.autosavePath()));
    QTRY_VERIFY_WITH_TIMEOUT(window.faceLoadFinished(), kRenderTimeout);
  }

private:
  QTemporaryDir m_state;
};

int main(int argc, char** argv) {
  qputenv("QT3D_RENDERER", "opengl");
  QApplication app(argc, argv);
  QStandardPaths::setTestModeEnabled(true);  // keep settings out of the user's
  TestStudio test;
  return QTest::qExec(&test, argc, argv);
}

#include "test_studio.moc"
