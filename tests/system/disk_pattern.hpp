// The virtual board's disk image pattern (tools/vboard/disk-image.py makes the image on the host
// and checks it after QEMU exits): every 512-byte sector is 64 little-endian words, tagged with its
// number, a generation (0 as made, >0 as written by a test) and a checksum.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace vboard::disk {

inline constexpr std::uint64_t magic = 0x4B5349444B4F4955;  // "UIOKDISK"
inline constexpr std::uint64_t fill = 0x5A5A'0000'0000'A5A5;
inline constexpr std::uint64_t check = 0xC0FF'EE00'D15C'0000;
inline constexpr std::size_t sector_bytes = 512;
// What tools/vboard/vboard gives the board: a 64 MiB image on virtio-mmio slot 28.
inline constexpr std::uint64_t sectors = 131072;

inline void make_sector(std::uint64_t sector, std::uint64_t generation, std::span<std::byte> out) {
    std::array<std::uint64_t, 64> w{};
    w[0] = magic;
    w[1] = sector;
    w[2] = generation;
    const std::uint64_t base = (sector << 20) ^ (generation << 12) ^ fill;
    std::uint64_t sum = w[0] + w[1] + w[2];
    for (std::uint64_t i = 3; i < 63; ++i) sum += (w[i] = base ^ i);
    w[63] = check ^ sum;
    std::memcpy(out.data(), w.data(), sector_bytes);  // ordinary memory: the caller's buffer
}

// What a sector holds: its number and generation when it is intact and matches the pattern.
struct Tag {
    std::uint64_t sector, generation;
};
inline std::optional<Tag> read_tag(std::span<const std::byte> in) {
    std::array<std::uint64_t, 64> w{};
    std::memcpy(w.data(), in.data(), sector_bytes);
    std::array<std::byte, sector_bytes> want{};
    make_sector(w[1], w[2], want);
    if (w[0] != magic || std::memcmp(want.data(), in.data(), sector_bytes) != 0) return std::nullopt;
    return Tag{w[1], w[2]};
}

}  // namespace vboard::disk
