"""The redrive assembled from its settings: the site's adapters (as the renderer has them), the two
dead-letter queues, the comment queue and the table's stream. The RedriveFunction and `newsdesk redrive`
both run it."""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.adapters.dynamodb.stream import StreamHistory, TableStream
from newsdesk.adapters.sqs import DeadLetters, SqsQueue
from newsdesk.batch.redrive import RedriveReport, redrive
from newsdesk.wiring.settings import RedriveSettings
from newsdesk.wiring.site import Site


@dataclass
class Redrive:
    site: Site
    render_queue: DeadLetters
    comment_queue: DeadLetters
    comments_target: SqsQueue
    history: StreamHistory

    @classmethod
    def from_settings(cls, settings: RedriveSettings) -> Redrive:
        return cls(
            site=Site.from_settings(settings),
            render_queue=DeadLetters(settings.render_dead_letter_queue_url),
            comment_queue=DeadLetters(settings.comments_dead_letter_queue_url),
            comments_target=SqsQueue(settings.comments_queue_url),
            history=StreamHistory(),
        )

    def run(self) -> RedriveReport:
        return redrive(
            render_queue=self.render_queue,
            history=self.history,
            publisher=self.site.publisher,
            reader=TableStream(),
            comment_queue=self.comment_queue,
            comments_target=self.comments_target,
        )
