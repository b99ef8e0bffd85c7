#pragma once

#include "face/face_model.h"
#include "face/face_state.h"

#include <Eigen/Geometry>

#include <array>
#include <vector>

namespace sf {

/// The skeleton of one FaceState: where each joint's pivot is after the identity, and how
/// the pose moves it.
struct PosedSkeleton {
  /// Per joint: its rest pivot moved by the identity (Joint::anchorVertices), before posing.
  std::vector<Vec3f> restPivots;
  /// Per joint: the skinning transform, worldFromRest, that carries rest-pose (identity and
  /// expression applied) points rigidly attached to the joint to their posed place.
  std::vector<Eigen::Affine3f> worldFromRest;
  /// Per joint: its posed pivot, worldFromRest * restPivot.
  std::vector<Vec3f> positions;
};

/// Evaluates a FaceModel for FaceStates: template + identity modes + expressions +
/// correctives, then linear blend skinning. Built once per model; evaluation only reads it,
/// so one evaluator may serve several threads.
class FaceEvaluator {
public:
  /// Precomputes everything evaluate() needs. Throws sf::Error when the model is not
  /// consistent enough to evaluate (vertex indices out of range, skin weights missing...);
  /// validateFaceModel() gives the full check.
  static FaceEvaluator create(const FaceModel& model);

  int vertexCount() const { return static_cast<int>(m_template.size()); }
  int identityCount() const { return static_cast<int>(m_identity.offsets.size()) - 1; }
  int expressionCount() const { return static_cast<int>(m_expressions.offsets.size()) - 1; }
  int jointCount() const { return static_cast<int>(m_joints.size()); }

  /// Posed control-mesh positions of all global vertices (parts concatenated). Shorter
  /// coefficient vectors in `state` mean zeros; longer ones, or non-finite values, throw
  /// sf::Error. When `skeleton` is given it receives the state's skeleton as well.
  void evaluate(const FaceState& state, std::vector<Vec3f>& positions,
                PosedSkeleton* skeleton = nullptr) const;

  /// The skeleton alone (cheap: no vertex work). Throws like evaluate().
  PosedSkeleton skeleton(const FaceState& state) const;
  /// Per joint, the worldFromRest skinning transform applied to vertices.
  std::vector<Eigen::Affine3f> jointTransforms(const FaceState& state) const;

private:
  /// Morph targets in compressed sparse rows: target t owns entries
  /// [offsets[t], offsets[t + 1]) of vertices and deltas.
  struct SparseTargets {
    std::vector<int> offsets{0};
    std::vector<int> vertices;
    std::vector<Vec3f> deltas;
  };
  struct JointData {
    int parent = -1;
    Vec3f restPosition{0, 0, 0};
  };

  void checkState(const FaceState& state) const;
  void computeSkeleton(const FaceState& state, PosedSkeleton& skeleton) const;
  static void addTargets(const SparseTargets& targets, const std::vector<float>& weights,
                         std::vector<Vec3f>& positions);

  std::vector<Vec3f> m_template;
  SparseTargets m_identity;
  SparseTargets m_expressions;
  SparseTargets m_correctives;
  std::vector<std::vector<int>> m_correctiveDrivers;
  std::vector<JointData> m_joints;
  /// Mean identity offset of each joint's anchor vertices, per joint per identity mode
  /// (joint-major); zero for joints without anchors.
  std::vector<Vec3f> m_anchorMeans;
  std::vector<std::array<int, SkinWeights::kInfluences>> m_skinJoints;
  std::vector<std::array<float, SkinWeights::kInfluences>> m_skinWeights;
};

}  // namespace sf
