// Writes the overlay an OverlaySpec describes: the .dtbo with libfdt's sequential-write API, and the
// equivalent .dtso for review (dtc -@ compiles the .dtso to the same tree as the .dtbo).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "overlay_spec.hpp"

namespace uiokit::dtogen {

// fragment@0 { target-path = "..." | target = <0xffffffff>; __overlay__ { #address-cells;
// #size-cells; name@addr { compatible; reg; [interrupt-parent;] [interrupts;] [linux,uio-name;]
// status; }; }; } and, for every label reference, __fixups__ { label = "/path:property:offset"; }.
// Validates the spec first (SpecError).
[[nodiscard]] std::vector<std::byte> overlay_blob(const OverlaySpec& spec);
[[nodiscard]] std::string overlay_source(const OverlaySpec& spec);

}  // namespace uiokit::dtogen
