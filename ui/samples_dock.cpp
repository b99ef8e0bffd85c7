#include "samples_dock.h"

#include "document/recipe_document.h"
#include "render_service.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace sf::ui {

namespace {

/// A grey tile that says the thumbnail is on its way.
QPixmap placeholder(int size) {
  QPixmap pixmap(size, size);
  pixmap.fill(QColor(58, 58, 62));
  QPainter painter(&pixmap);
  painter.setPen(QColor(150, 150, 155));
  painter.drawText(pixmap.rect(), Qt::AlignCenter, SamplesDock::tr("rendering..."));
  return pixmap;
}

}  // namespace

SamplesDock::SamplesDock(RecipeDocument* document, RenderService* service, QWidget* parent)
    : QDockWidget(tr("Samples"), parent), m_document(document), m_service(service) {
  setObjectName(QStringLiteral("samplesDock"));
  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);

  auto* controls = new QHBoxLayout();
  controls->addWidget(new QLabel(tr("Seed"), content));
  m_seed = new QLineEdit(content);
  m_seed->setValidator(new QRegularExpressionValidator(QRegularExpression("[0-9]{1,19}"), m_seed));
  m_seed->setToolTip(
      tr("The recipe's seed: every draw is a function of (seed, sample, "
         "parameter). Press Enter to apply."));
  m_seed->setMaximumWidth(110);
  controls->addWidget(m_seed);
  auto* reseed = new QToolButton(content);
  reseed->setText(tr("New"));
  reseed->setToolTip(tr("A new random seed for the recipe"));
  controls->addWidget(reseed);
  controls->addSpacing(8);
  controls->addWidget(new QLabel(tr("From #"), content));
  m_first = new QSpinBox(content);
  m_first->setRange(0, 2147483647);
  m_first->setToolTip(tr("The first sample index on the sheet"));
  controls->addWidget(m_first);
  m_count = new QComboBox(content);
  for (int count : {6, 12, 24}) {
    m_count->addItem(tr("%1 samples").arg(count), count);
  }
  m_count->setCurrentIndex(1);
  controls->addWidget(m_count);
  auto* previous = new QToolButton(content);
  previous->setArrowType(Qt::LeftArrow);
  previous->setToolTip(tr("Previous page"));
  auto* next = new QToolButton(content);
  next->setArrowType(Qt::RightArrow);
  next->setToolTip(tr("Next page"));
  controls->addWidget(previous);
  controls->addWidget(next);
  controls->addStretch(1);
  layout->addLayout(controls);

  m_sheet = new QListWidget(content);
  m_sheet->setViewMode(QListView::IconMode);
  m_sheet->setIconSize(QSize(m_thumbnailSize, m_thumbnailSize));
  m_sheet->setGridSize(QSize(m_thumbnailSize + 12, m_thumbnailSize + 34));
  m_sheet->setResizeMode(QListView::Adjust);
  m_sheet->setMovement(QListView::Static);
  m_sheet->setWordWrap(true);
  m_sheet->setUniformItemSizes(true);
  m_sheet->setSelectionMode(QAbstractItemView::SingleSelection);
  layout->addWidget(m_sheet, 1);
  m_status = new QLabel(content);
  layout->addWidget(m_status);
  setWidget(content);

  connect(m_seed, &QLineEdit::editingFinished, this, &SamplesDock::commitSeed);
  connect(reseed, &QToolButton::clicked, this,
          [this] { m_document->setSetting("seed", QRandomGenerator::global()->bounded(1000000)); });
  connect(m_first, &QSpinBox::valueChanged, this, [this] { refresh(); });
  connect(m_count, &QComboBox::currentIndexChanged, this, [this] { refresh(); });
  connect(previous, &QToolButton::clicked, this,
          [this] { m_first->setValue(std::max(0, m_first->value() - sampleCount())); });
  connect(next, &QToolButton::clicked, this,
          [this] { m_first->setValue(m_first->value() + sampleCount()); });
  connect(m_sheet, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
    emit sampleActivated(item->data(Qt::UserRole).toULongLong());
  });
  connect(m_service, &RenderService::thumbnailReady, this, &SamplesDock::showThumbnail);
  connect(m_service, &RenderService::failed, this, [this](const QString& message) {
    m_status->setText(tr("Could not render: %1").arg(message));
  });
  connect(m_document, &RecipeDocument::changed, this, &SamplesDock::showSeed);
  showSeed();
}

std::uint64_t SamplesDock::firstSample() const {
  return std::uint64_t(m_first->value());
}

int SamplesDock::sampleCount() const {
  return m_count->currentData().toInt();
}

void SamplesDock::setFirstSample(std::uint64_t first) {
  m_first->setValue(int(first));
}

void SamplesDock::showSeed() {
  if (!m_seed->hasFocus()) {
    m_seed->setText(QString::number(m_document->recipe().seed));
  }
}

void SamplesDock::commitSeed() {
  bool ok = false;
  const qulonglong seed = m_seed->text().toULongLong(&ok);
  if (ok && seed != m_document->recipe().seed) {
    const QString error = m_document->setSetting("seed", nlohmann::json(std::uint64_t(seed)));
    if (!error.isEmpty()) {
      m_status->setText(error);
    }
  }
}

void SamplesDock::layoutPlaceholders() {
  m_sheet->clear();
  const QPixmap tile = placeholder(m_thumbnailSize);
  for (int i = 0; i < sampleCount(); ++i) {
    const std::uint64_t index = firstSample() + std::uint64_t(i);
    auto* item = new QListWidgetItem(QIcon(tile), QStringLiteral("#%1").arg(index), m_sheet);
    item->setData(Qt::UserRole, QVariant::fromValue<qulonglong>(index));
    item->setTextAlignment(Qt::AlignHCenter | Qt::AlignTop);
  }
}

void SamplesDock::refresh() {
  m_ready.clear();
  layoutPlaceholders();
  m_status->setText(tr("Rendering %1 samples from #%2...").arg(sampleCount()).arg(firstSample()));
  m_service->requestThumbnails(firstSample(), sampleCount(), m_thumbnailSize);
}

void SamplesDock::showThumbnail(quint64 index, const QImage& image, const QString& caption) {
  if (index < firstSample() || index >= firstSample() + std::uint64_t(sampleCount())) {
    return;
  }
  QListWidgetItem* item = m_sheet->item(int(index - firstSample()));
  if (item == nullptr) {
    return;
  }
  item->setIcon(QIcon(QPixmap::fromImage(image)));
  item->setText(caption);
  item->setToolTip(caption);
  const bool wasComplete = readyCount() == sampleCount();
  m_ready.insert(index);
  m_status->setText(readyCount() < sampleCount()
                        ? tr("%1 of %2 rendered").arg(readyCount()).arg(sampleCount())
                        : tr("Samples #%1 to #%2 of seed %3: click one to open it")
                              .arg(firstSample())
                              .arg(firstSample() + std::uint64_t(sampleCount()) - 1)
                              .arg(m_document->recipe().seed));
  if (!wasComplete && readyCount() == sampleCount()) {
    emit sheetComplete();
  }
}

}  // namespace sf::ui
