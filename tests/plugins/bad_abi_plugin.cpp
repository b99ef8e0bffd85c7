// A writer plugin built for an ABI version SynthFace does not know: the host must refuse it
// without calling anything but its entry point.

#include "writer_plugin_abi.h"

namespace {

sf_writer* create(char*, size_t) {
  return nullptr;
}
int writeSample(sf_writer*, const char*, const sf_writer_sample_v1*, const sf_writer_host_v1*,
                char*, size_t) {
  return 1;
}
int finish(sf_writer*, const char*, const char*, const uint64_t*, size_t, const sf_writer_host_v1*,
           char*, size_t) {
  return 1;
}
void destroy(sf_writer*) {}

constexpr sf_writer_plugin_v1 kPlugin = {
    .abi_version = 999,
    .struct_size = sizeof(sf_writer_plugin_v1),
    .name = "bad_abi",
    .description = "built for a future ABI",
    .create = &create,
    .write_sample = &writeSample,
    .finish = &finish,
    .destroy = &destroy,
};

}  // namespace

SF_WRITER_PLUGIN_EXPORT const sf_writer_plugin_v1* sf_writer_plugin(void) {
  return &kPlugin;
}
