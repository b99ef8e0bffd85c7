#!/usr/bin/python3
"""Face detection rate on a `synthface model sheet`, per view, with OpenCV's cascades
trained on real photographs (Debian: python3-opencv, opencv-data). Not part of ctest:
an evaluation, like the benchmarks.

    synthface model sheet --count 16 --per-row 1 --size 240 --out sheet.png
    /usr/bin/python3 tests/benchmarks/detect_faces.py sheet.png 16
"""
import sys

import cv2

CASCADES = {
    "haar": "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
    "haar-alt2": "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml",
    "lbp": "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml",
    "haar-profile": "/usr/share/opencv4/haarcascades/haarcascade_profileface.xml",
}
VIEWS = ["front", "3/4", "side"]


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    image = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if image is None:
        sys.exit(f"{path}: cannot read the image")
    height, width = image.shape
    tile_w, tile_h = width // 3, height // count
    for name, file in CASCADES.items():
        detector = cv2.CascadeClassifier(file)
        found = [[False] * 3 for _ in range(count)]
        for row in range(count):
            for col in range(3):
                tile = image[row * tile_h:(row + 1) * tile_h, col * tile_w:(col + 1) * tile_w]
                # Profile cascades look for faces turned one way: try the mirror too.
                for candidate in (tile, cv2.flip(tile, 1)):
                    faces = detector.detectMultiScale(candidate, 1.05, 3, minSize=(40, 40))
                    if len(faces):
                        found[row][col] = True
        rates = [sum(found[r][c] for r in range(count)) for c in range(3)]
        print(f"{name:13s} " + "  ".join(f"{v}: {n}/{count}" for v, n in zip(VIEWS, rates)))


if __name__ == "__main__":
    main()
