#include "cli/common.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "engine/diagnostics.hpp"
#include "loaders/encoding.hpp"

namespace orgraph::cli {

Format output_format(const Globals& g) {
  if (g.format.empty()) {
    const bool terminal = g.out.empty() && ::isatty(STDOUT_FILENO) != 0;
    return terminal ? Format::table : Format::json;
  }
  if (g.format == "table") return Format::table;
  if (g.format == "json") return Format::json;
  if (g.format == "csv") return Format::csv;
  throw CLI::ValidationError("--format", "must be table, json or csv (found '" + g.format + "')");
}

std::vector<CommandSpec>& command_registry() {
  static std::vector<CommandSpec> registry;
  return registry;
}

bool register_command(CommandSpec spec) {
  command_registry().push_back(std::move(spec));
  return true;
}

namespace {

// The files this run reads (device and inode), which no --out may replace.
std::vector<std::pair<dev_t, ino_t>>& input_files() {
  static std::vector<std::pair<dev_t, ino_t>> files;
  return files;
}

void note_input(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    input_files().emplace_back(st.st_dev, st.st_ino);
  }
}

}  // namespace

OrgGraph load_data(const std::string& path, const Globals& g, const LoadOptions& options,
                   LoadReport* report) {
  note_input(path);
  if (std::filesystem::is_directory(path)) {
    for (const auto& table : table_names()) {
      note_input((std::filesystem::path(path) / (table + ".csv")).string());
    }
  }
  LoadReport local;
  LoadReport& rep = report != nullptr ? *report : local;
  LoadOptions with_encoding = options;
  if (!g.encoding.empty()) with_encoding.encoding = canonical_encoding(g.encoding);
  OrgGraph graph = load_city(path, with_encoding, &rep);
  if (!g.quiet) {
    std::size_t shown = 0;
    for (const auto& d : rep.diagnostics) {
      if (d.severity != DiagnosticSeverity::warning) continue;
      if (++shown > 20) break;
      std::cerr << d.to_string() << '\n';
    }
  }
  return graph;
}

Output::Output(std::string path, Durability durability)
    : path_(std::move(path)), durability_(durability) {
  if (path_.empty()) {
    file_ = stdout;
    return;
  }
  const std::filesystem::path p(path_);
  if (std::filesystem::is_directory(p)) throw IoError(path_ + ": is a directory, expected a file");
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A device or a pipe (/dev/null, /dev/stdout, a FIFO): written in place, since renaming a
    // finished file onto it would replace the device itself.
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) throw IoError(path_ + ": cannot write: " + std::strerror(errno));
    return;
  }
  const bool exists = ::stat(path_.c_str(), &st) == 0;
  if (exists) {
    for (const auto& [dev, ino] : input_files()) {
      if (st.st_dev == dev && st.st_ino == ino) {
        throw std::invalid_argument(path_ + ": is an input of this command; choose another --out");
      }
    }
    // A link to a file: the file is replaced and the link kept.
    std::error_code ec;
    if (std::filesystem::is_symlink(p, ec)) {
      const std::filesystem::path target = std::filesystem::canonical(p, ec);
      if (!ec) path_ = target.string();
    }
  }
  temp_ = path_ + ".tmp." + std::to_string(::getpid());
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ == nullptr) {
    throw IoError(path_ + ": cannot write: " + std::strerror(errno));
  }
  // The replaced file's permissions (a 0600 report stays 0600).
  if (exists) ::fchmod(fileno(file_), st.st_mode & 07777);
  // Writers stream many small pieces: a large buffer keeps them from becoming system calls.
  std::setvbuf(file_, nullptr, _IOFBF, std::size_t{1} << 20);
}

Output::~Output() {
  if (file_ != nullptr && file_ != stdout) {
    std::fclose(file_);
    if (!committed_ && !temp_.empty()) std::remove(temp_.c_str());
  }
}

void Output::write(std::string_view text) {
  if (!text.empty() && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    throw IoError((path_.empty() ? std::string("stdout") : path_) + ": write failed: " +
                  std::strerror(errno));
  }
  written_ += text.size();
  constexpr std::uint64_t kWriteBackStep = std::uint64_t{64} << 20;
  if (durability_ == Durability::later && !temp_.empty() &&
      written_ - write_back_from_ >= kWriteBackStep) {
    start_write_back();
  }
}

// Starts the write-back of what was written since the last call, without waiting for it (for
// Durability::later: sync_to_disk() waits, and reports errors). Started piece by piece as the
// file grows, the kernel's work of queueing a gigabyte of pages is spread over the writing
// instead of done at once at commit(), on one thread, while the other waits. Then drops from the
// page cache what the disk already has of the pieces before this one (POSIX_FADV_DONTNEED
// leaves pages still dirty or being written, and the next call tries them again): a gigabyte
// file then cycles through a few hundred megabytes of page cache instead of taking a fresh
// gigabyte, which on this VM cost 1-3 s of kernel time per batch (docs/benchmarks.md), and does
// not push other files out of the cache. Both are hints: some file systems ignore them.
void Output::start_write_back() {
  if (std::fflush(file_) != 0) {
    throw IoError(path_ + ": write failed: " + std::strerror(errno));
  }
  ::sync_file_range(fileno(file_), static_cast<off_t>(write_back_from_),
                    static_cast<off_t>(written_ - write_back_from_), SYNC_FILE_RANGE_WRITE);
  if (write_back_from_ > 0) {
    ::posix_fadvise(fileno(file_), 0, static_cast<off_t>(write_back_from_), POSIX_FADV_DONTNEED);
  }
  write_back_from_ = written_;
}

void Output::commit() {
  if (file_ == stdout) {
    std::fflush(stdout);
    return;
  }
  bool ok = std::fflush(file_) == 0;
  if (temp_.empty()) {  // a device or a pipe, written in place
    ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    if (!ok) throw IoError(path_ + ": write failed: " + std::strerror(errno));
    committed_ = true;
    return;
  }
  if (durability_ == Durability::now) {
    ok = ok && ::fsync(fileno(file_)) == 0;
  } else if (ok) {
    start_write_back();  // the rest
  }
  std::fclose(file_);
  file_ = nullptr;
  if (!ok || std::rename(temp_.c_str(), path_.c_str()) != 0) {
    std::remove(temp_.c_str());
    throw IoError(path_ + ": cannot write: " + std::strerror(errno));
  }
  committed_ = true;
}

void sync_to_disk(const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    const bool ok = fd >= 0 && ::fsync(fd) == 0;
    const int error = errno;
    if (fd >= 0) ::close(fd);
    if (!ok) throw IoError(path + ": cannot write to the disk: " + std::strerror(error));
  }
}

void emit(const Globals& g, std::string_view text) {
  Output out(g.out);
  out.write(text);
  out.commit();
}

void emit(const Globals& g, const std::function<void(const TextSink&)>& write) {
  Output out(g.out);
  write([&](std::string_view piece) { out.write(piece); });
  out.commit();
}

std::string default_data_path() {
  return std::string(ORGRAPH_SOURCE_DIR) + "/examples/changzhou";
}

}  // namespace orgraph::cli
