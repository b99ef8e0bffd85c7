#include "face/model_summary.h"

#include <sstream>

namespace sf {

std::string describeFaceModel(const FaceModel& model, int level) {
  std::ostringstream out;
  out << "model:            " << model.name << " " << model.version << "\n"
      << "licence:          " << model.license << "\n"
      << "author:           " << model.author << "\n"
      << "identity modes:   " << model.identity.size() << "\n"
      << "expressions:      " << model.expressions.size() << "\n"
      << "correctives:      " << model.correctives.size() << "\n"
      << "joints:           " << model.joints.size() << " (";
  for (std::size_t j = 0; j < model.joints.size(); ++j) {
    out << (j ? ", " : "") << model.joints[j].name;
  }
  int faces = 0;
  for (const FacePart& part : model.parts) {
    faces += part.mesh.faceCount();
  }
  out << ")\n"
      << "landmarks:        " << model.landmarks.size() << "\n"
      << "dense landmarks:  " << model.denseLandmarks.size() << "\n"
      << "vertices:         " << model.vertexCount() << "\n"
      << "faces:            " << faces << "\n"
      << "parts:\n";
  for (const FacePart& part : model.parts) {
    // Each Catmull-Clark level turns an n-gon into n quads, then quads into four.
    long long refined = 0;
    for (int size : part.mesh.faceSizes) {
      refined += level > 0 ? size : 1;
    }
    for (int l = 1; l < level; ++l) {
      refined *= 4;
    }
    out << "  " << part.name << ": " << part.mesh.vertexCount() << " vertices, "
        << part.mesh.faceCount() << " faces";
    if (part.subdivide) {
      out << " (" << refined << " at level " << level << ")";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace sf
