/* The baseline of the board's window benchmarks: what a C programmer writes by hand to move data
 * to and from a mapped device window, one aligned 64-bit volatile access per element, nothing
 * else. uiokit's copies (the library and regtool) are measured against these loops. */
#ifndef UIOKIT_BENCH_PLAIN_WINDOW_H
#define UIOKIT_BENCH_PLAIN_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A UIO map mmapped as a C programmer would: /dev/uioN, map N at N * page size, plus the map's
 * page offset from sysfs. Returns 0, or -1 with a message on stderr. */
struct plain_window {
    void *mapping;
    size_t mapping_size;
    volatile uint64_t *base; /* mapping + page offset */
    size_t size;             /* bytes from base to the end of the map */
};
int plain_window_open(struct plain_window *window, const char *uio_name, int map_index);
void plain_window_close(struct plain_window *window);

/* n 64-bit words; both sides 8-byte aligned. */
void plain_copy_in(volatile uint64_t *window, const uint64_t *from, size_t n);
void plain_copy_out(uint64_t *to, const volatile uint64_t *window, size_t n);

#ifdef __cplusplus
}
#endif

#endif
