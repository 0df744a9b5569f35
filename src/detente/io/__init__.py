"""Readers (files in) and formatters (records out)."""
