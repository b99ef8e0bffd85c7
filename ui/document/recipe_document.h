#pragma once

#include "recipe/recipe.h"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>
#include <QStringList>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

class QLockFile;
class QUndoStack;

namespace sf::ui {

/// The recipe the studio edits, with its undo history and its file. Views read recipe()
/// and change it only through the edit functions, each of which pushes one undoable
/// command; every change, including undo and redo, emits changed() once with the paths it
/// touched. Qt Core only: testable without a window.
///
/// Paths are the recipe's dotted parameter paths ("camera.yaw") or, for the settings at
/// the top of a recipe, their keys ("seed", "samples", "name", ...).
class RecipeDocument : public QObject {
  Q_OBJECT

public:
  explicit RecipeDocument(QObject* parent = nullptr);
  ~RecipeDocument() override;

  const Recipe& recipe() const { return m_recipe; }
  QUndoStack* undoStack() const { return m_undo; }
  /// The file the recipe was read from or last saved to; empty for a new recipe.
  const QString& filePath() const { return m_filePath; }
  /// The folder relative model and library paths resolve from (the file's folder, or the
  /// working folder for a new recipe).
  QString baseDir() const;
  /// The library `recipe` names, resolved from `baseDir` (its library.json or its folder,
  /// as the recipe gives it); empty when the recipe names none.
  static std::filesystem::path libraryPathOf(const Recipe& recipe, const QString& baseDir);
  /// True when the recipe differs from its file (the undo stack is not at its clean index).
  bool isModified() const;
  /// The title of the document: the file's name, or "Untitled".
  QString displayName() const;

  /// Sets the distribution of parameter `path` (recipe JSON: an object, or a bare value
  /// for a constant); null removes it, so the parameter takes its default. With `merge`,
  /// consecutive edits of the same path become one undo step (a slider drag). Returns an
  /// empty string when applied, else the error (the recipe is left unchanged).
  QString setParameter(const std::string& path, const nlohmann::json& distribution,
                       bool merge = false);
  /// Sets a top-level setting: "name", "description", "seed", "samples", "identities",
  /// "model", "library", "outputs" or "splits", with its JSON value as in a recipe file.
  QString setSetting(const std::string& key, const nlohmann::json& value, bool merge = false);
  /// Replaces the whole recipe as one undo step (paste, apply a preset); `text` names the
  /// step in the Edit menu.
  QString replaceRecipe(const Recipe& recipe, const QString& text);

  /// Starts an empty document: the built-in default recipe, no file, a clean history.
  void newRecipe();
  /// Reads a recipe file. On error returns the message (every problem, with the file and
  /// JSON pointer) and leaves the document as it was; the file is never written.
  QString open(const QString& path);
  /// Writes the recipe atomically to `path` (or its file when empty), marks the history
  /// clean, and removes the autosave. Returns the error, or an empty string.
  QString save(const QString& path = {});

  /// Where autosave() writes: a file under the XDG state folder, named after the document's
  /// file (or "untitled"), so each open recipe has its own. When another running studio
  /// holds that name (the same file, or a second untitled recipe), autosave() claims the
  /// next free one ("-2", "-3", ...), and this is the name it claimed.
  QString autosavePath() const;
  /// Writes the recipe to autosavePath() when it has unsaved changes (atomically). The
  /// studio calls it on a timer; after a crash, pendingAutosaves() finds it.
  void autosave();
  /// The autosaves left by sessions that did not end cleanly (the studio removes its own
  /// when it closes or saves), newest first; those a running studio holds are left out.
  static QStringList pendingAutosaves();
  /// The file an autosave belongs to (empty for an untitled recipe); empty too when it
  /// cannot be read.
  static QString autosaveSource(const QString& autosave);
  /// Loads an autosave as unsaved changes to the file it belongs to; the autosave itself
  /// is kept until the recipe is saved or closed. Returns the error, or an empty string.
  QString recover(const QString& autosave);
  /// Removes this document's autosave (the studio closed cleanly or the user declined).
  void discardAutosave();

  /// Applies `after` as the recipe and announces `paths` (for the commands; views use the
  /// edit functions above).
  void applyRecipe(const Recipe& after, const QStringList& paths);

signals:
  /// The recipe changed at these paths (parameter paths or setting keys; "*" for all).
  void changed(const QStringList& paths);
  /// The file path or the modified state changed (for the window title).
  void fileStateChanged();

private:
  QString pushEdit(const QString& text, Recipe after, const QStringList& paths, int mergeId,
                   const std::string& mergeKey);

  Recipe m_recipe;
  QUndoStack* m_undo = nullptr;
  QString m_filePath;
  /// The autosave name for the document's file, without a claim number or ".json".
  QString autosaveStem() const;

  std::unique_ptr<QLockFile> m_autosaveLock;  ///< held while this document has an autosave
  QString m_autosaveClaimed;                  ///< the autosave path the lock guards
};

/// The paths that differ between two recipes: parameters by dotted path, settings by key;
/// empty when they are equal.
QStringList changedPaths(const Recipe& before, const Recipe& after);

}  // namespace sf::ui
