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

static const char *const phase_names[_ROLLOUT_PHASE_MAX] = {
        [ROLLOUT_PHASE_RUNNING] = "running",
        [ROLLOUT_PHASE_PAUSED] = "paused",
        [ROLLOUT_PHASE_FAILED] = "failed",
};

const char *rollout_phase_to_string(RolloutPhase p) {
        return p >= 0 && p < _ROLLOUT_PHASE_MAX ? phase_names[p] : NULL;
}

char *rollout_state_format(const RolloutState *s) {
        _cleanup_buffer_ Buffer b = {};

        /* The first two lines alone are the state of a plain rollout, as earlier versions wrote it. */
        if (buffer_printf(&b, "units=%016" PRIx64 "\nsince=%" PRIu64 "\n", s->units_hash, s->since_usec) < 0 ||
            (s->phase != ROLLOUT_PHASE_RUNNING && buffer_printf(&b, "phase=%s\n", rollout_phase_to_string(s->phase)) < 0) ||
            (s->revision && buffer_printf(&b, "revision=%u\n", s->revision) < 0) ||
            (s->from_revision && buffer_printf(&b, "from=%u\n", s->from_revision) < 0) ||
            (s->canary && buffer_printf(&b, "canary=%u\n", s->canary) < 0) ||
            (s->undo && buffer_printf(&b, "undo=1\n") < 0))
                return NULL;
        return buffer_steal(&b);
}

/* "KEY=<decimal ≥ 1>\n" at *p when the text is there; advances past it. */
static int optional_number(const char **p, const char *key, unsigned *ret) {
        size_t kl = strlen(key);
        char *end;

        if (strncmp(*p, key, kl) != 0 || (*p)[kl] != '=')
                return 0;
        const char *v = *p + kl + 1;
        if (!(*v >= '1' && *v <= '9'))
                return -EBADMSG;
        errno = 0;
        unsigned long n = strtoul(v, &end, 10);
        if (errno || n > UINT32_MAX || *end != '\n')
                return -EBADMSG;
        *ret = (unsigned) n;
        *p = end + 1;
        return 0;
}

/* "units=<16 hex>\nsince=<decimal>\n", then optionally phase=, revision=, from=, canary=, undo= lines in
 * that order (the final newline of the second line optional when nothing follows): anything else is
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
        if (errno || s.since_usec == 0 || !(*end == 0 || end[0] == '\n'))
                return -EBADMSG;
        p = *end ? end + 1 : end;
        if (startswith(p, "phase=")) {
                size_t len = strcspn(p + 6, "\n");
                s.phase = _ROLLOUT_PHASE_MAX;
                for (RolloutPhase k = 0; k < _ROLLOUT_PHASE_MAX; k++)
                        if (strlen(phase_names[k]) == len && strncmp(p + 6, phase_names[k], len) == 0)
                                s.phase = k;
                if (s.phase == _ROLLOUT_PHASE_MAX || s.phase == ROLLOUT_PHASE_RUNNING || p[6 + len] != '\n')
                        return -EBADMSG;
                p += 6 + len + 1;
        }
        unsigned undo = 0;
        if (optional_number(&p, "revision", &s.revision) < 0 || optional_number(&p, "from", &s.from_revision) < 0 ||
            optional_number(&p, "canary", &s.canary) < 0 || optional_number(&p, "undo", &undo) < 0 || undo > 1 || *p)
                return -EBADMSG;
        s.undo = undo;
        *ret = s;
        return 0;
}
