// regtool as a library: the whole command line in one call, writing to the given streams, so the
// tests run every command in-process against uiokit's simulated UIO system.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <uiokit/host.hpp>
#include <uiokit/interrupt.hpp>

namespace regtool {

// Exit statuses (docs/regtool.md).
enum ExitStatus : int {
    exit_ok = 0,
    exit_runtime_error = 1,  // the device, file or map: missing, permission denied, I/O error, bad map
    exit_usage_error = 2,    // the command line: bad option, number, address, value, name or access
    exit_timeout = 3,        // wait (and watch --count with --duration) ran out of time
    exit_cancelled = 130,    // wait stopped by SIGINT/SIGTERM (128 + SIGINT)
};

struct Context {
    uiokit::Host host;                              // where UIO devices are (sysfs, /dev, opener)
    std::optional<std::string> regmap_path;         // $UIOKIT_REGMAP_PATH
    bool use_builtin_maps = true;                   // the shipped maps compiled in
    std::filesystem::path devmem_path = "/dev/mem"; // what --devmem maps
    // Where user maps are cached compiled (main(): $XDG_CACHE_HOME/uiokit/regmaps); none: parsed each time.
    std::optional<std::filesystem::path> map_cache_dir;
    // Stops watch and wait (main() cancels it on SIGINT/SIGTERM); may be null.
    const uiokit::WaitCanceller* canceller = nullptr;
};

// args: the command line without the program name, e.g. {"read", "pl031", "DR"}.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const Context& context);

// The same with argv (argv[0] is the program name) and a Host; the environment is not read.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, const uiokit::Host& host);

}  // namespace regtool
