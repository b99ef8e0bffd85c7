// The recipe document and its undo commands, without a window: every edit applies, undoes
// and redoes to the same recipe states, drags merge, files are never half-written, and
// autosaves recover unsaved work.

#include "commands/change_recipe_command.h"
#include "document/recipe_document.h"

#include "recipe/recipe_io.h"

#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using nlohmann::json;
using sf::Recipe;
using sf::ui::RecipeDocument;

Q_DECLARE_METATYPE(json)

namespace {

/// Writes `text` to `path`.
void writeText(const QString& path, const QByteArray& text) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(text);
}

/// QCOMPARE for JSON values, printing both when they differ.
#define COMPARE_JSON(actual, expected) \
  QVERIFY2((actual) == (expected),     \
           qPrintable(QString::fromStdString((actual).dump() + " != " + (expected).dump())))

QByteArray readText(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class TestDocument : public QObject {
  Q_OBJECT

private slots:
  void initTestCase() {
    // Autosaves go under a private state folder.
    QVERIFY(m_state.isValid());
    qputenv("XDG_STATE_HOME", m_state.path().toUtf8());
  }

  // Every kind of edit: apply gives `after`, undo gives `before`, redo `after` again, and
  // each emits one changed() naming the path.
  void commandRoundTrip_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    QTest::addColumn<json>("value");
    QTest::newRow("constant") << "parameter"
                              << "camera.fov" << json(35.0);
    QTest::newRow("distribution")
        << "parameter"
        << "camera.yaw"
        << json{{"type", "truncatedNormal"}, {"mean", 0}, {"sigma", 20}, {"min", -60}, {"max", 60}};
    QTest::newRow("categorical") << "parameter"
                                 << "expression.preset"
                                 << json{{"type", "categorical"},
                                         {"values", {"smile", "frown"}},
                                         {"weights", {3, 1}}};
    QTest::newRow("identity mode pattern") << "parameter"
                                           << "identity.scale.nose" << json(1.5);
    QTest::newRow("seed") << "setting"
                          << "seed" << json(42);
    QTest::newRow("samples") << "setting"
                             << "samples" << json(250);
    QTest::newRow("name") << "setting"
                          << "name" << json("portraits");
  }
  void commandRoundTrip() {
    QFETCH(QString, kind);
    QFETCH(QString, path);
    QFETCH(json, value);
    RecipeDocument document;
    QSignalSpy changed(&document, &RecipeDocument::changed);
    const Recipe before = document.recipe();
    const QString error = kind == "parameter" ? document.setParameter(path.toStdString(), value)
                                              : document.setSetting(path.toStdString(), value);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const Recipe after = document.recipe();
    QVERIFY(after != before);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.takeFirst().at(0).toStringList(), QStringList{path});
    // The JSON of `after` holds the value where a recipe file would.
    const json written = after.toJson();
    if (kind == "parameter") {
      COMPARE_JSON(after.parameters.at(path.toStdString()), value);
    } else {
      COMPARE_JSON(written.at(path.toStdString()), value);
    }
    QVERIFY(document.isModified());

    document.undoStack()->undo();
    QCOMPARE(document.recipe(), before);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.takeFirst().at(0).toStringList(), QStringList{path});
    QVERIFY(!document.isModified());
    document.undoStack()->redo();
    QCOMPARE(document.recipe(), after);
    QCOMPARE(changed.count(), 1);
  }

  // A bad value is refused with a message naming the field; the recipe is untouched and
  // nothing is pushed.
  void badEditsAreRefused_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    QTest::addColumn<json>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("negative sigma")
        << "parameter"
        << "camera.yaw" << json{{"type", "normal"}, {"mean", 0}, {"sigma", -3}}
        << "/camera/yaw/sigma";
    QTest::newRow("unknown type") << "parameter"
                                  << "camera.yaw" << json{{"type", "gaussian"}}
                                  << "/camera/yaw/type";
    QTest::newRow("out of range constant") << "parameter"
                                           << "camera.fov" << json(500) << "fov";
    QTest::newRow("unknown path") << "parameter"
                                  << "camera.yw" << json(1) << "camera.yw";
    QTest::newRow("negative samples") << "setting"
                                      << "samples" << json(-4) << "/samples";
    QTest::newRow("unknown setting") << "setting"
                                     << "colour" << json(1) << "colour";
  }
  void badEditsAreRefused() {
    QFETCH(QString, kind);
    QFETCH(QString, path);
    QFETCH(json, value);
    QFETCH(QString, message);
    RecipeDocument document;
    QSignalSpy changed(&document, &RecipeDocument::changed);
    const Recipe before = document.recipe();
    const QString error = kind == "parameter" ? document.setParameter(path.toStdString(), value)
                                              : document.setSetting(path.toStdString(), value);
    QVERIFY(!error.isEmpty());
    QVERIFY2(error.contains(message), qPrintable(error));
    QCOMPARE(document.recipe(), before);
    QCOMPARE(document.undoStack()->count(), 0);
    QCOMPARE(changed.count(), 0);
  }

  // A slider drag is many edits of one path: one undo step back to where it began; edits
  // of another path, or without merge, are steps of their own.
  void dragsMerge() {
    RecipeDocument document;
    const Recipe start = document.recipe();
    for (int fov = 20; fov <= 40; ++fov) {
      QVERIFY(document.setParameter("camera.fov", json(fov), true).isEmpty());
    }
    QCOMPARE(document.undoStack()->count(), 1);
    COMPARE_JSON(document.recipe().parameters.at("camera.fov"), json(40));
    QVERIFY(document.setParameter("camera.distance", json(900), true).isEmpty());
    QVERIFY(document.setParameter("camera.fov", json(30), false).isEmpty());
    QCOMPARE(document.undoStack()->count(), 3);
    document.undoStack()->undo();
    document.undoStack()->undo();
    COMPARE_JSON(document.recipe().parameters.at("camera.fov"), json(40));
    document.undoStack()->undo();
    QCOMPARE(document.recipe(), start);

    // A drag that ends where it started leaves no step.
    RecipeDocument other;
    QVERIFY(other.setParameter("camera.fov", json(25), true).isEmpty());
    QVERIFY(other.setParameter("camera.fov", json(30), true).isEmpty());
    QVERIFY(other.setParameter("camera.fov", nullptr, true).isEmpty());
    QCOMPARE(other.recipe(), Recipe{});
    QCOMPARE(other.undoStack()->count(), 0);
  }

  // Null takes a parameter back to its default: undo puts the old distribution back.
  void clearingGoesBackToDefault() {
    RecipeDocument document;
    QVERIFY(document.setParameter("camera.fov", json(35)).isEmpty());
    QVERIFY(document.setParameter("camera.fov", nullptr).isEmpty());
    QVERIFY(!document.recipe().parameters.contains("camera.fov"));
    document.undoStack()->undo();
    COMPARE_JSON(document.recipe().parameters.at("camera.fov"), json(35));
  }

  // Replacing the whole recipe names every path that changed.
  void replaceNamesEveryChange() {
    RecipeDocument document;
    Recipe next;
    next.seed = 9;
    next.parameters["camera.fov"] = 30;
    next.parameters["head.yaw"] = 10;
    QSignalSpy changed(&document, &RecipeDocument::changed);
    QVERIFY(document.replaceRecipe(next, "Paste").isEmpty());
    QCOMPARE(document.recipe(), next);
    QStringList paths = changed.takeFirst().at(0).toStringList();
    paths.sort();
    QCOMPARE(paths, (QStringList{"camera.fov", "head.yaw", "seed"}));
  }

  // Open reads what the CLI reads; save writes what the CLI reads back, and marks clean.
  void openAndSave() {
    QTemporaryDir dir;
    const QString path = dir.filePath("faces.json");
    writeText(path, R"({"schemaVersion": 2, "name": "faces", "seed": 7,
                        "camera": {"fov": 30}})");
    RecipeDocument document;
    QSignalSpy fileState(&document, &RecipeDocument::fileStateChanged);
    QVERIFY(document.open(path).isEmpty());
    QCOMPARE(document.recipe(), sf::loadRecipe(path.toStdString()));
    QCOMPARE(document.displayName(), QString("faces.json"));
    QVERIFY(!document.isModified());
    QVERIFY(fileState.count() >= 1);

    QVERIFY(document.setParameter("camera.yaw", json(15)).isEmpty());
    QVERIFY(document.isModified());
    QVERIFY(document.save().isEmpty());
    QVERIFY(!document.isModified());
    QCOMPARE(sf::loadRecipe(path.toStdString()), document.recipe());
    QCOMPARE(readText(path).toStdString(), sf::recipeToText(document.recipe()));

    // Undo after saving makes it modified again; save as moves the document.
    document.undoStack()->undo();
    QVERIFY(document.isModified());
    const QString other = dir.filePath("other.json");
    QVERIFY(document.save(other).isEmpty());
    QCOMPARE(document.filePath(), other);
    QCOMPARE(sf::loadRecipe(other.toStdString()).parameters.count("camera.yaw"), 0u);
  }

  // A broken file: every error named with the file and pointer, the document unchanged,
  // the file untouched.
  void openBrokenFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath("broken.json");
    const QByteArray text = R"({"schemaVersion": 2, "camera": {"yaw": {"type": "normal",
      "mean": 0, "sigma": -1}, "fvo": 30}})";
    writeText(path, text);
    RecipeDocument document;
    QVERIFY(document.setParameter("camera.fov", json(33)).isEmpty());
    const Recipe before = document.recipe();
    const QString error = document.open(path);
    QVERIFY(error.contains("broken.json"));
    QVERIFY2(error.contains("/camera/yaw/sigma"), qPrintable(error));
    QVERIFY2(error.contains("fov"), qPrintable(error));  // did you mean
    QCOMPARE(document.recipe(), before);
    QVERIFY(document.isModified());
    QCOMPARE(readText(path), text);

    QVERIFY(document.open(dir.filePath("missing.json")).contains("missing.json"));
  }

  // Saving into a folder that does not exist fails with a message and loses nothing.
  void saveFailureKeepsTheDocument() {
    RecipeDocument document;
    QVERIFY(document.setParameter("camera.fov", json(31)).isEmpty());
    QVERIFY(!document.save().isEmpty());  // no file yet
    const QString error = document.save("/nonexistent-folder/x.json");
    QVERIFY(error.contains("x.json"));
    QVERIFY(document.isModified());
    QVERIFY(document.filePath().isEmpty());
  }

  // Autosave writes unsaved work; after a crash it is found and recovered as unsaved
  // changes to the original file; saving removes it.
  void autosaveRecovers() {
    QTemporaryDir dir;
    const QString path = dir.filePath("session.json");
    writeText(path, R"({"schemaVersion": 2, "name": "session"})");
    QString autosave;
    Recipe edited;
    {
      RecipeDocument crashed;
      QVERIFY(crashed.open(path).isEmpty());
      crashed.autosave();  // nothing to save yet
      QVERIFY(!QFile::exists(crashed.autosavePath()));
      QVERIFY(crashed.setParameter("head.yaw", json(12)).isEmpty());
      crashed.autosave();
      autosave = crashed.autosavePath();
      edited = crashed.recipe();
      QVERIFY(QFile::exists(autosave));
      // Another studio starting now leaves it alone: this one is still editing it.
      QVERIFY(!RecipeDocument::pendingAutosaves().contains(autosave));
      // The process dies here: nothing removes the autosave.
    }
    QVERIFY(RecipeDocument::pendingAutosaves().contains(autosave));
    QCOMPARE(RecipeDocument::autosaveSource(autosave), path);

    RecipeDocument recovered;
    QVERIFY(recovered.recover(autosave).isEmpty());
    QCOMPARE(recovered.recipe(), edited);
    QCOMPARE(recovered.filePath(), path);
    QVERIFY(recovered.isModified());
    // The original file is untouched until the user saves.
    QCOMPARE(sf::loadRecipe(path.toStdString()).parameters.count("head.yaw"), 0u);
    recovered.undoStack()->undo();
    QCOMPARE(recovered.recipe(), sf::loadRecipe(path.toStdString()));
    recovered.undoStack()->redo();
    QVERIFY(recovered.save().isEmpty());
    QVERIFY(!QFile::exists(autosave));
    QVERIFY(!RecipeDocument::pendingAutosaves().contains(autosave));

    // Garbage in the autosave folder is refused by name.
    const QString junk = QFileInfo(autosave).absolutePath() + "/junk.json";
    writeText(junk, "not json");
    QVERIFY(recovered.recover(junk).contains("junk.json"));
    QFile::remove(junk);
  }

  // Two studios editing the same file, or two untitled recipes, each keep their own
  // autosave; closing one removes only its own.
  void autosavesOfOneFileDoNotCollide() {
    QTemporaryDir dir;
    const QString path = dir.filePath("shared.json");
    writeText(path, R"({"schemaVersion": 2, "name": "shared"})");
    RecipeDocument first;
    RecipeDocument second;
    QVERIFY(first.open(path).isEmpty());
    QVERIFY(second.open(path).isEmpty());
    QVERIFY(first.setParameter("head.yaw", json(10)).isEmpty());
    QVERIFY(second.setParameter("head.yaw", json(20)).isEmpty());
    first.autosave();
    second.autosave();
    QVERIFY(first.autosavePath() != second.autosavePath());
    QVERIFY(QFile::exists(first.autosavePath()) && QFile::exists(second.autosavePath()));
    // Each holds its own studio's edit.
    auto yawIn = [](const QString& autosave) {
      QFile file(autosave);
      return file.open(QIODevice::ReadOnly)
                 ? json::parse(file.readAll().toStdString())["recipe"]["head"]["yaw"]
                 : json();
    };
    QVERIFY(yawIn(first.autosavePath()) == json(10));
    QVERIFY(yawIn(second.autosavePath()) == json(20));
    QCOMPARE(RecipeDocument::autosaveSource(second.autosavePath()), path);
    const QString secondAutosave = second.autosavePath();
    first.discardAutosave();
    QVERIFY(!QFile::exists(first.autosavePath()));
    QVERIFY(QFile::exists(secondAutosave));

    RecipeDocument untitledA;
    RecipeDocument untitledB;
    QVERIFY(untitledA.setParameter("camera.fov", json(30)).isEmpty());
    QVERIFY(untitledB.setParameter("camera.fov", json(40)).isEmpty());
    untitledA.autosave();
    untitledB.autosave();
    QVERIFY(untitledA.autosavePath() != untitledB.autosavePath());
    // Neither is offered for recovery while its studio runs.
    const QStringList pending = RecipeDocument::pendingAutosaves();
    QVERIFY(!pending.contains(untitledA.autosavePath()));
    QVERIFY(!pending.contains(untitledB.autosavePath()));
    QVERIFY(!pending.contains(secondAutosave));
    second.discardAutosave();
    untitledA.discardAutosave();
    untitledB.discardAutosave();
  }

  // New discards history and file.
  void newRecipe() {
    RecipeDocument document;
    QVERIFY(document.setSetting("seed", json(5)).isEmpty());
    document.newRecipe();
    QCOMPARE(document.recipe(), Recipe{});
    QCOMPARE(document.undoStack()->count(), 0);
    QVERIFY(!document.isModified());
  }

private:
  QTemporaryDir m_state;
};

QTEST_GUILESS_MAIN(TestDocument)
#include "test_document.moc"
