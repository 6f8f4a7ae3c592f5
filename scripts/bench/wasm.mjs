// Times the page's WebAssembly build (dist/, as built by scripts/build-web.sh)
// under Node: the same call the page's worker makes for each file, in one
// thread, best of REPEAT runs after one warm-up. Prints one JSON line.
// Usage: node wasm.mjs <file-list>
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', '..', 'dist');
const mod = await import(pathToFileURL(path.join(dist, 'lcscan_www.js')).href);
mod.initSync({ module: readFileSync(path.join(dist, 'lcscan_www_bg.wasm')) });

const list = process.argv[2];
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean).map((f) => [f, readFileSync(f)]);
const bytes = files.reduce((n, [, b]) => n + b.length, 0);
const repeat = Number(process.env.REPEAT || 3);
const noop = () => {};

function once() {
  let reports = 0;
  for (const [name, data] of files) {
    try {
      const reply = mod.scan_in_worker(data, name, '', '', '2026-11-23', noop);
      if (reply.includes('"findings"')) reports += 1;
    } catch (e) {
      // A trap: the module cannot be used again; report it and stop.
      console.error(`trap on ${name}: ${e}`);
      process.exit(1);
    }
  }
  return reports;
}

once();
let best = Infinity;
let reports = 0;
for (let i = 0; i < repeat; i++) {
  const t0 = process.hrtime.bigint();
  reports = once();
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
}
console.log(JSON.stringify({ tool: 'lcscan WebAssembly (dist/)', files: files.length, bytes, seconds: best, reports }));
