// Atomic replacement, stale temp clean-up and locks.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "atomic_file.hpp"
#include "diag.hpp"

using namespace ndj;

TEST_CASE("write_file_atomic replaces content with mode 0600") {
  char tmpl[] = "/tmp/ndj-unit-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  std::string dir = tmpl, path = dir + "/f";
  write_file_atomic(path, "one");
  write_file_atomic(path, "two");
  CHECK(*read_file(path) == "two");
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(read_file(dir + "/missing"));
  CHECK_THROWS_AS(write_file_atomic(dir + "/no/such/dir/f", "x"), Error);

  // A temp file of a dead process is removed; ours and live ones are kept.
  std::ofstream(path + ".tmp.999999999") << "stale";
  std::ofstream(path + ".tmp.1") << "pid 1 is alive";
  remove_stale_temps(path);
  CHECK(access((path + ".tmp.999999999").c_str(), F_OK) != 0);
  CHECK(access((path + ".tmp.1").c_str(), F_OK) == 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("FileLock times out while another holder has it") {
  char tmpl[] = "/tmp/ndj-unit-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  std::string lock = std::string(tmpl) + "/x.lock";
  {
    FileLock held(lock);
    pid_t pid = fork();
    if (pid == 0) {
      try {
        FileLock again(lock, 50);
        _exit(0);
      } catch (const Error&) {
        _exit(7);
      }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WEXITSTATUS(status) == 7);
  }
  FileLock after(lock, 50);  // released with the holder
  std::system((std::string("rm -rf ") + tmpl).c_str());
}
