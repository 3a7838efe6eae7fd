// Hostile input (issue 8): the good corpus (Excel artefacts and odd but valid cities that must
// load with the right counts), inputs too large to commit (a 10 MB field, a million columns, an
// unclosed quote in a file parsed in parallel chunks, JSON nested a million deep), and
// --encoding gb18030|gbk conversion with iconv. The bad corpus is run by loader_test; the same
// cases under memory and time limits through the binary by tests/cli/hostile.sh.
#include <gtest/gtest.h>
#include <iconv.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/parallel.hpp"
#include "engine/strings.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/csv.hpp"
#include "loaders/encoding.hpp"
#include "queries/gaps.hpp"
#include "queries/stats.hpp"
#include "support/test_support.hpp"

namespace orgraph {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::tiny_city_files;

// ---- the good corpus ------------------------------------------------------------------------

std::uint64_t stat_named(const GraphStats& s, const std::string& name) {
  if (name == "areas") return s.areas;
  if (name == "units") return s.units;
  if (name == "orgs") return s.orgs;
  if (name == "people") return s.people;
  if (name == "branches") return s.branches;
  if (name == "affiliations") return s.affiliations;
  if (name == "branch_coverage") return s.branch_coverage;
  if (name == "party_relations") return s.party_relations;
  if (name == "unit_supervision") return s.unit_supervision;
  if (name == "branch_supervision") return s.branch_supervision;
  if (name == "instructors") return s.instructors;
  if (name == "covered_orgs") return s.covered_orgs;
  if (name == "work_covered_orgs") return s.work_covered_orgs;
  ADD_FAILURE() << "unknown statistic '" << name << "' in an expect file";
  return 0;
}

TEST(GoodCorpus, EveryCaseLoadsWithTheExpectedCountsAndGaps) {
  const fs::path root = fs::path(ORGRAPH_TESTS_DIR) / "corpus" / "good";
  std::size_t cases = 0;
  for (const auto& dir : fs::directory_iterator(root)) {
    const std::string name = dir.path().filename().string();
    SCOPED_TRACE(name);
    ++cases;
    auto files = tiny_city_files();
    std::string expect;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      const std::string file = f.path().filename().string();
      if (file == "expect") {
        expect = read_text(f.path());
      } else {
        files[file] = read_text(f.path());
      }
    }
    ASSERT_FALSE(expect.empty()) << "no expect file";
    OrgGraph g;
    LoadReport load_report;
    try {
      g = load_city_from_csv_text(files, {}, &load_report);
    } catch (const LoadError& e) {
      std::string all;
      for (const auto& d : e.diagnostics()) all += d.to_string() + "\n";
      ADD_FAILURE() << "did not load:\n" << all;
      continue;
    }
    // Each table's checksum is of its file as given (CR line ends, BOM and all).
    for (const auto& t : load_report.tables) {
      const auto file = files.find(t.table + ".csv");
      if (file == files.end()) continue;
      EXPECT_EQ(t.checksum, content_checksum(file->second)) << t.table;
    }
    const GraphStats s = graph_stats(g);
    const GapReport report = gaps(g);
    std::istringstream lines(expect);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      std::istringstream words(line);
      std::string key;
      words >> key;
      if (key == "gap") {
        std::string code, entity;
        words >> code >> entity;
        bool found = false;
        for (const auto& gap : report.gaps) {
          if (to_string(gap.code) != code) continue;
          for (const auto& e : gap.entities) found = found || e == entity;
        }
        EXPECT_TRUE(found) << "no " << code << " gap naming " << entity;
      } else {
        std::uint64_t value = 0;
        words >> value;
        EXPECT_EQ(stat_named(s, key), value) << key;
      }
    }
  }
  EXPECT_GE(cases, 5u);
}

// ---- inputs generated at run time -----------------------------------------------------------

std::string people_with_row(const std::string& row) {
  return tiny_city_files()["people.csv"] + row + "\n";
}

// Diagnostics of a load that must fail, as one string.
std::string load_errors(const std::map<std::string, std::string>& overrides) {
  auto files = tiny_city_files();
  for (const auto& [k, v] : overrides) files[k] = v;
  try {
    load_city_from_csv_text(files);
  } catch (const LoadError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.to_string() + "\n";
    return all;
  }
  return "(loaded)";
}

TEST(Hostile, TenMegabyteFieldIsKeptWhole) {
  const std::string name(10u << 20, 'N');
  auto files = tiny_city_files();
  files["people.csv"] = people_with_row("P99,\"" + name + "\",full");
  const OrgGraph g = load_city_from_csv_text(files);
  const Id p = g.find_person("P99");
  ASSERT_NE(p, kNone);
  EXPECT_EQ(g.person_names[p].size(), name.size());
}

TEST(Hostile, FieldOverTheLimitIsAnErrorWithItsPlace) {
  std::vector<Diagnostic> diags;
  TextTable t;
  CsvLimits limits;
  limits.max_field_bytes = 1000;
  ASSERT_TRUE(parse_csv("p.csv", "id,name\nA," + std::string(1001, 'x') + "\nB,\"" +
                                     std::string(1001, 'y') + "\"\n",
                        t, diags, limits));
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0].location(), "p.csv:2:2");
  EXPECT_NE(diags[0].message.find("field of 1001 bytes, expected at most 1000"),
            std::string::npos);
  EXPECT_EQ(diags[1].location(), "p.csv:3:2");
}

TEST(Hostile, MillionColumnsInTheHeaderOrARecordAreErrors) {
  std::string wide;
  wide.reserve(2u << 20);
  for (int i = 0; i < 1000000; ++i) wide += ",x";
  const std::string header_err =
      load_errors({{"people.csv", "id,name,party_status" + wide + "\nP1,a,full\n"}});
  EXPECT_NE(header_err.find("people.csv:1:4097: error: "), std::string::npos) << header_err;
  EXPECT_NE(header_err.find("more than 4096 fields"), std::string::npos) << header_err;
  const std::string row_err = load_errors({{"people.csv", people_with_row("P99,a,full" + wide)}});
  EXPECT_NE(row_err.find("people.csv:22:4097: error: "), std::string::npos) << row_err;
}

// A quote never closed in a file big enough to be cut into parallel chunks: the chunk cut by
// quote parity is wrong, so the file is re-parsed serially; the message must be the same at any
// thread count and name the line where the quote opens.
TEST(Hostile, UnclosedQuoteInABigFileIsFoundAtAnyThreadCount) {
  std::string people = "id,name,party_status\n";
  for (int i = 0; i < 400000; ++i) people += "P" + std::to_string(i) + ",Name " + std::to_string(i) + ",none\n";
  people += "PX,\"never closed,full\n";
  for (int i = 0; i < 1000; ++i) people += "Q" + std::to_string(i) + ",n,none\n";
  ASSERT_GT(people.size(), std::size_t{9} << 20);
  std::vector<std::string> results;
  for (int threads : {1, 2, 8}) {
    par::set_threads(threads);
    std::vector<Diagnostic> diags;
    TextTable t;
    parse_csv("people.csv", people, t, diags);
    std::string all;
    for (const auto& d : diags) all += d.to_string() + "\n";
    results.push_back(all);
  }
  par::set_threads(0);
  EXPECT_NE(results[0].find("people.csv:400002:2: error: found a quoted field that is never closed"),
            std::string::npos)
      << results[0];
  EXPECT_EQ(results[1], results[0]);
  EXPECT_EQ(results[2], results[0]);
}

TEST(Hostile, JsonNestedAMillionDeepIsAnErrorNotAStackOverflow) {
  const std::size_t depth = 1000000;
  const std::string arrays = "{\"x\":" + std::string(depth, '[') + std::string(depth, ']') +
                             ",\"areas\":[]}";
  try {
    load_city_from_json_text("deep.json", arrays);
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_NE(e.diagnostics()[0].message.find("missing table 'units'"), std::string::npos)
        << e.diagnostics()[0].to_string();
  }
  std::string objects = "{\"x\":[";
  for (std::size_t i = 0; i < depth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(depth, '}') + "]}";
  EXPECT_THROW(load_city_from_json_text("deep2.json", objects), LoadError);
  // Unclosed nesting: a syntax error with a position.
  try {
    load_city_from_json_text("open.json", "{\"x\":" + std::string(depth, '['));
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].line, 1u);
    EXPECT_NE(e.diagnostics()[0].message.find("invalid JSON"), std::string::npos);
  }
}

// ---- encodings ------------------------------------------------------------------------------

// UTF-8 -> `to` with iconv, as a user's export would be.
std::string iconv_from_utf8(const std::string& text, const char* to) {
  iconv_t cd = iconv_open(to, "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(text.size() * 2 + 16, '\0');
  std::string in_copy = text;
  char* in = in_copy.data();
  std::size_t in_left = in_copy.size();
  char* dst = out.data();
  std::size_t out_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &dst, &out_left), static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

const std::string kChinesePeople =
    "id,name,party_status\n"
    "P1,\"张伟, 常州市天宁区\",full\n"
    "P2,李娜𠀀,probationary\n"  // U+20000: four bytes in GB18030 too
    "P3,王芳,none\n";

TEST(Encoding, CanonicalNames) {
  EXPECT_EQ(canonical_encoding(""), "utf-8");
  EXPECT_EQ(canonical_encoding("UTF8"), "utf-8");
  EXPECT_EQ(canonical_encoding("GB18030"), "gb18030");
  EXPECT_EQ(canonical_encoding("gbk"), "gbk");
  EXPECT_THROW(canonical_encoding("latin1"), std::invalid_argument);
}

TEST(Encoding, Gb18030ConvertsToTheSameText) {
  std::string bytes = iconv_from_utf8(kChinesePeople, "GB18030");
  ASSERT_NE(bytes, kChinesePeople);
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(convert_to_utf8(bytes, "gb18030", "people.csv", true, diags));
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(bytes, kChinesePeople);
}

TEST(Encoding, GbkConvertsToTheSameText) {
  const std::string text = "id,name,party_status\nP1,张伟,full\nP3,王芳,none\n";  // GBK has no U+20000
  std::string bytes = iconv_from_utf8(text, "GBK");
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(convert_to_utf8(bytes, "gbk", "people.csv", true, diags));
  EXPECT_EQ(bytes, text);
}

TEST(Encoding, BadBytesNameTheLineAndFieldOfTheOriginal) {
  std::string bytes = iconv_from_utf8(kChinesePeople, "GB18030");
  bytes += "P4,ok,none\nP5,\x81\x30\xFF,full\n";  // 0x81 0x30 starts a four-byte sequence
  std::vector<Diagnostic> diags;
  ASSERT_FALSE(convert_to_utf8(bytes, "gb18030", "people.csv", true, diags));
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].location(), "people.csv:6:2");
  EXPECT_NE(diags[0].message.find("found bytes 0x81 0x30 0xFF"), std::string::npos)
      << diags[0].message;
  EXPECT_NE(diags[0].message.find("not valid GB18030"), std::string::npos);
  // JSON: the column is the byte column on the line.
  std::string json = "{\n  \"people\": [\"\xFF\"]\n}";
  diags.clear();
  ASSERT_FALSE(convert_to_utf8(json, "gb18030", "city.json", false, diags));
  EXPECT_EQ(diags[0].location(), "city.json:2:15");
}

TEST(Encoding, TruncatedLastCharacterIsReported) {
  std::string bytes = iconv_from_utf8("id,name\nA,张", "GB18030");
  bytes.pop_back();
  std::vector<Diagnostic> diags;
  ASSERT_FALSE(convert_to_utf8(bytes, "gb18030", "t.csv", true, diags));
  EXPECT_EQ(diags[0].location(), "t.csv:2:2");
  EXPECT_NE(diags[0].message.find("truncated"), std::string::npos) << diags[0].message;
}

TEST(Encoding, AFileAlreadyInUtf8IsKeptWithAWarning) {
  std::string bytes = kChinesePeople;
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(convert_to_utf8(bytes, "gb18030", "people.csv", true, diags));
  EXPECT_EQ(bytes, kChinesePeople);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].severity, DiagnosticSeverity::warning);
  EXPECT_NE(diags[0].message.find("already valid UTF-8"), std::string::npos);
}

TEST(Encoding, LoadCityConvertsCsvAndJsonFiles) {
  const std::string work = testing::temp_dir("encoding");
  auto files = tiny_city_files();
  files["people.csv"] = kChinesePeople + "P4,赵,full\n";
  files["affiliations.csv"] = "person_id,org_id,role\nP1,O1,staff\n";
  files["party_relations.csv"] = "person_id,branch_id\n";
  for (const auto& [name, text] : files) {
    testing::write_text(work + "/utf8/" + name, text);
    testing::write_text(work + "/gb/" + name, iconv_from_utf8(text, "GB18030"));
  }
  const OrgGraph want = load_city(work + "/utf8");
  LoadOptions options;
  options.encoding = "gb18030";
  const OrgGraph got = load_city(work + "/gb", options);
  ASSERT_EQ(got.people.size(), want.people.size());
  for (Id p = 0; p < got.people.size(); ++p) {
    EXPECT_EQ(got.person_ids[p], want.person_ids[p]);
    EXPECT_EQ(got.person_names[p], want.person_names[p]);
  }
  // Without the option: the clear error, suggesting the option.
  try {
    load_city(work + "/gb");
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].location(), work + "/gb/people.csv:2:2");
    EXPECT_NE(e.diagnostics()[0].message.find("--encoding gb18030"), std::string::npos);
  }
  // JSON.
  const std::string json = "{\"areas\":[],\"units\":[],\"organizations\":[],\"people\":[{\"id\":"
                           "\"P1\",\"name\":\"张伟𠀀\",\"party_status\":\"full\"}],"
                           "\"affiliations\":[],\"branches\":[],\"branch_coverage\":[],"
                           "\"party_relations\":[],\"supervision\":[]}";
  testing::write_text(work + "/city.json", iconv_from_utf8(json, "GB18030"));
  const OrgGraph from_json = load_city(work + "/city.json", options);
  ASSERT_EQ(from_json.people.size(), 1u);
  EXPECT_EQ(from_json.person_names[0], "张伟𠀀");
  try {
    load_city(work + "/city.json");
    FAIL() << "loaded";
  } catch (const LoadError& e) {
    EXPECT_NE(e.diagnostics()[0].message.find("--encoding gb18030"), std::string::npos)
        << e.diagnostics()[0].to_string();
  }
  fs::remove_all(work);
}

}  // namespace
}  // namespace orgraph
