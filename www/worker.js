// The scanner worker: loads the same WebAssembly module as the page (when the
// page starts, so nothing is fetched while a file is scanned) and does the
// jobs the page posts, one at a time — scan a file, or compare two versions —
// with the page's policy and exceptions, posting progress and the answer back.
import init, { scan_in_worker, diff_in_worker } from './lcscan_www.js';

const ready = init({ module_or_path: new URL('lcscan_www_bg.wasm', import.meta.url) });

self.onmessage = async (event) => {
  const job = event.data || {};
  try {
    await ready;
  } catch (e) {
    self.postMessage({ type: 'crash', message: 'could not load the scanner: ' + String(e) });
    return;
  }
  const progress = (percent, label) => self.postMessage({ type: 'progress', percent, label });
  const policy = String(job.policy || '');
  const exceptions = String(job.exceptions || '');
  const today = String(job.today || '');
  try {
    const reply =
      job.kind === 'diff'
        ? diff_in_worker(job.oldBytes, String(job.oldName || ''), job.newBytes, String(job.newName || ''), policy, exceptions, today, progress)
        : scan_in_worker(job.bytes, String(job.name || ''), policy, exceptions, today, progress);
    self.postMessage({ type: 'done', reply });
  } catch (e) {
    // A trap (a panic in the engine): the module is unusable now; the page
    // starts a fresh worker.
    const detail = self.__lcscanPanic || String(e);
    self.postMessage({ type: 'crash', message: detail });
  }
};
