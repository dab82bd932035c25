/* Tests of dirs.c: the directories of each scope, from XDG_* and HOME as systemd reads them.
 * dirs.c is the only reader of those variables, so every file clusterctl finds or writes in a
 * user scope is where these tests say. */
#include "test.h"

#include "dirs.h"
#include "util.h"

static void set_env(const char *config, const char *state, const char *runtime, const char *home) {
        const char *const names[] = { "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "HOME" };
        const char *const values[] = { config, state, runtime, home };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (values[i])
                        setenv(names[i], values[i], 1);
                else
                        unsetenv(names[i]);
}

static void check(int (*f)(Scope, char **), Scope scope, const char *want) {
        _cleanup_free_ char *got = NULL;
        int r = f(scope, &got);
        if (!want) {
                ASSERT_EQ_INT(r, -ENXIO);
                return;
        }
        ASSERT_OK(r);
        ASSERT_STREQ(got, want);
}

TEST(system_scope_ignores_the_environment) {
        set_env("/xdg/config", "/xdg/state", "/xdg/run", "/home/u");
        CHECK(check(unit_dir_for_scope, SCOPE_SYSTEM, "/etc/systemd/system"));
        CHECK(check(config_dir_for_scope, SCOPE_SYSTEM, "/etc/clusterctl"));
        CHECK(check(runtime_dir_for_scope, SCOPE_SYSTEM, "/run/clusterctl"));
        _cleanup_free_ char *state = NULL, *config = NULL;
        ASSERT_OK(app_state_dir(SCOPE_SYSTEM, "web", &state));
        ASSERT_STREQ(state, "/var/lib/clusterctl/web");
        ASSERT_OK(app_config_path(SCOPE_SYSTEM, "web", &config));
        ASSERT_STREQ(config, "/etc/clusterctl/web.conf");
}

TEST(user_scope_reads_xdg) {
        set_env("/xdg/config", "/xdg/state", "/xdg/run", "/home/u");
        CHECK(check(unit_dir_for_scope, SCOPE_USER, "/xdg/config/systemd/user"));
        CHECK(check(config_dir_for_scope, SCOPE_USER, "/xdg/config/clusterctl"));
        CHECK(check(runtime_dir_for_scope, SCOPE_USER, "/xdg/run/clusterctl"));
        _cleanup_free_ char *state = NULL, *config = NULL, *base = NULL;
        ASSERT_OK(app_state_dir(SCOPE_USER, "web", &state));
        ASSERT_STREQ(state, "/xdg/state/clusterctl/web");
        ASSERT_OK(app_config_path(SCOPE_USER, "web", &config));
        ASSERT_STREQ(config, "/xdg/config/clusterctl/web.conf");
        ASSERT_OK(scope_path(SCOPE_USER, SCOPE_DIR_RUNTIME, NULL, &base));
        ASSERT_STREQ(base, "/xdg/run");
}

/* Unset or relative XDG_CONFIG_HOME and XDG_STATE_HOME: HOME's defaults, as systemd does. */
TEST(user_scope_falls_back_to_home) {
        set_env(NULL, NULL, "/xdg/run", "/home/u");
        CHECK(check(config_dir_for_scope, SCOPE_USER, "/home/u/.config/clusterctl"));
        CHECK(check(unit_dir_for_scope, SCOPE_USER, "/home/u/.config/systemd/user"));
        set_env("relative/config", "relative/state", "/xdg/run", "/home/u");
        CHECK(check(config_dir_for_scope, SCOPE_USER, "/home/u/.config/clusterctl"));
        _cleanup_free_ char *state = NULL;
        ASSERT_OK(app_state_dir(SCOPE_USER, "web", &state));
        ASSERT_STREQ(state, "/home/u/.local/state/clusterctl/web");
}

/* Nothing to go on: an error, never a directory relative to wherever clusterctl runs. */
TEST(user_scope_without_a_usable_environment) {
        set_env(NULL, NULL, NULL, NULL);
        CHECK(check(config_dir_for_scope, SCOPE_USER, NULL));
        CHECK(check(unit_dir_for_scope, SCOPE_USER, NULL));
        CHECK(check(runtime_dir_for_scope, SCOPE_USER, NULL));
        set_env("config", "state", "run", "home");
        CHECK(check(config_dir_for_scope, SCOPE_USER, NULL));
        CHECK(check(runtime_dir_for_scope, SCOPE_USER, NULL));
        set_env("", "", "", "");
        CHECK(check(config_dir_for_scope, SCOPE_USER, NULL));
        CHECK(check(runtime_dir_for_scope, SCOPE_USER, NULL));
}
