// regtool: the program. Everything but the process environment lives in regtool_core.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <regtool/regtool.hpp>
#include <uiokit/regmap/compiled_map.hpp>

namespace {

uiokit::WaitCanceller* signal_canceller = nullptr;

extern "C" void on_stop_signal(int) {
    if (signal_canceller) signal_canceller->cancel();  // one write(2) to an eventfd: async-signal-safe
}

}  // namespace

int main(int argc, char** argv) try {
    std::ios::sync_with_stdio(false);
    regtool::Context context;
    // For tests and unusual systems: where sysfs' UIO class and the device nodes are.
    // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded, before any thread starts
    if (const char* dir = std::getenv("UIOKIT_SYSFS_CLASS_DIR")) context.host.class_dir = dir;
    // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded, before any thread starts
    if (const char* dir = std::getenv("UIOKIT_DEV_DIR")) context.host.dev_dir = dir;
    // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded, before any thread starts
    if (const char* path = std::getenv("UIOKIT_REGMAP_PATH")) context.regmap_path = path;
    // NOLINTNEXTLINE(concurrency-mt-unsafe): single-threaded, before any thread starts
    context.map_cache_dir = uiokit::regmap::user_map_cache_directory(std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));

    const std::vector<std::string> args(argv + 1, argv + argc);
    // Only the commands that run until stopped pay for the canceller and the handlers.
    std::unique_ptr<uiokit::WaitCanceller> canceller;
    if (!args.empty() && (args.front() == "watch" || args.front() == "wait")) {
        canceller = std::make_unique<uiokit::WaitCanceller>();
        signal_canceller = canceller.get();
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGTERM, &action, nullptr);
        context.canceller = canceller.get();
    }
    const int status = regtool::run(args, std::cout, std::cerr, context);
    std::cout.flush();
    return status;
} catch (const std::exception& e) {
    // regtool::run reports its own errors; this is only what escapes it (e.g. out of memory).
    std::cerr << "regtool: " << e.what() << '\n';
    return regtool::exit_runtime_error;
}
