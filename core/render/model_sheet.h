#pragma once

#include "face/face_model.h"
#include "face/random_face.h"
#include "render/image.h"

#include <cstdint>

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

/// Renders the sheet (linear RGB). Throws sf::Error for bad options or a model that cannot
/// be posed.
Image renderModelSheet(const FaceModel& model, const ModelSheetOptions& options);

}  // namespace sf
