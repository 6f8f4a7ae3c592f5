"""Prints the table of scripts/bench-peers.sh from the JSON files it wrote."""
import json
import os
import sys

out = sys.argv[1]


def load(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.loads(f.read().strip().splitlines()[-1])


rows = []


def row(label, files, size, seconds):
    rows.append((label, files, size, seconds))


def line(label, files, size, seconds):
    return f"| {label} | {files} | {size / 1e6:.1f} MB | {seconds:.3f} s | {files / seconds:,.0f} | {size / 1e6 / seconds:.1f} |"


def ratio(goal, name, ours, theirs):
    r = theirs / ours
    verdict = "met" if r >= goal else "MISSED"
    return f"- lcscan vs {name}: {r:.1f}× (goal ≥ {goal}×: {verdict})"


print("| tool (one thread) | files | size | CPU time (best) | files/s | MB/s |")
print("|---|---|---|---|---|---|")
flows, exports = load("lcscan-flows.json"), load("lcscan-exports.json")
ratios = []
for label, ours, cli, peer_file, peer_label, goal in [
    ("Salesforce flows", flows, load("cli-flows.json"), "lfs.json", "Lightning Flow Scanner core 6.6.0", 20),
    ("JSON exports", exports, load("cli-exports.json"), "detect-secrets.json", "detect-secrets 1.5.0", 10),
]:
    if not ours:
        continue
    n, b = ours["files"], ours["bytes"]
    print(line(f"{label}: lcscan scan() in-process", n, b, ours["scan_seconds"]))
    if cli:
        print(line(f"{label}: lcscan CLI end to end", n, b, cli["seconds"]))
    print(line(f"{label}: parse only, serde_json / roxmltree (ceiling)", n, b, ours["parse_seconds"]))
    peer = load(peer_file)
    if peer:
        # The peer may have read a sample of the files: compare per byte with
        # lcscan's figure for the same sample when there is one.
        same = load("lcscan-exports-sample.json") if peer["files"] != n else None
        if same:
            print(line(f"{label} (every Nth file): lcscan scan() in-process", same["files"], same["bytes"], same["scan_seconds"]))
        print(line(f"{label}{' (every Nth file)' if same else ''}: {peer_label}", peer["files"], peer["bytes"], peer["seconds"]))
        base = same or ours
        ratios.append(ratio(goal, f"{peer_label} (in-process)", base["scan_seconds"], peer["seconds"]))
        if cli and not same:
            ratios.append(ratio(goal, f"{peer_label} (lcscan CLI end to end)", cli["seconds"], peer["seconds"]))
    ratios.append(
        f"- lcscan vs parse-only ceiling on {label}: {ours['parse_seconds'] / ours['scan_seconds']:.2f}× "
        f"(goal ≥ 0.5×: {'met' if ours['parse_seconds'] / ours['scan_seconds'] >= 0.5 else 'MISSED'})"
    )
    wasm = load("wasm-flows.json" if label.startswith("Salesforce") else "wasm-exports.json")
    if wasm:
        print(line(f"{label}: lcscan WebAssembly scan() (dist/, Node)", wasm["files"], wasm["bytes"], wasm["seconds"]))
        if "page_seconds" in wasm:
            print(line(f"{label}: WebAssembly, the page worker's whole call", wasm["files"], wasm["bytes"], wasm["page_seconds"]))
        ratios.append(f"- WebAssembly / native on {label}: {ours['scan_seconds'] / wasm['seconds']:.2f}× the native speed")
print()
for r in ratios:
    print(r)
