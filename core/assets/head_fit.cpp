#include "assets/head_fit.h"

#include "util/error.h"

#include <algorithm>

namespace sf {

using V3 = Eigen::Vector3f;

HeadFit HeadFit::create(const SurfaceMesh& skin, std::span<const V3> shaped,
                        std::span<const V3> landmarks, std::span<const V3> earPoints) {
  if (landmarks.size() < 70 || shaped.size() != skin.positions.size()) {
    throw Error("head fit: the skin and its 70 landmarks are needed");
  }
  const V3 mid = 0.5f * (landmarks[68] + landmarks[69]);
  const float rightSign = landmarks[68].x() < mid.x() ? -1.0f : 1.0f;
  std::vector<std::array<int, 3>> skullTriangles;
  std::array<std::vector<V3>, 2> ears;
  for (std::size_t t = 0; t < skin.triangles.size(); ++t) {
    const LabelClass c = skin.triangleClass[t];
    if (c == LabelClass::RightEar || c == LabelClass::LeftEar) {
      for (const int v : skin.triangles[t]) {
        const V3& p = shaped[static_cast<std::size_t>(v)];
        ears[(p.x() - mid.x()) * rightSign > 0.0f ? 0 : 1].push_back(p);
      }
    } else {
      skullTriangles.push_back(skin.triangles[t]);
    }
  }
  for (const V3& p : earPoints) {
    ears[(p.x() - mid.x()) * rightSign > 0.0f ? 0 : 1].push_back(p);
  }
  const TriangleMeshInput input{shaped, skullTriangles, true};
  HeadFit fit(TriangleScene::create(sharedEmbreeDevice(), {&input, 1}));
  fit.m_skullTriangles = std::move(skullTriangles);
  fit.m_shaped = shaped;
  fit.m_mid = mid;
  fit.m_side = {rightSign, -rightSign};
  for (int side = 0; side < 2; ++side) {
    const std::vector<V3>& ear = ears[static_cast<std::size_t>(side)];
    const V3& jaw = landmarks[side == 0 ? 0 : 16];
    if (ear.empty()) {
      fit.m_earRoot[static_cast<std::size_t>(side)] = V3(jaw.x(), mid.y() + 4.0f, jaw.z() - 15.0f);
      fit.m_earLobe[static_cast<std::size_t>(side)] = V3(jaw.x(), jaw.y() - 25.0f, jaw.z() - 12.0f);
      continue;
    }
    // The top of the root: a little below the helix's top, midway along its front and back.
    float top = -1e9f;
    const V3* lowest = &ear.front();
    for (const V3& p : ear) {
      top = std::max(top, p.y());
      if (p.y() < lowest->y()) {
        lowest = &p;
      }
    }
    float front = -1e9f;
    float back = 1e9f;
    float lateral = 0.0f;
    for (const V3& p : ear) {
      if (p.y() > top - 12.0f) {
        front = std::max(front, p.z());
        back = std::min(back, p.z());
        lateral = std::max(lateral, std::abs(p.x() - mid.x()));
      }
    }
    fit.m_earRoot[static_cast<std::size_t>(side)] =
        V3(mid.x() + fit.m_side[static_cast<std::size_t>(side)] * lateral, top - 6.0f,
           0.5f * (front + back) + 2.0f);
    fit.m_earLobe[static_cast<std::size_t>(side)] = *lowest;
  }
  return fit;
}

std::optional<float> HeadFit::sideOfHead(int side, float y, float z) const {
  Ray ray;
  const float sign = sideSign(side);
  ray.origin = V3(m_mid.x() + sign * 200.0f, y, z);
  ray.direction = V3(-sign, 0.0f, 0.0f);
  ray.tFar = 200.0f;
  const RayHit hit = m_skull.intersect(ray);
  if (!hit.hit()) {
    return std::nullopt;
  }
  return 200.0f - hit.t;
}

V3 HeadFit::earRoot(int side) const {
  return m_earRoot[static_cast<std::size_t>(side)];
}

V3 HeadFit::earLobe(int side) const {
  return m_earLobe[static_cast<std::size_t>(side)];
}

}  // namespace sf
