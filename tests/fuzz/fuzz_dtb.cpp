// Fuzzes device-tree blob reading: validation (libfdt's checks and uiokit's own), then every
// decoded fact of every node and the lookups. A malformed blob must be a DeviceTreeError; the
// input is copied to a buffer of exactly its size, so AddressSanitizer catches a read past its end.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include <uiokit/devicetree.hpp>
#include <uiokit/error.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto blob = std::make_unique<std::byte[]>(size);
    if (size) std::memcpy(blob.get(), data, size);
    try {
        const auto tree = uiokit::DeviceTree::from_blob(std::span<const std::byte>(blob.get(), size), "fuzz.dtb");
        for (const auto& node : tree.nodes()) {
            (void)tree.find_path(node.path);
            for (const auto& reg : node.reg) (void)tree.find_address(reg.address);
        }
        (void)tree.find_compatible("generic-uio");
        for (const auto& [label, path] : tree.symbols()) (void)tree.find_label(label);
    } catch (const uiokit::Error&) {
    }
    return 0;
}
