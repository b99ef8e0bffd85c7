// Tests of the studio's viewport and main window, under a real X server (Xvfb).

#include "face_dock.h"
#include "main_window.h"
#include "viewport/dressing_entity.h"
#include "viewport/face_entity.h"
#include "viewport/orbit_camera.h"
#include "viewport/viewport_widget.h"

#include <QAction>
#include <QApplication>
#include <QMenuBar>
#include <QScreen>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <QWindow>

#include "recipe/recipe_io.h"

#include <algorithm>

using sf::ui::OrbitCamera;
using sf::ui::ViewportWidget;

namespace {

/// What the viewport shows on screen, read back from the X server. Qt3D draws on demand, so
/// reading the window adds no frames: asking Qt3D for captures draws one frame per capture, and
/// under Xvfb llvmpipe can hang in a long run of them.
QImage capture(ViewportWidget& viewport) {
  QTest::qWait(40);  // let a pending frame reach the screen
  QWindow* window = viewport.renderWindow();
  return window->screen()
      ->grabWindow(window->winId())
      .toImage()
      .convertToFormat(QImage::Format_RGB32);
}

/// Reads the viewport until three pictures in a row are the same: the scene's last change has
/// reached the screen (Qt3D uploads geometry a frame or more after it is set).
QImage settledCapture(ViewportWidget& viewport) {
  QImage last = capture(viewport);
  int same = 0;
  for (int frame = 0; frame < 200 && same < 2; ++frame) {
    const QImage next = capture(viewport);
    same = !next.isNull() && next == last ? same + 1 : 0;
    last = next;
  }
  return same == 2 ? last : QImage();
}

int skinPixels(const QImage& frame, const QRect& region) {
  int skin = 0;
  for (int y = region.top(); y <= region.bottom(); ++y) {
    for (int x = region.left(); x <= region.right(); ++x) {
      const QColor c = frame.pixelColor(x, y);
      if (c != ViewportWidget::backgroundColor() && c.red() > c.green() && c.green() > c.blue()) {
        ++skin;
      }
    }
  }
  return skin;
}

int pixelsUnlike(const QImage& image, QColor color, QRect region) {
  int count = 0;
  for (int y = region.top(); y <= region.bottom(); ++y) {
    for (int x = region.left(); x <= region.right(); ++x) {
      if (image.pixelColor(x, y) != color) {
        ++count;
      }
    }
  }
  return count;
}

bool near(const QVector3D& a, const QVector3D& b) {
  return (a - b).length() < 1e-3f;
}

}  // namespace

class TestViewport : public QObject {
  Q_OBJECT

private slots:
  void namedViewsPlaceTheCamera();
  void panKeepsDistanceAndZoomClamps();
  void viewportDrawsGridOnBackground();
  void mouseDragOrbitsAndWheelZooms();
  void viewMenuFramesTheHead();
  void mainWindowShowsTheFace();
  void faceDockSlidersPoseTheFace();
  void viewportDressesTheSample();
  void screenshotSavesTheWindow();
};

void TestViewport::namedViewsPlaceTheCamera() {
  OrbitCamera camera;
  camera.distance = 1000.0f;
  camera.setView(OrbitCamera::View::Front);
  QVERIFY(near(camera.position(), QVector3D(0, 0, 1000)));
  QVERIFY(near(camera.up(), QVector3D(0, 1, 0)));
  QVERIFY(near(camera.right(), QVector3D(1, 0, 0)));
  // The subject's left is +x: the side view looks at the left cheek.
  camera.setView(OrbitCamera::View::Side);
  QVERIFY(near(camera.position(), QVector3D(1000, 0, 0)));
  camera.setView(OrbitCamera::View::ThreeQuarter);
  QVERIFY(near(camera.position(), QVector3D(707.107f, 0, 707.107f)));
  camera.setView(OrbitCamera::View::Top);
  QVERIFY(camera.position().y() > 999.0f);
  QVERIFY(std::isfinite(camera.up().length()));
}

void TestViewport::panKeepsDistanceAndZoomClamps() {
  OrbitCamera camera;
  camera.setView(OrbitCamera::View::Front);
  const QVector3D before = camera.position();
  camera.pan(100.0f, 0.0f, 800.0f);
  // Dragging right moves the scene right: the target moves to -x, as does the camera.
  QVERIFY(camera.target.x() < 0.0f);
  QVERIFY(near(camera.position() - before, camera.target));
  QCOMPARE(camera.distance, 900.0f);

  camera.zoom(1000.0f);
  QCOMPARE(camera.distance, OrbitCamera::kMinDistance);
  camera.zoom(-1000.0f);
  QCOMPARE(camera.distance, OrbitCamera::kMaxDistance);

  // A full-width drag turns the camera once around; pitch stops short of the pole.
  camera.setView(OrbitCamera::View::Front);
  camera.orbit(400.0f, 0.0f, 800.0f);
  QCOMPARE(std::abs(camera.yawDegrees), 180.0f);
  camera.orbit(0.0f, 10000.0f, 800.0f);
  QCOMPARE(camera.pitchDegrees, OrbitCamera::kMaxPitch);
}

void TestViewport::viewportDrawsGridOnBackground() {
  ViewportWidget viewport;
  viewport.resize(640, 480);
  viewport.show();
  QVERIFY(QTest::qWaitForWindowExposed(&viewport));
  const QImage frame = settledCapture(viewport);
  QVERIFY(!frame.isNull());
  QCOMPARE(frame.size(), viewport.renderWindow()->size() * viewport.devicePixelRatio());

  // Sky: the background colour, exactly. Floor: grid lines.
  const QRect sky(0, 0, frame.width(), frame.height() / 4);
  const QRect floor(0, frame.height() * 3 / 4, frame.width(), frame.height() / 4);
  QCOMPARE(pixelsUnlike(frame, ViewportWidget::backgroundColor(), sky), 0);
  QVERIFY2(pixelsUnlike(frame, ViewportWidget::backgroundColor(), floor) > 500,
           "no grid lines below the horizon");
}

void TestViewport::mouseDragOrbitsAndWheelZooms() {
  ViewportWidget viewport;
  viewport.resize(640, 480);
  viewport.show();
  QVERIFY(QTest::qWaitForWindowExposed(&viewport));
  const QImage before = settledCapture(viewport);
  QSignalSpy changed(&viewport, &ViewportWidget::cameraChanged);

  QWindow* window = viewport.renderWindow();
  const float yaw = viewport.orbitCamera().yawDegrees;
  QTest::mousePress(window, Qt::LeftButton, {}, QPoint(300, 240));
  QTest::mouseMove(window, QPoint(360, 240));
  QTest::mouseRelease(window, Qt::LeftButton, {}, QPoint(360, 240));
  QVERIFY(viewport.orbitCamera().yawDegrees < yaw);
  QVERIFY(changed.count() >= 1);
  const QImage after = settledCapture(viewport);
  QVERIFY2(before != after, "the picture did not change after orbiting");

  const float distance = viewport.orbitCamera().distance;
  QWheelEvent wheel(QPointF(320, 240), QPointF(320, 240), QPoint(), QPoint(0, 120), Qt::NoButton,
                    Qt::NoModifier, Qt::NoScrollPhase, false);
  QCoreApplication::sendEvent(window, &wheel);
  QVERIFY(viewport.orbitCamera().distance < distance);
}

void TestViewport::viewMenuFramesTheHead() {
  sf::ui::MainWindow window;
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QAction* side = nullptr;
  for (QAction* action : window.menuBar()->findChildren<QAction*>()) {
    if (action->text() == "&Side") {
      side = action;
    }
  }
  QVERIFY(side);
  QCOMPARE(side->shortcut(), QKeySequence(Qt::Key_3));
  side->trigger();
  QCOMPARE(window.viewport()->orbitCamera().yawDegrees, 90.0f);
}

void TestViewport::mainWindowShowsTheFace() {
  sf::ui::MainWindow window;
  window.resize(1024, 700);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  // The first run builds the head (seconds); later runs read it from the cache.
  QTRY_VERIFY_WITH_TIMEOUT(window.faceLoadFinished(), 240000);
  QVERIFY(window.faceEntity()->triangleCount() > 20000);

  // The middle of the viewport is the face: skin-toned (red over green over blue), not the
  // background; the top corners are still sky.
  // The face reaches the picture a few frames after it loads.
  QImage frame;
  int skin = 0;
  QRect face;
  auto showsSkin = [&] {
    frame = capture(*window.viewport());
    face = QRect(frame.width() / 2 - 30, frame.height() / 2 - 30, 60, 60);
    skin = frame.isNull() ? 0 : skinPixels(frame, face);
    return skin > face.width() * face.height() / 2;
  };
  QVERIFY2(QTest::qWaitFor(showsSkin, 20000),
           qPrintable(QString("only %1 skin pixels in the middle").arg(skin)));
  QCOMPARE(frame.pixelColor(2, 2), ViewportWidget::backgroundColor());
}

void TestViewport::faceDockSlidersPoseTheFace() {
  sf::ui::MainWindow window;
  window.resize(1280, 800);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QTRY_VERIFY_WITH_TIMEOUT(window.faceLoadFinished(), 240000);
  // The face alone: its sample's hair, arriving late, would change the pictures compared.
  window.dressingAction()->setChecked(false);
  sf::ui::FaceDock* dock = window.faceDock();
  QVERIFY(dock->isEnabled());
  QSlider* jaw = dock->slider("jawOpen");
  QSlider* nose = dock->slider("nose_width");
  QVERIFY(jaw && nose);
  QCOMPARE(nose->minimum(), -300);  // +-3 standard deviations
  // The window opens on sample 0's face; start from the template.
  dock->reset();
  const QImage before = settledCapture(*window.viewport());

  // Keyboard input on the slider: End opens the jaw fully.
  QSignalSpy changed(dock, &sf::ui::FaceDock::faceStateChanged);
  jaw->setFocus();
  QTest::keyClick(jaw, Qt::Key_End);
  QCOMPARE(jaw->value(), jaw->maximum());
  QVERIFY(changed.count() >= 1);
  const auto jawIndex = static_cast<std::size_t>(std::distance(
      dock->faceState().expression.begin(),
      std::max_element(dock->faceState().expression.begin(), dock->faceState().expression.end())));
  QCOMPARE(dock->faceState().expression[jawIndex], 1.0f);
  QVERIFY(!before.isNull());
  QVERIFY2(QTest::qWaitFor([&] { return capture(*window.viewport()) != before; }, 10000),
           "opening the jaw did not change the picture");

  // Search narrows the sliders to matching names or groups.
  dock->setFilter("nose");
  QVERIFY(nose->isVisibleTo(dock));
  QVERIFY(!jaw->isVisibleTo(dock));
  dock->setFilter(QString());
  QVERIFY(jaw->isVisibleTo(dock));

  // Reset gives the template back, sliders and picture.
  dock->reset();
  QCOMPARE(jaw->value(), 0);
  QVERIFY(std::all_of(dock->faceState().expression.begin(), dock->faceState().expression.end(),
                      [](float w) { return w == 0.0f; }));
  // The face is re-evaluated off the GUI thread: the picture comes back within a few frames.
  // qWaitFor stops at the match; QTRY_VERIFY would read the window once more, and a frame in
  // between may differ.
  QVERIFY(QTest::qWaitFor([&] { return capture(*window.viewport()) == before; }, 20000));

  // Randomize moves identity sliders.
  dock->randomize();
  QVERIFY(std::any_of(dock->faceState().identity.begin(), dock->faceState().identity.end(),
                      [](float c) { return c != 0.0f; }));
}

// The viewport shows the sample as the renderer dresses it: its hair as strands, what it
// wears as meshes, its skin in its tone; View > Hair and Assets hides them.
void TestViewport::viewportDressesTheSample() {
  QTemporaryDir dir;
  auto writeRecipe = [&](const QString& name, const std::string& tone) {
    const sf::RecipeParse parse =
        sf::readRecipe(std::filesystem::path(SF_SOURCE_DIR) / "resources/recipes/default.json",
                       {"hair.present=true", "hair.groom=builtin/hair/bob", "eyewear.present=true",
                        "eyewear.item=builtin/eyewear/round", "clothing.present=true",
                        "clothing.item=builtin/clothing/turtleneck", "headwear.present=false",
                        "facewear.present=false", "beard.present=false", "skin.tone=" + tone});
    const QString path = dir.filePath(name);
    sf::saveRecipe(parse.recipe, path.toStdString());
    return path;
  };
  sf::ui::MainWindow window;
  window.resize(1280, 800);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QSignalSpy shown(&window, &sf::ui::MainWindow::dressingShown);
  QVERIFY(window.openRecipe(writeRecipe("light.json", "0.1")));
  QTRY_VERIFY_WITH_TIMEOUT(window.faceLoadFinished(), 240000);
  window.dressingAction()->setChecked(true);
  sf::ui::DressingEntity& dressing = *window.dressingEntity();
  const std::vector<std::string>& names = dressing.meshNames();
  auto shows = [&](const char* part) {
    return std::find(names.begin(), names.end(), part) != names.end();
  };
  // The default recipe's sample shows first; this recipe's follows.
  QTRY_VERIFY_WITH_TIMEOUT(shows("eyewear_lenses"), 60000);
  QCOMPARE(shown.last().at(0).toString(), QString());
  QVERIFY(shows("clothing"));
  // A bob has tens of thousands of hairs; brows and lashes add theirs.
  QVERIFY2(dressing.segmentCount() > 20000, qPrintable(QString::number(dressing.segmentCount())));
  QVERIFY(dressing.triangleCount() > 1000);
  const QColor light = window.faceEntity()->colors().skin;
  // The scalp under a bob takes the hair's colour.
  QVERIFY(window.faceEntity()->colors().scalp != light);
  const QImage dressed = settledCapture(*window.viewport());
  QVERIFY(!dressed.isNull());
  if (const QString shots = qEnvironmentVariable("SF_SCREENSHOT_DIR"); !shots.isEmpty()) {
    QVERIFY(dressed.save(shots + "/viewport-dressed.png"));
  }

  // Hidden: the face alone, in the default colours.
  shown.clear();
  window.dressingAction()->trigger();
  QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 60000);
  QCOMPARE(dressing.segmentCount(), 0);
  QCOMPARE(dressing.triangleCount(), 0);
  const QImage bare = settledCapture(*window.viewport());
  QVERIFY(!bare.isNull());
  // The hair and the turtleneck cover a good share of the picture.
  const QRect all(0, 0, bare.width(), bare.height());
  int changed = 0;
  for (int y = 0; y < bare.height(); ++y) {
    for (int x = 0; x < bare.width(); ++x) {
      changed += dressed.pixel(x, y) != bare.pixel(x, y) ? 1 : 0;
    }
  }
  QVERIFY2(changed > all.width() * all.height() / 20, qPrintable(QString::number(changed)));

  // A darker skin tone shows darker.
  shown.clear();
  window.dressingAction()->trigger();
  QVERIFY(window.openRecipe(writeRecipe("dark.json", "0.9")));
  QTRY_VERIFY_WITH_TIMEOUT(
      window.faceLoadFinished() && !shown.isEmpty() && window.faceEntity()->colors().skin != light,
      240000);
  QVERIFY(window.faceEntity()->colors().skin.lightness() < light.lightness() - 40);
}

void TestViewport::screenshotSavesTheWindow() {
  QTemporaryDir dir;
  const QString path = dir.filePath("shot.png");
  sf::ui::MainWindow window;
  window.resize(1024, 700);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QString error = "pending";
  window.saveScreenshot(path, [&](const QString& result) { error = result; });
  // The screenshot waits for the face, which the first run builds.
  QTRY_VERIFY_WITH_TIMEOUT(error != "pending", 240000);
  QCOMPARE(error, QString());
  // ... and for the sample's hair, brows and lashes, with View > Hair and Assets on.
  QVERIFY(window.dressingAction()->isChecked());
  QVERIFY2(window.dressingEntity()->segmentCount() > 1000,
           qPrintable(QString::number(window.dressingEntity()->segmentCount())));

  const QImage shot(path);
  QCOMPARE(shot.size(), window.size());
  // The viewport's sky shows in the window's upper middle, the menu bar above it does not.
  const QPoint sky = window.viewport()->mapTo(&window, QPoint(window.viewport()->width() / 2, 10));
  QCOMPARE(shot.pixelColor(sky), ViewportWidget::backgroundColor());
  QVERIFY(shot.pixelColor(5, 5) != ViewportWidget::backgroundColor());

  // A folder that does not exist gives an error naming the file, not a crash.
  const QString bad = dir.filePath("missing/shot.png");
  error = "pending";
  window.saveScreenshot(bad, [&](const QString& result) { error = result; });
  QTRY_VERIFY_WITH_TIMEOUT(error != "pending", 20000);
  QVERIFY2(error.startsWith(bad), qPrintable(error));
}

int main(int argc, char** argv) {
  qputenv("QT3D_RENDERER", "opengl");
  QApplication app(argc, argv);
  QStandardPaths::setTestModeEnabled(true);  // keep settings out of the user's
  TestViewport test;
  return QTest::qExec(&test, argc, argv);
}

#include "test_viewport.moc"
