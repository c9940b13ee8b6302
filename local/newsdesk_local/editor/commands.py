"""The editor commands of `newsdesk`: login, new, push, import, list, show, publish, unpublish, schedule,
correct, revisions, restore, submit, preview, comments and site, over the editor API of the local stack
(default) or of a deployed stack (--stack NAME or NEWSDESK_STACK).

Human-readable output by default (times in the site's zone); --json prints the API's JSON for scripts.
Errors print as `error: <title>: <detail>` on stderr; exit codes: 1 the API refused (4xx) or failed, 2 a
usage mistake, 3 the stack cannot be reached.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdesk.articles.slugs import slugify
from newsdesk.clock import utc_now
from newsdesk_local.cli import Argument, arg, subcommand
from newsdesk_local.editor import output
from newsdesk_local.editor.client import EXIT_USAGE, CommandError, EditorClient
from newsdesk_local.editor.markdown_files import FrontMatterError, read_article_file, remember_id
from newsdesk_local.editor.session import TokenCache, TokenSource, cache_dir, sign_in, sign_in_local_editor
from newsdesk_local.editor.sync import Saved, save
from newsdesk_local.editor.targets import Target, resolve_target
from newsdesk_local.settings import LocalSettings

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
STACK = arg(
    "--stack",
    default=None,
    metavar="NAME",
    help="A deployed CloudFormation stack (default: NEWSDESK_STACK, else the local stack).",
)
JSON = arg("--json", action="store_true", help="Print the API's JSON instead of text (for scripts).")


class UsageError(CommandError):
    exit_code = EXIT_USAGE


class NoSuchSlug(CommandError):
    pass


@dataclass
class Editor:
    """What an editor command works with: its arguments, where it goes, and the API client."""

    args: argparse.Namespace
    settings: LocalSettings
    target: Target
    client: EditorClient

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def emit(self, document: Any, human: Callable[[], str]) -> None:
        if self.json:
            print(json.dumps(document, indent=2, ensure_ascii=False), flush=True)
        else:
            print(human(), flush=True)

    def note(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def article_id(self, reference: str) -> str:
        """An article id, given an id or a slug."""
        if ULID.match(reference):
            return reference
        for article in self.client.all_articles():
            if article["slug"] == reference:
                return str(article["id"])
        raise NoSuchSlug(f"Not Found: no article has the id or slug {reference!r}")

    def current_etag(self, article_id: str) -> str:
        """The ETag of the article's stored version, for a change that needs If-Match."""
        current = self.client.article(article_id)
        return current.etag or f'"{current.body["version"]}"'


EditorCommand = Callable[[Editor], int]


def editor_command(
    name: str, help: str, *arguments: Argument, json_output: bool = True
) -> Callable[[EditorCommand], EditorCommand]:
    """Register an editor command: it gets --stack (and --json), a target and a client, and its
    CommandErrors end it with their message and exit code."""

    def register(run: EditorCommand) -> EditorCommand:
        options = (*arguments, STACK, *((JSON,) if json_output else ()))

        @subcommand(name, help, *options)
        @functools.wraps(run)
        def command(args: argparse.Namespace, settings: LocalSettings) -> int:
            try:
                target = resolve_target(settings, args.stack)
                token = TokenSource(target, TokenCache(cache_dir()), fixed=settings.token)
                return run(Editor(args, settings, target, EditorClient(target.api_url, token)))
            except CommandError as exc:
                print(f"error: {exc.message()}", file=sys.stderr, flush=True)
                return exc.exit_code
            except FrontMatterError as exc:
                print(f"error: {exc}", file=sys.stderr, flush=True)
                return 1

        return run

    return register


# ----- login ----------------------------------------------------------------------------------------


@editor_command(
    "login",
    "Sign in to the stack's user pool and cache the token (in $XDG_CACHE_HOME/newsdesk/, mode 0600) for the "
    "other editor commands. On the local stack, with neither --email nor --password-stdin, signs in as the "
    "local editor (NEWSDESK_EDITOR_EMAIL), created if need be.",
    arg("--email", default=None, help="Your user name (an email address); asked for if not given."),
    arg("--password-stdin", action="store_true", help="Read the password from stdin (for scripts)."),
    json_output=False,
)
def login(editor: Editor) -> int:
    args, target = editor.args, editor.target
    if target.is_local and not args.email and not args.password_stdin:
        signed_in = sign_in_local_editor(target)
    else:
        if not args.email and args.password_stdin:
            # stdin carries the password: the email cannot be asked for as well
            raise UsageError("--password-stdin needs --email")
        try:
            email = args.email or input("Email: ").strip()
        except EOFError:
            raise UsageError("no email given (use --email)") from None
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(f"Password for {email}: ")
        if not email or not password:
            raise UsageError("an email and a password are needed")
        signed_in = sign_in(target, email, password)
    path = TokenCache(cache_dir()).save(target.cache_key, signed_in)
    expires = output.local_time(signed_in.expires_at.isoformat(), target.site_tz)
    editor.note(f"Signed in to {target.name} as {signed_in.email} (token cached in {path}, until {expires}).")
    return 0


@editor_command("logout", "Forget the cached sign-in to the stack.", json_output=False)
def logout(editor: Editor) -> int:
    forgotten = TokenCache(cache_dir()).forget(editor.target.cache_key)
    editor.note(
        f"Signed out of {editor.target.name}." if forgotten else f"Not signed in to {editor.target.name}."
    )
    return 0


# ----- new, push, import ----------------------------------------------------------------------------

FILE_HELP = (
    "FILE.md: Markdown with YAML front matter (headline, summary, tags, source, dateline, authors, "
    "section, image {url, alt, caption} or {media: ID} (see `newsdesk media upload`), publish_at; "
    "optional slug, expire_at, embargo_until). "
    "The article's id is written back into the file's front matter as `id:`, so the next push "
    "updates the same article."
)


def _print_saved(editor: Editor, saved: Saved) -> None:
    article = saved.article

    def human() -> str:
        lines = [output.article_summary(article)]
        if saved.scheduled or article["status"] == "scheduled":
            lines.append(
                f"scheduled for {output.local_time(article.get('publish_at'), editor.target.site_tz)}"
            )
        return "\n".join(lines)

    editor.emit(article, human)


def _remember(editor: Editor, path: Path, article_id: str, had: str | None) -> None:
    if had != article_id:
        remember_id(path, article_id)
        editor.note(f"{path}: id {article_id} written into the front matter")


@editor_command(
    "new",
    "Create a draft from FILE.md (scheduled if its publish_at is in the future); prints its id, slug, "
    "status and version. " + FILE_HELP,
    arg("file", type=Path, metavar="FILE.md"),
)
def new(editor: Editor) -> int:
    file = read_article_file(editor.args.file)
    if file.id:
        raise UsageError(
            f"{editor.args.file} already names article {file.id}: use `newsdesk push` to update it"
        )
    saved = save(editor.client, file, now=utc_now(), by_slug=lambda _slug: None, create_only=True)
    _remember(editor, editor.args.file, saved.article["id"], file.id)
    _print_saved(editor, saved)
    return 0


@editor_command(
    "push",
    "Create or update the article of FILE.md: found by the file's id, else by its slug; an update sends "
    "only what changed, with If-Match from a fresh read (412 if someone else changed it meanwhile). "
    "Scheduled after saving if its publish_at is in the future. " + FILE_HELP,
    arg("file", type=Path, metavar="FILE.md"),
)
def push(editor: Editor) -> int:
    file = read_article_file(editor.args.file)
    saved = save(editor.client, file, now=utc_now(), by_slug=_slug_lookup(editor))
    _remember(editor, editor.args.file, saved.article["id"], file.id)
    if saved.found_by == "slug":
        editor.note(f"{editor.args.file}: the article with slug {saved.article['slug']} ({saved.action})")
    else:
        editor.note(f"{editor.args.file}: {saved.action}")
    _print_saved(editor, saved)
    return 0


def _slug_lookup(editor: Editor) -> Callable[[str], str | None]:
    def lookup(slug: str) -> str | None:
        try:
            return editor.article_id(slug)
        except NoSuchSlug:
            return None

    return lookup


@editor_command(
    "import",
    "Save every *.md file of DIR as an article, idempotently by slug (the file's `slug`, else its file "
    "name): new slugs are created, existing articles are updated only if the file differs, the rest are "
    "unchanged. One bad file never stops the others; exit code 1 if any failed. Files are not rewritten.",
    arg("directory", type=Path, metavar="DIR"),
)
def import_(editor: Editor) -> int:
    from tqdm import tqdm

    directory: Path = editor.args.directory
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a directory")
    paths = sorted(directory.glob("*.md"))
    slugs = {a["slug"]: a["id"] for a in editor.client.all_articles()}
    now = utc_now()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    failures: list[tuple[Path, str]] = []
    results: list[dict[str, Any]] = []
    quiet = editor.json or not sys.stderr.isatty()
    for path in tqdm(paths, desc="import", unit="file", disable=quiet, file=sys.stderr):
        try:
            file = read_article_file(path)
            saved = save(editor.client, file, now=now, by_slug=slugs.get, default_slug=slugify(path.stem))
        except FrontMatterError as exc:
            failures.append((path, exc.reason))
            results.append({"file": str(path), "outcome": "failed", "error": exc.reason})
        except CommandError as exc:
            if exc.exit_code == 3:
                raise
            failures.append((path, exc.message()))
            results.append({"file": str(path), "outcome": "failed", "error": exc.message()})
        else:
            counts[saved.action] += 1
            results.append({"file": str(path), "outcome": saved.action, "article": saved.article})
            continue
        counts["failed"] += 1

    def human() -> str:
        lines = [
            f"{len(paths)} files: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed"
        ]
        lines += [f"  {path.name}: {reason}" for path, reason in failures]
        return "\n".join(lines)

    editor.emit(results, human)
    return 1 if failures else 0


# ----- list, show -----------------------------------------------------------------------------------


@editor_command(
    "list",
    "List articles, most recently updated first.",
    arg("--status", default=None, choices=["draft", "review", "scheduled", "published", "unpublished"]),
    arg("--tag", default=None, help="Only articles with this tag."),
    arg("--all", action="store_true", help="Every page, not just the first."),
    arg("--limit", type=int, default=20, help="Articles per page (1 to 100)."),
)
def list_(editor: Editor) -> int:
    args = editor.args
    if args.all:
        items = list(editor.client.all_articles(status=args.status, tag=args.tag))
        editor.emit(items, lambda: output.articles_table(items, editor.target.site_tz))
        return 0
    page = editor.client.list_articles(status=args.status, tag=args.tag, limit=args.limit)

    def human() -> str:
        text = output.articles_table(page["items"], editor.target.site_tz)
        return text + ("\n(more: add --all)" if page.get("next_cursor") else "")

    editor.emit(page, human)
    return 0


@editor_command(
    "show",
    "Show an article with its render receipt: whether its pages are live, since when, and its URL.",
    arg("article", metavar="ID|SLUG"),
)
def show(editor: Editor) -> int:
    article = editor.client.article(editor.article_id(editor.args.article)).body
    editor.emit(
        article, lambda: output.article_detail(article, editor.target.site_tz, editor.target.site_url)
    )
    return 0


# ----- publish, unpublish, schedule, submit, correct ------------------------------------------------


def _state_change(editor: Editor, article: dict[str, Any]) -> None:
    def human() -> str:
        text = output.article_summary(article)
        if article.get("url"):
            text += f"\nurl: {output.public_url(article, editor.target.site_url)}"
        if article["status"] == "scheduled":
            text += f"\npublish at: {output.local_time(article.get('publish_at'), editor.target.site_tz)}"
            if article.get("expire_at"):
                text += f"\nexpires: {output.local_time(article.get('expire_at'), editor.target.site_tz)}"
        return text

    editor.emit(article, human)


@editor_command("publish", "Publish an article now.", arg("article", metavar="ID|SLUG"))
def publish(editor: Editor) -> int:
    _state_change(editor, editor.client.publish(editor.article_id(editor.args.article)).body)
    return 0


@editor_command("unpublish", "Take a published article down.", arg("article", metavar="ID|SLUG"))
def unpublish(editor: Editor) -> int:
    _state_change(editor, editor.client.unpublish(editor.article_id(editor.args.article)).body)
    return 0


def _moment(value: str) -> str:
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give an offset, e.g. 2027-01-05T07:00:00+05:30")
    return moment.isoformat()


@editor_command(
    "schedule",
    "Schedule (or reschedule) a publish at --at, and an expiry at --expire; or --cancel it (the article "
    "is a draft again).",
    arg("article", metavar="ID|SLUG"),
    arg("--at", type=_moment, default=None, metavar="ISO", help="When to publish (with an offset)."),
    arg("--expire", type=_moment, default=None, metavar="ISO", help="When to take it down again."),
    arg("--cancel", action="store_true", help="Cancel the scheduled publish."),
)
def schedule(editor: Editor) -> int:
    args = editor.args
    if args.cancel == bool(args.at) or (args.cancel and args.expire):
        raise UsageError("give either --at ISO [--expire ISO] or --cancel")
    article_id = editor.article_id(args.article)
    if args.cancel:
        article = editor.client.cancel_schedule(article_id).body
    else:
        article = editor.client.schedule(article_id, args.at, args.expire).body
    _state_change(editor, article)
    return 0


@editor_command(
    "submit",
    "Submit a draft for review (a writer's step before an editor publishes).",
    arg("article", metavar="ID|SLUG"),
)
def submit(editor: Editor) -> int:
    # The API requires If-Match here (a submit freezes what the writer saw): the current version's ETag.
    article_id = editor.article_id(editor.args.article)
    _state_change(editor, editor.client.submit(article_id, editor.current_etag(article_id)).body)
    return 0


@editor_command(
    "correct",
    "Append a correction, clarification or editor's note to a published article.",
    arg("article", metavar="ID|SLUG"),
    arg("text", help="Plain text shown to readers as written."),
    arg("--type", default="correction", choices=["correction", "clarification", "editors_note"]),
)
def correct(editor: Editor) -> int:
    article = editor.client.correct(
        editor.article_id(editor.args.article), editor.args.type, editor.args.text
    ).body
    editor.emit(
        article, lambda: output.article_detail(article, editor.target.site_tz, editor.target.site_url)
    )
    return 0


@editor_command(
    "preview",
    "Make a share link to read the article as it would be published, without an account; prints the URL.",
    arg("article", metavar="ID|SLUG"),
    arg("--expires-in", type=int, default=None, metavar="SECONDS", help="How long the link works."),
)
def preview(editor: Editor) -> int:
    link = editor.client.preview_link(editor.article_id(editor.args.article), editor.args.expires_in).body

    def human() -> str:
        return output.fields(
            [
                ("url", str(link["url"])),
                ("expires", output.local_time(link.get("expires_at"), editor.target.site_tz)),
            ]
        )

    editor.emit(link, human)
    return 0


# ----- revisions, restore ---------------------------------------------------------------------------


@editor_command(
    "revisions",
    "List an article's saved versions, or --show one (its body, or --diff against the current version).",
    arg("article", metavar="ID|SLUG"),
    arg("--show", type=int, default=None, metavar="VERSION"),
    arg("--diff", action="store_true", help="With --show: what differs in the current version."),
)
def revisions(editor: Editor) -> int:
    args = editor.args
    if args.diff and args.show is None:
        raise UsageError("--diff goes with --show VERSION")
    article_id = editor.article_id(args.article)
    tz = editor.target.site_tz
    if args.show is not None:
        revision = editor.client.revision(article_id, args.show).body
        editor.emit(revision, lambda: output.revision_detail(revision, tz, diff=args.diff))
        return 0
    listing = editor.client.revisions(article_id).body
    cursor = listing.get("next_cursor")
    while cursor:
        page = editor.client.revisions(article_id, cursor).body
        listing["items"] += page["items"]
        cursor = listing["next_cursor"] = page.get("next_cursor")
    editor.emit(listing, lambda: output.revisions_table(listing, tz))
    return 0


@editor_command(
    "restore",
    "Restore a saved version as a new version (If-Match from a fresh read).",
    arg("article", metavar="ID|SLUG"),
    arg("version", type=int),
)
def restore(editor: Editor) -> int:
    article_id = editor.article_id(editor.args.article)
    article = editor.client.restore(article_id, editor.args.version, editor.current_etag(article_id)).body
    editor.note(f"version {editor.args.version} restored as version {article['version']}")
    _state_change(editor, article)
    return 0


# ----- comments -------------------------------------------------------------------------------------


@editor_command(
    "comments",
    "The moderation queue: `comments` lists (pending by default); `comments approve|reject|spam|pending "
    "ID...` moderates.",
    arg("action", nargs="?", default="list", choices=["list", "approve", "reject", "spam", "pending"]),
    arg("ids", nargs="*", metavar="ID"),
    arg("--status", default="pending", choices=["pending", "approved", "rejected", "spam"]),
    arg("--article", default=None, metavar="ID|SLUG", help="Only this article's comments."),
    arg("--all", action="store_true", help="Every page, not just the first."),
)
def comments(editor: Editor) -> int:
    args = editor.args
    tz = editor.target.site_tz
    if args.action == "list":
        if args.ids:
            raise UsageError("`comments` lists; to moderate: comments approve|reject|spam|pending ID...")
        article_id = editor.article_id(args.article) if args.article else None
        page = editor.client.comments(status=args.status, article_id=article_id)
        if args.all:
            items = list(page["items"])
            while page.get("next_cursor"):
                page = editor.client.comments(
                    status=args.status, article_id=article_id, cursor=page["next_cursor"]
                )
                items += page["items"]
            editor.emit(items, lambda: output.comments_table(items, tz))
            return 0
        editor.emit(
            page,
            lambda: (
                output.comments_table(page["items"], tz)
                + ("\n(more: add --all)" if page.get("next_cursor") else "")
            ),
        )
        return 0
    if not args.ids:
        raise UsageError(f"name the comments to {args.action}: comments {args.action} ID...")
    status = {"approve": "approved", "reject": "rejected", "spam": "spam", "pending": "pending"}[args.action]
    result = editor.client.moderate(list(args.ids), status)
    editor.emit(result, lambda: output.moderation_table(result["results"]))
    return 0 if all(r["status"] < 400 for r in result["results"]) else 1


# ----- uploaded images ---------------------------------------------------------------------------------

UPLOAD_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@editor_command(
    "media",
    "Upload an image: `newsdesk media upload FILE --alt TEXT`. Waits until its renditions are made and "
    "prints its id, which an article's front matter names as `image: {media: ID}`.",
    arg("action", choices=["upload"], help="What to do (upload)."),
    arg("file", metavar="FILE", type=Path, help="A JPEG, PNG or WebP file."),
    arg("--alt", required=True, help="Text alternative of the image (required)."),
    arg("--caption", default=None, help="Caption shown under it."),
    arg("--credit", default=None, help="Who made it, e.g. the photographer."),
    arg("--wait", type=float, default=120.0, help="Seconds to wait for its renditions (default 120)."),
)
def media(editor: Editor) -> int:
    import time

    args = editor.args
    path: Path = args.file
    content_type = UPLOAD_TYPES.get(path.suffix.lower())
    if content_type is None:
        raise UsageError(f"{path.name}: upload a JPEG, PNG or WebP file (.jpg, .jpeg, .png, .webp)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    asked = editor.client.ask_upload(
        {
            "content_type": content_type,
            "size": len(data),
            "alt": args.alt,
            "caption": args.caption,
            "credit": args.credit,
            "filename": path.name[:100],
        }
    ).body
    editor.client.send_upload(asked["upload"], path.name, data, content_type)
    editor.note(f"uploaded {path.name} ({len(data)} bytes) as {asked['id']}; making its renditions ...")
    deadline = time.monotonic() + args.wait
    item = editor.client.media(asked["id"]).body
    while item["status"] == "processing" and time.monotonic() < deadline:
        time.sleep(0.5)
        item = editor.client.media(asked["id"]).body
    if item["status"] == "failed":
        raise CommandError(f"{path.name} could not be used: {item.get('reason') or 'no reason given'}")
    if item["status"] != "ready":
        raise CommandError(f"{asked['id']} is still processing after {args.wait:.0f} s; check it later")

    def human() -> str:
        notes = "".join(f"\nnote: {note}" for note in item.get("notes") or [])
        return f"{item['id']}\n{item['width']}x{item['height']}, {len(item['renditions'])} renditions{notes}"

    editor.emit(item, human)
    return 0


# ----- the site's configuration ---------------------------------------------------------------------

SITE_FIELDS = ("name", "description", "logo", "sections", "footer_links", "social_profiles", "default_image")
CLEARABLE = ("description", "logo", "sections", "footer_links", "social_profiles", "default_image")


def _section(value: str) -> dict[str, str]:
    """`--section NAME` or `--section NAME=SLUG`."""
    name, _, slug = value.partition("=")
    if not name.strip():
        raise argparse.ArgumentTypeError(f"a section needs a name: {value!r}")
    return {"name": name.strip(), **({"slug": slug.strip()} if slug.strip() else {})}


def _footer_link(value: str) -> dict[str, str]:
    """`--footer-link LABEL=URL`."""
    label, equals, url = value.partition("=")
    if not equals or not label.strip() or not url.strip():
        raise argparse.ArgumentTypeError(f"give LABEL=URL, e.g. About=/about/: {value!r}")
    return {"label": label.strip(), "url": url.strip()}


def _site_text(site: dict[str, Any], tz: Any) -> str:
    sections = ", ".join(f"{s['name']} (/section/{s['slug']}/)" for s in site.get("sections") or [])
    footer = "\n".join(f"{link['label']}: {link['url']}" for link in site.get("footer_links") or [])
    return output.fields(
        [
            ("name", str(site["name"])),
            ("description", str(site.get("description") or "")),
            ("logo", str(site.get("logo") or "")),
            ("sections", sections),
            ("footer links", footer),
            ("social", "\n".join(site.get("social_profiles") or [])),
            ("default image", str(site.get("default_image") or "")),
            ("lead story", str(site.get("lead_article_id") or "(the newest)")),
            ("version", str(site["version"])),
            ("updated", output.local_time(site.get("updated_at"), tz) if site.get("updated_at") else ""),
        ]
    )


@editor_command(
    "site",
    "The site's configuration: `site show`; `site set` changes only the options given (a repeated option "
    "replaces the whole list; --clear FIELD empties one); `site pin ID|SLUG` makes a published article the "
    "front page's lead story; `site unpin` leads with the newest again. Changes send If-Match from a "
    "fresh read (412 if someone else changed it meanwhile).",
    arg("action", nargs="?", default="show", choices=["show", "set", "pin", "unpin"]),
    arg("article", nargs="?", default=None, metavar="ID|SLUG", help="With pin: the lead story."),
    arg("--name", default=None, help="The site's name."),
    arg("--description", default=None, help="One or two sentences about the site."),
    arg("--logo", default=None, metavar="URL", help="An https URL or a path of the site."),
    arg("--default-image", default=None, metavar="URL", help="Shown when an article has no image."),
    arg("--section", type=_section, action="append", default=None, metavar="NAME[=SLUG]"),
    arg("--footer-link", type=_footer_link, action="append", default=None, metavar="LABEL=URL"),
    arg("--social", action="append", default=None, metavar="URL", help="A social profile (https)."),
    arg(
        "--clear", action="append", default=[], choices=CLEARABLE, metavar="FIELD", help=", ".join(CLEARABLE)
    ),
)
def site(editor: Editor) -> int:
    args = editor.args
    tz = editor.target.site_tz
    if args.article is not None and args.action != "pin":
        raise UsageError(f"`site {args.action}` takes no article (only `site pin ID|SLUG` does)")
    changes = {
        "name": args.name,
        "description": args.description,
        "logo": args.logo,
        "default_image": args.default_image,
        "sections": args.section,
        "footer_links": args.footer_link,
        "social_profiles": args.social,
    }
    given = {k: v for k, v in changes.items() if v is not None}
    if args.action != "set" and (given or args.clear):
        raise UsageError(f"`site {args.action}` takes no options (use `site set`)")
    current = editor.client.site()
    etag = current.etag or f'"{current.body["version"]}"'
    if args.action == "show":
        answer = current
    elif args.action == "set":
        if not given and not args.clear:
            raise UsageError("give something to change, e.g. site set --name NAME --section World")
        body = {k: current.body.get(k) for k in SITE_FIELDS}
        for name in args.clear:
            body[name] = "" if name == "description" else [] if isinstance(body[name], list) else None
        for name, value in given.items():
            # An empty --logo or --default-image clears it.
            body[name] = (value or None) if name in ("logo", "default_image") else value
        answer = editor.client.put_site(body, etag)
    elif args.action == "pin":
        if args.article is None:
            raise UsageError("name the lead story: site pin ID|SLUG")
        answer = editor.client.pin_lead(editor.article_id(args.article), etag)
    else:
        answer = editor.client.unpin_lead(etag)
    editor.emit(answer.body, lambda: _site_text(answer.body, tz))
    return 0
