/* Tests of hostspec.c: host specs as -H takes them, hosts files, CLUSTERCTL_SSH splitting and the
 * ssh command line with the remote command quoted for the remote shell. */
#include "test.h"

#include "hostspec.h"
#include "util.h"

static void check_spec(const char *spec, const char *user, const char *host, unsigned port) {
        HostSpec h = {};
        const char *why = NULL;
        int r = host_spec_parse(spec, &h, &why);

        if (r < 0)
                FAIL("host_spec_parse(\"%s\") = %d: %s", spec, r, why);
        ASSERT_STREQ(h.user, user);
        ASSERT_STREQ(h.host, host);
        ASSERT_EQ_INT(h.port, port);
        ASSERT_STREQ(h.display, spec);
        host_spec_done(&h);
}

static void check_bad_spec(const char *spec, const char *why_part) {
        HostSpec h = {};
        const char *why = NULL;
        int r = host_spec_parse(spec, &h, &why);

        if (r != -EINVAL)
                FAIL("host_spec_parse(\"%s\") = %d, expected -EINVAL", spec, r);
        ASSERT_CONTAINS(why, why_part);
}

TEST(specs) {
        CHECK(check_spec("web1", NULL, "web1", 0));
        CHECK(check_spec("deploy@web1.example.com", "deploy", "web1.example.com", 0));
        CHECK(check_spec("web1:2222", NULL, "web1", 2222));
        CHECK(check_spec("root@10.0.0.7:22", "root", "10.0.0.7", 22));
        CHECK(check_spec("[::1]", NULL, "::1", 0));
        CHECK(check_spec("[2001:db8::7]:2222", NULL, "2001:db8::7", 2222));
        CHECK(check_spec("ops@[fe80::1]:22", "ops", "fe80::1", 22));
        CHECK(check_spec("2001:db8::7", NULL, "2001:db8::7", 0));
        CHECK(check_spec("my_host-1", NULL, "my_host-1", 0));
}

TEST(bad_specs) {
        CHECK(check_bad_spec("", "empty"));
        CHECK(check_bad_spec("web1:", "port"));
        CHECK(check_bad_spec("web1:0", "port"));
        CHECK(check_bad_spec("web1:65536", "port"));
        CHECK(check_bad_spec("web1:ssh", "port"));
        CHECK(check_bad_spec("@web1", "user"));
        CHECK(check_bad_spec("-oProxyCommand=x", "host name"));
        CHECK(check_bad_spec("-l@web1", "user"));
        CHECK(check_bad_spec("web 1", "host name"));
        CHECK(check_bad_spec("web1;reboot", "host name"));
        CHECK(check_bad_spec("[::1", "']'"));
        CHECK(check_bad_spec("[::1]x", "after ']'"));
        CHECK(check_bad_spec("[web1]:22", "IPv6"));
        CHECK(check_bad_spec("user@", "no host"));
        CHECK(check_bad_spec("a:b:zz", "IPv6"));
}

TEST(hosts_file) {
        HostList l = {};
        unsigned line = 0;
        const char *why = NULL;

        ASSERT_OK(host_list_parse_text(&l,
                                       "# the web tier\n"
                                       "web1\n"
                                       "\n"
                                       "  deploy@web2:2222   # behind the bastion\n"
                                       "[::1]:22\r\n",
                                       &line, &why));
        ASSERT_EQ_INT(l.n, 3);
        ASSERT_STREQ(l.hosts[0].host, "web1");
        ASSERT_STREQ(l.hosts[1].user, "deploy");
        ASSERT_EQ_INT(l.hosts[1].port, 2222);
        ASSERT_STREQ(l.hosts[2].host, "::1");
        host_list_done(&l);

        ASSERT_EQ_INT(host_list_parse_text(&l, "web1\n# ok\nweb2 web3\n", &line, &why), -EINVAL);
        ASSERT_EQ_INT(line, 3);
        ASSERT_CONTAINS(why, "one host a line");
        host_list_done(&l);

        ASSERT_EQ_INT(host_list_parse_text(&l, "web1\nweb1:99999\n", &line, &why), -EINVAL);
        ASSERT_EQ_INT(line, 2);
        ASSERT_CONTAINS(why, "port");
        host_list_done(&l);

        ASSERT_EQ_INT(host_list_parse_text(&l, "web1\nweb2\nweb1\n", &line, &why), -EINVAL);
        ASSERT_EQ_INT(line, 3);
        ASSERT_CONTAINS(why, "twice");
        host_list_done(&l);

        ASSERT_OK(host_list_parse_text(&l, "# nothing\n\n", &line, &why));
        ASSERT_EQ_INT(l.n, 0);
        host_list_done(&l);
}

static void check_words(const char *s, const char *joined) {
        _cleanup_strv_free_ char **w = NULL;
        _cleanup_buffer_ Buffer b = {};

        ASSERT_OK(split_command_words(s, &w));
        for (size_t i = 0; w[i]; i++)
                ASSERT_OK(buffer_printf(&b, "%s<%s>", i ? " " : "", w[i]));
        ASSERT_STREQ(b.data, joined);
}

TEST(ssh_command_words) {
        CHECK(check_words("ssh", "<ssh>"));
        CHECK(check_words("  ssh -F /etc/my\\ config\t-o 'ProxyJump bastion' ", "<ssh> <-F> </etc/my config> <-o> <ProxyJump bastion>"));
        CHECK(check_words("ssh -o \"User=a\\\"b\" ''", "<ssh> <-o> <User=a\"b> <>"));
        _cleanup_strv_free_ char **w = NULL;
        ASSERT_EQ_INT(split_command_words("ssh 'unterminated", &w), -EINVAL);
        ASSERT_EQ_INT(split_command_words("   ", &w), -EINVAL);
}

TEST(quoting) {
        _cleanup_free_ char *a = shell_quote("web"), *b = shell_quote("it's; rm -rf / $(x) `y`"), *c = shell_quote("");
        ASSERT_STREQ(a, "'web'");
        ASSERT_STREQ(b, "'it'\\''s; rm -rf / $(x) `y`'");
        ASSERT_STREQ(c, "''");
}

TEST(ssh_command_line) {
        _cleanup_strv_free_ char **words = NULL, **argv = NULL, **argv2 = NULL;
        char *remote[] = { "clusterctl", "--system", "reload", "web", "--batch", "25%", NULL };
        HostSpec h = {};
        const char *why;

        ASSERT_OK(split_command_words("ssh -F cfg", &words));
        ASSERT_OK(host_spec_parse("deploy@[::1]:2222", &h, &why));
        ASSERT_OK(ssh_argv(words, &h, remote, NULL, &argv));
        ASSERT_EQ_INT(strv_length(argv), 18);
        ASSERT_STREQ(argv[0], "ssh");
        ASSERT_STREQ(argv[3], "-T");
        ASSERT_STREQ(argv[6], "ConnectTimeout=10");
        ASSERT_STREQ(argv[11], "-p");
        ASSERT_STREQ(argv[12], "2222");
        ASSERT_STREQ(argv[13], "-l");
        ASSERT_STREQ(argv[14], "deploy");
        ASSERT_STREQ(argv[15], "--");
        ASSERT_STREQ(argv[16], "::1");
        ASSERT_STREQ(argv[17], "'clusterctl' '--system' 'reload' 'web' '--batch' '25%'");
        host_spec_done(&h);

        ASSERT_OK(host_spec_parse("web1", &h, &why));
        ASSERT_OK(ssh_argv(words, &h, remote, "/run/clusterctl", &argv2));
        ASSERT_STREQ(argv2[11], "-o");
        ASSERT_STREQ(argv2[12], "ControlMaster=auto");
        ASSERT_STREQ(argv2[14], "ControlPath=/run/clusterctl/ssh-%C");
        ASSERT_STREQ(argv2[16], "ControlPersist=60");
        ASSERT_STREQ(argv2[17], "--");
        ASSERT_STREQ(argv2[18], "web1");
        host_spec_done(&h);
}

#define EXITED(code) ((code) << 8)

TEST(failure_reasons) {
        char *s;

        ASSERT_TRUE(host_failure_reason(EXITED(1), true, REMOTE_PROTOCOL, "0.2.0", NULL) == NULL);
        s = host_failure_reason(EXITED(255), false, 0, NULL, "ssh: connect to host c port 22: Connection refused");
        ASSERT_STREQ(s, "unreachable: ssh: connect to host c port 22: Connection refused");
        free(s);
        s = host_failure_reason(EXITED(255), false, 0, NULL, NULL);
        ASSERT_CONTAINS(s, "unreachable");
        free(s);
        s = host_failure_reason(EXITED(127), false, 0, NULL, "bash: line 1: clusterctl: command not found");
        ASSERT_CONTAINS(s, "not installed");
        ASSERT_CONTAINS(s, "command not found");
        free(s);
        s = host_failure_reason(EXITED(2), false, 0, NULL, "clusterctl: unknown option '--remote-protocol=1'");
        ASSERT_CONTAINS(s, "does not speak the remote protocol");
        free(s);
        s = host_failure_reason(EXITED(1), false, 0, NULL, "sudo: a password is required");
        ASSERT_STREQ(s, "clusterctl did not answer there (exit status 1: sudo: a password is required)");
        free(s);
        s = host_failure_reason(EXITED(2), true, 7, "9.0", NULL);
        ASSERT_CONTAINS(s, "clusterctl 9.0");
        ASSERT_CONTAINS(s, "protocol 7");
        free(s);
        s = host_failure_reason(SIGTERM, false, 0, NULL, NULL);
        ASSERT_CONTAINS(s, "signal");
        free(s);
}
