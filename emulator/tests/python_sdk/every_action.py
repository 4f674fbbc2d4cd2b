#!/usr/bin/env python3
"""Calls every Redis action the official Python SDK knows against the local emulator.

Usage: every_action.py START_LINE_JSON BODIES_JSON_FILE

BODIES_JSON_FILE maps each action of the project's schema to a request body with its required
members, or to null for an action the caller covers elsewhere. Every action with a body is
sent through the SDK's own typed method (RedisClient.<Action>, which builds <Action>Request,
signs it and decodes <Action>Response); an SDK exception is a failure, so is an action of the
schema that the SDK lacks. Actions the SDK has and the schema lacks are printed as
"sdk-only NAME" for the caller to judge. Prints one line per action and "all checks passed";
exits 1 on failures, 3 when the SDK is not installed.
"""

import json
import sys

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


def main():
    start = json.loads(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        bodies = json.load(f)
    cred = credential.Credential(start["secret_id"], start["secret_key"])
    http = HttpProfile(
        endpoint=start["endpoint"].split("://", 1)[1], protocol="http", reqTimeout=30
    )
    client = redis_client.RedisClient(cred, start["region"], ClientProfile(httpProfile=http))

    sdk_actions = {
        name
        for name in dir(redis_client.RedisClient)
        if name[:1].isupper() and hasattr(models, name + "Request")
    }
    failures = []
    for name in sorted(set(bodies) - sdk_actions):
        failures.append("%s: in the schema, not in the SDK" % name)
    for name in sorted(sdk_actions - set(bodies)):
        print("sdk-only %s" % name)
    for name in sorted(set(bodies) & sdk_actions):
        if bodies[name] is None:
            print("skip %s" % name)
            continue
        request = getattr(models, name + "Request")()
        request.from_json_string(json.dumps(bodies[name]))
        try:
            response = getattr(client, name)(request)
        except TencentCloudSDKException as err:
            failures.append("%s: %s %s" % (name, err.get_code(), err.get_message()))
            continue
        if len(response.RequestId or "") != 36:
            failures.append("%s: RequestId %r" % (name, response.RequestId))
            continue
        print("ok   %s" % name)
    if failures:
        for line in failures:
            print("FAIL: " + line, file=sys.stderr)
        sys.exit(1)
    answered = [n for n in set(bodies) & sdk_actions if bodies[n] is not None]
    print("%d actions answered" % len(answered))
    print("all checks passed")


if __name__ == "__main__":
    main()
