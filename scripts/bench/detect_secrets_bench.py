"""Times detect-secrets (default plugins and filters) on the files listed in
argv[1], in this one process, best of REPEAT runs, in CPU seconds
(time.process_time: a busy machine counts less). Prints one JSON line."""
import json
import os
import sys
import time

from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

files = [f for f in open(sys.argv[1], encoding="utf-8").read().split("\n") if f]
size = sum(os.path.getsize(f) for f in files)
repeat = int(os.environ.get("REPEAT", "1"))
best = float("inf")
found = 0
with default_settings():
    for _ in range(repeat):
        start = time.process_time()
        secrets = SecretsCollection()
        for f in files:
            secrets.scan_file(f)
        best = min(best, time.process_time() - start)
        found = sum(len(v) for _, v in secrets.data.items())
print(json.dumps({"tool": "detect-secrets 1.5.0", "files": len(files), "bytes": size,
                  "seconds": best, "secrets": found}))
