#pragma once

#include "batch/sample_renderer.h"
#include "dataset/dataset_writer.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace sf {

/// What a batch run renders, and where.
struct BatchOptions {
  std::filesystem::path out;  ///< the dataset folder, created if missing
  std::uint64_t start = 0;    ///< first sample index of the dataset
  std::uint64_t count = 1;    ///< samples in the dataset (all shards together)
  int shardIndex = 0;         ///< this process renders indices i with (i - start) % shards == shard
  int shardCount = 1;
  bool resume = false;                                    ///< skip samples already complete on disk
  std::vector<std::string> formats = {"facesynthetics"};  ///< DatasetWriterRegistry names
  /// Called after every sample, from the thread that runs the batch.
  std::function<void(const struct BatchProgress&)> progress;
  const std::atomic<bool>* cancel = nullptr;  ///< set to stop after the current sample
};

/// How a batch run is going.
struct BatchProgress {
  std::uint64_t done = 0;     ///< samples of this shard finished in this run (rendered or failed)
  std::uint64_t total = 0;    ///< samples of this shard to do in this run
  std::uint64_t skipped = 0;  ///< complete already (resume)
  std::uint64_t failed = 0;
  double seconds = 0.0;  ///< since the run started
  std::uint64_t lastIndex = 0;
  std::string lastError;  ///< the last sample's error, empty if it succeeded
};

/// What a batch run did.
struct BatchResult {
  std::uint64_t rendered = 0;
  std::uint64_t skipped = 0;
  std::uint64_t failed = 0;
  bool cancelled = false;
  std::vector<std::pair<std::uint64_t, std::string>> failures;  ///< index, error
  double seconds = 0.0;
};

/// The completion marker of a sample: written last, after every format's files.
std::filesystem::path sampleMarker(const std::filesystem::path& dir, std::uint64_t index);

/// Whether sample `index` is complete in `dir`: its marker exists and names files that all
/// exist.
bool sampleComplete(const std::filesystem::path& dir, std::uint64_t index);

/// Renders a dataset, or one shard of it: each sample is rendered, written by every format,
/// and then marked complete ({id}_meta.json). A sample that fails is logged in
/// {id}_error.json and skipped; the others keep their indices. At the end the run writes
/// dataset.json and manifest.json from what is on disk, under a lock, so the last shard
/// to finish leaves a manifest of the whole dataset. Throws sf::Error for bad options or
/// an output folder that cannot be written.
BatchResult runBatch(const SampleRenderer& renderer, const Recipe& recipe,
                     const BatchOptions& options);

/// Writes manifest.json for samples [start, start + count) of `dir` from what is on disk:
/// per-sample status (done, failed, pending), the recipe hash, versions, and a summary of
/// the licences of the assets used (looked up in `assets`). Returns the indices complete.
std::vector<std::uint64_t> writeManifest(const std::filesystem::path& dir, const DatasetInfo& info,
                                         const FaceModel& model,
                                         const AssetCatalog* assets = nullptr);

}  // namespace sf
