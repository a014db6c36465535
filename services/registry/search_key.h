// Folding Vietnamese text for search: "Nguyễn Văn Đức" → "nguyen van duc",
// so officials find a member typing with or without diacritics.
#ifndef CHIBO_SERVICES_REGISTRY_SEARCH_KEY_H_
#define CHIBO_SERVICES_REGISTRY_SEARCH_KEY_H_

#include <string>
#include "absl/strings/string_view.h"

namespace chibo::registry {

std::string FoldForSearch(absl::string_view text);

// The search_key column of a member: folded name and card number.
std::string MemberSearchKey(absl::string_view full_name, absl::string_view card_number);

}  // namespace chibo::registry

#endif  // CHIBO_SERVICES_REGISTRY_SEARCH_KEY_H_
