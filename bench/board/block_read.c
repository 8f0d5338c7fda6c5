/* uiokit-block-read: the kernel's side of the virtio-blk comparison (bench/board/vboard-virtio-blk.sh).
 * Reads a block device with O_DIRECT (no page cache, like the user-space driver), the same way
 * `virtio-blk DEV bench` reads through examples/virtio-blk:
 *     uiokit-block-read DEVICE SEQ_MIB RANDOM_READS
 * SEQ_MIB MiB from the start in 1 MiB reads, then RANDOM_READS 4 KiB reads at 4 KiB-aligned
 * offsets drawn from the same generator (splitmix64, seed 42) as the user-space driver's bench. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s DEVICE SEQ_MIB RANDOM_READS\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY | O_DIRECT);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    uint64_t bytes = 0;
    if (ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
        perror("BLKGETSIZE64");
        return 1;
    }
    uint64_t seq = strtoull(argv[2], NULL, 0) << 20, reads = strtoull(argv[3], NULL, 0);
    if (seq > bytes)
        seq = bytes;
    void *buffer = NULL;
    if (posix_memalign(&buffer, 4096, 1 << 20))
        return 1;
    double t0 = now();
    for (uint64_t done = 0; done < seq; done += 1 << 20) {
        size_t n = seq - done < (1 << 20) ? (size_t)(seq - done) : (size_t)1 << 20;
        if (pread(fd, buffer, n, (off_t)done) != (ssize_t)n) {
            perror("pread");
            return 1;
        }
    }
    double t1 = now();
    uint64_t state = 42, blocks = bytes / 4096;
    for (uint64_t i = 0; i < reads; i++) {
        off_t at = (off_t)(splitmix64(&state) % blocks * 4096);
        if (pread(fd, buffer, 4096, at) != 4096) {
            perror("pread");
            return 1;
        }
    }
    double t2 = now();
    printf("sequential: %" PRIu64 " bytes in %g s, %g MB/s\n", seq, t1 - t0, (double)seq / (t1 - t0) / 1e6);
    printf("random 4 KiB reads: %" PRIu64 " in %g s, %g us each\n", reads, t2 - t1, (t2 - t1) / (double)reads * 1e6);
    free(buffer);
    close(fd);
    return 0;
}
