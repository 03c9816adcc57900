// Catch2 entry point for the lib/ unit tests.
// Catch's own code holds std::regex (its Matches matcher), in which GCC 12
// at -O1 with the sanitizers sees a std::function "may be used
// uninitialized" that is not: a false positive in library code, which the
// CI's warnings-as-errors would turn into a failed build.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
