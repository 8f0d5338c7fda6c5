// watch and wait: the commands that run until something happens.
#include <poll.h>

#include <cerrno>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <string>
#include <thread>

#include <uiokit/error.hpp>
#include <uiokit/regmap/numbers.hpp>

#include "commands.hpp"

namespace regtool {

using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// As printf's "%.3f": seconds with 3 decimals (never "6.87e-06").
std::string seconds_text(double seconds) {
    // Cannot fail: the largest finite double has 309 digits before the point.
    std::array<char, 330> digits{};
    const std::to_chars_result end =
        std::to_chars(digits.data(), digits.data() + digits.size(), seconds, std::chars_format::fixed, 3);
    return std::string(digits.data(), end.ptr);
}

// As printf's "%10.3f ": seconds with 3 decimals, right-aligned in 10 columns, then a space.
std::string time_stamp(double seconds) {
    const std::string digits = seconds_text(seconds);
    std::string stamp(digits.size() < 10 ? 10 - digits.size() : 0, ' ');
    stamp += digits;
    stamp += ' ';
    return stamp;
}

std::string show(const Location& loc, std::uint64_t raw, Radix radix) {
    const std::uint64_t v = loc.extract(raw);
    return loc.field ? field_value_text(*loc.field, v, radix)
                     : format_value(v, loc.has_bits ? loc.msb - loc.lsb + 1 : loc.width_bits, radix);
}

}  // namespace

namespace {
// A UIO driver without irqcontrol (ENOSYS) manages its line itself: waits still work.
void enable_line(uiokit::Interrupt& interrupt) {
    try {
        interrupt.enable();
    } catch (const uiokit::Error& e) {
        if (e.code().value() != ENOSYS) throw;
    }
}
}  // namespace

timespec poll_timeout(std::chrono::nanoseconds left) {
    using std::chrono::nanoseconds;
    const nanoseconds wait = std::clamp(left, nanoseconds(0), nanoseconds(std::chrono::seconds(1)));
    timespec timeout{};
    timeout.tv_sec = static_cast<decltype(timeout.tv_sec)>(wait.count() / 1'000'000'000);
    timeout.tv_nsec = static_cast<decltype(timeout.tv_nsec)>(wait.count() % 1'000'000'000);
    return timeout;
}

bool sleep_cancellable(std::chrono::nanoseconds duration, const uiokit::WaitCanceller* canceller) {
    if (!canceller) {
        std::this_thread::sleep_for(duration);
        return false;
    }
    const auto deadline = Clock::now() + duration;
    for (;;) {
        if (canceller->cancelled()) return true;
        const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now());
        if (left <= std::chrono::nanoseconds(0)) return false;
        pollfd p{canceller->fd(), POLLIN, 0};
        const timespec timeout = poll_timeout(left);
        ::ppoll(&p, 1, &timeout, nullptr);
    }
}

int run_watch(Invocation& inv) {
    const std::string device = inv.take_device();
    if (inv.args.empty()) throw UsageError("no address to watch (OFFSET, OFFSET:HI:LO, REG or REG.FIELD)");
    const auto interval = inv.interval.empty() ? std::chrono::milliseconds(100) : parse_duration(inv.interval, "--interval");
    if (interval.count() == 0) throw UsageError("--interval must be more than 0");
    const std::optional<std::chrono::nanoseconds> duration =
        inv.duration.empty() ? std::nullopt : std::optional(parse_duration(inv.duration, "--duration"));
    const std::uint64_t wanted_changes = inv.count.empty() ? 0 : parse_number(inv.count, "--count");
    if (!inv.count.empty() && wanted_changes == 0) throw UsageError("--count must be at least 1");

    Target target = open_target(device, inv.target, Access::read_only, inv.context);
    load_map_for(target, inv.args);
    std::vector<Location> locations;
    for (const std::string& text : inv.args) {
        Location loc = resolve_location(text, target, inv.width, Intent::read);
        if (!loc.readable()) throw UsageError("address '" + text + "' is write-only: there is nothing to watch");
        if (loc.reg && loc.reg->side_effect_on_read && !inv.force)
            throw UsageError("address '" + text + "': reading " + loc.reg->name +
                             " has side effects, and watch reads it again and again; give --force to do it anyway");
        locations.push_back(std::move(loc));
    }

    const auto start = Clock::now();
    std::vector<std::optional<std::uint64_t>> last(locations.size());
    auto report = [&](std::size_t i, std::uint64_t raw) {
        const Location& loc = locations[i];
        if (inv.io.json) {
            JsonWriter json(inv.io.out);
            begin_json(json, "watch");
            json.field("time", seconds_since(start)).field("address", loc.text);
            json.key("register");
            loc.reg ? json.value(loc.reg->name) : json.null();
            json.key("field");
            loc.field ? json.value(loc.field->name) : json.null();
            json.field("offset", loc.offset).field("value", loc.extract(raw));
            json.key("previous");
            last[i] ? json.value(loc.extract(*last[i])) : json.null();
            json.end_object().end_document();
        } else {
            inv.io.out << time_stamp(seconds_since(start)) << loc.label() << " = ";
            if (last[i]) inv.io.out << show(loc, *last[i], inv.radix) << " -> ";
            inv.io.out << show(loc, raw, inv.radix) << '\n';
        }
        check_output(inv.io.out);  // flushed: a watch into a full disk stops instead of running on
        last[i] = raw;
    };
    for (std::size_t i = 0; i < locations.size(); ++i)
        report(i, read_value(target.region, locations[i].offset, locations[i].width_bits));

    std::uint64_t changes = 0;
    for (;;) {
        if (duration) {
            const auto left = *duration - (Clock::now() - start);
            if (left <= std::chrono::nanoseconds(0)) return wanted_changes ? exit_timeout : exit_ok;
            if (sleep_cancellable(std::min<std::chrono::nanoseconds>(interval, left), inv.context.canceller)) return exit_ok;
        } else if (sleep_cancellable(interval, inv.context.canceller)) {
            return exit_ok;  // interrupted: the normal end of a watch
        }
        for (std::size_t i = 0; i < locations.size(); ++i) {
            const Location& loc = locations[i];
            const std::uint64_t raw = read_value(target.region, loc.offset, loc.width_bits);
            if (loc.extract(raw) == loc.extract(*last[i])) continue;
            report(i, raw);
            if (wanted_changes && ++changes >= wanted_changes) return exit_ok;
        }
    }
}

int run_wait(Invocation& inv) {
    if (inv.has_file_target()) throw UsageError("wait needs a UIO device: a --file or --devmem target has no interrupt");
    const std::string device = inv.take_device();
    if (!inv.args.empty()) throw UsageError("unexpected argument '" + inv.args.front() + "' (wait DEV [options])");
    const std::optional<std::chrono::nanoseconds> timeout =
        inv.timeout.empty() ? std::nullopt : std::optional(parse_duration(inv.timeout, "--timeout"));
    const std::uint64_t wanted = inv.count.empty() ? 1 : parse_number(inv.count, "--count");
    if (wanted == 0) throw UsageError("--count must be at least 1");

    Target target = open_target(device, inv.target, Access::read_write, inv.context);
    load_map_for(target, inv.acks);
    std::vector<PlannedWrite> acks;
    for (const std::string& ack : inv.acks) acks.push_back(plan_write(ack, target, inv.width, inv.force));
    uiokit::Interrupt& interrupt = target.device->interrupt();
    if (!interrupt.available())
        throw uiokit::NoInterruptError(target.describe() + " has no interrupt (" + uiokit::no_interrupt_reason + ")");
    // Only now, with every argument accepted: the kernel's protocol, write 1 after open (an
    // interrupt before the open left the line disabled).
    enable_line(interrupt);

    uiokit::WaitCanceller local_canceller;
    const uiokit::WaitCanceller& canceller = inv.context.canceller ? *inv.context.canceller : local_canceller;
    struct Event {
        uiokit::InterruptEvent event;
        double time;
    };
    std::vector<Event> events;
    const auto start = Clock::now();
    bool timed_out = false;
    bool cancelled = false;
    while (events.size() < wanted) {
        std::optional<uiokit::InterruptEvent> event;
        if (timeout) {
            const auto left = *timeout - (Clock::now() - start);
            event = interrupt.wait_for(std::max(left, std::chrono::nanoseconds(0)), canceller);
        } else {
            event = interrupt.wait(canceller);
        }
        if (!event) {
            cancelled = canceller.cancelled();
            timed_out = !cancelled;
            break;
        }
        events.push_back({*event, seconds_since(start)});
        if (!inv.io.json)
            inv.io.out << "interrupt " << events.size() << ": count " << event->count << ", missed " << event->missed << ", after "
                       << seconds_text(events.back().time) << " s" << std::endl;
        // Clear the source before re-enabling, or a level-triggered line fires again at once.
        for (const PlannedWrite& ack : acks) (void)perform_write(ack, target.region, WriteMode::w);
        if (events.size() < wanted || !acks.empty()) enable_line(interrupt);
    }

    if (inv.io.json) {
        JsonWriter json(inv.io.out);
        begin_json(json, "wait");
        target.write_json(json);
        json.field("wanted", wanted);
        json.key("events").begin_array();
        for (const Event& e : events)
            json.begin_object()
                .field("count", static_cast<std::uint64_t>(e.event.count))
                .field("missed", static_cast<std::uint64_t>(e.event.missed))
                .field("time", e.time)
                .end_object();
        json.end_array().field("timed_out", timed_out).field("cancelled", cancelled).end_object().end_document();
    } else if (timed_out) {
        inv.io.out << "timed out after " << seconds_text(seconds_since(start)) << " s: " << events.size() << " of " << wanted << " interrupts\n";
    } else if (cancelled) {
        inv.io.out << "cancelled: " << events.size() << " of " << wanted << " interrupts\n";
    }
    return timed_out ? exit_timeout : cancelled ? exit_cancelled : exit_ok;
}

}  // namespace regtool
