#!/usr/bin/env node
// testapp.js: the Node flavour of testapp.c, for tests and benchmarks of Node apps under
// clusterctl. Same body, endpoints and flags (also via $TESTAPP_FLAGS); no npm dependencies.
// Unlike the C app it keeps HTTP keep-alive (Node's default), so wrk measures real throughput.
// Sockets: fds 3..3+LISTEN_FDS-1 when socket-activated, else $PORT (or --port, or 3000).
// Readiness: `systemd-notify --ready`, which needs NotifyAccess=all in the unit; under PM2
// (an IPC channel and no NOTIFY_SOCKET) process.send('ready'), for wait_ready: true.
'use strict';

const http = require('http');
const { execFile, execFileSync } = require('child_process');

const USAGE = `usage: testapp.js [--port N] [--instance-var NAME] [--fail-before-ready]
                  [--ready-delay SECS] [--crash-after SECS [--crash-signal]] [--hang-after SECS]
                  [--log-lines N] [--log-every SECS] [--verbose]
Flags are also read from $TESTAPP_FLAGS (space separated).`;

function usageError(msg) {
  process.stderr.write(`testapp.js: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

// $TESTAPP_FLAGS first so that explicit command-line flags override them.
function parseFlags(argv) {
  const opts = {
    port: null, instanceVar: 'NODE_APP_INSTANCE', failBeforeReady: false, readyDelay: 0,
    crashAfter: null, crashSignal: false, hangAfter: null, logLines: 0, logEvery: 0, verbose: false,
  };
  const seconds = (name, v) => {
    const n = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(n) || n < 0 || n > 1e6) usageError(`invalid value for ${name}: '${v}'`);
    return n;
  };
  const integer = (name, v, min, max) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) usageError(`invalid value for ${name}: '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = argv[i].split(/=(.*)/s);
    const next = () => (value !== undefined ? value : argv[++i]);
    switch (flag) {
      case '--port': opts.port = integer(flag, next(), 1, 65535); break;
      case '--instance-var': opts.instanceVar = next(); if (!opts.instanceVar) usageError('--instance-var needs a name'); break;
      case '--fail-before-ready': opts.failBeforeReady = true; break;
      case '--ready-delay': opts.readyDelay = seconds(flag, next()); break;
      case '--crash-after': opts.crashAfter = seconds(flag, next()); break;
      case '--crash-signal': opts.crashSignal = true; break;
      case '--hang-after': opts.hangAfter = seconds(flag, next()); break;
      case '--log-lines': opts.logLines = integer(flag, next(), 0, 1e7); break;
      case '--log-every': opts.logEvery = seconds(flag, next()); if (opts.logEvery < 0.001) usageError('--log-every too small'); break;
      case '--verbose': opts.verbose = true; break;
      case '--help': process.stdout.write(USAGE + '\n'); process.exit(0); break;
      default: usageError(`unknown argument '${argv[i]}'`);
    }
  }
  return opts;
}

const envFlags = (process.env.TESTAPP_FLAGS || '').split(/\s+/).filter(Boolean);
const opts = parseFlags([...envFlags, ...process.argv.slice(2)]);
const instance = () => process.env[opts.instanceVar] ?? '-';

function body() {
  return `instance=${instance()} pid=${process.pid} version=${process.env.APP_VERSION ?? '-'} port=${process.env.PORT ?? '-'}\n`;
}

function reply(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req, res) {
  const path = req.url.split('?')[0];
  if (path.startsWith('/env/')) {
    let v;
    try {
      v = process.env[decodeURIComponent(path.slice(5))];
    } catch {
      return reply(res, 400, 'bad request\n');
    }
    return v === undefined ? reply(res, 404, 'not set\n') : reply(res, 200, `${v}\n`);
  }
  const sleep = /^\/sleep\/(\d+)$/.exec(path);
  if (sleep && Number(sleep[1]) <= 60000) {
    return setTimeout(() => reply(res, 200, body()), Number(sleep[1]));
  }
  return reply(res, 200, body());
}

function notify(args) {
  if (!process.env.NOTIFY_SOCKET) return;
  try {
    execFileSync('systemd-notify', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (err) {
    process.stderr.write(`testapp.js: systemd-notify ${args.join(' ')} failed: ${err.message}\n`);
  }
}

function listenAll() {
  const n = Number(process.env.LISTEN_FDS || 0);
  const targets = n > 0
    ? Array.from({ length: n }, (_, k) => ({ fd: 3 + k }))
    : [{ port: opts.port ?? Number(process.env.PORT || 3000), host: '127.0.0.1' }];
  return Promise.all(targets.map((target) => new Promise((resolve, reject) => {
    const server = http.createServer(handle);
    server.once('error', reject);
    server.listen(target, () => resolve(server));
  })));
}

function serve(servers) {
  notify(['--ready', '--status=serving']);
  if (typeof process.send === 'function' && !process.env.NOTIFY_SOCKET) process.send('ready');
  if (opts.verbose) process.stderr.write(`testapp.js: instance ${instance()} pid ${process.pid} serving on ${servers.length} socket(s)\n`);

  if (opts.crashAfter !== null) {
    setTimeout(() => {
      process.stderr.write(`testapp.js: crashing as asked (--crash-after${opts.crashSignal ? ' --crash-signal' : ''})\n`);
      if (opts.crashSignal) process.abort();
      process.exit(5);
    }, opts.crashAfter * 1000);
  }
  // Liveness: with `watchdog` in the config the manager sets WATCHDOG_USEC and kills an instance
  // whose pings stop. They come from the event loop, at half the interval: a stuck loop stops them.
  const watchdogUsec = Number(process.env.WATCHDOG_USEC || 0);
  if (watchdogUsec > 0 && process.env.NOTIFY_SOCKET) {
    setInterval(() => execFile('systemd-notify', ['WATCHDOG=1'], () => {}), watchdogUsec / 2000).unref();
  }
  if (opts.hangAfter !== null) {
    setTimeout(() => {
      process.stderr.write('testapp.js: hanging as asked (--hang-after)\n');
      for (;;) { /* the event loop never runs again: no request, no watchdog ping */ }
    }, opts.hangAfter * 1000);
  }
  let tick = 0;
  const ticker = opts.logEvery > 0
    ? setInterval(() => process.stdout.write(`tick ${++tick} instance ${instance()}\n`), opts.logEvery * 1000)
    : null;

  // close() stops accepting and (Node >= 19) drops idle keep-alive connections; busy ones
  // get their answer first. A few seconds later whatever is left is cut, so stop stays bounded.
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    if (opts.verbose) process.stderr.write(`testapp.js: ${signal}, closing\n`);
    // No STOPPING=1: the manager knows it asked us to stop, and from Node every notification
    // costs a process (systemd-notify) just when the instance should be on its way out.
    if (ticker) clearInterval(ticker);
    let open = servers.length;
    for (const server of servers) {
      server.close(() => { if (--open === 0) process.exit(0); });
      server.closeIdleConnections();
    }
    setInterval(() => servers.forEach((s) => s.closeIdleConnections()), 100).unref();
    setTimeout(() => process.exit(0), 10000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main() {
  // A stop request during a slow start is honoured at once.
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));

  let servers;
  try {
    servers = await listenAll();
  } catch (err) {
    process.stderr.write(`testapp.js: cannot listen: ${err.message}\n`);
    process.exit(1);
  }

  for (let k = 1; k <= opts.logLines; k++) process.stdout.write(`line ${k} of ${opts.logLines} from instance ${instance()}\n`);
  if (opts.logLines > 0) process.stderr.write(`<3>stderr line from instance ${instance()}\n`);

  if (opts.readyDelay > 0) await new Promise((resolve) => setTimeout(resolve, opts.readyDelay * 1000));

  if (opts.failBeforeReady) {
    process.stderr.write('fatal: refusing to start (--fail-before-ready)\n');
    process.exitCode = 3;
    // Let stdout/stderr drain (they are pipes to the journal) instead of exit() cutting them.
    servers.forEach((s) => s.close());
    return;
  }

  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  serve(servers);
}

main();
