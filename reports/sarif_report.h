// SARIF 2.1.0, as GitHub code scanning reads it (DESIGN §7): a view of the
// Report with the whole rule catalogue as driver.rules.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "reports/report.h"

namespace dtlint {

// GitHub code scanning rejects a run of more results than this (its documented
// SARIF limits: 25,000 results and 25,000 rules per run, 20 runs per file,
// 1,000 locations per result, 20 tags per rule, 10 MB gzip-compressed).
inline constexpr std::size_t kMaxSarifResults = 25000;

// The log: one run, every catalogue rule in driver.rules (each with helpUri,
// its docs/rules page at kProjectHome), one result per finding, the most
// severe first and each severity in report order, at most kMaxSarifResults
// (the rest counted in invocations[0].toolExecutionNotifications); each
// unreadable input is an error-level execution notification too. Artifact URIs are relative to `root`
// (uriBaseId %SRCROOT%, which originalUriBaseIds resolves to root's file:// URI); files outside root get an
// absolute file:// URI. Each result carries the finding's fingerprint (rules/baseline.h) as
// partialFingerprints."dtlintFingerprint/v1". Deterministic: no timestamps, no absolute paths beyond
// originalUriBaseIds.
std::string render_sarif(const Report& report, const std::filesystem::path& root);
// The same log written as a scan goes: each result as its finding comes.
std::unique_ptr<ReportStream> sarif_report_stream(const ReportHead& head, const std::filesystem::path& root,
                                                  std::ostream& out);

// `path` as an RFC 3986 path: every byte other than an unreserved character
// (A-Z a-z 0-9 - . _ ~) or '/' becomes %XX, so spaces, '#', '%', ':' and bytes
// that are not ASCII (valid UTF-8 or not) are all encoded.
std::string percent_encode_path(std::string_view path);

// A finding's message for annotations, where the location shows only the
// file: the archive member in front (unless the message already names it) and
// the data it is about (Finding::related), the first offending element and
// the suggestion behind, as the text report prints them. Shared by
// the SARIF and GitHub formats.
std::string annotation_message(const Finding& finding);

}  // namespace dtlint
