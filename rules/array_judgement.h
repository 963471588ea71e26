// What an array rule sees when it judges one array: the array's facts, the
// scan's profile, the rule's options as configured for the array's path, and
// where its findings go. The helpers keep every message in one voice:
// "5 of 3000 values … in float64→float16".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/scan/scan.h"
#include "rules/config.h"
#include "rules/finding.h"
#include "rules/rule.h"

namespace dtlint {

// The options of a rule whose severity depends on the share of the array's
// elements a finding counts (count / elements): below warning_share a note,
// from error_share on an error, a warning between. A configured `severity`
// overrides the grading.
inline constexpr std::string_view kWarningShare = "warning_share";
inline constexpr std::string_view kErrorShare = "error_share";

// The two options of a rule that grades by share, with their defaults.
constexpr std::array<RuleOption, 2> share_options(double warning, double error) {
  return {{
      {.name = kWarningShare,
       .default_value = warning,
       .min = 0.0,
       .max = 1.0,
       .doc = "The finding is a warning from this share of the array's values on (count / elements); below "
              "it, a note."},
      {.name = kErrorShare,
       .default_value = error,
       .min = 0.0,
       .max = 1.0,
       .doc = "The finding is an error from this share of the array's values on."},
  }};
}

// Whether the array holds integer data (ids, labels, counts): holds_integer_data.
bool integer_data(const ArrayResult& array);

// Whether `candidate` is a better narrowing of `source` than `best` (none
// yet: nullptr): the source's kind first (int32 for int64 ids, not float32),
// then the fewer bytes per element.
bool preferred_narrowing(DType source, DType candidate, const DType* best);

class ArrayJudgement {
 public:
  // `setting` is the rule's configured setting for the array's path (nullptr: defaults).
  ArrayJudgement(const Rule& rule, const ArrayResult& array, Semantics semantics, const RuleSetting* setting,
                 std::vector<Finding>& out)
      : rule_(rule), array_(array), semantics_(semantics), setting_(setting), out_(out) {}

  const ArrayResult& array() const { return array_; }
  const SourceStats& source() const { return array_.analysis.source; }
  const std::vector<CastStats>& casts() const { return array_.analysis.casts; }
  Semantics semantics() const { return semantics_; }
  // The value of one of the rule's declared options: configured, else its default.
  double option(std::string_view name) const;

  // The severity configured for the rule (`severity:`), if any.
  std::optional<Severity> configured_severity() const {
    return setting_ && setting_->severity ? setting_->severity : std::nullopt;
  }
  // The severity of a finding counting `count` elements: configured, else by share, else the default.
  Severity severity_for(std::uint64_t count) const;
  // Adds a finding of this rule at severity_for(count); the caller sets the message.
  Finding& add(std::optional<DType> target, std::uint64_t count, const FirstHit& first);
  // One finding per simulated cast whose `counter` is nonzero, worded by
  // message(cast, count). A lossless cast counts only to_subnormal (DT105).
  template <typename Message>
  void for_each_cast(CastCounter counter, const Message& message) {
    for (const CastStats& c : casts()) {
      const Counter& hits = c[counter];
      if (hits.count == 0) continue;
      Finding& f = add(c.target, hits.count, hits.first);
      f.message = message(c, hits.count);
    }
  }

  // The same, leaving out float8 casts whose amax rescaling fits: FP8 is used
  // with a per-tensor scale, so their range trouble is DT113's one note.
  template <typename Message>
  void for_each_cast_deferring_fp8_scale(CastCounter counter, const Message& message) {
    for (const CastStats& c : casts()) {
      const Counter& hits = c[counter];
      if (hits.count == 0 || defers_to_fp8_scale(c)) continue;
      Finding& f = add(c.target, hits.count, hits.first);
      f.message = message(c, hits.count);
    }
  }
  bool defers_to_fp8_scale(const CastStats& cast) const;

  // "5 of 3000 values": the common opening of every count message.
  std::string count_of(std::uint64_t count) const;
  // "float64→float16".
  std::string cast_name(DType target) const;

 private:
  const Rule& rule_;
  const ArrayResult& array_;
  Semantics semantics_;
  const RuleSetting* setting_;
  std::vector<Finding>& out_;
};

}  // namespace dtlint
