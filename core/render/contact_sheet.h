#pragma once

#include "render/image.h"

#include <Eigen/Core>

#include <span>
#include <string>

namespace sf {

/// Spacing and colours of a contact sheet.
struct ContactSheetOptions {
  int margin = 12;    ///< pixels around the sheet and between cells
  int textScale = 1;  ///< each font pixel becomes textScale x textScale image pixels
  Eigen::Vector3f background = Eigen::Vector3f::Constant(0.03f);  ///< linear RGB
  Eigen::Vector3f text = Eigen::Vector3f::Constant(0.62f);        ///< linear RGB
};

/// Where composeContactSheet() puts things. Every cell is as large as the largest image;
/// a cell is its tile with a caption band below it (when there are captions).
struct ContactSheetLayout {
  int columns = 1;
  int rows = 0;
  int tileWidth = 0;
  int tileHeight = 0;
  int captionHeight = 0;  ///< 0 when the sheet has no captions
  int width = 0;          ///< of the whole sheet
  int height = 0;
  int margin = 0;

  /// The top-left pixel of tile `index` (row-major); smaller images are centred in it.
  Eigen::Vector2i tileOrigin(int index) const;
};

/// The layout of `images` in `columns` columns; throws sf::Error if columns < 1.
ContactSheetLayout layoutContactSheet(std::span<const Image> images, int columns, bool withCaptions,
                                      const ContactSheetOptions& options = {});

/// Composes images (1 to 4 channels; alpha is composited over the background) into a grid
/// of `columns`, row-major, each with its caption below it in a small built-in font
/// (letters, digits and common punctuation; other characters show as '?'). `captions` is
/// empty or holds one per image. Returns a linear RGB image.
Image composeContactSheet(std::span<const Image> images, std::span<const std::string> captions,
                          int columns, const ContactSheetOptions& options = {});

/// Draws `text` in the built-in 5x7 font (with descenders) with its top-left at (x, y),
/// clipped to the image. Returns the width drawn, in pixels.
int drawText(Image& image, int x, int y, const std::string& text, const Eigen::Vector3f& colour,
             int scale = 1);

}  // namespace sf
