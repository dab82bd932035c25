/* The hosts a command runs on: `[USER@]HOST[:PORT]` specs from -H and from a hosts file, and the
 * ssh command line that reaches one and runs clusterctl there. Pure: no process, no network. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define HOST_SPEC_MAX 512

typedef struct HostSpec {
        char *user; /* NULL: ssh's default (its config, then the local user) */
        char *host; /* name or address; IPv6 without the brackets */
        unsigned port; /* 0: ssh's default */
        char *display; /* as the user wrote it, for messages and the HOST column */
} HostSpec;

typedef struct HostList {
        HostSpec *hosts;
        size_t n;
} HostList;

void host_spec_done(HostSpec *h);
void host_list_done(HostList *l);

/* Parses `[USER@]HOST[:PORT]`, `[USER@][IPV6][:PORT]` or a bare IPv6 address. -EINVAL with
 * *ret_why saying what is wrong (static text). */
int host_spec_parse(const char *spec, HostSpec *ret, const char **ret_why);

/* Appends a host, refusing one already in the list (-EEXIST). */
int host_list_add(HostList *l, HostSpec *h);

/* A hosts file: one spec a line, `#` starts a comment, blank lines ignored. On a bad line returns
 * -EINVAL with *ret_line and *ret_why set. */
int host_list_parse_text(HostList *l, const char *text, unsigned *ret_line, const char **ret_why);

/* Splits CLUSTERCTL_SSH into words: whitespace separates, '…' and "…" quote, \ escapes (as a
 * shell would, without expansions). -EINVAL for an unterminated quote or no word at all. */
int split_command_words(const char *s, char ***ret);

/* `word` quoted for a POSIX shell: 'it'\''s'. */
char *shell_quote(const char *word);

/* The argv that runs `remote_argv` on host h: SSH_WORDS -T -x … [-p PORT] [-l USER] -- HOST 'CMD'…,
 * the remote command one string of single-quoted words for the remote user's shell. With a
 * control_dir, connections are shared through a master per host kept there for a minute, so the
 * second command on a host (status, then reload) does not log in again. */
int ssh_argv(char *const *ssh_words, const HostSpec *h, char *const *remote_argv, const char *control_dir,
             char ***ret);

/* The protocol the controller and a host's clusterctl speak: one JSON object a line on stdout,
 * starting with {"event":"hello","protocol":N,"version":"…"}. */
#define REMOTE_PROTOCOL 1

/* Why a host gave no usable answer, from what its ssh left behind: the wait status, whether the
 * remote clusterctl said hello and with which protocol, and the last stderr line (ssh's own
 * message, or the shell's). NULL when the host answered (its exit status then is the verb's). */
char *host_failure_reason(int wait_status, bool greeted, unsigned protocol, const char *version,
                          const char *last_stderr);
