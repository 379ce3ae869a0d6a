"""Writes of sales programs, by sub-domain: the terms (``terms``), who is in a program
(``memberships``), and what the nightly run measured (``measures``)."""
