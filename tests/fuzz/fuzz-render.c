/* libFuzzer target: the unit renderer. The input describes an App (appgen.h) with hostile values
 * where a config has free text; the units rendered from it must mean exactly that App when systemd
 * reads them (check.h). A violation aborts with a report naming the file, the line and the App. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "appgen.h"
#include "check.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        App app;
        GenInfo info;

        app_generate(data, size, &app, &info);
        (void) known_bugs_avoid(&app);
        char *report = check_app(&app, info.scope, info.raw ? 0 : CHECK_CONFIG_ACCEPTED, info.dropins, info.n_dropins);
        if (report) {
                fprintf(stderr, "fuzz-render: the rendered units do not mean the App:\n%s\n", report);
                abort();
        }
        app_done(&app);
        return 0;
}
