// Preloaded into dist/server.js by reliability-memory.test.ts only (with --expose-gc): on
// SIGUSR2, collect garbage a few times, half a second apart (V8 hands freed pages back to the
// system in the background), and print the lowest `MEM <rss> <heapUsed> <heapTotal> <external>
// <arrayBuffers>` on stderr — what the server settles to, not what the collector has not got
// round to freeing yet.
'use strict';
process.on('SIGUSR2', () => {
  let best = null;
  let left = 3;
  const sample = () => {
    if (typeof global.gc === 'function') global.gc();
    const m = process.memoryUsage();
    if (!best || m.rss < best.rss) best = m;
    if (--left > 0) setTimeout(sample, 500);
    else process.stderr.write(`MEM ${best.rss} ${best.heapUsed} ${best.heapTotal} ${best.external} ${best.arrayBuffers}\n`);
  };
  setTimeout(sample, 100);
});
