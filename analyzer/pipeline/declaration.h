// Declared casts (DESIGN §1 "pipeline", §5): a cast that a configuration or a
// model file says will happen to some data — a `pipeline` entry of dtlint's
// own configuration, a Hugging Face `config.json`'s `torch_dtype`, a Keras
// dtype policy, an ONNX `Cast` node over an initializer. Loaders turn each
// into a CastDeclaration bound to the data it covers; the scan simulates the
// declared cast on that data in the same pass as the ordinary targets, and
// the PL rules judge the outcome at the declaration's Location.
//
// Facts only: nothing here judges.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/kernels/semantics.h"
#include "analyzer/location.h"

namespace dtlint {

enum class DeclarationKind {
  PipelineEntry,  // `pipeline:` in .dtlint.yaml / .dtlint.toml / [tool.dtlint] (PL301, PL302, PL303)
  ModelConfig,    // a Hugging Face config.json's torch_dtype / dtype (PL304)
  KerasPolicy,    // a Keras dtype policy, global or per layer (PL304)
  OnnxCast,       // an ONNX Cast / CastLike node over an initializer or Constant (PL301)
};

// One declared cast.
struct CastDeclaration {
  DeclarationKind kind = DeclarationKind::PipelineEntry;
  // How messages name it: "pipeline entry 'pixels'", "torch_dtype", "layer 'dense_1' policy
  // mixed_float16", "Cast node 'cast_3'". Untrusted text already made printable.
  std::string name;
  // Where it is declared: the config file with line and column (1-based) of
  // the entry, key or value a reviewer changes; for a declaration inside a
  // binary model file (an ONNX node), that file and a member naming the node.
  Location where;
  // The dtypes the data is simulated in (a Keras mixed policy: the compute dtype;
  // usually one).
  std::vector<DType> casts;
  std::optional<Semantics> semantics;  // none: the scan's profile
  std::optional<double> rtol, atol;    // DT106 tolerance; none: the scan's for the target
  std::optional<DType> expect_dtype;   // PL302: the dtype the data is declared to be stored in
  // What identifies it in a baseline whatever line it moves to: its source and
  // cast, e.g. "data/*.npz:pixels -> float16".
  std::string identity;
};

// A declaration bound to the arrays of one data file: every array of the file,
// or those whose member name matches a glob (document/glob.h's dialect).
struct FileDeclaration {
  std::shared_ptr<const CastDeclaration> declaration;
  std::optional<std::string> member;  // a glob over member names; none: every array in the file
};

// A declaration inside a data file (an ONNX Cast node, a Keras policy in a
// .keras or .h5 file), bound by its reader to one of the file's arrays by
// member name (ArrayView::location.member).
struct DeclaredMember {
  std::string member;
  std::shared_ptr<const CastDeclaration> declaration;
};

// A declared source that names nothing (PL303): a glob that matches no file,
// a member that no matched file holds, a shard that a checkpoint index lists
// and the folder lacks. `where` is the line that names it.
struct MissingSource {
  std::shared_ptr<const CastDeclaration> declaration;
  Location where;
  std::string message;  // "data/missing.npz: no such file", "no member 'pixels' in data/a.npz"
  // What is missing, as the declaration names it, for a baseline's identity: a
  // source as written, a shard's file name; never a path that depends on where dtlint runs.
  std::string subject;
};

// What the loaders found: declarations bound to data files (each file named
// as the scan will name it), and what they name that does not exist.
struct CastPlan {
  struct Binding {
    std::string file;  // a data file, relative to the working folder as discovery names files
    FileDeclaration declaration;
  };
  std::vector<Binding> bindings;
  std::vector<MissingSource> missing;
};

// A declaration's cast as simulated on one array: ArrayResult::declared holds
// one per (declaration, target), `cast` the index of its CastStats in the
// array's analysis (shared with an ordinary target when the cast, profile
// and tolerance are the same: the data is not simulated twice).
struct BoundCast {
  std::shared_ptr<const CastDeclaration> declaration;
  std::size_t cast = 0;
};

}  // namespace dtlint
