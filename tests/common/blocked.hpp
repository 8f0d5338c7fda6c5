// Whether a thread is blocked in a system call, read from /proc: an event a test can wait for
// instead of sleeping and hoping the thread got there.
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "timing.hpp"

// The calling thread's kernel id, for asleep_in().
inline pid_t this_thread_tid() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

// True when thread `tid` of this process is asleep (state S in /proc/self/task/TID/stat) inside
// system call `nr` (the first field of /proc/self/task/TID/syscall), e.g. SYS_read or SYS_ppoll:
// it is blocked in that call, not about to make it.
inline bool asleep_in(pid_t tid, long nr) {
    const std::string task = "/proc/self/task/" + std::to_string(tid);
    std::ifstream stat(task + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos || close + 2 >= text.size() || text[close + 2] != 'S') return false;
    std::ifstream syscall_file(task + "/syscall");
    long current = -1;
    if (!(syscall_file >> current)) return false;  // "running"
    return current == nr;
}

// Waits (up to hang_limit) until thread `tid` is asleep in system call `nr`.
inline bool eventually_asleep_in(pid_t tid, long nr) { return eventually([&] { return asleep_in(tid, nr); }); }
