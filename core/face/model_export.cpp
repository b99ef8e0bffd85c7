#include "face/model_export.h"

#include <algorithm>

namespace sf {

namespace {

/// Per-vertex values of one part, refined like its positions (or copied if unrefined).
std::vector<Vec3f> refineChannel(const FaceGeometry& geometry, std::size_t part,
                                 std::span<const Vec3f> control) {
  const auto& surface = geometry.surfaces()[part];
  if (!surface) {
    return {control.begin(), control.end()};
  }
  std::vector<Vec3f> refined;
  surface->refinePositions(control, refined);
  return refined;
}

}  // namespace

ExportScene buildExportScene(const FaceModel& model, const FaceGeometry& geometry,
                             const FaceState& state, ExportTargets targets) {
  const PosedFace posed = geometry.pose(state);
  ExportScene scene;
  for (const Joint& joint : model.joints) {
    const auto index = static_cast<std::size_t>(&joint - model.joints.data());
    scene.joints.push_back({joint.name, joint.parent, posed.skeleton.positions[index]});
  }

  // The targets: the posed face with one more unit of a blendshape, minus the posed face.
  struct Shape {
    std::string name;
    FaceState state;
  };
  std::vector<Shape> shapes;
  if (targets != ExportTargets::None) {
    for (std::size_t e = 0; e < model.expressions.size(); ++e) {
      Shape shape{model.expressions[e].name, state};
      shape.state.expression.resize(model.expressions.size(), 0.0f);
      shape.state.expression[e] += 1.0f;
      shapes.push_back(std::move(shape));
    }
  }
  if (targets == ExportTargets::All) {
    for (std::size_t i = 0; i < model.identity.size(); ++i) {
      Shape shape{"identity_" + model.identity[i].name, state};
      shape.state.identity.resize(model.identity.size(), 0.0f);
      shape.state.identity[i] += 1.0f;
      shapes.push_back(std::move(shape));
    }
  }
  std::vector<PosedFace> shaped;
  for (const Shape& shape : shapes) {
    shaped.push_back(geometry.pose(shape.state));
  }

  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    const FacePart& part = model.parts[p];
    ExportMesh mesh;
    mesh.name = part.name;
    mesh.mesh = posed.parts[p];
    for (std::size_t s = 0; s < shapes.size(); ++s) {
      ExportMorphTarget target{shapes[s].name, {}};
      const std::vector<Vec3f>& moved = shaped[s].parts[p].positions;
      target.deltas.resize(moved.size());
      for (std::size_t v = 0; v < moved.size(); ++v) {
        target.deltas[v] = moved[v] - mesh.mesh.positions[v];
      }
      mesh.targets.push_back(std::move(target));
    }

    // Skin weights per joint, refined as three-channel values, then the four largest kept.
    const int vertices = part.mesh.vertexCount();
    const std::size_t jointCount = model.joints.size();
    const std::size_t channels = (jointCount + 2) / 3;
    std::vector<std::vector<Vec3f>> refinedWeights;
    for (std::size_t c = 0; c < channels; ++c) {
      std::vector<Vec3f> control(static_cast<std::size_t>(vertices), Vec3f::Zero());
      for (int v = 0; v < vertices; ++v) {
        const auto global = static_cast<std::size_t>(part.firstVertex + v);
        for (int k = 0; k < SkinWeights::kInfluences; ++k) {
          const auto joint =
              static_cast<std::size_t>(model.skin.joints[global][static_cast<std::size_t>(k)]);
          if (joint / 3 == c) {
            control[static_cast<std::size_t>(v)][static_cast<int>(joint % 3)] +=
                model.skin.weights[global][static_cast<std::size_t>(k)];
          }
        }
      }
      refinedWeights.push_back(refineChannel(geometry, p, control));
    }
    const std::size_t refinedCount = mesh.mesh.positions.size();
    mesh.skinJoints.resize(refinedCount);
    mesh.skinWeights.resize(refinedCount);
    for (std::size_t v = 0; v < refinedCount; ++v) {
      std::vector<std::pair<float, int>> all;
      for (std::size_t j = 0; j < jointCount; ++j) {
        all.emplace_back(std::max(refinedWeights[j / 3][v][static_cast<int>(j % 3)], 0.0f),
                         static_cast<int>(j));
      }
      std::sort(all.begin(), all.end(),
                [](const auto& a, const auto& b) { return a.first > b.first; });
      float sum = 0.0f;
      for (int k = 0; k < ExportMesh::kInfluences && k < static_cast<int>(all.size()); ++k) {
        sum += all[static_cast<std::size_t>(k)].first;
      }
      for (int k = 0; k < ExportMesh::kInfluences; ++k) {
        const bool used = k < static_cast<int>(all.size()) && sum > 0.0f;
        mesh.skinJoints[v][static_cast<std::size_t>(k)] =
            used ? all[static_cast<std::size_t>(k)].second : 0;
        mesh.skinWeights[v][static_cast<std::size_t>(k)] =
            used ? all[static_cast<std::size_t>(k)].first / sum : (k == 0 ? 1.0f : 0.0f);
      }
    }
    scene.meshes.push_back(std::move(mesh));
  }
  return scene;
}

}  // namespace sf
