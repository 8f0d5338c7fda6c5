// Where register maps are found automatically: a map named after the device's map or the device
// itself (`<name>.yaml`, unit address dropped), looked up in
//   1. each directory of $UIOKIT_REGMAP_PATH (':'-separated),
//   2. the installed data directory (<prefix>/share/uiokit/regmaps, the prefix the program runs from),
//   3. the maps shipped with uiokit, compiled into the program (so a static binary on a board
//      without the data directory still knows them).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <uiokit/regmap/register_map.hpp>

namespace uiokit::regmap {

struct SearchPath {
    std::vector<std::filesystem::path> directories;
    bool use_builtin = true;
    // Where user maps are cached in compiled form (compiled_map.hpp); none: parsed every time.
    std::optional<std::filesystem::path> cache_directory;

    // $UIOKIT_REGMAP_PATH (from `env_value`, which may be null) + the installed data directory.
    [[nodiscard]] static SearchPath standard(const char* env_value);
};

struct FoundMap {
    RegisterMap map;
    std::string origin;  // the file, or "built-in:<name>.yaml"
};

// A map file as find_map loads one: a file with exactly a shipped map's bytes (its installed copy)
// from the compiled-in form when `path.use_builtin`, any other through path.cache_directory
// (load_map_cached). Errors are load_map's.
[[nodiscard]] RegisterMap load_map_file(const std::filesystem::path& file, const SearchPath& path);

// "pl031@9010000" -> "pl031"; names with characters unfit for a file name give nothing.
[[nodiscard]] std::optional<std::string> map_file_stem(std::string_view device_or_map_name);

// The first map found for any of `names`, tried in order, directory by directory. A file that
// exists but is bad throws MapError (it is never skipped silently).
[[nodiscard]] std::optional<FoundMap> find_map(const std::vector<std::string>& names, const SearchPath& path);

// The shipped maps compiled into the program: (file name, YAML text, compiled form). A file found
// on the path whose bytes are exactly a shipped map's text (the installed copy) is read from the
// compiled form too. `compiled` is empty only in a cross build that could not run the compiler.
struct BuiltinMap {
    std::string_view file_name;
    std::string_view text;
    std::string_view compiled;
};
[[nodiscard]] const std::vector<BuiltinMap>& builtin_maps();

// The installed data directory, <prefix>/share/uiokit/regmaps: the one beside the running program
// (<prefix>/bin/regtool, from /proc/self/exe) when it exists, so a tree installed with
// `cmake --install --prefix P` or moved elsewhere uses its own maps; else the configured one.
[[nodiscard]] std::filesystem::path installed_map_directory();
// The same for a program at `program`: what installed_map_directory() decides.
[[nodiscard]] std::filesystem::path installed_map_directory_for(const std::filesystem::path& program);

// The install layout CMake configured (builtin_maps.cpp.in).
[[nodiscard]] std::filesystem::path configured_map_directory();  // CMAKE_INSTALL_FULL_DATADIR/uiokit/regmaps
[[nodiscard]] std::string_view map_directory_from_bindir();      // the same relative to the bin directory

}  // namespace uiokit::regmap
