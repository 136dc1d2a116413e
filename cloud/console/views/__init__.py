"""The ops console's pages, one module per subject (urls.py names them)."""
