#include "analyzer/pipeline/keras.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

#include "analyzer/formats/untrusted_text.h"
#include "analyzer/input_error.h"
#include "document/glob.h"

namespace dtlint::keras {

namespace {

namespace fs = std::filesystem;
using document::Node;

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}

// "line 3, column 7: reason", as the plan loaders say where a JSON file is wrong.
std::string positioned(const document::DocumentError& error) {
  const document::Position at = error.position();
  std::string text;
  if (at.line > 0) text = "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) + ": ";
  // Keys deep in a document are long ("[0][0]..."): their start says enough.
  if (!error.key().empty()) text += escape_untrusted(error.key(), 120) + ": ";
  return text + error.reason();
}

// A layer name as a literal inside a glob (document/glob.h): its wildcard characters escaped.
std::string glob_literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string join(const std::string& parent, std::string_view child) {
  return parent.empty() ? std::string(child) : parent + "/" + std::string(child);
}

const document::Entry* find_entry(const Node& map, std::string_view key) {
  if (map.kind != Node::Kind::Map) return nullptr;
  for (const document::Entry& entry : map.entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

const std::string* string_at(const Node& map, std::string_view key) {
  const Node* value = map.find(key);
  return value && value->kind == Node::Kind::String ? &value->text : nullptr;
}

struct Policy {
  std::string name;
  document::Position at;
};

// Walks a config's layers, recording each leaf layer's effective policy and
// where its weights are stored in each layout.
class Walker {
 public:
  explicit Walker(const std::string& file) : file_(file) {}

  // `object` is a serialized layer ({"class_name", "config"}); `keras3_path`
  // its path in a Keras 3 weights file, `keras2_glob` the glob over its
  // weights in a Keras 2 file (empty: already covered), `keras2_group` the
  // top-level layer group it sits in (empty at the top).
  void layer(const Node& object, const std::string& key, const std::string& keras3_path,
             const std::string& keras2_glob, const std::string& keras2_group,
             const std::optional<Policy>& inherited) {
    const std::string* class_name = string_at(object, "class_name");
    const Node* config = object.find("config");
    if (!class_name || !config || config->kind != Node::Kind::Map) return;
    const std::string* own_name = string_at(*config, "name");
    if (!own_name) own_name = string_at(object, "name");
    const std::string name = own_name ? *own_name : *class_name;
    std::optional<Policy> policy = own_policy(*config, document::child_key(key, "config"));
    if (!policy) policy = inherited;

    const Node* layers = config->find("layers");
    if (layers && layers->kind == Node::Kind::List) {
      // A model: no weights of its own; its layers, each under its
      // snake_case class name made unique within the list (saving_lib).
      std::map<std::string, int> used;
      for (std::size_t i = 0; i < layers->items.size(); ++i) {
        const Node& child = layers->items[i];
        const std::string* child_class = string_at(child, "class_name");
        if (!child_class) continue;
        std::string unique = snake_case(*child_class);
        if (auto [at, fresh] = used.try_emplace(unique, 0); !fresh)
          unique += "_" + std::to_string(++at->second);
        const Node* child_config = child.find("config");
        const std::string* child_name =
            child_config ? string_at(*child_config, "name") : static_cast<const std::string*>(nullptr);
        if (!child_name) child_name = string_at(child, "name");
        const std::string literal = glob_literal(child_name ? *child_name : *child_class);
        const std::string group = keras2_group.empty() ? literal : keras2_group;
        const std::string glob =
            keras2_group.empty() ? literal + "/**" : keras2_group + "/" + literal + "/**";
        layer(child,
              document::index_key(document::child_key(document::child_key(key, "config"), "layers"), i),
              join(keras3_path, "layers/" + glob_literal(unique)), glob, group, policy);
      }
      return;
    }
    const Node* wrapped = config->find("layer");
    if (wrapped && wrapped->kind == Node::Kind::Map && wrapped->find("class_name")) {
      // A wrapper (TimeDistributed, Bidirectional): no weights of its own;
      // Keras 3 keeps the wrapped layer as an attribute ("layer", or
      // Bidirectional's "forward_layer" and "backward_layer"); Keras 2 keeps
      // its weights in the wrapper's group.
      const bool bidirectional = *class_name == "Bidirectional";
      layer(*wrapped, document::child_key(document::child_key(key, "config"), "layer"),
            join(keras3_path, bidirectional ? "forward_layer" : "layer"), keras2_glob, keras2_group, policy);
      const Node* backward = config->find("backward_layer");
      if (bidirectional && backward) {
        layer(*backward, document::child_key(document::child_key(key, "config"), "backward_layer"),
              join(keras3_path, "backward_layer"), std::string(), keras2_group, policy);
      }
      return;
    }
    // An InputLayer has no weights; a root that is no model (a subclassed
    // model's config) does not say where its weights are.
    if (!policy || *class_name == "InputLayer" || keras3_path.empty()) return;
    const std::optional<DType> compute = compute_dtype(policy->name);
    if (!compute) return;
    LayerPolicy found{name, policy->name, *compute, policy->at, {keras3_path + "/**"}, {}};
    if (!keras2_glob.empty()) found.keras2_members.push_back(keras2_glob);
    policies_.push_back(std::move(found));
  }

  std::vector<LayerPolicy> take() { return std::move(policies_); }

 private:
  std::optional<Policy> own_policy(const Node& config, const std::string& key) const {
    const document::Entry* entry = find_entry(config, "dtype");
    if (!entry) return std::nullopt;
    const std::string at_key = document::child_key(key, "dtype");
    const Node& value = entry->value;
    switch (value.kind) {
      case Node::Kind::Null: return std::nullopt;
      case Node::Kind::String: return Policy{value.text, entry->position};
      case Node::Kind::Map: {
        const std::string* policy_class = string_at(value, "class_name");
        // A map of policies by variable path (quantization): its policies are not per layer.
        if (policy_class && *policy_class == "DTypePolicyMap") return std::nullopt;
        const Node* policy_config = value.find("config");
        const std::string* name =
            policy_config ? string_at(*policy_config, "name") : static_cast<const std::string*>(nullptr);
        if (!policy_class || !name)
          throw document::DocumentError(file_, value.position, at_key,
                                        "a dtype policy object needs a class_name and a config.name string");
        return Policy{*name, entry->position};
      }
      default:
        throw document::DocumentError(file_, value.position, at_key,
                                      "a dtype is a string, a dtype policy object or null");
    }
  }

  const std::string& file_;
  std::vector<LayerPolicy> policies_;
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

bool claims_model_json(std::string_view file_name) {
  return ends_with(file_name, ".json");
}

std::optional<CastPlan> load_model_json(const std::string& file, const Node& root) {
  if (!is_model_config(root)) return std::nullopt;
  std::vector<LayerPolicy> policies;
  try {
    policies = layer_policies(root, file);
  } catch (const document::DocumentError& error) {
    throw InputError(file, positioned(error));
  }
  // A model computing in float32 throughout declares no cast: no plan (as for somebody else's JSON).
  if (policies.empty()) return std::nullopt;
  CastPlan plan;
  const std::optional<std::string> weights = keras_weights_file(file);
  Location config(file);
  const WeightsLayout layout =
      weights && ends_with(*weights, ".weights.h5") ? WeightsLayout::Keras3 : WeightsLayout::Keras2Any;
  const std::vector<PolicyDeclaration> declared = declarations(policies, config, layout);
  if (!weights) {
    Location top(file);
    top.line = root.position.line;
    top.column = root.position.column;
    const std::string stem = fs::path(file).stem().string();
    plan.missing.push_back({declared.front().declaration, top,
                            "no weights beside the Keras model config " + quote_untrusted(file, 200) +
                                " (looked for " + stem + ".weights.h5, " + stem + ".h5, " + stem +
                                "_weights.h5 and a folder's only *.weights.h5)",
                            "weights"});
    return plan;
  }
  for (const PolicyDeclaration& policy : declared) {
    for (const std::string& member : policy.members)
      plan.bindings.push_back({*weights, FileDeclaration{policy.declaration, member}});
  }
  return plan;
}

std::optional<DType> compute_dtype(std::string_view policy_name) {
  // Quantized policies are named "<mode>_from_<source policy>" and compute in the source's dtype.
  if (const std::size_t from = policy_name.find("_from_"); from != std::string_view::npos)
    policy_name = policy_name.substr(from + 6);
  if (policy_name == "mixed_float16") return DType::Float16;
  if (policy_name == "mixed_bfloat16") return DType::BFloat16;
  // Any other policy is named by its one dtype (Keras's standardize_dtype names).
  static constexpr std::string_view kNarrow[] = {"float16", "bfloat16", "float8_e4m3fn", "float8_e5m2"};
  for (std::string_view narrow : kNarrow) {
    if (policy_name == narrow) return dtype_from_name(narrow);
  }
  return std::nullopt;
}

std::string snake_case(std::string_view class_name) {
  // re.sub(r"\W+", "", name): only word characters stay (non-ASCII bytes
  // too, as Python's Unicode \w keeps letters).
  std::string word;
  for (char c : class_name) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '_' || byte >= 0x80) word += c;
  }
  // re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name): leftmost matches, each
  // consuming the character before the capitalised word.
  std::string split;
  for (std::size_t i = 0; i < word.size();) {
    if (i + 2 < word.size() && is_upper(word[i + 1]) && is_lower(word[i + 2])) {
      std::size_t end = i + 3;
      while (end < word.size() && is_lower(word[end])) ++end;
      split += word[i];
      split += '_';
      split.append(word, i + 1, end - i - 1);
      i = end;
    } else {
      split += word[i++];
    }
  }
  // re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
  std::string out;
  for (std::size_t i = 0; i < split.size();) {
    if (i + 1 < split.size() && is_lower(split[i]) && is_upper(split[i + 1])) {
      out += split[i];
      out += '_';
      out += static_cast<char>(split[i + 1] - 'A' + 'a');
      i += 2;
    } else {
      out += is_upper(split[i]) ? static_cast<char>(split[i] - 'A' + 'a') : split[i];
      ++i;
    }
  }
  return out;
}

bool is_model_config(const Node& root) {
  if (root.kind != Node::Kind::Map || !string_at(root, "class_name")) return false;
  const Node* config = root.find("config");
  if (!config || config->kind != Node::Kind::Map) return false;
  const std::string* module = string_at(root, "module");
  const Node* layers = config->find("layers");
  return root.find("keras_version") || (module && module->starts_with("keras")) ||
         (layers && layers->kind == Node::Kind::List);
}

std::vector<LayerPolicy> layer_policies(const Node& root, const std::string& file) {
  Walker walker(file);
  walker.layer(root, std::string(), std::string(), std::string(), std::string(), std::nullopt);
  return walker.take();
}

std::vector<PolicyDeclaration> declarations(std::span<const LayerPolicy> policies, const Location& config,
                                            WeightsLayout layout) {
  std::vector<PolicyDeclaration> out;
  for (const LayerPolicy& policy : policies) {
    auto declaration = std::make_shared<CastDeclaration>();
    declaration->kind = DeclarationKind::KerasPolicy;
    const std::string policy_text = escape_untrusted(policy.policy, 60);
    declaration->name = "layer " + quote_untrusted(policy.layer, 80) + " policy " + policy_text;
    declaration->identity = "layer " + escape_untrusted(policy.layer, 200) + " policy " + policy_text;
    declaration->where = config;
    declaration->where.line = policy.at.line;
    declaration->where.column = policy.at.column;
    declaration->casts = {policy.compute};
    declaration->semantics = Semantics::TensorFlow;  // Keras on TensorFlow casts with tf.cast
    PolicyDeclaration declared{std::move(declaration), {}};
    switch (layout) {
      case WeightsLayout::Keras3: declared.members = policy.keras3_members; break;
      case WeightsLayout::Keras2Model:
        for (const std::string& glob : policy.keras2_members)
          declared.members.push_back("model_weights/" + glob);
        break;
      case WeightsLayout::Keras2Weights: declared.members = policy.keras2_members; break;
      case WeightsLayout::Keras2Any:
        for (const std::string& glob : policy.keras2_members) {
          declared.members.push_back("model_weights/" + glob);
          declared.members.push_back(glob);
        }
        break;
    }
    out.push_back(std::move(declared));
  }
  return out;
}

std::vector<DeclaredMember> bind_members(std::span<const PolicyDeclaration> declared,
                                         std::span<const std::string> members) {
  GlobSet globs;
  std::vector<std::size_t> owner;  // the declaration of each glob
  for (std::size_t d = 0; d < declared.size(); ++d) {
    for (const std::string& glob : declared[d].members) {
      globs.add(glob);
      owner.push_back(d);
    }
  }
  std::vector<DeclaredMember> out;
  if (globs.empty()) return out;
  for (const std::string& member : members) {
    const std::vector<std::size_t> matching = globs.matching(member);
    if (matching.empty()) continue;
    std::size_t first = owner[matching.front()];
    for (std::size_t index : matching) first = std::min(first, owner[index]);
    out.push_back({member, declared[first].declaration});
  }
  return out;
}

std::vector<DeclaredMember> declared_in_file(std::string_view config_text, const std::string& path,
                                             const std::string& member, WeightsLayout layout,
                                             std::span<const std::string> members) {
  std::vector<LayerPolicy> policies;
  try {
    const Node root = document::parse_json(config_text, path);
    if (!is_model_config(root)) return {};
    policies = layer_policies(root, path);
  } catch (const document::DocumentError& error) {
    throw InputError(path, positioned(error));
  }
  return bind_members(declarations(policies, Location(path, member), layout), members);
}

std::optional<std::string> keras_weights_file(const std::string& file) {
  const std::size_t slash = file.rfind('/');
  const std::string folder = slash == std::string::npos ? std::string() : file.substr(0, slash + 1);
  const std::string stem = fs::path(file).stem().string();
  std::error_code error;
  for (const std::string& name : {stem + ".weights.h5", stem + ".h5", stem + "_weights.h5"}) {
    if (fs::is_regular_file(folder + name, error)) return folder + name;
  }
  std::optional<std::string> only;
  const fs::path here = folder.empty() ? fs::path(".") : fs::path(folder);
  for (fs::directory_iterator it(here, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!ends_with(name, ".weights.h5") || !it->is_regular_file(error)) continue;
    if (only) return std::nullopt;  // several: which one is meant is not said
    only = folder + name;
  }
  return only;
}

}  // namespace dtlint::keras
