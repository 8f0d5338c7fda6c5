// save, load, fill and compare: whole ranges of a window through Region::copy_out, copy_in, fill and
// compare, a chunk at a time. --width restricts the window to that one access width
// (Region::restricted_to); without it the widest aligned accesses are used.
#include "transfer.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>
#include <vector>

#include <uiokit/regmap/numbers.hpp>

namespace regtool {

using uiokit::regmap::hex;

namespace {

constexpr std::size_t kChunk = std::size_t{1} << 20;
// Progress only for transfers long enough to wait for (when stderr is a terminal).
constexpr std::uint64_t kProgressFrom = std::uint64_t{16} << 20;

class Progress {
public:
    Progress(const Output& io, const char* verb, std::uint64_t total)
        : io_(io), verb_(verb), total_(total), shown_(total >= kProgressFrom && ::isatty(STDERR_FILENO) == 1) {}
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress() {
        if (shown_) io_.err << '\n' << std::flush;
    }
    void update(std::uint64_t done) {
        if (shown_) io_.err << '\r' << verb_ << ": " << (done >> 20) << " of " << (total_ >> 20) << " MiB" << std::flush;
    }

private:
    const Output& io_;
    const char* verb_;
    std::uint64_t total_;
    bool shown_;
};

// The window, restricted to --width when given: every access of the transfer is then of that width.
uiokit::Region window_for(const Target& target, unsigned width) {
    return width ? target.region.restricted_to(uiokit::AccessWidths::only(width / 8)) : target.region;
}

// START and LENGTH must be multiples of --width's bytes (the window's own alignment is checked by
// the Region before any access).
void check_alignment(std::uint64_t start, std::uint64_t length, unsigned width) {
    if (!width) return;
    const unsigned bytes = width / 8;
    if (start % bytes != 0)
        throw UsageError("START " + hex(start) + " is not a multiple of the " + std::to_string(width) + "-bit access (" +
                         std::to_string(bytes) + " bytes)");
    if (length % bytes != 0)
        throw UsageError("the length " + hex(length) + " is not a multiple of the " + std::to_string(width) +
                         "-bit access (" + std::to_string(bytes) + " bytes)");
}

std::uint64_t parse_start(const Invocation& inv, std::size_t index, const Target& target) {
    const std::uint64_t start = inv.args.size() > index ? parse_number(inv.args[index], "START") : 0;
    if (start > target.region.size())
        throw UsageError("START " + hex(start) + " is outside " + target.describe() + ", which is " +
                         hex(target.region.size()) + " bytes");
    return start;
}

// FILE, or stdin for "-": at most `limit` bytes, and one more if there are more (so that a file
// too long to fit is known before anything is written).
std::vector<std::byte> read_input(const std::string& file, std::uint64_t limit) {
    std::ifstream opened;
    std::istream* in = &std::cin;
    if (file != "-") {
        opened.open(file, std::ios::binary);
        if (!opened) throw std::runtime_error("open " + file + ": " + std::generic_category().message(errno));
        in = &opened;
    }
    std::vector<std::byte> data;
    const std::uint64_t wanted = limit + 1;
    // One allocation for a file whose size is known: growing the vector by the probe byte would
    // copy all of it into a new, twice as large block (page faults are most of a 1 MiB load's time
    // on a slow CPU: bench/RESULTS.md, the board's SRAM).
    std::error_code size_error;
    const std::uint64_t file_size = file == "-" ? 0 : std::filesystem::file_size(file, size_error);
    data.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(wanted, file == "-" || size_error ? kChunk : file_size + 1)));
    while (data.size() < wanted) {
        const std::size_t before = data.size();
        const auto step = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, wanted - before));
        data.resize(before + step);
        in->read(reinterpret_cast<char*>(data.data() + before), static_cast<std::streamsize>(step));
        data.resize(before + static_cast<std::size_t>(in->gcount()));
        if (in->bad()) throw std::runtime_error("read " + (file == "-" ? std::string("stdin") : file) + ": I/O error");
        if (in->eof()) break;
    }
    return data;
}

std::string shown_name(const std::string& file, const char* dash) { return file == "-" ? dash : file; }

void take_file_argument(Invocation& inv, const char* usage) {
    if (inv.args.empty()) throw UsageError(std::string("no FILE given (") + usage + "; '-' for stdin/stdout)");
}

}  // namespace

int run_save(Invocation& inv) {
    const std::string device = inv.take_device();
    constexpr const char* usage = "save DEV FILE [START [LENGTH]]";
    take_file_argument(inv, usage);
    if (inv.args.size() > 3) throw UsageError("unexpected argument '" + inv.args[3] + "' (" + usage + ")");
    const std::string file = inv.args[0];
    if (file == "-" && inv.io.json) throw UsageError("--json and FILE '-' both want stdout; give a FILE");
    Target target = open_target(device, inv.target, Access::read_only, inv.context);
    const std::uint64_t size = target.region.size();
    const std::uint64_t start = parse_start(inv, 1, target);
    const std::uint64_t length = inv.args.size() > 2 ? parse_number(inv.args[2], "LENGTH") : size - start;
    if (length > size - start)
        throw UsageError("START + LENGTH (" + hex(start) + " + " + hex(length) + ") is beyond " + target.describe() +
                         ", which is " + hex(size) + " bytes");
    check_alignment(start, length, inv.width);
    const uiokit::Region window = window_for(target, inv.width);

    std::ofstream opened;
    std::ostream* out = &inv.io.out;
    if (file != "-") {
        opened.open(file, std::ios::binary | std::ios::trunc);
        if (!opened) throw std::runtime_error("create " + file + ": " + std::generic_category().message(errno));
        out = &opened;
    }
    std::vector<std::byte> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(length, kChunk)));
    Progress progress(inv.io, "save", length);
    for (std::uint64_t done = 0; done < length;) {
        const auto step = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, length - done));
        window.copy_out(start + done, std::span(buffer).first(step));
        out->write(reinterpret_cast<const char*>(buffer.data()), static_cast<std::streamsize>(step));
        if (!*out) throw std::runtime_error("write " + shown_name(file, "stdout") + ": " + std::generic_category().message(errno));
        done += step;
        progress.update(done);
    }
    if (file != "-") {
        opened.close();
        if (!opened) throw std::runtime_error("write " + file + ": " + std::generic_category().message(errno));
    }

    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "save");
        json.field("file", file).field("start", start).field("length", length).field("width", inv.width ? inv.width : 0u);
        target.write_json(json);
        json.end_object().end_document();
    } else if (file != "-") {
        inv.io.out << "saved " << length << " bytes from " << target.describe() << " at " << hex(start) << " to " << file << '\n';
    }
    return exit_ok;
}

int run_load(Invocation& inv) {
    const std::string device = inv.take_device();
    constexpr const char* usage = "load DEV FILE [START]";
    take_file_argument(inv, usage);
    if (inv.args.size() > 2) throw UsageError("unexpected argument '" + inv.args[2] + "' (" + usage + ")");
    const std::string file = inv.args[0];
    Target target = open_target(device, inv.target, Access::read_write, inv.context);
    const std::uint64_t size = target.region.size();
    const std::uint64_t start = parse_start(inv, 1, target);
    check_alignment(start, 0, inv.width);
    // Everything is read and checked before the first write: a file that does not fit writes nothing.
    const std::vector<std::byte> data = read_input(file, size - start);
    if (data.size() > size - start)
        throw UsageError(shown_name(file, "stdin") + " is more than the " + hex(size - start) + " bytes from START " +
                         hex(start) + " to the end of " + target.describe() + " (" + hex(size) + " bytes): nothing written");
    check_alignment(start, data.size(), inv.width);
    const uiokit::Region window = window_for(target, inv.width);
    // The Region's own checks (the window's alignment for --width) for the whole range, before any
    // chunk is written.
    (void)window.subregion(start, data.size());
    window.copy_in(start, std::span(data).first(0));  // read-only, the window's alignment for --width
    Progress progress(inv.io, "load", data.size());
    for (std::size_t done = 0; done < data.size();) {
        const std::size_t step = std::min(kChunk, data.size() - done);
        window.copy_in(start + done, std::span(data).subspan(done, step));
        done += step;
        progress.update(done);
    }

    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "load");
        json.field("file", file).field("start", start).field("length", static_cast<std::uint64_t>(data.size()))
            .field("width", inv.width ? inv.width : 0u);
        target.write_json(json);
        json.end_object().end_document();
    } else {
        inv.io.out << "loaded " << data.size() << " bytes from " << shown_name(file, "stdin") << " to " << target.describe()
                   << " at " << hex(start) << '\n';
    }
    return exit_ok;
}

int run_fill(Invocation& inv) {
    const std::string device = inv.take_device();
    constexpr const char* usage = "fill DEV START LENGTH VALUE";
    if (inv.args.size() < 3) throw UsageError(std::string("START, LENGTH and VALUE are needed (") + usage + ")");
    if (inv.args.size() > 3) throw UsageError("unexpected argument '" + inv.args[3] + "' (" + usage + ")");
    const std::uint64_t start_arg = parse_number(inv.args[0], "START");
    const std::uint64_t length = parse_number(inv.args[1], "LENGTH");
    const std::uint64_t value = parse_number(inv.args[2], "VALUE");
    const unsigned value_width = inv.width ? inv.width : 8;
    if (value_width < 64 && value >> value_width != 0)
        throw UsageError("VALUE " + inv.args[2] + " does not fit in " + std::to_string(value_width) + " bits" +
                         (inv.width ? "" : " (without --width, VALUE is a byte)"));
    check_alignment(start_arg, length, inv.width);
    Target target = open_target(device, inv.target, Access::read_write, inv.context);
    const std::uint64_t start = parse_start(inv, 0, target);
    if (length > target.region.size() - start)
        throw UsageError("START + LENGTH (" + hex(start) + " + " + hex(length) + ") is beyond " + target.describe() +
                         ", which is " + hex(target.region.size()) + " bytes");
    const uiokit::Region window = window_for(target, inv.width);
    (void)window.subregion(start, length);
    if (!inv.width) {
        window.fill(start, length, static_cast<std::byte>(value));
    } else {
        // A word pattern: each --width access stores VALUE (in the CPU's byte order, as `write` does).
        const unsigned bytes = inv.width / 8;
        std::vector<std::byte> pattern(static_cast<std::size_t>(std::min<std::uint64_t>(length, kChunk)));
        for (std::size_t i = 0; i < pattern.size(); i += bytes) {
            const std::uint64_t word = value;
            std::memcpy(pattern.data() + i, reinterpret_cast<const std::byte*>(&word) +
                                                (std::endian::native == std::endian::little ? 0 : 8 - bytes), bytes);
        }
        window.copy_in(start, std::span(pattern).first(0));  // the range's checks, before any write
        Progress progress(inv.io, "fill", length);
        for (std::uint64_t done = 0; done < length;) {
            const auto step = static_cast<std::size_t>(std::min<std::uint64_t>(pattern.size(), length - done));
            window.copy_in(start + done, std::span(pattern).first(step));
            done += step;
            progress.update(done);
        }
    }

    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "fill");
        json.field("start", start).field("length", length).field("value", value).field("width", value_width);
        target.write_json(json);
        json.end_object().end_document();
    } else {
        inv.io.out << "filled " << length << " bytes of " << target.describe() << " at " << hex(start) << " with "
                   << format_value(value, value_width, Radix::hex) << '\n';
    }
    return exit_ok;
}

namespace {
int compare(Invocation& inv) {
    const std::string device = inv.take_device();
    constexpr const char* usage = "compare DEV FILE [START]";
    take_file_argument(inv, usage);
    if (inv.args.size() > 2) throw UsageError("unexpected argument '" + inv.args[2] + "' (" + usage + ")");
    const std::string file = inv.args[0];
    Target target = open_target(device, inv.target, Access::read_only, inv.context);
    const std::uint64_t size = target.region.size();
    const std::uint64_t start = parse_start(inv, 1, target);
    check_alignment(start, 0, inv.width);
    const std::vector<std::byte> data = read_input(file, size - start);
    if (data.size() > size - start)
        throw UsageError(shown_name(file, "stdin") + " is more than the " + hex(size - start) + " bytes from START " +
                         hex(start) + " to the end of " + target.describe() + " (" + hex(size) + " bytes)");
    check_alignment(start, data.size(), inv.width);
    const uiokit::Region window = window_for(target, inv.width);
    (void)window.compare(start, std::span(data).first(0));

    uiokit::Region::Comparison total;
    Progress progress(inv.io, "compare", data.size());
    for (std::size_t done = 0; done < data.size();) {
        const std::size_t step = std::min(kChunk, data.size() - done);
        const auto part = window.compare(start + done, std::span(data).subspan(done, step));
        if (total.equal() && !part.equal()) total.first_difference = part.first_difference;
        total.differing_bytes += part.differing_bytes;
        done += step;
        progress.update(done);
    }

    const std::string name = shown_name(file, "-");
    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "compare");
        json.field("file", file).field("start", start).field("length", static_cast<std::uint64_t>(data.size()))
            .field("width", inv.width ? inv.width : 0u).field("equal", total.equal())
            .field("differing_bytes", static_cast<std::uint64_t>(total.differing_bytes));
        json.key("first_difference");
        if (total.equal()) json.null();
        else json.value(static_cast<std::uint64_t>(total.first_difference));
        target.write_json(json);
        json.end_object().end_document();
    } else if (total.equal()) {
        inv.io.out << name << " and " << target.describe() << " at " << hex(start) << ": the same " << data.size() << " bytes\n";
    } else {
        const std::size_t first = total.first_difference;
        inv.io.out << name << " and " << target.describe() << " at " << hex(start) << " differ: first at offset " << hex(first)
                   << " (byte " << first - start << " of the file), " << total.differing_bytes << " of " << data.size()
                   << " bytes differ\n";
    }
    return total.equal() ? exit_ok : 1;
}
}  // namespace

int run_compare(Invocation& inv) {
    // cmp(1)'s statuses: 0 the same, 1 different, 2 trouble (usage errors are already 2).
    try {
        return compare(inv);
    } catch (const UsageError&) {
        throw;
    } catch (const std::exception& e) {
        throw ErrorWithStatus(exit_usage_error, e.what());
    }
}

}  // namespace regtool
