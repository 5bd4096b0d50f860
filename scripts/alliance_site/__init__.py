"""This site's own tooling: its command line, link checks, CSP, figures and house style.

It builds on ``citation_engine`` and never the other way round.
"""
