#pragma once

#include <QDockWidget>
#include <QImage>
#include <QSet>
#include <QString>

#include <cstdint>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;

namespace sf::ui {

class RecipeDocument;
class RenderService;

/// The Samples dock: a contact sheet of path-traced thumbnails of consecutive samples of
/// the current recipe, rendered off the GUI thread as the recipe changes; the recipe's
/// seed; paging through sample indices. Clicking a sample makes it the current one.
class SamplesDock : public QDockWidget {
  Q_OBJECT

public:
  SamplesDock(RecipeDocument* document, RenderService* service, QWidget* parent = nullptr);

  /// Asks for the thumbnails of the current page again (after the recipe changed).
  void refresh();
  /// The first sample shown, and how many.
  std::uint64_t firstSample() const;
  int sampleCount() const;
  void setFirstSample(std::uint64_t first);

  /// How many thumbnails of the current page have arrived.
  int readyCount() const { return int(m_ready.size()); }
  QListWidget* sheet() const { return m_sheet; }
  QLineEdit* seedField() const { return m_seed; }
  QSpinBox* firstField() const { return m_first; }
  /// How many samples a page shows: 6, 12 or 24.
  QComboBox* countField() const { return m_count; }

signals:
  /// The user chose a sample of the sheet.
  void sampleActivated(quint64 index);
  /// Every thumbnail of the page has arrived.
  void sheetComplete();

private:
  void showThumbnail(quint64 index, const QImage& image, const QString& caption);
  void showSeed();
  void commitSeed();
  void layoutPlaceholders();

  RecipeDocument* m_document;
  RenderService* m_service;
  QLineEdit* m_seed = nullptr;
  QSpinBox* m_first = nullptr;
  QComboBox* m_count = nullptr;
  QListWidget* m_sheet = nullptr;
  QLabel* m_status = nullptr;
  QSet<quint64> m_ready;  ///< samples of the page whose thumbnail has arrived
  int m_thumbnailSize = 150;
};

}  // namespace sf::ui
