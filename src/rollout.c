/* Rollout planning and resume state. */
#include "rollout.h"

#include <inttypes.h>

#include "instances.h"
#include "util.h"

void rollout_plan_done(RolloutPlan *p) {
        free(p->order);
        *p = (RolloutPlan) {};
}

int rollout_plan(const unsigned *indices, size_t n, unsigned batch_count, unsigned batch_percent, RolloutPlan *ret) {
        unsigned *order = calloc(n ? n : 1, sizeof(unsigned));

        if (!order)
                return -ENOMEM;
        if (n)
                memcpy(order, indices, n * sizeof(unsigned));
        *ret = (RolloutPlan) {
                .order = order,
                .n = n,
                .batch = batch_size(batch_count, batch_percent, (unsigned) n),
        };
        return 0;
}

size_t rollout_n_batches(const RolloutPlan *p) {
        return (p->n + p->batch - 1) / p->batch;
}

void rollout_batch(const RolloutPlan *p, size_t k, const unsigned **ret_first, size_t *ret_n) {
        size_t start = k * p->batch;
        size_t end = start + p->batch < p->n ? start + p->batch : p->n;

        *ret_first = p->order + start;
        *ret_n = start < end ? end - start : 0;
}

char *rollout_state_format(const RolloutState *s) {
        char *text;
        if (asprintf(&text, "units=%016" PRIx64 "\nsince=%" PRIu64 "\n", s->units_hash, s->since_usec) < 0)
                return NULL;
        return text;
}

/* Exactly "units=<16 hex>\nsince=<decimal>\n" (the final newline optional): anything else is
 * not a state this program wrote, and resuming from it could skip instances. */
int rollout_state_parse(const char *text, RolloutState *ret) {
        RolloutState s = {};
        const char *p = text;
        char *end;

        if (!startswith(p, "units=") || strspn(p + 6, "0123456789abcdef") != 16 || p[22] != '\n')
                return -EBADMSG;
        s.units_hash = strtoull(p + 6, NULL, 16);
        p += 23;
        if (!startswith(p, "since=") || !(p[6] >= '0' && p[6] <= '9'))
                return -EBADMSG;
        errno = 0;
        s.since_usec = strtoull(p + 6, &end, 10);
        if (errno || s.since_usec == 0 || !(*end == 0 || (end[0] == '\n' && end[1] == 0)))
                return -EBADMSG;
        *ret = s;
        return 0;
}
