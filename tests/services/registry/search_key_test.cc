#include "services/registry/search_key.h"

#include "gtest/gtest.h"

namespace chibo::registry {
namespace {

TEST(SearchKeyTest, FoldsVietnameseDiacriticsAndCase) {
  EXPECT_EQ(FoldForSearch("Nguyễn Văn Đức"), "nguyen van duc");
  EXPECT_EQ(FoldForSearch("HOÀNG THỊ ỨNG"), "hoang thi ung");
  EXPECT_EQ(FoldForSearch("Lò Văn Pọm, bản Nà Pài"), "lo van pom, ban na pai");
  EXPECT_EQ(FoldForSearch("ab-12"), "ab-12");
  EXPECT_EQ(MemberSearchKey("Trần Quốc Toản", "TD-0042"), "tran quoc toan td-0042");
}

}  // namespace
}  // namespace chibo::registry
