// What a CX rule sees when it judges one cast in C/C++ source: the site's
// facts (types, the constant and what the conversion does to it), the rule's
// settings for the file, and where its findings go. The helpers keep the
// messages in one voice: "implicit conversion from 'double' to 'float' …",
// "constant 1e5 becomes inf in 'Eigen::half' …".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/source/cast_site.h"
#include "rules/config.h"
#include "rules/finding.h"
#include "rules/rule.h"

namespace dtlint {

// The kind of judgement a site gets: constants by their value (CX403, CX404),
// everything else by its types (CX401, CX402, CX405, CX406, CX407).
bool judged_by_value(const CastSite& site);

// Whether converting `source` to `target` can change a value: a float
// narrowing (double→float, float→float16, float16→bfloat16), float → integer,
// an integer into a float without enough significand (int32→float32), a
// narrower or other-signed integer.
bool may_change_value(DType source, DType target);

// A 16- or 8-bit floating dtype (float16, bfloat16, the float8s).
bool is_low_precision_float(DType type);

class SiteJudgement {
 public:
  SiteJudgement(const Rule& rule, const CastSite& site, const RuleSetting* setting, std::vector<Finding>& out)
      : rule_(rule), site_(site), setting_(setting), out_(out) {}

  const CastSite& site() const { return site_; }
  // The site's source and target dtypes, when both are known.
  std::optional<DType> source() const { return site_.source.dtype; }
  std::optional<DType> target() const { return site_.target.dtype; }

  // Adds a finding of this rule at the site with `message`; the macro the
  // site comes from, if any, is named at the end of the message.
  Finding& add(std::string message);

  // "'double' to 'float'": the types as the code spells them, the dtype in
  // brackets when the spelling does not say it ("'Eigen::half' (float16)").
  std::string types() const;
  // What the target keeps and loses, in numbers: "float keeps 24 significant
  // bits (about 7 decimal digits); finite values above 3.40282e+38 become inf".
  std::string what_target_keeps() const;
  // The constant as the code writes it and its value: "1e5 (100000)", "300".
  std::string constant_text() const;

 private:
  const Rule& rule_;
  const CastSite& site_;
  const RuleSetting* setting_;
  std::vector<Finding>& out_;
};

// An integer dtype's range as messages give it: "-128 to 127".
std::string range_text(DType type);

// A value of `type` printed so that it can be checked: integers exactly;
// float16/bfloat16/float8/float32 values with 9 significant digits (enough to
// tell any two float32 values apart), float64 and long double with 17 and 21.
std::string format_value(long double value, DType type);

// Whether `// dtlint: ignore[CODE]` (a comma-separated list; `ignore` alone:
// every rule) in `line` names `code`.
bool ignore_comment_names(std::string_view line, std::string_view code);

}  // namespace dtlint
