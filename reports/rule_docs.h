// The rule catalogue as Markdown pages: docs/rules/README.md (the index) and one
// CODE.md per rule, written by `dtlint rules --markdown DIR`.
#pragma once

#include <filesystem>
#include <string>

#include "rules/registry.h"

namespace dtlint {

// One rule's page: title, default severity, summary, then What it does, Why is
// this bad, Example, How to fix and Options. Deterministic.
std::string render_rule_markdown(const Rule& rule);
// The same page without its footer (the note that it is generated and the
// link to the index): for places outside docs/rules, such as SARIF help.markdown.
std::string render_rule_body_markdown(const Rule& rule);

// The index: a table of every rule, its code linked to CODE.md. Deterministic.
std::string render_rule_index_markdown();

// Writes README.md and one CODE.md per rule into `folder`, creating it if needed.
// Other files in the folder are left alone. Throws std::runtime_error naming the
// folder or file that cannot be created or written.
void write_rule_docs(const std::filesystem::path& folder);

}  // namespace dtlint
