// PyTorch checkpoints: the torch.save zip format (PyTorch >= 1.6: .pt, .pth,
// .ckpt, pytorch_model.bin) and TorchScript archives (torch.jit.save). The
// archive's data.pkl (and a TorchScript archive's constants.pkl) is read by the
// restricted pickle interpreter (pickle.h), which never imports or calls
// anything; the tensors it reaches are named by their path in the containers
// (`state_dict.encoder.layer.0.weight`) and viewed in their storages
// (`<archive>/data/<key>`), in place when contiguous, gathered a buffer at a
// time when strided.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "analyzer/formats/container.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {

// Reads a checkpoint: its tensors, the tensors it cannot read (E901 for each),
// those it skips (sparse, quantized: DT204) and the globals its pickle would
// need beyond torch.load(weights_only=True)'s allow-list (code_refused, DT203).
// A legacy (before 1.6) checkpoint or a plain pickle is one skipped input.
// Throws InputError(path, reason) when the checkpoint as a whole cannot be read.
ContainerContents read_torch(const InputBytes& input, const std::string& path);

// Whether a file's first bytes are a PyTorch checkpoint's: a zip archive whose
// first entry is `<archive>/data.pkl` (torch.save) or another of the records
// torch writes first (`<archive>/data/0`, `<archive>/constants.pkl`: TorchScript),
// or the legacy format's magic number. Needs the first 30 bytes plus the
// first entry's name.
bool looks_like_torch(std::span<const std::byte> prefix);

}  // namespace dtlint
