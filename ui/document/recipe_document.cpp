#include "document/recipe_document.h"

#include "commands/change_recipe_command.h"

#include "recipe/parameter_paths.h"
#include "recipe/recipe_io.h"
#include "util/error.h"
#include "util/files.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QUndoStack>

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

namespace sf::ui {

namespace {

/// The settings a recipe holds at its top, by JSON key.
constexpr std::array<const char*, 9> kSettingKeys = {"name",    "description", "seed",
                                                     "samples", "identities",  "model",
                                                     "library", "outputs",     "splits"};

/// The value as a file would hold it: through text, so that 42 is read as an unsigned
/// number, as the parser expects of counts and seeds.
nlohmann::json asWritten(const nlohmann::json& value) {
  return nlohmann::json::parse(value.dump());
}

bool isSettingKey(const std::string& key) {
  return std::find(kSettingKeys.begin(), kSettingKeys.end(), key) != kSettingKeys.end();
}

/// The first error of a parse, or an empty string when it worked.
QString firstError(const RecipeParse& parse, const QString& source) {
  for (const Diagnostic& diagnostic : parse.diagnostics) {
    if (diagnostic.isError()) {
      return QString::fromStdString(diagnostic.format(source.toStdString()));
    }
  }
  return QString();
}

QString autosaveFolder() {
  QString state = qEnvironmentVariable("XDG_STATE_HOME");
  if (state.isEmpty()) {
    state = QDir::homePath() + QStringLiteral("/.local/state");
  }
  return state + QStringLiteral("/synthface/autosave");
}

}  // namespace

QStringList changedPaths(const Recipe& before, const Recipe& after) {
  QStringList paths;
  const nlohmann::json a = before.toJson();
  const nlohmann::json b = after.toJson();
  for (const char* key : kSettingKeys) {
    if (a.value(key, nlohmann::json()) != b.value(key, nlohmann::json())) {
      paths.append(QString::fromLatin1(key));
    }
  }
  // Parameters: every path set in one and not the other, or set differently.
  auto i = before.parameters.begin();
  auto j = after.parameters.begin();
  while (i != before.parameters.end() || j != after.parameters.end()) {
    if (j == after.parameters.end() || (i != before.parameters.end() && i->first < j->first)) {
      paths.append(QString::fromStdString(i++->first));
    } else if (i == before.parameters.end() || j->first < i->first) {
      paths.append(QString::fromStdString(j++->first));
    } else {
      if (i->second != j->second) {
        paths.append(QString::fromStdString(i->first));
      }
      ++i;
      ++j;
    }
  }
  return paths;
}

RecipeDocument::RecipeDocument(QObject* parent) : QObject(parent), m_undo(new QUndoStack(this)) {
  m_recipe.name = "untitled";
  connect(m_undo, &QUndoStack::cleanChanged, this, &RecipeDocument::fileStateChanged);
}

RecipeDocument::~RecipeDocument() = default;

QString RecipeDocument::baseDir() const {
  return m_filePath.isEmpty() ? QDir::currentPath() : QFileInfo(m_filePath).absolutePath();
}

std::filesystem::path RecipeDocument::libraryPathOf(const Recipe& recipe, const QString& baseDir) {
  if (recipe.library.empty()) {
    return {};
  }
  const std::filesystem::path given(recipe.library);
  return given.is_absolute()
             ? given
             : std::filesystem::path(QFile::encodeName(baseDir).toStdString()) / given;
}

bool RecipeDocument::isModified() const {
  return !m_undo->isClean();
}

QString RecipeDocument::displayName() const {
  return m_filePath.isEmpty() ? tr("Untitled") : QFileInfo(m_filePath).fileName();
}

QString RecipeDocument::pushEdit(const QString& text, Recipe after, const QStringList& paths,
                                 int mergeId, const std::string& mergeKey) {
  // The document holds exactly what reading the saved file would give.
  const RecipeParse parse = parseRecipeJson(after.toJson());
  if (!parse.ok()) {
    return firstError(parse, displayName());
  }
  if (parse.recipe == m_recipe) {
    return QString();
  }
  m_undo->push(
      new ChangeRecipeCommand(this, text, m_recipe, parse.recipe, paths, mergeId, mergeKey));
  return QString();
}

QString RecipeDocument::setParameter(const std::string& path, const nlohmann::json& distribution,
                                     bool merge) {
  if (findParameter(path) == nullptr) {
    return tr("%1: no parameter has this path").arg(QString::fromStdString(path));
  }
  Recipe after = m_recipe;
  if (distribution.is_null()) {
    after.parameters.erase(path);
  } else {
    after.parameters[path] = asWritten(distribution);
  }
  return pushEdit(tr("Change %1").arg(QString::fromStdString(path)), std::move(after),
                  {QString::fromStdString(path)},
                  merge ? ChangeRecipeCommand::kParameterMerge : ChangeRecipeCommand::kNoMerge,
                  path);
}

QString RecipeDocument::setSetting(const std::string& key, const nlohmann::json& value,
                                   bool merge) {
  if (!isSettingKey(key)) {
    return tr("%1: not a recipe setting").arg(QString::fromStdString(key));
  }
  nlohmann::json document = m_recipe.toJson();
  document[key] = asWritten(value);
  const RecipeParse parse = parseRecipeJson(document);
  if (!parse.ok()) {
    return firstError(parse, displayName());
  }
  return pushEdit(tr("Change %1").arg(QString::fromStdString(key)), parse.recipe,
                  {QString::fromStdString(key)},
                  merge ? ChangeRecipeCommand::kSettingMerge : ChangeRecipeCommand::kNoMerge, key);
}

QString RecipeDocument::replaceRecipe(const Recipe& recipe, const QString& text) {
  return pushEdit(text, recipe, changedPaths(m_recipe, recipe), ChangeRecipeCommand::kNoMerge, {});
}

void RecipeDocument::applyRecipe(const Recipe& after, const QStringList& paths) {
  m_recipe = after;
  emit changed(paths);
}

void RecipeDocument::newRecipe() {
  discardAutosave();
  m_undo->clear();
  m_recipe = Recipe{};
  m_filePath.clear();
  emit changed({QStringLiteral("*")});
  emit fileStateChanged();
}

QString RecipeDocument::open(const QString& path) {
  const RecipeParse parse = readRecipe(path.toStdString());
  if (!parse.ok()) {
    QStringList errors;
    for (const Diagnostic& diagnostic : parse.diagnostics) {
      if (diagnostic.isError()) {
        errors.append(QString::fromStdString(diagnostic.format(path.toStdString())));
      }
    }
    return errors.join(QLatin1Char('\n'));
  }
  discardAutosave();
  m_undo->clear();
  m_recipe = parse.recipe;
  m_filePath = QFileInfo(path).absoluteFilePath();
  emit changed({QStringLiteral("*")});
  emit fileStateChanged();
  return QString();
}

QString RecipeDocument::save(const QString& path) {
  const QString target = path.isEmpty() ? m_filePath : QFileInfo(path).absoluteFilePath();
  if (target.isEmpty()) {
    return tr("The recipe has no file yet: choose one with Save As");
  }
  try {
    saveRecipe(m_recipe, target.toStdString());
  } catch (const Error& error) {
    return QString::fromStdString(error.what());
  }
  discardAutosave();
  m_filePath = target;
  m_undo->setClean();
  emit fileStateChanged();
  return QString();
}

QString RecipeDocument::autosaveStem() const {
  if (m_filePath.isEmpty()) {
    return autosaveFolder() + QStringLiteral("/untitled");
  }
  // One autosave per file: its name, and a hash of its full path to tell same names apart.
  const QByteArray hash =
      QCryptographicHash::hash(m_filePath.toUtf8(), QCryptographicHash::Sha1).toHex().left(12);
  return autosaveFolder() + QLatin1Char('/') + QFileInfo(m_filePath).completeBaseName() +
         QLatin1Char('-') + QString::fromLatin1(hash);
}

QString RecipeDocument::autosavePath() const {
  const QString stem = autosaveStem();
  if (m_autosaveLock && m_autosaveClaimed.startsWith(stem)) {
    return m_autosaveClaimed;
  }
  return stem + QStringLiteral(".json");
}

void RecipeDocument::autosave() {
  if (!isModified()) {
    return;
  }
  // The recipe, with the file it belongs to, so recovery can offer it by name.
  const nlohmann::json autosave = {{"autosaveOf", m_filePath.toStdString()},
                                   {"recipe", m_recipe.toJson()}};
  try {
    QDir().mkpath(autosaveFolder());
    // The lock tells other studios this autosave is in use: it is not theirs to recover,
    // nor theirs to write. Qt removes it when this process ends, or finds it stale once the
    // process is gone. A name another running studio holds is skipped for the next.
    const QString stem = autosaveStem();
    if (!m_autosaveLock || !m_autosaveClaimed.startsWith(stem)) {
      m_autosaveLock.reset();
      for (int claim = 1; claim <= 100 && !m_autosaveLock; ++claim) {
        const QString path = stem + (claim == 1 ? QString() : QStringLiteral("-%1").arg(claim)) +
                             QStringLiteral(".json");
        auto lock = std::make_unique<QLockFile>(path + QStringLiteral(".lock"));
        lock->setStaleLockTime(0);  // stale only when its process has died
        if (lock->tryLock(0)) {
          m_autosaveLock = std::move(lock);
          m_autosaveClaimed = path;
        }
      }
      if (!m_autosaveLock) {
        return;  // a hundred studios on one file: this one keeps its edits in memory
      }
    }
    writeFileAtomically(m_autosaveClaimed.toStdString(), autosave.dump(2) + "\n");
  } catch (const Error&) {
    // An autosave that cannot be written must not interrupt editing; the next tick retries.
  }
}

QStringList RecipeDocument::pendingAutosaves() {
  const QFileInfoList files =
      QDir(autosaveFolder()).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Time);
  QStringList paths;
  for (const QFileInfo& file : files) {
    QLockFile lock(file.absoluteFilePath() + QStringLiteral(".lock"));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0)) {
      continue;  // a running studio is editing it
    }
    lock.unlock();
    paths.append(file.absoluteFilePath());
  }
  return paths;
}

namespace {

/// Reads an autosave: the recipe's JSON and the file it belongs to.
std::optional<std::pair<nlohmann::json, QString>> readAutosave(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    return std::nullopt;
  }
  const nlohmann::json json = nlohmann::json::parse(file.readAll().toStdString(), nullptr, false);
  if (!json.is_object() || !json.contains("recipe") ||
      !json.value("autosaveOf", nlohmann::json()).is_string()) {
    return std::nullopt;
  }
  return std::make_pair(json["recipe"],
                        QString::fromStdString(json["autosaveOf"].get<std::string>()));
}

}  // namespace

QString RecipeDocument::autosaveSource(const QString& autosave) {
  const auto read = readAutosave(autosave);
  return read ? read->second : QString();
}

QString RecipeDocument::recover(const QString& autosave) {
  const auto read = readAutosave(autosave);
  if (!read) {
    return tr("%1: not a SynthFace autosave").arg(autosave);
  }
  const RecipeParse parse = parseRecipeJson(read->first);
  if (!parse.ok()) {
    return firstError(parse, autosave);
  }
  m_undo->clear();
  m_filePath = read->second;
  m_recipe = Recipe{};
  // The recovered autosave is this document's now: saving or closing removes it.
  m_autosaveLock.reset();
  auto lock = std::make_unique<QLockFile>(autosave + QStringLiteral(".lock"));
  lock->setStaleLockTime(0);
  if (lock->tryLock(0)) {
    m_autosaveLock = std::move(lock);
    m_autosaveClaimed = QFileInfo(autosave).absoluteFilePath();
  }
  if (!m_filePath.isEmpty()) {
    // Start from the file as saved, so the recovered changes are unsaved edits of it.
    const RecipeParse saved = readRecipe(m_filePath.toStdString());
    if (saved.ok()) {
      m_recipe = saved.recipe;
    }
  }
  emit changed({QStringLiteral("*")});
  if (parse.recipe != m_recipe) {
    m_undo->push(new ChangeRecipeCommand(this, tr("Recover autosave"), m_recipe, parse.recipe,
                                         changedPaths(m_recipe, parse.recipe)));
  }
  emit fileStateChanged();
  return QString();
}

void RecipeDocument::discardAutosave() {
  // Only an autosave this document claimed: another studio's of the same file is theirs.
  if (m_autosaveLock) {
    QFile::remove(m_autosaveClaimed);
  }
  m_autosaveLock.reset();
  m_autosaveClaimed.clear();
}

}  // namespace sf::ui
