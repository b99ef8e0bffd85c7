#include "render/embree_accel.h"

#include "util/error.h"

namespace sf {

namespace {

const char* errorName(RTCError code) {
  switch (code) {
    case RTC_ERROR_NONE: return "no error";
    case RTC_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case RTC_ERROR_INVALID_OPERATION: return "invalid operation";
    case RTC_ERROR_OUT_OF_MEMORY: return "out of memory";
    case RTC_ERROR_UNSUPPORTED_CPU: return "unsupported CPU";
    case RTC_ERROR_CANCELLED: return "cancelled";
    default: return "unknown error";
  }
}

}  // namespace

EmbreeDevice::EmbreeDevice() {
  m_device = rtcNewDevice(nullptr);
  if (!m_device) {
    const RTCError code = rtcGetDeviceError(nullptr);
    throw Error(std::string("Embree could not start: ") + errorName(code));
  }
  rtcSetDeviceErrorFunction(m_device, &EmbreeDevice::onError, this);
}

EmbreeDevice::~EmbreeDevice() {
  rtcReleaseDevice(m_device);
}

std::string EmbreeDevice::version() const {
  const auto major = rtcGetDeviceProperty(m_device, RTC_DEVICE_PROPERTY_VERSION_MAJOR);
  const auto minor = rtcGetDeviceProperty(m_device, RTC_DEVICE_PROPERTY_VERSION_MINOR);
  const auto patch = rtcGetDeviceProperty(m_device, RTC_DEVICE_PROPERTY_VERSION_PATCH);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

void EmbreeDevice::throwIfFailed() {
  if (m_firstError != RTC_ERROR_NONE) {
    const std::string text =
        std::string("Embree: ") + errorName(m_firstError) + ": " + m_firstErrorMessage;
    m_firstError = RTC_ERROR_NONE;
    m_firstErrorMessage.clear();
    throw Error(text);
  }
}

void EmbreeDevice::onError(void* self, RTCError code, const char* message) {
  auto* device = static_cast<EmbreeDevice*>(self);
  if (device->m_firstError == RTC_ERROR_NONE) {
    device->m_firstError = code;
    device->m_firstErrorMessage = message ? message : "";
  }
}

}  // namespace sf
