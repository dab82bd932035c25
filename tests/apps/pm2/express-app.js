// An Express app written for PM2's cluster mode, as its documentation shows it: a fixed port,
// process.send('ready') once listening, and a graceful stop on SIGINT. Nothing in it knows about
// systemd or clusterctl.
const express = require('express');

const app = express();
app.get('/', (req, res) => {
  res.type('text').send(`instance=${process.env.NODE_APP_INSTANCE} pid=${process.pid} version=${process.env.APP_VERSION} framework=express\n`);
});

const server = app.listen(3000, () => {
  process.send('ready');
});

process.on('SIGINT', () => {
  server.close(() => process.exit(0));
});
