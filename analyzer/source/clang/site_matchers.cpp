#include "analyzer/source/clang/site_matchers.h"

#include <clang/AST/ExprCXX.h>
#include <clang/AST/ExprConcepts.h>
#include <clang/AST/TypeLoc.h>
#include <clang/ASTMatchers/ASTMatchers.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Basic/Version.h>
#include <clang/Lex/Lexer.h>
#include <llvm/ADT/APFloat.h>
#include <llvm/ADT/APSInt.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/Path.h>

#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include "analyzer/source/clang/scalar_types.h"

namespace dtlint::clang_front {
namespace {

using namespace clang::ast_matchers;
using clang_protocol::ConstantKind;

// ---- the operand's value ------------------------------------------------

// The source text of an expression when it lies within one file, at most kMaxOperandSpelling bytes.
std::string operand_spelling(const clang::Expr* expr, const clang::ASTContext& context) {
  const clang::SourceManager& sources = context.getSourceManager();
  const clang::CharSourceRange range = clang::Lexer::makeFileCharRange(
      clang::CharSourceRange::getTokenRange(expr->getSourceRange()), sources, context.getLangOpts());
  if (range.isInvalid()) return "";
  bool invalid = false;
  const llvm::StringRef text = clang::Lexer::getSourceText(range, sources, context.getLangOpts(), &invalid);
  if (invalid) return "";
  return text.substr(0, clang_protocol::kMaxOperandSpelling).str();
}

// The operand's value when Clang's constant evaluator folds it without side
// effects; its type is the conversion's source type.
OperandValue evaluate_operand(const clang::Expr* expr, const ScalarType& source,
                              const clang::ASTContext& context) {
  OperandValue value;
  // A reference parameter binds a temporary: its value is the temporary's.
  for (int depth = 0; depth < 8; ++depth) {
    if (const auto* temporary = llvm::dyn_cast<clang::MaterializeTemporaryExpr>(expr)) {
      expr = temporary->getSubExpr();
    } else {
      break;
    }
  }
  if (expr->isValueDependent() || expr->isTypeDependent()) return value;
  if (source.kind == ScalarKind::Float) {
    if (!expr->getType()->isRealFloatingType()) return value;
    llvm::APFloat folded(0.0);
    if (!expr->EvaluateAsFloat(folded, context, clang::Expr::SE_NoSideEffects)) return value;
    // Every dtype up to long double is exact in x87's 80-bit format.
    bool loses_info = false;
    folded.convert(llvm::APFloat::x87DoubleExtended(), llvm::APFloat::rmNearestTiesToEven, &loses_info);
    if (loses_info) return value;
    const llvm::APInt bits = folded.bitcastToAPInt();
    value.kind = ConstantKind::Float;
    value.significand = bits.extractBitsAsZExtValue(64, 0);
    value.sign_exponent = static_cast<std::uint16_t>(bits.extractBitsAsZExtValue(16, 64));
  } else {
    if (!expr->getType()->isIntegralOrEnumerationType()) return value;
    clang::Expr::EvalResult result;
    if (!expr->EvaluateAsInt(result, context, clang::Expr::SE_NoSideEffects)) return value;
    const llvm::APSInt& integer = result.Val.getInt();
    if (integer.isSigned()) {
#if CLANG_VERSION_MAJOR >= 17
      if (integer.getSignificantBits() > 64) return value;  // getMinSignedBits is deprecated from 17
#else
      if (integer.getMinSignedBits() > 64) return value;
#endif
      value.kind = ConstantKind::Signed;
      value.integer_bits = static_cast<std::uint64_t>(integer.getSExtValue());
    } else {
      if (integer.getActiveBits() > 64) return value;
      value.kind = ConstantKind::Unsigned;
      value.integer_bits = integer.getZExtValue();
    }
  }
  value.spelling = operand_spelling(expr, context);
  return value;
}

// ---- unevaluated contexts --------------------------------------------------

// sizeof, alignof, decltype, noexcept, typeid and requires-expressions
// convert nothing at run time. Matched before the casts they hold (a parent
// is visited before its children), they leave their ranges with the
// collector, which drops the sites inside (a walk up the parent map instead
// would cost a quarter of the run: the map is built for the whole unit).
class UnevaluatedContextCallback : public MatchFinder::MatchCallback {
 public:
  explicit UnevaluatedContextCallback(SiteCollector& collector) : collector_(collector) {}

  void run(const MatchFinder::MatchResult& result) override {
    if (const auto* expr = result.Nodes.getNodeAs<clang::Expr>("unevaluated")) {
      collector_.add_unevaluated(expr->getSourceRange(), *result.Context);
    } else if (const auto* type = result.Nodes.getNodeAs<clang::TypeLoc>("unevaluated")) {
      collector_.add_unevaluated(type->getSourceRange(), *result.Context);
    }
  }

 private:
  SiteCollector& collector_;
};

// ---- shared pieces -----------------------------------------------------

// A low-precision class built from one arithmetic value (`Eigen::half(x)`,
// `c10::Half h = x;`): the constructor's parameter type is the source.
struct Construction {
  ScalarType source, target;
  const clang::Expr* operand = nullptr;
};

std::optional<Construction> low_precision_construction(const clang::CXXConstructExpr* construct,
                                                       const clang::ASTContext& context) {
  if (construct == nullptr || construct->isValueDependent() || construct->isTypeDependent())
    return std::nullopt;
  const std::optional<ScalarType> target = classify(construct->getType(), context);
  if (!target || !target->is_class) return std::nullopt;
  const clang::CXXConstructorDecl* constructor = construct->getConstructor();
  if (constructor == nullptr || construct->getNumArgs() == 0 || constructor->getNumParams() == 0) {
    return std::nullopt;
  }
  // One value: the other arguments, if any, are defaults (c10::Half's
  // (bits, from_bits()) constructor takes two and is no conversion).
  for (unsigned i = 1; i < construct->getNumArgs(); ++i) {
    if (!llvm::isa<clang::CXXDefaultArgExpr>(construct->getArg(i))) return std::nullopt;
  }
  const clang::QualType parameter = constructor->getParamDecl(0)->getType().getNonReferenceType();
  std::optional<ScalarType> source = classify(parameter, context);
  if (!source || source->is_class) return std::nullopt;
  return Construction{std::move(*source), *target, construct->getArg(0)};
}

bool same_type(const ScalarType& a, const ScalarType& b) {
  return a.type.dtype == b.type.dtype && a.kind == b.kind && a.is_class == b.is_class;
}

FoundSite site_of(CastSiteKind kind, const ScalarType& source, const ScalarType& target) {
  FoundSite site;
  site.kind = kind;
  site.source = source.type;
  site.target = target.type;
  site.semantics = target.semantics;
  return site;
}

// ---- 1. implicit conversions ---------------------------------------------

class ImplicitConversionCallback : public MatchFinder::MatchCallback {
 public:
  explicit ImplicitConversionCallback(SiteCollector& collector) : collector_(collector) {}

  void run(const MatchFinder::MatchResult& result) override {
    const auto* cast = result.Nodes.getNodeAs<clang::ImplicitCastExpr>("cast");
    if (cast == nullptr || cast->isValueDependent() || cast->isTypeDependent()) return;
    if (cast->isPartOfExplicitCast()) return;  // the explicit cast reports it
    clang::ASTContext& context = *result.Context;
    if (cast->getCastKind() == clang::CK_ConstructorConversion) {
      const auto* construct = llvm::dyn_cast<clang::CXXConstructExpr>(cast->getSubExpr()->IgnoreImplicit());
      const std::optional<Construction> construction = low_precision_construction(construct, context);
      if (!construction) return;
      collector_.handled_constructions().insert(construct);
      FoundSite site = site_of(CastSiteKind::Implicit, construction->source, construction->target);
      if (!collector_.place(cast->getExprLoc(), cast->getSourceRange(), context, site)) return;
      if (collector_.unevaluated(cast->getSourceRange(), context)) return;
      site.constant = evaluate_operand(construction->operand, construction->source, context);
      collector_.add(std::move(site));
      return;
    }
    const clang::Expr* operand = cast->getSubExpr();
    const std::optional<ScalarType> source = classify(operand->getType(), context);
    const std::optional<ScalarType> target = classify(cast->getType(), context);
    if (!source || !target) return;
    bool needs_constant = false;
    switch (cast->getCastKind()) {
      case clang::CK_FloatingCast:
        if (holds_every_float(*target, *source)) return;
        break;
      case clang::CK_FloatingToIntegral:
        if (!is_integer(*target)) return;
        break;
      case clang::CK_IntegralCast:
        if (!is_integer(*source) || !is_integer(*target) || holds_every_integer(*target, *source)) return;
        needs_constant = true;
        break;
      case clang::CK_IntegralToFloating:
        if (float_holds_every_integer(*target, *source)) return;
        needs_constant = true;
        break;
      default: return;
    }
    FoundSite site = site_of(CastSiteKind::Implicit, *source, *target);
    if (!collector_.place(cast->getExprLoc(), cast->getSourceRange(), context, site)) return;
    site.constant = evaluate_operand(operand, *source, context);
    if (needs_constant && site.constant.kind == ConstantKind::None) return;
    if (collector_.unevaluated(cast->getSourceRange(), context)) return;
    collector_.add(std::move(site));
  }

 private:
  SiteCollector& collector_;
};

// ---- 2. explicit conversions ----------------------------------------------

// CUDA's conversion functions into its 16-bit types (every rounding suffix).
constexpr std::array<std::string_view, 20> kConversionFunctions{
    "__float2half",         "__float2half_rn",      "__float2half_rz",      "__float2half_rd",
    "__float2half_ru",      "__double2half",        "__double2half_rn",     "__double2half_rz",
    "__double2half_rd",     "__double2half_ru",     "__float2bfloat16",     "__float2bfloat16_rn",
    "__float2bfloat16_rz",  "__float2bfloat16_rd",  "__float2bfloat16_ru",  "__double2bfloat16",
    "__double2bfloat16_rn", "__double2bfloat16_rz", "__double2bfloat16_rd", "__double2bfloat16_ru",
};

class ExplicitConversionCallback : public MatchFinder::MatchCallback {
 public:
  explicit ExplicitConversionCallback(SiteCollector& collector) : collector_(collector) {}

  void run(const MatchFinder::MatchResult& result) override {
    clang::ASTContext& context = *result.Context;
    if (const auto* cast = result.Nodes.getNodeAs<clang::ExplicitCastExpr>("cast")) {
      explicit_cast(cast, context);
    } else if (const auto* construct = result.Nodes.getNodeAs<clang::CXXConstructExpr>("construct")) {
      // A direct initialisation (`Eigen::half h(x);`) or a temporary (`Eigen::half{x}`).
      if (collector_.handled_constructions().count(construct) != 0) return;
      const std::optional<Construction> construction = low_precision_construction(construct, context);
      if (!construction) return;
      report(construct, construct->getBeginLoc(), *construction, context);
    } else if (const auto* call = result.Nodes.getNodeAs<clang::CallExpr>("call")) {
      conversion_function(call, context);
    }
  }

 private:
  void explicit_cast(const clang::ExplicitCastExpr* cast, clang::ASTContext& context) {
    if (cast->isValueDependent() || cast->isTypeDependent()) return;
    if (cast->getCastKind() == clang::CK_ConstructorConversion) {
      const auto* construct = llvm::dyn_cast<clang::CXXConstructExpr>(cast->getSubExpr()->IgnoreImplicit());
      const std::optional<Construction> construction = low_precision_construction(construct, context);
      if (!construction) return;
      collector_.handled_constructions().insert(construct);
      report(cast, cast->getBeginLoc(), *construction, context);
      return;
    }
    // In C++ an explicit cast is often a NoOp holding implicit casts marked
    // part of it (`(float)d`: CStyleCastExpr <NoOp> over ImplicitCastExpr
    // <FloatingCast>): the conversion is from the operand as written to the
    // cast's type; both arithmetic types dtlint knows.
    const clang::Expr* operand = cast->getSubExprAsWritten();
    const std::optional<ScalarType> source = classify(operand->getType(), context);
    const std::optional<ScalarType> target = classify(cast->getType(), context);
    if (!source || !target || same_type(*source, *target)) return;
    // By type alone: into a 16- or 8-bit float, a narrower float, an integer
    // from a float. Any other arithmetic conversion only with a constant operand.
    const bool by_type = is_low_precision_float(*target) ||
                         (source->kind == ScalarKind::Float && target->kind == ScalarKind::Float &&
                          !holds_every_float(*target, *source)) ||
                         (source->kind == ScalarKind::Float && is_integer(*target));
    FoundSite site = site_of(CastSiteKind::Explicit, *source, *target);
    if (!collector_.place(cast->getBeginLoc(), cast->getSourceRange(), context, site)) return;
    site.constant = evaluate_operand(operand, *source, context);
    if (!by_type && site.constant.kind == ConstantKind::None) return;
    if (collector_.unevaluated(cast->getSourceRange(), context)) return;
    collector_.add(std::move(site));
  }

  void conversion_function(const clang::CallExpr* call, clang::ASTContext& context) {
    if (call->isValueDependent() || call->isTypeDependent() || call->getNumArgs() != 1) return;
    const clang::FunctionDecl* function = call->getDirectCallee();
    if (function == nullptr || function->getNumParams() != 1) return;
    const std::optional<ScalarType> source =
        classify(function->getParamDecl(0)->getType().getNonReferenceType(), context);
    const std::optional<ScalarType> target = classify(function->getReturnType(), context);
    if (!source || !target) return;
    report(call, call->getBeginLoc(), Construction{*source, *target, call->getArg(0)}, context);
  }

  void report(const clang::Expr* expr, clang::SourceLocation point, const Construction& construction,
              clang::ASTContext& context) {
    FoundSite site = site_of(CastSiteKind::Explicit, construction.source, construction.target);
    if (!collector_.place(point, expr->getSourceRange(), context, site)) return;
    if (collector_.unevaluated(expr->getSourceRange(), context)) return;
    site.constant = evaluate_operand(construction.operand, construction.source, context);
    collector_.add(std::move(site));
  }

  SiteCollector& collector_;
};

// ---- 3. Eigen's .cast<T>() ---------------------------------------------------

bool in_namespace_eigen(const clang::Decl* decl) {
  const clang::NamespaceDecl* outermost = nullptr;
  for (const clang::DeclContext* scope = decl->getDeclContext(); scope != nullptr;
       scope = scope->getParent()) {
    if (const auto* space = llvm::dyn_cast<clang::NamespaceDecl>(scope)) outermost = space;
  }
  return outermost != nullptr && outermost->getName() == "Eigen";
}

// The `Scalar` member typedef of an Eigen class, declared by it or a base.
std::optional<clang::QualType> eigen_scalar(const clang::CXXRecordDecl* record, clang::ASTContext& context) {
  const clang::IdentifierInfo& scalar_name = context.Idents.get("Scalar");
  std::vector<const clang::CXXRecordDecl*> pending{record};
  for (std::size_t next = 0; next < pending.size() && next < 64; ++next) {
    const clang::CXXRecordDecl* current = pending[next];
    if (current == nullptr || !current->hasDefinition()) continue;
    current = current->getDefinition();
    for (const clang::NamedDecl* found : current->lookup(&scalar_name)) {
      if (const auto* alias = llvm::dyn_cast<clang::TypedefNameDecl>(found)) {
        const clang::QualType type = alias->getUnderlyingType();
        if (!type->isDependentType()) return type.getCanonicalType();
      }
    }
    for (const clang::CXXBaseSpecifier& base : current->bases()) {
      pending.push_back(base.getType()->getAsCXXRecordDecl());
    }
  }
  return std::nullopt;
}

class EigenCastCallback : public MatchFinder::MatchCallback {
 public:
  explicit EigenCastCallback(SiteCollector& collector) : collector_(collector) {}

  void run(const MatchFinder::MatchResult& result) override {
    const auto* call = result.Nodes.getNodeAs<clang::CXXMemberCallExpr>("call");
    if (call == nullptr || call->isValueDependent() || call->isTypeDependent()) return;
    clang::ASTContext& context = *result.Context;
    const clang::CXXMethodDecl* method = call->getMethodDecl();
    const clang::Expr* object = call->getImplicitObjectArgument();
    const auto* member = llvm::dyn_cast<clang::MemberExpr>(call->getCallee()->IgnoreParens());
    if (method == nullptr || object == nullptr || member == nullptr) return;
    const clang::TemplateArgumentList* arguments = method->getTemplateSpecializationArgs();
    if (arguments == nullptr || arguments->size() != 1 ||
        arguments->get(0).getKind() != clang::TemplateArgument::Type) {
      return;
    }
    // The target as written (sugar kept) when written.
    clang::QualType target_type = arguments->get(0).getAsType();
    if (member->getNumTemplateArgs() == 1 &&
        member->getTemplateArgs()[0].getArgument().getKind() == clang::TemplateArgument::Type) {
      target_type = member->getTemplateArgs()[0].getArgument().getAsType();
    }
    clang::QualType object_type = object->IgnoreParenImpCasts()->getType();
    if (object_type->isPointerType()) object_type = object_type->getPointeeType();
    const clang::CXXRecordDecl* record = object_type->getAsCXXRecordDecl();
    if (record == nullptr || !in_namespace_eigen(record)) return;
    const std::optional<ScalarType> target = classify(target_type, context);
    if (!target) return;
    std::optional<ScalarType> source;
    if (const std::optional<clang::QualType> scalar = eigen_scalar(record, context)) {
      source = classify(*scalar, context);
    }
    if (source) {
      const bool narrows =
          is_low_precision_float(*target) && !same_type(*source, *target) ? true
          : target->kind == ScalarKind::Float
              ? (source->kind == ScalarKind::Float
                     ? !holds_every_float(*target, *source)
                     : is_integer(*source) && !float_holds_every_integer(*target, *source))
              : is_integer(*target) && (source->kind == ScalarKind::Float ||
                                        (is_integer(*source) && !holds_every_integer(*target, *source)));
      if (!narrows) return;
    } else if (!is_low_precision_float(*target)) {
      return;  // an unknown scalar: only a 16- or 8-bit target is surely narrower
    }
    FoundSite site;
    site.kind = CastSiteKind::EigenCast;
    if (source) site.source = source->type;
    site.target = target->type;
    site.semantics = target->semantics;
    if (!collector_.place(member->getMemberLoc(), call->getSourceRange(), context, site)) return;
    if (collector_.unevaluated(call->getSourceRange(), context)) return;
    collector_.add(std::move(site));
  }

 private:
  SiteCollector& collector_;
};

// ---- 4. TensorFlow's ops::Cast -----------------------------------------------

struct DataTypeName {
  std::string_view enumerator;
  DType dtype;
};
constexpr std::array<DataTypeName, 14> kDataTypes{{
    {"DT_HALF", DType::Float16},
    {"DT_BFLOAT16", DType::BFloat16},
    {"DT_FLOAT", DType::Float32},
    {"DT_DOUBLE", DType::Float64},
    {"DT_INT8", DType::Int8},
    {"DT_INT16", DType::Int16},
    {"DT_INT32", DType::Int32},
    {"DT_INT64", DType::Int64},
    {"DT_UINT8", DType::UInt8},
    {"DT_UINT16", DType::UInt16},
    {"DT_UINT32", DType::UInt32},
    {"DT_UINT64", DType::UInt64},
    {"DT_FLOAT8_E4M3FN", DType::Float8E4M3FN},
    {"DT_FLOAT8_E5M2", DType::Float8E5M2},
}};

class TensorflowCastOpCallback : public MatchFinder::MatchCallback {
 public:
  explicit TensorflowCastOpCallback(SiteCollector& collector) : collector_(collector) {}

  void run(const MatchFinder::MatchResult& result) override {
    const auto* construct = result.Nodes.getNodeAs<clang::CXXConstructExpr>("op");
    if (construct == nullptr || construct->isValueDependent() || construct->isTypeDependent()) return;
    clang::ASTContext& context = *result.Context;
    for (const clang::Expr* argument : construct->arguments()) {
      const auto* enum_type = argument->getType().getCanonicalType()->getAs<clang::EnumType>();
      if (enum_type == nullptr ||
          enum_type->getDecl()->getQualifiedNameAsString() != "tensorflow::DataType") {
        continue;
      }
      clang::Expr::EvalResult value;
      if (argument->isValueDependent() ||
          !argument->EvaluateAsInt(value, context, clang::Expr::SE_NoSideEffects)) {
        return;
      }
      for (const clang::EnumConstantDecl* enumerator : enum_type->getDecl()->enumerators()) {
        if (llvm::APSInt::compareValues(enumerator->getInitVal(), value.Val.getInt()) != 0) continue;
        for (const DataTypeName& known : kDataTypes) {
          if (enumerator->getName() != llvm::StringRef(known.enumerator.data(), known.enumerator.size()))
            continue;
          FoundSite site;
          site.kind = CastSiteKind::TensorflowCastOp;
          site.target = {std::string(known.enumerator), known.dtype};
          site.semantics = Semantics::TensorFlow;
          if (!collector_.place(construct->getBeginLoc(), construct->getSourceRange(), context, site)) return;
          if (collector_.unevaluated(construct->getSourceRange(), context)) return;
          collector_.add(std::move(site));
          return;
        }
        return;
      }
      return;
    }
  }

 private:
  SiteCollector& collector_;
};

class AllSiteMatchers : public SiteMatchers {
 public:
  explicit AllSiteMatchers(SiteCollector& collector)
      : unevaluated(collector),
        implicit(collector),
        explicit_(collector),
        eigen(collector),
        tensorflow(collector) {}
  UnevaluatedContextCallback unevaluated;
  ImplicitConversionCallback implicit;
  ExplicitConversionCallback explicit_;
  EigenCastCallback eigen;
  TensorflowCastOpCallback tensorflow;
};

}  // namespace

// ---- the collector ---------------------------------------------------------

// The macro whose expansion holds the whole range ("" when the range is not
// all in one): the one the code names at that place, so FLT_MAX rather than
// the __FLT_MAX__ it expands to; for a macro argument, the macro taking it.
std::string macro_holding(clang::SourceRange range, const clang::SourceManager& sources,
                          const clang::LangOptions& language) {
  if (!range.getBegin().isMacroID() || !range.getEnd().isMacroID()) return "";
  const llvm::StringRef begin_name = clang::Lexer::getImmediateMacroName(range.getBegin(), sources, language);
  if (begin_name != clang::Lexer::getImmediateMacroName(range.getEnd(), sources, language)) return "";
  clang::SourceLocation at = range.getBegin();
  llvm::StringRef name = begin_name;
  for (int depth = 0; depth < 64; ++depth) {
    while (at.isMacroID() && sources.isMacroArgExpansion(at))
      at = sources.getImmediateExpansionRange(at).getBegin();
    if (!at.isMacroID()) break;
    // The place the macro was used: inside another macro's body, step out to it.
    const clang::SourceLocation use = sources.getImmediateExpansionRange(at).getBegin();
    if (!use.isMacroID() || sources.isMacroArgExpansion(use)) break;
    at = use;
    name = clang::Lexer::getImmediateMacroName(at, sources, language);
  }
  return name.str();
}

SiteCollector::SiteCollector(std::vector<std::string> roots, std::string directory)
    : directory_(std::move(directory)) {
  for (std::string& root : roots) {
    std::string normal = absolute(root);
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    roots_.push_back(std::move(normal));
  }
}

std::string SiteCollector::absolute(llvm::StringRef path) const {
  llvm::SmallString<256> full;
  if (llvm::sys::path::is_absolute(path)) {
    full = path;
  } else {
    full = directory_;
    llvm::sys::path::append(full, path);
  }
  llvm::sys::path::remove_dots(full, /*remove_dot_dot=*/true);
  return std::string(full.str());
}

bool SiteCollector::under_root(const std::string& absolute_path) const {
  for (const std::string& root : roots_) {
    if (root == "/") return true;
    if (absolute_path.size() > root.size() && absolute_path.compare(0, root.size(), root) == 0 &&
        absolute_path[root.size()] == '/') {
      return true;
    }
  }
  return false;
}

bool SiteCollector::place(clang::SourceLocation point, clang::SourceRange range,
                          const clang::ASTContext& context, FoundSite& site) {
  const clang::SourceManager& sources = context.getSourceManager();
  // Where the compiler points: a macro argument's spelling, a macro body's use.
  const clang::SourceLocation at = sources.getFileLoc(point);
  if (at.isInvalid() || sources.isInSystemHeader(at)) return false;
  const clang::FileID file = sources.getFileID(at);
  auto known = reported_file_.find(file.getHashValue());
  if (known == reported_file_.end()) {
    const llvm::StringRef name = sources.getFilename(at);
    std::string path = name.empty() ? "" : absolute(name);
    if (!under_root(path)) path.clear();
    known = reported_file_.emplace(file.getHashValue(), std::move(path)).first;
  }
  if (known->second.empty() || known->second.size() > 4096) return false;
  site.file = known->second;
  site.line = sources.getSpellingLineNumber(at);
  site.column = sources.getSpellingColumnNumber(at);
  // The range's end: just past its last token, when in the same file.
  // A range ending in a macro body ends with the macro's use (its closing
  // parenthesis), not at the macro's name, where getFileLoc would put it.
  const clang::SourceLocation end = range.getEnd();
  const clang::SourceLocation last = end.isMacroID() && !sources.isMacroArgExpansion(end)
                                         ? sources.getFileLoc(sources.getExpansionRange(end).getEnd())
                                         : sources.getFileLoc(end);
  const clang::SourceLocation past_end =
      last.isValid() ? clang::Lexer::getLocForEndOfToken(last, 0, sources, context.getLangOpts())
                     : clang::SourceLocation();
  if (past_end.isValid() && sources.getFileID(past_end) == file) {
    site.end_line = sources.getSpellingLineNumber(past_end);
    site.end_column = sources.getSpellingColumnNumber(past_end);
  }
  site.macro = macro_holding(range, sources, context.getLangOpts());
  return true;
}

// Both ends where the compiler would point: a range within one file.
std::pair<clang::SourceLocation, clang::SourceLocation> file_range(clang::SourceRange range,
                                                                   const clang::SourceManager& sources) {
  return {sources.getFileLoc(range.getBegin()), sources.getFileLoc(range.getEnd())};
}

void SiteCollector::add_unevaluated(clang::SourceRange range, const clang::ASTContext& context) {
  const auto [begin, end] = file_range(range, context.getSourceManager());
  if (begin.isInvalid() || end.isInvalid()) return;
  unevaluated_.emplace_back(begin, end);
}

bool SiteCollector::unevaluated(clang::SourceRange range, const clang::ASTContext& context) const {
  if (unevaluated_.empty()) return false;
  const clang::SourceManager& sources = context.getSourceManager();
  const auto [begin, end] = file_range(range, sources);
  if (begin.isInvalid() || end.isInvalid()) return false;
  for (const auto& [outer_begin, outer_end] : unevaluated_) {
    if (sources.getFileID(outer_begin) != sources.getFileID(begin)) continue;
    if (!sources.isBeforeInTranslationUnit(begin, outer_begin) &&
        !sources.isBeforeInTranslationUnit(outer_end, end)) {
      return true;
    }
  }
  return false;
}

void SiteCollector::add(FoundSite site) {
  // A template instantiated many times with the same types, a header read
  // twice: one site. The key holds every field the frame sends.
  std::string key;
  for (const std::string* text :
       {&site.file, &site.macro, &site.source.spelling, &site.target.spelling, &site.constant.spelling}) {
    key += *text;
    key.push_back('\0');
  }
  for (std::uint64_t number :
       {std::uint64_t{site.line}, std::uint64_t{site.column}, std::uint64_t{site.end_line},
        std::uint64_t{site.end_column}, std::uint64_t{static_cast<std::uint8_t>(site.kind)},
        std::uint64_t{site.source.dtype ? static_cast<std::uint8_t>(*site.source.dtype) : 0xffu},
        std::uint64_t{site.target.dtype ? static_cast<std::uint8_t>(*site.target.dtype) : 0xffu},
        std::uint64_t{static_cast<std::uint8_t>(site.semantics)},
        std::uint64_t{static_cast<std::uint8_t>(site.constant.kind)}, site.constant.significand,
        std::uint64_t{site.constant.sign_exponent}, site.constant.integer_bits}) {
    key += std::to_string(number);
    key.push_back(',');
  }
  if (!seen_.insert(std::move(key)).second) return;
  sites_.push_back(std::move(site));
}

namespace {
// Node matchers Clang 14 does not define.
const internal::VariadicDynCastAllOfMatcher<clang::Stmt, clang::CXXTypeidExpr> typeid_expression;
const internal::VariadicDynCastAllOfMatcher<clang::Stmt, clang::RequiresExpr> requires_expression;
}  // namespace

std::unique_ptr<SiteMatchers> register_site_matchers(MatchFinder& finder, SiteCollector& collector) {
  auto matchers = std::make_unique<AllSiteMatchers>(collector);
  // First: a context is matched before the casts in it.
  finder.addMatcher(
      expr(unless(isExpansionInSystemHeader()),
           anyOf(unaryExprOrTypeTraitExpr(), cxxNoexceptExpr(), typeid_expression(), requires_expression()))
          .bind("unevaluated"),
      &matchers->unevaluated);
  finder.addMatcher(typeLoc(loc(decltypeType())).bind("unevaluated"), &matchers->unevaluated);
  // System headers are skipped before any callback runs; files outside the
  // roots are skipped by the collector.
  finder.addMatcher(
      implicitCastExpr(unless(isExpansionInSystemHeader()),
                       anyOf(hasCastKind(clang::CK_FloatingCast), hasCastKind(clang::CK_FloatingToIntegral),
                             hasCastKind(clang::CK_IntegralCast), hasCastKind(clang::CK_IntegralToFloating),
                             hasCastKind(clang::CK_ConstructorConversion)))
          .bind("cast"),
      &matchers->implicit);
  // Conversions by value only: not reinterpret_cast, const_cast, __builtin_bit_cast.
  finder.addMatcher(explicitCastExpr(unless(isExpansionInSystemHeader()),
                                     anyOf(cStyleCastExpr(), cxxStaticCastExpr(), cxxFunctionalCastExpr()))
                        .bind("cast"),
                    &matchers->explicit_);
  finder.addMatcher(cxxConstructExpr(unless(isExpansionInSystemHeader())).bind("construct"),
                    &matchers->explicit_);
  std::vector<llvm::StringRef> function_names;
  for (std::string_view name : kConversionFunctions) function_names.emplace_back(name.data(), name.size());
  finder.addMatcher(
      callExpr(unless(isExpansionInSystemHeader()), callee(functionDecl(hasAnyName(function_names))))
          .bind("call"),
      &matchers->explicit_);
  finder.addMatcher(
      cxxMemberCallExpr(unless(isExpansionInSystemHeader()), callee(cxxMethodDecl(hasName("cast"))))
          .bind("call"),
      &matchers->eigen);
  finder.addMatcher(
      cxxConstructExpr(unless(isExpansionInSystemHeader()),
                       hasDeclaration(cxxConstructorDecl(ofClass(hasName("::tensorflow::ops::Cast")))))
          .bind("op"),
      &matchers->tensorflow);
  return matchers;
}

}  // namespace dtlint::clang_front
