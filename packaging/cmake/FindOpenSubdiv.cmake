# Finds OpenSubdiv's CPU library and headers as the imported target OpenSubdiv::osdCPU.
# Debian's own OpenSubdivConfig.cmake names a static libosdCPU.a that the package does
# not ship, so find_package(OpenSubdiv CONFIG) fails there.

find_path(OpenSubdiv_INCLUDE_DIR NAMES opensubdiv/far/topologyRefiner.h)
find_library(OpenSubdiv_CPU_LIBRARY NAMES osdCPU)
if(OpenSubdiv_INCLUDE_DIR AND EXISTS "${OpenSubdiv_INCLUDE_DIR}/opensubdiv/version.h")
  file(STRINGS "${OpenSubdiv_INCLUDE_DIR}/opensubdiv/version.h" _osd_version_line
    REGEX "^#define OPENSUBDIV_VERSION v[0-9_]+")
  string(REGEX REPLACE ".*v([0-9]+)_([0-9]+)_([0-9]+).*" "\\1.\\2.\\3"
    OpenSubdiv_VERSION "${_osd_version_line}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenSubdiv
  REQUIRED_VARS OpenSubdiv_CPU_LIBRARY OpenSubdiv_INCLUDE_DIR
  VERSION_VAR OpenSubdiv_VERSION)

if(OpenSubdiv_FOUND AND NOT TARGET OpenSubdiv::osdCPU)
  add_library(OpenSubdiv::osdCPU UNKNOWN IMPORTED)
  set_target_properties(OpenSubdiv::osdCPU PROPERTIES
    IMPORTED_LOCATION "${OpenSubdiv_CPU_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${OpenSubdiv_INCLUDE_DIR}")
endif()
mark_as_advanced(OpenSubdiv_INCLUDE_DIR OpenSubdiv_CPU_LIBRARY)
