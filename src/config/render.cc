#include "config/render.h"

#include <fmt/format.h>

#include "config/config.h"
#include "config/keys.h"
#include "config/loader.h"
#include "config/scalar.h"

namespace vivace::config {
namespace {

bool IsPlainSafeChar(unsigned char c) { return c >= 0x20 && c != 0x7f; }

// UTF-8 sequences YAML treats as line breaks or a byte-order mark, and their escapes.
struct SpecialSequence {
  std::string_view bytes;
  std::string_view escape;
};

constexpr SpecialSequence kSpecialSequences[] = {
    {"\xc2\x85", "\\N"},
    {"\xe2\x80\xa8", "\\L"},
    {"\xe2\x80\xa9", "\\P"},
    {"\xef\xbb\xbf", "\\uFEFF"},
};

// True when a plain scalar would read back as something other than this string.
bool NeedsQuotes(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.front() == '\t' || s.back() == '\t') {
    return true;
  }
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`=").find(s.front()) != std::string_view::npos) {
    return true;
  }
  if (s.back() == ':' || s.find(": ") != std::string_view::npos
      || s.find(" #") != std::string_view::npos) {
    return true;
  }
  for (unsigned char c : s) {
    if (!IsPlainSafeChar(c)) {
      return true;
    }
  }
  for (const SpecialSequence& seq : kSpecialSequences) {
    if (s.find(seq.bytes) != std::string_view::npos) {
      return true;
    }
  }
  // Would resolve to null, a boolean or a number.
  static constexpr std::string_view kReserved[] = {"null", "Null", "NULL", "~"};
  for (std::string_view r : kReserved) {
    if (s == r) {
      return true;
    }
  }
  if (ParseYamlBool(s).ok() || ParseInt(s).ok()) {
    return true;
  }
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (s.front() == '.') {  // .5, .inf, .nan
    return s.size() > 1 && (digit(s[1]) || std::string_view("iInN").find(s[1]) != s.npos);
  }
  return digit(s.front()) || s.front() == '+';
}

void Indent(int n, std::string* out) { out->append(static_cast<size_t>(n), ' '); }

void EmitMapAt(const RenderNode& map, int indent, std::string* out);

void EmitListAt(const RenderNode& list, int indent, std::string* out) {
  for (const RenderNode& item : list.children) {
    Indent(indent, out);
    out->append("-");
    if (item.type == RenderNode::Type::kScalar) {
      out->append(" ").append(item.scalar).append("\n");
    } else if (item.children.empty()) {
      out->append(item.type == RenderNode::Type::kMap ? " {}\n" : " []\n");
    } else if (item.type == RenderNode::Type::kMap) {
      std::string nested;
      EmitMapAt(item, indent + 2, &nested);
      out->append(" ").append(nested.substr(static_cast<size_t>(indent) + 2));
    } else {
      out->append("\n");
      EmitListAt(item, indent + 2, out);
    }
  }
}

void EmitMapAt(const RenderNode& map, int indent, std::string* out) {
  for (const RenderNode& child : map.children) {
    Indent(indent, out);
    out->append(QuoteYamlString(child.key)).append(":");
    switch (child.type) {
      case RenderNode::Type::kScalar:
        out->append(" ").append(child.scalar).append("\n");
        break;
      case RenderNode::Type::kMap:
        if (child.children.empty()) {
          out->append(" {}\n");
        } else {
          out->append("\n");
          EmitMapAt(child, indent + 2, out);
        }
        break;
      case RenderNode::Type::kList:
        if (child.children.empty()) {
          out->append(" []\n");
        } else {
          out->append("\n");
          EmitListAt(child, indent, out);  // yaml.v2 style: items at the key's indentation
        }
        break;
    }
  }
}

std::string Text(const RenderNode& node) {
  RenderNode wrapper;
  RenderNode copy = node;
  copy.key = "v";
  wrapper.children.push_back(std::move(copy));
  std::string out;
  EmitMapAt(wrapper, 0, &out);
  return out;
}

RenderNode RenderList(const Key& key, const void* list) {
  RenderNode n;
  size_t size = key.list_ops.size(list);
  if (size == 0) {
    n.type = RenderNode::Type::kScalar;
    n.scalar = "[]";
    return n;
  }
  n.type = RenderNode::Type::kList;
  for (size_t i = 0; i < size; ++i) {
    const void* item = key.list_ops.at(list, i);
    RenderNode m;
    RenderSchema(key.item->root(), item, item, RenderMode::kFull, &m);
    n.children.push_back(std::move(m));
  }
  return n;
}

bool PresenceOf(const Key* k, const void* root) {
  return *static_cast<const bool*>(k->present(const_cast<void*>(root)));
}

}  // namespace

std::string QuoteYamlString(std::string_view s) {
  if (!NeedsQuotes(s)) {
    return std::string(s);
  }
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    bool special = false;
    for (const SpecialSequence& seq : kSpecialSequences) {
      if (s.compare(i, seq.bytes.size(), seq.bytes) == 0) {
        out += seq.escape;
        i += seq.bytes.size() - 1;
        special = true;
        break;
      }
    }
    if (special) {
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += "\"";
  return out;
}

void RenderSchema(const SchemaNode& node, const void* root, const void* defaults, RenderMode mode,
                  RenderNode* out) {
  out->type = RenderNode::Type::kMap;
  for (const SchemaNode& child : node.children) {
    const Key* k = child.key;
    if (k != nullptr && (k->flags & kNoRender) != 0) {
      continue;
    }
    Kind kind = k != nullptr ? k->kind : Kind::kSection;
    if (kind == Kind::kCustom) {
      if (k->render != nullptr) {
        k->render(root, defaults, mode, out);
      }
      continue;
    }
    if (kind == Kind::kSection) {
      RenderMode sub_mode = mode;
      bool enabled_section = false;
      if (k != nullptr && k->present) {
        if (!PresenceOf(k, root)) {
          continue;  // e.g. a receiver protocol that is not enabled
        }
        if (!PresenceOf(k, defaults)) {
          sub_mode = RenderMode::kFull;  // newly enabled: show all of it
          enabled_section = true;
        }
      }
      RenderNode sub;
      sub.key = child.name;
      RenderSchema(child, root, defaults, sub_mode, &sub);
      if (!sub.children.empty() || enabled_section) {
        out->children.push_back(std::move(sub));
      }
      continue;
    }
    if (k == nullptr || !k->ref) {
      continue;  // accepted, not bound
    }
    const void* field = k->ref(const_cast<void*>(root));
    const void* def_field = k->ref(const_cast<void*>(defaults));
    RenderNode value;
    if (kind == Kind::kStructList) {
      value = RenderList(*k, field);
      if (mode == RenderMode::kDiff && Text(value) == Text(RenderList(*k, def_field))) {
        continue;
      }
    } else {
      if (mode == RenderMode::kDiff
          && Text(RenderLeaf(kind, k->flags, field, false))
                 == Text(RenderLeaf(kind, k->flags, def_field, false))) {
        continue;
      }
      value = RenderLeaf(kind, k->flags, field, true);
    }
    value.key = child.name;
    out->children.push_back(std::move(value));
  }
}

void EmitYaml(const RenderNode& map, std::string* out) {
  if (map.children.empty()) {
    out->append("{}\n");
    return;
  }
  EmitMapAt(map, 0, out);
}

std::string RenderYaml(const Config& config, RenderMode mode) {
  const Config& defaults = DefaultConfig();
  const Config& shown = mode == RenderMode::kDefaults ? defaults : config;
  RenderNode root;
  RenderSchema(ConfigSchema().root(), &shown, &defaults,
               mode == RenderMode::kDiff ? RenderMode::kDiff : RenderMode::kFull, &root);
  std::string out = "---\n";
  EmitYaml(root, &out);
  return out;
}

std::string RenderOverridesYaml(const std::map<std::string, Limits>& tenants) {
  RenderNode overrides;
  overrides.key = "overrides";
  for (const auto& [tenant, limits] : tenants) {
    RenderNode t;
    RenderSchema(LimitsSchema().root(), &limits, &limits, RenderMode::kFull, &t);
    t.key = tenant;
    overrides.children.push_back(std::move(t));
  }
  RenderNode root;
  root.children.push_back(std::move(overrides));
  std::string out = "---\n";
  EmitYaml(root, &out);
  return out;
}

}  // namespace vivace::config
