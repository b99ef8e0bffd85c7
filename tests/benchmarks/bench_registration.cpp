// Benchmark of registration and import (not a test: timings belong outside ctest).
//
//   bench_registration [--level L] [--makehuman DIR]
//
// Registers the built-in head onto re-meshed copies of itself, its template and another
// identity: the skin's limit surface refined L times (default 2), each quad split into two
// triangles, turned and moved, so the mesh shares no vertex with the model. Then, when MakeHuman's
// data folder is found (by default ../shared/thirdparty/makehuman/data beside the source tree),
// imports the hm08 head, which registers the built-in head onto it as part of the import. For each:
// the target's vertex count, the wall-clock seconds, the fit's residuals and the process's peak
// resident memory so far.
//
// Targets: registering onto a head-sized mesh (about 100k vertices) in under a minute and
// the whole MakeHuman import in under two, within 2 GB, on a 2-core machine.

#include "face/face_geometry.h"
#include "face/io/model_import.h"
#include "face/model_store.h"
#include "face/registration.h"
#include "util/error.h"

#include <sys/resource.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <numbers>
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

/// The model's skin parts, posed in `state`, refined `level` times to their limit surface,
/// triangulated and moved by `worldFromModel`.
sf::PolyMesh remeshedSkin(const sf::FaceModel& model, const sf::FaceState& state, int level,
                          const Eigen::Affine3f& worldFromModel) {
  const sf::FaceGeometry geometry =
      sf::FaceGeometry::create(model, level, sf::RefinedVertices::Limit);
  const sf::PosedFace posed = geometry.pose(state);
  sf::PolyMesh mesh;
  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    if (model.parts[p].material != sf::PartMaterial::Skin) {
      continue;
    }
    const sf::PolyMesh& part = posed.parts[p];
    const int base = mesh.vertexCount();
    for (const Vec3f& position : part.positions) {
      mesh.positions.push_back(worldFromModel * position);
    }
    const std::vector<int> offsets = part.faceOffsets();
    for (int f = 0; f < part.faceCount(); ++f) {
      const int* c = part.faceIndices.data() + offsets[static_cast<std::size_t>(f)];
      const int size = part.faceSizes[static_cast<std::size_t>(f)];
      for (int k = 1; k + 1 < size; ++k) {
        mesh.faceSizes.push_back(3);
        for (const int corner : {c[0], c[k], c[k + 1]}) {
          mesh.faceIndices.push_back(base + corner);
        }
      }
    }
  }
  return mesh;
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
  int level = 2;
  std::filesystem::path makeHuman =
      std::filesystem::path(SF_SOURCE_DIR) / ".." / "shared" / "thirdparty" / "makehuman" / "data";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--level") == 0 && i + 1 < argc) {
      level = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--makehuman") == 0 && i + 1 < argc) {
      makeHuman = argv[++i];
    } else {
      std::fprintf(stderr, "usage: bench_registration [--level L] [--makehuman DIR]\n");
      return 2;
    }
  }
  try {
    const sf::FaceModel model = sf::loadFaceModel("default");
    const Eigen::Affine3f worldFromModel =
        Eigen::Translation3f(30.0f, -12.0f, 45.0f) *
        Eigen::AngleAxisf(12.0f * std::numbers::pi_v<float> / 180.0f,
                          Vec3f(0.3f, 1.0f, 0.1f).normalized());
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
      const sf::PolyMesh copy = remeshedSkin(model, state, level, worldFromModel);
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
