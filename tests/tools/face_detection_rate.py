#!/usr/bin/env python3
"""How often face detectors trained on real photographs find SynthFace's faces.

Runs OpenCV's Haar and LBP face cascades (Debian: python3-opencv, opencv-data) over the
images of one or more datasets that `synthface render` wrote, and counts a face as found
when a detection overlaps the box of its 68 landmarks (intersection over union >= 0.3).
Rates are reported per detector, per yaw of the face away from the camera and per
expression preset, read from each sample's {id}_meta.json.

    python3 tests/tools/face_detection_rate.py DATASET [DATASET...]

A developer's check (the brief asks for the detection rate in the notes), not a test:
the cascades are not a build dependency.
"""

import glob
import json
import math
import os
import sys

import cv2
import numpy as np

CASCADES = "/usr/share/opencv4"
DETECTORS = {
    "haar_default": "haarcascades/haarcascade_frontalface_default.xml",
    "haar_alt2": "haarcascades/haarcascade_frontalface_alt2.xml",
    "lbp_improved": "lbpcascades/lbpcascade_frontalface_improved.xml",
    "haar_profile": "haarcascades/haarcascade_profileface.xml",
}
YAW_BINS = [(0, 15), (15, 30), (30, 45), (45, 60), (60, 180)]


def landmark_box(path):
    points = np.loadtxt(path)[:68]
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    return x0, y0, x1, y1


def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def face_yaw(meta):
    """Degrees the face is turned away from the camera (0 frontal, 90 profile)."""
    r = np.array(meta["headPose"]["cameraFromHead"]["rotation"])
    forward = r[:, 2]  # the head's +z (out of the face) in the camera's frame
    return math.degrees(math.atan2(abs(forward[0]), -forward[2]))


def detect(cascade, grey, mirrored_too):
    boxes = []
    for flip in ([False, True] if mirrored_too else [False]):
        image = cv2.flip(grey, 1) if flip else grey
        found = cascade.detectMultiScale(image, scaleFactor=1.1, minNeighbors=3, minSize=(24, 24))
        for x, y, w, h in found:
            if flip:
                x = grey.shape[1] - x - w
            boxes.append((x, y, x + w, y + h))
    return boxes


def main(folders):
    cascades = {}
    for name, relative in DETECTORS.items():
        cascade = cv2.CascadeClassifier(os.path.join(CASCADES, relative))
        if cascade.empty():
            sys.exit(f"face_detection_rate: cannot load {CASCADES}/{relative} (install opencv-data)")
        cascades[name] = cascade
    rows = []
    for folder in folders:
        for meta_path in sorted(glob.glob(os.path.join(folder, "*_meta.json"))):
            stem = meta_path[: -len("_meta.json")]
            if not os.path.exists(stem + ".png"):
                continue
            with open(meta_path) as f:
                meta = json.load(f)
            grey = cv2.equalizeHist(cv2.imread(stem + ".png", cv2.IMREAD_GRAYSCALE))
            box = landmark_box(stem + "_ldmks.txt")
            found = {}
            for name, cascade in cascades.items():
                boxes = detect(cascade, grey, name == "haar_profile")
                found[name] = any(iou(box, b) >= 0.3 for b in boxes)
            parameters = meta["scene"]["parameters"]
            expression = "neutral" if parameters.get("expression.neutral") else parameters.get(
                "expression.preset", "?")
            rows.append((stem, face_yaw(meta), expression, found))
    if not rows:
        sys.exit("face_detection_rate: no samples ({id}.png with {id}_meta.json) found")

    frontal = ["haar_default", "haar_alt2", "lbp_improved"]

    def summary(subset):
        n = len(subset)
        parts = [f"{name} {sum(r[3][name] for r in subset) / n:5.1%}" for name in DETECTORS]
        any_frontal = sum(any(r[3][k] for k in frontal) for r in subset) / n
        any_at_all = sum(any(r[3].values()) for r in subset) / n
        return f"n={n:3d}  " + "  ".join(parts) + f"  any-frontal {any_frontal:5.1%}  any {any_at_all:5.1%}"

    print("all                " + summary(rows))
    for lo, hi in YAW_BINS:
        subset = [r for r in rows if lo <= r[1] < hi]
        if subset:
            print(f"yaw {lo:3d}-{hi:<3d} deg     " + summary(subset))
    for expression in sorted({r[2] for r in rows}):
        subset = [r for r in rows if r[2] == expression]
        print(f"{expression:18s} " + summary(subset))
    missed = [os.path.basename(r[0]) for r in rows if r[1] < 30 and not any(r[3][k] for k in frontal)]
    if missed:
        print("missed by every frontal detector at yaw < 30: " + " ".join(missed))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
