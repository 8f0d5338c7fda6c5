#include <uiokit/unique_fd.hpp>

#include <unistd.h>

namespace uiokit {

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0) ::close(fd_);  // close(2) releases the descriptor even when it reports an error
    fd_ = fd;
}

}  // namespace uiokit
