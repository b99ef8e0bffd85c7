#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sf {

/// An expression of an asset library: blendshape weights by name (the ARKit-style names
/// of the built-in head, such as "mouthSmileLeft"), and where it turns the eyes. A recipe
/// shows it by naming its asset id as expression.preset.
///
/// On disk it is either SynthFace's own JSON,
///
///   {"format": "synthface-expression", "version": 1,
///    "shapes": {"mouthSmileLeft": 0.8, "mouthSmileRight": 0.75},
///    "gaze": {"yaw": 0, "pitch": -10}}
///
/// or a MakeHuman expression (.mhpose), whose face pose units are translated into the
/// same blendshapes (expressionFromMhposeUnits()).
struct ExpressionAsset {
  std::map<std::string, double> shapes;  ///< blendshape -> weight in [0, 1]
  double gazeYaw = 0.0;    ///< degrees added to the sample's gaze.yaw (+: the subject's left)
  double gazePitch = 0.0;  ///< degrees added to the sample's gaze.pitch (+: up)
  /// What a translated file held that has no counterpart (MakeHuman's tongue units), for
  /// the importer to report; always empty for SynthFace's own files.
  std::vector<std::string> dropped;

  friend bool operator==(const ExpressionAsset&, const ExpressionAsset&) = default;
};

/// The file extensions an expression asset may have: ".json" and ".mhpose".
bool isExpressionFile(const std::filesystem::path& path);

/// Reads an expression file of either form. Throws sf::Error naming the file and the field:
/// unreadable or malformed JSON, an unknown key or pose unit (with a "did you mean"), a
/// weight that is not a number in [0, 1], an empty expression.
ExpressionAsset readExpressionAsset(const std::filesystem::path& path);

/// The SynthFace JSON text of an expression (what readExpressionAsset() reads back).
std::string expressionAssetText(const ExpressionAsset& expression);

/// MakeHuman face pose units (the keys of an .mhpose's "unit_poses") as blendshapes and a
/// gaze: each unit adds its weight times its shapes' factors, and the sums are clamped to
/// [0, 1]. Units that move only the tongue go to `dropped`. Throws sf::Error (at `file`,
/// /unit_poses/<unit>) for a unit MakeHuman does not have.
ExpressionAsset expressionFromMhposeUnits(const std::map<std::string, double>& units,
                                          const std::string& file);

}  // namespace sf
