// Unit test helpers: a temporary directory that goes away with everything
// in it, and what a piece of code writes to a file descriptor.
#pragma once
#include <catch2/catch.hpp>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

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

// Runs `write` with the descriptor of a new temporary file and returns what
// it wrote there.
inline std::string written_to_fd(const std::function<void(int fd)>& write) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::tmpfile(), &std::fclose);
  REQUIRE(f);
  write(fileno(f.get()));
  std::rewind(f.get());
  std::string s;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;) s.append(buf, n);
  return s;
}

}  // namespace ndj::test
