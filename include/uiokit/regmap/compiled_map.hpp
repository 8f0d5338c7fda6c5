// Register maps without parsing: a compiled (binary) form of a checked RegisterMap, the form the
// shipped maps are compiled into programs in, and a per-user cache of user maps in that form.
//
// A cached map is found by its file's whole content, which the cache entry holds too and which is
// compared byte for byte: a changed file is never served from the cache, whatever its timestamps
// say, and a file that does not parse is never cached (it is parsed, and refused, every time).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <uiokit/regmap/register_map.hpp>

namespace uiokit::regmap {

// The compiled form of `map`: everything but map.source (the caller knows where it came from).
// Little-endian and fixed-width, so a build host can compile maps for another target.
[[nodiscard]] std::string compile_map(const RegisterMap& map);
// The map back, its source set to `source`; nothing if `bytes` is not a whole, intact compiled map
// of this version (a truncated or corrupted cache entry is then re-parsed, never half-used).
[[nodiscard]] std::optional<RegisterMap> decompile_map(std::string_view bytes, const std::string& source);

// A map file's text, with load_map's checks (a regular file of at most max_map_file_size bytes).
// Throws MapError naming the file.
[[nodiscard]] std::string read_map_file(const std::filesystem::path& file);

// This user's map cache directory: $XDG_CACHE_HOME/uiokit/regmaps, or ~/.cache/uiokit/regmaps
// from $HOME when XDG_CACHE_HOME is unset or not absolute (the XDG rule); nothing when neither is
// usable. The directory is created on first use, mode 0700.
[[nodiscard]] std::optional<std::filesystem::path> user_map_cache_directory(const char* xdg_cache_home, const char* home);

// load_map(file), through the cache in `cache_directory` when given: a map parsed before, from the
// same bytes, is read in its compiled form; otherwise the file is parsed (errors exactly as
// load_map's) and its compiled form stored. The cache is used only if the directory (created
// 0700 when missing) is owned by this process's effective user and open to nobody else, and an
// entry only if it is a regular file owned by that user; otherwise the map is simply parsed. A
// cache that cannot be written never makes the load fail.
[[nodiscard]] RegisterMap load_map_cached(const std::filesystem::path& file,
                                         const std::optional<std::filesystem::path>& cache_directory);

}  // namespace uiokit::regmap
