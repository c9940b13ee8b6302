"""Settings per function: one model each, read from the environment once by the function's app.py, and
validated there. Missing or malformed settings fail at cold start with a message naming the variable.

The comment intake's settings are not here: they are a dataclass (newsdesk.wiring.comment_intake), since
pydantic would be most of that function's cold start.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from newsdesk.comments.retention import DEFAULT_PERSONAL_DATA_DAYS
from newsdesk.http.origin import MIN_SECRET_LENGTH, parse_secrets

if TYPE_CHECKING:
    from newsdesk.articles.models import RevisionRetention
    from newsdesk.http.previews import PreviewSite


class SettingsError(RuntimeError):
    """The function's environment is missing or has a malformed setting."""


class _Settings(BaseModel):
    """Settings read from environment variables named like the fields, upper-cased.

    (pydantic-settings does the same, at several times the import cost on a cold start.)
    """

    # defer_build: each function reads one settings class; the others never pay for their validators.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Self:
        env = os.environ if environ is None else environ
        values = {name: env[name.upper()] for name in cls.model_fields if name.upper() in env}
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{str((err['loc'] or ('settings',))[0]).upper()}: {err['msg']}"
                for err in exc.errors(include_url=False)
            )
            raise SettingsError(f"{cls.__name__} is not configured: {problems}") from None


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


TimeZoneName = Annotated[str, Field(min_length=1), AfterValidator(_known_zone)]


PersonalDataDays = Annotated[
    int, Field(ge=1, le=3650, description="Days a spam or rejected comment keeps its sender's email and IP.")
]


class _RevisionSettings(_Settings):
    """How long the article store keeps saved versions: every function that saves articles keeps them
    the same way."""

    revisions_keep: int = Field(default=100, ge=1, le=10_000, description="Saved versions kept per article.")
    revisions_max_age_days: int = Field(
        default=0, ge=0, le=36_500, description="Saved versions expire after this many days; 0: never."
    )

    @property
    def revisions(self) -> RevisionRetention:
        from newsdesk.articles.models import RevisionRetention

        return RevisionRetention(keep=self.revisions_keep, days=self.revisions_max_age_days or None)


class _BehindTheOrigin(BaseModel):
    """Settings of a function behind the API: the origin secrets (X-Origin-Verify) it accepts."""

    origin_secrets: str = Field(
        min_length=MIN_SECRET_LENGTH, description="Comma-separated values of X-Origin-Verify the API accepts."
    )

    @field_validator("origin_secrets")
    @classmethod
    def _secrets(cls, value: str) -> str:
        parse_secrets(value)
        return value

    @property
    def accepted_origin_secrets(self) -> tuple[str, ...]:
        return parse_secrets(self.origin_secrets)


class EditorApiSettings(_RevisionSettings, _BehindTheOrigin):
    table_name: str = Field(min_length=3, max_length=255)
    comments_personal_data_days: PersonalDataDays = DEFAULT_PERSONAL_DATA_DAYS
    site_timezone: TimeZoneName = Field(description="IANA zone for dates in URLs and pages.")
    comments_data_key_id: str | None = Field(
        default=None, min_length=1, description="KMS key of commenters' emails and IPs (moderators see them)."
    )
    schedule_group: str | None = Field(
        default=None, min_length=1, max_length=64, description="EventBridge Scheduler group of the stack."
    )
    scheduled_action_arn: str | None = Field(
        default=None, pattern=r"^arn:", description="The function a due schedule invokes."
    )
    scheduler_role_arn: str | None = Field(
        default=None, pattern=r"^arn:", description="The role EventBridge Scheduler invokes it with."
    )
    site_bucket: str | None = Field(
        default=None, min_length=3, max_length=63, description="Where images are uploaded (POST /api/media)."
    )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site_timezone)

    @model_validator(mode="after")
    def _scheduler_complete(self) -> Self:
        given = [self.schedule_group, self.scheduled_action_arn, self.scheduler_role_arn]
        if any(given) and not all(given):
            raise ValueError("SCHEDULE_GROUP, SCHEDULED_ACTION_ARN and SCHEDULER_ROLE_ARN go together")
        return self


class PreviewSiteSettings(_Settings):
    """How previews render: the site's name, time zone, language and "Updated" rule (its public origin
    is the request's), and the KMS HMAC key of share links (PreviewLinkKey)."""

    site_name: str = Field(min_length=1, max_length=100)
    site_timezone: TimeZoneName
    site_language: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    updated_label_after_minutes: int = Field(default=30, ge=0, le=10_080)
    preview_link_key_id: str | None = Field(
        default=None, min_length=1, description="KMS HMAC key of share links (the editor API: GenerateMac)."
    )

    def preview_site(self) -> PreviewSite:
        import datetime as dt

        from newsdesk.http.previews import PreviewSite

        return PreviewSite(
            name=self.site_name,
            tz=ZoneInfo(self.site_timezone),
            language=self.site_language,
            updated_after=dt.timedelta(minutes=self.updated_label_after_minutes),
        )


class PreviewSettings(PreviewSiteSettings, _BehindTheOrigin):
    """The preview function's: it reads articles and verifies share links, nothing else."""

    table_name: str = Field(min_length=3, max_length=255)
    preview_link_key_id: str = Field(min_length=1, description="KMS HMAC key of share links (VerifyMac).")


class ScheduledActionSettings(_RevisionSettings):
    table_name: str = Field(min_length=3, max_length=255)
    site_timezone: TimeZoneName

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site_timezone)


class SiteSettings(_Settings):
    """How the public site looks from outside: name, absolute URL, time zone, language."""

    site_name: str = Field(min_length=1, max_length=100)
    site_url: str = Field(pattern=r"^https?://[^/\s]+(/[^\s]*)?$", description="Absolute, no trailing slash.")
    site_timezone: TimeZoneName
    site_language: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

    @field_validator("site_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site_timezone)


def _empty_is_none(value: str | None) -> str | None:
    return value or None


IndexNowKey = Annotated[
    str | None,
    BeforeValidator(_empty_is_none),
    Field(default=None, pattern=r"^[A-Za-z0-9-]{8,128}$", description="IndexNow key (served at /{key}.txt)."),
]
HttpsUrl = Annotated[
    str | None, BeforeValidator(_empty_is_none), Field(default=None, pattern=r"^https?://\S+$")
]


class _DiscoverySettings(_Settings):
    """Instant discovery (newsdesk.site.discovery); an empty value turns its service off."""

    indexnow_key: IndexNowKey = None
    websub_hub: HttpsUrl = None  # feeds declare it; the announcer notifies it


class RendererSettings(SiteSettings, _DiscoverySettings):
    table_name: str = Field(min_length=3, max_length=255)
    site_bucket: str = Field(min_length=3, max_length=63)
    distribution_id: str = Field(min_length=1)
    comments_mac_key_id: str | None = Field(
        default=None, min_length=1, description="KMS HMAC key that signs the comment form's token."
    )
    comments_open_days: int = Field(default=14, ge=0, le=3650, description="0 closes comments everywhere.")
    updated_label_after_minutes: int = Field(
        default=30, ge=0, le=10_080, description='"Updated" shows for changes this long after publication.'
    )
    invalidate_edits: bool = Field(
        default=False,
        description="Invalidate an article page for every edit, not only for a correction or a takedown.",
    )
    announce_queue_url: HttpsUrl = None  # where the renderer leaves each batch's announcement
    rebuild_queue_url: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="Where a change of the site's configuration sends a full rebuild (the renderer's).",
    )


class RedriveSettings(RendererSettings):
    """The renderer's settings, and the dead-letter queues a redrive empties and where comments go again."""

    render_dead_letter_queue_url: str = Field(pattern=r"^https?://")
    comments_dead_letter_queue_url: str = Field(pattern=r"^https?://")
    comments_queue_url: str = Field(pattern=r"^https?://")


class RebuildSettings(_Settings):
    table_name: str = Field(min_length=3, max_length=255)
    rebuild_queue_url: str = Field(pattern=r"^https?://")
    site_timezone: TimeZoneName

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.site_timezone)


class AnnouncerSettings(_DiscoverySettings):
    indexnow_endpoint: HttpsUrl = None


class CommentWorkerSettings(_Settings):
    table_name: str = Field(min_length=3, max_length=255)
    comments_data_key_id: str = Field(min_length=1, description="KMS key that encrypts emails and IPs.")
    comments_auto_approve_returning: bool = False
    comments_blocklist: str = Field(default="", max_length=65_536)
    comments_personal_data_days: PersonalDataDays = DEFAULT_PERSONAL_DATA_DAYS


class CommentRetentionSettings(_Settings):
    table_name: str = Field(min_length=3, max_length=255)


class MediaSettings(_Settings):
    """The renditions function: the table of media items and the bucket uploads arrive in."""

    table_name: str = Field(min_length=3, max_length=255)
    site_bucket: str = Field(min_length=3, max_length=63)
