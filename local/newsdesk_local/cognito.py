"""Sign in to the emulator's user pool: find the pool and its client, ensure a user, get real tokens.

The pool and client are found by the names template.yaml gives them (resolved for the local stack's
name), so `newsdesk token` needs nothing but the same NEWSDESK_* settings as `newsdesk dev`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from newsdesk_local.intrinsics import Resolver
from newsdesk_local.rehearsal import parameter_values
from newsdesk_local.template import Deployed, resources

EDITORS_GROUP = "editors"


class SignInError(RuntimeError):
    """The pool, its client or the user cannot be found or signed in."""


@dataclass(frozen=True)
class PoolNames:
    pool_logical_id: str
    pool_name: str
    client_name: str


def pool_names(template: dict[str, Any], stack_name: str, region: str = "us-east-1") -> PoolNames:
    """The names of the template's (first) user pool and of an app client of it, as deployed locally."""
    resolver = Resolver(Deployed(stack_name=stack_name, region=region), parameter_values(template, {}))
    pools = resources(template, "AWS::Cognito::UserPool")
    if not pools:
        raise SignInError("template.yaml has no AWS::Cognito::UserPool")
    pool_id, pool = next(iter(pools.items()))
    pool_name = (pool.get("Properties") or {}).get("UserPoolName")
    for client_id, client in resources(template, "AWS::Cognito::UserPoolClient").items():
        props = client.get("Properties") or {}
        if props.get("UserPoolId") == {"Ref": pool_id}:
            return PoolNames(
                pool_logical_id=pool_id,
                pool_name=str(resolver.resolve(pool_name)) if pool_name else f"{stack_name}-{pool_id}",
                client_name=str(resolver.resolve(props.get("ClientName") or client_id)),
            )
    raise SignInError(f"template.yaml has no AWS::Cognito::UserPoolClient for {pool_id}")


class UserPool:
    def __init__(self, cognito: Any, names: PoolNames) -> None:
        self.cognito = cognito
        self.pool_id = self._find_pool(names.pool_name)
        self.client_id = self._find_client(names.client_name)

    def _find_pool(self, name: str) -> str:
        for page in self.cognito.get_paginator("list_user_pools").paginate(MaxResults=60):
            for pool in page["UserPools"]:
                if pool["Name"] == name:
                    return str(pool["Id"])
        raise SignInError(f"no user pool named {name!r} in the emulator: is `newsdesk dev` running?")

    def _find_client(self, name: str) -> str:
        for page in self.cognito.get_paginator("list_user_pool_clients").paginate(
            UserPoolId=self.pool_id, MaxResults=60
        ):
            for client in page["UserPoolClients"]:
                if client["ClientName"] == name:
                    return str(client["ClientId"])
        raise SignInError(f"user pool {self.pool_id} has no app client named {name!r}")

    def ensure_user(self, email: str, password: str, groups: list[str]) -> None:
        """The user exists, confirmed, with this password, in exactly these groups."""
        cognito = self.cognito
        with contextlib.suppress(cognito.exceptions.UsernameExistsException):
            cognito.admin_create_user(
                UserPoolId=self.pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )
        cognito.admin_set_user_password(
            UserPoolId=self.pool_id, Username=email, Password=password, Permanent=True
        )
        current = {
            g["GroupName"]
            for g in cognito.admin_list_groups_for_user(UserPoolId=self.pool_id, Username=email)["Groups"]
        }
        for group in current - set(groups):
            cognito.admin_remove_user_from_group(UserPoolId=self.pool_id, Username=email, GroupName=group)
        for group in set(groups) - current:
            self._ensure_group(group)
            cognito.admin_add_user_to_group(UserPoolId=self.pool_id, Username=email, GroupName=group)

    def _ensure_group(self, group: str) -> None:
        try:
            self.cognito.get_group(UserPoolId=self.pool_id, GroupName=group)
        except self.cognito.exceptions.ResourceNotFoundException:
            self.cognito.create_group(UserPoolId=self.pool_id, GroupName=group)

    def sign_in(self, email: str, password: str) -> str:
        """The ID token of a USER_PASSWORD_AUTH sign-in against the pool's client."""
        result = self.cognito.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
        tokens = result.get("AuthenticationResult")
        if not tokens:
            raise SignInError(f"sign-in asked for a challenge instead: {result.get('ChallengeName')}")
        return str(tokens["IdToken"])


def id_token(cognito: Any, names: PoolNames, email: str, password: str, groups: list[str]) -> str:
    pool = UserPool(cognito, names)
    pool.ensure_user(email, password, groups)
    return pool.sign_in(email, password)
