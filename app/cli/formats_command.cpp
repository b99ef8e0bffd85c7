#include "command.h"

#include "dataset/dataset_writer.h"
#include "dataset/plugin_loader.h"
#include "util/log.h"

#include <filesystem>
#include <iostream>
#include <mutex>

namespace sf::cli {

void loadDatasetPlugins() {
  static std::once_flag once;
  std::call_once(once, [] {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exeDir = fs::canonical("/proc/self/exe", ec).parent_path();
    // The build tree's plugins, then the installed ones beside the binary's prefix.
    const std::vector<fs::path> dirs = {SF_PLUGIN_BUILD_DIR, exeDir / ".." / SF_PLUGIN_INSTALL_DIR};
    for (const std::string& problem : loadWriterPlugins(DatasetWriterRegistry::instance(), dirs)) {
      log::warning(problem);
    }
  });
}

int runFormats(std::span<const std::string> arguments) {
  ArgParser parser("synthface formats",
                   "Lists the dataset formats 'synthface render --format' writes: the built-in\n"
                   "FaceSynthetics layout and the writer plugins found in $" +
                       std::string(kWriterPluginPathVariable) +
                       " and the plugin folder.\nA plugin that cannot be loaded is reported "
                       "and skipped.");
  if (!parseOrHelp(parser, arguments)) {
    return 0;
  }
  loadDatasetPlugins();
  for (const auto& [name, description] : DatasetWriterRegistry::instance().formats()) {
    std::cout << name << std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') << description
              << "\n";
  }
  return 0;
}

}  // namespace sf::cli
