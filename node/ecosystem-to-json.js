// node ecosystem-to-json.js FILE: evaluates a PM2 ecosystem file (ecosystem.config.js, .cjs or
// .mjs) the way PM2 does — require() it, or import() an ES module — and writes what it exports
// as JSON to file descriptor 3, for `clusterctl import`. Whatever the file itself prints goes to
// stdout and stderr as usual and never mixes with the result. Exit status: 0 with the JSON
// written, 1 when the file cannot be evaluated (the reason on stderr), 2 on a usage error.
'use strict';

const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');

const RESULT_FD = 3;

async function evaluate(file) {
  const abs = path.resolve(file);
  if (abs.endsWith('.mjs')) return (await import(pathToFileURL(abs).href)).default;
  try {
    return require(abs);
  } catch (err) {
    // A .js file in a package with "type": "module" is an ES module, as PM2 finds too.
    if (err && err.code === 'ERR_REQUIRE_ESM') return (await import(pathToFileURL(abs).href)).default;
    throw err;
  }
}

async function main() {
  const file = process.argv[2];
  if (process.argv.length !== 3 || !file) {
    process.stderr.write('usage: ecosystem-to-json.js FILE\n');
    process.exit(2);
  }
  let value;
  try {
    value = await evaluate(file);
  } catch (err) {
    process.stderr.write(`${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  }
  let json;
  try {
    // undefined (no exports) is written as null: clusterctl then says it is no ecosystem file.
    json = JSON.stringify(value === undefined ? null : value);
  } catch (err) {
    process.stderr.write(`what the file exports cannot be written as JSON: ${err.message}\n`);
    process.exit(1);
  }
  const data = Buffer.from(json);
  for (let off = 0; off < data.length; ) off += fs.writeSync(RESULT_FD, data, off);
  fs.closeSync(RESULT_FD);
  // Timers or sockets the file opened would keep node running: the result is out, stop here.
  process.exit(0);
}

main();
