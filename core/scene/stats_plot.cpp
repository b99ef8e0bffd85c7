#include "scene/stats_plot.h"

#include "render/contact_sheet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sf {

namespace {

constexpr int kGlyphAdvance = 6;  ///< the built-in font: 5 pixels and a gap
constexpr int kLineHeight = 11;   ///< 9 rows of glyph and 2 of spacing
constexpr int kPadding = 8;

const Eigen::Vector3f kBackground = Eigen::Vector3f::Constant(0.02f);
const Eigen::Vector3f kCell = Eigen::Vector3f::Constant(0.055f);
const Eigen::Vector3f kTitle = Eigen::Vector3f::Constant(0.85f);
const Eigen::Vector3f kText = Eigen::Vector3f::Constant(0.45f);
const Eigen::Vector3f kBar(0.10f, 0.35f, 0.80f);
const Eigen::Vector3f kMean(0.90f, 0.45f, 0.10f);

void fillRect(Image& image, int x0, int y0, int width, int height, const Eigen::Vector3f& colour) {
  for (int y = std::max(0, y0); y < std::min(image.height, y0 + height); ++y) {
    for (int x = std::max(0, x0); x < std::min(image.width, x0 + width); ++x) {
      float* pixel = image.pixel(x, y);
      pixel[0] = colour.x();
      pixel[1] = colour.y();
      pixel[2] = colour.z();
    }
  }
}

std::string shortNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4g", value);
  return buffer;
}

/// Cuts text to fit `width` pixels of the font.
std::string fitted(const std::string& text, int width) {
  const auto fits = static_cast<std::size_t>(std::max(1, width / kGlyphAdvance));
  return text.size() <= fits ? text : text.substr(0, fits > 2 ? fits - 2 : 1) + "..";
}

void drawHistogram(Image& image, const ParameterSummary& summary, int x, int y, int width,
                   int height, int bins) {
  // Bars over [min, max]; the tallest bin fills the height.
  std::vector<std::size_t> counts(static_cast<std::size_t>(bins), 0);
  const double span = summary.max - summary.min;
  for (const double value : summary.sorted) {
    int bin = span > 0.0 ? static_cast<int>((value - summary.min) / span * bins) : 0;
    bin = std::clamp(bin, 0, bins - 1);
    ++counts[static_cast<std::size_t>(bin)];
  }
  const std::size_t tallest = *std::max_element(counts.begin(), counts.end());
  const int barWidth = std::max(1, width / bins);
  const int left = x + (width - barWidth * bins) / 2;
  for (int b = 0; b < bins; ++b) {
    const double share = static_cast<double>(counts[static_cast<std::size_t>(b)]) /
                         static_cast<double>(std::max<std::size_t>(tallest, 1));
    const int barHeight = static_cast<int>(std::lround(share * height));
    fillRect(image, left + b * barWidth, y + height - barHeight, std::max(1, barWidth - 1),
             barHeight, kBar);
  }
  // The mean as a thin line, and the axis.
  if (span > 0.0) {
    const int meanX =
        left + static_cast<int>(std::lround((summary.mean - summary.min) / span * barWidth * bins));
    fillRect(image, meanX, y, 1, height, kMean);
  }
  fillRect(image, left, y + height, barWidth * bins, 1, kText);
  const std::string low = shortNumber(summary.min);
  const std::string high = shortNumber(summary.max);
  drawText(image, left, y + height + 3, low, kText);
  drawText(image, left + barWidth * bins - kGlyphAdvance * static_cast<int>(high.size()) + 1,
           y + height + 3, high, kText);
}

void drawCategories(Image& image, const ParameterSummary& summary, int x, int y, int width,
                    int height) {
  const int rows = std::max(1, height / kLineHeight);
  const int labelWidth = 13 * kGlyphAdvance;
  const int shareWidth = 7 * kGlyphAdvance;
  const int barSpace = width - labelWidth - shareWidth;
  const std::size_t largest = summary.categories.empty() ? 1 : summary.categories[0].second;
  for (int row = 0; row < rows && row < static_cast<int>(summary.categories.size()); ++row) {
    const auto& [name, count] = summary.categories[static_cast<std::size_t>(row)];
    const int top = y + row * kLineHeight;
    if (row == rows - 1 && static_cast<int>(summary.categories.size()) > rows) {
      drawText(image, x, top,
               "(" + std::to_string(summary.categories.size() - static_cast<std::size_t>(row)) +
                   " more)",
               kText);
      break;
    }
    drawText(image, x, top, fitted(name, labelWidth - kGlyphAdvance), kText);
    const int barLength = static_cast<int>(
        std::lround(static_cast<double>(count) / static_cast<double>(largest) * (barSpace - 4)));
    fillRect(image, x + labelWidth, top, std::max(1, barLength), 7, kBar);
    char share[16];
    std::snprintf(share, sizeof(share), "%.1f%%",
                  100.0 * static_cast<double>(count) / static_cast<double>(summary.count));
    drawText(image, x + labelWidth + barSpace, top, share, kText);
  }
}

}  // namespace

Image plotSummaries(const std::vector<ParameterSummary>& summaries,
                    const StatsPlotOptions& options) {
  std::vector<const ParameterSummary*> shown;
  std::size_t constants = 0;
  for (const ParameterSummary& summary : summaries) {
    if (!(options.skipConstant && summary.isConstant())) {
      shown.push_back(&summary);
    } else {
      ++constants;
    }
  }
  const int columns = std::max(1, std::min(options.columns, static_cast<int>(shown.size())));
  const int rows = (static_cast<int>(shown.size()) + columns - 1) / columns;
  const int header = options.title.empty() ? 0 : 3 * kLineHeight + kPadding;
  const int width = kPadding + columns * (options.cellWidth + kPadding);
  const int height = header + kPadding + std::max(rows, 1) * (options.cellHeight + kPadding);
  Image image(width, height, 3);
  fillRect(image, 0, 0, width, height, kBackground);
  if (!options.title.empty()) {
    drawText(image, kPadding, kPadding, options.title, kTitle, 2);
    if (constants > 0) {
      drawText(image, kPadding, kPadding + 2 * kLineHeight + 2,
               std::to_string(constants) +
                   " parameters that never vary are not shown. Orange: the mean.",
               kText);
    }
  }
  for (int i = 0; i < static_cast<int>(shown.size()); ++i) {
    const ParameterSummary& summary = *shown[static_cast<std::size_t>(i)];
    const int x = kPadding + (i % columns) * (options.cellWidth + kPadding);
    const int y = header + kPadding + (i / columns) * (options.cellHeight + kPadding);
    fillRect(image, x, y, options.cellWidth, options.cellHeight, kCell);
    const int innerX = x + kPadding;
    const int innerWidth = options.cellWidth - 2 * kPadding;
    drawText(image, innerX, y + kPadding, fitted(summary.path, innerWidth), kTitle);
    const int plotTop = y + kPadding + kLineHeight + 4;
    if (summary.numeric) {
      drawText(image, innerX, plotTop,
               fitted("mean " + shortNumber(summary.mean) + "  sd " + shortNumber(summary.sd),
                      innerWidth),
               kText);
      const int histogramTop = plotTop + kLineHeight + 2;
      const int histogramHeight = y + options.cellHeight - kPadding - kLineHeight - histogramTop;
      drawHistogram(image, summary, innerX, histogramTop, innerWidth, histogramHeight,
                    std::max(1, options.bins));
    } else {
      drawCategories(image, summary, innerX, plotTop, innerWidth,
                     y + options.cellHeight - kPadding - plotTop);
    }
  }
  return image;
}

}  // namespace sf
