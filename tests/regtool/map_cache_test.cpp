// Register maps without parsing (issue 20): the compiled form, the shipped maps compiled in, the
// per-user cache of user maps (never stale, never another user's), and regtool's own parse of
// plain command lines agreeing with Boost.Program_options.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <uiokit/regmap/compiled_map.hpp>
#include <uiokit/regmap/search.hpp>

#include "core.hpp"
#include "temp_dir.hpp"

using namespace uiokit::regmap;
namespace fs = std::filesystem;

namespace {

// Every member, so a map that loses anything in its compiled form fails here.
void require_same(const RegisterMap& a, const RegisterMap& b) {
    REQUIRE(a.name == b.name);
    REQUIRE(a.description == b.description);
    REQUIRE(a.size == b.size);
    REQUIRE(a.source == b.source);
    REQUIRE(a.registers.size() == b.registers.size());
    for (std::size_t i = 0; i < a.registers.size(); ++i) {
        const RegisterDef& r = a.registers[i];
        const RegisterDef& s = b.registers[i];
        INFO("register " << r.name);
        REQUIRE((r.name == s.name && r.offset == s.offset && r.width_bits == s.width_bits && r.reset == s.reset &&
                 r.access == s.access && r.side_effect_on_read == s.side_effect_on_read &&
                 r.description == s.description && r.line == s.line));
        REQUIRE(r.fields.size() == s.fields.size());
        for (std::size_t j = 0; j < r.fields.size(); ++j) {
            const FieldDef& f = r.fields[j];
            const FieldDef& g = s.fields[j];
            INFO("field " << f.name);
            REQUIRE((f.name == g.name && f.msb == g.msb && f.lsb == g.lsb && f.access == g.access &&
                     f.description == g.description && f.line == g.line));
            REQUIRE(f.values.size() == g.values.size());
            for (std::size_t k = 0; k < f.values.size(); ++k)
                REQUIRE((f.values[k].name == g.values[k].name && f.values[k].value == g.values[k].value &&
                         f.values[k].description == g.values[k].description));
        }
    }
}

const std::string good_map =
    "format: 1\n"
    "name: blk\n"
    "description: a block\n"
    "registers:\n"
    "  - name: CTRL\n"
    "    offset: 0x4\n"
    "    access: rw\n"
    "    reset: 0x10\n"
    "    fields:\n"
    "      - name: MODE\n"
    "        bits: \"5:4\"\n"
    "        values:\n"
    "          - {name: low, value: 0}\n"
    "          - {name: high, value: 1}\n";

// The same length as good_map, one register renamed: a cache keyed on size and time would serve it stale.
const std::string changed_map = [] {
    std::string text = good_map;
    text.replace(text.find("CTRL"), 4, "CTRX");
    return text;
}();

std::string map_error(const fs::path& file, const std::optional<fs::path>& cache) {
    try {
        (void)load_map_cached(file, cache);
    } catch (const MapError& e) {
        return e.what();
    }
    return "no error";
}

std::vector<fs::path> entries(const fs::path& dir) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) found.push_back(e.path());
    return found;
}

}  // namespace

TEST_CASE("a compiled map reads back as the map it was compiled from", "[regtool][regmap][cache]") {
    const RegisterMap map = parse_map(good_map, "good.yaml");
    const auto back = decompile_map(compile_map(map), "good.yaml");
    REQUIRE(back);
    require_same(*back, map);
    REQUIRE(back->registers.at(0).fields.at(0).values.size() == 2);
}

TEST_CASE("a truncated or corrupted compiled map is refused whole", "[regtool][regmap][cache]") {
    const std::string bytes = compile_map(parse_map(good_map, "good.yaml"));
    for (std::size_t length = 0; length < bytes.size(); ++length) {
        INFO("truncated to " << length);
        REQUIRE_FALSE(decompile_map(std::string_view(bytes).substr(0, length), "x"));
    }
    for (std::size_t at = 0; at < bytes.size(); ++at) {
        std::string flipped = bytes;
        flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
        INFO("byte " << at << " changed");
        REQUIRE_FALSE(decompile_map(flipped, "x"));
    }
}

TEST_CASE("the shipped maps are compiled in and agree with their YAML", "[regtool][regmap][cache]") {
    REQUIRE_FALSE(builtin_maps().empty());
    for (const BuiltinMap& builtin : builtin_maps()) {
        INFO(builtin.file_name);
        REQUIRE_FALSE(builtin.compiled.empty());
        const auto compiled = decompile_map(builtin.compiled, "s");
        REQUIRE(compiled);
        require_same(*compiled, parse_map(builtin.text, "s"));
        // And the text is the file in data/regmaps, so the installed copy is recognised.
        REQUIRE(read_map_file(fs::path(UIOKIT_SHIPPED_MAP_DIR) / std::string(builtin.file_name)) == builtin.text);
    }
}

TEST_CASE("an installed copy of a shipped map is found with its path as source", "[regtool][regmap][cache]") {
    TempDir dir;
    const BuiltinMap& builtin = builtin_maps().front();
    const std::string stem(builtin.file_name.substr(0, builtin.file_name.rfind('.')));
    dir.write(std::string(builtin.file_name), std::string(builtin.text));
    SearchPath path;
    path.directories = {dir.path()};
    const auto found = find_map({stem}, path);
    REQUIRE(found);
    REQUIRE(found->origin == (dir / std::string(builtin.file_name)).string());
    require_same(found->map, parse_map(builtin.text, found->origin));
    // Edited, it is no longer the shipped map: parsed, and its edit seen.
    std::string edited(builtin.text);
    edited.replace(edited.find("name:"), 5, "# x\nname:");
    dir.write(std::string(builtin.file_name), edited);
    const auto again = find_map({stem}, path);
    REQUIRE(again);
    REQUIRE(again->map.registers.at(0).line == found->map.registers.at(0).line + 1);
}

TEST_CASE("a user map is cached once and re-parsed when its file changes", "[regtool][regmap][cache]") {
    TempDir dir;
    const fs::path cache = dir / "cache" / "uiokit" / "regmaps";
    const fs::path file = dir.write("blk.yaml", good_map);

    const RegisterMap first = load_map_cached(file, cache);
    require_same(first, load_map(file));
    struct stat st {};
    REQUIRE(::stat(cache.c_str(), &st) == 0);
    REQUIRE((st.st_mode & 0777) == 0700);
    REQUIRE(entries(cache).size() == 1);
    require_same(load_map_cached(file, cache), first);  // from the entry

    // Same size, same modification time: still the new content.
    struct stat before {};
    REQUIRE(::stat(file.c_str(), &before) == 0);
    dir.write("blk.yaml", changed_map);
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);
    const RegisterMap changed = load_map_cached(file, cache);
    REQUIRE(changed.registers.at(0).name == "CTRX");
    require_same(changed, load_map(file));
}

TEST_CASE("a corrupted cache entry is not used", "[regtool][regmap][cache]") {
    TempDir dir;
    const fs::path cache = dir / "c";
    const fs::path file = dir.write("blk.yaml", good_map);
    (void)load_map_cached(file, cache);
    const auto entry = entries(cache).at(0);
    std::string bytes;
    {
        std::ifstream in(entry, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    bytes[bytes.size() - 20] = static_cast<char>(bytes[bytes.size() - 20] ^ 0x40);
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << bytes;
    require_same(load_map_cached(file, cache), load_map(file));
}

TEST_CASE("a broken map gives the same error through the cache and is never served", "[regtool][regmap][cache]") {
    TempDir dir;
    const fs::path cache = dir / "c";
    const fs::path file = dir.write("blk.yaml", good_map);
    (void)load_map_cached(file, cache);
    dir.write("blk.yaml", good_map + "    bogus: 1\n");
    const std::string expected = map_error(file, std::nullopt);
    REQUIRE(expected.find("blk.yaml:15: ") != std::string::npos);
    REQUIRE(map_error(file, cache) == expected);
    REQUIRE(map_error(file, cache) == expected);  // not cached either
    REQUIRE(entries(cache).size() == 1);          // only the good map's entry
    // A missing file is the same error too.
    REQUIRE(map_error(dir / "none.yaml", cache) == map_error(dir / "none.yaml", std::nullopt));
}

TEST_CASE("a cache directory others can enter, or a symlink, is not used", "[regtool][regmap][cache]") {
    TempDir dir;
    const fs::path file = dir.write("blk.yaml", good_map);
    const fs::path open_dir = dir / "open";
    fs::create_directory(open_dir);
    REQUIRE(::chmod(open_dir.c_str(), 0755) == 0);
    require_same(load_map_cached(file, open_dir), load_map(file));
    REQUIRE(entries(open_dir).empty());

    const fs::path real = dir / "real";
    fs::create_directory(real);
    REQUIRE(::chmod(real.c_str(), 0700) == 0);
    fs::create_directory_symlink(real, dir / "link");
    require_same(load_map_cached(file, dir / "link"), load_map(file));
    REQUIRE(entries(real).empty());
}

TEST_CASE("another user's cache is not used", "[regtool][regmap][cache]") {
    if (::geteuid() != 0) {
        WARN("not root: cannot make files owned by another user; skipped");
        return;
    }
    constexpr uid_t other = 65534;  // nobody
    TempDir dir;
    const fs::path file = dir.write("blk.yaml", good_map);
    const fs::path cache = dir / "c";
    (void)load_map_cached(file, cache);
    const fs::path entry = entries(cache).at(0);
    // An entry that says CTRX for good_map's bytes: served only if the check of its owner failed.
    const fs::path forged_source = dir.write("forged.yaml", changed_map);
    const fs::path forged_cache = dir / "forged";
    (void)load_map_cached(forged_source, forged_cache);
    std::string forged;
    {
        std::ifstream in(entries(forged_cache).at(0), std::ios::binary);
        forged.assign(std::istreambuf_iterator<char>(in), {});
    }
    // Its header holds changed_map's bytes: put good_map's there (same length), keep the compiled CTRX.
    forged.replace(forged.find(changed_map), changed_map.size(), good_map);
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << forged;
    REQUIRE(load_map_cached(file, cache).registers.at(0).name == "CTRX");  // ours: trusted

    REQUIRE(::chown(entry.c_str(), other, other) == 0);  // an entry of another user
    REQUIRE(load_map_cached(file, cache).registers.at(0).name == "CTRL");
    REQUIRE(::chown(entry.c_str(), 0, 0) == 0);
    REQUIRE(::chown(cache.c_str(), other, other) == 0);  // a directory of another user
    REQUIRE(load_map_cached(file, cache).registers.at(0).name == "CTRL");
}

TEST_CASE("the cache directory follows XDG_CACHE_HOME then HOME", "[regtool][regmap][cache]") {
    REQUIRE(user_map_cache_directory("/x/cache", "/home/u") == fs::path("/x/cache/uiokit/regmaps"));
    REQUIRE(user_map_cache_directory("relative", "/home/u") == fs::path("/home/u/.cache/uiokit/regmaps"));
    REQUIRE(user_map_cache_directory(nullptr, "/home/u") == fs::path("/home/u/.cache/uiokit/regmaps"));
    REQUIRE_FALSE(user_map_cache_directory(nullptr, nullptr));
    REQUIRE_FALSE(user_map_cache_directory("", "rel"));
}

TEST_CASE("simple parse agrees with Boost", "[regtool][cli]") {
    const std::vector<std::vector<std::string>> lines = {
        {"read", "pl031", "DR"},
        {"read", "pl031", "DR", "CR", "--json"},
        {"read", "--file", "img.bin", "0x10", "--width", "16", "--bin"},
        {"read", "--file=img.bin", "--size=0x100", "0x10", "--dec"},
        {"read", "--devmem", "0x9010000", "0x0", "--no-map"},
        {"read", "uio0", "DR", "--map", "m.yaml", "--fdt", "x.dtb"},
        {"read", "pl031", "DR", "--sysfs-class-dir", "/s", "--dev-dir", "/d"},
        {"write", "pl031", "MR=0x100", "--mode", "rw", "--force"},
        {"dump", "pl031", "0", "0x20", "--raw", "--width", "32"},
        {"info", "pl031", "--no-map", "--json"},
        {"list", "--json"},
    };
    for (const auto& line : lines) {
        std::string shown;
        for (const auto& a : line) shown += a + " ";
        INFO(shown);
        const auto simple = regtool::parsed_options(line, true);
        REQUIRE(simple);
        REQUIRE(*simple == *regtool::parsed_options(line, false));
    }
    // Left to Boost: help, short options, repeats, empty values, options of other commands, "--".
    const std::vector<std::vector<std::string>> to_boost = {
        {"read", "pl031", "--help"}, {"read", "-h"},           {"read", "--json", "--json"},
        {"read", "--map="},          {"read", "--raw"},        {"list", "--file", "f"},
        {"read", "--", "-1"},        {"read", "--file", "-x"}, {"read", "--width"},
        {"read", "--json=1"},        {"watch", "pl031", "DR"}, {"dump", "--mode", "w"},
    };
    for (const auto& line : to_boost) {
        std::string shown;
        for (const auto& a : line) shown += a + " ";
        INFO(shown);
        REQUIRE_FALSE(regtool::parsed_options(line, true));
    }
}
