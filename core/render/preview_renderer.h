#pragma once

#include "face/poly_mesh.h"
#include "render/image.h"

#include <span>
#include <vector>

namespace sf {

/// One mesh of a preview render, with a clay-like material.
struct PreviewMesh {
  const PolyMesh* mesh = nullptr;  ///< faces of 3 or more corners; quads become two triangles
  Vec3f albedo = Vec3f(0.60f, 0.40f, 0.32f);  ///< linear diffuse colour; the default is skin
  float specular = 0.6f;     ///< strength of the glossy sheen: 0 matte, 1 a plain dielectric
  float roughness = 0.5f;    ///< 0 gives small sharp highlights, 1 a broad soft sheen
  bool transparent = false;  ///< a faint glossy film that casts no shadow, such as a cornea
};

/// A pinhole camera looking from `position` at `target`, `up` giving the image's up.
struct PreviewCamera {
  Vec3f position = Vec3f(0.0f, 0.0f, 1.0f);
  Vec3f target = Vec3f::Zero();
  Vec3f up = Vec3f::UnitY();
  float verticalFovDegrees = 30.0f;

  /// A camera on a sphere around `target` (+Y up): yaw 0 looks along -Z from +Z (the front
  /// of a head facing +Z), positive yaw moves the camera towards +X, positive pitch upwards.
  static PreviewCamera orbit(const Vec3f& target, float yawDegrees, float pitchDegrees,
                             float distance, float verticalFovDegrees);
};

/// An orbit camera (see PreviewCamera::orbit) around the meshes' bounding sphere, at the
/// distance where that sphere just fits an image of the given aspect (width / height).
PreviewCamera framePreview(std::span<const PreviewMesh> meshes, float yawDegrees,
                           float pitchDegrees, float verticalFovDegrees = 20.0f,
                           float aspect = 1.0f);

/// Quality and lighting of renderPreview(). Lights follow the camera, like a sculpting
/// program's studio rig, so every view of a contact sheet is lit alike.
struct PreviewOptions {
  int supersampling = 3;     ///< n x n camera rays per pixel, 1 to 8
  int aoRays = 2;            ///< ambient-occlusion rays per camera ray, 0 to 64
  float aoDistance = 0.25f;  ///< reach of occlusion, as a fraction of the scene's radius
  bool shadows = true;       ///< soft shadows from the key light
  /// Towards the key light in camera space: x right, y up, z towards the viewer.
  Vec3f keyLightDirection = Vec3f(-0.55f, 0.55f, 0.65f);
};

/// Per-pixel by-products of renderPreview(), row-major like the image.
struct PreviewBuffers {
  std::vector<float> coverage;  ///< fraction of the pixel covered by any mesh, 0 to 1
  std::vector<int> meshIndex;   ///< the mesh seen by most of the pixel, or -1 for background
};

/// Renders `meshes` as clay in a studio: smooth normals, key, fill and rim lights with a soft
/// key shadow, ambient occlusion, a glossy sheen, a grey gradient background, anti-aliased.
/// Returns a linear RGB image. Rows run in parallel; the result does not depend on the
/// number of threads. Fills `buffers` when given. Throws sf::Error for a bad size, options
/// or camera.
Image renderPreview(std::span<const PreviewMesh> meshes, const PreviewCamera& camera, int width,
                    int height, const PreviewOptions& options = {},
                    PreviewBuffers* buffers = nullptr);

}  // namespace sf
