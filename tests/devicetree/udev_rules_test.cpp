// data/udev/70-uiokit.rules. udevd cannot run here (no real UIO devices, usually a container), and
// `udevadm test` needs a device in the real /sys. So this test evaluates the rule file with a small
// interpreter of the subset of udev's rule language the file uses (match keys ACTION, SUBSYSTEM,
// KERNEL, ATTR{file} with == and != and glob patterns; GROUP, MODE, SYMLINK+=, GOTO, LABEL;
// $attr{file}, %k and $kernel substitutions), against the attributes of simulated devices, and
// fails on any key or operator it does not know, so it cannot silently pass a rule it ignores.
// Then it checks that the library accepts the link that the rule makes.
#include <fnmatch.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <regex>
#include <stdexcept>

#include <uiokit/discovery.hpp>
#include <uiokit/error.hpp>
#include <uiokit/selector.hpp>
#include <uiokit/sim/simulated_system.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

struct Key {
    std::string name;  // "KERNEL", "ATTR"
    std::string attr;  // for ATTR{file}
    std::string op;    // == != = += :=
    std::string value;
};

struct Line {
    int number = 0;
    std::vector<Key> keys;
};

std::vector<Line> parse_rules(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    const std::regex key_re(R"re(\s*([A-Z_]+)(?:\{([^}]*)\})?\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*(,|$))re");
    std::vector<Line> lines;
    std::string text;
    for (int number = 1; std::getline(in, text); ++number) {
        const auto first = text.find_first_not_of(" \t");
        if (first == std::string::npos || text[first] == '#') continue;
        Line line{number, {}};
        auto begin = text.cbegin();
        std::smatch m;
        while (begin != text.cend() && std::regex_search(begin, text.cend(), m, key_re, std::regex_constants::match_continuous)) {
            line.keys.push_back({m[1], m[2], m[3], m[4]});
            begin = m[0].second;
        }
        if (begin != text.cend())
            throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": cannot parse: " + text);
        lines.push_back(line);
    }
    return lines;
}

struct Event {
    std::string action = "add";
    std::string subsystem = "uio";
    std::string kernel;      // uioN
    fs::path sysfs_dir;      // /sys/class/uio/uioN (the simulator's)
};

struct Outcome {
    std::optional<std::string> group, mode;
    std::vector<std::string> symlinks;
};

std::optional<std::string> read_attr(const Event& event, const std::string& attr) {
    std::ifstream in(event.sysfs_dir / attr);
    if (!in) return std::nullopt;
    std::string value((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    return value;
}

// udev patterns: shell globs, with '|' separating alternatives.
bool glob_matches(const std::string& patterns, const std::string& value) {
    std::size_t start = 0;
    for (;;) {
        const auto bar = patterns.find('|', start);
        const std::string pattern = patterns.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
        if (::fnmatch(pattern.c_str(), value.c_str(), 0) == 0) return true;
        if (bar == std::string::npos) return false;
        start = bar + 1;
    }
}

std::string substitute(const std::string& value, const Event& event) {
    std::string out;
    for (std::size_t i = 0; i < value.size();) {
        if (value.compare(i, 6, "$attr{") == 0) {
            const auto close = value.find('}', i);
            out += read_attr(event, value.substr(i + 6, close - i - 6)).value_or("");
            i = close + 1;
        } else if (value.compare(i, 2, "%k") == 0) {
            out += event.kernel;
            i += 2;
        } else if (value.compare(i, 7, "$kernel") == 0) {
            out += event.kernel;
            i += 7;
        } else if (value[i] == '$' || value[i] == '%') {
            throw std::runtime_error("substitution not supported by this test: " + value.substr(i));
        } else {
            out += value[i++];
        }
    }
    return out;
}

Outcome evaluate(const std::vector<Line>& rules, const Event& event) {
    Outcome outcome;
    std::optional<std::string> goto_label;
    for (const Line& line : rules) {
        if (goto_label) {
            if (line.keys.size() == 1 && line.keys[0].name == "LABEL" && line.keys[0].value == *goto_label) goto_label.reset();
            continue;
        }
        bool matches = true;
        for (const Key& k : line.keys) {
            if (k.op != "==" && k.op != "!=") continue;
            std::optional<std::string> actual;
            if (k.name == "ACTION") actual = event.action;
            else if (k.name == "SUBSYSTEM") actual = event.subsystem;
            else if (k.name == "KERNEL") actual = event.kernel;
            else if (k.name == "ATTR") actual = read_attr(event, k.attr);
            else throw std::runtime_error("line " + std::to_string(line.number) + ": match key not supported by this test: " + k.name);
            const bool equal = actual && glob_matches(k.value, *actual);
            if ((k.op == "==") != equal) matches = false;
        }
        if (!matches) continue;
        for (const Key& k : line.keys) {
            if (k.op == "==" || k.op == "!=") continue;
            if (k.name == "GROUP" && k.op == "=") outcome.group = k.value;
            else if (k.name == "MODE" && k.op == "=") outcome.mode = k.value;
            else if (k.name == "SYMLINK" && k.op == "+=") outcome.symlinks.push_back(substitute(k.value, event));
            else if (k.name == "GOTO" && k.op == "=") goto_label = k.value;
            else if (k.name == "LABEL" && k.op == "=") {
            } else {
                throw std::runtime_error("line " + std::to_string(line.number) + ": assignment not supported by this test: " +
                                         k.name + k.op);
            }
        }
    }
    if (goto_label) throw std::runtime_error("GOTO to a missing LABEL " + *goto_label);
    return outcome;
}

}  // namespace

TEST_CASE("udev rule: UIO devices get group uio and mode 0660 and /dev/uio/by-name/<name>", "[devicetree][udev]") {
    const auto rules = parse_rules(dttest::udev_rules_file());
    uiokit::sim::SimulatedSystem sim;
    sim.add_device({.name = "pl031", .maps = {{0x9010000, 0x1000, ""}}});
    sim.add_device({.name = "axi-uio@43c00000", .maps = {{0x43c00000, 0x10000, ""}}});

    const Outcome rtc = evaluate(rules, {.kernel = "uio0", .sysfs_dir = sim.device_dir(0)});
    CHECK(rtc.group == "uio");
    CHECK(rtc.mode == "0660");
    CHECK(rtc.symlinks == std::vector<std::string>{"uio/by-name/pl031"});

    // Newer kernels report the unit address in the name; the link carries it as is.
    const Outcome axi = evaluate(rules, {.kernel = "uio1", .sysfs_dir = sim.device_dir(1)});
    CHECK(axi.symlinks == std::vector<std::string>{"uio/by-name/axi-uio@43c00000"});
}

TEST_CASE("udev rule: other devices and removals and nameless devices get nothing they should not", "[devicetree][udev]") {
    const auto rules = parse_rules(dttest::udev_rules_file());
    uiokit::sim::SimulatedSystem sim;
    sim.add_device({.name = "pl031", .maps = {{0x9010000, 0x1000, ""}}});

    const Outcome tty = evaluate(rules, {.subsystem = "tty", .kernel = "ttyAMA0", .sysfs_dir = sim.device_dir(0)});
    CHECK_FALSE(tty.group);
    CHECK(tty.symlinks.empty());

    const Outcome removal = evaluate(rules, {.action = "remove", .kernel = "uio0", .sysfs_dir = sim.device_dir(0)});
    CHECK_FALSE(removal.group);
    CHECK(removal.symlinks.empty());

    const Outcome not_a_uio_node = evaluate(rules, {.kernel = "uiox", .sysfs_dir = sim.device_dir(0)});
    CHECK_FALSE(not_a_uio_node.group);

    dttest::TempDir dir;  // a device whose name attribute is empty gets access but no link
    dttest::write_text(dir / "name", "\n");
    const Outcome nameless = evaluate(rules, {.kernel = "uio3", .sysfs_dir = dir.path()});
    CHECK(nameless.group == "uio");
    CHECK(nameless.symlinks.empty());
}

TEST_CASE("the library accepts the by-name link as a device node", "[devicetree][udev]") {
    const auto rules = parse_rules(dttest::udev_rules_file());
    uiokit::sim::SimulatedSystem sim;
    sim.add_device({.name = "other", .maps = {{0x9000000, 0x1000, ""}}});
    sim.add_device({.name = "pl031", .maps = {{0x9010000, 0x1000, ""}}});
    const uiokit::Host host = sim.host();

    // Make the link the rule asks for, in a directory standing for /dev.
    dttest::TempDir dev;
    const auto link_name = evaluate(rules, {.kernel = "uio1", .sysfs_dir = sim.device_dir(1)}).symlinks.at(0);
    const fs::path link = dev / link_name;
    fs::create_directories(link.parent_path());
    fs::create_symlink(host.dev_dir / "uio1", link);

    CHECK(uiokit::find(uiokit::Selector::dev_node(link.string()), host).index == 1);
    const auto parsed = uiokit::Selector::parse(link.string());
    REQUIRE(std::holds_alternative<uiokit::Selector::ByDevNode>(parsed.value()));
    CHECK(uiokit::find(parsed, host).name == "pl031");

    // A relative link, as udev makes them (../../uio1), works too.
    const fs::path relative = dev / "uio" / "by-name" / "relative";
    fs::create_symlink(fs::relative(host.dev_dir / "uio1", relative.parent_path()), relative);
    CHECK(uiokit::find(uiokit::Selector::dev_node(relative.string()), host).index == 1);

    // A dangling link names itself in the error.
    const fs::path dangling = dev / "uio" / "by-name" / "gone";
    fs::create_symlink(host.dev_dir / "uio9", dangling);
    CHECK_THROWS_WITH(uiokit::find(uiokit::Selector::dev_node(dangling.string()), host),
                      Catch::Contains(dangling.string()));
}
