// libzip, loaded with dlopen when the first zip archive is opened rather than
// linked: it brings libcrypto, libbz2 and more, which cost every process about
// 1.5 ms to map and relocate, and most runs (pre-commit on .npy files) never
// open a zip. The table's types come from <zip.h>, so every call is type-checked
// as a linked call would be. Private to the zip layer.
#pragma once

#include <zip.h>

#include <string>
#include <string_view>

namespace dtlint::zip {

// clang-format off
#define DTLINT_LIBZIP_FUNCTIONS(X)                                                          \
  X(zip_error_init) X(zip_error_fini) X(zip_stat_init) X(zip_error_to_data)                 \
  X(zip_source_seek_compute_offset) X(zip_error_set) X(zip_source_free) X(zip_discard)      \
  X(zip_fclose) X(zip_source_function_create) X(zip_open_from_source) X(zip_error_code_zip) \
  X(zip_error_strerror) X(zip_fopen_index) X(zip_fread) X(zip_fseek) X(zip_get_num_entries) \
  X(zip_get_name) X(zip_stat_index) X(zip_strerror)
// clang-format on

struct LibZip {
#define DTLINT_MEMBER(name) decltype(&::name) name = nullptr;
  DTLINT_LIBZIP_FUNCTIONS(DTLINT_MEMBER)
#undef DTLINT_MEMBER
  std::string error;  // why it could not be loaded; empty when it was
};

// Throws InputError(path, "cannot read <archive_name> archives: libzip (...) could
// not be loaded: ...") when the library or one of its functions is missing.
void require_libzip(const std::string& path, std::string_view archive_name);

// The loaded library; only called after require_libzip has succeeded.
const LibZip& lz();

}  // namespace dtlint::zip
