#pragma once

#include "actor.h"
#include "core/workspace_types.h"
#include "domain_error.h"
#include "server/database/provisioning_models.h"

namespace coder::server {

class Store;

// Uploaded template archives (Coder's /files): stored once per content, read back by id.
class FileService
{
public:
    // Coder's limit for an uploaded archive.
    static constexpr qint64 maxFileBytes = 10 * 1024 * 1024;

    explicit FileService(Store &store) : m_store(store) {}

    struct Uploaded
    {
        core::UploadResponse response;
        bool created = false; // false: the same bytes were uploaded before, under this id
    };
    // Invalid unless contentType is application/x-tar and data looks like a tar archive.
    Outcome<Uploaded> upload(const Actor &actor, const QString &contentType,
                             const QByteArray &data);
    Outcome<File> get(const Actor &actor, const QUuid &id);

private:
    Store &m_store;
};

} // namespace coder::server
