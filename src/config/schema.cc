#include "config/schema.h"

#include <map>

namespace vivace::config {

const SchemaNode* SchemaNode::Child(std::string_view child) const {
  for (const SchemaNode& c : children) {
    if (c.name == child) {
      return &c;
    }
  }
  return nullptr;
}

namespace {

SchemaNode* ChildOrAdd(SchemaNode* node, std::string_view name) {
  for (SchemaNode& c : node->children) {
    if (c.name == name) {
      return &c;
    }
  }
  node->children.push_back(SchemaNode{std::string(name), nullptr, {}});
  return &node->children.back();
}

}  // namespace

void Schema::Finish() {
  root_ = SchemaNode{};
  for (const Key& key : keys_) {
    SchemaNode* node = &root_;
    std::string_view rest = key.path;
    while (!rest.empty()) {
      size_t dot = rest.find('.');
      node = ChildOrAdd(node, rest.substr(0, dot));
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    }
    node->key = &key;
  }
}

const Key* Schema::Find(std::string_view path) const {
  for (const Key& k : keys_) {
    if (k.path == path) {
      return &k;
    }
  }
  return nullptr;
}

Key& SchemaWriter::Add(std::string_view path) {
  Key k;
  k.path = prefix_ + std::string(path);
  schema_->mutable_keys().push_back(std::move(k));
  return schema_->mutable_keys().back();
}

SchemaWriter& SchemaWriter::Accept(std::string_view path, Kind kind, uint32_t flags) {
  if (schema_->Has(prefix_ + std::string(path))) {
    return *this;
  }
  Key& k = Add(path);
  k.kind = kind;
  k.flags = flags;
  return *this;
}

SchemaWriter& SchemaWriter::AcceptAll(std::initializer_list<std::string_view> paths, Kind kind,
                                      uint32_t flags) {
  for (std::string_view p : paths) {
    Accept(p, kind, flags);
  }
  return *this;
}

SchemaWriter& SchemaWriter::Custom(std::string_view path, CustomRead read, CustomRender render) {
  Key& k = Add(path);
  k.kind = Kind::kCustom;
  k.read = read;
  k.render = render;
  return *this;
}

SchemaWriter& SchemaWriter::Note(std::string message, std::string explain) {
  Key& k = schema_->mutable_keys().back();
  k.note = std::move(message);
  k.note_explain = std::move(explain);
  return *this;
}

SchemaWriter& SchemaWriter::FallbackFor(std::string_view target_path, int priority) {
  Key& k = schema_->mutable_keys().back();
  k.fallback_for = std::string(target_path);
  k.fallback_priority = priority;
  k.flags |= kNoRender;
  return *this;
}

SchemaWriter& SchemaWriter::Flags(uint32_t flags) {
  schema_->mutable_keys().back().flags |= flags;
  return *this;
}

void ZeroFields(const Schema& schema, void* root) {
  for (const Key& k : schema.keys()) {
    if (!k.ref || (k.flags & kNoRender) != 0) {
      continue;
    }
    void* p = k.ref(root);
    switch (k.kind) {
      case Kind::kString:
        static_cast<std::string*>(p)->clear();
        break;
      case Kind::kInt:
        *static_cast<int*>(p) = 0;
        break;
      case Kind::kInt64:
        *static_cast<int64_t*>(p) = 0;
        break;
      case Kind::kUint32:
        *static_cast<uint32_t*>(p) = 0;
        break;
      case Kind::kBool:
        *static_cast<bool*>(p) = false;
        break;
      case Kind::kFloat:
        *static_cast<double*>(p) = 0;
        break;
      case Kind::kDuration:
        *static_cast<Duration*>(p) = Duration(0);
        break;
      case Kind::kStringList:
        static_cast<std::vector<std::string>*>(p)->clear();
        break;
      case Kind::kFloatList:
        static_cast<std::vector<double>*>(p)->clear();
        break;
      case Kind::kStringMap:
        static_cast<std::map<std::string, std::string>*>(p)->clear();
        break;
      case Kind::kStructList:
        k.list_ops.clear(p);
        break;
      default:
        break;
    }
  }
}

}  // namespace vivace::config
