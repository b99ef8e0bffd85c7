#include "recovery_dialog.h"

#include "document/recipe_document.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace sf::ui {

namespace {

constexpr int kPathRole = Qt::UserRole;

}  // namespace

RecoveryDialog::RecoveryDialog(const QStringList& autosaves, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Recover Unsaved Changes"));
  resize(560, 300);
  auto* layout = new QVBoxLayout(this);
  auto* text = new QLabel(tr("SynthFace Studio did not close cleanly. These recipes have "
                             "unsaved changes. Recover one, discard the ones you do not want, "
                             "or keep them for the next start."),
                          this);
  text->setWordWrap(true);
  layout->addWidget(text);

  m_list = new QListWidget(this);
  m_list->setObjectName(QStringLiteral("autosaves"));
  for (const QString& autosave : autosaves) {
    const QString source = RecipeDocument::autosaveSource(autosave);
    const QString when =
        QLocale().toString(QFileInfo(autosave).lastModified(), QLocale::ShortFormat);
    const QString name = source.isEmpty() ? tr("Untitled recipe") : QFileInfo(source).fileName();
    auto* item = new QListWidgetItem(tr("%1, autosaved %2").arg(name, when), m_list);
    item->setData(kPathRole, autosave);
    item->setToolTip(source.isEmpty() ? autosave : source);
  }
  m_list->setCurrentRow(0);
  layout->addWidget(m_list);

  auto* buttons = new QDialogButtonBox(this);
  m_recover = buttons->addButton(tr("&Recover"), QDialogButtonBox::AcceptRole);
  m_discard = buttons->addButton(tr("&Discard"), QDialogButtonBox::DestructiveRole);
  buttons->addButton(tr("&Later"), QDialogButtonBox::RejectRole);
  m_recover->setDefault(true);
  layout->addWidget(buttons);

  connect(m_recover, &QPushButton::clicked, this, [this] {
    if (QListWidgetItem* item = m_list->currentItem()) {
      m_chosen = item->data(kPathRole).toString();
      accept();
    }
  });
  connect(m_discard, &QPushButton::clicked, this, &RecoveryDialog::discardSelected);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(m_list, &QListWidget::currentRowChanged, this, &RecoveryDialog::updateButtons);
  connect(m_list, &QListWidget::itemDoubleClicked, m_recover, &QPushButton::click);
  updateButtons();
}

void RecoveryDialog::discardSelected() {
  QListWidgetItem* item = m_list->currentItem();
  if (!item) {
    return;
  }
  QFile::remove(item->data(kPathRole).toString());
  delete item;
  if (m_list->count() == 0) {
    reject();  // nothing left to recover
  }
  updateButtons();
}

void RecoveryDialog::updateButtons() {
  const bool selected = m_list->currentItem() != nullptr;
  m_recover->setEnabled(selected);
  m_discard->setEnabled(selected);
}

}  // namespace sf::ui
