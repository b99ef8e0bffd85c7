#pragma once

#include "face/face_state.h"
#include "face/head_pose.h"
#include "recipe/recipe.h"

#include <QImage>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QVector>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace sf {
struct ResolvedScene;
}

namespace sf::ui {

/// One pass of a progressive preview: the developed image and its labels.
struct PreviewFrame {
  std::uint64_t index = 0;     ///< the sample shown
  int samplesPerPixel = 0;     ///< of this pass
  int targetSamples = 0;       ///< of the last pass
  bool final = false;          ///< no better pass follows
  double seconds = 0.0;        ///< since the preview was requested
  QImage image;                ///< sRGB
  QImage segmentation;         ///< the label classes in colour, same size, translucent
  QVector<QPointF> landmarks;  ///< the 70 landmarks, pixel coordinates
  QVector<bool> visible;       ///< per landmark
};

/// The studio's path tracer off the GUI thread: small thumbnails of samples for the
/// contact sheet and progressive previews of one sample, both rendered by the same
/// SampleRenderer the batch uses, so a preview at the recipe's resolution and sample count
/// is the dataset's image. One worker thread; a preview goes before thumbnails; a new
/// recipe drops every pending job, and results of an old recipe are never delivered.
/// Renders run at background priority, so they use the cores the GUI leaves idle.
class RenderService : public QObject {
  Q_OBJECT

public:
  explicit RenderService(QObject* parent = nullptr);
  /// Stops after the pass in progress and joins the worker.
  ~RenderService() override;

  /// What to render from now on; relative paths resolve from `baseDir`.
  void setRecipe(const Recipe& recipe, const QString& baseDir);
  /// Replaces pending thumbnails with samples [first, first + count) at `size` pixels.
  void requestThumbnails(std::uint64_t first, int count, int size = 160, int samples = 8);
  /// Replaces a pending preview: sample `index` (its face replaced by `face` and its head
  /// pose and gaze by `pose` when given) at `size` pixels, in passes of increasing samples
  /// per pixel up to `samples`.
  void requestPreview(std::uint64_t index, std::optional<FaceState> face,
                      std::optional<HeadPose> pose, int size, int samples);
  /// Drops a pending preview (a running pass finishes and is not delivered).
  void cancelPreview();
  /// True while jobs are queued or running.
  bool isBusy() const;

  /// One line about a sample for captions: "#000012  smile  yaw 8°".
  static QString caption(const ResolvedScene& scene);

signals:
  void thumbnailReady(quint64 index, const QImage& image, const QString& caption);
  void previewReady(const sf::ui::PreviewFrame& frame);
  /// A job failed: the recipe's model cannot load, a sample cannot render.
  void failed(const QString& message);
  /// Everything queued is done.
  void idle();

private:
  struct Job;
  struct Worker;
  void run();
  void loop();
  void deliver(std::uint64_t generation, std::function<void()> result);

  std::unique_ptr<Worker> m_worker;
  std::uint64_t m_generation = 0;  ///< GUI thread: the recipe results must belong to
};

}  // namespace sf::ui

Q_DECLARE_METATYPE(sf::ui::PreviewFrame)
