// Discovery: what /sys/class/uio says about each UIO device, parsed exactly as the kernel prints it.
#pragma once

#include <vector>

#include <uiokit/device_info.hpp>
#include <uiokit/export.hpp>
#include <uiokit/host.hpp>
#include <uiokit/selector.hpp>

namespace uiokit {

// Every UIO device, ordered by index. A device whose attributes cannot be parsed throws ParseError
// naming the file: a half-read device is never returned.
[[nodiscard]] UIOKIT_EXPORT std::vector<DeviceInfo> enumerate(const Host& host = {});

// The indices present under class_dir (uioN entries only), sorted. Reads no attributes.
[[nodiscard]] UIOKIT_EXPORT std::vector<unsigned> device_indices(const Host& host = {});

// The one device the selector names. Reads only what the selector needs for each candidate (a lookup
// by name reads each device's `name`, then the matching device in full). Throws DeviceNotFoundError
// listing the devices that exist when nothing matches, and when a name or address matches several.
[[nodiscard]] UIOKIT_EXPORT DeviceInfo find(const Selector& selector, const Host& host = {});

// Reads one device in full. Throws DeviceNotFoundError if uioN does not exist.
[[nodiscard]] UIOKIT_EXPORT DeviceInfo read_device(unsigned index, const Host& host = {});

}  // namespace uiokit
