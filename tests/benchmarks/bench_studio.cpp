// Studio responsiveness: how long one slider step takes to reach the screen. Not a test:
// run it by hand on the display you care about, for example software OpenGL under Xvfb:
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" build/dev/tests/bench_studio
//
// Each step moves a slider (which poses the face and uploads its vertices) and waits for the
// viewport to render a frame and hand it back, at 1280x800: first the face alone, then
// with the sample's hair and clothes shown (View > Hair and Assets).

#include "face_dock.h"
#include "main_window.h"
#include "viewport/viewport_widget.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QSlider>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

/// Waits until the viewport has rendered a frame; false after 20 s.
bool waitForFrame(sf::ui::ViewportWidget& viewport) {
  bool done = false;
  viewport.captureFrame([&](const QImage&) { done = true; });
  return QTest::qWaitFor([&] { return done; }, 20000);
}

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT3D_RENDERER", "opengl");
  QApplication app(argc, argv);
  sf::ui::MainWindow window;
  window.resize(1280, 800);
  window.show();
  if (!QTest::qWaitForWindowExposed(&window) ||
      !QTest::qWaitFor([&] { return window.faceLoadFinished(); }, 300000)) {
    std::fprintf(stderr, "bench_studio: the window or the face did not appear\n");
    return 1;
  }
  sf::ui::ViewportWidget& viewport = *window.viewport();
  for (const bool dressed : {false, true}) {
    std::printf("%s\n", dressed ? "with hair and assets:" : "face alone:");
    if (window.dressingAction()->isChecked() != dressed) {
      bool shown = false;
      QObject::connect(&window, &sf::ui::MainWindow::dressingShown, [&] { shown = true; });
      window.dressingAction()->trigger();
      if (!QTest::qWaitFor([&] { return shown; }, 60000)) {
        std::fprintf(stderr, "bench_studio: the hair and assets did not show\n");
        return 1;
      }
    }
    waitForFrame(viewport);
    waitForFrame(viewport);

    // A frame with nothing changed: the renderer's own cost (and the read-back's).
    {
      std::vector<double> frames;
      for (int i = 0; i < 20; ++i) {
        QElapsedTimer timer;
        timer.start();
        waitForFrame(viewport);
        frames.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
      }
      std::sort(frames.begin(), frames.end());
      std::printf("%-16s frame alone: median %.1f ms (20 frames)\n", "(no change)",
                  frames[frames.size() / 2]);
    }
    // Posing and uploading alone, without waiting for a frame.
    {
      QSlider* slider = window.faceDock()->slider("jawOpen");
      QElapsedTimer timer;
      timer.start();
      for (int i = 0; i < 20; ++i) {
        slider->setValue(i % 2 == 0 ? slider->maximum() : slider->minimum());
      }
      std::printf("%-16s pose + upload: %.1f ms per step (20 steps)\n", "jawOpen",
                  static_cast<double>(timer.nsecsElapsed()) / 1e6 / 20.0);
    }
    for (const char* name : {"jawOpen", "nose_width", "mouthSmileLeft"}) {
      QSlider* slider = window.faceDock()->slider(name);
      if (!slider) {
        std::fprintf(stderr, "bench_studio: no slider %s\n", name);
        return 1;
      }
      std::vector<double> steps;
      for (int i = 0; i < 40; ++i) {
        QElapsedTimer timer;
        timer.start();
        slider->setValue(slider->minimum() +
                         (i % 20 + 1) * (slider->maximum() - slider->minimum()) / 20);
        if (!waitForFrame(viewport)) {
          std::fprintf(stderr, "bench_studio: no frame after a slider step\n");
          return 1;
        }
        steps.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
      }
      std::sort(steps.begin(), steps.end());
      std::printf(
          "%-16s slider step to frame: median %.1f ms, 90%% %.1f ms, max %.1f ms (%zu steps, "
          "1280x800)\n",
          name, steps[steps.size() / 2], steps[steps.size() * 9 / 10], steps.back(), steps.size());
    }
  }
  return 0;
}
