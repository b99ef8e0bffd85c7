// Benchmark of registration and import (not a test: timings belong outside ctest).
//
//   bench_registration [--makehuman DIR]
//
// Registers the built-in head onto re-meshed copies of itself, its template and another
// identity: the skin's limit surface at level 2, each quad split into two triangles, turned
// and moved (the copies test_registration uses), so the mesh shares no vertex with the model. Then,
// when MakeHuman's data folder is found (by default ../shared/thirdparty/makehuman/data beside the
// source tree), imports the hm08 head, which registers the built-in head onto it as part of the
// import. For each: the target's vertex count, the wall-clock seconds, the fit's residuals and the
// process's peak resident memory so far.
//
// Targets: registering onto a head-sized mesh (about 100k vertices) in under a minute and
// the whole MakeHuman import in under two, within 2 GB, on a 2-core machine.

#include "face/io/model_import.h"
#include "face/model_store.h"
#include "face/registration.h"
#include "remeshed_head.h"
#include "util/error.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

namespace {

using sf::Vec3f;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The process's peak resident set size, in megabytes.
double peakMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void printReport(const char* what, int vertices, double seconds,
                 const sf::RegistrationReport& report) {
  std::printf(
      "%-22s %7d vertices  %6.1f s  surface mean %.3f mm  face mean %.3f mm, max %.3f mm"
      "  peak %.0f MB\n",
      what, vertices, seconds, report.mean, report.faceMean, report.faceMax, peakMegabytes());
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path makeHuman =
      std::filesystem::path(SF_SOURCE_DIR) / ".." / "shared" / "thirdparty" / "makehuman" / "data";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--makehuman") == 0 && i + 1 < argc) {
      makeHuman = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bench_registration [--makehuman DIR]\n");
      return 2;
    }
  }
  try {
    const sf::FaceModel model = sf::loadFaceModel("default");
    // The template itself, then another identity (every mode at a fixed random value within
    // one standard deviation), which leaves the non-rigid stages real work.
    sf::FaceState other;
    std::mt19937 random(11);
    std::uniform_real_distribution<float> withinOne(-1.0f, 1.0f);
    for (std::size_t k = 0; k < model.identity.size(); ++k) {
      other.identity.push_back(withinOne(random));
    }
    for (const auto& [what, state] :
         {std::pair{"register: copy", sf::FaceState{}}, std::pair{"register: other face", other}}) {
      std::vector<Vec3f> landmarks;
      const sf::PolyMesh copy =
          sf::testing::remeshedHead(model, state, sf::testing::worldFromModel(), landmarks);
      const Clock::time_point start = Clock::now();
      const sf::Registration fit = sf::registerModel(model, copy, {}, what);
      printReport(what, copy.vertexCount(), secondsSince(start), fit.report);
    }

    if (!sf::isMakeHumanData(makeHuman)) {
      std::printf("import: MakeHuman       skipped, no MakeHuman data at %s\n",
                  makeHuman.string().c_str());
      return 0;
    }
    const Clock::time_point start = Clock::now();
    const sf::ModelImport imported = sf::importModel(makeHuman, model, {});
    printReport("import: MakeHuman hm08", imported.model.vertexCount(), secondsSince(start),
                imported.registration);
  } catch (const sf::Error& error) {
    std::fprintf(stderr, "bench_registration: %s\n", error.what());
    return 1;
  }
  return 0;
}
