// Benchmark (not a test): times FaceEvaluator::evaluate, SubdivisionSurface::refine at
// level 2 and landmark evaluation on a synthetic ~10k-vertex model with 64 region-masked
// identity modes, 50 expressions, 10 correctives and 5 skinned joints.
// Targets: evaluate <= 2 ms, refine(level 2) <= 20 ms, on one core.

#include "face/face_evaluator.h"
#include "face/face_geometry.h"
#include "face/landmarks.h"
#include "face/subdivision.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <vector>

namespace {

using sf::Vec2f;
using sf::Vec3f;
using Clock = std::chrono::steady_clock;

/// A sphere of radius r made from a cube with n x n quads per side (6 n^2 + 2 vertices).
sf::PolyMesh makeCubeSphere(int n, float r, Vec3f centre) {
  const std::array<std::array<Eigen::Vector3i, 3>, 6> sides = {{
      {{{n, 0, 0}, {0, 1, 0}, {0, 0, 1}}},
      {{{0, 0, 0}, {0, 0, 1}, {0, 1, 0}}},
      {{{0, n, 0}, {0, 0, 1}, {1, 0, 0}}},
      {{{0, 0, 0}, {1, 0, 0}, {0, 0, 1}}},
      {{{0, 0, n}, {1, 0, 0}, {0, 1, 0}}},
      {{{0, 0, 0}, {0, 1, 0}, {1, 0, 0}}},
  }};
  sf::PolyMesh mesh;
  std::map<std::array<int, 3>, int> vertexOf;
  for (int s = 0; s < 6; ++s) {
    const int firstUv = static_cast<int>(mesh.uvs.size());
    for (int p = 0; p <= n; ++p) {
      for (int q = 0; q <= n; ++q) {
        mesh.uvs.emplace_back((s + static_cast<float>(p) / n) / 6.0f, static_cast<float>(q) / n);
      }
    }
    for (int p = 0; p < n; ++p) {
      for (int q = 0; q < n; ++q) {
        mesh.faceSizes.push_back(4);
        for (const auto& [a, b] :
             std::array<std::pair<int, int>, 4>{{{p, q}, {p + 1, q}, {p + 1, q + 1}, {p, q + 1}}}) {
          const Eigen::Vector3i lattice = sides[s][0] + a * sides[s][1] + b * sides[s][2];
          const auto [it, inserted] = vertexOf.emplace(
              std::array{lattice.x(), lattice.y(), lattice.z()}, mesh.vertexCount());
          if (inserted) {
            const Vec3f onCube = 2.0f * lattice.cast<float>() / n - Vec3f::Ones();
            mesh.positions.push_back(centre + r * onCube.normalized());
          }
          mesh.faceIndices.push_back(it->second);
          mesh.uvIndices.push_back(firstUv + a * (n + 1) + b);
        }
      }
    }
  }
  return mesh;
}

/// Smooth random offsets over the vertices within `radius` of `centre` (a region mask).
sf::MorphTarget regionTarget(const std::vector<Vec3f>& positions, Vec3f centre, float radius,
                             std::mt19937& rng) {
  std::normal_distribution<float> normal;
  const Vec3f direction(normal(rng), normal(rng), normal(rng));
  const Vec3f wave(normal(rng) * 0.05f, normal(rng) * 0.05f, normal(rng) * 0.05f);
  sf::MorphTarget target;
  for (int v = 0; v < static_cast<int>(positions.size()); ++v) {
    const float distance = (positions[v] - centre).norm();
    if (distance < radius) {
      const float falloff = 1.0f - distance / radius;
      target.vertices.push_back(v);
      target.deltas.push_back(falloff * (direction + std::sin(wave.dot(positions[v])) * wave));
    }
  }
  return target;
}

template <typename F>
void time(const char* what, int repetitions, F&& f) {
  f();  // warm up
  double best = 1e30, total = 0.0;
  for (int i = 0; i < repetitions; ++i) {
    const auto start = Clock::now();
    f();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    best = std::min(best, ms);
    total += ms;
  }
  std::printf("%-48s %8.3f ms/call (best %.3f, %d calls)\n", what, total / repetitions, best,
              repetitions);
}

}  // namespace

int main() {
  std::mt19937 rng(12345);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);

  // Model: a 40 x 40-per-side cube sphere skin (9602 vertices) and two 8 x 8 eyes.
  sf::FaceModel model;
  model.name = "bench";
  model.parts.push_back(
      {"skin", sf::PartMaterial::Skin, makeCubeSphere(40, 90, Vec3f::Zero()), 0, true, {}, {}});
  model.parts.push_back({"eye_left",
                         sf::PartMaterial::Sclera,
                         makeCubeSphere(8, 12, Vec3f(32, 20, 70)),
                         0,
                         true,
                         {},
                         {}});
  model.parts.push_back({"eye_right",
                         sf::PartMaterial::Sclera,
                         makeCubeSphere(8, 12, Vec3f(-32, 20, 70)),
                         0,
                         true,
                         {},
                         {}});
  int first = 0;
  std::vector<Vec3f> rest;
  for (sf::FacePart& part : model.parts) {
    part.firstVertex = first;
    first += part.mesh.vertexCount();
    part.faceClass.assign(part.mesh.faceCount(), sf::LabelClass::Skin);
    part.faceGrowth.assign(part.mesh.faceCount(), sf::kGrowthNone);
    rest.insert(rest.end(), part.mesh.positions.begin(), part.mesh.positions.end());
  }
  const int vertexCount = first;

  // 64 identity modes: 4 global, 60 regional (radius 60..120 mm on a 90 mm head: dense-ish).
  for (int i = 0; i < 64; ++i) {
    const Vec3f centre = 90.0f * Vec3f(uniform(rng), uniform(rng), uniform(rng)).normalized();
    const float radius = i < 4 ? 1000.0f : 60.0f + 60.0f * (0.5f + 0.5f * uniform(rng));
    model.identity.push_back(regionTarget(rest, centre, radius, rng));
    model.identity.back().name = "mode_" + std::to_string(i);
  }
  // 50 expressions over the front (radius 20..45 mm), 10 pairwise correctives.
  for (int e = 0; e < 50; ++e) {
    const Vec3f centre =
        90.0f * Vec3f(uniform(rng), uniform(rng), 1.0f + std::abs(uniform(rng))).normalized();
    model.expressions.push_back(
        regionTarget(rest, centre, 20.0f + 25.0f * std::abs(uniform(rng)), rng));
    model.expressions.back().name = "expression_" + std::to_string(e);
  }
  for (int c = 0; c < 10; ++c) {
    sf::MorphTarget corrective =
        regionTarget(rest, 90.0f * Vec3f(uniform(rng), -0.5f, 1.0f).normalized(), 20.0f, rng);
    corrective.drivers = {c, c + 10};
    model.correctives.push_back(corrective);
  }
  std::size_t identityEntries = 0, expressionEntries = 0;
  for (const sf::MorphTarget& t : model.identity) {
    identityEntries += t.vertices.size();
  }
  for (const sf::MorphTarget& t : model.expressions) {
    expressionEntries += t.vertices.size();
  }

  // Skeleton and skin: jaw below the mouth, neck at the bottom, eyes rigid.
  std::vector<int> eyeLeft, eyeRight;
  for (int i = 0; i < model.parts[1].mesh.vertexCount(); ++i) {
    eyeLeft.push_back(model.parts[1].firstVertex + i);
    eyeRight.push_back(model.parts[2].firstVertex + i);
  }
  model.joints = {{"neck", -1, {0, -90, -10}, {}},
                  {"head", 0, {0, -40, -10}, {}},
                  {"jaw", 1, {0, -10, 40}, {}},
                  {"eye_left", 1, {32, 20, 70}, eyeLeft},
                  {"eye_right", 1, {-32, 20, 70}, eyeRight}};
  for (int v = 0; v < vertexCount; ++v) {
    const Vec3f& p = rest[v];
    std::array<int, 4> joints{1, 0, 0, 0};
    std::array<float, 4> weights{1, 0, 0, 0};
    if (v >= model.parts[2].firstVertex) {
      joints = {4, 0, 0, 0};
    } else if (v >= model.parts[1].firstVertex) {
      joints = {3, 0, 0, 0};
    } else if (p.y() < -20 && p.z() > 0) {
      const float jaw = std::clamp((-20.0f - p.y()) / 20.0f, 0.0f, 1.0f);
      joints = {2, 1, 0, 0};
      weights = {jaw, 1.0f - jaw, 0, 0};
    } else if (p.y() < -60) {
      const float neck = std::clamp((-60.0f - p.y()) / 20.0f, 0.0f, 1.0f);
      joints = {0, 1, 0, 0};
      weights = {neck, 1.0f - neck, 0, 0};
    }
    model.skin.joints.push_back(joints);
    model.skin.weights.push_back(weights);
  }

  // 70 landmarks and 1000 dense ones on the skin.
  const int skinFaces = model.parts[0].mesh.faceCount();
  for (int i = 0; i < 1070; ++i) {
    sf::Landmark landmark;
    landmark.part = 0;
    landmark.face = static_cast<int>((i * 7919L) % skinFaces);
    landmark.uv = Vec2f(0.5f + 0.5f * uniform(rng), 0.5f + 0.5f * uniform(rng));
    (i < 70 ? model.landmarks : model.denseLandmarks).push_back(landmark);
  }

  sf::FaceState state;
  for (int i = 0; i < 64; ++i) {
    state.identity.push_back(uniform(rng));
  }
  for (int e = 0; e < 50; ++e) {
    state.expression.push_back(0.5f + 0.5f * uniform(rng));
  }
  state.jointRotations = {
      Eigen::Quaternionf(Eigen::AngleAxisf(0.2f, Vec3f::UnitX())),
      Eigen::Quaternionf(Eigen::AngleAxisf(0.1f, Vec3f::UnitY())),
      Eigen::Quaternionf(Eigen::AngleAxisf(0.3f, Vec3f::UnitX())),
      Eigen::Quaternionf(Eigen::AngleAxisf(0.2f, Vec3f(1, 1, 0).normalized())),
      Eigen::Quaternionf(Eigen::AngleAxisf(0.2f, Vec3f(1, -1, 0).normalized()))};

  std::printf(
      "model: %d vertices, %zu skin faces; identity %zu entries (%.0f%% dense), "
      "expressions %zu entries\n",
      vertexCount, static_cast<std::size_t>(skinFaces), identityEntries,
      100.0 * identityEntries / (64.0 * vertexCount), expressionEntries);

  const sf::FaceEvaluator evaluator = sf::FaceEvaluator::create(model);
  std::vector<Vec3f> positions;
  time("FaceEvaluator::evaluate (all coefficients)", 500,
       [&] { evaluator.evaluate(state, positions); });

  const auto createStart = Clock::now();
  const sf::SubdivisionSurface skin = sf::SubdivisionSurface::create(model.parts[0].mesh, 2);
  std::printf("%-48s %8.1f ms (once per model)\n", "SubdivisionSurface::create (skin, level 2)",
              std::chrono::duration<double, std::milli>(Clock::now() - createStart).count());
  const std::span<const Vec3f> skinControl(positions.data(), model.parts[0].mesh.vertexCount());
  sf::PolyMesh refined;
  time("SubdivisionSurface::refine (skin, level 2)", 100,
       [&] { refined = skin.refine(skinControl); });
  time("SubdivisionSurface::refine (into a reused mesh)", 100,
       [&] { skin.refine(skinControl, refined); });
  std::vector<Vec3f> refinedPositions;
  time("SubdivisionSurface::refinePositions", 100,
       [&] { skin.refinePositions(skinControl, refinedPositions); });
  std::vector<Vec3f> limits, normals;
  time("SubdivisionSurface::refinedLimitPositions+n", 20,
       [&] { skin.refinedLimitPositions(skinControl, limits, &normals); });
  std::printf("refined: %d vertices, %d faces\n", refined.vertexCount(), refined.faceCount());

  const sf::FaceGeometry geometry = sf::FaceGeometry::create(model, 2);
  sf::PosedSkeleton skeleton = evaluator.skeleton(state);
  std::vector<Vec3f> landmarks;
  time("evaluateLandmarks (70 + 1000 on the limit)", 100, [&] {
    landmarks = sf::evaluateLandmarks(model.parts, geometry.surfaces(), positions, skeleton,
                                      model.landmarks);
    landmarks = sf::evaluateLandmarks(model.parts, geometry.surfaces(), positions, skeleton,
                                      model.denseLandmarks);
  });
  time("FaceGeometry::pose (everything, new result)", 50, [&] { (void)geometry.pose(state); });
  sf::PosedFace posed;
  time("FaceGeometry::pose (everything, reused)", 50, [&] { geometry.pose(state, posed); });
  return 0;
}
