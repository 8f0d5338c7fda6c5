// An open UIO device: owns the device file descriptor and the mappings of its maps, and gives its
// interrupt. RAII: movable, not copyable; unmaps and closes on destruction.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include <uiokit/discovery.hpp>
#include <uiokit/host.hpp>
#include <uiokit/interrupt.hpp>
#include <uiokit/region.hpp>
#include <uiokit/selector.hpp>
#include <uiokit/unique_fd.hpp>

namespace uiokit {

class Device {
public:
    // Finds the device and opens its node (O_RDWR or O_RDONLY, with O_CLOEXEC). In read_write mode
    // the interrupt is enabled right away (a 4-byte write of 1): an interrupt that came before open
    // left the line disabled. The other modes leave the line as it is. A device without an
    // interrupt still opens and maps.
    [[nodiscard]] static Device open(const Selector& selector, OpenMode mode = OpenMode::read_write,
                                     const Host& host = {});
    [[nodiscard]] static Device open(DeviceInfo info, OpenMode mode = OpenMode::read_write,
                                     const Host& host = {});

    Device(Device&&) noexcept;
    Device& operator=(Device&&) noexcept;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;
    ~Device();

    [[nodiscard]] const DeviceInfo& info() const noexcept { return info_; }
    [[nodiscard]] OpenMode mode() const noexcept { return mode_; }
    [[nodiscard]] int fd() const noexcept { return files_.node.get(); }

    // The register window of a map: mapped on first use (mmap at offset index * page size, length
    // the map's size), starting at the map's page offset, size - offset bytes long. Not thread-safe:
    // map what you need before sharing the Device between threads.
    [[nodiscard]] Region map(unsigned index = 0);
    [[nodiscard]] Region map(std::string_view name);  // by maps/mapN/name

    [[nodiscard]] Interrupt& interrupt() noexcept { return interrupt_; }

private:
    struct Mapping {
        void* address = nullptr;
        std::size_t length = 0;
    };
    Device(DeviceInfo info, OpenMode mode, DeviceFiles files, std::uint32_t count_at_open);
    void unmap_all() noexcept;

    DeviceInfo info_;
    OpenMode mode_;
    DeviceFiles files_;
    std::vector<Mapping> mappings_;
    Interrupt interrupt_;
};

}  // namespace uiokit
