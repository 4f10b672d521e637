"""Test-only replica tooling for the crawler tests: a child-process crawl with a JSONL sink."""
