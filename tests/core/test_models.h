#pragma once

// Small synthetic meshes and face models for the core tests, built in code.

#include "face/face_model.h"
#include "face/poly_mesh.h"

namespace sf::test {

/// A cube of half size `halfSize` around `center`, each side cut into n x n quads, faces
/// facing out: 6 n^2 + 2 vertices, 6 n^2 faces. With UVs, each side is its own island in a
/// 3 x 2 atlas (islands do not touch), so one UV per vertex needs 6 (n + 1)^2 vertices.
PolyMesh subdividedCube(int n, float halfSize, const Vec3f& center, bool withUvs);

/// A sphere of `rings` bands from pole to pole and `segments` around, faces facing out:
/// 2 + (rings - 1) segments vertices; triangles at the poles (2 segments), quads between
/// ((rings - 2) segments). No UVs.
PolyMesh uvSphere(int rings, int segments, float radius, const Vec3f& center);

/// A small model that passes validateFaceModel: parts "skin" (subdividedCube(4, 90), with
/// UVs: 98 vertices), "eye_left" and "eye_right" (uvSphere(4, 8, 12): 26 vertices each);
/// two identity modes, expressions "jawOpen" and "eyeBlinkLeft", one corrective driven by
/// both, joints neck, head, jaw, eye_left, eye_right, skin weights, 70 landmarks and three
/// dense ones. Some floats are awkward on purpose (-0, a denormal, 0.1, 1/3).
FaceModel makeTestModel();

}  // namespace sf::test
