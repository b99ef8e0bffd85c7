#pragma once

#include "recipe/recipe.h"
#include "scene/scene_context.h"

#include <QString>
#include <QWidget>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class QPainter;
class QThreadPool;

namespace sf::ui {

/// What a worker thread hands back: the draws sorted into numbers or categories (internal).
struct HistogramDraws;

/// A live histogram of the values one parameter takes: draws samples 0..count-1 of a path
/// exactly as a batch render would (SceneCompiler::drawValue: linked draws, clamping and
/// all), off the GUI thread, and paints them. Numbers become bins over [min, max] of the
/// draws with the mean and standard deviation; strings, booleans and numbers with only a few
/// distinct values become one bar per value with its share.
///
/// Requests are numbered: a newer drawParameter() cancels the older ones, and a stale result
/// never replaces a newer one.
class HistogramWidget : public QWidget {
  Q_OBJECT

public:
  /// How many draws a histogram shows by default.
  static constexpr int kDefaultDraws = 10000;
  /// Bins of a numeric histogram.
  static constexpr int kBins = 40;
  /// Numbers with at most this many distinct values are shown as categories.
  static constexpr int kMaxDiscreteValues = 12;

  /// One bar of a categorical histogram: a value and how many draws took it.
  struct Category {
    QString label;  ///< the value as text ("smile", "true", "512 px")
    int count = 0;
  };

  explicit HistogramWidget(QWidget* parent = nullptr);
  ~HistogramWidget() override;

  /// Starts drawing samples 0..count-1 of `path` in a worker thread; what shows now stays
  /// until the result arrives, then updated() is emitted. `unit` labels numbers ("deg").
  void drawParameter(const Recipe& recipe, const SceneContext& context, const std::string& path,
                     const QString& unit = {}, int count = kDefaultDraws);
  /// Shows `message` instead of a histogram (nothing selected, or an error); cancels any
  /// draw still running.
  void setMessage(const QString& message);

  /// True while a requested draw has not arrived yet.
  bool isBusy() const { return m_shownGeneration != m_requestedGeneration; }
  /// The numeric draws shown, ascending; empty for strings and booleans.
  const std::vector<double>& numbers() const { return m_numbers; }
  /// The bars when the draws are shown by value (strings, booleans, numbers with few
  /// distinct values), in the distribution's order where it has one; else empty.
  const std::vector<Category>& categories() const { return m_categories; }
  /// How many values were drawn (0 when a message shows).
  int drawCount() const { return m_drawCount; }
  /// Mean and sample standard deviation of the numeric draws.
  double mean() const { return m_mean; }
  double standardDeviation() const { return m_sd; }
  /// The message shown instead of a histogram, or empty.
  const QString& message() const { return m_message; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

signals:
  /// A requested histogram arrived and is shown.
  void updated();

protected:
  void paintEvent(QPaintEvent* event) override;

private:
  void deliver(std::uint64_t generation, const HistogramDraws& draws);
  void paintNumbers(QPainter& painter, const QRect& area) const;
  void paintCategories(QPainter& painter, const QRect& area) const;
  int categoryRowHeight() const;

  QThreadPool* m_pool = nullptr;
  /// The newest request; workers compare against it to stop early.
  std::shared_ptr<std::atomic<std::uint64_t>> m_latest;
  std::uint64_t m_requestedGeneration = 0;
  std::uint64_t m_shownGeneration = 0;

  std::vector<double> m_numbers;
  std::vector<Category> m_categories;
  std::vector<int> m_bins;
  QString m_unit;
  QString m_message;
  bool m_failed = false;  ///< the message is why the draws failed
  int m_drawCount = 0;
  double m_mean = 0.0;
  double m_sd = 0.0;
};

}  // namespace sf::ui
