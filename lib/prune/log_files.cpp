// Directory expansion for log file arguments.
#include "prune/log_files.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <string_view>

namespace ndj {

namespace {
bool is_log_name(std::string_view name) {
  for (std::string_view ext : {".ndjson", ".jsonl"})
    if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext) return true;
  return false;
}
}  // namespace

std::vector<std::string> expand_log_dirs(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& arg : args) {
    struct stat st;
    if (arg == "-" || ::stat(arg.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      out.push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    if (DIR* d = ::opendir(arg.c_str())) {
      while (struct dirent* e = ::readdir(d)) {
        if (!is_log_name(e->d_name)) continue;
        std::string path = (arg.back() == '/' ? arg : arg + "/") + e->d_name;
        if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) found.push_back(std::move(path));
      }
      ::closedir(d);
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace ndj
