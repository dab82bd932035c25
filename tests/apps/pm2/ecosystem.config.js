// PM2's ecosystem file for the Express app, as `pm2 init` writes one.
module.exports = {
  apps: [{
    name: 'pm2express',
    script: './express-app.js',
    instances: 4,
    exec_mode: 'cluster',
    wait_ready: true,
    listen_timeout: 10000,
    kill_timeout: 5000,
    env: {
      NODE_ENV: 'development',
      APP_VERSION: 'v1',
    },
    env_production: {
      NODE_ENV: 'production',
    },
  }],
};
