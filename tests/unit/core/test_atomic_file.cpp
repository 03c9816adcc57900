// Atomic replacement, stale temp clean-up and locks, also in a directory
// where someone else plants symbolic links at the names we would use.
#include <catch2/catch.hpp>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "core/atomic_file.hpp"
#include "core/diag.hpp"
#include "prune/log_rewrite.hpp"

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

namespace {

std::string make_dir() {
  char tmpl[] = "/tmp/ndj-unit-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  return tmpl;
}

// A file outside the directory under attack, and what it must still be.
struct Victim {
  std::string dir = make_dir();
  std::string path = dir + "/victim";
  std::string missing = dir + "/missing";  // must never come to exist
  Victim() {
    std::ofstream(path) << "precious\n";
    chmod(path.c_str(), 0600);
  }
  ~Victim() { std::system(("rm -rf " + dir).c_str()); }
  void check_untouched() const {
    CHECK(*read_file(path) == "precious\n");
    struct stat st;
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(st.st_uid == geteuid());
    CHECK(access(missing.c_str(), F_OK) != 0);
  }
};

// Links at NAME.tmp.PID for the PIDs we and the next processes will have:
// every name a writer of `path` used to choose.
void spray_links(const std::string& path, const Victim& v) {
  for (pid_t pid = getpid(); pid < getpid() + 50; ++pid) {
    std::string base = path + ".tmp." + std::to_string(pid);
    REQUIRE(symlink((pid % 2 ? v.path : v.missing).c_str(), base.c_str()) == 0);
  }
}

bool is_regular_file(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (struct dirent* e = readdir(d)) names.insert(e->d_name);
    closedir(d);
  }
  return names;
}

}  // namespace

TEST_CASE("write_file_atomic never follows a link planted at a temp name") {
  Victim v;
  std::string dir = make_dir(), path = dir + "/state.json";
  spray_links(path, v);
  write_file_atomic(path, "{}\n");
  v.check_untouched();
  CHECK(is_regular_file(path));
  CHECK(*read_file(path) == "{}\n");
  // A link at the path itself is replaced by the new file, not written through.
  REQUIRE(unlink(path.c_str()) == 0);
  REQUIRE(symlink(v.path.c_str(), path.c_str()) == 0);
  write_file_atomic(path, "{}\n", 0644);
  v.check_untouched();
  CHECK(is_regular_file(path));
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("FileLock refuses a link at the lock path") {
  Victim v;
  std::string dir = make_dir(), lock = dir + "/state.json.lock";
  for (const std::string& target : {v.path, v.missing}) {
    unlink(lock.c_str());
    REQUIRE(symlink(target.c_str(), lock.c_str()) == 0);
    CHECK_THROWS_WITH(FileLock(lock), lock + ": is a symbolic link; refusing to follow it");
  }
  v.check_untouched();
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("LogRewrite never follows a link planted at a temp name") {
  Victim v;
  std::string dir = make_dir(), path = dir + "/app.ndjson";
  std::ofstream(path) << "old\nkeep\n";
  chmod(path.c_str(), 0644);
  spray_links(path, v);
  {
    LogRewrite rw(path);
    REQUIRE(write(rw.temp_fd(), "keep\n", 5) == 5);
    rw.sync_temp();
    REQUIRE(rw.lock());
    rw.copy_appended(9);
    rw.replace();
  }
  v.check_untouched();
  CHECK(is_regular_file(path));
  CHECK(*read_file(path) == "keep\n");
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("temp file names cannot be predicted") {
  std::string dir = make_dir(), path = dir + "/app.ndjson";
  std::ofstream(path) << "a\n";
  // app.ndjson.tmp.PID.XXXXXX, six letters or digits (std::regex would do,
  // but GCC 12 warns inside it under the sanitizers, and warnings fail CI).
  const std::string prefix = "app.ndjson.tmp." + std::to_string(getpid()) + ".";
  auto expected = [&](const std::string& name) {
    return name.size() == prefix.size() + 6 && name.rfind(prefix, 0) == 0 &&
           std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                       [](unsigned char ch) { return std::isalnum(ch) != 0; });
  };
  std::set<std::string> temps;
  for (int i = 0; i < 2; ++i) {
    LogRewrite rw(path);
    for (const auto& name : names_in(dir))
      if (name.find(".tmp.") != std::string::npos) {
        CHECK(expected(name));
        temps.insert(name);
      }
  }
  CHECK(temps.size() == 2);  // a new name each time
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("stale temps of dead processes are unlinked, never followed") {
  Victim v;
  std::string dir = make_dir(), path = dir + "/f";
  std::string ours = path + ".tmp." + std::to_string(getpid()) + ".AbCd09";
  std::ofstream(path + ".tmp.999999998.AbCd09") << "stale";
  std::ofstream(path + ".tmp.1.AbCd09") << "pid 1 is alive";
  std::ofstream(ours) << "ours";
  std::ofstream(path + ".tmp.999999998.not-ours") << "not a temp name";
  REQUIRE(symlink(v.path.c_str(), (path + ".tmp.999999997").c_str()) == 0);
  REQUIRE(symlink(v.path.c_str(), (path + ".tmp.999999996.XyZ123").c_str()) == 0);
  REQUIRE(mkdir((path + ".tmp.999999995").c_str(), 0700) == 0);
  remove_stale_temps(path);
  auto left = names_in(dir);
  CHECK_FALSE(left.count("f.tmp.999999998.AbCd09"));
  CHECK_FALSE(left.count("f.tmp.999999997"));
  CHECK_FALSE(left.count("f.tmp.999999996.XyZ123"));
  CHECK(left.count("f.tmp.1.AbCd09"));
  CHECK(left.count(ours.substr(dir.size() + 1)));
  CHECK(left.count("f.tmp.999999998.not-ours"));
  CHECK(left.count("f.tmp.999999995"));
  v.check_untouched();
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("files appended to are never opened through a link") {
  Victim v;
  std::string dir = make_dir(), path = dir + "/rejects.ndjson";
  for (const std::string& target : {v.path, v.missing}) {
    unlink(path.c_str());
    REQUIRE(symlink(target.c_str(), path.c_str()) == 0);
    CHECK_THROWS_AS(open_no_follow(path, O_WRONLY | O_CREAT | O_APPEND), SymlinkRefused);
  }
  v.check_untouched();
  unlink(path.c_str());
  int fd = open_no_follow(path, O_WRONLY | O_CREAT | O_APPEND);
  CHECK(fd >= 0);
  close(fd);
  CHECK(is_regular_file(path));
  CHECK(open_no_follow(dir + "/no/such", O_WRONLY | O_CREAT) == -1);
  CHECK(errno == ENOENT);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("create_temp_at makes a new file each time, beside any planted link") {
  Victim v;
  std::string dir = make_dir();
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(dfd >= 0);
  std::string a, b;
  int fa = create_temp_at(dfd, "x", a), fb = create_temp_at(dfd, "x", b);
  REQUIRE(fa >= 0);
  REQUIRE(fb >= 0);
  CHECK(a != b);
  struct stat st;
  REQUIRE(fstat(fa, &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  close(fa);
  close(fb);
  close(dfd);
  v.check_untouched();
  std::system(("rm -rf " + dir).c_str());
}
