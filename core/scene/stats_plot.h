#pragma once

#include "render/image.h"
#include "scene/scene_stats.h"

#include <string>
#include <vector>

namespace sf {

/// Layout of plotSummaries().
struct StatsPlotOptions {
  std::string title;         ///< drawn across the top
  int columns = 5;           ///< cells per row
  int cellWidth = 250;       ///< pixels
  int cellHeight = 140;      ///< pixels
  int bins = 40;             ///< histogram bins for numbers
  bool skipConstant = true;  ///< leave out parameters that never vary
};

/// A grid of small plots, one per parameter: a histogram for numbers (with min, max, mean
/// and sd), bars with shares for categories, each titled with the parameter's path.
/// Returns a linear RGB image for writeImage().
Image plotSummaries(const std::vector<ParameterSummary>& summaries,
                    const StatsPlotOptions& options = {});

}  // namespace sf
