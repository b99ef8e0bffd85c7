#include "dataset/dataset_writer.h"

#include "render/image.h"
#include "util/error.h"
#include "util/files.h"

#include <cstdio>
#include <map>

namespace sf {

namespace {

const char* className(LabelClass c) {
  switch (c) {
    case LabelClass::Background: return "BACKGROUND";
    case LabelClass::Skin: return "SKIN";
    case LabelClass::Nose: return "NOSE";
    case LabelClass::RightEye: return "RIGHT_EYE";
    case LabelClass::LeftEye: return "LEFT_EYE";
    case LabelClass::RightBrow: return "RIGHT_BROW";
    case LabelClass::LeftBrow: return "LEFT_BROW";
    case LabelClass::RightEar: return "RIGHT_EAR";
    case LabelClass::LeftEar: return "LEFT_EAR";
    case LabelClass::MouthInterior: return "MOUTH_INTERIOR";
    case LabelClass::TopLip: return "TOP_LIP";
    case LabelClass::BottomLip: return "BOTTOM_LIP";
    case LabelClass::Neck: return "NECK";
    case LabelClass::Hair: return "HAIR";
    case LabelClass::Beard: return "BEARD";
    case LabelClass::Clothing: return "CLOTHING";
    case LabelClass::Glasses: return "GLASSES";
    case LabelClass::Headwear: return "HEADWEAR";
    case LabelClass::Facewear: return "FACEWEAR";
    case LabelClass::Ignore: return "IGNORE";
  }
  return "UNKNOWN";
}

std::vector<std::uint8_t> toBytes(const Image& image) {
  std::vector<std::uint8_t> bytes(image.pixels.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const float v = std::clamp(image.pixels[i], 0.0f, 1.0f);
    bytes[i] = static_cast<std::uint8_t>(std::lround(v * 255.0f));
  }
  return bytes;
}

class FaceSyntheticsWriter : public DatasetWriter {
public:
  void writeSample(const std::filesystem::path& dir, const RenderedSample& sample,
                   std::vector<std::string>& files) override {
    const std::string& id = sample.id;
    auto add = [&](const std::string& name) {
      files.push_back(name);
      return dir / name;
    };
    // Side files first, the three FaceSynthetics files last.
    writeImage(sample.labels.depth, add(id + "_depth.exr"));
    writeImage(sample.labels.normals, add(id + "_normals.exr"));
    for (const auto& [name, mask] : sample.labels.softMasks) {
      writeByteImage(toBytes(mask), mask.width, mask.height, 1, add(id + "_mask_" + name + ".png"));
    }
    std::string visible;
    for (const ProjectedPoint& p : sample.landmarks) {
      visible += p.visible ? "1\n" : "0\n";
    }
    writeFileAtomically(add(id + "_ldmks_visible.txt"), visible);
    std::string dense;
    char line[80];
    for (const ProjectedPoint& p : sample.denseLandmarks) {
      std::snprintf(line, sizeof(line), "%.4f %.4f %d\n", static_cast<double>(p.pixel.x()),
                    static_cast<double>(p.pixel.y()), p.visible ? 1 : 0);
      dense += line;
    }
    writeFileAtomically(add(id + "_ldmks_dense.txt"), dense);

    if (!sample.linear.empty()) {
      writeImage(sample.linear, add(id + "_linear.exr"));
    }
    writeImage(sample.image, add(id + ".png"));
    writeByteImage(sample.labels.classes, sample.labels.width, sample.labels.height, 1,
                   add(id + "_seg.png"));
    writeFileAtomically(add(id + "_ldmks.txt"), formatLandmarks(sample.landmarks));
  }
};

}  // namespace

DatasetWriterRegistry& DatasetWriterRegistry::instance() {
  static DatasetWriterRegistry registry = [] {
    DatasetWriterRegistry r;
    r.add("facesynthetics",
          "Microsoft FaceSynthetics layout: {id}.png, {id}_seg.png, {id}_ldmks.txt, with "
          "depth, normals, visibility, dense landmarks and soft masks beside them",
          &createFaceSyntheticsWriter);
    return r;
  }();
  return registry;
}

void DatasetWriterRegistry::add(const std::string& name, const std::string& description,
                                Factory factory) {
  if (name.empty()) {
    throw Error("dataset formats: a format needs a name");
  }
  if (m_entries.count(name)) {
    throw Error("dataset formats: '" + name + "' is registered twice");
  }
  m_entries.emplace(name, Entry{description, std::move(factory)});
}

std::unique_ptr<DatasetWriter> DatasetWriterRegistry::create(const std::string& name) const {
  const auto it = m_entries.find(name);
  if (it == m_entries.end()) {
    std::string known;
    for (const auto& [n, e] : m_entries) {
      known += (known.empty() ? "" : ", ") + n;
    }
    throw Error("unknown dataset format '" + name + "' (known: " + known + ")");
  }
  return it->second.factory();
}

bool DatasetWriterRegistry::has(const std::string& name) const {
  return m_entries.count(name) > 0;
}

std::vector<std::pair<std::string, std::string>> DatasetWriterRegistry::formats() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, entry] : m_entries) {
    out.emplace_back(name, entry.description);
  }
  return out;
}

std::unique_ptr<DatasetWriter> createFaceSyntheticsWriter() {
  return std::make_unique<FaceSyntheticsWriter>();
}

std::string recipeHash(const nlohmann::json& recipeJson) {
  const std::string text = recipeJson.dump();  // keys sorted: canonical
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

nlohmann::json labelClassTable() {
  nlohmann::json table = nlohmann::json::object();
  for (int i = 0; i <= 18; ++i) {
    table[std::to_string(i)] = className(static_cast<LabelClass>(i));
  }
  table["255"] = className(LabelClass::Ignore);
  return table;
}

}  // namespace sf
