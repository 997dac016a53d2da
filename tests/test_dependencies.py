"""A production install (`pip install .`, `make install`, `make run`) gets what the application
needs and no test tool; `make test` adds the tools from the `dev` extra."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Never needed to serve a page: the test runner, the browser and its checks, fuzzing, linting,
# the test SMTP server and the parsers that read our .ics and PDF output back.
TEST_TOOLS = {"pytest", "playwright", "axe-playwright-python", "hypothesis", "bandit", "aiosmtpd", "ical", "pypdf"}


def _names(requirements) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in requirements}


def _locked(file_name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / file_name).read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)", line.strip())
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def test_the_dev_extra_holds_every_test_tool_and_the_runtime_none():
    runtime = _names(PYPROJECT["project"]["dependencies"])
    dev = _names(PYPROJECT["project"]["optional-dependencies"]["dev"])
    assert TEST_TOOLS <= dev
    assert not runtime & TEST_TOOLS


def test_the_installed_distribution_requires_no_test_tool_without_its_extra():
    """What `pip install .` reads: the Requires-Dist lines without an `extra ==` marker."""
    requires = distribution("clas-local").requires or []
    unconditional = [line for line in requires if "extra ==" not in line]
    assert unconditional, "the distribution declares no dependency: is it installed (make install)?"
    assert not _names(unconditional) & TEST_TOOLS


def test_the_runtime_lock_holds_no_test_tool_and_agrees_with_the_dev_lock():
    runtime, dev = _locked("requirements.lock"), _locked("requirements-dev.lock")
    assert not set(runtime) & TEST_TOOLS
    assert TEST_TOOLS <= set(dev)
    # Same versions in both: `make test` adds tools, it never changes what the application runs on.
    assert {name: dev.get(name) for name in runtime} == runtime
    assert _names(PYPROJECT["project"]["dependencies"]) <= set(runtime)
