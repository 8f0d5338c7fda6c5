// The user-space virtio-blk driver (examples/virtio-blk) on the board's disk: QEMU's virtio-blk on
// virtio-mmio slot 28, a 64 MiB image whose sectors carry their number and a checksum
// (tools/vboard/disk-image.py). The slot is bound to uio_pdrv_genirq at run time (bind_to_uio), the
// queue and buffers live in the board's DMA buffer (vboard-dmabuf.dtso), completions come by the
// UIO interrupt. Every sector read is checked against the pattern; what a test writes it reports on
// the console ("VBOARD-DISK-WRITTEN FIRST:COUNT:GENERATION"), and vboard checks the image after
// QEMU exits: those sectors hold what was written and flushed, and nothing else changed.
#include <catch2/catch.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <uiokit/binding.hpp>
#include <uiokit/device.hpp>
#include <uiokit/dma_buffer.hpp>

#include "board.hpp"
#include "disk_pattern.hpp"
#include "virtio_blk.hpp"

namespace {

using vboard::disk::sector_bytes;

constexpr const char* disk_slot = "a003800.virtio_mmio";  // virtio-mmio slot 28 (tools/vboard/vboard)

// The slot bound to uio_pdrv_genirq for the test's lifetime, the DMA buffer, and the driver.
struct Disk {
    uiokit::Binding binding;
    uiokit::Device transport;
    uiokit::DmaBuffer dma;
    std::optional<virtio::BlockDevice> driver;

    explicit Disk(virtio::Options options = {})
        : binding(uiokit::bind_to_uio(disk_slot)), transport(uiokit::Device::open(binding.device)),
          dma(uiokit::DmaBuffer::open_uio_map(uiokit::Selector::name(vboard::dmabuf_name))) {
        driver.emplace(transport, dma, options);
    }
    ~Disk() {
        driver.reset();  // resets the device: it stops using the DMA buffer
        try {
            uiokit::unbind_from_uio(binding);
        } catch (const uiokit::Error& e) {
            FAIL_CHECK("unbinding " << disk_slot << ": " << e.what());
        }
    }
    Disk(const Disk&) = delete;
    Disk& operator=(const Disk&) = delete;
};

// Reads `count` sectors from `first` and checks each holds itself, of generation `generation`.
void check_sectors(virtio::BlockDevice& disk, std::uint64_t first, std::uint64_t count, std::uint64_t generation = 0) {
    std::vector<std::byte> data(count * sector_bytes);
    disk.read(first, data);
    std::uint64_t bad = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        const auto tag = vboard::disk::read_tag(std::span(data).subspan(i * sector_bytes, sector_bytes));
        if (!tag || tag->sector != first + i || tag->generation != generation) {
            if (bad++ < 3)
                FAIL_CHECK("sector " << first + i << ": "
                                     << (tag ? "holds sector " + std::to_string(tag->sector) + " generation " +
                                                   std::to_string(tag->generation)
                                             : std::string("not the pattern")));
        }
    }
    CHECK(bad == 0);
}

}  // namespace

TEST_CASE("virtio-blk: bound at run time, the handshake gives the disk's capacity", "[virtio-blk]") {
    Disk disk;
    CHECK(disk.binding.platform_device == disk_slot);
    CHECK(disk.binding.device.of_node == std::optional<std::string>("/virtio_mmio@a003800"));
    const auto& info = disk.driver->info();
    CHECK(info.capacity_sectors == vboard::disk::sectors);
    CHECK((info.driver_features & virtio::feature_version_1) != 0);
    CHECK_FALSE(info.read_only);
}

TEST_CASE("virtio-blk: reads single sectors, batches, at queue depth 1 and 4, across the DMA buffer's end", "[virtio-blk]") {
    SECTION("queue depth 4 of 256 KiB (defaults)") {
        Disk disk;
        check_sectors(*disk.driver, 0, 1);
        check_sectors(*disk.driver, vboard::disk::sectors - 1, 1);
        check_sectors(*disk.driver, 12345, 1);
        check_sectors(*disk.driver, 1000, 1500);  // 750 KiB: three requests in flight at once
        // 4 MiB: more than the DMA buffer holds (4 x 256 KiB of data), so every buffer is reused
        check_sectors(*disk.driver, 20000, 8192);
        CHECK(disk.driver->counters().requests > 4);
    }
    SECTION("queue depth 1, small requests, polling") {
        Disk disk(virtio::Options{.queue_depth = 1, .request_bytes = 4096, .polling = true});
        check_sectors(*disk.driver, 777, 40);  // ten requests one after the other
        CHECK(disk.driver->counters().interrupts == 0);
    }
}

TEST_CASE("virtio-blk: writes, flushes and reads back; the host checks the image after the run", "[virtio-blk]") {
    Disk disk;
    constexpr std::uint64_t first = 50000, count = 200, generation = 7;
    std::vector<std::byte> data(count * sector_bytes);
    for (std::uint64_t i = 0; i < count; ++i)
        vboard::disk::make_sector(first + i, generation, std::span(data).subspan(i * sector_bytes, sector_bytes));
    disk.driver->write(first, data);
    disk.driver->flush();
    std::printf("VBOARD-DISK-WRITTEN %llu:%llu:%llu\n", static_cast<unsigned long long>(first),
                static_cast<unsigned long long>(count), static_cast<unsigned long long>(generation));
    std::fflush(stdout);
    check_sectors(*disk.driver, first, count, generation);
    check_sectors(*disk.driver, first - 1, 1);  // the neighbours are untouched
    check_sectors(*disk.driver, first + count, 1);
}

TEST_CASE("virtio-blk: bad requests are refused before anything reaches the device", "[virtio-blk]") {
    Disk disk;
    std::vector<std::byte> data(2 * sector_bytes);
    const auto requests = disk.driver->counters().requests;
    CHECK_THROWS_WITH(disk.driver->read(vboard::disk::sectors - 1, data), Catch::Contains("past the end of the device"));
    CHECK_THROWS_WITH(disk.driver->write(vboard::disk::sectors, data), Catch::Contains("past the end of the device"));
    CHECK_THROWS_WITH(disk.driver->write(0, std::span(data).first(100)), Catch::Contains("not a whole number of 512-byte sectors"));
    CHECK(disk.driver->counters().requests == requests);
    // (the host's image check proves that the refused write left the last sector as it was)
}

TEST_CASE("virtio-blk: a device that is not virtio-blk is refused before it is touched", "[virtio-blk]") {
    // The generated overlay's device is virtio-mmio slot 30's window: a transport with no device
    // (DeviceID 0).
    uiokit::Device empty = uiokit::Device::open(uiokit::Selector::name(vboard::generated_name));
    const uiokit::DmaBuffer dma = uiokit::DmaBuffer::open_uio_map(uiokit::Selector::name(vboard::dmabuf_name));
    CHECK_THROWS_WITH(virtio::BlockDevice(empty, dma), Catch::Contains("is not a virtio-blk device: DeviceID 0 (an empty slot)"));
    // and an empty slot stays empty: nothing was written to its Status
    CHECK(empty.map(0).read<std::uint32_t>(0x70) == 0);
}
