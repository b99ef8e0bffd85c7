#include "face/io/model_import.h"

#include "face/io/makehuman.h"
#include "face/io/rig_import.h"
#include "util/error.h"
#include "util/strings.h"

#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <assimp/Importer.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <system_error>
#include <tuple>

namespace sf {

bool isMakeHumanData(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::path folder = path;
  if (path.filename() == "base.obj" && path.parent_path().filename() == "3dobjs") {
    folder = path.parent_path().parent_path();
  }
  return std::filesystem::is_regular_file(folder / "3dobjs" / "base.obj", error) &&
         std::filesystem::is_directory(folder / "targets", error) &&
         std::filesystem::is_directory(folder / "rigs", error);
}

float defaultMillimetresPerUnit(const std::filesystem::path& path) {
  const std::string extension = toLower(path.extension().string());
  return extension == ".glb" || extension == ".gltf" ? 1000.0f : 1.0f;
}

PolyMesh readHeadMesh(const std::filesystem::path& path, float millimetresPerUnit) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw Error(path.string() + ": no such file");
  }
  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFile(path.string(), aiProcess_JoinIdenticalVertices);
  if (!scene || (scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE) != 0) {
    throw Error(path.string() + ": cannot read the mesh: " + importer.GetErrorString());
  }
  PolyMesh mesh;
  std::map<std::tuple<float, float, float>, int> welded;
  for (unsigned m = 0; m < scene->mNumMeshes; ++m) {
    const aiMesh* source = scene->mMeshes[m];
    std::vector<int> index(source->mNumVertices, -1);
    for (unsigned v = 0; v < source->mNumVertices; ++v) {
      const aiVector3D& p = source->mVertices[v];
      const Vec3f position = millimetresPerUnit * Vec3f(p.x, p.y, p.z);
      if (!position.allFinite()) {
        throw Error(path.string() + ": mesh " + std::to_string(m) + " ('" + source->mName.C_Str() +
                    "'): vertex " + std::to_string(v) + " has a non-finite coordinate");
      }
      const auto [it, inserted] =
          welded.emplace(std::tuple{position.x(), position.y(), position.z()}, mesh.vertexCount());
      if (inserted) {
        mesh.positions.push_back(position);
      }
      index[v] = it->second;
    }
    for (unsigned f = 0; f < source->mNumFaces; ++f) {
      const aiFace& face = source->mFaces[f];
      if (face.mNumIndices < 3) {
        continue;  // points and lines
      }
      mesh.faceSizes.push_back(static_cast<int>(face.mNumIndices));
      for (unsigned k = 0; k < face.mNumIndices; ++k) {
        mesh.faceIndices.push_back(index[face.mIndices[k]]);
      }
    }
  }
  if (mesh.faceCount() == 0) {
    throw Error(path.string() + ": the file has no faces to register to");
  }
  return mesh;
}

RegistrationReport labelByRegistration(FaceModel& model, const FaceModel& reference,
                                       bool expressions,
                                       const std::function<void(std::string_view)>& progress,
                                       const std::string& source) {
  const int skin = model.findPart("skin");
  if (skin < 0) {
    throw Error(source + ": the model has no part 'skin' to register the reference onto");
  }
  RegistrationOptions options;
  options.progress = progress;
  const Registration fit =
      registerModel(reference, model.parts[static_cast<std::size_t>(skin)].mesh, options, source);
  SurfaceTransfer what;
  what.skinWeights = false;
  what.identity = false;
  // The head keeps its own UV layout: carried across, the reference's charts tear where
  // its seams and its separate ears meet the head's (left for later).
  what.uvs = false;
  what.expressions = expressions;
  transferSurface(reference, fit, model, skin, what);
  return fit.report;
}

ModelImport importModel(const std::filesystem::path& path, const FaceModel& reference,
                        const ModelImportOptions& options) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    throw Error(path.string() + ": no such file or folder");
  }
  ModelImport result;
  if (isMakeHumanData(path)) {
    const std::filesystem::path folder =
        path.filename() == "base.obj" ? path.parent_path().parent_path() : path;
    MakeHumanImportOptions makeHuman;
    makeHuman.progress = options.progress;
    result.model = importMakeHuman(folder, makeHuman);
    result.kind = "MakeHuman hm08";
    result.registration =
        labelByRegistration(result.model, reference, true, options.progress, folder.string());
    validateFaceModel(result.model, folder.string());
    return result;
  }
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (std::filesystem::is_directory(path, error)) {
    throw Error(path.string() +
                ": not a MakeHuman data folder (it needs 3dobjs/base.obj, targets/ and rigs/)");
  }
  RigImportOptions rig;
  rig.sidecar = options.sidecar;
  rig.progress = options.progress;
  rig.registration = &result.registration;
  result.model = importRiggedHead(path, reference, rig);
  result.kind = extension == ".GLB" || extension == ".GLTF" ? "glTF"
                : extension.empty()                         ? "mesh"
                                                            : extension.substr(1);
  return result;
}

}  // namespace sf
