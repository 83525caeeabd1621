#pragma once

namespace coder::server {

// Which rows of a list a request wants: ?limit= (0: the route's default) and ?offset=.
struct Pagination
{
    int limit = 0;
    int offset = 0;
};

} // namespace coder::server
