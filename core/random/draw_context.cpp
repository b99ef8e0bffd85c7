#include "random/draw_context.h"

#include "random/asset_catalog.h"
#include "util/check.h"
#include "util/error.h"

namespace sf {

DrawContext::DrawContext(std::uint64_t seed, std::uint64_t index, std::string path)
    : m_seed(seed), m_index(index), m_path(std::move(path)), m_rng(seed, streamOf(m_path)) {}

DrawContext& DrawContext::withScope(const SampleScope* scope) {
  m_scope = scope;
  return *this;
}

DrawContext& DrawContext::withAssets(const AssetCatalog* catalog,
                                     const std::set<std::string>* heldOut) {
  m_assets = catalog;
  m_heldOut = heldOut;
  return *this;
}

std::uint64_t DrawContext::bits(unsigned draw) const {
  SF_CHECK(draw < kDrawsPerParameter);
  return m_rng.bits(m_index * kDrawsPerParameter + draw);
}

double DrawContext::uniform(unsigned draw) const {
  return (static_cast<double>(bits(draw) >> 11) + 0.5) * 0x1.0p-53;
}

Value DrawContext::valueOf(const std::string& path) const {
  if (!m_scope) {
    throw Error(m_path + ": needs the value of '" + path + "', but it is drawn on its own");
  }
  return m_scope->valueOf(path);
}

double DrawContext::uniformOf(const std::string& path) const {
  if (!m_scope) {
    throw Error(m_path + ": needs the draw of '" + path + "', but it is drawn on its own");
  }
  return m_scope->uniformOf(path);
}

Value DrawContext::valueOfAt(const std::string& path, double u) const {
  if (!m_scope) {
    throw Error(m_path + ": needs the distribution of '" + path + "', but it is drawn on its own");
  }
  return m_scope->valueOfAt(path, u);
}

const AssetCatalog& DrawContext::assets() const {
  return m_assets ? *m_assets : emptyAssetCatalog();
}

bool DrawContext::isHeldOut(const std::string& assetId) const {
  return m_heldOut && m_heldOut->contains(assetId);
}

}  // namespace sf
