#pragma once

#include "face/face_geometry.h"
#include "face/face_model.h"
#include "labels/landmark_projection.h"
#include "render/path_tracer.h"
#include "scene/scene_compiler.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sf {

/// Overrides of a recipe's render settings for one run (the CLI's --spp, --resolution).
struct RenderOverrides {
  std::optional<int> resolution;
  std::optional<int> samplesPerPixel;
  std::optional<bool> denoise;
};

/// One rendered sample with all its labels, ready for a dataset writer.
struct RenderedSample {
  std::uint64_t index = 0;
  std::string id;  ///< "000123": zero-padded to 6 digits (more for indices >= 10^6)
  ResolvedScene scene;
  Image image;          ///< developed: linear values in [0, 1], written as 8-bit sRGB
  Image linear;         ///< exposed but not tone-mapped, when render.linearExr; else empty
  LabelBuffers labels;  ///< classes, depth, normals, soft masks
  std::vector<ProjectedPoint> landmarks;       ///< the 70 of labels.md
  std::vector<ProjectedPoint> denseLandmarks;  ///< the model's dense landmarks
  std::vector<std::string> landmarkNames;      ///< the model's names for the 70
  /// Camera intrinsics and extrinsics, head pose, gaze, 3D landmarks, exposure, the
  /// resolved scene: everything a user may want beyond the FaceSynthetics files.
  nlohmann::json metadata;
};

/// The sample id of an index: "%06d", as FaceSynthetics loaders expect.
std::string sampleId(std::uint64_t index);

/// Renders samples of one recipe: compile the scene, pose the face, path-trace, denoise,
/// expose, and label. Holds the model and its geometry; thread-safe for render().
class SampleRenderer {
public:
  /// Loads the recipe's model (relative paths from `baseDir`) and prepares it for posing.
  /// Throws sf::Error when the model cannot be read.
  static SampleRenderer create(const Recipe& recipe, const SceneContext& context,
                               const std::filesystem::path& baseDir = {},
                               RenderOverrides overrides = {});

  /// A renderer of another recipe (or other overrides) that shares this one's model and
  /// geometry: for a recipe edited without changing its model, it skips loading and
  /// subdividing the model again.
  SampleRenderer rebind(const Recipe& recipe, const SceneContext& context,
                        RenderOverrides overrides = {}) const;
  /// Renders sample `index`. Throws sf::Error when the sample cannot be rendered.
  RenderedSample render(std::uint64_t index) const;
  /// Renders a scene given whole: compile()'s scene of a sample, perhaps with its face
  /// edited (the studio's preview of a face posed by hand). render(i) is
  /// renderScene(compiler().compile(i)).
  RenderedSample renderScene(ResolvedScene resolved) const;

  const FaceModel& model() const { return *m_model; }
  const SceneCompiler& compiler() const { return *m_compiler; }
  int resolution() const;

private:
  std::shared_ptr<const FaceModel> m_model;
  std::shared_ptr<const FaceGeometry> m_geometry;
  std::shared_ptr<const SceneCompiler> m_compiler;
  RenderOverrides m_overrides;
};

}  // namespace sf
