// Preloaded into dist/server.js by reliability-memory.test.ts only (with --expose-gc): on
// SIGUSR2, collect garbage, give V8 a moment to hand freed pages back to the system, collect
// again and print `MEM <rss> <heapUsed> <heapTotal> <external> <arrayBuffers>` on stderr — so
// the test measures what the server really keeps, not what the collector has not got round
// to freeing yet.
'use strict';
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
  setTimeout(() => {
    if (typeof global.gc === 'function') global.gc();
    const m = process.memoryUsage();
    process.stderr.write(`MEM ${m.rss} ${m.heapUsed} ${m.heapTotal} ${m.external} ${m.arrayBuffers}\n`);
  }, 2000);
});
