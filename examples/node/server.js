// A Node HTTP app run by clusterctl: it takes its listening socket from systemd (socket
// activation), says when it is ready, and stops gracefully. No dependencies.
'use strict';
const http = require('http');
const { execFile, execFileSync } = require('child_process');

const instance = process.env.NODE_APP_INSTANCE ?? '-';

const server = http.createServer((req, res) => {
  res.end(`hello from instance ${instance} (pid ${process.pid})\n`);
});

// Under systemd the socket is already open as fd 3 (LISTEN_FDS=1): every instance accepts from
// it, so no connection is refused while one of them restarts. Elsewhere, listen on PORT.
const listenOn = process.env.LISTEN_FDS ? { fd: 3 } : { port: Number(process.env.PORT ?? 3000) };

server.listen(listenOn, () => {
  // READY=1: clusterctl start/reload wait for this before moving on.
  if (process.env.NOTIFY_SOCKET) {
    execFileSync('systemd-notify', ['--ready', `--status=serving as instance ${instance}`]);
  }
  console.log(`instance ${instance} serving`);
});

// Liveness: with `watchdog = SEC` in the config, systemd sets WATCHDOG_USEC and restarts an
// instance that stops saying WATCHDOG=1 within it. Ping from the event loop at half the interval,
// so an instance whose loop is stuck stops pinging and gets restarted.
const watchdogUsec = Number(process.env.WATCHDOG_USEC ?? 0);
if (watchdogUsec > 0 && process.env.NOTIFY_SOCKET) {
  setInterval(() => execFile('systemd-notify', ['WATCHDOG=1'], () => {}), watchdogUsec / 2000).unref();
}

// systemd sends SIGTERM on stop and restart: finish in-flight requests, then exit.
process.on('SIGTERM', () => {
  console.log(`instance ${instance} stopping`);
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
});
