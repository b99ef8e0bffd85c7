#include "histogram_widget.h"

#include "recipe/recipe_io.h"
#include "scene/scene_compiler.h"

#include <QFontMetrics>
#include <QLocale>
#include <QPaintEvent>
#include <QPainter>
#include <QThreadPool>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <utility>

namespace sf::ui {

namespace {

/// A number as a plot shows it: four significant digits, no exponent for everyday sizes.
QString formatNumber(double value) {
  if (value == 0.0) {
    return QStringLiteral("0");
  }
  const double magnitude = std::abs(value);
  if (magnitude >= 1e4 && magnitude < 1e9) {
    return QString::number(value, 'f', 0);
  }
  QString text = QString::number(value, 'g', 4);
  if (text.startsWith(QLatin1Char('-'))) {
    text.replace(0, 1, QChar(0x2212));  // a real minus sign
  }
  return text;
}

/// A number with its unit: "30°", "450 mm", "0.5".
QString withUnit(double value, const QString& unit) {
  if (unit.isEmpty()) {
    return formatNumber(value);
  }
  if (unit == QLatin1String("deg")) {
    return formatNumber(value) + QChar(0x00B0);
  }
  return formatNumber(value) + QLatin1Char(' ') + unit;
}

/// A number to the precision a plot spanning `span` needs: "-79", "0.42", "1250".
QString formatForSpan(double value, double span, int extraDigits = 0) {
  if (!(span > 0.0) || !std::isfinite(span)) {
    return formatNumber(value);
  }
  const int decimals =
      std::clamp(2 - static_cast<int>(std::floor(std::log10(span))) + extraDigits, 0, 6);
  QString text = QString::number(value, 'f', decimals);
  if (text.startsWith(QLatin1Char('-'))) {
    text.replace(0, 1, QChar(0x2212));
  }
  if (text == QString(QChar(0x2212)) + QString::number(0.0, 'f', decimals)) {
    text.remove(0, 1);  // no "-0.0"
  }
  return text;
}

/// formatForSpan() with the unit.
QString withUnitForSpan(double value, double span, const QString& unit, int extraDigits = 0) {
  const QString number = formatForSpan(value, span, extraDigits);
  if (unit.isEmpty()) {
    return number;
  }
  return unit == QLatin1String("deg") ? number + QChar(0x00B0) : number + QLatin1Char(' ') + unit;
}

/// A "nice" tick step (1, 2 or 5 times a power of ten) for about `ticks` intervals.
double niceStep(double span, int ticks) {
  const double rough = span / std::max(1, ticks);
  const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  const double residual = rough / magnitude;
  const double nice = residual < 1.5 ? 1.0 : residual < 3.0 ? 2.0 : residual < 7.0 ? 5.0 : 10.0;
  return nice * magnitude;
}

}  // namespace

/// What a worker hands back to the GUI thread.
struct HistogramDraws {
  using Category = HistogramWidget::Category;
  std::vector<double> numbers;
  std::vector<Category> categories;
  QString error;
  QString unit;
  int count = 0;
  bool cancelled = false;
};

namespace {

/// Draws `count` values of `path` and sorts them into numbers or categories. Stops early
/// (cancelled) when `stale()` says a newer request came.
template <typename Stale>
void computeDraws(const Recipe& recipe, const SceneContext& context, const std::string& path,
                  int count, const Stale& stale, HistogramDraws& result) {
  std::vector<Value> values;
  values.reserve(static_cast<std::size_t>(count));
  try {
    const SceneCompiler compiler = SceneCompiler::create(recipe, context);
    for (int i = 0; i < count; ++i) {
      if (i % 256 == 0 && stale()) {
        result.cancelled = true;
        return;
      }
      values.push_back(compiler.drawValue(static_cast<std::uint64_t>(i), path));
    }
  } catch (const std::exception& error) {
    result.error = QString::fromStdString(error.what());
    return;
  }
  result.count = count;

  const bool numeric =
      std::all_of(values.begin(), values.end(), [](const Value& v) { return isNumeric(v); });
  if (numeric) {
    result.numbers.reserve(values.size());
    for (const Value& value : values) {
      result.numbers.push_back(numericValue(value));
    }
    std::sort(result.numbers.begin(), result.numbers.end());
    // Few distinct values (a constant, a categorical of numbers): one bar each.
    std::vector<std::pair<double, int>> distinct;
    for (const double number : result.numbers) {
      if (distinct.empty() || distinct.back().first != number) {
        if (static_cast<int>(distinct.size()) == HistogramWidget::kMaxDiscreteValues) {
          distinct.clear();
          break;
        }
        distinct.emplace_back(number, 0);
      }
      ++distinct.back().second;
    }
    for (const auto& [number, hits] : distinct) {
      result.categories.push_back({withUnit(number, result.unit), hits});
    }
    return;
  }

  // Strings, booleans and none: in the distribution's order when it lists its outcomes,
  // then the rest, most frequent first.
  std::map<std::string, int> counts;
  for (const Value& value : values) {
    ++counts[valueToString(value)];
  }
  try {
    if (const auto outcomes = parameterDistribution(recipe, path)->outcomes()) {
      for (const Value& outcome : *outcomes) {
        const std::string text = valueToString(outcome);
        const auto it = counts.find(text);
        if (it != counts.end()) {
          result.categories.push_back({QString::fromStdString(text), it->second});
          counts.erase(it);
        } else if (std::none_of(result.categories.begin(), result.categories.end(),
                                [&](const HistogramWidget::Category& c) {
                                  return c.label.toStdString() == text;
                                })) {
          result.categories.push_back({QString::fromStdString(text), 0});
        }
      }
    }
  } catch (const std::exception&) {
    // A path without its own distribution (composed values): plain frequency order.
  }
  std::vector<std::pair<std::string, int>> rest(counts.begin(), counts.end());
  std::stable_sort(rest.begin(), rest.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [text, hits] : rest) {
    result.categories.push_back({QString::fromStdString(text), hits});
  }
}

}  // namespace

HistogramWidget::HistogramWidget(QWidget* parent)
    : QWidget(parent),
      m_pool(new QThreadPool(this)),
      m_latest(std::make_shared<std::atomic<std::uint64_t>>(0)) {
  m_pool->setMaxThreadCount(1);
  setObjectName(QStringLiteral("histogram"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setMessage(tr("Select a parameter to see its values"));
}

HistogramWidget::~HistogramWidget() {
  // Stop the worker and wait for it: it may post to this widget until it returns.
  m_latest->store(std::numeric_limits<std::uint64_t>::max());
  m_pool->clear();
  m_pool->waitForDone();
}

void HistogramWidget::drawParameter(const Recipe& recipe, const SceneContext& context,
                                    const std::string& path, const QString& unit, int count) {
  const std::uint64_t generation = ++m_requestedGeneration;
  m_latest->store(generation);
  m_pool->start([this, latest = m_latest, generation, recipe, context, path, unit, count] {
    HistogramDraws result;
    result.unit = unit;
    computeDraws(
        recipe, context, path, count, [&] { return latest->load() != generation; }, result);
    if (result.cancelled) {
      return;
    }
    QMetaObject::invokeMethod(
        this, [this, generation, result = std::move(result)] { deliver(generation, result); },
        Qt::QueuedConnection);
  });
}

void HistogramWidget::setMessage(const QString& message) {
  m_requestedGeneration = m_shownGeneration = m_requestedGeneration + 1;
  m_latest->store(m_requestedGeneration);
  m_numbers.clear();
  m_categories.clear();
  m_bins.clear();
  m_drawCount = 0;
  m_mean = m_sd = 0.0;
  m_message = message;
  m_failed = false;
  updateGeometry();
  update();
}

void HistogramWidget::deliver(std::uint64_t generation, const HistogramDraws& result) {
  if (generation != m_requestedGeneration) {
    return;  // a newer request is under way
  }
  m_shownGeneration = generation;
  m_numbers = result.numbers;
  m_categories = result.categories;
  m_unit = result.unit;
  m_drawCount = result.count;
  m_message = result.error;
  m_failed = !result.error.isEmpty();
  m_bins.assign(kBins, 0);
  m_mean = m_sd = 0.0;
  if (!m_numbers.empty()) {
    double sum = 0.0;
    for (const double value : m_numbers) {
      sum += value;
    }
    m_mean = sum / static_cast<double>(m_numbers.size());
    double squares = 0.0;
    for (const double value : m_numbers) {
      squares += (value - m_mean) * (value - m_mean);
    }
    m_sd =
        m_numbers.size() > 1 ? std::sqrt(squares / static_cast<double>(m_numbers.size() - 1)) : 0.0;
    const double low = m_numbers.front();
    const double span = m_numbers.back() - low;
    for (const double value : m_numbers) {
      const int bin = span > 0.0 ? static_cast<int>((value - low) / span * kBins) : 0;
      ++m_bins[static_cast<std::size_t>(std::clamp(bin, 0, kBins - 1))];
    }
  }
  updateGeometry();
  update();
  emit updated();
}

int HistogramWidget::categoryRowHeight() const {
  return fontMetrics().height() + 6;
}

QSize HistogramWidget::sizeHint() const {
  const int line = fontMetrics().height();
  if (!m_categories.empty()) {
    const int rows = std::min<int>(static_cast<int>(m_categories.size()), kMaxDiscreteValues + 1);
    return {300, line + 12 + rows * categoryRowHeight() + 8};
  }
  return {300, 8 * line + 40};
}

QSize HistogramWidget::minimumSizeHint() const {
  const QSize hint = sizeHint();
  return {160, std::min(hint.height(), 6 * fontMetrics().height() + 24)};
}

void HistogramWidget::paintEvent(QPaintEvent* event) {
  (void)event;
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing, false);
  painter.fillRect(rect(), palette().base());
  painter.setPen(palette().color(QPalette::Mid));
  painter.drawRect(rect().adjusted(0, 0, -1, -1));
  const QRect area = rect().adjusted(8, 6, -8, -6);
  if (!m_message.isEmpty() || m_drawCount == 0) {
    painter.setPen(m_failed ? QColor(198, 40, 40) : palette().color(QPalette::PlaceholderText));
    painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_message);
    return;
  }
  if (!m_categories.empty()) {
    paintCategories(painter, area);
  } else {
    paintNumbers(painter, area);
  }
}

void HistogramWidget::paintNumbers(QPainter& painter, const QRect& area) const {
  const QFontMetrics metrics = fontMetrics();
  const int line = metrics.height();
  const QColor text = palette().color(QPalette::WindowText);
  const QColor faint = palette().color(QPalette::PlaceholderText);
  const QColor bar = palette().color(QPalette::Highlight);

  // Header: the moments left, the count right.
  painter.setPen(text);
  const QRect header(area.left(), area.top(), area.width(), line);
  const double range = m_numbers.back() - m_numbers.front();
  painter.drawText(
      header, Qt::AlignLeft | Qt::AlignVCenter,
      tr("mean %1   sd %2")
          .arg(withUnitForSpan(m_mean, range, m_unit, 1), withUnitForSpan(m_sd, range, m_unit, 1)));
  painter.setPen(faint);
  painter.drawText(header, Qt::AlignRight | Qt::AlignVCenter,
                   tr("n = %1").arg(QLocale().toString(m_drawCount)));

  // Plot: bars over [min, max] of the draws, the tallest bin's share as the y scale.
  const QRect plot(area.left(), header.bottom() + 6 + line, area.width(),
                   area.height() - 2 * line - 6 - line - 10);
  const int peak = *std::max_element(m_bins.begin(), m_bins.end());
  painter.setPen(faint);
  painter.drawText(QRect(plot.left(), plot.top() - line - 1, plot.width(), line),
                   Qt::AlignLeft | Qt::AlignBottom,
                   tr("peak bin: %1% of draws")
                       .arg(QString::number(100.0 * peak / std::max(1, m_drawCount), 'f', 1)));
  painter.setPen(QPen(palette().color(QPalette::Midlight), 1, Qt::DotLine));
  painter.drawLine(plot.left(), plot.top(), plot.right(), plot.top());

  const double low = m_numbers.front();
  const double high = m_numbers.back();
  const double span = high - low;
  auto xOf = [&](double value) {
    return plot.left() + (span > 0.0 ? (value - low) / span : 0.5) * plot.width();
  };
  QColor fill = bar;
  fill.setAlpha(170);
  for (int i = 0; i < kBins; ++i) {
    const int count = m_bins[static_cast<std::size_t>(i)];
    if (count == 0) {
      continue;
    }
    const int x0 = plot.left() + i * plot.width() / kBins;
    const int x1 = plot.left() + (i + 1) * plot.width() / kBins;
    const int height = static_cast<int>(std::lround(double(count) / peak * plot.height()));
    painter.fillRect(QRect(x0, plot.bottom() - height + 1, std::max(1, x1 - x0 - 1), height), fill);
  }

  // The mean, and one standard deviation either side.
  painter.setPen(QPen(text, 1, Qt::DashLine));
  const int meanX = static_cast<int>(std::lround(xOf(m_mean)));
  painter.drawLine(meanX, plot.top(), meanX, plot.bottom());
  painter.setPen(QPen(faint, 1, Qt::DotLine));
  for (const double side : {m_mean - m_sd, m_mean + m_sd}) {
    if (side >= low && side <= high && m_sd > 0.0) {
      const int x = static_cast<int>(std::lround(xOf(side)));
      painter.drawLine(x, plot.top() + plot.height() / 3, x, plot.bottom());
    }
  }

  // Axis: min and max at the ends, round ticks between where they fit.
  painter.setPen(text);
  painter.drawLine(plot.left(), plot.bottom() + 1, plot.right(), plot.bottom() + 1);
  const int labelTop = plot.bottom() + 5;
  const QString lowText = withUnitForSpan(low, span, m_unit);
  const QString highText = withUnitForSpan(high, span, m_unit);
  const int lowRight = plot.left() + metrics.horizontalAdvance(lowText);
  const int highLeft = plot.right() - metrics.horizontalAdvance(highText);
  painter.drawLine(plot.left(), plot.bottom() + 1, plot.left(), plot.bottom() + 4);
  painter.drawLine(plot.right(), plot.bottom() + 1, plot.right(), plot.bottom() + 4);
  painter.drawText(QRect(plot.left(), labelTop, plot.width(), line), Qt::AlignLeft, lowText);
  painter.drawText(QRect(plot.left(), labelTop, plot.width(), line), Qt::AlignRight, highText);
  if (span > 0.0) {
    const double step = niceStep(span, std::max(2, plot.width() / 70));
    painter.setPen(faint);
    for (double tick = std::ceil(low / step) * step; tick <= high; tick += step) {
      const double value = std::abs(tick) < step * 1e-9 ? 0.0 : tick;
      const QString label = withUnitForSpan(value, span, m_unit);
      const int x = static_cast<int>(std::lround(xOf(value)));
      const int half = metrics.horizontalAdvance(label) / 2;
      if (x - half < lowRight + 4 || x + half > highLeft - 4) {
        continue;
      }
      painter.drawLine(x, plot.bottom() + 1, x, plot.bottom() + 4);
      painter.drawText(QRect(x - half - 2, labelTop, 2 * half + 4, line), Qt::AlignHCenter, label);
    }
  }
  painter.setPen(faint);
  painter.drawText(QRect(area.left(), labelTop + line, area.width(), line), Qt::AlignHCenter,
                   tr("%1 bins; dashed: mean, dotted: \u00B11 sd").arg(kBins));
}

void HistogramWidget::paintCategories(QPainter& painter, const QRect& area) const {
  const QFontMetrics metrics = fontMetrics();
  const int line = metrics.height();
  // Rows share the height there is, up to half as tall again as they need.
  const int rows = std::min<int>(static_cast<int>(m_categories.size()), kMaxDiscreteValues + 1);
  const int rowHeight = std::clamp((area.height() - line - 6) / std::max(1, rows),
                                   categoryRowHeight(), categoryRowHeight() * 3 / 2);
  const QColor text = palette().color(QPalette::WindowText);
  const QColor faint = palette().color(QPalette::PlaceholderText);
  QColor fill = palette().color(QPalette::Highlight);
  fill.setAlpha(170);

  painter.setPen(faint);
  painter.drawText(
      QRect(area.left(), area.top(), area.width(), line), Qt::AlignLeft | Qt::AlignVCenter,
      m_categories.size() == 1 ? tr("1 value") : tr("%1 values").arg(m_categories.size()));
  painter.drawText(QRect(area.left(), area.top(), area.width(), line),
                   Qt::AlignRight | Qt::AlignVCenter,
                   tr("n = %1").arg(QLocale().toString(m_drawCount)));

  // Rows: label | bar | share. Past kMaxDiscreteValues rows, the rest share one row.
  const int shown = std::min<int>(static_cast<int>(m_categories.size()), kMaxDiscreteValues);
  int widest = 0;
  int peak = 1;
  for (int i = 0; i < shown; ++i) {
    widest = std::max(widest, metrics.horizontalAdvance(m_categories[std::size_t(i)].label));
    peak = std::max(peak, m_categories[std::size_t(i)].count);
  }
  const int labelWidth = std::min(widest + 2, area.width() * 2 / 5);
  const int shareWidth = metrics.horizontalAdvance(QStringLiteral("100.0%"));
  const int barLeft = area.left() + labelWidth + 8;
  const int barWidth = std::max(10, area.right() - shareWidth - 6 - barLeft);
  auto share = [&](int count) {
    return QString::number(100.0 * count / std::max(1, m_drawCount), 'f', 1) + QLatin1Char('%');
  };
  int y = area.top() + line + 6;
  for (int i = 0; i < shown; ++i, y += rowHeight) {
    const Category& category = m_categories[std::size_t(i)];
    painter.setPen(text);
    painter.drawText(QRect(area.left(), y, labelWidth, rowHeight),
                     Qt::AlignRight | Qt::AlignVCenter,
                     metrics.elidedText(category.label, Qt::ElideMiddle, labelWidth));
    const int length = static_cast<int>(std::lround(double(category.count) / peak * barWidth));
    painter.fillRect(
        QRect(barLeft, y + 3, std::max(length, category.count > 0 ? 1 : 0), rowHeight - 6), fill);
    painter.drawText(QRect(barLeft, y, area.right() - barLeft, rowHeight),
                     Qt::AlignRight | Qt::AlignVCenter, share(category.count));
  }
  if (static_cast<int>(m_categories.size()) > shown) {
    int rest = 0;
    for (std::size_t i = static_cast<std::size_t>(shown); i < m_categories.size(); ++i) {
      rest += m_categories[i].count;
    }
    painter.setPen(faint);
    painter.drawText(QRect(area.left(), y, area.width(), rowHeight),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("+%1 more values: %2")
                         .arg(static_cast<int>(m_categories.size()) - shown)
                         .arg(share(rest)));
  }
}

}  // namespace sf::ui
