#!/usr/bin/python3
"""Face detection rate on a rendered dataset, with OpenCV's cascades trained on real
photographs (Debian: python3-opencv, opencv-data), broken down by yaw and expression, and
whether each detection agrees with our landmarks (the box holds the landmarks' centre and
its size is within a factor of two of theirs). Not part of ctest: an evaluation.

    synthface render resources/recipes/default.json --out DIR --count 16
    /usr/bin/python3 tests/benchmarks/detect_dataset.py DIR
"""
import glob
import json
import os
import sys

import cv2
import numpy as np

CASCADES = {
    "haar": "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
    "haar-alt2": "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml",
    "lbp": "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml",
    "haar-profile": "/usr/share/opencv4/haarcascades/haarcascade_profileface.xml",
}


def yaw_bin(meta):
    p = meta["scene"]["parameters"]
    # The face's yaw as the camera sees it: the camera's orbit against the head's turn.
    yaw = abs(p.get("camera.yaw", 0.0) - p.get("head.yaw", 0.0))
    return "frontal <20" if yaw < 20 else ("3/4 20-45" if yaw < 45 else "profile >45")


def main():
    folder = sys.argv[1]
    ids = sorted(os.path.basename(f)[:-10] for f in glob.glob(os.path.join(folder, "*_meta.json")))
    if not ids:
        sys.exit(f"{folder}: no rendered samples")
    detectors = {name: cv2.CascadeClassifier(path) for name, path in CASCADES.items()}
    table = {}
    for i in ids:
        meta = json.load(open(os.path.join(folder, i + "_meta.json")))
        image = cv2.imread(os.path.join(folder, i + ".png"), cv2.IMREAD_GRAYSCALE)
        points = np.loadtxt(os.path.join(folder, i + "_ldmks.txt"))[:68]
        centre = points.mean(axis=0)
        size = max(np.ptp(points[:, 0]), np.ptp(points[:, 1]))
        expression = "neutral" if meta["scene"]["parameters"].get("expression.neutral") else \
            meta["scene"]["parameters"].get("expression.preset", "?")
        groups = [yaw_bin(meta), "expression: " + ("neutral" if expression == "neutral" else "any other")]
        for name, detector in detectors.items():
            found = agree = False
            for candidate, flip in ((image, False), (cv2.flip(image, 1), True)):
                for (x, y, w, h) in detector.detectMultiScale(candidate, 1.05, 3, minSize=(40, 40)):
                    found = True
                    cx = candidate.shape[1] - centre[0] if flip else centre[0]
                    if x <= cx <= x + w and y <= centre[1] <= y + h and 0.5 < w / size < 2.0:
                        agree = True
                if name != "haar-profile":
                    break  # only the profile cascade needs the mirror
            for g in groups + ["all"]:
                t = table.setdefault((name, g), [0, 0, 0])
                t[0] += 1
                t[1] += found
                t[2] += agree
    print(f"{len(ids)} samples of {folder}")
    print(f"{'cascade':14} {'group':22} {'found':>9} {'agrees':>9}")
    for (name, g), (n, found, agree) in sorted(table.items()):
        print(f"{name:14} {g:22} {found:4}/{n:<4} {agree:4}/{n:<4}")


if __name__ == "__main__":
    main()
