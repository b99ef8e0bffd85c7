#pragma once

// SynthFace's dataset writer plugin ABI, version 1.
//
// A writer plugin is a shared module (.so) that adds one dataset format. It is plain C at
// its boundary so that a plugin built with another compiler, standard library or C++
// version still works: it includes only this header (no SynthFace library, no C++ types)
// and exports one function, sf_writer_plugin(), returning a static descriptor.
// plugins/writer_coco is the example to follow.
//
// Rules of the ABI:
// - No exception, longjmp or abort crosses it, in either direction: a plugin catches
//   everything inside each entry point and reports it as a non-zero status plus a message;
//   the host's callbacks do the same.
// - Errors: every call that can fail gets `error`, a buffer of `error_size` bytes (at least
//   SF_WRITER_ERROR_SIZE). On failure write a NUL-terminated, one-line message into it that
//   says what went wrong and with which file; the host adds the plugin's file name.
// - Strings are NUL-terminated UTF-8; paths are native file-system paths.
// - Every struct starts with fields that never move (abi_version and/or struct_size). Within
//   version 1, fields are only ever appended: read a field only if struct_size covers it
//   (SF_WRITER_HAS_FIELD). A change that is not an append bumps SF_WRITER_ABI_VERSION, and
//   the host refuses plugins built for any other version.
// - Pointers given to a call are valid only during that call: copy what you keep.
// - The host calls a writer from one thread at a time; different writers of one plugin may
//   be used from different threads, so keep state in the writer, not in globals.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The ABI version this header describes. The host refuses a plugin whose descriptor says
/// anything else.
#define SF_WRITER_ABI_VERSION 1

/// The name of the one symbol a plugin exports (see sf_writer_plugin below).
#define SF_WRITER_PLUGIN_SYMBOL "sf_writer_plugin"

/// The smallest error buffer the host passes.
#define SF_WRITER_ERROR_SIZE 1024

/// Whether a struct given by the other side is large enough to hold `field`.
#define SF_WRITER_HAS_FIELD(pointer, type, field) \
  ((pointer)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

/// Marks the entry point as exported with C linkage, whatever the default visibility.
#ifdef __cplusplus
#define SF_WRITER_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
#else
#define SF_WRITER_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/// One rendered sample, as the host gives it to write_sample(). Images are rows top to
/// bottom, pixel (0, 0) at the top left; landmark coordinates are in pixel units with
/// (0, 0) the top left corner of the top left pixel (labels.md).
typedef struct sf_writer_sample_v1 {
  /// sizeof(sf_writer_sample_v1) as the host was built: check it before reading fields
  /// appended after version 1's first release.
  uint32_t struct_size;
  /// The sample index in the dataset (0-based, unique across shards).
  uint64_t index;
  /// The sample id: the index zero-padded to 6 digits ("000123", more digits from 10^6
  /// on), the stem of every per-sample file name.
  const char* id;
  /// Image size in pixels; the class map has the same size.
  int32_t width;
  int32_t height;
  /// The rendered image: width * height * 3 bytes, RGB interleaved, 8-bit sRGB-encoded,
  /// exactly the pixels of the {id}.png that write_sample_image() writes.
  const uint8_t* rgb;
  /// width * height bytes, one class per pixel (labels.md: 0 BACKGROUND, 1 SKIN, 2 NOSE,
  /// ...; the table is "classes" in finish()'s dataset JSON). NULL when the sample has no
  /// class map.
  const uint8_t* classes;
  /// How many landmarks follow: the 70 of labels.md (iBUG 68, then the two pupils).
  size_t landmark_count;
  /// 2 * landmark_count floats: x0, y0, x1, y1, ... in pixel units. Hidden landmarks are
  /// projected where they are ("x-ray").
  const float* landmark_xy;
  /// landmark_count floats: camera-space depth in millimetres.
  const float* landmark_depth;
  /// landmark_count bytes: 1 when nothing opaque hides the landmark from the camera.
  const uint8_t* landmark_visible;
  /// landmark_count names, in order.
  const char* const* landmark_names;
  /// The sample's metadata as a JSON object: camera intrinsics and extrinsics, head pose,
  /// gaze, 3D landmarks, exposure, the resolved scene.
  const char* metadata_json;
} sf_writer_sample_v1;

/// What the host does for a plugin: atomic file writes (a reader, or a crash, sees the old
/// file or the complete new one, never a mix) and the bookkeeping of a sample's files. Each
/// function returns 0 on success, or non-zero with a message in `error`.
typedef struct sf_writer_host_v1 {
  /// sizeof(sf_writer_host_v1) as the host was built.
  uint32_t struct_size;
  /// Pass this as the first argument of every function below.
  void* context;
  /// Creates or replaces the file at `path` with `size` bytes, atomically. The folder must
  /// exist.
  int (*write_file)(void* context, const char* path, const void* bytes, size_t size, char* error,
                    size_t error_size);
  /// Writes 8-bit samples exactly as given (no colour encoding: label maps, masks) as a PNG
  /// of width * height pixels and 1 to 4 interleaved channels, atomically.
  int (*write_png)(void* context, const char* path, const uint8_t* samples, int32_t width,
                   int32_t height, int32_t channels, char* error, size_t error_size);
  /// Writes the current sample's image to `path`, atomically, in the format its extension
  /// names: .png or .jpg as 8-bit sRGB, .exr as linear float. The same pixels make the same
  /// bytes as the FaceSynthetics writer's {id}.png, so two formats may share that file.
  /// NULL in finish().
  int (*write_sample_image)(void* context, const char* path, char* error, size_t error_size);
  /// Declares a file of the current sample, relative to the dataset folder ("000123.png",
  /// "coco/annotations/000123.json"). The host counts a sample complete, and skips it when
  /// resuming, only while all its declared files exist: declare every file you write.
  /// NULL in finish().
  void (*add_file)(void* context, const char* relative_path);
} sf_writer_host_v1;

/// A writer instance, owned by the plugin: whatever create() returns.
typedef struct sf_writer sf_writer;

/// The plugin's descriptor: static data the host reads once, when it loads the module.
typedef struct sf_writer_plugin_v1 {
  /// SF_WRITER_ABI_VERSION as the plugin was built. Always the first field, in every
  /// version, so that the host can read it before it knows the layout.
  uint32_t abi_version;
  /// sizeof(sf_writer_plugin_v1) as the plugin was built; the host refuses a smaller one.
  uint32_t struct_size;
  /// The format's name, as users select it (`synthface render --format coco`): letters,
  /// digits, '_', '-' and '.'. The host refuses a name that is already registered.
  const char* name;
  /// One line for `synthface formats` and the studio's format list.
  const char* description;
  /// A new writer for one run, or NULL with a message in `error`.
  sf_writer* (*create)(char* error, size_t error_size);
  /// Writes one sample's files into the dataset folder `dir`, each atomically through `host`
  /// (or your own temporary file and rename), and declares them with host->add_file().
  /// Returns 0, or non-zero with a message in `error`.
  int (*write_sample)(sf_writer* writer, const char* dir, const sf_writer_sample_v1* sample,
                      const sf_writer_host_v1* host, char* error, size_t error_size);
  /// Writes the whole-dataset files (an annotation index, say) from what is on disk. Called
  /// at the end of every run, shard or resumed run, under a lock that keeps other shards
  /// out, with every complete sample index of the dataset so far, sorted ascending.
  /// `dataset_json` describes the dataset:
  ///   {"recipe": {"name": "...", "hash": "fnv1a64:..."}, "width": 512, "height": 512,
  ///    "start": 0, "count": 1000, "landmarkNames": [70 names],
  ///    "classes": {"0": "BACKGROUND", "1": "SKIN", ...}}
  /// Returns 0, or non-zero with a message in `error`.
  int (*finish)(sf_writer* writer, const char* dir, const char* dataset_json,
                const uint64_t* complete, size_t complete_count, const sf_writer_host_v1* host,
                char* error, size_t error_size);
  /// Frees a writer from create(). Never fails.
  void (*destroy)(sf_writer* writer);
} sf_writer_plugin_v1;

/// The entry point every plugin exports, as
///   SF_WRITER_PLUGIN_EXPORT const sf_writer_plugin_v1* sf_writer_plugin(void);
/// It returns a pointer to static data that lives as long as the module.
typedef const sf_writer_plugin_v1* (*sf_writer_plugin_fn)(void);

#ifdef __cplusplus
}
#endif
