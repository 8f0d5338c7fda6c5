// Deadlines for things a test waits for. Shared by the unit, example and regtool tests.
#pragma once

#include <chrono>
#include <thread>

// How long a test waits for something that must happen (a wake-up, a model or service thread seeing
// a write). Only ever reached when something is broken, so generous: sanitizers on a loaded 2-core
// machine can be 20 times slower than a quiet one.
inline constexpr std::chrono::seconds hang_limit{10};
inline constexpr int hang_limit_ms = static_cast<int>(std::chrono::milliseconds(hang_limit).count());  // for poll(2)

// Polls `done` every millisecond until it holds (true) or hang_limit has passed (false): for state
// that another thread changes.
template <class Predicate>
bool eventually(Predicate done) {
    const auto deadline = std::chrono::steady_clock::now() + hang_limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}
