# Finds the third-party libraries, working around Debian 12 packaging bugs
# (see the README's "Building" section).

find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(TBB REQUIRED)
find_package(embree 3 REQUIRED)
find_package(assimp REQUIRED)
find_package(OpenSubdiv REQUIRED)  # our FindOpenSubdiv.cmake: Debian's config is broken

# Debian's OpenImageIO config lists /usr/include/opencv4, which does not exist, as an
# include directory of its target; CMake refuses to generate with it. Drop that entry.
find_package(OpenImageIO REQUIRED CONFIG)
get_target_property(_sf_oiio_includes OpenImageIO::OpenImageIO INTERFACE_INCLUDE_DIRECTORIES)
if(_sf_oiio_includes)
  list(FILTER _sf_oiio_includes EXCLUDE REGEX "opencv4")
  set_target_properties(OpenImageIO::OpenImageIO PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_sf_oiio_includes}")
endif()

if(SF_BUILD_STUDIO OR SF_BUILD_TESTS)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets Test)
endif()
if(SF_BUILD_STUDIO)
  find_package(Qt6 6.4 REQUIRED COMPONENTS 3DCore 3DRender 3DInput 3DExtras)
endif()
