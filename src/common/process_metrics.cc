#include "common/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace vivace {
namespace {

// Fields of /proc/self/stat after the command name.
bool ReadStat(double* cpu_seconds, double* vsize, double* rss_pages, double* start_ticks) {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) {
    return false;
  }
  size_t close = line.rfind(')');
  if (close == std::string::npos) {
    return false;
  }
  std::istringstream rest(line.substr(close + 2));
  std::string f;
  double utime = 0;
  double stime = 0;
  // Field 3 (state) is the first after ')'; utime is field 14, stime 15, starttime 22,
  // vsize 23, rss 24.
  for (int field = 3; field <= 24 && rest >> f; ++field) {
    if (field == 14) {
      utime = std::stod(f);
    } else if (field == 15) {
      stime = std::stod(f);
    } else if (field == 22) {
      *start_ticks = std::stod(f);
    } else if (field == 23) {
      *vsize = std::stod(f);
    } else if (field == 24) {
      *rss_pages = std::stod(f);
    }
  }
  double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  *cpu_seconds = (utime + stime) / hz;
  return true;
}

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double v = 0;
      in >> v;
      return v;
    }
  }
  return 0;
}

}  // namespace

int64_t ResidentMemoryBytes() {
  double cpu = 0;
  double vsize = 0;
  double rss = 0;
  double start = 0;
  if (!ReadStat(&cpu, &vsize, &rss, &start)) {
    return 0;
  }
  return static_cast<int64_t>(rss) * sysconf(_SC_PAGESIZE);
}

void RegisterProcessMetrics(metrics::Registry& registry) {
  registry.NewCallbackGauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                            [] { return static_cast<double>(ResidentMemoryBytes()); });
  registry.NewCallbackGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", [] {
    double cpu = 0;
    double vsize = 0;
    double rss = 0;
    double start = 0;
    ReadStat(&cpu, &vsize, &rss, &start);
    return vsize;
  });
  registry.NewCallbackCounter("process_cpu_seconds_total",
                              "Total user and system CPU time spent in seconds.", [] {
                                double cpu = 0;
                                double vsize = 0;
                                double rss = 0;
                                double start = 0;
                                ReadStat(&cpu, &vsize, &rss, &start);
                                return cpu;
                              });
  registry.NewCallbackGauge("process_start_time_seconds",
                            "Start time of the process since unix epoch in seconds.", [] {
                              double cpu = 0;
                              double vsize = 0;
                              double rss = 0;
                              double start = 0;
                              ReadStat(&cpu, &vsize, &rss, &start);
                              return BootTimeSeconds() +
                                     start / static_cast<double>(sysconf(_SC_CLK_TCK));
                            });
  registry.NewCallbackGauge("process_open_fds", "Number of open file descriptors.", [] {
    std::error_code ec;
    double n = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      ++n;
    }
    return n;
  });
  registry.NewCallbackGauge("process_max_fds", "Maximum number of open file descriptors.", [] {
    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    return static_cast<double>(rl.rlim_cur);
  });
}

}  // namespace vivace
