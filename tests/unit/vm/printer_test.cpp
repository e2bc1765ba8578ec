#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

#include "vm/function_info.h"
#include "vm_test_support.h"

namespace lzr {
namespace {

using test::F;
using test::I;
using test::Terms;

TEST(FormatFloat, ShortestDigitsInErlangLayout) {
  const std::pair<double, const char*> cases[] = {
      {1.0, "1.0"},           {1.5, "1.5"},         {-1.5, "-1.5"},
      {0.0, "0.0"},           {-0.0, "-0.0"},       {0.1, "0.1"},
      {100.0, "100.0"},       {1000.0, "1.0e3"},    {1234.0, "1234.0"},
      {123456.0, "123456.0"}, {1.2e6, "1.2e6"},     {1.0e20, "1.0e20"},
      {1.0e-7, "1.0e-7"},     {0.001, "0.001"},     {0.0012, "0.0012"},
      {0.0001, "1.0e-4"},     {0.00012, "1.2e-4"},  {3.14159, "3.14159"},
      {2.5e-5, "2.5e-5"},     {1.0e15, "1.0e15"},   {9007199254740992.0, "9.007199254740992e15"},
      {123456789012.0, "123456789012.0"},           {5e-324, "5.0e-324"},
      {1.7976931348623157e308, "1.7976931348623157e308"},
      {0.30000000000000004, "0.30000000000000004"},
  };
  for (auto [d, text] : cases) EXPECT_EQ(format_float(d), text) << d;
}

TEST(FormatFloat, RoundTripsAndAlwaysHasADot) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 100000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    const std::string s = format_float(d);
    ASSERT_EQ(std::strtod(s.c_str(), nullptr), d) << s;
    const size_t dot = s.find('.');
    ASSERT_NE(dot, std::string::npos) << s;
    ASSERT_TRUE(dot > 0 && std::isdigit(static_cast<unsigned char>(s[dot - 1])) &&
                std::isdigit(static_cast<unsigned char>(s[dot + 1])))
        << s;
  }
}

TEST(FormatAtom, QuotesWhenNotAnIdentifier) {
  EXPECT_EQ(format_atom("ok"), ":ok");
  EXPECT_EQ(format_atom("Ok_2@x"), ":Ok_2@x");
  EXPECT_EQ(format_atom("valid?"), ":valid?");
  EXPECT_EQ(format_atom("save!"), ":save!");
  EXPECT_EQ(format_atom("_"), ":_");
  EXPECT_EQ(format_atom("hello world"), ":\"hello world\"");
  EXPECT_EQ(format_atom("1a"), ":\"1a\"");
  EXPECT_EQ(format_atom("a?b"), ":\"a?b\"");
  EXPECT_EQ(format_atom(""), ":\"\"");
  EXPECT_EQ(format_atom("m.f/1"), ":\"m.f/1\"");
  EXPECT_EQ(format_atom("say \"hi\"\\\n"), ":\"say \\\"hi\\\"\\\\\\n\"");
  EXPECT_EQ(format_atom(std::string("a\x01", 2)), ":\"a\\x01\"");
  EXPECT_EQ(format_atom("caf\xC3\xA9"), ":\"caf\xC3\xA9\"");
}

class Printer : public ::testing::Test, public Terms {};

TEST_F(Printer, Scalars) {
  EXPECT_EQ(str(I(42)), "42");
  EXPECT_EQ(str(I(-7)), "-7");
  EXPECT_EQ(str(I(kSmallIntMin)), "-140737488355328");
  EXPECT_EQ(str(F(1.0e20)), "1.0e20");
  EXPECT_EQ(str(atom("ok")), ":ok");
  EXPECT_EQ(str(atom("two words")), ":\"two words\"");
  EXPECT_EQ(str(kTrue), "true");
  EXPECT_EQ(str(kFalse), "false");
  EXPECT_EQ(str(kAtom_nil), "nil");
  EXPECT_EQ(str(kNil), "[]");
}

TEST_F(Printer, Binaries) {
  EXPECT_EQ(str(bin("text")), "\"text\"");
  EXPECT_EQ(str(bin("")), "\"\"");
  EXPECT_EQ(str(bin("a\nb\t\"q\"\\\r")), "\"a\\nb\\t\\\"q\\\"\\\\\\r\"");
  EXPECT_EQ(str(bin("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80")), "\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  EXPECT_EQ(str(bin(std::string("\x01\x02\x03", 3))), "<<1, 2, 3>>");
  EXPECT_EQ(str(bin("\xFF")), "<<255>>");
  EXPECT_EQ(str(bin("\x1B[0m")), "<<27, 91, 48, 109>>");    // \e is not in our escape set
  EXPECT_EQ(str(bin("\xC3")), "<<195>>");                   // truncated UTF-8
  EXPECT_EQ(str(bin("\xC0\xAF")), "<<192, 175>>");          // overlong
  EXPECT_EQ(str(bin("\xED\xA0\x80")), "<<237, 160, 128>>");  // surrogate
  EXPECT_EQ(str(bin("\xC2\x85")), "<<194, 133>>");          // C1 control
  EXPECT_EQ(str(bin(std::string("a\0b", 3))), "<<97, 0, 98>>");
}

TEST_F(Printer, Containers) {
  EXPECT_EQ(str(tuple({})), "{}");
  EXPECT_EQ(str(tuple({I(1), atom("a")})), "{1, :a}");
  EXPECT_EQ(str(list({I(1), I(2)})), "[1, 2]");
  EXPECT_EQ(str(list({I(1)}, I(2))), "[1 | 2]");
  EXPECT_EQ(str(list({I(1), I(2)}, atom("t"))), "[1, 2 | :t]");
  EXPECT_EQ(str(list({list({}), list({kNil})})), "[[], [[]]]");
  EXPECT_EQ(str(map({})), "%{}");
  EXPECT_EQ(str(map({atom("b"), I(2), atom("a"), I(1)})), "%{a: 1, b: 2}");
  EXPECT_EQ(str(map({kTrue, I(1), atom("ok?"), I(2)})), "%{ok?: 2, true: 1}");
  EXPECT_EQ(str(map({I(1), I(2), atom("a b"), I(3)})), "%{1 => 2, :\"a b\" => 3}");
  EXPECT_EQ(str(map({atom("a"), I(1), I(1), I(2)})), "%{1 => 2, :a => 1}");
  EXPECT_EQ(str(map({F(1.0), atom("f"), I(1), atom("i")})), "%{1 => :i, 1.0 => :f}");
  EXPECT_EQ(str(tuple({map({atom("k"), list({bin("v")})}), F(0.5)})), "{%{k: [\"v\"]}, 0.5}");
}

TEST_F(Printer, HamtMapsPrintInKeyOrder) {
  std::vector<Term> kv;
  for (int i = 19; i >= 0; --i) kv.insert(kv.end(), {I(i), I(i * i)});
  std::string want = "%{";
  for (int i = 0; i < 20; ++i) want += (i ? ", " : "") + std::to_string(i) + " => " + std::to_string(i * i);
  want += "}";
  EXPECT_EQ(str(map(kv)), want);
}

TEST_F(Printer, Closures) {
  FunctionInfo info;
  info.module_atom = atom("mod");
  info.name_atom = atom("name");
  info.arity = 2;
  Term* p = heap.alloc(3);
  p[0] = make_header(BoxKind::Closure, 2);
  p[1] = reinterpret_cast<Term>(&info);
  p[2] = I(5);
  EXPECT_EQ(str(make_boxed(p)), "#Function<mod.name/2>");
}

TEST_F(Printer, DeepNestingAndLongLists) {
  constexpr int kDepth = 1'000'000;
  Term t = kNil;
  for (int i = 0; i < kDepth; ++i) t = make_cons_cell(heap, t, kNil);
  const std::string s = str(t);
  ASSERT_EQ(s.size(), 2u * (kDepth + 1));
  EXPECT_EQ(s.substr(0, 4), "[[[[");
  EXPECT_EQ(s.substr(s.size() - 4), "]]]]");

  Term tup = I(0);
  for (int i = 0; i < kDepth; ++i) tup = tuple({tup});
  EXPECT_EQ(str(tup).size(), 2u * kDepth + 1);

  std::vector<Term> elems(1'000'000, I(1));
  const std::string l = str(list(elems));
  EXPECT_EQ(l.size(), 1 + 1'000'000 + 2 * 999'999 + 1u);
}

}  // namespace
}  // namespace lzr
