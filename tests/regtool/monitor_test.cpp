// watch and wait, with the simulated device changing registers and raising interrupts from
// another thread.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include "core.hpp"  // regtool's internals: sleep_cancellable, poll_timeout
#include "harness.hpp"
#include "timing.hpp"

using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::Matches;
using regtool_test::Board;
using regtool_test::Result;

namespace {

std::vector<nlohmann::json> json_lines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

// Runs regtool on the board and cancels it, as Ctrl-C does, 100 ms after it started.
Result run_cancelled(const Board& board, std::vector<std::string> args) {
    uiokit::WaitCanceller canceller;
    regtool::Context context = board.context;
    context.canceller = &canceller;
    std::thread stopper([&] {
        std::this_thread::sleep_for(100ms);
        canceller.cancel();
    });
    Result r = Board::run_with(context, std::move(args));
    stopper.join();
    return r;
}

// Output that tells when it is first flushed. watch flushes after each sample, so by then it has read
// its first values.
class FirstFlush : public std::stringbuf {
public:
    bool wait(std::chrono::seconds limit) {
        std::unique_lock lock(mutex_);
        return flushed_cv_.wait_for(lock, limit, [&] { return flushed_; });
    }

protected:
    int sync() override {
        {
            const std::lock_guard lock(mutex_);
            flushed_ = true;
        }
        flushed_cv_.notify_all();
        return 0;
    }

private:
    std::mutex mutex_;
    std::condition_variable flushed_cv_;
    bool flushed_ = false;
};

// Runs watch and calls `change` (the device changing a register) once watch has its first sample.
// A change on a fixed delay is missed when regtool starts late (loaded machine, sanitizers).
Result run_watch_changing(const Board& board, const std::vector<std::string>& args,
                          const std::function<void()>& change) {
    FirstFlush out_buf;
    std::ostream out(&out_buf);
    std::ostringstream err;
    std::thread device([&] {
        if (out_buf.wait(hang_limit)) change();
    });
    // Whatever run does, the device thread is released (a flush) and joined before this returns.
    struct JoinOnExit {
        FirstFlush& out_buf;
        std::thread& device;
        ~JoinOnExit() {
            out_buf.pubsync();
            device.join();
        }
    } join_on_exit{out_buf, device};
    Result r;
    r.status = regtool::run(args, out, err, board.context);
    r.out = out_buf.str();
    r.err = err.str();
    return r;
}

}  // namespace

TEST_CASE("watch: prints the values, then each change", "[regtool][cli][watch]") {
    Board board;
    const Result r = run_watch_changing(
        board, {"watch", "pl031", "DR", "CR.START", "--interval", "10ms", "--count", "1", "--duration", "20s"},
        [&] { board.rtc32(0x00, 1001); });
    REQUIRE(r.status == 0);
    std::istringstream lines(r.out);
    std::string first, second, third, extra;
    std::getline(lines, first);
    std::getline(lines, second);
    std::getline(lines, third);
    CHECK_THAT(first, Contains("DR (0x0) = 0x000003e8"));
    CHECK_THAT(second, Contains("CR.START (0xc[0]) = 0x1"));
    CHECK_THAT(third, Contains("DR (0x0) = 0x000003e8 -> 0x000003e9"));
    CHECK_FALSE(std::getline(lines, extra));
}

TEST_CASE("watch --json: one JSON document per line", "[regtool][cli][watch][json]") {
    Board board;
    const auto started = std::chrono::steady_clock::now();
    // --duration: without the change, a timeout (status 3) instead of a hang.
    const Result r = run_watch_changing(
        board, {"watch", "pl031", "RIS.MATCH", "--interval", "5ms", "--count", "1", "--duration", "20s", "--json"},
        [&] { board.rtc32(0x14, 1); });
    const std::chrono::duration<double> ran = std::chrono::steady_clock::now() - started;
    REQUIRE(r.status == 0);
    const auto lines = json_lines(r.out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["command"] == "watch");
    CHECK(lines[0]["register"] == "RIS");
    CHECK(lines[0]["field"] == "MATCH");
    CHECK(lines[0]["value"] == 0);
    CHECK(lines[0]["previous"].is_null());
    CHECK(lines[1]["value"] == 1);
    CHECK(lines[1]["previous"] == 0);
    // Seconds since watch started: after the first sample, within the run.
    CHECK(lines[1]["time"].get<double>() > lines[0]["time"].get<double>());
    CHECK(lines[1]["time"].get<double>() <= ran.count());
}

TEST_CASE("watch: --duration without the wanted changes is a timeout", "[regtool][cli][watch]") {
    Board board;
    const auto start = std::chrono::steady_clock::now();
    Result r = board.run({"watch", "pl031", "DR", "--interval", "10ms", "--count", "1", "--duration", "150ms"});
    CHECK(r.status == 3);
    CHECK(std::chrono::steady_clock::now() - start >= 150ms);
    r = board.run({"watch", "pl031", "DR", "--interval", "10ms", "--duration", "50ms"});
    CHECK(r.status == 0);  // a plain duration is a normal end
}

TEST_CASE("watch: stops when cancelled (Ctrl-C)", "[regtool][cli][watch]") {
    Board board;
    const Result r = run_cancelled(board, {"watch", "pl031", "DR", "--interval", "1s"});
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Contains("DR (0x0) = 0x000003e8"));
}

TEST_CASE("watch: refused arguments", "[regtool][cli][watch][errors]") {
    Board board;
    Result r = board.run({"watch", "scratch", "FIFO", "--duration", "10ms"});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Contains("reading FIFO has side effects"));
    CHECK(board.run({"watch", "scratch", "FIFO", "--duration", "10ms", "--force"}).status == 0);
    CHECK(board.run({"watch", "pl031", "ICR"}).status == 2);
    CHECK_THAT(board.run({"watch", "pl031", "DR", "--interval", "0"}).err, Contains("--interval must be more than 0"));
    CHECK_THAT(board.run({"watch", "pl031", "DR", "--interval", "fast"}).err, Contains("not a duration"));
    CHECK_THAT(board.run({"watch", "pl031", "DR", "--interval", "5h"}).err, Contains("unknown unit 'h'"));
    CHECK_THAT(board.run({"watch", "pl031", "DR", "--count", "0"}).err, Contains("--count must be at least 1"));
    CHECK_THAT(board.run({"watch", "pl031"}).err, Contains("no address to watch"));
}

TEST_CASE("wait: an interrupt, its count and the missed ones", "[regtool][cli][wait]") {
    Board board;
    std::thread device([&] {
        REQUIRE(board.rtc.wait_for_control_writes(1, 5s));  // regtool enabled the line
        board.rtc.raise_interrupt();
    });
    Result r = board.run({"wait", "pl031", "--timeout", "10s"});
    device.join();
    REQUIRE(r.status == 0);
    // Seconds with 3 decimals, as watch prints them (not 6.87e-06).
    CHECK_THAT(r.out, Matches("interrupt 1: count 1, missed 0, after [0-9]+\\.[0-9]{3} s\n"));

    // Two interrupts while nobody listens: the line was left disabled by the first, so they merge
    // into one pending interrupt that the next regtool's enable delivers. Interrupts from before
    // a descriptor was opened are not its events, so nothing is reported missed.
    board.rtc.raise_interrupt();
    board.rtc.raise_interrupt();
    r = board.run({"wait", "pl031", "--timeout", "5s", "--json"});
    REQUIRE(r.status == 0);
    const auto j = r.json();
    CHECK(j["command"] == "wait");
    CHECK(j["wanted"] == 1);
    REQUIRE(j["events"].size() == 1);
    CHECK(j["events"][0]["count"].get<unsigned>() == board.rtc.event_count());
    CHECK(j["events"][0]["count"].get<unsigned>() == 2);
    CHECK(j["events"][0]["missed"].get<unsigned>() == 0);
    CHECK(j["timed_out"] == false);
    CHECK(j["cancelled"] == false);
}

TEST_CASE("wait --count with --ack: clears the source before re-enabling", "[regtool][cli][wait]") {
    Board board;
    std::thread device([&] {
        for (std::size_t n = 1; n <= 2; ++n) {
            REQUIRE(board.rtc.wait_for_control_writes(n, 5s));  // enabled (at open, then after the ack)
            board.rtc32(0x1C, 0);
            board.rtc.raise_interrupt();
            // The ack reaches ICR before the line is enabled again.
            REQUIRE(board.rtc.wait_for_control_writes(n + 1, 5s));
            CHECK(board.rtc32(0x1C) == 1);
        }
    });
    const Result r = board.run({"wait", "pl031", "--count", "2", "--ack", "ICR.MATCH=clear", "--timeout", "10s"});
    device.join();
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("interrupt 1: count 1"));
    CHECK_THAT(r.out, Contains("interrupt 2: count 2"));
    const auto writes = board.rtc.control_writes();
    CHECK(writes == std::vector<std::uint32_t>{1, 1, 1});
}

TEST_CASE("only wait enables the interrupt line, and only once its arguments are accepted", "[regtool][cli][wait]") {
    Board board;
    // A driver may hold the line disabled: write, read and dump leave it alone, refused or not.
    CHECK(board.run({"write", "pl031", "MR=0x100"}).status == 0);
    CHECK(board.run({"write", "pl031", "MR=0x1ffffffff"}).status == 2);
    CHECK(board.run({"read", "pl031", "DR"}).status == 0);
    CHECK(board.run({"dump", "pl031"}).status == 0);
    CHECK(board.run({"wait", "pl031", "--ack", "NOSUCH=1", "--timeout", "1s"}).status == 2);
    CHECK(board.run({"wait", "pl031", "--ack", "ICR=", "--timeout", "1s"}).status == 2);
    // Then a wait that runs: its enable is the first control write the device has seen.
    std::thread device([&] {
        REQUIRE(board.rtc.wait_for_control_writes(1, 5s));
        board.rtc.raise_interrupt();
    });
    const Result r = board.run({"wait", "pl031", "--timeout", "10s"});
    device.join();
    CHECK(r.status == 0);
    CHECK(board.rtc.control_writes() == std::vector<std::uint32_t>{1});
}

TEST_CASE("wait: timeout has its own exit status", "[regtool][cli][wait]") {
    Board board;
    const auto start = std::chrono::steady_clock::now();
    Result r = board.run({"wait", "pl031", "--timeout", "200ms"});
    CHECK(r.status == 3);
    CHECK(std::chrono::steady_clock::now() - start >= 200ms);
    CHECK_THAT(r.out, Matches("timed out after [0-9]+\\.[0-9]{3} s: 0 of 1 interrupts\n"));
    r = board.run({"wait", "pl031", "--timeout", "50ms", "--json"});
    CHECK(r.status == 3);
    CHECK(r.json()["timed_out"] == true);
    CHECK(r.json()["events"].empty());
}

TEST_CASE("wait: cancelled (Ctrl-C) exits with 130", "[regtool][cli][wait]") {
    Board board;
    const Result r = run_cancelled(board, {"wait", "pl031", "--json"});
    CHECK(r.status == 130);
    CHECK(r.json()["cancelled"] == true);
}

TEST_CASE("wait: refused without an interrupt or with bad arguments", "[regtool][cli][wait][errors]") {
    Board board;
    Result r = board.run({"wait", "idwindow", "--timeout", "1s"});
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Contains("uio1 'idwindow' map0 has no interrupt (its kernel driver registered it without one"));
    r = board.run({"wait", "--file", "/dev/null"});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Contains("wait needs a UIO device"));
    r = board.run({"wait", "pl031", "--ack", "DR=1", "--timeout", "10s"});
    CHECK(r.status == 2);  // refused before waiting: returns at once
    CHECK_THAT(r.err, Contains("register DR is read-only"));
    CHECK_THAT(board.run({"wait", "pl031", "--timeout", "-1"}).err, Contains("not a duration"));
    CHECK_THAT(board.run({"wait", "pl031", "--count", "0"}).err, Contains("--count must be at least 1"));
    CHECK_THAT(board.run({"wait", "pl031", "extra"}).err, Contains("unexpected argument 'extra'"));
    CHECK_THAT(board.run({"wait"}).err, Contains("no device given"));
}

TEST_CASE("watch's sleep: the poll timeout is what is left, to the nanosecond", "[regtool][watch][sleep]") {
    // Rounded down to whole milliseconds, a rest under 1 ms was a 0 timeout: watch spun.
    const auto check = [](std::chrono::nanoseconds left, long long seconds, long long nanoseconds) {
        INFO(left.count() << " ns left");
        const timespec timeout = regtool::poll_timeout(left);
        CHECK(timeout.tv_sec == seconds);
        CHECK(timeout.tv_nsec == nanoseconds);
    };
    check(1ns, 0, 1);
    check(500us, 0, 500'000);
    check(999'999ns, 0, 999'999);
    check(1500us, 0, 1'500'000);
    check(999ms, 0, 999'000'000);
    check(2500ms, 1, 0);  // at most 1 s a poll
    check(0ns, 0, 0);
    check(-5ms, 0, 0);
}

TEST_CASE("watch's sleep never ends before its time, and ends at once when cancelled", "[regtool][watch][sleep]") {
    // A lower bound only: a sleep may take longer on a loaded machine, never shorter. Before, a rest
    // under 1 ms ended the sleep at once (200us, 999us) or cut it short (1500us slept about 1 ms).
    uiokit::WaitCanceller canceller;
    for (const std::chrono::nanoseconds duration : {1000ns, 200'000ns, 999'000ns, 1'500'000ns, 2'300'000ns}) {
        INFO(duration.count() << " ns");
        const auto start = std::chrono::steady_clock::now();
        CHECK_FALSE(regtool::sleep_cancellable(duration, &canceller));
        CHECK(std::chrono::steady_clock::now() - start >= duration);
    }
    canceller.cancel();
    const auto start = std::chrono::steady_clock::now();
    CHECK(regtool::sleep_cancellable(hang_limit, &canceller));
    CHECK(std::chrono::steady_clock::now() - start < hang_limit);
}

TEST_CASE("durations of --interval --duration and --timeout: the parsed value unit by unit", "[regtool][cli][watch][wait]") {
    using std::chrono::nanoseconds;
    using regtool::parse_duration;
    CHECK(parse_duration("2", "--timeout") == nanoseconds(2'000'000'000));  // seconds without a unit
    CHECK(parse_duration("1.5", "--timeout") == nanoseconds(1'500'000'000));
    CHECK(parse_duration("2s", "--timeout") == nanoseconds(2'000'000'000));
    CHECK(parse_duration("500ms", "--interval") == nanoseconds(500'000'000));
    CHECK(parse_duration("10ms", "--interval") == nanoseconds(10'000'000));
    CHECK(parse_duration("250us", "--interval") == nanoseconds(250'000));
    CHECK(parse_duration("2m", "--duration") == nanoseconds(120'000'000'000));
    CHECK(parse_duration("1min", "--duration") == nanoseconds(60'000'000'000));
    CHECK(parse_duration(".5s", "--duration") == nanoseconds(500'000'000));
}
