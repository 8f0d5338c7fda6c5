// A bus over ordinary memory that records every access, for testing code written against typed
// registers without a device (as regmap's RAM-backed test maps do).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <uiokit/error.hpp>
#include <uiokit/mmio.hpp>

namespace uiokit {

class RecordingBus {
public:
    struct Access {
        enum class Kind { read, write };
        Kind kind;
        std::size_t offset;
        std::size_t width;     // bytes
        std::uint64_t value;   // read: what was returned; write: what was stored
        friend bool operator==(const Access&, const Access&) = default;
    };

    explicit RecordingBus(std::size_t size) : memory_(size) {}

    template <mmio::Word T>
    [[nodiscard]] T read(std::size_t offset) {
        check(offset, sizeof(T));
        T value;
        std::memcpy(&value, memory_.data() + offset, sizeof(T));  // ordinary memory, not a device
        log_.push_back({Access::Kind::read, offset, sizeof(T), value});
        return value;
    }
    template <mmio::Word T>
    void write(std::size_t offset, T value) {
        check(offset, sizeof(T));
        std::memcpy(memory_.data() + offset, &value, sizeof(T));
        log_.push_back({Access::Kind::write, offset, sizeof(T), value});
    }

    // Set memory without recording, as the device would (e.g. a status flag raised by hardware).
    template <mmio::Word T>
    void poke(std::size_t offset, T value) {
        check(offset, sizeof(T));
        std::memcpy(memory_.data() + offset, &value, sizeof(T));
    }
    template <mmio::Word T>
    [[nodiscard]] T peek(std::size_t offset) const {
        check(offset, sizeof(T));
        T value;
        std::memcpy(&value, memory_.data() + offset, sizeof(T));
        return value;
    }

    [[nodiscard]] const std::vector<Access>& log() const noexcept { return log_; }
    void clear_log() noexcept { log_.clear(); }
    [[nodiscard]] std::size_t size() const noexcept { return memory_.size(); }

private:
    void check(std::size_t offset, std::size_t width) const {
        if (offset % width != 0 || offset > memory_.size() || width > memory_.size() - offset)
            throw RangeError("RecordingBus: access of " + std::to_string(width) + " bytes at offset " +
                             std::to_string(offset) + " outside " + std::to_string(memory_.size()) +
                             " bytes or misaligned");
    }

    std::vector<std::byte> memory_;
    std::vector<Access> log_;
};

}  // namespace uiokit
