// The compiled form of register maps and the per-user cache of it (compiled_map.hpp).
#include <uiokit/regmap/compiled_map.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>

namespace uiokit::regmap {
namespace {

// Bump when the layout or RegisterMap changes: an entry of another version is simply re-parsed.
constexpr std::string_view compiled_magic = "UIOKRMAP";
constexpr std::uint32_t compiled_version = 1;
constexpr std::string_view cache_magic = "UIOKRMC1";

// FNV-1a, 64 bits: names cache entries and guards against corrupted ones. Not a security
// measure: an entry is used only if it holds the map file's exact bytes.
std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ULL) {
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

class Writer {
public:
    void u8(unsigned v) { out_.push_back(static_cast<char>(v & 0xffU)); }
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) u8(static_cast<unsigned>(v >> (8 * i)));
    }
    void u64(std::uint64_t v) {
        for (int i = 0; i < 8; ++i) u8(static_cast<unsigned>(v >> (8 * i)));
    }
    void str(std::string_view s) {
        u32(static_cast<std::uint32_t>(s.size()));
        out_.append(s);
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

// Every read is bounds-checked; the first failure makes the whole decode fail.
class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}
    [[nodiscard]] bool ok() const noexcept { return ok_; }
    [[nodiscard]] bool at_end() const noexcept { return in_.empty(); }
    std::string_view bytes(std::size_t n) {
        if (!ok_ || in_.size() < n) {
            ok_ = false;
            return {};
        }
        const std::string_view b = in_.substr(0, n);
        in_.remove_prefix(n);
        return b;
    }
    std::uint64_t number(int width) {
        const std::string_view b = bytes(static_cast<std::size_t>(width));
        std::uint64_t v = 0;
        for (std::size_t i = b.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[i]);
        return v;
    }
    unsigned u8() { return static_cast<unsigned>(number(1)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(number(4)); }
    std::uint64_t u64() { return number(8); }
    std::string str() { return std::string(bytes(u32())); }
    Access access() {
        const unsigned v = u8();
        if (v > static_cast<unsigned>(Access::w1s)) ok_ = false;
        return static_cast<Access>(v);
    }
    // A count of items each at least `min_item` bytes long: a corrupted count cannot make the
    // decoder reserve more than the input could hold.
    std::uint32_t count(std::size_t min_item) {
        const std::uint32_t n = u32();
        if (static_cast<std::uint64_t>(n) * min_item > in_.size()) ok_ = false;
        return ok_ ? n : 0;
    }

private:
    std::string_view in_;
    bool ok_ = true;
};

constexpr std::size_t min_value_bytes = 4 + 8 + 4;
constexpr std::size_t min_field_bytes = 4 + 4 + 4 + 1 + 4 + 4 + 4;
constexpr std::size_t min_register_bytes = 4 + 8 + 4 + 8 + 1 + 1 + 4 + 4 + 4;

int from_u32(std::uint32_t v) { return static_cast<int>(static_cast<std::int32_t>(v)); }

// The cache directory, opened without following a symlink and checked on the open descriptor:
// owned by us, a directory, no access for group or others. -1 when it is not fit.
int open_private_directory(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        // Each missing component 0700, as XDG asks of the cache directory itself.
        std::filesystem::path partial;
        for (const auto& part : dir) {
            partial /= part;
            if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) return -1;
        }
    }
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// The entry's bytes, if it is a regular file of ours; nothing otherwise.
std::optional<std::string> read_entry(int dir_fd, const std::string& name) {
    const Fd file(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (file.fd < 0) return std::nullopt;
    struct stat st {};
    if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        static_cast<std::uint64_t>(st.st_size) > 8 * max_map_file_size)
        return std::nullopt;
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        const ssize_t n = ::read(file.fd, bytes.data() + filled, bytes.size() - filled);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        filled += static_cast<std::size_t>(n);
    }
    return bytes;
}

// Written to a temporary name and renamed: a reader sees the whole entry or none. Failures are
// ignored (the cache is an optimisation only).
void write_entry(int dir_fd, const std::string& name, const std::string& bytes) {
    const std::string temporary = ".tmp-" + std::to_string(::getpid()) + "-" + name;
    bool written = false;
    {
        const Fd file(::openat(dir_fd, temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (file.fd < 0) return;
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(file.fd, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        written = done == bytes.size();
    }
    if (!written || ::renameat(dir_fd, temporary.c_str(), dir_fd, name.c_str()) != 0) ::unlinkat(dir_fd, temporary.c_str(), 0);
}

}  // namespace

std::string compile_map(const RegisterMap& map) {
    Writer w;
    for (const char c : compiled_magic) w.u8(static_cast<unsigned char>(c));
    w.u32(compiled_version);
    w.str(map.name);
    w.str(map.description);
    w.u64(map.size);
    w.u32(static_cast<std::uint32_t>(map.registers.size()));
    for (const RegisterDef& r : map.registers) {
        w.str(r.name);
        w.u64(r.offset);
        w.u32(r.width_bits);
        w.u64(r.reset);
        w.u8(static_cast<unsigned>(r.access));
        w.u8(r.side_effect_on_read ? 1 : 0);
        w.str(r.description);
        w.u32(static_cast<std::uint32_t>(r.line));
        w.u32(static_cast<std::uint32_t>(r.fields.size()));
        for (const FieldDef& f : r.fields) {
            w.str(f.name);
            w.u32(f.msb);
            w.u32(f.lsb);
            w.u8(static_cast<unsigned>(f.access));
            w.str(f.description);
            w.u32(static_cast<std::uint32_t>(f.line));
            w.u32(static_cast<std::uint32_t>(f.values.size()));
            for (const EnumValue& v : f.values) {
                w.str(v.name);
                w.u64(v.value);
                w.str(v.description);
            }
        }
    }
    std::string body = w.take();
    Writer checksum;
    checksum.u64(fnv1a(body));
    return body + checksum.take();
}

std::optional<RegisterMap> decompile_map(std::string_view bytes, const std::string& source) {
    if (bytes.size() < compiled_magic.size() + 4 + 8) return std::nullopt;
    const std::string_view body = bytes.substr(0, bytes.size() - 8);
    Reader tail(bytes.substr(bytes.size() - 8));
    if (tail.u64() != fnv1a(body)) return std::nullopt;
    Reader r(body);
    if (r.bytes(compiled_magic.size()) != compiled_magic || r.u32() != compiled_version) return std::nullopt;
    try {
        RegisterMap map;
        map.name = r.str();
        map.description = r.str();
        map.size = r.u64();
        map.registers.resize(r.count(min_register_bytes));
        for (RegisterDef& reg : map.registers) {
            reg.name = r.str();
            reg.offset = r.u64();
            reg.width_bits = r.u32();
            reg.reset = r.u64();
            reg.access = r.access();
            reg.side_effect_on_read = r.u8() != 0;
            reg.description = r.str();
            reg.line = from_u32(r.u32());
            if (reg.width_bits != 8 && reg.width_bits != 16 && reg.width_bits != 32 && reg.width_bits != 64) return std::nullopt;
            reg.fields.resize(r.count(min_field_bytes));
            for (FieldDef& f : reg.fields) {
                f.name = r.str();
                f.msb = r.u32();
                f.lsb = r.u32();
                f.access = r.access();
                f.description = r.str();
                f.line = from_u32(r.u32());
                if (f.lsb > f.msb || f.msb >= reg.width_bits) return std::nullopt;
                f.values.resize(r.count(min_value_bytes));
                for (EnumValue& v : f.values) {
                    v.name = r.str();
                    v.value = r.u64();
                    v.description = r.str();
                }
            }
            if (!r.ok()) return std::nullopt;
        }
        if (!r.ok() || !r.at_end()) return std::nullopt;
        map.source = source;
        return map;
    } catch (const std::bad_alloc&) {
        return std::nullopt;
    }
}

std::optional<std::filesystem::path> user_map_cache_directory(const char* xdg_cache_home, const char* home) {
    // Joined as text, one path built: every regtool run computes this (issue 20).
    std::string dir;
    if (xdg_cache_home && xdg_cache_home[0] == '/') dir = xdg_cache_home;
    else if (home && home[0] == '/') dir = std::string(home) + (std::string_view(home).ends_with('/') ? "" : "/") + ".cache";
    else return std::nullopt;
    if (!dir.ends_with('/')) dir += '/';
    return std::filesystem::path(dir + "uiokit/regmaps");
}

RegisterMap load_map_cached(const std::filesystem::path& file, const std::optional<std::filesystem::path>& cache_directory) {
    if (!cache_directory) return load_map(file);
    const std::string source = file.string();
    const std::string text = read_map_file(file);
    const Fd dir(open_private_directory(*cache_directory));
    if (dir.fd < 0) return load_map(file);

    // Entry: magic, the file's length and bytes, then the compiled map.
    static constexpr std::array<char, 16> hex_digits{'0', '1', '2', '3', '4', '5', '6', '7',
                                                     '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    std::string name(16, '0');
    const std::uint64_t hash = fnv1a(text);
    for (std::size_t i = 0; i < 16; ++i) name[i] = hex_digits[(hash >> (60 - 4 * i)) & 0xfU];
    name += ".map";
    if (const auto entry = read_entry(dir.fd, name)) {
        Reader r(*entry);
        if (r.bytes(cache_magic.size()) == cache_magic) {
            const std::uint64_t length = r.u64();
            if (r.ok() && length == text.size() && r.bytes(text.size()) == text) {
                const std::string_view compiled = std::string_view(*entry).substr(cache_magic.size() + 8 + text.size());
                if (auto map = decompile_map(compiled, source)) return std::move(*map);
            }
        }
    }
    RegisterMap map = [&] {
        try {
            return parse_map(text, source);
        } catch (const std::bad_alloc&) {
            throw MapError(source, 0, "out of memory while reading and checking the register map (" +
                                          std::to_string(text.size()) + " bytes)");
        }
    }();
    Writer header;
    for (const char c : cache_magic) header.u8(static_cast<unsigned char>(c));
    header.u64(text.size());
    write_entry(dir.fd, name, header.take() + text + compile_map(map));
    return map;
}

}  // namespace uiokit::regmap
