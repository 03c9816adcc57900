// Files that hold a secret (an HMAC key, a bearer token, a password): read
// whole, and checked for modes that let other users see or swap them.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ndj {

// The file's bytes without one trailing newline ("\n" or "\r\n"), so that
// `echo secret > FILE` holds "secret". nullopt if the file does not exist;
// Error(kExitFailure) if it cannot be read. Warns
// "PATH: WHAT is readable by other users (chmod 600)" when its mode gives
// the group or others any access: the secret is used all the same, since
// refusing would break a running pipeline over a mode.
std::optional<std::string> read_secret_file(const std::string& path, std::string_view what);

}  // namespace ndj
