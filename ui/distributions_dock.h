#pragma once

#include "scene/scene_context.h"

#include <nlohmann/json.hpp>

#include <QDockWidget>
#include <QMap>
#include <QString>
#include <QStringList>

#include <string>
#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace sf {
struct ParameterInfo;
struct ParameterSpec;
}  // namespace sf

namespace sf::ui {

class HistogramWidget;
class RecipeDocument;

/// The Distributions dock: every parameter path of the recipe with a one-line summary of
/// its distribution (bold when the recipe sets it, grey when it is the default), a typed
/// editor for the selected path, and a live histogram of the values that path takes in
/// samples 0..9999, drawn exactly as a batch render draws them.
///
/// The editor offers "constant" and every registered distribution type whose values suit
/// the parameter, and one field per key of the chosen type (ParameterSpec): numbers in spin
/// boxes with the parameter's unit, booleans in check boxes, strings with choices in combo
/// boxes, lists, maps and nested distributions as compact JSON. Every edit goes through
/// RecipeDocument::setParameter() (spin box drags merge into one undo step); an edit the
/// document refuses shows its message in red and keeps what the user typed.
class DistributionsDock : public QDockWidget {
  Q_OBJECT

public:
  explicit DistributionsDock(RecipeDocument* document, QWidget* parent = nullptr);
  ~DistributionsDock() override;

  /// The names the face model defines and the assets of the library: lists the identity
  /// modes, scale groups and blendshapes as parameters, and draws with these assets. The
  /// main window calls it once the model has loaded; without it there are no modes.
  void setContext(sf::SceneContext context);
  const SceneContext& context() const { return m_context; }

  /// Selects `path` in the tree (clearing a search that hides it) and edits it; an empty
  /// path, or one no parameter has, clears the editor.
  void selectPath(const QString& path);
  /// The path being edited, or empty.
  QString selectedPath() const { return QString::fromStdString(m_path); }
  /// Shows only the parameters whose path contains `text` (case-insensitive), as typing in
  /// the search field does.
  void setFilter(const QString& text);

  HistogramWidget* histogram() const { return m_histogram; }
  QTreeWidget* tree() const { return m_tree; }
  QLineEdit* searchField() const { return m_search; }
  /// The distribution type of the selected path: item data holds the type name.
  QComboBox* typeCombo() const { return m_typeCombo; }
  /// The editor of one key of the current type ("sigma", "weights"; "value" for a
  /// constant), or null.
  QWidget* field(const QString& specName) const { return m_fields.value(specName); }
  /// The inline error: the document's message for an edit it refused; hidden otherwise.
  QLabel* errorLabel() const { return m_error; }
  QPushButton* resetButton() const { return m_reset; }
  /// The tree row of a parameter path, or null when it is not listed.
  QTreeWidgetItem* itemForPath(const QString& path) const { return m_items.value(path); }

signals:
  /// The histogram shows the draws of the current recipe for the selected path.
  void histogramUpdated();
  /// Another path is being edited.
  void selectedPathChanged(const QString& path);

private:
  /// Every path the tree lists: the table's concrete paths, those the context provides
  /// for patterns, the built-in presets' entries and whatever else the recipe sets.
  std::vector<std::string> listedPaths() const;
  void rebuildTree();
  void refreshRow(const std::string& path);
  void refreshGroupCounts();
  void onDocumentChanged(const QStringList& paths);
  void onCurrentItemChanged(QTreeWidgetItem* item);
  void setPath(const std::string& path);
  /// Reloads the editor from the recipe: type list, fields, reset button.
  void loadEditor();
  void rebuildFields();
  QWidget* makeField(const ParameterSpec& spec, const nlohmann::json& value);
  QWidget* makeNumberField(const ParameterSpec& spec, const nlohmann::json& value);
  QWidget* makeJsonField(const ParameterSpec& spec, const nlohmann::json& value);
  void onTypeChosen(int index);
  /// Sets one key of the pending distribution (null removes it) and applies it.
  void setKey(const std::string& key, const nlohmann::json& value, bool merge);
  void apply(bool merge);
  void showError(const QString& message);
  void refreshHistogram();
  /// The recipe's distribution of the selected path, or its default.
  nlohmann::json currentDistribution() const;

  RecipeDocument* m_document = nullptr;
  SceneContext m_context;

  QLineEdit* m_search = nullptr;
  QTreeWidget* m_tree = nullptr;
  QWidget* m_editor = nullptr;
  QLabel* m_pathLabel = nullptr;
  QLabel* m_helpLabel = nullptr;
  QComboBox* m_typeCombo = nullptr;
  QLabel* m_typeSummary = nullptr;
  QWidget* m_fieldsHost = nullptr;
  QFormLayout* m_form = nullptr;
  QLabel* m_error = nullptr;
  QLabel* m_defaultLabel = nullptr;
  QPushButton* m_reset = nullptr;
  HistogramWidget* m_histogram = nullptr;

  QMap<QString, QWidget*> m_fields;
  QMap<QString, QTreeWidgetItem*> m_items;
  std::string m_path;
  const ParameterInfo* m_info = nullptr;
  /// What the editor shows: the recipe's distribution, or the user's edit the document
  /// refused.
  nlohmann::json m_pending;
  bool m_applying = false;  ///< inside setParameter(): do not reload the editor
  bool m_loading = false;   ///< filling widgets: their signals are not edits
};

}  // namespace sf::ui
