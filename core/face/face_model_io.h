#pragma once

// The SynthFace model file (.sfm)
// ===============================
//
// One file holds one FaceModel exactly: reading a written model gives an equal model, every
// float bit for bit. The file is binary and little-endian:
//
//   offset     size  field
//   0          8     magic "SFMODEL\0"
//   8          4     u32 format version (FaceModel::kFormatVersion)
//   12         4     u32 reserved, 0
//   16         8     u64 file size in bytes, checksum included (so truncation is named)
//   24         8     u64 header size H in bytes
//   32         H     the header: UTF-8 JSON, described below
//   32 + H           zero padding up to a multiple of 8, where the data section begins (D)
//   D                the data section: the arrays the header refers to, each starting at a
//                    multiple of 8 bytes from D, with zero padding between them
//   size - 8   8     u64 checksum: FNV-1a 64-bit hash of bytes [0, size - 8)
//
// An array reference in the header is {"offset": O, "count": N, "type": T}: N scalars of
// type T starting O bytes after D (O a multiple of 8). Types: "f32" (IEEE-754 binary32),
// "i32" (two's complement int32), "u8" (byte); all little-endian. Vectors are stored flat:
// n Vec3f are 3n f32 values x0 y0 z0 x1 ...; per-vertex skin entries are 4 values each.
//
// The header (every key required, unknown keys rejected):
//
//   {
//     "name": string, "version": string, "license": string, "author": string,
//     "vertexCount": int            total over all parts
//     "parts": [{
//       "name": string,
//       "material": "skin" | "sclera" | "cornea" | "tearLine" | "caruncle" | "teeth" |
//                   "tongue" | "mouthCavity",
//       "firstVertex": int, "subdivide": bool,
//       "vertexCount": int, "faceCount": int,
//       "positions": f32 array, 3 per vertex
//       "faceSizes": i32 array, one per face
//       "faceIndices": i32 array, one per face corner
//       "uvs": f32 array, 2 per UV (count 0 without UVs)
//       "uvIndices": i32 array, empty or one per face corner
//       "faceClass": u8 array, one LabelClass per face
//       "faceGrowth": u8 array, GrowthRegion bits per face
//     }],
//     "identity", "expressions", "correctives": [{
//       "name": string, "group": string, "sigma": number,
//       "vertices": i32 array, "deltas": f32 array (3 per vertex),
//       "drivers": [expression name, ...]   (empty except for correctives)
//     }],
//     "joints": [{
//       "name": string, "parent": joint name or null,
//       "restPosition": [x, y, z], "anchorVertices": i32 array
//     }],
//     "skin": {"joints": i32 array, "weights": f32 array},   4 per vertex each
//     "landmarks", "denseLandmarks": [
//       {"name": string, "kind": "surface", "part": part name, "face": int, "uv": [u, v]} or
//       {"name": string, "kind": "joint", "joint": joint name, "offset": [x, y, z]}
//     ]
//   }
//
// Numbers in the header that are floats are written as the shortest decimal that reads back
// to the same double, which holds the float exactly. Names refer to elements (a joint's
// parent, a corrective's drivers, a landmark's part or joint), so the header reads on its
// own; a name that matches nothing is an error with a "did you mean".
//
// Versioning: the version is bumped by any change a reader of the previous version could
// not read correctly. A reader rejects files of a newer version ("written by a newer
// SynthFace"), reads its own version, and upgrades older versions in code, one version step
// at a time (upgradeHeader() in face_model_io.cpp), so every file ever written stays
// readable. The preamble (magic, version, sizes) and the checksum never change.

#include "face/face_model.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace sf {

/// Writes a model as an .sfm file, atomically: a reader sees the old file or the whole new
/// one. Validates the model first (validateFaceModel); throws sf::Error naming the file
/// when the model is inconsistent or the file cannot be written.
void writeFaceModel(const FaceModel& model, const std::filesystem::path& path);

/// Reads an .sfm file and validates the model. Throws sf::Error naming the file and the
/// element for anything wrong: truncation, corruption, a newer format version, a malformed
/// header, arrays out of bounds, an inconsistent model.
FaceModel readFaceModel(const std::filesystem::path& path);

/// The bytes of an .sfm file for a model. Validates the model first; `source` names it in
/// errors. writeFaceModel() is this and writeFileAtomically().
std::string encodeFaceModel(const FaceModel& model, const std::string& source);

/// A model from the bytes of an .sfm file, validated; `source` (a file name) prefixes every
/// error. readFaceModel() is readFile() and this.
FaceModel decodeFaceModel(std::string_view bytes, const std::string& source);

}  // namespace sf
