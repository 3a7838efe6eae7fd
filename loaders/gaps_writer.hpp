// Writers for the responsibility-gap audit (queries/gaps.hpp): JSON with the keys of
// contracts.md section 4 plus "severity", "by_severity" and "by_district"; a table for the
// terminal; CSV with one row per gap. Each is streamed to a TextSink (the batch job writes a
// nation's gigabyte of gaps straight to its file), or returned as a string.
#pragma once

#include <string>

#include "loaders/text_sink.hpp"
#include "queries/gaps.hpp"

namespace orgraph {

// {"gaps": [{"code", "severity", "entities", "message", "suggestion", "district"}],
//  "summary": {code: count}, "severity": min, "by_severity": {...},
//  "by_district": {district: {code: count}}}. "summary" lists every code the severity filter
// admits, zeros included; "by_district" only codes with a count.
std::string gaps_json(const GapReport& report);
// code,severity,entities,district,message,suggestion (entities joined by ';').
std::string gaps_csv(const GapReport& report);
// One block per gap, then the summary by code.
std::string gaps_table(const GapReport& report);

// The same, streamed to `sink` in order.
void write_gaps_json(const GapReport& report, const TextSink& sink);
void write_gaps_csv(const GapReport& report, const TextSink& sink);
void write_gaps_table(const GapReport& report, const TextSink& sink);
// The same from an audit, each block of gaps formatted as it is written (in parallel).
void write_gaps_json(const GapAudit& audit, const TextSink& sink);
void write_gaps_csv(const GapAudit& audit, const TextSink& sink);
void write_gaps_table(const GapAudit& audit, const TextSink& sink);
// gaps.csv to `csv` and gaps.json to `json` (the bytes of write_gaps_csv and write_gaps_json)
// from one pass: each gap is formatted once for both, and the two files are written side by side.
void write_gaps_csv_and_json(const GapAudit& audit, const TextSink& csv, const TextSink& json);

}  // namespace orgraph
