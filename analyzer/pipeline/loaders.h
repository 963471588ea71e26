// Loaders of the files beside the data that declare casts: a Hugging Face
// model folder's config.json, a Keras model's JSON. One table, as for the
// readers: each loader claims files by name, then by content. The app asks
// them for every plan file discovery finds (DiscoveryOptions::plan_file)
// before any data is read, so the declared casts run in the scan's one pass.
// dtlint's own `pipeline:` entries come with its configuration (rules/config.h).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "analyzer/pipeline/declaration.h"
#include "document/document.h"

namespace dtlint {

struct PlanLoader {
  std::string_view name;  // "huggingface", "keras"
  // Whether a file of this name may be one of this loader's (e.g. "config.json").
  bool (*claims)(std::string_view file_name);
  // The casts the parsed file declares, bound to the data files they cover
  // (named as discovery names them: the config's own folder prefix joined to
  // each file name). nullopt when the content is not this loader's kind (the
  // next loader is asked). Throws InputError (E901 for the file) when it is,
  // but cannot be used.
  std::optional<CastPlan> (*load)(const std::string& file, const document::Node& root);
  // Text one of which a file of this kind holds in its first kPlanSniffBytes
  // (e.g. "torch_dtype"): other JSON is passed over without being parsed, and
  // is never an error. Empty: every claimed file is parsed.
  std::span<const std::string_view> markers = {};
};

inline constexpr std::size_t kPlanSniffBytes = 64 * 1024;

std::span<const PlanLoader> plan_loaders();

// Whether any loader claims a file of this name.
bool is_plan_file_name(std::string_view file_name);

// Reads `file` (a regular file, at most kMaxPlanFileBytes), parses it as JSON
// and hands it to each loader that claims its name and whose markers its first
// bytes hold, in table order: the first plan wins. nullopt when none
// recognises the content (somebody else's JSON: not a finding). Throws
// InputError when a file that looks like a loader's cannot be read, is too
// large, is not JSON, or the loader finds it broken.
std::optional<CastPlan> load_plan_file(const std::string& file);

// Reads `file` (a regular file, at most kMaxPlanFileBytes) and parses it as
// JSON, for load_plan_file and for loaders that read a second file (a
// checkpoint index). Throws InputError(file, "line L, column C: reason").
document::Node read_plan_json(const std::string& file);

// The first loader that claims the file by name and by its first bytes, or
// nullptr (what `dtlint scan --show-files` says of it).
const PlanLoader* recognise_plan_file(const std::string& file);

inline constexpr std::size_t kMaxPlanFileBytes = std::size_t{16} << 20;

}  // namespace dtlint
