#pragma once

#include "face/face_state.h"
#include "face/head_pose.h"
#include "scene/scene_context.h"

#include <QMainWindow>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

class QAction;
class QMenu;
class QTimer;

namespace sf::ui {

class BatchDock;
class DistributionsDock;
class FaceDock;
class FaceEntity;
class DressingEntity;
struct Dressing;
class FaceOverlay;
class LibraryDock;
class PreviewDock;
class RecipeDocument;
class RenderService;
class SamplesDock;
class ViewportWidget;
struct LoadedFace;

/// SynthFace Studio's main window: the 3D viewport in the centre, the docks around it,
/// the recipe document it edits (File and Edit menus, undo, autosave), window geometry
/// and recent files remembered between runs.
class MainWindow : public QMainWindow {
  Q_OBJECT

public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  RecipeDocument* document() const { return m_document; }
  RenderService* renderService() const { return m_service; }
  ViewportWidget* viewport() const { return m_viewport; }
  /// The face in the viewport (empty until the model has loaded).
  FaceEntity* faceEntity() const { return m_face; }
  /// The current sample's hair and worn assets in the viewport.
  DressingEntity* dressingEntity() const { return m_dressing; }
  /// View > Hair and Assets: shows or hides them.
  QAction* dressingAction() const { return m_showDressing; }
  /// Landmarks, indices, dense landmarks and wireframe over the face.
  FaceOverlay* faceOverlay() const { return m_overlay; }
  /// The View > Overlays actions, by name: "landmarks", "indices", "dense", "segmentation",
  /// "wireframe" (for tests; triggering one toggles it).
  QAction* overlayAction(const QString& name) const;
  FaceDock* faceDock() const { return m_faceDock; }
  SamplesDock* samplesDock() const { return m_samplesDock; }
  BatchDock* batchDock() const { return m_batchDock; }
  LibraryDock* libraryDock() const { return m_libraryDock; }
  DistributionsDock* distributionsDock() const { return m_distributionsDock; }
  PreviewDock* previewDock() const { return m_previewDock; }
  /// True once loading the face model has finished, whether it worked or not.
  bool faceLoadFinished() const { return m_faceLoadFinished; }
  /// The sample the viewport and the preview show.
  std::uint64_t currentSample() const { return m_currentSample; }

  /// Opens a recipe file; a broken one is reported (message box and status bar) and the
  /// document is left as it was. Returns true when it opened.
  bool openRecipe(const QString& path);
  /// Makes the model at `path` the recipe's model, as one undo step: an .sfm file as it is;
  /// a head in another format (glTF, FBX, OBJ, a MakeHuman data folder or its base.obj) is
  /// imported first, off the GUI thread, by registering the built-in head onto it, and
  /// saved in the user's models folder ($XDG_DATA_HOME/synthface/models). modelOpened()
  /// tells when it is done; errors are reported and leave the recipe as it was.
  void openModel(const QString& path);
  /// Saves to the document's file, or asks for one. Returns true when saved.
  bool saveRecipe();
  bool saveRecipeAs();
  /// The last error reported to the user (for tests), empty when none.
  const QString& lastError() const { return m_lastError; }
  /// Offers to recover autosaves of sessions that did not end cleanly.
  void offerRecovery();
  /// Makes sample `index` the current one: its face in the viewport and the Face dock,
  /// its path-traced render in the preview.
  void showSample(std::uint64_t index);

  /// Waits until the viewport has drawn the face and, when View > Hair and Assets is on,
  /// its dressing (for at most a minute more), then saves the whole window as a PNG
  /// (written atomically). Calls `done` with an empty string on success, or the error; not
  /// at all if the window is destroyed first.
  void saveScreenshot(const QString& path, std::function<void(const QString& error)> done);

signals:
  /// Loading the face model finished: `error` is empty when the face is shown.
  void faceLoaded(const QString& error);
  /// The viewport shows the current sample's hair and worn assets (or, with them switched
  /// off or unavailable, none); `error` says why they could not be made.
  void dressingShown(const QString& error);
  /// openModel() finished: `error` is empty when the recipe now names the model.
  void modelOpened(const QString& error);

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  void createMenus();
  void showAbout();
  /// Loads and poses the recipe's model off the GUI thread (the built-in head's first
  /// generation takes seconds), then shows it.
  void loadFace();
  void showLoadedFace(std::shared_ptr<LoadedFace> loaded, const QString& error);
  /// Poses the loaded model in `state` and shows it.
  void showFaceState(const FaceState& state);
  /// The recipe changed: preview and thumbnails follow (debounced).
  void recipeChanged(const QStringList& paths);
  void pushRecipeToRenderers();
  /// True when the Face dock shows a face other than the current sample's: one being edited.
  bool isEditedFace(const FaceState& state, const HeadPose& pose) const;
  void updateTitle();
  /// Applies the Overlays menu's choices to the viewport and remembers them.
  void applyOverlays();
  /// Asks whether to save unsaved changes; false when the user cancels.
  bool maybeSave();
  void newRecipe();
  void openRecipeDialog();
  void openModelDialog();
  /// Makes `model` the recipe's unless `error` says why not; reports any error under
  /// `title` and announces modelOpened().
  void finishOpeningModel(const QString& model, const QString& title, QString error);
  void addRecentFile(const QString& path);
  void updateRecentMenu();
  void reportError(const QString& title, const QString& message);
  /// Fits the current sample's hair and worn assets to the face as the Face dock shows it,
  /// off the GUI thread; the newest request wins.
  void requestDressing();
  /// Saves the window once the viewport has drawn twice (see saveScreenshot()).
  void captureScreenshot(const QString& path, std::function<void(const QString& error)> done);
  void showDressing(std::uint64_t generation, const std::shared_ptr<const Dressing>& dressing,
                    const QString& error);

  RecipeDocument* m_document = nullptr;
  RenderService* m_service = nullptr;
  ViewportWidget* m_viewport = nullptr;
  FaceEntity* m_face = nullptr;
  FaceOverlay* m_overlay = nullptr;
  DressingEntity* m_dressing = nullptr;
  QAction* m_showDressing = nullptr;
  QThreadPool* m_dressingPool = nullptr;
  std::uint64_t m_dressingGeneration = 0;
  std::map<QString, QAction*> m_overlayActions;
  FaceDock* m_faceDock = nullptr;
  SamplesDock* m_samplesDock = nullptr;
  PreviewDock* m_previewDock = nullptr;
  BatchDock* m_batchDock = nullptr;
  LibraryDock* m_libraryDock = nullptr;
  DistributionsDock* m_distributionsDock = nullptr;
  QMenu* m_recentMenu = nullptr;
  QTimer* m_rendererUpdate = nullptr;
  QTimer* m_autosave = nullptr;
  QTimer* m_facePreview = nullptr;
  std::shared_ptr<LoadedFace> m_loaded;
  std::optional<SceneContext> m_context;
  std::string m_loadedModelKey;  ///< the model and folder m_loaded came from
  std::thread m_loader;
  std::thread m_importer;  ///< openModel()'s import of a head
  bool m_faceLoadFinished = false;
  /// The loaded face's dressing request has been answered (shown, switched off or failed),
  /// or the load failed and none will come.
  bool m_dressingShownSinceLoad = false;
  bool m_reloadKeepsFace = false;  ///< the load in flight reloads the shown model
  std::vector<std::function<void()>> m_afterFaceLoad;
  std::uint64_t m_currentSample = 0;
  FaceState m_sampleFace;  ///< the current sample's face as the recipe draws it
  HeadPose m_samplePose;   ///< and its head pose and gaze
  QString m_lastError;
};

}  // namespace sf::ui
