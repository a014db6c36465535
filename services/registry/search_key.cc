#include "absl/strings/string_view.h"
#include "services/registry/search_key.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace chibo::registry {
namespace {

// Decodes one UTF-8 code point at `i`, advancing it; U+FFFD on bad bytes.
char32_t NextCodePoint(absl::string_view s, size_t& i) {
  unsigned char c = s[i];
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

const absl::flat_hash_map<char32_t, char>& FoldTable() {
  static const auto* table = [] {
    auto* t = new absl::flat_hash_map<char32_t, char>();
    const std::pair<absl::string_view, char> groups[] = {
        {"àáạảãâầấậẩẫăằắặẳẵÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴ", 'a'},
        {"èéẹẻẽêềếệểễÈÉẸẺẼÊỀẾỆỂỄ", 'e'},
        {"ìíịỉĩÌÍỊỈĨ", 'i'},
        {"òóọỏõôồốộổỗơờớợởỡÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠ", 'o'},
        {"ùúụủũưừứựửữÙÚỤỦŨƯỪỨỰỬỮ", 'u'},
        {"ỳýỵỷỹỲÝỴỶỸ", 'y'},
        {"đĐ", 'd'},
    };
    for (const auto& [letters, base] : groups) {
      for (size_t i = 0; i < letters.size();) (*t)[NextCodePoint(letters, i)] = base;
    }
    return t;
  }();
  return *table;
}

}  // namespace

std::string FoldForSearch(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto& table = FoldTable();
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    char32_t cp = NextCodePoint(text, i);
    if (cp < 0x80) {
      out.push_back(absl::ascii_tolower(static_cast<char>(cp)));
    } else if (auto it = table.find(cp); it != table.end()) {
      out.push_back(it->second);
    } else {
      out.append(text.data() + start, i - start);
    }
  }
  return out;
}

std::string MemberSearchKey(absl::string_view full_name, absl::string_view card_number) {
  return absl::StrCat(FoldForSearch(full_name), " ", FoldForSearch(card_number));
}

}  // namespace chibo::registry
