#include "test_models.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numbers>

namespace sf::test {

PolyMesh subdividedCube(int n, float halfSize, const Vec3f& center, bool withUvs) {
  PolyMesh mesh;
  // Vertices live on an integer lattice [0, n]^3; sides share them through this map.
  std::map<std::array<int, 3>, int> vertexOf;
  const auto vertex = [&](const std::array<int, 3>& lattice) {
    const auto [it, inserted] = vertexOf.emplace(lattice, static_cast<int>(mesh.positions.size()));
    if (inserted) {
      Vec3f p;
      for (int axis = 0; axis < 3; ++axis) {
        p[axis] = center[axis] + halfSize * (2.0f * static_cast<float>(lattice[axis]) / n - 1.0f);
      }
      mesh.positions.push_back(p);
    }
    return it->second;
  };

  for (int side = 0; side < 6; ++side) {
    const int axis = side / 2;
    const bool positive = side % 2 == 1;
    // (u, v) span the side with u x v along its outward normal.
    int u = (axis + 1) % 3;
    int v = (axis + 2) % 3;
    if (!positive) {
      std::swap(u, v);
    }
    const auto corner = [&](int i, int j) {
      std::array<int, 3> lattice{};
      lattice[static_cast<std::size_t>(axis)] = positive ? n : 0;
      lattice[static_cast<std::size_t>(u)] = i;
      lattice[static_cast<std::size_t>(v)] = j;
      return vertex(lattice);
    };
    const int uvBase = static_cast<int>(mesh.uvs.size());
    if (withUvs) {
      const float cellX = static_cast<float>(side % 3);
      const float cellY = static_cast<float>(side / 3);
      for (int j = 0; j <= n; ++j) {
        for (int i = 0; i <= n; ++i) {
          mesh.uvs.emplace_back((cellX + 0.05f + 0.9f * static_cast<float>(i) / n) / 3.0f,
                                (cellY + 0.05f + 0.9f * static_cast<float>(j) / n) / 2.0f);
        }
      }
    }
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        mesh.faceSizes.push_back(4);
        const std::array<std::array<int, 2>, 4> corners = {
            {{i, j}, {i + 1, j}, {i + 1, j + 1}, {i, j + 1}}};
        for (const auto& [ci, cj] : corners) {
          mesh.faceIndices.push_back(corner(ci, cj));
          if (withUvs) {
            mesh.uvIndices.push_back(uvBase + cj * (n + 1) + ci);
          }
        }
      }
    }
  }
  return mesh;
}

PolyMesh uvSphere(int rings, int segments, float radius, const Vec3f& center) {
  PolyMesh mesh;
  const float pi = std::numbers::pi_v<float>;
  mesh.positions.push_back(center + Vec3f(0, radius, 0));
  for (int r = 1; r < rings; ++r) {
    const float theta = pi * static_cast<float>(r) / rings;
    for (int s = 0; s < segments; ++s) {
      const float phi = 2 * pi * static_cast<float>(s) / segments;
      mesh.positions.push_back(center + radius * Vec3f(std::sin(theta) * std::cos(phi),
                                                       std::cos(theta),
                                                       std::sin(theta) * std::sin(phi)));
    }
  }
  const int south = static_cast<int>(mesh.positions.size());
  mesh.positions.push_back(center - Vec3f(0, radius, 0));
  const auto ring = [&](int r, int s) { return 1 + (r - 1) * segments + (s % segments); };

  for (int s = 0; s < segments; ++s) {
    mesh.faceSizes.push_back(3);
    mesh.faceIndices.insert(mesh.faceIndices.end(), {0, ring(1, s + 1), ring(1, s)});
  }
  for (int r = 1; r + 1 < rings; ++r) {
    for (int s = 0; s < segments; ++s) {
      mesh.faceSizes.push_back(4);
      mesh.faceIndices.insert(mesh.faceIndices.end(),
                              {ring(r, s), ring(r, s + 1), ring(r + 1, s + 1), ring(r + 1, s)});
    }
  }
  for (int s = 0; s < segments; ++s) {
    mesh.faceSizes.push_back(3);
    mesh.faceIndices.insert(mesh.faceIndices.end(),
                            {south, ring(rings - 1, s), ring(rings - 1, s + 1)});
  }

  // Face outward: flip every face if the first one faces the centre.
  const Vec3f a = mesh.positions[static_cast<std::size_t>(mesh.faceIndices[0])];
  const Vec3f b = mesh.positions[static_cast<std::size_t>(mesh.faceIndices[1])];
  const Vec3f c = mesh.positions[static_cast<std::size_t>(mesh.faceIndices[2])];
  if ((b - a).cross(c - a).dot(a + b + c - 3 * center) < 0) {
    std::size_t offset = 0;
    for (const int size : mesh.faceSizes) {
      std::reverse(mesh.faceIndices.begin() + static_cast<std::ptrdiff_t>(offset),
                   mesh.faceIndices.begin() + static_cast<std::ptrdiff_t>(offset) + size);
      offset += static_cast<std::size_t>(size);
    }
  }
  return mesh;
}

namespace {

FacePart makePart(std::string name, PartMaterial material, PolyMesh mesh, int firstVertex,
                  LabelClass label) {
  FacePart part;
  part.name = std::move(name);
  part.material = material;
  part.firstVertex = firstVertex;
  part.subdivide = material == PartMaterial::Skin;
  const auto faces = static_cast<std::size_t>(mesh.faceCount());
  part.faceClass.assign(faces, label);
  part.faceGrowth.assign(faces, kGrowthNone);
  part.mesh = std::move(mesh);
  return part;
}

MorphTarget makeTarget(std::string name, std::string group, float sigma) {
  MorphTarget target;
  target.name = std::move(name);
  target.group = std::move(group);
  target.sigma = sigma;
  return target;
}

}  // namespace

FaceModel makeTestModel() {
  FaceModel model;
  model.name = "test-head";
  model.version = "0.1.0";
  model.license = "CC0-1.0";
  model.author = "Tête de test";  // not ASCII on purpose

  const Vec3f eyeLeft(32, 10, 95);
  const Vec3f eyeRight(-32, 10, 95);
  model.parts.push_back(makePart("skin", PartMaterial::Skin,
                                 subdividedCube(4, 90, Vec3f(0, 0, 0), true), 0, LabelClass::Skin));
  model.parts.push_back(makePart("eye_left", PartMaterial::Sclera, uvSphere(4, 8, 12, eyeLeft), 98,
                                 LabelClass::LeftEye));
  model.parts.push_back(makePart("eye_right", PartMaterial::Sclera, uvSphere(4, 8, 12, eyeRight),
                                 124, LabelClass::RightEye));
  FacePart& skin = model.parts[0];
  for (std::size_t f = 0; f < skin.faceGrowth.size(); f += 5) {
    skin.faceGrowth[f] = kGrowthScalp | kGrowthBeard;
    skin.faceClass[f] = LabelClass::Hair;
  }
  const std::vector<Vec3f> rest = model.restPositions();
  const int vertexCount = static_cast<int>(rest.size());

  // Identity: a wider head, and eyes further apart.
  MorphTarget width = makeTarget("head_width", "global", 4.5f);
  for (int v = 0; v < 98; ++v) {
    width.vertices.push_back(v);
    width.deltas.emplace_back(rest[static_cast<std::size_t>(v)].x() / 90.0f, 0, 0);
  }
  // Floats that a text round trip could spoil.
  width.deltas[0] = Vec3f(-0.0f, 1e-40f, 0.1f);
  width.deltas[1] = Vec3f(1.0f / 3.0f, -2.5e-38f, std::nextafter(1.0f, 2.0f));
  MorphTarget spacing = makeTarget("eye_spacing", "eyes", 2.0f);
  for (int v = 98; v < vertexCount; ++v) {
    spacing.vertices.push_back(v);
    spacing.deltas.emplace_back(v < 124 ? 1.0f : -1.0f, 0, 0);
  }
  model.identity = {width, spacing};

  // Expressions: the lower half drops, the left eye closes.
  MorphTarget jawOpen = makeTarget("jawOpen", "mouth", 1.0f);
  for (int v = 0; v < 98; ++v) {
    if (rest[static_cast<std::size_t>(v)].y() < 0) {
      jawOpen.vertices.push_back(v);
      jawOpen.deltas.emplace_back(0, -10, 2);
    }
  }
  MorphTarget blink = makeTarget("eyeBlinkLeft", "eyes", 1.0f);
  for (int v = 98; v < 124; ++v) {
    if (rest[static_cast<std::size_t>(v)].y() > eyeLeft.y()) {
      blink.vertices.push_back(v);
      blink.deltas.emplace_back(0, -3, 0);
    }
  }
  model.expressions = {jawOpen, blink};
  MorphTarget corrective = makeTarget("eyeBlinkLeft+jawOpen", "mouth", 1.0f);
  corrective.vertices = {1, 5, 99};
  corrective.deltas = {Vec3f(0, 0.5f, 0), Vec3f(0, 0.25f, 0), Vec3f(0.1f, 0, 0)};
  corrective.drivers = {1, 0};
  model.correctives = {corrective};

  // Skeleton.
  const auto joint = [](std::string name, int parent, Vec3f position) {
    Joint j;
    j.name = std::move(name);
    j.parent = parent;
    j.restPosition = position;
    return j;
  };
  model.joints = {joint("neck", -1, Vec3f(0, -80, -0.0f)), joint("head", 0, Vec3f(0, 0, 0)),
                  joint("jaw", 1, Vec3f(0, -20, 30)), joint("eye_left", 1, eyeLeft),
                  joint("eye_right", 1, eyeRight)};
  for (int v = 98; v < 124; ++v) {
    model.joints[3].anchorVertices.push_back(v);
    model.joints[4].anchorVertices.push_back(v + 26);
  }

  // Skin: the bottom follows the neck and head, the lower half the jaw, eyes their joints.
  for (int v = 0; v < vertexCount; ++v) {
    const Vec3f& p = rest[static_cast<std::size_t>(v)];
    std::array<int, 4> joints{1, 0, 0, 0};
    std::array<float, 4> weights{1, 0, 0, 0};
    if (v >= 124) {
      joints = {4, 0, 0, 0};
    } else if (v >= 98) {
      joints = {3, 0, 0, 0};
    } else if (p.y() <= -90) {
      joints = {0, 1, 0, 0};
      weights = {0.5f, 0.5f, 0, 0};
    } else if (p.y() < 0) {
      joints = {2, 1, 0, 0};
      weights = {0.6f, 0.4f, 0, 0};
    }
    model.skin.joints.push_back(joints);
    model.skin.weights.push_back(weights);
  }

  // 68 landmarks on the skin's quads, then the pupils on the eye joints.
  for (int k = 0; k < 68; ++k) {
    Landmark landmark;
    landmark.name = "ibug_" + std::to_string(k);
    landmark.kind = Landmark::Kind::Surface;
    landmark.part = 0;
    landmark.face = (k * 7) % 96;
    landmark.uv = Vec2f(static_cast<float>(k % 5) / 4.0f, static_cast<float>(k % 11) / 10.0f);
    if (k == 3) {
      landmark.uv = Vec2f(1.0f / 3.0f, 1.0f);
    }
    model.landmarks.push_back(landmark);
  }
  for (const auto& [name, jointIndex] : {std::pair{"pupil_left", 3}, std::pair{"pupil_right", 4}}) {
    Landmark landmark;
    landmark.name = name;
    landmark.kind = Landmark::Kind::Joint;
    landmark.joint = jointIndex;
    landmark.offset = Vec3f(0, 0, 12);
    model.landmarks.push_back(landmark);
  }

  // Dense landmarks: on a quad, on an eye's pole triangle, on a joint.
  Landmark dense;
  dense.name = "dense_0000";
  dense.face = 10;
  dense.uv = Vec2f(0.5f, 0.25f);
  model.denseLandmarks.push_back(dense);
  dense.name = "dense_0001";
  dense.part = 1;
  dense.face = 0;
  dense.uv = Vec2f(0.2f, 0.3f);
  model.denseLandmarks.push_back(dense);
  Landmark denseJoint;
  denseJoint.name = "dense_0002";
  denseJoint.kind = Landmark::Kind::Joint;
  denseJoint.joint = 2;
  denseJoint.offset = Vec3f(1, -2, 3);
  model.denseLandmarks.push_back(denseJoint);
  return model;
}

}  // namespace sf::test
