"""Sample articles (samples/*.md: YAML front matter + Markdown body), created and published through the
API over HTTP like an editor would, their illustrations (samples/*.svg) put in the site bucket, and the
site's configuration (samples/site.yaml: description, sections menu, footer links).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import requests
import yaml

logger = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
MEDIA_PREFIX = "media/samples/"


def load_samples(site_url: str, directory: Path = SAMPLES_DIR) -> list[dict[str, Any]]:
    """The sample articles as POST /api/articles bodies; `{site_url}` in the front matter is filled in."""
    articles = []
    for path in sorted(directory.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        fields = yaml.safe_load(front.replace("{site_url}", site_url.rstrip("/")))
        articles.append({**fields, "body": body.strip() + "\n"})
    return articles


def upload_media(s3: Any, bucket: str, directory: Path = SAMPLES_DIR) -> list[str]:
    keys = []
    for path in sorted(directory.glob("*.svg")):
        key = MEDIA_PREFIX + path.name
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType="image/svg+xml",
            CacheControl="public, max-age=86400",
        )
        keys.append(key)
    return keys


def configure_site(
    api_url: str, token: str, path: Path = SAMPLES_DIR / "site.yaml", timeout: float = 10
) -> int:
    """Save the sample site's configuration (samples/site.yaml) over the current one, keeping its name;
    the configuration's new version."""
    wanted = yaml.safe_load(path.read_text(encoding="utf-8"))
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {token}"
        current = http.get(f"{api_url}/site", timeout=timeout)
        current.raise_for_status()
        body = {"name": current.json()["name"], **wanted}
        saved = http.put(
            f"{api_url}/site", json=body, headers={"If-Match": current.headers["ETag"]}, timeout=timeout
        )
        saved.raise_for_status()
        return int(saved.json()["version"])


def publish_samples(
    api_url: str, token: str, articles: list[dict[str, Any]], timeout: float = 10
) -> list[str]:
    """Create and publish each article through the API; the public URLs."""
    urls = []
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {token}"
        for article in articles:
            created = http.post(f"{api_url}/articles", json=article, timeout=timeout)
            created.raise_for_status()
            article_id = created.json()["id"]
            published = http.post(
                f"{api_url}/articles/{article_id}/publish",
                headers={"If-Match": created.headers["ETag"]},
                timeout=timeout,
            )
            published.raise_for_status()
            urls.append(str(published.json()["url"]))
    return urls


def table_is_empty(dynamodb: Any, table_name: str) -> bool:
    return not dynamodb.scan(TableName=table_name, Limit=1, Select="COUNT")["Count"]
