// orgraph: the command line. Each cli/cmd_*.cpp registers one subcommand; this file parses the
// global options, runs the chosen command and turns exceptions into documented exit codes.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <new>
#include <optional>
#include <string>

#include "cli/common.hpp"
#include "engine/diagnostics.hpp"
#include "engine/parallel.hpp"
#include "loaders/snapshot.hpp"

namespace {

constexpr const char* kExitCodes =
    "Exit codes: 0 ok, 1 internal error, 2 usage error, 3 invalid input data, 4 file not "
    "readable/writable, 5 snapshot refused, 6 id not found, 7 out of memory.";

// Loading a nation touches gigabytes of fresh memory, and in our VM every 4 KiB page fault is
// expensive: glibc's tunable glibc.malloc.hugetlb=1 makes malloc ask for transparent huge pages
// (CSV parsing about 2x faster, docs/benchmarks.md), and mmap_max=0 with a high trim threshold
// keeps freed blocks in the heap for the next table instead of returning them to the kernel,
// which would zero them again. arena_max=1 keeps the worker threads in that same heap: glibc
// gives each thread an arena of its own, in 64 MiB mappings it never asks huge pages for, and
// with them a 2-thread nation batch took 100,000-220,000 4 KiB faults (3,500 with one arena) and
// its load, gap files and exports phases were 20-45% slower (docs/benchmarks.md). Our parallel
// loops allocate big arrays up front, so the one arena's lock is seldom contended. Tunables are
// read only at start-up, so the process re-executes itself once with them set.
// ORGRAPH_NO_HUGEPAGES=1 turns this off.
void reexec_with_huge_pages(char** argv) {
  if (std::getenv("ORGRAPH_NO_HUGEPAGES") != nullptr) return;
  const char* env = std::getenv("GLIBC_TUNABLES");
  if (env != nullptr && std::strstr(env, "glibc.malloc.hugetlb") != nullptr) return;
  // A copy: setenv below may free the string getenv pointed at.
  const std::optional<std::string> current =
      env != nullptr ? std::optional<std::string>(env) : std::nullopt;
  std::string tunables = current && !current->empty() ? *current + ":" : "";
  tunables +=
      "glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736:"
      "glibc.malloc.arena_max=1";
  if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // exec failed: carry on without huge pages, with the environment as it was.
  if (current) {
    ::setenv("GLIBC_TUNABLES", current->c_str(), 1);
  } else {
    ::unsetenv("GLIBC_TUNABLES");
  }
}

// Whole numbers >= 0 (CLI11's "UINT") refuse a minus sign, which CLI11 would wrap around
// (`--top -1` read as 18446744073709551615); real numbers refuse nan and inf, which pass every
// range check. On every option of every command, the ones added later too.
void check_numbers(CLI::App& app) {
  static const CLI::Validator whole(
      [](std::string& value) -> std::string {
        if (value.find('-') == std::string::npos) return {};
        return "found " + value + ", expected a whole number >= 0";
      },
      "");
  static const CLI::Validator finite(
      [](std::string& value) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (end != value.c_str() && std::isfinite(v)) return {};
        return "found " + value + ", expected a number";
      },
      "");
  for (CLI::Option* option : app.get_options()) {
    const std::string type = option->get_type_name();
    if (type.rfind("UINT", 0) == 0) {
      option->check(whole);
    } else if (type.rfind("FLOAT", 0) == 0) {
      option->check(finite);
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) check_numbers(*sub);
}

// A command's exit code, or kIoError when what it wrote to stdout did not all get there (a full
// disk behind `> file`): a script must not take a cut-off answer for a whole one.
int stdout_written(int code) {
  std::cout.flush();
  if (std::fflush(stdout) == 0 && std::ferror(stdout) == 0 && std::cout.good()) return code;
  const int err = errno;
  std::cerr << "orgraph: writing to standard output failed"
            << (err != 0 ? std::string(": ") + std::strerror(err) : std::string()) << '\n';
  return code == orgraph::cli::kOk ? orgraph::cli::kIoError : code;
}

}  // namespace

int main(int argc, char** argv) {
  reexec_with_huge_pages(argv);
  using namespace orgraph;
  using namespace orgraph::cli;
  CLI::App app{"orgraph: party-building coverage analytics over organizational networks"};
  app.footer(kExitCodes);
  app.require_subcommand(1);
  app.fallthrough();
  Globals globals;
  app.add_option("--threads", globals.threads, "worker threads (default: all cores)")
      ->check(CLI::Range(0, 1024));
  app.add_option("--format", globals.format, "output format: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_option("--out", globals.out, "output file (default: stdout); written atomically");
  app.add_flag("-q,--quiet", globals.quiet, "no progress or warnings on stderr");
  app.add_option("--encoding", globals.encoding,
                 "encoding of CSV/JSON DATA: utf-8 (default), gb18030 or gbk (converted with "
                 "iconv before parsing)")
      ->check(CLI::IsMember({"utf-8", "utf8", "gb18030", "gbk"}, CLI::ignore_case));
  app.set_version_flag("--version", std::string("orgraph ") + ORGRAPH_VERSION);

  auto& registry = command_registry();
  std::stable_sort(registry.begin(), registry.end(),
                   [](const CommandSpec& a, const CommandSpec& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, Runner>> runners;
  for (const auto& spec : registry) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    sub->fallthrough();
    sub->footer(kExitCodes);
    runners.emplace_back(sub, spec.setup(*sub, globals));
  }

  check_numbers(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsageError;
  }

  try {
    par::set_threads(globals.threads);
    (void)output_format(globals);
    for (auto& [sub, run] : runners) {
      if (sub->parsed()) return stdout_written(run());
    }
    return kUsageError;
  } catch (const LoadError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
    const std::size_t hidden = e.total_errors() > e.diagnostics().size()
                                   ? e.total_errors() - e.diagnostics().size()
                                   : 0;
    std::cerr << "orgraph: " << e.total_errors() << " error(s) in the input"
              << (hidden > 0 ? " (" + std::to_string(hidden) + " not shown)" : std::string())
              << "; nothing was written\n";
    return kInvalidData;
  } catch (const IoError& e) {
    std::cerr << "orgraph: " << e.what() << '\n';
    return kIoError;
  } catch (const std::filesystem::filesystem_error& e) {  // creating, renaming, listing folders
    std::cerr << "orgraph: " << e.what() << '\n';
    return kIoError;
  } catch (const SnapshotError& e) {
    std::cerr << "orgraph: " << e.what() << '\n';
    return kSnapshotRefused;
  } catch (const NotFound& e) {
    std::cerr << "orgraph: " << e.what() << '\n';
    return kNotFound;
  } catch (const CLI::ValidationError& e) {
    std::cerr << "orgraph: " << e.what() << '\n';
    return kUsageError;
  } catch (const std::invalid_argument& e) {
    std::cerr << "orgraph: " << e.what() << '\n';
    return kUsageError;
  } catch (const std::bad_alloc&) {
    std::cerr << "orgraph: out of memory: this input needs more memory than the process may use "
                 "(README, Limits: loading CSV peaks at about 2 bytes per byte of CSV)\n";
    return kOutOfMemory;
  } catch (const std::exception& e) {
    std::cerr << "orgraph: internal error: " << e.what() << '\n';
    return kInternalError;
  }
}
