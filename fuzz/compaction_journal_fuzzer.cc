// Fuzzes the compaction journal decoder: a journal object left by a crashed compactor is read
// back at start, so any bytes there must give a journal or a clear error. Every accepted
// journal must encode to text that decodes to the same value.

#include <cstdlib>
#include <string_view>

#include "compactor/journal.h"
#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto journal = vivace::compactor::DecodeJournal(input);
  if (journal.ok()) {
    auto again = vivace::compactor::DecodeJournal(vivace::compactor::EncodeJournal(*journal));
    if (!again.ok() || !(*again == *journal)) {
      std::abort();
    }
  }
  return 0;
}
