// A Fastify app written for PM2: listen({ port, host }), then process.send('ready') (guarded,
// as apps that also run outside PM2 write it). Nothing in it knows about systemd or clusterctl.
// By default Fastify answers 503 to a request that arrives while it closes, under PM2 as
// anywhere; like the Express app, this one lets such requests finish.
const fastify = require('fastify')({ return503OnClosing: false });

fastify.get('/', async (request, reply) => {
  reply.type('text/plain');
  return `instance=${process.env.NODE_APP_INSTANCE} pid=${process.pid} version=${process.env.APP_VERSION} framework=fastify\n`;
});

fastify.listen({ port: 3000, host: '0.0.0.0' }, (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  if (process.send) process.send('ready');
});

process.on('SIGINT', () => {
  fastify.close().then(() => process.exit(0));
});
