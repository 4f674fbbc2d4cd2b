#!/usr/bin/env python3
"""Assumes a role through the emulator's STS with the official Python SDK's own credential
classes, then calls a Redis action with the temporary keys.

Usage: sts_roles.py START_LINE_JSON

With tencentcloud-sdk-python-common, unmodified:
  1. STSAssumeRoleCredential(secret_id, secret_key, role_arn, session, endpoint=ENDPOINT)
     calls AssumeRole (signed for service sts) and returns temporary keys and a token.
  2. A RedisClient with that credential calls DescribeBackupUrl: signed with the temporary
     keys, X-TC-Token sent; every file of the backup is listed.
  3. OIDCRoleArnCredential(region, provider_id, token, role_arn, session, endpoint=ENDPOINT)
     calls AssumeRoleWithWebIdentity unsigned (Authorization: SKIP) with the token from the
     start line's token file, and DescribeBackupUrl works with its keys.
  4. A role the emulator does not know fails with ResourceNotFound.RoleNotFound and a
     RequestId.

ENDPOINT is the start line's endpoint, `http://127.0.0.1:PORT`: the credential classes take
an `endpoint` but always build an HTTPS profile for it; a value with a scheme is sent as it
is (the SDK's ApiRequest keeps a URL that has a host), which is how a user reaches an STS
that is not behind HTTPS. Prints one line per check and exits non-zero on the first failure
(exit 3 when the SDK is not installed).
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


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def describe_backup_url(cred, start, host):
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=host, protocol="http"))
    client = redis_client.RedisClient(cred, start["region"], profile)
    instance = start["instances"][0]
    backup = instance["backups"][0]
    request = models.DescribeBackupUrlRequest()
    request.InstanceId = instance["instance_id"]
    request.BackupId = backup["backup_id"]
    response = client.DescribeBackupUrl(request)
    if len(response.BackupInfos) != backup["files"]:
        fail("DescribeBackupUrl listed %d files, expected %d"
             % (len(response.BackupInfos), backup["files"]))
    return len(response.BackupInfos)


def main():
    start = json.loads(sys.argv[1])
    endpoint = start["endpoint"]
    host = endpoint.split("://", 1)[1]
    sts = start["sts"]
    role_arn = sts["role_arns"][0]

    cred = credential.STSAssumeRoleCredential(
        start["secret_id"], start["secret_key"], role_arn, "python-sdk-session", 900,
        endpoint=endpoint)
    tmp_id, tmp_key, token = cred.get_credential_info()
    if not tmp_id or tmp_id == start["secret_id"] or not tmp_key or not token:
        fail("STSAssumeRoleCredential did not return temporary keys and a token")
    print("ok   STSAssumeRoleCredential: AssumeRole gave temporary keys and a token")
    files = describe_backup_url(cred, start, host)
    print("ok   DescribeBackupUrl with the assumed role's keys: %d files" % files)

    token_files = sts["web_identity_token_files"]
    if not token_files:
        fail("the start line names no web identity token file")
    with open(token_files[0]) as f:
        web_token = f.read().strip()
    oidc = credential.OIDCRoleArnCredential(
        start["region"], sts["provider_id"], web_token, role_arn, "python-oidc-session", 900,
        endpoint=endpoint)
    oidc_id, _, oidc_token = oidc.get_credential_info()
    if not oidc_id or not oidc_token or oidc_id == tmp_id:
        fail("OIDCRoleArnCredential did not return new temporary keys")
    files = describe_backup_url(oidc, start, host)
    print("ok   OIDCRoleArnCredential (unsigned AssumeRoleWithWebIdentity): %d files" % files)

    wrong = credential.STSAssumeRoleCredential(
        start["secret_id"], start["secret_key"], "qcs::cam::uin/1:roleName/nobody",
        "python-sdk-session", endpoint=endpoint)
    try:
        wrong.get_credential_info()
        fail("an unknown role was assumed")
    except TencentCloudSDKException as err:
        if err.get_code() != "ResourceNotFound.RoleNotFound" or not err.get_request_id():
            fail("unexpected error for an unknown role: %s" % err)
    print("ok   an unknown role: ResourceNotFound.RoleNotFound with a RequestId")
    print("all checks passed")


if __name__ == "__main__":
    main()
