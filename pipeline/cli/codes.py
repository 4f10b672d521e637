"""Exit codes that cron (and the operator's mail) can tell apart."""

EXIT_OK = 0
EXIT_SOURCE_PROBLEM = 1  # at least one source failed or was silent too long; the others ran
EXIT_USAGE = 2  # bad arguments or configuration
EXIT_DB_LOCKED = 3  # the database stayed locked by another process past the wait time
