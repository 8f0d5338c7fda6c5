// Turns a register map into a C++ header of uiokit typed registers (include/uiokit/register.hpp),
// so the same description drives compile-time register access and regtool's names.
#pragma once

#include <string>

#include <uiokit/regmap/register_map.hpp>

namespace uiokit::regmap {

struct HeaderOptions {
    std::string namespace_name;  // e.g. "uiokit::regmaps::pl031"; empty: the map's name
    std::string source_name;     // named in the header's first line, e.g. "pl031.yaml"
};

// The layout is `struct Block { static constexpr std::size_t size = ...; }`, one struct per
// register deriving from uiokit::Register<Block, uiokit::RegN{...}>, and inside it one
// `using FIELD = uiokit::Field<REG, lsb, width, access, V>` per field. V is bool for a one-bit
// field, an `enum class FIELD_value` for a field with named values, else the register's type.
[[nodiscard]] std::string generate_header(const RegisterMap& map, const HeaderOptions& options);

}  // namespace uiokit::regmap
