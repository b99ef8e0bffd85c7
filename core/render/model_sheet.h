#pragma once

#include "face/face_geometry.h"
#include "face/face_model.h"
#include "face/random_face.h"
#include "render/image.h"

#include <cstdint>
#include <span>
#include <vector>

namespace sf {

/// What `synthface model sheet` draws: `count` random faces, each from the front, at
/// three-quarters and from the side, as clay renders with coloured eyes and lips.
struct ModelSheetOptions {
  int count = 16;
  std::uint64_t seed = 1;
  int facesPerRow = 4;
  int tileSize = 240;  ///< pixels per view
  int subdivisionLevel = 2;
  RandomFaceOptions random;
  bool neutralFirst = true;  ///< face #0 is the model's template, unposed
};

/// Clay renders of one posed face, one per yaw (degrees, +: toward the subject's left),
/// framed on the head (`zoom` > 1 comes closer, onto the face), `size` pixels square
/// (linear RGB): the views of the sheet, and the thumbnails of library expressions.
std::vector<Image> renderClayViews(const FaceModel& model, const FaceGeometry& geometry,
                                   const FaceState& state, std::span<const float> yaws, int size,
                                   float zoom = 1.0f);

/// Renders the sheet (linear RGB). Throws sf::Error for bad options or a model that cannot
/// be posed.
Image renderModelSheet(const FaceModel& model, const ModelSheetOptions& options);

}  // namespace sf
