// Tests of the Distributions dock, driven as a user would: select a path, edit its fields,
// switch its type, undo, and read the histogram of 10,000 draws.

#include "distributions_dock.h"
#include "document/recipe_document.h"
#include "histogram_widget.h"

#include "random/memory_asset_catalog.h"
#include "recipe/parameter_paths.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <numeric>

using nlohmann::json;
using sf::ui::DistributionsDock;
using sf::ui::HistogramWidget;
using sf::ui::RecipeDocument;

namespace {

/// Waits until the histogram shows the draws of the latest request.
bool waitForHistogram(const DistributionsDock& dock) {
  return QTest::qWaitFor([&] { return !dock.histogram()->isBusy(); }, 20000) &&
         dock.histogram()->drawCount() == HistogramWidget::kDefaultDraws;
}

/// The share of draws each category label took.
std::map<QString, double> shares(const HistogramWidget& histogram) {
  std::map<QString, double> result;
  for (const HistogramWidget::Category& category : histogram.categories()) {
    result[category.label] = double(category.count) / histogram.drawCount();
  }
  return result;
}

/// Types `text` into a line edit as a user would, over what it held (selected first).
void retype(QLineEdit* edit, const QString& text) {
  edit->setFocus();
  edit->selectAll();
  QTest::keyClicks(edit, text);
}

bool isSet(const RecipeDocument& document, const std::string& path) {
  return document.recipe().parameters.contains(path);
}

/// A context as a small model with a library would give.
sf::SceneContext smallContext() {
  sf::SceneContext context;
  context.identityModes = {"nose_width", "nose_length", "jaw_width"};
  context.identityGroups = {"nose", "nose", "jaw"};
  context.expressions = {"jawOpen", "mouthSmileLeft"};
  context.assets = std::make_shared<sf::MemoryAssetCatalog>(
      std::vector<sf::AssetInfo>{{"hair/bob", "hair", {"short"}, "", {}},
                                 {"hair/long", "hair", {"long", "fitsUnderHeadwear"}, "", {}},
                                 {"hair/buzz", "hair", {"short", "fitsUnderHeadwear"}, "", {}}});
  return context;
}

}  // namespace

class TestDistributionsDock : public QObject {
  Q_OBJECT

private slots:
  void dockIsNamed();
  void selectingShowsTheDefaultFields_data();
  void selectingShowsTheDefaultFields();
  void sigmaEditChangesRecipeAndSpread_data();
  void sigmaEditChangesRecipeAndSpread();
  void constantMakesEveryDrawThatValue_data();
  void constantMakesEveryDrawThatValue();
  void categoricalSharesMatchWeights();
  void editedWeightsChangeShares();
  void booleanSharesMatchProbability();
  void invalidEntryShowsErrorAndKeepsRecipe_data();
  void invalidEntryShowsErrorAndKeepsRecipe();
  void everyOfferedTypeApplies_data();
  void everyOfferedTypeApplies();
  void searchFiltersRows_data();
  void searchFiltersRows();
  void resetRemovesTheParameter();
  void treeSummarisesAndMarksSetPaths();
  void contextListsModesScalesAndShapes();
  void linkedHistogramFollowsItsSource();
  void undoOfAnotherPathReloadsTheEditor();
  void screenshot();
};

void TestDistributionsDock::dockIsNamed() {
  RecipeDocument document;
  DistributionsDock dock(&document);
  QCOMPARE(dock.objectName(), QStringLiteral("distributionsDock"));
  QCOMPARE(dock.windowTitle(), QStringLiteral("Distributions"));
  QVERIFY(dock.selectedPath().isEmpty());
  QVERIFY(!dock.typeCombo()->isEnabled());
}

void TestDistributionsDock::selectingShowsTheDefaultFields_data() {
  QTest::addColumn<QString>("path");
  QTest::addColumn<QString>("type");
  QTest::addColumn<QStringList>("fields");
  QTest::addColumn<QString>("firstWidget");  // class of the first field's editor
  QTest::newRow("truncated normal")
      << "camera.yaw"
      << "truncatedNormal" << QStringList{"mean", "sigma", "min", "max"} << "QDoubleSpinBox";
  QTest::newRow("categorical") << "expression.preset"
                               << "categorical" << QStringList{"values", "weights"} << "QLineEdit";
  QTest::newRow("bernoulli") << "hair.present"
                             << "bernoulli" << QStringList{"p"} << "QDoubleSpinBox";
  QTest::newRow("boolean constant") << "render.denoise"
                                    << "constant" << QStringList{"value"} << "QCheckBox";
  QTest::newRow("string with choices") << "camera.framing"
                                       << "constant" << QStringList{"value"} << "QComboBox";
  QTest::newRow("linked") << "eyes.iris.melanin"
                          << "linked" << QStringList{"source", "correlation", "distribution"}
                          << "QLineEdit";
}

void TestDistributionsDock::selectingShowsTheDefaultFields() {
  QFETCH(QString, path);
  QFETCH(QString, type);
  QFETCH(QStringList, fields);
  QFETCH(QString, firstWidget);
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(path);
  QCOMPARE(dock.selectedPath(), path);
  QCOMPARE(dock.tree()->currentItem(), dock.itemForPath(path));
  QCOMPARE(dock.typeCombo()->currentData().toString(), type);
  for (const QString& name : fields) {
    QVERIFY2(dock.field(name), qPrintable(name));
    QVERIFY(dock.field(name)->isEnabled());
  }
  QCOMPARE(QString::fromLatin1(dock.field(fields.front())->metaObject()->className()), firstWidget);
  QVERIFY(!dock.resetButton()->isEnabled());  // nothing to reset: it is the default
  QVERIFY(dock.errorLabel()->isHidden());
}

void TestDistributionsDock::sigmaEditChangesRecipeAndSpread_data() {
  QTest::addColumn<double>("sigma");
  QTest::newRow("5 deg") << 5.0;
  QTest::newRow("12 deg") << 12.0;
  QTest::newRow("20 deg") << 20.0;
}

void TestDistributionsDock::sigmaEditChangesRecipeAndSpread() {
  QFETCH(double, sigma);
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(QStringLiteral("camera.yaw"));
  QVERIFY(waitForHistogram(dock));
  // The default: N(0, 30) truncated to [-90, 90], whose sd is 30 * 0.9866.
  const double defaultSd = 30.0 * 0.98657;
  QVERIFY2(std::abs(dock.histogram()->standardDeviation() - defaultSd) < 0.03 * defaultSd,
           qPrintable(QString::number(dock.histogram()->standardDeviation())));
  auto* box = qobject_cast<QDoubleSpinBox*>(dock.field(QStringLiteral("sigma")));
  QVERIFY(box);
  QCOMPARE(box->value(), 30.0);
  QCOMPARE(box->suffix(), QString(QChar(0x00B0)));

  QSignalSpy updated(&dock, &DistributionsDock::histogramUpdated);
  box->setValue(sigma);
  QVERIFY(isSet(document, "camera.yaw"));
  const json& set = document.recipe().parameters.at("camera.yaw");
  QCOMPARE(set.at("type").get<std::string>(), std::string("truncatedNormal"));
  QCOMPARE(set.at("sigma").get<double>(), sigma);
  QCOMPARE(set.at("min").get<double>(), -90.0);  // the other keys are kept
  QVERIFY(waitForHistogram(dock));
  QVERIFY(updated.count() >= 1);
  // Truncation at >= 4.5 sigma leaves the spread as set.
  QVERIFY2(std::abs(dock.histogram()->standardDeviation() - sigma) < 0.03 * sigma,
           qPrintable(QString::number(dock.histogram()->standardDeviation())));
  QVERIFY(std::abs(dock.histogram()->mean()) < 4.0 * sigma / 100.0);

  // One undo restores the default, the editor and the histogram.
  QCOMPARE(document.undoStack()->count(), 1);
  document.undoStack()->undo();
  QVERIFY(!isSet(document, "camera.yaw"));
  box = qobject_cast<QDoubleSpinBox*>(dock.field(QStringLiteral("sigma")));
  QCOMPARE(box->value(), 30.0);
  QVERIFY(waitForHistogram(dock));
  QVERIFY(std::abs(dock.histogram()->standardDeviation() - defaultSd) < 0.03 * defaultSd);
}

void TestDistributionsDock::constantMakesEveryDrawThatValue_data() {
  QTest::addColumn<QString>("path");
  QTest::addColumn<double>("value");
  QTest::newRow("fov") << "camera.fov" << 42.0;
  QTest::newRow("integer") << "render.samples" << 128.0;
  QTest::newRow("per identity") << "identity.distinctiveness" << 0.5;
  QTest::newRow("clamped range end") << "camera.yaw" << -180.0;
}

void TestDistributionsDock::constantMakesEveryDrawThatValue() {
  QFETCH(QString, path);
  QFETCH(double, value);
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(path);
  QComboBox* type = dock.typeCombo();
  const int constant = type->findData(QStringLiteral("constant"));
  QVERIFY(constant >= 0);
  type->setCurrentIndex(constant);
  QVERIFY(dock.errorLabel()->isHidden());
  auto* box = qobject_cast<QDoubleSpinBox*>(dock.field(QStringLiteral("value")));
  QVERIFY(box);
  box->setValue(value);
  QVERIFY2(dock.errorLabel()->isHidden(), qPrintable(dock.errorLabel()->text()));
  const json& set = document.recipe().parameters.at(path.toStdString());
  QVERIFY(set.is_number());  // a bare constant, as a user would write it
  QCOMPARE(set.get<double>(), value);
  QVERIFY(waitForHistogram(dock));
  const std::vector<double>& draws = dock.histogram()->numbers();
  QCOMPARE(int(draws.size()), HistogramWidget::kDefaultDraws);
  QCOMPARE(draws.front(), value);
  QCOMPARE(draws.back(), value);
  QCOMPARE(int(dock.histogram()->categories().size()), 1);
  QVERIFY(dock.itemForPath(path)->text(1).startsWith(QStringLiteral("constant ")));
}

void TestDistributionsDock::categoricalSharesMatchWeights() {
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(QStringLiteral("expression.preset"));
  QVERIFY(waitForHistogram(dock));
  // The default weights of the expression library (smile, talk, surprise, ... and 49 more);
  // the bars come in their order.
  const sf::ParameterInfo* info = sf::findParameter("expression.preset");
  QVERIFY(info);
  const json& values = info->defaultValue.at("values");
  const json& weights = info->defaultValue.at("weights");
  double total = 0.0;
  for (const json& w : weights) {
    total += w.get<double>();
  }
  const auto& categories = dock.histogram()->categories();
  QCOMPARE(categories.size(), values.size());
  QVERIFY(values.size() >= 50);
  const std::map<QString, double> got = shares(*dock.histogram());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const QString name = QString::fromStdString(values[i].get<std::string>());
    QCOMPARE(categories[i].label, name);
    // 4 standard errors of a share from 10,000 draws.
    const double p = weights[i].get<double>() / total;
    const double tolerance = 4.0 * std::sqrt(p * (1 - p) / 10000.0) + 1e-4;
    const double share = got.contains(name) ? got.at(name) : 0.0;
    QVERIFY2(std::abs(share - p) < tolerance,
             qPrintable(name + QStringLiteral(": ") + QString::number(share)));
  }
  QVERIFY(dock.histogram()->numbers().empty());
}

void TestDistributionsDock::editedWeightsChangeShares() {
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(QStringLiteral("expression.preset"));
  auto* weights = qobject_cast<QLineEdit*>(dock.field(QStringLiteral("weights")));
  QVERIFY(weights);
  const json defaults = sf::findParameter("expression.preset")->defaultValue.at("weights");
  QVERIFY(json::parse(weights->text().toStdString()) == defaults);
  // Only talk (second) and puff (ninth), 1 : 3.
  json edited = json::array();
  for (std::size_t i = 0; i < defaults.size(); ++i) {
    edited.push_back(i == 1 ? 1 : (i == 8 ? 3 : 0));
  }
  retype(weights, QString::fromStdString(edited.dump()));
  QVERIFY2(dock.errorLabel()->isHidden(), qPrintable(dock.errorLabel()->text()));
  QVERIFY2(isSet(document, "expression.preset"), qPrintable(weights->text()));
  QVERIFY(document.recipe().parameters.at("expression.preset").at("weights") == edited);
  QVERIFY(waitForHistogram(dock));
  const std::map<QString, double> got = shares(*dock.histogram());
  QVERIFY(!got.contains(QStringLiteral("smile")));  // a zero weight is never drawn
  QVERIFY(std::abs(got.at(QStringLiteral("talk")) - 0.25) < 0.02);
  QVERIFY(std::abs(got.at(QStringLiteral("puff")) - 0.75) < 0.02);
  // Typing is one undo step.
  QCOMPARE(document.undoStack()->count(), 1);
}

void TestDistributionsDock::booleanSharesMatchProbability() {
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(QStringLiteral("hair.present"));
  auto* p = qobject_cast<QDoubleSpinBox*>(dock.field(QStringLiteral("p")));
  QVERIFY(p);
  QCOMPARE(p->value(), 0.92);
  p->setValue(0.3);
  QVERIFY(waitForHistogram(dock));
  const std::map<QString, double> got = shares(*dock.histogram());
  QVERIFY(std::abs(got.at(QStringLiteral("true")) - 0.3) < 0.02);
  QVERIFY(std::abs(got.at(QStringLiteral("false")) - 0.7) < 0.02);
}

void TestDistributionsDock::invalidEntryShowsErrorAndKeepsRecipe_data() {
  QTest::addColumn<QString>("path");
  QTest::addColumn<QString>("field");
  QTest::addColumn<QString>("entry");  // typed text, or a number for a spin box
  QTest::addColumn<QString>("message");
  QTest::newRow("negative weight") << "expression.preset"
                                   << "weights"
                                   << "[-1, 35, 8, 8, 4, 8, 4, 4, 4]"
                                   << "weights/0";
  QTest::newRow("weights miscounted") << "expression.preset"
                                      << "weights"
                                      << "[1, 2]"
                                      << "one weight per value";
  QTest::newRow("not JSON") << "expression.preset"
                            << "values"
                            << "[\"smile\", talk"
                            << "not valid JSON";
  QTest::newRow("max below min") << "camera.yaw"
                                 << "max"
                                 << "-100"
                                 << "greater than min";
  QTest::newRow("min above max") << "head.pitch"
                                 << "min"
                                 << "45"
                                 << "greater than min";
  QTest::newRow("unknown source") << "eyes.iris.melanin"
                                  << "source"
                                  << "hair.colour"
                                  << "hair.colour";
}

void TestDistributionsDock::invalidEntryShowsErrorAndKeepsRecipe() {
  QFETCH(QString, path);
  QFETCH(QString, field);
  QFETCH(QString, entry);
  QFETCH(QString, message);
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(path);
  const sf::Recipe before = document.recipe();
  QWidget* widget = dock.field(field);
  QVERIFY(widget);
  if (auto* box = qobject_cast<QDoubleSpinBox*>(widget)) {
    box->setValue(entry.toDouble());
  } else {
    retype(qobject_cast<QLineEdit*>(widget), entry);
  }
  QVERIFY(!dock.errorLabel()->isHidden());
  QVERIFY2(dock.errorLabel()->text().contains(message), qPrintable(dock.errorLabel()->text()));
  QVERIFY(document.recipe() == before);
  QCOMPARE(document.undoStack()->count(), 0);
  // What the user typed stays, to be fixed.
  if (auto* box = qobject_cast<QDoubleSpinBox*>(widget)) {
    QCOMPARE(box->value(), entry.toDouble());
  } else {
    QCOMPARE(qobject_cast<QLineEdit*>(widget)->text(), entry);
  }
}

void TestDistributionsDock::everyOfferedTypeApplies_data() {
  QTest::addColumn<QString>("path");
  QTest::addColumn<QStringList>("expected");  // types that must be offered
  QTest::addColumn<QStringList>("excluded");  // types that must not be
  QTest::newRow("angle") << "camera.yaw"
                         << QStringList{"constant",  "uniform",    "normal",      "truncatedNormal",
                                        "logNormal", "beta",       "categorical", "mixture",
                                        "linked",    "conditional"}
                         << QStringList{"bernoulli", "assetChoice"};
  QTest::newRow("string") << "expression.preset"
                          << QStringList{"constant", "categorical", "mixture", "conditional"}
                          << QStringList{"uniform", "normal", "bernoulli", "assetChoice"};
  QTest::newRow("boolean") << "hair.present"
                           << QStringList{"constant", "bernoulli", "categorical", "linked"}
                           << QStringList{"uniform", "truncatedNormal", "assetChoice"};
  QTest::newRow("integer") << "render.samples" << QStringList{"constant", "uniform", "categorical"}
                           << QStringList{"bernoulli"};
  QTest::newRow("asset") << "hair.groom"
                         << QStringList{"assetChoice", "categorical", "conditional", "constant"}
                         << QStringList{"normal"};
  QTest::newRow("linked colour") << "brows.color.melanin"
                                 << QStringList{"linked", "beta", "uniform"} << QStringList{};
}

void TestDistributionsDock::everyOfferedTypeApplies() {
  QFETCH(QString, path);
  QFETCH(QStringList, expected);
  QFETCH(QStringList, excluded);
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.setContext(smallContext());
  dock.selectPath(path);
  QStringList offered;
  for (int i = 0; i < dock.typeCombo()->count(); ++i) {
    offered.append(dock.typeCombo()->itemData(i).toString());
  }
  for (const QString& type : expected) {
    QVERIFY2(offered.contains(type), qPrintable(type + " not in " + offered.join(',')));
  }
  for (const QString& type : excluded) {
    QVERIFY2(!offered.contains(type), qPrintable(type));
  }
  // Each offered type fills in values that parse, and the histogram draws them.
  for (const QString& type : offered) {
    dock.typeCombo()->setCurrentIndex(dock.typeCombo()->findData(type));
    QVERIFY2(dock.errorLabel()->isHidden(),
             qPrintable(type + QStringLiteral(": ") + dock.errorLabel()->text()));
    const json& set = document.recipe().parameters.count(path.toStdString())
                          ? document.recipe().parameters.at(path.toStdString())
                          : json();
    const std::string written =
        set.is_object() ? set.value("type", std::string()) : std::string("constant");
    if (!set.is_null()) {
      QCOMPARE(QString::fromStdString(written), type);
    }
    QVERIFY(waitForHistogram(dock));
    QVERIFY2(dock.histogram()->message().isEmpty(), qPrintable(dock.histogram()->message()));
  }
}

void TestDistributionsDock::searchFiltersRows_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<QStringList>("shown");
  QTest::addColumn<QStringList>("hidden");
  QTest::newRow("yaw") << "yaw" << QStringList{"camera.yaw", "head.yaw", "gaze.yaw"}
                       << QStringList{"camera.pitch", "hair.present", "environment.rotation"};
  QTest::newRow("case-insensitive")
      << "MELANIN" << QStringList{"hair.color.melanin", "eyes.iris.melanin"}
      << QStringList{"skin.tone"};
  QTest::newRow("group prefix") << "camera." << QStringList{"camera.fov", "camera.framing"}
                                << QStringList{"head.yaw"};
  QTest::newRow("mode names") << "nose"
                              << QStringList{"identity.modes.nose_width", "identity.scale.nose"}
                              << QStringList{"identity.modes.jaw_width", "camera.yaw"};
}

void TestDistributionsDock::searchFiltersRows() {
  QFETCH(QString, text);
  QFETCH(QStringList, shown);
  QFETCH(QStringList, hidden);
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.setContext(smallContext());
  dock.show();
  QTest::keyClicks(dock.searchField(), text);
  auto visible = [&](const QString& path) {
    QTreeWidgetItem* item = dock.itemForPath(path);
    if (!item) {
      return false;
    }
    for (QTreeWidgetItem* i = item; i; i = i->parent()) {
      if (i->isHidden() || (i != item && !i->isExpanded())) {
        return false;
      }
    }
    return true;
  };
  for (const QString& path : shown) {
    QVERIFY2(visible(path), qPrintable(path));
  }
  for (const QString& path : hidden) {
    QVERIFY2(!visible(path), qPrintable(path));
  }
  // Clearing shows every row again.
  dock.searchField()->clear();
  for (const QString& path : hidden) {
    QVERIFY2(!dock.itemForPath(path)->isHidden(), qPrintable(path));
  }
}

void TestDistributionsDock::resetRemovesTheParameter() {
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(QStringLiteral("camera.yaw"));
  qobject_cast<QDoubleSpinBox*>(dock.field(QStringLiteral("sigma")))->setValue(12.0);
  QVERIFY(isSet(document, "camera.yaw"));
  QVERIFY(dock.resetButton()->isEnabled());
  QVERIFY(dock.itemForPath(QStringLiteral("camera.yaw"))->font(0).bold());

  QTest::mouseClick(dock.resetButton(), Qt::LeftButton);
  QVERIFY(!isSet(document, "camera.yaw"));
  QVERIFY(!dock.resetButton()->isEnabled());
  QVERIFY(!dock.itemForPath(QStringLiteral("camera.yaw"))->font(0).bold());
  QCOMPARE(qobject_cast<QDoubleSpinBox*>(dock.field(QStringLiteral("sigma")))->value(), 30.0);
  QCOMPARE(document.undoStack()->count(), 2);  // reset is undoable too
  QVERIFY(waitForHistogram(dock));
  QVERIFY(dock.histogram()->standardDeviation() > 25.0);
}

void TestDistributionsDock::treeSummarisesAndMarksSetPaths() {
  RecipeDocument document;
  DistributionsDock dock(&document);
  QCOMPARE(dock.itemForPath(QStringLiteral("camera.yaw"))->text(1),
           QStringLiteral("truncatedNormal(0, 30) [-90, 90]"));
  QCOMPARE(dock.itemForPath(QStringLiteral("camera.framing"))->text(1),
           QStringLiteral("constant faceSize"));
  QCOMPARE(dock.itemForPath(QStringLiteral("hair.present"))->text(1),
           QStringLiteral("bernoulli(0.92)"));
  QVERIFY(dock.itemForPath(QStringLiteral("expression.preset"))
              ->text(1)
              .startsWith(QStringLiteral("categorical: smile 20, talk 25")));
  QCOMPARE(dock.itemForPath(QStringLiteral("camera.yaw"))->text(0), QStringLiteral("yaw"));
  QCOMPARE(dock.itemForPath(QStringLiteral("hair.color.melanin"))->text(0),
           QStringLiteral("color.melanin"));

  // An edit from elsewhere (the CLI's --set, another dock) shows up, in bold.
  QVERIFY(document.setParameter("camera.fov", 35).isEmpty());
  QTreeWidgetItem* fov = dock.itemForPath(QStringLiteral("camera.fov"));
  QCOMPARE(fov->text(1), QStringLiteral("constant 35"));
  QVERIFY(fov->font(1).bold());
  QVERIFY(!dock.itemForPath(QStringLiteral("camera.yaw"))->font(1).bold());
  QVERIFY(fov->parent()->text(1).contains(QStringLiteral("1 set")));
  // A recipe-defined preset entry gets a row.
  QVERIFY(document.setParameter("expression.presets.smirk.mouthSmileLeft", 0.6).isEmpty());
  QVERIFY(dock.itemForPath(QStringLiteral("expression.presets.smirk.mouthSmileLeft")));
}

void TestDistributionsDock::contextListsModesScalesAndShapes() {
  RecipeDocument document;
  DistributionsDock dock(&document);
  QVERIFY(!dock.itemForPath(QStringLiteral("identity.modes.nose_width")));
  dock.setContext(smallContext());
  for (const char* path :
       {"identity.modes.nose_width", "identity.modes.jaw_width", "identity.scale.nose",
        "identity.scale.jaw", "expression.shapes.jawOpen", "expression.presets.smile.jawOpen"}) {
    QVERIFY2(dock.itemForPath(QString::fromLatin1(path)), path);
  }
  // Long lists start closed, under their group.
  QTreeWidgetItem* mode = dock.itemForPath(QStringLiteral("identity.modes.nose_width"));
  QCOMPARE(mode->text(0), QStringLiteral("nose_width"));
  QCOMPARE(mode->parent()->text(0), QStringLiteral("modes"));
  QVERIFY(!mode->parent()->isExpanded());

  dock.selectPath(QStringLiteral("identity.modes.nose_width"));
  QCOMPARE(dock.typeCombo()->currentData().toString(), QStringLiteral("normal"));
  QVERIFY(waitForHistogram(dock));
  QVERIFY(std::abs(dock.histogram()->standardDeviation() - 1.0) < 0.03);
  QVERIFY(std::abs(dock.histogram()->mean()) < 0.04);
  // An asset choice draws from the library.
  dock.selectPath(QStringLiteral("hair.groom"));
  QVERIFY(waitForHistogram(dock));
  QVERIFY(shares(*dock.histogram()).contains(QStringLiteral("hair/bob")));
}

void TestDistributionsDock::linkedHistogramFollowsItsSource() {
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(QStringLiteral("brows.color.melanin"));
  QVERIFY(waitForHistogram(dock));
  QVERIFY(dock.histogram()->standardDeviation() > 0.05);
  // The brows take their draw from the hair's: a constant hair colour makes them constant.
  QSignalSpy updated(&dock, &DistributionsDock::histogramUpdated);
  QVERIFY(document.setParameter("hair.color.melanin", 0.2).isEmpty());
  QVERIFY(updated.wait(20000));
  QCOMPARE(dock.histogram()->numbers().front(), 0.2);
  QCOMPARE(dock.histogram()->numbers().back(), 0.2);
  // An unrelated path does not redraw.
  updated.clear();
  QVERIFY(document.setParameter("camera.fov", 40).isEmpty());
  QVERIFY(!dock.histogram()->isBusy());
  QTest::qWait(100);
  QCOMPARE(updated.count(), 0);
}

void TestDistributionsDock::undoOfAnotherPathReloadsTheEditor() {
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.selectPath(QStringLiteral("camera.fov"));
  QVERIFY(document
              .setParameter("camera.fov", json::parse(R"({"type": "uniform",
      "min": 20, "max": 50})"))
              .isEmpty());
  QCOMPARE(dock.typeCombo()->currentData().toString(), QStringLiteral("uniform"));
  QCOMPARE(qobject_cast<QDoubleSpinBox*>(dock.field(QStringLiteral("max")))->value(), 50.0);
  document.undoStack()->undo();
  QCOMPARE(dock.typeCombo()->currentData().toString(), QStringLiteral("truncatedNormal"));
  QVERIFY(dock.field(QStringLiteral("sigma")));
  // A pasted recipe shows its distribution; a new one ("*") keeps the selection.
  sf::Recipe other = document.recipe();
  other.parameters["camera.fov"] = 60;
  QVERIFY(document.replaceRecipe(other, QStringLiteral("paste")).isEmpty());
  QCOMPARE(qobject_cast<QDoubleSpinBox*>(dock.field(QStringLiteral("value")))->value(), 60.0);
  document.newRecipe();
  QCOMPARE(dock.selectedPath(), QStringLiteral("camera.fov"));
  QCOMPARE(dock.typeCombo()->currentData().toString(), QStringLiteral("truncatedNormal"));
  QVERIFY(!dock.resetButton()->isEnabled());
}

void TestDistributionsDock::screenshot() {
  const QString dir = qEnvironmentVariable("SF_SCREENSHOT_DIR");
  if (dir.isEmpty()) {
    QSKIP("set SF_SCREENSHOT_DIR to save screenshots of the dock");
  }
  QDir().mkpath(dir);
  RecipeDocument document;
  DistributionsDock dock(&document);
  dock.setContext(smallContext());
  dock.resize(320, 820);
  dock.show();
  QVERIFY(QTest::qWaitForWindowExposed(&dock));
  dock.selectPath(QStringLiteral("camera.yaw"));
  qobject_cast<QDoubleSpinBox*>(dock.field(QStringLiteral("sigma")))->setValue(20.0);
  QVERIFY(waitForHistogram(dock));
  QTest::qWait(50);  // let the layout settle
  QVERIFY(dock.grab().save(dir + QStringLiteral("/distributions_dock.png")));

  dock.selectPath(QStringLiteral("expression.preset"));
  retype(qobject_cast<QLineEdit*>(dock.field(QStringLiteral("weights"))),
         QStringLiteral("[-1, 35, 8, 8, 4, 8, 4, 4, 4]"));
  QVERIFY(waitForHistogram(dock));
  QTest::qWait(50);
  QVERIFY(dock.grab().save(dir + QStringLiteral("/distributions_dock_categorical.png")));
}

QTEST_MAIN(TestDistributionsDock)
#include "test_distributions_dock.moc"
