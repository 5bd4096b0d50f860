"""The engine's one wing for other libraries' internals: nothing here acts on import.

Each module touches one library's private or version-pinned behaviour, and each has its
own test module under ``tests/engine/test_pin_*.py`` that fails first, with a clear
message, when the pin moves (CONTRIBUTING, "When a pin moves"):

- ``citeproc_internals``: memos of citeproc-py's answers about a style tree, put in place
  by ``installed()`` around each formatting run and taken out after it.
- ``markdown_internals``: Python-Markdown's raw-HTML stash (its placeholders) and MkDocs'
  treeprocessors that the reference lists reach through the ``Markdown`` instance.
- ``zensical_internals``: the ``sys.excepthook`` that prints an input problem's message
  when Zensical ends its run with the traceback as text; set only on such a failure.
"""
