// Times Lightning Flow Scanner core (parse + scan with its default rules) on
// the flow files listed in the file named by argv[2], in this one process,
// best of REPEAT runs after one warm-up, in CPU seconds. Prints one JSON line.
// Usage: node lfs.mjs <file-list> <node_modules dir holding the package>
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [list, modules] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), 'x.js'));
const lfs = require('@flow-scanner/lightning-flow-scanner-core');
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
const repeat = Number(process.env.REPEAT || 3);

async function once() {
  const parsed = await lfs.parse(files);
  const results = lfs.scan(parsed);
  let violations = 0;
  for (const r of results) for (const rr of r.ruleResults || []) violations += (rr.details || []).length;
  return { parsed: parsed.length, violations };
}

await once();
let best = Infinity;
let last;
for (let i = 0; i < repeat; i++) {
  // CPU time of this process (user + system), so a busy machine counts less.
  const c0 = process.cpuUsage();
  last = await once();
  const c = process.cpuUsage(c0);
  const s = (c.user + c.system) / 1e6;
  best = Math.min(best, s);
}
console.log(JSON.stringify({ tool: 'lightning-flow-scanner-core 6.6.0', files: files.length, bytes, seconds: best, ...last }));
