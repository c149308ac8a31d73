#include "backend/instrumented_backend.h"

#include <gtest/gtest.h>

#include "backend/memory_backend.h"

namespace vivace::backend {
namespace {

uint64_t Count(std::string_view op, std::string_view code) {
  return BackendRequestDuration().WithLabels({op, code}).Count();
}

TEST(InstrumentedBackendTest, RecordsEveryRequest) {
  InstrumentedBackend b(std::make_unique<InMemoryBackend>());
  uint64_t get200 = Count("GET", "200");
  uint64_t get404 = Count("GET", "404");
  uint64_t get416 = Count("GET", "416");
  uint64_t put200 = Count("PUT", "200");
  uint64_t head200 = Count("HEAD", "200");
  uint64_t del200 = Count("DELETE", "200");
  uint64_t put400 = Count("PUT", "400");

  ASSERT_TRUE(b.Write("t/k", ByteView(std::string_view("abc"))).ok());
  ASSERT_TRUE(b.Read("t/k").ok());
  ASSERT_FALSE(b.Read("t/missing").ok());
  ASSERT_FALSE(b.ReadRange("t/k", 2, 5).ok());
  ASSERT_TRUE(b.List("t").ok());
  ASSERT_TRUE(b.Size("t/k").ok());
  ASSERT_TRUE(b.Delete("t/k").ok());
  ASSERT_FALSE(b.Write("../k", ByteView()).ok());
  auto w = b.Append("t/big");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(ByteView(std::string_view("part"))).ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*b.Read("t/big"), "part");

  EXPECT_EQ(Count("GET", "200") - get200, 3u);  // Read, List, Read of t/big
  EXPECT_EQ(Count("GET", "404") - get404, 1u);
  EXPECT_EQ(Count("GET", "416") - get416, 1u);
  EXPECT_EQ(Count("PUT", "200") - put200, 3u);  // Write, Append part, Close
  EXPECT_EQ(Count("HEAD", "200") - head200, 1u);
  EXPECT_EQ(Count("DELETE", "200") - del200, 1u);
  EXPECT_EQ(Count("PUT", "400") - put400, 1u);
}

}  // namespace
}  // namespace vivace::backend
