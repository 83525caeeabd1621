#pragma once

// The benchmark clients' one statistic: the p-th percentile (0-100) of values, by the nearest
// rank below; 0 for none.
#include <algorithm>
#include <vector>

namespace coder::bench {

inline double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p / 100.0 * double(values.size())));
    return values[index];
}

} // namespace coder::bench
