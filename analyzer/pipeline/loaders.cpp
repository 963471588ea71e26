#include "analyzer/pipeline/loaders.h"

#include <array>
#include <filesystem>

#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"
#include "analyzer/pipeline/huggingface.h"

namespace dtlint {

namespace {

// In order: the first loader that recognises a file's content wins.
constexpr std::array<PlanLoader, 1> kLoaders{{
    {"huggingface", claims_huggingface_config, load_huggingface_config},
}};

}  // namespace

std::span<const PlanLoader> plan_loaders() {
  return kLoaders;
}

bool is_plan_file_name(std::string_view file_name) {
  for (const PlanLoader& loader : plan_loaders()) {
    if (loader.claims(file_name)) return true;
  }
  return false;
}

document::Node read_plan_json(const std::string& file) {
  const std::string text = read_text_file(file, file, kMaxPlanFileBytes);
  try {
    return document::parse_json(text, file);
  } catch (const document::DocumentError& error) {
    const document::Position at = error.position();
    throw InputError(file, (at.line > 0 ? "line " + std::to_string(at.line) + ", column " +
                                              std::to_string(at.column) + ": "
                                        : std::string()) +
                               error.reason());
  }
}

std::optional<CastPlan> load_plan_file(const std::string& file) {
  const std::string file_name = std::filesystem::path(file).filename().string();
  const document::Node root = read_plan_json(file);
  for (const PlanLoader& loader : plan_loaders()) {
    if (!loader.claims(file_name)) continue;
    if (std::optional<CastPlan> plan = loader.load(file, root)) return plan;
  }
  return std::nullopt;
}

}  // namespace dtlint
