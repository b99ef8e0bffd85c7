#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sf {

/// A range of identity indices, both ends included.
struct IdentityRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;

  bool contains(std::uint64_t identity) const { return identity >= first && identity <= last; }
  friend bool operator==(const IdentityRange&, const IdentityRange&) = default;
};

/// What a dataset writes for every sample.
struct RecipeOutputs {
  std::vector<std::string> labels = {"segmentation", "landmarks"};
  std::vector<std::string> writers = {"faceSynthetics"};

  friend bool operator==(const RecipeOutputs&, const RecipeOutputs&) = default;
};

/// What is held out of training for the test split: samples of these identities form the
/// test split, and training samples never choose these assets.
struct RecipeSplits {
  std::vector<std::string> testAssets;
  std::vector<IdentityRange> testIdentities;

  friend bool operator==(const RecipeSplits&, const RecipeSplits&) = default;
};

/// What a dataset is: the model, the asset library, and a distribution for every parameter
/// of a scene. A value type: copy it, compare it, and write it as JSON and read it back
/// exactly (recipe_io.h). The studio edits it; `synthface` renders it.
///
/// In JSON, settings sit at the top and parameters nest by their dotted paths:
///
///   {"schemaVersion": 2, "name": "faces", "seed": 7, "samples": 1000, "model": "default",
///    "camera": {"yaw": {"type": "truncatedNormal", "mean": 0, "sigma": 30,
///                       "min": -90, "max": 90}, "fov": 35}}
///
/// A parameter the recipe does not mention has its default (parameter_paths.h).
struct Recipe {
  /// The schema version this build writes; older files are upgraded when read
  /// (recipe_upgrade.h).
  static constexpr int kSchemaVersion = 2;

  std::string name = "untitled";
  std::string description;
  std::uint64_t seed = 1;        ///< every draw is a function of (seed, sample, path)
  std::uint64_t samples = 1000;  ///< how many samples the dataset has
  /// How many distinct identities: sample i shows identity i mod identities; 0 means each
  /// sample is its own identity.
  std::uint64_t identities = 0;
  std::string model = "default";  ///< "default" or the path of a .sfm file
  std::string library;            ///< the asset library index; empty for none
  RecipeOutputs outputs;
  RecipeSplits splits;
  /// The distributions the recipe sets, by dotted path, in recipe JSON as written (a bare
  /// value is a constant).
  std::map<std::string, nlohmann::json> parameters;

  /// The identity a sample shows.
  std::uint64_t identityOf(std::uint64_t sampleIndex) const {
    return identities == 0 ? sampleIndex : sampleIndex % identities;
  }
  /// True when samples of this identity belong to the test split.
  bool isTestIdentity(std::uint64_t identity) const;

  /// The recipe as JSON, in the current schema version: settings, then parameters nested
  /// by path. parseRecipeJson(toJson()) gives back an equal recipe.
  nlohmann::json toJson() const;

  friend bool operator==(const Recipe&, const Recipe&) = default;
};

/// The label names and dataset writers a recipe may list in "outputs".
const std::vector<std::string>& knownLabelNames();
const std::vector<std::string>& knownWriterNames();

}  // namespace sf
