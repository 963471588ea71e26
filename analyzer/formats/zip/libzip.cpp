#include "analyzer/formats/zip/libzip.h"

#include <dlfcn.h>

#include "analyzer/input_error.h"

namespace dtlint::zip {
namespace {

const LibZip& load_libzip() {
  static const LibZip api = [] {
    LibZip table;
    void* library = ::dlopen(DTLINT_LIBZIP_SONAME, RTLD_NOW | RTLD_LOCAL);  // never closed: used until exit
    if (library == nullptr) {
      const char* why = ::dlerror();
      table.error = why != nullptr ? why : "dlopen failed";
      return table;
    }
#define DTLINT_RESOLVE(name)                                                    \
  table.name = reinterpret_cast<decltype(table.name)>(::dlsym(library, #name)); \
  if (table.name == nullptr && table.error.empty()) table.error = "no symbol " #name;
    DTLINT_LIBZIP_FUNCTIONS(DTLINT_RESOLVE)
#undef DTLINT_RESOLVE
    return table;
  }();
  return api;
}

}  // namespace

const LibZip& lz() {
  return load_libzip();
}

void require_libzip(const std::string& path, std::string_view archive_name) {
  const LibZip& api = load_libzip();
  if (!api.error.empty()) {
    throw InputError(path,
                     "cannot read " + std::string(archive_name) +
                         " archives: libzip (" DTLINT_LIBZIP_SONAME ") could not be loaded: " + api.error);
  }
}

}  // namespace dtlint::zip
