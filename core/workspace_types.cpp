#include "workspace_types.h"

namespace coder::core {

bool ProvisionerJob::isCompleted() const
{
    return status == u"succeeded" || status == u"failed" || status == u"canceled";
}

} // namespace coder::core
