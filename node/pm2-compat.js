// Runs an app written for PM2's cluster mode, unchanged, as a systemd instance. clusterctl loads
// this file with `node -r` when the app's config says node_compat = "pm2". It bridges three things:
//
// - Sockets. Under PM2 the app calls listen(3000) and the cluster module hands every worker one
//   shared handle. Here systemd owns the listening socket and passes it as fd 3 (LISTEN_FDS,
//   LISTEN_PID, sd_listen_fds(3)); the app's first TCP listen() is given that socket instead of
//   binding the port, its callback and 'listening' event unchanged. A second TCP listen() gets
//   the next socket if there is one, else binds as usual; unix-socket, fd and handle listens are
//   left alone.
// - Readiness. PM2's wait_ready waits for process.send('ready'); that becomes READY=1 (sd_notify,
//   sent with systemd-notify: node has no unix datagram sockets without an addon, and the unit
//   has NotifyAccess=all). Without wait_ready, PM2 treats a cluster worker as up once it
//   listens: with CLUSTERCTL_PM2_READY=listen, READY=1 goes out when the first socket listens.
// - Stopping. PM2 stops an app with SIGINT, which the unit's KillSignal= sends. With
//   shutdown_with_message (CLUSTERCTL_PM2_SHUTDOWN=message), PM2 sends the message 'shutdown'
//   instead: the stop signal is turned into process.emit('message', 'shutdown').
//
// Nothing here runs unless systemd started this very process: LISTEN_PID must be our pid, and
// the LISTEN_* variables are removed once read, so child processes never take the sockets.
'use strict';

const net = require('net');
const { execFileSync } = require('child_process');

const SD_LISTEN_FDS_START = 3;
const readyOn = process.env.CLUSTERCTL_PM2_READY === 'listen' ? 'listen' : 'message';
const shutdownBy = process.env.CLUSTERCTL_PM2_SHUTDOWN === 'message' ? 'message' : 'signal';
delete process.env.CLUSTERCTL_PM2_READY;
delete process.env.CLUSTERCTL_PM2_SHUTDOWN;

// sd_listen_fds(1): the fds passed to this process, and the variables unset.
function takeListenFds() {
  const pid = Number(process.env.LISTEN_PID);
  const n = Number(process.env.LISTEN_FDS);
  delete process.env.LISTEN_PID;
  delete process.env.LISTEN_FDS;
  delete process.env.LISTEN_FDNAMES;
  if (pid !== process.pid || !Number.isInteger(n) || n < 1 || n > 64) return [];
  return Array.from({ length: n }, (_, k) => SD_LISTEN_FDS_START + k);
}

const listenFds = takeListenFds();
let notified = false;

function notifyReady() {
  if (notified || !process.env.NOTIFY_SOCKET) return;
  notified = true;
  const instance = process.env.NODE_APP_INSTANCE;
  const status = instance === undefined ? 'serving' : `serving as instance ${instance}`;
  try {
    execFileSync('systemd-notify', ['--ready', `--status=${status}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (err) {
    process.stderr.write(`clusterctl pm2-compat: systemd-notify --ready failed: ${err.message}\n`);
  }
}

// The listen() call forms that bind a TCP port (net.Server.listen's documented signatures):
// listen(port[, host][, backlog][, cb]) and listen({ port, host, backlog, ... }[, cb]).
// Returns { backlog, callback } for those, null for a path, fd, handle or no port at all.
function tcpListenArgs(args) {
  const callback = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined;
  const first = args[0];
  const isPort = (v) => (typeof v === 'number' && v > 0) || (typeof v === 'string' && /^[1-9][0-9]*$/.test(v));
  if (first !== null && typeof first === 'object') {
    if (first.path !== undefined || first.fd !== undefined || first.handle !== undefined || first._handle !== undefined)
      return null;
    return isPort(first.port) ? { backlog: first.backlog, callback } : null;
  }
  if (!isPort(first)) return null;
  const backlog = args.slice(1).find((a) => typeof a === 'number');
  return { backlog, callback };
}

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listen(...args) {
  const tcp = listenFds.length > 0 ? tcpListenArgs(args) : null;
  if (!tcp) return originalListen.apply(this, args);
  const fd = listenFds.shift();
  if (readyOn === 'listen') this.once('listening', notifyReady);
  const options = tcp.backlog === undefined ? { fd } : { fd, backlog: tcp.backlog };
  return tcp.callback ? originalListen.call(this, options, tcp.callback) : originalListen.call(this, options);
};

// Outside PM2 there is no IPC channel and process.send is undefined; PM2 apps call it anyway
// (often guarded by `if (process.send)`). 'ready' means READY=1; other messages go nowhere.
const originalSend = typeof process.send === 'function' ? process.send.bind(process) : null;
process.send = function send(message, ...rest) {
  if (message === 'ready') notifyReady();
  if (originalSend) return originalSend(message, ...rest);
  const callback = rest.find((a) => typeof a === 'function');
  if (callback) process.nextTick(callback, null);
  return true;
};

if (shutdownBy === 'message') {
  let shuttingDown = false;
  const shutdown = () => {
    if (shuttingDown) return;
    shuttingDown = true;
    process.emit('message', 'shutdown');
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
