/* clusterctl undo APP [--to REV]: puts the units of a kept revision back — by default the one the
 * last rollout replaced — as a new revision, and rolls them out to the instances that do not run
 * them, with the same batches, checks and stop on failure as a reload. */
#include "clusterctl.h"
#include "output.h"
#include "reload.h"
#include "revstore.h"
#include "unitfs.h"
#include "util.h"
#include "verb-common.h"

/* The revision to go back to: --to, else the one an interrupted undo was putting back, else what
 * the unfinished rollout replaced, else the newest revision before the loaded one with other
 * units. */
static int undo_target(Reload *r, const RolloutState *saved, bool have_saved, unsigned *ret) {
        _cleanup_free_ unsigned *kept = NULL;
        size_t n_kept = 0;
        int e;

        if (arg_to) {
                *ret = arg_to;
                return 0;
        }
        /* An undo that was interrupted is finished by undo, as a reload is by reload: it goes on to
         * its own revision instead of back to the one it was leaving. */
        if (have_saved && saved->phase == ROLLOUT_PHASE_RUNNING && saved->undo && saved->revision) {
                *ret = saved->revision;
                return 0;
        }
        if (have_saved && saved->from_revision) {
                *ret = saved->from_revision;
                return 0;
        }
        /* A rollout of the units it found (reload records no `from` then) replaced nothing: what ran
         * before it is its own revision, not an older one every instance would be moved to. */
        if (have_saved && saved->revision && saved->revision == r->previous.number) {
                *ret = saved->revision;
                return 0;
        }
        if ((e = revstore_list(r->c->scope, r->app, &kept, &n_kept)) < 0)
                return e;
        for (size_t i = n_kept; i-- > 0;) {
                _cleanup_(revision_done) Revision rev = {};
                if (kept[i] >= r->previous.number && r->previous.number)
                        continue;
                if (revstore_read(r->c->scope, r->app, kept[i], &rev) >= 0 && rev.units_hash != r->previous.units_hash) {
                        *ret = kept[i];
                        return 0;
                }
        }
        return -ENOENT;
}

/* A revision's files with the drop-ins each instance gets at `count`, from its template's marker. */
static int revision_unit_set(const Revision *rev, const char *app, unsigned count, UnitSet *ret) {
        _cleanup_(unit_set_done) UnitSet set = {};
        _cleanup_(app_done) App minimal = {};
        _cleanup_free_ char *template = NULL;
        const UnitFile *t;
        int e;

        for (size_t i = 0; i < rev->units.n_files; i++) {
                char *text = strdup(rev->units.files[i].text);
                if (!text || (e = unit_set_add(&set, rev->units.files[i].path, text)) < 0)
                        return text ? e : -ENOMEM;
        }
        if (asprintf_safe(&template, "%s@.service", app) < 0)
                return -ENOMEM;
        if (!(t = unit_set_find(&set, template)) || (e = app_from_marker(t->text, &minimal)) < 0)
                return -EBADMSG;
        if ((e = render_instance_dropins(&minimal, count, &set)) < 0)
                return e;
        *ret = set;
        set = (UnitSet) {};
        return 0;
}

/* Instances that do not run the revision, or are not up on it (one a killed undo was restarting):
 * those the rollout moves and watches. */
static int instances_not_on(Reload *r, unsigned number, unsigned **ret, size_t *ret_n) {
        _cleanup_free_ unsigned *all = calloc(r->count, sizeof(unsigned)), *revs = calloc(r->count, sizeof(unsigned));
        _cleanup_free_ unsigned *pending = calloc(r->count, sizeof(unsigned));
        UnitInfo *infos = NULL;
        size_t n = 0;
        int e;

        if (!all || !revs || !pending)
                return -ENOMEM;
        for (unsigned k = 0; k < r->count; k++)
                all[k] = k;
        if ((e = app_revision_of_instances(r->c, r->app, all, r->count, UNIT_PROPERTIES_STATE, revs, &infos)) < 0)
                return e;
        for (unsigned k = 0; k < r->count; k++)
                if (revs[k] != number || !streq_ptr(infos[k].active_state, "active"))
                        pending[n++] = k;
        unit_infos_free(infos, r->count);
        *ret = TAKE_PTR(pending);
        *ret_n = n;
        return 0;
}

static int do_undo(Reload *r, unsigned keep) {
        _cleanup_(revision_done) Revision target = {};
        _cleanup_(unit_set_done) UnitSet want = {};
        _cleanup_free_ unsigned *enabled = NULL, *pending = NULL;
        _cleanup_free_ RevisionLoad *loads = NULL;
        _cleanup_free_ char *error = NULL, *change = NULL;
        size_t n_enabled = 0, n_pending = 0, n_loads = 0;
        RolloutState saved = {};
        bool have_saved;
        unsigned to;
        int e;

        if ((e = read_enabled(r->c, r->app, &enabled, &n_enabled)) < 0)
                return e;
        if (n_enabled == 0)
                return log_error_errno(-ENOENT, "%s: no enabled instances; use 'clusterctl start'", r->app);
        r->count = enabled[n_enabled - 1] + 1;
        (void) app_revision_sync(r->c, r->app, keep);
        if (revstore_loads(r->c->scope, r->app, &loads, &n_loads) >= 0 && n_loads > 0)
                r->previous = (RevisionInfo) { .number = revision_loaded(loads, n_loads),
                                               .units_hash = loads[n_loads - 1].units_hash };
        reload_state_read(r, &saved, &have_saved);
        if ((e = undo_target(r, &saved, have_saved, &to)) < 0)
                return log_error_errno(e, "%s: no earlier revision to go back to; see 'clusterctl history %s'",
                                       r->app, r->app);
        if ((e = revstore_read(r->c->scope, r->app, to, &target)) < 0)
                return log_error_errno(e, "%s: revision %u %s; see 'clusterctl history %s'", r->app, to,
                                       e == -ENOENT ? "is not kept" : "cannot be read", r->app);
        if ((e = revision_unit_set(&target, r->app, r->count, &want)) < 0 ||
            (e = cluster_plan_set(r->c, r->app, &want, arg_force, &r->plan, &error)) < 0)
                return error ? log_error_errno(e, "%s: cannot put revision %u back: %s", r->app, to, error)
                             : log_error_errno(e, "%s: cannot put revision %u back: %m", r->app, to);
        r->units_changed = unit_plan_changes(&r->plan);
        if (asprintf_safe(&change, "undo to revision %u", to) < 0)
                return log_oom();
        if ((e = app_revision_keep(r->c, r->app, &want, target.config_path, "undo", change, keep, &r->revision)) < 0)
                return log_error_errno(e, "%s: cannot keep the revision: %m", r->app);
        uint64_t hash = revision_units_hash(&want); /* as reload's: a scale does not change it */
        r->resumed = have_saved && saved.units_hash == hash;
        r->state = (RolloutState) { .units_hash = hash, .since_usec = r->resumed ? saved.since_usec : 0,
                                    .revision = r->revision.number,
                                    .from_revision = r->resumed ? saved.from_revision : r->previous.number,
                                    .undo = true };
        if ((e = reload_apply_units(r)))
                return e;
        /* Only now does the manager run the units put back: a process started before this moment
         * runs the ones they replace, whatever restarted it. */
        if (!r->resumed)
                r->state.since_usec = now_usec();
        if ((e = reload_state_write(r)) < 0)
                log_warning("%s: cannot record rollout progress: %s", r->app, strerror(-e));
        if ((e = instances_not_on(r, r->revision.number, &pending, &n_pending)) < 0)
                return log_error_errno(e, "%s: cannot read its instances: %m", r->app);
        if (arg_quiet || r->style == PROGRESS_JSON)
                ;
        else if (n_pending == 0 && to == r->revision.number) /* after a canary of the same units, say */
                log_info("%s: every instance runs revision %u already: nothing to put back%s", r->app, to,
                         have_saved && saved.phase == ROLLOUT_PHASE_PAUSED ? "; the pause is over" : "");
        else if (r->resumed)
                log_info("%s: resuming an unfinished rollout of revision %u: %u of %u instances already on it",
                         r->app, r->revision.number, r->count - (unsigned) n_pending, r->count);
        else
                log_info("%s: putting revision %u back (as revision %u)", r->app, to, r->revision.number);
        if ((e = reload_execute(r, pending, n_pending)))
                return e;
        return sync_reload_timer(r->c, r->app, r->state.phase == ROLLOUT_PHASE_PAUSED);
}

int verb_undo(int argc, char **argv, Cluster *c) {
        _cleanup_(app_list_done) AppList apps = {};
        _cleanup_(reload_done) Reload r = { .c = c, .app = argv[1], .verb = "undo", .installed_units = true };
        _cleanup_free_ char *config_path = NULL;
        int e;
        (void) argc;

        r.style = arg_json ? PROGRESS_JSON : PROGRESS_PLAIN;
        if ((e = reload_load_config(&r, &apps, &config_path)) < 0)
                return config_error_status(e);
        reload_set_options(&r);
        return do_undo(&r, r.config ? r.config->history_limit : HISTORY_LIMIT_DEFAULT);
}
