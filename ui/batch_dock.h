#pragma once

#include "batch/batch_runner.h"

#include <QDockWidget>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

class QCheckBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace sf::ui {

class RecipeDocument;

/// The Batch dock: renders the document's recipe into a dataset folder, exactly as
/// `synthface render RECIPE --out DIR` would (the same SampleRenderer and runBatch, no render
/// overrides unless the user sets them), off the GUI thread.
///
/// The user picks the count and first index, the output folder, the worker threads, the
/// dataset formats and optionally a resolution or samples-per-pixel override; Start renders,
/// Cancel stops after the current sample, and with Resume checked a later Start skips the
/// samples already complete in the folder. A progress bar, the rate, the time left, the
/// failures and the last rendered image show how it goes.
///
/// The recipe is copied when the run starts, so edits made meanwhile do not change it.
/// Destroying the dock cancels a run and waits for the sample being rendered.
class BatchDock : public QDockWidget {
  Q_OBJECT

public:
  /// A dock that renders `document`'s recipe; it follows the recipe's sample count and name
  /// (for the default output folder) until the user edits those fields.
  explicit BatchDock(RecipeDocument* document, QWidget* parent = nullptr);
  /// Cancels a run and waits for it (cancelAndWait()).
  ~BatchDock() override;

  /// The dataset formats to offer (DatasetWriterRegistry names; the main window passes what
  /// the plugin loader found) and those checked. Unknown names in `checked` are ignored. By
  /// default the registry's formats are offered and "facesynthetics" is checked, as in the
  /// CLI.
  void setFormats(const QStringList& available, const QStringList& checked);
  QStringList availableFormats() const;
  /// The checked formats, in the order offered.
  QStringList checkedFormats() const;

  /// The output folder as typed; relative paths and "~" resolve with outputDirectory().
  QString outputFolder() const;
  /// Sets the output folder; from then on it no longer follows the recipe's name.
  void setOutputFolder(const QString& folder);
  /// The folder a run writes into: the field's text with "~/" expanded and a relative path
  /// taken from the recipe's folder. Empty when the field is empty.
  QString outputDirectory() const;

  /// True from start() until the run's finished() has been emitted.
  bool isRunning() const { return m_running; }
  /// What the last run that got to render did (zero before the first).
  const BatchResult& lastResult() const { return m_lastResult; }

  /// Starts a run with the fields' values (Start). Does nothing while running.
  void start();
  /// Asks the run to stop after the current sample (Cancel).
  void cancel();
  /// Cancels the run and blocks until its thread has ended (the sample being rendered is
  /// finished first). finished() still follows, from the event loop.
  void cancelAndWait();

  // The widgets, for tests and the main window.
  QSpinBox* countSpinBox() const { return m_count; }
  QSpinBox* startIndexSpinBox() const { return m_startIndex; }
  QLineEdit* outputFolderEdit() const { return m_folder; }
  QPushButton* browseButton() const { return m_browse; }
  QSpinBox* threadsSpinBox() const { return m_threads; }
  /// Resolution override in pixels; its minimum is the "Recipe" value (no override).
  QSpinBox* resolutionSpinBox() const { return m_resolution; }
  /// Samples-per-pixel override; its minimum is the "Recipe" value (no override).
  QSpinBox* samplesPerPixelSpinBox() const { return m_samplesPerPixel; }
  QCheckBox* resumeCheckBox() const { return m_resume; }
  /// The check box of a format, or null.
  QCheckBox* formatCheckBox(const QString& name) const;
  QPushButton* startButton() const { return m_start; }
  QPushButton* cancelButton() const { return m_cancelButton; }
  QPushButton* openFolderButton() const { return m_openFolder; }
  QProgressBar* progressBar() const { return m_progress; }
  /// Progress, rate and time left while running; a summary afterwards.
  QLabel* statusLabel() const { return m_status; }
  /// How many samples failed, and the last error.
  QLabel* failuresLabel() const { return m_failures; }
  /// Errors that stopped a run or kept it from starting.
  QLabel* messageLabel() const { return m_message; }
  /// The last rendered image, scaled to fit.
  QLabel* lastImageLabel() const { return m_lastImage; }

signals:
  /// A run started (its thread is loading the model).
  void started();
  /// A sample finished: `finished` samples of the dataset's `count` are done or skipped.
  void progressed(qulonglong finished, qulonglong count);
  /// A run ended: completed, cancelled or stopped by an error, which `summary` describes.
  void finished(const QString& summary);

private:
  /// What a run was started with, copied on the GUI thread.
  struct RunSettings;

  void buildUi();
  void followDocument(const QStringList& paths);
  void updateDefaultFolder();
  /// Counts the samples already complete in the folder, then updates the buttons.
  void refreshFolderState();
  void updateButtons();
  void browse();
  void openFolder();

  /// The run's thread: loads the model, renders, and posts progress and the end.
  void run(const RunSettings& settings);
  void showProgress(const BatchProgress& progress);
  void showFinished(const BatchResult& result, const QString& error, bool rendered);
  void showLastImage(std::uint64_t index);
  void showMessage(const QString& text);

  RecipeDocument* m_document = nullptr;

  QSpinBox* m_count = nullptr;
  QSpinBox* m_startIndex = nullptr;
  QLineEdit* m_folder = nullptr;
  QPushButton* m_browse = nullptr;
  QSpinBox* m_threads = nullptr;
  QSpinBox* m_resolution = nullptr;
  QSpinBox* m_samplesPerPixel = nullptr;
  QCheckBox* m_resume = nullptr;
  QGridLayout* m_formatsLayout = nullptr;
  std::vector<QCheckBox*> m_formats;
  std::vector<QWidget*> m_settingsWidgets;  ///< disabled while running
  QPushButton* m_start = nullptr;
  QPushButton* m_cancelButton = nullptr;
  QPushButton* m_openFolder = nullptr;
  QProgressBar* m_progress = nullptr;
  QLabel* m_status = nullptr;
  QLabel* m_failures = nullptr;
  QLabel* m_message = nullptr;
  QLabel* m_lastImage = nullptr;
  QLabel* m_lastCaption = nullptr;
  QTimer* m_refreshTimer = nullptr;

  bool m_countEdited = false;   ///< the user set the count: stop following the recipe
  bool m_folderEdited = false;  ///< the user set the folder: stop following the recipe
  bool m_syncing = false;       ///< the dock itself is setting a field
  std::uint64_t m_completeInFolder = 0;

  bool m_running = false;
  QString m_runFolder;           ///< the folder of the current or last run
  std::uint64_t m_runCount = 0;  ///< the dataset size of the current run
  std::atomic<bool> m_cancel{false};
  std::thread m_worker;
  BatchResult m_lastResult;
};

}  // namespace sf::ui
