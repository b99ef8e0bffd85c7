#pragma once

#include "render/embree_accel.h"
#include "render/face_scene.h"

#include <Eigen/Core>

#include <array>
#include <optional>
#include <span>
#include <vector>

namespace sf {

/// What things worn on the face rest on, measured on one face without expression or pose
/// (model space): the skin without its ears as a ray-casting scene, the ears' points, and
/// the face's sides. Glasses and masks are fitted with it.
class HeadFit {
public:
  /// From the skin's triangles and classes and its vertices `shaped` in this identity, the
  /// 70 landmarks, and the points of ears that are parts of their own (`earPoints`, in the
  /// same space; the skin's ear triangles count too). Throws sf::Error when the sizes do not
  /// match or Embree fails.
  static HeadFit create(const SurfaceMesh& skin, std::span<const Eigen::Vector3f> shaped,
                        std::span<const Eigen::Vector3f> landmarks,
                        std::span<const Eigen::Vector3f> earPoints = {});

  /// Between the pupils.
  const Eigen::Vector3f& mid() const { return m_mid; }
  /// The x sign of side `side` (0 the subject's right, 1 the left) from the midline.
  float sideSign(int side) const { return m_side[static_cast<std::size_t>(side)]; }
  /// The closest hit of a ray on the skin without the ears.
  RayHit intersect(const Ray& ray) const { return m_skull.intersect(ray); }
  /// The skin's triangles without the ears (the primitives intersect() reports).
  std::span<const std::array<int, 3>> skullTriangles() const { return m_skullTriangles; }
  std::span<const Eigen::Vector3f> positions() const { return m_shaped; }

  /// Lateral distance from the midline to the side of the head (ears left out) on side
  /// `side`, at height y and depth z; nullopt when there is no head there.
  std::optional<float> sideOfHead(int side, float y, float z) const;

  /// Where the top of the ear joins the head on side `side`: what a temple or an ear loop
  /// goes over (y, z; x on the ear). Without labelled ears, a point estimated from the jaw's
  /// top landmarks (0 and 16).
  Eigen::Vector3f earRoot(int side) const;
  /// The ear's lowest point (its lobe) on side `side`, likewise.
  Eigen::Vector3f earLobe(int side) const;

private:
  HeadFit(TriangleScene skull) : m_skull(std::move(skull)) {}

  TriangleScene m_skull;
  std::vector<std::array<int, 3>> m_skullTriangles;
  std::span<const Eigen::Vector3f> m_shaped;
  Eigen::Vector3f m_mid = Eigen::Vector3f::Zero();
  std::array<float, 2> m_side{-1.0f, 1.0f};
  std::array<Eigen::Vector3f, 2> m_earRoot;
  std::array<Eigen::Vector3f, 2> m_earLobe;
};

}  // namespace sf
