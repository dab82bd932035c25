#!/usr/bin/env python3
# Writes the hand-made seed inputs of the fuzz corpus (tests/fuzz/corpus/<target>/), so they can
# be read and extended here rather than as bytes. Run from anywhere; it overwrites only the
# files it names. Inputs the fuzzers found later can sit beside them.
import os

HERE = os.path.dirname(os.path.abspath(__file__))
NL = "\x1e"  # appgen.h: byte 0x1e in a value stands for a newline

def write(target, name, text):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)

def records(*pairs):
    return "".join(f"{k}={v}\n" for k, v in pairs)

HOSTILE = ["%i", "%%", "100%", "%n%N%u%h", "[Service]", "[Install]", '"', "'", "\\", "ends\\", "\\n\\x41",
           "$HOME", "${X}", "$$", "$", ";", "a ; b", "\\;", "#hash", "=", "K=V", "", " spaced ",
           "ExecStartPre=/bin/false", "\u0085nel \u2028 ls", "h\u00e9llo \U0001F600", "\ufeffbom", "-",
           "@x", ":x", "+x", "!x", "~"]

# ---- fuzz-render: App descriptions (appgen.h) ----
write("render", "minimal", records(("name", "web"), ("argv", "/bin/true")))
write("render", "node-app", records(
    ("name", "web"), ("config", "/etc/clusterctl/web.conf"), ("argv", "/usr/bin/node"), ("argv", "server.js"),
    ("cwd", "/srv/web"), ("env", "NODE_ENV=production"), ("env", "PORT=3000"), ("increment_var", "PORT"),
    ("listen", "127.0.0.1:3000"), ("dropin", "0"), ("dropin", "5"), ("dropin", "1023")))
write("render", "hostile-args", records(("name", "evil"), ("argv", "/usr/bin/env"), *[("argv", h) for h in HOSTILE]))
write("render", "hostile-env", records(("name", "evil"), *[("env", f"H{i}={h}") for i, h in enumerate(HOSTILE)]))
write("render", "hostile-paths", records(
    ("name", "evil"), ("config", '/etc/cc %i [Service] "x"/web.conf'),
    ("cwd", "/srv/a %i [Service] \"q\" 'r' \\x41 $HOME ;#"), ("env_file", '/etc/web %n [Unit] "x".env'),
    ("argv", "/opt/my app/100%/bin"), ("listen", "/run/evil %i.sock"), ("listen", "/run/evil.sock")))
write("render", "hostile-raw", records(
    ("mode", "raw"), ("name", "raw"), ("config", "/etc/clusterctl/raw.conf"),
    ("argv", "/bin/true"), *[("argv", h) for h in HOSTILE],
    ("cwd", "/srv/x/../y//z/"), ("env_file", "/a/./b"), ("user", "us er"), ("group", "%%"),
    ("listen", "not an address"), ("env", "A=" + "\\\\"), ("env", "B=%"), ("env", "C=$")))
write("render", "newlines-raw", records(
    ("mode", "raw"), ("argv", "/bin/true"), ("argv", "a" + NL + "[Service]" + NL + "ExecStartPre=/bin/evil"),
    ("env", "X=a\rb"), ("cwd", "/srv/a\tb"), ("config", "/etc/x" + NL + "[Service]/web.conf")))
write("render", "carriage-return-raw", records(("mode", "raw"), ("argv", "/bin/true"), ("env", "X=a\rb")))
write("render", "trailing-backslash-raw", records(
    ("mode", "raw"), ("argv", "/bin/true"), ("cwd", "/srv/x\\"), ("user", "u\\"), ("listen", "/run/x\\")))
write("render", "unicode", records(
    ("name", "uni"), ("argv", "/opt/\u00e9t\u00e9/bin"), ("argv", "h\u00e9llo \U0001F600"), ("argv", "\u0085\u2028\u2029"),
    ("env", "U=\u00e9\U0001F600\u200b"), ("cwd", "/srv/\u00e9t\u00e9"), ("user", "nobody")))
write("render", "invalid-utf8-raw", b"mode=raw\nargv=/bin/true\nargv=\xff\xfe\nargv=\xc0\xaf\nenv=X=\xed\xa0\x80\ncwd=/srv/\xe9\n")
write("render", "reuseport", records(
    ("name", "rp"), ("socket_mode", "reuseport"), ("listen", "[::1]:8080"), ("listen", "8081"),
    ("listen", "0.0.0.0:8082"), ("listen", "/run/rp.sock"), ("argv", "/bin/true")))
write("render", "user-group", records(
    ("name", "sys"), ("scope", "system"), ("user", "www-data"), ("group", "1000"), ("argv", "/bin/true"),
    ("memory_max", "512M"), ("cpu_weight", "50"), ("kill_signal", "INT"), ("restart", "on-failure"),
    ("ready", "exec"), ("ready_timeout", "0.5"), ("kill_timeout", "3"), ("restart_delay", "0")))
write("render", "user-scope-with-user", records(("name", "u"), ("scope", "user"), ("user", "nobody"), ("argv", "/bin/true")))
write("render", "long-values", records(
    ("name", "long"), ("argv", "/bin/true"), ("argv*32768", "%"), ("argv*32768", "\\\""),
    ("env*32768", "L=$%"), ("cwd*4000", "/d")))
write("render", "too-long-raw", records(("mode", "raw"), ("argv", "/bin/true"), ("argv*40000", "x"), ("env*40000", "L=x")))
write("render", "many-args", records(("name", "many"), ("argv", "/bin/true"), ("argv*1000x40", "a%b")))
write("render", "spaces", records(
    ("name", "sp"), ("argv", "/bin/true"), ("argv", " lead"), ("argv", "trail "), ("argv", "  "),
    ("env", "S= both "), ("cwd", "/srv/trailing "), ("env_file", " /lead")))
write("render", "instance-var", records(
    ("name", "iv"), ("argv", "/bin/true"), ("instance_var", "WORKER_ID"), ("increment_var", "WORKER_PORT"),
    ("env", "WORKER_PORT=8000"), ("env", "WORKER_ID=shadowed"), ("dropin", "2")))
write("render", "relative-paths", records(
    ("name", "rel"), ("config", "/etc/clusterctl/apps/rel.conf"), ("argv", "bin/server"), ("argv", "--flag"),
    ("cwd", "../srv"), ("env_file", "./rel.env"), ("argv", "node")))

# ---- fuzz-config: libconfig texts ----
def lc(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

write("config", "minimal.conf", 'name = "web";\nexec = "/bin/true";\n')
write("config", "readme.conf", """# /etc/clusterctl/web.conf
name = "web";
script = "server.js";          # node is inferred for .js; or exec = "/usr/bin/node server.js"
cwd = "/srv/web";
instances = 4;                 # or "max" (CPUs usable), or -1 for max-1
listen = "127.0.0.1:3000";     # also "[::1]:3000", "3000", or "/run/web.sock"
socket_mode = "shared";        # one queue for all instances; "reuseport" for one socket each
increment_var = "PORT";        # PORT = 3000, 3001, … per instance
env = { NODE_ENV = "production"; PORT = 3000; };
ready_timeout = 10;            # seconds to send READY=1, else the instance has failed
""")
write("config", "ecosystem.conf", """apps = (
  { name = "api"; exec = [ "/bin/sh", "-c", "exec sleep 1" ]; instances = "max"; listen = ( "3000", "[::1]:3001" ); },
  { name = "worker"; script = "worker.sh"; args = "--queue 'high prio' \\"x\\""; instances = -1; ready = "exec"; }
);
""")
write("config", "hostile.conf",
      'name = "evil";\nexec = [ "/bin/true", ' + ", ".join(lc(h) for h in HOSTILE) + " ];\nenv = {\n" +
      "".join(f"  H{i} = {lc(h)};\n" for i, h in enumerate(HOSTILE)) +
      "};\ncwd = " + lc("/srv/a %i [Service] \"q\" 'r' \\x41 $HOME ;#") +
      ";\nenv_file = " + lc('/etc/web %n [Unit] "x".env') + ';\nlisten = "127.0.0.1:3000";\n')
write("config", "every-key.conf", """name = "all";
exec = "/usr/bin/env 'A B' \\"C\\\\\\"D\\" E\\\\ F";
cwd = "srv/../srv/./web";
user = "www-data";
group = "1000";
env = { S = "str"; I = 42; F = 1.5; B = true; PORT = "8000"; };
env_file = "/etc/all.env";
instances = "max-1";
instance_var = "WORKER";
increment_var = "PORT";
listen = [ "/run/all.sock", "8080" ];
socket_mode = "shared";
ready = "notify";
ready_timeout = 2.5;
kill_signal = "INT";
kill_timeout = 7;
restart = false;
restart_delay = 0;
memory_max = "1G";
cpu_weight = 200;
rollout = { batch = "25%"; pause = 0.5; grace = 1; on_failure = "rollback"; };
""")
write("config", "hardening.conf", 'name = "hard";\nexec = "/bin/true";\nuser = "nobody";\ncwd = "/srv/hard";\nhardening = "strict";\nlisten = "/run/hard.sock";\n')
write("config", "script-interpreter.conf", 'name = "py";\nscript = "app.py";\ninterpreter = "/bin/sh -e";\nargs = [ "--x", "%%y" ];\n')
write("config", "unicode.conf", 'name = "uni";\nexec = [ "/bin/true", "h\u00e9llo \U0001F600", "\u2028" ];\nenv = { U = "\ufeff\u00e9"; };\ncwd = "/srv/\u00e9t\u00e9";\n')
write("config", "errors-unknown-key.conf", 'name = "web";\nexec = "/bin/true";\nbogus = 1;\n')
write("config", "errors-types.conf", 'name = "web";\nexec = 5;\ninstances = "many";\nlisten = { a = 1; };\n')
write("config", "errors-reuseport-unix.conf", 'name = "web";\nexec = "/bin/true";\nsocket_mode = "reuseport";\nlisten = "/run/web.sock";\n')
write("config", "errors-syntax.conf", 'name = "web"\nexec = "/bin/true";\nenv = { A = "unterminated; };\n')
write("config", "errors-duplicate-app.conf", 'apps = ( { name = "a"; exec = "/bin/true"; }, { name = "a"; exec = "/bin/true"; } );\n')
write("config", "increment-bad-base.conf", 'name = "web";\nexec = "/bin/true";\nenv = { PORT = "30x"; };\nincrement_var = "PORT";\n')
write("config", "control-chars.conf", 'name = "web";\nexec = [ "/bin/true", "a\\nb" ];\nenv = { T = "tab\\there"; };\n')
write("config", "long-values.conf", 'name = "long";\nexec = [ "/bin/true", "' + "%" * 32768 + '" ];\nenv = { L = "' + "$" * 32769 + '"; };\n')

# ---- fuzz-marker: unit files as scale reads them ----
SERVICE = """# Generated by clusterctl from /etc/clusterctl/web.conf
# Do not edit: change the config and run 'clusterctl reload web'.
[Unit]
Description=web instance %i

[Service]
Type=notify
ExecStart="/usr/bin/node" "server.js"
Environment="NODE_APP_INSTANCE=%i"

[Install]
WantedBy=web.target

[X-Clusterctl]
App=web
Config=/etc/clusterctl/web.conf
IncrementVar=PORT:3000
Hash=0123456789abcdef
"""
write("marker", "minimal", "[Service]\n\n[X-Clusterctl]\nApp=web\nConfig=/etc/clusterctl/web.conf\nIncrementVar=PORT:3000\nHash=0\n")
write("marker", "service-template", SERVICE)
write("marker", "no-increment", SERVICE.replace("IncrementVar=PORT:3000\n", ""))
write("marker", "no-marker", SERVICE.split("[X-Clusterctl]")[0])
write("marker", "percent-config", SERVICE.replace("Config=/etc/clusterctl/web.conf", "Config=/etc/cc %%i 100%%/web.conf"))
write("marker", "config-control-char", SERVICE.replace("Config=/etc/clusterctl/web.conf", "Config=/etc/x\r[Service]\rExecStartPre=/bin/evil"))
write("marker", "increment-no-colon", SERVICE.replace("IncrementVar=PORT:3000", "IncrementVar=PORT"))
write("marker", "increment-empty-base", SERVICE.replace("IncrementVar=PORT:3000", "IncrementVar=PORT:"))
write("marker", "increment-bad-name", SERVICE.replace("IncrementVar=PORT:3000", "IncrementVar=1PORT:3000"))
write("marker", "increment-colons", SERVICE.replace("IncrementVar=PORT:3000", "IncrementVar=A:B:3000"))
write("marker", "two-markers", SERVICE + "\n[X-Clusterctl]\nApp=other\nConfig=/x\nHash=1\n")
write("marker", "marker-last-line-no-newline", SERVICE.rstrip("\n"))
write("marker", "empty-values", SERVICE.replace("App=web", "App=").replace("Config=/etc/clusterctl/web.conf", "Config="))
