// oneTBB before Qt: its profiling header names a function `emit`, a Qt macro.
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_scheduler_observer.h>

#include "render_service.h"

#include "label_colors.h"

#include "batch/sample_renderer.h"
#include "render/image.h"
#include "scene/resolved_scene.h"
#include "scene/scene_context.h"
#include "util/error.h"

#include <QColor>
#include <QMetaObject>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>
#include <vector>

namespace sf::ui {

namespace {

/// The passes of a progressive preview: each four times the last, ending at `samples`.
std::vector<int> previewPasses(int samples) {
  std::vector<int> passes;
  for (int spp = 2; spp < samples; spp *= 4) {
    passes.push_back(spp);
  }
  passes.push_back(std::max(samples, 1));
  return passes;
}

QImage toQImage(const Image& image) {
  const std::vector<std::uint8_t> bytes = toSrgb8(image);
  QImage out(image.width, image.height, QImage::Format_RGB888);
  const int channels = image.channels;
  for (int y = 0; y < image.height; ++y) {
    uchar* row = out.scanLine(y);
    for (int x = 0; x < image.width; ++x) {
      const std::size_t i =
          (std::size_t(y) * std::size_t(image.width) + std::size_t(x)) * std::size_t(channels);
      for (int c = 0; c < 3; ++c) {
        row[x * 3 + c] = bytes[i + std::size_t(std::min(c, channels - 1))];
      }
    }
  }
  return out;
}

QImage segmentationImage(const LabelBuffers& labels) {
  QImage out(labels.width, labels.height, QImage::Format_ARGB32);
  for (int y = 0; y < labels.height; ++y) {
    auto* row = reinterpret_cast<QRgb*>(out.scanLine(y));
    for (int x = 0; x < labels.width; ++x) {
      row[x] =
          labelColor(labels.classes[std::size_t(y) * std::size_t(labels.width) + std::size_t(x)])
              .rgba();
    }
  }
  return out;
}

/// Lowers the calling thread's scheduling priority (nice 10): background renders take
/// the cores the GUI and its software OpenGL leave idle, and never slow a slider drag.
void lowerThisThread() {
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
}

/// Lowers every thread that enters the renders' arena.
class BackgroundPriority : public tbb::task_scheduler_observer {
public:
  explicit BackgroundPriority(tbb::task_arena& arena) : tbb::task_scheduler_observer(arena) {
    observe(true);
  }
  ~BackgroundPriority() override { observe(false); }
  void on_scheduler_entry(bool) override { lowerThisThread(); }
};

}  // namespace

struct RenderService::Job {
  enum class Kind { Thumbnail, Preview } kind = Kind::Thumbnail;
  std::uint64_t index = 0;
  int size = 160;
  int samples = 8;
  std::optional<FaceState> face;
  std::optional<HeadPose> pose;
  std::vector<int> passes;  ///< previews: samples per pass
  std::size_t nextPass = 0;
  std::chrono::steady_clock::time_point requested;
};

struct RenderService::Worker {
  std::mutex mutex;
  std::condition_variable wake;
  bool stop = false;
  bool running = false;
  std::uint64_t generation = 0;
  Recipe recipe;
  std::string baseDir;
  bool hasRecipe = false;
  std::optional<Job> preview;
  std::deque<Job> thumbnails;
  std::thread thread;
  tbb::task_arena arena;  ///< the renders' threads, at background priority
  BackgroundPriority priority{arena};

  // Owned by the worker thread: the model and geometry loaded for a (model, folder), and
  // the scene context of the recipe of `contextGeneration`.
  std::optional<SampleRenderer> base;
  std::string baseKey;
  std::optional<SceneContext> context;
  std::uint64_t contextGeneration = ~std::uint64_t{0};
};

RenderService::RenderService(QObject* parent) : QObject(parent), m_worker(new Worker) {
  qRegisterMetaType<PreviewFrame>();
  m_worker->thread = std::thread([this] { run(); });
}

RenderService::~RenderService() {
  {
    const std::lock_guard lock(m_worker->mutex);
    m_worker->stop = true;
  }
  m_worker->wake.notify_all();
  m_worker->thread.join();
}

void RenderService::setRecipe(const Recipe& recipe, const QString& baseDir) {
  ++m_generation;
  {
    const std::lock_guard lock(m_worker->mutex);
    m_worker->generation = m_generation;
    m_worker->recipe = recipe;
    m_worker->baseDir = baseDir.toStdString();
    m_worker->hasRecipe = true;
    m_worker->preview.reset();
    m_worker->thumbnails.clear();
  }
  m_worker->wake.notify_all();
}

void RenderService::requestThumbnails(std::uint64_t first, int count, int size, int samples) {
  {
    const std::lock_guard lock(m_worker->mutex);
    m_worker->thumbnails.clear();
    for (int i = 0; i < count; ++i) {
      Job job;
      job.index = first + std::uint64_t(i);
      job.size = size;
      job.samples = samples;
      m_worker->thumbnails.push_back(std::move(job));
    }
  }
  m_worker->wake.notify_all();
}

void RenderService::requestPreview(std::uint64_t index, std::optional<FaceState> face,
                                   std::optional<HeadPose> pose, int size, int samples) {
  {
    const std::lock_guard lock(m_worker->mutex);
    Job job;
    job.kind = Job::Kind::Preview;
    job.index = index;
    job.size = size;
    job.samples = samples;
    job.face = std::move(face);
    job.pose = pose;
    job.passes = previewPasses(samples);
    job.requested = std::chrono::steady_clock::now();
    m_worker->preview = std::move(job);
  }
  m_worker->wake.notify_all();
}

void RenderService::cancelPreview() {
  const std::lock_guard lock(m_worker->mutex);
  m_worker->preview.reset();
}

bool RenderService::isBusy() const {
  const std::lock_guard lock(m_worker->mutex);
  return m_worker->running || m_worker->preview || !m_worker->thumbnails.empty();
}

void RenderService::deliver(std::uint64_t generation, std::function<void()> result) {
  // Runs on the GUI thread; a result of an older recipe is dropped there.
  QMetaObject::invokeMethod(
      this,
      [this, generation, result = std::move(result)] {
        if (generation == m_generation) {
          result();
        }
      },
      Qt::QueuedConnection);
}

void RenderService::run() {
  lowerThisThread();
  m_worker->arena.execute([this] { loop(); });
}

void RenderService::loop() {
  Worker& w = *m_worker;
  for (;;) {
    Job job;
    Recipe recipe;
    std::string baseDir;
    std::uint64_t generation = 0;
    bool last = false;
    {
      std::unique_lock lock(w.mutex);
      if (w.running) {
        w.running = false;
        if (!w.preview && w.thumbnails.empty()) {
          deliver(w.generation, [this] { emit idle(); });
        }
      }
      w.wake.wait(lock,
                  [&] { return w.stop || (w.hasRecipe && (w.preview || !w.thumbnails.empty())); });
      if (w.stop) {
        return;
      }
      // A preview goes first, one pass at a time, so a newer request can replace it.
      if (w.preview) {
        job = *w.preview;
        last = ++w.preview->nextPass >= w.preview->passes.size();
        if (last) {
          w.preview.reset();
        }
      } else {
        job = std::move(w.thumbnails.front());
        w.thumbnails.pop_front();
      }
      recipe = w.recipe;
      baseDir = w.baseDir;
      generation = w.generation;
      w.running = true;
    }

    try {
      // The model and its subdivision load once per (model, folder); the rest per recipe.
      const std::string key = recipe.model + "\n" + baseDir;
      if (!w.base || key != w.baseKey) {
        w.base.reset();
        w.context.reset();
        const SceneContext context = loadSceneContext(recipe, baseDir);
        w.base = SampleRenderer::create(recipe, context, baseDir);
        w.baseKey = key;
        w.context = context;
        w.contextGeneration = generation;
      } else if (w.contextGeneration != generation) {
        w.context = loadSceneContext(recipe, baseDir);
        w.contextGeneration = generation;
      }
      RenderOverrides overrides;
      overrides.resolution = job.size;
      if (job.kind == Job::Kind::Thumbnail) {
        overrides.samplesPerPixel = job.samples;
        const SampleRenderer renderer = w.base->rebind(recipe, *w.context, overrides);
        const RenderedSample sample = renderer.render(job.index);
        const QImage image = toQImage(sample.image);
        const QString text = caption(sample.scene);
        const std::uint64_t index = job.index;
        deliver(generation,
                [this, index, image, text] { emit thumbnailReady(index, image, text); });
      } else {
        const int spp = job.passes[job.nextPass];
        overrides.samplesPerPixel = spp;
        const SampleRenderer renderer = w.base->rebind(recipe, *w.context, overrides);
        ResolvedScene scene = renderer.compiler().compile(job.index);
        if (job.face) {
          scene.setFace(renderer.model(), *job.face);
        }
        if (job.pose) {
          scene.setHeadPose(*job.pose);
        }
        const RenderedSample sample = renderer.renderScene(std::move(scene));
        PreviewFrame frame;
        frame.index = job.index;
        frame.samplesPerPixel = spp;
        frame.targetSamples = job.passes.back();
        frame.final = last;
        frame.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - job.requested).count();
        frame.image = toQImage(sample.image);
        frame.segmentation = segmentationImage(sample.labels);
        for (const ProjectedPoint& point : sample.landmarks) {
          frame.landmarks.append(QPointF(point.pixel.x(), point.pixel.y()));
          frame.visible.append(point.visible);
        }
        deliver(generation, [this, frame] { emit previewReady(frame); });
      }
    } catch (const std::exception& error) {
      if (job.kind == Job::Kind::Preview) {
        const std::lock_guard lock(w.mutex);
        w.preview.reset();
      } else {
        // One message for the sheet, not one per thumbnail.
        const std::lock_guard lock(w.mutex);
        w.thumbnails.clear();
      }
      const QString message = QString::fromStdString(error.what());
      deliver(generation, [this, message] { emit failed(message); });
    }
  }
}

QString RenderService::caption(const ResolvedScene& scene) {
  QString text = QStringLiteral("#%1").arg(QString::fromStdString(sampleId(scene.index)));
  const auto neutral = scene.parameters.find("expression.neutral");
  const auto preset = scene.parameters.find("expression.preset");
  if (neutral != scene.parameters.end() && std::holds_alternative<bool>(neutral->second) &&
      std::get<bool>(neutral->second)) {
    text += QStringLiteral("  neutral");
  } else if (preset != scene.parameters.end() &&
             std::holds_alternative<std::string>(preset->second)) {
    text += QStringLiteral("  ") + QString::fromStdString(std::get<std::string>(preset->second));
  }
  const auto yaw = scene.parameters.find("camera.yaw");
  if (yaw != scene.parameters.end() && std::holds_alternative<double>(yaw->second)) {
    text += QStringLiteral("  yaw %1°").arg(std::lround(std::get<double>(yaw->second)));
  }
  return text;
}

}  // namespace sf::ui
