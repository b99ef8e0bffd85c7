#pragma once

#include "recipe/recipe.h"

#include <QStringList>
#include <QUndoCommand>

#include <string>

namespace sf::ui {

class RecipeDocument;

/// One edit of the recipe: the recipe before and after, and the paths it touched. Undo
/// restores `before`, redo applies `after`. Consecutive edits with the same merge id and
/// key (a slider drag on one parameter) merge into one step that keeps the first `before`;
/// a drag that ends where it started leaves no step at all.
class ChangeRecipeCommand : public QUndoCommand {
public:
  /// Merge ids: edits of one parameter path, of one setting key; kNoMerge never merges.
  static constexpr int kNoMerge = -1;
  static constexpr int kParameterMerge = 1;
  static constexpr int kSettingMerge = 2;

  ChangeRecipeCommand(RecipeDocument* document, const QString& text, Recipe before, Recipe after,
                      QStringList paths, int mergeId = kNoMerge, std::string mergeKey = {});

  void undo() override;
  void redo() override;
  int id() const override { return m_mergeId; }
  bool mergeWith(const QUndoCommand* other) override;

  const Recipe& before() const { return m_before; }
  const Recipe& after() const { return m_after; }
  const QStringList& paths() const { return m_paths; }

private:
  RecipeDocument* m_document;
  Recipe m_before;
  Recipe m_after;
  QStringList m_paths;
  int m_mergeId;
  std::string m_mergeKey;
};

}  // namespace sf::ui
