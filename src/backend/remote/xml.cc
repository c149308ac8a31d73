#include "backend/remote/xml.h"

#include <fmt/format.h>

namespace vivace::backend::remote {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsNameChar(char c) {
  return !IsSpace(c) && c != '>' && c != '/' && c != '=' && c != '<' && c != '"' && c != '\'';
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  Parser(std::string_view doc, const XmlLimits& limits) : doc_(doc), limits_(limits) {}

  Result<XmlElement> Document() {
    VV_RETURN_IF_ERROR(SkipMisc());
    if (pos_ >= doc_.size() || doc_[pos_] != '<') {
      return Error("expected a root element");
    }
    XmlElement root;
    VV_RETURN_IF_ERROR(Element(&root, 1));
    VV_RETURN_IF_ERROR(SkipMisc());
    if (pos_ != doc_.size()) {
      return Error("content after the root element");
    }
    return root;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::InvalidArgument(fmt::format("xml: {} at offset {}", what, pos_));
  }

  bool StartsWith(std::string_view s) const { return doc_.substr(pos_).starts_with(s); }

  // Skips to just past `end`; error when it never comes.
  Status SkipPast(std::string_view end, std::string_view what) {
    size_t at = doc_.find(end, pos_);
    if (at == std::string_view::npos) {
      return Error(fmt::format("unterminated {}", what));
    }
    pos_ = at + end.size();
    return Status::Ok();
  }

  // Whitespace, comments, processing instructions and a DOCTYPE outside the root.
  Status SkipMisc() {
    while (pos_ < doc_.size()) {
      if (IsSpace(doc_[pos_])) {
        ++pos_;
      } else if (StartsWith("<?")) {
        VV_RETURN_IF_ERROR(SkipPast("?>", "processing instruction"));
      } else if (StartsWith("<!--")) {
        VV_RETURN_IF_ERROR(SkipPast("-->", "comment"));
      } else if (StartsWith("<!DOCTYPE")) {
        VV_RETURN_IF_ERROR(SkipPast(">", "doctype"));
      } else {
        break;
      }
    }
    return Status::Ok();
  }

  // Reads a name into `*name` (a view into the document).
  Status Name(std::string_view* name) {
    size_t start = pos_;
    while (pos_ < doc_.size() && IsNameChar(doc_[pos_])) {
      ++pos_;
    }
    if (pos_ == start) {
      return Error("expected a name");
    }
    *name = doc_.substr(start, pos_ - start);
    return Status::Ok();
  }

  static std::string LocalName(std::string_view qname) {
    size_t colon = qname.rfind(':');
    return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
  }

  // Attributes up to '>' or '/>'; sets *self_closing.
  Status Attributes(bool* self_closing) {
    while (true) {
      while (pos_ < doc_.size() && IsSpace(doc_[pos_])) {
        ++pos_;
      }
      if (pos_ >= doc_.size()) {
        return Error("unterminated start tag");
      }
      if (doc_[pos_] == '>') {
        ++pos_;
        *self_closing = false;
        return Status::Ok();
      }
      if (StartsWith("/>")) {
        pos_ += 2;
        *self_closing = true;
        return Status::Ok();
      }
      std::string_view attr;
      VV_RETURN_IF_ERROR(Name(&attr));
      while (pos_ < doc_.size() && IsSpace(doc_[pos_])) {
        ++pos_;
      }
      if (pos_ >= doc_.size() || doc_[pos_] != '=') {
        return Error("expected '=' in an attribute");
      }
      ++pos_;
      while (pos_ < doc_.size() && IsSpace(doc_[pos_])) {
        ++pos_;
      }
      if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) {
        return Error("expected a quoted attribute value");
      }
      char quote = doc_[pos_++];
      size_t end = doc_.find(quote, pos_);
      if (end == std::string_view::npos) {
        return Error("unterminated attribute value");
      }
      pos_ = end + 1;
    }
  }

  // Decodes one entity starting at '&'.
  Status Entity(std::string* out) {
    size_t semi = doc_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) {
      return Error("bad entity");
    }
    std::string_view name = doc_.substr(pos_ + 1, semi - pos_ - 1);
    if (name == "amp") {
      out->push_back('&');
    } else if (name == "lt") {
      out->push_back('<');
    } else if (name == "gt") {
      out->push_back('>');
    } else if (name == "quot") {
      out->push_back('"');
    } else if (name == "apos") {
      out->push_back('\'');
    } else if (name.size() >= 2 && name[0] == '#') {
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string_view digits = name.substr(hex ? 2 : 1);
      if (digits.empty()) {
        return Error("bad character reference");
      }
      uint32_t cp = 0;
      for (char c : digits) {
        int v = -1;
        if (c >= '0' && c <= '9') {
          v = c - '0';
        } else if (hex && c >= 'a' && c <= 'f') {
          v = c - 'a' + 10;
        } else if (hex && c >= 'A' && c <= 'F') {
          v = c - 'A' + 10;
        }
        if (v < 0) {
          return Error("bad character reference");
        }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        if (cp > 0x10FFFF) {
          return Error("character reference out of range");
        }
      }
      AppendUtf8(cp, out);
    } else {
      return Error("unknown entity");
    }
    pos_ = semi + 1;
    return Status::Ok();
  }

  Status Element(XmlElement* el, int depth) {
    if (depth > limits_.max_depth) {
      return Error("elements nested too deeply");
    }
    if (++elements_ > limits_.max_elements) {
      return Error("too many elements");
    }
    ++pos_;  // '<'
    std::string_view qname;
    VV_RETURN_IF_ERROR(Name(&qname));
    el->name = LocalName(qname);
    if (el->name.empty()) {
      return Error("element name has no local part");  // "<:/>", "<a:>"
    }
    bool self_closing = false;
    VV_RETURN_IF_ERROR(Attributes(&self_closing));
    if (self_closing) {
      return Status::Ok();
    }
    while (true) {
      if (pos_ >= doc_.size()) {
        return Error(fmt::format("unterminated element <{}>", el->name));
      }
      char c = doc_[pos_];
      if (c == '&') {
        VV_RETURN_IF_ERROR(Entity(&el->text));
      } else if (c != '<') {
        el->text.push_back(c);
        ++pos_;
      } else if (StartsWith("</")) {
        pos_ += 2;
        std::string_view end;
        VV_RETURN_IF_ERROR(Name(&end));
        if (end != qname) {
          return Error(fmt::format("</{}> closes <{}>", end, qname));
        }
        while (pos_ < doc_.size() && IsSpace(doc_[pos_])) {
          ++pos_;
        }
        if (pos_ >= doc_.size() || doc_[pos_] != '>') {
          return Error("unterminated end tag");
        }
        ++pos_;
        return Status::Ok();
      } else if (StartsWith("<![CDATA[")) {
        size_t start = pos_ + 9;
        size_t end = doc_.find("]]>", start);
        if (end == std::string_view::npos) {
          return Error("unterminated CDATA section");
        }
        el->text.append(doc_.substr(start, end - start));
        pos_ = end + 3;
      } else if (StartsWith("<!--")) {
        VV_RETURN_IF_ERROR(SkipPast("-->", "comment"));
      } else if (StartsWith("<?")) {
        VV_RETURN_IF_ERROR(SkipPast("?>", "processing instruction"));
      } else {
        el->children.emplace_back();
        VV_RETURN_IF_ERROR(Element(&el->children.back(), depth + 1));
      }
    }
  }

  std::string_view doc_;
  XmlLimits limits_;
  size_t pos_ = 0;
  size_t elements_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& c : children) {
    if (c.name == child_name) {
      return &c;
    }
  }
  return nullptr;
}

std::string_view XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* c = Child(child_name);
  return c == nullptr ? std::string_view() : std::string_view(c->text);
}

Result<XmlElement> ParseXml(std::string_view doc, const XmlLimits& limits) {
  return Parser(doc, limits).Document();
}

}  // namespace vivace::backend::remote
