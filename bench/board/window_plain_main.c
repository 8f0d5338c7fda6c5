/* uiokit-window-plain: the hand-written C counterpart of `regtool load` / `regtool save`, for the
 * board benchmark (bench/board/vboard-sram.sh):
 *     uiokit-window-plain load uioN FILE     the file into map0, from offset 0
 *     uiokit-window-plain save uioN FILE     all of map0 into the file
 * The file is read / written with one read()/write() and copied with plain_copy_in/out. */
#include "plain_window.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "load") != 0 && strcmp(argv[1], "save") != 0)) {
        fprintf(stderr, "usage: %s load|save uioN FILE\n", argv[0]);
        return 2;
    }
    int load = strcmp(argv[1], "load") == 0;
    struct plain_window window;
    if (plain_window_open(&window, argv[2], 0))
        return 1;
    int fd = load ? open(argv[3], O_RDONLY) : open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(argv[3]);
        return 1;
    }
    size_t size = window.size;
    if (load) {
        struct stat st;
        if (fstat(fd, &st) || (size_t)st.st_size > window.size || st.st_size % 8) {
            fprintf(stderr, "%s: must be a multiple of 8 bytes and fit the window\n", argv[3]);
            return 1;
        }
        size = (size_t)st.st_size;
    }
    uint64_t *buffer = malloc(size ? size : 8);
    if (!buffer)
        return 1;
    if (load) {
        if (read(fd, buffer, size) != (ssize_t)size) {
            perror("read");
            return 1;
        }
        plain_copy_in(window.base, buffer, size / 8);
    } else {
        plain_copy_out(buffer, window.base, size / 8);
        if (write(fd, buffer, size) != (ssize_t)size) {
            perror("write");
            return 1;
        }
    }
    free(buffer);
    close(fd);
    plain_window_close(&window);
    return 0;
}
