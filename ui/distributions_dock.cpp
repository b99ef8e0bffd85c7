#include "distributions_dock.h"

#include "document/recipe_document.h"
#include "histogram_widget.h"

#include "random/distribution_registry.h"
#include "recipe/parameter_paths.h"
#include "scene/scene_compiler.h"
#include "util/json_util.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <set>

namespace sf::ui {

namespace {

using nlohmann::json;

constexpr int kPathRole = Qt::UserRole;            ///< a row's parameter path; empty for groups
constexpr int kGroupDepthRole = Qt::UserRole + 1;  ///< 0 for a top group, more below

/// The registered type of a distribution in recipe JSON; "constant" for a bare value.
std::string typeOf(const json& distribution) {
  if (distribution.is_object()) {
    const auto type = distribution.find("type");
    if (type != distribution.end() && type->is_string()) {
      return type->get<std::string>();
    }
  }
  return "constant";
}

bool isNumericKind(ValueKind kind) {
  return kind == ValueKind::Number || kind == ValueKind::Integer;
}

/// A number in a summary or a field: up to four significant digits, integers as such.
QString formatNumber(double value) {
  if (std::abs(value) < 1e15 && value == std::round(value)) {
    return QString::number(static_cast<long long>(value));
  }
  return QString::number(value, 'g', 4);
}

QString scalarText(const json& value) {
  if (value.is_number()) {
    return formatNumber(value.get<double>());
  }
  if (value.is_string()) {
    return QString::fromStdString(value.get<std::string>());
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
  }
  if (value.is_null()) {
    return QStringLiteral("none");
  }
  return QString::fromStdString(value.dump());
}

/// The unit as a spin box suffix: "°" for degrees, " mm" for the rest.
QString unitSuffix(const std::string& unit) {
  if (unit.empty()) {
    return {};
  }
  if (unit == "deg") {
    return QString(QChar(0x00B0));
  }
  return QLatin1Char(' ') + QString::fromStdString(unit);
}

/// One line for a distribution: "truncatedNormal(0, 30) [-90, 90]", "constant 35",
/// "categorical: smile 3, frown 1".
QString summarize(const json& distribution) {
  if (!distribution.is_object()) {
    return QStringLiteral("constant ") + scalarText(distribution);
  }
  const std::string type = typeOf(distribution);
  const QString name = QString::fromStdString(type);
  auto key = [&](const char* k) {
    return distribution.contains(k) ? scalarText(distribution.at(k)) : QStringLiteral("?");
  };
  auto range = [&] { return QStringLiteral(" [%1, %2]").arg(key("min"), key("max")); };
  if (type == "constant") {
    return QStringLiteral("constant ") + key("value");
  }
  if (type == "uniform") {
    return name + range();
  }
  if (type == "normal" || type == "truncatedNormal") {
    return QStringLiteral("%1(%2, %3)").arg(name, key("mean"), key("sigma")) +
           (type == "truncatedNormal" ? range() : QString());
  }
  if (type == "logNormal") {
    return QStringLiteral("%1(%2, %3)").arg(name, key("mu"), key("sigma"));
  }
  if (type == "beta") {
    return QStringLiteral("%1(%2, %3)").arg(name, key("alpha"), key("beta")) +
           (distribution.contains("min") || distribution.contains("max") ? range() : QString());
  }
  if (type == "bernoulli") {
    return QStringLiteral("%1(%2)").arg(name, key("p"));
  }
  if (type == "categorical" && distribution.value("values", json()).is_array()) {
    const json& values = distribution.at("values");
    const json weights = distribution.value("weights", json());
    QStringList parts;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const bool weighted = weights.is_array() && i < weights.size();
      parts.append(weighted ? scalarText(values[i]) + QLatin1Char(' ') + scalarText(weights[i])
                            : scalarText(values[i]));
    }
    return name + QStringLiteral(": ") + parts.join(QStringLiteral(", "));
  }
  if (type == "assetChoice") {
    QString text = name;
    if (distribution.contains("kind")) {
      text += QStringLiteral(": ") + key("kind");
    }
    if (distribution.value("tags", json()).is_array()) {
      QStringList tags;
      for (const json& tag : distribution.at("tags")) {
        tags.append(scalarText(tag));
      }
      text += QStringLiteral(" [%1]").arg(tags.join(QStringLiteral(", ")));
    }
    return text;
  }
  if (type == "linked") {
    return QStringLiteral("linked to %1").arg(key("source")) +
           (distribution.contains("correlation") ? QStringLiteral(" (r %1)").arg(key("correlation"))
                                                 : QString());
  }
  if (type == "mixture") {
    return QStringLiteral("mixture of %1").arg(distribution.value("components", json()).size());
  }
  if (type == "conditional") {
    const std::size_t rules = distribution.value("rules", json()).size();
    return QStringLiteral("conditional: %1 rule%2, else %3")
        .arg(rules)
        .arg(rules == 1 ? QString() : QStringLiteral("s"))
        .arg(summarize(distribution.value("otherwise", json())));
  }
  // A plugin's type: its scalar keys in order.
  QStringList parts;
  for (const auto& [k, v] : distribution.items()) {
    if (k != "type" && v.is_primitive()) {
      parts.append(QString::fromStdString(k) + QLatin1Char('=') + scalarText(v));
    }
  }
  return QStringLiteral("%1(%2)").arg(name, parts.join(QStringLiteral(", ")));
}

/// Parses a distribution as the recipe would; nullptr when it does not parse.
std::shared_ptr<const Distribution> tryParse(const json& distribution) {
  Diagnostics diagnostics;
  try {
    return DistributionRegistry::instance().parse(distribution, "", diagnostics,
                                                  &parameterPathResolver());
  } catch (const std::exception&) {
    return nullptr;
  }
}

/// The asset kind an asset choice inside `distribution` draws ("hair"), or empty.
std::string assetKindOf(const json& distribution) {
  if (distribution.is_object()) {
    if (typeOf(distribution) == "assetChoice") {
      return distribution.value("kind", std::string());
    }
    for (const auto& [key, value] : distribution.items()) {
      if (const std::string kind = assetKindOf(value); !kind.empty()) {
        return kind;
      }
    }
  } else if (distribution.is_array()) {
    for (const json& value : distribution) {
      if (const std::string kind = assetKindOf(value); !kind.empty()) {
        return kind;
      }
    }
  }
  return {};
}

/// A parameter path other than `except` whose values are of `kind` and whose default
/// draws on its own (so that linking to it makes no cycle); one of the same group first
/// (camera.pitch for camera.yaw).
std::string pathOfKind(ValueKind kind, const std::string& except) {
  const std::string group = except.substr(0, except.find('.') + 1);
  std::string found;
  for (const ParameterInfo& info : parameterTable()) {
    const std::string type = typeOf(info.defaultValue);
    if (!info.isPattern() && info.kind == kind && info.path != except && type != "linked" &&
        type != "conditional") {
      if (info.path.starts_with(group)) {
        return info.path;
      }
      if (found.empty()) {
        found = info.path;
      }
    }
  }
  return found;
}

/// What a new distribution for a parameter starts from: where its values lie now.
struct Hint {
  double centre = 0.0;
  double spread = 1.0;
  double low = 0.0;
  double high = 1.0;
};

Hint hintFor(const ParameterInfo& info, const json& current) {
  const bool finiteRange = std::isfinite(info.min) && std::isfinite(info.max);
  Hint hint;
  double low = NAN;
  double high = NAN;
  if (const auto parsed = tryParse(current)) {
    const auto [supportLow, supportHigh] = parsed->support();
    low = std::isfinite(supportLow) ? supportLow : NAN;
    high = std::isfinite(supportHigh) ? supportHigh : NAN;
  }
  auto number = [&](const char* key) {
    return current.is_object() && current.value(key, json()).is_number()
               ? current.at(key).get<double>()
               : NAN;
  };
  const bool logScale = current.is_object() && current.contains("mu");
  if (current.is_number()) {
    hint.centre = current.get<double>();
  } else if (!std::isnan(number("mean"))) {
    hint.centre = number("mean");
  } else if (!std::isnan(number("value"))) {
    hint.centre = number("value");
  } else if (!std::isnan(low) && !std::isnan(high)) {
    hint.centre = 0.5 * (low + high);
  } else if (logScale && !std::isnan(number("mu"))) {
    hint.centre = std::exp(number("mu"));
  } else if (finiteRange) {
    hint.centre = 0.5 * (info.min + info.max);
  }
  if (!logScale && !std::isnan(number("sigma"))) {
    hint.spread = number("sigma");
  } else if (!std::isnan(low) && !std::isnan(high) && high > low) {
    hint.spread = (high - low) / 6.0;
  } else {
    hint.spread = std::max(std::abs(hint.centre) * 0.1, finiteRange ? 0.0 : 1.0);
    if (!(hint.spread > 0.0)) {
      hint.spread = (info.max - info.min) / 20.0;
    }
  }
  hint.low = std::isnan(low) ? hint.centre - 3.0 * hint.spread : low;
  hint.high = std::isnan(high) ? hint.centre + 3.0 * hint.spread : high;
  hint.low = std::clamp(hint.low, info.min, info.max);
  hint.high = std::clamp(hint.high, info.min, info.max);
  if (!(hint.high - hint.low > 1e-9)) {
    // A constant: a small interval around it, inside the range.
    const double half = std::max(1.0, std::abs(hint.centre) * 0.1);
    hint.low = std::max(info.min, hint.centre - half);
    hint.high = std::min(info.max, hint.centre + half);
  }
  if (info.kind == ValueKind::Integer) {
    hint.centre = std::round(hint.centre);
    hint.low = std::ceil(hint.low);
    hint.high = std::max(hint.low + 1.0, std::floor(hint.high));
  }
  if (!(hint.spread > 0.0)) {
    hint.spread = 1.0;
  }
  return hint;
}

/// What a template for one parameter is built from.
struct TemplateInputs {
  const std::string& path;
  const ParameterInfo& info;
  const json& current;
  const SceneContext& context;
  Hint hint;
};

json numberJson(double value, bool integer) {
  return integer ? json(static_cast<std::int64_t>(std::llround(value))) : json(value);
}

/// Keys that hold a value of the parameter itself (in its unit), not a shape parameter.
bool holdsValue(const std::string& key) {
  return key == "mean" || key == "min" || key == "max" || key == "value";
}

json numberFor(const ParameterSpec& spec, const std::vector<ParameterSpec>& siblings,
               const TemplateInputs& in) {
  const Hint& hint = in.hint;
  const bool logScale = std::any_of(siblings.begin(), siblings.end(),
                                    [](const ParameterSpec& s) { return s.name == "mu"; });
  const std::string& name = spec.name;
  double value = 0.0;
  if (name == "mean" || name == "value") {
    value = hint.centre;
  } else if (name == "sigma") {
    value = logScale ? 0.25 : hint.spread;
  } else if (name == "min") {
    value = hint.low;
  } else if (name == "max") {
    value = hint.high;
  } else if (name == "mu") {
    value = hint.centre > 0.0 ? std::log(hint.centre) : 0.0;
  } else if (name == "p") {
    value = 0.5;
  } else if (name == "alpha" || name == "beta") {
    value = 2.0;
  } else if (name == "weight" || name == "correlation") {
    value = 1.0;
  } else if (spec.defaultValue.is_number()) {
    value = spec.defaultValue.get<double>();
  } else {
    value = hint.centre;
  }
  if (spec.min) {
    value = std::max(value, *spec.min);
    if (spec.exclusiveMin && value <= *spec.min) {
      value = *spec.min + std::max(1e-3, std::abs(*spec.min) * 1e-3);
    }
  }
  if (spec.max) {
    value = std::min(value, *spec.max);
  }
  return numberJson(value, in.info.kind == ValueKind::Integer && holdsValue(name));
}

/// The outcomes of the current distribution as JSON scalars (none left out).
std::vector<json> outcomesOf(const json& current) {
  std::vector<json> values;
  if (const auto parsed = tryParse(current)) {
    if (const auto outcomes = parsed->outcomes()) {
      for (const Value& outcome : *outcomes) {
        if (!std::holds_alternative<std::monostate>(outcome)) {
          values.push_back(valueToJson(outcome));
        }
      }
    }
  }
  return values;
}

/// A single value of the parameter: what a constant starts at.
json scalarValue(const TemplateInputs& in) {
  if (in.current.is_primitive() && !in.current.is_null()) {
    return in.current;
  }
  if (typeOf(in.current) == "constant" && in.current.is_object()) {
    return in.current.value("value", json());
  }
  const std::vector<json> outcomes = outcomesOf(in.current);
  switch (in.info.kind) {
    case ValueKind::Number:
    case ValueKind::Integer: return numberJson(in.hint.centre, in.info.kind == ValueKind::Integer);
    case ValueKind::Boolean:
      return !outcomes.empty() && outcomes.front().is_boolean() ? outcomes.front() : json(true);
    case ValueKind::String:
      if (!outcomes.empty() && outcomes.front().is_string()) {
        return outcomes.front();
      }
      return in.info.choices.empty() ? json("") : json(in.info.choices.front());
  }
  return json("");
}

/// The values a categorical starts with.
json valuesFor(const TemplateInputs& in) {
  json values = json::array();
  if (!in.info.choices.empty()) {
    for (const std::string& choice : in.info.choices) {
      values.push_back(choice);
    }
    return values;
  }
  if (const std::vector<json> outcomes = outcomesOf(in.current); outcomes.size() >= 2) {
    return json(outcomes);
  }
  switch (in.info.kind) {
    case ValueKind::Boolean: return json::array({false, true});
    case ValueKind::Number:
    case ValueKind::Integer: {
      const bool integer = in.info.kind == ValueKind::Integer;
      for (const double value : {in.hint.low, in.hint.centre, in.hint.high}) {
        const json entry = numberJson(value, integer);
        if (std::find(values.begin(), values.end(), entry) == values.end()) {
          values.push_back(entry);
        }
      }
      return values;
    }
    case ValueKind::String: break;
  }
  // Asset ids: those of the library of the kind this parameter chooses.
  const std::string kind = assetKindOf(in.current).empty()
                               ? assetKindOf(defaultDistribution(in.path))
                               : assetKindOf(in.current);
  if (in.context.assets && !kind.empty()) {
    for (const AssetInfo& asset : in.context.assets->assets()) {
      if (asset.kind == kind && values.size() < 8) {
        values.push_back(asset.id);
      }
    }
  }
  if (values.empty()) {
    values.push_back(scalarValue(in));
  }
  return values;
}

json fillObject(const std::vector<ParameterSpec>& specs, const TemplateInputs& in,
                const json& base);

/// A value for one key of a new distribution.
json valueFor(const ParameterSpec& spec, const std::vector<ParameterSpec>& siblings,
              const TemplateInputs& in, const json& base, const json& filled) {
  // {"path": ..., "value": ...}: a condition, on a boolean parameter being true.
  const bool condition = std::any_of(siblings.begin(), siblings.end(), [](const auto& s) {
    return s.name == "path" && s.kind == SpecKind::Path;
  });
  switch (spec.kind) {
    case SpecKind::Number: return numberFor(spec, siblings, in);
    case SpecKind::Boolean: return spec.defaultValue.is_boolean() ? spec.defaultValue : json(false);
    case SpecKind::String:
      if (!spec.choices.empty()) {
        return spec.defaultValue.is_string() ? spec.defaultValue : json(spec.choices.front());
      }
      return spec.name == "kind" ? json(assetKindOf(defaultDistribution(in.path))) : json("");
    case SpecKind::Path: {
      if (condition) {
        return pathOfKind(ValueKind::Boolean, in.path);
      }
      for (const json& source : {in.current, defaultDistribution(in.path)}) {
        if (typeOf(source) == "linked" && source.value("source", json()).is_string()) {
          return source.at("source");
        }
      }
      return pathOfKind(in.info.kind, in.path);
    }
    case SpecKind::Scalar: return condition ? json(true) : scalarValue(in);
    case SpecKind::NumberList: {
      const std::size_t count = filled.value("values", json::array()).size();
      return json(std::vector<double>(std::max<std::size_t>(count, 1), 1.0));
    }
    case SpecKind::StringList:
    case SpecKind::ObjectList:
      if (spec.kind == SpecKind::ObjectList) {
        return json::array({fillObject(spec.fields, in, base)});
      }
      return json::array();
    case SpecKind::ScalarList: return valuesFor(in);
    case SpecKind::NumberMap: return json::object();
    case SpecKind::Distribution: return base;
    case SpecKind::Object: return fillObject(spec.fields, in, base);
  }
  return json();
}

json fillObject(const std::vector<ParameterSpec>& specs, const TemplateInputs& in,
                const json& base) {
  json object = json::object();
  const bool hasValues = std::any_of(specs.begin(), specs.end(),
                                     [](const ParameterSpec& s) { return s.name == "values"; });
  for (const ParameterSpec& spec : specs) {
    // Required keys, and the optional ones users expect to see filled in: a range, and
    // one weight per categorical value.
    const bool fill = spec.required ||
                      (spec.kind == SpecKind::Number &&
                       (spec.name == "min" || spec.name == "max") && isNumericKind(in.info.kind)) ||
                      (spec.kind == SpecKind::NumberList && spec.name == "weights" && hasValues);
    if (fill) {
      object[spec.name] = valueFor(spec, specs, in, base, object);
    }
  }
  return object;
}

/// A distribution of `type` for the parameter that parses, placed where its values are now.
json templateFor(const DistributionType& type, const TemplateInputs& in) {
  if (type.name == "constant") {
    return scalarValue(in);
  }
  // Nested distributions (mixture parts, conditional branches) start as the current one.
  json base = in.current;
  if (typeOf(base) == type.name) {
    const json fallback = defaultDistribution(in.path);
    base = typeOf(fallback) == type.name ? scalarValue(in) : fallback;
  }
  json object = fillObject(type.parameters, in, base);
  object["type"] = type.name;
  return object;
}

/// The types the parameter can take: those whose template parses into values of its kind.
/// Asset choices only where the parameter is an asset.
std::vector<std::string> applicableTypes(const TemplateInputs& in) {
  std::vector<std::string> names;
  const bool isAsset =
      !assetKindOf(defaultDistribution(in.path)).empty() || !assetKindOf(in.current).empty();
  for (const DistributionType& type : DistributionRegistry::instance().types()) {
    if (type.name == "assetChoice" && !isAsset) {
      continue;
    }
    const auto parsed = tryParse(templateFor(type, in));
    if (parsed && kindFits(parsed->kind(), in.info.kind)) {
      names.push_back(type.name);
    }
  }
  return names;
}

}  // namespace

DistributionsDock::DistributionsDock(RecipeDocument* document, QWidget* parent)
    : QDockWidget(tr("Distributions"), parent), m_document(document) {
  setObjectName(QStringLiteral("distributionsDock"));
  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);

  m_search = new QLineEdit(content);
  m_search->setObjectName(QStringLiteral("distributionSearch"));
  m_search->setPlaceholderText(tr("Filter paths (yaw, hair, modes...)"));
  m_search->setClearButtonEnabled(true);
  layout->addWidget(m_search);
  connect(m_search, &QLineEdit::textChanged, this, &DistributionsDock::setFilter);

  auto* splitter = new QSplitter(Qt::Vertical, content);
  splitter->setChildrenCollapsible(false);
  layout->addWidget(splitter, 1);

  m_tree = new QTreeWidget(splitter);
  m_tree->setObjectName(QStringLiteral("distributionTree"));
  m_tree->setColumnCount(2);
  m_tree->setHeaderLabels({tr("Parameter"), tr("Distribution")});
  m_tree->setUniformRowHeights(true);
  m_tree->setIndentation(12);
  m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
  m_tree->header()->setStretchLastSection(true);
  m_tree->header()->setSectionResizeMode(0, QHeaderView::Interactive);
  m_tree->setColumnWidth(0, 105);
  m_tree->setMinimumHeight(120);
  connect(m_tree, &QTreeWidget::currentItemChanged, this,
          [this](QTreeWidgetItem* item) { onCurrentItemChanged(item); });

  // The editor of the selected path, its histogram below.
  auto* scroll = new QScrollArea(splitter);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  m_editor = new QWidget(scroll);
  auto* editor = new QVBoxLayout(m_editor);
  editor->setContentsMargins(2, 4, 2, 2);
  m_pathLabel = new QLabel(m_editor);
  m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont bold = m_pathLabel->font();
  bold.setBold(true);
  m_pathLabel->setFont(bold);
  editor->addWidget(m_pathLabel);
  m_helpLabel = new QLabel(m_editor);
  m_helpLabel->setWordWrap(true);
  m_helpLabel->setForegroundRole(QPalette::PlaceholderText);
  editor->addWidget(m_helpLabel);

  auto* typeRow = new QHBoxLayout();
  auto* typeLabel = new QLabel(tr("&Type"), m_editor);
  m_typeCombo = new QComboBox(m_editor);
  m_typeCombo->setObjectName(QStringLiteral("distributionType"));
  m_typeCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  typeLabel->setBuddy(m_typeCombo);
  typeRow->addWidget(typeLabel);
  typeRow->addWidget(m_typeCombo, 1);
  editor->addLayout(typeRow);
  connect(m_typeCombo, &QComboBox::currentIndexChanged, this, &DistributionsDock::onTypeChosen);
  m_typeSummary = new QLabel(m_editor);
  m_typeSummary->setWordWrap(true);
  m_typeSummary->setForegroundRole(QPalette::PlaceholderText);
  editor->addWidget(m_typeSummary);

  m_fieldsHost = new QWidget(m_editor);
  m_form = new QFormLayout(m_fieldsHost);
  m_form->setContentsMargins(0, 0, 0, 0);
  m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  editor->addWidget(m_fieldsHost);

  m_error = new QLabel(m_editor);
  m_error->setObjectName(QStringLiteral("distributionError"));
  m_error->setWordWrap(true);
  m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
  m_error->hide();
  editor->addWidget(m_error);

  auto* resetRow = new QHBoxLayout();
  m_defaultLabel = new QLabel(m_editor);
  m_defaultLabel->setWordWrap(true);
  m_defaultLabel->setForegroundRole(QPalette::PlaceholderText);
  m_reset = new QPushButton(tr("&Reset to default"), m_editor);
  m_reset->setObjectName(QStringLiteral("resetDistribution"));
  m_reset->setToolTip(tr("Remove this parameter from the recipe: it takes its default"));
  resetRow->addWidget(m_defaultLabel, 1);
  resetRow->addWidget(m_reset);
  editor->addLayout(resetRow);
  connect(m_reset, &QPushButton::clicked, this, [this] {
    if (m_path.empty()) {
      return;
    }
    m_applying = true;
    const QString error = m_document->setParameter(m_path, json());
    m_applying = false;
    showError(error);
    loadEditor();
  });

  m_histogram = new HistogramWidget(m_editor);
  editor->addWidget(m_histogram, 1);
  connect(m_histogram, &HistogramWidget::updated, this, &DistributionsDock::histogramUpdated);

  scroll->setWidget(m_editor);
  splitter->addWidget(m_tree);
  splitter->addWidget(scroll);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  content->setMinimumWidth(260);
  setWidget(content);

  connect(m_document, &RecipeDocument::changed, this, &DistributionsDock::onDocumentChanged);
  rebuildTree();
  setPath({});
}

DistributionsDock::~DistributionsDock() = default;

void DistributionsDock::setContext(sf::SceneContext context) {
  m_context = std::move(context);
  rebuildTree();
  if (!m_path.empty()) {
    loadEditor();
  }
  refreshHistogram();
}

void DistributionsDock::selectPath(const QString& path) {
  QTreeWidgetItem* item = m_items.value(path);
  if (item && item->isHidden()) {
    m_search->clear();
  }
  if (item) {
    m_tree->setCurrentItem(item);
    m_tree->scrollToItem(item);
    return;
  }
  // Not listed (a per-mode scale, a model without that mode): edit it all the same.
  m_tree->setCurrentItem(nullptr);
  setPath(findParameter(path.toStdString()) ? path.toStdString() : std::string());
}

std::vector<std::string> DistributionsDock::listedPaths() const {
  std::vector<std::string> paths = concreteParameterPaths();
  std::set<std::string> seen(paths.begin(), paths.end());
  auto add = [&](const std::string& path) {
    if (seen.insert(path).second) {
      paths.push_back(path);
    }
  };
  for (const std::string& mode : m_context.identityModes) {
    add("identity.modes." + mode);
  }
  for (const std::string& group : m_context.identityGroups) {
    if (!group.empty()) {
      add("identity.scale." + group);
    }
  }
  for (const std::string& shape : m_context.expressions) {
    add("expression.shapes." + shape);
  }
  for (const auto& [preset, shapes] : builtinExpressionPresets()) {
    for (const auto& [shape, distribution] : shapes) {
      add("expression.presets." + preset + "." + shape);
    }
  }
  for (const auto& [path, distribution] : m_document->recipe().parameters) {
    if (findParameter(path)) {
      add(path);
    }
  }
  return paths;
}

void DistributionsDock::rebuildTree() {
  const QSignalBlocker blocker(m_tree);
  m_tree->clear();
  m_items.clear();
  std::map<std::string, QTreeWidgetItem*> groups;
  // The group item for the first `depth` segments of a path, made on first use.
  std::function<QTreeWidgetItem*(const std::vector<std::string>&, std::size_t)> group =
      [&](const std::vector<std::string>& parts, std::size_t depth) -> QTreeWidgetItem* {
    std::string key;
    for (std::size_t i = 0; i < depth; ++i) {
      key += (i ? "." : "") + parts[i];
    }
    if (const auto it = groups.find(key); it != groups.end()) {
      return it->second;
    }
    QTreeWidgetItem* item =
        depth == 1 ? new QTreeWidgetItem(m_tree) : new QTreeWidgetItem(group(parts, depth - 1));
    item->setText(0, QString::fromStdString(parts[depth - 1]));
    item->setData(0, kGroupDepthRole, static_cast<int>(depth - 1));
    item->setFlags(Qt::ItemIsEnabled);
    groups[key] = item;
    return item;
  };

  for (const std::string& path : listedPaths()) {
    const std::vector<std::string> parts = splitPath(path);
    const ParameterInfo* info = findParameter(path);
    if (parts.size() < 2 || !info) {
      continue;
    }
    // Concrete entries sit in their first segment's group with the rest as their name;
    // pattern matches (modes, shapes, preset entries) one group per further segment.
    const std::size_t depth = info->isPattern() ? parts.size() - 1 : 1;
    QTreeWidgetItem* parent = group(parts, depth);
    auto* item = new QTreeWidgetItem(parent);
    QStringList rest;
    for (std::size_t i = depth; i < parts.size(); ++i) {
      rest.append(QString::fromStdString(parts[i]));
    }
    item->setText(0, rest.join(QLatin1Char('.')));
    item->setData(0, kPathRole, QString::fromStdString(path));
    m_items.insert(QString::fromStdString(path), item);
    refreshRow(path);
  }
  refreshGroupCounts();
  setFilter(m_search->text());
  if (QTreeWidgetItem* current = m_items.value(QString::fromStdString(m_path))) {
    m_tree->setCurrentItem(current);
  }
}

void DistributionsDock::refreshRow(const std::string& path) {
  QTreeWidgetItem* item = m_items.value(QString::fromStdString(path));
  if (!item) {
    return;
  }
  const auto& parameters = m_document->recipe().parameters;
  const auto it = parameters.find(path);
  const bool set = it != parameters.end();
  const QString summary = summarize(set ? it->second : defaultDistribution(path));
  item->setText(1, summary);
  QFont font = m_tree->font();
  font.setBold(set);
  item->setFont(0, font);
  item->setFont(1, font);
  item->setForeground(1, m_tree->palette().brush(set ? QPalette::Text : QPalette::PlaceholderText));
  const QString origin = set ? tr("set by the recipe") : tr("default");
  item->setToolTip(0, QStringLiteral("%1 (%2)").arg(QString::fromStdString(path), origin));
  item->setToolTip(1, QStringLiteral("%1\n%2").arg(summary, origin));
}

void DistributionsDock::refreshGroupCounts() {
  const auto& parameters = m_document->recipe().parameters;
  // Returns (parameters, set) under an item and labels the groups with them.
  std::function<std::pair<int, int>(QTreeWidgetItem*)> count =
      [&](QTreeWidgetItem* item) -> std::pair<int, int> {
    const QString path = item->data(0, kPathRole).toString();
    if (!path.isEmpty()) {
      return {1, parameters.contains(path.toStdString()) ? 1 : 0};
    }
    std::pair<int, int> total{0, 0};
    for (int i = 0; i < item->childCount(); ++i) {
      const auto [all, set] = count(item->child(i));
      total.first += all;
      total.second += set;
    }
    item->setText(1, total.second > 0 ? tr("%1 set of %2").arg(total.second).arg(total.first)
                                      : tr("%1 defaults").arg(total.first));
    item->setForeground(1, m_tree->palette().brush(QPalette::PlaceholderText));
    QFont font = m_tree->font();
    font.setBold(total.second > 0);
    item->setFont(0, font);
    return total;
  };
  for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
    count(m_tree->topLevelItem(i));
  }
}

void DistributionsDock::setFilter(const QString& text) {
  if (m_search->text() != text) {
    m_search->setText(text);  // comes back here through textChanged
    return;
  }
  const QString needle = text.trimmed();
  // Shows the rows whose path matches, and the groups that hold one.
  std::function<bool(QTreeWidgetItem*)> filter = [&](QTreeWidgetItem* item) -> bool {
    const QString path = item->data(0, kPathRole).toString();
    bool visible = false;
    if (!path.isEmpty()) {
      visible = needle.isEmpty() || path.contains(needle, Qt::CaseInsensitive);
    } else {
      for (int i = 0; i < item->childCount(); ++i) {
        visible = filter(item->child(i)) || visible;
      }
      // Searching opens what matches; otherwise the top groups are open and the long
      // lists (modes, shapes, presets) closed.
      item->setExpanded(needle.isEmpty() ? item->data(0, kGroupDepthRole).toInt() == 0 : visible);
    }
    item->setHidden(!visible);
    return visible;
  };
  for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
    filter(m_tree->topLevelItem(i));
  }
}

void DistributionsDock::onCurrentItemChanged(QTreeWidgetItem* item) {
  const QString path = item ? item->data(0, kPathRole).toString() : QString();
  if (!path.isEmpty()) {
    setPath(path.toStdString());
  }
}

void DistributionsDock::setPath(const std::string& path) {
  if (path == m_path && !path.empty()) {
    return;
  }
  m_path = path;
  m_info = path.empty() ? nullptr : findParameter(path);
  if (!m_info) {
    m_path.clear();
  }
  loadEditor();
  refreshHistogram();
  emit selectedPathChanged(QString::fromStdString(m_path));
}

nlohmann::json DistributionsDock::currentDistribution() const {
  const auto& parameters = m_document->recipe().parameters;
  const auto it = parameters.find(m_path);
  return it != parameters.end() ? it->second : defaultDistribution(m_path);
}

void DistributionsDock::loadEditor() {
  m_loading = true;
  const bool editing = m_info != nullptr;
  const std::initializer_list<QWidget*> parts = {m_helpLabel,  m_typeCombo,    m_typeSummary,
                                                 m_fieldsHost, m_defaultLabel, m_reset};
  for (QWidget* widget : parts) {
    widget->setEnabled(editing);
  }
  m_typeCombo->clear();
  showError({});
  if (!editing) {
    m_pathLabel->setText(tr("No parameter selected"));
    m_helpLabel->setText(tr("Select a parameter above to edit its distribution."));
    m_typeSummary->clear();
    m_defaultLabel->clear();
    m_pending = json();
    rebuildFields();
    m_loading = false;
    return;
  }

  const ParameterInfo& info = *m_info;
  m_pending = currentDistribution();
  QString title = QString::fromStdString(m_path);
  if (!info.unit.empty()) {
    title += QStringLiteral("  (%1)").arg(QString::fromStdString(info.unit));
  }
  m_pathLabel->setText(title);
  QString help = QString::fromStdString(info.help);
  if (!help.isEmpty() && !help.endsWith(QLatin1Char('.'))) {
    help += QLatin1Char('.');
  }
  if (std::isfinite(info.min) || std::isfinite(info.max)) {
    help +=
        tr(" Values are clamped to [%1, %2].").arg(formatNumber(info.min), formatNumber(info.max));
  }
  if (info.perIdentity) {
    help += tr(" Drawn once per identity.");
  }
  m_helpLabel->setText(help);

  // The types that suit this parameter, and the one it has now.
  const TemplateInputs inputs{m_path, info, m_pending, m_context, hintFor(info, m_pending)};
  std::vector<std::string> types = applicableTypes(inputs);
  const std::string current = typeOf(m_pending);
  if (std::find(types.begin(), types.end(), current) == types.end()) {
    types.push_back(current);
  }
  for (const std::string& name : types) {
    const DistributionType* type = DistributionRegistry::instance().find(name);
    m_typeCombo->addItem(QString::fromStdString(name), QString::fromStdString(name));
    if (type) {
      m_typeCombo->setItemData(m_typeCombo->count() - 1, QString::fromStdString(type->summary),
                               Qt::ToolTipRole);
    }
  }
  m_typeCombo->setCurrentIndex(m_typeCombo->findData(QString::fromStdString(current)));

  const bool set = m_document->recipe().parameters.contains(m_path);
  m_reset->setEnabled(set);
  m_defaultLabel->setText(set ? tr("Default: %1").arg(summarize(defaultDistribution(m_path)))
                              : tr("Using the default"));
  m_defaultLabel->setToolTip(m_defaultLabel->text());
  rebuildFields();
  m_loading = false;
}

void DistributionsDock::rebuildFields() {
  const bool wasLoading = m_loading;
  m_loading = true;
  while (m_form->rowCount() > 0) {
    m_form->removeRow(0);
  }
  m_fields.clear();
  const DistributionType* type =
      m_info ? DistributionRegistry::instance().find(typeOf(m_pending)) : nullptr;
  m_typeSummary->setText(type ? QString::fromStdString(type->summary) : QString());
  if (type) {
    for (const ParameterSpec& spec : type->parameters) {
      json value;
      if (!m_pending.is_object()) {
        value = m_pending;  // a bare constant: its only key is "value"
      } else if (m_pending.contains(spec.name)) {
        value = m_pending.at(spec.name);
      }
      QWidget* widget = makeField(spec, value);
      const QString name = QString::fromStdString(spec.name);
      widget->setObjectName(name);
      QString tip = QString::fromStdString(spec.help);
      if (!spec.required && !spec.defaultValue.is_null()) {
        tip += tr(" (default %1)").arg(scalarText(spec.defaultValue));
      }
      widget->setToolTip(tip);
      auto* label = new QLabel(spec.required ? name : tr("%1 (opt.)").arg(name), m_fieldsHost);
      label->setToolTip(tip);
      label->setBuddy(widget);
      m_form->addRow(label, widget);
      m_fields.insert(name, widget);
    }
  }
  m_loading = wasLoading;
}

QWidget* DistributionsDock::makeField(const ParameterSpec& spec, const nlohmann::json& value) {
  const std::string key = spec.name;
  const bool constantValue = typeOf(m_pending) == "constant" && key == "value";
  switch (spec.kind) {
    case SpecKind::Number:
      if (!spec.required && spec.defaultValue.is_null() && !value.is_number()) {
        return makeJsonField(spec, value);
      }
      return makeNumberField(spec, value);
    case SpecKind::Boolean: {
      auto* box = new QCheckBox(m_fieldsHost);
      box->setChecked(value.is_boolean() ? value.get<bool>() : spec.defaultValue == json(true));
      connect(box, &QCheckBox::toggled, this, [this, key](bool on) {
        if (!m_loading) {
          setKey(key, on, false);
        }
      });
      return box;
    }
    case SpecKind::Scalar:
      if (!constantValue) {
        return makeJsonField(spec, value);
      }
      if (isNumericKind(m_info->kind)) {
        ParameterSpec number = spec;
        number.kind = SpecKind::Number;
        return makeNumberField(number, value.is_number() ? value : json(0.0));
      }
      if (m_info->kind == ValueKind::Boolean) {
        ParameterSpec flag = spec;
        flag.kind = SpecKind::Boolean;
        return makeField(flag, value);
      }
      if (!m_info->choices.empty()) {
        ParameterSpec choice = spec;
        choice.kind = SpecKind::String;
        choice.choices = m_info->choices;
        return makeField(choice, value);
      }
      [[fallthrough]];
    case SpecKind::String:
    case SpecKind::Path: {
      if (!spec.choices.empty()) {
        auto* combo = new QComboBox(m_fieldsHost);
        for (const std::string& choice : spec.choices) {
          combo->addItem(QString::fromStdString(choice));
        }
        const QString text = value.is_string() ? QString::fromStdString(value.get<std::string>())
                             : spec.defaultValue.is_string()
                                 ? QString::fromStdString(spec.defaultValue.get<std::string>())
                                 : QString();
        if (combo->findText(text) < 0 && !text.isEmpty()) {
          combo->addItem(text);
        }
        combo->setCurrentIndex(std::max(0, combo->findText(text)));
        connect(combo, &QComboBox::currentTextChanged, this, [this, key](const QString& chosen) {
          if (!m_loading) {
            setKey(key, chosen.toStdString(), false);
          }
        });
        return combo;
      }
      auto* edit = new QLineEdit(m_fieldsHost);
      edit->setText(value.is_string() ? QString::fromStdString(value.get<std::string>())
                                      : QString());
      if (spec.kind == SpecKind::Path) {
        QStringList paths;
        for (const std::string& path : listedPaths()) {
          paths.append(QString::fromStdString(path));
        }
        auto* completer = new QCompleter(paths, edit);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        edit->setCompleter(completer);
        edit->setPlaceholderText(tr("a parameter path"));
      }
      const bool required = spec.required;
      auto commit = [this, key, required](const QString& text) {
        if (!m_loading) {
          setKey(key, text.isEmpty() && !required ? json() : json(text.toStdString()), true);
        }
      };
      connect(edit, &QLineEdit::textEdited, this, commit);
      // A path picked from the completer does not count as typed.
      if (edit->completer()) {
        connect(edit->completer(), qOverload<const QString&>(&QCompleter::activated), this, commit);
      }
      return edit;
    }
    default: return makeJsonField(spec, value);
  }
}

QWidget* DistributionsDock::makeNumberField(const ParameterSpec& spec,
                                            const nlohmann::json& value) {
  const ParameterInfo& info = *m_info;
  const std::string key = spec.name;
  const bool numeric = isNumericKind(info.kind);
  // Keys in the parameter's own unit: its range bounds them (sigma only from below).
  const bool inUnit = numeric && (holdsValue(key) || key == "sigma");
  const bool integer = info.kind == ValueKind::Integer && holdsValue(key);
  double current = value.is_number()               ? value.get<double>()
                   : spec.defaultValue.is_number() ? spec.defaultValue.get<double>()
                                                   : 0.0;
  double low = spec.min.value_or(-1e9);
  double high = spec.max.value_or(1e9);
  if (inUnit && key != "sigma") {
    low = std::max(low, std::isfinite(info.min) ? info.min : low);
    high = std::min(high, std::isfinite(info.max) ? info.max : high);
  }
  // A step of about a hundredth of the range (or a tenth of the value), shown with one
  // digit more; more digits when the value has them.
  double step = 0.1;
  if (inUnit && std::isfinite(info.min) && std::isfinite(info.max)) {
    step = std::pow(10.0, std::floor(std::log10(info.max - info.min)) - 2.0);
  } else if (current != 0.0) {
    step = std::pow(10.0, std::floor(std::log10(std::abs(current))) - 1.0);
  }
  int decimals = integer ? 0 : std::clamp(1 - static_cast<int>(std::floor(std::log10(step))), 1, 6);
  while (decimals < 6 && std::abs(current * std::pow(10.0, decimals) -
                                  std::round(current * std::pow(10.0, decimals))) > 1e-6) {
    ++decimals;
  }
  const double resolution = std::pow(10.0, -decimals);
  if (spec.exclusiveMin) {
    low += resolution;
  }

  auto* box = new QDoubleSpinBox(m_fieldsHost);
  box->setDecimals(decimals);
  box->setRange(std::min(low, current), std::max(high, current));
  box->setSingleStep(std::max(step, resolution));
  box->setValue(current);
  box->setAccelerated(true);
  if (inUnit) {
    box->setSuffix(unitSuffix(info.unit));
  }
  // The range's text would make the box wider than the dock.
  box->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
  box->setMinimumWidth(90);
  connect(box, &QDoubleSpinBox::valueChanged, this, [this, key, integer](double number) {
    if (!m_loading) {
      setKey(key, numberJson(number, integer), true);
    }
  });
  return box;
}

QWidget* DistributionsDock::makeJsonField(const ParameterSpec& spec, const nlohmann::json& value) {
  auto* edit = new QLineEdit(m_fieldsHost);
  edit->setText(value.is_null() ? QString() : QString::fromStdString(value.dump()));
  edit->setCursorPosition(0);  // a long list shows its start
  edit->setPlaceholderText(spec.defaultValue.is_null()
                               ? (spec.required
                                      ? QString::fromLatin1(specKindName(spec.kind)) + tr(" (JSON)")
                                      : tr("optional %1 (JSON)").arg(specKindName(spec.kind)))
                               : QString::fromStdString(spec.defaultValue.dump()));
  const std::string key = spec.name;
  const bool required = spec.required;
  connect(edit, &QLineEdit::textEdited, this, [this, key, required](const QString& text) {
    if (m_loading) {
      return;
    }
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
      if (required) {
        showError(tr("%1: required").arg(QString::fromStdString(key)));
      } else {
        setKey(key, json(), true);
      }
      return;
    }
    const json parsed = json::parse(trimmed.toStdString(), nullptr, false);
    if (parsed.is_discarded()) {
      showError(tr("%1: not valid JSON (a list is [1, 2], a string \"text\")")
                    .arg(QString::fromStdString(key)));
      return;
    }
    setKey(key, parsed, true);
  });
  return edit;
}

void DistributionsDock::onTypeChosen(int index) {
  if (m_loading || index < 0 || !m_info) {
    return;
  }
  const std::string name = m_typeCombo->itemData(index).toString().toStdString();
  const json current = currentDistribution();
  const DistributionType* type = DistributionRegistry::instance().find(name);
  if (typeOf(current) == name || !type) {
    m_pending = current;
  } else {
    const TemplateInputs inputs{m_path, *m_info, current, m_context, hintFor(*m_info, current)};
    m_pending = templateFor(*type, inputs);
  }
  rebuildFields();
  apply(false);
}

void DistributionsDock::setKey(const std::string& key, const nlohmann::json& value, bool merge) {
  if (!m_pending.is_object()) {
    if (value.is_null()) {
      return;
    }
    m_pending = value;  // a bare constant
  } else if (value.is_null()) {
    m_pending.erase(key);
  } else {
    m_pending[key] = value;
  }
  apply(merge);
}

void DistributionsDock::apply(bool merge) {
  if (m_path.empty()) {
    return;
  }
  m_applying = true;
  const QString error = m_document->setParameter(m_path, m_pending, merge);
  m_applying = false;
  showError(error);
  const bool set = m_document->recipe().parameters.contains(m_path);
  m_reset->setEnabled(set);
  m_defaultLabel->setText(set ? tr("Default: %1").arg(summarize(defaultDistribution(m_path)))
                              : tr("Using the default"));
}

void DistributionsDock::showError(const QString& message) {
  // The document names its file first; here the file is obvious.
  QString text = message;
  const QString file = m_document->displayName() + QStringLiteral(": ");
  if (text.startsWith(file)) {
    text.remove(0, file.size());
  }
  m_error->setText(text);
  m_error->setVisible(!message.isEmpty());
}

void DistributionsDock::onDocumentChanged(const QStringList& paths) {
  const bool all = paths.contains(QStringLiteral("*"));
  // Rows: a new path (a preset entry the recipe adds) or a whole new recipe rebuilds.
  bool rebuild = all;
  for (const QString& path : paths) {
    if (!m_items.contains(path) && findParameter(path.toStdString()) &&
        m_document->recipe().parameters.contains(path.toStdString())) {
      rebuild = true;
    }
  }
  if (rebuild) {
    rebuildTree();
  } else {
    for (const QString& path : paths) {
      refreshRow(path.toStdString());
    }
    refreshGroupCounts();
  }
  if (m_path.empty()) {
    return;
  }

  const QString selected = QString::fromStdString(m_path);
  const bool selectedChanged = all || paths.contains(selected);
  if (selectedChanged && !m_applying) {
    loadEditor();  // undo, redo, an edit elsewhere: show what the recipe holds now
  }
  // The histogram follows the path, what it reads (linked draws, conditions) and the
  // settings every draw depends on.
  bool redraw = selectedChanged;
  for (const QString& path : paths) {
    if (path == QLatin1String("seed") || path == QLatin1String("identities") ||
        path == QLatin1String("splits")) {
      redraw = true;
    }
  }
  const bool parameterChanged = std::any_of(paths.begin(), paths.end(), [](const QString& path) {
    return findParameter(path.toStdString()) != nullptr;
  });
  if (!redraw && parameterChanged) {
    try {
      const SceneCompiler compiler = SceneCompiler::create(m_document->recipe(), m_context);
      for (const QString& path : paths) {
        if (findParameter(path.toStdString()) &&
            compiler.dependentsOf(path.toStdString()).contains(m_path)) {
          redraw = true;
          break;
        }
      }
    } catch (const std::exception&) {
      redraw = true;  // the histogram reports the problem
    }
  }
  if (redraw) {
    refreshHistogram();
  }
}

void DistributionsDock::refreshHistogram() {
  if (m_path.empty() || !m_info) {
    m_histogram->setMessage(tr("Select a parameter to see its values"));
    return;
  }
  m_histogram->drawParameter(m_document->recipe(), m_context, m_path,
                             QString::fromStdString(m_info->unit));
}

}  // namespace sf::ui
