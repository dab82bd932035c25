// A Node HTTP app run by clusterctl: it takes its listening socket from systemd (socket
// activation), says when it is ready, and stops gracefully. No dependencies.
'use strict';
const http = require('http');
const { execFileSync } = require('child_process');

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

// systemd sends SIGTERM on stop and restart: finish in-flight requests, then exit.
process.on('SIGTERM', () => {
  console.log(`instance ${instance} stopping`);
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
});
