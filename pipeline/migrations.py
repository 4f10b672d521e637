"""Ordered schema migrations for the Pantau DuckDB file.

Each migration is ``(version, name, sql)``. They are applied in order, each in its own
transaction, and recorded in ``schema_migrations``; a file made by an older Pantau opens
and upgrades without data loss because migrations only ever add (tables, columns, views)
or rewrite views. Never edit a released migration: append a new one.

The SQL lives in this module (not in ``.sql`` files) so it ships with the ``pipeline``
package without extra package-data configuration.
"""

from __future__ import annotations

# 1: the tables. Keys are chosen so every write can be idempotent (see pipeline/store.py).
_M1_TABLES = """
CREATE TABLE IF NOT EXISTS sources (
    id            VARCHAR PRIMARY KEY,
    name          VARCHAR,
    base_url      VARCHAR,
    province      VARCHAR,
    region        VARCHAR,
    enabled       BOOLEAN,
    expected_days INTEGER,
    updated_at    TIMESTAMP
);

CREATE TABLE IF NOT EXISTS crawl_runs (
    run_id           VARCHAR NOT NULL,
    source_id        VARCHAR NOT NULL,
    started_at       TIMESTAMP,
    finished_at      TIMESTAMP,
    status           VARCHAR,
    requests         INTEGER,
    pages            INTEGER,
    new_articles     INTEGER,
    changed_articles INTEGER,
    errors           INTEGER,
    errors_by_kind   JSON,
    status_counts    JSON,
    duration_s       DOUBLE,
    finish_reason    VARCHAR,
    message          VARCHAR,
    PRIMARY KEY (run_id, source_id)
);

CREATE TABLE IF NOT EXISTS pages (
    id              VARCHAR PRIMARY KEY,
    run_id          VARCHAR,
    source          VARCHAR,
    url             VARCHAR,
    canonical_url   VARCHAR,
    status          INTEGER,
    headers         JSON,
    body            BLOB,
    body_size       BIGINT,
    content_hash    VARCHAR,
    compression     VARCHAR,
    fetched_at      TIMESTAMP,
    last_fetched_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS articles (
    id                VARCHAR PRIMARY KEY,
    canonical_url     VARCHAR NOT NULL,
    url               VARCHAR,
    source            VARCHAR,
    title             VARCHAR,
    published         DATE,
    author            VARCHAR,
    location          VARCHAR,
    credit            VARCHAR,
    text              VARCHAR,
    language          VARCHAR,
    content_hash      VARCHAR,
    version           INTEGER,
    first_seen        TIMESTAMP,
    last_seen         TIMESTAMP,
    extractor_version VARCHAR,
    extra             JSON
);

CREATE TABLE IF NOT EXISTS article_versions (
    article_id        VARCHAR NOT NULL,
    version           INTEGER NOT NULL,
    content_hash      VARCHAR,
    title             VARCHAR,
    text              VARCHAR,
    published         DATE,
    extractor_version VARCHAR,
    fetched_at        TIMESTAMP,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE IF NOT EXISTS article_topics (
    article_id    VARCHAR NOT NULL,
    topic         VARCHAR NOT NULL,
    probability   DOUBLE,
    label         BOOLEAN,
    evidence      STRUCT(term VARCHAR, weight DOUBLE)[],
    model_version VARCHAR,
    classified_at TIMESTAMP,
    PRIMARY KEY (article_id, topic)
);

CREATE TABLE IF NOT EXISTS errors (
    id     VARCHAR PRIMARY KEY,
    run_id VARCHAR,
    source VARCHAR,
    url    VARCHAR,
    stage  VARCHAR,
    reason VARCHAR,
    occurred_at TIMESTAMP
);
"""

# 2: views for the common questions, plus a key-value table for store bookkeeping.
_M2_VIEWS = """
CREATE TABLE IF NOT EXISTS store_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE OR REPLACE VIEW v_article_topics AS
SELECT a.id AS article_id, a.source, s.name AS source_name, s.province, s.region,
       a.title, a.published,
       strftime(coalesce(a.published, CAST(a.first_seen AS DATE)), '%Y-%m') AS month,
       a.url, a.canonical_url,
       t.topic, t.probability, t.label, t.evidence, t.model_version, t.classified_at
FROM articles a
JOIN article_topics t ON t.article_id = a.id
LEFT JOIN sources s ON s.id = a.source;

CREATE OR REPLACE VIEW v_articles_labelled AS
SELECT a.id, a.source, s.name AS source_name, s.province, s.region,
       a.title, a.published,
       strftime(coalesce(a.published, CAST(a.first_seen AS DATE)), '%Y-%m') AS month,
       a.author, a.location, a.credit, a.language, a.url, a.canonical_url, a.text,
       a.first_seen, a.last_seen, a.version, a.extractor_version,
       coalesce(list(t.topic ORDER BY t.topic) FILTER (WHERE t.label), []) AS topics,
       max(t.model_version) AS model_version
FROM articles a
LEFT JOIN article_topics t ON t.article_id = a.id
LEFT JOIN sources s ON s.id = a.source
GROUP BY ALL;

CREATE OR REPLACE VIEW v_topic_counts AS
SELECT source, source_name, province, region, topic, month,
       count(*) FILTER (WHERE label) AS articles,
       count(*) AS classified,
       avg(probability) AS mean_probability
FROM v_article_topics
GROUP BY ALL;

CREATE OR REPLACE VIEW v_latest_run_health AS
SELECT s.id AS source_id, s.name AS source_name, s.province, s.region, s.enabled,
       s.expected_days,
       r.run_id, r.started_at, r.finished_at, r.status, r.requests, r.pages,
       r.new_articles, r.changed_articles, r.errors, r.errors_by_kind, r.status_counts,
       r.duration_s, r.finish_reason, r.message,
       (SELECT max(a.first_seen) FROM articles a WHERE a.source = s.id) AS last_new_article_at,
       date_diff('day',
                 (SELECT max(a.first_seen) FROM articles a WHERE a.source = s.id),
                 current_timestamp::TIMESTAMP) AS days_since_new_article,
       coalesce(date_diff('day',
                          (SELECT max(a.first_seen) FROM articles a WHERE a.source = s.id),
                          current_timestamp::TIMESTAMP) > s.expected_days, TRUE) AS overdue
FROM sources s
LEFT JOIN (
    SELECT * FROM crawl_runs
    QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY started_at DESC) = 1
) r ON r.source_id = s.id;
"""

# 3: what the crawler needs to resume and to crawl incrementally: other URL forms of a
# stored page (redirects, rel=canonical), its sitemap lastmod, and whether a source's run
# completed (only then may the next run stop paging early) with its robots.txt decisions.
_M3_CRAWL_STATE = """
ALTER TABLE pages ADD COLUMN IF NOT EXISTS aliases JSON;
ALTER TABLE pages ADD COLUMN IF NOT EXISTS lastmod VARCHAR;
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS complete BOOLEAN;
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS article_requests INTEGER;
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS robots JSON;
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS discovery JSON;
"""

# 4: the threshold each decision was made at, so `label` can be read next to `probability`
# (thresholds differ per topic and per model version).
_M4_TOPIC_THRESHOLD = """
ALTER TABLE article_topics ADD COLUMN IF NOT EXISTS threshold DOUBLE;

CREATE OR REPLACE VIEW v_article_topics AS
SELECT a.id AS article_id, a.source, s.name AS source_name, s.province, s.region,
       a.title, a.published,
       strftime(coalesce(a.published, CAST(a.first_seen AS DATE)), '%Y-%m') AS month,
       a.url, a.canonical_url,
       t.topic, t.probability, t.label, t.evidence, t.model_version, t.classified_at,
       t.threshold
FROM articles a
JOIN article_topics t ON t.article_id = a.id
LEFT JOIN sources s ON s.id = a.source;
"""

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "tables", _M1_TABLES),
    (2, "views_and_meta", _M2_VIEWS),
    (3, "crawl_state", _M3_CRAWL_STATE),
    (4, "topic_threshold", _M4_TOPIC_THRESHOLD),
]
