#include "cli/cli.h"

#include <algorithm>
#include <exception>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "common/build_info.h"

namespace vivace::cli {
namespace {

struct CommandSpec {
  std::vector<std::string_view> path{};  // {"list", "blocks"}
  std::string_view summary{};
  std::string_view details{};  // more help text, may be empty
  std::vector<ArgSpec> args{};
  std::vector<FlagSpec> flags{};  // besides the global ones
  Status (*run)(Context&) = nullptr;
};

// Flags every command takes. The backend flags are tempo-cli's.
const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec> flags = {
      {.name = "config-file",
       .short_name = 'c',
       .value_name = "<path>",
       .help = "Tempo/Vivace config file: storage.trace (backend, bucket, credentials) "
               "chooses the bucket"},
      {.name = "backend",
       .value_name = "<name>",
       .help = "backend to read: local, s3, gcs or azure; overrides "
               "the config file"},
      {.name = "bucket",
       .value_name = "<path>",
       .help = "bucket (s3, gcs), container (azure) or, for local, the directory holding the "
               "tenants; overrides the config file"},
      {.name = "s3-endpoint",
       .value_name = "<host>",
       .help = "s3 endpoint host[:port]; overrides the config file"},
      {.name = "s3-user",
       .value_name = "<user>",
       .help = "s3 access key; overrides the config file"},
      {.name = "s3-pass",
       .value_name = "<password>",
       .help = "s3 secret key; overrides the config file"},
      {.name = "insecure-skip-verify", .help = "skip TLS certificate verification (s3)"},
      {.name = "quiet", .short_name = 'q', .help = "no progress reports on stderr"},
      {.name = "help", .short_name = 'h', .help = "show help"},
      {.name = "version", .help = "print the version and exit"},
  };
  return flags;
}

constexpr ArgSpec kTenantArg{"tenant-id", "tenant within the bucket"};
constexpr ArgSpec kBlockArg{"block-id", "block ID (UUID)"};
constexpr ArgSpec kTraceArg{"trace-id", "trace ID in hex (1 to 32 digits)"};

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec> commands = {
      {.path = {"list", "tenants"},
       .summary = "List the tenants in the bucket with their block counts",
       .details = "Shows live and compacted block counts and when each tenant index was written.",
       .run = ListTenants},
      {.path = {"list", "blocks"},
       .summary = "List the blocks of a tenant, oldest first",
       .details = "One row per block from its meta.json: ID, time range, traces, data size, row "
                  "groups, compaction level and format, with totals. Compacted blocks are left "
                  "out unless --include-compacted, which lists them marked \"Y\" in CMP.",
       .args = {kTenantArg},
       .flags = {{.name = "include-compacted", .help = "also list compacted blocks"}},
       .run = ListBlocks},
      {.path = {"list", "compaction-summary"},
       .summary = "Show a tenant's blocks by compaction level and window, and outstanding work",
       .details = "Per level: blocks, traces, bytes and time range; per compaction window (by "
                  "block end time): blocks at each level; then the blocks the compactor's "
                  "time-window selector would still merge, and in how many jobs.",
       .args = {kTenantArg},
       .flags = {{.name = "compaction-window",
                  .value_name = "<duration>",
                  .help = "window to group by (compaction_window; default 1h)"}},
       .run = ListCompactionSummary},
      {.path = {"list", "block"},
       .summary = "Show a block: meta.json, its objects and the stored size of each column",
       .details = "Column sizes come from the row-group headers, so every row group is read "
                  "once (progress on stderr); --no-columns stops after meta.json and the "
                  "objects.",
       .args = {kTenantArg, kBlockArg},
       .flags = {{.name = "columns",
                  .help = "measure columns, tables and row groups (default true; --no-columns "
                          "skips)"}},
       .run = ListBlock},
      {.path = {"list", "index"},
       .summary = "Summarise a block's row-group index",
       .args = {kTenantArg, kBlockArg},
       .run = ListIndex},
      {.path = {"list", "column"},
       .summary = "List the values of one column of a block, row group by row group",
       .details = "Column names are those `list block` and `dump trace` print (span.name, "
                  "attr.span.keys, attr.span.string[http.route], ...).",
       .args = {kTenantArg, kBlockArg, {"column", "column name, e.g. span.name"}},
       .flags = {{.name = "limit",
                  .value_name = "<n>",
                  .help = "stop after n values (default: all)"}},
       .run = ListColumn},
      {.path = {"view", "index"},
       .summary = "Print every entry of a block's row-group index",
       .args = {kTenantArg, kBlockArg},
       .run = ViewIndex},
      {.path = {"query", "blocks"},
       .summary = "Find a trace in every block of a tenant, straight from the backend",
       .details = "Searches live and compacted blocks (bloom filter, then index, then one row "
                  "group), combines the parts as the query path does and prints the trace on "
                  "stdout; which blocks held parts goes to stderr. Formats: v1 = "
                  "{\"batches\":[...]} as GET /api/traces/<id>; v2 = {\"trace\":{...}} as GET "
                  "/api/v2/traces/<id>; otlp = {\"resourceSpans\":[...]} with hex IDs, as "
                  "OTLP/JSON senders post it. Exits 1 when no block holds the trace.",
       .args = {kTraceArg, kTenantArg},
       .flags = {{.name = "format",
                  .value_name = "<v1|v2|otlp>",
                  .help = "output shape (default v1)"}},
       .run = QueryBlocks},
      {.path = {"verify", "block"},
       .summary = "Check every checksum and cross-reference of one block",
       .details = "Checks meta.json against the objects; the data header, trailer and footer; "
                  "the index and that it matches the footer; every bloom shard; every row "
                  "group's header, dictionaries and pages; trace counts, ID order and ranges; "
                  "and that every trace ID is in its bloom shard. Exits 1 naming the object "
                  "(and row group and column) at fault.",
       .args = {kTenantArg, kBlockArg},
       .run = VerifyBlockCommand},
      {.path = {"verify", "tenant"},
       .summary = "Verify every block of a tenant",
       .details = "Prints one line per block and a summary; exits 1 when any block fails.",
       .args = {kTenantArg},
       .flags = {{.name = "include-compacted", .help = "also verify compacted blocks"}},
       .run = VerifyTenant},
      {.path = {"dump", "trace"},
       .summary = "Dump the stored column values of one trace in a block",
       .details = "For each table the trace has rows in (trace, resource_spans, resource, "
                  "scope_spans, scope, span, event, link), prints each column's name, kind and "
                  "values for those rows, as stored: CSR ends, row references, relative times, "
                  "key-set codes. Sparse columns (attribute values, external parents, link IDs) "
                  "show the trace's values and their ordinals in the column. Promoted attribute "
                  "columns are named attr.<scope>.<type>[<key>].",
       .args = {kTenantArg, kBlockArg, kTraceArg},
       .flags = {{.name = "column",
                  .value_name = "<name>",
                  .help = "only columns whose name starts with this (repeatable)",
                  .repeated = true},
                 {.name = "all-columns",
                  .help = "also columns the row group does not store (they read as defaults)"}},
       .run = DumpTraceCommand},
      {.path = {"gen", "index"},
       .summary = "Regenerate a block's index object from the footer of its data object",
       .details = "Repairs a missing or corrupt `index`; the data footer is checked first.",
       .args = {kTenantArg, kBlockArg},
       .run = GenIndex},
  };
  return commands;
}

std::string Usage(const CommandSpec& c) {
  std::string line = fmt::format("vivace-cli {}", fmt::join(c.path, " "));
  for (const ArgSpec& a : c.args) {
    line += fmt::format(" <{}>", a.name);
  }
  return line + " [flags]";
}

void PrintFlags(std::ostream& out, const std::vector<FlagSpec>& flags) {
  std::vector<std::string> names;
  size_t width = 0;
  for (const FlagSpec& f : flags) {
    std::string n = f.short_name != 0 ? fmt::format("-{}, ", f.short_name) : "    ";
    n += fmt::format("--{}", f.name);
    if (!f.value_name.empty()) {
      n += fmt::format("={}", f.value_name);
    }
    width = std::max(width, n.size());
    names.push_back(std::move(n));
  }
  for (size_t i = 0; i < flags.size(); ++i) {
    out << "  " << names[i] << std::string(width - names[i].size() + 2, ' ') << flags[i].help
        << '\n';
  }
}

void PrintTopHelp(std::ostream& out) {
  out << "Usage: vivace-cli <command> [<args>] [flags]\n\n"
      << "The operator's tool for Vivace's and Tempo's object storage: lists tenants and blocks,\n"
      << "shows where a block's bytes go, finds traces, verifies checksums and dumps a trace's\n"
      << "stored columns, reading the bucket directly.\n\nCommands:\n";
  std::vector<std::string> usages;
  size_t width = 0;
  for (const CommandSpec& c : Commands()) {
    std::string u = fmt::format("{}", fmt::join(c.path, " "));
    for (const ArgSpec& a : c.args) {
      u += fmt::format(" <{}>", a.name);
    }
    width = std::max(width, u.size());
    usages.push_back(std::move(u));
  }
  for (size_t i = 0; i < usages.size(); ++i) {
    out << "  " << usages[i] << std::string(width - usages[i].size() + 2, ' ')
        << Commands()[i].summary << '\n';
  }
  out << "\nFlags (every command):\n";
  PrintFlags(out, GlobalFlags());
  out << "\nRun \"vivace-cli <command> --help\" for a command's arguments and flags.\n"
      << "Exit status: 0 success, 1 failure (not found, corruption, I/O), 2 bad command line.\n";
}

void PrintGroupHelp(std::ostream& out, std::string_view group) {
  out << "Usage: vivace-cli " << group << " <command> [<args>] [flags]\n\nCommands:\n";
  for (const CommandSpec& c : Commands()) {
    if (c.path[0] == group) {
      out << "  " << Usage(c) << "\n      " << c.summary << '\n';
    }
  }
}

void PrintCommandHelp(std::ostream& out, const CommandSpec& c) {
  out << "Usage: " << Usage(c) << "\n\n" << c.summary << ".\n";
  if (!c.details.empty()) {
    // Wrap the details at 96 columns.
    out << '\n';
    std::string line;
    size_t start = 0;
    std::string_view text = c.details;
    while (start < text.size()) {
      size_t end = text.find(' ', start);
      if (end == std::string_view::npos) {
        end = text.size();
      }
      std::string_view word = text.substr(start, end - start);
      if (!line.empty() && line.size() + 1 + word.size() > 96) {
        out << line << '\n';
        line.clear();
      }
      line += line.empty() ? "" : " ";
      line += word;
      start = end + 1;
    }
    out << line << '\n';
  }
  if (!c.args.empty()) {
    out << "\nArguments:\n";
    size_t width = 0;
    for (const ArgSpec& a : c.args) {
      width = std::max(width, a.name.size() + 2);
    }
    for (const ArgSpec& a : c.args) {
      std::string n = fmt::format("<{}>", a.name);
      out << "  " << n << std::string(width - n.size() + 2, ' ') << a.help << '\n';
    }
  }
  if (!c.flags.empty()) {
    out << "\nFlags:\n";
    PrintFlags(out, c.flags);
  }
  out << "\nBackend and other flags:\n";
  PrintFlags(out, GlobalFlags());
}

int UsageError(std::ostream& err, std::string_view message, std::string_view hint) {
  err << "vivace-cli: error: " << message << '\n' << hint << '\n';
  return kExitUsage;
}

int RunLine(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err,
            bool err_is_tty) {
  std::vector<const FlagSpec*> known;
  std::set<std::string_view> seen;
  for (const FlagSpec& f : GlobalFlags()) {
    known.push_back(&f);
    seen.insert(f.name);
  }
  for (const CommandSpec& c : Commands()) {
    for (const FlagSpec& f : c.flags) {
      if (seen.insert(f.name).second) {
        known.push_back(&f);
      }
    }
  }
  constexpr std::string_view kTopHint = "Run \"vivace-cli --help\" for usage.";
  auto parsed = Tokenize(argv, known);
  if (!parsed.ok()) {
    return UsageError(err, parsed.status().message(), kTopHint);
  }
  if (parsed->Bool("version")) {
    const BuildInfo& info = GetBuildInfo();
    out << "vivace-cli, version " << info.vivace_version << " (revision " << info.revision << ")\n";
    return kExitOk;
  }
  bool help = parsed->Bool("help");
  std::vector<std::string> words = parsed->words();
  if (!words.empty() && words[0] == "help") {
    words.erase(words.begin());
    help = true;
  }
  if (words.empty()) {
    PrintTopHelp(help ? out : err);
    return help ? kExitOk : kExitUsage;
  }
  bool group_known = std::any_of(Commands().begin(), Commands().end(),
                                 [&](const CommandSpec& c) { return c.path[0] == words[0]; });
  if (!group_known) {
    return UsageError(err, fmt::format("unknown command \"{}\"", words[0]), kTopHint);
  }
  const CommandSpec* cmd = nullptr;
  if (words.size() >= 2) {
    for (const CommandSpec& c : Commands()) {
      if (c.path[0] == words[0] && c.path[1] == words[1]) {
        cmd = &c;
      }
    }
  }
  if (cmd == nullptr) {
    if (help && words.size() == 1) {
      PrintGroupHelp(out, words[0]);
      return kExitOk;
    }
    if (words.size() == 1) {
      err << "vivace-cli: error: \"" << words[0] << "\" needs a command\n";
    } else {
      err << "vivace-cli: error: unknown command \"" << words[0] << ' ' << words[1] << "\"\n";
    }
    PrintGroupHelp(err, words[0]);
    return kExitUsage;
  }
  std::string hint = fmt::format("Usage: {}\nRun \"vivace-cli {} --help\" for more.", Usage(*cmd),
                                 fmt::join(cmd->path, " "));
  if (help) {
    PrintCommandHelp(out, *cmd);
    return kExitOk;
  }
  for (const std::string& name : parsed->Names()) {
    bool global = std::any_of(GlobalFlags().begin(), GlobalFlags().end(),
                              [&](const FlagSpec& f) { return f.name == name; });
    bool own = std::any_of(cmd->flags.begin(), cmd->flags.end(),
                           [&](const FlagSpec& f) { return f.name == name; });
    if (!global && !own) {
      return UsageError(
          err, fmt::format("flag --{} does not apply to \"{}\"", name, fmt::join(cmd->path, " ")),
          hint);
    }
  }
  std::vector<std::string> args(words.begin() + 2, words.end());
  if (args.size() != cmd->args.size()) {
    return UsageError(err,
                      fmt::format("\"{}\" takes {} argument{}, got {}", fmt::join(cmd->path, " "),
                                  cmd->args.size(), cmd->args.size() == 1 ? "" : "s", args.size()),
                      hint);
  }
  parsed->set_args(std::move(args));
  Context ctx(*parsed, out, err, err_is_tty);
  Status status = cmd->run(ctx);
  out.flush();
  if (status.ok()) {
    return kExitOk;
  }
  err << "vivace-cli: error: " << status.message() << '\n';
  return status.code() == Code::kInvalidArgument ? kExitUsage : kExitFailure;
}

}  // namespace

int Run(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err,
        bool err_is_tty) {
  try {
    return RunLine(argv, out, err, err_is_tty);
  } catch (const std::exception& e) {
    // Entry point: nothing below is expected to throw, but a bad_alloc must not abort.
    err << "vivace-cli: error: " << e.what() << '\n';
    return kExitFailure;
  }
}

}  // namespace vivace::cli
