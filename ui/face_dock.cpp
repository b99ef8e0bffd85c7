#include "face_dock.h"

#include "assets/asset_library.h"
#include "document/recipe_document.h"
#include "face/random_face.h"
#include "random/distribution_registry.h"
#include "recipe/parameter_paths.h"
#include "recipe/recipe_io.h"
#include "util/json_util.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

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

/// The names NAME of the recipe's parameters `prefix`.NAME.KEY, in order.
QStringList namesUnder(const Recipe& recipe, const std::string& prefix) {
  QStringList names;
  for (const auto& [path, json] : recipe.parameters) {
    const std::vector<std::string> parts = splitPath(path);
    if (parts.size() == 4 && path.rfind(prefix, 0) == 0) {
      const QString name = QString::fromStdString(parts[2]);
      if (!names.contains(name)) {
        names.append(name);
      }
    }
  }
  return names;
}

/// True for a name that can be one segment of a parameter path.
bool isRecipeName(const QString& name) {
  static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_-]+$"));
  return valid.match(name).hasMatch();
}

/// A value as saved in a recipe: four decimals are plenty for a slider's face.
double tidy(float value) {
  return std::round(static_cast<double>(value) * 1e4) / 1e4;
}

}  // namespace

FaceDock::FaceDock(RecipeDocument* document, QWidget* parent)
    : QDockWidget(tr("Face"), parent), m_document(document) {
  setObjectName(QStringLiteral("faceDock"));
  m_savePool.setMaxThreadCount(1);
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

  auto* personRow = new QHBoxLayout();
  personRow->addWidget(new QLabel(tr("Person"), content));
  m_people = new QComboBox(content);
  m_people->setToolTip(tr("Set the identity to a named person of the recipe (identity.people)"));
  personRow->addWidget(m_people, 1);
  layout->addLayout(personRow);
  connect(m_people, &QComboBox::activated, this, [this](int index) {
    if (index > 0) {
      applyPerson(m_people->itemText(index));
    }
  });

  auto* saveRow = new QHBoxLayout();
  auto* saveExpressionButton = new QPushButton(tr("Save &Expression..."), content);
  m_saveExpressionButton = saveExpressionButton;
  saveExpressionButton->setObjectName(QStringLiteral("saveExpression"));
  saveExpressionButton->setToolTip(
      tr("Save the expression sliders as a preset of the recipe, or as an expression of a "
         "library that any recipe can use"));
  auto* savePersonButton = new QPushButton(tr("Save &Person..."), content);
  savePersonButton->setObjectName(QStringLiteral("savePerson"));
  savePersonButton->setToolTip(
      tr("Save the identity sliders as a named person of the recipe, for datasets of fixed "
         "people (identity.person chooses among them)"));
  auto* openModelButton = new QPushButton(tr("Open &Model..."), content);
  openModelButton->setObjectName(QStringLiteral("openModel"));
  openModelButton->setToolTip(
      tr("Make another face model the recipe's: a SynthFace model (.sfm), or a head to import "
         "(glTF, FBX, OBJ, MakeHuman)"));
  saveRow->addWidget(saveExpressionButton);
  saveRow->addWidget(savePersonButton);
  saveRow->addWidget(openModelButton);
  layout->addLayout(saveRow);
  saveExpressionButton->setEnabled(m_document != nullptr);
  savePersonButton->setEnabled(m_document != nullptr);
  openModelButton->setEnabled(m_document != nullptr);
  connect(saveExpressionButton, &QPushButton::clicked, this, &FaceDock::promptSaveExpression);
  connect(savePersonButton, &QPushButton::clicked, this, [this] {
    promptAndSave(tr("Person"), namesUnder(m_document->recipe(), "identity.people."),
                  &FaceDock::savePerson);
  });
  connect(openModelButton, &QPushButton::clicked, this, &FaceDock::openModelRequested);
  if (m_document) {
    connect(m_document, &RecipeDocument::changed, this, &FaceDock::listRecipeNames);
  }
  listRecipeNames();

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

void FaceDock::setLibraryExpressions(std::map<std::string, ExpressionAsset> expressions) {
  m_libraryExpressions = std::move(expressions);
  listRecipeNames();
}

bool FaceDock::applyPreset(const QString& name) {
  Recipe recipe = m_document ? m_document->recipe() : Recipe{};
  const std::string preset = name.toStdString();
  // The preset's shapes: the built-in ones, the library expression's and the recipe's.
  std::set<std::string> shapes;
  const auto& builtin = builtinExpressionPresets();
  const auto known = builtin.find(preset);
  if (known != builtin.end()) {
    for (const auto& [shape, json] : known->second) {
      shapes.insert(shape);
    }
  }
  const std::string prefix = "expression.presets." + preset + ".";
  const auto library = m_libraryExpressions.find(preset);
  if (library != m_libraryExpressions.end()) {
    // Its weights, where the recipe does not give the entry a distribution of its own.
    for (const auto& [shape, weight] : library->second.shapes) {
      shapes.insert(shape);
      recipe.parameters.emplace(prefix + shape, weight);
    }
  }
  for (const auto& [path, json] : recipe.parameters) {
    if (path.rfind(prefix, 0) == 0) {
      shapes.insert(path.substr(prefix.size()));
    }
  }
  if (known == builtin.end() && library == m_libraryExpressions.end() && shapes.empty()) {
    return false;
  }
  if (library != m_libraryExpressions.end()) {
    m_pose.gazeYaw = static_cast<float>(library->second.gazeYaw);
    m_pose.gazePitch = static_cast<float>(library->second.gazePitch);
  }
  FaceState state = m_state;
  std::fill(state.expression.begin(), state.expression.end(), 0.0f);
  // The preset's distributions, by path; linked ones read their source through a scope
  // that answers with the source's median.
  std::map<std::string, std::shared_ptr<const Distribution>> distributions;
  for (const std::string& shape : shapes) {
    try {
      distributions[prefix + shape] = parameterDistribution(recipe, prefix + shape);
    } catch (const std::exception&) {
      // A distribution that does not parse: the shape stays at 0.
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
  for (const std::string& shape : shapes) {
    const auto index =
        std::find_if(m_counts.expressions.begin(), m_counts.expressions.end(),
                     [&](const MorphTarget& target) { return target.name == shape; });
    if (index == m_counts.expressions.end() || distributions.count(prefix + shape) == 0) {
      continue;  // a shape this model does not have
    }
    try {
      const Value median = scope.valueOf(prefix + shape);
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

bool FaceDock::applyPerson(const QString& name) {
  if (!m_document) {
    return false;
  }
  const Recipe& recipe = m_document->recipe();
  const std::string prefix = "identity.people." + name.toStdString() + ".";
  FaceState state = m_state;
  std::fill(state.identity.begin(), state.identity.end(), 0.0f);
  bool found = false;
  for (const auto& [path, json] : recipe.parameters) {
    if (path.rfind(prefix, 0) != 0) {
      continue;
    }
    found = true;
    const std::string mode = path.substr(prefix.size());
    const auto index = std::find_if(m_counts.identity.begin(), m_counts.identity.end(),
                                    [&](const MorphTarget& target) { return target.name == mode; });
    if (index != m_counts.identity.end() && json.is_number()) {
      state.identity[static_cast<std::size_t>(index - m_counts.identity.begin())] =
          json.get<float>();
    }
  }
  if (found) {
    setFaceState(state);
  }
  return found;
}

QString FaceDock::storeNamed(const std::string& prefix, const std::map<std::string, double>& values,
                             const QString& step) {
  Recipe recipe = m_document->recipe();
  std::erase_if(recipe.parameters,
                [&](const auto& entry) { return entry.first.rfind(prefix, 0) == 0; });
  for (const auto& [key, value] : values) {
    recipe.parameters[prefix + key] = value;
  }
  return m_document->replaceRecipe(recipe, step);
}

FaceDock::~FaceDock() {
  // A library write in flight finishes (a half-written library is worse than a wait); its
  // report to this dock is dropped with the dock.
  m_savePool.waitForDone();
}

QString FaceDock::saveExpression(const QString& name) {
  if (!m_document) {
    return tr("no recipe to save to");
  }
  if (!isRecipeName(name)) {
    return tr("\"%1\" is not a preset name: use letters, digits, '_' and '-'").arg(name);
  }
  if (builtinExpressionPresets().contains(name.toStdString())) {
    return tr("\"%1\" is a built-in preset: choose another name").arg(name);
  }
  const std::map<std::string, double> weights = expressionWeights();
  if (weights.empty()) {
    return tr("every expression slider is at zero: there is no expression to save");
  }
  return storeNamed("expression.presets." + name.toStdString() + ".", weights,
                    tr("Save Expression %1").arg(name));
}

std::map<std::string, double> FaceDock::expressionWeights() const {
  std::map<std::string, double> weights;
  for (std::size_t i = 0; i < m_counts.expressions.size() && i < m_state.expression.size(); ++i) {
    if (const double weight = tidy(m_state.expression[i]); weight > 0.0) {
      weights[m_counts.expressions[i].name] = weight;
    }
  }
  return weights;
}

QString FaceDock::saveExpressionToLibrary(const QString& name, const QString& licence,
                                          bool replace) {
  if (!m_document) {
    return tr("no recipe to save to");
  }
  if (m_savingExpression) {
    return tr("an expression is still being saved: wait for it to finish");
  }
  if (m_libraryBusy && m_libraryBusy()) {
    return tr("the library is busy importing: save again when the import is done");
  }
  if (!isRecipeName(name)) {
    return tr("\"%1\" is not an expression name: use letters, digits, '_' and '-'").arg(name);
  }
  if (licence.trimmed().isEmpty()) {
    return tr(
        "give the expression's licence (such as CC0-1.0): datasets record the licences "
        "of the assets they use");
  }
  ExpressionAsset expression;
  expression.shapes = expressionWeights();
  if (expression.shapes.empty()) {
    return tr("every expression slider is at zero: there is no expression to save");
  }
  // The recipe's library, or the user's, which the recipe then draws from.
  const std::filesystem::path named =
      RecipeDocument::libraryPathOf(m_document->recipe(), m_document->baseDir());
  ImportOptions options;
  options.name = name.toStdString();
  options.licence = licence.trimmed().toStdString();
  options.tags = {"studio"};
  m_savingExpression = true;
  if (m_saveExpressionButton) {
    m_saveExpressionButton->setEnabled(false);
  }
  emit libraryExpressionSaveStarted(name);
  // The thumbnail is a render of the head: a second or more, so not on the GUI thread.
  m_savePool.start([this, expression, options, replace, named, name] {
    QString id = name;
    QString folder;
    QString error;
    std::string indexPath;
    try {
      AssetLibrary library = named.empty() ? AssetLibrary::openUserLibrary()
                                           : AssetLibrary::open(std::filesystem::is_directory(named)
                                                                    ? named
                                                                    : named.parent_path());
      id = QString::fromStdString(library.addExpression(expression, options, replace).id);
      folder = QString::fromStdString(library.folder().string());
      indexPath = library.indexPath().string();
    } catch (const std::exception& failure) {
      error = QString::fromStdString(failure.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, id, folder, indexPath, userLibrary = named.empty(), error] {
          finishSavingExpression(id, folder, indexPath, userLibrary, error);
        },
        Qt::QueuedConnection);
  });
  return QString();
}

void FaceDock::finishSavingExpression(const QString& id, const QString& folder,
                                      const std::string& indexPath, bool userLibrary,
                                      QString error) {
  m_savingExpression = false;
  if (m_saveExpressionButton) {
    m_saveExpressionButton->setEnabled(m_document != nullptr);
  }
  // The recipe may have changed meanwhile: it takes the user's library only if it still
  // draws from none.
  if (error.isEmpty() && userLibrary && m_document && m_document->recipe().library.empty()) {
    Recipe recipe = m_document->recipe();
    recipe.library = indexPath;
    error = m_document->replaceRecipe(recipe, tr("Use Library for %1").arg(id));
  }
  if (!error.isEmpty()) {
    emit libraryExpressionFailed(id, error);
    return;
  }
  emit libraryExpressionSaved(folder, id);
}

void FaceDock::promptSaveExpression() {
  if (!m_document) {
    return;
  }
  QDialog dialog(this);
  dialog.setWindowTitle(tr("Save Expression"));
  auto* form = new QFormLayout(&dialog);
  auto* name = new QLineEdit(&dialog);
  name->setObjectName(QStringLiteral("expressionName"));
  auto* where = new QComboBox(&dialog);
  where->setObjectName(QStringLiteral("expressionDestination"));
  const Recipe& recipe = m_document->recipe();
  where->addItem(tr("This recipe (a preset under expression.presets)"));
  where->addItem(recipe.library.empty()
                     ? tr("My library (the recipe will draw from it)")
                     : tr("The recipe's library (%1)").arg(QString::fromStdString(recipe.library)));
  auto* licence = new QLineEdit(QStringLiteral("CC0-1.0"), &dialog);
  licence->setObjectName(QStringLiteral("expressionLicence"));
  licence->setToolTip(tr("Library assets carry a licence: datasets that use them record it"));
  licence->setEnabled(false);
  connect(where, &QComboBox::currentIndexChanged, licence,
          [licence](int index) { licence->setEnabled(index == 1); });
  form->addRow(tr("Name:"), name);
  form->addRow(tr("Save to:"), where);
  form->addRow(tr("Licence:"), licence);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, &dialog);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  if (dialog.exec() != QDialog::Accepted || name->text().trimmed().isEmpty()) {
    return;
  }
  const QString chosen = name->text().trimmed();
  QString error;
  if (where->currentIndex() == 0) {
    if (namesUnder(recipe, "expression.presets.").contains(chosen) &&
        QMessageBox::question(
            this, tr("Save Expression"),
            tr("The recipe has an expression named \"%1\". Replace it?").arg(chosen)) !=
            QMessageBox::Yes) {
      return;
    }
    error = saveExpression(chosen);
  } else {
    const std::string id = "expression/" + chosen.toLower().toStdString();
    const bool exists = m_libraryExpressions.contains(id);
    if (exists &&
        QMessageBox::question(
            this, tr("Save Expression"),
            tr("The library has an expression %1. Replace it?").arg(QString::fromStdString(id))) !=
            QMessageBox::Yes) {
      return;
    }
    error = saveExpressionToLibrary(chosen, licence->text(), exists);
  }
  if (!error.isEmpty()) {
    QMessageBox::warning(this, tr("Save Expression"), error);
  }
}

QString FaceDock::savePerson(const QString& name) {
  if (!m_document) {
    return tr("no recipe to save to");
  }
  if (!isRecipeName(name)) {
    return tr("\"%1\" is not a person's name: use letters, digits, '_' and '-'").arg(name);
  }
  if (m_counts.identity.empty()) {
    return tr("the model has no identity modes");
  }
  std::map<std::string, double> modes;
  for (std::size_t i = 0; i < m_counts.identity.size() && i < m_state.identity.size(); ++i) {
    if (const double coefficient = tidy(m_state.identity[i]); coefficient != 0.0) {
      modes[m_counts.identity[i].name] = coefficient;
    }
  }
  if (modes.empty()) {
    modes[m_counts.identity.front().name] = 0.0;  // the template face: one mode names it
  }
  return storeNamed("identity.people." + name.toStdString() + ".", modes,
                    tr("Save Person %1").arg(name));
}

void FaceDock::promptAndSave(const QString& what, const QStringList& existing,
                             QString (FaceDock::*save)(const QString&)) {
  bool ok = false;
  const QString name =
      QInputDialog::getText(this, tr("Save %1").arg(what), tr("%1 name:").arg(what),
                            QLineEdit::Normal, QString(), &ok)
          .trimmed();
  if (!ok || name.isEmpty()) {
    return;
  }
  if (existing.contains(name) &&
      QMessageBox::question(
          this, tr("Save %1").arg(what),
          tr("The recipe has a %1 named \"%2\". Replace it?").arg(what.toLower(), name)) !=
          QMessageBox::Yes) {
    return;
  }
  if (const QString error = (this->*save)(name); !error.isEmpty()) {
    QMessageBox::warning(this, tr("Save %1").arg(what), error);
  }
}

void FaceDock::listRecipeNames() {
  const Recipe recipe = m_document ? m_document->recipe() : Recipe{};
  QStringList presets;
  for (const auto& [name, shapes] : builtinExpressionPresets()) {
    presets.append(QString::fromStdString(name));
  }
  for (const QString& name : namesUnder(recipe, "expression.presets.")) {
    if (!presets.contains(name)) {
      presets.append(name);
    }
  }
  for (const auto& [id, expression] : m_libraryExpressions) {
    if (const QString name = QString::fromStdString(id); !presets.contains(name)) {
      presets.append(name);
    }
  }
  m_presets->clear();
  m_presets->addItem(tr("(choose)"));
  m_presets->addItems(presets);
  m_people->clear();
  const QStringList people = namesUnder(recipe, "identity.people.");
  m_people->addItem(people.isEmpty() ? tr("(none saved)") : tr("(choose)"));
  m_people->addItems(people);
  m_people->setEnabled(!people.isEmpty());
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
