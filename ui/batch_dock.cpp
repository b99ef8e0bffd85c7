#include "batch_dock.h"

#include "document/recipe_document.h"

#include "recipe/parameter_paths.h"
#include "scene/scene_context.h"
#include "scene/scene_validation.h"
#include "util/diagnostic.h"
#include "util/error.h"

#include <oneapi/tbb/global_control.h>

#include <QCheckBox>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <utility>

namespace sf::ui {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxCount = 100000000;       // as `synthface render --count`
constexpr int kResolutionFromRecipe = 15;  // one below the smallest resolution
constexpr int kSppFromRecipe = 0;
constexpr int kPreviewSize = 192;
/// Marker checks per refresh: enough for any dataset a user watches grow in the studio.
constexpr std::uint64_t kMaxMarkerChecks = 100000;

/// "1h02m", "3m05s", "12s": as the CLI prints durations.
QString duration(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) {
    return QStringLiteral("%1h%2m").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
  }
  if (s >= 60) {
    return QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
  }
  return QStringLiteral("%1s").arg(s);
}

/// "2.4 s/image" for slow renders, "35 images/min" for fast ones.
QString rate(double secondsPerImage) {
  if (secondsPerImage >= 1.0) {
    return BatchDock::tr("%1 s/image").arg(secondsPerImage, 0, 'f', 1);
  }
  return BatchDock::tr("%1 images/min").arg(60.0 / std::max(secondsPerImage, 1e-3), 0, 'f', 0);
}

/// A recipe's integer setting as text ("512"), or empty when it is drawn from a distribution.
QString recipeInteger(const Recipe& recipe, const std::string& path) {
  const auto found = recipe.parameters.find(path);
  nlohmann::json value =
      found != recipe.parameters.end() ? found->second : defaultDistribution(path);
  if (value.is_object() && value.value("type", "") == "constant" && value.contains("value")) {
    value = value["value"];
  }
  return value.is_number() ? QString::number(value.get<long long>()) : QString();
}

/// A folder name made of a recipe name: letters, digits, '.', '-' and '_'.
QString folderName(const std::string& name) {
  QString text = QString::fromStdString(name).trimmed();
  for (QChar& c : text) {
    if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('.')) {
      c = QLatin1Char('_');
    }
  }
  return text.isEmpty() || text.startsWith(QLatin1Char('.')) ? QStringLiteral("dataset") : text;
}

fs::path toPath(const QString& path) {
  return fs::path(QFile::encodeName(path).toStdString());
}

}  // namespace

struct BatchDock::RunSettings {
  Recipe recipe;
  fs::path baseDir;
  std::string recipeFile;  ///< names the recipe in errors
  BatchOptions options;
  RenderOverrides overrides;
  int threads = 0;  ///< 0: all cores
};

BatchDock::BatchDock(RecipeDocument* document, QWidget* parent)
    : QDockWidget(tr("Batch"), parent), m_document(document) {
  setObjectName(QStringLiteral("batchDock"));
  buildUi();

  QStringList available;
  for (const auto& [name, description] : DatasetWriterRegistry::instance().formats()) {
    available.append(QString::fromStdString(name));
  }
  setFormats(available, {QStringLiteral("facesynthetics")});

  connect(m_document, &RecipeDocument::changed, this, &BatchDock::followDocument);
  connect(m_document, &RecipeDocument::fileStateChanged, this, &BatchDock::updateDefaultFolder);
  followDocument({QStringLiteral("*")});
  refreshFolderState();
}

BatchDock::~BatchDock() {
  cancelAndWait();
}

void BatchDock::buildUi() {
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  auto* content = new QWidget(scroll);
  auto* layout = new QVBoxLayout(content);

  // What to render, and where.
  auto* form = new QFormLayout();
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto* folderRow = new QHBoxLayout();
  m_folder = new QLineEdit(content);
  m_folder->setObjectName(QStringLiteral("outputFolder"));
  m_folder->setPlaceholderText(tr("Folder for the dataset"));
  m_folder->setToolTip(
      tr("The dataset folder, created if missing. A relative path starts at the recipe's "
         "folder."));
  m_browse = new QPushButton(tr("Browse..."), content);
  m_browse->setToolTip(tr("Choose the dataset folder"));
  folderRow->addWidget(m_folder, 1);
  folderRow->addWidget(m_browse);
  auto* folderLabel = new QLabel(tr("Output &folder:"), content);
  folderLabel->setBuddy(m_folder);
  form->addRow(folderLabel, folderRow);

  m_count = new QSpinBox(content);
  m_count->setObjectName(QStringLiteral("count"));
  m_count->setRange(1, kMaxCount);
  m_count->setToolTip(tr("How many images the dataset has (the recipe's samples by default)"));
  form->addRow(tr("&Count:"), m_count);

  m_startIndex = new QSpinBox(content);
  m_startIndex->setObjectName(QStringLiteral("startIndex"));
  m_startIndex->setRange(0, std::numeric_limits<int>::max());
  m_startIndex->setToolTip(
      tr("The first sample index: sample i is the same image wherever "
         "and whenever it is rendered"));
  form->addRow(tr("First &index:"), m_startIndex);

  m_threads = new QSpinBox(content);
  m_threads->setObjectName(QStringLiteral("threads"));
  m_threads->setRange(0, 1024);
  m_threads->setSpecialValueText(
      tr("All cores (%1)").arg(std::max(1u, std::thread::hardware_concurrency())));
  m_threads->setToolTip(tr("Worker threads for rendering"));
  form->addRow(tr("&Threads:"), m_threads);

  m_resolution = new QSpinBox(content);
  m_resolution->setObjectName(QStringLiteral("resolution"));
  m_resolution->setRange(kResolutionFromRecipe, 16384);
  m_resolution->setSuffix(tr(" px"));
  m_resolution->setToolTip(
      tr("Overrides render.resolution for this run (the CLI's --resolution); at its lowest "
         "it keeps the recipe's"));
  form->addRow(tr("&Resolution:"), m_resolution);

  m_samplesPerPixel = new QSpinBox(content);
  m_samplesPerPixel->setObjectName(QStringLiteral("samplesPerPixel"));
  m_samplesPerPixel->setRange(kSppFromRecipe, 65536);
  m_samplesPerPixel->setToolTip(
      tr("Overrides render.samples for this run (the CLI's --spp); at its lowest it keeps "
         "the recipe's"));
  form->addRow(tr("Samples per &pixel:"), m_samplesPerPixel);

  auto* formats = new QWidget(content);
  m_formatsLayout = new QGridLayout(formats);
  m_formatsLayout->setContentsMargins(0, 0, 0, 0);
  form->addRow(tr("Formats:"), formats);

  m_resume = new QCheckBox(tr("Skip complete samples"), content);
  m_resume->setObjectName(QStringLiteral("resume"));
  m_resume->setChecked(true);
  m_resume->setToolTip(
      tr("Resume: keep the samples the folder already has (the CLI's --resume). Unchecked, "
         "every sample is rendered again."));
  form->addRow(tr("Resume:"), m_resume);
  layout->addLayout(form);
  m_settingsWidgets = {m_folder,     m_browse, m_count,  m_startIndex,     m_threads,
                       m_resolution, formats,  m_resume, m_samplesPerPixel};

  // Start, Cancel, Open.
  auto* buttons = new QHBoxLayout();
  m_start = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Start"), content);
  m_start->setObjectName(QStringLiteral("start"));
  m_cancelButton =
      new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Cancel"), content);
  m_cancelButton->setObjectName(QStringLiteral("cancel"));
  m_cancelButton->setToolTip(tr("Stop after the image being rendered"));
  m_openFolder =
      new QPushButton(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("&Open Folder"), content);
  m_openFolder->setObjectName(QStringLiteral("openFolder"));
  m_openFolder->setToolTip(tr("Show the output folder in the file manager"));
  buttons->addWidget(m_start);
  buttons->addWidget(m_cancelButton);
  buttons->addStretch(1);
  buttons->addWidget(m_openFolder);
  layout->addLayout(buttons);

  // How it goes.
  m_progress = new QProgressBar(content);
  m_progress->setRange(0, 1);
  m_progress->setValue(0);
  m_progress->setFormat(tr("%v of %m"));
  layout->addWidget(m_progress);
  m_status = new QLabel(content);
  m_status->setWordWrap(true);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(m_status);
  m_failures = new QLabel(content);
  m_failures->setWordWrap(true);
  m_failures->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_failures->setStyleSheet(QStringLiteral("color: #b35900;"));
  m_failures->hide();
  layout->addWidget(m_failures);
  m_message = new QLabel(content);
  m_message->setObjectName(QStringLiteral("message"));
  m_message->setWordWrap(true);
  m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_message->setStyleSheet(QStringLiteral("color: #c0392b;"));
  m_message->hide();
  layout->addWidget(m_message);

  auto* lastGroup = new QGroupBox(tr("Last image"), content);
  auto* lastLayout = new QVBoxLayout(lastGroup);
  m_lastImage = new QLabel(tr("No image yet"), lastGroup);
  m_lastImage->setObjectName(QStringLiteral("lastImage"));
  m_lastImage->setFixedSize(kPreviewSize, kPreviewSize);
  m_lastImage->setAlignment(Qt::AlignCenter);
  m_lastImage->setFrameShape(QFrame::StyledPanel);
  m_lastImage->setEnabled(false);
  m_lastCaption = new QLabel(lastGroup);
  m_lastCaption->setAlignment(Qt::AlignCenter);
  lastLayout->addWidget(m_lastImage, 0, Qt::AlignHCenter);
  lastLayout->addWidget(m_lastCaption);
  layout->addWidget(lastGroup);
  layout->addStretch(1);

  scroll->setWidget(content);
  content->setMinimumWidth(300);
  setWidget(scroll);

  m_refreshTimer = new QTimer(this);
  m_refreshTimer->setSingleShot(true);
  m_refreshTimer->setInterval(250);
  connect(m_refreshTimer, &QTimer::timeout, this, &BatchDock::refreshFolderState);

  connect(m_folder, &QLineEdit::textEdited, this, [this] { m_folderEdited = true; });
  connect(m_folder, &QLineEdit::textChanged, this, [this] {
    updateButtons();
    m_refreshTimer->start();
  });
  connect(m_count, &QSpinBox::valueChanged, this, [this] {
    if (!m_syncing) {
      m_countEdited = true;
    }
    m_refreshTimer->start();
  });
  connect(m_startIndex, &QSpinBox::valueChanged, this, [this] { m_refreshTimer->start(); });
  connect(m_resume, &QCheckBox::toggled, this, &BatchDock::updateButtons);
  connect(m_browse, &QPushButton::clicked, this, &BatchDock::browse);
  connect(m_start, &QPushButton::clicked, this, &BatchDock::start);
  connect(m_cancelButton, &QPushButton::clicked, this, &BatchDock::cancel);
  connect(m_openFolder, &QPushButton::clicked, this, &BatchDock::openFolder);
}

void BatchDock::setFormats(const QStringList& available, const QStringList& checked) {
  for (QCheckBox* box : m_formats) {
    delete box;
  }
  m_formats.clear();
  std::map<std::string, std::string> descriptions;
  for (const auto& [name, description] : DatasetWriterRegistry::instance().formats()) {
    descriptions[name] = description;
  }
  for (const QString& name : available) {
    auto* box = new QCheckBox(name, m_formatsLayout->parentWidget());
    box->setObjectName(QStringLiteral("format_") + name);
    box->setChecked(checked.contains(name));
    const auto found = descriptions.find(name.toStdString());
    box->setToolTip(found != descriptions.end() ? QString::fromStdString(found->second) : name);
    const int index = static_cast<int>(m_formats.size());
    m_formatsLayout->addWidget(box, index / 2, index % 2);
    connect(box, &QCheckBox::toggled, this, &BatchDock::updateButtons);
    m_formats.push_back(box);
  }
  updateButtons();
}

QStringList BatchDock::availableFormats() const {
  QStringList names;
  for (const QCheckBox* box : m_formats) {
    names.append(box->text());
  }
  return names;
}

QStringList BatchDock::checkedFormats() const {
  QStringList names;
  for (const QCheckBox* box : m_formats) {
    if (box->isChecked()) {
      names.append(box->text());
    }
  }
  return names;
}

QCheckBox* BatchDock::formatCheckBox(const QString& name) const {
  for (QCheckBox* box : m_formats) {
    if (box->text() == name) {
      return box;
    }
  }
  return nullptr;
}

QString BatchDock::outputFolder() const {
  return m_folder->text();
}

void BatchDock::setOutputFolder(const QString& folder) {
  m_folderEdited = true;
  m_folder->setText(folder);
}

QString BatchDock::outputDirectory() const {
  QString text = m_folder->text().trimmed();
  if (text.isEmpty()) {
    return {};
  }
  if (text == QLatin1String("~") || text.startsWith(QLatin1String("~/"))) {
    text = QDir::homePath() + text.mid(1);
  }
  if (QDir::isRelativePath(text)) {
    text = QDir(m_document->baseDir()).absoluteFilePath(text);
  }
  return QDir::cleanPath(text);
}

void BatchDock::followDocument(const QStringList& paths) {
  const Recipe& recipe = m_document->recipe();
  const bool all = paths.contains(QStringLiteral("*"));
  if ((all || paths.contains(QStringLiteral("samples"))) && !m_countEdited) {
    m_syncing = true;
    m_count->setValue(static_cast<int>(std::clamp<std::uint64_t>(recipe.samples, 1, kMaxCount)));
    m_syncing = false;
  }
  if (all || paths.contains(QStringLiteral("name"))) {
    updateDefaultFolder();
  }
  if (all || paths.contains(QStringLiteral("render.resolution"))) {
    const QString value = recipeInteger(recipe, "render.resolution");
    m_resolution->setSpecialValueText(value.isEmpty() ? tr("Recipe")
                                                      : tr("Recipe (%1 px)").arg(value));
  }
  if (all || paths.contains(QStringLiteral("render.samples"))) {
    const QString value = recipeInteger(recipe, "render.samples");
    m_samplesPerPixel->setSpecialValueText(value.isEmpty() ? tr("Recipe")
                                                           : tr("Recipe (%1)").arg(value));
  }
}

void BatchDock::updateDefaultFolder() {
  if (m_folderEdited) {
    return;
  }
  // Beside the recipe file and named after it; for a new recipe, under ~/SynthFace.
  const QString file = m_document->filePath();
  const QString folder =
      file.isEmpty()
          ? QDir(QDir::homePath())
                .filePath(QStringLiteral("SynthFace/") + folderName(m_document->recipe().name))
          : QFileInfo(file).absoluteDir().filePath(QFileInfo(file).completeBaseName());
  if (folder != m_folder->text()) {
    m_folder->setText(folder);
  }
}

void BatchDock::refreshFolderState() {
  m_refreshTimer->stop();
  const QString folder = outputDirectory();
  m_completeInFolder = 0;
  if (!folder.isEmpty() && QFileInfo(folder).isDir()) {
    // Markers only (the run checks each sample's files before skipping it).
    const fs::path dir = toPath(folder);
    const auto first = static_cast<std::uint64_t>(m_startIndex->value());
    const std::uint64_t checks =
        std::min<std::uint64_t>(static_cast<std::uint64_t>(m_count->value()), kMaxMarkerChecks);
    std::error_code ec;
    for (std::uint64_t i = first; i < first + checks; ++i) {
      if (fs::exists(sampleMarker(dir, i), ec)) {
        ++m_completeInFolder;
      }
    }
  }
  if (!m_running && folder != m_runFolder) {
    // A folder other than the last run's: say what it holds instead of that run's summary.
    m_status->setText(m_completeInFolder > 0
                          ? tr("%1 of these %2 samples are already in this folder.")
                                .arg(m_completeInFolder)
                                .arg(m_count->value())
                          : QString());
  }
  updateButtons();
}

void BatchDock::updateButtons() {
  for (QWidget* widget : m_settingsWidgets) {
    widget->setEnabled(!m_running);
  }
  // Resume when part of the dataset is there; with all of it, Start skips everything.
  const bool resuming = m_resume->isChecked() && m_completeInFolder > 0 &&
                        m_completeInFolder < static_cast<std::uint64_t>(m_count->value());
  m_start->setText(resuming ? tr("&Resume") : tr("&Start"));
  m_start->setToolTip(resuming
                          ? tr("Render the samples this folder does not have yet")
                          : tr("Render the dataset into the output folder (what `synthface render` "
                               "writes)"));
  m_start->setEnabled(!m_running && !m_folder->text().trimmed().isEmpty() &&
                      !checkedFormats().isEmpty());
  m_cancelButton->setEnabled(m_running && !m_cancel.load());
  const QString folder = outputDirectory();
  m_openFolder->setEnabled(!folder.isEmpty() && QFileInfo(folder).isDir());
}

void BatchDock::browse() {
  // Start from the folder, or the nearest folder above it that exists.
  QString from = outputDirectory();
  while (!from.isEmpty() && !QFileInfo(from).isDir() && QDir(from).cdUp()) {
    from = QFileInfo(from).absolutePath();
  }
  const QString chosen =
      QFileDialog::getExistingDirectory(this, tr("Choose the Output Folder"), from);
  if (!chosen.isEmpty()) {
    setOutputFolder(QDir::toNativeSeparators(chosen));
  }
}

void BatchDock::openFolder() {
  const QString folder = outputDirectory();
  if (!QDesktopServices::openUrl(QUrl::fromLocalFile(folder))) {
    showMessage(tr("Could not open %1 in the file manager.").arg(folder));
  }
}

void BatchDock::start() {
  if (m_running) {
    return;
  }
  if (m_worker.joinable()) {
    m_worker.join();  // a run whose end was not shown yet; it has finished
  }
  const QString folder = outputDirectory();
  if (folder.isEmpty()) {
    showMessage(tr("Choose an output folder first."));
    return;
  }
  if (checkedFormats().isEmpty()) {
    showMessage(tr("Check at least one dataset format."));
    return;
  }

  // Snapshot everything now: edits made during the run do not change it.
  RunSettings settings;
  settings.recipe = m_document->recipe();
  settings.baseDir = toPath(m_document->baseDir());
  settings.recipeFile = m_document->displayName().toStdString();
  settings.options.out = toPath(folder);
  settings.options.start = static_cast<std::uint64_t>(m_startIndex->value());
  settings.options.count = static_cast<std::uint64_t>(m_count->value());
  settings.options.resume = m_resume->isChecked();
  settings.options.formats.clear();
  for (const QString& format : checkedFormats()) {
    settings.options.formats.push_back(format.toStdString());
  }
  if (m_resolution->value() != kResolutionFromRecipe) {
    settings.overrides.resolution = m_resolution->value();
  }
  if (m_samplesPerPixel->value() != kSppFromRecipe) {
    settings.overrides.samplesPerPixel = m_samplesPerPixel->value();
  }
  settings.threads = m_threads->value();

  m_running = true;
  m_cancel.store(false);
  m_runFolder = folder;
  m_runCount = settings.options.count;
  showMessage({});
  m_failures->clear();
  m_failures->hide();
  m_progress->setRange(0, static_cast<int>(m_runCount));
  m_progress->setValue(0);
  m_status->setText(tr("Loading the model..."));
  updateButtons();
  emit started();
  m_worker = std::thread([this, settings = std::move(settings)] { run(settings); });
}

void BatchDock::cancel() {
  if (!m_running || m_cancel.load()) {
    return;
  }
  m_cancel.store(true);
  m_status->setText(tr("Cancelling after the image being rendered..."));
  updateButtons();
}

void BatchDock::cancelAndWait() {
  m_cancel.store(true);
  if (m_worker.joinable()) {
    m_worker.join();
  }
}

void BatchDock::run(const RunSettings& settings) {
  // Runs on m_worker: touches no widget, and reaches the GUI thread only through queued
  // calls, which Qt drops if the dock is gone by then.
  BatchResult result;
  QString error;
  bool rendered = false;
  try {
    // The folder first, so that a bad one is reported without waiting for the model.
    std::error_code ec;
    fs::create_directories(settings.options.out, ec);
    if (!fs::is_directory(settings.options.out)) {
      throw Error(SourceLocation::inFile(settings.options.out.string()),
                  "cannot create the output folder" + (ec ? ": " + ec.message() : std::string()));
    }
    std::unique_ptr<tbb::global_control> threads;
    if (settings.threads > 0) {
      threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                      static_cast<std::size_t>(settings.threads));
    }

    // What `synthface render` checks before rendering: the model, the library, the names.
    Diagnostics diagnostics;
    const SceneContext context = loadSceneContext(settings.recipe, settings.baseDir, diagnostics);
    const bool haveModel = std::none_of(diagnostics.all().begin(), diagnostics.all().end(),
                                        [](const Diagnostic& d) { return d.pointer == "/model"; });
    if (haveModel) {
      diagnostics.append(checkRecipeForScene(settings.recipe, context));
    }
    throwIfErrors(diagnostics.all(), settings.recipeFile);
    const SampleRenderer renderer =
        SampleRenderer::create(settings.recipe, context, settings.baseDir, settings.overrides);

    if (m_cancel.load()) {
      result.cancelled = true;
    } else {
      QMetaObject::invokeMethod(
          this,
          [this] {
            if (!m_cancel.load()) {
              m_status->setText(tr("Rendering..."));
            }
          },
          Qt::QueuedConnection);
      BatchOptions options = settings.options;
      options.cancel = &m_cancel;
      options.progress = [this](const BatchProgress& progress) {
        QMetaObject::invokeMethod(
            this, [this, progress] { showProgress(progress); }, Qt::QueuedConnection);
      };
      result = runBatch(renderer, settings.recipe, options);
      rendered = true;
    }
  } catch (const std::exception& e) {
    error = QString::fromStdString(e.what());
  } catch (...) {
    error = tr("unknown error");
  }
  QMetaObject::invokeMethod(
      this, [this, result, error, rendered] { showFinished(result, error, rendered); },
      Qt::QueuedConnection);
}

void BatchDock::showProgress(const BatchProgress& progress) {
  const std::uint64_t finished = progress.skipped + progress.done;
  m_progress->setValue(static_cast<int>(std::min(finished, m_runCount)));

  const double perImage =
      progress.done > 0 ? progress.seconds / static_cast<double>(progress.done) : 0.0;
  const double left = perImage * static_cast<double>(progress.total - progress.done);
  QString text = tr("%1 of %2 images").arg(finished).arg(m_runCount);
  if (progress.skipped > 0) {
    text += tr(" (%1 already complete)").arg(progress.skipped);
  }
  if (progress.done < progress.total) {
    text += tr(" \u00b7 %1 \u00b7 about %2 left").arg(rate(perImage), duration(left));
  } else {
    text += tr(" \u00b7 %1").arg(rate(perImage));
  }
  if (m_cancel.load()) {
    text += tr(" \u00b7 cancelling...");
  }
  m_status->setText(text);

  if (progress.lastError.empty()) {
    showLastImage(progress.lastIndex);
  } else {
    m_failures->setText(
        tr("%n failed; last: sample %1: %2", nullptr, static_cast<int>(progress.failed))
            .arg(QString::fromStdString(sampleId(progress.lastIndex)),
                 QString::fromStdString(progress.lastError)));
    m_failures->show();
  }
  emit progressed(finished, m_runCount);
}

void BatchDock::showLastImage(std::uint64_t index) {
  // The image the formats wrote ({id}.png): what the dataset holds, not a preview of it.
  const QString id = QString::fromStdString(sampleId(index));
  const QImage image(QDir(m_runFolder).filePath(id + QStringLiteral(".png")));
  if (image.isNull()) {
    return;
  }
  m_lastImage->setEnabled(true);
  m_lastImage->setPixmap(QPixmap::fromImage(image.scaled(
      m_lastImage->contentsRect().size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
  m_lastCaption->setText(
      tr("Sample %1 (%2 \u00d7 %3 px)").arg(id).arg(image.width()).arg(image.height()));
}

void BatchDock::showFinished(const BatchResult& result, const QString& error, bool rendered) {
  if (m_worker.joinable()) {
    m_worker.join();  // it has posted its last call and is returning
  }
  m_running = false;
  QString summary;
  if (!error.isEmpty()) {
    summary = tr("The batch stopped: %1").arg(error);
    showMessage(summary);
    m_status->clear();
  } else {
    if (rendered) {
      m_lastResult = result;
    }
    const QString counts = tr("Rendered %1, skipped %2, failed %3 in %4")
                               .arg(result.rendered)
                               .arg(result.skipped)
                               .arg(result.failed)
                               .arg(duration(result.seconds));
    if (result.cancelled) {
      summary =
          tr("Cancelled. %1. Start again with Resume checked to finish the rest.").arg(counts);
      m_status->setText(summary);
    } else {
      // The folder is in the field above: the label stays short enough to read at a glance.
      summary = tr("Done. %1 into %2.").arg(counts, QDir::toNativeSeparators(m_runFolder));
      m_status->setText(tr("Done. %1.").arg(counts));
      m_progress->setValue(m_progress->maximum());
    }
  }
  refreshFolderState();
  emit finished(summary);
}

void BatchDock::showMessage(const QString& text) {
  m_message->setText(text);
  m_message->setVisible(!text.isEmpty());
}

}  // namespace sf::ui
