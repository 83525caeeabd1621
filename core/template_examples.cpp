#include "template_examples.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace coder::core {

namespace {

const auto kResourceRoot = ":/templates"_L1;

} // namespace

QStringList TemplateExamples::names()
{
    QStringList names =
        QDir(kResourceRoot).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    names.sort();
    return names;
}

Result<Ok, QString> TemplateExamples::write(const QString &name, const QString &directory)
{
    if (!names().contains(name))
        return u"there is no example template %1 (examples: %2)"_s.arg(name, names().join(u", "_s));
    const QDir source(kResourceRoot + u'/' + name);
    QStringList files;
    QDirIterator it(source.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << source.relativeFilePath(it.next());
    files.sort();

    const QDir target(directory);
    for (const QString &file : files) {
        if (QFileInfo::exists(target.filePath(file)) ||
            QFileInfo(target.filePath(file)).isSymLink())
            return u"%1 already exists; not overwriting it"_s.arg(target.filePath(file));
    }
    for (const QString &file : files) {
        const QString path = target.filePath(file);
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return u"cannot create the directory %1"_s.arg(QFileInfo(path).absolutePath());
        QFile in(source.filePath(file));
        if (!in.open(QIODevice::ReadOnly))
            return u"cannot read the example file %1"_s.arg(in.fileName());
        QFile out(path);
        // NewOnly: a file that appeared since the check above is not overwritten either.
        if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return u"cannot create %1: %2"_s.arg(path, out.errorString());
        if (out.write(in.readAll()) < 0 || !out.flush())
            return u"cannot write %1: %2"_s.arg(path, out.errorString());
    }
    return Ok{};
}

} // namespace coder::core
