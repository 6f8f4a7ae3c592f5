// Starts the lcscan page: loads the WebAssembly module (same origin) and
// mounts the Yew app. If the module cannot load, say so instead of leaving
// a blank page.
import init, { run_app } from './lcscan_www.js';

function fail(message) {
  const el = document.getElementById('panic');
  if (el) {
    el.textContent = message;
    el.hidden = false;
  }
  const loading = document.getElementById('loading');
  if (loading) loading.remove();
}

try {
  await init({ module_or_path: new URL('lcscan_www_bg.wasm', import.meta.url) });
  const loading = document.getElementById('loading');
  if (loading) loading.remove();
  run_app();
} catch (e) {
  console.error(e);
  fail('lcscan could not start in this browser (WebAssembly is needed). Try a current version of Chrome, Edge, Firefox or Safari. Nothing was uploaded.');
}
