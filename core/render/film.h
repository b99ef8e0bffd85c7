#pragma once

#include "render/image.h"

#include <cstdint>
#include <span>

namespace sf {

/// The exposure a camera metering on the face would choose: the factor that brings the mean
/// light falling on the face (colour divided by albedo, over pixels of class `faceClasses`)
/// to `key`. A face lit twice as brightly gets half the exposure, but a dark skin stays
/// darker than a light one, as in a photograph. Returns 1 when no face pixel is seen.
float meterExposure(const Image& color, const Image& albedo, std::span<const std::uint8_t> classes,
                    std::span<const std::uint8_t> faceClasses, float key = 0.8f);

/// Develops a linear render for display: scales it by `exposure`, then rolls highlights off
/// smoothly towards white above `shoulder` instead of clipping them. Returns linear values
/// in [0, 1] for writeImage() to encode as sRGB.
Image developImage(const Image& linear, float exposure, float shoulder = 0.65f);

}  // namespace sf
