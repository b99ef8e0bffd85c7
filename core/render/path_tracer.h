#pragma once

#include "render/environment.h"
#include "render/face_scene.h"
#include "render/image.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sf {

/// How a FaceRenderer renders.
struct RenderSettings {
  int samplesPerPixel = 64;  ///< 1 to 65536
  int maxBounces = 8;        ///< path length limit, 1 to 64
  std::uint64_t seed = 0;    ///< with the pixel and sample index, fixes every random number
  /// Called after each band of rows with the fraction done (0 to 1), from worker threads.
  std::function<void(float)> progress;
};

/// The rendered picture and the first-hit features a denoiser is guided by.
struct RenderedImage {
  Image color;     ///< linear RGB radiance
  Image albedo;    ///< linear RGB, the first diffuse surface's albedo (seen through glass)
  Image normal;    ///< RGB = camera-space shading normal of the first hit, x right, y down
  Image variance;  ///< 1 channel: the variance of each pixel's mean luminance (noise level)
  /// 3 channels: the fraction of samples whose first hit was a hair fibre, then the fibres'
  /// on-screen direction as the mean of (cos 2a, sin 2a) over all samples (a the angle from
  /// x right toward y down; doubled, so a fibre's two ends agree).
  Image fibre;
};

/// The labels a render's camera sees, exactly: what the pixel centres hit.
struct LabelBuffers {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> classes;  ///< per pixel, a LabelClass value (0 background)
  Image depth;    ///< 1 channel: camera-space z in millimetres; 0 where nothing was hit
  Image normals;  ///< 3 channels: camera-space unit normals (x right, y down, z forward)
  /// Fractional coverage over 4x4 sub-pixel samples of what the scene has of hair, beard,
  /// brows, lashes and glasses, by name: "hair", "right_brow", "left_brow", "lashes"...
  std::map<std::string, Image> softMasks;
};

/// A physically based path tracer for one FaceScene on Embree: environment lighting with
/// importance sampling and multiple importance sampling, skin with subsurface scattering
/// (Burley's normalised diffusion, sampled by disk projection) under a two-lobe GGX
/// specular, refracting corneas, wet tear films, diffuse-glossy teeth, tongue and mouth,
/// fabrics, and glasses (refracting lenses, tinted or clear; metal and acetate frames).
/// Every random number is a function of (seed, pixel, sample), so images are identical
/// whatever the number of threads.
class FaceRenderer {
public:
  /// Builds the acceleration structures and the environment. `scene` must outlive the
  /// renderer. Throws sf::Error when Embree fails or the environment cannot be read.
  static FaceRenderer create(const FaceScene& scene);

  /// Path-traces the scene from its camera. Throws sf::Error for bad settings.
  RenderedImage render(const RenderSettings& settings) const;

  /// The label pass: classes, depth and normals at pixel centres, soft masks.
  LabelBuffers labels() const;

  /// Whether world point `point` is seen by the camera: nothing that casts shadows lies
  /// between them, within `tolerance` millimetres of the point. Transparent surfaces
  /// (cornea, tear film) do not hide what is behind them.
  bool visible(const Eigen::Vector3f& point, float tolerance = 1.0f) const;

  const FaceScene& scene() const { return *m_scene; }
  const Environment& environment() const { return *m_environment; }

  FaceRenderer(FaceRenderer&&) noexcept;
  FaceRenderer& operator=(FaceRenderer&&) noexcept;
  ~FaceRenderer();

private:
  struct Impl;
  explicit FaceRenderer(std::unique_ptr<Impl> impl);

  const FaceScene* m_scene = nullptr;
  const Environment* m_environment = nullptr;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace sf
