#include "reports/text_report.h"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>
#include <vector>

#include "reports/printable_text.h"
#include "rules/evaluate.h"

namespace dtlint {
namespace {

struct Style {
  bool on;
  std::string operator()(std::string_view code, const std::string& text) const {
    return on ? "\033[" + std::string(code) + "m" + text + "\033[0m" : text;
  }
};

std::string_view severity_colour(Severity s) {
  switch (s) {
    case Severity::Error: return "1;31";
    case Severity::Warning: return "1;33";
    case Severity::Note: return "1;36";
  }
  return "0";
}

std::string plural(std::uint64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string index_text(const std::vector<std::uint64_t>& index) {
  std::string text = "[";
  for (std::size_t i = 0; i < index.size(); ++i) text += (i ? ", " : "") + std::to_string(index[i]);
  return text + "]";
}

}  // namespace

std::string render_summary(const ReportHead& head, const ReportSummary& summary) {
  const auto& counts = summary.findings_by_severity;
  std::string out = "dtlint (" + std::string(to_string(head.semantics)) +
                    "): " + plural(summary.inputs, "input") + ", " + plural(summary.arrays, "array") + ", " +
                    std::to_string(summary.unreadable) + " unreadable, " + std::to_string(summary.skipped) +
                    " skipped; " + plural(counts[2], "error") + ", " + plural(counts[1], "warning") + ", " +
                    plural(counts[0], "note");
  if (summary.suppressed) out += "; " + std::to_string(summary.suppressed) + " suppressed";
  if (summary.baseline) {
    out += "; " + std::to_string(summary.baseline->matched) + " known to the baseline";
    if (summary.baseline->fixed)
      out += ", " + std::to_string(summary.baseline->fixed) +
             (summary.baseline->fixed == 1 ? " baseline entry is" : " baseline entries are") +
             " fixed and can be removed";
  }
  return out + "\n";
}

std::string render_summary(const Report& report) {
  return render_summary(report.head(), report.summary());
}

namespace {

// What a finding of a DT1xx cast rule says, cut to a phrase that takes a list
// of targets: one line for a tensor's findings of one rule over several targets.
std::string_view cause_phrase(std::string_view code) {
  static const std::map<std::string_view, std::string_view> kPhrases = {
      {"DT101", "overflows to ±inf in"},
      {"DT102", "lies out of range of"},
      {"DT103", "has NaN or ±inf with no value in"},
      {"DT104", "flushes to zero in"},
      {"DT105", "lands in the subnormal range of"},
      {"DT106", "exceeds the tolerance in"},
      {"DT107", "loses fractional parts in"},
      {"DT108", "loses the sign in"},
      {"DT109", "loses imaginary parts in"},
      {"DT110", "has integers that are not exact in"},
      {"DT111", "gives different results per framework in"},
  };
  const auto it = kPhrases.find(code);
  return it == kPhrases.end() ? std::string_view() : it->second;
}

std::string count_text(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " value" : " values");
}

// The severities of one rule's findings: "[error]", or "[error ×40, warning ×8]".
std::string severities_text(const std::array<std::uint64_t, 3>& by_severity) {
  std::string text;
  std::size_t kinds = 0;
  for (std::uint64_t n : by_severity) kinds += n != 0;
  for (std::size_t s = by_severity.size(); s-- > 0;) {
    if (!by_severity[s]) continue;
    if (!text.empty()) text += ", ";
    text += to_string(static_cast<Severity>(s));
    if (kinds > 1) text += " ×" + std::to_string(by_severity[s]);
  }
  return "[" + text + "]";
}

// Findings per rule, in catalogue order: --statistics, and the closing table of a big scan.
class RuleTally {
 public:
  void add(const Finding& f) {
    auto& entry = counts_[f.rule];
    ++entry[static_cast<std::size_t>(f.severity)];
  }
  bool empty() const { return counts_.empty(); }
  std::size_t rules() const { return counts_.size(); }
  // One row per rule, most findings first (then by code), ruff's layout:
  // "   48  DT101  cast-overflow  [error]".
  std::string table(const Style& style) const {
    std::vector<std::pair<std::uint64_t, const Rule*>> rows;
    for (const auto& [rule, by_severity] : counts_) {
      rows.emplace_back(by_severity[0] + by_severity[1] + by_severity[2], rule);
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second->code() < b.second->code();
    });
    std::size_t count_width = 1, code_width = 1, name_width = 1;
    for (const auto& [n, rule] : rows) {
      count_width = std::max(count_width, std::to_string(n).size());
      code_width = std::max(code_width, rule->code().size());
      name_width = std::max(name_width, rule->name().size());
    }
    std::string out;
    for (const auto& [n, rule] : rows) {
      const std::string count = std::to_string(n);
      const std::string name(rule->name());
      const std::string code(rule->code());
      out += std::string(count_width - count.size(), ' ') + count + "  " + style("1", code) +
             std::string(code_width - code.size() + 2, ' ') + name +
             std::string(name_width - name.size(), ' ') + "  " + severities_text(counts_.at(rule)) + "\n";
    }
    return out;
  }

 private:
  std::map<const Rule*, std::array<std::uint64_t, 3>> counts_;
};

// The text report as the scan goes. One line per array and cause: a tensor's
// findings of one rule for several targets are one line (the JSON keeps one
// finding per target), so only the current array's findings are held. Past
// kLinesPerRuleAndFile lines of one rule in one file the rest are counted
// and named in one line when the file is done; a run over many files ends
// with the findings per rule. Memory: one array's findings and a count per
// rule, whatever the number of files.
class TextReportStream final : public ReportStream {
 public:
  TextReportStream(const ReportHead& head, const TextOptions& options, std::ostream& out)
      : head_(head), style_{options.colour}, options_(options), out_(out) {}

  void array(const ArrayResult&) override { flush_group(); }
  void finding(const Finding& f) override {
    any_ = true;
    tally_.add(f);
    if (options_.statistics) return;
    // Findings at a text position (config lines) are lines of their own, never left out.
    if (f.location.line) {
      flush_group();
      enter_file(f.location.path);
      out_ << line_for(f, {});
      if (!f.source_line.empty()) out_ << source_excerpt(f);
      return;
    }
    if (!group_.empty() && !(group_.front().location == f.location)) flush_group();
    group_.push_back(f);
    // Only findings about a cast to a target share a line with others.
    if (!f.target) flush_group();
  }
  void finish(const ReportSummary& summary, std::span<const Problem>, std::span<const Skipped>) override {
    flush_group();
    enter_file({});
    if (options_.statistics) out_ << tally_.table(style_);
    // Quiet (no summary) means findings only: with none, nothing at all.
    if (!options_.summary) return;
    if (!any_) out_ << "No findings.\n";
    // A run over many files: which rules fired, counted, before the verdict.
    if (!options_.statistics && (files_ > kFilesForRuleTable || elided_any_) && !tally_.empty())
      out_ << "\nFindings per rule:\n" << tally_.table(style_);
    out_ << render_summary(head_, summary);
  }

 private:
  static constexpr std::uint64_t kLinesPerRuleAndFile = 20;
  // A folder of many small files: past this many lines of one rule, its files are counted.
  static constexpr std::uint64_t kLinesPerRuleAndFolder = 50;
  static constexpr std::uint64_t kFilesForRuleTable = 10;

  // The file the next lines are about: when it changes, the one before says
  // what it left out; when its folder changes, the folder does.
  void enter_file(const std::string& path) {
    if (path == file_ && files_) return;
    if (!elided_.empty()) {
      std::string line = style_("1", printable_text(file_)) + ": …";
      bool first = true;
      for (const auto& [code, n] : elided_) {
        line += (first ? " and " : ", ") + std::to_string(n) + " more " + (n == 1 ? "tensor" : "tensors") +
                " with " + std::string(code);
        first = false;
      }
      out_ << line << " (every one is in --format json)\n";
      elided_.clear();
      elided_any_ = true;
    }
    lines_.clear();
    const std::string folder = folder_of(path);
    if (folder != folder_ || path.empty()) {
      if (!folder_elided_.empty()) {
        std::string line = style_("1", printable_text(folder_.empty() ? "." : folder_)) + "/: …";
        bool first = true;
        for (const auto& [code, left_out] : folder_elided_) {
          line += (first ? " " : ", ") + std::string(code) + " in " + std::to_string(left_out.files) +
                  " more " + (left_out.files == 1 ? "file" : "files");
          first = false;
        }
        out_ << line << " of this folder (every finding is in --format json)\n";
        folder_elided_.clear();
        elided_any_ = true;
      }
      folder_lines_.clear();
      folder_ = folder;
    }
    file_ = path;
    if (!path.empty()) ++files_;
  }

  static std::string folder_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
  }

  // The held array's findings as one line per rule, in the order the rules came.
  void flush_group() {
    if (group_.empty()) return;
    enter_file(group_.front().location.path);
    std::vector<const Rule*> order;
    for (const Finding& f : group_) {
      if (std::find(order.begin(), order.end(), f.rule) == order.end()) order.push_back(f.rule);
    }
    for (const Rule* rule : order) {
      std::vector<const Finding*> same;
      for (const Finding& f : group_) {
        if (f.rule == rule) same.push_back(&f);
      }
      if (++lines_[rule->code()] > kLinesPerRuleAndFile) {
        ++elided_[rule->code()];
        continue;
      }
      if (++folder_lines_[rule->code()] > kLinesPerRuleAndFolder) {
        FolderElided& left_out = folder_elided_[rule->code()];
        if (left_out.last_file != file_) {
          ++left_out.files;
          left_out.last_file = file_;
        }
        continue;
      }
      out_ << line_for(*same.front(), same);
    }
    group_.clear();
  }

  // The source line under a C/C++ finding and a caret under its column, as
  // compilers print them: tabs expanded to stops of 8, a multi-byte UTF-8
  // character one column, the range to its end (one past its last byte) in tildes.
  std::string source_excerpt(const Finding& f) const {
    constexpr std::size_t kTabStop = 8;
    std::string expanded;
    std::size_t width = 0, caret_at = 0, caret_end = 0;
    const std::size_t column = f.location.column ? static_cast<std::size_t>(*f.location.column) : 0;
    const std::size_t end = f.location.end_line == f.location.line && f.location.end_column
                                ? static_cast<std::size_t>(*f.location.end_column)
                                : 0;
    for (std::size_t byte = 0; byte <= f.source_line.size(); ++byte) {
      if (byte + 1 == column) caret_at = width;
      if (byte + 1 == end) caret_end = width;
      if (byte == f.source_line.size()) break;
      const char c = f.source_line[byte];
      if (c == '\t') {
        const std::size_t next = (width / kTabStop + 1) * kTabStop;
        expanded.append(next - width, ' ');
        width = next;
      } else {
        expanded += c;
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;  // a continuation byte: no column
      }
    }
    const std::string text = printable_text(expanded);
    // Escaped bytes moved the columns (or there is no column): the line alone.
    if (text != expanded || !column || column > f.source_line.size() + 1) return "    " + text + "\n";
    const std::string marks = "^" + std::string(caret_end > caret_at + 1 ? caret_end - caret_at - 1 : 0, '~');
    return "    " + text + "\n    " + std::string(caret_at, ' ') + style_("1;32", marks) + "\n";
  }

  // "path:member: severity CODE what; first at …— fix [name]". `same`: the
  // array's findings of this rule, one per target (empty: `f` alone).
  std::string line_for(const Finding& f, const std::vector<const Finding*>& same) const {
    // Paths, member names and the messages that quote them come from the inputs:
    // one finding is one line, whatever bytes they hold.
    std::string where = printable_text(f.location.path);
    if (f.location.member) where += ":" + printable_text(*f.location.member);
    // A text position as compilers write it, so that editors and terminals jump to it.
    if (f.location.line) {
      where += ":" + std::to_string(*f.location.line);
      if (f.location.column) where += ":" + std::to_string(*f.location.column);
    }
    Severity severity = f.severity;
    for (const Finding* other : same) severity = std::max(severity, other->severity);
    const std::string_view phrase = cause_phrase(f.rule->code());
    const bool merged = same.size() > 1 && !phrase.empty();
    std::string what;
    if (merged) {
      // "overflows to ±inf in float16 (48 of 3000 values), float8_e4m3fn (96)"
      what = std::string(phrase);
      for (std::size_t i = 0; i < same.size(); ++i) {
        const Finding& g = *same[i];
        what += (i ? ", " : " ") + std::string(name(*g.target)) + " (" +
                (i == 0 && g.elements ? std::to_string(g.count) + " of " + count_text(g.elements)
                                      : std::to_string(g.count)) +
                ")";
      }
    } else {
      what = printable_text(f.message);
    }
    std::string line = style_("1", where) + ": " +
                       style_(severity_colour(severity), std::string(to_string(severity))) + " " +
                       style_("1", std::string(f.rule->code())) + " " + what;
    if (!merged) {
      if (names_related_data(f)) line += " (data: " + printable_text(f.related->display()) + ")";
      // A rule without a phrase keeps one line per target: the others follow as their own lines.
    }
    if (f.first_index && f.first_value) {
      line += "; first at " + index_text(*f.first_index) + " = " + format_number(*f.first_value);
      // The targets may meet their first offending element at different places: say whose it is.
      if (merged && std::any_of(same.begin(), same.end(),
                                [&f](const Finding* g) { return g->first_index != f.first_index; }))
        line += " for " + std::string(name(*f.target));
    }
    // The fix, once when the targets agree on it.
    std::vector<std::string> fixes;
    const auto add_fix = [&fixes](const Finding& g) {
      if (!g.suggestion.empty() && std::find(fixes.begin(), fixes.end(), g.suggestion) == fixes.end())
        fixes.push_back(g.suggestion);
    };
    if (merged) {
      for (const Finding* g : same) add_fix(*g);
    } else {
      add_fix(f);
    }
    for (std::size_t i = 0; i < fixes.size(); ++i) line += (i ? "; " : " — ") + printable_text(fixes[i]);
    line += " [" + std::string(f.rule->name()) + "]\n";
    if (same.size() > 1 && !merged) {
      // No phrase for this rule: each target's finding is its own line.
      std::string all;
      for (const Finding* g : same) all += line_for(*g, {});
      return all;
    }
    return line;
  }

  ReportHead head_;
  Style style_;
  TextOptions options_;
  std::ostream& out_;
  bool any_ = false;
  RuleTally tally_;
  std::vector<Finding> group_;                        // the current array's findings with a target
  std::string file_;                                  // the file the last lines were about
  std::uint64_t files_ = 0;                           // files with findings so far
  std::map<std::string_view, std::uint64_t> lines_;   // this file's lines per rule code
  std::map<std::string_view, std::uint64_t> elided_;  // this file's lines left out per rule code
  std::string folder_;  // the folder of file_ ('/'-separated as given; empty: none)
  std::map<std::string_view, std::uint64_t> folder_lines_;  // this folder's lines per rule code
  struct FolderElided {
    std::uint64_t files = 0;  // files whose lines of the rule were left out
    std::string last_file;
  };
  std::map<std::string_view, FolderElided> folder_elided_;  // per rule code
  bool elided_any_ = false;
};

}  // namespace

std::unique_ptr<ReportStream> text_report_stream(const ReportHead& head, const TextOptions& options,
                                                 std::ostream& out) {
  return std::make_unique<TextReportStream>(head, options, out);
}

std::string render_text(const Report& report, bool colour, bool summary) {
  return render_text(report, TextOptions{.colour = colour, .summary = summary});
}

std::string render_text(const Report& report, const TextOptions& options) {
  std::ostringstream out;
  TextReportStream stream(report.head(), options, out);
  stream_report(report, stream);
  return std::move(out).str();
}

}  // namespace dtlint
