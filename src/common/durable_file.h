#pragma once

// Small files that must survive a crash once written (markers, state files): written whole,
// fsynced, and fsynced into their directory.

#include <string>
#include <string_view>

#include "common/status.h"

namespace vivace {

// Creates or truncates `path` with `data`, then fsyncs the file and its directory.
Status WriteFileDurably(const std::string& path, std::string_view data);
// Removes `path` (absent is OK) and fsyncs its directory.
Status RemoveFileDurably(const std::string& path);
// fsyncs a directory so that entries created or removed in it survive a crash.
Status SyncDirectory(const std::string& dir);

}  // namespace vivace
