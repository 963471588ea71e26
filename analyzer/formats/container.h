// What a container reader (.npz, .safetensors) hands to the scan: its arrays,
// the members it could not read, and the members it skipped on purpose.
#pragma once

#include <string>
#include <vector>

#include "analyzer/formats/array_view.h"
#include "analyzer/location.h"

namespace dtlint {

struct MemberIssue {
  Location location;   // the container's path and the member's name inside it
  std::string reason;  // what is wrong, or why it was skipped
};

struct ContainerContents {
  std::vector<ArrayView> arrays;        // in file order; each has its location's path and member set
  std::vector<MemberIssue> unreadable;  // members that cannot be read: E901 at their location
  std::vector<MemberIssue> skipped;     // members that are not arrays dtlint reads (DT204 notes)
};

}  // namespace dtlint
