// Keras dtype policies (DESIGN §5): a Keras model config (`model.to_json()`,
// the config.json of a .keras archive, the model_config attribute of a Keras 2
// .h5) gives each layer a dtype policy — a string ("mixed_float16") or a
// policy object (Keras 2 {"class_name": "Policy", ...}, Keras 3
// {"module": "keras", "class_name": "DTypePolicy", ...}). Keras casts a
// layer's weights to the policy's compute dtype before every use (tf.cast on
// TensorFlow), so a policy whose compute dtype is float16 or bfloat16 is a
// declared cast over that layer's stored weights, judged by PL304 at the
// `dtype` key.
//
// Which weights are a layer's depends on the file they are in:
// - Keras 3 (.keras, *.weights.h5): saving_lib stores the layers of a model
//   under "layers/<name>/vars/<i>", where <name> is the snake_case class name
//   made unique within its list ("dense", "dense_1"), not the layer's name;
//   nested models and wrapped layers add their own path segments
//   ("layers/sequential/layers/dense", "layers/time_distributed/layer").
// - Keras 2 (.h5): a group per top-level layer, named by the layer's name,
//   holding its weights by variable name ("dense/dense/kernel:0"); under
//   "model_weights/" in a whole-model file.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/location.h"
#include "analyzer/pipeline/declaration.h"
#include "analyzer/pipeline/loaders.h"
#include "document/document.h"

namespace dtlint::keras {

// The dtype Keras computes in under a policy of this name, when that is
// narrower than float32: "mixed_float16" and "float16" give float16,
// "mixed_bfloat16" and "bfloat16" bfloat16, a quantized policy
// ("int8_from_mixed_bfloat16") its source's; float32, float64 and names
// Keras does not know give nullopt.
std::optional<DType> compute_dtype(std::string_view policy_name);

// Keras's naming.to_snake_case ("BatchNormalization" -> "batch_normalization",
// "MultiHeadAttention" -> "multi_head_attention", "Conv2D" -> "conv2d").
std::string snake_case(std::string_view class_name);

// One layer (or model) of a config whose policy has a narrower compute dtype.
struct LayerPolicy {
  std::string layer;      // its name in the config (untrusted, as written)
  std::string policy;     // the policy's name as written ("mixed_float16")
  DType compute;          // compute_dtype(policy)
  document::Position at;  // the `dtype` key (its enclosing model's when the layer has none)
  // Member globs over its weights in a Keras 3 file and in a Keras 2 file
  // (relative to the weights' root: without "model_weights/").
  std::vector<std::string> keras3_members, keras2_members;
};

// Whether a parsed JSON document is a Keras model config: a map with a
// "class_name" string and a "config" map, and a "keras_version", a "module"
// starting with "keras" or a "layers" list in its config.
bool is_model_config(const document::Node& root);

// Every layer's policy with a narrower compute dtype, depth first in config
// order. Throws document::DocumentError (`file` names the text) for a dtype
// that is neither a string, a policy object nor null, or a policy object
// without config.name.
std::vector<LayerPolicy> layer_policies(const document::Node& root, const std::string& file);

enum class WeightsLayout {
  Keras3,         // .keras archives, *.weights.h5
  Keras2Model,    // a Keras 2 model.save(".h5"): the weights under model_weights/
  Keras2Weights,  // a Keras 2 save_weights(".h5"): the layers' groups at the root
  Keras2Any,      // a Keras 2 .h5 not yet opened: either of the two
};

// A policy as a declaration, with the member globs of its layer's weights.
struct PolicyDeclaration {
  std::shared_ptr<const CastDeclaration> declaration;
  std::vector<std::string> members;
};

// The declarations of `policies` (kind KerasPolicy, named "layer 'dense_1'
// policy mixed_float16", cast to the compute dtype under TensorFlow's
// semantics), each at `config` (the config file, or a container and its
// member) with the line and column of its `dtype` key.
std::vector<PolicyDeclaration> declarations(std::span<const LayerPolicy> policies, const Location& config,
                                            WeightsLayout layout);

// Each of `members` (a weights file's array names) that a declaration's globs
// match, bound to the first such declaration.
std::vector<DeclaredMember> bind_members(std::span<const PolicyDeclaration> declared,
                                         std::span<const std::string> members);

// What a config inside a weights file (a .keras archive's config.json, a .h5's
// model_config attribute, `member` of `path`) declares over the file's arrays
// named `members`. Throws InputError(path, "member: line L, column C: reason")
// for text that is not JSON or a Keras config that cannot be read; a JSON
// document that is not a Keras model config declares nothing.
std::vector<DeclaredMember> declared_in_file(std::string_view config_text, const std::string& path,
                                             const std::string& member, WeightsLayout layout,
                                             std::span<const std::string> members);

// The plan loader "keras", for `model.to_json()` output: claims `*.json`
// files, recognises Keras model configs (is_model_config) and binds their
// policies to the weights file beside them (keras_weights_file) by member
// globs: Keras 3 paths for a *.weights.h5, else Keras 2 ones (with and
// without "model_weights/"). Without a weights file: one MissingSource at the
// top of the JSON. A weightless layer's globs (Dropout) match nothing. A
// config without a narrower policy is no plan (nullopt).
bool claims_model_json(std::string_view file_name);
inline constexpr std::string_view kModelJsonMarkers[] = {"\"class_name\""};
std::optional<CastPlan> load_model_json(const std::string& file, const document::Node& root);

// The weights file that a Keras model JSON `file` describes, looked for in
// its folder in this order: <stem>.weights.h5, <stem>.h5, <stem>_weights.h5,
// else the folder's only *.weights.h5. nullopt when there is none.
std::optional<std::string> keras_weights_file(const std::string& file);

// A .keras archive's config.json larger than this is not read (its weights are).
inline constexpr std::size_t kMaxConfigBytes = std::size_t{16} << 20;

}  // namespace dtlint::keras
