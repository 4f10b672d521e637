"""``python -m pipeline.cli`` = ``pantau``."""

from pipeline.cli import main

main()
