#include "util/fp_mode.h"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define SF_HAVE_MXCSR 1
#endif

namespace sf {

namespace {

// MXCSR bits: flush-to-zero (15) and denormals-are-zero (6).
constexpr unsigned kFlushBits = (1u << 15) | (1u << 6);

}  // namespace

ScopedFlushDenormals::ScopedFlushDenormals() {
#ifdef SF_HAVE_MXCSR
  m_saved = _mm_getcsr();
  _mm_setcsr(m_saved | kFlushBits);
#endif
}

ScopedFlushDenormals::~ScopedFlushDenormals() {
#ifdef SF_HAVE_MXCSR
  _mm_setcsr(m_saved);
#endif
}

}  // namespace sf
