#include "generator/span_reader.h"

#include <gtest/gtest.h>

#include "generator/test_util.h"

namespace vivace::generator {
namespace {

namespace otlp = opentelemetry::proto;

std::string AnyBytes(const otlp::common::v1::AnyValue& v) { return v.SerializeAsString(); }

std::string Stringify(const otlp::common::v1::AnyValue& v) {
  std::string out;
  AppendStringified(AnyBytes(v), &out);
  return out;
}

TEST(SpanReaderTest, StringifiesAnyValueLikeTempo) {
  otlp::common::v1::AnyValue v;
  v.set_string_value("s");
  EXPECT_EQ(Stringify(v), "s");
  v.set_int_value(-42);
  EXPECT_EQ(Stringify(v), "-42");
  v.set_bool_value(true);
  EXPECT_EQ(Stringify(v), "true");
  v.set_double_value(0.5);
  EXPECT_EQ(Stringify(v), "0.5");
  v.set_double_value(1e21);
  EXPECT_EQ(Stringify(v), "1000000000000000000000");
  v.set_bytes_value("raw");
  EXPECT_EQ(Stringify(v), "");
  otlp::common::v1::AnyValue arr;
  arr.mutable_array_value()->add_values()->set_int_value(1);
  arr.mutable_array_value()->add_values()->set_string_value("x");
  EXPECT_EQ(Stringify(arr), "[1x]");
  otlp::common::v1::AnyValue kv;
  auto* e = kv.mutable_kvlist_value()->add_values();
  e->set_key("k");
  e->mutable_value()->set_bool_value(false);
  EXPECT_EQ(Stringify(kv), "{k:false}");
}

class Recorder final : public SpanVisitor {
 public:
  struct Seen {
    std::string service;
    std::string name;
    int32_t kind;
    int32_t status;
    std::string message;
    size_t attrs;
    size_t size;
    double seconds;
    bool root;
  };

  std::vector<Seen> seen;

  void OnSpan(const ResourceView& r, const SpanView& s) override {
    seen.push_back({r.service_name, std::string(s.name), s.kind, s.status_code,
                    std::string(s.status_message), s.attributes().size(), s.size,
                    s.DurationSeconds(), s.parent_span_id.empty()});
  }
};

TEST(SpanReaderTest, ReadsSpansOfEveryResource) {
  testutil::TestSpan a{.service = "api", .kind = 3, .name = "call", .status = 2};
  a.status_message = "boom";
  a.attrs = {{"http.method", "GET"}};
  a.duration_ns = 250'000'000;
  testutil::TestSpan b{.service = "db", .kind = 2, .span = 2, .parent = 1, .name = "query"};
  std::string fragment = testutil::Fragment({a, b});
  SpanReader reader;
  Recorder rec;
  ASSERT_TRUE(reader.Read(fragment, rec).ok());
  ASSERT_EQ(rec.seen.size(), 2U);
  EXPECT_EQ(rec.seen[0].service, "api");
  EXPECT_EQ(rec.seen[0].name, "call");
  EXPECT_EQ(rec.seen[0].kind, kSpanKindClient);
  EXPECT_EQ(rec.seen[0].status, kStatusError);
  EXPECT_EQ(rec.seen[0].message, "boom");
  EXPECT_EQ(rec.seen[0].attrs, 1U);
  EXPECT_DOUBLE_EQ(rec.seen[0].seconds, 0.25);
  EXPECT_TRUE(rec.seen[0].root);
  EXPECT_GT(rec.seen[0].size, 40U);
  EXPECT_EQ(rec.seen[1].service, "db");
  EXPECT_FALSE(rec.seen[1].root);
  EXPECT_EQ(SpanKindName(rec.seen[1].kind), "SPAN_KIND_SERVER");
  EXPECT_EQ(StatusCodeName(2), "STATUS_CODE_ERROR");
}

TEST(SpanReaderTest, MalformedBytesAreAnError) {
  std::string fragment = testutil::Fragment({{.service = "api"}});
  SpanReader reader;
  Recorder rec;
  std::string cut = fragment.substr(0, fragment.size() - 3);
  Status s = reader.Read(cut, rec);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_FALSE(reader.Read(std::string("\xff\xff\xff", 3), rec).ok());
  EXPECT_TRUE(reader.Read(std::string(), rec).ok());
}

}  // namespace
}  // namespace vivace::generator
