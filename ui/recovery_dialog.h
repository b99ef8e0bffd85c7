#pragma once

#include <QDialog>
#include <QString>
#include <QStringList>

class QListWidget;
class QPushButton;

namespace sf::ui {

/// Lists the autosaves of studio sessions that did not end cleanly, newest first, each by
/// the recipe it belongs to and when it was written. The user recovers one (the studio edits
/// one recipe at a time), discards the ones not wanted, or leaves them for the next start.
class RecoveryDialog : public QDialog {
  Q_OBJECT

public:
  explicit RecoveryDialog(const QStringList& autosaves, QWidget* parent = nullptr);

  /// The autosave chosen with Recover; empty when the dialog was closed otherwise.
  const QString& chosen() const { return m_chosen; }
  QListWidget* list() const { return m_list; }
  QPushButton* recoverButton() const { return m_recover; }
  QPushButton* discardButton() const { return m_discard; }

private:
  void discardSelected();
  void updateButtons();

  QListWidget* m_list = nullptr;
  QPushButton* m_recover = nullptr;
  QPushButton* m_discard = nullptr;
  QString m_chosen;
};

}  // namespace sf::ui
