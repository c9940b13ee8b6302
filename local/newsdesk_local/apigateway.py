"""API Gateway (REST API, Lambda proxy integration) as the deployment defines it.

Everything comes from the AWS::ApiGateway::RestApi's OpenAPI Body, as the SAM transform wrote it and as
API Gateway imports it: the routes (paths and methods, each integrated with a function), which
authorizer guards a route (its `security`; a scheme the Body does not define, such as SAM's `NONE`, is
none), the Cognito authorizers, the gateway responses and the binary media types. The stage is the
AWS::ApiGateway::Stage of the API. A request becomes the proxy event API Gateway sends, the function's
proxy response becomes the HTTP response.
"""

from __future__ import annotations

import base64
import datetime as dt
import fnmatch
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from newsdesk_local.auth import CognitoAuthorizer, Unauthorized
from newsdesk_local.functions import FUNCTION_TYPE
from newsdesk_local.http_messages import HttpRequest, HttpResponse
from newsdesk_local.intrinsics import Resolver
from newsdesk_local.rehearsal import references
from newsdesk_local.routes import find_route
from newsdesk_local.runtime import Invocation
from newsdesk_local.template import Deployed

logger = logging.getLogger(__name__)

API_TYPE = "AWS::ApiGateway::RestApi"
STAGE_TYPE = "AWS::ApiGateway::Stage"
_ANY_METHOD = "x-amazon-apigateway-any-method"
_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch"}

# Gateway response types API Gateway itself answers with, their default status and message.
_GATEWAY_DEFAULTS = {
    "UNAUTHORIZED": (401, "Unauthorized"),
    "ACCESS_DENIED": (403, "User is not authorized to access this resource"),
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "Authorizer configuration error"),
    "DEFAULT_5XX": (502, "Internal server error"),
}


# ----- the API as the deployment defines it -----------------------------------------------------------


@dataclass(frozen=True)
class ApiRoute:
    resource: str  # e.g. /api/articles/{id}/{proxy+}
    method: str  # upper case, or ANY
    function: str  # logical id of the integrated function
    authorizer: str | None  # None: public


@dataclass(frozen=True)
class Authorizer:
    kind: str  # e.g. cognito_user_pools
    provider_arns: list[Any]  # unresolved, as in the Body
    header: str


@dataclass(frozen=True)
class GatewayResponse:
    status: int | None
    headers: dict[str, str]
    template: str | None


@dataclass
class RestApi:
    logical_id: str
    stage: str
    routes: list[ApiRoute] = field(default_factory=list)
    authorizers: dict[str, Authorizer] = field(default_factory=dict)
    gateway_responses: dict[str, GatewayResponse] = field(default_factory=dict)
    binary_media_types: list[str] = field(default_factory=list)

    def find(self, method: str, path: str) -> tuple[ApiRoute, dict[str, str]] | None:
        """The route API Gateway picks: the most specific resource, then its method (or ANY)."""
        return find_route(self.routes, method, path)


def rest_apis(deployed: Deployed) -> dict[str, RestApi]:
    """Every REST API of the deployment, from its OpenAPI Body."""
    functions = set(deployed.of_type(FUNCTION_TYPE))
    stages = {
        next(name for name, _ in references(stage["Properties"]["RestApiId"])): str(
            stage["Properties"]["StageName"]
        )
        for stage in deployed.of_type(STAGE_TYPE).values()
    }
    apis = {}
    for logical_id, resource in deployed.of_type(API_TYPE).items():
        props = resource.get("Properties") or {}
        body = props.get("Body")
        if not isinstance(body, dict):
            raise ValueError(f"{logical_id} has no OpenAPI Body; the local origin serves APIs from theirs")
        schemes = (
            (body.get("components") or {}).get("securitySchemes") or body.get("securityDefinitions") or {}
        )
        authorizers = {
            name: Authorizer(
                kind=str(scheme["x-amazon-apigateway-authorizer"].get("type", "")),
                provider_arns=list(scheme["x-amazon-apigateway-authorizer"].get("providerARNs") or []),
                header=str(scheme.get("name", "Authorization")),
            )
            for name, scheme in schemes.items()
            if "x-amazon-apigateway-authorizer" in scheme
        }
        routes = []
        for path, operations in (body.get("paths") or {}).items():
            for key, operation in operations.items():
                if key != _ANY_METHOD and key not in _HTTP_METHODS:
                    continue
                integration = operation.get("x-amazon-apigateway-integration") or {}
                function = next((n for n, _ in references(integration.get("uri")) if n in functions), None)
                if integration.get("type") != "aws_proxy" or function is None:
                    raise ValueError(f"{logical_id} {key} {path}: only Lambda proxy integrations are served")
                security = operation.get("security", body.get("security")) or [{}]
                authorizer = next((name for name in security[0] if name in schemes), None)
                method = "ANY" if key == _ANY_METHOD else key.upper()
                routes.append(ApiRoute(str(path), method, function, authorizer))
        binary = body.get("x-amazon-apigateway-binary-media-types") or props.get("BinaryMediaTypes") or []
        apis[logical_id] = RestApi(
            logical_id=logical_id,
            stage=stages.get(logical_id, ""),
            routes=routes,
            authorizers=authorizers,
            gateway_responses={
                kind: _gateway_response(spec)
                for kind, spec in (body.get("x-amazon-apigateway-gateway-responses") or {}).items()
            },
            binary_media_types=[str(t).replace("~1", "/") for t in binary],
        )
    return apis


def _gateway_response(spec: dict[str, Any]) -> GatewayResponse:
    headers = {}
    for name, value in (spec.get("responseParameters") or {}).items():
        text = str(value)
        header = name.removeprefix("gatewayresponse.header.")
        if header != name and len(text) >= 2 and text[0] == text[-1] == "'":  # static; others map the request
            headers[header] = text[1:-1]
    templates = spec.get("responseTemplates") or {}
    template = templates.get("application/json") or next(iter(templates.values()), None)
    status = spec.get("statusCode")
    return GatewayResponse(status=int(status) if status else None, headers=headers, template=template)


# ----- serving it ------------------------------------------------------------------------------------

Invoke = Callable[[str, dict[str, Any]], Invocation]


class ApiGateway:
    """One deployed stage of a REST API: authorizes, routes and invokes, in-process."""

    def __init__(
        self,
        api: RestApi,
        *,
        api_id: str,
        deployed: Deployed,
        invoke: Invoke,
        authorizers: Mapping[str, CognitoAuthorizer],
    ) -> None:
        self.api = api
        self.api_id = api_id
        self.deployed = deployed
        self.invoke = invoke
        self.authorizers = authorizers
        self.domain = f"{api_id}.execute-api.{deployed.region}.amazonaws.com"

    def handle(self, request: HttpRequest) -> HttpResponse:
        """`request.path` includes the stage, as on the execute-api domain: /live/api/..."""
        request_id = str(uuid.uuid4())
        prefix = f"/{self.api.stage}"
        if request.path != prefix and not request.path.startswith(prefix + "/"):
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", request_id)
        path = request.path[len(prefix) :] or "/"
        found = self.api.find(request.method, path)
        if found is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", request_id)
        route, params = found
        claims: dict[str, str] | None = None
        if route.authorizer is not None:
            authorizer = self.authorizers.get(route.authorizer)
            if authorizer is None:
                logger.error("authorizer %s is not emulated (only Cognito user pools are)", route.authorizer)
                return self.gateway_response("AUTHORIZER_CONFIGURATION_ERROR", request_id)
            try:
                claims = authorizer.authorize(request.header_map())
            except Unauthorized as exc:
                logger.info("401 %s %s: %s", request.method, path, exc)
                return self.gateway_response("UNAUTHORIZED", request_id)
        event = self.proxy_event(request, path, route, params, claims, request_id)
        invocation = self.invoke(route.function, event)
        if invocation.failed:
            logger.error(
                "%s failed: %s: %s\n%s",
                route.function,
                invocation.error_type,
                invocation.error_message,
                "".join(invocation.stack_trace),
            )
            return self.gateway_response("DEFAULT_5XX", request_id)
        response = proxy_response(invocation.payload)
        if response is None:
            logger.error("%s returned a malformed proxy response: %.300r", route.function, invocation.payload)
            return self.gateway_response("DEFAULT_5XX", request_id)
        response.headers += [("x-amzn-RequestId", request_id), ("x-amz-apigw-id", _short(request_id, 16))]
        return response

    # ----- the proxy event --------------------------------------------------------------------------

    def proxy_event(
        self,
        request: HttpRequest,
        path: str,
        route: ApiRoute,
        params: dict[str, str],
        claims: dict[str, str] | None,
        request_id: str,
    ) -> dict[str, Any]:
        headers: dict[str, str] = {}
        multi_headers: dict[str, list[str]] = {}
        for name, value in request.headers:
            key = next((k for k in multi_headers if k.lower() == name.lower()), name)
            multi_headers.setdefault(key, []).append(value)
            headers[key] = value
        query: dict[str, str] = {}
        multi_query: dict[str, list[str]] = {}
        for name, value in parse_qsl(request.query, keep_blank_values=True):
            multi_query.setdefault(name, []).append(value)
            query[name] = value
        body, is_base64 = self._body(request)
        now = dt.datetime.now(dt.UTC)
        identity: dict[str, Any] = dict.fromkeys(
            (
                "cognitoIdentityPoolId",
                "accountId",
                "cognitoIdentityId",
                "caller",
                "principalOrgId",
                "accessKey",
                "cognitoAuthenticationType",
                "cognitoAuthenticationProvider",
                "userArn",
                "user",
            )
        )
        identity["sourceIp"] = request.client_ip
        identity["userAgent"] = request.header("User-Agent")
        context: dict[str, Any] = {
            "resourceId": _short(route.resource, 6),
            "resourcePath": route.resource,
            "httpMethod": request.method,
            "extendedRequestId": base64.b64encode(uuid.UUID(request_id).bytes[:10]).decode(),
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/{self.api.stage}{path}",
            "accountId": self.deployed.account_id,
            "protocol": "HTTP/1.1",
            "stage": self.api.stage,
            "domainPrefix": self.api_id,
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id,
            "identity": identity,
            "domainName": self.domain,
            "deploymentId": _short(self.api_id + self.api.stage, 6),
            "apiId": self.api_id,
        }
        if claims is not None:
            context["authorizer"] = {"claims": claims}
        return {
            "resource": route.resource,
            "path": path,
            "httpMethod": request.method,
            "headers": headers or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": params or None,
            "stageVariables": None,
            "requestContext": context,
            "body": body,
            "isBase64Encoded": is_base64,
        }

    def _body(self, request: HttpRequest) -> tuple[str | None, bool]:
        if not request.body:
            return None, False
        content_type = (request.header("Content-Type") or "").split(";")[0].strip()
        binary = any(fnmatch.fnmatch(content_type, pattern) for pattern in self.api.binary_media_types)
        if not binary:
            try:
                return request.body.decode("utf-8"), False
            except UnicodeDecodeError:
                # API Gateway would mangle this; passing it base64-encoded keeps every byte.
                pass
        return base64.b64encode(request.body).decode(), True

    # ----- refusals ------------------------------------------------------------------------------

    def gateway_response(self, kind: str, request_id: str) -> HttpResponse:
        default_status, message = _GATEWAY_DEFAULTS[kind]
        family = "DEFAULT_5XX" if default_status >= 500 else "DEFAULT_4XX"
        spec = self.api.gateway_responses.get(kind) or self.api.gateway_responses.get(family)
        status = (spec.status if spec and spec.status else None) or default_status
        headers = {"Content-Type": "application/json", **(spec.headers if spec else {})}
        body = json.dumps({"message": message})
        if spec and spec.template is not None:
            body = _render(spec.template, kind=kind, message=message, request_id=request_id)
        response = HttpResponse(status=status, headers=list(headers.items()), body=body.encode())
        response.headers += [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", _error_type(kind))]
        return response


def _render(template: str, *, kind: str, message: str, request_id: str) -> str:
    """The few $context variables gateway response templates use."""
    values = {
        "$context.error.messageString": json.dumps(message),
        "$context.error.message": message,
        "$context.error.responseType": kind,
        "$context.requestId": request_id,
        "$context.extendedRequestId": request_id,
    }
    pattern = re.compile("|".join(re.escape(k) for k in sorted(values, key=len, reverse=True)))
    return pattern.sub(lambda m: values[m.group(0)], template)


def _error_type(kind: str) -> str:
    return {
        "UNAUTHORIZED": "UnauthorizedException",
        "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
        "ACCESS_DENIED": "AccessDeniedException",
    }.get(kind, "InternalServerErrorException")


def _short(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def proxy_response(payload: Any) -> HttpResponse | None:
    """The HTTP response of a Lambda proxy result, or None if API Gateway would call it malformed."""
    if not isinstance(payload, dict) or not isinstance(payload.get("statusCode"), int):
        return None
    headers: list[tuple[str, str]] = []
    for name, values in (payload.get("multiValueHeaders") or {}).items():
        headers += [(str(name), str(v)) for v in values or []]
    seen = {k.lower() for k, _ in headers}
    headers += [(str(k), str(v)) for k, v in (payload.get("headers") or {}).items() if k.lower() not in seen]
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    raw = payload.get("body")
    if raw is None:
        body = b""
    elif payload.get("isBase64Encoded"):
        try:
            body = base64.b64decode(str(raw))
        except ValueError:
            return None
    else:
        body = str(raw).encode("utf-8")
    return HttpResponse(status=payload["statusCode"], headers=headers, body=body)


def cognito_authorizers(api: RestApi, deployed: Deployed, endpoint: str) -> dict[str, CognitoAuthorizer]:
    """The API's Cognito authorizers, checking tokens against the emulator's user pools."""
    resolver = Resolver(deployed)
    out = {}
    for name, spec in api.authorizers.items():
        if spec.kind != "cognito_user_pools":
            logger.warning("authorizer %s of %s (%s) is not emulated", name, api.logical_id, spec.kind)
            continue
        pool_id = str(resolver.resolve(spec.provider_arns[0])).rsplit("/", 1)[-1]
        client_ids = [
            deployed.names[client]
            for client, res in deployed.of_type("AWS::Cognito::UserPoolClient").items()
            if resolver.resolve(res["Properties"]["UserPoolId"]) == pool_id
        ]
        out[name] = CognitoAuthorizer(
            endpoint=endpoint,
            region=deployed.region,
            user_pool_id=pool_id,
            client_ids=client_ids,
            header=spec.header,
        )
    return out
