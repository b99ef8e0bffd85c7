#pragma once

#include "face/face_model.h"

#include <string>

namespace sf {

/// A readable summary of a model for `synthface model info`: its name and licence, the
/// counts of identity modes, expressions, correctives, joints, landmarks and dense
/// landmarks, and per part its vertices and faces (control and at `level`).
std::string describeFaceModel(const FaceModel& model, int level = 2);

}  // namespace sf
