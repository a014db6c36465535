#include "tools/cli/spec.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time/dates.h"

namespace chibo::cli {
namespace {

std::string Prefix(const CommandSpec& c) {
  return c.verb.empty() ? c.noun : absl::StrCat(c.noun, " ", c.verb);
}

std::string Placeholder(const FlagSpec& f) {
  if (!f.placeholder.empty()) return f.placeholder;
  switch (f.type) {
    case FlagType::kBool: return "true|false";
    case FlagType::kInt: return "N";
    case FlagType::kDate: return "YYYY-MM-DD";
    case FlagType::kEnum: {
      std::string all = absl::StrJoin(f.values, "|");
      return all.size() <= 40 ? all : "VALUE";
    }
    case FlagType::kString: return "TEXT";
  }
  return "";
}

// Display width of UTF-8 text (code points; the labels have no wide characters).
size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Pad(const std::string& s, size_t width) {
  size_t w = Width(s);
  return w >= width ? s + " " : s + std::string(width - w, ' ');
}

// "--kind=BASE_CELL --name=TEXT [--id --code]": required flags with their
// placeholders, the optional ones by name.
std::string Synopsis(const CommandSpec& c) {
  std::string out = absl::StrCat("chibo ", Prefix(c));
  for (const auto& a : c.args) absl::StrAppend(&out, " ", a);
  std::vector<std::string> optional;
  for (const auto& f : c.flags) {
    if (f.required) absl::StrAppend(&out, " --", f.name, "=", Placeholder(f));
    else optional.push_back("--" + f.name);
  }
  if (!optional.empty()) absl::StrAppend(&out, " [", absl::StrJoin(optional, " "), "]");
  return out;
}

const FlagSpec* Find(const std::vector<FlagSpec>& flags, const std::string& name) {
  for (const auto& f : flags)
    if (f.name == name) return &f;
  return nullptr;
}

ParseResult Fail(std::string message) {
  ParseResult r;
  r.err = absl::StrCat("chibo: ", message, "\n");
  r.exit_code = 2;
  return r;
}

// An empty string when `value` suits `f`, else why not (one clause). Puts the
// canonical spelling of an enum value in `value`.
std::string CheckValue(const FlagSpec& f, bool has_value, std::string& value) {
  const std::string given = absl::StrCat("--", f.name, has_value ? "=" + value : "");
  if (f.type != FlagType::kBool && !has_value) {
    return absl::StrCat("thiếu giá trị / missing value: ", given, " cần / needs --", f.name, "=",
                        Placeholder(f));
  }
  switch (f.type) {
    case FlagType::kBool:
      if (!has_value || value == "true" || value == "1") {
        value = "true";
        return "";
      }
      if (value == "false" || value == "0") return "";
      return absl::StrCat("giá trị không hợp lệ / invalid value ", given, ": --", f.name,
                          " nhận / takes true|false|1|0 (--", f.name, " một mình / alone = true)");
    case FlagType::kInt: {
      int64_t n = 0;
      const bool digits = !value.empty() &&
                          std::all_of(value.begin() + (value[0] == '-' ? 1 : 0), value.end(),
                                      [](char c) { return absl::ascii_isdigit(c); }) &&
                          value != "-";
      if (!digits || !absl::SimpleAtoi(value, &n) || n < f.min || n > f.max) {
        return absl::StrCat("giá trị không hợp lệ / invalid value ", given, ": cần số nguyên / needs a whole number ",
                            f.min, "..", f.max);
      }
      value = absl::StrCat(n);
      return "";
    }
    case FlagType::kDate:
      if (value.empty() && f.clearable) return "";
      if (!time::IsValidDate(value)) {
        return absl::StrCat("giá trị không hợp lệ / invalid value ", given,
                            ": cần ngày / needs a date YYYY-MM-DD", f.clearable ? " (hoặc trống để xóa / or empty to clear)" : "");
      }
      return "";
    case FlagType::kEnum: {
      for (const auto& v : f.values) {
        if (absl::EqualsIgnoreCase(v, value)) {
          value = v;
          return "";
        }
      }
      std::string why = absl::StrCat("giá trị không hợp lệ / invalid value ", given, ": --", f.name,
                                     " nhận / takes ", absl::StrJoin(f.values, "|"));
      if (std::string near = Closest(value, f.values); !near.empty()) {
        absl::StrAppend(&why, " — có phải / did you mean ", near, "?");
      }
      return why;
    }
    case FlagType::kString:
      if ((f.required || f.nonempty) && value.empty()) {
        return absl::StrCat("thiếu giá trị / missing value: --", f.name, "= cần / needs --", f.name, "=",
                            Placeholder(f));
      }
      return "";
  }
  return "";
}

}  // namespace

std::string Invocation::Get(const std::string& name, const std::string& fallback) const {
  auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

bool Invocation::Bool(const std::string& name) const { return Get(name, "false") == "true"; }

int64_t Invocation::Int(const std::string& name, int64_t fallback) const {
  int64_t n = fallback;
  if (Has(name) && !absl::SimpleAtoi(Get(name), &n)) return fallback;
  return n;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string Closest(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string w = absl::AsciiStrToLower(word);
  if (w.empty()) return "";
  // Near enough to be a typo: one edit in a short word, two in a longer one, three in a long one.
  const size_t allowed = w.size() <= 4 ? 1 : w.size() <= 8 ? 2 : 3;
  std::string best;
  size_t best_distance = allowed + 1;
  for (const auto& c : candidates) {
    const size_t d = EditDistance(w, absl::AsciiStrToLower(c));
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (!best.empty()) return best;
  // A unique abbreviation ("--sub" for "--subtree").
  if (w.size() >= 3) {
    for (const auto& c : candidates) {
      if (!absl::StartsWith(absl::AsciiStrToLower(c), w)) continue;
      if (!best.empty()) return "";
      best = c;
    }
  }
  return best;
}

ParseResult Parse(const std::vector<CommandSpec>& commands, const std::vector<FlagSpec>& global,
                  const std::vector<std::string>& argv) {
  struct Given {
    std::string name, value;
    bool has_value;
  };
  std::vector<std::string> words;
  std::vector<Given> given;
  bool help = false, only_words = false;
  for (const std::string& s : argv) {
    if (only_words || !absl::StartsWith(s, "-") || s == "-") {
      words.push_back(s);
    } else if (s == "--") {
      only_words = true;
    } else if (s == "-h" || s == "--help" || s == "--help=true" || s == "--help=1") {
      help = true;
    } else if (absl::StartsWith(s, "--")) {
      const size_t eq = s.find('=');
      Given g{s.substr(2, eq == std::string::npos ? std::string::npos : eq - 2), "", eq != std::string::npos};
      if (g.has_value) g.value = s.substr(eq + 1);
      given.push_back(std::move(g));
    } else {
      return Fail(absl::StrCat("cờ không hợp lệ / unknown flag ", s, ": cờ viết --tên=giá_trị / flags are --name=value (chibo --help)"));
    }
  }

  ParseResult result;
  if (words.empty()) {
    if (help) {
      result.out = Usage(commands, global);
      result.exit_code = 0;
    } else {
      result.err = Usage(commands, global);
      result.exit_code = 2;
    }
    return result;
  }

  // The command: a noun, and a verb when the noun has verbs.
  const std::string& noun = words[0];
  std::vector<const CommandSpec*> of_noun;
  std::vector<std::string> nouns;
  for (const auto& c : commands) {
    if (c.noun == noun) of_noun.push_back(&c);
    if (std::find(nouns.begin(), nouns.end(), c.noun) == nouns.end()) nouns.push_back(c.noun);
  }
  if (of_noun.empty()) {
    std::string why = absl::StrCat("lệnh không hợp lệ / unknown command ", noun);
    if (std::string near = Closest(noun, nouns); !near.empty()) absl::StrAppend(&why, " — có phải / did you mean ", near, "?");
    return Fail(absl::StrCat(why, " (lệnh / commands: ", absl::StrJoin(nouns, " "), "; chibo --help)"));
  }
  const CommandSpec* command = nullptr;
  size_t first_arg = 1;
  if (of_noun.size() == 1 && of_noun[0]->verb.empty()) {
    command = of_noun[0];
  } else {
    std::vector<std::string> verbs;
    for (const auto* c : of_noun) verbs.push_back(c->verb);
    if (words.size() < 2) {
      if (help) {
        std::string out;
        for (const auto* c : of_noun) absl::StrAppend(&out, Synopsis(*c), "\n    ", c->summary, "\n");
        absl::StrAppend(&out, "\n  chibo ", noun, " <lệnh / verb> --help: cờ của lệnh / the verb's flags\n");
        result.out = out;
        result.exit_code = 0;
        return result;
      }
      return Fail(absl::StrCat("thiếu lệnh con / missing verb: chibo ", noun, " ", absl::StrJoin(verbs, "|"),
                               " (chibo ", noun, " --help)"));
    }
    for (const auto* c : of_noun)
      if (c->verb == words[1]) command = c;
    if (!command) {
      std::string why = absl::StrCat("lệnh không hợp lệ / unknown command ", noun, " ", words[1]);
      if (std::string near = Closest(words[1], verbs); !near.empty()) {
        absl::StrAppend(&why, " — có phải / did you mean ", noun, " ", near, "?");
      }
      return Fail(absl::StrCat(why, " (", noun, " nhận / takes ", absl::StrJoin(verbs, "|"), ")"));
    }
    first_arg = 2;
  }
  if (help) {
    result.out = CommandHelp(*command, global);
    result.exit_code = 0;
    return result;
  }

  // Flags: declared by the command or global, each at most once, each value of its type.
  const std::string name = Prefix(*command);
  Invocation& inv = result.invocation;
  inv.command = command;
  for (Given& g : given) {
    const FlagSpec* f = Find(command->flags, g.name);
    if (!f) f = Find(global, g.name);
    if (!f) {
      std::vector<std::string> own, all;
      for (const auto& c : command->flags) own.push_back(c.name);
      all = own;
      for (const auto& c : global) all.push_back(c.name);
      std::string why = absl::StrCat("cờ không hợp lệ / unknown flag --", g.name);
      if (std::string near = Closest(g.name, all); !near.empty()) absl::StrAppend(&why, " — có phải / did you mean --", near, "?");
      if (own.empty()) {
        absl::StrAppend(&why, " (", name, " không có cờ riêng / has no flags of its own; chibo ", name, " --help)");
      } else {
        absl::StrAppend(&why, " (", name, " nhận / accepts: --", absl::StrJoin(own, " --"), "; chibo ", name, " --help)");
      }
      return Fail(why);
    }
    if (inv.flags.count(f->name)) return Fail(absl::StrCat("cờ lặp lại / flag given twice: --", f->name));
    if (std::string why = CheckValue(*f, g.has_value, g.value); !why.empty()) return Fail(why);
    inv.flags[f->name] = g.value;
  }

  // Positional arguments: exactly those the command names.
  inv.args.assign(words.begin() + first_arg, words.end());
  if (inv.args.size() < command->args.size()) {
    return Fail(absl::StrCat("thiếu / missing ", command->args[inv.args.size()], ": ", Synopsis(*command)));
  }
  if (inv.args.size() > command->args.size()) {
    return Fail(absl::StrCat("thừa đối số / unexpected argument '", inv.args[command->args.size()], "': ",
                             Synopsis(*command)));
  }
  for (const auto& f : command->flags) {
    if (f.required && !inv.Has(f.name)) {
      return Fail(absl::StrCat("thiếu cờ bắt buộc / missing required flag --", f.name, "=", Placeholder(f), ": ",
                               Synopsis(*command)));
    }
  }
  return result;
}

std::string Usage(const std::vector<CommandSpec>& commands, const std::vector<FlagSpec>& global) {
  std::string out =
      "chibo — sổ đảng viên / membership registry\n\n"
      "Cách dùng / usage:\n"
      "  chibo [cờ chung / global flags] <lệnh / command> [ARGS] [--flag=value ...]\n\n";
  for (const auto& c : commands) absl::StrAppend(&out, "  ", Synopsis(c).substr(6), "\n");
  absl::StrAppend(&out, "\nCờ chung / global flags:\n");
  for (const auto& f : global) {
    absl::StrAppend(&out, "  ", Pad(absl::StrCat("--", f.name, f.type == FlagType::kBool ? "" : "=" + Placeholder(f)), 30),
                    f.help, "\n");
  }
  absl::StrAppend(&out,
                  "\n  chibo <lệnh> --help: cờ của lệnh và giá trị hợp lệ / a command's flags and valid values;\n"
                  "  chibo org --help, chibo member --help: các lệnh con / the verbs.\n"
                  "  Cờ viết --tên=giá_trị; cờ đúng/sai: --x, --x=true|false|1|0.\n"
                  "  Flags are --name=value; booleans: --x, --x=true|false|1|0.\n"
                  "  Mọi lệnh ghi nhận --request_id (mặc định: ngẫu nhiên) để gửi lại an toàn.\n"
                  "  Every write takes --request_id (default: random) so a retry is safe.\n"
                  "  Bảng ghi nhãn tiếng Việt và tên đơn vị cạnh mã; --lang=en: English labels.\n"
                  "  Tables show Vietnamese labels and unit names next to ids; --lang=en: English labels.\n"
                  "  Mã thoát / exit: 0 xong / done, 1 lỗi gọi / the call failed, 2 sai cú pháp / usage.\n");
  return out;
}

std::string CommandHelp(const CommandSpec& c, const std::vector<FlagSpec>& global) {
  std::string out = absl::StrCat(Synopsis(c), "\n  ", c.summary, "\n");
  if (!c.note.empty()) absl::StrAppend(&out, "  ", c.note, "\n");
  if (!c.flags.empty()) {
    absl::StrAppend(&out, "\nCờ / flags:\n");
    for (const auto& f : c.flags) {
      std::string left = absl::StrCat("--", f.name, f.type == FlagType::kBool ? "" : "=" + Placeholder(f));
      std::string help = f.help;
      if (f.type == FlagType::kInt) absl::StrAppend(&help, " (", f.min, "..", f.max, ")");
      if (f.required) absl::StrAppend(&help, " — bắt buộc / required");
      absl::StrAppend(&out, "  ", Pad(left, 30), help, "\n");
      if (f.type == FlagType::kEnum) {
        for (size_t i = 0; i < f.values.size(); ++i) {
          absl::StrAppend(&out, "      ", Pad(f.values[i], 28), i < f.labels.size() ? f.labels[i] : "", "\n");
        }
      }
    }
  }
  std::vector<std::string> names;
  for (const auto& f : global) names.push_back("--" + f.name);
  absl::StrAppend(&out, "\nCờ chung / global flags: ", absl::StrJoin(names, " "), " (chibo --help)\n");
  return out;
}

}  // namespace chibo::cli
