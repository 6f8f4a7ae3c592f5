// lcscan module API for portals and other pages on your site.
//
//   import init, { scan, version, formats } from './lcscan.js';
//   await init();                                   // loads lcscan_www_bg.wasm beside this file
//   const report = scan(bytes, 'flow.json', policy); // the CLI's `--format json` report
//
// The scan runs on the calling thread, in this tab, and makes no network
// request. `policy` is optional: TOML or JSON text, or a policy object;
// `options` may give reviewed `exceptions` (and `today`).
// A file that cannot be checked throws an Error with a `code`
// (`broken-zip`, `invalid-policy`, `unknown-format`, …) and a plain message.
// Types: lcscan.d.ts.
import wasmInit, { scan as wasmScan, version as wasmVersion, formats as wasmFormats } from './lcscan_www.js';

let started;

/** Load the WebAssembly module (once). `wasmUrl` defaults to lcscan_www_bg.wasm beside this file. */
export default function init(wasmUrl) {
  if (!started) {
    started = wasmInit({ module_or_path: wasmUrl ?? new URL('lcscan_www_bg.wasm', import.meta.url) }).then(() => undefined);
  }
  return started;
}

function asBytes(bytes) {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (typeof bytes === 'string') return new TextEncoder().encode(bytes);
  throw new TypeError('lcscan.scan: bytes must be a Uint8Array, an ArrayBuffer or a string');
}

/**
 * Scan one export; returns the JSON report object. Call `await init()` first.
 * `options.exceptions`: an exceptions file's text (TOML or JSON), applied as of
 * `options.today` (YYYY-MM-DD, default: this browser's date), as `--baseline` does.
 */
export function scan(bytes, fileName, policy, options) {
  return wasmScan(asBytes(bytes), String(fileName ?? ''), policy ?? undefined, options ?? undefined);
}

/** The lcscan version, e.g. "0.1.0". */
export function version() {
  return wasmVersion();
}

/** The platforms lcscan reads: [{ id: 'n8n', name: 'n8n' }, …]. */
export function formats() {
  return wasmFormats();
}
