// Register maps: what a good map gives, and every refusal with its line and reason.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <uiokit/regmap/numbers.hpp>
#include <uiokit/regmap/register_map.hpp>
#include <uiokit/regmap/search.hpp>

#include "temp_dir.hpp"

using namespace uiokit::regmap;
using Catch::Matchers::Contains;

namespace {

// A map with one register whose body is `reg` (indented under "- ").
std::string with_register(const std::string& reg) {
    return "format: 1\n"          // line 1
           "name: blk\n"          // line 2
           "registers:\n"         // line 3
           "  - name: R\n"        // line 4
           "    offset: 0x0\n" +  // line 5
           reg;                   // line 6 on
}

// Parses and returns the MapError's line and reason.
std::pair<int, std::string> refusal(const std::string& text) {
    try {
        (void)parse_map(text, "test.yaml");
    } catch (const MapError& e) {
        CHECK(e.source() == "test.yaml");
        CHECK_THAT(e.what(), Contains("test.yaml:" + std::to_string(e.line()) + ": "));
        return {e.line(), e.reason()};
    }
    FAIL("the map was accepted");
    return {};
}

}  // namespace

TEST_CASE("numbers: decimal, hex, binary, separators, and refusals that say why", "[regtool][regmap][numbers]") {
    CHECK(parse_unsigned("0") == 0);
    CHECK(parse_unsigned("42") == 42);
    CHECK(parse_unsigned("0x1C") == 0x1c);
    CHECK(parse_unsigned("0b101") == 5);
    CHECK(parse_unsigned("0xffff_ffff_ffff_ffff") == 0xffffffffffffffffULL);
    CHECK_THROWS_WITH(parse_unsigned(""), Contains("empty"));
    CHECK_THROWS_WITH(parse_unsigned("0x1g"), Contains("'g' is not a hex digit"));
    CHECK_THROWS_WITH(parse_unsigned("12a"), Contains("not a decimal digit"));
    CHECK_THROWS_WITH(parse_unsigned("-1"), Contains("no sign"));
    CHECK_THROWS_WITH(parse_unsigned("0x"), Contains("no digits"));
    CHECK_THROWS_WITH(parse_unsigned("0x1_"), Contains("'_'"));
    CHECK_THROWS_WITH(parse_unsigned("0x1__0"), Contains("doubled"));
    CHECK_THROWS_WITH(parse_unsigned("0x1_0000_0000_0000_0000"), Contains("larger than 64 bits"));
    CHECK(hex(0x1c) == "0x1c");
    CHECK(hex_padded(0x1c, 16) == "0x001c");
}

TEST_CASE("the shipped PL031 map has the board's registers", "[regtool][regmap]") {
    const RegisterMap map = load_map(std::filesystem::path(UIOKIT_SHIPPED_MAP_DIR) / "pl031.yaml");
    CHECK(map.name == "pl031");
    CHECK(map.size == 0x1000);
    REQUIRE(map.registers.size() == 16);
    const struct {
        const char* name;
        std::uint64_t offset;
        uiokit::Access access;
    } expected[] = {{"DR", 0x00, uiokit::Access::ro},        {"MR", 0x04, uiokit::Access::rw},
                    {"LR", 0x08, uiokit::Access::rw},        {"CR", 0x0C, uiokit::Access::rw},
                    {"IMSC", 0x10, uiokit::Access::rw},      {"RIS", 0x14, uiokit::Access::ro},
                    {"MIS", 0x18, uiokit::Access::ro},       {"ICR", 0x1C, uiokit::Access::wo},
                    {"PeriphID0", 0xFE0, uiokit::Access::ro}, {"PeriphID3", 0xFEC, uiokit::Access::ro},
                    {"PCellID0", 0xFF0, uiokit::Access::ro},  {"PCellID3", 0xFFC, uiokit::Access::ro}};
    for (const auto& e : expected) {
        INFO(e.name);
        const RegisterDef* r = map.find(e.name);
        REQUIRE(r);
        CHECK(r->offset == e.offset);
        CHECK(r->access == e.access);
        CHECK(r->width_bits == 32);
    }
    const RegisterDef* icr = map.find("ICR");
    REQUIRE(icr->field("MATCH"));
    CHECK(icr->field("MATCH")->access == uiokit::Access::w1c);
    CHECK(icr->w1c_mask() == 1);
    CHECK(map.find("CR")->field("START")->mask() == 1);
    CHECK(map.at_offset(0x1C) == icr);
    CHECK(map.find("PCellID1")->reset == 0xF0);
    // The shipped maps are also compiled in, byte for byte.
    bool found = false;
    for (const auto& b : builtin_maps()) found = found || b.file_name == "pl031.yaml";
    CHECK(found);
    CHECK(parse_map(builtin_maps().front().text, "builtin").registers.size() > 0);
}

TEST_CASE("every shipped map parses", "[regtool][regmap]") {
    // The maps shipped in data/regmaps, by name: an empty or wrong directory must not pass.
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(UIOKIT_SHIPPED_MAP_DIR)) {
        INFO(entry.path());
        names.push_back(entry.path().filename().string());
        CHECK_NOTHROW(load_map(entry.path()));
    }
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"pl031.yaml", "pl061-id.yaml", "virtio_mmio.yaml"});
}

TEST_CASE("a map's fields, defaults and values", "[regtool][regmap]") {
    const RegisterMap map = load_map(std::filesystem::path(UIOKIT_TEST_MAP_DIR) / "scratch.yaml");
    const RegisterDef* status = map.find("STATUS");
    REQUIRE(status);
    CHECK(status->w1c_mask() == 0xF0);
    CHECK(status->w1s_mask() == 0xF00);
    CHECK(status->field("READY")->access == uiokit::Access::ro);
    CHECK(status->field("EN")->access == uiokit::Access::rw);  // the register's access by default
    const FieldDef* mode = map.find("CTRL")->field("MODE");
    REQUIRE(mode);
    CHECK(mode->msb == 2);
    CHECK(mode->lsb == 1);
    CHECK(mode->mask() == 0x6);
    CHECK(mode->extract(0x4) == 2);
    CHECK(mode->value_named("fast")->value == 2);
    CHECK(mode->value_of(1)->name == "slow");
    CHECK(map.find("FIFO")->side_effect_on_read);
    CHECK(map.find("BYTE")->width_bits == 8);
    CHECK(map.find("WIDE")->width_bits == 64);
    CHECK(map.find("CMD")->field("GO")->access == uiokit::Access::wo);
    CHECK(map.overlapping(0x0C, 4).size() == 2);  // BYTE and HALF
}

TEST_CASE("bad maps are refused with the line and the reason", "[regtool][regmap]") {
    SECTION("YAML syntax") {
        const auto [line, reason] = refusal("format: 1\nname: x\nregisters: [\n");
        CHECK(line >= 3);
        CHECK_THAT(reason, Contains("YAML syntax"));
    }
    SECTION("unknown key, with the known ones") {
        const auto [line, reason] = refusal(with_register("    widht: 32\n"));
        CHECK(line == 6);
        CHECK_THAT(reason, Contains("unknown key 'widht' in register 'R'"));
        CHECK_THAT(reason, Contains("width"));
    }
    SECTION("unknown top-level key") {
        const auto [line, reason] = refusal("format: 1\nname: x\nbase: 0\nregisters: []\n");
        CHECK(line == 3);
        CHECK_THAT(reason, Contains("unknown key 'base'"));
    }
    SECTION("a key given twice") {
        const auto [line, reason] = refusal(with_register("    offset: 0x4\n"));
        CHECK(line == 6);
        CHECK_THAT(reason, Contains("given twice"));
    }
    SECTION("bad number") {
        const auto [line, reason] = refusal(with_register("    reset: 0x1g\n"));
        CHECK(line == 6);
        CHECK_THAT(reason, Contains("bad number for register 'R' reset"));
        CHECK_THAT(reason, Contains("'g' is not a hex digit"));
    }
    SECTION("bad width") {
        const auto [line, reason] = refusal(with_register("    width: 24\n"));
        CHECK(line == 6);
        CHECK_THAT(reason, Contains("not 8, 16, 32 or 64"));
    }
    SECTION("misaligned offset") {
        const auto [line, reason] = refusal("format: 1\nname: x\nregisters:\n  - name: R\n    offset: 0x2\n");
        CHECK(line == 5);
        CHECK_THAT(reason, Contains("not aligned"));
    }
    SECTION("reset wider than the register") {
        const auto [line, reason] = refusal(with_register("    width: 8\n    reset: 0x100\n"));
        CHECK(line == 7);
        CHECK_THAT(reason, Contains("does not fit in 8 bits"));
    }
    SECTION("register beyond the block") {
        const auto [line, reason] = refusal("format: 1\nname: x\nsize: 0x4\nregisters:\n  - {name: A, offset: 0}\n  - {name: B, offset: 4}\n");
        CHECK(line == 6);
        CHECK_THAT(reason, Contains("beyond the block size"));
    }
    SECTION("duplicate register names") {
        const auto [line, reason] = refusal("format: 1\nname: x\nregisters:\n  - {name: A, offset: 0}\n  - {name: A, offset: 4}\n");
        CHECK(line == 5);
        CHECK_THAT(reason, Contains("duplicate register name 'A' (first at line 4)"));
    }
    SECTION("overlapping registers") {
        const auto [line, reason] = refusal(
            "format: 1\nname: x\nregisters:\n  - {name: A, offset: 0, width: 64}\n  - {name: B, offset: 4}\n");
        CHECK(line == 5);
        CHECK_THAT(reason, Contains("overlaps register 'A'"));
    }
    SECTION("a read-only and a write-only register may share an address") {
        CHECK_NOTHROW(parse_map(
            "format: 1\nname: x\nregisters:\n  - {name: RBR, offset: 0, access: ro}\n  - {name: THR, offset: 0, access: wo}\n",
            "t"));
    }
    SECTION("overlapping fields") {
        const auto [line, reason] = refusal(with_register("    fields:\n      - {name: A, bits: \"3:0\"}\n      - {name: B, bits: \"4:3\"}\n"));
        CHECK(line == 8);
        CHECK_THAT(reason, Contains("field 'R.B' (bits 4:3) overlaps field 'A'"));
    }
    SECTION("bits beyond the width") {
        const auto [line, reason] = refusal(with_register("    width: 16\n    fields:\n      - {name: A, bits: \"16:15\"}\n"));
        CHECK(line == 8);
        CHECK_THAT(reason, Contains("beyond the register's 16 bits"));
    }
    SECTION("bits low first") {
        const auto [line, reason] = refusal(with_register("    fields:\n      - {name: A, bits: \"0:3\"}\n"));
        CHECK(line == 7);
        CHECK_THAT(reason, Contains("high bit first"));
    }
    SECTION("duplicate field names") {
        const auto [line, reason] = refusal(with_register("    fields:\n      - {name: A, bits: 0}\n      - {name: A, bits: 1}\n"));
        CHECK(line == 8);
        CHECK_THAT(reason, Contains("duplicate field name 'R.A'"));
    }
    SECTION("a name that is not an identifier") {
        const auto [line, reason] = refusal("format: 1\nname: x\nregisters:\n  - {name: 1st, offset: 0}\n");
        CHECK(line == 4);
        CHECK_THAT(reason, Contains("'1st' is not a name"));
    }
    SECTION("a C++ keyword as a name") {
        const auto [line, reason] = refusal("format: 1\nname: x\nregisters:\n  - {name: int, offset: 0}\n");
        CHECK_THAT(reason, Contains("reserved"));
    }
    SECTION("unknown access") {
        const auto [line, reason] = refusal(with_register("    access: rc\n"));
        CHECK(line == 6);
        CHECK_THAT(reason, Contains("not one of ro, wo, rw"));
    }
    SECTION("W1C on a register") {
        const auto [line, reason] = refusal(with_register("    access: w1c\n"));
        CHECK_THAT(reason, Contains("w1c and w1s belong to fields"));
    }
    SECTION("a writable field in a read-only register") {
        const auto [line, reason] = refusal(with_register("    access: ro\n    fields:\n      - {name: A, bits: 0, access: w1c}\n"));
        CHECK(line == 8);
        CHECK_THAT(reason, Contains("does not fit its ro register"));
    }
    SECTION("a value too wide for its field") {
        const auto [line, reason] = refusal(with_register(
            "    fields:\n      - name: A\n        bits: \"1:0\"\n        values:\n          - {name: big, value: 4}\n"));
        CHECK(line == 10);
        CHECK_THAT(reason, Contains("does not fit in the field's 2 bits"));
    }
    SECTION("duplicate values") {
        const auto [line, reason] = refusal(with_register(
            "    fields:\n      - name: A\n        bits: \"1:0\"\n        values:\n          - {name: a, value: 1}\n          - {name: b, value: 1}\n"));
        CHECK(line == 11);
        CHECK_THAT(reason, Contains("same value"));
    }
    SECTION("missing offset") {
        const auto [line, reason] = refusal("format: 1\nname: x\nregisters:\n  - {name: A}\n");
        CHECK(line == 4);
        CHECK_THAT(reason, Contains("missing 'offset'"));
    }
    SECTION("unsupported format") {
        const auto [line, reason] = refusal("format: 2\nname: x\nregisters:\n  - {name: A, offset: 0}\n");
        CHECK(line == 1);
        CHECK_THAT(reason, Contains("not supported"));
    }
    SECTION("not a mapping") {
        const auto [line, reason] = refusal("- just\n- a list\n");
        CHECK_THAT(reason, Contains("top level must be a mapping"));
    }
}

TEST_CASE("a map file that cannot be read names the file", "[regtool][regmap]") {
    CHECK_THROWS_WITH(load_map("/nonexistent/x.yaml"), Contains("/nonexistent/x.yaml: cannot open"));
}

TEST_CASE("maps are found by map or device name along the search path", "[regtool][regmap][search]") {
    TempDir first, second;
    first.write("thing.yaml", "format: 1\nname: first\nregisters:\n  - {name: A, offset: 0}\n");
    second.write("thing.yaml", "format: 1\nname: second\nregisters:\n  - {name: A, offset: 0}\n");
    second.write("other.yaml", "format: 1\nname: other\nregisters:\n  - {name: A, offset: 0}\n");
    const std::string env = first.path().string() + "::" + second.path().string();
    SearchPath path = SearchPath::standard(env.c_str());
    REQUIRE(path.directories.size() == 3);
    CHECK(path.directories.back() == installed_map_directory());

    auto found = find_map({"thing@1000"}, path);
    REQUIRE(found);
    CHECK(found->map.name == "first");  // earlier directories win
    CHECK(found->origin == (first.path() / "thing.yaml").string());
    found = find_map({"nothing", "other"}, path);
    REQUIRE(found);
    CHECK(found->map.name == "other");
    CHECK_FALSE(find_map({"nothing"}, path));

    // Built-in maps come last, and only when allowed.
    found = find_map({"pl031@9010000"}, path);
    REQUIRE(found);
    CHECK(found->origin == "built-in:pl031.yaml");
    path.use_builtin = false;
    CHECK_FALSE(find_map({"pl031"}, path));

    // A bad map on the path is an error, never skipped.
    first.write("bad.yaml", "format: 1\nname: x\nregisters:\n  - {name: A, offset: 0x1g}\n");
    CHECK_THROWS_AS(find_map({"bad"}, path), MapError);

    CHECK(map_file_stem("pl031@9010000") == "pl031");
    CHECK_FALSE(map_file_stem("../etc/passwd"));
    CHECK_FALSE(map_file_stem(""));
}

TEST_CASE("fields and registers in flow style on one line are checked like any others", "[regtool][regmap]") {
    // Fields on one line share a line number, so which came first is their place in the list.
    auto [line, reason] = refusal(with_register(
        "    fields: [{name: A, bits: \"3:0\"}, {name: B, bits: \"2:1\", access: w1c}, {name: A, bits: \"9:8\"}]\n"));
    CHECK(line == 6);
    CHECK_THAT(reason, Contains("field 'R.B' (bits 2:1) overlaps field 'A' (bits 3:0, line 6)"));
    std::tie(line, reason) = refusal(with_register("    fields: [{name: A, bits: \"3:0\"}, {name: A, bits: \"9:8\"}]\n"));
    CHECK(line == 6);
    CHECK_THAT(reason, Contains("duplicate field name 'R.A'"));
    std::tie(line, reason) = refusal(with_register("    fields: [{name: A, bits: 0}, {name: B, bits: 0}]\n"));
    CHECK_THAT(reason, Contains("field 'R.B' (bits 0:0) overlaps field 'A'"));
    // Registers: the same on one line.
    std::tie(line, reason) = refusal("format: 1\nname: x\nregisters: [{name: A, offset: 0}, {name: A, offset: 4}]\n");
    CHECK(line == 3);
    CHECK_THAT(reason, Contains("duplicate register name 'A'"));
    std::tie(line, reason) = refusal("format: 1\nname: x\nregisters: [{name: A, offset: 0, width: 64}, {name: B, offset: 4}]\n");
    CHECK(line == 3);
    CHECK_THAT(reason, Contains("register 'B' at 0x4 (32-bit) overlaps register 'A'"));
    // Accepted fields in flow style are still ordered by bit.
    const RegisterMap map = parse_map(with_register("    fields: [{name: HI, bits: \"9:8\"}, {name: LO, bits: \"3:0\"}]\n"), "t");
    CHECK(map.registers.front().fields.front().name == "LO");
}

TEST_CASE("offsets near 2^64 do not wrap around", "[regtool][regmap]") {
    // With a size: beyond it, not wrapped to a small end.
    auto [line, reason] = refusal(
        "format: 1\nname: x\nsize: 0x100\nregisters:\n  - {name: OK, offset: 0x40}\n"
        "  - {name: BIG, offset: 0xfffffffffffffff8, width: 64}\n");
    CHECK(line == 6);
    CHECK_THAT(reason, Contains("register 'BIG' at offset 0xfffffffffffffff8 (64-bit) lies beyond the block size 0x100"));
    // Without: the computed size would wrap.
    std::tie(line, reason) = refusal(
        "format: 1\nname: x\nregisters:\n  - {name: OK, offset: 0x40}\n  - {name: BIG, offset: 0xfffffffffffffffc}\n");
    CHECK(line == 5);
    CHECK_THAT(reason, Contains("register 'BIG' at offset 0xfffffffffffffffc (32-bit) ends beyond 0xffffffffffffffff"));
    std::tie(line, reason) = refusal("format: 1\nname: x\nregisters:\n  - {name: BIG, offset: 0xfffffffffffffff8, width: 64}\n");
    CHECK(line == 4);
    // The last register that fits, and finding it by offset.
    const RegisterMap map = parse_map("format: 1\nname: x\nregisters:\n  - {name: TOP, offset: 0xfffffffffffffff8}\n", "t");
    CHECK(map.size == 0xfffffffffffffffcULL);
    CHECK(map.overlapping(0xfffffffffffffff8ULL, 4).size() == 1);
    CHECK(map.overlapping(0xfffffffffffffffaULL, 0x10).size() == 1);  // a range whose end would wrap
    CHECK(map.overlapping(0xfffffffffffffff0ULL, 8).empty());
}

TEST_CASE("a read-only and a write-only register share an address only exactly", "[regtool][regmap]") {
    // A 64-bit read-only register and an 8-bit write-only one inside it.
    auto [line, reason] = refusal(
        "format: 1\nname: x\nregisters:\n  - {name: WIDEA, offset: 0x40, width: 64, access: ro}\n"
        "  - {name: SMALLB, offset: 0x44, width: 8, access: wo}\n");
    CHECK(line == 5);
    CHECK_THAT(reason, Contains("register 'SMALLB' at 0x44 (8-bit) overlaps register 'WIDEA' at 0x40 (64-bit, line 4)"));
    CHECK_THAT(reason, Contains("at the same offset and of the same width"));
    std::tie(line, reason) = refusal(
        "format: 1\nname: x\nregisters:\n  - {name: RBR, offset: 0, access: ro}\n  - {name: THR, offset: 0, width: 8, access: wo}\n");
    CHECK(line == 5);
    CHECK_NOTHROW(parse_map(
        "format: 1\nname: x\nregisters:\n  - {name: RBR, offset: 0, width: 8, access: ro}\n"
        "  - {name: THR, offset: 0, width: 8, access: wo}\n",
        "t"));
}

TEST_CASE("names regtool and the generator use themselves are refused", "[regtool][regmap]") {
    // regtool write takes 'clear' and 'set' for W1C and W1S fields: there such a value could never
    // be written. A one-bit field's generated type has set() and clear(); on wider fields value names
    // come first, so the words are ordinary names.
    for (const std::string word : {"clear", "set"}) {
        INFO(word);
        auto [line, reason] = refusal(with_register(
            "    fields:\n      - name: OP\n        bits: \"1:0\"\n        access: w1c\n        values:\n"
            "          - {name: " + word + ", value: 2}\n"));
        CHECK(line == 11);
        CHECK_THAT(reason, Contains("value '" + word + "' of field 'R.OP': '" + word + "' is reserved on a w1c field"));
        std::tie(line, reason) = refusal(with_register("    fields:\n      - name: OP\n        bits: 3\n"
                                                       "        values:\n          - {name: " + word + ", value: 1}\n"));
        CHECK(line == 10);
        CHECK_THAT(reason, Contains("value '" + word + "' of field 'R.OP': '" + word + "' is reserved on a one-bit field"));
        const RegisterMap map = parse_map(with_register("    fields:\n      - name: OP\n        bits: \"1:0\"\n"
                                                        "        values:\n          - {name: " + word + ", value: 2}\n"),
                                          "test.yaml");
        CHECK(map.registers.at(0).fields.at(0).value_named(word)->value == 2);
    }
    // The generated field type's other members, and the field's own name, are no value names; the
    // register type's members are no field names; NAME_value is a field's values type.
    for (const std::string word : {"mask", "width", "lsb", "val", "get", "values", "value_type", "OP"}) {
        INFO(word);
        const auto [line, reason] = refusal(with_register("    fields:\n      - name: OP\n        bits: \"1:0\"\n"
                                                          "        values:\n          - {name: " + word + ", value: 2}\n"));
        CHECK(line == 10);
        CHECK_THAT(reason, Contains("'" + word + "' is reserved ("));
    }
    for (const std::string word : {"offset", "reset", "access", "register_type", "w1c_mask"}) {
        INFO(word);
        const auto [line, reason] = refusal(with_register("    fields:\n      - {name: " + word + ", bits: 0}\n"));
        CHECK(line == 7);
        CHECK_THAT(reason, Contains("field 'R." + word + "': '" + word + "' is reserved (a member of every generated register type)"));
    }
    auto [clash_line, clash] = refusal(with_register("    fields:\n      - {name: MODE_value, bits: 0}\n"
                                                     "      - {name: MODE, bits: '2:1', values: [{name: slow, value: 1}]}\n"));
    CHECK(clash_line == 8);
    CHECK_THAT(clash, Contains("field 'R.MODE_value' has the name of field 'MODE''s values type in the generated header"));
    CHECK_NOTHROW(parse_map(with_register("    fields:\n      - {name: MODE_value, bits: 0}\n"
                                          "      - {name: MODE, bits: '2:1'}\n"),
                            "test.yaml"));
    // The generated header's namespace has the constant block_name: a register of that name would
    // be hidden by it (block.read(ns::block_name) would not compile).
    const auto [line, reason] = refusal("format: 1\nname: x\nregisters:\n  - {name: block_name, offset: 0}\n");
    CHECK(line == 4);
    CHECK_THAT(reason, Contains("register name 'block_name' is reserved"));
    CHECK_THAT(refusal("format: 1\nname: x\nregisters:\n  - {name: Block, offset: 0}\n").second, Contains("reserved"));
}

TEST_CASE("a map path that is a directory says so", "[regtool][regmap]") {
    const TempDir dir;
    CHECK_THROWS_WITH(load_map(dir.path()), Contains(dir.path().string() + ": is a directory, not a register map file"));
}

TEST_CASE("anchors and aliases share parts of a map", "[regtool][regmap][yaml]") {
    const RegisterMap map = parse_map("format: 1\n"
                                      "name: twins\n"
                                      "registers:\n"
                                      "  - name: CTRL0\n"
                                      "    offset: 0x0\n"
                                      "    fields: &ctrl\n"
                                      "      - {name: EN, bits: 0}\n"
                                      "      - {name: MODE, bits: '2:1', values: [{name: slow, value: 1}]}\n"
                                      "  - name: CTRL1\n"
                                      "    offset: 0x4\n"
                                      "    fields: *ctrl\n",
                                      "twins.yaml");
    REQUIRE(map.registers.size() == 2);
    const RegisterDef& second = map.registers[1];
    CHECK(second.name == "CTRL1");
    REQUIRE(second.fields.size() == 2);
    CHECK(second.field("MODE")->mask() == 0x6);
    CHECK(second.field("MODE")->value_named("slow")->value == 1);
    CHECK(second.fields[0].line == 7);  // an alias's nodes keep the lines where the anchor defined them
}

TEST_CASE("YAML the format does not allow is refused at its line", "[regtool][regmap][yaml][hostile]") {
    SECTION("an alias of an anchor that is not defined before it") {
        const auto [line, reason] = refusal(with_register("    fields: *nowhere\n"));
        CHECK(line == 6);
        CHECK(reason == "YAML syntax: alias *nowhere names no anchor defined before it");
    }
    SECTION("an alias inside the node it names") {
        const auto [line, reason] = refusal(with_register("    fields: &loop [*loop]\n"));
        CHECK(line == 6);
        CHECK_THAT(reason, Contains("alias *loop lies inside the node it names"));
    }
    SECTION("aliases that stand for more nodes than a map could hold") {
        // Each level doubles: a 40-line text standing for 2^31 nodes.
        std::string text = "format: 1\nname: x\nregisters:\n  - {name: A, offset: 0}\nbomb0: &b0 [x, x]\n";
        for (int i = 1; i <= 30; ++i)
            text += "bomb" + std::to_string(i) + ": &b" + std::to_string(i) + " [*b" + std::to_string(i - 1) + ", *b" +
                    std::to_string(i - 1) + "]\n";
        // bomb_i stands for 2^(i+2) - 1 nodes. The aliases of bomb1 to bomb16 add 524,248; bomb17's
        // first alias of bomb16 adds 262,143 (786,391), its second 262,143 more: past a million.
        const auto [line, reason] = refusal(text);
        CHECK(line == 5 + 17);
        CHECK(reason == "aliases (here *b16) add more than 1000000 nodes to the document");
    }
    SECTION("a second document") {
        const auto [line, reason] = refusal("format: 1\nname: x\nregisters: [{name: A, offset: 0}]\n---\nformat: 1\n");
        CHECK(line == 4);
        CHECK_THAT(reason, Contains("a second YAML document starts here"));
    }
    SECTION("block collections nested more than 100 deep") {
        std::string text = "format: 1\nname: x\nregisters:\n";
        for (int depth = 0; depth < 150; ++depth) text += std::string(static_cast<std::size_t>(2 * depth + 2), ' ') + "- \n";
        const auto [line, reason] = refusal(text);
        CHECK(line == 3 + 100);  // the collection that is one too deep (the top level is the first)
        CHECK(reason == "the YAML is nested more than 100 levels deep (a register map needs 7)");
    }
    SECTION("a syntax error names libyaml's reason and the construct it was in") {
        const auto [line, reason] = refusal("format: 1\nname: x\nregisters:\n  - {name: A, offset: 0\n");
        CHECK(line == 5);
        CHECK_THAT(reason, Contains("YAML syntax: did not find expected ',' or '}'"));
        CHECK_THAT(reason, Contains("while parsing a flow mapping that starts at line 4"));
    }
}

TEST_CASE("null and quoted values are told apart as YAML does", "[regtool][regmap][yaml]") {
    // A plain empty or ~ value is null: the required key is missing.
    CHECK_THAT(refusal("format: 1\nname: ~\nregisters: [{name: A, offset: 0}]\n").second, Contains("missing 'name'"));
    CHECK_THAT(refusal("format: 1\nname:\nregisters: [{name: A, offset: 0}]\n").second, Contains("missing 'name'"));
    // A quoted "null" is a string, and so a name.
    const RegisterMap quoted = parse_map("format: 1\nname: \"null\"\nregisters: [{name: A, offset: 0}]\n", "q.yaml");
    CHECK(quoted.name == "null");
    const RegisterMap tagged = parse_map("format: !!int 1\nname: x\nregisters: [{name: A, offset: !!str 0x8}]\n", "t.yaml");
    CHECK(tagged.registers[0].offset == 8);
}
