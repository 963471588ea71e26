#include "analyzer/pipeline/huggingface.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <memory>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analyzer/formats/untrusted_text.h"
#include "analyzer/input_error.h"
#include "analyzer/pipeline/loaders.h"

namespace dtlint {
namespace {

namespace fs = std::filesystem;
using document::Entry;
using document::Node;
using document::Position;

constexpr std::string_view kConfigName = "config.json";
constexpr std::array<std::string_view, 2> kDtypeKeys{"torch_dtype", "dtype"};
constexpr std::array<std::string_view, 3> kMarkerKeys{"model_type", "architectures", "transformers_version"};

// The dtypes a config may declare, as transformers resolves them
// (getattr(torch, name)): torch's names, its aliases, optionally "torch."-prefixed.
struct DtypeName {
  std::string_view text;
  DType type;
};
constexpr std::array<DtypeName, 7> kDtypeNames{{
    {"float16", DType::Float16},
    {"half", DType::Float16},
    {"bfloat16", DType::BFloat16},
    {"float32", DType::Float32},
    {"float", DType::Float32},  // torch.float is float32 (NumPy's "float" is float64)
    {"float64", DType::Float64},
    {"double", DType::Float64},
}};

std::string at_text(Position position) {
  return "line " + std::to_string(position.line) + ", column " + std::to_string(position.column) + ": ";
}

std::string_view kind_text(Node::Kind kind) {
  switch (kind) {
    case Node::Kind::Null: return "null";
    case Node::Kind::String: return "a string";
    case Node::Kind::Bool: return "a boolean";
    case Node::Kind::Integer:
    case Node::Kind::Float: return "a number";
    case Node::Kind::DateTime: return "a date";
    case Node::Kind::List: return "a list";
    case Node::Kind::Map: return "an object";
  }
  return "a value";
}

// Where a nested object sits ("thinker_config", "text_config"), as views
// into the tree, spelled out only for a declaration or an error: a hostile
// config may nest *_config objects deeply under long keys, with a million
// siblings at the bottom.
using KeyPath = std::vector<std::string_view>;

std::string spelled(const KeyPath& path, std::string_view key) {
  std::string out;
  for (std::string_view part : path) {
    out += escape_untrusted(part, 64);
    out += '.';
  }
  return out.append(key);
}

// What one value declares; InputError for anything but a dtype name, "auto" or null.
std::optional<DType> dtype_value(const std::string& file, const KeyPath& path, const Entry& entry) {
  const Node& value = entry.value;
  if (value.kind == Node::Kind::Null) return std::nullopt;
  if (value.kind != Node::Kind::String) {
    throw InputError(file, at_text(value.position) + spelled(path, entry.key) +
                               ": expected a dtype name such as \"float16\", found " +
                               std::string(kind_text(value.kind)));
  }
  std::string_view text = value.text;
  if (text == "auto") return std::nullopt;
  if (text.starts_with("torch.")) text.remove_prefix(6);
  for (const DtypeName& name : kDtypeNames) {
    if (name.text == text) return name.type;
  }
  throw InputError(file, at_text(value.position) + spelled(path, entry.key) + ": unknown dtype " +
                             quote_untrusted(value.text) +
                             " (expected float16, bfloat16, float32 or float64, optionally as "
                             "torch.float16, or \"auto\")");
}

// One `torch_dtype` / `dtype` key of the config.
struct DeclaredDtype {
  const Entry* entry = nullptr;
  std::optional<DType> type;  // none: "auto" or null, no cast
};

// The dtype one object declares: `torch_dtype` or `dtype`; when both are
// there they must agree (the first in file order stands for both).
std::optional<DeclaredDtype> declared_in(const std::string& file, const Node& object, const KeyPath& path) {
  std::optional<DeclaredDtype> found;
  for (const Entry& entry : object.entries) {
    if (std::find(kDtypeKeys.begin(), kDtypeKeys.end(), entry.key) == kDtypeKeys.end()) continue;
    const DeclaredDtype declared{&entry, dtype_value(file, path, entry)};
    if (!found) {
      found = declared;
    } else if (found->type != declared.type) {
      throw InputError(file, at_text(entry.position) + spelled(path, entry.key) + ": declares " +
                                 std::string(declared.type ? name(*declared.type) : "no cast") + ", but " +
                                 spelled(path, found->entry->key) + " (line " +
                                 std::to_string(found->entry->position.line) + ") declares " +
                                 std::string(found->type ? name(*found->type) : "no cast"));
    }
  }
  return found;
}

// A declaration's name, where and cast, before it is made.
struct NamedDtype {
  std::string key;  // "torch_dtype", "text_config.torch_dtype" (printable)
  Position where;   // of the key
  DType type;
};

// The first declaration of each distinct dtype in the nested `*_config`
// objects, depth first in file order (their depth is bounded by the JSON parser).
void collect_nested(const std::string& file, const Node& object, KeyPath& path,
                    std::vector<NamedDtype>& out) {
  for (const Entry& entry : object.entries) {
    if (entry.value.kind != Node::Kind::Map || !entry.key.ends_with("_config") ||
        entry.key == "quantization_config") {
      continue;
    }
    path.push_back(entry.key);
    if (const std::optional<DeclaredDtype> declared = declared_in(file, entry.value, path);
        declared && declared->type && std::none_of(out.begin(), out.end(), [&](const NamedDtype& kept) {
          return kept.type == declared->type;
        })) {
      out.push_back({spelled(path, declared->entry->key), declared->entry->position, *declared->type});
    }
    collect_nested(file, entry.value, path, out);
    path.pop_back();
  }
}

bool has_dtype_key(const Node& object) {
  for (const Entry& entry : object.entries) {
    if (std::find(kDtypeKeys.begin(), kDtypeKeys.end(), entry.key) != kDtypeKeys.end()) return true;
    if (entry.value.kind == Node::Kind::Map && entry.key.ends_with("_config") &&
        entry.key != "quantization_config" && has_dtype_key(entry.value)) {
      return true;
    }
  }
  return false;
}

bool is_transformers_config(const Node& root) {
  if (root.kind != Node::Kind::Map) return false;
  const bool marked = std::any_of(kMarkerKeys.begin(), kMarkerKeys.end(),
                                  [&](std::string_view key) { return root.find(key) != nullptr; });
  return marked && has_dtype_key(root);
}

std::shared_ptr<const CastDeclaration> declaration_for(const std::string& file, const NamedDtype& declared,
                                                       std::string_view qualifier) {
  auto declaration = std::make_shared<CastDeclaration>();
  declaration->kind = DeclarationKind::ModelConfig;
  declaration->name = declared.key + std::string(qualifier);
  declaration->where = Location(file);
  declaration->where.line = declared.where.line;
  declaration->where.column = declared.where.column;
  declaration->casts = {declared.type};
  declaration->semantics = Semantics::Torch;  // from_pretrained casts with Tensor.to
  declaration->identity = declared.key + " -> " + std::string(name(declared.type));
  return declaration;
}

// The declarations the config makes (see huggingface.h for the rule).
std::vector<std::shared_ptr<const CastDeclaration>> declarations_of(const std::string& file,
                                                                    const Node& root) {
  KeyPath path;
  if (const std::optional<DeclaredDtype> top = declared_in(file, root, path); top && top->type) {
    return {declaration_for(file, {top->entry->key, top->entry->position, *top->type}, "")};
  }
  std::vector<NamedDtype> distinct;
  collect_nested(file, root, path, distinct);
  std::vector<std::shared_ptr<const CastDeclaration>> declarations;
  const std::string_view qualifier =
      distinct.size() > 1 ? " (applied to every weight: the nested configs declare different dtypes)" : "";
  for (const NamedDtype& declared : distinct)
    declarations.push_back(declaration_for(file, declared, qualifier));
  return declarations;
}

// A shard name from an index names a file in the folder and nothing else.
std::optional<std::string_view> not_a_plain_file_name(std::string_view shard) {
  if (shard.empty()) return "an empty name";
  if (shard == "." || shard == "..") return "not a file name";
  if (shard.find('\0') != std::string_view::npos) return "a NUL byte";
  if (shard.find('/') != std::string_view::npos) return "a path, not a file name in the folder";
  return std::nullopt;
}

struct Shard {
  std::string name;
  Position first;  // the first weight_map entry naming it
  std::string first_tensor;
  std::size_t tensors = 0;
};

struct IndexShards {
  Position weight_map;        // where the weight_map object starts
  std::vector<Shard> shards;  // each once, in the order first named
};

IndexShards shards_of_index(const std::string& index_file) {
  const Node root = read_plan_json(index_file);
  const Node* weight_map = root.find("weight_map");
  if (weight_map == nullptr || weight_map->kind != Node::Kind::Map) {
    throw InputError(
        index_file,
        (weight_map != nullptr ? at_text(weight_map->position) : std::string()) +
            "weight_map: expected an object mapping tensor names to shard files" +
            (weight_map == nullptr ? ", found none" : ", found " + std::string(kind_text(weight_map->kind))));
  }
  if (weight_map->entries.empty()) {
    throw InputError(index_file, at_text(weight_map->position) + "weight_map: names no shard");
  }
  IndexShards index{weight_map->position, {}};
  std::vector<Shard>& shards = index.shards;
  std::unordered_map<std::string_view, std::size_t> shard_index;  // views into `root`, which outlives it
  for (const Entry& entry : weight_map->entries) {
    // Built only for a message: a weight map may hold a million entries.
    const auto key = [&] { return "weight_map." + quote_tensor_name(entry.key); };
    if (entry.value.kind != Node::Kind::String) {
      throw InputError(index_file, at_text(entry.value.position) + key() +
                                       ": expected a shard file name, found " +
                                       std::string(kind_text(entry.value.kind)));
    }
    if (const std::optional<std::string_view> problem = not_a_plain_file_name(entry.value.text)) {
      throw InputError(index_file, at_text(entry.value.position) + key() + ": shard " +
                                       quote_untrusted(entry.value.text, 200) + " is " +
                                       std::string(*problem) + " (never followed)");
    }
    const auto [found, inserted] = shard_index.emplace(entry.value.text, shards.size());
    if (inserted) shards.push_back({entry.value.text, entry.position, entry.key, 0});
    ++shards[found->second].tensors;
  }
  return index;
}

// The names in the config's folder, listed once (shard lookups must not cost a system call each).
std::unordered_set<std::string> folder_names(const std::string& file, const std::string& folder) {
  std::unordered_set<std::string> names;
  std::error_code error;
  fs::directory_iterator entries(folder.empty() ? fs::path(".") : fs::path(folder), error);
  for (; !error && entries != fs::directory_iterator(); entries.increment(error)) {
    names.insert(entries->path().filename().string());
  }
  if (error) {
    throw InputError(file, "cannot list the folder it is in (" +
                               (folder.empty() ? std::string(".") : folder) + "): " + error.message());
  }
  return names;
}

std::vector<std::string> sorted_matching(const std::unordered_set<std::string>& names,
                                         bool (*matches)(std::string_view)) {
  std::vector<std::string> found;
  for (const std::string& file_name : names) {
    if (matches(file_name)) found.push_back(file_name);
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

bool claims_huggingface_config(std::string_view file_name) {
  return file_name == kConfigName;
}

std::optional<CastPlan> load_huggingface_config(const std::string& file, const document::Node& root) {
  if (!is_transformers_config(root)) return std::nullopt;
  CastPlan plan;
  const std::vector<std::shared_ptr<const CastDeclaration>> declarations = declarations_of(file, root);
  if (declarations.empty()) return plan;  // "auto" or null: no cast declared

  // Files are named as discovery names them: the config's folder prefix, then the name.
  const std::size_t slash = file.rfind('/');
  const std::string folder = slash == std::string::npos ? std::string() : file.substr(0, slash + 1);
  const std::unordered_set<std::string> names = folder_names(file, folder);
  const auto bind = [&](const std::string& file_name) {
    for (const auto& declaration : declarations) {
      plan.bindings.push_back({folder + file_name, FileDeclaration{declaration, std::nullopt}});
    }
  };
  const auto bind_index = [&](const std::string& index_name) {
    const std::string index_file = folder + index_name;
    std::size_t missing = 0;
    std::vector<std::string> present;
    const IndexShards index = shards_of_index(index_file);
    for (const Shard& shard : index.shards) {
      if (names.contains(shard.name)) {
        present.push_back(shard.name);
        continue;
      }
      // One PL303 per missing shard, for the first declaration only: the
      // others cover the same weights and would repeat it at the same line.
      if (++missing > kMaxMissingShardsListed) continue;
      Location where(index_file);
      where.line = shard.first.line;
      where.column = shard.first.column;
      plan.missing.push_back({declarations.front(), std::move(where),
                              folder + escape_untrusted(shard.name, 200) +
                                  ": no such file (the weight map names it for " +
                                  std::to_string(shard.tensors) + " tensor(s), the first " +
                                  quote_tensor_name(shard.first_tensor) + ")",
                              shard.name});
    }
    // Shards in name order (model-00001-of-00002 first), not in the order tensors happen to name them.
    std::sort(present.begin(), present.end());
    for (const std::string& shard : present) bind(shard);
    if (missing > kMaxMissingShardsListed) {
      Location where(index_file);  // at the weight map as a whole
      where.line = index.weight_map.line;
      where.column = index.weight_map.column;
      plan.missing.push_back({declarations.front(), std::move(where),
                              std::to_string(missing - kMaxMissingShardsListed) +
                                  " more shard(s) that the weight map names are missing from the folder",
                              "more shards"});
    }
  };

  if (names.contains("model.safetensors")) {
    bind("model.safetensors");
  } else if (names.contains("model.safetensors.index.json")) {
    bind_index("model.safetensors.index.json");
  } else if (names.contains("pytorch_model.bin")) {
    bind("pytorch_model.bin");
  } else if (names.contains("pytorch_model.bin.index.json")) {
    bind_index("pytorch_model.bin.index.json");
  } else if (const std::vector<std::string> safetensors =
                 sorted_matching(names, [](std::string_view n) { return n.ends_with(".safetensors"); });
             !safetensors.empty()) {
    for (const std::string& file_name : safetensors) bind(file_name);
  } else if (const std::vector<std::string> pickles = sorted_matching(
                 names,
                 [](std::string_view n) { return n.starts_with("pytorch_model") && n.ends_with(".bin"); });
             !pickles.empty()) {
    for (const std::string& file_name : pickles) bind(file_name);
  } else {
    for (const auto& declaration : declarations) {
      plan.missing.push_back({declaration, declaration->where,
                              "no weights beside " + std::string(kConfigName) +
                                  " (looked for model.safetensors, model.safetensors.index.json, "
                                  "pytorch_model.bin, pytorch_model.bin.index.json, *.safetensors, "
                                  "pytorch_model*.bin)",
                              "weights"});
    }
  }
  return plan;
}

}  // namespace dtlint
