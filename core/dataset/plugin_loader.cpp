#include "dataset/plugin_loader.h"

#include "dataset/writer_plugin_abi.h"
#include "render/image.h"
#include "util/error.h"
#include "util/files.h"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>

namespace sf {

namespace fs = std::filesystem;

namespace {

/// A loaded module and its descriptor; the module is closed when the last user lets go.
struct LoadedPlugin {
  std::shared_ptr<void> library;
  const sf_writer_plugin_v1* descriptor = nullptr;
  fs::path path;
  std::string name;
};

/// An error buffer for one call into a plugin.
struct ErrorBuffer {
  char text[SF_WRITER_ERROR_SIZE] = {};

  /// The plugin's message, or a stand-in when it gave none.
  std::string message(int status) {
    text[sizeof(text) - 1] = '\0';
    if (text[0] == '\0') {
      return "failed without saying why (status " + std::to_string(status) + ")";
    }
    return text;
  }
};

/// Copies `message` into a plugin's error buffer, truncated and NUL-terminated.
void setError(char* error, std::size_t size, const std::string& message) {
  if (error == nullptr || size == 0) {
    return;
  }
  const std::size_t n = std::min(message.size(), size - 1);
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

/// What the host callbacks of one write_sample() or finish() call work on.
struct HostCall {
  const RenderedSample* sample = nullptr;  ///< null in finish()
  std::vector<std::string>* files = nullptr;
};

/// Runs `body`, turning any exception into a non-zero status and a message: no exception
/// may unwind through the plugin's frames.
template <typename Body>
int guarded(char* error, std::size_t errorSize, Body&& body) {
  try {
    body();
    return 0;
  } catch (const std::exception& e) {
    setError(error, errorSize, e.what());
  } catch (...) {
    setError(error, errorSize, "unknown error");
  }
  return 1;
}

int hostWriteFile(void* context, const char* path, const void* bytes, std::size_t size, char* error,
                  std::size_t errorSize) {
  (void)context;
  return guarded(error, errorSize, [&] {
    if (path == nullptr || (bytes == nullptr && size > 0)) {
      throw Error("write_file: no path or no bytes");
    }
    writeFileAtomically(path, std::string_view(static_cast<const char*>(bytes), size));
  });
}

int hostWritePng(void* context, const char* path, const std::uint8_t* samples, std::int32_t width,
                 std::int32_t height, std::int32_t channels, char* error, std::size_t errorSize) {
  (void)context;
  return guarded(error, errorSize, [&] {
    if (path == nullptr || samples == nullptr || width <= 0 || height <= 0 || channels < 1 ||
        channels > 4) {
      throw Error(SourceLocation::inFile(path ? path : ""),
                  "write_png: needs samples, a positive size and 1 to 4 channels");
    }
    const std::size_t count = std::size_t(width) * std::size_t(height) * std::size_t(channels);
    writeByteImage(std::span(samples, count), width, height, channels, path);
  });
}

int hostWriteSampleImage(void* context, const char* path, char* error, std::size_t errorSize) {
  const auto* call = static_cast<const HostCall*>(context);
  return guarded(error, errorSize, [&] {
    if (path == nullptr || call->sample == nullptr) {
      throw Error("write_sample_image: no path, or called outside write_sample()");
    }
    writeImage(call->sample->image, path);
  });
}

void hostAddFile(void* context, const char* relativePath) {
  auto* call = static_cast<HostCall*>(context);
  if (relativePath == nullptr || call->files == nullptr) {
    return;
  }
  try {
    // Two formats may share a file ({id}.png): list it once.
    const std::string name = relativePath;
    if (std::find(call->files->begin(), call->files->end(), name) == call->files->end()) {
      call->files->push_back(name);
    }
  } catch (...) {
    // Out of memory: the sample will count as incomplete and be rendered again.
  }
}

sf_writer_host_v1 hostFor(HostCall& call) {
  sf_writer_host_v1 host{};
  host.struct_size = sizeof(sf_writer_host_v1);
  host.context = &call;
  host.write_file = &hostWriteFile;
  host.write_png = &hostWritePng;
  if (call.sample != nullptr) {
    host.write_sample_image = &hostWriteSampleImage;
    host.add_file = &hostAddFile;
  }
  return host;
}

/// A sample in the C ABI's terms, with the storage its pointers point into.
class CSample {
public:
  explicit CSample(const RenderedSample& sample) {
    const Image& image = sample.image;
    const std::vector<std::uint8_t> srgb = toSrgb8(image);
    const std::size_t pixels = std::size_t(image.width) * std::size_t(image.height);
    // Always RGB: grey is repeated, alpha dropped.
    m_rgb.resize(pixels * 3);
    const auto channels = std::size_t(std::max(image.channels, 1));
    for (std::size_t p = 0; p < pixels && image.channels > 0; ++p) {
      for (std::size_t c = 0; c < 3; ++c) {
        m_rgb[p * 3 + c] = srgb[p * channels + (channels >= 3 ? c : 0)];
      }
    }
    for (const ProjectedPoint& point : sample.landmarks) {
      m_xy.push_back(point.pixel.x());
      m_xy.push_back(point.pixel.y());
      m_depth.push_back(point.depth);
      m_visible.push_back(point.visible ? 1 : 0);
    }
    for (std::size_t i = 0; i < sample.landmarks.size(); ++i) {
      m_names.push_back(i < sample.landmarkNames.size() ? sample.landmarkNames[i].c_str() : "");
    }
    m_metadata = sample.metadata.dump();

    m_sample.struct_size = sizeof(sf_writer_sample_v1);
    m_sample.index = sample.index;
    m_sample.id = sample.id.c_str();
    m_sample.width = image.width;
    m_sample.height = image.height;
    m_sample.rgb = m_rgb.empty() ? nullptr : m_rgb.data();
    const LabelBuffers& labels = sample.labels;
    const bool hasClasses = labels.width == image.width && labels.height == image.height &&
                            labels.classes.size() == pixels && pixels > 0;
    m_sample.classes = hasClasses ? labels.classes.data() : nullptr;
    m_sample.landmark_count = sample.landmarks.size();
    m_sample.landmark_xy = m_xy.data();
    m_sample.landmark_depth = m_depth.data();
    m_sample.landmark_visible = m_visible.data();
    m_sample.landmark_names = m_names.data();
    m_sample.metadata_json = m_metadata.c_str();
  }

  const sf_writer_sample_v1* get() const { return &m_sample; }

private:
  sf_writer_sample_v1 m_sample{};
  std::vector<std::uint8_t> m_rgb;
  std::vector<float> m_xy;
  std::vector<float> m_depth;
  std::vector<std::uint8_t> m_visible;
  std::vector<const char*> m_names;
  std::string m_metadata;
};

/// The dataset description finish() gets (writer_plugin_abi.h documents its keys).
std::string datasetJson(const DatasetInfo& info) {
  const nlohmann::json json = {
      {"recipe", {{"name", info.recipeName}, {"hash", info.recipeHash}}},
      {"width", info.width},
      {"height", info.height},
      {"start", info.start},
      {"count", info.count},
      {"landmarkNames", info.landmarkNames},
      {"classes", info.classes.is_null() ? nlohmann::json::object() : info.classes},
  };
  return json.dump();
}

/// A DatasetWriter that forwards to a plugin's writer through the C ABI.
class PluginWriter : public DatasetWriter {
public:
  PluginWriter(std::shared_ptr<const LoadedPlugin> plugin, sf_writer* writer)
      : m_plugin(std::move(plugin)), m_writer(writer) {}
  ~PluginWriter() override { m_plugin->descriptor->destroy(m_writer); }
  PluginWriter(const PluginWriter&) = delete;
  PluginWriter& operator=(const PluginWriter&) = delete;

  void writeSample(const fs::path& dir, const RenderedSample& sample,
                   std::vector<std::string>& files) override {
    const CSample cSample(sample);
    HostCall call{&sample, &files};
    const sf_writer_host_v1 host = hostFor(call);
    ErrorBuffer error;
    const int status = m_plugin->descriptor->write_sample(m_writer, dir.c_str(), cSample.get(),
                                                          &host, error.text, sizeof(error.text));
    if (status != 0) {
      throw Error(
          SourceLocation::inFile(m_plugin->path.string()),
          "format '" + m_plugin->name + "', sample " + sample.id + ": " + error.message(status));
    }
  }

  void finish(const fs::path& dir, const DatasetInfo& info,
              std::span<const std::uint64_t> completeSamples) override {
    const std::string dataset = datasetJson(info);
    HostCall call;
    const sf_writer_host_v1 host = hostFor(call);
    ErrorBuffer error;
    const int status =
        m_plugin->descriptor->finish(m_writer, dir.c_str(), dataset.c_str(), completeSamples.data(),
                                     completeSamples.size(), &host, error.text, sizeof(error.text));
    if (status != 0) {
      throw Error(
          SourceLocation::inFile(m_plugin->path.string()),
          "format '" + m_plugin->name + "', finishing the dataset: " + error.message(status));
    }
  }

private:
  std::shared_ptr<const LoadedPlugin> m_plugin;
  sf_writer* m_writer;
};

bool validFormatName(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

}  // namespace

std::string loadWriterPlugin(const fs::path& path, DatasetWriterRegistry& registry) {
  const SourceLocation where = SourceLocation::inFile(path.string());
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw Error(where, "no such writer plugin file");
  }
  // dlopen() searches the library path for a bare name: give it a path.
  const fs::path absolute = fs::absolute(path, ec);
  void* handle = ::dlopen(absolute.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = ::dlerror();
    throw Error(where, std::string("cannot load the writer plugin: ") +
                           (reason ? reason : "unknown error"));
  }
  auto plugin = std::make_shared<LoadedPlugin>();
  plugin->library = std::shared_ptr<void>(handle, [](void* h) { ::dlclose(h); });
  plugin->path = path;

  ::dlerror();
  void* symbol = ::dlsym(handle, SF_WRITER_PLUGIN_SYMBOL);
  if (symbol == nullptr) {
    throw Error(where, std::string("not a SynthFace writer plugin: it does not export ") +
                           SF_WRITER_PLUGIN_SYMBOL + "()");
  }
  const auto entry = reinterpret_cast<sf_writer_plugin_fn>(symbol);
  const sf_writer_plugin_v1* descriptor = entry();
  if (descriptor == nullptr) {
    throw Error(where, std::string(SF_WRITER_PLUGIN_SYMBOL) + "() returned no descriptor");
  }
  // The version is the first field in every version of the ABI: read it before the rest.
  if (descriptor->abi_version != SF_WRITER_ABI_VERSION) {
    throw Error(where,
                "built for writer plugin ABI version " + std::to_string(descriptor->abi_version) +
                    ", but this SynthFace loads version " + std::to_string(SF_WRITER_ABI_VERSION) +
                    ": rebuild the plugin with this SynthFace's writer_plugin_abi.h");
  }
  if (descriptor->struct_size < sizeof(sf_writer_plugin_v1)) {
    throw Error(where, "its plugin descriptor is " + std::to_string(descriptor->struct_size) +
                           " bytes, ABI version " + std::to_string(SF_WRITER_ABI_VERSION) +
                           " needs at least " + std::to_string(sizeof(sf_writer_plugin_v1)) +
                           ": rebuild the plugin with this SynthFace's writer_plugin_abi.h");
  }
  if (!descriptor->create || !descriptor->write_sample || !descriptor->finish ||
      !descriptor->destroy) {
    throw Error(where, "its plugin descriptor lacks create, write_sample, finish or destroy");
  }
  const std::string name = descriptor->name ? descriptor->name : "";
  if (!validFormatName(name)) {
    throw Error(where, "format name '" + name +
                           "' must be non-empty letters, digits, '_', '-' and '.' only");
  }
  if (registry.has(name)) {
    throw Error(where,
                "format '" + name + "' is already registered, built in or by another plugin");
  }
  plugin->descriptor = descriptor;
  plugin->name = name;

  std::shared_ptr<const LoadedPlugin> shared = std::move(plugin);
  registry.add(
      name, descriptor->description ? descriptor->description : "",
      [shared]() -> std::unique_ptr<DatasetWriter> {
        ErrorBuffer error;
        sf_writer* writer = shared->descriptor->create(error.text, sizeof(error.text));
        if (writer == nullptr) {
          throw Error(SourceLocation::inFile(shared->path.string()),
                      "format '" + shared->name + "': cannot create a writer: " + error.message(1));
        }
        return std::make_unique<PluginWriter>(shared, writer);
      });
  return name;
}

std::vector<fs::path> writerPluginDirs(std::span<const fs::path> appDirs) {
  std::vector<fs::path> dirs;
  if (const char* variable = std::getenv(kWriterPluginPathVariable)) {
    const std::string list = variable;
    std::size_t begin = 0;
    while (begin <= list.size()) {
      const std::size_t end = std::min(list.find(':', begin), list.size());
      if (end > begin) {
        dirs.emplace_back(list.substr(begin, end - begin));
      }
      begin = end + 1;
    }
  }
  dirs.insert(dirs.end(), appDirs.begin(), appDirs.end());
  return dirs;
}

std::vector<std::string> loadWriterPlugins(DatasetWriterRegistry& registry,
                                           std::span<const fs::path> appDirs) {
  std::vector<std::string> errors;
  std::set<fs::path> seen;  // file names already found in an earlier folder
  for (const fs::path& dir : writerPluginDirs(appDirs)) {
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec)) {
      continue;
    }
    // Every module of the folder, in a stable order.
    std::vector<fs::path> modules;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      if (it->path().extension() == ".so" && it->is_regular_file(ec)) {
        modules.push_back(it->path());
      }
    }
    if (ec) {
      errors.push_back(Error(SourceLocation::inFile(dir.string()),
                             "cannot list the plugin folder: " + ec.message())
                           .what());
    }
    std::sort(modules.begin(), modules.end());
    for (const fs::path& module : modules) {
      if (!seen.insert(module.filename()).second) {
        continue;
      }
      try {
        loadWriterPlugin(module, registry);
      } catch (const std::exception& e) {
        errors.push_back(e.what());
      }
    }
  }
  return errors;
}

}  // namespace sf
