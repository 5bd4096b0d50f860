"""A citation engine for Python-Markdown: Pandoc citation syntax, CSL styles, BibTeX in.

It knows nothing of any one site: headings, labels, download names and the cache folder are
options of the Markdown extension (``citation_engine.markdown_extension``), which
Python-Markdown finds by its entry point name, ``citation_engine``.
"""
