// Scratch files for unit tests: a temporary directory that goes away with
// everything in it, appends to files, and reading back what code wrote to a
// temporary file, a file descriptor or an Output.
#pragma once
#include <catch2/catch.hpp>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>

#include "core/output.hpp"

namespace ndj::test {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ndj-unit-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    dir_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

inline void append(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::app | std::ios::binary);
  f << data;
}

// Everything in `f` (a std::tmpfile()), from its start.
inline std::string read_back(FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
  return s;
}

// An Output into a temporary file, and what it wrote so far.
struct OutputSink {
  FILE* f = std::tmpfile();
  Output out{fileno(f)};
  ~OutputSink() { std::fclose(f); }
  std::string text() {
    out.flush();
    return read_back(f);
  }
};

// Runs `write` with the descriptor of a new temporary file and returns what
// it wrote there.
inline std::string written_to_fd(const std::function<void(int fd)>& write) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::tmpfile(), &std::fclose);
  REQUIRE(f);
  write(fileno(f.get()));
  return read_back(f.get());
}

}  // namespace ndj::test
