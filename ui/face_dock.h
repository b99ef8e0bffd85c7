#pragma once

#include "assets/expression_asset.h"
#include "face/face_model.h"
#include "face/face_state.h"
#include "face/head_pose.h"
#include "recipe/recipe.h"

#include <QDockWidget>
#include <QThreadPool>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

class QComboBox;
class QLineEdit;
class QPushButton;
class QSlider;
class QLabel;
class QWidget;

namespace sf::ui {

class RecipeDocument;

/// The Face dock: head pose and gaze sliders in degrees, identity sliders in standard
/// deviations grouped by region, expression sliders by group with the built-in expression
/// presets, a search field, Reset and Randomize. It edits the face the viewport and the
/// render preview show and says so through faceStateChanged().
///
/// With a document it also reads and writes the recipe: the preset box lists the recipe's
/// own expression presets after the built-in ones, then the expressions of the recipe's
/// library; the person box the recipe's named people (identity.people). Save Expression
/// stores the sliders' expression as a preset of the recipe or as an expression of a
/// library, Save Person the identity as a named person, each as one undo step; Open Model
/// asks the window to make another model the recipe's.
class FaceDock : public QDockWidget {
  Q_OBJECT

public:
  explicit FaceDock(RecipeDocument* document = nullptr, QWidget* parent = nullptr);
  ~FaceDock() override;

  /// Builds the sliders for `model` (identity modes and expressions) at the template.
  void setModel(const FaceModel& model);
  const FaceState& faceState() const { return m_state; }
  /// Shows `state`'s coefficients on the sliders and announces it.
  void setFaceState(const FaceState& state);
  /// Shows `state` and `pose` on the sliders and announces them once.
  void setFace(const FaceState& state, const HeadPose& pose);
  /// The head pose and gaze of the pose sliders.
  const HeadPose& headPose() const { return m_pose; }
  /// The expression presets' names, in the preset box's order (after "none").
  QComboBox* presetBox() const { return m_presets; }
  /// The library's expressions (the scene context's), listed in the preset box by id.
  void setLibraryExpressions(std::map<std::string, ExpressionAsset> expressions);
  /// Sets the expression to preset `name` (built-in, the recipe's or a library expression's
  /// id): each of its blendshapes at the median of its distribution in the recipe (a
  /// library expression's weight unless the recipe overrides it), the others zero; a library
  /// expression also sets the gaze it gives. Returns false for an unknown name.
  bool applyPreset(const QString& name);
  /// The named people's box (after "(choose)").
  QComboBox* personBox() const { return m_people; }
  /// Sets the identity sliders to named person `name` of the recipe, keeping the
  /// expression. Returns false for an unknown name.
  bool applyPerson(const QString& name);

  /// Saves the expression sliders as the recipe's expression preset `name`
  /// (expression.presets.NAME.SHAPE, a constant per blendshape that is not zero), replacing
  /// a preset of the recipe of that name, as one undo step. Returns the error, or "" when
  /// saved: a name must be letters, digits, '_' or '-', and not a built-in preset's.
  QString saveExpression(const QString& name);
  /// Saves the expression sliders as expression `name` of a library, licensed `licence`:
  /// the recipe's library when it names one, else the user's library, which then becomes
  /// the recipe's (one undo step). With `replace`, an expression of that name is replaced.
  /// The library is written, and the thumbnail rendered, off the GUI thread: returns the
  /// error at once for a bad name or licence, else "" and saves in the background; then
  /// libraryExpressionSaved() or libraryExpressionFailed() is emitted.
  QString saveExpressionToLibrary(const QString& name, const QString& licence,
                                  bool replace = false);
  /// Whether a saveExpressionToLibrary() is still writing (Save Expression waits for it).
  bool savingExpression() const { return m_savingExpression; }
  /// Tells whether another writer (the Library dock's import) is busy with a library:
  /// saveExpressionToLibrary() then refuses rather than race it.
  void setLibraryBusy(std::function<bool()> busy) { m_libraryBusy = std::move(busy); }
  /// Saves the identity sliders as the recipe's named person `name`
  /// (identity.people.NAME.MODE), as saveExpression() does.
  QString savePerson(const QString& name);

  /// Shows only the sliders whose name or group contains `text` (case-insensitive).
  void setFilter(const QString& text);
  /// The slider of an identity mode or expression by name, or null (for tests).
  QSlider* slider(const QString& name) const;

  /// Back to the template: every coefficient zero.
  void reset();
  /// A random identity (each mode ~ N(0, 1)) and a random expression, as the model sheet
  /// draws them; each click draws the next face of the series.
  void randomize();

signals:
  void faceStateChanged(const sf::FaceState& state);
  /// Open Model was clicked: the window asks for a model file and opens it.
  void openModelRequested();
  /// An expression was saved to the library in `folder`, as asset `id`.
  void libraryExpressionSaved(const QString& folder, const QString& id);
  /// An expression is being written to a library in the background: nothing else may
  /// write to a library until libraryExpressionSaved() or libraryExpressionFailed().
  void libraryExpressionSaveStarted(const QString& name);
  /// Saving expression `id` to a library failed with `error`.
  void libraryExpressionFailed(const QString& id, const QString& error);

private:
  struct Row {
    QString name;
    QString group;
    QWidget* widget = nullptr;
    QSlider* slider = nullptr;
    QLabel* value = nullptr;
    bool identity = true;
    bool pose = false;  ///< a head pose or gaze angle: index into kPoseNames
    int index = 0;
  };

  void buildRows(const FaceModel& model);
  /// Fills the preset and person boxes from the recipe.
  void listRecipeNames();
  /// Asks for a name and saves with `save`, confirming before replacing `existing` ones.
  void promptAndSave(const QString& what, const QStringList& existing,
                     QString (FaceDock::*save)(const QString&));
  /// Save Expression: asks for a name and where to keep it (the recipe or a library).
  void promptSaveExpression();
  /// The sliders' expression: every blendshape that is not zero.
  std::map<std::string, double> expressionWeights() const;
  /// The recipe with every parameter under `prefix` (".NAME.") replaced by `values`.
  QString storeNamed(const std::string& prefix, const std::map<std::string, double>& values,
                     const QString& step);
  void showValues();
  void announce();
  /// Back on the GUI thread after a library save: makes the user's library the recipe's
  /// when it was the one written (`indexPath`), then reports.
  void finishSavingExpression(const QString& id, const QString& folder,
                              const std::string& indexPath, bool userLibrary, QString error);

  QLineEdit* m_search = nullptr;
  QComboBox* m_presets = nullptr;
  QComboBox* m_people = nullptr;
  RecipeDocument* m_document = nullptr;
  HeadPose m_pose;
  QWidget* m_rowsHost = nullptr;
  std::vector<Row> m_rows;
  std::vector<QWidget*> m_groupHeaders;
  FaceState m_state;
  FaceModel m_counts;  ///< names and counts only (no geometry), for randomize()
  std::map<std::string, ExpressionAsset> m_libraryExpressions;
  std::uint64_t m_randomIndex = 0;
  bool m_updating = false;
  bool m_savingExpression = false;
  std::function<bool()> m_libraryBusy;
  QPushButton* m_saveExpressionButton = nullptr;
  QThreadPool m_savePool;  ///< one thread: library writes and their thumbnails
};

}  // namespace sf::ui
