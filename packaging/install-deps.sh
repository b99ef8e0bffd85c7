#!/usr/bin/env bash
# Installs the Debian 12 packages SynthFace needs to build, test and run.
# Idempotent: asks apt only for what is missing. Runs apt as root, or through sudo.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache clang-format
  # Qt 6 (Widgets, Qt3D, QtTest). libqt6opengl6-dev is listed by hand: qt6-3d-dev
  # does not depend on it, but find_package(Qt6 COMPONENTS 3DRender) needs it.
  qt6-base-dev libqt6opengl6-dev qt6-3d-dev
  # core libraries. openimageio-tools: OIIO's CMake config checks for its tools.
  libeigen3-dev libosd-dev libassimp-dev libopenimageio-dev openimageio-tools
  libembree-dev libtbb-dev nlohmann-json3-dev
  # headless GUI: Xvfb with Mesa's software OpenGL, a font for widget text,
  # and xauth for xvfb-run
  xvfb xauth libgl1-mesa-dri fonts-dejavu-core
  # eight CC0 photographed HDRI environments (Blender's studio lights), indexed as
  # built-in environments when present
  blender-data
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and neither root nor sudo" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
