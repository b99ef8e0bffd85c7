#pragma once

#include "batch/sample_renderer.h"
#include "render/image.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sf {

/// Renders the thumbnails of built-in assets with the batch's own renderer: the built-in
/// head of average shape, neutral, under the studio softbox, wearing the asset (a skin, a
/// groom, a garment, glasses...) and framed for its kind: a skin or brows close, hair and
/// headwear turned three-quarters, clothing with the shoulders in. What a thumbnail shows
/// is what a sample with that asset renders. Thread-safe for render().
class AssetThumbnailer {
public:
  /// Loads the built-in head (from its cache; building it takes a while the first time).
  /// Throws sf::Error when it cannot.
  static AssetThumbnailer create(int size = 160, int samplesPerPixel = 24);

  /// The recipe settings (`--set` assignments) that show `assetId` of `kind`; empty for a
  /// kind with no thumbnail of this sort (environments are painted).
  static std::vector<std::string> settingsFor(const std::string& assetId, const std::string& kind);

  /// The thumbnail of `assetId`: linear RGB, size x size, on at most `threads` threads
  /// (0: all). Throws sf::Error for an asset the settings cannot show.
  Image render(const std::string& assetId, const std::string& kind, int threads = 0) const;
  /// render() with `extra` settings after the asset's own (they win): another identity
  /// ("seed=3", "identity.distinctiveness=1"), another view ("camera.yaw=0").
  Image render(const std::string& assetId, const std::string& kind, int threads,
               const std::vector<std::string>& extra) const;

  /// Where a built-in asset's thumbnail is kept between runs: under `cacheRoot` (the
  /// studio's $XDG_CACHE_HOME/synthface), in a folder named for the renderer's version,
  /// so a new release renders its own.
  static std::filesystem::path cachePath(const std::filesystem::path& cacheRoot,
                                         const std::string& assetId, const std::string& kind);

private:
  int m_size = 160;
  int m_samplesPerPixel = 24;
  std::optional<SampleRenderer> m_renderer;  ///< holds the head shared by every thumbnail
};

}  // namespace sf
