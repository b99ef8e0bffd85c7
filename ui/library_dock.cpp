#include "library_dock.h"

#include "document/recipe_document.h"

#include "assets/builtin_catalog.h"
#include "assets/expression_asset.h"
#include "assets/eyewear.h"
#include "assets/facewear.h"
#include "assets/garment.h"
#include "assets/hair_groom.h"
#include "assets/skin_material.h"
#include "batch/asset_thumbnail.h"
#include "face/model_store.h"
#include "recipe/parameter_paths.h"
#include "render/environment.h"
#include "render/image.h"
#include "render/skin_texture.h"
#include "util/error.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QDragLeaveEvent>
#include <QDragMoveEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetrics>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QStackedWidget>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

namespace sf::ui {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// The tile's picture: 3:2, about the size artists browse thumbnails at (three columns in a
/// dock 400 pixels wide).
constexpr QSize kTileSize(120, 80);
/// Built-in environments are painted this wide for their thumbnails (then cropped).
constexpr int kEnvironmentPaintWidth = 256;

const QStringList kHdrSuffixes = {QStringLiteral("hdr"), QStringLiteral("exr")};
const QStringList kImageSuffixes = {QStringLiteral("png"), QStringLiteral("jpg"),
                                    QStringLiteral("jpeg"), QStringLiteral("tif"),
                                    QStringLiteral("tiff")};
const QStringList kMeshSuffixes = {QStringLiteral("obj"), QStringLiteral("gltf"),
                                   QStringLiteral("glb"), QStringLiteral("fbx"),
                                   QStringLiteral("dae"), QStringLiteral("ply")};
/// Files that come with a mesh (materials, glTF buffers): they say nothing about the kind.
const QStringList kCompanionSuffixes = {QStringLiteral("mtl"), QStringLiteral("bin")};

/// Licences artists meet most, offered as completions (any text is accepted).
const QStringList kCommonLicences = {
    QStringLiteral("CC0-1.0"),         QStringLiteral("CC-BY-4.0"),
    QStringLiteral("CC-BY-SA-4.0"),    QStringLiteral("CC-BY-NC-4.0"),
    QStringLiteral("CC-BY-NC-SA-4.0"), QStringLiteral("MIT"),
    QStringLiteral("proprietary")};

fs::path toPath(const QString& path) {
  return fs::path(QFile::encodeName(path).toStdString());
}

QString fromPath(const fs::path& path) {
  return QFile::decodeName(QByteArray::fromStdString(path.string()));
}

QString qs(const std::string& text) {
  return QString::fromStdString(text);
}

QString suffixOf(const QString& file) {
  return QFileInfo(file).suffix().toLower();
}

/// "Environment" for "environment": kinds as a menu shows them.
QString kindTitle(const QString& kind) {
  return kind.isEmpty() ? kind : kind.left(1).toUpper() + kind.mid(1);
}

/// Comma-separated tags, trimmed, without empty or repeated ones.
std::vector<std::string> parseTags(const QString& text) {
  std::vector<std::string> tags;
  for (const QString& part : text.split(QLatin1Char(','))) {
    const std::string tag = part.trimmed().toStdString();
    if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end()) {
      tags.push_back(tag);
    }
  }
  return tags;
}

QString joinTags(const std::vector<std::string>& tags) {
  QStringList list;
  for (const std::string& tag : tags) {
    list.append(qs(tag));
  }
  return list.join(QStringLiteral(", "));
}

/// Every asset kind an assetChoice inside `value` draws (nested in conditionals too).
void collectAssetKinds(const json& value, std::vector<std::string>& kinds) {
  if (value.is_object()) {
    if (value.value("type", "") == "assetChoice" && value.contains("kind") &&
        value["kind"].is_string()) {
      kinds.push_back(value["kind"].get<std::string>());
    }
    for (const auto& [key, child] : value.items()) {
      collectAssetKinds(child, kinds);
    }
  } else if (value.is_array()) {
    for (const json& child : value) {
      collectAssetKinds(child, kinds);
    }
  }
}

/// The name people know a built-in by ("Overcast sky"), else its id's last part.
std::string builtinDisplayName(const AssetInfo& info) {
  const std::string name = builtinAssetName(info.id, info.kind);
  if (info.kind == "environment") {
    for (const BuiltinEnvironment& environment : builtinEnvironments()) {
      if (environment.id == name) {
        return environment.name;
      }
    }
    for (const SystemEnvironment& environment : systemEnvironments()) {
      if (environment.id == name) {
        return environment.name;
      }
    }
  } else if (info.kind == "hair") {
    if (const GroomStyle* groom = findGroom(name)) {
      return groom->name;
    }
  } else if (info.kind == "clothing") {
    if (const GarmentStyle* garment = findGarment(name)) {
      return garment->name;
    }
  } else if (info.kind == "headwear") {
    if (const HeadwearStyle* item = findHeadwear(name)) {
      return item->name;
    }
  } else if (info.kind == "eyewear") {
    if (const EyewearStyle* item = findEyewear(name)) {
      return item->name;
    }
  } else if (info.kind == "facewear") {
    if (const FacewearStyle* item = findFacewear(name)) {
      return item->name;
    }
  } else if (info.kind == "brows") {
    if (const BrowStyle* brow = findBrow(name)) {
      return brow->name;
    }
  } else if (info.kind == "lashes") {
    if (const LashStyle* lashes = findLashes(name)) {
      return lashes->name;
    }
  } else if (info.kind == "beard") {
    if (const BeardStyle* beard = findBeard(name)) {
      return beard->name;
    }
  } else if (info.kind == "skin") {
    if (const SkinMaterial* skin = findSkinMaterial(name)) {
      return skin->name;
    }
  }
  return name;
}

/// 8-bit sRGB samples of a linear image as a QImage (grey, RGB or RGBA); null otherwise.
QImage toQImage(const Image& image) {
  QImage::Format format = QImage::Format_Invalid;
  switch (image.channels) {
    case 1: format = QImage::Format_Grayscale8; break;
    case 3: format = QImage::Format_RGB888; break;
    case 4: format = QImage::Format_RGBA8888; break;
    default: return QImage();
  }
  const std::vector<std::uint8_t> bytes = toSrgb8(image);
  return QImage(bytes.data(), image.width, image.height, image.width * image.channels, format)
      .copy();
}

/// The thumbnail of a built-in environment (any thread). Null when it cannot be painted.
QImage paintEnvironmentThumbnail(const std::string& name) {
  try {
    for (const SystemEnvironment& environment : systemEnvironments()) {
      if (environment.id == name) {
        return toQImage(thumbnailImage(readImage(environment.file), kEnvironmentPaintWidth));
      }
    }
    return toQImage(paintBuiltinEnvironment(name, kEnvironmentPaintWidth));
  } catch (const std::exception&) {
    return QImage();
  }
}

/// A key that changes when the thumbnail file does; empty when the asset has none.
QString fileThumbnailKey(const AssetLibrary& library, const LibraryAsset& asset) {
  if (asset.thumbnail.empty()) {
    return QString();
  }
  const QString path = fromPath(library.absolutePath(asset.thumbnail));
  return QStringLiteral("file:%1@%2")
      .arg(path)
      .arg(QFileInfo(path).lastModified().toMSecsSinceEpoch());
}

/// The path of a file thumbnail's key.
QString pathOfKey(const QString& key) {
  return key.mid(5, key.lastIndexOf(QLatin1Char('@')) - 5);
}

/// A muted colour per kind, for placeholders.
QColor kindColor(const std::string& kind) {
  static const std::map<std::string, int> hues = {
      {"environment", 205}, {"hair", 28},      {"beard", 18},     {"brows", 40},
      {"lashes", 280},      {"skin", 12},      {"clothing", 165}, {"headwear", 95},
      {"eyewear", 225},     {"facewear", 330}, {"expression", 50}};
  const auto found = hues.find(kind);
  const int hue = found != hues.end() ? found->second : int(qHash(qs(kind)) % 360);
  return QColor::fromHsl(hue, 80, 196);
}

/// A small padlock, centred on `centre`, for read-only assets.
void drawLock(QPainter& painter, const QPointF& centre) {
  painter.setPen(Qt::NoPen);
  painter.setBrush(QColor(0, 0, 0, 150));
  painter.drawEllipse(centre, 10.0, 10.0);
  painter.setBrush(Qt::white);
  painter.drawRoundedRect(QRectF(centre.x() - 4.5, centre.y() - 1.0, 9.0, 6.5), 1.2, 1.2);
  painter.setBrush(Qt::NoBrush);
  painter.setPen(QPen(Qt::white, 1.6));
  painter.drawArc(QRectF(centre.x() - 3.0, centre.y() - 6.5, 6.0, 8.0), 0, 180 * 16);
  painter.drawLine(QPointF(centre.x() - 3.0, centre.y() - 2.5),
                   QPointF(centre.x() - 3.0, centre.y() - 1.0));
  painter.drawLine(QPointF(centre.x() + 3.0, centre.y() - 2.5),
                   QPointF(centre.x() + 3.0, centre.y() - 1.0));
}

fs::path normalised(const fs::path& path) {
  std::error_code ec;
  const fs::path result = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : result;
}

/// True when the recipe names `library` (its library.json or its folder).
bool recipeUsesLibrary(const Recipe& recipe, const QString& baseDir, const AssetLibrary& library) {
  if (recipe.library.empty() || library.folder().empty()) {
    return false;
  }
  const fs::path named = normalised(RecipeDocument::libraryPathOf(recipe, baseDir));
  return named == normalised(library.indexPath()) || named == normalised(library.folder());
}

/// How often the thing a kind's parameter chooses appears at all, when "<group>.present"
/// does not make it always: " It appears in 25% of samples (beard.present)."
QString presenceNote(const Recipe& recipe, const std::string& path) {
  const std::string present = path.substr(0, path.find('.')) + ".present";
  if (findParameter(present) == nullptr) {
    return QString();
  }
  const auto found = recipe.parameters.find(present);
  json value = found != recipe.parameters.end() ? found->second : defaultDistribution(present);
  if (value.is_object() && value.value("type", "") == "constant" && value.contains("value")) {
    value = value["value"];
  }
  if (value == json(true)) {
    return QString();
  }
  if (value == json(false)) {
    return LibraryDock::tr(" %1 is false, so it does not appear.").arg(qs(present));
  }
  if (value.is_object() && value.value("type", "") == "bernoulli" && value.contains("p") &&
      value["p"].is_number()) {
    return LibraryDock::tr(" It appears in %1% of samples (%2).")
        .arg(std::lround(value["p"].get<double>() * 100.0))
        .arg(qs(present));
  }
  return LibraryDock::tr(" %1 decides whether it appears.").arg(qs(present));
}

/// The message of an exception as the user should read it.
QString messageOf(const std::exception& error) {
  return QString::fromStdString(error.what());
}

}  // namespace

/// What an import made, handed from the worker thread back to the GUI thread.
struct LibraryDock::ImportOutcome {
  AssetLibrary library;  ///< the library with every asset that could be added
  QStringList added;     ///< the new assets' ids
  QStringList errors;    ///< one per group that failed, naming the file
  QStringList failedFiles;
  QHash<QString, QImage> thumbnails;  ///< the new assets' thumbnails by key
};

LibraryDock::LibraryDock(RecipeDocument* document, QWidget* parent)
    : QDockWidget(tr("Library"), parent), m_document(document) {
  setObjectName(QStringLiteral("libraryDock"));
  setAcceptDrops(true);
  m_pool.setMaxThreadCount(2);
  m_renderPool.setMaxThreadCount(1);
  buildUi();
  // Rendered thumbnails follow what is in view: after a scroll, a resize, a filter.
  m_visibleTimer = new QTimer(this);
  m_visibleTimer->setSingleShot(true);
  m_visibleTimer->setInterval(150);
  connect(m_visibleTimer, &QTimer::timeout, this, &LibraryDock::requestVisibleRenders);
  auto inView = [this] { m_visibleTimer->start(); };
  connect(m_list->verticalScrollBar(), &QScrollBar::valueChanged, this, inView);
  connect(m_list->verticalScrollBar(), &QScrollBar::rangeChanged, this, inView);
  connect(this, &QDockWidget::visibilityChanged, this, inView);
  connect(m_document, &RecipeDocument::changed, this, [this] { updateRecipeNote(); });
  openUserLibrary();
}

LibraryDock::~LibraryDock() {
  m_renderPool.clear();
  m_pool.clear();
  m_renderPool.waitForDone();
  m_pool.waitForDone();
}

void LibraryDock::buildUi() {
  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->setSpacing(6);
  // Read-only fields look read-only.
  content->setStyleSheet(
      QStringLiteral("QLineEdit[readOnly=\"true\"] { background: palette(window); }"));

  // Search and import.
  auto* searchRow = new QHBoxLayout();
  m_search = new QLineEdit(content);
  m_search->setObjectName(QStringLiteral("librarySearch"));
  m_search->setPlaceholderText(tr("Search names, ids and tags"));
  m_search->setClearButtonEnabled(true);
  m_importButton = new QPushButton(tr("Import..."), content);
  m_importButton->setToolTip(
      tr("Copy meshes, images or HDRIs into your library (or drop files on this dock)"));
  searchRow->addWidget(m_search, 1);
  searchRow->addWidget(m_importButton);
  layout->addLayout(searchRow);

  // Kind and tag filters.
  auto* filterRow = new QHBoxLayout();
  m_kindFilter = new QComboBox(content);
  m_kindFilter->setObjectName(QStringLiteral("libraryKind"));
  m_kindFilter->setToolTip(tr("Show one kind of asset"));
  m_kindFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  m_tagFilter = new QComboBox(content);
  m_tagFilter->setObjectName(QStringLiteral("libraryTag"));
  m_tagFilter->setToolTip(tr("Show the assets with this tag"));
  m_tagFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  m_tagFilter->addItem(tr("Any tag"), QString());
  m_shownCount = new QLabel(content);
  m_shownCount->setForegroundRole(QPalette::PlaceholderText);
  filterRow->addWidget(m_kindFilter);
  filterRow->addWidget(m_tagFilter);
  filterRow->addStretch(1);
  filterRow->addWidget(m_shownCount);
  layout->addLayout(filterRow);

  // The grid.
  m_list = new QListWidget(content);
  m_list->setObjectName(QStringLiteral("libraryAssets"));
  m_list->setViewMode(QListView::IconMode);
  m_list->setMovement(QListView::Static);
  m_list->setResizeMode(QListView::Adjust);
  m_list->setFlow(QListView::LeftToRight);
  m_list->setWrapping(true);
  m_list->setIconSize(kTileSize);
  m_list->setGridSize(QSize(kTileSize.width() + 10, kTileSize.height() + 40));  // two lines
  m_list->setWordWrap(true);
  m_list->setTextElideMode(Qt::ElideRight);
  m_list->setSelectionMode(QAbstractItemView::SingleSelection);
  m_list->setDragDropMode(QAbstractItemView::NoDragDrop);
  m_list->setAcceptDrops(false);  // drops go to the dock, which imports them
  m_list->viewport()->setAcceptDrops(false);
  m_list->setMinimumHeight(kTileSize.height() + 48);
  layout->addWidget(m_list, 1);

  // Details of the selection, or the import form.
  m_bottom = new QStackedWidget(content);
  m_bottom->addWidget(buildDetails(m_bottom));
  m_bottom->addWidget(buildImportForm(m_bottom));
  m_bottom->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
  layout->addWidget(m_bottom);

  // Status and errors.
  auto* statusRow = new QHBoxLayout();
  m_busy = new QProgressBar(content);
  m_busy->setRange(0, 0);
  m_busy->setTextVisible(false);
  m_busy->setFixedWidth(64);
  m_busy->setMaximumHeight(12);
  m_busy->setVisible(false);
  m_status = new QLabel(content);
  m_status->setObjectName(QStringLiteral("libraryStatus"));
  m_status->setWordWrap(true);
  m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusRow->addWidget(m_busy, 0, Qt::AlignTop);
  statusRow->addWidget(m_status, 1);
  layout->addLayout(statusRow);
  m_error = new QLabel(content);
  m_error->setObjectName(QStringLiteral("libraryError"));
  m_error->setWordWrap(true);
  m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
  m_error->setVisible(false);
  layout->addWidget(m_error);

  setWidget(content);

  connect(m_search, &QLineEdit::textChanged, this, [this] { applyFilters(); });
  connect(m_kindFilter, &QComboBox::currentIndexChanged, this, [this] {
    if (!m_syncing) {
      updateTagFilter();
      applyFilters();
    }
  });
  connect(m_tagFilter, &QComboBox::currentIndexChanged, this, [this] {
    if (!m_syncing) {
      applyFilters();
    }
  });
  connect(m_list, &QListWidget::itemSelectionChanged, this, [this] {
    if (!m_syncing) {
      showStatus(QString());  // what the last action did is old news
      showSelection();
    }
  });
  connect(m_list, &QListWidget::itemActivated, this, [this] { useSelectedInRecipe(); });
  connect(m_importButton, &QPushButton::clicked, this, &LibraryDock::chooseImportFiles);
}

QWidget* LibraryDock::buildDetails(QWidget* parent) {
  m_details = new QWidget(parent);
  auto* layout = new QVBoxLayout(m_details);
  layout->setContentsMargins(0, 0, 0, 0);
  m_title = new QLabel(m_details);
  m_title->setTextFormat(Qt::RichText);
  m_title->setWordWrap(true);
  layout->addWidget(m_title);

  auto* form = new QFormLayout();
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->setVerticalSpacing(4);
  auto field = [this](const char* name, const QString& tip, bool readOnly) {
    auto* edit = new QLineEdit(m_details);
    edit->setObjectName(QLatin1String(name));
    edit->setToolTip(tip);
    edit->setReadOnly(readOnly);
    return edit;
  };
  m_id = field("libraryId", tr("What recipes call this asset"), true);
  m_kind =
      field("libraryAssetKind", tr("The kind of asset: which recipe parameter draws it"), true);
  m_licence = field("libraryLicence",
                    tr("The licence the asset was published under, such as CC0-1.0; datasets "
                       "record it"),
                    false);
  m_licence->setCompleter(new QCompleter(kCommonLicences, m_licence));
  m_author = field("libraryAuthor", tr("Who made the asset, for attribution"), false);
  m_tags = field("libraryTags",
                 tr("Comma-separated tags that recipes choose assets by, such as short, "
                    "fitsUnderHeadwear"),
                 false);
  m_source = field("librarySource", tr("Where the asset came from"), true);
  form->addRow(tr("Id:"), m_id);
  form->addRow(tr("Kind:"), m_kind);
  form->addRow(tr("&Licence:"), m_licence);
  form->addRow(tr("&Author:"), m_author);
  form->addRow(tr("&Tags:"), m_tags);
  form->addRow(tr("Source:"), m_source);
  layout->addLayout(form);

  auto* buttons = new QHBoxLayout();
  m_apply = new QPushButton(tr("&Apply"), m_details);
  m_apply->setToolTip(tr("Save the licence, author and tags to the library"));
  m_use = new QPushButton(tr("&Use in Recipe"), m_details);
  m_remove = new QPushButton(tr("&Remove..."), m_details);
  m_remove->setToolTip(tr("Remove the asset and its files from your library"));
  buttons->addWidget(m_apply);
  buttons->addWidget(m_remove);
  buttons->addStretch(1);
  buttons->addWidget(m_use);
  layout->addLayout(buttons);

  m_recipeNote = new QLabel(m_details);
  m_recipeNote->setWordWrap(true);
  m_recipeNote->setForegroundRole(QPalette::PlaceholderText);
  layout->addWidget(m_recipeNote);

  for (QLineEdit* edit : {m_licence, m_author, m_tags}) {
    connect(edit, &QLineEdit::textChanged, this, [this] { updateApplyState(); });
    connect(edit, &QLineEdit::returnPressed, this, [this] {
      if (m_apply->isEnabled()) {
        applyDetails();
      }
    });
  }
  connect(m_apply, &QPushButton::clicked, this, [this] { applyDetails(); });
  connect(m_use, &QPushButton::clicked, this, [this] { useSelectedInRecipe(); });
  connect(m_remove, &QPushButton::clicked, this, [this] { removeSelected(); });
  return m_details;
}

QWidget* LibraryDock::buildImportForm(QWidget* parent) {
  m_importForm = new QWidget(parent);
  auto* layout = new QVBoxLayout(m_importForm);
  layout->setContentsMargins(0, 0, 0, 0);
  m_importFiles = new QLabel(m_importForm);
  m_importFiles->setWordWrap(true);
  m_importFiles->setTextFormat(Qt::RichText);
  layout->addWidget(m_importFiles);

  auto* form = new QFormLayout();
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->setVerticalSpacing(4);
  m_importKind = new QComboBox(m_importForm);
  m_importKind->setObjectName(QStringLiteral("importKind"));
  m_importKind->setPlaceholderText(tr("Choose a kind"));
  for (const std::string& kind : AssetLibrary::kinds()) {
    m_importKind->addItem(kindTitle(qs(kind)), qs(kind));
  }
  m_importName = new QLineEdit(m_importForm);
  m_importName->setObjectName(QStringLiteral("importName"));
  m_importName->setToolTip(tr("The asset's name; its id is <kind>/<name>"));
  m_importLicence = new QLineEdit(m_importForm);
  m_importLicence->setObjectName(QStringLiteral("importLicence"));
  m_importLicence->setPlaceholderText(tr("Required, such as CC0-1.0 or CC-BY-4.0"));
  m_importLicence->setCompleter(new QCompleter(kCommonLicences, m_importLicence));
  m_importAuthor = new QLineEdit(m_importForm);
  m_importAuthor->setObjectName(QStringLiteral("importAuthor"));
  m_importAuthor->setPlaceholderText(tr("For attribution"));
  m_importTags = new QLineEdit(m_importForm);
  m_importTags->setObjectName(QStringLiteral("importTags"));
  m_importTags->setPlaceholderText(tr("Comma-separated: outdoor, warm"));
  m_importEach = new QCheckBox(tr("Each file is its own asset"), m_importForm);
  m_importEach->setToolTip(
      tr("Checked: one asset per file (several HDRIs). Unchecked: the files make one asset "
         "(a mesh with its textures)."));
  form->addRow(tr("&Kind:"), m_importKind);
  form->addRow(tr("&Name:"), m_importName);
  form->addRow(tr("&Licence:"), m_importLicence);
  form->addRow(tr("&Author:"), m_importAuthor);
  form->addRow(tr("&Tags:"), m_importTags);
  form->addRow(QString(), m_importEach);
  layout->addLayout(form);

  auto* buttons = new QHBoxLayout();
  m_importCancel = new QPushButton(tr("Cancel"), m_importForm);
  m_importStart = new QPushButton(tr("&Import"), m_importForm);
  m_importStart->setDefault(true);
  buttons->addStretch(1);
  buttons->addWidget(m_importCancel);
  buttons->addWidget(m_importStart);
  layout->addLayout(buttons);

  connect(m_importEach, &QCheckBox::toggled, this, [this](bool each) {
    m_importName->setEnabled(!each);
    m_importName->setPlaceholderText(each ? tr("Each file's name")
                                          : tr("Default: the first file's name"));
  });
  connect(m_importStart, &QPushButton::clicked, this, &LibraryDock::startImport);
  connect(m_importCancel, &QPushButton::clicked, this, &LibraryDock::cancelImport);
  for (QLineEdit* edit : {m_importName, m_importLicence, m_importAuthor, m_importTags}) {
    connect(edit, &QLineEdit::returnPressed, this, &LibraryDock::startImport);
  }
  return m_importForm;
}

void LibraryDock::openUserLibrary() {
  try {
    m_library = AssetLibrary::openUserLibrary();
    m_libraryWritable = true;
  } catch (const std::exception& error) {
    // Show what can be read, but never write over a library.json the user must fix.
    m_libraryWritable = false;
    Diagnostics ignored;
    try {
      m_library = AssetLibrary::read(AssetLibrary::userLibraryFolder(), ignored);
    } catch (const std::exception&) {
      m_library = AssetLibrary();
    }
    rebuild();
    showError(tr("Your library could not be read: %1\nIts assets are read-only and importing "
                 "is off until the file is fixed.")
                  .arg(messageOf(error)));
    return;
  }
  rebuild();
}

void LibraryDock::setUserLibrary(AssetLibrary library) {
  m_library = std::move(library);
  m_libraryWritable = true;
  showError(QString());
  rebuild();
}

void LibraryDock::rebuild() {
  const QString selected = selectedId();

  // Built-ins never change: make their entries once.
  static const std::vector<Entry> builtins = [] {
    std::vector<Entry> entries;
    for (const AssetInfo& info : builtinAssetCatalog()->assets()) {
      Entry entry;
      entry.builtin = true;
      entry.asset.id = info.id;
      entry.asset.kind = info.kind;
      entry.asset.name = builtinDisplayName(info);
      entry.asset.tags = info.tags;
      entry.asset.licence = info.licence;
      entry.asset.author = "SynthFace";
      entry.asset.source = "built-in: generated by SynthFace's code";
      for (const SystemEnvironment& system : systemEnvironments()) {
        if (info.kind == "environment" && builtinAssetName(info.id, info.kind) == system.id) {
          entry.asset.author = system.author;
          entry.asset.source = system.source + ": " + system.file.string();
        }
      }
      if (info.kind == "environment") {
        entry.thumbnailKey = QStringLiteral("builtin:") + qs(info.id);
      } else if (!AssetThumbnailer::settingsFor(info.id, info.kind).empty()) {
        entry.thumbnailKey = QStringLiteral("render:") + qs(info.id);
      }
      entries.push_back(std::move(entry));
    }
    return entries;
  }();
  m_entries = builtins;
  for (const LibraryAsset& asset : m_library.assets()) {
    Entry entry;
    entry.asset = asset;
    entry.thumbnailKey = fileThumbnailKey(m_library, asset);
    m_entries.push_back(std::move(entry));
  }
  // By kind (in the library's order), the user's own first by name, then the built-ins.
  const std::vector<std::string>& kinds = AssetLibrary::kinds();
  auto kindRank = [&](const std::string& kind) {
    return std::find(kinds.begin(), kinds.end(), kind) - kinds.begin();
  };
  std::stable_sort(m_entries.begin(), m_entries.end(), [&](const Entry& a, const Entry& b) {
    if (a.asset.kind != b.asset.kind) {
      return kindRank(a.asset.kind) < kindRank(b.asset.kind);
    }
    if (a.builtin != b.builtin) {
      return !a.builtin;
    }
    if (a.builtin) {
      return false;  // built-ins keep the catalogue's order: skins light to dark, grooms short to
                     // long
    }
    return QString::compare(qs(a.asset.name), qs(b.asset.name), Qt::CaseInsensitive) < 0;
  });
  m_entryIndex.clear();
  for (int i = 0; i < int(m_entries.size()); ++i) {
    m_entryIndex.insert(qs(m_entries[std::size_t(i)].asset.id), i);
  }

  m_syncing = true;
  m_list->clear();
  for (const Entry& entry : m_entries) {
    const LibraryAsset& asset = entry.asset;
    auto* item = new QListWidgetItem(qs(asset.name), m_list);
    item->setData(IdRole, qs(asset.id));
    item->setData(BuiltinRole, entry.builtin);
    item->setData(ThumbnailRole, !entry.thumbnailKey.isEmpty() &&
                                     !m_thumbnails.value(entry.thumbnailKey).isNull());
    item->setIcon(tileIcon(entry));
    auto row = [](const QString& label, const QString& value) {
      return QStringLiteral("<tr><td style='color:gray'>%1&nbsp;</td><td>%2</td></tr>")
          .arg(label, value.toHtmlEscaped());
    };
    const QString none = tr("none recorded");
    item->setToolTip(
        QStringLiteral("<b>%1</b>%2<table>%3%4%5%6%7%8</table>")
            .arg(qs(asset.name).toHtmlEscaped(),
                 entry.builtin ? tr(" &nbsp;<i>built-in, read-only</i>") : QString(),
                 row(tr("id"), qs(asset.id)), row(tr("kind"), qs(asset.kind)),
                 row(tr("tags"), asset.tags.empty() ? tr("none") : joinTags(asset.tags)),
                 row(tr("licence"), asset.licence.empty() ? none : qs(asset.licence)),
                 row(tr("author"), asset.author.empty() ? none : qs(asset.author)),
                 row(tr("source"), qs(asset.source))));
    requestThumbnail(entry);
  }
  m_syncing = false;

  updateKindCounts();
  updateTagFilter();
  applyFilters();
  if (selected.isEmpty() || !selectAsset(selected)) {
    showSelection();
  }
  m_importButton->setEnabled(m_libraryWritable && !m_importing);
}

void LibraryDock::updateKindCounts() {
  std::map<std::string, int> counts;
  for (const Entry& entry : m_entries) {
    ++counts[entry.asset.kind];
  }
  std::vector<std::string> kinds = AssetLibrary::kinds();
  for (const auto& [kind, count] : counts) {
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
      kinds.push_back(kind);
    }
  }
  const QString current = m_kindFilter->currentData().toString();
  m_syncing = true;
  m_kindFilter->clear();
  m_kindFilter->addItem(tr("All kinds (%1)").arg(m_entries.size()), QString());
  for (const std::string& kind : kinds) {
    m_kindFilter->addItem(QStringLiteral("%1 (%2)").arg(kindTitle(qs(kind))).arg(counts[kind]),
                          qs(kind));
  }
  m_kindFilter->setCurrentIndex(std::max(0, m_kindFilter->findData(current)));
  m_syncing = false;
}

void LibraryDock::updateTagFilter() {
  const QString kind = m_kindFilter->currentData().toString();
  std::map<QString, int, bool (*)(const QString&, const QString&)> counts(
      [](const QString& a, const QString& b) {
        const int byCase = QString::compare(a, b, Qt::CaseInsensitive);
        return byCase != 0 ? byCase < 0 : a < b;
      });
  for (const Entry& entry : m_entries) {
    if (kind.isEmpty() || qs(entry.asset.kind) == kind) {
      for (const std::string& tag : entry.asset.tags) {
        ++counts[qs(tag)];
      }
    }
  }
  const QString current = m_tagFilter->currentData().toString();
  m_syncing = true;
  m_tagFilter->clear();
  m_tagFilter->addItem(tr("Any tag"), QString());
  for (const auto& [tag, count] : counts) {
    m_tagFilter->addItem(QStringLiteral("%1 (%2)").arg(tag).arg(count), tag);
  }
  m_tagFilter->setCurrentIndex(std::max(0, m_tagFilter->findData(current)));
  m_syncing = false;
}

bool LibraryDock::matchesFilters(const Entry& entry) const {
  const QString kind = m_kindFilter->currentData().toString();
  if (!kind.isEmpty() && qs(entry.asset.kind) != kind) {
    return false;
  }
  const std::string tag = m_tagFilter->currentData().toString().toStdString();
  if (!tag.empty() &&
      std::find(entry.asset.tags.begin(), entry.asset.tags.end(), tag) == entry.asset.tags.end()) {
    return false;
  }
  // Every word of the search somewhere in the id, the name or a tag.
  const QStringList words = m_search->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
  if (words.isEmpty()) {
    return true;
  }
  const QString haystack = qs(entry.asset.id) + QLatin1Char('\n') + qs(entry.asset.name) +
                           QLatin1Char('\n') + joinTags(entry.asset.tags);
  return std::all_of(words.begin(), words.end(), [&](const QString& word) {
    return haystack.contains(word, Qt::CaseInsensitive);
  });
}

void LibraryDock::applyFilters() {
  for (int row = 0; row < m_list->count(); ++row) {
    QListWidgetItem* item = m_list->item(row);
    const Entry* entry = entryForId(item->data(IdRole).toString());
    item->setHidden(entry == nullptr || !matchesFilters(*entry));
  }
  if (m_visibleTimer != nullptr) {
    m_visibleTimer->start();
  }
  const int shown = visibleCount();
  m_shownCount->setText(shown == m_list->count()
                            ? (shown == 1 ? tr("1 asset") : tr("%1 assets").arg(shown))
                            : tr("%1 of %2").arg(shown).arg(m_list->count()));
}

int LibraryDock::visibleCount() const {
  int count = 0;
  for (int row = 0; row < m_list->count(); ++row) {
    count += m_list->item(row)->isHidden() ? 0 : 1;
  }
  return count;
}

const LibraryDock::Entry* LibraryDock::entryForId(const QString& id) const {
  const auto found = m_entryIndex.constFind(id);
  return found == m_entryIndex.constEnd() ? nullptr : &m_entries[std::size_t(*found)];
}

const LibraryDock::Entry* LibraryDock::selectedEntry() const {
  return entryForId(selectedId());
}

QString LibraryDock::selectedId() const {
  const QList<QListWidgetItem*> selected = m_list->selectedItems();
  return selected.isEmpty() ? QString() : selected.front()->data(IdRole).toString();
}

bool LibraryDock::selectAsset(const QString& id) {
  for (int row = 0; row < m_list->count(); ++row) {
    QListWidgetItem* item = m_list->item(row);
    if (item->data(IdRole).toString() == id) {
      m_list->setCurrentItem(item);
      item->setSelected(true);
      m_list->scrollToItem(item);
      showSelection();
      return true;
    }
  }
  return false;
}

QIcon LibraryDock::tileIcon(const Entry& entry) const {
  const qreal ratio = std::max<qreal>(1.0, m_list->devicePixelRatioF());
  QPixmap pixmap(kTileSize * ratio);
  pixmap.setDevicePixelRatio(ratio);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setRenderHint(QPainter::SmoothPixmapTransform);
  const QRectF tile(0.5, 0.5, kTileSize.width() - 1.0, kTileSize.height() - 1.0);
  QPainterPath outline;
  outline.addRoundedRect(tile, 6.0, 6.0);
  painter.setClipPath(outline);

  const QImage thumbnail =
      entry.thumbnailKey.isEmpty() ? QImage() : m_thumbnails.value(entry.thumbnailKey);
  const QColor tint = kindColor(entry.asset.kind);
  if (!thumbnail.isNull() && entry.asset.kind == "environment") {
    // A panorama: fill the tile with its middle, the horizon the face looks at.
    const QSizeF scaled =
        QSizeF(thumbnail.size()).scaled(tile.size(), Qt::KeepAspectRatioByExpanding);
    const QRectF target(tile.center().x() - scaled.width() / 2.0,
                        tile.center().y() - scaled.height() / 2.0, scaled.width(), scaled.height());
    painter.drawImage(target, thumbnail);
  } else if (!thumbnail.isNull()) {
    painter.fillRect(tile, QColor(48, 48, 52));
    const QSizeF scaled = QSizeF(thumbnail.size()).scaled(tile.size(), Qt::KeepAspectRatio);
    const QRectF target(tile.center().x() - scaled.width() / 2.0,
                        tile.center().y() - scaled.height() / 2.0, scaled.width(), scaled.height());
    painter.drawImage(target, thumbnail);
  } else {
    // No picture: the kind and the name on the kind's colour.
    QLinearGradient gradient(tile.topLeft(), tile.bottomRight());
    gradient.setColorAt(0.0, tint.lighter(112));
    gradient.setColorAt(1.0, tint.darker(118));
    painter.fillRect(tile, gradient);
    QFont kindFont = m_list->font();
    kindFont.setPointSizeF(kindFont.pointSizeF() * 0.75);
    kindFont.setBold(true);
    kindFont.setLetterSpacing(QFont::PercentageSpacing, 110);
    painter.setFont(kindFont);
    painter.setPen(QColor(0, 0, 0, 120));
    painter.drawText(tile.adjusted(8, 6, -8, -6), Qt::AlignLeft | Qt::AlignTop,
                     qs(entry.asset.kind).toUpper());
    QFont nameFont = m_list->font();
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.15);
    nameFont.setBold(true);
    painter.setFont(nameFont);
    painter.setPen(QColor(0, 0, 0, 170));
    const QRectF nameBox = tile.adjusted(8, 20, -8, -8);
    const QString name = QFontMetrics(nameFont).elidedText(qs(entry.asset.name), Qt::ElideRight,
                                                           int(nameBox.width() * 2.0));
    painter.drawText(nameBox, Qt::AlignCenter | Qt::TextWordWrap, name);
  }
  painter.setClipping(false);
  painter.setPen(QPen(QColor(0, 0, 0, 70), 1.0));
  painter.setBrush(Qt::NoBrush);
  painter.drawPath(outline);
  if (entry.builtin) {
    drawLock(painter, QPointF(tile.right() - 13.0, tile.top() + 13.0));
  }
  painter.end();

  // Selected: the picture untinted, in a ring of the highlight colour.
  QPixmap selected = pixmap;
  QPainter ring(&selected);
  ring.setRenderHint(QPainter::Antialiasing);
  ring.setPen(QPen(m_list->palette().color(QPalette::Highlight), 3.0));
  ring.setBrush(Qt::NoBrush);
  ring.drawRoundedRect(tile.adjusted(1.0, 1.0, -1.0, -1.0), 5.0, 5.0);
  ring.end();
  QIcon icon;
  icon.addPixmap(pixmap, QIcon::Normal);
  icon.addPixmap(selected, QIcon::Selected);
  return icon;
}

/// The built-ins' thumbnail renderer, shared with the jobs that use it.
struct LibraryDock::Thumbnailer {
  std::mutex mutex;
  std::optional<AssetThumbnailer> renderer;
  bool failed = false;  ///< the head could not be loaded: no renders, placeholders stay
};

void LibraryDock::requestVisibleRenders() {
  if (!m_list->isVisible()) {
    return;  // nothing is in view
  }
  const QRect view = m_list->viewport()->rect();
  for (int row = 0; row < m_list->count(); ++row) {
    QListWidgetItem* item = m_list->item(row);
    const Entry* entry = entryForId(item->data(IdRole).toString());
    if (entry == nullptr || item->isHidden() ||
        !entry->thumbnailKey.startsWith(QLatin1String("render:")) ||
        !m_list->visualItemRect(item).intersects(view)) {
      continue;
    }
    const QString key = entry->thumbnailKey;
    if (m_thumbnails.contains(key) || m_thumbnailsRequested.contains(key)) {
      continue;
    }
    m_thumbnailsRequested.insert(key);
    if (!m_thumbnailer) {
      m_thumbnailer = std::make_shared<Thumbnailer>();
    }
    const std::string id = entry->asset.id;
    const std::string kind = entry->asset.kind;
    m_renderPool.start([this, key, id, kind, thumbnailer = m_thumbnailer] {
      QThread::currentThread()->setPriority(QThread::IdlePriority);
      const std::filesystem::path cached =
          AssetThumbnailer::cachePath(defaultHeadCachePath().parent_path(), id, kind);
      QImage image(fromPath(cached));
      if (image.isNull()) {
        try {
          std::lock_guard<std::mutex> lock(thumbnailer->mutex);
          if (!thumbnailer->renderer && !thumbnailer->failed) {
            try {
              thumbnailer->renderer = AssetThumbnailer::create(128, 16);
            } catch (const std::exception&) {
              thumbnailer->failed = true;
            }
          }
          if (thumbnailer->renderer) {
            image = toQImage(thumbnailer->renderer->render(id, kind, 1));
            // Kept for the next run; a cache that cannot be written only costs a render.
            std::error_code error;
            std::filesystem::create_directories(cached.parent_path(), error);
            QSaveFile file(fromPath(cached));
            if (!error && file.open(QIODevice::WriteOnly) && image.save(&file, "PNG")) {
              file.commit();
            }
          }
        } catch (const std::exception&) {
          image = QImage();
        }
      }
      QMetaObject::invokeMethod(
          this, [this, key, image] { thumbnailReady(key, image); }, Qt::QueuedConnection);
    });
  }
}

void LibraryDock::requestThumbnail(const Entry& entry) {
  const QString key = entry.thumbnailKey;
  if (key.isEmpty() || key.startsWith(QLatin1String("render:")) || m_thumbnails.contains(key) ||
      m_thumbnailsRequested.contains(key)) {
    return;
  }
  m_thumbnailsRequested.insert(key);
  const std::string id = entry.asset.id;
  const std::string kind = entry.asset.kind;
  m_pool.start([this, key, id, kind] {
    const QImage image = key.startsWith(QLatin1String("builtin:"))
                             ? paintEnvironmentThumbnail(builtinAssetName(id, kind))
                             : QImage(pathOfKey(key));
    QMetaObject::invokeMethod(
        this, [this, key, image] { thumbnailReady(key, image); }, Qt::QueuedConnection);
  });
}

void LibraryDock::thumbnailReady(const QString& key, const QImage& image) {
  m_thumbnailsRequested.remove(key);
  m_thumbnails.insert(key, image);
  for (int row = 0; row < m_list->count(); ++row) {
    QListWidgetItem* item = m_list->item(row);
    const Entry* entry = entryForId(item->data(IdRole).toString());
    if (entry != nullptr && entry->thumbnailKey == key) {
      item->setIcon(tileIcon(*entry));
      item->setData(ThumbnailRole, !image.isNull());
    }
  }
}

void LibraryDock::showSelection() {
  const Entry* entry = selectedEntry();
  m_syncing = true;
  if (entry == nullptr) {
    m_title->setText(tr("<i>Select an asset to see its licence and tags.</i>"));
    for (QLineEdit* edit : {m_id, m_kind, m_licence, m_author, m_tags, m_source}) {
      edit->clear();
      edit->setReadOnly(true);
      edit->setPlaceholderText(QString());
    }
    m_use->setEnabled(false);
    m_use->setToolTip(QString());
  } else {
    const LibraryAsset& asset = entry->asset;
    m_title->setText(QStringLiteral("<b>%1</b>%2")
                         .arg(qs(asset.name).toHtmlEscaped(),
                              entry->builtin ? tr(" &nbsp;<span style='color:gray'>built-in, "
                                                  "read-only</span>")
                              : !m_libraryWritable
                                  ? tr(" &nbsp;<span style='color:gray'>read-only until "
                                       "library.json is fixed</span>")
                                  : QString()));
    m_id->setText(qs(asset.id));
    m_kind->setText(qs(asset.kind));
    m_licence->setText(qs(asset.licence));
    m_author->setText(qs(asset.author));
    m_tags->setText(joinTags(asset.tags));
    m_source->setText(qs(asset.source));
    m_id->setCursorPosition(0);
    m_source->setCursorPosition(0);
    const bool editable = !entry->builtin && m_libraryWritable;
    for (QLineEdit* edit : {m_licence, m_author, m_tags}) {
      edit->setReadOnly(!editable);
    }
    m_licence->setPlaceholderText(entry->builtin ? tr("none: part of SynthFace")
                                                 : tr("Required, such as CC0-1.0"));
    m_author->setPlaceholderText(editable ? tr("For attribution") : QString());
    m_tags->setPlaceholderText(editable ? tr("Comma-separated: outdoor, warm") : QString());
    const QString path = recipePathForKind(qs(asset.kind));
    m_use->setEnabled(!path.isEmpty());
    m_use->setToolTip(
        path.isEmpty()
            ? tr("No recipe parameter draws %1 assets").arg(qs(asset.kind))
            : tr("Set %1 to this asset in the recipe (double-click does too)").arg(path));
  }
  m_syncing = false;
  updateApplyState();
  updateRecipeNote();
}

void LibraryDock::updateApplyState() {
  const Entry* entry = selectedEntry();
  bool changed = false;
  if (entry != nullptr && !entry->builtin && m_libraryWritable) {
    const LibraryAsset& asset = entry->asset;
    changed = parseTags(m_tags->text()) != asset.tags ||
              m_licence->text().trimmed().toStdString() != asset.licence ||
              m_author->text().trimmed().toStdString() != asset.author;
  }
  m_apply->setEnabled(changed && !m_importing);
  m_remove->setEnabled(entry != nullptr && !entry->builtin && m_libraryWritable && !m_importing);
}

void LibraryDock::updateRecipeNote() {
  const Entry* entry = selectedEntry();
  if (entry == nullptr) {
    m_recipeNote->clear();
    return;
  }
  const Recipe& recipe = m_document->recipe();
  QStringList notes;
  const QString path = recipePathForKind(qs(entry->asset.kind));
  if (!path.isEmpty()) {
    const auto found = recipe.parameters.find(path.toStdString());
    if (found != recipe.parameters.end() && found->second == json(entry->asset.id)) {
      notes.append(tr("The recipe uses it for %1.").arg(path));
    }
  }
  if (!entry->builtin) {
    if (recipe.library.empty()) {
      notes.append(tr("The recipe has no library yet: Use in Recipe makes it draw from yours."));
    } else if (!recipeUsesLibrary(recipe, m_document->baseDir(), m_library)) {
      notes.append(tr("The recipe draws from %1, not from your library.").arg(qs(recipe.library)));
    }
  }
  m_recipeNote->setText(notes.join(QLatin1Char(' ')));
}

QString LibraryDock::checkWritableSelection(const QString& builtinRefusal, const Entry*& entry) {
  showError(QString());
  entry = selectedEntry();
  QString error;
  if (entry == nullptr) {
    error = tr("Select an asset first");
  } else if (entry->builtin) {
    error = tr("%1 is built in: %2").arg(qs(entry->asset.id), builtinRefusal);
  } else if (!m_libraryWritable) {
    error = tr("%1 could not be read, so it is not written: fix it first")
                .arg(fromPath(m_library.indexPath()));
  } else if (m_importing) {
    error = tr("An import is running: wait for it to end");
  }
  showError(error);
  return error;
}

QString LibraryDock::applyDetails() {
  const Entry* entry = nullptr;
  if (const QString error = checkWritableSelection(tr("its details cannot be changed"), entry);
      !error.isEmpty()) {
    return error;
  }
  const std::string id = entry->asset.id;
  const std::vector<std::string> tags = parseTags(m_tags->text());
  const std::string licence = m_licence->text().trimmed().toStdString();
  const std::string author = m_author->text().trimmed().toStdString();
  const bool licenceChanged = licence != entry->asset.licence || author != entry->asset.author;
  const bool tagsChanged = tags != entry->asset.tags;

  // Change a copy, so that what the dock shows stays what the file holds.
  AssetLibrary changed = m_library;
  bool written = false;
  try {
    if (licenceChanged) {
      changed.setLicence(id, licence, author);
      written = true;
    }
    if (tagsChanged) {
      changed.setTags(id, tags);
      written = true;
    }
  } catch (const std::exception& failure) {
    const QString error = messageOf(failure);
    if (written) {
      // Half saved: show what the file holds now.
      try {
        m_library = AssetLibrary::open(m_library.folder());
      } catch (const std::exception&) {
        m_library = changed;
      }
      rebuild();
    }
    showError(error);
    return error;
  }
  m_library = std::move(changed);
  rebuild();
  showStatus(written ? tr("Saved the licence and tags of %1.").arg(qs(id)) : QString());
  return QString();
}

QString LibraryDock::removeSelected(bool confirm) {
  const Entry* entry = nullptr;
  if (const QString error = checkWritableSelection(tr("it cannot be removed"), entry);
      !error.isEmpty()) {
    return error;
  }
  const std::string id = entry->asset.id;
  if (confirm) {
    const QString question =
        tr("Remove %1 and its files from your library?\n\n%2\n\nThis cannot be undone.")
            .arg(qs(id), fromPath(m_library.folder()));
    QMessageBox box(QMessageBox::Warning, tr("Remove Asset"), question, QMessageBox::Cancel, this);
    QPushButton* remove = box.addButton(tr("&Remove"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != remove) {
      return QString();
    }
  }
  // Change a copy, so that what the dock shows stays what the file holds.
  AssetLibrary changed = m_library;
  try {
    changed.remove(id);
  } catch (const std::exception& failure) {
    const QString error = messageOf(failure);
    try {
      m_library = AssetLibrary::open(m_library.folder());
    } catch (const std::exception&) {
    }
    rebuild();
    showError(error);
    return error;
  }
  m_library = std::move(changed);
  rebuild();
  showStatus(tr("Removed %1 from the library.").arg(qs(id)));
  return QString();
}

QString LibraryDock::useSelectedInRecipe() {
  showError(QString());
  const Entry* entry = selectedEntry();
  if (entry == nullptr) {
    const QString error = tr("Select an asset first");
    showError(error);
    return error;
  }
  const LibraryAsset& asset = entry->asset;
  const QString path = recipePathForKind(qs(asset.kind));
  if (path.isEmpty()) {
    const QString error = tr("No recipe parameter draws %1 assets").arg(qs(asset.kind));
    showError(error);
    return error;
  }
  Recipe after = m_document->recipe();
  QString libraryNote;
  if (!entry->builtin) {
    const QString index = fromPath(m_library.indexPath());
    if (after.library.empty()) {
      after.library = m_library.indexPath().string();
      libraryNote = tr(" The recipe's library is now your library (%1): its random asset choices "
                       "draw from your assets as well as the built-ins.")
                        .arg(index);
    } else if (!recipeUsesLibrary(after, m_document->baseDir(), m_library)) {
      const QString error =
          tr("The recipe draws its assets from %1, not from your library (%2), so it would not "
             "find %3: point the recipe's library at %2 first")
              .arg(qs(after.library), index, qs(asset.id));
      showError(error);
      return error;
    }
  }
  const std::string key = path.toStdString();
  const auto current = after.parameters.find(key);
  if (current != after.parameters.end() && current->second == json(asset.id) &&
      libraryNote.isEmpty()) {
    showStatus(tr("%1 is %2 already.").arg(path, qs(asset.id)));
    return QString();
  }
  after.parameters[key] = asset.id;
  const QString error = m_document->replaceRecipe(after, tr("Use %1").arg(qs(asset.name)));
  if (!error.isEmpty()) {
    showError(error);
    return error;
  }
  showStatus(tr("%1 is now %2.").arg(path, qs(asset.id)) + presenceNote(after, key) + libraryNote);
  return QString();
}

QString LibraryDock::recipePathForKind(const QString& kind) {
  static const std::map<std::string, std::string> paths = [] {
    std::map<std::string, std::string> result;
    for (const ParameterInfo& info : parameterTable()) {
      std::vector<std::string> kinds;
      collectAssetKinds(info.defaultValue, kinds);
      for (const std::string& assetKind : kinds) {
        result.emplace(assetKind, info.path);
      }
    }
    return result;
  }();
  if (kind == QLatin1String("expression")) {
    return QStringLiteral("expression.preset");  // a preset names a library expression by id
  }
  const auto found = paths.find(kind.toStdString());
  return found == paths.end() ? QString() : qs(found->second);
}

QString LibraryDock::guessKind(const QStringList& files, const QString& current) {
  bool mesh = false;
  bool hdr = false;
  bool image = false;
  bool weights = false;
  for (const QString& file : files) {
    const QString suffix = suffixOf(file);
    mesh = mesh || kMeshSuffixes.contains(suffix);
    hdr = hdr || kHdrSuffixes.contains(suffix);
    image = image || kImageSuffixes.contains(suffix);
    weights = weights || isExpressionFile(file.toStdString());
  }
  if (weights && !mesh && !image && !hdr) {
    return QStringLiteral("expression");  // blendshape weights: .json or MakeHuman .mhpose
  }
  if (mesh) {
    return current.isEmpty() || current == QLatin1String("environment") ? QString() : current;
  }
  if (hdr) {
    return QStringLiteral("environment");
  }
  if (image && (current.isEmpty() || current == QLatin1String("expression"))) {
    // Several images, or one named as a skin's map is (albedo, normal, roughness...), are
    // a skin; a single other picture, an environment.
    bool skin = files.size() > 1;
    for (const QString& file : files) {
      const QString stem = QFileInfo(file).completeBaseName().toLower();
      skin = skin || skinMapOf(file.toStdString()) != SkinMap::Albedo ||
             stem.contains(QLatin1String("albedo")) || stem.contains(QLatin1String("diffuse")) ||
             stem.contains(QLatin1String("basecolor")) || stem.contains(QLatin1String("skin"));
    }
    return skin ? QStringLiteral("skin") : QStringLiteral("environment");
  }
  return current;
}

void LibraryDock::chooseImportFiles() {
  const QString meshes = QStringLiteral("*.obj *.gltf *.glb *.fbx *.dae *.ply *.mtl *.bin");
  const QString images = QStringLiteral("*.hdr *.exr *.png *.jpg *.jpeg *.tif *.tiff");
  const QString expressions = QStringLiteral("*.json *.mhpose");
  const QStringList files = QFileDialog::getOpenFileNames(
      this, tr("Import Assets"), m_lastImportFolder,
      tr("Meshes, images, HDRIs and expressions (%1 %2 %3);;Meshes (%1);;Images and HDRIs "
         "(%2);;Expressions (%3);;All files (*)")
          .arg(meshes, images, expressions));
  if (!files.isEmpty()) {
    m_lastImportFolder = QFileInfo(files.front()).absolutePath();
    prepareImport(files);
  }
}

void LibraryDock::prepareImport(const QStringList& files) {
  showError(QString());
  if (files.isEmpty()) {
    return;
  }
  m_pendingFiles.clear();
  for (const QString& file : files) {
    m_pendingFiles.append(QFileInfo(file).absoluteFilePath());
  }
  updateImportFilesLabel();

  // Several images or several meshes are one asset each; a mesh with other files is one.
  int meshes = 0;
  int others = 0;
  for (const QString& file : m_pendingFiles) {
    (kMeshSuffixes.contains(suffixOf(file)) ? meshes : others) += 1;
  }
  m_importEach->setChecked(m_pendingFiles.size() > 1 && (meshes == 0 || others == 0));
  m_importEach->setEnabled(m_pendingFiles.size() > 1);
  m_importName->setEnabled(!m_importEach->isChecked());
  m_importName->clear();
  m_importName->setPlaceholderText(m_importEach->isChecked()
                                       ? tr("Each file's name")
                                       : QFileInfo(m_pendingFiles.front()).completeBaseName());
  const QString kind = guessKind(m_pendingFiles, m_kindFilter->currentData().toString());
  m_importKind->setCurrentIndex(kind.isEmpty() ? -1 : m_importKind->findData(kind));
  m_importTags->clear();

  m_bottom->setCurrentWidget(m_importForm);
  if (!m_libraryWritable) {
    showError(tr("%1 could not be read, so nothing is imported into it: fix it first")
                  .arg(fromPath(m_library.indexPath())));
  }
  showStatus(kind.isEmpty() ? tr("Choose the kind of asset, give its licence, then Import.")
                            : tr("Give the licence, then Import."));
  (m_importKind->currentIndex() < 0 ? static_cast<QWidget*>(m_importKind) : m_importLicence)
      ->setFocus();
}

void LibraryDock::updateImportFilesLabel() {
  QStringList names;
  for (const QString& file : m_pendingFiles) {
    names.append(QFileInfo(file).fileName().toHtmlEscaped());
  }
  m_importFiles->setText(
      (m_pendingFiles.size() == 1
           ? tr("<b>Import 1 file</b> into your library:")
           : tr("<b>Import %1 files</b> into your library:").arg(m_pendingFiles.size())) +
      QStringLiteral("<br>") + names.join(QStringLiteral(", ")));
  m_importFiles->setToolTip(m_pendingFiles.join(QLatin1Char('\n')));
}

void LibraryDock::cancelImport() {
  m_pendingFiles.clear();
  m_bottom->setCurrentWidget(m_details);
  showStatus(QString());
  showError(QString());
}

void LibraryDock::startImport() {
  if (m_importing || m_pendingFiles.isEmpty()) {
    return;
  }
  showError(QString());
  const QString kind = m_importKind->currentData().toString();
  QString error;
  if (!m_libraryWritable) {
    error = tr("%1 could not be read, so nothing is imported into it: fix it first")
                .arg(fromPath(m_library.indexPath()));
  } else if (kind.isEmpty()) {
    error = tr("Choose the kind of asset to import");
  }
  if (!error.isEmpty()) {
    showError(error);
    emit importFinished(error);
    return;
  }
  ImportOptions options;
  options.licence = m_importLicence->text().trimmed().toStdString();
  options.author = m_importAuthor->text().trimmed().toStdString();
  options.tags = parseTags(m_importTags->text());
  std::vector<std::vector<fs::path>> groups;
  if (m_importEach->isChecked()) {
    for (const QString& file : m_pendingFiles) {
      groups.push_back({toPath(file)});
    }
  } else {
    options.name = m_importName->text().trimmed().toStdString();
    groups.emplace_back();
    for (const QString& file : m_pendingFiles) {
      groups.back().push_back(toPath(file));
    }
  }

  m_importing = true;
  setBusy(true);
  showStatus(m_pendingFiles.size() == 1
                 ? tr("Importing %1...").arg(QFileInfo(m_pendingFiles.front()).fileName())
                 : tr("Importing %1 files...").arg(m_pendingFiles.size()));
  m_pool.start([this, library = m_library, kind = kind.toStdString(), groups, options] {
    ImportOutcome outcome = runImport(library, kind, groups, options);
    QMetaObject::invokeMethod(
        this,
        [this, outcome = std::move(outcome)] {
          m_importing = false;
          setBusy(false);
          finishImport(outcome, true);
          emit importFinished(outcome.errors.join(QLatin1Char('\n')));
        },
        Qt::QueuedConnection);
  });
}

QString LibraryDock::importFiles(const QString& kind, const QStringList& files,
                                 const ImportOptions& options) {
  showError(QString());
  QString error;
  if (m_importing) {
    error = tr("An import is running: wait for it to end");
  } else if (!m_libraryWritable) {
    error = tr("%1 could not be read, so nothing is imported into it: fix it first")
                .arg(fromPath(m_library.indexPath()));
  }
  if (!error.isEmpty()) {
    showError(error);
    return error;
  }
  std::vector<fs::path> group;
  for (const QString& file : files) {
    group.push_back(toPath(file));
  }
  QApplication::setOverrideCursor(Qt::WaitCursor);
  const ImportOutcome outcome = runImport(m_library, kind.toStdString(), {group}, options);
  QApplication::restoreOverrideCursor();
  finishImport(outcome, false);
  return outcome.errors.join(QLatin1Char('\n'));
}

LibraryDock::ImportOutcome LibraryDock::runImport(AssetLibrary library, const std::string& kind,
                                                  const std::vector<std::vector<fs::path>>& groups,
                                                  const ImportOptions& options) {
  ImportOutcome outcome;
  for (const std::vector<fs::path>& group : groups) {
    ImportOptions each = options;
    if (groups.size() > 1) {
      each.name.clear();  // every asset is named after its file
      each.source.clear();
    }
    try {
      const LibraryAsset& asset = library.import(kind, group, each);
      outcome.added.append(qs(asset.id));
      const QString key = fileThumbnailKey(library, asset);
      if (!key.isEmpty()) {
        outcome.thumbnails.insert(key, QImage(pathOfKey(key)));
      }
    } catch (const std::exception& error) {
      outcome.errors.append(messageOf(error));
      for (const fs::path& file : group) {
        outcome.failedFiles.append(fromPath(file));
      }
    } catch (...) {
      outcome.errors.append(tr("%1: could not be imported").arg(fromPath(group.front())));
      for (const fs::path& file : group) {
        outcome.failedFiles.append(fromPath(file));
      }
    }
  }
  outcome.library = std::move(library);
  return outcome;
}

void LibraryDock::finishImport(const ImportOutcome& outcome, bool fromForm) {
  m_library = outcome.library;
  for (auto it = outcome.thumbnails.constBegin(); it != outcome.thumbnails.constEnd(); ++it) {
    m_thumbnails.insert(it.key(), it.value());
  }
  if (fromForm) {
    // Keep what failed in the form, to correct and retry; close it when all went in.
    m_pendingFiles = outcome.failedFiles;
  }
  rebuild();
  if (!outcome.added.isEmpty()) {
    // Show the new assets: clear filters that would hide them.
    const Entry* last = entryForId(outcome.added.back());
    if (last != nullptr && !matchesFilters(*last)) {
      m_search->clear();
      m_kindFilter->setCurrentIndex(std::max(0, m_kindFilter->findData(qs(last->asset.kind))));
      m_tagFilter->setCurrentIndex(0);
      applyFilters();
    }
    selectAsset(outcome.added.back());
  }
  if (fromForm && m_pendingFiles.isEmpty()) {
    m_bottom->setCurrentWidget(m_details);
  } else if (fromForm) {
    updateImportFilesLabel();
  }
  showStatus(
      outcome.added.isEmpty()
          ? QString()
          : tr("Imported %1 into your library.").arg(outcome.added.join(QStringLiteral(", "))));
  showError(outcome.errors.join(QLatin1Char('\n')));
}

void LibraryDock::setBusy(bool busy) {
  m_busy->setVisible(busy);
  m_importStart->setEnabled(!busy);
  m_importButton->setEnabled(!busy && m_libraryWritable);
  updateApplyState();
}

void LibraryDock::showStatus(const QString& text) {
  m_status->setText(text);
}

void LibraryDock::showError(const QString& text) {
  m_error->setText(text);
  m_error->setVisible(!text.isEmpty());
}

void LibraryDock::dragEnterEvent(QDragEnterEvent* event) {
  const QMimeData* mime = event->mimeData();
  if (mime == nullptr || !mime->hasUrls()) {
    return;
  }
  const QList<QUrl> urls = mime->urls();
  if (std::any_of(urls.begin(), urls.end(), [](const QUrl& url) { return url.isLocalFile(); })) {
    event->acceptProposedAction();
    showStatus(m_importing ? tr("An import is running: wait for it to end")
                           : tr("Drop to import into your library"));
  }
}

void LibraryDock::dragMoveEvent(QDragMoveEvent* event) {
  event->acceptProposedAction();
}

void LibraryDock::dragLeaveEvent(QDragLeaveEvent* event) {
  showStatus(QString());
  event->accept();
}

void LibraryDock::dropEvent(QDropEvent* event) {
  const QMimeData* mime = event->mimeData();
  if (mime == nullptr || !mime->hasUrls()) {
    return;
  }
  QStringList files;
  QStringList skipped;
  for (const QUrl& url : mime->urls()) {
    const QString file = url.toLocalFile();
    (url.isLocalFile() && QFileInfo(file).isFile() ? files : skipped)
        .append(url.isLocalFile() ? file : url.toString());
  }
  event->acceptProposedAction();
  if (m_importing) {
    showError(tr("An import is running: wait for it to end, then drop the files again"));
    return;
  }
  if (files.isEmpty()) {
    showError(tr("Nothing to import: drop files, not folders or links (%1)")
                  .arg(skipped.join(QStringLiteral(", "))));
    return;
  }
  prepareImport(files);
  if (!skipped.isEmpty()) {
    showError(tr("Skipped what is not a file: %1").arg(skipped.join(QStringLiteral(", "))));
  }
}

}  // namespace sf::ui
