#include "assets/asset_library.h"
#include "assets/expression_asset.h"
#include "face/face_geometry.h"
#include "face/model_store.h"

#include "face/poly_mesh.h"
#include "render/image.h"
#include "render/model_sheet.h"
#include "render/preview_renderer.h"
#include "render/skin_texture.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json_util.h"
#include "util/strings.h"

#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <assimp/Importer.hpp>

#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>

namespace sf {

namespace fs = std::filesystem;

namespace {

constexpr const char* kIndexName = "library.json";
constexpr const char* kFormat = "synthface-library";
constexpr int kVersion = 1;

const std::set<std::string> kMeshExtensions = {".obj", ".gltf", ".glb", ".fbx", ".dae", ".ply"};
const std::set<std::string> kImageExtensions = {".hdr",  ".exr", ".png", ".jpg",
                                                ".jpeg", ".tif", ".tiff"};

/// A name safe as one path segment and id part: lower case letters, digits, '_' and '-'.
std::string slug(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if ((c == '_' || c == '-' || c == ' ' || c == '.') && !out.empty() &&
               out.back() != '_') {
      out += c == '-' ? '-' : '_';
    }
  }
  while (!out.empty() && (out.back() == '_' || out.back() == '-')) {
    out.pop_back();
  }
  return out;
}

nlohmann::json assetToJson(const LibraryAsset& asset) {
  nlohmann::json files = nlohmann::json::array();
  for (const AssetFile& file : asset.files) {
    files.push_back({{"path", file.path}, {"hash", file.hash}, {"size", file.size}});
  }
  return {{"id", asset.id},           {"kind", asset.kind},
          {"name", asset.name},       {"tags", asset.tags},
          {"licence", asset.licence}, {"author", asset.author},
          {"source", asset.source},   {"thumbnail", asset.thumbnail},
          {"files", files},           {"parameters", asset.parameters}};
}

/// Reads a string key of an entry; a missing optional key is empty.
std::string stringKey(const nlohmann::json& entry, const std::string& key,
                      const std::string& pointer, bool required, Diagnostics& diagnostics,
                      bool& good) {
  if (!entry.contains(key)) {
    if (required) {
      diagnostics.error(pointer + "/" + key, "missing");
      good = false;
    }
    return {};
  }
  if (!entry[key].is_string()) {
    diagnostics.error(pointer + "/" + key,
                      "expected a string (got " + describeJson(entry[key]) + ")");
    good = false;
    return {};
  }
  return entry[key].get<std::string>();
}

/// Checks that a mesh file can be read by Assimp and has geometry; returns its meshes as
/// one PolyMesh for the thumbnail.
PolyMesh readMesh(const fs::path& path) {
  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFile(
      path.string(), aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |
                         aiProcess_PreTransformVertices | aiProcess_ValidateDataStructure);
  if (scene == nullptr) {
    throw Error(SourceLocation::inFile(path.string()),
                std::string("not a readable mesh: ") + importer.GetErrorString());
  }
  PolyMesh mesh;
  for (unsigned m = 0; m < scene->mNumMeshes; ++m) {
    const aiMesh* part = scene->mMeshes[m];
    const int base = mesh.vertexCount();
    for (unsigned v = 0; v < part->mNumVertices; ++v) {
      const aiVector3D& p = part->mVertices[v];
      if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) {
        throw Error(SourceLocation::inFile(path.string()), "vertex " + std::to_string(v) +
                                                               " of mesh " + std::to_string(m) +
                                                               " is not a finite number");
      }
      mesh.positions.emplace_back(p.x, p.y, p.z);
    }
    for (unsigned f = 0; f < part->mNumFaces; ++f) {
      const aiFace& face = part->mFaces[f];
      if (face.mNumIndices < 3) {
        continue;  // points and lines
      }
      mesh.faceSizes.push_back(static_cast<int>(face.mNumIndices));
      for (unsigned k = 0; k < face.mNumIndices; ++k) {
        mesh.faceIndices.push_back(base + static_cast<int>(face.mIndices[k]));
      }
    }
  }
  if (mesh.faceCount() == 0) {
    throw Error(SourceLocation::inFile(path.string()), "the file holds no faces");
  }
  return mesh;
}

/// Checks that an image file can be read by OpenImageIO.
void checkImage(const fs::path& path) {
  auto input = OIIO::ImageInput::open(path.string());
  if (!input) {
    throw Error(SourceLocation::inFile(path.string()), "not a readable image: " + OIIO::geterror());
  }
  const OIIO::ImageSpec& spec = input->spec();
  if (spec.width <= 0 || spec.height <= 0 || spec.nchannels <= 0) {
    throw Error(SourceLocation::inFile(path.string()), "the image is empty");
  }
}

/// A thumbnail of an image file as 8-bit sRGB PNG (thumbnailImage()).
void imageThumbnail(const fs::path& image, const fs::path& png, int width) {
  writeImage(thumbnailImage(readImage(image), width), png);
}

/// A clay render of a mesh from the front-left, as a 256-pixel PNG.
void meshThumbnail(const PolyMesh& mesh, const fs::path& png) {
  PreviewMesh preview;
  preview.mesh = &mesh;
  preview.albedo = Vec3f(0.55f, 0.55f, 0.58f);
  const PreviewMesh meshes[] = {preview};
  const PreviewCamera camera = framePreview(meshes, 30.0f, 10.0f);
  PreviewOptions options;
  options.supersampling = 2;
  writeImage(renderPreview(meshes, camera, 256, 256, options), png);
}

/// The built-in head wearing an expression, from the front, as a 256-pixel PNG (the gaze
/// is left out: the thumbnail shows the face's shape).
void expressionThumbnail(const ExpressionAsset& expression, const fs::path& png) {
  const FaceModel model = loadFaceModel("default");
  const FaceGeometry geometry = FaceGeometry::create(model, 1);
  FaceState state;
  state.expression.assign(model.expressions.size(), 0.0f);
  for (std::size_t e = 0; e < model.expressions.size(); ++e) {
    if (const auto it = expression.shapes.find(model.expressions[e].name);
        it != expression.shapes.end()) {
      state.expression[e] = static_cast<float>(it->second);
    }
  }
  const float front[] = {0.0f};
  writeImage(renderClayViews(model, geometry, state, front, 256, 1.6f).front(), png);
}

/// The canonical form of a path whose last parts may not exist yet.
fs::path canonicalish(const fs::path& path) {
  std::error_code ec;
  const fs::path result = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : result;
}

bool isInside(const fs::path& path, const fs::path& folder) {
  const fs::path p = canonicalish(path);
  const fs::path f = canonicalish(folder);
  auto pi = p.begin();
  for (auto fi = f.begin(); fi != f.end(); ++fi, ++pi) {
    if (pi == p.end() || *pi != *fi) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string hashFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(SourceLocation::inFile(path.string()), "cannot read the file");
  }
  std::uint64_t hash = 0xcbf29ce484222325ull;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof(buffer));
    const std::streamsize n = in.gcount();
    for (std::streamsize i = 0; i < n; ++i) {
      hash ^= static_cast<unsigned char>(buffer[i]);
      hash *= 0x100000001b3ull;
    }
  }
  char text[40];
  std::snprintf(text, sizeof(text), "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
  return text;
}

bool isSafeLibraryPath(const std::string& relative) {
  if (relative.empty() || relative.front() == '/' || relative.find('\\') != std::string::npos ||
      relative.find('\0') != std::string::npos) {
    return false;
  }
  std::size_t start = 0;
  while (start <= relative.size()) {
    const std::size_t end = std::min(relative.find('/', start), relative.size());
    const std::string segment = relative.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return false;
    }
    start = end + 1;
  }
  return true;
}

const std::vector<std::string>& AssetLibrary::kinds() {
  static const std::vector<std::string> kinds = {"skin",     "hair",        "brows",     "lashes",
                                                 "beard",    "clothing",    "headwear",  "eyewear",
                                                 "facewear", "environment", "expression"};
  return kinds;
}

fs::path AssetLibrary::userLibraryFolder() {
  const char* data = std::getenv("XDG_DATA_HOME");
  if (data != nullptr && *data != '\0') {
    return fs::path(data) / "synthface" / "library";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : ".") / ".local" / "share" / "synthface" / "library";
}

AssetLibrary AssetLibrary::openUserLibrary() {
  const fs::path folder = userLibraryFolder();
  if (!fs::exists(folder / kIndexName)) {
    return create(folder, "user");
  }
  return open(folder);
}

AssetLibrary AssetLibrary::create(const fs::path& folder, const std::string& name) {
  if (fs::exists(folder / kIndexName)) {
    throw Error(SourceLocation::inFile((folder / kIndexName).string()),
                "a library already exists here");
  }
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (!fs::is_directory(folder)) {
    throw Error(SourceLocation::inFile(folder.string()),
                "cannot create the library folder" + (ec ? ": " + ec.message() : std::string()));
  }
  AssetLibrary library;
  library.m_folder = fs::absolute(folder).lexically_normal();
  library.m_name = name;
  library.save();
  return library;
}

AssetLibrary AssetLibrary::open(const fs::path& folder) {
  Diagnostics diagnostics;
  AssetLibrary library = read(folder, diagnostics);
  throwIfErrors(diagnostics.all(), library.indexPath().string());
  return library;
}

AssetLibrary AssetLibrary::read(const fs::path& given, Diagnostics& diagnostics) {
  AssetLibrary library;
  const fs::path folder = given.filename() == kIndexName ? given.parent_path() : given;
  library.m_folder = fs::absolute(folder).lexically_normal();
  if (!fs::exists(library.indexPath())) {
    diagnostics.error("", "no asset library here (no " + std::string(kIndexName) + ")");
    return library;
  }
  const nlohmann::json document =
      nlohmann::json::parse(readFile(library.indexPath()), nullptr, false);
  if (!document.is_object()) {
    diagnostics.error("", "not a JSON object");
    return library;
  }
  if (document.value("format", std::string()) != kFormat) {
    diagnostics.error("/format", std::string("expected \"") + kFormat + "\"");
  }
  if (!document.value("version", nlohmann::json()).is_number_integer() ||
      document["version"].get<int>() > kVersion) {
    diagnostics.error("/version", "unsupported version (this build reads version " +
                                      std::to_string(kVersion) + ")");
    return library;
  }
  library.m_name = document.value("name", std::string());
  if (!document.contains("assets") || !document["assets"].is_array()) {
    diagnostics.error("/assets", "expected an array");
    return library;
  }
  std::set<std::string> ids;
  const nlohmann::json& list = document["assets"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string pointer = "/assets/" + std::to_string(i);
    const nlohmann::json& entry = list[i];
    if (!entry.is_object()) {
      diagnostics.error(pointer, "expected an object (got " + describeJson(entry) + ")");
      continue;
    }
    bool good = true;
    LibraryAsset asset;
    asset.id = stringKey(entry, "id", pointer, true, diagnostics, good);
    asset.kind = stringKey(entry, "kind", pointer, true, diagnostics, good);
    asset.name = stringKey(entry, "name", pointer, false, diagnostics, good);
    asset.licence = stringKey(entry, "licence", pointer, true, diagnostics, good);
    asset.author = stringKey(entry, "author", pointer, false, diagnostics, good);
    asset.source = stringKey(entry, "source", pointer, false, diagnostics, good);
    asset.thumbnail = stringKey(entry, "thumbnail", pointer, false, diagnostics, good);
    if (good && std::find(kinds().begin(), kinds().end(), asset.kind) == kinds().end()) {
      diagnostics.error(pointer + "/kind", "unknown asset kind (got \"" + asset.kind + "\")");
      good = false;
    }
    if (!asset.thumbnail.empty() && !isSafeLibraryPath(asset.thumbnail)) {
      diagnostics.error(
          pointer + "/thumbnail",
          "must be a relative path inside the library (got \"" + asset.thumbnail + "\")");
      good = false;
    }
    for (std::size_t t = 0; entry.contains("tags") && t < entry["tags"].size(); ++t) {
      if (!entry["tags"].is_array() || !entry["tags"][t].is_string()) {
        diagnostics.error(pointer + "/tags", "expected an array of strings");
        good = false;
        break;
      }
      asset.tags.push_back(entry["tags"][t].get<std::string>());
    }
    if (entry.contains("files") && entry["files"].is_array()) {
      for (std::size_t f = 0; f < entry["files"].size(); ++f) {
        const std::string filePointer = pointer + "/files/" + std::to_string(f);
        const nlohmann::json& file = entry["files"][f];
        AssetFile record;
        if (!file.is_object() || !file.value("path", nlohmann::json()).is_string()) {
          diagnostics.error(filePointer, "expected an object with a \"path\"");
          good = false;
          continue;
        }
        record.path = file["path"].get<std::string>();
        if (!isSafeLibraryPath(record.path)) {
          diagnostics.error(
              filePointer + "/path",
              "must be a relative path inside the library (got \"" + record.path + "\")");
          good = false;
        }
        record.hash = file.value("hash", std::string());
        record.size = file.value("size", std::uint64_t{0});
        asset.files.push_back(std::move(record));
      }
    } else {
      diagnostics.error(pointer + "/files", "expected an array");
      good = false;
    }
    if (entry.contains("parameters")) {
      asset.parameters = entry["parameters"];
    }
    if (good && !ids.insert(asset.id).second) {
      diagnostics.error(pointer + "/id", "duplicate asset id (got \"" + asset.id + "\")");
      good = false;
    }
    if (good) {
      library.m_assets.push_back(std::move(asset));
    }
  }
  return library;
}

const LibraryAsset* AssetLibrary::find(const std::string& id) const {
  for (const LibraryAsset& asset : m_assets) {
    if (asset.id == id) {
      return &asset;
    }
  }
  return nullptr;
}

fs::path AssetLibrary::absolutePath(const std::string& relative) const {
  return m_folder / fs::path(relative);
}

void AssetLibrary::save() const {
  nlohmann::json assets = nlohmann::json::array();
  for (const LibraryAsset& asset : m_assets) {
    assets.push_back(assetToJson(asset));
  }
  const nlohmann::json document = {
      {"format", kFormat}, {"version", kVersion}, {"name", m_name}, {"assets", assets}};
  writeFileAtomically(indexPath(), document.dump(2) + "\n");
}

const LibraryAsset& AssetLibrary::import(const std::string& kind,
                                         const std::vector<fs::path>& files,
                                         const ImportOptions& options) {
  if (std::find(kinds().begin(), kinds().end(), kind) == kinds().end()) {
    throw Error("unknown asset kind \"" + kind +
                "\" (kinds: clothing, headwear, environment, ...)");
  }
  if (files.empty()) {
    throw Error("nothing to import: give the asset's files");
  }
  if (options.licence.empty()) {
    throw Error(SourceLocation::inFile(files.front().string()),
                "give the asset's licence (such as CC0-1.0): datasets record the licences of "
                "the assets they use");
  }
  // Check every file before anything is written.
  std::optional<PolyMesh> mesh;
  std::optional<fs::path> image;
  std::optional<ExpressionAsset> expression;
  std::set<std::string> names;
  for (const fs::path& file : files) {
    if (!fs::is_regular_file(file)) {
      throw Error(SourceLocation::inFile(file.string()), "no such file");
    }
    if (!names.insert(file.filename().string()).second) {
      throw Error(SourceLocation::inFile(file.string()), "two files have this name");
    }
    const std::string extension = toLower(file.extension().string());
    if (kind == "expression") {
      // One file of blendshape weights: SynthFace's JSON or a MakeHuman .mhpose.
      if (!isExpressionFile(file)) {
        throw Error(SourceLocation::inFile(file.string()),
                    "an expression is one .json (synthface-expression) or .mhpose file");
      }
      if (expression) {
        throw Error(SourceLocation::inFile(file.string()),
                    "an expression is one file: import each expression on its own");
      }
      expression = readExpressionAsset(file);
    } else if (kMeshExtensions.count(extension) != 0) {
      PolyMesh read = readMesh(file);
      if (!mesh) {
        mesh = std::move(read);
      }
    } else if (kImageExtensions.count(extension) != 0) {
      checkImage(file);
      if (!image) {
        image = file;
      }
    } else if (extension != ".bin" && extension != ".mtl") {
      throw Error(SourceLocation::inFile(file.string()),
                  "not a mesh (OBJ, glTF, FBX...) or an image (HDR, EXR, PNG, JPEG, TIFF)");
    }
  }
  if (kind == "skin") {
    // Images on the model's UV layout, one of each kind, a colour among them; its
    // thumbnail is the colour.
    std::set<SkinMap> maps;
    for (const fs::path& file : files) {
      if (kImageExtensions.count(toLower(file.extension().string())) == 0) {
        throw Error(SourceLocation::inFile(file.string()),
                    "a skin is images (colour, normal, roughness, displacement), not a mesh");
      }
      if (!maps.insert(skinMapOf(file)).second) {
        throw Error(SourceLocation::inFile(file.string()),
                    "a second image of this kind: name the skin's images albedo, normal, "
                    "roughness and displacement");
      }
      if (skinMapOf(file) == SkinMap::Albedo) {
        image = file;
      }
    }
    if (maps.count(SkinMap::Albedo) == 0) {
      throw Error(SourceLocation::inFile(files.front().string()),
                  "a skin needs a colour image, one whose name does not say normal, rough, "
                  "disp, height or bump (such as albedo.png)");
    }
  }
  if (kind == "environment" && !image) {
    throw Error(SourceLocation::inFile(files.front().string()),
                "an environment is an image (HDR or EXR, equirectangular)");
  }

  const std::string name =
      slug(options.name.empty() ? files.front().stem().string() : options.name);
  if (name.empty()) {
    throw Error(SourceLocation::inFile(files.front().string()),
                "the asset needs a name with letters or digits");
  }
  LibraryAsset asset;
  asset.id = kind + "/" + name;
  if (find(asset.id) != nullptr) {
    throw Error(SourceLocation::inFile(indexPath().string()),
                "an asset \"" + asset.id + "\" exists already: choose another name");
  }
  asset.kind = kind;
  asset.name = options.name.empty() ? files.front().stem().string() : options.name;
  asset.tags = options.tags;
  asset.licence = options.licence;
  asset.author = options.author;
  asset.source = options.source.empty() ? files.front().filename().string() : options.source;
  if (expression && !expression->dropped.empty()) {
    // What the translation could not carry over, for `library info` to show.
    asset.parameters["untranslated"] = expression->dropped;
  }

  // Copy into a temporary folder first, then move it into place: a failure leaves nothing.
  const std::string relativeFolder = "assets/" + kind + "/" + name;
  const fs::path finalFolder = absolutePath(relativeFolder);
  const fs::path staging = absolutePath("assets/" + kind + "/.import-" + name);
  std::error_code ec;
  fs::remove_all(staging, ec);
  try {
    fs::create_directories(staging);
    for (const fs::path& file : files) {
      fs::copy_file(file, staging / file.filename(), fs::copy_options::overwrite_existing);
      AssetFile record;
      record.path = relativeFolder + "/" + file.filename().string();
      record.hash = hashFile(staging / file.filename());
      record.size = fs::file_size(staging / file.filename());
      asset.files.push_back(std::move(record));
    }
    if (fs::exists(finalFolder)) {
      fs::remove_all(finalFolder);  // left by an import that did not reach the index
    }
    fs::rename(staging, finalFolder);
  } catch (const fs::filesystem_error& error) {
    fs::remove_all(staging, ec);
    throw Error(SourceLocation::inFile(error.path1().string()), error.code().message());
  }

  if (options.thumbnail) {
    const std::string thumbnail = "thumbnails/" + kind + "/" + name + ".png";
    fs::create_directories(absolutePath("thumbnails/" + kind), ec);
    try {
      if (image) {
        imageThumbnail(finalFolder / image->filename(), absolutePath(thumbnail), 256);
      } else if (mesh) {
        meshThumbnail(*mesh, absolutePath(thumbnail));
      } else if (expression) {
        expressionThumbnail(*expression, absolutePath(thumbnail));
      }
      asset.thumbnail = fs::exists(absolutePath(thumbnail)) ? thumbnail : std::string();
    } catch (const Error&) {
      asset.thumbnail.clear();  // an asset without a thumbnail is still an asset
    }
  }
  m_assets.push_back(std::move(asset));
  try {
    save();
  } catch (...) {
    m_assets.pop_back();
    throw;
  }
  return m_assets.back();
}

void AssetLibrary::setTags(const std::string& id, const std::vector<std::string>& tags) {
  auto* asset = const_cast<LibraryAsset*>(find(id));
  if (asset == nullptr) {
    throw Error(SourceLocation::inFile(indexPath().string()), "no asset \"" + id + "\"");
  }
  const std::vector<std::string> before = asset->tags;
  asset->tags = tags;
  try {
    save();
  } catch (...) {
    asset->tags = before;
    throw;
  }
}

void AssetLibrary::setLicence(const std::string& id, const std::string& licence,
                              const std::string& author) {
  auto* asset = const_cast<LibraryAsset*>(find(id));
  if (asset == nullptr) {
    throw Error(SourceLocation::inFile(indexPath().string()), "no asset \"" + id + "\"");
  }
  if (licence.empty()) {
    throw Error(SourceLocation::inFile(indexPath().string()),
                "asset \"" + id + "\": the licence may not be empty");
  }
  const LibraryAsset before = *asset;
  asset->licence = licence;
  asset->author = author;
  try {
    save();
  } catch (...) {
    *asset = before;
    throw;
  }
}

const LibraryAsset& AssetLibrary::addExpression(const ExpressionAsset& expression,
                                                const ImportOptions& options, bool replace) {
  const std::string name = slug(options.name);
  if (name.empty()) {
    throw Error(SourceLocation::inFile(indexPath().string()),
                "the expression needs a name with letters or digits");
  }
  // Written beside the library and checked by reading it back, before anything is replaced.
  const fs::path scratch = m_folder / ("assets/expression/.new-" + name);
  std::error_code ec;
  fs::remove_all(scratch, ec);
  fs::create_directories(scratch);
  const fs::path file = scratch / (name + ".json");
  struct Cleanup {
    fs::path folder;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(folder, ignored);
    }
  } cleanup{scratch};
  writeFileAtomically(file, expressionAssetText(expression));
  readExpressionAsset(file);
  const std::string id = "expression/" + name;
  if (replace && find(id) != nullptr) {
    remove(id);
  }
  ImportOptions named = options;
  named.source = options.source.empty() ? std::string("SynthFace Studio") : options.source;
  return import("expression", {file}, named);
}

void AssetLibrary::remove(const std::string& id) {
  const auto it = std::find_if(m_assets.begin(), m_assets.end(),
                               [&](const LibraryAsset& asset) { return asset.id == id; });
  if (it == m_assets.end()) {
    throw Error(SourceLocation::inFile(indexPath().string()), "no asset \"" + id + "\"");
  }
  const LibraryAsset removed = *it;
  m_assets.erase(it);
  save();  // the index first: files without an entry are harmless, the reverse is not
  std::error_code ec;
  for (const AssetFile& file : removed.files) {
    if (isSafeLibraryPath(file.path) && isInside(absolutePath(file.path), m_folder)) {
      fs::remove(absolutePath(file.path), ec);
    }
  }
  if (!removed.thumbnail.empty() && isInside(absolutePath(removed.thumbnail), m_folder)) {
    fs::remove(absolutePath(removed.thumbnail), ec);
  }
}

std::vector<Diagnostic> AssetLibrary::check() const {
  Diagnostics diagnostics;
  for (std::size_t i = 0; i < m_assets.size(); ++i) {
    const LibraryAsset& asset = m_assets[i];
    const std::string pointer = "/assets/" + std::to_string(i);
    for (std::size_t f = 0; f < asset.files.size(); ++f) {
      const AssetFile& file = asset.files[f];
      const std::string filePointer = pointer + "/files/" + std::to_string(f);
      const fs::path path = absolutePath(file.path);
      if (!isSafeLibraryPath(file.path) || !isInside(path, m_folder)) {
        diagnostics.error(
            filePointer + "/path",
            "\"" + file.path + "\" leads out of the library (asset " + asset.id + ")");
        continue;
      }
      if (!fs::is_regular_file(path)) {
        diagnostics.error(filePointer + "/path",
                          "missing file \"" + file.path + "\" (asset " + asset.id + ")");
        continue;
      }
      if (fs::file_size(path) != file.size) {
        diagnostics.error(filePointer + "/size",
                          "\"" + file.path + "\" has " + std::to_string(fs::file_size(path)) +
                              " bytes, the index says " + std::to_string(file.size));
      } else if (hashFile(path) != file.hash) {
        diagnostics.error(filePointer + "/hash",
                          "\"" + file.path + "\" has changed since it was imported (hash " +
                              hashFile(path) + ", the index says " + file.hash + ")");
      }
    }
    if (!asset.thumbnail.empty()) {
      const fs::path path = absolutePath(asset.thumbnail);
      if (!isInside(path, m_folder)) {
        diagnostics.error(pointer + "/thumbnail",
                          "\"" + asset.thumbnail + "\" leads out of the library");
      } else if (!fs::is_regular_file(path)) {
        diagnostics.warning(pointer + "/thumbnail", "missing thumbnail \"" + asset.thumbnail +
                                                        "\" (asset " + asset.id + ")");
      }
    }
  }
  return diagnostics.all();
}

}  // namespace sf
