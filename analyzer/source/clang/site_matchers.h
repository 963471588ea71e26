// The cast sites of one translation unit, found by AST matchers: one
// MatchCallback per site kind (CastSiteKind), all on one MatchFinder so the
// unit's AST is traversed once. The matchers report facts (the types, the
// operand's value, where); the CX rules judge them in dtlint.
#pragma once

#include <clang/AST/ASTContext.h>
#include <clang/ASTMatchers/ASTMatchFinder.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyzer/source/cast_site.h"
#include "analyzer/source/protocol.h"

namespace dtlint::clang_front {

// The operand's value as protocol.h sends it.
struct OperandValue {
  clang_protocol::ConstantKind kind = clang_protocol::ConstantKind::None;
  std::uint64_t significand = 0;    // Float: the x87 80-bit value's low 64 bits
  std::uint16_t sign_exponent = 0;  // Float: its high 16 bits
  std::uint64_t integer_bits = 0;   // Signed (two's complement) or Unsigned
  std::string spelling;             // the operand's source text, at most kMaxOperandSpelling bytes
};

// One Site frame's content.
struct FoundSite {
  std::string file;  // absolute, lexically normal
  std::uint32_t line = 0, column = 0, end_line = 0, end_column = 0;
  std::string macro;
  CastSiteKind kind = CastSiteKind::Implicit;
  CastSiteType source, target;
  Semantics semantics = Semantics::NumPy;
  OperandValue constant;
};

// Where sites go: decides which files are reported (under a root, not a
// system header), resolves locations, drops duplicates, keeps the order found.
class SiteCollector {
 public:
  SiteCollector(std::vector<std::string> roots, std::string directory);

  // The absolute, lexically normal form of a path Clang names (relative
  // names are taken from the compile directory).
  std::string absolute(llvm::StringRef path) const;
  bool under_root(const std::string& absolute_path) const;

  // The reported place of a cast: `point` where the compiler would point,
  // `range` the cast's (its end, its macro). False when the place is not reported.
  bool place(clang::SourceLocation point, clang::SourceRange range, const clang::ASTContext& context,
             FoundSite& site);

  // Unevaluated contexts (sizeof, decltype …) met so far, and whether a
  // cast's range lies inside one.
  void add_unevaluated(clang::SourceRange range, const clang::ASTContext& context);
  bool unevaluated(clang::SourceRange range, const clang::ASTContext& context) const;

  void add(FoundSite site);
  const std::vector<FoundSite>& sites() const { return sites_; }

  // Construct expressions already reported through the cast that holds them
  // (visited first: the matchers see a parent before its children).
  std::set<const void*>& handled_constructions() { return handled_constructions_; }

 private:
  std::vector<std::string> roots_;
  std::string directory_;
  // Per FileID: the absolute name, "" when its casts are not reported.
  std::unordered_map<unsigned, std::string> reported_file_;
  std::set<std::string> seen_;
  std::vector<FoundSite> sites_;
  std::set<const void*> handled_constructions_;
  std::vector<std::pair<clang::SourceLocation, clang::SourceLocation>> unevaluated_;
};

// Registers the site matchers on `finder`; the returned object owns the
// callbacks and must outlive the matching.
class SiteMatchers {
 public:
  virtual ~SiteMatchers() = default;
};
std::unique_ptr<SiteMatchers> register_site_matchers(clang::ast_matchers::MatchFinder& finder,
                                                     SiteCollector& collector);

}  // namespace dtlint::clang_front
