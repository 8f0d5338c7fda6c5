// Bus errors (SIGBUS) during register accesses, as exceptions.
//
// A mapping of a regular file (a register image, a test file) is only as long as the file: when
// another process truncates the file, touching a page beyond its new end raises SIGBUS, and the
// default action kills the process ("Bus error"). A device can also fault an access. While a
// BusErrorGuard is alive, Region::read_guarded / write_guarded turn that SIGBUS into a BusError
// naming the window and the offset:
//
//     uiokit::BusErrorGuard guard;  // for the whole command, not per access: two syscalls
//     try {
//         value = region.read_guarded<std::uint32_t>(0x10);
//     } catch (const uiokit::BusError& e) { ... e.what(), e.offset() ... }
//
// How: the guard installs a SIGBUS handler (SA_SIGINFO) for the process. A guarded access records,
// for its thread, where to jump (sigsetjmp), makes its single volatile access of exactly the width
// (nothing else happens between the jump point and the access, so no destructor is skipped), and
// clears the record. The handler, on a thread with a record, jumps back (siglongjmp, restoring the
// signal mask), and the access throws BusError. A SIGBUS anywhere else is passed to the handler that
// was installed before the first guard (by default the process dies, as without a guard). Guards
// nest and may live in several threads; the last one destroyed restores the previous handler.
// Unguarded accesses (Region::read/write, RegisterBlock) are not affected.
#pragma once

#include <uiokit/export.hpp>

namespace uiokit {

class UIOKIT_EXPORT BusErrorGuard {
public:
    BusErrorGuard();  // throws uiokit::Error if sigaction fails
    ~BusErrorGuard();
    BusErrorGuard(const BusErrorGuard&) = delete;
    BusErrorGuard& operator=(const BusErrorGuard&) = delete;
    BusErrorGuard(BusErrorGuard&&) = delete;
    BusErrorGuard& operator=(BusErrorGuard&&) = delete;
};

}  // namespace uiokit
