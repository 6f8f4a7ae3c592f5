// Example portal script: the lcscan module API with the portal's policy.
// The policy is fetched once when the page loads; scans make no request.
import init, { scan, version, formats } from './lcscan.js';

const status = document.getElementById('embed-status');
const input = document.getElementById('embed-file');
const count = document.getElementById('embed-count');
const list = document.getElementById('embed-titles');

const [, policy] = await Promise.all([
  init(),
  fetch('policies/portal-example.json').then((r) => (r.ok ? r.text() : undefined)),
]);
status.textContent = `lcscan ${version()} ready; reads ${formats().map((f) => f.name).join(', ')}.`;
input.disabled = false;

input.addEventListener('change', async () => {
  const file = input.files[0];
  if (!file) return;
  list.replaceChildren();
  try {
    const report = scan(new Uint8Array(await file.arrayBuffer()), file.name, policy);
    window.lcscanReport = report; // for the browser test
    count.textContent = `${report.findings.length} finding(s) in ${report.file}, policy ${report.tool.policy} ${report.tool.policy_version}`;
    for (const f of report.findings) {
      const li = document.createElement('li');
      li.className = 'embed-title';
      li.textContent = f.title; // text, never HTML: export text is untrusted
      list.append(li);
    }
  } catch (e) {
    count.textContent = `Not checked (${e.code}): ${e.message}`;
  }
});
