// The CLI's command table: every command with the positional arguments and
// the flags it accepts (name, type, description, valid values). One table
// drives parsing, validation and --help, so a flag a command does not declare
// is a usage error, never silently ignored.
#ifndef CHIBO_TOOLS_CLI_SPEC_H_
#define CHIBO_TOOLS_CLI_SPEC_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace chibo::cli {

enum class FlagType {
  kBool,    // --x (true), --x=true|false|1|0
  kInt,     // a whole decimal integer within [min, max]
  kDate,    // YYYY-MM-DD naming a real day
  kEnum,    // one of `values`, any letter case
  kString,  // anything
};

struct FlagSpec {
  std::string name;
  FlagType type = FlagType::kString;
  std::string help;                 // one line, "tiếng Việt / English"
  std::vector<std::string> values;  // kEnum: the accepted values, as sent
  std::vector<std::string> labels;  // kEnum: a label per value (help only)
  int64_t min = 0, max = 0;         // kInt: inclusive bounds
  bool required = false;
  bool clearable = false;           // kDate: an empty value is accepted (clears the field)
  bool nonempty = false;            // kString: an empty value is refused (required ones always are)
  std::string placeholder;          // shown as --name=PLACEHOLDER (default by type)
};

struct CommandSpec {
  std::string noun;
  std::string verb;               // empty for one-word commands (roster, audit, calendar)
  std::vector<std::string> args;  // positional arguments, all required
  std::string summary;            // one line, "tiếng Việt / English"
  std::vector<FlagSpec> flags;
  int handler = 0;                // which code runs it (the caller's own numbering)
  std::string note;               // more help text, may be empty
};

// A parsed, validated command line.
struct Invocation {
  const CommandSpec* command = nullptr;
  std::vector<std::string> args;
  std::map<std::string, std::string> flags;  // as given; enums in their canonical spelling

  bool Has(const std::string& name) const { return flags.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  bool Bool(const std::string& name) const;  // false when absent
  int64_t Int(const std::string& name, int64_t fallback) const;
};

// What Parse decided: run `invocation` (exit_code < 0), or print `out` on
// stdout and `err` on stderr and exit with exit_code.
struct ParseResult {
  Invocation invocation;
  std::string out, err;
  int exit_code = -1;
};

// `argv` without the program name. `global` flags are accepted by every command.
ParseResult Parse(const std::vector<CommandSpec>& commands, const std::vector<FlagSpec>& global,
                  const std::vector<std::string>& argv);

// `chibo --help`: every command, one line each.
std::string Usage(const std::vector<CommandSpec>& commands, const std::vector<FlagSpec>& global);
// `chibo <noun> <verb> --help`: the command's flags, one line each, enum values listed.
std::string CommandHelp(const CommandSpec& command, const std::vector<FlagSpec>& global);

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
size_t EditDistance(const std::string& a, const std::string& b);
// The candidate nearest to `word` when it is near enough to be a typo, else "".
std::string Closest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace chibo::cli

#endif  // CHIBO_TOOLS_CLI_SPEC_H_
