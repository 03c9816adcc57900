// What ndj-post authenticates with: a bearer token (from a file or the
// environment) or a basic-auth password (from a file), never from argv, and
// the values an answer could echo back, so that they can be scrubbed.
#pragma once
#include <string>
#include <string_view>

namespace ndj {

// The bearer token from --token-file FILE or --token-env VAR ("" when both
// are empty), trailing white space removed. Throws Error(77) naming the
// option when it is missing, empty or spans lines.
std::string load_bearer_token(const std::string& token_file, const std::string& token_env);

// The password in --password-file FILE ("" when FILE is empty). Throws
// Error(77) as load_bearer_token.
std::string load_password(const std::string& password_file);

// Standard base64 with padding (RFC 4648 §4).
std::string base64(std::string_view in);

// The value curl sends as "Authorization: Basic VALUE" (base64 of
// USER:PASSWORD).
std::string basic_credentials(const std::string& user, const std::string& password);

}  // namespace ndj
