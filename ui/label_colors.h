#pragma once

#include <QColor>

namespace sf::ui {

/// The colour of a label class of labels.md in the studio's overlays (the preview's
/// segmentation and the viewport's segmentation shading), translucent; the background is
/// fully transparent and unknown classes (ignore) grey.
inline QColor labelColor(int labelClass) {
  // One distinct colour per class, in class order.
  static const QColor colors[] = {
      QColor(0, 0, 0, 0),        QColor(230, 160, 120, 110), QColor(250, 200, 40, 150),
      QColor(40, 120, 250, 170), QColor(40, 200, 250, 170),  QColor(150, 70, 30, 170),
      QColor(200, 110, 50, 170), QColor(180, 60, 200, 160),  QColor(230, 90, 230, 160),
      QColor(120, 0, 40, 170),   QColor(240, 40, 60, 170),   QColor(200, 20, 120, 170),
      QColor(120, 180, 90, 130), QColor(90, 60, 20, 150),    QColor(60, 40, 10, 170),
      QColor(60, 90, 200, 150),  QColor(255, 255, 255, 170), QColor(250, 120, 0, 160),
      QColor(0, 200, 160, 160)};
  if (labelClass >= 0 && labelClass < int(sizeof(colors) / sizeof(colors[0]))) {
    return colors[labelClass];
  }
  return QColor(128, 128, 128, 120);
}

}  // namespace sf::ui
