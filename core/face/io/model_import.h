#pragma once

#include "face/face_model.h"
#include "face/registration.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

namespace sf {

/// How importModel() reads a head.
struct ModelImportOptions {
  /// A JSON sidecar for glTF, FBX and OBJ heads (see face/io/rig_import.h); empty: none.
  std::filesystem::path sidecar;
  /// Lines such as "reading targets 120/286" and the registration's stages.
  std::function<void(std::string_view)> progress;
};

/// An imported model and how well the reference head was registered onto it.
struct ModelImport {
  FaceModel model;
  RegistrationReport registration;
  std::string kind;  ///< "MakeHuman hm08", "glTF", "FBX", "OBJ"
};

/// Whether `path` is a MakeHuman data folder (holding 3dobjs/base.obj, targets/, rigs/) or
/// that folder's 3dobjs/base.obj.
bool isMakeHumanData(const std::filesystem::path& path);

/// Imports a head as a model of the same kind as the built-in one. A MakeHuman data
/// folder gives its hm08 head (face/io/makehuman.h); anything else is read as a rigged
/// head through Assimp. Either way `reference` (normally the built-in head) is registered
/// onto the head's surface, which carries across what the head lacks: the 70 and dense
/// landmarks, label classes, hair growth regions and the reference's expressions (by
/// name, so a recipe's expression weights pose any model). A MakeHuman head keeps its own
/// UV layout. Throws sf::Error naming the file for bad input.
ModelImport importModel(const std::filesystem::path& path, const FaceModel& reference,
                        const ModelImportOptions& options);

/// A head mesh of any topology for registration: every mesh of the file (through Assimp),
/// merged, vertices welded by exact position (importers split them at UV and normal
/// seams), faces of three or more corners kept as they are, positions as stored times
/// `millimetresPerUnit` (node transforms are ignored). Throws sf::Error naming the file
/// for a missing, unreadable or empty file or a non-finite coordinate.
PolyMesh readHeadMesh(const std::filesystem::path& path, float millimetresPerUnit);

/// Millimetres per unit of a file by its extension when nothing says otherwise: glTF is
/// metres (1000), everything else is taken as millimetres (1).
float defaultMillimetresPerUnit(const std::filesystem::path& path);

/// Registers `reference` onto part "skin" of `model` (in millimetres, y up, facing +z)
/// and carries the landmarks, labels, growth regions and, when `expressions`, the
/// reference's expressions across; the model keeps its UVs. Returns the registration's report.
RegistrationReport labelByRegistration(FaceModel& model, const FaceModel& reference,
                                       bool expressions,
                                       const std::function<void(std::string_view)>& progress,
                                       const std::string& source);

}  // namespace sf
