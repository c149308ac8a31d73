// The single-pass JSON reader and the Zipkin v2 JSON decoder built on it: escapes, whitespace,
// case-insensitive keys, and every kind of malformed input (the fuzzer also checks the decoder
// against the simdjson-DOM decoder it replaced).

#include "receiver/json_reader.h"

#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "receiver/zipkin.h"

namespace vivace::receiver {
namespace {

Status Decode(std::string_view json, ZipkinBatch* batch) { return DecodeZipkinJson(json, batch); }

Status Decode(std::string_view json) {
  ZipkinBatch batch;
  return Decode(json, &batch);
}

TEST(JsonReaderTest, ReadsNestedValuesAndSkipsUnknownOnes) {
  Arena arena;
  JsonReader r(R"( { "a" : [ 1 , -2.5e3 , true , null , "x" ] , "b" : { "c" : {} } , "d": [] } )",
               &arena);
  ASSERT_TRUE(r.BeginObject());
  std::string_view key;
  ASSERT_TRUE(r.NextMember(&key));
  EXPECT_EQ(key, "a");
  ASSERT_TRUE(r.BeginArray());
  ASSERT_TRUE(r.NextElement());
  int64_t n = 0;
  bool is_int = false;
  ASSERT_TRUE(r.ReadNumber(&n, &is_int));
  EXPECT_TRUE(is_int);
  EXPECT_EQ(n, 1);
  ASSERT_TRUE(r.NextElement());
  ASSERT_TRUE(r.ReadNumber(&n, &is_int));
  EXPECT_FALSE(is_int);
  ASSERT_TRUE(r.NextElement());
  bool b = false;
  ASSERT_TRUE(r.ReadBool(&b));
  EXPECT_TRUE(b);
  ASSERT_TRUE(r.NextElement());
  ASSERT_TRUE(r.ReadNull());
  ASSERT_TRUE(r.NextElement());
  std::string_view s;
  ASSERT_TRUE(r.ReadString(&s));
  EXPECT_EQ(s, "x");
  EXPECT_FALSE(r.NextElement());
  ASSERT_TRUE(r.NextMember(&key));
  EXPECT_EQ(key, "b");
  ASSERT_TRUE(r.SkipValue());
  ASSERT_TRUE(r.NextMember(&key));
  EXPECT_EQ(key, "d");
  ASSERT_TRUE(r.SkipValue());
  EXPECT_FALSE(r.NextMember(&key));
  EXPECT_FALSE(r.failed()) << r.error();
  EXPECT_TRUE(r.Finish());
}

TEST(JsonReaderTest, StringsAreViewsUnlessEscaped) {
  Arena arena;
  std::string in = R"(["plain", "a\"b\\c\/\b\f\n\r\t", "\u00e9\u4e2d\ud83d\ude00", "é中😀"])";
  JsonReader r(in, &arena);
  ASSERT_TRUE(r.BeginArray());
  std::string_view s;
  ASSERT_TRUE(r.NextElement() && r.ReadString(&s));
  EXPECT_EQ(s, "plain");
  EXPECT_TRUE(s.data() >= in.data() && s.data() < in.data() + in.size());
  ASSERT_TRUE(r.NextElement() && r.ReadString(&s));
  EXPECT_EQ(s, "a\"b\\c/\b\f\n\r\t");
  ASSERT_TRUE(r.NextElement() && r.ReadString(&s));
  EXPECT_EQ(s, "é中😀");
  ASSERT_TRUE(r.NextElement() && r.ReadString(&s));
  EXPECT_EQ(s, "é中😀");
  EXPECT_FALSE(r.NextElement());
  EXPECT_TRUE(r.Finish()) << r.error();
}

TEST(JsonReaderTest, Integers) {
  Arena arena;
  auto read = [&](std::string_view in, int64_t* v) {
    JsonReader r(in, &arena);
    bool is_int = false;
    EXPECT_TRUE(r.ReadNumber(v, &is_int) && r.Finish()) << in << ": " << r.error();
    return is_int;
  };
  int64_t v = 0;
  EXPECT_TRUE(read("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(read("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_TRUE(read("-0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_FALSE(read("9223372036854775808", &v));
  EXPECT_FALSE(read("123456789012345678901234567890", &v));
  EXPECT_FALSE(read("1.0", &v));
  EXPECT_FALSE(read("1e2", &v));
  EXPECT_FALSE(read("1E+400", &v));  // syntactically fine; not an integer
}

TEST(JsonReaderTest, MalformedInputIsRefused) {
  const char* bad[] = {"",
                       "   ",
                       "[",
                       "]",
                       "[1,]",
                       "[,1]",
                       "[1 2]",
                       "{\"a\" 1}",
                       "{\"a\":}",
                       "{\"a\":1,}",
                       "{1:2}",
                       "{\"a\":1",
                       "[01]",
                       "[1.]",
                       "[-]",
                       "[1e]",
                       "[.5]",
                       "[+1]",
                       "[tru]",
                       "[nul]",
                       "[True]",
                       "[\"a]",
                       "[\"\\x\"]",
                       "[\"\\u12\"]",
                       "[\"\\ud800\"]",
                       "[\"\\udc00\"]",
                       "[\"\\ud800\\u0041\"]",
                       "[\"a\tb\"]",
                       "[\"\xff\"]",
                       "[\"\xc0\x80\"]",
                       "[\"\xed\xa0\x80\"]",
                       "[\"\xf4\x90\x80\x80\"]",
                       "[\"\xe4\xb8\"]",
                       "[] x",
                       "[]]",
                       "[1]/*c*/",
                       "'a'",
                       "[NaN]",
                       "[Infinity]"};
  std::vector<std::string> inputs(std::begin(bad), std::end(bad));
  inputs.push_back(std::string("[]\0", 3));
  inputs.push_back(std::string("[\"a\0\"]", 6));
  for (const std::string& in : inputs) {
    Arena arena;
    JsonReader r(in, &arena);
    EXPECT_FALSE(r.SkipValue() && r.Finish()) << "accepted: " << in;
    EXPECT_TRUE(r.failed());
    EXPECT_NE(r.error().find("invalid JSON: "), std::string::npos) << r.error();
  }
}

TEST(JsonReaderTest, DepthIsBounded) {
  Arena arena;
  std::string ok =
      std::string(JsonReader::kMaxDepth, '[') + std::string(JsonReader::kMaxDepth, ']');
  JsonReader r1(ok, &arena);
  EXPECT_TRUE(r1.SkipValue() && r1.Finish()) << r1.error();
  std::string deep = "[" + ok + "]";
  JsonReader r2(deep, &arena);
  EXPECT_FALSE(r2.SkipValue());
  EXPECT_NE(r2.error().find("nested too deep"), std::string::npos) << r2.error();
}

TEST(ZipkinJsonDecodeTest, EscapedKeysWhitespaceAndCase) {
  ZipkinBatch batch;
  Status s = Decode(
      "\n[ {\"trace\\u0049d\" : \"0123456789abcdef0123456789ABCDEF\", \"ID\":\"2\",\n"
      "  \"name\":\"a\\\"b\\u00e9\", \"unknown\": {\"x\": [1, 2.5e10, {\"y\": null}]},\n"
      "  \"tags\": {\"k\\n\": \"v\\t\", \"k2\": null}, \"timestamp\": 10, \"Duration\": -0 } ]\t",
      &batch);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(batch.spans.size(), 1u);
  const ZipkinSpan& sp = batch.spans[0];
  EXPECT_EQ(sp.trace_high, 0x0123456789abcdefull);
  EXPECT_EQ(sp.trace_low, 0x0123456789abcdefull);
  EXPECT_EQ(sp.id, 2u);
  EXPECT_EQ(sp.name, "a\"bé");
  EXPECT_EQ(sp.start_unix_nano, 10000u);
  ASSERT_EQ(sp.tags_end - sp.tags_begin, 2u);
  EXPECT_EQ(batch.tags[sp.tags_begin].key, "k\n");
  EXPECT_EQ(batch.tags[sp.tags_begin].value, "v\t");
  EXPECT_EQ(batch.tags[sp.tags_begin + 1].key, "k2");
  EXPECT_EQ(batch.tags[sp.tags_begin + 1].value, "");
}

TEST(ZipkinJsonDecodeTest, EveryTruncationIsAnError) {
  const std::string good =
      R"([{"traceId":"1","id":"2","name":"n","localEndpoint":{"serviceName":"s","ipv4":"1.2.3.4",)"
      R"("port":80},"annotations":[{"timestamp":1,"value":"v"}],"tags":{"a":"b"}}])";
  ASSERT_TRUE(Decode(good).ok());
  for (size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(Decode(good.substr(0, cut)).ok()) << cut;
  }
}

TEST(ZipkinJsonDecodeTest, WrongTypesAndBadValues) {
  EXPECT_EQ(Decode(R"({"a":1})").message(),
            "json: cannot unmarshal into Go value of type []*model.SpanModel");
  EXPECT_EQ(Decode("[1]").message(),
            "json: cannot unmarshal into Go value of type model.SpanModel");
  EXPECT_EQ(Decode(R"([{"traceId":"1","id":"2","timestamp":1.5}])").message(),
            "json: cannot unmarshal into Go struct field SpanModel.timestamp of type int64");
  EXPECT_EQ(Decode(R"([{"traceId":"1","id":"2","name":3}])").message(),
            "json: cannot unmarshal into Go struct field SpanModel.name of type string");
  EXPECT_EQ(Decode(R"([{"traceId":"1","id":"2","tags":{"a":1}}])").message(),
            "json: cannot unmarshal into Go struct field SpanModel.tags of type string");
  EXPECT_EQ(Decode(R"([{"traceId":"1","id":"2","localEndpoint":{"port":70000}}])").message(),
            "json: cannot unmarshal into Go struct field SpanModel.port of type uint16");
  EXPECT_EQ(Decode(R"([{"traceId":"1","id":"xyz"}])").message(),
            "strconv.ParseUint: parsing \"xyz\": invalid id");
  EXPECT_EQ(Decode(R"([{"traceId":null,"id":"2"}])").message(), "valid traceId required");
  EXPECT_EQ(Decode(R"([{"traceId":"1"}])").message(), "valid span id required");
  EXPECT_TRUE(Decode("null").ok());
  EXPECT_TRUE(Decode(" [ null ] ").ok());
  EXPECT_EQ(Decode("").message(), "invalid JSON: empty body");
  // A syntax error after a type error still fails (Go reports the syntax error first; both
  // are 400s).
  EXPECT_FALSE(Decode(R"([{"traceId":"1","id":"2","name":3,}])").ok());
}

}  // namespace
}  // namespace vivace::receiver
