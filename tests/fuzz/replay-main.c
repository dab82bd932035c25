/* A main() for the fuzz targets without libFuzzer: runs LLVMFuzzerTestOneInput() once on every
 * file named (directories: every file in them), so the seed corpus is a regression test in any
 * build, with any compiler. Exit status 0 when every input passed (a failing input aborts). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
        FILE *f = fopen(path, "re");
        char *data = NULL;
        size_t size = 0, n;
        char buf[65536];

        if (!f) {
                perror(path);
                return -1;
        }
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
                char *d = realloc(data, size + n);
                if (!d)
                        abort();
                data = d;
                memcpy(data + size, buf, n);
                size += n;
        }
        fclose(f);
        printf("%s (%zu bytes)\n", path, size);
        fflush(stdout);
        LLVMFuzzerTestOneInput((const uint8_t *) (data ? data : ""), size);
        free(data);
        return 0;
}

static int compare(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int main(int argc, char **argv) {
        size_t ran = 0;

        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        perror(argv[i]);
                        return 1;
                }
                if (!S_ISDIR(st.st_mode)) {
                        if (run_file(argv[i]) < 0)
                                return 1;
                        ran++;
                        continue;
                }
                DIR *d = opendir(argv[i]);
                struct dirent *de;
                char **names = NULL;
                size_t n = 0;
                if (!d) {
                        perror(argv[i]);
                        return 1;
                }
                while ((de = readdir(d))) {
                        if (de->d_name[0] == '.')
                                continue;
                        names = realloc(names, sizeof(char *) * (n + 1));
                        if (!names || asprintf(&names[n], "%s/%s", argv[i], de->d_name) < 0)
                                abort();
                        n++;
                }
                closedir(d);
                qsort(names, n, sizeof(char *), compare);
                for (size_t k = 0; k < n; k++) {
                        if (run_file(names[k]) < 0)
                                return 1;
                        ran++;
                        free(names[k]);
                }
                free(names);
        }
        if (ran == 0) {
                fprintf(stderr, "no input files\n");
                return 1;
        }
        printf("%zu inputs passed\n", ran);
        return 0;
}
