#!/usr/bin/env python3
"""Checks the local emulator with the official Tencent Cloud Python SDK.

Usage: check_emulator.py [START_LINE_JSON]   (or the start line on stdin)

The start line is the one JSON line the emulator prints when it starts:
{"endpoint": "http://127.0.0.1:PORT", "region": ..., "secret_id": ..., "secret_key": ...,
 "instances": [{"instance_id": ..., "backups": [{"backup_id": ..., "files": N}]}]}

Checks, with tencentcloud-sdk-python-redis (HttpProfile(endpoint="127.0.0.1:PORT",
protocol="http")):
  1. DescribeBackupUrl on every backup of the start line returns one BackupInfos entry per
     file, each with a name, a positive size and both download URLs, and the deprecated
     lists agree with it; every public URL answers HEAD with the announced size.
  2. A wrong SecretKey gets AuthFailure.SignatureFailure.
  3. An unknown backup gets InvalidParameterValue.BackupNotExists.
Prints one line per check and exits non-zero on the first failure (exit 3 when the SDK is not
installed).
"""

import json
import sys
import urllib.request

try:
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
        TencentCloudSDKException,
    )
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.redis.v20180412 import models, redis_client
except ImportError as exc:  # pragma: no cover - environment problem
    print(
        "the official SDK is not installed (%s); run the README's test command, which "
        "installs tencentcloud-sdk-python-redis into .venv" % exc,
        file=sys.stderr,
    )
    sys.exit(3)


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def client_for(start, secret_key=None):
    cred = credential.Credential(start["secret_id"], secret_key or start["secret_key"])
    http = HttpProfile(
        endpoint=start["endpoint"].split("://", 1)[1], protocol="http", reqTimeout=30
    )
    return redis_client.RedisClient(cred, start["region"], ClientProfile(httpProfile=http))


def describe(client, instance_id, backup_id):
    req = models.DescribeBackupUrlRequest()
    req.from_json_string(json.dumps({"InstanceId": instance_id, "BackupId": backup_id}))
    return client.DescribeBackupUrl(req)


def expect_error(label, call, code):
    try:
        call()
    except TencentCloudSDKException as exc:
        if exc.get_code() != code:
            fail("%s: expected %s, got %s: %s" % (label, code, exc.get_code(), exc.get_message()))
        if not exc.get_request_id():
            fail("%s: the error has no RequestId" % label)
        print("ok   %s -> %s (RequestId %s)" % (label, code, exc.get_request_id()))
        return
    fail("%s: expected %s, the call succeeded" % (label, code))


def main():
    text = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.readline()
    try:
        start = json.loads(text)
    except ValueError as exc:
        fail("the start line is not JSON: %s" % exc)
    client = client_for(start)

    backups = [
        (inst["instance_id"], b["backup_id"], b["files"])
        for inst in start["instances"]
        for b in inst["backups"]
    ]
    if not backups:
        fail("the start line lists no backups")
    for instance_id, backup_id, files in backups:
        resp = describe(client, instance_id, backup_id)
        infos = resp.BackupInfos or []
        if len(infos) != files:
            fail("%s/%s: %d BackupInfos, expected %d" % (instance_id, backup_id, len(infos), files))
        if not resp.RequestId:
            fail("no RequestId")
        for i, info in enumerate(infos):
            if not info.FileName or not info.FileSize or info.FileSize <= 0:
                fail("entry %d has no name or size: %s" % (i, info.to_json_string()))
            if not info.DownloadUrl or not info.InnerDownloadUrl:
                fail("entry %d has no URLs" % i)
            if resp.Filenames[i] != info.FileName or resp.DownloadUrl[i] != info.DownloadUrl:
                fail("entry %d: deprecated lists disagree with BackupInfos" % i)
            if resp.InnerDownloadUrl[i] != info.InnerDownloadUrl:
                fail("entry %d: InnerDownloadUrl list disagrees" % i)
            head = urllib.request.Request(info.DownloadUrl, method="HEAD")
            with urllib.request.urlopen(head, timeout=30) as r:
                length = int(r.headers["Content-Length"])
                if length != info.FileSize:
                    fail("%s: HEAD says %d bytes, BackupInfos %d" % (info.FileName, length, info.FileSize))
            print("ok   %s %s %d bytes" % (backup_id, info.FileName, info.FileSize))

    instance_id, backup_id, _ = backups[0]
    expect_error(
        "wrong SecretKey",
        lambda: describe(client_for(start, "not-the-key"), instance_id, backup_id),
        "AuthFailure.SignatureFailure",
    )
    expect_error(
        "unknown backup",
        lambda: describe(client, instance_id, "000000000000000000000000"),
        "InvalidParameterValue.BackupNotExists",
    )
    print("all checks passed")


if __name__ == "__main__":
    main()
