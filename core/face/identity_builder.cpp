#include "face/identity_builder.h"

#include "face/io/scan_reader.h"
#include "util/error.h"

#include <tbb/parallel_for.h>

#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <mutex>
#include <utility>

namespace sf {

namespace fs = std::filesystem;

namespace {

using Vec3d = Eigen::Vector3d;

/// Singular values below this share of the largest are rounding noise (the centering
/// leaves one exactly zero), not components.
constexpr double kNegligibleSingularValue = 1e-10;

std::string str(std::size_t value) {
  return std::to_string(value);
}

/// The `count` skin-surface vertices nearest to `point` in the template, ties broken by
/// index so that the choice does not depend on the sort.
std::vector<int> nearestVertices(const std::vector<Vec3f>& surface, const Vec3f& point, int count) {
  std::vector<std::pair<float, int>> byDistance;
  byDistance.reserve(surface.size());
  for (std::size_t v = 0; v < surface.size(); ++v) {
    byDistance.emplace_back((surface[v] - point).squaredNorm(), static_cast<int>(v));
  }
  const auto kept = std::min(byDistance.size(), static_cast<std::size_t>(std::max(count, 1)));
  std::partial_sort(byDistance.begin(), byDistance.begin() + static_cast<std::ptrdiff_t>(kept),
                    byDistance.end());
  std::vector<int> nearest;
  for (std::size_t k = 0; k < kept; ++k) {
    nearest.push_back(byDistance[k].second);
  }
  return nearest;
}

/// The joint that skins every vertex of a part wholly, or -1.
int wholeJoint(const FaceModel& model, const FacePart& part) {
  int joint = -1;
  for (int v = 0; v < part.mesh.vertexCount(); ++v) {
    const auto global = static_cast<std::size_t>(part.firstVertex + v);
    int dominant = -1;
    for (std::size_t k = 0; k < SkinWeights::kInfluences; ++k) {
      if (model.skin.weights[global][k] >= 1.0f - 1e-4f) {
        dominant = model.skin.joints[global][k];
      }
    }
    if (dominant < 0 || (joint >= 0 && dominant != joint)) {
      return -1;
    }
    joint = dominant;
  }
  return joint;
}

/// How a displacement of the skin surface carries to the whole model: skin vertices move
/// as given; other parts by the mean displacement of the skin vertices nearest their
/// centroid, except that a part skinned wholly to a joint with anchor vertices in other
/// parts (a cornea, on its eye's joint) moves with those anchors, so it stays on them.
class Follower {
public:
  Follower(const FaceModel& model, const std::vector<int>& modelVertices, int followVertices)
      : m_model(model) {
    const std::vector<Vec3f> rest = model.restPositions();
    std::vector<Vec3f> surface;
    m_surfaceOf.assign(rest.size(), -1);
    for (std::size_t s = 0; s < modelVertices.size(); ++s) {
      const auto v = static_cast<std::size_t>(modelVertices[s]);
      m_surfaceOf[v] = static_cast<int>(s);
      surface.push_back(rest[v]);
    }
    std::vector<int> partOf(rest.size(), -1);
    for (std::size_t p = 0; p < model.parts.size(); ++p) {
      const FacePart& part = model.parts[p];
      std::fill_n(partOf.begin() + part.firstVertex, part.mesh.vertexCount(), static_cast<int>(p));
    }

    // Parts on an anchored joint first; anchors must lie on the skin or on parts that
    // follow the skin, so one pass over the skin-following parts places every anchor.
    m_partJoint.assign(model.parts.size(), -1);
    for (std::size_t p = 0; p < model.parts.size(); ++p) {
      if (model.parts[p].material != PartMaterial::Skin) {
        const int joint = wholeJoint(model, model.parts[p]);
        if (joint >= 0 && !model.joints[static_cast<std::size_t>(joint)].anchorVertices.empty()) {
          m_partJoint[p] = joint;
        }
      }
    }
    for (std::size_t p = 0; p < model.parts.size(); ++p) {
      if (m_partJoint[p] < 0) {
        continue;
      }
      for (const int v : model.joints[static_cast<std::size_t>(m_partJoint[p])].anchorVertices) {
        const int anchorPart = partOf[static_cast<std::size_t>(v)];
        if (anchorPart < 0 || anchorPart == static_cast<int>(p) ||
            m_partJoint[static_cast<std::size_t>(anchorPart)] >= 0) {
          m_partJoint[p] = -1;  // its own anchors, or a chain: follow the skin instead
          break;
        }
      }
    }
    for (std::size_t p = 0; p < model.parts.size(); ++p) {
      const FacePart& part = model.parts[p];
      std::vector<int> nearest;
      if (part.material != PartMaterial::Skin && m_partJoint[p] < 0 &&
          part.mesh.vertexCount() > 0) {
        Vec3f centroid = Vec3f::Zero();
        for (const Vec3f& position : part.mesh.positions) {
          centroid += position;
        }
        centroid /= static_cast<float>(part.mesh.vertexCount());
        nearest = nearestVertices(surface, centroid, followVertices);
      }
      m_partNearest.push_back(std::move(nearest));
    }
    for (const Joint& joint : model.joints) {
      m_jointNearest.push_back(joint.anchorVertices.empty()
                                   ? nearestVertices(surface, joint.restPosition, followVertices)
                                   : std::vector<int>());
    }
  }

  /// Per model vertex, the displacement for a skin-surface displacement `field` (3 values
  /// per skin-surface vertex).
  std::vector<Vec3d> vertices(const Eigen::VectorXd& field) const {
    std::vector<Vec3d> moved(m_surfaceOf.size(), Vec3d::Zero());
    for (const bool onJoints : {false, true}) {
      for (std::size_t p = 0; p < m_model.parts.size(); ++p) {
        if ((m_partJoint[p] >= 0) != onJoints) {
          continue;
        }
        const FacePart& part = m_model.parts[p];
        const Vec3d translation = onJoints
                                      ? anchorMean(static_cast<std::size_t>(m_partJoint[p]), moved)
                                      : mean(field, m_partNearest[p]);
        for (int v = 0; v < part.mesh.vertexCount(); ++v) {
          const auto global = static_cast<std::size_t>(part.firstVertex + v);
          const int s = m_surfaceOf[global];
          moved[global] = s >= 0 ? Vec3d(field.segment<3>(3 * s)) : translation;
        }
      }
    }
    return moved;
  }

  /// The displacement of joint `j` for a skin-surface `field` and its per-vertex `moved`.
  Vec3d joint(std::size_t j, const Eigen::VectorXd& field, const std::vector<Vec3d>& moved) const {
    return m_model.joints[j].anchorVertices.empty() ? mean(field, m_jointNearest[j])
                                                    : anchorMean(j, moved);
  }

private:
  static Vec3d mean(const Eigen::VectorXd& field, const std::vector<int>& surfaceVertices) {
    Vec3d sum = Vec3d::Zero();
    for (const int s : surfaceVertices) {
      sum += field.segment<3>(3 * s);
    }
    return surfaceVertices.empty() ? sum : Vec3d(sum / static_cast<double>(surfaceVertices.size()));
  }

  Vec3d anchorMean(std::size_t j, const std::vector<Vec3d>& moved) const {
    const std::vector<int>& anchors = m_model.joints[j].anchorVertices;
    Vec3d sum = Vec3d::Zero();
    for (const int v : anchors) {
      sum += moved[static_cast<std::size_t>(v)];
    }
    return sum / static_cast<double>(anchors.size());
  }

  const FaceModel& m_model;
  std::vector<int> m_surfaceOf;                  ///< per model vertex, -1 off the skin
  std::vector<int> m_partJoint;                  ///< per part, the anchored joint it follows or -1
  std::vector<std::vector<int>> m_partNearest;   ///< per part following the skin, else empty
  std::vector<std::vector<int>> m_jointNearest;  ///< per joint, empty for anchored joints
};

Vec3f toFloat(const Vec3d& v) {
  return v.cast<float>();
}

}  // namespace

PcaIdentity createIdentityModel(const FaceModel& templateModel,
                                const std::vector<std::vector<Vec3f>>& scans,
                                const IdentityBuildOptions& options, const std::string& source) {
  const ScanReader reader = ScanReader::create(templateModel, templateModel.name);
  const std::vector<int>& modelVertices = reader.modelVertices();
  const auto n = static_cast<Eigen::Index>(modelVertices.size());
  const auto scanCount = static_cast<Eigen::Index>(scans.size());
  const auto fail = [&](const std::string& message) {
    throw Error(SourceLocation::inFile(source), message);
  };
  if (!(options.varianceThreshold > 0 && options.varianceThreshold <= 1)) {
    fail("the variance threshold must be in (0, 1], got " +
         std::to_string(options.varianceThreshold));
  }
  if (scanCount < 2) {
    fail(str(scans.size()) + " scan" + (scanCount == 1 ? "" : "s") + ": a PCA needs at least 2");
  }

  // The data matrix: one row per scan, x y z per skin-surface vertex.
  Eigen::MatrixXd data(scanCount, 3 * n);
  for (Eigen::Index i = 0; i < scanCount; ++i) {
    const std::vector<Vec3f>& scan = scans[static_cast<std::size_t>(i)];
    if (static_cast<Eigen::Index>(scan.size()) != n) {
      fail("scan " + std::to_string(i) + ": " + str(scan.size()) +
           " vertices, the template's skin surface has " + std::to_string(n));
    }
    for (Eigen::Index v = 0; v < n; ++v) {
      const Vec3f& p = scan[static_cast<std::size_t>(v)];
      if (!p.allFinite()) {
        fail("scan " + std::to_string(i) + ": vertex " + std::to_string(v) + " is not finite");
      }
      data.block<1, 3>(i, 3 * v) = p.cast<double>().transpose();
    }
  }
  const Eigen::RowVectorXd mean = data.colwise().mean();
  data.rowwise() -= mean;
  const double totalVariance = data.squaredNorm() / static_cast<double>(scanCount - 1);
  if (!(totalVariance > 0)) {
    fail("the scans do not vary: all " + str(scans.size()) + " have the same shape");
  }

  // Thin SVD: Eigen's QR preconditioner reduces the wide S x 3n matrix to an S x S one.
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(data, Eigen::ComputeThinV);
  const Eigen::VectorXd& singular = svd.singularValues();
  int available = 0;
  while (available < singular.size() &&
         singular[available] > kNegligibleSingularValue * singular[0]) {
    ++available;
  }

  // Components, largest first, up to the variance threshold and the mode limit.
  PcaIdentity result;
  result.scanCount = static_cast<int>(scanCount);
  result.surfaceVertices = static_cast<int>(n);
  result.surfaceParts = reader.partNames();
  result.availableComponents = available;
  double cumulative = 0;
  for (int k = 0; k < available; ++k) {
    if (options.maxModes > 0 && k >= options.maxModes) {
      break;
    }
    PcaComponent component;
    component.variance = singular[k] * singular[k] / static_cast<double>(scanCount - 1);
    component.fraction = component.variance / totalVariance;
    cumulative += component.fraction;
    component.cumulative = cumulative;
    component.sigma = static_cast<float>(std::sqrt(component.variance / static_cast<double>(n)));
    result.components.push_back(component);
    // A threshold of 1 keeps every component, whatever the rounding of the sum.
    if (options.varianceThreshold < 1 && cumulative >= options.varianceThreshold) {
      break;
    }
  }

  // The model: the template, moved to the mean, with the components as identity modes.
  FaceModel& model = result.model;
  model = templateModel;
  model.name = options.name.empty() ? templateModel.name + "-pca" : options.name;
  if (!options.license.empty()) {
    model.license = options.license;
  }
  const Follower follower(templateModel, modelVertices, options.followVertices);
  const std::vector<Vec3f> rest = templateModel.restPositions();
  Eigen::VectorXd meanField(3 * n);
  for (Eigen::Index v = 0; v < n; ++v) {
    meanField.segment<3>(3 * v) = mean.segment<3>(3 * v).transpose() -
                                  rest[static_cast<std::size_t>(modelVertices[v])].cast<double>();
  }
  const std::vector<Vec3d> meanMoved = follower.vertices(meanField);
  for (FacePart& part : model.parts) {
    for (int v = 0; v < part.mesh.vertexCount(); ++v) {
      const auto global = static_cast<std::size_t>(part.firstVertex + v);
      part.mesh.positions[static_cast<std::size_t>(v)] =
          toFloat(rest[global].cast<double>() + meanMoved[global]);
    }
  }
  for (std::size_t j = 0; j < model.joints.size(); ++j) {
    model.joints[j].restPosition += toFloat(follower.joint(j, meanField, meanMoved));
  }

  model.identity.clear();
  for (std::size_t k = 0; k < result.components.size(); ++k) {
    // The unit direction, signed so its largest coordinate is positive, times one SD.
    Eigen::VectorXd field = svd.matrixV().col(static_cast<Eigen::Index>(k));
    Eigen::Index largest = 0;
    field.cwiseAbs().maxCoeff(&largest);
    if (field[largest] < 0) {
      field = -field;
    }
    field *= std::sqrt(result.components[k].variance);
    const std::vector<Vec3d> moved = follower.vertices(field);

    MorphTarget mode;
    char name[32];
    std::snprintf(name, sizeof(name), "pca_%03zu", k);
    mode.name = name;
    mode.group = "pca";
    mode.sigma = result.components[k].sigma;
    for (std::size_t v = 0; v < moved.size(); ++v) {
      const Vec3f delta = toFloat(moved[v]);
      if (delta != Vec3f::Zero()) {
        mode.vertices.push_back(static_cast<int>(v));
        mode.deltas.push_back(delta);
      }
    }
    model.identity.push_back(std::move(mode));
  }
  validateFaceModel(model, source);
  return result;
}

PcaIdentity createIdentityModelFromFolder(const FaceModel& templateModel, const fs::path& folder,
                                          const IdentityBuildOptions& options) {
  const std::string source = folder.string();
  const std::vector<fs::path> files = listScanFiles(folder);
  if (files.empty()) {
    throw Error(SourceLocation::inFile(source), "no scans: the folder has no .obj or .ply files");
  }
  if (files.size() < 2) {
    throw Error(SourceLocation::inFile(source),
                "one scan (" + files[0].filename().string() + "): a PCA needs at least 2");
  }
  const ScanReader reader = ScanReader::create(templateModel, templateModel.name);

  // Read in parallel; report the first failure in file order, whichever thread met it.
  std::vector<std::vector<Vec3f>> scans(files.size());
  std::vector<std::exception_ptr> failures(files.size());
  std::mutex progressMutex;
  int done = 0;
  tbb::parallel_for(std::size_t{0}, files.size(), [&](std::size_t i) {
    try {
      scans[i] = reader.read(files[i]);
    } catch (...) {
      failures[i] = std::current_exception();
    }
    if (options.progress) {
      const std::lock_guard<std::mutex> lock(progressMutex);
      options.progress(++done, static_cast<int>(files.size()));
    }
  });
  for (const std::exception_ptr& failure : failures) {
    if (failure) {
      std::rethrow_exception(failure);
    }
  }
  return createIdentityModel(templateModel, scans, options, source);
}

}  // namespace sf
