#pragma once

#include "face/face_geometry.h"
#include "face/face_model.h"
#include "render/camera.h"
#include "scene/resolved_scene.h"

#include <Eigen/Geometry>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sf {

class AssetCatalog;
struct SkinTextures;

/// How a surface of a face scene scatters light.
enum class SurfaceMaterial : std::uint8_t {
  Skin,      ///< subsurface scattering under a two-lobe specular; lips blend in by weight
  Sclera,    ///< eyeball: sclera, iris and pupil painted by the UV's v
  Cornea,    ///< smooth refracting dielectric
  TearFilm,  ///< thin wet film: reflects, otherwise lets light straight through
  Caruncle,  ///< moist pink tissue
  Teeth,
  Tongue,
  MouthCavity,
  Cloth,    ///< fabric: diffuse with a broad sheen and a knit or woven relief (baseColor)
  Glass,    ///< a lens: refracting dielectric; baseColor is its transmittance per crossing
  Metal,    ///< polished metal: glossy reflection tinted by baseColor, no diffuse
  Plastic,  ///< acetate: diffuse baseColor under a clear gloss; finish 1 tortoiseshell
};

/// One triangle mesh of a face scene, in world space (millimetres).
struct SurfaceMesh {
  std::string name;  ///< the model part it comes from
  SurfaceMaterial material = SurfaceMaterial::Skin;
  std::vector<Eigen::Vector3f> positions;
  std::vector<Eigen::Vector3f> normals;        ///< per vertex, unit, outward
  std::vector<Eigen::Vector3f> restPositions;  ///< per vertex, the template's: solid textures
  std::vector<float> lipWeight;   ///< skin: per vertex, 1 on the vermilion, 0 elsewhere
  std::vector<float> browWeight;  ///< skin: per vertex, 1 inside the brows
  /// Skin: per vertex, a multiplier of the albedo for where blood and pigment gather on a
  /// face (flushed cheeks, a redder nose, darker lids and eye hollows); empty means 1.
  std::vector<Eigen::Vector3f> tint;
  std::vector<std::array<int, 3>> triangles;
  std::vector<std::array<Eigen::Vector2f, 3>> cornerUvs;  ///< per triangle; may be empty
  std::vector<LabelClass> triangleClass;                  ///< per triangle
  std::vector<std::uint8_t> triangleGrowth;     ///< per triangle, GrowthRegion bits (skin)
  bool occludes = true;                         ///< false: shadow rays pass (cornea, tear film)
  Eigen::Vector3f baseColor{0.5f, 0.5f, 0.5f};  ///< cloth: the linear albedo
  bool knit = true;                             ///< cloth: knit loops, else a woven weave
  std::uint8_t finish = 0;                      ///< plastic: 0 plain, 1 tortoiseshell
};

/// Hair fibres as round linear segments, in world space (millimetres).
struct HairStrands {
  std::string groom;                             ///< the groom's id
  std::vector<Eigen::Vector4f> points;           ///< x, y, z, radius
  std::vector<unsigned> segmentStarts;           ///< segment i: points[s], points[s + 1]
  Eigen::Vector3f absorption{0.4f, 0.7f, 1.3f};  ///< sigma_a per unit fibre radius, per channel
  Eigen::Vector3f albedo{0.1f, 0.06f, 0.04f};    ///< an approximate colour, for the denoiser
  LabelClass label = LabelClass::Hair;
  std::string mask = "hair";  ///< the soft mask it is drawn into: hair, right_brow, lashes...
  std::size_t strandCount = 0;
};

/// The appearance a sample's parameters give the face.
struct FaceLook {
  Eigen::Vector3f skinAlbedo{0.6f, 0.4f, 0.3f};  ///< linear, the diffuse multiple-scattering albedo
  Eigen::Vector3f lipAlbedo{0.5f, 0.2f, 0.2f};
  Eigen::Vector3f browColor{0.1f, 0.06f, 0.04f};  ///< painted brows, from the brow melanin
  Eigen::Vector3f irisColor{0.2f, 0.1f, 0.05f};
  Eigen::Vector3f scatterRadius{1.0f, 0.45f, 0.25f};  ///< mm, per channel (Burley's d)
  float skinRoughness = 0.35f;                        ///< GGX alpha of the main specular lobe
  float freckles = 0.0f;                              ///< 0 none, 1 many
  float moles = 0.0f;                                 ///< 0 none, 1 many
  float wrinkles = 0.0f;  ///< age lines: 0 none, 1 deep (forehead, eyes, folds, neck)
  float pores = 1.0f;     ///< pore size and depth, 1 typical
  /// The model's 70 landmarks at rest (no identity, expression or pose): where the skin's
  /// marks and lines are drawn, as its detail is drawn on the rest surface.
  std::vector<Eigen::Vector3f> restLandmarks;
  std::uint64_t detailSeed = 0;  ///< pores and blemishes: per identity, so a person keeps them
  /// A skin from the asset library, painted on the model's UV layout; null for built-in
  /// skins. Its images replace the drawn colour (and relief and sheen where it has maps).
  std::shared_ptr<const SkinTextures> skinTextures;
};

/// Everything needed to render one sample and to label it: the posed face as triangle
/// meshes with materials, its look, the camera and the environment, and the ground truth
/// (landmarks, head pose, gaze) in world space.
struct FaceScene {
  std::vector<SurfaceMesh> meshes;
  std::vector<HairStrands> hair;  ///< scalp hair (and, later, brows, lashes, beards)
  FaceLook look;
  Camera camera;
  std::string environment = "studio_softbox";  ///< built-in id or image file
  float environmentRotation = 0.0f;            ///< degrees about +y
  float environmentIntensity = 1.0f;
  std::vector<Eigen::Vector3f> landmarks;       ///< the model's 70, posed, world space
  std::vector<Eigen::Vector3f> denseLandmarks;  ///< the model's dense landmarks
  Eigen::Isometry3f worldFromHead = Eigen::Isometry3f::Identity();  ///< the head joint's pose
  Eigen::Vector3f headPoseDegrees = Eigen::Vector3f::Zero();        ///< yaw, pitch, roll applied
  Eigen::Vector3f gazeDegrees = Eigen::Vector3f::Zero();  ///< yaw, pitch of the eyes in the head
  std::array<Eigen::Vector3f, 2> eyeCentres;              ///< right, left eyeball centres, world
  std::array<Eigen::Vector3f, 2> gazeDirections;          ///< right, left optical axes, world, unit

  /// Poses `model` for `resolved` (identity, expression, head pose, gaze) and places the
  /// camera and lights as its parameters say, for an image of width x height pixels.
  /// `geometry` must be made from `model`. Asset ids that are not built-in are looked up
  /// in `assets` (an environment from a library is its image file). Throws sf::Error for
  /// parameters it cannot use.
  static FaceScene create(const FaceModel& model, const FaceGeometry& geometry,
                          const ResolvedScene& resolved, int width, int height,
                          const AssetCatalog* assets = nullptr);
};

/// The linear diffuse albedo of skin with melanin `tone` (0 the lightest, 1 the darkest)
/// haemoglobin `redness` (0.5 typical) and `undertone` (-1 pink .. 1 olive).
Eigen::Vector3f skinAlbedo(float tone, float redness = 0.5f, float undertone = 0.0f);

/// The linear albedo of the lips' vermilion on skin of this albedo and melanin `tone`. On
/// light skin blood shows through the thin lip and the lips are much redder than the face;
/// deeper skin pigments the lips too, so they are darker than the face but only a little
/// redder, toward mauve rather than orange.
Eigen::Vector3f lipAlbedo(const Eigen::Vector3f& skin, float tone);

/// The linear albedo of a dyed fabric from its hue (degrees), saturation and lightness
/// (0..1, HSL in sRGB), kept within 0.02..0.8.
Eigen::Vector3f clothingAlbedo(float hue, float saturation, float lightness);

/// The colour of hair fibres' melanin as a linear diffuse albedo: melanin 0 blond, 1 black;
/// redness the share of pheomelanin.
Eigen::Vector3f hairAlbedo(float melanin, float redness);

}  // namespace sf
