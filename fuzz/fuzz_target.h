#pragma once

// The libFuzzer entry point every fuzz target defines (declared here so -Wmissing-declarations
// holds with gcc, which builds the corpus-replay variant).

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
