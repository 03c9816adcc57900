// Credentials read once, checked, never printed (DESIGN.md: never on argv).
#include "ship/http_credentials.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <cstdlib>
#include <optional>

#include "core/diag.hpp"
#include "core/secret_file.hpp"

namespace ndj {

namespace {

// The content of a credential file; errors name WHAT and OPTION.
std::string read_credential(const std::string& path, const std::string& what, const std::string& option) {
  std::optional<std::string> text;
  try {
    text = read_secret_file(path, what);
  } catch (const Error& e) {
    throw Error(kExitNoPerm, std::string(e.what()) + " (" + option + ")");
  }
  if (!text) throw Error(kExitNoPerm, path + ": " + what + " not found (" + option + ")");
  return *text;
}

}  // namespace

std::string load_bearer_token(const std::string& token_file, const std::string& token_env) {
  std::string token;
  if (!token_file.empty()) {
    token = read_credential(token_file, "token file", "--token-file");
  } else if (!token_env.empty()) {
    const char* v = std::getenv(token_env.c_str());
    if (!v) throw Error(kExitNoPerm, "environment variable " + token_env + " is not set (--token-env)");
    if (!*v) throw Error(kExitNoPerm, "environment variable " + token_env + " is empty (--token-env)");
    token = v;
  } else {
    return token;
  }
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty()) throw Error(kExitNoPerm, "the bearer token is empty");
  if (token.find_first_of("\r\n") != std::string::npos)
    throw Error(kExitNoPerm, "the bearer token spans several lines");
  return token;
}

std::string load_password(const std::string& password_file) {
  if (password_file.empty()) return {};
  std::string password = read_credential(password_file, "password file", "--password-file");
  if (password.empty()) throw Error(kExitNoPerm, password_file + ": the password is empty (--password-file)");
  if (password.find_first_of("\r\n") != std::string::npos)
    throw Error(kExitNoPerm, password_file + ": the password spans several lines (--password-file)");
  return password;
}

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string basic_credentials(const std::string& user, const std::string& password) {
  return base64(user + ":" + password);
}

}  // namespace ndj
