// How the binding calls (binding.hpp) write sysfs attributes: the seam through which the simulator
// (<uiokit/sim/simulated_system.hpp>) acts on writes as the kernel does (a sysfs write runs a kernel
// function; a file in a temporary directory cannot). Not part of the public API: applications leave
// Host::attribute_writer empty, and the file is written with one write(2).
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>

namespace uiokit::detail {

// Writes `text` to the attribute `file`; returns 0 or the errno of the failed open or write.
using AttributeWriter = std::function<int(const std::filesystem::path& file, std::string_view text)>;

}  // namespace uiokit::detail
