#include "face_dock.h"

#include "face/random_face.h"
#include "random/distribution_registry.h"
#include "recipe/parameter_paths.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

namespace sf::ui {

namespace {

// Identity sliders move in hundredths of a standard deviation over +-3; expression sliders
// in hundredths of a weight over 0..1.
constexpr int kIdentityTicks = 300;
constexpr int kExpressionTicks = 100;

/// The pose sliders: their names, the recipe paths they mirror, and their ranges in degrees.
struct PoseSlider {
  const char* name;
  float HeadPose::*angle;
  int range;
};
constexpr PoseSlider kPoseSliders[] = {
    {"head.yaw", &HeadPose::yaw, 90},         {"head.pitch", &HeadPose::pitch, 45},
    {"head.roll", &HeadPose::roll, 45},       {"gaze.yaw", &HeadPose::gazeYaw, 40},
    {"gaze.pitch", &HeadPose::gazePitch, 30},
};

}  // namespace

FaceDock::FaceDock(QWidget* parent) : QDockWidget(tr("Face"), parent) {
  setObjectName(QStringLiteral("faceDock"));
  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  m_search = new QLineEdit(content);
  m_search->setPlaceholderText(tr("Search sliders (nose, jaw, smile...)"));
  m_search->setClearButtonEnabled(true);
  layout->addWidget(m_search);
  connect(m_search, &QLineEdit::textChanged, this, &FaceDock::setFilter);

  auto* buttons = new QHBoxLayout();
  auto* resetButton = new QPushButton(tr("&Reset"), content);
  auto* randomButton = new QPushButton(tr("R&andomize"), content);
  resetButton->setToolTip(tr("Back to the template: every coefficient zero"));
  randomButton->setToolTip(tr("A random identity and expression"));
  buttons->addWidget(resetButton);
  buttons->addWidget(randomButton);
  layout->addLayout(buttons);
  connect(resetButton, &QPushButton::clicked, this, &FaceDock::reset);
  connect(randomButton, &QPushButton::clicked, this, &FaceDock::randomize);

  auto* presetRow = new QHBoxLayout();
  presetRow->addWidget(new QLabel(tr("Expression preset"), content));
  m_presets = new QComboBox(content);
  m_presets->addItem(tr("(choose)"));
  for (const auto& [name, shapes] : builtinExpressionPresets()) {
    m_presets->addItem(QString::fromStdString(name));
  }
  m_presets->setToolTip(
      tr("Set the expression to a preset of the recipe language: each of its "
         "blendshapes at the median of its distribution"));
  presetRow->addWidget(m_presets, 1);
  layout->addLayout(presetRow);
  connect(m_presets, &QComboBox::activated, this, [this](int index) {
    if (index > 0) {
      applyPreset(m_presets->itemText(index));
    }
  });

  auto* scroll = new QScrollArea(content);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_rowsHost = new QWidget(scroll);
  m_rowsHost->setLayout(new QVBoxLayout());
  scroll->setWidget(m_rowsHost);
  layout->addWidget(scroll, 1);
  content->setMinimumWidth(300);
  setWidget(content);
}

void FaceDock::setModel(const FaceModel& model) {
  m_counts = FaceModel{};
  m_counts.identity.reserve(model.identity.size());
  for (const MorphTarget& mode : model.identity) {
    m_counts.identity.push_back({mode.name, mode.group, mode.sigma, {}, {}, {}});
  }
  for (const MorphTarget& shape : model.expressions) {
    m_counts.expressions.push_back({shape.name, shape.group, shape.sigma, {}, {}, {}});
  }
  m_state = FaceState{};
  m_state.identity.assign(model.identity.size(), 0.0f);
  m_state.expression.assign(model.expressions.size(), 0.0f);
  m_randomIndex = 0;
  buildRows(model);
  setFilter(m_search->text());
  showValues();
}

void FaceDock::buildRows(const FaceModel& model) {
  for (const Row& row : m_rows) {
    delete row.widget;
  }
  for (QWidget* header : m_groupHeaders) {
    delete header;
  }
  m_rows.clear();
  m_groupHeaders.clear();
  auto* layout = static_cast<QVBoxLayout*>(m_rowsHost->layout());
  while (QLayoutItem* item = layout->takeAt(0)) {
    delete item;
  }

  auto addSection = [&](const std::vector<MorphTarget>& targets, bool identity) {
    QString group;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const MorphTarget& target = targets[i];
      const QString targetGroup = QString::fromStdString(target.group);
      if (targetGroup != group) {
        group = targetGroup;
        auto* header = new QLabel(QStringLiteral("<b>%1: %2</b>")
                                      .arg(identity ? tr("Identity") : tr("Expression"), group),
                                  m_rowsHost);
        layout->addWidget(header);
        m_groupHeaders.push_back(header);
      }
      Row row;
      row.name = QString::fromStdString(target.name);
      row.group = group;
      row.identity = identity;
      row.index = static_cast<int>(i);
      row.widget = new QWidget(m_rowsHost);
      auto* grid = new QGridLayout(row.widget);
      grid->setContentsMargins(0, 0, 0, 0);
      auto* label = new QLabel(row.name, row.widget);
      row.value = new QLabel(row.widget);
      row.value->setMinimumWidth(48);
      row.value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
      row.slider = new QSlider(Qt::Horizontal, row.widget);
      row.slider->setObjectName(row.name);
      row.slider->setRange(identity ? -kIdentityTicks : 0,
                           identity ? kIdentityTicks : kExpressionTicks);
      row.slider->setToolTip(identity ? tr("%1: standard deviations (1 SD = %2)")
                                            .arg(row.name)
                                            .arg(static_cast<double>(target.sigma))
                                      : tr("%1: weight 0..1").arg(row.name));
      grid->addWidget(label, 0, 0);
      grid->addWidget(row.value, 0, 1);
      grid->addWidget(row.slider, 1, 0, 1, 2);
      layout->addWidget(row.widget);
      const std::size_t rowIndex = m_rows.size();
      connect(row.slider, &QSlider::valueChanged, this, [this, rowIndex](int ticks) {
        if (m_updating) {
          return;
        }
        const Row& changed = m_rows[rowIndex];
        if (changed.identity) {
          m_state.identity[static_cast<std::size_t>(changed.index)] =
              static_cast<float>(ticks) / 100.0f;
        } else {
          m_state.expression[static_cast<std::size_t>(changed.index)] =
              static_cast<float>(ticks) / kExpressionTicks;
        }
        changed.value->setText(QString::number(ticks / 100.0, 'f', 2));
        announce();
      });
      m_rows.push_back(row);
    }
  };
  // Pose: head and gaze angles in degrees, as the recipe's head.* and gaze.* paths.
  auto* poseHeader =
      new QLabel(QStringLiteral("<b>%1</b>").arg(tr("Pose: head and gaze")), m_rowsHost);
  layout->addWidget(poseHeader);
  m_groupHeaders.push_back(poseHeader);
  for (std::size_t i = 0; i < std::size(kPoseSliders); ++i) {
    Row row;
    row.name = QString::fromLatin1(kPoseSliders[i].name);
    row.group = tr("pose");
    row.pose = true;
    row.identity = false;
    row.index = static_cast<int>(i);
    row.widget = new QWidget(m_rowsHost);
    auto* grid = new QGridLayout(row.widget);
    grid->setContentsMargins(0, 0, 0, 0);
    row.value = new QLabel(row.widget);
    row.value->setMinimumWidth(48);
    row.value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    row.slider = new QSlider(Qt::Horizontal, row.widget);
    row.slider->setObjectName(row.name);
    row.slider->setRange(-kPoseSliders[i].range, kPoseSliders[i].range);
    row.slider->setToolTip(tr("%1 in degrees").arg(row.name));
    grid->addWidget(new QLabel(row.name, row.widget), 0, 0);
    grid->addWidget(row.value, 0, 1);
    grid->addWidget(row.slider, 1, 0, 1, 2);
    layout->addWidget(row.widget);
    const std::size_t rowIndex = m_rows.size();
    connect(row.slider, &QSlider::valueChanged, this, [this, rowIndex](int degrees) {
      if (m_updating) {
        return;
      }
      const Row& changed = m_rows[rowIndex];
      m_pose.*kPoseSliders[static_cast<std::size_t>(changed.index)].angle =
          static_cast<float>(degrees);
      changed.value->setText(QStringLiteral("%1°").arg(degrees));
      announce();
    });
    m_rows.push_back(row);
  }
  addSection(model.identity, true);
  addSection(model.expressions, false);
  layout->addStretch(1);
}

void FaceDock::setFace(const FaceState& state, const HeadPose& pose) {
  m_pose = pose;
  setFaceState(state);
}

bool FaceDock::applyPreset(const QString& name) {
  const auto& presets = builtinExpressionPresets();
  const auto preset = presets.find(name.toStdString());
  if (preset == presets.end()) {
    return false;
  }
  FaceState state = m_state;
  std::fill(state.expression.begin(), state.expression.end(), 0.0f);
  // The preset's distributions, by path; linked ones read their source through a scope
  // that answers with the source's median.
  std::map<std::string, std::shared_ptr<const Distribution>> distributions;
  for (const auto& [shape, json] : preset->second) {
    Diagnostics diagnostics;
    if (auto distribution = DistributionRegistry::instance().parse(json, "", diagnostics)) {
      distributions["expression.presets." + preset->first + "." + shape] = distribution;
    }
  }
  struct MedianScope : SampleScope {
    const std::map<std::string, std::shared_ptr<const Distribution>>* distributions = nullptr;
    Value valueOf(const std::string& path) const override { return valueOfAt(path, 0.5); }
    double uniformOf(const std::string&) const override { return 0.5; }
    Value valueOfAt(const std::string& path, double u) const override {
      const auto it = distributions->find(path);
      if (it == distributions->end()) {
        return 0.0;
      }
      DrawContext context(0, 0, path);
      context.withScope(this);
      return it->second->fromUniform(u, context);
    }
  } scope;
  scope.distributions = &distributions;
  for (const auto& [shape, json] : preset->second) {
    const auto index =
        std::find_if(m_counts.expressions.begin(), m_counts.expressions.end(),
                     [&](const MorphTarget& target) { return target.name == shape; });
    const std::string path = "expression.presets." + preset->first + "." + shape;
    if (index == m_counts.expressions.end() || distributions.count(path) == 0) {
      continue;  // a shape this model does not have
    }
    try {
      const Value median = scope.valueOf(path);
      const double weight = std::holds_alternative<double>(median) ? std::get<double>(median) : 0.0;
      state.expression[static_cast<std::size_t>(index - m_counts.expressions.begin())] =
          static_cast<float>(std::clamp(weight, 0.0, 1.0));
    } catch (const std::exception&) {
      // A distribution that needs more of a sample than a preset has: leave the shape at 0.
    }
  }
  setFaceState(state);
  return true;
}

void FaceDock::setFaceState(const FaceState& state) {
  m_state = state;
  m_state.identity.resize(m_counts.identity.size(), 0.0f);
  m_state.expression.resize(m_counts.expressions.size(), 0.0f);
  showValues();
  announce();
}

void FaceDock::showValues() {
  m_updating = true;
  for (const Row& row : m_rows) {
    if (row.pose) {
      const float degrees = m_pose.*kPoseSliders[static_cast<std::size_t>(row.index)].angle;
      row.slider->setValue(static_cast<int>(std::lround(degrees)));
      row.value->setText(QStringLiteral("%1°").arg(std::lround(degrees)));
      continue;
    }
    const float value = row.identity ? m_state.identity[static_cast<std::size_t>(row.index)]
                                     : m_state.expression[static_cast<std::size_t>(row.index)];
    row.slider->setValue(static_cast<int>(std::lround(value * 100.0f)));
    row.value->setText(QString::number(static_cast<double>(value), 'f', 2));
  }
  m_updating = false;
}

void FaceDock::announce() {
  emit faceStateChanged(m_state);
}

void FaceDock::setFilter(const QString& text) {
  const QString needle = text.trimmed();
  for (const Row& row : m_rows) {
    const bool match = needle.isEmpty() || row.name.contains(needle, Qt::CaseInsensitive) ||
                       row.group.contains(needle, Qt::CaseInsensitive);
    row.widget->setVisible(match);
  }
  // Group headers only while their group shows a slider.
  for (QWidget* header : m_groupHeaders) {
    header->setVisible(needle.isEmpty());
  }
}

QSlider* FaceDock::slider(const QString& name) const {
  for (const Row& row : m_rows) {
    if (row.name == name) {
      return row.slider;
    }
  }
  return nullptr;
}

void FaceDock::reset() {
  setFace(FaceState{}, HeadPose{});
}

void FaceDock::randomize() {
  // The same series as `synthface model sheet` (seed 1), from face 1 on.
  setFaceState(randomFaceState(m_counts, 1, ++m_randomIndex));
}

}  // namespace sf::ui
