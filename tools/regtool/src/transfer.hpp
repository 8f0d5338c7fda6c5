// save, load, fill and compare: bulk data between a window and files (Region's byte-granular
// operations), for memory windows such as an SRAM.
#pragma once

#include <stdexcept>
#include <string>

#include "commands.hpp"

namespace regtool {

// An error whose exit status is not the usual 1: compare's errors exit 2, as cmp(1)'s, since its 1
// means "they differ".
class ErrorWithStatus : public std::runtime_error {
public:
    ErrorWithStatus(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    [[nodiscard]] int status() const noexcept { return status_; }

private:
    int status_;
};

int run_save(Invocation& inv);
int run_load(Invocation& inv);
int run_fill(Invocation& inv);
int run_compare(Invocation& inv);

}  // namespace regtool
