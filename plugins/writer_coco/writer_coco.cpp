// The "coco" dataset format: COCO keypoints and segmentation, as a writer plugin.
//
// This is the example to follow for a new format. It includes only the C ABI header
// (writer_plugin_abi.h) and a header-only JSON library, exports one function,
// sf_writer_plugin(), and lets no exception out of its entry points.
//
// Layout, beside the FaceSynthetics files in the dataset folder:
//   {id}.png                       the image, shared with the FaceSynthetics writer
//   coco/annotations/{id}.json     one sample's image and annotation entries
//   coco/annotations.json          the COCO file: every complete sample, rewritten by finish()
//
// Images are named by file_name relative to the dataset folder (the parent of coco/): give
// that folder as the image root (detectron2's image_root, mmdetection's data_prefix).
// Each image has one annotation of category "face":
//   keypoints       the 70 landmarks as [x, y, v]: v = 2 visible, 1 hidden behind the face
//                   (labelled, x-ray position), 0 outside the image (x = y = 0)
//   segmentation    uncompressed RLE (column-major, as COCO's mask API reads it) of the
//                   visible face: skin, nose, eyes, brows, ears, mouth, lips and beard
//   bbox, area      the bounding box and pixel count of that mask
//   synthface_class_segmentation   the same RLE for every class in the image, by class
//                   number ("1": SKIN, ...; the table is the category's synthface_classes)
// Annotation ids are the sample index + 1, because COCO's evaluation reads id 0 as
// "unmatched"; image ids are the sample index.

#include "writer_plugin_abi.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kFaceCategory = 1;

/// labels.md's classes that make up the visible face: SKIN, NOSE, RIGHT_EYE, LEFT_EYE,
/// RIGHT_BROW, LEFT_BROW, RIGHT_EAR, LEFT_EAR, MOUTH_INTERIOR, TOP_LIP, BOTTOM_LIP (1-11)
/// and BEARD (14). Not the neck, hair, clothing or what covers the face.
bool isFaceClass(std::uint8_t c) {
  return (c >= 1 && c <= 11) || c == 14;
}

/// The iBUG 68 contours as closed (loop) or open polylines of 0-based landmark indices.
struct Contour {
  int first;
  int last;
  bool closed;
};
constexpr Contour kContours[] = {
    {0, 16, false},   // jaw
    {17, 21, false},  // right brow
    {22, 26, false},  // left brow
    {27, 30, false},  // nose bridge
    {31, 35, false},  // nostrils
    {36, 41, true},   // right eye
    {42, 47, true},   // left eye
    {48, 59, true},   // outer lips
    {60, 67, true},   // inner lips
};

/// COCO's skeleton: pairs of 1-based keypoint numbers along the contours.
json skeleton() {
  json edges = json::array();
  for (const Contour& contour : kContours) {
    for (int i = contour.first; i < contour.last; ++i) {
      edges.push_back({i + 1, i + 2});
    }
    if (contour.closed) {
      edges.push_back({contour.last + 1, contour.first + 1});
    }
  }
  return edges;
}

/// The sample id of an index, as the host names per-sample files.
std::string sampleId(std::uint64_t index) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%06llu", static_cast<unsigned long long>(index));
  return buffer;
}

/// Rounds a coordinate to 1/10000 pixel so the JSON stays short.
double rounded(float value) {
  return std::round(static_cast<double>(value) * 1e4) / 1e4;
}

/// COCO's uncompressed RLE of the pixels where `inside` holds: runs in column-major order
/// (down each column, columns left to right), alternating outside and inside, starting
/// with outside (possibly 0 long).
template <typename Inside>
json rle(const std::uint8_t* classes, int width, int height, Inside inside) {
  json counts = json::array();
  bool current = false;
  std::uint64_t run = 0;
  for (int x = 0; x < width; ++x) {
    for (int y = 0; y < height; ++y) {
      const bool value = inside(classes[std::size_t(y) * std::size_t(width) + std::size_t(x)]);
      if (value != current) {
        counts.push_back(run);
        current = value;
        run = 0;
      }
      ++run;
    }
  }
  counts.push_back(run);
  return {{"size", {height, width}}, {"counts", counts}};
}

/// The fragment of one sample: its COCO image entry and its face annotation.
json sampleFragment(const sf_writer_sample_v1& sample) {
  const int width = sample.width;
  const int height = sample.height;
  const std::string fileName = std::string(sample.id) + ".png";
  const json image = {
      {"id", sample.index}, {"file_name", fileName}, {"width", width}, {"height", height}};

  json keypoints = json::array();
  int labelled = 0;
  for (std::size_t i = 0; i < sample.landmark_count; ++i) {
    const float x = sample.landmark_xy[2 * i];
    const float y = sample.landmark_xy[2 * i + 1];
    const bool inImage = x >= 0.0f && y >= 0.0f && x < float(width) && y < float(height);
    if (inImage) {
      keypoints.push_back(rounded(x));
      keypoints.push_back(rounded(y));
      keypoints.push_back(sample.landmark_visible[i] ? 2 : 1);
      ++labelled;
    } else {
      keypoints.push_back(0);
      keypoints.push_back(0);
      keypoints.push_back(0);
    }
  }

  // The face mask's box and area, and which classes the image has.
  int minX = width, minY = height, maxX = -1, maxY = -1;
  std::uint64_t area = 0;
  bool present[256] = {};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const std::uint8_t c = sample.classes[std::size_t(y) * std::size_t(width) + std::size_t(x)];
      present[c] = true;
      if (isFaceClass(c)) {
        ++area;
        minX = std::min(minX, x);
        minY = std::min(minY, y);
        maxX = std::max(maxX, x);
        maxY = std::max(maxY, y);
      }
    }
  }
  const json bbox =
      area > 0 ? json{minX, minY, maxX - minX + 1, maxY - minY + 1} : json{0, 0, 0, 0};

  json perClass = json::object();
  for (int c = 1; c < 256; ++c) {
    if (present[c]) {
      perClass[std::to_string(c)] =
          rle(sample.classes, width, height, [c](std::uint8_t value) { return value == c; });
    }
  }
  const json annotation = {
      {"id", sample.index + 1},
      {"image_id", sample.index},
      {"category_id", kFaceCategory},
      {"iscrowd", 0},
      {"keypoints", keypoints},
      {"num_keypoints", labelled},
      {"bbox", bbox},
      {"area", area},
      {"segmentation", rle(sample.classes, width, height, isFaceClass)},
      {"synthface_class_segmentation", perClass},
  };
  return {{"image", image}, {"annotation", annotation}};
}

/// Calls one of the host's write functions, turning its failure into an exception.
void check(int status, const char* error) {
  if (status != 0) {
    throw std::runtime_error(error);
  }
}

/// Writes `text` to `path` atomically through the host.
void writeText(const sf_writer_host_v1& host, const fs::path& path, const std::string& text) {
  char error[SF_WRITER_ERROR_SIZE] = {};
  check(host.write_file(host.context, path.c_str(), text.data(), text.size(), error, sizeof(error)),
        error);
}

/// Reads a whole file; throws naming it when it cannot be read.
std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(path.string() + ": cannot open for reading");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Creates `dir` and its parents; throws naming it on failure.
void makeFolder(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw std::runtime_error(dir.string() + ": cannot create the folder: " + ec.message());
  }
}

/// A writer's state for one run. This format needs none; a format that streams into one
/// big file, say, would keep it open here.
struct CocoWriter {};

/// Runs `body`, turning any exception into status 1 and a message in `error`: nothing
/// may unwind into the host.
template <typename Body>
int guarded(char* error, std::size_t errorSize, Body&& body) {
  std::string message;
  try {
    body();
    return 0;
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "unknown error";
  }
  if (error != nullptr && errorSize > 0) {
    std::snprintf(error, errorSize, "%s", message.c_str());
  }
  return 1;
}

sf_writer* create(char* error, std::size_t errorSize) {
  sf_writer* writer = nullptr;
  guarded(error, errorSize, [&] { writer = reinterpret_cast<sf_writer*>(new CocoWriter()); });
  return writer;
}

void destroy(sf_writer* writer) {
  delete reinterpret_cast<CocoWriter*>(writer);
}

int writeSample(sf_writer* writer, const char* dir, const sf_writer_sample_v1* sample,
                const sf_writer_host_v1* host, char* error, std::size_t errorSize) {
  (void)writer;
  return guarded(error, errorSize, [&] {
    if (!SF_WRITER_HAS_FIELD(host, sf_writer_host_v1, add_file) || !host->write_sample_image ||
        !host->add_file) {
      throw std::runtime_error("the host does not offer write_sample_image and add_file");
    }
    if (sample->classes == nullptr || sample->width <= 0 || sample->height <= 0) {
      throw std::runtime_error("the sample has no class map, which COCO segmentation needs");
    }
    const fs::path root = dir;
    const std::string id = sample->id;

    // The image first, then the annotation that refers to it.
    const std::string image = id + ".png";
    char hostError[SF_WRITER_ERROR_SIZE] = {};
    check(host->write_sample_image(host->context, (root / image).c_str(), hostError,
                                   sizeof(hostError)),
          hostError);
    host->add_file(host->context, image.c_str());

    const fs::path annotations = root / "coco" / "annotations";
    makeFolder(annotations);
    const std::string fragment = "coco/annotations/" + id + ".json";
    writeText(*host, root / fragment, sampleFragment(*sample).dump() + "\n");
    host->add_file(host->context, fragment.c_str());
  });
}

int finish(sf_writer* writer, const char* dir, const char* datasetJson,
           const std::uint64_t* complete, std::size_t completeCount, const sf_writer_host_v1* host,
           char* error, std::size_t errorSize) {
  (void)writer;
  return guarded(error, errorSize, [&] {
    const fs::path root = dir;
    const json dataset = json::parse(datasetJson);

    // Every complete sample's fragment; one missing means it was rendered without "coco".
    json images = json::array();
    json annotations = json::array();
    std::size_t missing = 0;
    std::string firstMissing;
    for (std::size_t i = 0; i < completeCount; ++i) {
      const std::string name = "coco/annotations/" + sampleId(complete[i]) + ".json";
      std::error_code ec;
      if (!fs::exists(root / name, ec)) {
        if (missing++ == 0) {
          firstMissing = name;
        }
        continue;
      }
      json fragment;
      try {
        fragment = json::parse(readText(root / name));
      } catch (const json::exception& e) {
        throw std::runtime_error((root / name).string() + ": not a COCO fragment: " + e.what());
      }
      images.push_back(std::move(fragment.at("image")));
      annotations.push_back(std::move(fragment.at("annotation")));
    }
    if (missing > 0) {
      throw std::runtime_error(
          std::to_string(missing) +
          " complete sample(s) have no COCO annotation (first: " + (root / firstMissing).string() +
          "): they were rendered without the 'coco' format; render them again with it, "
          "without --resume");
    }

    const json landmarkNames = dataset.value("landmarkNames", json::array());
    const json category = {
        {"id", kFaceCategory},
        {"name", "face"},
        {"supercategory", "person"},
        {"keypoints", landmarkNames},
        {"skeleton", landmarkNames.size() >= 68 ? skeleton() : json::array()},
        {"synthface_classes", dataset.value("classes", json::object())},
    };
    const json recipe = dataset.value("recipe", json::object());
    const json coco = {
        {"info",
         {{"description",
           "SynthFace dataset '" + recipe.value("name", std::string()) +
               "': image file names are relative to the dataset folder, the parent of "
               "coco/; asset licences are in its manifest.json"},
          {"version", recipe.value("hash", std::string())},
          {"contributor", "SynthFace"},
          {"url", ""}}},
        {"licenses", json::array()},
        {"images", images},
        {"annotations", annotations},
        {"categories", json::array({category})},
    };
    writeText(*host, root / "coco" / "annotations.json", coco.dump() + "\n");
  });
}

constexpr sf_writer_plugin_v1 kPlugin = {
    .abi_version = SF_WRITER_ABI_VERSION,
    .struct_size = sizeof(sf_writer_plugin_v1),
    .name = "coco",
    .description =
        "COCO keypoints and segmentation: coco/annotations.json with the 70 "
        "landmarks, the face's box and RLE mask, and per-class RLE masks",
    .create = &create,
    .write_sample = &writeSample,
    .finish = &finish,
    .destroy = &destroy,
};

}  // namespace

SF_WRITER_PLUGIN_EXPORT const sf_writer_plugin_v1* sf_writer_plugin(void) {
  return &kPlugin;
}
