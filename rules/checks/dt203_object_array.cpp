// DT203 object-array: The array holds pickled objects and cannot be analysed; it is never unpickled.
// It also judges the globals a checkpoint's pickle needs beyond torch.load's allow-list (RefusedCode).
#include "rules/array_judgement.h"

namespace dtlint {
namespace {

constexpr RuleDoc kDoc{
    .code = "DT203",
    .name = "object-array",
    .default_severity = Severity::Warning,
    .summary = "Pickled objects, never unpickled: an object array, or a checkpoint's refused global.",
    .what = R"doc(Reports arrays of object dtype (pickled Python objects in .npy and .npz
files). dtlint never unpickles them, so their values are not analysed.

Also reports each global that a PyTorch checkpoint's pickle (data.pkl) imports or
calls beyond what torch.load(weights_only=True) allows (the rebuild functions,
storage classes, OrderedDict, torch.Size, plain containers and scalars), e.g.
"pickle calls 'os.system'". dtlint's pickle reader never imports or calls
anything: it names the global, puts a placeholder in its place and still scans
every tensor it can reach.)doc",
    .why = R"doc(Unpickling runs code chosen by whoever wrote the file, which is why np.load
refuses object arrays unless allow_pickle=True (the default has been False since NumPy
1.16.3). An object array also escapes every numeric check: its elements can be of any
type, and a cast on it converts element by element in Python.)doc",
    .example = R"doc(>>> x = np.array([1.5, "n/a", None], dtype=object)
>>> x.dtype.str
'|O'
>>> np.save("mixed.npy", x)
>>> np.load("mixed.npy")
Traceback (most recent call last):
  ...
ValueError: Object arrays cannot be loaded when allow_pickle=False)doc",
    .fix = R"doc(Convert to a numeric dtype before saving (missing values as NaN, or a separate
mask), store text as a fixed-width 'U' or 'S' dtype, or use a format that does not
pickle. For a checkpoint, save only tensors and plain containers (a state_dict, not
the module or custom objects), or save it as .safetensors; never load one that
calls code you do not know.)doc",
    .options = "Configuration: `severity` changes this rule's level, `off` disables it.",
};

class ObjectArray final : public Rule {
 public:
  ObjectArray() : Rule(kDoc, FactKind::ObjectArray) {}
  void judge(ArrayJudgement& array) const override {
    Finding& f = array.add(std::nullopt, 0, FirstHit{});
    f.message = "object array (" + array.array().stored_dtype +
                ") holds pickled Python objects; it is never unpickled and cannot be analysed";
  }
};

}  // namespace

const Rule& rule_dt203() {
  static const ObjectArray rule;
  return rule;
}

}  // namespace dtlint
