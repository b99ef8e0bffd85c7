#include "commands/change_recipe_command.h"

#include "document/recipe_document.h"

#include <utility>

namespace sf::ui {

ChangeRecipeCommand::ChangeRecipeCommand(RecipeDocument* document, const QString& text,
                                         Recipe before, Recipe after, QStringList paths,
                                         int mergeId, std::string mergeKey)
    : QUndoCommand(text),
      m_document(document),
      m_before(std::move(before)),
      m_after(std::move(after)),
      m_paths(std::move(paths)),
      m_mergeId(mergeId),
      m_mergeKey(std::move(mergeKey)) {}

void ChangeRecipeCommand::undo() {
  m_document->applyRecipe(m_before, m_paths);
}

void ChangeRecipeCommand::redo() {
  m_document->applyRecipe(m_after, m_paths);
}

bool ChangeRecipeCommand::mergeWith(const QUndoCommand* other) {
  const auto* next = static_cast<const ChangeRecipeCommand*>(other);
  if (next->m_mergeId != m_mergeId || next->m_mergeKey != m_mergeKey ||
      next->m_document != m_document) {
    return false;
  }
  m_after = next->m_after;
  for (const QString& path : next->m_paths) {
    if (!m_paths.contains(path)) {
      m_paths.append(path);
    }
  }
  // A drag back to where it started is no edit.
  setObsolete(m_after == m_before);
  return true;
}

}  // namespace sf::ui
