#pragma once

#include "face/face_model.h"

#include <filesystem>
#include <string>
#include <vector>

namespace sf {

/// Reads registered scans: meshes (OBJ or PLY, through Assimp) in the topology of a
/// template's skin surface, which is the template's parts with PartMaterial::Skin
/// concatenated in part order (in the built-in head: "skin", "ear_right", "ear_left").
///
/// Which meshes of a file make the scan: if any mesh is named as a Skin part of the
/// template, the meshes named as Skin parts, in the template's part order (meshes of one name
/// in file order; other meshes such as eyes or teeth are ignored, and every Skin part must be
/// present). Otherwise every mesh of the file, in file order. So a file written by
/// `synthface model export --targets none --level 0 --out scan.obj`, one mesh per part,
/// reads back as it was written, and so does a single-mesh file of the skin surface.
/// Positions are read as stored, in millimetres; node transforms are ignored.
///
/// Correspondence: importers do not keep a file's vertex order (Assimp's OBJ reader expands
/// vertices per face corner, joining identical ones in order of first use, and UV or normal
/// seams split them). So the vertices the scan's faces use are welded by exact position,
/// numbered in order of first appearance in the faces, and matched to the template's through
/// the face list: face f of the scan is face f of the template, corner by corner, so both
/// face lists must have the same faces with the same corner order (quads stay quads: scans
/// are read without triangulation). Every corner of a template vertex must land on the same
/// scan vertex. Distinct template vertices may share a position in a scan (the built-in
/// head's closed lips have 19 such pairs in the template itself), so a scan may have fewer
/// distinct positions than the template has vertices, never more.
class ScanReader {
public:
  /// The reader for scans of `model`'s skin surface. Throws sf::Error naming `source` (the
  /// model's file or name) when the model has no Skin part or a Skin-part vertex that no
  /// face uses (a scan could not place it).
  static ScanReader create(const FaceModel& model, const std::string& source);

  /// Vertices of the skin surface: every vertex of the Skin parts.
  int vertexCount() const { return static_cast<int>(m_modelVertices.size()); }
  /// The model's (global) vertex index of each skin-surface vertex, ascending.
  const std::vector<int>& modelVertices() const { return m_modelVertices; }
  /// The Skin parts' names, in part order.
  const std::vector<std::string>& partNames() const { return m_partNames; }

  /// The positions of one scan, one per skin-surface vertex. Throws sf::Error naming the
  /// file, and the element where one is to blame, for a missing, empty or unreadable file,
  /// a file without the template's Skin meshes, vertex or face counts or a face structure
  /// other than the template's ("faces differ from the template's at face 123 (face 41 of
  /// part 'ear_right')"), and a non-finite coordinate (naming the part and vertex).
  std::vector<Vec3f> read(const std::filesystem::path& path) const;

private:
  /// Where a skin-surface vertex or face is in its part: "vertex 17 of part 'skin'".
  std::string describeFace(int face) const;
  std::string describeVertex(int vertex) const;

  std::vector<std::string> m_partNames;
  std::vector<int> m_partFirstVertex;  ///< per Skin part, its first skin-surface vertex
  std::vector<int> m_partFirstFace;    ///< per Skin part, its first skin-surface face
  std::vector<int> m_modelVertices;
  std::vector<int> m_faceSizes;  ///< the skin surface's faces, parts concatenated
  std::vector<int> m_corners;    ///< skin-surface vertex of each face corner
};

/// The scans in a folder: its .obj and .ply files (any letter case), sorted by file name so
/// that results do not depend on the file system. Other files (a README.txt) are skipped.
/// Throws sf::Error naming the folder when it is missing or not a folder.
std::vector<std::filesystem::path> listScanFiles(const std::filesystem::path& folder);

}  // namespace sf
