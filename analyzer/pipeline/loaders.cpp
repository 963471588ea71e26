#include "analyzer/pipeline/loaders.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <vector>

#include "analyzer/input_error.h"
#include "analyzer/io/input_file.h"
#include "analyzer/io/mapped_file.h"
#include "analyzer/pipeline/huggingface.h"
#include "analyzer/pipeline/keras.h"

namespace dtlint {

namespace {

// In order: the first loader that recognises a file's content wins.
constexpr std::array<PlanLoader, 2> kLoaders{{
    {"huggingface", claims_huggingface_config, load_huggingface_config, kHuggingFaceMarkers},
    {"keras", &keras::claims_model_json, &keras::load_model_json, keras::kModelJsonMarkers},
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

namespace {

// The loaders that claim the file's name and whose markers its first bytes hold, in table order.
std::vector<const PlanLoader*> candidates_for(const std::string& file) {
  const std::string file_name = std::filesystem::path(file).filename().string();
  std::vector<const PlanLoader*> candidates;
  std::vector<std::byte> prefix;
  try {
    prefix = read_prefix(file, file, kPlanSniffBytes);
  } catch (const InputError&) {
    return candidates;  // a file that cannot be read is not known to be a plan: somebody else's
  }
  const std::string_view head(reinterpret_cast<const char*>(prefix.data()), prefix.size());
  for (const PlanLoader& loader : plan_loaders()) {
    if (!loader.claims(file_name)) continue;
    const bool marked = loader.markers.empty() ||
                        std::any_of(loader.markers.begin(), loader.markers.end(), [&](std::string_view m) {
                          return head.find(m) != std::string_view::npos;
                        });
    if (marked) candidates.push_back(&loader);
  }
  return candidates;
}

}  // namespace

const PlanLoader* recognise_plan_file(const std::string& file) {
  const std::vector<const PlanLoader*> candidates = candidates_for(file);
  return candidates.empty() ? nullptr : candidates.front();
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
  const std::vector<const PlanLoader*> candidates = candidates_for(file);
  if (candidates.empty()) return std::nullopt;
  const document::Node root = read_plan_json(file);
  for (const PlanLoader* loader : candidates) {
    if (std::optional<CastPlan> plan = loader->load(file, root)) return plan;
  }
  return std::nullopt;
}

}  // namespace dtlint
