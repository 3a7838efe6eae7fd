// Input encodings. CSV and JSON input is UTF-8; registration systems and Chinese Excel often
// export GB18030 (or its subset GBK) instead. With `--encoding gb18030|gbk` each file is
// converted to UTF-8 with glibc's iconv(3) before it is parsed. Both encodings keep every ASCII
// byte as itself and never use ASCII bytes inside a multi-byte character, so line breaks, commas
// and quotes are unchanged by the conversion: CSV line numbers and field numbers (columns) in
// messages are the same in the original file and in the converted text. A conversion error names
// the line and field (CSV) or line and byte column (JSON) of the first bad byte in the original.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostics.hpp"

namespace orgraph {

// The canonical name of an --encoding value: "utf-8" (also "utf8", "" = default), "gb18030" or
// "gbk", case-insensitive. Throws std::invalid_argument naming the accepted values otherwise.
std::string canonical_encoding(std::string_view name);

// Converts `bytes`, read from `file` in `encoding`, to UTF-8 in place. UTF-8 input is left
// untouched (the parsers check it). A file that is already valid UTF-8 with non-ASCII text is
// kept as it is, with a warning in `diagnostics` (a folder may mix re-saved and exported files;
// decoding UTF-8 as GB18030 would garble every name). Returns false, with an error in
// `diagnostics`, when a byte sequence is not valid in `encoding`. `csv` selects what the column
// of that error means: the 1-based field number (CSV) or the 1-based byte column (JSON).
bool convert_to_utf8(std::string& bytes, const std::string& encoding, const std::string& file,
                     bool csv, std::vector<Diagnostic>& diagnostics);

}  // namespace orgraph
