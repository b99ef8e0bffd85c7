#pragma once

#include "face/face_geometry.h"
#include "face/face_model.h"
#include "face/mesh_export.h"

namespace sf {

/// Which blendshapes an export carries as morph targets.
enum class ExportTargets { None, Expressions, All };

/// The posed face `state` of `geometry`'s model as an ExportScene: one mesh per part at the
/// geometry's subdivision level, with the model's expressions (and identity modes, for
/// All) as morph targets measured at that level around the posed face, and the skeleton
/// with its skinning weights carried to the refined vertices.
ExportScene buildExportScene(const FaceModel& model, const FaceGeometry& geometry,
                             const FaceState& state, ExportTargets targets);

}  // namespace sf
