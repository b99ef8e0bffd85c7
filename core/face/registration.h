#pragma once

#include "face/face_model.h"

#include <Eigen/Geometry>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sf {

/// Where one of the model's landmarks lies on the target mesh, by its name in
/// FaceModel::landmarks or denseLandmarks ("nose_tip", "eye_right_outer"...).
struct TargetLandmark {
  std::string name;
  Vec3f position{0, 0, 0};
};

/// How registerModel() fits a model to a mesh.
struct RegistrationOptions {
  /// Landmarks on the target. With three or more, they give the rigid alignment and pull
  /// the non-rigid fit; without them the alignment starts from the nose tip, found as the
  /// most forward point of the mesh's upper middle, and is refined by ICP from a few
  /// starting rotations.
  std::vector<TargetLandmark> landmarks;
  /// Relative smoothness of the non-rigid stages, from stiff to supple.
  std::vector<float> stiffness = {64.0f, 32.0f, 16.0f, 8.0f, 4.0f, 2.0f};
  int iterationsPerStiffness = 4;
  /// Correspondences farther than this (millimetres) are ignored in the last stage; the
  /// first stages accept up to four times as much.
  float maxDistance = 12.0f;
  /// Lines such as "non-rigid 3/8: mean 1.2 mm" while it works.
  std::function<void(std::string_view)> progress;
};

/// Fit residuals of one label region of the model's surface.
struct RegionResidual {
  LabelClass region = LabelClass::Skin;
  float mean = 0.0f;  ///< millimetres
  float max = 0.0f;
  int samples = 0;
};

/// How well a registration fits: distances from the fitted model's surface to the target,
/// in the target's units (millimetres), at one sample per surface vertex.
struct RegistrationReport {
  float mean = 0.0f;  ///< over the fitted samples with a target point nearby
  float max = 0.0f;
  float faceMean = 0.0f;  ///< over the face: the samples around the 68 landmarks
  float faceMax = 0.0f;
  int samples = 0;
  int unmatched = 0;  ///< samples with no target surface within maxDistance (a partial scan)
  /// Samples no scanner could see, found on the model alone (inside the mouth and
  /// nostrils, behind the lids and ears): they follow their neighbours and are not measured.
  int hidden = 0;
  std::vector<RegionResidual> regions;  ///< per label class present, largest mean first
  Vec3f worstPoint{0, 0, 0};            ///< where the largest face residual is (target space)
  std::string worstNear;                ///< the landmark nearest to it
};

/// A model fitted to a mesh: a similarity that aligns it, then a smooth non-rigid
/// deformation of its surface parts (PartMaterial::Skin: skin and ears) whose limit surface
/// lies on the target; the other parts (eyes, teeth...) and the joints follow their
/// surroundings rigidly.
struct Registration {
  float scale = 1.0f;  ///< targetFromModel: scale * rotation * x + translation
  Eigen::Matrix3f rotation = Eigen::Matrix3f::Identity();
  Vec3f translation{0, 0, 0};
  /// Every global vertex of the model, fitted, in target space.
  std::vector<Vec3f> positions;
  /// Every joint's rest pivot, fitted, in target space.
  std::vector<Vec3f> jointPositions;
  RegistrationReport report;

  Vec3f targetFromModel(const Vec3f& x) const { return scale * (rotation * x) + translation; }
};

/// Fits `model`'s template (its rest shape, the FaceState of all zeros) to `target`, a
/// polygon mesh in millimetres, y up, the face toward +z (a rotated head is found by the
/// alignment; a head upside down is not). The mesh may have any topology and may be
/// partial (a face scan): samples with no target nearby follow their neighbours, as do
/// samples no scanner could see (RegistrationReport::hidden), whatever the mesh. Throws
/// sf::Error prefixed with `source` for an empty mesh, non-finite coordinates, indices out
/// of range, unknown landmark names, or a fit that does not converge.
Registration registerModel(const FaceModel& model, const PolyMesh& target,
                           const RegistrationOptions& options, const std::string& source);

/// The model with its template replaced by the fitted shape, brought back to the model's
/// orientation and origin (the fitted size is kept): a registered scan in the model's
/// topology. Identity, expression and corrective deltas are scaled by the fit's scale.
FaceModel registeredModel(const FaceModel& model, const Registration& fit);

/// What transferSurface() carries from the registered model to a mesh of another topology.
struct SurfaceTransfer {
  bool landmarks = true;    ///< the 70 landmarks and the dense ones
  bool labels = true;       ///< per-face label classes and hair growth regions
  bool uvs = true;          ///< the skin UV layout; sound on close copies of the reference only: it
                            ///< tears across the reference's chart seams on other heads
  bool skinWeights = true;  ///< skinning weights over the model's joints
  bool identity = true;     ///< identity modes, interpolated and rotated into target space
  bool expressions = true;  ///< expressions and correctives
};

/// Carries the registered model's surface attributes onto part `targetPart` of `target`,
/// whose mesh is the registration's target (same space as `fit.positions`). Landmarks go
/// to the closest points of that part's limit surface; labels, UVs, weights and deltas
/// are interpolated from the closest point of the fitted model. `target` must have the
/// model's joints (by name) when skin weights or joint landmarks are carried. Replaces what
/// it carries; morph targets are matched by name and added when missing.
void transferSurface(const FaceModel& model, const Registration& fit, FaceModel& target,
                     int targetPart, const SurfaceTransfer& what);

/// A complete model on the target mesh's topology: its surface is `mesh` (part "skin"),
/// with everything transferSurface() carries, plus the registered model's other parts,
/// joints and skinning moved into place. `name` names the new model.
FaceModel modelFromRegistration(const FaceModel& model, const Registration& fit,
                                const PolyMesh& mesh, const std::string& name);

/// A label class as a report names it: "nose", "top lip", "right ear"...
std::string labelClassName(LabelClass region);

}  // namespace sf
