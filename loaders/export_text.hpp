// Text primitives shared by the export writers: JSON strings and XML character data with UTF-8
// repair, and numbers in a fixed, locale-free spelling. Everything appends to a std::string so
// writers can format blocks of elements in parallel and emit them in order.
//
// Repair rules: bytes that are not well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF) become U+FFFD. XML output also writes the characters XML
// 1.0 forbids (controls other than tab, line feed and carriage return; U+FFFE and U+FFFF) as
// U+FFFD, so a name pasted with a stray control character cannot make a file unreadable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace orgraph::text {

// `"..."` with JSON escapes (\" \\ \n \t ... and \u00XX for other controls).
void append_json_string(std::string& out, std::string_view s);
// Escaped for use inside an XML attribute value or element text (&amp; &lt; &gt; &quot; &apos;,
// and tab, line feed, carriage return, U+0085, U+2028, U+2029 as character references so
// attribute-value normalisation keeps them).
void append_xml_escaped(std::string& out, std::string_view s);

// For `--format table` on a terminal: control characters (C0, DEL and C1, where ESC and CSI
// start terminal commands) written as \xNN or \u00NN, so a name cannot move the cursor, colour
// the screen or break a row. Everything else as it is.
std::string terminal_safe(std::string_view s);

void append_int(std::string& out, std::int64_t v);
// Fixed notation with exactly `decimals` digits after the point ("12.0", "-3.25").
void append_fixed(std::string& out, double v, int decimals);
// The shortest spelling that reads back as the same float ("31.78") or double.
void append_shortest(std::string& out, float v);
void append_shortest(std::string& out, double v);

}  // namespace orgraph::text
