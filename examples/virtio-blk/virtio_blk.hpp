// A user-space driver for a virtio-blk device on a virtio-mmio transport (virtio 1.x, the
// "modern" register layout), built on uiokit: the transport's registers from the register map
// data/regmaps/virtio_mmio.yaml, one split virtqueue and the requests' headers, data and status
// bytes in a DMA buffer, completions by the UIO interrupt (or by polling).
//
// What a driver for any DMA IP does, in the order it does it: check the device's identity, reset
// it, negotiate, give it the bus addresses of rings in DMA memory, publish work with a write
// barrier before the doorbell, and take completions after the interrupt with a read barrier.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <optional>
#include <vector>

#include <uiokit/device.hpp>
#include <uiokit/dma_buffer.hpp>
#include <uiokit/region.hpp>
#include <uiokit/register_block.hpp>

#include "split_queue.hpp"
#include "virtio_mmio_registers.hpp"

namespace virtio {

inline constexpr std::size_t sector_size = 512;

// Feature bits (virtio 1.x 6, 5.2.3).
inline constexpr std::uint64_t feature_version_1 = std::uint64_t{1} << 32;
inline constexpr std::uint64_t blk_feature_ro = std::uint64_t{1} << 5;
inline constexpr std::uint64_t blk_feature_flush = std::uint64_t{1} << 9;

// Anything the device or the caller got wrong; what() says which and where.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Options {
    // 4 x 256 KiB in flight: on the board, sequential reads as fast as the kernel's, where 8 x 64 KiB
    // reached about 0.6x (bench/RESULTS.md); 1 MiB of data buffers plus the queue.
    std::uint16_t queue_depth = 4;           // requests in flight at once
    std::size_t request_bytes = std::size_t{256} * 1024;  // data per request (a multiple of 512)
    bool polling = false;                   // spin on the used ring instead of waiting for the interrupt
    std::chrono::milliseconds timeout{5000};  // for one completion
};

struct Info {
    std::uint64_t capacity_sectors;
    std::uint64_t device_features;
    std::uint64_t driver_features;  // what was negotiated
    std::uint16_t queue_size_max;
    bool read_only;
};

class BlockDevice {
public:
    // Checks that `transport` is a virtio-mmio version 2 block device, resets it, negotiates and
    // sets up the queue, the request headers, status bytes and data buffers in pieces of `dma`
    // (carved with a uiokit::DmaAllocator; both must outlive the driver); throws Error naming what
    // failed. The device is left in FAILED state when the handshake fails after it started.
    BlockDevice(uiokit::Device& transport, const uiokit::DmaBuffer& dma, Options options = {});
    ~BlockDevice();
    BlockDevice(const BlockDevice&) = delete;
    BlockDevice& operator=(const BlockDevice&) = delete;

    [[nodiscard]] const Info& info() const noexcept { return info_; }

    // Sectors [sector, sector + out.size() / 512) into `out`; out.size() a multiple of 512. Throws
    // before any request when the range is past the capacity.
    void read(std::uint64_t sector, std::span<std::byte> out);
    // `in` (a multiple of 512 bytes) to sectors from `sector` on; refused before anything is
    // written when it does not fit or the device is read-only.
    void write(std::uint64_t sector, std::span<const std::byte> in);
    // VIRTIO_BLK_T_FLUSH: what was written is on the medium when it returns.
    void flush();

    // For the benchmark's account of where the time goes: requests, doorbells, interrupts taken,
    // time blocked waiting for them and time copying data between the DMA buffer and the caller.
    struct Counters {
        std::uint64_t requests = 0, interrupts = 0, notifies = 0;
        std::chrono::nanoseconds waiting{0}, copying{0};
    };
    [[nodiscard]] const Counters& counters() const noexcept { return counters_; }

private:
    struct Slot {
        bool busy = false;
        std::uint64_t sector = 0;
        std::size_t bytes = 0;
        std::size_t user_offset = 0;  // where in the caller's span this request's data goes
    };
    enum class Direction { in, out };

    void check_range(std::uint64_t sector, std::size_t bytes, const char* what) const;
    void transfer(Direction direction, std::uint64_t sector, std::byte* data, std::size_t bytes);
    void submit(std::uint16_t slot, std::uint32_t type, std::uint64_t sector, std::size_t bytes, bool device_writes);
    std::uint16_t complete_one(Direction direction, std::byte* data);
    void notify();
    void check_device_state(const char* during) const;
    [[noreturn]] void fail(const std::string& what);

    uiokit::Device* transport_;
    uiokit::RegisterBlock<registers::Block> regs_;
    Options options_;
    Info info_{};
    // Pieces of the DMA buffer: request headers (16 bytes each), status bytes, data buffers.
    uiokit::DmaPiece headers_, status_, data_;
    std::optional<SplitQueue> queue_;  // constructed once the memory is laid out
    std::vector<Slot> slots_;
    std::uint16_t in_flight_ = 0;
    Counters counters_;
};

}  // namespace virtio
