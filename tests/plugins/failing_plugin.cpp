// A well-formed writer plugin whose writes fail, so that the host's error path can be seen:
// write_sample() and finish() report a message naming the sample or the dataset folder.
// Built with SF_TEST_NO_ENTRY_POINT, it exports the wrong symbol instead.

#include "writer_plugin_abi.h"

#include <cstdio>

namespace {

struct FailingWriter {};

sf_writer* create(char*, size_t) {
  return reinterpret_cast<sf_writer*>(new FailingWriter());
}
int writeSample(sf_writer*, const char*, const sf_writer_sample_v1* sample,
                const sf_writer_host_v1*, char* error, size_t errorSize) {
  std::snprintf(error, errorSize, "disk quota exceeded writing failing/%s.bin", sample->id);
  return 7;
}
int finish(sf_writer*, const char* dir, const char*, const uint64_t*, size_t,
           const sf_writer_host_v1*, char* error, size_t errorSize) {
  std::snprintf(error, errorSize, "%s/failing/index.bin: read-only file system", dir);
  return 1;
}
void destroy(sf_writer* writer) {
  delete reinterpret_cast<FailingWriter*>(writer);
}

constexpr sf_writer_plugin_v1 kPlugin = {
    .abi_version = SF_WRITER_ABI_VERSION,
    .struct_size = sizeof(sf_writer_plugin_v1),
    .name = "failing",
    .description = "fails every write",
    .create = &create,
    .write_sample = &writeSample,
    .finish = &finish,
    .destroy = &destroy,
};

}  // namespace

#ifdef SF_TEST_NO_ENTRY_POINT
SF_WRITER_PLUGIN_EXPORT const sf_writer_plugin_v1* sf_writer_plugin_v0(void) {
  return &kPlugin;
}
#else
SF_WRITER_PLUGIN_EXPORT const sf_writer_plugin_v1* sf_writer_plugin(void) {
  return &kPlugin;
}
#endif
