#pragma once

#include "face/face_model.h"

namespace sf {

/// Builds SynthFace's built-in head, deterministically, from the procedural sculpt
/// (HeadSculpt) at the average adult's measurements:
///
/// - one skin surface, head to upper chest, as a quad grid around a vertical axis with a
///   quad cap on the crown; the grid's columns and rows are warped so that edge loops follow
///   the eyelids and lips; eyes and mouth are slits in the grid whose borders continue
///   inward as pockets (eyelid margins resting on the globes, the lips' inner faces and
///   the mouth cavity), so lids close and lips part without changing topology; each
///   nostril is a hole in the nose's underside that continues up as a closed tube;
/// - eyeballs with an iris disc, and clear corneas that bulge in front of them;
/// - identity modes: one per sculpt parameter, each the mesh's change for one standard
///   deviation of that measurement (central differences of the whole construction, so
///   eyelids, pockets and eyes follow); expressions named after ARKit blendshapes;
/// - a skeleton (chest, neck, head, jaw, eyes) with smooth skinning weights, the 70
///   landmarks of labels.md and a dense set of surface points.
///
/// Takes about a second; callers cache the result (see defaultHeadPath()).
FaceModel createDefaultHead();

}  // namespace sf
