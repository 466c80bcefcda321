'use strict';

// timeGets (intake.ts) in a thread of its own: the reader is a client, as a phone or a browser is, and
// its own fetch and parsing do not take turns on the server's event loop. It asks each URL in turn, n
// times (after a warm-up of 10 when idle) or until `until`, and sends back each URL's latencies in ms.
const { workerData, parentPort } = require('node:worker_threads');

(async () => {
  const { runs, n, until } = workerData;
  const stop = until ?? Number.POSITIVE_INFINITY;
  const warmUp = until === null ? 10 : 0;
  const samples = runs.map(() => []);
  for (let i = 0; i < n + warmUp && Date.now() < stop; i++) {
    for (const [k, run] of runs.entries()) {
      const t = process.hrtime.bigint();
      const res = await fetch(run.url, { headers: run.headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${run.url}: ${res.status}`);
      if (i >= warmUp) samples[k].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  parentPort.postMessage(samples);
})().catch((error) => parentPort.postMessage({ error: String(error) }));
