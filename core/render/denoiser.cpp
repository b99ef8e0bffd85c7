#include "render/denoiser.h"

#include "util/error.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
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
  if (strength <= 0.0f) {
    return color;
  }
  const int w = color.width;
  const int h = color.height;
  const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  const Image& albedo = *guides.albedo;
  const Image& normal = *guides.normal;

  // Demodulate: illumination = colour / albedo, so the filter never blurs texture.
  std::vector<float> surface(n, 0.0f);
  Image light(w, h, 3);
  std::vector<float> variance(n, 0.0f);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const std::size_t i =
          static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x);
      const float nx = normal.at(x, y, 0);
      const float ny = normal.at(x, y, 1);
      const float nz = normal.at(x, y, 2);
      surface[i] = nx * nx + ny * ny + nz * nz > 0.25f ? 1.0f : 0.0f;
      float albedoLum = 0.0f;
      for (int c = 0; c < 3; ++c) {
        const float a = std::max(albedo.at(x, y, c), 0.01f);
        light.at(x, y, c) = surface[i] > 0.0f ? color.at(x, y, c) / a : color.at(x, y, c);
        albedoLum += a / 3.0f;
      }
      variance[i] = guides.variance->at(x, y, 0) / (albedoLum * albedoLum);
    }
  }

  // The per-pixel variance estimate is itself noisy: average it over 3x3 neighbours so that
  // an unlucky pixel is not mistaken for a clean one and left unfiltered.
  {
    std::vector<float> blurred(n, 0.0f);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        float sum = 0.0f;
        float count = 0.0f;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int xx = x + dx;
            const int yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
              continue;
            }
            const std::size_t j = static_cast<std::size_t>(yy) * static_cast<std::size_t>(w) +
                                  static_cast<std::size_t>(xx);
            if (surface[j] == 0.0f) {
              continue;
            }
            sum += variance[j];
            count += 1.0f;
          }
        }
        const std::size_t i =
            static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x);
        blurred[i] = count > 0.0f ? std::max(variance[i], sum / count) : variance[i];
      }
    }
    variance = std::move(blurred);
  }

  const float kernel[5] = {1.0f / 16.0f, 1.0f / 4.0f, 3.0f / 8.0f, 1.0f / 4.0f, 1.0f / 16.0f};
  Image next(w, h, 3);
  std::vector<float> nextVariance(n, 0.0f);
  for (int level = 0; level < 5; ++level) {
    const int step = 1 << level;
    tbb::parallel_for(tbb::blocked_range<int>(0, h, 8), [&](const tbb::blocked_range<int>& rows) {
      for (int y = rows.begin(); y < rows.end(); ++y) {
        for (int x = 0; x < w; ++x) {
          const std::size_t i = static_cast<std::size_t>(y) * static_cast<std::size_t>(w) +
                                static_cast<std::size_t>(x);
          if (surface[i] == 0.0f) {
            for (int c = 0; c < 3; ++c) {
              next.at(x, y, c) = light.at(x, y, c);
            }
            nextVariance[i] = variance[i];
            continue;
          }
          const float* lp = light.pixel(x, y);
          const float lumP = 0.2126f * lp[0] + 0.7152f * lp[1] + 0.0722f * lp[2];
          const float sigma = strength * 4.0f * std::sqrt(std::max(variance[i], 0.0f)) + 1e-4f;
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
              const std::size_t j = static_cast<std::size_t>(yy) * static_cast<std::size_t>(w) +
                                    static_cast<std::size_t>(xx);
              if (surface[j] == 0.0f) {
                continue;
              }
              const float* lq = light.pixel(xx, yy);
              const float* nq = normal.pixel(xx, yy);
              const float* aq = albedo.pixel(xx, yy);
              const float lumQ = 0.2126f * lq[0] + 0.7152f * lq[1] + 0.0722f * lq[2];
              const float dn = std::max(0.0f, np[0] * nq[0] + np[1] * nq[1] + np[2] * nq[2]);
              const float da =
                  std::abs(ap[0] - aq[0]) + std::abs(ap[1] - aq[1]) + std::abs(ap[2] - aq[2]);
              const float weight = kernel[dx + 2] * kernel[dy + 2] *
                                   std::exp(-std::abs(lumP - lumQ) / sigma) * std::pow(dn, 64.0f) *
                                   std::exp(-da / 0.08f);
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
      const std::size_t i =
          static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x);
      for (int c = 0; c < 3; ++c) {
        out.at(x, y, c) = surface[i] > 0.0f
                              ? light.at(x, y, c) * std::max(albedo.at(x, y, c), 0.01f)
                              : color.at(x, y, c);
      }
    }
  }
  return out;
}

}  // namespace sf
