// Preloaded (node --require) by inject-threads.test.ts: notes in $WORKER_LOG each worker thread started.
'use strict';
const fs = require('node:fs');
const threads = require('node:worker_threads');
const { Worker } = threads;
threads.Worker = class extends Worker {
  constructor(...args) {
    super(...args);
    fs.appendFileSync(process.env.WORKER_LOG, 'worker\n');
  }
};
