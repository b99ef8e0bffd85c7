#pragma once

#include "face/face_evaluator.h"
#include "face/face_model.h"
#include "face/subdivision.h"

#include <optional>
#include <span>
#include <vector>

namespace sf {

/// Positions of `landmarks` on a posed face.
///
/// Surface landmarks lie on the limit surface of their part when `surfaces[part]` holds a
/// SubdivisionSurface (see SubdivisionSurface::limitPoint for the (u, v) convention), and
/// on the control face otherwise (bilinear in a quad, barycentric in a triangle): parts with
/// FacePart::subdivide false are rendered unrefined. Joint landmarks are
/// `skeleton.worldFromRest[joint] * (skeleton.restPivots[joint] + offset)`: fixed relative
/// to the joint's identity-shifted pivot.
///
/// `parts` are the model's parts, `surfaces` has one entry per part, `posedPositions` and
/// `skeleton` come from one FaceEvaluator::evaluate call. Throws sf::Error for a landmark
/// naming a part, face or joint that does not exist.
std::vector<Vec3f> evaluateLandmarks(std::span<const FacePart> parts,
                                     std::span<const std::optional<SubdivisionSurface>> surfaces,
                                     std::span<const Vec3f> posedPositions,
                                     const PosedSkeleton& skeleton,
                                     std::span<const Landmark> landmarks);

}  // namespace sf
