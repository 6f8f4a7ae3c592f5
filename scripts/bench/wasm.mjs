// Times the page's WebAssembly build (dist/, as built by scripts/build-web.sh)
// under Node: the same call the page's worker makes for each file, in one
// thread, best of REPEAT runs after one warm-up, in CPU seconds. Prints one JSON line.
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

// `scan` is the embedding API (the engine and a JS object out); the worker's
// call also builds everything the page shows (rendered report, inventory).
function once(call) {
  let reports = 0;
  for (const [name, data] of files) {
    try {
      const reply = call(data, name);
      if (reply && (typeof reply !== 'string' || reply.includes('"findings"'))) reports += 1;
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        // A trap (a panic): the module cannot be used again.
        console.error(`trap on ${name}: ${e}`);
        process.exit(1);
      }
      // A friendly scan error (not an export): counted as work done.
    }
  }
  return reports;
}

function best(call) {
  once(call);
  let seconds = Infinity;
  let reports = 0;
  for (let i = 0; i < repeat; i++) {
    const c0 = process.cpuUsage();
    reports = once(call);
    const c = process.cpuUsage(c0);
    seconds = Math.min(seconds, (c.user + c.system) / 1e6);
  }
  return { seconds, reports };
}

const engine = best((data, name) => mod.scan(data, name, undefined));
const page = best((data, name) => mod.scan_in_worker(data, name, '', '', '2026-11-23', noop));
console.log(JSON.stringify({ tool: 'lcscan WebAssembly (dist/)', files: files.length, bytes,
  seconds: engine.seconds, reports: engine.reports, page_seconds: page.seconds }));
