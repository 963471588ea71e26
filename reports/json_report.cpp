#include "reports/json_report.h"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <thread>

#include "analyzer/formats/untrusted_text.h"
#include "reports/json_writer.h"

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

std::vector<std::string> arrays_in_parallel(const Report& r);

// Bytes of JSON per array entry, for reserving: about 600 plus 650 per cast.
std::size_t array_bytes(const ArrayResult& a) {
  return 600 + 650 * a.analysis.casts.size();
}

// The report is written as a stream: a folder of many thousands of arrays
// gives megabytes of JSON, and building a document tree first would cost more
// than the scan. value() writes what value_json() builds.
class ReportWriter {
 public:
  ReportWriter(std::string& out, Semantics semantics) : out_(&out), w_(out), semantics_(semantics) {}
  // Continues the top-level "arrays" list (see JsonWriter's continuation constructor).
  ReportWriter(std::string& out, Semantics semantics, bool first)
      : out_(&out), w_(out, 2, first), semantics_(semantics) {}

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
    w_.key("source_stats");
    source_stats(a.analysis.source, integer);
    w_.key("casts").begin_array();
    for (const CastStats& c : a.analysis.casts) cast(c);
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

  // Writes the report, handing finished text to `sink` in order: what comes
  // before the arrays, each part of the arrays list, then the rest.
  template <typename Sink>
  void report(const Report& r, const Sink& sink) {
    w_.begin_object();
    w_.key("schema_version").number(std::int64_t{kSchemaVersion});
    w_.key("tool").begin_object();
    text("name", "dtlint");
    text("version", DTLINT_VERSION);
    w_.end_object();
    text("semantics", to_string(r.semantics));
    optional_string("config",
                    r.config_file.empty() ? std::nullopt : std::optional<std::string>(r.config_file));
    w_.key("targets").begin_array();
    for (DType t : r.targets) w_.string(name(t));
    w_.end_array();

    const auto counts = r.counts_by_severity();
    w_.key("summary").begin_object();
    count("inputs", r.scan.inputs);
    count("arrays", r.scan.arrays.size());
    count("unreadable", r.scan.problems.size());
    count("skipped", r.scan.skipped.size());
    count("suppressed", r.suppressed);
    w_.key("baseline");
    if (r.baseline) {
      w_.begin_object();
      count("matched", r.baseline->matched);
      count("fixed", r.baseline->fixed);
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
    w_.flush();
    sink(*out_);
    out_->clear();
    for (const std::string& part : arrays_in_parallel(r)) {
      sink(part);
      w_.continued(!part.empty());
    }
    w_.end_array();
    w_.key("findings").begin_array();
    for (const Finding& f : r.findings) finding(f);
    w_.end_array();
    w_.key("problems").begin_array();
    for (const Problem& p : r.scan.problems) input(p.location.path, p.location.member, "message", p.message);
    w_.end_array();
    w_.key("skipped").begin_array();
    for (const Skipped& s : r.scan.skipped) input(s.location.path, s.location.member, "reason", s.reason);
    w_.end_array();
    w_.end_object();
    w_.flush();
  }

 private:
  std::string* out_;  // what w_ writes to
  JsonWriter w_;
  Semantics semantics_;
};

// The "arrays" list is most of a large report and each entry stands alone:
// parts of it are written on several threads and joined in order.
std::vector<std::string> arrays_in_parallel(const Report& r) {
  const std::vector<ArrayResult>& arrays = r.scan.arrays;
  constexpr std::size_t kPerPart = 256;  // below this, a thread costs more than it saves
  const std::size_t parts =
      std::clamp<std::size_t>(arrays.size() / kPerPart, 1, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::string> texts(parts);
  const auto write_part = [&](std::size_t p) {
    const std::size_t begin = arrays.size() * p / parts, end = arrays.size() * (p + 1) / parts;
    std::size_t bytes = 0;
    for (std::size_t i = begin; i < end; ++i) bytes += array_bytes(arrays[i]);
    texts[p].reserve(bytes);
    ReportWriter writer(texts[p], r.semantics, p == 0);
    for (std::size_t i = begin; i < end; ++i) writer.array(arrays[i]);
  };
  std::vector<std::thread> helpers;
  for (std::size_t p = 1; p < parts; ++p) helpers.emplace_back(write_part, p);
  write_part(0);
  for (std::thread& helper : helpers) helper.join();
  return texts;
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
  std::string text;
  text.reserve(4096 +
               500 * (report.findings.size() + report.scan.problems.size() + report.scan.skipped.size()));
  ReportWriter(text, report.semantics).report(report, [&](const std::string& piece) { out << piece; });
  out << text << '\n';
}

std::string render_json(const Report& report) {
  std::string out, text;
  std::size_t bytes =
      4096 + 500 * (report.findings.size() + report.scan.problems.size() + report.scan.skipped.size());
  for (const ArrayResult& a : report.scan.arrays) bytes += array_bytes(a);
  out.reserve(bytes);
  ReportWriter(text, report.semantics).report(report, [&](const std::string& piece) { out += piece; });
  out += text;
  out += '\n';
  return out;
}

}  // namespace dtlint
