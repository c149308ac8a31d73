#pragma once

// A small XML reader for object-store responses (S3 ListObjectsV2, multipart replies and
// <Error> bodies; Azure EnumerationResults). It builds an element tree of local names
// (namespace prefixes and attributes are dropped: s3rver and S3 disagree on the namespace URI)
// with entity-decoded text. Input comes from the network, so the parser is total: any bytes
// give a tree or InvalidArgument, with limits on depth and element count. Fuzzed by
// fuzz/xml_fuzzer.cc.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace vivace::backend::remote {

struct XmlElement {
  std::string name;  // local name, without a namespace prefix
  std::string text;  // concatenated character data directly inside this element
  std::vector<XmlElement> children;

  // The first child named `name`, or nullptr.
  const XmlElement* Child(std::string_view child_name) const;
  // The text of the first child named `name`, or "".
  std::string_view ChildText(std::string_view child_name) const;
};

struct XmlLimits {
  int max_depth = 32;
  size_t max_elements = 1'000'000;
};

// Parses a document with one root element. InvalidArgument naming the problem and its offset.
Result<XmlElement> ParseXml(std::string_view doc, const XmlLimits& limits = {});

}  // namespace vivace::backend::remote
