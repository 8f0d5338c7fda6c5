// Malformed blobs are refused with a clear error naming their source, and never read past their
// end: the blob under test ends right before an inaccessible page, so any overread crashes.
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include <uiokit/devicetree.hpp>
#include <uiokit/error.hpp>

#include "test_support.hpp"

using uiokit::DeviceTree;
using uiokit::DeviceTreeError;

namespace {

const char* const small_dts = R"(
/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	rtc: rtc@1000 { compatible = "arm,pl031"; reg = <0x1000 0x1000>; interrupts = <0 2 4>; };
};
)";

std::vector<std::byte> small_blob(const dttest::TempDir& dir) {
    return dttest::read_bytes(dttest::compile_dts(dir.path(), "small", small_dts));
}

// Bytes placed so that the byte after the last one is a PROT_NONE page.
class GuardedBuffer {
public:
    explicit GuardedBuffer(const std::vector<std::byte>& bytes) {
        const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
        pages_ = (bytes.size() + page - 1) / page + 1;
        length_ = pages_ * page;
        void* map = ::mmap(nullptr, length_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        REQUIRE(map != MAP_FAILED);
        base_ = static_cast<std::byte*>(map);
        REQUIRE(::mprotect(base_ + length_ - page, page, PROT_NONE) == 0);
        data_ = base_ + length_ - page - bytes.size();
        if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
        size_ = bytes.size();
    }
    ~GuardedBuffer() { ::munmap(base_, length_); }
    GuardedBuffer(const GuardedBuffer&) = delete;
    GuardedBuffer& operator=(const GuardedBuffer&) = delete;
    [[nodiscard]] std::span<const std::byte> span() const { return {data_, size_}; }

private:
    std::byte* base_ = nullptr;
    std::byte* data_ = nullptr;
    std::size_t size_ = 0, pages_ = 0, length_ = 0;
};

void store_be32(std::vector<std::byte>& blob, std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) blob[at + static_cast<std::size_t>(i)] = static_cast<std::byte>((value >> (24 - 8 * i)) & 0xff);
}

std::uint32_t load_be32(const std::vector<std::byte>& blob, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | std::to_integer<std::uint32_t>(blob[at + static_cast<std::size_t>(i)]);
    return v;
}

// Header fields (struct fdt_header), byte offsets.
constexpr std::size_t totalsize_at = 4, off_dt_struct_at = 8, off_dt_strings_at = 12, size_dt_strings_at = 32,
                      size_dt_struct_at = 36;

std::string refusal(const std::vector<std::byte>& bytes) {
    GuardedBuffer guarded(bytes);
    try {
        (void)DeviceTree::from_blob(guarded.span(), "test.dtb");
    } catch (const DeviceTreeError& e) {
        CHECK(e.code().value() == EINVAL);
        return e.what();
    }
    FAIL("a malformed blob was accepted");
    return {};
}

}  // namespace

TEST_CASE("a valid blob placed against a guard page loads", "[devicetree][malformed]") {
    dttest::TempDir dir;
    const auto blob = small_blob(dir);
    GuardedBuffer guarded(blob);
    const DeviceTree tree = DeviceTree::from_blob(guarded.span(), "guarded");
    CHECK(tree.find_label("rtc")->reg.at(0).address == 0x1000);
    CHECK(tree.blob().size() == blob.size());
}

TEST_CASE("too short or bad magic or truncated or oversized totalsize is refused with numbers", "[devicetree][malformed]") {
    dttest::TempDir dir;
    const auto blob = small_blob(dir);

    CHECK_THAT(refusal({}), Catch::Contains("test.dtb") && Catch::Contains("too short"));
    CHECK_THAT(refusal({blob.begin(), blob.begin() + 39}), Catch::Contains("too short"));

    auto bad_magic = blob;
    bad_magic[0] = std::byte{0x12};
    CHECK_THAT(refusal(bad_magic), Catch::Contains("not a DTB (magic 0x120dfeed, expected 0xd00dfeed)"));

    const std::vector<std::byte> half(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(blob.size() / 2));
    CHECK_THAT(refusal(half), Catch::Contains("truncated: the header's totalsize is " + std::to_string(blob.size()) +
                                              " bytes but only " + std::to_string(half.size()) + " are there"));

    auto oversized = blob;
    store_be32(oversized, totalsize_at, static_cast<std::uint32_t>(blob.size() + 100));
    CHECK_THAT(refusal(oversized), Catch::Contains("truncated"));

    auto undersized = blob;
    store_be32(undersized, totalsize_at, 20);
    CHECK_THAT(refusal(undersized), Catch::Contains("smaller than the header"));
}

TEST_CASE("format versions before 16 are refused before libfdt reads them", "[devicetree][malformed]") {
    dttest::TempDir dir;
    auto blob = small_blob(dir);
    // libfdt 1.6.1's fdt_check_full crashed on a version-15 blob (found by tests/fuzz/fuzz_dtb.cpp;
    // the input is in tests/fuzz/corpus/dtb/crash-version15-fdt_check_full).
    for (const std::uint32_t version : {1u, 2u, 15u}) {
        INFO("version " << version);
        store_be32(blob, 20, version);
        CHECK_THAT(refusal(blob), Catch::Contains("format version " + std::to_string(version) + " is not supported"));
    }
    store_be32(blob, 20, 16);
    CHECK_NOTHROW(uiokit::DeviceTree::from_blob(blob, "v16.dtb"));
}

TEST_CASE("block offsets and sizes outside the blob are refused by libfdt's checks", "[devicetree][malformed]") {
    dttest::TempDir dir;
    const auto blob = small_blob(dir);
    const auto total = static_cast<std::uint32_t>(blob.size());

    auto struct_outside = blob;
    store_be32(struct_outside, off_dt_struct_at, total + 8);
    CHECK_THAT(refusal(struct_outside), Catch::Contains("test.dtb") && Catch::Contains("bad header"));

    auto strings_outside = blob;
    store_be32(strings_outside, off_dt_strings_at, total - 4);
    CHECK_THAT(refusal(strings_outside), Catch::Contains("test.dtb"));

    auto strings_too_long = blob;
    store_be32(strings_too_long, size_dt_strings_at, total);
    CHECK_THAT(refusal(strings_too_long), Catch::Contains("test.dtb"));

    auto struct_too_long = blob;
    store_be32(struct_too_long, size_dt_struct_at, total);
    CHECK_THAT(refusal(struct_too_long), Catch::Contains("test.dtb"));
}

TEST_CASE("a corrupt structure block or string offset is refused", "[devicetree][malformed]") {
    dttest::TempDir dir;
    const auto blob = small_blob(dir);
    const std::size_t structure = load_be32(blob, off_dt_struct_at);

    auto bad_tag = blob;
    store_be32(bad_tag, structure, 0x12345678);  // the root's FDT_BEGIN_NODE
    CHECK_THAT(refusal(bad_tag), Catch::Contains("malformed"));

    // The first property of the root: BEGIN_NODE, "" padded to 4, then PROP len nameoff.
    auto bad_name = blob;
    REQUIRE(load_be32(bad_name, structure + 8) == 3);  // FDT_PROP
    store_be32(bad_name, structure + 16, 0x7fff0000);  // nameoff far outside the strings block
    CHECK_THAT(refusal(bad_name), Catch::Contains("malformed"));

    auto bad_length = blob;
    store_be32(bad_length, structure + 12, 0x7fff0000);  // property length beyond the block
    CHECK_THAT(refusal(bad_length), Catch::Contains("malformed: a property's length (2147418112 bytes) runs past "
                                                    "the structure block (structure block offset 0x8)"));
}

TEST_CASE("a property length of 2^31 or more is refused, not walked backwards for ever", "[devicetree][malformed]") {
    // libfdt 1.6.1 adds the length to an int offset: fdt_check_full looped on 0xfffffff4 (found by
    // tests/fuzz/fuzz_dtb.cpp; the input is tests/fuzz/corpus/dtb/timeout-negative-property-length).
    dttest::TempDir dir;
    const auto blob = small_blob(dir);
    const std::size_t structure = load_be32(blob, off_dt_struct_at);
    REQUIRE(load_be32(blob, structure + 8) == 3);  // the root's first FDT_PROP
    for (const std::uint32_t length : {0xffff'fff4u, 0xffff'fffcu, 0x8000'0000u}) {
        INFO("length " << length);
        auto backwards = blob;
        store_be32(backwards, structure + 12, length);
        CHECK_THAT(refusal(backwards), Catch::Contains("malformed: a property's length (" + std::to_string(length)));
    }
}

TEST_CASE("a structure block that does not start on a 4-byte boundary is read as libfdt reads it", "[devicetree][malformed]") {
    // The specification aligns the block; libfdt 1.6.1 does not require it, and aligns each tag
    // from the block's start. So does uiokit's own walk of the block.
    dttest::TempDir dir;
    const auto blob = small_blob(dir);
    const std::size_t structure = load_be32(blob, off_dt_struct_at);
    REQUIRE(load_be32(blob, off_dt_strings_at) > structure);
    auto shifted = blob;
    shifted.insert(shifted.begin() + static_cast<std::ptrdiff_t>(structure), std::byte{0});
    store_be32(shifted, off_dt_struct_at, static_cast<std::uint32_t>(structure + 1));
    store_be32(shifted, off_dt_strings_at, load_be32(blob, off_dt_strings_at) + 1);
    store_be32(shifted, totalsize_at, static_cast<std::uint32_t>(shifted.size()));
    GuardedBuffer guarded(shifted);
    const DeviceTree tree = DeviceTree::from_blob(guarded.span(), "shifted");
    REQUIRE(tree.find_label("rtc"));
    CHECK(tree.find_label("rtc")->reg.at(0).address == 0x1000);
}

TEST_CASE("every truncation and every single-byte corruption is refused or decodes safely", "[devicetree][malformed]") {
    dttest::TempDir dir;
    const auto blob = small_blob(dir);
    for (std::size_t length = 0; length < blob.size(); ++length) {
        INFO("truncated to " << length << " bytes");
        GuardedBuffer guarded({blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(length)});
        CHECK_THROWS_AS(DeviceTree::from_blob(guarded.span(), "cut"), DeviceTreeError);
    }
    for (std::size_t at = 0; at < blob.size(); ++at) {
        auto corrupt = blob;
        corrupt[at] ^= std::byte{0xff};
        GuardedBuffer guarded(corrupt);
        try {
            const DeviceTree tree = DeviceTree::from_blob(guarded.span(), "corrupt");
            for (const auto& node : tree.nodes()) (void)node;  // decode whatever is decodable
            (void)tree.find_compatible("arm,pl031");
            (void)tree.find_label("rtc");
        } catch (const DeviceTreeError&) {
        }
    }
}

TEST_CASE("absent and garbage files are reported with their path", "[devicetree][malformed]") {
    dttest::TempDir dir;
    const auto absent = dir / "absent.dtb";
    try {
        (void)DeviceTree::load(absent);
        FAIL("loaded an absent file");
    } catch (const DeviceTreeError& e) {
        CHECK(e.code().value() == ENOENT);
        CHECK_THAT(e.what(), Catch::Contains("read device tree " + absent.string()));
    }
    dttest::write_text(dir / "garbage.dtb", std::string(100, 'x'));
    CHECK_THROWS_WITH(DeviceTree::load(dir / "garbage.dtb"),
                      Catch::Contains((dir / "garbage.dtb").string()) && Catch::Contains("not a DTB"));
}

TEST_CASE("a node name with '/' or a nameless node below the root is refused: its path would name another node", "[devicetree][malformed]") {
    dttest::TempDir dir;
    const auto blob = small_blob(dir);
    const std::string wanted = "rtc@1000";
    const auto at = static_cast<std::size_t>(
        std::search(blob.begin(), blob.end(), wanted.begin(), wanted.end(),
                    [](std::byte b, char c) { return std::to_integer<char>(b) == c; }) - blob.begin());
    REQUIRE(at + wanted.size() < blob.size());

    // Found by the invariant fuzz harness: "interrupt-controller@f8f/1000" listed at a path that
    // find_path() then looked up as two nodes.
    auto slash = blob;
    slash[at + 3] = std::byte{'/'};
    CHECK_THAT(refusal(slash), Catch::Contains("test.dtb: malformed: node name 'rtc/1000' contains '/', the path separator"));

    // "rtc@1000\0" padded to 12 bytes becomes "\0", padding, and two FDT_NOPs: still well formed.
    auto nameless = blob;
    std::fill(nameless.begin() + static_cast<std::ptrdiff_t>(at), nameless.begin() + static_cast<std::ptrdiff_t>(at + 12),
              std::byte{0});
    store_be32(nameless, at + 4, 4);  // FDT_NOP
    store_be32(nameless, at + 8, 4);
    CHECK_THAT(refusal(nameless), Catch::Contains("test.dtb: malformed: a node without a name"));
}
