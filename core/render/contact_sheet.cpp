#include "render/contact_sheet.h"

#include "util/check.h"
#include "util/error.h"

#include <algorithm>
#include <array>

namespace sf {

namespace {

constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 9;  ///< 7 rows above the baseline, 2 for descenders
constexpr int kAdvance = kGlyphWidth + 1;
constexpr int kCaptionGap = 4;  ///< font pixels between a tile and its caption

/// One character of the built-in font: rows top to bottom, '#' lit; missing rows are blank.
struct Glyph {
  char character;
  std::array<const char*, kGlyphHeight> rows;
};

// clang-format off
constexpr Glyph kFont[] = {
  {'0', {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}},
  {'1', {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}},
  {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
  {'3', {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."}},
  {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
  {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
  {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
  {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
  {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
  {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
  {'A', {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
  {'B', {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."}},
  {'C', {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}},
  {'D', {"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."}},
  {'E', {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}},
  {'F', {"#####", "#....", "#....", "####.", "#....", "#....", "#...."}},
  {'G', {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}},
  {'H', {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
  {'I', {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}},
  {'J', {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
  {'K', {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"}},
  {'L', {"#....", "#....", "#....", "#....", "#....", "#....", "#####"}},
  {'M', {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}},
  {'N', {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"}},
  {'O', {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
  {'P', {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."}},
  {'Q', {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"}},
  {'R', {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}},
  {'S', {".####", "#....", "#....", ".###.", "....#", "....#", "####."}},
  {'T', {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}},
  {'U', {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}},
  {'V', {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."}},
  {'W', {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."}},
  {'X', {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"}},
  {'Y', {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."}},
  {'Z', {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"}},
  {'a', {".....", ".....", ".###.", "....#", ".####", "#...#", ".####"}},
  {'b', {"#....", "#....", "####.", "#...#", "#...#", "#...#", "####."}},
  {'c', {".....", ".....", ".###.", "#....", "#....", "#...#", ".###."}},
  {'d', {"....#", "....#", ".####", "#...#", "#...#", "#...#", ".####"}},
  {'e', {".....", ".....", ".###.", "#...#", "#####", "#....", ".###."}},
  {'f', {"..##.", ".#..#", ".#...", "###..", ".#...", ".#...", ".#..."}},
  {'g', {".....", ".....", ".####", "#...#", "#...#", "#...#", ".####", "....#", ".###."}},
  {'h', {"#....", "#....", "#.##.", "##..#", "#...#", "#...#", "#...#"}},
  {'i', {"..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."}},
  {'j', {"...#.", ".....", "..##.", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."}},
  {'k', {"#....", "#....", "#..#.", "#.#..", "##...", "#.#..", "#..#."}},
  {'l', {".##..", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}},
  {'m', {".....", ".....", "##.#.", "#.#.#", "#.#.#", "#.#.#", "#.#.#"}},
  {'n', {".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#"}},
  {'o', {".....", ".....", ".###.", "#...#", "#...#", "#...#", ".###."}},
  {'p', {".....", ".....", "####.", "#...#", "#...#", "#...#", "####.", "#....", "#...."}},
  {'q', {".....", ".....", ".####", "#...#", "#...#", "#...#", ".####", "....#", "....#"}},
  {'r', {".....", ".....", "#.##.", "##..#", "#....", "#....", "#...."}},
  {'s', {".....", ".....", ".####", "#....", ".###.", "....#", "####."}},
  {'t', {".#...", ".#...", "###..", ".#...", ".#...", ".#..#", "..##."}},
  {'u', {".....", ".....", "#...#", "#...#", "#...#", "#..##", ".##.#"}},
  {'v', {".....", ".....", "#...#", "#...#", "#...#", ".#.#.", "..#.."}},
  {'w', {".....", ".....", "#...#", "#...#", "#.#.#", "#.#.#", ".#.#."}},
  {'x', {".....", ".....", "#...#", ".#.#.", "..#..", ".#.#.", "#...#"}},
  {'y', {".....", ".....", "#...#", "#...#", "#...#", "#...#", ".####", "....#", ".###."}},
  {'z', {".....", ".....", "#####", "...#.", "..#..", ".#...", "#####"}},
  {' ', {}},
  {'#', {".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#."}},
  {'-', {".....", ".....", ".....", ".###.", ".....", ".....", "....."}},
  {'+', {".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."}},
  {'=', {".....", ".....", "#####", ".....", "#####", ".....", "....."}},
  {'_', {".....", ".....", ".....", ".....", ".....", ".....", ".....", "#####"}},
  {'.', {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."}},
  {',', {".....", ".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."}},
  {':', {".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."}},
  {'/', {"....#", "....#", "...#.", "..#..", ".#...", "#....", "#...."}},
  {'(', {"...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."}},
  {')', {".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."}},
  {'[', {".###.", ".#...", ".#...", ".#...", ".#...", ".#...", ".###."}},
  {']', {".###.", "...#.", "...#.", "...#.", "...#.", "...#.", ".###."}},
  {'%', {"##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"}},
  {'\'', {"..#..", "..#..", ".#..."}},
  {'!', {"..#..", "..#..", "..#..", "..#..", "..#..", ".....", "..#.."}},
  {'?', {".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."}},
};
// clang-format on

const Glyph& glyphFor(char c) {
  const Glyph* unknown = nullptr;
  for (const Glyph& glyph : kFont) {
    if (glyph.character == c) {
      return glyph;
    }
    if (glyph.character == '?') {
      unknown = &glyph;
    }
  }
  SF_CHECK(unknown);
  return *unknown;
}

/// Sets pixel (x, y) of an RGB image, if it lies inside.
void plot(Image& image, int x, int y, const Eigen::Vector3f& colour) {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) {
    return;
  }
  float* out = image.pixel(x, y);
  for (int c = 0; c < std::min(image.channels, 3); ++c) {
    out[c] = colour[c];
  }
}

/// Pixel (x, y) of `image` as RGB, composited over `background` by its alpha.
Eigen::Vector3f rgbOver(const Image& image, int x, int y, const Eigen::Vector3f& background) {
  const float* in = image.pixel(x, y);
  Eigen::Vector3f rgb;
  if (image.channels >= 3) {
    rgb = Eigen::Vector3f(in[0], in[1], in[2]);
  } else {
    rgb = Eigen::Vector3f::Constant(in[0]);
  }
  const int alpha = image.alphaChannel();
  if (alpha < 0) {
    return rgb;
  }
  // Colour is taken as unpremultiplied.
  const float a = std::clamp(in[alpha], 0.0f, 1.0f);
  return a * rgb + (1.0f - a) * background;
}

}  // namespace

Eigen::Vector2i ContactSheetLayout::tileOrigin(int index) const {
  SF_CHECK(index >= 0 && columns > 0);
  const int column = index % columns;
  const int row = index / columns;
  return {margin + column * (tileWidth + margin),
          margin + row * (tileHeight + captionHeight + margin)};
}

ContactSheetLayout layoutContactSheet(std::span<const Image> images, int columns, bool withCaptions,
                                      const ContactSheetOptions& options) {
  if (columns < 1) {
    throw Error("contact sheet: columns must be at least 1, got " + std::to_string(columns));
  }
  SF_CHECK(options.margin >= 0 && options.textScale >= 1);
  ContactSheetLayout layout;
  const int count = static_cast<int>(images.size());
  layout.columns = std::max(1, std::min(columns, count));
  layout.rows = (count + layout.columns - 1) / layout.columns;
  layout.margin = options.margin;
  for (const Image& image : images) {
    layout.tileWidth = std::max(layout.tileWidth, image.width);
    layout.tileHeight = std::max(layout.tileHeight, image.height);
  }
  layout.captionHeight = withCaptions ? (kCaptionGap + kGlyphHeight) * options.textScale : 0;
  layout.width = options.margin + layout.columns * (layout.tileWidth + options.margin);
  layout.height =
      options.margin + layout.rows * (layout.tileHeight + layout.captionHeight + options.margin);
  return layout;
}

int drawText(Image& image, int x, int y, const std::string& text, const Eigen::Vector3f& colour,
             int scale) {
  SF_CHECK(scale >= 1);
  int penX = x;
  for (const char c : text) {
    const Glyph& glyph = glyphFor(c);
    for (int row = 0; row < kGlyphHeight; ++row) {
      const char* bits = glyph.rows[std::size_t(row)];
      for (int column = 0; bits && column < kGlyphWidth && bits[column]; ++column) {
        if (bits[column] != '#') {
          continue;
        }
        for (int dy = 0; dy < scale; ++dy) {
          for (int dx = 0; dx < scale; ++dx) {
            plot(image, penX + column * scale + dx, y + row * scale + dy, colour);
          }
        }
      }
    }
    penX += kAdvance * scale;
  }
  return text.empty() ? 0 : penX - x - scale;
}

Image composeContactSheet(std::span<const Image> images, std::span<const std::string> captions,
                          int columns, const ContactSheetOptions& options) {
  SF_CHECK_MSG(captions.empty() || captions.size() == images.size(),
               "one caption per image, or none");
  const ContactSheetLayout layout = layoutContactSheet(images, columns, !captions.empty(), options);
  Image sheet(layout.width, layout.height, 3);
  for (int y = 0; y < sheet.height; ++y) {
    for (int x = 0; x < sheet.width; ++x) {
      plot(sheet, x, y, options.background);
    }
  }

  for (std::size_t i = 0; i < images.size(); ++i) {
    const Image& image = images[i];
    SF_CHECK(image.channels >= 1 && image.channels <= 4);
    const Eigen::Vector2i cell = layout.tileOrigin(static_cast<int>(i));
    // Centre smaller images in their tile.
    const int left = cell.x() + (layout.tileWidth - image.width) / 2;
    const int top = cell.y() + (layout.tileHeight - image.height) / 2;
    for (int y = 0; y < image.height; ++y) {
      for (int x = 0; x < image.width; ++x) {
        plot(sheet, left + x, top + y, rgbOver(image, x, y, options.background));
      }
    }
    if (!captions.empty()) {
      // Keep the caption within its tile's width.
      const int fit = (layout.tileWidth + options.textScale) / (kAdvance * options.textScale);
      const std::string caption = captions[i].substr(0, std::size_t(std::max(fit, 0)));
      drawText(sheet, cell.x(), cell.y() + layout.tileHeight + kCaptionGap * options.textScale,
               caption, options.text, options.textScale);
    }
  }
  return sheet;
}

}  // namespace sf
