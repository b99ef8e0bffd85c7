#include "face/io/scan_reader.h"

#include "util/error.h"
#include "util/strings.h"

#include <assimp/mesh.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <assimp/Importer.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <system_error>
#include <unordered_map>

namespace sf {

namespace fs = std::filesystem;

namespace {

std::string str(std::size_t value) {
  return std::to_string(value);
}

std::string str(int value) {
  return std::to_string(value);
}

/// A position's exact bits, with -0 made +0, so that welding compares positions exactly.
using PositionKey = std::array<std::uint32_t, 3>;

PositionKey keyOf(const aiVector3D& v) {
  return {std::bit_cast<std::uint32_t>(v.x + 0.0f), std::bit_cast<std::uint32_t>(v.y + 0.0f),
          std::bit_cast<std::uint32_t>(v.z + 0.0f)};
}

struct PositionKeyHash {
  std::size_t operator()(const PositionKey& key) const {
    std::uint64_t hash = 14695981039346656037ull;
    for (const std::uint32_t word : key) {
      hash = (hash ^ word) * 1099511628211ull;
    }
    return static_cast<std::size_t>(hash);
  }
};

/// The meshes of a scene that make the scan (see ScanReader), in order.
std::vector<const aiMesh*> scanMeshes(const aiScene& scene, const std::vector<std::string>& parts,
                                      const std::string& file) {
  std::vector<const aiMesh*> all(scene.mMeshes, scene.mMeshes + scene.mNumMeshes);
  const auto named = [&](const std::string& name) {
    std::vector<const aiMesh*> meshes;
    for (const aiMesh* mesh : all) {
      if (name == mesh->mName.C_Str()) {
        meshes.push_back(mesh);
      }
    }
    return meshes;
  };
  const bool anyNamed = std::any_of(parts.begin(), parts.end(),
                                    [&](const std::string& part) { return !named(part).empty(); });
  if (!anyNamed) {
    return all;
  }
  std::vector<const aiMesh*> selected;
  for (const std::string& part : parts) {
    const std::vector<const aiMesh*> meshes = named(part);
    if (meshes.empty()) {
      std::string names;
      for (const aiMesh* mesh : all) {
        names += (names.empty() ? "" : ", ") + std::string(mesh->mName.C_Str());
      }
      throw Error(SourceLocation::inFile(file),
                  "no mesh named '" + part +
                      "', a Skin part of the template (the file's meshes: " + names + ")");
    }
    selected.insert(selected.end(), meshes.begin(), meshes.end());
  }
  return selected;
}

}  // namespace

ScanReader ScanReader::create(const FaceModel& model, const std::string& source) {
  ScanReader reader;
  for (std::size_t p = 0; p < model.parts.size(); ++p) {
    const FacePart& part = model.parts[p];
    if (part.material != PartMaterial::Skin) {
      continue;
    }
    const int firstVertex = reader.vertexCount();
    reader.m_partNames.push_back(part.name);
    reader.m_partFirstVertex.push_back(firstVertex);
    reader.m_partFirstFace.push_back(static_cast<int>(reader.m_faceSizes.size()));
    std::vector<bool> used(static_cast<std::size_t>(part.mesh.vertexCount()), false);
    for (const int index : part.mesh.faceIndices) {
      used[static_cast<std::size_t>(index)] = true;
      reader.m_corners.push_back(firstVertex + index);
    }
    const auto unused = std::find(used.begin(), used.end(), false);
    if (unused != used.end()) {
      throw Error(SourceLocation::atPointer(source, "/parts/" + str(p)),
                  "part '" + part.name + "': vertex " + std::to_string(unused - used.begin()) +
                      " is used by no face, so a scan cannot place it");
    }
    reader.m_faceSizes.insert(reader.m_faceSizes.end(), part.mesh.faceSizes.begin(),
                              part.mesh.faceSizes.end());
    for (int v = 0; v < part.mesh.vertexCount(); ++v) {
      reader.m_modelVertices.push_back(part.firstVertex + v);
    }
  }
  if (reader.m_partNames.empty()) {
    throw Error(SourceLocation::inFile(source),
                "the model has no skin-surface part (material 'skin'), so scans cannot match it");
  }
  return reader;
}

std::string ScanReader::describeFace(int face) const {
  const auto part = static_cast<std::size_t>(
      std::upper_bound(m_partFirstFace.begin(), m_partFirstFace.end(), face) -
      m_partFirstFace.begin() - 1);
  return "face " + str(face) + " (face " + str(face - m_partFirstFace[part]) + " of part '" +
         m_partNames[part] + "')";
}

std::string ScanReader::describeVertex(int vertex) const {
  const auto part = static_cast<std::size_t>(
      std::upper_bound(m_partFirstVertex.begin(), m_partFirstVertex.end(), vertex) -
      m_partFirstVertex.begin() - 1);
  return "vertex " + str(vertex - m_partFirstVertex[part]) + " of part '" + m_partNames[part] + "'";
}

std::vector<Vec3f> ScanReader::read(const fs::path& path) const {
  const std::string file = path.string();
  const auto fail = [&](const std::string& message) {
    throw Error(SourceLocation::inFile(file), message);
  };
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    fail(fs::exists(path, error) ? "not a file" : "no such file");
  }
  if (fs::file_size(path, error) == 0) {
    fail("the file is empty");
  }

  // Quads stay quads (no triangulation); identical vertices of a mesh are joined.
  Assimp::Importer importer;
  const aiScene* scene =
      importer.ReadFile(file, aiProcess_JoinIdenticalVertices | aiProcess_ValidateDataStructure);
  if (scene == nullptr) {
    fail(std::string("cannot read the mesh: ") + importer.GetErrorString());
  }
  if (scene->mNumMeshes == 0) {
    fail("the file holds no mesh");
  }
  const std::vector<const aiMesh*> meshes = scanMeshes(*scene, m_partNames, file);

  // Weld the vertices the faces use by exact position, numbering them in order of first
  // appearance in the faces, and list every face corner's welded vertex.
  std::unordered_map<PositionKey, int, PositionKeyHash> weldedOf;
  std::vector<aiVector3D> welded;
  std::vector<int> faceSizes;
  std::vector<int> corners;
  for (const aiMesh* mesh : meshes) {
    std::vector<int> weldedOfVertex(mesh->mNumVertices, -1);
    for (unsigned f = 0; f < mesh->mNumFaces; ++f) {
      const aiFace& face = mesh->mFaces[f];
      faceSizes.push_back(static_cast<int>(face.mNumIndices));
      for (unsigned c = 0; c < face.mNumIndices; ++c) {
        const unsigned v = face.mIndices[c];
        if (weldedOfVertex[v] < 0) {
          const auto [it, inserted] =
              weldedOf.emplace(keyOf(mesh->mVertices[v]), static_cast<int>(welded.size()));
          if (inserted) {
            welded.push_back(mesh->mVertices[v]);
          }
          weldedOfVertex[v] = it->second;
        }
        corners.push_back(weldedOfVertex[v]);
      }
    }
  }
  if (faceSizes.empty()) {
    fail("the mesh is empty: it has no faces");
  }

  // Counts first: they say most about a scan of another topology.
  const std::size_t templateFaces = m_faceSizes.size();
  const auto templateVertices = static_cast<std::size_t>(vertexCount());
  if (faceSizes.size() != templateFaces) {
    fail(str(welded.size()) + " vertices in " + str(faceSizes.size()) +
         " faces, the template's skin surface has " + str(templateVertices) + " vertices in " +
         str(templateFaces) + " faces");
  }
  if (welded.size() > templateVertices) {
    fail(str(welded.size()) + " vertices, the template's skin surface has " +
         str(templateVertices));
  }

  // Face by face, corner by corner: each template vertex must meet one scan vertex.
  std::vector<int> scanVertexOf(templateVertices, -1);
  std::size_t corner = 0;
  for (std::size_t f = 0; f < templateFaces; ++f) {
    const auto face = static_cast<int>(f);
    if (faceSizes[f] != m_faceSizes[f]) {
      fail("faces differ from the template's at " + describeFace(face) + ": " + str(faceSizes[f]) +
           " corners, the template's face has " + str(m_faceSizes[f]));
    }
    for (int c = 0; c < m_faceSizes[f]; ++c, ++corner) {
      int& scanVertex = scanVertexOf[static_cast<std::size_t>(m_corners[corner])];
      if (scanVertex < 0) {
        scanVertex = corners[corner];
      } else if (scanVertex != corners[corner]) {
        fail("faces differ from the template's at " + describeFace(face) + ": its corner " +
             str(c) + " is a different vertex than in the template");
      }
    }
  }

  std::vector<Vec3f> positions(templateVertices);
  for (std::size_t v = 0; v < templateVertices; ++v) {
    const aiVector3D& p = welded[static_cast<std::size_t>(scanVertexOf[v])];
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) {
      std::ostringstream coordinates;
      coordinates << "(" << p.x << ", " << p.y << ", " << p.z << ")";
      fail(describeVertex(static_cast<int>(v)) + " is not finite: " + coordinates.str());
    }
    positions[v] = Vec3f(p.x, p.y, p.z);
  }
  return positions;
}

std::vector<fs::path> listScanFiles(const fs::path& folder) {
  const std::string name = folder.string();
  std::error_code error;
  if (!fs::exists(folder, error)) {
    throw Error(SourceLocation::inFile(name), "no such folder");
  }
  if (!fs::is_directory(folder, error)) {
    throw Error(SourceLocation::inFile(name), "not a folder");
  }
  std::vector<fs::path> files;
  fs::directory_iterator it(folder, error);
  if (error) {
    throw Error(SourceLocation::inFile(name), "cannot list the folder: " + error.message());
  }
  while (it != fs::directory_iterator()) {
    const std::string extension = toLower(it->path().extension().string());
    if (extension == ".obj" || extension == ".ply") {
      files.push_back(it->path());
    }
    it.increment(error);
    if (error) {
      throw Error(SourceLocation::inFile(name), "cannot list the folder: " + error.message());
    }
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return files;
}

}  // namespace sf
