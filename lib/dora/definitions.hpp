// What each metric counts, as data: the built-in definitions sets (dora,
// commits, ledger), sets read from JSON files (--definitions), the input
// mapping a file or the command line gives (--map, --type-value,
// --status-value), and the text --explain prints.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dora/dora.hpp"

namespace ndj::dora {

// The built-in sets, in the order of the man page's table.
const std::vector<std::string>& definition_set_names();

// --definitions NAME|FILE: the built-in set NAME, else the JSON file FILE,
// into schema.defs (and the input mapping a file holds into schema); the
// reason when it cannot. Call after --group-by is known.
std::optional<std::string> load_definitions(const std::string& name_or_file, Schema& schema);

// A definitions document (the text of a --definitions FILE) over the
// defaults, as load_definitions reads it; the reason when it is not one.
std::optional<std::string> parse_definitions(std::string_view json, Schema& schema);

// --map NAME=FIELD[,FIELD...] or TYPE.NAME=...: NAME a canonical or
// grouping field, TYPE a record type; the first FIELD a record has is read.
std::optional<std::string> add_map(Schema& schema, const std::pair<std::string, std::string>& name_fields);
// --type-value TYPE=VALUE.
std::optional<std::string> add_type_value(Schema& schema, const std::pair<std::string, std::string>& type_value);
// --status-value STATUS=VALUE: a deployment status VALUE reads as STATUS
// (success, failure or rolled_back).
std::optional<std::string> add_status_value(Schema& schema, const std::pair<std::string, std::string>& status_value);

// The definitions in force and the fields they read, in words (--explain).
std::string explain_definitions(const Schema& schema);

}  // namespace ndj::dora
