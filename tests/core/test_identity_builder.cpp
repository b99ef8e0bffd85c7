// Tests of identity modes built from registered scans: the scan reader (OBJ and PLY files in
// the template's topology, whatever their vertex order), the PCA (a known basis recovered
// from synthetic scans written to files and read back), the model it makes, and clear
// errors naming the file for every kind of bad input.

#include "face/face_model.h"
#include "face/face_model_io.h"
#include "face/identity_builder.h"
#include "face/io/scan_reader.h"
#include "face/mesh_export.h"
#include "math/counter_rng.h"
#include "test_models.h"
#include "util/error.h"
#include "util/files.h"

#include <QTemporaryDir>
#include <QTest>

#include <Eigen/QR>
#include <Eigen/SVD>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using sf::Vec3f;

namespace {

constexpr int kScans = 30;
/// The generating components' standard deviations, as coefficients of unit fields over
/// the cube's 98 vertices (so about 3, 2 and 1 mm RMS per vertex).
constexpr std::array<double, 3> kSigmas = {30.0, 20.0, 10.0};
/// The scans' mean is the template's skin moved by this, so every other part must follow.
const Vec3f kMeanOffset(1.5f, -2.0f, 3.0f);

/// The skin-surface positions of the template (ScanReader's order).
std::vector<Vec3f> surfaceOf(const sf::FaceModel& model) {
  const std::vector<Vec3f> rest = model.restPositions();
  std::vector<Vec3f> surface;
  const sf::ScanReader reader = sf::ScanReader::create(model, "test");
  for (const int v : reader.modelVertices()) {
    surface.push_back(rest[static_cast<std::size_t>(v)]);
  }
  return surface;
}

/// Three orthonormal smooth displacement fields over the surface (3 values per vertex):
/// a widening, a stretch in height and a bulge of the front, made orthonormal.
Eigen::MatrixXd knownBasis(const std::vector<Vec3f>& surface) {
  const auto n = static_cast<Eigen::Index>(surface.size());
  Eigen::MatrixXd fields = Eigen::MatrixXd::Zero(3 * n, 3);
  for (Eigen::Index v = 0; v < n; ++v) {
    const Vec3f& p = surface[static_cast<std::size_t>(v)];
    fields(3 * v + 0, 0) = p.x() / 90.0;
    fields(3 * v + 1, 1) = p.y() / 90.0 + 0.2 * p.x() / 90.0;
    fields(3 * v + 2, 2) = std::cos(std::numbers::pi * p.x() / 180.0) * (p.z() > 0 ? 1.0 : 0.2);
  }
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(fields);
  return qr.householderQ() * Eigen::MatrixXd::Identity(3 * n, 3);
}

/// kScans coefficient rows whose columns have zero mean, no correlation and sample
/// standard deviations exactly kSigmas, so the scans' principal components are the fields.
Eigen::MatrixXd exactCoefficients() {
  const sf::CounterRng rng(7, sf::streamOf("identity_builder"));
  Eigen::MatrixXd random(kScans, 3);
  for (int i = 0; i < kScans; ++i) {
    for (int k = 0; k < 3; ++k) {
      random(i, k) = rng.normal(static_cast<std::uint64_t>(3 * i + k));
    }
  }
  random.rowwise() -= random.colwise().mean();
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(random);
  Eigen::MatrixXd coefficients = qr.householderQ() * Eigen::MatrixXd::Identity(kScans, 3);
  for (int k = 0; k < 3; ++k) {
    coefficients.col(k) *= kSigmas[static_cast<std::size_t>(k)] * std::sqrt(kScans - 1.0);
  }
  return coefficients;
}

/// The model's parts posed with these skin-surface positions, one ExportMesh per part, in
/// `order` (indices of parts; empty for part order).
sf::ExportScene sceneOf(const sf::FaceModel& model, const std::vector<Vec3f>& surface,
                        std::vector<int> order = {}) {
  const sf::ScanReader reader = sf::ScanReader::create(model, "test");
  std::vector<Vec3f> positions = model.restPositions();
  for (std::size_t s = 0; s < surface.size(); ++s) {
    positions[static_cast<std::size_t>(reader.modelVertices()[s])] = surface[s];
  }
  if (order.empty()) {
    for (std::size_t p = 0; p < model.parts.size(); ++p) {
      order.push_back(static_cast<int>(p));
    }
  }
  sf::ExportScene scene;
  for (const int p : order) {
    const sf::FacePart& part = model.parts[static_cast<std::size_t>(p)];
    sf::ExportMesh mesh;
    mesh.name = part.name;
    mesh.mesh = part.mesh;
    for (int v = 0; v < part.mesh.vertexCount(); ++v) {
      mesh.mesh.positions[static_cast<std::size_t>(v)] =
          positions[static_cast<std::size_t>(part.firstVertex + v)];
    }
    scene.meshes.push_back(std::move(mesh));
  }
  return scene;
}

/// A plain OBJ of one mesh: `v` lines in the order `vertexOrder` gives (file line k holds
/// vertex vertexOrder[k]), then the faces. Where `vertexText` gives a vertex some text, its
/// `v` line holds that text instead of the coordinates, so coordinates can be spoiled.
std::string objText(const sf::PolyMesh& mesh, const std::vector<Vec3f>& positions,
                    const std::vector<int>& vertexOrder,
                    const std::function<std::string(int vertex)>& vertexText = {}) {
  std::ostringstream out;
  out.precision(9);
  std::vector<int> lineOf(positions.size());
  for (std::size_t k = 0; k < vertexOrder.size(); ++k) {
    const int v = vertexOrder[k];
    lineOf[static_cast<std::size_t>(v)] = static_cast<int>(k) + 1;
    const Vec3f& p = positions[static_cast<std::size_t>(v)];
    const std::string spoiled = vertexText ? vertexText(v) : std::string();
    out << "v ";
    if (spoiled.empty()) {
      out << p.x() << " " << p.y() << " " << p.z();
    } else {
      out << spoiled;
    }
    out << "\n";
  }
  std::size_t corner = 0;
  for (const int size : mesh.faceSizes) {
    out << "f";
    for (int c = 0; c < size; ++c, ++corner) {
      out << " " << lineOf[static_cast<std::size_t>(mesh.faceIndices[corner])];
    }
    out << "\n";
  }
  return out.str();
}

std::vector<int> identityOrder(std::size_t count) {
  std::vector<int> order(count);
  for (std::size_t i = 0; i < count; ++i) {
    order[i] = static_cast<int>(i);
  }
  return order;
}

double maxDistance(const std::vector<Vec3f>& a, const std::vector<Vec3f>& b) {
  double distance = a.size() == b.size() ? 0.0 : 1e30;
  for (std::size_t v = 0; v < std::min(a.size(), b.size()); ++v) {
    distance = std::max(distance, static_cast<double>((a[v] - b[v]).norm()));
  }
  return distance;
}

/// Runs `f`, which must throw sf::Error, and returns its what(); "(no error)" if it did not.
std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const sf::Error& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

class TestIdentityBuilder : public QObject {
  Q_OBJECT

private:
  QTemporaryDir m_temp;
  sf::FaceModel m_template;
  std::vector<Vec3f> m_surface;  ///< the template's skin surface
  Eigen::MatrixXd m_basis;       ///< the generating fields, one per column
  fs::path m_scanFolder;         ///< kScans OBJ files and a README
  std::vector<std::vector<Vec3f>> m_scans;

  fs::path dir() const { return fs::path(m_temp.path().toStdString()); }

  /// A fresh folder holding a good scan "scan_0.obj" (for the bad-input cases).
  fs::path folderWithOneGoodScan(const std::string& name) const {
    const fs::path folder = dir() / name;
    fs::create_directories(folder);
    sf::exportScene(sceneOf(m_template, m_scans[0]), folder / "scan_0.obj");
    return folder;
  }

private slots:
  void initTestCase() {
    QVERIFY(m_temp.isValid());
    m_template = sf::test::makeTestModel();
    m_surface = surfaceOf(m_template);
    m_basis = knownBasis(m_surface);
    const Eigen::MatrixXd coefficients = exactCoefficients();

    // The scans: the template moved by the mean offset, plus the fields, as OBJ files
    // written by the exporter (one mesh per part, split at the cube's UV seams).
    m_scanFolder = dir() / "scans";
    fs::create_directories(m_scanFolder);
    sf::writeFileAtomically(m_scanFolder / "README.txt", "not a scan");
    for (int i = 0; i < kScans; ++i) {
      const Eigen::VectorXd field = m_basis * coefficients.row(i).transpose();
      std::vector<Vec3f> scan = m_surface;
      for (std::size_t v = 0; v < scan.size(); ++v) {
        scan[v] += kMeanOffset + field.segment<3>(3 * static_cast<Eigen::Index>(v)).cast<float>();
      }
      char name[32];
      std::snprintf(name, sizeof(name), "scan_%02d.obj", i);
      sf::exportScene(sceneOf(m_template, scan), m_scanFolder / name);
      m_scans.push_back(scan);
    }
  }

  // --- The reader --------------------------------------------------------------------------

  void readsExportedScansBack() {
    const sf::ScanReader reader = sf::ScanReader::create(m_template, "test");
    QCOMPARE(reader.vertexCount(), 98);
    QCOMPARE(reader.partNames(), std::vector<std::string>{"skin"});
    const std::vector<Vec3f> read = reader.read(m_scanFolder / "scan_03.obj");
    QVERIFY(maxDistance(read, m_scans[3]) < 1e-4);
  }

  void readsAnyVertexOrder() {
    // One mesh without names, its `v` lines reversed and rotated: only faces tell.
    const sf::FacePart& skin = m_template.parts[0];
    std::vector<int> order = identityOrder(m_scans[5].size());
    std::reverse(order.begin(), order.end());
    std::rotate(order.begin(), order.begin() + 17, order.end());
    const fs::path path = dir() / "shuffled.obj";
    sf::writeFileAtomically(path, objText(skin.mesh, m_scans[5], order));
    const std::vector<Vec3f> read = sf::ScanReader::create(m_template, "test").read(path);
    QVERIFY(maxDistance(read, m_scans[5]) < 1e-4);
  }

  void readsPly() {
    // One mesh, with a stray vertex that no face uses (it is no part of the scan).
    const sf::FacePart& skin = m_template.parts[0];
    std::ostringstream ply;
    ply.precision(9);
    ply << "ply\nformat ascii 1.0\nelement vertex " << m_scans[2].size() + 1
        << "\nproperty float x\nproperty float y\nproperty float z\nelement face "
        << skin.mesh.faceCount() << "\nproperty list uchar int vertex_indices\nend_header\n";
    for (const Vec3f& p : m_scans[2]) {
      ply << p.x() << " " << p.y() << " " << p.z() << "\n";
    }
    ply << "1000 1000 1000\n";
    std::size_t corner = 0;
    for (const int size : skin.mesh.faceSizes) {
      ply << size;
      for (int c = 0; c < size; ++c, ++corner) {
        ply << " " << skin.mesh.faceIndices[corner];
      }
      ply << "\n";
    }
    const fs::path path = dir() / "scan.PLY";
    sf::writeFileAtomically(path, ply.str());
    const std::vector<Vec3f> read = sf::ScanReader::create(m_template, "test").read(path);
    QVERIFY(maxDistance(read, m_scans[2]) < 1e-4);
  }

  void concatenatesSkinPartsInPartOrder() {
    // A template with two skin parts, "skin" and "eye_right"; the file lists its meshes in
    // another order and holds "eye_left" too, which is not part of the scan.
    sf::FaceModel model = m_template;
    model.parts[2].material = sf::PartMaterial::Skin;
    const sf::ScanReader reader = sf::ScanReader::create(model, "test");
    QCOMPARE(reader.partNames(), (std::vector<std::string>{"skin", "eye_right"}));
    QCOMPARE(reader.vertexCount(), 98 + 26);
    std::vector<Vec3f> surface = surfaceOf(model);
    for (std::size_t v = 0; v < surface.size(); ++v) {
      surface[v] += Vec3f(0.01f * static_cast<float>(v), 1, 0);
    }
    const fs::path path = dir() / "two_parts.obj";
    sf::exportScene(sceneOf(model, surface, {2, 1, 0}), path);
    QVERIFY(maxDistance(reader.read(path), surface) < 1e-4);

    // Without "eye_right" the file does not hold the scan.
    sf::ExportScene partial = sceneOf(model, surface, {0, 1});
    sf::exportScene(partial, dir() / "one_part.obj");
    const std::string error = errorOf([&] { reader.read(dir() / "one_part.obj"); });
    QVERIFY2(error.find("one_part.obj: no mesh named 'eye_right'") != std::string::npos,
             error.c_str());
  }

  void listsScansInNameOrder() {
    const std::vector<fs::path> files = sf::listScanFiles(m_scanFolder);
    QCOMPARE(files.size(), std::size_t{kScans});
    QCOMPARE(files.front().filename().string(), std::string("scan_00.obj"));
    QCOMPARE(files.back().filename().string(), std::string("scan_29.obj"));
    QVERIFY(std::is_sorted(files.begin(), files.end()));
  }

  // --- The PCA -----------------------------------------------------------------------------

  void recoversKnownBasis() {
    const sf::PcaIdentity result =
        sf::createIdentityModelFromFolder(m_template, m_scanFolder, sf::IdentityBuildOptions());
    QCOMPARE(result.scanCount, kScans);
    QCOMPARE(result.surfaceVertices, 98);
    QCOMPARE(result.components.size(), std::size_t{3});
    QCOMPARE(result.model.identity.size(), std::size_t{3});

    // The recovered subspace is the generating one: principal-angle cosines near 1, and
    // each mode (variances are distinct) its own field.
    Eigen::MatrixXd modes(m_basis.rows(), 3);
    for (int k = 0; k < 3; ++k) {
      const sf::MorphTarget& mode = result.model.identity[static_cast<std::size_t>(k)];
      Eigen::VectorXd dense = Eigen::VectorXd::Zero(m_basis.rows());
      for (std::size_t i = 0; i < mode.vertices.size(); ++i) {
        if (mode.vertices[i] < 98) {
          dense.segment<3>(3 * mode.vertices[i]) = mode.deltas[i].cast<double>();
        }
      }
      modes.col(k) = dense.normalized();
      const double cosine = std::abs(modes.col(k).dot(m_basis.col(k)));
      QVERIFY2(cosine > 0.99, qPrintable(QString("mode %1: cosine %2").arg(k).arg(cosine)));
      // One SD: the mode's norm over the skin is the generating sigma.
      QVERIFY(std::abs(dense.norm() - kSigmas[static_cast<std::size_t>(k)]) < 1e-2);
    }
    const Eigen::VectorXd cosines =
        Eigen::JacobiSVD<Eigen::MatrixXd>(m_basis.transpose() * modes).singularValues();
    QVERIFY2(cosines.minCoeff() > 0.99, qPrintable(QString::number(cosines.minCoeff())));

    // Variance shares as generated.
    const double total =
        kSigmas[0] * kSigmas[0] + kSigmas[1] * kSigmas[1] + kSigmas[2] * kSigmas[2];
    double cumulative = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      const sf::PcaComponent& component = result.components[k];
      const double expected = kSigmas[k] * kSigmas[k] / total;
      cumulative += expected;
      QVERIFY(std::abs(component.fraction - expected) < 1e-4);
      QVERIFY(std::abs(component.cumulative - cumulative) < 1e-4);
      QVERIFY(std::abs(component.variance - kSigmas[k] * kSigmas[k]) < 1e-2 * component.variance);
      QVERIFY(std::abs(component.sigma - kSigmas[k] / std::sqrt(98.0)) < 1e-3);
      QCOMPARE(result.model.identity[k].sigma, component.sigma);
    }
  }

  void keepsComponents_data() {
    QTest::addColumn<double>("threshold");
    QTest::addColumn<int>("maxModes");
    QTest::addColumn<int>("kept");
    // Shares: 900/1400 = 64.3%, then 92.9%, then 100%.
    QTest::newRow("default 0.98") << 0.98 << 0 << 3;
    QTest::newRow("0.5") << 0.5 << 0 << 1;
    QTest::newRow("0.9") << 0.9 << 0 << 2;
    QTest::newRow("0.93") << 0.93 << 0 << 3;
    QTest::newRow("1 keeps every component, rounding noise too") << 1.0 << 0 << kScans - 1;
    QTest::newRow("max 2") << 0.98 << 2 << 2;
    QTest::newRow("max 5 above the threshold") << 0.98 << 5 << 3;
  }

  void keepsComponents() {
    QFETCH(double, threshold);
    QFETCH(int, maxModes);
    QFETCH(int, kept);
    sf::IdentityBuildOptions options;
    options.varianceThreshold = threshold;
    options.maxModes = maxModes;
    const sf::PcaIdentity result = sf::createIdentityModel(m_template, m_scans, options, "scans");
    QCOMPARE(static_cast<int>(result.components.size()), kept);
    QCOMPARE(static_cast<int>(result.model.identity.size()), kept);
    QCOMPARE(result.availableComponents, kScans - 1);
  }

  // --- The model ---------------------------------------------------------------------------

  void modelIsTheMeanWithRigidParts() {
    const sf::PcaIdentity result =
        sf::createIdentityModel(m_template, m_scans, sf::IdentityBuildOptions(), "scans");
    const sf::FaceModel& model = result.model;

    // The skin is the scans' mean: the template moved by the offset.
    std::vector<Vec3f> expected = m_surface;
    for (Vec3f& p : expected) {
      p += kMeanOffset;
    }
    QVERIFY(maxDistance(surfaceOf(model), expected) < 1e-3);

    // The eyes and joints follow the skin near them: here, by the offset.
    for (std::size_t p = 1; p < model.parts.size(); ++p) {
      const std::vector<Vec3f>& before = m_template.parts[p].mesh.positions;
      const std::vector<Vec3f>& after = model.parts[p].mesh.positions;
      for (std::size_t v = 0; v < after.size(); ++v) {
        QVERIFY((after[v] - before[v] - kMeanOffset).norm() < 1e-3f);
      }
    }
    for (std::size_t j = 0; j < model.joints.size(); ++j) {
      const Vec3f moved = model.joints[j].restPosition - m_template.joints[j].restPosition;
      QVERIFY2((moved - kMeanOffset).norm() < 1e-3f, model.joints[j].name.c_str());
    }

    // Modes move each eye rigidly, and list their vertices in ascending order.
    for (const sf::MorphTarget& mode : model.identity) {
      QCOMPARE(mode.group, std::string("pca"));
      QVERIFY(std::is_sorted(mode.vertices.begin(), mode.vertices.end()));
      QVERIFY(std::adjacent_find(mode.vertices.begin(), mode.vertices.end()) ==
              mode.vertices.end());
      std::vector<Vec3f> eyeDeltas;
      for (std::size_t i = 0; i < mode.vertices.size(); ++i) {
        if (mode.vertices[i] >= 98 && mode.vertices[i] < 124) {
          eyeDeltas.push_back(mode.deltas[i]);
        }
      }
      QCOMPARE(eyeDeltas.size(), std::size_t{26});
      for (const Vec3f& delta : eyeDeltas) {
        QCOMPARE(delta, eyeDeltas.front());
      }
    }
    QCOMPARE(model.identity[0].name, std::string("pca_000"));
    QCOMPARE(model.identity[2].name, std::string("pca_002"));

    // Everything else is the template's.
    QCOMPARE(model.name, std::string("test-head-pca"));
    QCOMPARE(model.license, m_template.license);
    QCOMPARE(model.expressions, m_template.expressions);
    QCOMPARE(model.correctives, m_template.correctives);
    QCOMPARE(model.skin, m_template.skin);
    QCOMPARE(model.landmarks, m_template.landmarks);
    QCOMPARE(model.denseLandmarks, m_template.denseLandmarks);
    QCOMPARE(model.parts[0].mesh.faceIndices, m_template.parts[0].mesh.faceIndices);
    QCOMPARE(model.parts[0].faceClass, m_template.parts[0].faceClass);
  }

  void partOnAnchoredJointFollowsItsAnchors() {
    // Skin eye_right wholly to the joint eye_left, anchored to the eye_left part (as a
    // cornea is to its eyeball): it must move as eye_left does, in the mean and each mode.
    sf::FaceModel model = m_template;
    const int eyeLeftJoint = model.findJoint("eye_left");
    const sf::FacePart& eyeRight = model.parts[2];
    for (int v = 0; v < eyeRight.mesh.vertexCount(); ++v) {
      const auto global = static_cast<std::size_t>(eyeRight.firstVertex + v);
      model.skin.joints[global] = {eyeLeftJoint, 0, 0, 0};
      model.skin.weights[global] = {1, 0, 0, 0};
    }
    std::vector<std::vector<Vec3f>> scans = m_scans;
    for (std::size_t i = 0; i < scans.size(); ++i) {
      for (Vec3f& p : scans[i]) {
        p.x() += 0.1f * static_cast<float>(i) * p.x() / 90.0f;  // the left eye's side moves
      }
    }
    const sf::PcaIdentity result =
        sf::createIdentityModel(model, scans, sf::IdentityBuildOptions(), "scans");
    const auto moveOf = [&](std::size_t part) {
      return Vec3f(result.model.parts[part].mesh.positions[0] -
                   model.parts[part].mesh.positions[0]);
    };
    QVERIFY((moveOf(2) - moveOf(1)).norm() < 1e-5f);
    QVERIFY(moveOf(1).norm() > 0.01f);
    for (const sf::MorphTarget& mode : result.model.identity) {
      // Both eyes move in every mode; a missing entry would read as NaN and fail.
      const auto deltaOf = [&](int vertex) {
        const auto it = std::lower_bound(mode.vertices.begin(), mode.vertices.end(), vertex);
        return it != mode.vertices.end() && *it == vertex
                   ? mode.deltas[static_cast<std::size_t>(it - mode.vertices.begin())]
                   : Vec3f::Constant(std::numeric_limits<float>::quiet_NaN());
      };
      QCOMPARE(deltaOf(eyeRight.firstVertex), deltaOf(model.parts[1].firstVertex));
    }
  }

  void modelValidatesAndRoundTrips() {
    sf::IdentityBuildOptions options;
    options.name = "my-scans";
    options.license = "CC-BY-4.0";
    const sf::PcaIdentity result = sf::createIdentityModel(m_template, m_scans, options, "scans");
    QCOMPARE(result.model.name, std::string("my-scans"));
    QCOMPARE(result.model.license, std::string("CC-BY-4.0"));
    sf::validateFaceModel(result.model, "");
    const fs::path path = dir() / "pca.sfm";
    sf::writeFaceModel(result.model, path);
    QVERIFY(sf::readFaceModel(path) == result.model);
  }

  void identicalScansAreAnError() {
    const std::vector<std::vector<Vec3f>> same(3, m_scans[0]);
    const std::string error = errorOf(
        [&] { sf::createIdentityModel(m_template, same, sf::IdentityBuildOptions(), "same"); });
    QVERIFY2(error.find("same: the scans do not vary") != std::string::npos, error.c_str());
  }

  // --- Bad input ---------------------------------------------------------------------------

  void badInput_data() {
    QTest::addColumn<QString>("bad");       // what goes into the folder beside scan_0.obj
    QTest::addColumn<QString>("expected");  // fragments of the error, '|' between them
    QTest::newRow("missing folder") << "no folder"
                                    << "no-folder: no such folder";
    QTest::newRow("empty folder") << "empty"
                                  << "empty: no scans";
    QTest::newRow("only a README") << "readme"
                                   << "readme: no scans";
    QTest::newRow("one scan") << "one"
                              << "one: one scan (scan_0.obj): a PCA needs at least 2";
    QTest::newRow("missing file") << "dangling link"
                                  << "scan_1.obj: no such file";
    QTest::newRow("empty file") << "empty file"
                                << "scan_1.obj: the file is empty";
    QTest::newRow("truncated mid-line") << "truncated"
                                        << "scan_1.obj: cannot read the mesh";
    // The first 48 quads cover three sides of the cube: 25 + 25 + 15 vertices.
    QTest::newRow("truncated at a line end")
        << "truncated at line end"
        << "scan_1.obj: 65 vertices in 48 faces, the template's skin surface has 98 vertices in 96 "
           "faces";
    QTest::newRow("unreadable file") << "garbage"
                                     << "scan_1.ply: cannot read the mesh";
    QTest::newRow("empty mesh") << "no faces"
                                << "scan_1.obj: cannot read the mesh|no faces";
    QTest::newRow("NaN coordinate") << "nan"
                                    << "scan_1.obj: vertex 5 of part 'skin' is not finite: (nan, ";
    QTest::newRow("infinite coordinate") << "inf"
                                         << "scan_1.obj: vertex 40 of part 'skin' is not finite: (";
    QTest::newRow("fewer vertices")
        << "small cube"
        << "scan_1.obj: 56 vertices in 54 faces, the template's skin surface has 98 vertices in "
           "96 faces";
    QTest::newRow("triangulated") << "triangles"
                                  << "scan_1.obj: 98 vertices in 192 faces";
    QTest::newRow("other topology")
        << "swapped corners"
        << "scan_1.obj: faces differ from the template's at face 7 (face 7 "
           "of part 'skin')";
  }

  void badInput() {
    QFETCH(QString, bad);
    QFETCH(QString, expected);
    const std::string kind = bad.toStdString();
    const sf::FacePart& skin = m_template.parts[0];
    const std::vector<int> order = identityOrder(m_scans[1].size());
    fs::path folder;
    if (kind == "no folder") {
      folder = dir() / "no-folder";
    } else if (kind == "empty" || kind == "readme") {
      folder = dir() / kind;
      fs::create_directories(folder);
      if (kind == "readme") {
        sf::writeFileAtomically(folder / "README.txt", "scans go here");
      }
    } else if (kind == "one") {
      folder = folderWithOneGoodScan("one");
    } else {
      folder = folderWithOneGoodScan("bad " + kind);
      const fs::path scan = folder / "scan_1.obj";
      std::string text = objText(skin.mesh, m_scans[1], order);
      if (kind == "dangling link") {
        fs::create_symlink(folder / "gone.obj.bak", scan);
      } else if (kind == "empty file") {
        sf::writeFileAtomically(scan, "");
      } else if (kind == "truncated" || kind == "truncated at line end") {
        // Cut after 48 of the 96 faces, or a few bytes into the next one.
        std::size_t cut = text.find("\nf ");
        for (int f = 0; f < 48; ++f) {
          cut = text.find('\n', cut + 1);
        }
        sf::writeFileAtomically(scan, text.substr(0, kind == "truncated" ? cut + 4 : cut + 1));
      } else if (kind == "garbage") {
        sf::writeFileAtomically(folder / "scan_1.ply", std::string(300, '\x7f') + "\x01\x02");
      } else if (kind == "no faces") {
        sf::writeFileAtomically(scan, text.substr(0, text.find("\nf ") + 1));
      } else if (kind == "nan" || kind == "inf") {
        const int spoiled = kind == "nan" ? 5 : 40;
        sf::writeFileAtomically(
            scan, objText(skin.mesh, m_scans[1], order, [&](int v) -> std::string {
              return v == spoiled ? (kind == "nan" ? "nan 1 2" : "1 -inf 2") : "";
            }));
      } else if (kind == "small cube") {
        const sf::PolyMesh cube = sf::test::subdividedCube(3, 90, Vec3f(0, 0, 0), false);
        sf::writeFileAtomically(
            scan, objText(cube, cube.positions, identityOrder(cube.positions.size())));
      } else if (kind == "triangles") {
        sf::PolyMesh triangles;
        triangles.positions = m_scans[1];
        std::size_t corner = 0;
        for (const int size : skin.mesh.faceSizes) {
          const int* c = skin.mesh.faceIndices.data() + corner;
          triangles.faceSizes.insert(triangles.faceSizes.end(), {3, 3});
          triangles.faceIndices.insert(triangles.faceIndices.end(),
                                       {c[0], c[1], c[2], c[0], c[2], c[3]});
          corner += static_cast<std::size_t>(size);
        }
        sf::writeFileAtomically(scan, objText(triangles, m_scans[1], order));
      } else if (kind == "swapped corners") {
        // Same counts, but face 7 visits its corners in another order.
        sf::PolyMesh other = skin.mesh;
        std::swap(other.faceIndices[7 * 4 + 1], other.faceIndices[7 * 4 + 3]);
        sf::writeFileAtomically(scan, objText(other, m_scans[1], order));
      }
    }

    const std::string error = errorOf(
        [&] { sf::createIdentityModelFromFolder(m_template, folder, sf::IdentityBuildOptions()); });
    for (const QString& fragment : expected.split('|')) {
      QVERIFY2(error.find(fragment.toStdString()) != std::string::npos,
               qPrintable("expected '" + fragment + "' in: " + QString::fromStdString(error)));
    }
  }

  void progressCountsEveryScan() {
    // Called from the reading threads, one at a time: record, check afterwards.
    std::vector<int> done;
    std::vector<int> totals;
    sf::IdentityBuildOptions options;
    options.progress = [&](int scansRead, int total) {
      done.push_back(scansRead);
      totals.push_back(total);
    };
    sf::createIdentityModelFromFolder(m_template, m_scanFolder, options);
    std::vector<int> expected = identityOrder(kScans);
    for (int& count : expected) {
      ++count;
    }
    QCOMPARE(done, expected);  // 1, 2, ..., kScans
    QCOMPARE(totals, std::vector<int>(kScans, kScans));
  }
};

QTEST_GUILESS_MAIN(TestIdentityBuilder)
#include "test_identity_builder.moc"
