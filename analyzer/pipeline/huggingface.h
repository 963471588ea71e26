// The plan loader for Hugging Face model folders (DESIGN §5): a transformers
// `config.json` declares, in `torch_dtype` (newer versions write `dtype`), the
// dtype the model's weights are cast to when it is loaded with
// `from_pretrained(..., torch_dtype="auto")`, i.e. `Tensor.to(dtype)` on every
// stored weight. The weights are the checkpoint files beside it, found as
// transformers finds them.
//
// Which weights: the first of these that the folder holds, in transformers'
// order (safetensors before pickles, a single file before an index):
//   model.safetensors; model.safetensors.index.json (every shard of its
//   weight_map); pytorch_model.bin; pytorch_model.bin.index.json; then, for
//   folders that transformers would not load but that still pair a config with
//   weights, every *.safetensors file, else every pytorch_model*.bin file.
// Other *.bin files are never taken for weights: a folder's training_args.bin,
// optimizer.bin or scheduler.bin are PyTorch pickles too, and hold no weights.
//
// Which declaration: a dtype at the top of the config covers every weight
// (nested ones are then not read for a cast). Without one (absent, "auto" or
// null), the nested `*_config` objects (text_config, vision_config, ...,
// recursively; never quantization_config, whose dtypes are not a load cast)
// are read: when they all declare the same dtype, the first covers every
// weight; when they differ, a checkpoint does not say which weight belongs to
// which sub-model, so each distinct dtype's first declaration covers every
// weight, and its name says so. A shard missing from the folder is one
// MissingSource, given to the first declaration only (the others would repeat
// it at the same index line).
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "analyzer/pipeline/declaration.h"
#include "document/document.h"

namespace dtlint {

// "config.json".
bool claims_huggingface_config(std::string_view file_name);

// nullopt unless `root` is a transformers config: an object with a `torch_dtype`
// or `dtype` key (at the top or in a nested `*_config` object) and at least one
// of `model_type`, `architectures`, `transformers_version` at the top. A config
// that declares no cast ("auto", null) gives an empty plan. Throws InputError
// for an unknown dtype (at its line and column), an index that cannot be read
// or names a shard that is not a plain file name in the folder.
std::optional<CastPlan> load_huggingface_config(const std::string& file, const document::Node& root);

// A config.json is parsed only when its first kPlanSniffBytes hold one of
// these: keys transformers writes (sorted, so "architectures" comes early even
// when an id2label map of thousands of classes pushes "torch_dtype" far down).
inline constexpr std::array<std::string_view, 5> kHuggingFaceMarkersText{
    "\"architectures\"", "\"model_type\"", "\"torch_dtype\"", "\"dtype\"", "\"transformers_version\""};
inline constexpr std::span<const std::string_view> kHuggingFaceMarkers{kHuggingFaceMarkersText};

// At most this many shards missing from a folder are reported one by one; the
// rest are counted in one more MissingSource (a hostile index may list a million).
inline constexpr std::size_t kMaxMissingShardsListed = 16;

}  // namespace dtlint
