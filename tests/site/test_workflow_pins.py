"""Every GitHub Action the workflows run is pinned to a commit, not a movable tag.

A tag such as ``v4`` can be moved to other code by whoever controls the action's repository;
a commit SHA cannot. The comment after each pin names the release, so a person updating it
knows what it was (the SHAs were read from the actions' own repositories' release tags).
"""

from __future__ import annotations

import re

from tests.conftest import ROOT

USES_RE = re.compile(r"^\s*-?\s*uses:\s*(\S+)(.*)$", re.MULTILINE)
PINNED_RE = re.compile(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}")


def test_every_remote_action_is_pinned_to_a_commit_with_its_release_named() -> None:
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    remote = 0
    for workflow in workflows:
        for action, rest in USES_RE.findall(workflow.read_text(encoding="utf-8")):
            if action.startswith("./"):
                continue  # a workflow of this repository, pinned by the commit itself
            remote += 1
            assert PINNED_RE.fullmatch(action), f"{workflow.name}: {action} is not pinned"
            assert re.search(r"#\s*v\d+(\.\d+)*", rest), (
                f"{workflow.name}: {action} names no release"
            )
    assert remote >= 1
