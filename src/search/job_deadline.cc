#include "search/job_deadline.h"

namespace vivace::search {
namespace {

thread_local bool t_has_deadline = false;
thread_local JobDeadline::Clock::time_point t_deadline;

}  // namespace

JobDeadline::JobDeadline(Clock::time_point deadline)
    : previous_(t_deadline), had_previous_(t_has_deadline) {
  t_deadline = deadline;
  t_has_deadline = true;
}

JobDeadline::~JobDeadline() {
  t_deadline = previous_;
  t_has_deadline = had_previous_;
}

bool JobDeadline::Passed() { return t_has_deadline && Clock::now() >= t_deadline; }

}  // namespace vivace::search
