#pragma once

#include "face/face_model.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace sf {

/// How createIdentityModel() turns scans into identity modes.
struct IdentityBuildOptions {
  /// Keep principal components until their cumulative share of the variance reaches this,
  /// in (0, 1].
  double varianceThreshold = 0.98;
  int maxModes = 0;  ///< at most this many modes; 0 for no limit
  /// Non-skin parts and joints follow the mean displacement of this many skin vertices
  /// nearest to them in the template.
  int followVertices = 8;
  std::string name;     ///< the model's name; empty for "<template name>-pca"
  std::string license;  ///< the model's licence; empty for the template's
  /// Called after each scan is read with (scans read, scans in all), from the threads that
  /// read them, one call at a time.
  std::function<void(int done, int total)> progress;
};

/// One principal component of the scans.
struct PcaComponent {
  double variance = 0;    ///< eigenvalue of the covariance: mm^2, summed over coordinates
  double fraction = 0;    ///< share of the scans' total variance
  double cumulative = 0;  ///< share explained by this and all earlier components
  float sigma = 0;        ///< RMS displacement of the skin at one SD, mm (the mode's sigma)
};

/// What createIdentityModel() made: the model, and the numbers behind it for a summary.
struct PcaIdentity {
  FaceModel model;
  int scanCount = 0;
  int surfaceVertices = 0;                ///< skin-surface vertices per scan
  std::vector<std::string> surfaceParts;  ///< the template's Skin parts, in order
  std::vector<PcaComponent> components;   ///< the kept components, largest first
  int availableComponents = 0;            ///< components with non-zero variance
};

/// Builds identity modes from registered scans by PCA, on a template. `scans` hold one
/// position per skin-surface vertex each (ScanReader's order: the Skin parts' vertices,
/// concatenated in part order). The model is the template with
///
/// - its skin surface moved to the scans' mean;
/// - every other part (eyes, teeth, tear lines...) translated rigidly by the mean
///   displacement of the `followVertices` skin vertices nearest its centroid in the
///   template; but a part skinned wholly to a joint whose anchor vertices lie in other
///   parts (a cornea, on its eye's joint) by the mean displacement of those anchors, so it
///   stays on its eyeball;
/// - every joint's rest position moved by the mean displacement of its anchor vertices,
///   or if it has none, of the skin vertices nearest it;
/// - as identity modes the kept principal components, "pca_000", "pca_001"... in group
///   "pca", whose deltas at coefficient 1 are one standard deviation (the covariance
///   uses S - 1), with non-skin parts translated by the same rule.
///
/// Expressions, correctives, skeleton, skin weights and landmarks are the template's; the
/// model passes validateFaceModel. Components are kept, largest first, until their
/// cumulative share of the variance reaches the threshold, and at most maxModes of them;
/// each mode's sign makes its largest coordinate positive. Throws sf::Error naming `source`
/// (the scans' folder) for fewer than 2 scans, a scan of the wrong size or with non-finite
/// coordinates, or scans that do not vary.
PcaIdentity createIdentityModel(const FaceModel& templateModel,
                                const std::vector<std::vector<Vec3f>>& scans,
                                const IdentityBuildOptions& options, const std::string& source);

/// Reads the scans of a folder (listScanFiles: its .obj and .ply files, sorted by name)
/// with a ScanReader for the template, in parallel, then createIdentityModel(). Throws
/// sf::Error naming the folder when it is missing or holds fewer than 2 scans, or naming
/// the first bad scan in file order (see ScanReader::read). Nothing is written.
PcaIdentity createIdentityModelFromFolder(const FaceModel& templateModel,
                                          const std::filesystem::path& folder,
                                          const IdentityBuildOptions& options);

}  // namespace sf
