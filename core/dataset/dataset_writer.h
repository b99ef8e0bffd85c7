#pragma once

#include "batch/sample_renderer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sf {

/// What a dataset writer knows about the whole dataset, whichever shard it writes.
struct DatasetInfo {
  std::string recipeName;
  std::string recipeHash;  ///< recipeHash() of the recipe as rendered
  int width = 0;
  int height = 0;
  std::uint64_t start = 0;  ///< the dataset's first sample index
  std::uint64_t count = 0;  ///< how many samples the dataset has (all shards together)
  std::vector<std::string> landmarkNames;  ///< the 70, in order
  /// {"0": "BACKGROUND", "1": "SKIN", ...}: labels.md's classes
  nlohmann::json classes;
};

/// Writes rendered samples in one dataset format. The batch runner calls writeSample() for
/// each sample (from one thread at a time) and finish() once at the end of every run, shard
/// or resumed run, with every sample index of the dataset that is complete on disk so far.
/// Every file must be written atomically (util/files.h) so a killed run leaves none broken.
class DatasetWriter {
public:
  virtual ~DatasetWriter() = default;
  /// Writes one sample's files into `dir`; appends their names (relative to dir) to `files`.
  /// Throws sf::Error on failure.
  virtual void writeSample(const std::filesystem::path& dir, const RenderedSample& sample,
                           std::vector<std::string>& files) = 0;
  /// Writes whole-dataset files (an annotation index, say) from what is on disk. Throws
  /// sf::Error on failure.
  virtual void finish(const std::filesystem::path& dir, const DatasetInfo& info,
                      std::span<const std::uint64_t> completeSamples) {
    (void)dir;
    (void)info;
    (void)completeSamples;
  }
};

/// The dataset formats SynthFace can write: "facesynthetics" built in; plugins add more.
class DatasetWriterRegistry {
public:
  using Factory = std::function<std::unique_ptr<DatasetWriter>()>;

  /// The registry of this process, with the built-in formats.
  static DatasetWriterRegistry& instance();

  /// Registers a format; throws sf::Error when the name is taken or empty.
  void add(const std::string& name, const std::string& description, Factory factory);
  /// A new writer for `name`; throws sf::Error listing the known formats otherwise.
  std::unique_ptr<DatasetWriter> create(const std::string& name) const;
  bool has(const std::string& name) const;
  /// (name, description) of every format, sorted by name.
  std::vector<std::pair<std::string, std::string>> formats() const;

private:
  struct Entry {
    std::string description;
    Factory factory;
  };
  std::map<std::string, Entry> m_entries;
};

/// The FaceSynthetics layout (labels.md): {id}.png, {id}_seg.png, {id}_ldmks.txt, plus
/// SynthFace's side files that do not disturb it: {id}_depth.exr, {id}_normals.exr,
/// {id}_ldmks_visible.txt, {id}_ldmks_dense.txt and {id}_mask_<class>.png soft masks.
std::unique_ptr<DatasetWriter> createFaceSyntheticsWriter();

/// A stable hash of a recipe's content: "fnv1a64:<16 hex digits>" of its canonical JSON.
std::string recipeHash(const nlohmann::json& recipeJson);

/// labels.md's class table as {"0": "BACKGROUND", ...}.
nlohmann::json labelClassTable();

}  // namespace sf
