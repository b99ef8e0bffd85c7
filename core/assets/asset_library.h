#pragma once

#include "assets/expression_asset.h"
#include "util/diagnostic.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sf {

/// One file of an asset, relative to its library's folder.
struct AssetFile {
  std::string path;  ///< "assets/environment/sky/sky.hdr": relative, '/'-separated, no ".."
  std::string hash;  ///< "fnv1a64:<16 hex digits>" of the bytes, checked by check()
  std::uint64_t size = 0;
  friend bool operator==(const AssetFile&, const AssetFile&) = default;
};

/// One asset of a library, as its index records it.
struct LibraryAsset {
  std::string id;    ///< unique in the library: "<kind>/<name>", such as "environment/sky"
  std::string kind;  ///< one of AssetLibrary::kinds()
  std::string name;  ///< for people
  std::vector<std::string> tags;
  std::string licence;  ///< SPDX-style where possible: "CC0-1.0", "CC-BY-4.0", "proprietary"
  std::string author;
  std::string source;     ///< where it came from: a URL or the imported file's name
  std::string thumbnail;  ///< a PNG, relative to the library; empty when there is none
  std::vector<AssetFile> files;
  nlohmann::json parameters = nlohmann::json::object();  ///< kind-specific
  friend bool operator==(const LibraryAsset&, const LibraryAsset&) = default;
};

/// What import() records about new assets besides their files.
struct ImportOptions {
  std::string name;  ///< default: the first file's stem
  std::vector<std::string> tags;
  std::string licence;  ///< required: a dataset records the licences of what it used
  std::string author;
  std::string source;  ///< default: the first file's name
  bool thumbnail = true;
};

/// An asset library on disk: a folder with an index, library.json, and the assets' files
/// under it. A recipe names the index in "library"; its assets are what asset choices draw
/// (the index is also a catalog MemoryAssetCatalog::load reads).
///
///   library.json   {"format": "synthface-library", "version": 1, "name": "...",
///                   "assets": [{"id", "kind", "name", "tags", "licence", "author",
///                               "source", "thumbnail", "files": [{"path", "hash", "size"}],
///                               "parameters": {...}}]}
///   assets/<kind>/<name>/...   the files, copied in on import
///   thumbnails/<kind>/<name>.png
///
/// Every path stays inside the library: relative, no "..", no absolute paths, and no
/// symbolic link that leads out. The index is written atomically, so a crash never leaves
/// a half-written library.
class AssetLibrary {
public:
  /// The asset kinds a library may hold.
  static const std::vector<std::string>& kinds();

  /// Makes an empty library in `folder` (created if missing). Throws sf::Error when the
  /// folder already holds a library or cannot be written.
  static AssetLibrary create(const std::filesystem::path& folder, const std::string& name);
  /// Opens the library in `folder` (or whose library.json `folder` is). Throws sf::Error
  /// naming library.json and the JSON pointer of the first problem; see read() for all.
  static AssetLibrary open(const std::filesystem::path& folder);
  /// Reads a library, collecting every problem of its index into `diagnostics`: the
  /// entries that are fine are kept.
  static AssetLibrary read(const std::filesystem::path& folder, Diagnostics& diagnostics);
  /// The user's library: $XDG_DATA_HOME/synthface/library (or ~/.local/share/...), created
  /// empty on first use.
  static AssetLibrary openUserLibrary();
  static std::filesystem::path userLibraryFolder();

  const std::filesystem::path& folder() const { return m_folder; }
  std::filesystem::path indexPath() const { return m_folder / "library.json"; }
  const std::string& name() const { return m_name; }
  const std::vector<LibraryAsset>& assets() const { return m_assets; }
  /// The asset with this id, or nullptr.
  const LibraryAsset* find(const std::string& id) const;
  /// The absolute path of a file of the library (a relative path from the index).
  std::filesystem::path absolutePath(const std::string& relative) const;

  /// Imports `files` as one new asset of `kind`: meshes (OBJ, glTF, FBX...) are checked
  /// with Assimp, images and HDRIs with OpenImageIO, an expression (one .json or MakeHuman
  /// .mhpose file) with readExpressionAsset(); the files are copied into the library,
  /// hashed, a thumbnail is rendered, and the index is saved. Returns the new asset.
  /// Throws sf::Error naming the file and what is wrong (unreadable, unknown kind, a name
  /// already taken, no licence); nothing is added then.
  const LibraryAsset& import(const std::string& kind,
                             const std::vector<std::filesystem::path>& files,
                             const ImportOptions& options);
  /// Adds an expression made in place (the studio's sliders) as a new asset named
  /// options.name, written as SynthFace expression JSON and imported like a file; with
  /// `replace`, an expression of that id is replaced (it is removed only once the new one
  /// has been written and read back). Throws like import().
  const LibraryAsset& addExpression(const ExpressionAsset& expression, const ImportOptions& options,
                                    bool replace = false);
  /// Changes an asset's tags, licence and author, and saves the index. Throws sf::Error for
  /// an unknown id.
  void setTags(const std::string& id, const std::vector<std::string>& tags);
  void setLicence(const std::string& id, const std::string& licence, const std::string& author);
  /// Removes an asset from the index and its files from the library.
  void remove(const std::string& id);

  /// Verifies every asset: its files exist inside the library (no link leads out), their
  /// sizes and hashes match, and its thumbnail exists. One diagnostic per problem, with the
  /// asset's JSON pointer in library.json; empty when all is well.
  std::vector<Diagnostic> check() const;

  /// Writes library.json atomically.
  void save() const;

private:
  std::filesystem::path m_folder;
  std::string m_name;
  std::vector<LibraryAsset> m_assets;
};

/// A stable hash of a file's bytes: "fnv1a64:<16 hex digits>". Throws sf::Error naming the
/// file when it cannot be read.
std::string hashFile(const std::filesystem::path& path);

/// True when `relative` is a safe path inside a library: relative, '/'-separated, no
/// empty, "." or ".." segment.
bool isSafeLibraryPath(const std::string& relative);

}  // namespace sf
