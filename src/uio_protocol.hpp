// The kernel's UIO interrupt protocol on a device node, and what its errors mean (uio.c): the one
// place in the code that knows which errno says "removed", "no interrupt" or "no irqcontrol"
// (docs/interrupts.md describes them).
#pragma once

#include <cstdint>
#include <string>

namespace uiokit::uio_protocol {

// One interrupt control write (uio_write): 1 enables, 0 disables. Returns 0, or the errno (EINTR
// is retried).
[[nodiscard]] int write_control(int fd, std::uint32_t value) noexcept;

// Throws what `err` from uio_read, uio_write or a poll means for the device node. `context` says
// what was attempted ("enable interrupt of /dev/uio0"); `has_interrupt` tells uio_read's two EIOs
// apart (no interrupt at all, or the driver gone).
//   EINVAL from a 4-byte write: the device was unregistered since open (idev->info is NULL);
//   EIO: no interrupt (info->irq is 0), or, on a device that has one, unregistered;
//   ENOSYS: the driver has no irqcontrol (waits still work).
[[noreturn]] void throw_error(int err, const std::string& context, bool has_interrupt);

}  // namespace uiokit::uio_protocol
