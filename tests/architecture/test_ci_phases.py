"""``.ci/phases`` runs every phase even after one fails, reports each, and fails the run."""

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_phases(tmp_path: Path, *phases: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / ".ci").mkdir()
    shutil.copy(REPO / ".ci" / "phases", tmp_path / ".ci" / "phases")
    (tmp_path / "Makefile").write_text(
        "broken:\n\t@echo breaking; exit 3\nfine:\n\t@echo fine > fine.txt\n"
    )
    return subprocess.run(
        ["bash", str(tmp_path / ".ci" / "phases"), *phases],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_failed_phase_does_not_stop_the_next_and_fails_the_run(tmp_path: Path) -> None:
    result = run_phases(tmp_path, "broken", "fine")
    assert result.returncode == 1
    assert (tmp_path / "fine.txt").exists()  # the phase after the failure ran
    summary = result.stdout.split("=== summary ===")[1]
    assert "broken" in summary and "FAILED (exit 2)" in summary
    assert "fine" in summary and " ok " in summary
    assert "breaking" in (tmp_path / ".ci" / "logs" / "broken.log").read_text()


def test_all_phases_passing_pass_the_run(tmp_path: Path) -> None:
    result = run_phases(tmp_path, "fine")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every phase passed" in result.stdout


def test_phases_joined_by_plus_run_at_the_same_time_and_report_each(tmp_path: Path) -> None:
    # "slow" waits for a file that only "quick" writes: one after the other it would hang.
    (tmp_path / ".ci").mkdir()
    shutil.copy(REPO / ".ci" / "phases", tmp_path / ".ci" / "phases")
    (tmp_path / "Makefile").write_text(
        "slow:\n\t@for i in $$(seq 100); do [ -f go ] && break; sleep 0.1; done;"
        " [ -f go ] && echo slow-saw-go\n"
        "quick:\n\t@touch go; echo quick-line\n"
        "broken:\n\t@echo breaking; exit 3\n"
    )
    result = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "phases"), "slow+quick+broken"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    summary = result.stdout.split("=== summary ===")[1]
    assert "slow" in summary and "quick" in summary and "FAILED (exit 2)" in summary
    assert summary.count(" ok ") == 2
    # Each log is printed whole under its own header, never interleaved with another's.
    slow_part = result.stdout.split("=== phase: slow")[1].split("=== phase:")[0]
    assert "slow-saw-go" in slow_part and "quick-line" not in slow_part
    assert "breaking" in (tmp_path / ".ci" / "logs" / "broken.log").read_text()
