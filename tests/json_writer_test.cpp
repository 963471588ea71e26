// The streaming JSON writer against nlohmann::json as the oracle: same layout
// as dump(2), strings and numbers that read back exactly, and valid JSON
// whatever bytes the strings hold.
#include "reports/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>

namespace dtlint {
namespace {

using Json = nlohmann::ordered_json;

// Writes a document tree through the writer, as the report writer does by hand.
void write(JsonWriter& w, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      w.begin_object();
      for (const auto& [key, value] : j.items()) {
        w.key(key);
        write(w, value);
      }
      w.end_object();
      break;
    case Json::value_t::array:
      w.begin_array();
      for (const Json& value : j) write(w, value);
      w.end_array();
      break;
    case Json::value_t::string: w.string(j.get<std::string>()); break;
    case Json::value_t::number_unsigned: w.number(j.get<std::uint64_t>()); break;
    case Json::value_t::number_integer: w.number(j.get<std::int64_t>()); break;
    case Json::value_t::number_float: w.number(j.get<double>()); break;
    case Json::value_t::boolean: w.boolean(j.get<bool>()); break;
    default: w.null(); break;
  }
}

std::string written(const Json& j) {
  std::string out;
  JsonWriter w(out);
  write(w, j);
  w.flush();
  return out;
}

// A random document; floats are short dyadic fractions, whose shortest
// decimal form is unique, so nlohmann's text can be compared byte for byte.
Json random_document(std::mt19937_64& rng, int depth) {
  const int kind = static_cast<int>(rng() % (depth > 3 ? 6 : 8));
  switch (kind) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return static_cast<std::int64_t>(rng()) >> (rng() % 64);
    case 3: return static_cast<std::uint64_t>(rng()) >> (rng() % 64);
    case 4: {
      const double scale = std::ldexp(1.0, static_cast<int>(rng() % 31) - 10);
      return static_cast<double>(static_cast<std::int64_t>(rng() % 2001) - 1000) * scale;
    }
    case 5: {
      static const char* const kWords[] = {"",
                                           "nan",
                                           "path/to/file.npy",
                                           "float64→float16",
                                           "tab\there",
                                           "quote\" and \\ backslash",
                                           "line\nbreak",
                                           "\x01\x1f control",
                                           "ünïcödé ✓ 𝄞"};
      return kWords[rng() % std::size(kWords)];
    }
    case 6: {
      Json array = Json::array();
      for (std::size_t n = rng() % 4; n > 0; --n) array.push_back(random_document(rng, depth + 1));
      return array;
    }
    default: {
      Json object = Json::object();
      for (std::size_t n = rng() % 4; n > 0; --n)
        object["k" + std::to_string(object.size())] = random_document(rng, depth + 1);
      return object;
    }
  }
}

TEST(JsonWriter, LayoutEqualsNlohmannDump2) {
  std::mt19937_64 rng(20261126);
  for (int i = 0; i < 2000; ++i) {
    const Json document = random_document(rng, 0);
    ASSERT_EQ(written(document), document.dump(2)) << document.dump();
  }
}

TEST(JsonWriter, EmptyContainersAndNesting) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("a").begin_array().end_array().key("b").begin_object().end_object().key("c");
  w.begin_array().begin_array().end_array().number(std::uint64_t{1}).end_array().end_object();
  w.flush();
  EXPECT_EQ(out, "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    [],\n    1\n  ]\n}");
}

TEST(JsonWriter, DoublesReadBackExactlyAndStayFloats) {
  std::mt19937_64 rng(7);
  std::vector<double> values = {0.0,
                                -0.0,
                                1.0,
                                0.1,
                                1e-4,
                                1e-5,
                                123456789012345.0,
                                1e15,
                                1e16,
                                1e300,
                                5e-324,
                                2.2250738585072014e-308,
                                std::numeric_limits<double>::max(),
                                -65504.0,
                                0.9990615844726562};
  for (int i = 0; i < 100000; ++i) {
    std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (std::isfinite(d)) values.push_back(d);
  }
  for (double d : values) {
    std::string out;
    JsonWriter(out).number(d);
    const Json back = Json::parse(out);
    ASSERT_TRUE(back.is_number_float()) << out;
    ASSERT_EQ(std::memcmp(&d, &back.get_ref<const double&>(), sizeof d), 0) << out << " for " << d;
  }
  const auto text = [](double d) {
    std::string out;
    JsonWriter(out).number(d);
    return out;
  };
  EXPECT_EQ(text(100000.0), "100000.0");
  EXPECT_EQ(text(3.0), "3.0");
  EXPECT_EQ(text(-0.0), "-0.0");
  EXPECT_EQ(text(0.00125), "0.00125");
  EXPECT_EQ(text(1e-06), "1e-06");
  EXPECT_EQ(text(1.6e16), "1.6e+16");
  EXPECT_EQ(text(std::nan("")), "null");
  EXPECT_EQ(text(-std::numeric_limits<double>::infinity()), "null");
}

TEST(JsonWriter, StringsEscapeAsJsonRequires) {
  for (const std::string& text : {std::string("plain"), std::string("\"\\/\b\f\n\r\t"),
                                  std::string("\x00\x01\x7f", 3), std::string("ünïcödé ✓ 𝄞 \xEF\xBF\xBF")}) {
    std::string out;
    append_json_string(out, text);
    EXPECT_EQ(Json::parse(out).get<std::string>(), text) << out;
    EXPECT_EQ(out, Json(text).dump()) << "escapes as nlohmann does";
  }
}

TEST(JsonWriter, EveryAsciiByteAtEveryPlaceOfALongString) {
  // Long strings are scanned eight bytes at a time: one byte that needs an
  // escape must be found wherever it sits in the word, and after it.
  for (int byte = 0; byte < 0x80; ++byte) {
    for (std::size_t at = 0; at < 19; ++at) {
      std::string text = "abcdefghijklmnopqrs";
      text[at] = static_cast<char>(byte);
      std::string out;
      append_json_string(out, text);
      ASSERT_EQ(out, Json(text).dump()) << "byte " << byte << " at " << at;
    }
  }
}

TEST(JsonWriter, TextLongerThanTheBufferAndDeepNesting) {
  // Strings and indentation beyond the writer's own buffer go through intact.
  Json document = Json::array();
  document.push_back(std::string(100000, 'x') + "\n" + std::string(40000, 'y'));
  Json deep = 1;
  for (int i = 0; i < 60; ++i) deep = Json::array({deep});  // 120 spaces of indent at the bottom
  document.push_back(deep);
  for (int i = 0; i < 3000; ++i) document.push_back(i * 0.5);
  EXPECT_EQ(written(document), document.dump(2));
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacters) {
  struct Case {
    std::string bytes;
    std::string expected;
  };
  const std::string fffd = "\xEF\xBF\xBD";
  for (const Case& c : {
           Case{"a\xFFz", "a" + fffd + "z"}, Case{"\xC0\x80", fffd + fffd},  // overlong NUL
           Case{"\xED\xA0\x80", fffd + fffd + fffd},                         // a UTF-16 surrogate
           Case{"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},              // above U+10FFFF
           Case{"\xE2\x82", fffd + fffd},                                    // cut short
           Case{"\xE2\x82\xAC", "\xE2\x82\xAC"},                             // a valid euro sign stays
           Case{"\xF0\x9D\x84\x9E", "\xF0\x9D\x84\x9E"},                     // a valid 4-byte sequence stays
       }) {
    std::string out;
    append_json_string(out, c.bytes);
    const Json back = Json::parse(out);  // throws on invalid UTF-8
    EXPECT_EQ(back.get<std::string>(), c.expected);
  }
}

}  // namespace
}  // namespace dtlint
