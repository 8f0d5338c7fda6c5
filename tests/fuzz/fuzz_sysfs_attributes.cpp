// Fuzzes discovery's sysfs parsing: the input is split into the text of a device's attributes,
// written into a sysfs-like tree, and read back through enumerate() and find(). Every outcome
// must be a parsed device or a uiokit::Error; nothing else may escape, crash or hang.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <uiokit/discovery.hpp>
#include <uiokit/error.hpp>

#include "sysfs.hpp"

namespace fs = std::filesystem;

namespace {

// The tree, removed when the fuzzer exits.
struct Tree {
    fs::path root;
    ~Tree() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

const fs::path& tree() {
    static const Tree tree{[] {
        // tmpfs when there is one: on ext4 every rewrite of a truncated file is flushed to disk.
        std::error_code ec;
        const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
        fs::path dir = base / ("uiokit-fuzz-sysfs-" + std::to_string(::getpid()));
        fs::create_directories(dir / "class/uio/uio0/maps/map0");
        fs::create_directories(dir / "class/uio/uio0/maps/map1");
        return dir;
    }()};
    return tree.root;
}

void write(const fs::path& file, std::string_view text) {
    std::ofstream(file, std::ios::trunc | std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // The parsers alone, on the whole input.
    try { (void)uiokit::sysfs::parse_hex(input, "fuzz"); } catch (const uiokit::Error&) {}
    try { (void)uiokit::sysfs::parse_u32(input, "fuzz"); } catch (const uiokit::Error&) {}
    (void)uiokit::sysfs::parse_uio_index(input);

    // The input's '|'-separated fields become the attributes of uio0.
    static const char* const files[] = {"name", "version", "event", "maps/map0/name", "maps/map0/addr",
                                        "maps/map0/size", "maps/map0/offset", "maps/map1/addr",
                                        "maps/map1/size", "maps/map1/offset", "maps/map1/name"};
    const fs::path dir = tree() / "class/uio/uio0";
    std::size_t start = 0;
    for (const char* file : files) {
        const std::size_t end = std::min(input.find('|', start), input.size());
        write(dir / file, start <= input.size() ? input.substr(start, end - start) : std::string_view{});
        start = end + 1;
    }
    uiokit::Host host;
    host.class_dir = tree() / "class/uio";
    host.dev_dir = tree() / "dev";
    try {
        for (const auto& device : uiokit::enumerate(host))
            for (const auto& map : device.maps)
                if (map.offset >= map.size) __builtin_trap();  // discovery must refuse these
    } catch (const uiokit::Error&) {
    }
    try { (void)uiokit::find(uiokit::Selector::address(0x9010000), host); } catch (const uiokit::Error&) {}
    return 0;
}
