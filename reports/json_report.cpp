#include "reports/json_report.h"

#include <cmath>
#include <memory>
#include <ostream>
#include <sstream>

#include "analyzer/formats/untrusted_text.h"
#include "reports/json_writer.h"
#include "reports/spool.h"

namespace dtlint {

using Json = nlohmann::ordered_json;

Json value_json(long double value, bool integer) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (integer) {
    if (value < 0) return static_cast<std::int64_t>(value);
    return static_cast<std::uint64_t>(value);
  }
  const double d = static_cast<double>(value);
  if (!std::isfinite(d)) return nullptr;  // a long double beyond double's range
  return d;
}

namespace {

// RFC 4648 base64 with padding: the exact bytes of a name that is not UTF-8.
std::string base64(std::string_view bytes) {
  constexpr std::string_view kDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      group = group << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? kDigits[group >> (18 - 6 * k) & 0x3F] : '=';
    }
  }
  return out;
}

// The report is written as a stream: a folder of many thousands of arrays
// gives megabytes of JSON, and building a document tree first would cost more
// than the scan. value() writes what value_json() builds.
class JsonReport {
 public:
  JsonReport(std::string& out, Semantics semantics, const std::filesystem::path& root = {})
      : w_(out), semantics_(semantics), root_(root) {}
  // Continues a top-level list, "arrays" or "findings" (see JsonWriter's
  // continuation constructor), from its first element.
  JsonReport(std::string& out, Semantics semantics, const std::filesystem::path& root, bool first)
      : w_(out, 2, first), semantics_(semantics), root_(root) {}

  void flush() { w_.flush(); }

  void value(long double v, bool integer) {
    if (std::isnan(v)) {
      w_.string("nan");
    } else if (std::isinf(v)) {
      w_.string(v > 0 ? "inf" : "-inf");
    } else if (integer) {
      if (v < 0) {
        w_.number(static_cast<std::int64_t>(v));
      } else {
        w_.number(static_cast<std::uint64_t>(v));
      }
    } else {
      w_.number(static_cast<double>(v));  // beyond double's range: null
    }
  }
  void optional_value(const char* key, const std::optional<long double>& v, bool integer) {
    w_.key(key);
    if (v) {
      value(*v, integer);
    } else {
      w_.null();
    }
  }
  void optional_string(const char* key, const std::optional<std::string>& text) {
    w_.key(key);
    if (text) {
      w_.string(*text);
    } else {
      w_.null();
    }
  }
  void count(const char* key, std::uint64_t n) { w_.key(key).number(n); }
  void text(const char* key, std::string_view s) { w_.key(key).string(s); }
  // "path" and "member" as text, each followed by its exact bytes ("path_bytes",
  // "member_bytes", base64) only when it is not valid UTF-8: JSON text would
  // show those bytes as U+FFFD, and the report would no longer name the file.
  void location(const std::string& path, const std::optional<std::string>& member) {
    text("path", path);
    if (invalid_utf8_at(path)) text("path_bytes", base64(path));
    optional_string("member", member);
    if (member && invalid_utf8_at(*member)) text("member_bytes", base64(*member));
  }
  void index(const std::vector<std::uint64_t>& values) {
    w_.begin_array();
    for (std::uint64_t v : values) w_.number(v);
    w_.end_array();
  }

  void source_stats(const SourceStats& s, bool integer) {
    w_.begin_object();
    count("nan", s.nan.count);
    count("pos_inf", s.pos_inf.count);
    count("neg_inf", s.neg_inf.count);
    count("zero", s.zero);
    count("non_integral", s.non_integral.count);
    optional_value("finite_min", s.finite_min, integer);
    optional_value("finite_max", s.finite_max, integer);
    optional_value("abs_min_nonzero", s.abs_min_nonzero, integer);
    optional_value("abs_max", s.abs_max, integer);
    // The finite values' spread: never integers (a mean of integers is not one).
    const std::optional<long double> spread = s.moments.stddev();
    optional_value("mean", spread ? std::optional<long double>(s.moments.mean) : std::nullopt, false);
    optional_value("std", spread, false);
    w_.end_object();
  }

  void cast(const CastStats& c) {
    w_.begin_object();
    text("target", name(c.target));
    w_.key("lossless").boolean(c.lossless);
    for (std::size_t i = 0; i < kCastCounterCount; ++i) {
      w_.key(field_name(static_cast<CastCounter>(i))).number(c.counters[i].count);
    }
    w_.key("max_abs_error").number(static_cast<double>(c.max_abs_error));
    w_.key("max_rel_error").number(static_cast<double>(c.max_rel_error));
    w_.key("diverging").begin_object();
    for (Semantics other : kAllSemantics) {
      if (other != semantics_)
        w_.key(to_string(other)).number(c.diverging[static_cast<std::size_t>(other)].count);
    }
    w_.end_object();
    w_.key("rtol").number(c.rtol);
    w_.key("atol").number(c.atol);
    w_.key("scale_exponent").number(static_cast<std::int64_t>(c.scale_exponent));
    if (c.amax_scale) w_.key("amax_scale").boolean(true);  // --fp8-scale auto
    // Only on a declared cast's own entries: the ordinary targets' entries stay as they were.
    if (c.semantics) text("semantics", to_string(*c.semantics));
    if (c.declared_only) w_.key("declared").boolean(true);
    w_.end_object();
  }

  void array(const ArrayResult& a) {
    const bool integer = is_integer(a.dtype) || a.dtype == DType::Bool;
    w_.begin_object();
    location(a.location.path, a.location.member);
    text("dtype", name(a.dtype));
    text("stored_dtype", a.stored_dtype);
    w_.key("shape");
    index(a.shape);
    count("elements", a.elements);
    text("order", a.fortran_order ? "F" : "C");
    if (a.shared_storage) {  // only for checkpoint tensors that share their storage
      w_.key("shared_storage").begin_object();
      text("storage", a.shared_storage->storage);
      count("views", a.shared_storage->views);
      w_.key("with").begin_array();
      for (const std::string& other : a.shared_storage->with) w_.string(other);
      w_.end_array();
      w_.end_object();
    }
    w_.key("source_stats");
    source_stats(a.analysis.source, integer);
    w_.key("casts").begin_array();
    for (const CastStats& c : a.analysis.casts) cast(c);
    w_.end_array();
    w_.key("scaled").begin_array();
    for (const CastStats& c : a.analysis.scaled) cast(c);
    w_.end_array();
    w_.end_object();
  }

  void finding(const Finding& f) {
    w_.begin_object();
    text("rule", f.rule->code());
    text("name", f.rule->name());
    text("severity", to_string(f.severity));
    text("message", f.message);
    location(f.location.path, f.location.member);
    optional_string("target", f.target ? std::optional<std::string>(name(*f.target)) : std::nullopt);
    count("count", f.count);
    w_.key("first_index");
    if (f.first_index) {
      index(*f.first_index);
    } else {
      w_.null();
    }
    w_.key("first_value");
    if (f.first_value) {
      value(*f.first_value, f.first_value_is_integer);
    } else {
      w_.null();
    }
    for (const auto& [key, number] :
         {std::pair{"line", f.location.line}, std::pair{"column", f.location.column}}) {
      w_.key(key);
      if (number) {
        w_.number(static_cast<std::int64_t>(*number));
      } else {
        w_.null();
      }
    }
    // Always present, as line and column are: a finding's keys do not depend on its kind.
    w_.key("related");
    if (f.related) {
      w_.begin_object();
      location(f.related->path, f.related->member);
      w_.end_object();
    } else {
      w_.null();
    }
    // Self-contained: the share of the array, the dtype cast from, the identity
    // the baseline and SARIF know the finding by, and the fix.
    w_.key("fraction");
    if (f.elements) {
      w_.number(static_cast<double>(f.count) / static_cast<double>(f.elements));
    } else {
      w_.null();
    }
    optional_string("source_dtype",
                    f.source_dtype ? std::optional<std::string>(name(*f.source_dtype)) : std::nullopt);
    text("fingerprint", fingerprint(f, root_));
    optional_string("suggestion",
                    f.suggestion.empty() ? std::nullopt : std::optional<std::string>(f.suggestion));
    w_.end_object();
  }

  // {"path", "member", <key>: text} for an unreadable or skipped input.
  void input(const std::string& path, const std::optional<std::string>& member, const char* key,
             const std::string& message) {
    w_.begin_object();
    location(path, member);
    text(key, message);
    w_.end_object();
  }

  // Everything up to the opening of the "arrays" list: the head and the summary.
  void opening(const ReportHead& head, const ReportSummary& summary) {
    w_.begin_object();
    w_.key("schema_version").number(std::int64_t{kSchemaVersion});
    w_.key("tool").begin_object();
    text("name", "dtlint");
    text("version", DTLINT_VERSION);
    w_.end_object();
    text("semantics", to_string(head.semantics));
    optional_string("config",
                    head.config_file.empty() ? std::nullopt : std::optional<std::string>(head.config_file));
    w_.key("targets").begin_array();
    for (DType t : head.targets) w_.string(name(t));
    w_.end_array();

    const auto& counts = summary.findings_by_severity;
    w_.key("summary").begin_object();
    count("inputs", summary.inputs);
    count("arrays", summary.arrays);
    count("unreadable", summary.unreadable);
    count("skipped", summary.skipped);
    count("suppressed", summary.suppressed);
    w_.key("baseline");
    if (summary.baseline) {
      w_.begin_object();
      count("matched", summary.baseline->matched);
      count("fixed", summary.baseline->fixed);
      w_.end_object();
    } else {
      w_.null();
    }
    w_.key("findings").begin_object();
    count("error", counts[static_cast<std::size_t>(Severity::Error)]);
    count("warning", counts[static_cast<std::size_t>(Severity::Warning)]);
    count("note", counts[static_cast<std::size_t>(Severity::Note)]);
    w_.end_object();
    w_.end_object();
    w_.key("arrays").begin_array();
  }

  // Closes a list whose elements a continuation writer wrote in between.
  void close_list(bool any_elements) { w_.continued(any_elements).end_array(); }
  void open_list(const char* key) { w_.key(key).begin_array(); }

  void closing(std::span<const Problem> problems, std::span<const Skipped> skipped) {
    w_.key("problems").begin_array();
    for (const Problem& p : problems) input(p.location.path, p.location.member, "message", p.message);
    w_.end_array();
    w_.key("skipped").begin_array();
    for (const Skipped& s : skipped) input(s.location.path, s.location.member, "reason", s.reason);
    w_.end_array();
    w_.end_object();
  }

 private:
  JsonWriter w_;
  Semantics semantics_;
  std::filesystem::path root_;  // fingerprints' paths are relative to it
};

// A list written apart, after the summary: its text goes to a spool a
// block at a time.
class SpooledList {
 public:
  SpooledList(Semantics semantics, const std::filesystem::path& root)
      : writer_(text_, semantics, root, true) {}
  JsonReport& writer() { return writer_; }
  // Called after each element: moves finished text to the spool.
  void written() {
    any_ = true;
    if (text_.size() >= kBlockBytes) {
      spool_.append(text_);
      text_.clear();
    }
  }
  bool any() const { return any_; }
  void copy_to(std::ostream& out) {
    writer_.flush();
    spool_.append(text_);
    text_.clear();
    spool_.copy_to(out);
  }

 private:
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 16;
  std::string text_;
  JsonReport writer_;
  Spool spool_;
  bool any_ = false;
};

// The canonical JSON report as a stream. Its layout puts the summary before
// the arrays and the findings, so those two lists are spooled and copied out
// after it at the end.
class JsonReportStream final : public ReportStream {
 public:
  JsonReportStream(const ReportHead& head, const std::filesystem::path& root, std::ostream& out)
      : head_(head), out_(out), arrays_(head.semantics, root), findings_(head.semantics, root) {}

  void array(const ArrayResult& a) override {
    arrays_.writer().array(a);
    arrays_.written();
  }
  void finding(const Finding& f) override {
    findings_.writer().finding(f);
    findings_.written();
  }
  void finish(const ReportSummary& summary, std::span<const Problem> problems,
              std::span<const Skipped> skipped) override {
    std::string text;
    JsonReport report(text, head_.semantics);
    const auto write_text = [&] {
      report.flush();
      out_ << text;
      text.clear();
    };
    report.opening(head_, summary);
    write_text();
    arrays_.copy_to(out_);
    report.close_list(arrays_.any());
    report.open_list("findings");
    write_text();
    findings_.copy_to(out_);
    report.close_list(findings_.any());
    report.closing(problems, skipped);
    write_text();
    out_ << '\n';
  }

 private:
  ReportHead head_;
  std::ostream& out_;
  SpooledList arrays_, findings_;
};

}  // namespace

std::unique_ptr<ReportStream> json_report_stream(const ReportHead& head, const std::filesystem::path& root,
                                                 std::ostream& out) {
  return std::make_unique<JsonReportStream>(head, root, out);
}

void write_json(const Report& report, std::ostream& out, const std::filesystem::path& root) {
  JsonReportStream stream(report.head(), root, out);
  stream_report(report, stream);
}

std::string render_json(const Report& report, const std::filesystem::path& root) {
  std::ostringstream out;
  write_json(report, out, root);
  return std::move(out).str();
}

}  // namespace dtlint
