#include "render/model_sheet.h"

#include "face/face_geometry.h"
#include "render/contact_sheet.h"
#include "render/preview_renderer.h"
#include "util/error.h"

#include <algorithm>
#include <functional>
#include <string>

namespace sf {

namespace {

/// The faces of `mesh` for which `keep(face)` holds, sharing its vertices.
PolyMesh selectFaces(const PolyMesh& mesh, const std::function<bool(int)>& keep) {
  PolyMesh out;
  out.positions = mesh.positions;
  const std::vector<int> offsets = mesh.faceOffsets();
  for (int f = 0; f < mesh.faceCount(); ++f) {
    if (!keep(f)) {
      continue;
    }
    const int size = mesh.faceSizes[static_cast<std::size_t>(f)];
    out.faceSizes.push_back(size);
    const auto begin = mesh.faceIndices.begin() + offsets[static_cast<std::size_t>(f)];
    out.faceIndices.insert(out.faceIndices.end(), begin, begin + size);
  }
  return out;
}

}  // namespace

std::vector<Image> renderClayViews(const FaceModel& model, const FaceGeometry& geometry,
                                   const FaceState& state, std::span<const float> yaws, int size,
                                   float zoom) {
  const PosedFace posed = geometry.pose(state);

  // Split the parts into preview materials: skin, lips, mouth, sclera, iris, pupil, cornea.
  std::vector<PolyMesh> meshes;
  std::vector<PreviewMesh> previews;
  meshes.reserve(8 * model.parts.size());
  auto add = [&](PolyMesh mesh, Vec3f albedo, float specular, float roughness, bool clear) {
    if (mesh.faceCount() == 0) {
      return;
    }
    meshes.push_back(std::move(mesh));
    previews.push_back({nullptr, albedo, specular, roughness, clear});
  };
  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    const FacePart& part = model.parts[p];
    const PolyMesh& mesh = posed.parts[p];
    const std::vector<int>& parents = geometry.faceParents(static_cast<int>(p));
    auto labelOf = [&](int f) {
      return part.faceClass[static_cast<std::size_t>(parents[static_cast<std::size_t>(f)])];
    };
    switch (part.material) {
      case PartMaterial::Skin: {
        add(selectFaces(mesh,
                        [&](int f) {
                          const LabelClass c = labelOf(f);
                          return c != LabelClass::TopLip && c != LabelClass::BottomLip &&
                                 c != LabelClass::MouthInterior;
                        }),
            Vec3f(0.62f, 0.42f, 0.33f), 0.5f, 0.5f, false);
        add(selectFaces(mesh,
                        [&](int f) {
                          const LabelClass c = labelOf(f);
                          return c == LabelClass::TopLip || c == LabelClass::BottomLip;
                        }),
            Vec3f(0.55f, 0.25f, 0.23f), 0.6f, 0.35f, false);
        add(selectFaces(mesh, [&](int f) { return labelOf(f) == LabelClass::MouthInterior; }),
            Vec3f(0.25f, 0.06f, 0.06f), 0.3f, 0.5f, false);
        break;
      }
      case PartMaterial::Sclera: {
        const std::vector<int> offsets = mesh.faceOffsets();
        add(selectFaces(mesh, [&](int f) { return meanFaceV(mesh, offsets, f) > 0.34f; }),
            Vec3f(0.80f, 0.78f, 0.74f), 0.4f, 0.3f, false);
        add(selectFaces(mesh,
                        [&](int f) {
                          const float v = meanFaceV(mesh, offsets, f);
                          return v > 0.13f && v <= 0.34f;
                        }),
            Vec3f(0.20f, 0.11f, 0.05f), 0.3f, 0.4f, false);
        add(selectFaces(mesh, [&](int f) { return meanFaceV(mesh, offsets, f) <= 0.13f; }),
            Vec3f(0.01f, 0.01f, 0.01f), 0.2f, 0.4f, false);
        break;
      }
      case PartMaterial::Teeth: add(mesh, Vec3f(0.78f, 0.74f, 0.64f), 0.6f, 0.3f, false); break;
      case PartMaterial::Tongue: add(mesh, Vec3f(0.50f, 0.17f, 0.17f), 0.5f, 0.35f, false); break;
      case PartMaterial::Cornea: add(mesh, Vec3f(1.0f, 1.0f, 1.0f), 1.0f, 0.05f, true); break;
      case PartMaterial::TearLine: add(mesh, Vec3f(1.0f, 1.0f, 1.0f), 1.0f, 0.1f, true); break;
      case PartMaterial::Caruncle: add(mesh, Vec3f(0.62f, 0.30f, 0.28f), 0.6f, 0.3f, false); break;
      default: add(mesh, Vec3f(0.7f, 0.7f, 0.65f), 0.4f, 0.4f, false); break;
    }
  }
  for (std::size_t m = 0; m < meshes.size(); ++m) {
    previews[m].mesh = &meshes[m];
  }

  std::vector<Image> views;
  for (const float yaw : yaws) {
    // Framed on the head: the crown to below the chin, neck and shoulders cropped; closer
    // in, on the face.
    const Vec3f target = Vec3f(0.0f, -10.0f, 20.0f) + (1.0f - 1.0f / zoom) * Vec3f(0, -5, 60);
    const PreviewCamera camera = PreviewCamera::orbit(target, yaw, 4.0f, 900.0f / zoom, 20.0f);
    views.push_back(renderPreview(previews, camera, size, size));
  }
  return views;
}

Image renderModelSheet(const FaceModel& model, const ModelSheetOptions& options) {
  if (options.count < 1 || options.count > 1024) {
    throw Error("sheet: count must be 1..1024, got " + std::to_string(options.count));
  }
  if (options.tileSize < 32 || options.tileSize > 4096) {
    throw Error("sheet: tile size must be 32..4096, got " + std::to_string(options.tileSize));
  }
  const FaceGeometry geometry = FaceGeometry::create(model, options.subdivisionLevel);
  const float yaws[] = {0.0f, 40.0f, 90.0f};
  const char* names[] = {"front", "3/4", "side"};

  std::vector<Image> tiles;
  std::vector<std::string> captions;
  for (int i = 0; i < options.count; ++i) {
    const FaceState state =
        options.neutralFirst && i == 0
            ? FaceState{}
            : randomFaceState(model, options.seed, static_cast<std::uint64_t>(i), options.random);
    std::vector<Image> views = renderClayViews(model, geometry, state, yaws, options.tileSize);
    for (std::size_t v = 0; v < views.size(); ++v) {
      tiles.push_back(std::move(views[v]));
      captions.push_back("#" + std::to_string(i) + " " + names[v]);
    }
  }
  const int columns = 3 * std::max(1, options.facesPerRow);
  return composeContactSheet(tiles, captions, columns);
}

}  // namespace sf
