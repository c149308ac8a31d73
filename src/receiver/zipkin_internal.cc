#include "receiver/zipkin_internal.h"

#include <simdjson.h>

#include <array>
#include <cstring>
#include <string>

namespace vivace::receiver {

bool KeyIsFolded(std::string_view key, std::string_view name) {
  if (key.size() != name.size()) {
    return false;
  }
  for (size_t i = 0; i < key.size(); ++i) {
    char a = key[i];
    char b = name[i];
    if (a == b) {
      continue;
    }
    if (a >= 'A' && a <= 'Z') {
      a = static_cast<char>(a - 'A' + 'a');
    }
    if (b >= 'A' && b <= 'Z') {
      b = static_cast<char>(b - 'A' + 'a');
    }
    if (a != b) {
      return false;
    }
  }
  return true;
}

namespace {

// Hex digit values; 0xFF for every other byte.
constexpr std::array<uint8_t, 256> kHexDigit = [] {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) {
    v = 0xFF;
  }
  for (int c = 0; c < 10; ++c) {
    t['0' + c] = static_cast<uint8_t>(c);
  }
  for (int c = 0; c < 6; ++c) {
    t['a' + c] = t['A' + c] = static_cast<uint8_t>(10 + c);
  }
  return t;
}();

}  // namespace

bool ParseHexUint64(std::string_view s, uint64_t* out) {
  if (s.empty()) {
    return false;
  }
  // Leading zeros do not count towards the 16 digits a uint64 holds.
  size_t i = 0;
  while (s.size() - i > 16 && s[i] == '0') {
    ++i;
  }
  if (s.size() - i > 16) {
    // More than 16 significant digits: out of range, or not hex at all; both are errors.
    return false;
  }
  uint64_t v = 0;
  uint8_t bad = 0;
  for (; i < s.size(); ++i) {
    const uint8_t d = kHexDigit[static_cast<uint8_t>(s[i])];
    bad |= d;
    v = v << 4 | (d & 0x0F);
  }
  if (bad & 0xF0) {
    return false;
  }
  *out = v;
  return true;
}

bool ParseZipkinTraceId(std::string_view s, uint64_t* high, uint64_t* low) {
  if (s.size() > 16) {
    return ParseHexUint64(s.substr(0, s.size() - 16), high)
           && ParseHexUint64(s.substr(s.size() - 16), low);
  }
  *high = 0;
  return ParseHexUint64(s, low);
}

void DedupeTags(std::vector<ZipkinTag>& tags, uint32_t begin, uint32_t* end, KeyIndex* scratch) {
  const uint32_t n = *end - begin;
  if (n < 2) {
    return;
  }
  uint32_t w = begin;
  if (n <= 8) {
    for (uint32_t r = begin; r < *end; ++r) {
      bool merged = false;
      for (uint32_t k = begin; k < w; ++k) {
        if (tags[k].key == tags[r].key) {
          tags[k].value = tags[r].value;
          merged = true;
          break;
        }
      }
      if (!merged) {
        tags[w++] = tags[r];
      }
    }
  } else {
    KeyIndex& seen = *scratch;
    seen.Reset();
    for (uint32_t r = begin; r < *end; ++r) {
      const std::string_view key = tags[r].key;
      int at = seen.Find(key, [&](uint32_t k) { return tags[k].key == key; });
      if (at >= 0) {
        tags[static_cast<size_t>(at)].value = tags[r].value;
      } else {
        seen.Insert(key, w);
        tags[w++] = tags[r];
      }
    }
  }
  *end = w;
}

bool IsNonSpanAttribute(std::string_view key) {
  // Every such key starts with one of these letters: a cheap reject for most span attributes.
  constexpr std::string_view kFirst = "acdfhkopstw";
  if (key.empty() || kFirst.find(key[0]) == std::string_view::npos) {
    return false;
  }
  static constexpr std::array<std::string_view, 88> kKeys = {
      "cloud.provider",
      "cloud.account.id",
      "cloud.region",
      "cloud.availability_zone",
      "cloud.platform",
      "aws.ecs.container.arn",
      "aws.ecs.cluster.arn",
      "aws.ecs.launchtype",
      "aws.ecs.task.arn",
      "aws.ecs.task.family",
      "aws.ecs.task.revision",
      "aws.eks.cluster.arn",
      "aws.log.group.names",
      "aws.log.group.arns",
      "aws.log.stream.names",
      "aws.log.stream.arns",
      "container.name",
      "container.id",
      "container.runtime",
      "container.image.name",
      "container.image.tag",
      "deployment.environment",
      "device.id",
      "device.model.identifier",
      "device.model.name",
      "device.manufacturer",
      "faas.name",
      "faas.id",
      "faas.version",
      "faas.instance",
      "faas.max_memory",
      "host.id",
      "host.name",
      "host.type",
      "host.arch",
      "host.image.name",
      "host.image.id",
      "host.image.version",
      "k8s.cluster.name",
      "k8s.node.name",
      "k8s.node.uid",
      "k8s.namespace.name",
      "k8s.pod.uid",
      "k8s.pod.name",
      "k8s.container.name",
      "k8s.container.restart_count",
      "k8s.replicaset.uid",
      "k8s.replicaset.name",
      "k8s.deployment.uid",
      "k8s.deployment.name",
      "k8s.statefulset.uid",
      "k8s.statefulset.name",
      "k8s.daemonset.uid",
      "k8s.daemonset.name",
      "k8s.job.uid",
      "k8s.job.name",
      "k8s.cronjob.uid",
      "k8s.cronjob.name",
      "os.type",
      "os.description",
      "os.name",
      "os.version",
      "process.pid",
      "process.executable.name",
      "process.executable.path",
      "process.command",
      "process.command_line",
      "process.command_args",
      "process.owner",
      "process.runtime.name",
      "process.runtime.version",
      "process.runtime.description",
      "service.name",
      "service.namespace",
      "service.instance.id",
      "service.version",
      "telemetry.sdk.name",
      "telemetry.sdk.language",
      "telemetry.sdk.version",
      "telemetry.auto.version",
      "webengine.name",
      "webengine.version",
      "webengine.description",
      "otlp.service.name.source",
      "otel.library.name",
      "otel.library.version",
      "opencensus.starttime",
      "opencensus.exporterversion",
  };
  static constexpr std::string_view kResourceType = "opencensus.resourcetype";
  // A second cheap reject: the (first byte, length) pairs of the keys above.
  static constexpr std::array<uint64_t, 256> kLengths = [] {
    std::array<uint64_t, 256> m{};
    for (std::string_view k : kKeys) {
      m[static_cast<uint8_t>(k[0])] |= uint64_t{1} << k.size();  // < 64 bytes, or no constant
    }
    m[static_cast<uint8_t>(kResourceType[0])] |= uint64_t{1} << kResourceType.size();
    return m;
  }();
  if (key.size() >= 64 || ((kLengths[static_cast<uint8_t>(key[0])] >> key.size()) & 1) == 0) {
    return false;
  }
  static const KeyIndex kIndex = [] {
    KeyIndex index;
    for (uint32_t i = 0; i < kKeys.size(); ++i) {
      index.Insert(kKeys[i], i);
    }
    index.Insert(kResourceType, static_cast<uint32_t>(kKeys.size()));
    return index;
  }();
  return kIndex.Find(key, [&](uint32_t i) {
    return (i < kKeys.size() ? kKeys[i] : kResourceType) == key;
  }) >= 0;
}

bool IsUtf8(std::string_view s) {
  // Tag keys and values are nearly always short ASCII: check that first, eight bytes at a time,
  // and leave anything else to simdjson's validator.
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if ((w & 0x8080808080808080ull) != 0) {
      return simdjson::validate_utf8(s.data(), s.size());
    }
  }
  for (; i < s.size(); ++i) {
    if ((static_cast<uint8_t>(s[i]) & 0x80) != 0) {
      return simdjson::validate_utf8(s.data(), s.size());
    }
  }
  return true;
}

}  // namespace vivace::receiver
