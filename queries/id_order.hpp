// Orders entities by their string id (byte-wise, as std::string_view compares), which is how
// result lists are sorted: ids read the same whatever the row order of the input files.
//
// Method: sort (16-byte big-endian prefix, dense id) keys, which needs no access to the string
// data; only runs of ids sharing their first 16 bytes are re-sorted by full comparison. At
// nation scale this avoids a cache miss per comparison.
#pragma once

#include <span>
#include <vector>

#include "engine/strings.hpp"
#include "engine/types.hpp"

namespace orgraph {

// Sorts `items` (dense indexes into `ids`) by their string id, in parallel.
void sort_by_string_id(const StringColumn& ids, std::vector<Id>& items);

}  // namespace orgraph
