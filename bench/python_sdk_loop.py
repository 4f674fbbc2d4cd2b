#!/usr/bin/env python3
"""N sequential keep-alive DescribeBackupUrl calls with the official Python SDK.

Usage: python_sdk_loop.py START_LINE_FILE [CALLS]

Reads the emulator's JSON start line, makes one warm-up call (opens the connection), then
CALLS calls (default 2000) through one RedisClient with HttpProfile(keepAlive=True), and
prints one JSON line: calls, wall_s, user_s, sys_s (CPU time of this process during the
timed loop only, from getrusage). Exits non-zero on any failed call.
"""

import json
import resource
import sys
import time

try:
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.redis.v20180412 import models, redis_client
except ImportError as exc:
    print("python_sdk_loop.py: the official SDK is not installed (%s); run "
          "scripts/install-test-deps" % exc, file=sys.stderr)
    sys.exit(3)


def main():
    start = json.load(open(sys.argv[1]))
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    endpoint = start["endpoint"]
    if not endpoint.startswith("http://127.0.0.1:"):
        sys.exit("python_sdk_loop.py: refusing to benchmark %s (127.0.0.1 only)" % endpoint)
    instance = start["instances"][0]
    http = HttpProfile(endpoint=endpoint.split("://", 1)[1], protocol="http",
                       reqTimeout=30, keepAlive=True)
    client = redis_client.RedisClient(
        credential.Credential(start["secret_id"], start["secret_key"]),
        start["region"], ClientProfile(httpProfile=http))
    request = models.DescribeBackupUrlRequest()
    request.InstanceId = instance["instance_id"]
    request.BackupId = instance["backups"][0]["backup_id"]

    client.DescribeBackupUrl(request)  # warm-up: connection, imports, caches
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    for _ in range(calls):
        response = client.DescribeBackupUrl(request)
        if not response.BackupInfos:
            sys.exit("python_sdk_loop.py: a response had no BackupInfos")
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "mode": "python-sdk",
        "calls": calls,
        "wall_s": wall,
        "user_s": after.ru_utime - before.ru_utime,
        "sys_s": after.ru_stime - before.ru_stime,
    }))


if __name__ == "__main__":
    main()
