// What a container reader (.npz, .safetensors, .pt) hands to the scan: its arrays,
// the members it could not read, the members it skipped on purpose, and the code
// it refused to run.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/formats/array_view.h"
#include "analyzer/location.h"
#include "analyzer/pipeline/declaration.h"

namespace dtlint {

struct MemberIssue {
  Location location;   // the container's path and the member's name inside it
  std::string reason;  // what is wrong, or why it was skipped
};

// Makes a container's arrays one at a time, when the scan comes to them: a
// header of a million tensors then costs its compact entries (some 70
// bytes each), not a million views (some 300 bytes each) held at once.
class ArraySource {
 public:
  virtual ~ArraySource() = default;
  virtual std::size_t size() const = 0;
  // The array at `index` < size(), in file order, made anew on each call.
  // Safe to call from several threads at once.
  virtual ArrayView view(std::size_t index) const = 0;
};

struct ContainerContents {
  std::vector<ArrayView> arrays;  // in file order; each has its location's path and member set
  // When set, the arrays come from here instead and `arrays` is empty.
  std::shared_ptr<const ArraySource> source;
  std::vector<MemberIssue> unreadable;  // members that cannot be read: E901 at their location
  std::vector<MemberIssue> skipped;     // members that are not arrays dtlint reads (DT204 notes)
  // Code a member would run when loaded (a checkpoint pickle's global outside
  // torch.load(weights_only=True)'s allow-list): never run, reported as DT203.
  std::vector<MemberIssue> code_refused;
  // Casts the file itself declares on its arrays (an ONNX Cast node over an
  // initializer, a Keras dtype policy over a layer's weights): simulated with
  // the ordinary targets and judged by the PL rules.
  std::vector<DeclaredMember> declared;

  std::size_t array_count() const { return source ? source->size() : arrays.size(); }
};

}  // namespace dtlint
