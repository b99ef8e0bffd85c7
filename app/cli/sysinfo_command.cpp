#include "command.h"

#include "system_info.h"
#include "util/args.h"

#include <iostream>

namespace sf::cli {

int runSysinfo(std::span<const std::string> arguments) {
  ArgParser parser("synthface sysinfo",
                   "Prints SynthFace's version, the libraries it runs on, the threads it\n"
                   "will use and the file formats it can read: a check for a new machine\n"
                   "or cluster node before rendering on it. Exits non-zero when ray\n"
                   "tracing cannot start here.");
  if (!parseOrHelp(parser, arguments)) {
    return 0;
  }

  const SystemInfo info = collectSystemInfo();
  std::cout << "SynthFace " << info.version << "\n\nlibraries:\n";
  for (const auto& [name, version] : info.libraries) {
    std::cout << "  " << name << std::string(16 - name.size(), ' ') << version << "\n";
  }
  std::cout << "\nthreads:        " << info.hardwareThreads << "\n"
            << "ray tracing:    " << info.rayTracing << "\n"
            << "image formats:  " << info.imageFormats << "\n"
            << "mesh formats:   " << info.meshExtensions << "\n";
  return info.rayTracing == "ok" ? 0 : 1;
}

}  // namespace sf::cli
