#include "net/router.h"

#include <algorithm>
#include <cctype>

namespace vivace::net {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  if (!path.empty() && path[0] == '/') {
    i = 1;
  }
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) {
      j = path.size();
    }
    out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool IsParam(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

bool IsGreedy(std::string_view seg) {
  return IsParam(seg) && seg.size() > 5 && seg.substr(seg.size() - 4) == "...}";
}

std::string ParamName(std::string_view seg) {
  std::string_view inner = seg.substr(1, seg.size() - 2);
  if (inner.size() > 3 && inner.substr(inner.size() - 3) == "...") {
    inner.remove_suffix(3);
  }
  return std::string(inner);
}

}  // namespace

std::string Router::RouteName(std::string_view pattern) {
  std::string out;
  for (char c : pattern) {
    if (c == '.' || c == '{' || c == '}') {
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
  }
  // Collapse runs of '_' and trim them, as Tempo's route naming does.
  std::string collapsed;
  for (char c : out) {
    if (c == '_' && (collapsed.empty() || collapsed.back() == '_')) {
      continue;
    }
    collapsed += c;
  }
  while (!collapsed.empty() && collapsed.back() == '_') {
    collapsed.pop_back();
  }
  return collapsed;
}

void Router::Add(std::string pattern, HttpHandler handler, std::vector<std::string> methods) {
  Route r;
  r.segments.clear();
  for (std::string_view s : SplitPath(pattern)) {
    r.segments.emplace_back(s);
  }
  r.name = RouteName(pattern);
  r.pattern = std::move(pattern);
  r.methods = std::move(methods);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

bool Router::Match(const std::vector<std::string>& pattern, size_t pi,
                   const std::vector<std::string_view>& path, size_t si,
                   std::vector<std::pair<std::string, std::string>>* params) {
  if (pi == pattern.size()) {
    return si == path.size();
  }
  if (si == path.size()) {
    return false;
  }
  const std::string& seg = pattern[pi];
  if (IsGreedy(seg)) {
    // Take as many segments as possible while the rest still matches.
    for (size_t end = path.size(); end > si; --end) {
      size_t mark = params->size();
      if (Match(pattern, pi + 1, path, end, params)) {
        std::string joined;
        for (size_t k = si; k < end; ++k) {
          if (k > si) {
            joined += '/';
          }
          joined += path[k];
        }
        params->insert(params->begin() + static_cast<long>(mark), {ParamName(seg), joined});
        return true;
      }
      params->resize(mark);
    }
    return false;
  }
  if (IsParam(seg)) {
    if (path[si].empty()) {
      return false;
    }
    params->emplace_back(ParamName(seg), std::string(path[si]));
    if (Match(pattern, pi + 1, path, si + 1, params)) {
      return true;
    }
    params->pop_back();
    return false;
  }
  return seg == path[si] && Match(pattern, pi + 1, path, si + 1, params);
}

void Router::Dispatch(HttpRequest request, Responder respond, std::string* route) const {
  std::vector<std::string_view> path = SplitPath(request.path);
  bool path_matched = false;
  for (const Route& r : routes_) {
    std::vector<std::pair<std::string, std::string>> params;
    if (!Match(r.segments, 0, path, 0, &params)) {
      continue;
    }
    path_matched = true;
    if (!r.methods.empty() &&
        std::find(r.methods.begin(), r.methods.end(), request.method) == r.methods.end()) {
      continue;
    }
    request.path_params = std::move(params);
    *route = r.name;
    r.handler(std::move(request), std::move(respond));
    return;
  }
  *route = "other";
  if (path_matched) {
    respond(HttpResponse::Text(405, "405 method not allowed\n"));
    return;
  }
  if (not_found_) {
    not_found_(std::move(request), std::move(respond));
    return;
  }
  respond(HttpResponse::Text(404, "404 page not found\n"));
}

std::vector<std::string> Router::Patterns() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) {
    out.push_back(r.pattern);
  }
  return out;
}

}  // namespace vivace::net
