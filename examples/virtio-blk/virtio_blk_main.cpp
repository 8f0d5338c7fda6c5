// virtio-blk: a user-space virtio-blk driver on uiokit (examples/virtio-blk, README "A DMA driver").
//
//   virtio-blk [OPTIONS] DEV info
//   virtio-blk [OPTIONS] DEV read SECTOR COUNT [-o FILE]     (default: standard output)
//   virtio-blk [OPTIONS] DEV write SECTOR [-i FILE]          (default: standard input)
//   virtio-blk [OPTIONS] DEV flush
//   virtio-blk [OPTIONS] DEV bench [SEQ_MIB [RANDOM_READS]]  sequential reads and 4 KiB random reads
//
// DEV is any uiokit selector of the virtio-mmio transport's UIO device. Options:
//   --bind         DEV is a platform device (a003800.virtio_mmio) or DT node path: bind it to
//                  uio_pdrv_genirq first (uiokit::bind_to_uio) and undo that at the end
//   --dma SEL      the UIO device of the DMA buffer (default: dmabuf)
//   --depth N      requests in flight (default 4)
//   --request-kib N  data per request in KiB (default 256)
//   --polling      spin on the used ring instead of waiting for the interrupt
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <string>
#include <vector>

#include <uiokit/binding.hpp>
#include <uiokit/device.hpp>
#include <uiokit/dma_buffer.hpp>
#include <uiokit/error.hpp>

#include "virtio_blk.hpp"

namespace {

// A mistake on the command line: main prints it with the usage and exits with 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
[[noreturn]] void usage_error(const std::string& message) { throw UsageError(message); }

std::string system_error_text(int error) { return std::generic_category().message(error); }

std::uint64_t number(const std::string& text, const char* what) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(text.c_str(), &end, 0);
    if (text.empty() || text[0] == '-' || *end != '\0' || errno == ERANGE)
        usage_error(std::string(what) + " '" + text + "' is not a number");
    return value;
}

std::vector<std::byte> read_all(const std::string& path) {
    std::vector<std::byte> data;
    if (path == "-") {
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::read(0, buffer, sizeof buffer);
            if (n < 0) throw std::runtime_error(std::string("reading standard input: ") + system_error_text(errno));
            if (n == 0) break;
            const auto* bytes = reinterpret_cast<const std::byte*>(buffer);
            data.insert(data.end(), bytes, bytes + n);
        }
        return data;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open: " + system_error_text(errno));
    in.seekg(0, std::ios::end);
    data.resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!in) throw std::runtime_error(path + ": read failed");
    return data;
}

void write_all(const std::string& path, const std::vector<std::byte>& data) {
    const int fd = path == "-" ? 1 : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw std::runtime_error(path + ": cannot create: " + system_error_text(errno));
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) throw std::runtime_error(path + ": write failed: " + system_error_text(errno));
        done += static_cast<std::size_t>(n);
    }
    if (fd != 1) ::close(fd);
}

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

int run(uiokit::Device transport, const std::string& dma_selector, const virtio::Options& options,
        const std::string& command, const std::vector<std::string>& positional, const std::string& in_file,
        const std::string& out_file);
int parse_and_run(int argc, char** argv);

}  // namespace

int main(int argc, char** argv) {
    try {
        return parse_and_run(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "virtio-blk: " << e.what()
                  << "\nusage: virtio-blk [--bind] [--dma SEL] [--depth N] [--request-kib N] [--polling] DEV "
                     "info | read SECTOR COUNT [-o FILE] | write SECTOR [-i FILE] | flush | bench [SEQ_MIB [RANDOM_READS]]\n";
        return 2;
    }
}

namespace {

int parse_and_run(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string dma_selector = "dmabuf";
    bool bind = false;
    virtio::Options options;
    std::vector<std::string> positional;
    std::string in_file = "-";
    std::string out_file = "-";
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) usage_error(a + " needs a value");
            return args[++i];
        };
        if (a == "--help" || a == "-h") {
            std::cout << "usage: virtio-blk [--bind] [--dma SEL] [--depth N] [--request-kib N] [--polling] DEV "
                         "info | read SECTOR COUNT [-o FILE] | write SECTOR [-i FILE] | flush | bench [SEQ_MIB [RANDOM_READS]]\n";
            return 0;
        } else if (a == "--dma") dma_selector = value();
        else if (a == "--bind") bind = true;
        else if (a == "--depth") {
            const auto n = number(value(), "--depth");
            if (n < 1 || n > 256) usage_error("--depth must be 1 to 256");
            options.queue_depth = static_cast<std::uint16_t>(n);
        } else if (a == "--request-kib") {
            const auto n = number(value(), "--request-kib");
            if (n < 1 || n > 4096) usage_error("--request-kib must be 1 to 4096");
            options.request_bytes = n * 1024;
        } else if (a == "--polling") options.polling = true;
        else if (a == "-o") out_file = value();
        else if (a == "-i") in_file = value();
        else if (a.size() > 1 && a[0] == '-') usage_error("unknown option " + a);
        else positional.push_back(a);
    }
    if (positional.size() < 2) usage_error("DEV and a command are required");
    const std::string& command = positional[1];
    const std::size_t operands = positional.size() - 2;
    if ((command == "info" || command == "flush") && operands != 0) usage_error(command + " takes no operands");
    if (command == "read" && operands != 2) usage_error("read takes SECTOR COUNT");
    if (command == "write" && operands != 1) usage_error("write takes SECTOR");
    if (command == "bench" && operands > 2) usage_error("bench takes at most SEQ_MIB RANDOM_READS");
    if (command != "info" && command != "flush" && command != "read" && command != "write" && command != "bench")
        usage_error("unknown command '" + command + "'");

    std::optional<uiokit::Binding> binding;
    try {
        if (bind) binding = uiokit::bind_to_uio(positional[0]);
        const int status = run(binding ? uiokit::Device::open(binding->device) : uiokit::Device::open(uiokit::Selector::parse(positional[0])),
                               dma_selector, options, command, positional, in_file, out_file);
        if (binding) uiokit::unbind_from_uio(*binding);
        return status;
    } catch (const UsageError&) {
        if (binding) uiokit::unbind_from_uio(*binding);
        throw;
    } catch (const std::exception& e) {
        std::cerr << "virtio-blk: " << e.what() << "\n";
        if (binding) {
            try {
                uiokit::unbind_from_uio(*binding);
            } catch (const std::exception& undo) {
                std::cerr << "virtio-blk: undoing --bind: " << undo.what() << "\n";
            }
        }
        return 1;
    }
}

int run(uiokit::Device transport, const std::string& dma_selector, const virtio::Options& options,
        const std::string& command, const std::vector<std::string>& positional, const std::string& in_file,
        const std::string& out_file) {
    const std::size_t operands = positional.size() - 2;
    {
        const uiokit::DmaBuffer dma = uiokit::DmaBuffer::open_uio_map(uiokit::Selector::parse(dma_selector));
        virtio::BlockDevice disk(transport, dma, options);
        const auto& info = disk.info();

        if (command == "info") {
            std::cout << "capacity: " << info.capacity_sectors << " sectors of 512 bytes ("
                      << info.capacity_sectors * 512 << " bytes)\n"
                      << std::hex << "device features: 0x" << info.device_features << "\nnegotiated: 0x"
                      << info.driver_features << std::dec << (info.read_only ? " (read-only)" : "")
                      << "\nqueue size max: " << info.queue_size_max << "\n";
        } else if (command == "read") {
            const auto sector = number(positional[2], "SECTOR");
            const auto count = number(positional[3], "COUNT");
            if (count > info.capacity_sectors) usage_error("COUNT is larger than the device");
            std::vector<std::byte> data(count * virtio::sector_size);
            disk.read(sector, data);
            write_all(out_file, data);
        } else if (command == "write") {
            const auto sector = number(positional[2], "SECTOR");
            const auto data = read_all(in_file);
            if (data.empty() || data.size() % virtio::sector_size != 0)
                throw virtio::Error("write: the input (" + in_file + ") has " + std::to_string(data.size()) +
                                    " bytes, not a non-zero multiple of 512");
            disk.write(sector, data);
            disk.flush();
        } else if (command == "flush") {
            disk.flush();
        } else {  // bench: what the board compares against the kernel's driver (bench/board/vboard-virtio-blk.sh)
            const std::uint64_t seq_mib = operands > 0 ? number(positional[2], "SEQ_MIB") : 16;
            const std::uint64_t random_reads = operands > 1 ? number(positional[3], "RANDOM_READS") : 1000;
            const std::uint64_t seq_bytes = std::min<std::uint64_t>(seq_mib << 20, info.capacity_sectors * 512);
            std::vector<std::byte> buffer(1 << 20);
            const auto t0 = std::chrono::steady_clock::now();
            for (std::uint64_t done = 0; done < seq_bytes; done += buffer.size())
                disk.read(done / 512, std::span(buffer).first(std::min<std::uint64_t>(buffer.size(), seq_bytes - done)));
            const auto t1 = std::chrono::steady_clock::now();
            // The same 4 KiB-aligned offsets as the kernel side's reader (bench/board/block_read.c).
            std::uint64_t state = 42;
            const std::uint64_t blocks = info.capacity_sectors / 8;
            for (std::uint64_t i = 0; i < random_reads; ++i)
                disk.read(splitmix64(state) % blocks * 8, std::span(buffer).first(4096));
            const auto t2 = std::chrono::steady_clock::now();
            std::cout << "sequential: " << seq_bytes << " bytes in " << seconds(t1 - t0) << " s, "
                      << static_cast<double>(seq_bytes) / seconds(t1 - t0) / 1e6 << " MB/s\n"
                      << "random 4 KiB reads: " << random_reads << " in " << seconds(t2 - t1) << " s, "
                      << seconds(t2 - t1) / static_cast<double>(random_reads) * 1e6 << " us each\n"
                      << "requests " << disk.counters().requests << ", interrupts " << disk.counters().interrupts
                      << ", notifies " << disk.counters().notifies << ", blocked in interrupt waits "
                      << seconds(disk.counters().waiting) << " s, copying " << seconds(disk.counters().copying) << " s\n";
        }
    }
    return 0;
}

}  // namespace
