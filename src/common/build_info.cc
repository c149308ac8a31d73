#include "common/build_info.h"

#ifndef VV_GIT_REVISION
#define VV_GIT_REVISION "unknown"
#endif
#ifndef VV_GIT_BRANCH
#define VV_GIT_BRANCH "unknown"
#endif
#ifndef VV_VERSION
#define VV_VERSION "0.0.0"
#endif

namespace vivace {

const BuildInfo& GetBuildInfo() {
  static const BuildInfo info{
      "3.0.3",        VV_VERSION, VV_GIT_REVISION, VV_GIT_BRANCH, "vivace@build", __DATE__ " " __TIME__,
#if defined(__clang__)
      "clang " __clang_version__,
#else
      "gcc " __VERSION__,
#endif
  };
  return info;
}

}  // namespace vivace
