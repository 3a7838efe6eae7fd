// Loader tests: the CSV reader's edge cases, the bad-input corpus (one case per error class of
// contracts.md section 1), lenient mode, the JSON form, and parallel parsing == serial parsing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "engine/parallel.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/csv.hpp"
#include "queries/stats.hpp"
#include "support/test_support.hpp"

namespace orgraph {
namespace {

namespace fs = std::filesystem;
using testing::city_from_csv;
using testing::read_text;
using testing::tiny_city_files;

TextTable parse(const std::string& text, std::vector<Diagnostic>& diags) {
  TextTable t;
  EXPECT_TRUE(parse_csv("t.csv", text, t, diags));
  return t;
}

TEST(Csv, QuotesCommasNewlinesAndDoubledQuotes) {
  std::vector<Diagnostic> diags;
  const auto t = parse("id,name\n1,\"a, b\"\n2,\"line1\nline2\"\n3,\"say \"\"hi\"\"\"\n4,plain\n",
                       diags);
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(t.rows(), 4u);
  EXPECT_EQ(t.at(0, 1), "a, b");
  EXPECT_EQ(t.at(1, 1), "line1\nline2");
  EXPECT_EQ(t.at(2, 1), "say \"hi\"");
  EXPECT_EQ(t.at(3, 1), "plain");
  // Line numbers are those where each record starts.
  EXPECT_EQ(t.origin(0), 2u);
  EXPECT_EQ(t.origin(1), 3u);
  EXPECT_EQ(t.origin(2), 5u);
  EXPECT_EQ(t.origin(3), 6u);
  // The raw text of a record is kept for rejects files.
  EXPECT_EQ(t.raw(2), "3,\"say \"\"hi\"\"\"");
}

TEST(Csv, BomCrlfChineseAndTrailingEmptyLines) {
  std::vector<Diagnostic> diags;
  const auto t = parse("\xEF\xBB\xBFid,name\r\nA1,常州市天宁区志愿者协会\r\nA2,\r\n\r\n\n", diags);
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(t.header.size(), 2u);
  EXPECT_EQ(t.header[0], "id");  // the BOM is not part of the first column name
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.at(0, 1), "常州市天宁区志愿者协会");
  EXPECT_EQ(t.at(1, 1), "");
}

TEST(Csv, TrailingEmptyFieldsFromSpreadsheetsAreAccepted) {
  std::vector<Diagnostic> diags;
  const auto t = parse("id,name,,\nA,x,,\nB\n", diags);
  ASSERT_EQ(diags.size(), 1u);  // B has too few fields
  EXPECT_NE(diags[0].message.find("found 1 fields, expected"), std::string::npos);
  EXPECT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.header.size(), 2u);
}

TEST(Csv, NoFinalNewlineAndEmptyLastField) {
  std::vector<Diagnostic> diags;
  const auto t = parse("a,b\n1,", diags);
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(t.at(0, 0), "1");
  EXPECT_EQ(t.at(0, 1), "");
}

// A text short enough for std::string's small buffer: the views must survive moving the table
// (the table parsed into is freed and its memory written over before the views are read).
TEST(Csv, ShortTextSurvivesAMove) {
  const std::string text = "i,n\nA,y\nB,x\n";
  ASSERT_LT(text.size(), 16u);
  std::vector<Diagnostic> diags;
  auto parsed = std::make_unique<TextTable>();
  ASSERT_TRUE(parse_csv("t.csv", text, *parsed, diags));
  TextTable t = std::move(*parsed);
  parsed.reset();
  auto scribble = std::make_unique<char[]>(sizeof(TextTable));  // likely the freed block
  std::fill(scribble.get(), scribble.get() + sizeof(TextTable), '#');
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.at(0, 0), "A");
  EXPECT_EQ(t.at(0, 1), "y");
  EXPECT_EQ(t.at(1, 0), "B");
  EXPECT_EQ(t.at(1, 1), "x");
  EXPECT_EQ(t.raw(1), "B,x");
}

TEST(Csv, OnlyHeaderIsAnEmptyTable) {
  std::vector<Diagnostic> diags;
  const auto t = parse("id,name\n", diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(t.rows(), 0u);
}

// A big file parsed in parallel chunks must give exactly the serial result.
TEST(Csv, ParallelChunksEqualSerial) {
  std::string text = "id,name,note\n";
  for (int i = 0; i < 500000; ++i) {
    text += std::to_string(i) + ",";
    if (i % 7 == 0) {
      text += "\"multi\nline, \"\"quoted\"\"\"";
    } else {
      text += "name" + std::to_string(i);
    }
    text += i % 5 == 0 ? ",\r\n" : ",x\n";
  }
  ASSERT_GT(text.size(), std::size_t{9} << 20);
  std::vector<TextTable> results(1);
  {  // the reference: the whole file as one chunk, on one thread
    par::set_threads(1);
    std::vector<Diagnostic> diags;
    CsvLimits one_chunk;
    one_chunk.chunk_bytes = text.size() + 1;
    ASSERT_TRUE(parse_csv("t.csv", text, results[0], diags, one_chunk));
    EXPECT_TRUE(diags.empty());
    ASSERT_EQ(results[0].chunks.size(), 1u);
  }
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    std::vector<Diagnostic> diags;
    results.push_back(parse(text, diags));
    EXPECT_TRUE(diags.empty());
    EXPECT_GT(results.back().chunks.size(), 1u);
  }
  par::set_threads(0);
  for (const auto& r : results) {
    ASSERT_EQ(r.rows(), 500000u);
    ASSERT_EQ(r.columns, results[0].columns);
    for (std::size_t row = 0; row < r.rows(); ++row) {
      ASSERT_EQ(r.origin(row), results[0].origin(row)) << "row " << row;
      ASSERT_EQ(r.raw(row), results[0].raw(row)) << "row " << row;
      for (std::size_t c = 0; c < r.columns; ++c) {
        ASSERT_EQ(r.at(row, c), results[0].at(row, c)) << "row " << row << " column " << c;
      }
    }
  }
  EXPECT_EQ(results[0].at(7, 1), "multi\nline, \"quoted\"");
  EXPECT_EQ(results[0].origin(499999), 2u + 499999u + 500000u / 7 + 1);

  // Fields on demand (as the city loader parses): no views until loaded, then the same views,
  // loaded a few chunks at a time in parallel; views taken before a release stay valid after it
  // (typed rows keep them), including the unescaped copies of quoted fields.
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    std::vector<Diagnostic> diags;
    CsvLimits on_demand;
    on_demand.fields_on_demand = true;
    TextTable t;
    ASSERT_TRUE(parse_csv("t.csv", text, t, diags, on_demand));
    EXPECT_TRUE(diags.empty());
    ASSERT_EQ(t.rows(), 500000u);
    ASSERT_EQ(t.chunks.size(), results[1].chunks.size());
    for (const auto& ch : t.chunks) {
      EXPECT_FALSE(ch.has_fields);
      EXPECT_TRUE(ch.fields.empty());
    }
    std::vector<std::string_view> kept;  // column 1 of every 7th row, taken while loaded
    for (std::size_t c = 0; c < t.chunks.size(); c += 3) {
      t.load_fields(c, c + 3);
      for (std::size_t row = t.first_row[c]; row < t.first_row[std::min(c + 3, t.chunks.size())];
           ++row) {
        ASSERT_EQ(t.origin(row), results[0].origin(row)) << "row " << row;
        for (std::size_t col = 0; col < t.columns; ++col) {
          ASSERT_EQ(t.at(row, col), results[0].at(row, col)) << "row " << row << " column " << col;
        }
        if (row % 7 == 0) kept.push_back(t.at(row, 1));
      }
      for (std::size_t k = c; k < std::min(c + 3, t.chunks.size()); ++k) t.release_fields(k);
    }
    ASSERT_EQ(kept.size(), (500000u + 6) / 7);
    for (std::size_t i = 0; i < kept.size(); ++i) {
      ASSERT_EQ(kept[i], results[0].at(i * 7, 1)) << "row " << i * 7;
    }
  }
  par::set_threads(0);
}

TEST(ReadTextFile, ParallelPiecesEqualTheFile) {
  const fs::path dir = fs::temp_directory_path() / ("orgraph-read-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string bytes;
  for (std::size_t i = 0; bytes.size() < (std::size_t{20} << 20) + 12345; ++i) {
    bytes += "row " + std::to_string(i * 2654435761u) + ",\xE5\xB8\xB8\xE5\xB7\x9E\n";
  }
  const fs::path file = dir / "big.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << bytes;
  }
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    const TextBytes got = read_text_file(file.string());
    ASSERT_EQ(got.size(), bytes.size()) << threads << " threads";
    EXPECT_TRUE(got.view() == bytes) << threads << " threads";
  }
  par::set_threads(0);
  {  // empty file
    std::ofstream out(dir / "empty.csv", std::ios::binary);
  }
  EXPECT_EQ(read_text_file((dir / "empty.csv").string()).size(), 0u);
  // not a regular file: read as a stream
  EXPECT_EQ(read_text_file("/dev/null").size(), 0u);
  EXPECT_THROW(read_text_file(dir.string()), IoError);
  EXPECT_THROW(read_text_file((dir / "missing.csv").string()), IoError);
  fs::remove_all(dir);
}

// ---- typed-row conversion at any thread count -------------------------------------------------

// The tiny city with a people table spanning several parse chunks and an affiliations table
// past one builder batch (2^20 rows), with bad values, malformed rows and unknown references
// spread over many chunks and around the batch boundary. `expected_errors` counts, from the
// rules alone, the rows a lenient load must reject, and the errors a strict load reports (the
// same but for references to rejected rows, which strict mode does not repeat).
struct BigBadCity {
  std::map<std::string, std::string> files = tiny_city_files();
  std::size_t expected_errors = 0;
  std::size_t expected_strict_errors = 0;
};

BigBadCity big_bad_city() {
  constexpr std::size_t kPeople = 400000, kAffiliations = 1100000;
  BigBadCity c;
  std::vector<char> rejected(kPeople, 0);
  std::string& people = c.files["people.csv"];
  for (std::size_t i = 0; i < kPeople; ++i) {
    const std::string id = "Q" + std::to_string(i);
    if (i % 40009 == 17) {
      people += id + ",Bad Status " + std::to_string(i) + ",sometimes\n";  // not a party status
      rejected[i] = 1;
    } else if (i % 100003 == 5) {
      people += id + ",two fields only\n";  // malformed: the parser rejects the row
      rejected[i] = 1;
    } else {
      people += id + ",Name " + std::to_string(i) + ",none\n";
    }
  }
  std::string& affiliations = c.files["affiliations.csv"];
  for (std::size_t j = 0; j < kAffiliations; ++j) {
    const std::size_t p = j % kPeople;
    const bool bad_role = j % 9001 == 3 || (j >= 1048570 && j <= 1048590 && j % 3 == 0);
    const bool unknown = !bad_role && j % 90001 == 7;
    affiliations += (unknown ? "NOPE" + std::to_string(j) : "Q" + std::to_string(p)) + ",O1," +
                    (bad_role ? "boss" : "staff") + "\n";
    if (bad_role || unknown || rejected[p]) ++c.expected_errors;  // rejected[p]: cascade
    if (bad_role || unknown) ++c.expected_strict_errors;
  }
  for (char r : rejected) {
    c.expected_errors += static_cast<std::size_t>(r);
    c.expected_strict_errors += static_cast<std::size_t>(r);
  }
  return c;
}

std::vector<std::string> described(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics) out.push_back(d.to_string() + " | " + d.row);
  return out;
}

OrgGraph load_lenient(const std::map<std::string, std::string>& files, LoadReport& report) {
  LoadOptions options;
  options.lenient = true;
  return load_city_from_csv_text(files, options, &report);
}

TEST(Conversion, DiagnosticsAreTheSameAtAnyThreadCount) {
  const BigBadCity city = big_bad_city();
  ASSERT_GT(city.files.at("people.csv").size(), std::size_t{9} << 20);  // several parse chunks
  std::vector<std::vector<std::string>> lenient, strict;
  std::vector<std::size_t> strict_totals;
  for (int threads : {1, 2, 8}) {
    SCOPED_TRACE(threads);
    par::set_threads(threads);
    LoadReport report;
    const OrgGraph g = load_lenient(city.files, report);
    EXPECT_EQ(report.errors, city.expected_errors);
    lenient.push_back(described(report.diagnostics));
    try {
      load_city_from_csv_text(city.files);
      ADD_FAILURE() << "strict load accepted bad rows";
    } catch (const LoadError& e) {
      strict.push_back(described(e.diagnostics()));
      strict_totals.push_back(e.total_errors());
    }
  }
  par::set_threads(0);
  ASSERT_EQ(strict.size(), 3u);
  // Past the default limit of 100 kept diagnostics, so which ones are kept depends on the order
  // in which conversion and the builder report them.
  EXPECT_EQ(strict_totals[0], city.expected_strict_errors);
  EXPECT_EQ(strict[0].size(), 100u);
  for (std::size_t run = 1; run < 3; ++run) {
    EXPECT_EQ(lenient[run], lenient[0]) << "lenient diagnostics differ, run " << run;
    EXPECT_EQ(strict[run], strict[0]) << "strict diagnostics differ, run " << run;
    EXPECT_EQ(strict_totals[run], strict_totals[0]);
  }
  // Rows are reported with their location and text (the fixture's people.csv has 21 lines, its
  // affiliations.csv 24).
  const std::string bad_role =
      "affiliations.csv:" + std::to_string(25 + 1048572) + ":3: error: column 'role': found 'boss'";
  bool status = false, malformed = false, role = false, cascade = false;
  for (const auto& d : lenient[0]) {
    status = status || d.find("people.csv:39:3: error: column 'party_status': found 'sometimes'") != std::string::npos;
    malformed = malformed || d.find("| Q5,two fields only") != std::string::npos;
    role = role || d.find(bad_role) != std::string::npos;
    cascade = cascade || d.find("whose row was rejected | Q17,O1,staff") != std::string::npos;
  }
  EXPECT_TRUE(status) << "bad party status not reported";
  EXPECT_TRUE(malformed) << "malformed row not reported";
  EXPECT_TRUE(role) << "bad role not reported";
  EXPECT_TRUE(cascade) << "reference to a rejected person not reported";
}

// Entity tables are converted a window of 2^20 rows at a time, their fields loaded for the
// window and released after it, while the builder takes all their rows at the end: names that
// were unescaped from doubled quotes in the first window must still be there, and a rejected
// row's id must be noted whichever window it is in.
TEST(Conversion, EntityTablesPastOneWindow) {
  constexpr std::size_t kPeople = 1100000, kFirstOfSecondWindow = (std::size_t{1} << 20) - 20;
  auto files = tiny_city_files();  // its people.csv: a header and 20 rows
  std::string& people = files["people.csv"];
  auto line_of = [](std::size_t i) { return 22 + i; };  // of appended person i
  auto quoted = [&](std::size_t i) {
    return i + 40 >= kFirstOfSecondWindow && i < kFirstOfSecondWindow + 40;
  };
  const std::size_t duplicate = kFirstOfSecondWindow + 4, bad_status = kFirstOfSecondWindow - 6;
  for (std::size_t i = 0; i < kPeople; ++i) {
    people += i == duplicate ? std::string("Q3") : "Q" + std::to_string(i);
    people +=
        quoted(i) ? ",\"Name \"\"" + std::to_string(i) + "\"\", x\"" : ",Name " + std::to_string(i);
    people += i == bad_status ? ",sometimes\n" : ",none\n";
  }
  files["affiliations.csv"] += "Q" + std::to_string(bad_status) + ",O1,staff\n";  // line 25
  par::set_threads(2);
  LoadReport report;
  const OrgGraph g = load_lenient(files, report);
  par::set_threads(0);
  EXPECT_EQ(report.errors, 3u);
  EXPECT_EQ(g.person_ids.size(), 20 + kPeople - 2);
  std::size_t checked = 0;
  for (std::size_t i = 0; i < kPeople; ++i) {
    if (!quoted(i) || i == duplicate || i == bad_status) continue;
    const Id p = g.find_person("Q" + std::to_string(i));
    ASSERT_NE(p, kNone) << i;
    ASSERT_EQ(g.person_names[p], "Name \"" + std::to_string(i) + "\", x") << i;
    ++checked;
  }
  EXPECT_EQ(checked, 78u);
  const Id q3 = g.find_person("Q3");
  ASSERT_NE(q3, kNone);
  EXPECT_EQ(g.person_names[q3], "Name 3");  // the first Q3 is kept
  const auto text = described(report.diagnostics);
  auto reported = [&](const std::string& what) {
    return std::any_of(text.begin(), text.end(),
                       [&](const std::string& d) { return d.find(what) != std::string::npos; });
  };
  EXPECT_TRUE(reported("people.csv:" + std::to_string(line_of(duplicate)) +
                       ":1: error: column 'id': duplicate id 'Q3': already defined at line " +
                       std::to_string(line_of(3))));
  EXPECT_TRUE(reported("people.csv:" + std::to_string(line_of(bad_status)) +
                       ":3: error: column 'party_status': found 'sometimes'"));
  EXPECT_TRUE(reported("affiliations.csv:25:1: error: column 'person_id': refers to person 'Q" +
                       std::to_string(bad_status) + "', whose row was rejected"));
}

// ---- the bad-input corpus -------------------------------------------------------------------

struct CorpusCase {
  std::string name;
  std::map<std::string, std::string> files;
  std::string location;  // expected location suffix, e.g. organizations.csv:5:3
  std::string message;   // expected message substring
};

std::vector<CorpusCase> corpus() {
  std::vector<CorpusCase> cases;
  const fs::path root = fs::path(ORGRAPH_TESTS_DIR) / "corpus" / "bad";
  for (const auto& dir : fs::directory_iterator(root)) {
    CorpusCase c;
    c.name = dir.path().filename().string();
    c.files = tiny_city_files();
    for (const auto& f : fs::directory_iterator(dir.path())) {
      const std::string name = f.path().filename().string();
      if (name == "expect") {
        const std::string e = read_text(f.path());
        const auto nl = e.find('\n');
        c.location = e.substr(0, nl);
        c.message = e.substr(nl + 1, e.find('\n', nl + 1) - nl - 1);
      } else if (name.ends_with(".absent")) {
        c.files.erase(name.substr(0, name.size() - 7));
      } else {
        c.files[name] = read_text(f.path());
      }
    }
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(),
            [](const CorpusCase& a, const CorpusCase& b) { return a.name < b.name; });
  return cases;
}

TEST(BadInputCorpus, EveryCaseFailsWithItsMessageAndLocation) {
  const auto cases = corpus();
  ASSERT_GE(cases.size(), 25u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      load_city_from_csv_text(c.files);
      ADD_FAILURE() << c.name << ": loaded without error";
    } catch (const LoadError& e) {
      bool found = false;
      std::string all;
      for (const auto& d : e.diagnostics()) {
        all += d.to_string() + "\n";
        const std::string loc = d.location();
        const bool loc_ok = c.location.empty() || loc == c.location ||
                            loc.ends_with("/" + c.location) ||
                            (loc.size() >= c.location.size() &&
                             loc.compare(loc.size() - c.location.size(), c.location.size(),
                                         c.location) == 0);
        if (loc_ok && d.message.find(c.message) != std::string::npos) found = true;
      }
      EXPECT_TRUE(found) << "expected " << c.location << ": ..." << c.message << "\ngot:\n"
                         << all;
    }
  }
}

TEST(BadInputCorpus, CommandLineExitsWithInvalidDataAndWritesNothing) {
  const auto cases = corpus();
  const std::string work = testing::temp_dir("corpus-cli");
  for (const auto& c : cases) {
    if (c.name != "bad_enum" && c.name != "unknown_reference" && c.name != "missing_file") {
      continue;
    }
    SCOPED_TRACE(c.name);
    const std::string dir = work + "/" + c.name;
    for (const auto& [name, text] : c.files) testing::write_text(dir + "/" + name, text);
    const std::string out = work + "/" + c.name + ".json";
    const auto r = testing::run_orgraph({"stats", dir, "--out", out});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
  }
  fs::remove_all(work);
}

TEST(Lenient, KeepsGoodRowsAndReportsEachRejectedRowWithItsReason) {
  auto files = tiny_city_files();
  // O5's area does not exist: O5 is dropped, and so are the rows that refer to it.
  const std::string orgs = files["organizations.csv"];
  files["organizations.csv"].replace(orgs.find("district,K3,EDU1,,active,5"), 26,
                                     "district,K9,EDU1,,active,5");
  LoadOptions options;
  options.lenient = true;
  LoadReport report;
  const OrgGraph g = load_city_from_csv_text(files, options, &report);
  EXPECT_EQ(g.orgs.size(), 11u);
  EXPECT_EQ(g.find_org("O5"), kNone);
  EXPECT_NE(g.find_org("O6"), kNone);
  std::size_t rejected = 0;
  bool cascade = false;
  for (const auto& d : report.diagnostics) {
    if (d.severity != DiagnosticSeverity::error) continue;
    ++rejected;
    if (d.message.find("refers to org 'O5', whose row was rejected") != std::string::npos) {
      cascade = true;
      EXPECT_EQ(d.row, "P7,O5,staff");
    }
  }
  EXPECT_EQ(rejected, 2u);  // the org row and its one affiliation
  EXPECT_TRUE(cascade);
  const auto& org_table = report.tables[2];
  EXPECT_EQ(org_table.table, "organizations");
  EXPECT_EQ(org_table.rejected, 1u);
}

TEST(Lenient, CommandLineWritesRejectsFile) {
  const std::string work = testing::temp_dir("lenient-cli");
  auto files = tiny_city_files();
  files["people.csv"] += "P21,Bad Status,sometimes\n";
  for (const auto& [name, text] : files) testing::write_text(work + "/city/" + name, text);
  const auto strict = testing::run_orgraph({"validate", work + "/city"});
  EXPECT_EQ(strict.exit_code, 3);
  const auto r = testing::run_orgraph({"validate", work + "/city", "--lenient", "--rejects",
                                       work + "/rejects.csv", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"rejected\":1"), std::string::npos) << r.out;
  const std::string rejects = read_text(work + "/rejects.csv");
  EXPECT_NE(rejects.find("people.csv,22,3"), std::string::npos) << rejects;
  // A people.csv row holds a name: its text only with --include-names.
  EXPECT_EQ(rejects.find("Bad Status"), std::string::npos) << rejects;
  EXPECT_NE(rejects.find("left out: rows of people.csv hold names"), std::string::npos) << rejects;
  EXPECT_NE(r.err.find("dropped 1 invalid row"), std::string::npos) << r.err;
  const auto named =
      testing::run_orgraph({"validate", work + "/city", "--lenient", "--include-names",
                            "--rejects", work + "/rejects-named.csv", "--format", "json"});
  EXPECT_EQ(named.exit_code, 0) << named.err;
  const std::string with_names = read_text(work + "/rejects-named.csv");
  EXPECT_NE(with_names.find("P21,Bad Status,sometimes"), std::string::npos) << with_names;
  fs::remove_all(work);
}

// Ids holding a control character are refused wherever the character stands (the check goes
// eight bytes at a time); tabs inside, and UTF-8 ids, are not control characters for it.
TEST(Loader, IdWithAControlCharacterAnywhereIsRefused) {
  for (std::size_t length = 1; length <= 19; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      std::string id = "O" + std::string(length - 1, 'x');
      id[at] = at % 2 ? '\x1f' : '\x01';
      auto files = tiny_city_files();
      files["organizations.csv"] += id + ",Extra,social_group,education,district,K1,EDU1,,active,1,,\n";
      EXPECT_THROW(load_city_from_csv_text(files), LoadError) << "length " << length << " at " << at;
    }
  }
  auto files = tiny_city_files();
  files["organizations.csv"] +=
      "O\t99-long-id-with-a-tab,Extra,social_group,education,district,K1,EDU1,,active,1,,\n"
      "组织-常州市天宁区-青年志愿者协会,Extra,social_group,education,district,K1,EDU1,,active,1,,\n";
  const OrgGraph g = load_city_from_csv_text(files);
  EXPECT_NE(g.find_org("O\t99-long-id-with-a-tab"), kNone);
  EXPECT_NE(g.find_org("组织-常州市天宁区-青年志愿者协会"), kNone);
}

// ---- JSON form ------------------------------------------------------------------------------

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// The tiny city as one JSON document (staff_count as JSON numbers).
std::string tiny_city_json() {
  std::string json = "{";
  bool first_table = true;
  for (const auto& table : table_names()) {
    const auto files = tiny_city_files();
    const auto it = files.find(table + ".csv");
    if (it == files.end()) continue;
    std::vector<Diagnostic> diags;
    TextTable t;
    parse_csv(it->first, it->second, t, diags);
    json += (first_table ? "" : ",") + std::string("\"") + table + "\":[";
    first_table = false;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      json += r ? ",{" : "{";
      bool first = true;
      for (std::size_t c = 0; c < t.columns; ++c) {
        const auto v = t.at(r, c);
        if (v.empty()) continue;
        json += (first ? "\"" : ",\"") + t.header[c] + "\":";
        first = false;
        if (t.header[c] == "staff_count") {
          json += std::string(v);
        } else {
          json += "\"" + json_escape(v) + "\"";
        }
      }
      json += "}";
    }
    json += "]";
  }
  return json + "}";
}

TEST(Json, SameGraphAsCsv) {
  const OrgGraph from_csv = load_city_from_csv_text(tiny_city_files());
  const OrgGraph from_json = load_city_from_json_text("city.json", tiny_city_json());
  const auto a = graph_stats(from_csv), b = graph_stats(from_json);
  EXPECT_EQ(a.orgs, b.orgs);
  EXPECT_EQ(a.people, b.people);
  EXPECT_EQ(a.affiliations, b.affiliations);
  EXPECT_EQ(a.covered_orgs, b.covered_orgs);
  EXPECT_EQ(a.unit_supervision, b.unit_supervision);
  EXPECT_EQ(from_json.orgs[from_json.find_org("O7")].staff_count, 12);
  EXPECT_EQ(from_json.orgs[from_json.find_org("O7")].full_members, 3u);
}

TEST(Json, BadValueIsReportedWithAPointer) {
  std::string json = tiny_city_json();
  json.replace(json.find("\"level\":\"street\""), 16, "\"level\":\"town\"");
  try {
    load_city_from_json_text("city.json", json);
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].location(), "city.json#/areas/3/level");
    EXPECT_NE(e.diagnostics()[0].message.find("found 'town'"), std::string::npos);
  }
}

TEST(Json, SyntaxErrorNamesLineAndColumn) {
  try {
    load_city_from_json_text("city.json", "{\n  \"areas\": [\n    {\"id\": \"C\",, }\n  ]\n}");
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].line, 3u);
    EXPECT_NE(e.diagnostics()[0].message.find("invalid JSON"), std::string::npos);
  }
}

// "\u0000" in a JSON string is a NUL byte, which a CSV file may not hold: refused the same way,
// with the cell's pointer.
TEST(Json, NulCharacterIsRefusedAsInCsv) {
  std::string json = tiny_city_json();
  // In a name, where any other text loads.
  const std::size_t at = json.find("\"name\":\"");
  ASSERT_NE(at, std::string::npos);
  json.insert(at + 8, "\\u0000");
  try {
    load_city_from_json_text("city.json", json);
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    const std::string where = e.diagnostics()[0].location();
    EXPECT_TRUE(where.starts_with("city.json#/") && where.ends_with("/name")) << where;
    EXPECT_NE(e.diagnostics()[0].message.find("NUL"), std::string::npos);
  }
}

// Values of the wrong type are each reported, as CSV errors are, not only the first: an object,
// an array nested in it, and a boolean where a row was expected.
TEST(Json, EveryValueOfTheWrongTypeIsListed) {
  std::string json = tiny_city_json();
  const auto put = [&](const std::string& key, const std::string& bad) {
    const std::size_t at = json.find(key);
    ASSERT_NE(at, std::string::npos) << key;
    const std::size_t value = at + key.size();
    const std::size_t end = json.find_first_of(",}", value);
    json.replace(value, end - value, bad);
  };
  put("\"level\":", "{\"x\": [1, {\"y\": 2}]}");
  put("\"kind\":", "[\"a\", \"b\"]");
  put("\"form\":", "{}");
  try {
    load_city_from_json_text("city.json", json);
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.to_string() + "\n";
    ASSERT_EQ(e.diagnostics().size(), 3u) << all;
    EXPECT_NE(all.find("/level: error: found an object"), std::string::npos) << all;
    EXPECT_NE(all.find("/kind: error: found an array"), std::string::npos) << all;
    EXPECT_NE(all.find("/form: error: found an object"), std::string::npos) << all;
  }
  // A syntax error after them is listed too.
  json.insert(json.rfind('}'), ",,");
  try {
    load_city_from_json_text("city.json", json);
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    ASSERT_EQ(e.diagnostics().size(), 4u);
    EXPECT_NE(e.diagnostics().back().message.find("invalid JSON"), std::string::npos);
  }
}

TEST(Json, MissingTableIsAnError) {
  try {
    load_city_from_json_text("city.json", "{\"areas\": []}");
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    EXPECT_NE(e.diagnostics()[0].message.find("missing table 'units'"), std::string::npos);
  }
}

// ---- derived facts --------------------------------------------------------------------------

TEST(Builder, DerivedFactsFollowTheDefinitions) {
  const OrgGraph g = load_city_from_csv_text(tiny_city_files());
  const Id o1 = g.find_org("O1"), o6 = g.find_org("O6"), o10 = g.find_org("O10");
  EXPECT_EQ(g.orgs[o1].full_members, 2u);  // P1 leader + P2 staff (P3 is not a member)
  EXPECT_EQ(g.orgs[o6].full_members, 2u);  // P8, P10 (P9 is probationary)
  EXPECT_EQ(g.orgs[o6].party_members, 3u);
  EXPECT_EQ(g.area_ids[g.orgs[o1].street], "S1");
  EXPECT_EQ(g.area_ids[g.orgs[o1].district], "D1");
  EXPECT_TRUE(g.orgs[o10].covered);
  EXPECT_FALSE(g.orgs[g.find_org("O11")].covered);  // deregistered
  EXPECT_TRUE(g.orgs[g.find_org("O12")].work_covered);
  EXPECT_FALSE(g.orgs[g.find_org("O12")].covered);
  // Distinct people over a set: O2 (P4) + O3 (P5; P4 is only a member there).
  std::vector<std::uint8_t> scratch(g.people.size(), 0);
  const Id set[] = {g.find_org("O2"), g.find_org("O3")};
  EXPECT_EQ(g.full_members_of(set, scratch), 2u);
  const Id twice[] = {o1, o1};
  EXPECT_EQ(g.full_members_of(twice, scratch), 2u);  // a person counts once
}

TEST(Builder, DuplicateRelationRowsAreCountedOnceWithAWarning) {
  auto files = tiny_city_files();
  files["affiliations.csv"] += "P1,O1,leader\n";
  LoadReport report;
  const OrgGraph g = load_city_from_csv_text(files, {}, &report);
  EXPECT_EQ(g.orgs[g.find_org("O1")].full_members, 2u);
  std::vector<std::string> warnings;
  for (const auto& d : report.diagnostics) {
    if (d.severity == DiagnosticSeverity::warning) warnings.push_back(d.to_string());
  }
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("affiliations.csv: warning: 1 duplicate relation row(s)"),
            std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[0].find("person 'P1', org 'O1', role leader"), std::string::npos)
      << warnings[0];
}

// Each relation table gets its own warning, naming the earliest repeated row of that table,
// not the smallest ids.
TEST(Builder, DuplicateRelationWarningsNameTheTableAndTheFirstRepeat) {
  auto files = tiny_city_files();
  const std::string aff = files["affiliations.csv"];
  const auto line_of = [](const std::string& text, std::size_t n) {  // data line n (1-based)
    std::size_t pos = text.find('\n') + 1;
    for (std::size_t k = 1; k < n; ++k) pos = text.find('\n', pos) + 1;
    return text.substr(pos, text.find('\n', pos) + 1 - pos);
  };
  // The third data row repeated before the first: the warning names the third row's ids.
  const std::string third = line_of(aff, 3), first = line_of(aff, 1);
  files["affiliations.csv"] += third + first;
  const std::string cov = files["branch_coverage.csv"];
  files["branch_coverage.csv"] += line_of(cov, 1) + line_of(cov, 1);
  const std::string sup = files["supervision.csv"];
  files["supervision.csv"] += line_of(sup, 2);
  LoadReport report;
  const OrgGraph g = load_city_from_csv_text(files, {}, &report);
  std::map<std::string, std::string> by_file;
  for (const auto& d : report.diagnostics) {
    if (d.severity == DiagnosticSeverity::warning) by_file[d.file] = d.message;
  }
  ASSERT_EQ(by_file.size(), 3u);
  const std::string& a = by_file["affiliations.csv"];
  EXPECT_NE(a.find("2 duplicate relation row(s)"), std::string::npos) << a;
  const std::string third_person = third.substr(0, third.find(','));
  EXPECT_NE(a.find("the first repeats person '" + third_person + "'"), std::string::npos) << a;
  EXPECT_NE(by_file["branch_coverage.csv"].find("2 duplicate relation row(s)"), std::string::npos);
  EXPECT_NE(by_file["supervision.csv"].find("1 duplicate relation row(s)"), std::string::npos);
  EXPECT_EQ(report.diagnostics.size(), 3u);
}

std::vector<std::string> strings_of(const StringColumn& column) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < column.size(); ++i) out.emplace_back(column[static_cast<Id>(i)]);
  return out;
}

// Organizations over several of the builder's blocks (2^16 rows), with industries first used
// in later blocks and bad rows (empty industry, unknown area, a district as the area, unknown
// unit) spread over them: industry ids follow first use in row order, every org keeps its
// row's industry, and the diagnostics are the same at any thread count.
TEST(Builder, OrgChecksAndIndustriesAreTheSameAtAnyThreadCount) {
  std::map<std::string, std::string> files = tiny_city_files();
  std::vector<std::string> expected_industries =
      strings_of(load_city_from_csv_text(files).industry_names);
  for (const char* late : {"late_a", "late_b", "late_c"}) expected_industries.push_back(late);
  std::string& orgs = files["organizations.csv"];
  constexpr std::size_t kExtra = 200000;
  std::map<std::string, std::string> industry_of;  // kept extra org -> its industry
  std::size_t bad = 0;
  for (std::size_t i = 0; i < kExtra; ++i) {
    std::string industry = "education", area = "K1", unit;
    if (i >= 150000 && i % 3 == 0) {
      industry = "late_c";
    } else if (i >= 140000 && i % 2 == 0) {
      industry = "late_b";
    } else if (i >= 70000 && i % 5 == 0) {
      industry = "late_a";
    }
    const bool is_bad = i % 50021 == 11 || i % 50023 == 13 || i % 50033 == 17 || i % 50051 == 19;
    if (i % 50021 == 11) {
      industry.clear();
    } else if (i % 50023 == 13) {
      area = "NOWHERE";
    } else if (i % 50033 == 17) {
      area = "D1";
    } else if (i % 50051 == 19) {
      unit = "NOUNIT";
    }
    const std::string id = "X" + std::to_string(i);
    orgs += id + ",Org " + std::to_string(i) + ",social_group," + industry + ",district," + area +
            "," + unit + ",,active,3,,\n";
    if (is_bad) {
      ++bad;
    } else {
      industry_of[id] = industry;
    }
  }

  std::vector<std::vector<std::string>> lenient, strict;
  for (int threads : {1, 2, 8}) {
    SCOPED_TRACE(threads);
    par::set_threads(threads);
    LoadReport report;
    const OrgGraph g = load_lenient(files, report);
    EXPECT_EQ(report.errors, bad);
    EXPECT_EQ(g.orgs.size(), g.org_ids.size());
    EXPECT_EQ(strings_of(g.industry_names), expected_industries);
    std::size_t checked = 0;
    for (std::size_t o = 0; o < g.orgs.size(); ++o) {
      const auto it = industry_of.find(std::string(g.org_ids[static_cast<Id>(o)]));
      if (it == industry_of.end()) continue;
      ASSERT_NE(g.orgs[o].industry, kNone) << it->first;
      ASSERT_EQ(g.industry_names[g.orgs[o].industry], it->second) << it->first;
      ASSERT_EQ(g.area_ids[g.orgs[o].area], "K1") << it->first;
      ++checked;
    }
    EXPECT_EQ(checked, industry_of.size());
    lenient.push_back(described(report.diagnostics));
    try {
      load_city_from_csv_text(files);
      ADD_FAILURE() << "strict load accepted bad rows";
    } catch (const LoadError& e) {
      EXPECT_EQ(e.total_errors(), bad);
      strict.push_back(described(e.diagnostics()));
    }
  }
  par::set_threads(0);
  ASSERT_EQ(lenient.size(), 3u);
  ASSERT_EQ(strict.size(), 3u);
  for (std::size_t run = 1; run < 3; ++run) {
    EXPECT_EQ(lenient[run], lenient[0]);
    EXPECT_EQ(strict[run], strict[0]);
  }
}

// People fed in batches, as the loader feeds people.csv, give the graph and the diagnostics of
// one add_people call with all the rows: ids repeating ids of earlier batches, empty ids, and
// rows the loader rejected before some batch (from there on a row's index in its table is not
// its position: the rejects file's row text must still be the right one), strict and lenient.
TEST(Builder, PeopleInBatchesEqualOneCall) {
  constexpr std::size_t kRows = 5000;
  std::vector<std::string> ids, names;
  std::vector<PersonRow> rows;
  std::uint32_t index = 0;  // the row's index in its table
  for (std::size_t i = 0; i < kRows; ++i) {
    ids.push_back(i % 997 == 5 ? "P" + std::to_string(i / 2) : "P" + std::to_string(i));
    if (i % 1301 == 7) ids.back().clear();
    names.push_back(i % 3 == 0 ? "Name " + std::to_string(i) : "");
  }
  for (std::size_t i = 0; i < kRows; ++i) {
    if (i == 1200 || i == 3100) index += 2;  // two rows rejected by the loader before these
    PersonRow r;
    r.id = ids[i];
    r.name = names[i];
    r.party_status = static_cast<PartyStatus>(i % 3);
    r.origin = {index + 2, index};
    rows.push_back(r);
    ++index;
  }
  TableSource src;
  src.table = "people";
  src.file = "people.csv";
  src.header = {"id", "name", "party_status"};
  src.raw_text = [](std::uint32_t k) { return "text of row " + std::to_string(k); };
  struct Result {
    std::vector<std::string> diagnostics;  // described, then the row text
    std::vector<std::string> ids, names;
    std::vector<int> statuses;
    bool operator==(const Result&) const = default;
  };
  const auto build = [&](bool lenient, std::size_t batch) {
    GraphBuilder b(BuildOptions{lenient, 10000});
    b.add_areas({}, src);
    b.add_units({}, src);
    b.add_orgs({}, src);
    if (batch == 0) {
      b.add_people(rows, src);
    } else {
      if (batch == 999) b.expect_people(rows.size());  // the hint changes nothing but memory
      for (std::size_t lo = 0; lo < rows.size(); lo += batch) {
        b.add_people_batch(std::span(rows).subspan(lo, std::min(batch, rows.size() - lo)), src);
      }
      b.end_people(src);
    }
    b.add_branches({}, src);
    Result r;
    for (const Diagnostic& d : b.diagnostics()) {
      r.diagnostics.push_back(d.to_string() + " | " + d.row);
    }
    if (!lenient) return r;
    const OrgGraph g = b.finish();
    r.ids = strings_of(g.person_ids);
    r.names = strings_of(g.person_names);
    for (const Person& p : g.people) r.statuses.push_back(static_cast<int>(p.party_status));
    return r;
  };
  for (bool lenient : {false, true}) {
    SCOPED_TRACE(lenient);
    const Result one = build(lenient, 0);
    // Duplicates: P2, P501, P999, P1498, P1996, P2495 (i = 5, 1002, ..., 4990) and the empty id
    // at i = 1308, 2609, 3910 (of the one at 7); then the empty ids (i = 7, 1308, 2609, 3910).
    ASSERT_EQ(one.diagnostics.size(), 13u);
    // i = 1999 repeats P999 (index 999, line 1001); two rows were rejected before it
    EXPECT_EQ(one.diagnostics[3],
              "people.csv:2003:1: error: column 'id': duplicate id 'P999': already defined at "
              "line 1001 | text of row 2001");
    EXPECT_EQ(one.diagnostics[12],
              "people.csv:3916:1: error: column 'id': found an empty cell, expected a non-empty "
              "id | text of row 3914");
    if (lenient) {
      EXPECT_EQ(one.ids.size(), kRows - 10);
    }
    for (std::size_t batch : {std::size_t{1}, std::size_t{999}, std::size_t{1200}, kRows}) {
      SCOPED_TRACE(batch);
      EXPECT_EQ(build(lenient, batch), one);
    }
  }
}

}  // namespace
}  // namespace orgraph
