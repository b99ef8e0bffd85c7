// libFuzzer target over the recipe parser, the validator and the scene compiler. Not a
// test: build with -DSF_BUILD_FUZZERS=ON and clang, then run, for example,
//   build/fuzz/tests/fuzz/fuzz_recipe -max_total_time=300 -dict=tests/fuzz/recipe.dict \
//       build/fuzz/corpus tests/fuzz/corpus
//
// The input is recipe JSON text; anything after a NUL byte is a list of --set overrides,
// one a line. Any input must give diagnostics, never a crash. A recipe that passes must
// round-trip through JSON exactly and compile without errors, and its scenes must
// round-trip exactly too; the target aborts when one does not.

#include "random/memory_asset_catalog.h"
#include "recipe/recipe_io.h"
#include "scene/resolved_scene.h"
#include "scene/scene_compiler.h"
#include "scene/scene_validation.h"
#include "util/error.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

const sf::SceneContext& fuzzContext() {
  static const sf::SceneContext context = [] {
    sf::SceneContext made;
    made.identityModes = {"nose_width", "jaw_width", "eye_height"};
    made.identityGroups = {"nose", "jaw", "eyes"};
    made.expressions = {"jawOpen", "eyeBlinkLeft", "eyeBlinkRight", "mouthSmileLeft",
                        "mouthSmileRight"};
    made.assets = std::make_shared<sf::MemoryAssetCatalog>(
        std::vector<sf::AssetInfo>{{"hair/bob", "hair", {"short", "fitsUnderHeadwear"}, "", {}},
                                   {"hair/long", "hair", {"long"}, "", {}},
                                   {"hat/cap", "headwear", {}, "", {}}});
    return made;
  }();
  return context;
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_recipe: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view text = input.substr(0, nul);
  std::vector<std::string> overrides;
  if (nul != std::string_view::npos) {
    std::string_view rest = input.substr(nul + 1);
    while (!rest.empty() && overrides.size() < 8) {
      const std::size_t newline = rest.find('\n');
      overrides.emplace_back(rest.substr(0, newline));
      rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    }
  }

  const sf::RecipeParse parsed = sf::parseRecipe(text, overrides);
  for (const sf::Diagnostic& diagnostic : parsed.diagnostics) {
    if (diagnostic.message.empty()) {
      fail("a diagnostic without a message", diagnostic.format("input"));
    }
  }
  // The model-dependent checks run on what parsed, even when something did not.
  (void)sf::checkRecipeForScene(parsed.recipe, fuzzContext());
  if (!parsed.ok()) {
    return 0;
  }

  // A valid recipe round-trips exactly.
  const std::string written = sf::recipeToText(parsed.recipe);
  const sf::RecipeParse again = sf::parseRecipe(written);
  if (!again.ok() || !(again.recipe == parsed.recipe)) {
    fail("recipe round trip", written + sf::formatDiagnostics(again.diagnostics, "written"));
  }

  // And compiles, into scenes that round-trip exactly.
  try {
    const sf::SceneCompiler compiler = sf::SceneCompiler::create(parsed.recipe, fuzzContext());
    for (const std::uint64_t index :
         {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{12345}, (std::uint64_t{1} << 58) - 1}) {
      const sf::ResolvedScene scene = compiler.compile(index);
      const nlohmann::json json = nlohmann::json::parse(scene.toJson().dump());
      if (!(sf::ResolvedScene::fromJson(json) == scene)) {
        fail("scene round trip", scene.toJson().dump(1));
      }
    }
  } catch (const std::exception& error) {
    fail("a valid recipe did not compile", std::string(error.what()) + "\n" + written);
  }
  return 0;
}
