#pragma once

#include "face/poly_mesh.h"

#include <span>
#include <string>
#include <vector>

namespace sf {

/// One parameter of the procedural head: a measurement or a shape control, with the adult
/// mean and standard deviation it is sampled with (millimetres, degrees, or unitless).
struct SculptParameter {
  const char* name;   ///< identity mode name, such as "nose_width"
  const char* group;  ///< region: "global", "forehead", "eyes", "nose", "cheeks", ...
  float mean;
  float sd;
  const char* unit;  ///< "mm", "deg" or "" for unitless controls
};

/// The procedural head's parameters, in a fixed order; identity mode k of the default
/// model is parameter k moved by one standard deviation. Means and SDs follow published
/// adult measurements (see ../shared/specs/anthropometry.md: ANSUR II, 3DFN, NIOSH).
std::span<const SculptParameter> sculptParameters();

/// Index of a parameter by name; SF_CHECKs that it exists.
int sculptParameterIndex(const char* name);

/// The parameters' means, the average adult head.
std::vector<float> meanSculptValues();

/// A signed distance field of an adult head, neck and shoulders, built from smooth unions
/// of simple solids placed from the parameters. Negative inside. Millimetres; y up, the
/// face looking along +z, x toward the subject's left, origin between the ear canals.
/// It is a form reference for the default head's mesh, which is projected onto it.
class HeadSculpt {
public:
  explicit HeadSculpt(std::span<const float> values);

  /// Signed distance (approximate, but a lower bound within the blend radii).
  float distance(const Vec3f& p) const;
  /// Gradient of distance() by central differences, normalised.
  Vec3f normal(const Vec3f& p) const;

  /// Anchors the mesh layout follows.
  Vec3f eyeCenter(int side) const { return m_eye[side]; }  ///< side 0: right (-x), 1: left
  float eyeballRadius() const { return 12.0f; }
  float lidShellRadius() const { return m_lidRadius; }
  Vec3f innerCanthus(int side) const { return m_innerCanthus[side]; }
  Vec3f outerCanthus(int side) const { return m_outerCanthus[side]; }
  float fissureHeight() const { return m_fissureHeight; }
  Vec3f mouthCorner(int side) const { return m_mouthCorner[side]; }
  Vec3f stomion() const { return m_stomion; }
  Vec3f noseTip() const { return m_noseTip; }
  Vec3f subnasale() const { return m_subnasale; }
  Vec3f alare(int side) const { return m_alare[side]; }
  Vec3f chin() const { return m_chin; }
  Vec3f jawPivot() const { return m_jawPivot; }
  Vec3f earCanal(int side) const { return m_earCanal[side]; }
  float value(const char* name) const;

  /// An ellipsoid turned about y: its long axis (`radii.z`) lies along `axis`, which rises
  /// only a little (the frame is horizontal-across, y, `axis`; not quite orthogonal).
  struct TurnedEllipsoid {
    Vec3f center, axis, radii;
  };
  /// A nostril's opening, side 0 right (-x), 1 left: its long axis runs forward and in
  /// toward the tip; `radii` are across, up and along it. The skin's mesh opens a hole
  /// here (the sculpt itself keeps the nose's underside closed, see faceDistance).
  const TurnedEllipsoid& nostril(int side) const { return m_nostril[side]; }

  /// The first point where the surface is crossed leaving the solid along the ray from
  /// `origin` (inside the head) in direction `direction` (unit); the search starts at
  /// `startDistance` along the ray, backing off toward the origin while that is outside.
  Vec3f castRay(const Vec3f& origin, const Vec3f& direction, float startDistance = 0.0f) const;
  /// The outermost surface point along the ray within `maxDistance` of `origin`: marching
  /// in from there, the first point where the solid is entered. Falls back to castRay()
  /// when the point at `maxDistance` is inside. Sees past hollows inside the solid.
  Vec3f castRayFromOutside(const Vec3f& origin, const Vec3f& direction, float maxDistance) const;
  /// The same as castRay, returning the distance along the ray.
  float castRayDistance(const Vec3f& origin, const Vec3f& direction,
                        float startDistance = 0.0f) const;

  /// Distance to the nose's solids alone, its underside closed (the skin's mesh opens the
  /// nostrils itself, see nostril()).
  float noseDistance(const Vec3f& p) const;
  /// How wide the seam between the nose and the face is at p (the smooth union's k): tight
  /// round the alae's bases, soft elsewhere.
  float noseBlendRadius(const Vec3f& p) const;
  /// The lip's outer border (vermilion edge) on the surface, at s in [-1, 1] across the
  /// mouth.
  Vec3f lipBorder(bool upper, float s) const;
  /// The height of that border, without finding the surface (cheap).
  float lipBorderY(bool upper, float s) const;

private:
  struct Ellipsoid {
    Vec3f center;
    Vec3f radii;
  };
  struct Capsule {
    Vec3f a, b;
    float ra, rb;
  };

  float faceDistance(const Vec3f& p) const;
  /// Signed distance to the space in front of a globe (side 0 right, 1 left) that the
  /// face's form is cut back from: negative inside.
  float orbitOpening(const Vec3f& p, int side) const;
  /// Signed distance to the space the skin between the nose and an inner canthus is cut
  /// back from (side 0 right, 1 left): negative inside.
  float medialOrbit(const Vec3f& p, int side) const;
  float neckDistance(const Vec3f& p) const;

  std::vector<float> m_values;
  float m_lidRadius = 13.6f;
  float m_orbitReach = 26.0f;  ///< how far from a globe's centre its orbit is cut back
  float m_fissureHeight = 10.0f;
  Vec3f m_eye[2];
  Vec3f m_innerCanthus[2], m_outerCanthus[2];
  Vec3f m_mouthCorner[2];
  Vec3f m_stomion, m_noseTip, m_subnasale, m_alare[2], m_chin, m_jawPivot, m_earCanal[2];

  /// A smooth local displacement of the surface: `height` millimetres outward at the
  /// centre, falling off as a Gaussian over `radii` (around a point, or around the segment
  /// from a to b when `b` differs from `a`).
  struct Bump {
    Vec3f a, b;
    Vec3f radii;
    float height;
    Vec3f middle;  ///< of the segment; with `reach`, a sphere outside which it is zero
    float reach;
  };
  /// The face's base form at one height: a superellipse section |x/a|^n + |z/front|^n = 1
  /// (and `back` behind the ear line), lofted between these rows.
  struct LoftRow {
    float y, halfWidth, front, exponent;
  };

  float loftDistance(const Vec3f& p) const;
  /// The lips: how far they stand out of the mouth's frame at p (x across, y up).
  float lipHeight(const Vec3f& p) const;
  /// The stomion line's height at s in [-1, 1] across the mouth.
  float lipLine(float s) const;
  /// The vermilion's height above (below) the stomion line at s.
  float lipBorderHeight(bool upper, float s) const;
  float bumps(const Vec3f& p) const;
  void addBump(const Vec3f& center, const Vec3f& radii, float height);
  void addCrease(const Vec3f& a, const Vec3f& b, const Vec3f& radii, float height);
  void addPairBump(const Vec3f& leftCenter, const Vec3f& radii, float height);
  void addPairCrease(const Vec3f& leftA, const Vec3f& leftB, const Vec3f& radii, float height);
  /// The head without its local forms, nose and lips: cranium and the face's loft.
  float baseDistance(const Vec3f& p) const;
  /// The base surface's point at (x, y), seen from in front of the face.
  Vec3f frontPoint(float x, float y) const;

  // Solids and forms, placed by the constructor.
  Ellipsoid m_cranium, m_forehead, m_occiput, m_adamsApple, m_chest;
  std::vector<LoftRow> m_loft;
  float m_loftTop = 60.0f;
  Vec3f m_jawPlanePoint{0, 0, 0}, m_jawPlaneNormal{0, -1, 0};
  std::vector<Bump> m_bumps;
  Capsule m_neck, m_shoulders, m_sternoMastoid[2];
  Capsule m_noseBridge, m_columella;
  /// The nose's vault in section: a wedge along the dorsum's front, from `top` (below the
  /// nasion) to `bottom` (over the tip), its ridge rounded to the dorsum's radius and its
  /// walls, tangent to that round, falling `depth` millimetres back over `halfWidth`.
  struct Vault {
    Vec3f top, bottom;
    float topHalfWidth, bottomHalfWidth, topDepth, bottomDepth;
  };
  Vault m_vault;
  Ellipsoid m_noseTipBall;
  TurnedEllipsoid m_ala[2], m_nostril[2];
  float m_mouthHalfWidth = 24.0f, m_upperVermilion = 7.5f, m_lowerVermilion = 8.6f;
  float m_cupidBow = 1.0f, m_lipFullness = 2.6f;
  float m_masculinity = 0.0f, m_weight = 0.0f, m_age = 0.0f;
  float m_neckSquash = 1.0f, m_philtrumHalfWidth = 6.0f;
  Vec3f m_noseBound{0, 0, 0};
  float m_noseBoundRadius = 0.0f;
};

}  // namespace sf
