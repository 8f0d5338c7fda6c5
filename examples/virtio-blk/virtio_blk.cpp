#include "virtio_blk.hpp"

#include <algorithm>
#include <sstream>
#include <thread>

#include <uiokit/dma_barrier.hpp>

namespace virtio {
namespace {

using namespace registers;

// virtio-blk request types and status values (5.2.6).
constexpr std::uint32_t type_in = 0;
constexpr std::uint32_t type_out = 1;
constexpr std::uint32_t type_flush = 4;
constexpr std::uint8_t status_ok = 0;
constexpr std::uint8_t status_ioerr = 1;
constexpr std::uint8_t status_unsupp = 2;
constexpr std::uint32_t device_id_block = 2;
constexpr std::uint32_t magic = 0x74726976;  // "virt"

// Device status bits (2.1), as the register map names them.
constexpr std::uint32_t acknowledge = Status::ACKNOWLEDGE::mask;
constexpr std::uint32_t driver = Status::DRIVER::mask;
constexpr std::uint32_t driver_ok = Status::DRIVER_OK::mask;
constexpr std::uint32_t features_ok = Status::FEATURES_OK::mask;
constexpr std::uint32_t needs_reset = Status::DEVICE_NEEDS_RESET::mask;
constexpr std::uint32_t failed = Status::FAILED::mask;

std::string hex(std::uint64_t value) {
    std::ostringstream text;
    text << "0x" << std::hex << value;
    return text.str();
}

const char* type_name(std::uint32_t type) {
    return type == type_in ? "read" : type == type_out ? "write" : type == type_flush ? "flush" : "request";
}

}  // namespace

BlockDevice::BlockDevice(uiokit::Device& transport, const uiokit::DmaBuffer& dma, Options options)
    : transport_(&transport), regs_(transport.map(0)), options_(options) {
    const std::string where = transport.info().dev_node.string();
    if (options_.queue_depth == 0 || options_.request_bytes == 0 || options_.request_bytes % sector_size != 0)
        throw Error("queue depth must be at least 1 and the request size a non-zero multiple of 512 bytes");
    if (const auto m = regs_.read(MagicValue); m != magic)
        throw Error(where + " is not a virtio-mmio transport: MagicValue " + hex(m) + ", expected 0x74726976");
    if (const auto v = regs_.read(Version); v != 2)
        throw Error(where + ": virtio-mmio version " + std::to_string(v) +
                    (v == 1 ? " is the legacy layout; this driver needs version 2 (QEMU: -global virtio-mmio.force-legacy=false)"
                            : ", this driver needs version 2"));
    if (const auto id = regs_.read(DeviceID); id != device_id_block)
        throw Error(where + " is not a virtio-blk device: DeviceID " + std::to_string(id) +
                    (id == 0 ? " (an empty slot)" : ", a block device is 2"));

    // 3.1.1: reset, then ACKNOWLEDGE and DRIVER.
    regs_.write(Status, 0);
    if (regs_.read(Status) != 0) throw Error(where + ": the device did not reset (Status stays non-zero)");
    regs_.write(Status, acknowledge);
    regs_.write(Status, acknowledge | driver);

    regs_.write(DeviceFeaturesSel, 0);
    std::uint64_t offered = regs_.read(DeviceFeatures);
    regs_.write(DeviceFeaturesSel, 1);
    offered |= std::uint64_t{regs_.read(DeviceFeatures)} << 32;
    info_.device_features = offered;
    if (!(offered & feature_version_1)) fail(where + ": the device does not offer VIRTIO_F_VERSION_1");
    // Nothing beyond what this driver uses: no event index, no indirect descriptors, no multiqueue.
    const std::uint64_t wanted = feature_version_1 | (offered & (blk_feature_flush | blk_feature_ro));
    regs_.write(DriverFeaturesSel, 0);
    regs_.write(DriverFeatures, static_cast<std::uint32_t>(wanted));
    regs_.write(DriverFeaturesSel, 1);
    regs_.write(DriverFeatures, static_cast<std::uint32_t>(wanted >> 32));
    regs_.write(Status, acknowledge | driver | features_ok);
    if (!(regs_.read(Status) & features_ok)) fail(where + ": the device refused the features (FEATURES_OK not set)");
    info_.driver_features = wanted;
    info_.read_only = (wanted & blk_feature_ro) != 0;

    // The capacity: a 64-bit configuration field read as two words, consistent by ConfigGeneration.
    for (;;) {
        const auto generation = regs_.read(ConfigGeneration);
        const std::uint64_t low = regs_.read(BlkCapacityLow);
        const std::uint64_t high = regs_.read(BlkCapacityHigh);
        if (regs_.read(ConfigGeneration) == generation) {
            info_.capacity_sectors = low | (high << 32);
            break;
        }
    }

    // Queue 0: three descriptors per request (header, data, status), a power of two.
    regs_.write(QueueSel, 0);
    info_.queue_size_max = static_cast<std::uint16_t>(std::min<std::uint32_t>(regs_.read(QueueNumMax), 0x8000));
    if (regs_.read(QueueReady::READY)) fail(where + ": queue 0 is already in use (QueueReady is 1 after reset)");
    std::uint32_t queue_size = 1;
    while (queue_size < 3u * options_.queue_depth) queue_size *= 2;
    if (info_.queue_size_max == 0) fail(where + ": the device has no queue 0");
    if (queue_size > info_.queue_size_max)
        fail(where + ": a queue depth of " + std::to_string(options_.queue_depth) + " needs " + std::to_string(queue_size) +
             " descriptors, the device takes at most " + std::to_string(info_.queue_size_max));

    // The DMA buffer, carved: the queue (16-byte aligned), the request headers, the status bytes,
    // the data buffers (page-aligned, so a request's data never straddles more pages than it must).
    const auto size = static_cast<std::uint16_t>(queue_size);
    try {
        uiokit::DmaAllocator allocator(dma);
        auto queue_memory = allocator.allocate(SplitQueue::memory_size(size), SplitQueue::memory_alignment);
        headers_ = allocator.allocate(std::size_t{16} * options_.queue_depth, 16);
        status_ = allocator.allocate(options_.queue_depth, 4);
        data_ = allocator.allocate(options_.queue_depth * options_.request_bytes, 4096);
        queue_.emplace(queue_memory.region, queue_memory.bus_address, size);
    } catch (const uiokit::Error& e) {
        fail(std::string("the DMA buffer cannot hold the queue and ") + std::to_string(options_.queue_depth) +
             " requests of " + std::to_string(options_.request_bytes) + " bytes: " + e.what());
    }
    slots_.assign(options_.queue_depth, Slot{});

    regs_.write(QueueNum, queue_size);
    regs_.write(QueueDescLow, static_cast<std::uint32_t>(queue_->descriptor_table_address()));
    regs_.write(QueueDescHigh, static_cast<std::uint32_t>(queue_->descriptor_table_address() >> 32));
    regs_.write(QueueDriverLow, static_cast<std::uint32_t>(queue_->driver_area_address()));
    regs_.write(QueueDriverHigh, static_cast<std::uint32_t>(queue_->driver_area_address() >> 32));
    regs_.write(QueueDeviceLow, static_cast<std::uint32_t>(queue_->device_area_address()));
    regs_.write(QueueDeviceHigh, static_cast<std::uint32_t>(queue_->device_area_address() >> 32));
    // The queue memory must be visible to the device before it may use the queue.
    uiokit::mmio::dma_write_barrier();
    regs_.write(QueueReady::READY.set());
    regs_.write(Status, acknowledge | driver | features_ok | driver_ok);
    check_device_state("setup");
}

BlockDevice::~BlockDevice() {
    // Reset: the device stops using the queue, so the DMA memory may be reused.
    regs_.write(Status, 0);
}

void BlockDevice::fail(const std::string& what) {
    regs_.write(Status, regs_.read(Status) | failed);
    throw Error(what);
}

void BlockDevice::check_device_state(const char* during) const {
    if (regs_.read(Status) & needs_reset)
        throw Error(transport_->info().dev_node.string() + ": the device set DEVICE_NEEDS_RESET during " + during);
}

void BlockDevice::check_range(std::uint64_t sector, std::size_t bytes, const char* what) const {
    if (bytes % sector_size != 0)
        throw Error(std::string(what) + ": " + std::to_string(bytes) + " bytes is not a whole number of 512-byte sectors");
    const std::uint64_t count = bytes / sector_size;
    if (sector > info_.capacity_sectors || count > info_.capacity_sectors - sector)
        throw Error(std::string(what) + " of " + std::to_string(count) + " sectors from sector " + std::to_string(sector) +
                    " goes past the end of the device (" + std::to_string(info_.capacity_sectors) + " sectors)");
}

void BlockDevice::read(std::uint64_t sector, std::span<std::byte> out) {
    check_range(sector, out.size(), "read");
    transfer(Direction::in, sector, out.data(), out.size());
}

void BlockDevice::write(std::uint64_t sector, std::span<const std::byte> in) {
    check_range(sector, in.size(), "write");
    if (info_.read_only) throw Error("write: the device is read-only (VIRTIO_BLK_F_RO)");
    transfer(Direction::out, sector, const_cast<std::byte*>(in.data()), in.size());
}

void BlockDevice::flush() {
    if (!(info_.driver_features & blk_feature_flush)) return;  // without the feature, writes are durable when done
    submit(0, type_flush, 0, 0, false);
    notify();
    complete_one(Direction::out, nullptr);
}

void BlockDevice::transfer(Direction direction, std::uint64_t sector, std::byte* data, std::size_t bytes) {
    std::size_t submitted = 0;
    while (submitted < bytes || in_flight_ > 0) {
        bool queued = false;
        for (std::uint16_t slot = 0; slot < slots_.size() && submitted < bytes; ++slot) {
            if (slots_[slot].busy) continue;
            const std::size_t chunk = std::min(options_.request_bytes, bytes - submitted);
            if (direction == Direction::out) {
                const auto t0 = std::chrono::steady_clock::now();
                data_.region.copy_in(slot * options_.request_bytes, std::span(data + submitted, chunk));
                counters_.copying += std::chrono::steady_clock::now() - t0;
            }
            slots_[slot].user_offset = submitted;
            submit(slot, direction == Direction::in ? type_in : type_out, sector + submitted / sector_size, chunk,
                   direction == Direction::in);
            submitted += chunk;
            queued = true;
        }
        if (queued) notify();
        complete_one(direction, data);
        // Take every other completion that is already there before refilling.
        while (in_flight_ > 0 && queue_->has_used()) complete_one(direction, data);
    }
}

void BlockDevice::submit(std::uint16_t slot, std::uint32_t type, std::uint64_t sector, std::size_t bytes, bool device_writes) {
    // struct virtio_blk_req's header: type, reserved, sector (little-endian, as the CPU).
    const std::size_t header = std::size_t{16} * slot;
    headers_.region.write<std::uint32_t>(header, type);
    headers_.region.write<std::uint32_t>(header + 4, 0);
    headers_.region.write<std::uint64_t>(header + 8, sector);
    status_.region.write<std::uint8_t>(slot, 0xff);  // the device overwrites it
    Buffer chain[3];
    std::uint16_t count = 0;
    chain[count++] = {headers_.bus_address + header, 16, false};
    if (bytes > 0)
        chain[count++] = {data_.bus_address + slot * options_.request_bytes, static_cast<std::uint32_t>(bytes), device_writes};
    chain[count++] = {status_.bus_address + slot, 1, true};
    queue_->publish(static_cast<std::uint16_t>(3 * slot), chain, count);
    slots_[slot].busy = true;
    slots_[slot].sector = sector;
    slots_[slot].bytes = bytes;
    ++in_flight_;
    ++counters_.requests;
}

void BlockDevice::notify() {
    // The available index must reach the device before the doorbell does.
    uiokit::mmio::dma_write_barrier();
    regs_.write(QueueNotify, 0);
    ++counters_.notifies;
}

std::uint16_t BlockDevice::complete_one(Direction direction, std::byte* data) {
    const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
    std::optional<Used> used;
    while (!(used = queue_->next_used())) {
        if (options_.polling) {
            if (std::chrono::steady_clock::now() > deadline) break;
            continue;
        }
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= decltype(left)::zero()) break;
        const auto t0 = std::chrono::steady_clock::now();
        const auto event = transport_->interrupt().wait_for(left);
        counters_.waiting += std::chrono::steady_clock::now() - t0;
        if (!event) break;
        // Level-triggered: acknowledge in the device, then let the kernel unmask the line.
        const auto pending = regs_.read(InterruptStatus);
        regs_.write(InterruptACK, pending);
        transport_->interrupt().enable();
        ++counters_.interrupts;
        if (pending & InterruptStatus::CONFIG_CHANGE::mask) check_device_state("a transfer");
    }
    if (!used) {
        check_device_state("a transfer");
        throw Error("no completion from the device within " + std::to_string(options_.timeout.count()) + " ms");
    }
    const std::uint16_t slot = used->head / 3;
    if (used->head % 3 != 0 || slot >= slots_.size() || !slots_[slot].busy)
        throw Error("the device completed descriptor " + std::to_string(used->head) + ", which heads no request in flight");
    Slot& s = slots_[slot];
    s.busy = false;
    --in_flight_;
    const auto status = status_.region.read<std::uint8_t>(slot);
    const auto type = s.bytes == 0 ? type_flush : direction == Direction::in ? type_in : type_out;
    if (status != status_ok)
        throw Error(std::string(type_name(type)) + " of " + std::to_string(s.bytes / sector_size) + " sectors at sector " +
                    std::to_string(s.sector) + " failed: " +
                    (status == status_ioerr ? "I/O error" : status == status_unsupp ? "unsupported" : "status " + std::to_string(status)));
    if (direction == Direction::in && data != nullptr) {
        const auto t0 = std::chrono::steady_clock::now();
        data_.region.copy_out(slot * options_.request_bytes, std::span(data + s.user_offset, s.bytes));
        counters_.copying += std::chrono::steady_clock::now() - t0;
    }
    return slot;
}

}  // namespace virtio
