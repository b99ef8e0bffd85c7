#include "batch/batch_runner.h"

#include "util/error.h"
#include "util/files.h"
#include "util/log.h"
#include "util/version.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <set>

namespace sf {

namespace fs = std::filesystem;

namespace {

/// An exclusive advisory lock on a file, released on destruction: shards of one dataset on
/// one file system take turns writing the shared files.
class FileLock {
public:
  explicit FileLock(const fs::path& path) {
    m_fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (m_fd < 0 || ::flock(m_fd, LOCK_EX) != 0) {
      throw Error(SourceLocation::inFile(path.string()), "cannot lock the dataset folder");
    }
  }
  ~FileLock() {
    if (m_fd >= 0) {
      ::flock(m_fd, LOCK_UN);
      ::close(m_fd);
    }
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

private:
  int m_fd = -1;
};

nlohmann::json readJsonOrNull(const fs::path& path) {
  try {
    return nlohmann::json::parse(readFile(path));
  } catch (const std::exception&) {
    return nullptr;
  }
}

/// Deletes the temporary files a killed run left behind (util/files.h names them
/// ".NAME.tmp.PID..."): those of processes no longer running on this machine and a minute
/// old, so a shard still writing next to us keeps its own.
void removeStaleTemporaries(const fs::path& dir) {
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::size_t mark = name.find(".tmp.");
    if (name.empty() || name[0] != '.' || mark == std::string::npos) {
      continue;
    }
    const long pid = std::strtol(name.c_str() + mark + 5, nullptr, 10);
    const bool running = pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
    const auto age = now - entry.last_write_time(ec);
    if (!running && age > std::chrono::seconds(60)) {
      fs::remove(entry.path(), ec);
    }
  }
}

}  // namespace

fs::path sampleMarker(const fs::path& dir, std::uint64_t index) {
  return dir / (sampleId(index) + "_meta.json");
}

bool sampleComplete(const fs::path& dir, std::uint64_t index) {
  std::error_code ec;
  const fs::path marker = sampleMarker(dir, index);
  if (!fs::exists(marker, ec)) {
    return false;
  }
  const nlohmann::json meta = readJsonOrNull(marker);
  if (!meta.is_object() || !meta.contains("files") || !meta["files"].is_array()) {
    return false;
  }
  for (const nlohmann::json& file : meta["files"]) {
    if (!file.is_string() || !fs::exists(dir / file.get<std::string>(), ec)) {
      return false;
    }
  }
  return true;
}

std::vector<std::uint64_t> writeManifest(const fs::path& dir, const DatasetInfo& info,
                                         const FaceModel& model, const AssetCatalog* assets) {
  std::vector<std::uint64_t> complete;
  nlohmann::json samples = nlohmann::json::array();
  std::map<std::string, std::set<std::string>> licences;  // licence -> assets
  licences[model.license.empty() ? "unknown" : model.license].insert("model:" + model.name);
  std::uint64_t done = 0;
  std::uint64_t failed = 0;
  for (std::uint64_t i = info.start; i < info.start + info.count; ++i) {
    nlohmann::json entry = {{"index", i}, {"id", sampleId(i)}};
    std::error_code ec;
    if (sampleComplete(dir, i)) {
      entry["status"] = "done";
      complete.push_back(i);
      ++done;
      const nlohmann::json meta = readJsonOrNull(sampleMarker(dir, i));
      // Every asset the sample chose, with the licence its library gives.
      const nlohmann::json parameters =
          meta.is_object() && meta.contains("scene") && meta["scene"].contains("parameters")
              ? meta["scene"]["parameters"]
              : nlohmann::json::object();
      for (const auto& entry : parameters.items()) {
        const nlohmann::json& value = entry.value();
        // An asset of a part the sample does not show ("beard.groom" when beard.present is
        // false) was drawn but not used.
        const std::string& path = entry.key();
        const std::string present = path.substr(0, path.find('.')) + ".present";
        if (parameters.contains(present) && parameters[present].is_boolean() &&
            !parameters[present].get<bool>()) {
          continue;
        }
        const AssetInfo* asset = assets != nullptr && value.is_string()
                                     ? assets->find(value.get<std::string>())
                                     : nullptr;
        if (asset != nullptr) {
          licences[asset->licence.empty() ? "unknown" : asset->licence].insert(asset->kind + ":" +
                                                                               asset->id);
        }
      }
    } else if (fs::exists(dir / (sampleId(i) + "_error.json"), ec)) {
      entry["status"] = "failed";
      const nlohmann::json error = readJsonOrNull(dir / (sampleId(i) + "_error.json"));
      entry["error"] = error.is_object() && error.contains("error") ? error["error"] : "";
      ++failed;
    } else {
      entry["status"] = "pending";
    }
    samples.push_back(entry);
  }
  nlohmann::json licenceSummary = nlohmann::json::object();
  for (const auto& [licence, assets] : licences) {
    licenceSummary[licence] = assets;
  }
  const nlohmann::json manifest = {
      {"format", "synthface-dataset-manifest"},
      {"version", 1},
      {"recipe", {{"name", info.recipeName}, {"hash", info.recipeHash}}},
      {"software", {{"synthface", kVersion}}},
      {"model", {{"name", model.name}, {"version", model.version}, {"license", model.license}}},
      {"library", {{"builtin", kVersion}}},
      {"range", {{"start", info.start}, {"count", info.count}}},
      {"summary", {{"done", done}, {"failed", failed}, {"pending", info.count - done - failed}}},
      {"licenses", licenceSummary},
      {"samples", samples},
  };
  writeFileAtomically(dir / "manifest.json", manifest.dump(1) + "\n");
  return complete;
}

BatchResult runBatch(const SampleRenderer& renderer, const Recipe& recipe,
                     const BatchOptions& options) {
  if (options.shardCount < 1 || options.shardIndex < 0 ||
      options.shardIndex >= options.shardCount) {
    throw Error("render: shard must be K/N with 0 <= K < N, got " +
                std::to_string(options.shardIndex) + "/" + std::to_string(options.shardCount));
  }
  if (options.count == 0) {
    throw Error("render: count must be at least 1");
  }
  std::vector<std::unique_ptr<DatasetWriter>> writers;
  for (const std::string& format : options.formats) {
    writers.push_back(DatasetWriterRegistry::instance().create(format));
  }
  std::error_code ec;
  fs::create_directories(options.out, ec);
  if (ec || !fs::is_directory(options.out)) {
    throw Error(SourceLocation::inFile(options.out.string()),
                "cannot create the dataset folder: " + ec.message());
  }

  DatasetInfo info;
  info.recipeName = recipe.name;
  info.recipeHash = recipeHash(recipe.toJson());
  info.width = renderer.resolution();
  info.height = info.width;
  info.start = options.start;
  info.count = options.count;
  for (const Landmark& landmark : renderer.model().landmarks) {
    info.landmarkNames.push_back(landmark.name);
  }
  info.classes = labelClassTable();
  {
    // The dataset's description: the same from every shard, so rewriting it is harmless.
    const FileLock lock(options.out / ".synthface.lock");
    const nlohmann::json dataset = {
        {"format", "facesynthetics"},
        {"formats", options.formats},
        {"recipe", {{"name", info.recipeName}, {"hash", info.recipeHash}}},
        {"width", info.width},
        {"height", info.height},
        {"start", info.start},
        {"count", info.count},
        {"classes", info.classes},
        {"leftRight",
         "subject's own: LEFT_EYE is the subject's left eye, on the image right "
         "of a frontal face; landmark 36 is the outer corner of the right eye"},
        {"landmarkNames", info.landmarkNames},
        {"coordinates", "pixel units, (0, 0) the top left corner of the top left pixel"},
    };
    writeFileAtomically(options.out / "dataset.json", dataset.dump(1) + "\n");
    writeFileAtomically(options.out / "recipe.json", recipe.toJson().dump(2) + "\n");
  }

  if (options.resume) {
    removeStaleTemporaries(options.out);
  }

  // This shard's indices, minus those complete when resuming.
  std::vector<std::uint64_t> todo;
  BatchResult result;
  for (std::uint64_t i = options.start; i < options.start + options.count; ++i) {
    if ((i - options.start) % static_cast<std::uint64_t>(options.shardCount) !=
        static_cast<std::uint64_t>(options.shardIndex)) {
      continue;
    }
    if (options.resume && sampleComplete(options.out, i)) {
      ++result.skipped;
      continue;
    }
    todo.push_back(i);
  }

  const auto begin = std::chrono::steady_clock::now();
  BatchProgress progress;
  progress.total = todo.size();
  progress.skipped = result.skipped;
  for (const std::uint64_t index : todo) {
    if (options.cancel && options.cancel->load()) {
      result.cancelled = true;
      break;
    }
    const std::string id = sampleId(index);
    std::string error;
    try {
      // A stale marker or error from an earlier run must not outlive this attempt.
      fs::remove(sampleMarker(options.out, index), ec);
      fs::remove(options.out / (id + "_error.json"), ec);
      const RenderedSample sample = renderer.render(index);
      std::vector<std::string> files;
      for (const auto& writer : writers) {
        writer->writeSample(options.out, sample, files);
      }
      nlohmann::json meta = sample.metadata;
      meta["files"] = files;
      writeFileAtomically(sampleMarker(options.out, index), meta.dump(1) + "\n");
      ++result.rendered;
    } catch (const std::exception& e) {
      error = e.what();
      ++result.failed;
      result.failures.emplace_back(index, error);
      log::error("sample " + id + ": " + error);
      try {
        const nlohmann::json record = {{"index", index}, {"id", id}, {"error", error}};
        writeFileAtomically(options.out / (id + "_error.json"), record.dump(1) + "\n");
      } catch (const std::exception& inner) {
        log::error("sample " + id + ": cannot record the failure: " + inner.what());
      }
    }
    ++progress.done;
    progress.failed = result.failed;
    progress.lastIndex = index;
    progress.lastError = error;
    progress.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    if (options.progress) {
      options.progress(progress);
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();

  // Whole-dataset files from what is on disk, one shard at a time.
  const FileLock lock(options.out / ".synthface.lock");
  const std::vector<std::uint64_t> complete = writeManifest(
      options.out, info, renderer.model(), renderer.compiler().context().assets.get());
  for (const auto& writer : writers) {
    writer->finish(options.out, info, complete);
  }
  return result;
}

}  // namespace sf
