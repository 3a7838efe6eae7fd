// Glue shared by the subcommands: the registry every cli/cmd_*.cpp adds itself to, global
// options, exit codes, loading DATA with diagnostics on stderr, and atomic output files.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph.hpp"
#include "loaders/city_loader.hpp"
#include "loaders/csv_out.hpp"
#include "loaders/text_sink.hpp"

namespace orgraph::cli {

// Exit codes (documented in the README and `orgraph --help`).
enum ExitCode : int {
  kOk = 0,
  kInternalError = 1,  // a bug: please report it
  kUsageError = 2,     // bad command line or option value
  kInvalidData = 3,    // input data has errors (listed on stderr)
  kIoError = 4,        // a file could not be read or written
  kSnapshotRefused = 5,  // a snapshot from another version, or damaged
  kNotFound = 6,       // an id given on the command line (--org, --area) does not exist
  kOutOfMemory = 7,    // the input needs more memory than the process may use
};

struct Globals {
  int threads = 0;
  std::string format;  // "", table, json, csv
  std::string out;     // "" = stdout
  bool quiet = false;
  std::string encoding;  // --encoding of CSV/JSON DATA: "" (utf-8), utf-8, gb18030, gbk
};

enum class Format { table, json, csv };
// --format, or table on a terminal and json otherwise. Throws CLI::ValidationError.
Format output_format(const Globals& g);

// A command adds its options to `sub` and returns what runs it.
using Runner = std::function<int()>;
struct CommandSpec {
  std::string name;
  std::string description;
  int order = 100;  // position in --help
  std::function<Runner(CLI::App& sub, Globals& globals)> setup;
};
bool register_command(CommandSpec spec);
std::vector<CommandSpec>& command_registry();

// Thrown for an id on the command line that does not exist (exit code kNotFound).
class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads DATA, printing warnings to stderr (unless quiet). Throws LoadError / IoError.
OrgGraph load_data(const std::string& path, const Globals& g, const LoadOptions& options = {},
                   LoadReport* report = nullptr);

// When a committed file reaches the disk: before commit() returns (now), or later, when the
// caller calls sync_to_disk() on it; the write-back is only started then, every 64 MiB as the
// file is written and the rest at commit(), so the disk works while the caller computes the
// next file (the batch job writes gigabytes).
enum class Durability { now, later };

// Writes a file atomically: everything goes to a temporary file next to it, renamed into place
// by commit(). Destroyed without commit(), the temporary file is removed. With an empty path it
// writes to stdout.
class Output {
 public:
  explicit Output(std::string path, Durability durability = Durability::now);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  std::FILE* file() { return file_; }
  void write(std::string_view text);
  void commit();

 private:
  void start_write_back();

  std::string path_, temp_;
  std::FILE* file_ = nullptr;
  std::uint64_t written_ = 0, write_back_from_ = 0;  // bytes; the write-back started below from
  Durability durability_;
  bool committed_ = false;
};

// Waits until every file or folder in `paths` is on the disk (fsync). Throws IoError.
void sync_to_disk(const std::vector<std::string>& paths);

// Writes `text` to globals.out (or stdout) atomically.
void emit(const Globals& g, std::string_view text);
// The same for output streamed in pieces: write(sink) hands every piece to sink, in order.
void emit(const Globals& g, const std::function<void(const TextSink&)>& write);

// The default example city shipped in examples/.
std::string default_data_path();


}  // namespace orgraph::cli
