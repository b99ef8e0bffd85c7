#pragma once

#include "dataset/dataset_writer.h"

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace sf {

/// The environment variable that lists extra writer plugin folders, colon-separated.
inline constexpr const char* kWriterPluginPathVariable = "SYNTHFACE_PLUGIN_PATH";

/// Loads the writer plugin in `path` (a module exporting sf_writer_plugin(), see
/// writer_plugin_abi.h) and registers its format in `registry`; returns the format's name.
/// Throws sf::Error naming the file when the module cannot be opened, does not export the
/// entry point, was built for another ABI version, has a descriptor that is too small or
/// incomplete, or names a format that is invalid or already registered; the module is then
/// unloaded and the registry is unchanged. A loaded module stays in memory as long as the
/// registry entry or a writer created from it lives.
std::string loadWriterPlugin(const std::filesystem::path& path, DatasetWriterRegistry& registry);

/// The folders searched for writer plugins, in order: every entry of $SYNTHFACE_PLUGIN_PATH,
/// then `appDirs` (the application's build-tree and installed plugin folders).
std::vector<std::filesystem::path> writerPluginDirs(std::span<const std::filesystem::path> appDirs);

/// Loads every *.so of writerPluginDirs(appDirs) into `registry`: folder by folder, by file
/// name within a folder. A file name seen in an earlier folder hides the same name in later
/// ones, as PATH does, so a plugin in $SYNTHFACE_PLUGIN_PATH replaces the installed one.
/// Missing folders are skipped. A plugin that fails to load is skipped and the others
/// still load: returns one message per failure, naming its file, empty when all loaded.
std::vector<std::string> loadWriterPlugins(DatasetWriterRegistry& registry,
                                           std::span<const std::filesystem::path> appDirs);

}  // namespace sf
