"""An author profile saved by editors reaches readers through the table's stream: the renderer's event
filter (template.yaml) lets the profile's record through, and the author's page is rendered again."""

from __future__ import annotations

import json
from typing import Any

from newsdesk.adapters.dynamodb.authors import AuthorStore
from newsdesk.articles import authors
from newsdesk_local.filters import compile_filters
from newsdesk_local.template import load_template
from tests.render.conftest import Pipeline, lambda_stream_record
from tests.render.dom import parse_html


def renderer_records(pipeline: Pipeline) -> list[dict[str, Any]]:
    """Every record on the stream that the renderer's event source mapping would deliver."""
    event = load_template()["Resources"]["RendererFunction"]["Properties"]["Events"]["ArticleChanges"]
    keep = compile_filters(event["Properties"]["FilterCriteria"])
    streams, arn = pipeline.streams, pipeline.stream_arn
    found: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        found += [
            lambda_stream_record(r, arn) for r in streams.get_records(ShardIterator=iterator)["Records"]
        ]
    return [r for r in json.loads(json.dumps(found, default=str)) if keep(r)]


def test_a_saved_profile_re_renders_the_authors_page(pipeline: Pipeline) -> None:
    # Given a live story by Asha Menon, rendered: her page shows her name only
    pipeline.create_published(headline="Cyclone nears the coast", authors=["Asha Menon"], tags=["Weather"])
    pipeline.render()
    before = parse_html(pipeline.body("authors/asha-menon/index.html"))
    assert before.find_all("p", class_="bio") == []

    # When an editor saves her profile and the renderer gets the stream's new records
    store = AuthorStore(pipeline.table, pipeline.ddb)
    authors.put_author(
        store, "asha-menon", {"name": "Asha Menon", "bio": "Covers the coast."}, expected_version=None
    )
    profile_records = [
        r for r in renderer_records(pipeline) if r["dynamodb"]["Keys"]["PK"]["S"] == "AUTHOR#asha-menon"
    ]
    assert len(profile_records) == 1  # the filter lets the profile's record through
    pipeline.clear_calls()
    response = pipeline.render(profile_records)

    # Then her page (and only her pages) was rendered again, with the bio
    assert response == {"batchItemFailures": []}
    after = parse_html(pipeline.body("authors/asha-menon/index.html"))
    assert after.find("p", class_="bio").text == "Covers the coast."
    assert set(pipeline.uploaded) <= {"authors/asha-menon/index.html", "authors/asha-menon/feed.xml"}
    assert "authors/asha-menon/index.html" in pipeline.uploaded
