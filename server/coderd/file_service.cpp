#include "file_service.h"

#include "core/template_archive.h"
#include "server/database/store.h"

#include <QCryptographicHash>

namespace coder::server {

Outcome<FileService::Uploaded> FileService::upload(const Actor &actor, const QString &contentType,
                                                   const QByteArray &data)
{
    if (auto denied = requireAccess(actor.subject(), Action::Create, {Resource::File, {}, {}}))
        return *denied;
    if (contentType != QLatin1String("application/x-tar"))
        return DomainError::invalid(
            QStringLiteral("Unsupported content type %1.").arg(contentType),
            QStringLiteral("Upload a tar archive with Content-Type: application/x-tar."));
    if (data.isEmpty() || !core::TemplateArchive::looksLikeTar(data))
        return DomainError::invalid(QStringLiteral("The file is not a tar archive."));
    File file;
    file.id = QUuid::createUuid();
    file.hash = QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
    file.mimetype = contentType;
    file.data = data;
    file.createdBy = actor.user().id;
    auto stored = m_store.templates().insertFile(file);
    if (!stored)
        return DomainError::fromStore(stored.error(), QStringLiteral("file"));
    // The same bytes uploaded before: the first upload's id, as Coder answers.
    return Uploaded{core::UploadResponse{stored->id}, stored->id == file.id};
}

Outcome<File> FileService::get(const Actor &actor, const QUuid &id)
{
    if (auto denied = requireAccess(actor.subject(), Action::Read, {Resource::File, {}, {}}))
        return *denied;
    auto file = m_store.templates().fileById(id);
    if (!file)
        return DomainError::fromStore(file.error(), QStringLiteral("file"));
    return *file;
}

} // namespace coder::server
