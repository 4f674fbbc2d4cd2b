#!/usr/bin/env python3
"""Runs the backup workflow against the local emulator with the official Python SDK.

Usage: backup_workflow.py START_LINE_JSON

With tencentcloud-sdk-python-redis (HttpProfile(endpoint="127.0.0.1:PORT", protocol="http")):
  1. ModifyBackupDownloadRestriction stores LimitOnlyIntranet; DescribeBackupDownloadRestriction
     reads it back.
  2. ManualBackupInstance on the start line's first instance returns a TaskId; DescribeTaskInfo
     is polled until it says succeed.
  3. DescribeInstanceBackups lists the new backup first, complete, with its remark.
  4. DescribeBackupUrl without LimitType applies the stored restriction: every public URL is
     refused (403), every inner URL answers HEAD with the announced size.
  5. DescribeTaskInfo of an unknown task fails with InvalidParameterValue.TaskNotExists.
Prints one line per check and exits non-zero on the first failure (exit 3 when the SDK is not
installed).
"""

import json
import sys
import time
import urllib.error
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
    print("the official SDK is not installed (%s)" % exc, file=sys.stderr)
    sys.exit(3)


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def call(client, name, params):
    request = getattr(models, name + "Request")()
    request.from_json_string(json.dumps(params))
    return getattr(client, name)(request)


def head_status(url):
    request = urllib.request.Request(url, method="HEAD")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, int(response.headers.get("Content-Length", "-1"))
    except urllib.error.HTTPError as err:
        return err.code, -1


def main():
    start = json.loads(sys.argv[1])
    cred = credential.Credential(start["secret_id"], start["secret_key"])
    http = HttpProfile(
        endpoint=start["endpoint"].split("://", 1)[1], protocol="http", reqTimeout=30
    )
    client = redis_client.RedisClient(cred, start["region"], ClientProfile(httpProfile=http))
    instance = start["instances"][0]["instance_id"]

    call(client, "ModifyBackupDownloadRestriction", {"LimitType": "LimitOnlyIntranet"})
    stored = call(client, "DescribeBackupDownloadRestriction", {})
    if stored.LimitType != "LimitOnlyIntranet":
        fail("stored restriction is %r" % stored.LimitType)
    print("ok   restriction stored and read back: LimitOnlyIntranet")

    task_id = call(
        client, "ManualBackupInstance", {"InstanceId": instance, "Remark": "sdk"}
    ).TaskId
    seen = []
    deadline = time.time() + 30
    while True:
        status = call(client, "DescribeTaskInfo", {"TaskId": task_id}).Status
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "succeed":
            break
        if status in ("failed", "error") or time.time() > deadline:
            fail("task %d: %s" % (task_id, seen))
        time.sleep(0.05)
    print("ok   task %d: %s" % (task_id, " -> ".join(seen)))

    listed = call(
        client, "DescribeInstanceBackups", {"InstanceId": instance, "Limit": 5, "Offset": 0}
    )
    newest = listed.BackupSet[0]
    if newest.Status != 2 or newest.Remark != "sdk" or newest.BackupType != "0":
        fail("newest backup is %s" % newest.to_json_string())
    print("ok   listed %s (of %d), started %s" % (newest.BackupId, listed.TotalCount, newest.StartTime))

    urls = call(client, "DescribeBackupUrl", {"InstanceId": instance, "BackupId": newest.BackupId})
    if not urls.BackupInfos:
        fail("no BackupInfos")
    for info in urls.BackupInfos:
        public, _ = head_status(info.DownloadUrl)
        inner, length = head_status(info.InnerDownloadUrl)
        if public != 403 or inner != 200 or length != info.FileSize:
            fail("%s: public %d, inner %d (%d of %d bytes)" % (info.FileName, public, inner, length, info.FileSize))
        print("ok   %s public 403, inner 200 (%d bytes)" % (info.FileName, length))

    try:
        call(client, "DescribeTaskInfo", {"TaskId": 999999999})
        fail("an unknown task succeeded")
    except TencentCloudSDKException as err:
        if err.get_code() != "InvalidParameterValue.TaskNotExists":
            fail("unknown task: %s" % err.get_code())
    print("ok   unknown task: InvalidParameterValue.TaskNotExists")
    print("all checks passed")


if __name__ == "__main__":
    main()
