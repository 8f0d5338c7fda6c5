/* See plain_window.h. Kept in C, in its own translation unit, so that the baseline is the plain
 * loop a C compiler makes of it and nothing of uiokit's. */
#include "plain_window.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int read_sysfs_number(const char *uio_name, int map_index, const char *attribute, unsigned long long *value)
{
    char path[256];
    snprintf(path, sizeof path, "/sys/class/uio/%s/maps/map%d/%s", uio_name, map_index, attribute);
    FILE *file = fopen(path, "r");
    if (!file) {
        perror(path);
        return -1;
    }
    int ok = fscanf(file, "%llx", value) == 1;
    fclose(file);
    if (!ok) {
        fprintf(stderr, "%s: not a number\n", path);
        return -1;
    }
    return 0;
}

int plain_window_open(struct plain_window *window, const char *uio_name, int map_index)
{
    unsigned long long size = 0, offset = 0;
    if (read_sysfs_number(uio_name, map_index, "size", &size) || read_sysfs_number(uio_name, map_index, "offset", &offset))
        return -1;
    char node[64];
    snprintf(node, sizeof node, "/dev/%s", uio_name);
    int fd = open(node, O_RDWR | O_SYNC);
    if (fd < 0) {
        perror(node);
        return -1;
    }
    long page = sysconf(_SC_PAGESIZE);
    void *mapping = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)map_index * page);
    close(fd);
    if (mapping == MAP_FAILED) {
        perror("mmap");
        return -1;
    }
    window->mapping = mapping;
    window->mapping_size = size;
    window->base = (volatile uint64_t *)((char *)mapping + offset);
    window->size = size - offset;
    return 0;
}

void plain_window_close(struct plain_window *window)
{
    munmap(window->mapping, window->mapping_size);
}

void plain_copy_in(volatile uint64_t *window, const uint64_t *from, size_t n)
{
    for (size_t i = 0; i < n; i++)
        window[i] = from[i];
}

void plain_copy_out(uint64_t *to, const volatile uint64_t *window, size_t n)
{
    for (size_t i = 0; i < n; i++)
        to[i] = window[i];
}
