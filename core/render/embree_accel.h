#pragma once

#include <embree3/rtcore.h>

#include <string>

namespace sf {

/// Owns an Embree device, the ray tracing kernels chosen for this CPU. Embree reports
/// errors through a callback; the device turns the first one into an sf::Error thrown by
/// throwIfFailed(), so no Embree error passes silently.
class EmbreeDevice {
public:
  /// Creates the device; throws sf::Error when Embree cannot start on this machine.
  EmbreeDevice();
  ~EmbreeDevice();
  EmbreeDevice(const EmbreeDevice&) = delete;
  EmbreeDevice& operator=(const EmbreeDevice&) = delete;

  RTCDevice handle() const { return m_device; }

  /// Embree's version, such as "3.13.5".
  std::string version() const;

  /// Throws sf::Error with Embree's message if any Embree call on this device failed.
  void throwIfFailed();

private:
  static void onError(void* self, RTCError code, const char* message);

  RTCDevice m_device = nullptr;
  RTCError m_firstError = RTC_ERROR_NONE;
  std::string m_firstErrorMessage;
};

}  // namespace sf
