#pragma once

#include "render/image.h"

namespace sf {

/// What the denoiser reads besides the noisy colour: first-hit features from the renderer.
struct DenoiseGuides {
  const Image* albedo = nullptr;    ///< RGB, the first diffuse surface's albedo
  const Image* normal = nullptr;    ///< RGB, unit normals; zero where the ray escaped
  const Image* variance = nullptr;  ///< 1 channel: variance of each pixel's mean luminance
  /// Optional, 3 channels (RenderedImage::fibre): the fraction of samples that saw a hair
  /// fibre first, and the fibres' on-screen direction as a doubled angle.
  const Image* fibre = nullptr;
};

/// Removes Monte Carlo noise from a path-traced image with an edge-avoiding a-trous wavelet
/// filter (Dammertz et al. 2010) on the illumination: the colour is divided by the albedo,
/// filtered where normals, albedo and the noise level say neighbours see the same surface
/// in the same light, and multiplied back, so texture stays sharp. Pixels whose rays escaped
/// (the background) are left alone. `strength` scales how far colours may differ and still
/// be averaged: 0 returns the input. With the fibre guide, pixels that hair fibres cross
/// (more than 5% of their samples meet a fibre first) are filtered only with each other, over
/// a shorter reach, only along the fibres' direction and without demodulation, so strands
/// stay strands. Deterministic. Throws sf::Error when guides are missing or of another size.
Image denoise(const Image& color, const DenoiseGuides& guides, float strength = 1.0f);

}  // namespace sf
