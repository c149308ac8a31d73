#pragma once

// The deadline of the query job running on this thread: Tempo's querier gives each job
// `querier.search.query_timeout` (and the frontend's `api_timeout` bounds the whole request).
// The frontend sets it around each job it runs; a job's loops notice it where they already ask
// whether the search is full (SearchCombiner::Full(), the tag collectors), so the job stops
// early and the frontend fails the query. Thread-local, so a job needs no extra argument and a
// thread without a job never expires.

#include <chrono>

namespace vivace::search {

class JobDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  // Sets this thread's deadline until the object is destroyed (the previous one comes back).
  explicit JobDeadline(Clock::time_point deadline);
  ~JobDeadline();
  JobDeadline(const JobDeadline&) = delete;
  JobDeadline& operator=(const JobDeadline&) = delete;

  // Whether this thread has a deadline and it has passed. Cheap: one clock read.
  static bool Passed();

 private:
  Clock::time_point previous_;
  bool had_previous_;
};

}  // namespace vivace::search
