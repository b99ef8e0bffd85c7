#pragma once

namespace sf {

/// Flushes denormal floats to zero on this thread while it lives, restoring the previous
/// mode afterwards. Results that must be bit-identical from run to run (the built-in head)
/// use it in every thread they run on: libraries such as Embree switch the mode on the
/// worker threads they share with us, and a computation that meets a denormal would
/// otherwise round differently depending on which thread, and which earlier work, ran it.
class ScopedFlushDenormals {
public:
  ScopedFlushDenormals();
  ~ScopedFlushDenormals();
  ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
  ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

private:
  unsigned m_saved = 0;
};

}  // namespace sf
