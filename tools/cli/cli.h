#pragma once

// vivace-cli: the operator's tool for the blocks in Vivace's (and Tempo's) object storage, in
// the manner of Tempo's tempo-cli, whose command names and flags it keeps where Tempo has the
// command: list tenants and blocks, show a block's meta.json, objects and per-column sizes,
// find a trace across a tenant's blocks, verify every checksum, dump a trace's stored columns,
// regenerate an index. It reads the bucket directly; no server is needed. docs/cli.md.
//
// Exit status: 0 success; 1 failure (not found, corruption, I/O); 2 bad command line.

#include <ostream>
#include <string>
#include <vector>

namespace vivace::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Runs one command line (`argv` without the program name): results on `out`; errors,
// warnings and progress on `err` (progress is redrawn in place when `err_is_tty`). Never throws.
int Run(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err,
        bool err_is_tty = false);

}  // namespace vivace::cli
