#include "face/face_evaluator.h"

#include "util/check.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sf {

namespace {

std::string modelLabel(const FaceModel& model) {
  return model.name.empty() ? std::string("face model") : "face model '" + model.name + "'";
}

std::string targetLabel(const char* list, std::size_t index, const MorphTarget& target) {
  return std::string(list) + "[" + std::to_string(index) + "] (" + target.name + ")";
}

/// Throws unless `values` has at most `count` entries, all finite.
void checkCoefficients(const std::vector<float>& values, int count, const char* what) {
  if (values.size() > static_cast<std::size_t>(count)) {
    throw Error("FaceState: " + std::to_string(values.size()) + " " + what +
                " coefficients, the model has " + std::to_string(count));
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw Error("FaceState: " + std::string(what) + "[" + std::to_string(i) + "] is not finite");
    }
  }
}

}  // namespace

FaceEvaluator FaceEvaluator::create(const FaceModel& model) {
  FaceEvaluator evaluator;
  const std::string where = modelLabel(model);

  // The template: parts concatenated in order, as FacePart::firstVertex says.
  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    const FacePart& part = model.parts[p];
    const int expected = static_cast<int>(evaluator.m_template.size());
    if (part.firstVertex != expected) {
      throw Error(where + ": parts[" + std::to_string(p) + "] (" + part.name + "): firstVertex " +
                  std::to_string(part.firstVertex) + ", expected " + std::to_string(expected));
    }
    evaluator.m_template.insert(evaluator.m_template.end(), part.mesh.positions.begin(),
                                part.mesh.positions.end());
  }
  const int vertexCount = evaluator.vertexCount();

  // Morph targets into compressed sparse rows, checked against the vertex range.
  const auto compress = [&](const std::vector<MorphTarget>& targets, const char* list,
                            SparseTargets& out) {
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const MorphTarget& target = targets[t];
      if (target.vertices.size() != target.deltas.size()) {
        throw Error(where + ": " + targetLabel(list, t, target) + ": " +
                    std::to_string(target.vertices.size()) + " vertices but " +
                    std::to_string(target.deltas.size()) + " deltas");
      }
      for (const int v : target.vertices) {
        if (v < 0 || v >= vertexCount) {
          throw Error(where + ": " + targetLabel(list, t, target) + ": vertex index " +
                      std::to_string(v) + " out of range (0.." + std::to_string(vertexCount - 1) +
                      ")");
        }
      }
      out.vertices.insert(out.vertices.end(), target.vertices.begin(), target.vertices.end());
      out.deltas.insert(out.deltas.end(), target.deltas.begin(), target.deltas.end());
      out.offsets.push_back(static_cast<int>(out.vertices.size()));
    }
  };
  compress(model.identity, "identity", evaluator.m_identity);
  compress(model.expressions, "expressions", evaluator.m_expressions);
  compress(model.correctives, "correctives", evaluator.m_correctives);

  const int expressionCount = static_cast<int>(model.expressions.size());
  for (std::size_t c = 0; c < model.correctives.size(); ++c) {
    const MorphTarget& corrective = model.correctives[c];
    for (const int driver : corrective.drivers) {
      if (driver < 0 || driver >= expressionCount) {
        throw Error(where + ": " + targetLabel("correctives", c, corrective) + ": driver " +
                    std::to_string(driver) + " is not an expression (0.." +
                    std::to_string(expressionCount - 1) + ")");
      }
    }
    evaluator.m_correctiveDrivers.push_back(corrective.drivers);
  }

  // Joints, parents first.
  const int jointCount = static_cast<int>(model.joints.size());
  for (int j = 0; j < jointCount; ++j) {
    const Joint& joint = model.joints[j];
    const std::string label = where + ": joints[" + std::to_string(j) + "] (" + joint.name + ")";
    if (joint.parent < -1 || joint.parent >= j) {
      throw Error(label + ": parent " + std::to_string(joint.parent) +
                  " must be -1 or an earlier joint");
    }
    for (const int v : joint.anchorVertices) {
      if (v < 0 || v >= vertexCount) {
        throw Error(label + ": anchor vertex " + std::to_string(v) + " out of range (0.." +
                    std::to_string(vertexCount - 1) + ")");
      }
    }
    evaluator.m_joints.push_back({joint.parent, joint.restPosition});
  }

  // Mean identity offset of each joint's anchors, per mode: scatter the mode's deltas into a
  // dense scratch array, average over the anchors, clear the scratch again.
  const int identityCount = evaluator.identityCount();
  evaluator.m_anchorMeans.assign(static_cast<std::size_t>(jointCount) * identityCount,
                                 Vec3f::Zero());
  std::vector<Vec3f> scratch(vertexCount, Vec3f::Zero());
  const SparseTargets& identity = evaluator.m_identity;
  for (int i = 0; i < identityCount; ++i) {
    for (int k = identity.offsets[i]; k < identity.offsets[i + 1]; ++k) {
      scratch[identity.vertices[k]] = identity.deltas[k];
    }
    for (int j = 0; j < jointCount; ++j) {
      const std::vector<int>& anchors = model.joints[j].anchorVertices;
      if (anchors.empty()) {
        continue;
      }
      Vec3f sum = Vec3f::Zero();
      for (const int v : anchors) {
        sum += scratch[v];
      }
      evaluator.m_anchorMeans[static_cast<std::size_t>(j) * identityCount + i] =
          sum / static_cast<float>(anchors.size());
    }
    for (int k = identity.offsets[i]; k < identity.offsets[i + 1]; ++k) {
      scratch[identity.vertices[k]] = Vec3f::Zero();
    }
  }

  // Skin weights: one entry per vertex; a model without joints may have none.
  const SkinWeights& skin = model.skin;
  const bool noSkin = jointCount == 0 && skin.joints.empty() && skin.weights.empty();
  if (!noSkin) {
    if (skin.joints.size() != static_cast<std::size_t>(vertexCount) ||
        skin.weights.size() != static_cast<std::size_t>(vertexCount)) {
      throw Error(where + ": skin: " + std::to_string(skin.joints.size()) + " joint and " +
                  std::to_string(skin.weights.size()) + " weight entries for " +
                  std::to_string(vertexCount) + " vertices");
    }
    for (int v = 0; v < vertexCount; ++v) {
      for (int k = 0; k < SkinWeights::kInfluences; ++k) {
        const int joint = skin.joints[v][k];
        if (skin.weights[v][k] != 0.0f && (joint < 0 || joint >= jointCount)) {
          throw Error(where + ": skin: vertex " + std::to_string(v) + ": joint index " +
                      std::to_string(joint) + " out of range (0.." +
                      std::to_string(jointCount - 1) + ")");
        }
      }
    }
    evaluator.m_skinJoints = skin.joints;
    evaluator.m_skinWeights = skin.weights;
  }
  return evaluator;
}

void FaceEvaluator::checkState(const FaceState& state) const {
  checkCoefficients(state.identity, identityCount(), "identity");
  checkCoefficients(state.expression, expressionCount(), "expression");
  if (state.jointRotations.size() > m_joints.size()) {
    throw Error("FaceState: " + std::to_string(state.jointRotations.size()) +
                " joint rotations, the model has " + std::to_string(m_joints.size()) + " joints");
  }
  for (std::size_t j = 0; j < state.jointRotations.size(); ++j) {
    const float norm = state.jointRotations[j].norm();
    if (!std::isfinite(norm) || norm < 1e-6f) {
      throw Error("FaceState: jointRotations[" + std::to_string(j) +
                  "] is not a rotation (zero or non-finite quaternion)");
    }
  }
}

void FaceEvaluator::computeSkeleton(const FaceState& state, PosedSkeleton& skeleton) const {
  const std::size_t jointCount = m_joints.size();
  const std::size_t identityCount = static_cast<std::size_t>(this->identityCount());
  skeleton.restPivots.resize(jointCount);
  skeleton.worldFromRest.resize(jointCount);
  skeleton.positions.resize(jointCount);
  for (std::size_t j = 0; j < jointCount; ++j) {
    // The pivot follows the identity through the mean offset of its anchors.
    Vec3f pivot = m_joints[j].restPosition;
    for (std::size_t i = 0; i < state.identity.size(); ++i) {
      if (state.identity[i] != 0.0f) {
        pivot += state.identity[i] * m_anchorMeans[j * identityCount + i];
      }
    }
    skeleton.restPivots[j] = pivot;

    // worldFromRest = parent's worldFromRest * (rotation about the identity-shifted pivot).
    // Joint frames are parallel to model space, so no rest rotation enters.
    Eigen::Affine3f local = Eigen::Affine3f::Identity();
    if (j < state.jointRotations.size()) {
      const Eigen::Quaternionf rotation = state.jointRotations[j].normalized();
      local.linear() = rotation.toRotationMatrix();
      local.translation() = pivot - local.linear() * pivot;
    }
    const int parent = m_joints[j].parent;
    skeleton.worldFromRest[j] = parent >= 0 ? skeleton.worldFromRest[parent] * local : local;
    skeleton.positions[j] = skeleton.worldFromRest[j] * pivot;
  }
}

PosedSkeleton FaceEvaluator::skeleton(const FaceState& state) const {
  checkState(state);
  PosedSkeleton skeleton;
  computeSkeleton(state, skeleton);
  return skeleton;
}

std::vector<Eigen::Affine3f> FaceEvaluator::jointTransforms(const FaceState& state) const {
  return skeleton(state).worldFromRest;
}

void FaceEvaluator::addTargets(const SparseTargets& targets, const std::vector<float>& weights,
                               std::vector<Vec3f>& positions) {
  const std::size_t count = std::min(weights.size(), targets.offsets.size() - 1);
  for (std::size_t t = 0; t < count; ++t) {
    const float weight = weights[t];
    if (weight == 0.0f) {
      continue;
    }
    const int end = targets.offsets[t + 1];
    for (int k = targets.offsets[t]; k < end; ++k) {
      positions[targets.vertices[k]] += weight * targets.deltas[k];
    }
  }
}

void FaceEvaluator::evaluate(const FaceState& state, std::vector<Vec3f>& positions,
                             PosedSkeleton* skeleton) const {
  checkState(state);

  // Shape: template, identity, expressions; zero coefficients cost nothing.
  positions.assign(m_template.begin(), m_template.end());
  addTargets(m_identity, state.identity, positions);
  addTargets(m_expressions, state.expression, positions);

  // Correctives, weighted by the product of their drivers' expression weights.
  for (std::size_t c = 0; c < m_correctiveDrivers.size(); ++c) {
    float weight = 1.0f;
    for (const int driver : m_correctiveDrivers[c]) {
      const std::size_t d = static_cast<std::size_t>(driver);
      weight *= d < state.expression.size() ? state.expression[d] : 0.0f;
    }
    if (weight == 0.0f) {
      continue;
    }
    const int end = m_correctives.offsets[c + 1];
    for (int k = m_correctives.offsets[c]; k < end; ++k) {
      positions[m_correctives.vertices[k]] += weight * m_correctives.deltas[k];
    }
  }

  PosedSkeleton localSkeleton;
  PosedSkeleton& posed = skeleton ? *skeleton : localSkeleton;
  computeSkeleton(state, posed);

  // Linear blend skinning written as p + sum_k w_k (A_k p - p), with A_k p - p =
  // (R_k - I) p + t_k: joints that did not move contribute exactly nothing, so unposed
  // vertices keep their bits.
  const std::size_t jointCount = m_joints.size();
  std::vector<Eigen::Matrix3f> linearMinusIdentity(jointCount);
  std::vector<Vec3f> translations(jointCount);
  std::vector<char> moved(jointCount, 0);
  bool anyMoved = false;
  for (std::size_t j = 0; j < jointCount; ++j) {
    const Eigen::Affine3f& transform = posed.worldFromRest[j];
    linearMinusIdentity[j] = transform.linear() - Eigen::Matrix3f::Identity();
    translations[j] = transform.translation();
    moved[j] =
        !(linearMinusIdentity[j].array() == 0.0f).all() || !(translations[j].array() == 0.0f).all();
    anyMoved = anyMoved || moved[j];
  }
  if (!anyMoved || m_skinJoints.empty()) {
    return;
  }
  SF_CHECK(m_skinJoints.size() == positions.size());
  for (std::size_t v = 0; v < positions.size(); ++v) {
    const Vec3f rest = positions[v];
    Vec3f offset = Vec3f::Zero();
    for (int k = 0; k < SkinWeights::kInfluences; ++k) {
      const float weight = m_skinWeights[v][k];
      const int joint = m_skinJoints[v][k];
      if (weight == 0.0f || !moved[joint]) {
        continue;
      }
      offset += weight * (linearMinusIdentity[joint] * rest + translations[joint]);
    }
    positions[v] = rest + offset;
  }
}

}  // namespace sf
