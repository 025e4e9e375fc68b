"""The read side: every list, the board, home and search, the rows they show, and the caches (see cache.py)."""
