"""The public site: pages rendered from articles (and their approved comments), published to the
bucket and the CDN, incrementally per change or all at once (a full rebuild)."""
