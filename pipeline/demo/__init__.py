"""The embedded demo: replica regional news sites served on 127.0.0.1."""
