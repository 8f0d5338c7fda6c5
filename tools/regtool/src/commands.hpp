// The commands. Each gets its parsed options and positional arguments and returns an exit status;
// problems with the command line are thrown as UsageError, everything else as exceptions that
// cli.cpp turns into exit status 1.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core.hpp"

namespace regtool {

struct Invocation {
    std::string command;
    std::vector<std::string> args;  // positional arguments
    Output io;
    const Context& context;
    TargetOptions target;
    unsigned width = 0;             // --width (0: not given)
    Radix radix = Radix::hex;
    bool force = false;
    bool raw = false;
    WriteMode mode = WriteMode::rwr;
    std::string interval, duration, timeout, count;  // as given; empty: not given
    std::vector<std::string> acks;
    // unbind (binding.cpp): --override, --reprobe
    std::optional<std::string> restore_override;
    bool reprobe = false;

    // Splits off DEV unless --file/--devmem name the target; usage error when it is missing.
    std::string take_device();
    bool has_file_target() const { return !target.file.empty() || target.devmem.has_value(); }
};

void begin_json(JsonWriter& json, const std::string& command);  // {"regtool":1,"command":...
// A device's maps as list and info show them, each bounded by its DT reg (bind shows them too).
void write_maps_json(JsonWriter& json, const uiokit::DeviceInfo& d);
void print_maps(std::ostream& out, const uiokit::DeviceInfo& d);

int run_list(Invocation& inv);
int run_info(Invocation& inv);
int run_read(Invocation& inv);
int run_write(Invocation& inv);
int run_dump(Invocation& inv);
int run_watch(Invocation& inv);
int run_wait(Invocation& inv);
int run_bind(Invocation& inv);    // binding.cpp
int run_unbind(Invocation& inv);  // binding.cpp

}  // namespace regtool
