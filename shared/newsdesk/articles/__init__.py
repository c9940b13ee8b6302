"""Articles: the newsroom's model of an article, its rules, and the editorial use cases.

`models` (the article, its tags and image, its render receipt, and the rules that change it), `errors`,
`ports` (what the use cases need from storage), `service` (create, revise, publish, unpublish, delete,
list). No I/O here: adapters implement the ports (newsdesk.adapters), routes call the service
(newsdesk.http).
"""
