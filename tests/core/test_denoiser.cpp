// Tests of the denoiser on synthetic pictures whose noise-free values are known: it takes
// noise out of surfaces and hair and keeps what is really there.

#include "render/denoiser.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace sf;

namespace {

/// A noisy picture of a known scene: per pixel, the true colour, and the guides a render
/// would give.
struct Picture {
  Image truth, color, albedo, normal, variance, fibre;
  explicit Picture(int size)
      : truth(size, size, 3),
        color(size, size, 3),
        albedo(size, size, 3),
        normal(size, size, 3),
        variance(size, size, 1),
        fibre(size, size, 3) {}

  void surface(int x, int y, float albedoValue, float lightValue) {
    for (int c = 0; c < 3; ++c) {
      truth.at(x, y, c) = albedoValue * lightValue;
      albedo.at(x, y, c) = albedoValue;
    }
    normal.at(x, y, 2) = -1.0f;
  }
  /// A pixel `coverage` parts covered by fibres running at `angle` (radians, from x right
  /// toward y down); the rest shows skin behind them.
  void strand(int x, int y, float value, float coverage, float angle) {
    for (int c = 0; c < 3; ++c) {
      truth.at(x, y, c) = value;
      albedo.at(x, y, c) = coverage * 0.08f + (1.0f - coverage) * 0.5f;
      normal.at(x, y, c) = 0.0f;
    }
    normal.at(x, y, 2) = -(1.0f - coverage);
    fibre.at(x, y, 0) = coverage;
    fibre.at(x, y, 1) = coverage * std::cos(2.0f * angle);
    fibre.at(x, y, 2) = coverage * std::sin(2.0f * angle);
  }
  /// Lit bare skin everywhere that `strandAt(x, y)` does not paint a strand pixel (it
  /// returns whether it did).
  template <typename StrandAt>
  void skinExceptWhere(StrandAt strandAt) {
    for (int y = 0; y < truth.height; ++y) {
      for (int x = 0; x < truth.width; ++x) {
        if (!strandAt(x, y)) {
          surface(x, y, 0.5f, 1.0f);
        }
      }
    }
  }
  /// Adds independent noise of this standard deviation to every channel.
  void addNoise(float sigma, unsigned seed) {
    std::mt19937 engine(seed);
    std::normal_distribution<float> noise(0.0f, sigma);
    for (int y = 0; y < color.height; ++y) {
      for (int x = 0; x < color.width; ++x) {
        for (int c = 0; c < 3; ++c) {
          color.at(x, y, c) = truth.at(x, y, c) + noise(engine);
        }
        variance.at(x, y, 0) = sigma * sigma;
      }
    }
  }
};

/// Root-mean-square error against the truth over a row's pixels x0..x1 (channel 0..2).
float rowError(const Image& image, const Image& truth, int y, int x0, int x1) {
  double sum = 0.0;
  int count = 0;
  for (int x = x0; x <= x1; ++x) {
    for (int c = 0; c < 3; ++c) {
      const double d = image.at(x, y, c) - truth.at(x, y, c);
      sum += d * d;
      ++count;
    }
  }
  return static_cast<float>(std::sqrt(sum / count));
}

float rowMean(const Image& image, int y, int x0, int x1) {
  double sum = 0.0;
  for (int x = x0; x <= x1; ++x) {
    sum += (image.at(x, y, 0) + image.at(x, y, 1) + image.at(x, y, 2)) / 3.0;
  }
  return static_cast<float>(sum / (x1 - x0 + 1));
}

}  // namespace

class TestDenoiser : public QObject {
  Q_OBJECT

private slots:
  void surfacesLoseTheirNoiseAndKeepTheirTexture() {
    // A lit plane with a checkerboard albedo of 8-pixel squares.
    Picture p(64);
    for (int y = 0; y < 64; ++y) {
      for (int x = 0; x < 64; ++x) {
        p.surface(x, y, ((x / 8 + y / 8) % 2) ? 0.7f : 0.2f, 1.0f);
      }
    }
    p.addNoise(0.05f, 1u);
    const Image out = denoise(p.color, {&p.albedo, &p.normal, &p.variance});
    for (int y : {4, 12, 30, 51}) {
      const float before = rowError(p.color, p.truth, y, 2, 61);
      const float after = rowError(out, p.truth, y, 2, 61);
      QVERIFY2(
          after < 0.25f * before,
          qPrintable(QString("row %1: error %2 before, %3 after").arg(y).arg(before).arg(after)));
    }
    // The squares keep their edges: the pixels either side of one stay apart.
    QVERIFY(std::abs(out.at(7, 4, 0) - 0.2f) < 0.03f);
    QVERIFY(std::abs(out.at(8, 4, 0) - 0.7f) < 0.05f);
  }

  void hairIsSmoothedAlongItsStrandsAndNotAcross() {
    // Skin, with two bands of horizontal strands across it, one row each, of different
    // brightness and cover; the rows above and below show bare skin.
    Picture p(64);
    p.skinExceptWhere([&p](int x, int y) {
      if (y == 30) {
        p.strand(x, y, 0.10f, 0.6f, 0.0f);
      } else if (y == 31) {
        p.strand(x, y, 0.16f, 0.4f, 0.0f);  // partly covered: skin shows more than hair
      }
      return y == 30 || y == 31;
    });
    p.addNoise(0.03f, 2u);
    const Image out = denoise(p.color, {&p.albedo, &p.normal, &p.variance, &p.fibre});
    for (int y : {30, 31}) {
      const float before = rowError(p.color, p.truth, y, 8, 55);
      const float after = rowError(out, p.truth, y, 8, 55);
      QVERIFY2(
          after < 0.5f * before,
          qPrintable(
              QString("strand row %1: error %2 before, %3 after").arg(y).arg(before).arg(after)));
    }
    // Neither band is averaged with the other (that would give 0.13 to both) or with the
    // skin beside it.
    QVERIFY2(std::abs(rowMean(out, 30, 8, 55) - 0.10f) < 0.012f,
             qPrintable(QString::number(rowMean(out, 30, 8, 55))));
    QVERIFY2(std::abs(rowMean(out, 31, 8, 55) - 0.16f) < 0.012f,
             qPrintable(QString::number(rowMean(out, 31, 8, 55))));
    QVERIFY(std::abs(rowMean(out, 29, 8, 55) - 0.5f) < 0.01f);
    QVERIFY(std::abs(rowMean(out, 32, 8, 55) - 0.5f) < 0.01f);
  }

  void strandsAtAnAngleAreFollowed() {
    // One diagonal strand, one pixel wide, crossing skin: smoothed along the diagonal.
    Picture p(64);
    const float angle = std::atan2(1.0f, 1.0f);
    p.skinExceptWhere([&p, angle](int x, int y) {
      if (x == y) {
        p.strand(x, y, 0.08f, 0.7f, angle);
      }
      return x == y;
    });
    p.addNoise(0.03f, 3u);
    const Image out = denoise(p.color, {&p.albedo, &p.normal, &p.variance, &p.fibre});
    double before = 0.0, after = 0.0;
    for (int k = 8; k < 56; ++k) {
      for (int c = 0; c < 3; ++c) {
        before += std::pow(p.color.at(k, k, c) - p.truth.at(k, k, c), 2.0);
        after += std::pow(out.at(k, k, c) - p.truth.at(k, k, c), 2.0);
      }
      // The skin beside the strand stays skin.
      QVERIFY(std::abs(out.at(k + 1, k, 0) - 0.5f) < 0.06f);
    }
    QVERIFY2(after < 0.25 * before,
             qPrintable(QString("squared error %1 before, %2 after").arg(before).arg(after)));
  }

  void withoutTheFibreGuideHairIsLeftAsItIs() {
    // Older callers pass no fibre guide: pixels mostly covered by fibres, with no surface
    // normal to speak of, are not touched. (Pixels only partly covered pass for surfaces
    // then; telling them apart is what the fibre guide is for.)
    Picture p(32);
    p.skinExceptWhere([&p](int x, int y) {
      if (y == 16) {
        p.strand(x, y, 0.1f, 0.9f, 0.0f);
      }
      return y == 16;
    });
    p.addNoise(0.03f, 4u);
    const Image out = denoise(p.color, {&p.albedo, &p.normal, &p.variance});
    for (int x = 0; x < 32; ++x) {
      for (int c = 0; c < 3; ++c) {
        QCOMPARE(out.at(x, 16, c), p.color.at(x, 16, c));
      }
    }
  }

  void guidesOfAnotherSizeAreRefused() {
    Picture p(16);
    const Image wrong(8, 8, 3);
    QVERIFY_THROWS_EXCEPTION(std::exception,
                             denoise(p.color, {&p.albedo, &p.normal, &p.variance, &wrong}));
    QVERIFY_THROWS_EXCEPTION(std::exception, denoise(p.color, {&p.albedo, &wrong, &p.variance}));
  }
};

QTEST_APPLESS_MAIN(TestDenoiser)
#include "test_denoiser.moc"
