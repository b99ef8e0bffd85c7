#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <span>

namespace sf {

/// The lines and moles of one person's skin, placed by the model's landmarks at rest and
/// drawn on the rest surface, so they follow identity and expression. Lines come with age:
/// forehead lines, the frown lines between the brows, crow's feet, the line under the eye,
/// the nasolabial and marionette folds, lines over the upper lip and rings round the neck.
class SkinMarks {
public:
  SkinMarks() = default;
  /// `landmarks`: the model's 70 at rest (fewer: no lines). `wrinkles` 0 (none) .. 1 (deep),
  /// `moles` 0 (none) .. 1 (many), `seed` the person's.
  static SkinMarks create(std::span<const Eigen::Vector3f> landmarks, float wrinkles, float moles,
                          std::uint32_t seed);

  /// The lines' relief at the rest point `p`, in mm: 0 on smooth skin, negative in a line.
  float lineRelief(const Eigen::Vector3f& p) const;
  /// A mole at `p`: 0 none .. 1 its middle; `radius` (mm) says how big the mole is.
  float mole(const Eigen::Vector3f& p, float& radius) const;

private:
  float m_wrinkles = 0.0f;
  float m_moles = 0.0f;
  std::uint32_t m_seed = 0;
  bool m_placed = false;  ///< the landmarks were there
  // Anchors, from the landmarks.
  float m_centreX = 0.0f;
  float m_span = 100.0f;     ///< mm between the brows' outer ends
  float m_browTop = 0.0f;    ///< highest point of the brows
  float m_browInner = 0.0f;  ///< height of the brows' inner ends
  float m_foreheadZ = 0.0f;  ///< depth of the nose's root: the forehead lies in front of it
  Eigen::Vector3f m_outerCanthus[2];
  Eigen::Vector3f m_lowerLid[2];
  float m_eyeWidth[2] = {30.0f, 30.0f};
  Eigen::Vector3f m_wing[2];
  Eigen::Vector3f m_mouthCorner[2];
  float m_upperLipTop = 0.0f;
  Eigen::Vector3f m_chin = Eigen::Vector3f::Zero();
};

}  // namespace sf
