#include "render/denoiser.h"

#include "util/error.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace sf {

namespace {

bool sameSize(const Image* image, const Image& color, int channels) {
  return image && image->width == color.width && image->height == color.height &&
         image->channels == channels;
}

}  // namespace

Image denoise(const Image& color, const DenoiseGuides& guides, float strength) {
  if (color.channels != 3) {
    throw Error("denoise: the colour image must be RGB");
  }
  if (!sameSize(guides.albedo, color, 3) || !sameSize(guides.normal, color, 3) ||
      !sameSize(guides.variance, color, 1)) {
    throw Error("denoise: albedo, normal and variance guides of the colour's size are needed");
  }
  if (guides.fibre != nullptr && !sameSize(guides.fibre, color, 3)) {
    throw Error("denoise: the fibre guide must be 3 channels of the colour's size");
  }
  if (strength <= 0.0f) {
    return color;
  }
  const int w = color.width;
  const int h = color.height;
  const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  const Image& albedo = *guides.albedo;
  const Image& normal = *guides.normal;
  auto index = [w](int x, int y) {
    return static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x);
  };

  // What each pixel shows: a surface (filtered with surfaces), hair fibres (filtered with
  // fibres, along them), or the background (left alone).
  enum class Kind : std::uint8_t { Background, Surface, Fibre };
  std::vector<Kind> kind(n, Kind::Background);
  // Fibre pixels: coverage, and the fibres' direction on screen with how well it agrees
  // over the pixel's samples (1: one direction; 0: crossing strands).
  std::vector<float> coverage(n, 0.0f), along(n * 2, 0.0f), coherence(n, 0.0f);
  // Fibres are finer than a pixel: most pixels they cross show skin too. A pixel where more
  // than this share of the samples met a fibre first is a fibre pixel.
  constexpr float kFibreTrace = 0.05f;
  // Demodulate surfaces: illumination = colour / albedo, so the filter never blurs texture.
  // Fibres keep their colour: a strand's sheen is not its albedo times its light, and what
  // a pixel shows of it depends on its coverage, which the filter compares instead.
  Image light(w, h, 3);
  std::vector<float> variance(n, 0.0f);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const std::size_t i = index(x, y);
      const float nx = normal.at(x, y, 0);
      const float ny = normal.at(x, y, 1);
      const float nz = normal.at(x, y, 2);
      if (guides.fibre != nullptr && guides.fibre->at(x, y, 0) >= kFibreTrace) {
        kind[i] = Kind::Fibre;
        const float share = guides.fibre->at(x, y, 0);
        const float cosine2 = guides.fibre->at(x, y, 1) / share;  // of the doubled angle
        const float sine2 = guides.fibre->at(x, y, 2) / share;
        coverage[i] = share;
        coherence[i] = std::min(std::sqrt(cosine2 * cosine2 + sine2 * sine2), 1.0f);
        const float angle = 0.5f * std::atan2(sine2, cosine2);
        along[2 * i] = std::cos(angle);
        along[2 * i + 1] = std::sin(angle);
      } else if (nx * nx + ny * ny + nz * nz > 0.25f) {
        // The normal is the mean over the pixel's samples: short where a silhouette splits
        // the pixel, and the comparison below then keeps such pixels to themselves.
        kind[i] = Kind::Surface;
      }
      float albedoLum = 0.0f;
      for (int c = 0; c < 3; ++c) {
        const float a = std::max(albedo.at(x, y, c), 0.01f);
        light.at(x, y, c) = kind[i] == Kind::Surface ? color.at(x, y, c) / a : color.at(x, y, c);
        albedoLum += a / 3.0f;
      }
      variance[i] = kind[i] == Kind::Surface
                        ? guides.variance->at(x, y, 0) / (albedoLum * albedoLum)
                        : guides.variance->at(x, y, 0);
    }
  }

  // The per-pixel variance estimate is itself noisy: average it over 3x3 neighbours of the
  // same kind so that an unlucky pixel is not mistaken for a clean one and left unfiltered.
  {
    std::vector<float> blurred(n, 0.0f);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const std::size_t i = index(x, y);
        float sum = 0.0f;
        float count = 0.0f;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int xx = x + dx;
            const int yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h || kind[index(xx, yy)] != kind[i] ||
                kind[i] == Kind::Background) {
              continue;
            }
            sum += variance[index(xx, yy)];
            count += 1.0f;
          }
        }
        blurred[i] = count > 0.0f ? std::max(variance[i], sum / count) : variance[i];
      }
    }
    variance = std::move(blurred);
  }

  // Surfaces: five levels (a reach of 62 pixels). Fibres: three (14 pixels), and within a
  // pixel or so of the line through the pixel along its fibres.
  constexpr int kSurfaceLevels = 5;
  constexpr int kFibreLevels = 3;
  constexpr float kAcross = 0.5f;  // pixels: how far across a strand a neighbour may lie
  const float kernel[5] = {1.0f / 16.0f, 1.0f / 4.0f, 3.0f / 8.0f, 1.0f / 4.0f, 1.0f / 16.0f};
  Image next(w, h, 3);
  std::vector<float> nextVariance(n, 0.0f);
  for (int level = 0; level < kSurfaceLevels; ++level) {
    const int step = 1 << level;
    tbb::parallel_for(tbb::blocked_range<int>(0, h, 8), [&](const tbb::blocked_range<int>& rows) {
      for (int y = rows.begin(); y < rows.end(); ++y) {
        for (int x = 0; x < w; ++x) {
          const std::size_t i = index(x, y);
          const Kind k = kind[i];
          if (k == Kind::Background || (k == Kind::Fibre && level >= kFibreLevels)) {
            for (int c = 0; c < 3; ++c) {
              next.at(x, y, c) = light.at(x, y, c);
            }
            nextVariance[i] = variance[i];
            continue;
          }
          const float* lp = light.pixel(x, y);
          const float lumP = 0.2126f * lp[0] + 0.7152f * lp[1] + 0.0722f * lp[2];
          // Fibre pixels are noisier than their neighbours' differences: a strand's glints
          // are a few bright samples. Let them differ more and still be averaged.
          const float sigma =
              strength * (k == Kind::Fibre ? 8.0f : 4.0f) * std::sqrt(std::max(variance[i], 0.0f)) +
              1e-4f;
          const float* np = normal.pixel(x, y);
          const float* ap = albedo.pixel(x, y);
          float sum[3] = {0.0f, 0.0f, 0.0f};
          float weightSum = 0.0f;
          float varianceSum = 0.0f;
          for (int dy = -2; dy <= 2; ++dy) {
            const int yy = y + dy * step;
            if (yy < 0 || yy >= h) {
              continue;
            }
            for (int dx = -2; dx <= 2; ++dx) {
              const int xx = x + dx * step;
              if (xx < 0 || xx >= w) {
                continue;
              }
              const std::size_t j = index(xx, yy);
              if (kind[j] != k) {
                continue;
              }
              const float* lq = light.pixel(xx, yy);
              const float lumQ = 0.2126f * lq[0] + 0.7152f * lq[1] + 0.0722f * lq[2];
              float weight =
                  kernel[dx + 2] * kernel[dy + 2] * std::exp(-std::abs(lumP - lumQ) / sigma);
              if (k == Kind::Surface) {
                const float* nq = normal.pixel(xx, yy);
                const float* aq = albedo.pixel(xx, yy);
                const float dn = std::max(0.0f, np[0] * nq[0] + np[1] * nq[1] + np[2] * nq[2]);
                const float da =
                    std::abs(ap[0] - aq[0]) + std::abs(ap[1] - aq[1]) + std::abs(ap[2] - aq[2]);
                weight *= std::pow(dn, 64.0f) * std::exp(-da / 0.08f);
              } else {
                // Along the strand, not across it; between pixels whose fibres agree in
                // direction and in how much of the pixel they cover.
                const float ox = static_cast<float>(dx * step);
                const float oy = static_cast<float>(dy * step);
                const float across = -along[2 * i + 1] * ox + along[2 * i] * oy;
                const float cosine =
                    along[2 * i] * along[2 * j] + along[2 * i + 1] * along[2 * j + 1];
                const float agree = 1.0f - coherence[i] * coherence[j] * (1.0f - cosine * cosine);
                weight *= std::exp(-coherence[i] * across * across / (2.0f * kAcross * kAcross)) *
                          agree * agree * std::exp(-std::abs(coverage[i] - coverage[j]) / 0.25f);
              }
              for (int c = 0; c < 3; ++c) {
                sum[c] += weight * lq[c];
              }
              weightSum += weight;
              varianceSum += weight * weight * variance[j];
            }
          }
          for (int c = 0; c < 3; ++c) {
            next.at(x, y, c) = weightSum > 0.0f ? sum[c] / weightSum : lp[c];
          }
          nextVariance[i] = weightSum > 0.0f ? varianceSum / (weightSum * weightSum) : variance[i];
        }
      }
    });
    std::swap(light, next);
    std::swap(variance, nextVariance);
  }

  // Remodulate.
  Image out(w, h, 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const Kind k = kind[index(x, y)];
      for (int c = 0; c < 3; ++c) {
        out.at(x, y, c) = k == Kind::Surface
                              ? light.at(x, y, c) * std::max(albedo.at(x, y, c), 0.01f)
                          : k == Kind::Fibre ? light.at(x, y, c)
                                             : color.at(x, y, c);
      }
    }
  }
  return out;
}

}  // namespace sf
