#!/usr/bin/env python3
"""The virtual board's virtio-blk disk image: every 512-byte sector tagged with its number, a
generation and a checksum, so that a reader anywhere (the user-space driver's tests in the guest,
this script on the host after QEMU exits) can tell which sector it holds and whether it is intact.

Sector layout, 64 little-endian 64-bit words:
  w[0]      MAGIC ("UIOKDISK")
  w[1]      the sector's number
  w[2]      generation: 0 as made here, >0 as written by a test
  w[3..62]  (sector << 20) ^ (generation << 12) ^ i ^ FILL
  w[63]     CHECK ^ (sum of w[0..62] mod 2^64)
tests/system/disk_pattern.hpp computes the same in the guest.

  disk-image.py make IMAGE SECTORS
  disk-image.py check IMAGE SECTORS [FIRST:COUNT:GENERATION ...]
      every sector must be intact and hold its own number; the listed ranges the given
      generation, all others generation 0. Exit status 0 when so, 1 with the first differences.
"""
import struct
import sys

MAGIC = 0x4B5349444B4F4955
FILL = 0x5A5A_0000_0000_A5A5
CHECK = 0xC0FF_EE00_D15C_0000
MASK = (1 << 64) - 1


def sector_words(sector, generation):
    words = [MAGIC, sector, generation]
    base = (sector << 20) ^ (generation << 12) ^ FILL
    words.extend((base ^ i) & MASK for i in range(3, 63))
    words.append(CHECK ^ (sum(words) & MASK))
    return words


def sector_bytes(sector, generation):
    return struct.pack("<64Q", *sector_words(sector, generation))


def make(path, sectors):
    with open(path, "wb") as out:
        for s in range(sectors):
            out.write(sector_bytes(s, 0))


def check(path, sectors, ranges):
    expected_generation = {}
    for text in ranges:
        first, count, generation = (int(x, 0) for x in text.split(":"))
        for s in range(first, first + count):
            expected_generation[s] = generation
    problems = []
    with open(path, "rb") as image:
        data = image.read()
    if len(data) != sectors * 512:
        problems.append(f"{path}: {len(data)} bytes, expected {sectors * 512}")
    for s in range(min(sectors, len(data) // 512)):
        chunk = data[s * 512:(s + 1) * 512]
        want = sector_bytes(s, expected_generation.get(s, 0))
        if chunk != want:
            words = struct.unpack("<64Q", chunk)
            intact = words[0] == MAGIC and words[63] == CHECK ^ (sum(words[:63]) & MASK)
            problems.append(f"sector {s}: " + (f"holds sector {words[1]} generation {words[2]}" if intact else "damaged") +
                            f", expected generation {expected_generation.get(s, 0)}")
            if len(problems) >= 10:
                break
    for p in problems:
        print("disk-image: " + p)
    return 1 if problems else 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "make":
        make(argv[2], int(argv[3], 0))
        return 0
    if len(argv) >= 4 and argv[1] == "check":
        return check(argv[2], int(argv[3], 0), argv[4:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
