// The scanner worker: loads the same WebAssembly module as the page (when the
// page starts, so nothing is fetched while a file is scanned) and scans the
// files the page posts, one at a time, posting progress and the answer back.
import init, { scan_in_worker } from './lcscan_www.js';

const ready = init({ module_or_path: new URL('lcscan_www_bg.wasm', import.meta.url) });

self.onmessage = async (event) => {
  const { name, bytes, policy } = event.data || {};
  try {
    await ready;
  } catch (e) {
    self.postMessage({ type: 'crash', message: 'could not load the scanner: ' + String(e) });
    return;
  }
  try {
    const reply = scan_in_worker(bytes, String(name || ''), String(policy || ''), (percent, label) => {
      self.postMessage({ type: 'progress', percent, label });
    });
    self.postMessage({ type: 'done', reply });
  } catch (e) {
    // A trap (a panic in the engine): the module is unusable now; the page
    // starts a fresh worker.
    const detail = self.__lcscanPanic || String(e);
    self.postMessage({ type: 'crash', message: detail });
  }
};
