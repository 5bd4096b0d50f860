"""Time builds side by side: ours, plain Material, mkdocs-bibtex and Zensical.

Runs are interleaved (one of each variant per round) so drift on the machine hits all of
them alike, and the median of the rounds is reported with the peak memory of the build
process. mkdocs-bibtex lives in a virtual environment of its own under benchmarks/work/.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from benchmarks.generate import SiteSpec, write_project

REPO: Final = Path(__file__).resolve().parent.parent
WORK: Final = REPO / "benchmarks" / "work"
BIBTEX_VENV: Final = WORK / "venv-bibtex"
VARIANTS: Final = ("ours", "plain", "bibtex", "zensical")
# Ours again with the cache folder emptied first: the first build after cloning.
COLD: Final = "cold"
BIBTEX_PACKAGES: Final = ("mkdocs==1.6.1", "mkdocs-material==9.8.1", "mkdocs-bibtex==4.4.0")


@dataclass
class Timing:
    """Every run of one variant at one size."""

    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.seconds)

    @property
    def cpu(self) -> float:
        """Median CPU time (user and system, worker processes included) in seconds."""
        return statistics.median(self.cpu_seconds)

    @property
    def peak(self) -> float:
        """Largest peak resident memory seen, in MB."""
        return max(self.peak_mb)


def ensure_bibtex_venv() -> Path:
    """Create the mkdocs-bibtex environment once; return its Python."""
    python = BIBTEX_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BIBTEX_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *BIBTEX_PACKAGES], check=True)
    return python


def measure(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Run a build; return wall seconds, peak resident memory in MB and CPU seconds.

    The peak is the largest of the build process and any worker it waited for; CPU time
    adds up all of them (the kernel folds reaped descendants into the child's usage).
    """
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {cwd}:\n{stderr[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def build_command(variant: str, project: Path, bibtex_python: Path) -> list[str]:
    """The command that builds one variant of a project."""
    out = str(project / "site")
    if variant == "zensical":
        return [sys.executable, "-m", "zensical", "build", "--clean"]
    python = str(bibtex_python) if variant == "bibtex" else sys.executable
    return [python, "-m", "mkdocs", "build", "--quiet", "--clean", "--site-dir", out]


def prepare(spec: SiteSpec) -> dict[str, Path]:
    """Write the four projects for one size."""
    projects = {}
    for variant in VARIANTS:
        root = WORK / f"p{spec.pages}-e{spec.entries}-{variant}"
        shutil.rmtree(root, ignore_errors=True)
        projects[variant] = write_project(root, spec, variant, REPO)
    return projects


def run_size(spec: SiteSpec, rounds: int, bibtex_python: Path) -> dict[str, Timing]:
    """Interleaved rounds for one size: each round builds every variant, then ours cold.

    The first build of ours fills the cache and is not counted; each cold build empties the
    project's cache folder (formatting and scan caches) first.
    """
    projects = prepare(spec)
    measure(build_command("ours", projects["ours"], bibtex_python), projects["ours"])
    timings = {variant: Timing() for variant in (*VARIANTS, COLD)}
    for _ in range(rounds):
        for variant in (*VARIANTS, COLD):
            project = projects["ours" if variant == COLD else variant]
            if variant == COLD:
                shutil.rmtree(project / ".citation-cache", ignore_errors=True)
            command = build_command("ours" if variant == COLD else variant, project, bibtex_python)
            seconds, peak, cpu = measure(command, project)
            timings[variant].seconds.append(seconds)
            timings[variant].peak_mb.append(peak)
            timings[variant].cpu_seconds.append(cpu)
            print(
                f"  {spec.pages:>5} pages {spec.entries:>5} entries {variant:<9} "
                f"{seconds:7.2f} s {cpu:7.2f} s CPU {peak:6.0f} MB",
                flush=True,
            )
    return timings


def time_check_command(rounds: int = 5) -> float:
    """Median wall time of ``python -m alliance_site check`` on the real bibliography."""
    command = [sys.executable, "-m", "alliance_site", "check"]
    return statistics.median(measure(command, REPO)[0] for _ in range(rounds))
