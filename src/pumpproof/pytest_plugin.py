"""A pytest plugin: a firmware team runs pumpproof's properties inside its own test suite.

``pytest --pumpproof-target "cmd:./build/pump --json"`` collects one test per property
(``-k`` selects them, ``--junitxml`` reports them like any other test). The selected tests
share one ``check`` campaign on the target — the same directed scenarios, Hypothesis fuzzing
and runtime monitors as ``pumpproof check``, watching only the selected properties — so a
failing test shows what ``check`` prints: the property, its requirements, the sentence with
the numbers, the saved trace and the command that replays it.

Registered under the ``pytest11`` entry point, so pytest loads it in every environment where
pumpproof is installed; without ``--pumpproof-target`` it adds no tests and imports nothing
of pumpproof beyond this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pumpproof.campaigns.check import CheckResult
    from pumpproof.properties.observer import Property
    from pumpproof.spec import Spec

__all__ = ["PropertyItem", "PropertyViolation"]

_STATE = pytest.StashKey["_Campaign"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pumpproof", "pumpproof safety properties on a pump target")
    group.addoption("--pumpproof-target", metavar="TARGET",
                    help="check this target (cmd:COMMAND, py:module:Factory or reference): "
                         "one test per property")
    group.addoption("--pumpproof-budget", type=float, default=30.0, metavar="SECONDS",
                    help="seconds for the whole campaign, shared by the selected properties "
                         "(default 30)")
    group.addoption("--pumpproof-seed", type=int, default=0, metavar="N",
                    help="Hypothesis seed of the campaign (default 0)")
    group.addoption("--pumpproof-profile", choices=("ci", "thorough"), default="ci",
                    help="Hypothesis profile: ci (20 examples a round) or thorough")
    group.addoption("--pumpproof-timeout", type=float, default=5.0, metavar="SECONDS",
                    help="seconds per request before the target counts as hung (default 5)")
    group.addoption("--pumpproof-spec", metavar="DIR", help="spec directory (default: built-in)")
    group.addoption("--pumpproof-properties", action="append", default=[], metavar="MODULE",
                    help="also check the properties of this module or .py file (repeatable); "
                         "installed plugins load on their own")
    group.addoption("--pumpproof-out", default="pumpproof-pytest", metavar="DIR",
                    help="where the evidence and the counterexample traces go "
                         "(default pumpproof-pytest)")


class PropertyViolation(Exception):
    """A property failed on the target; its text is the finding (what ``check`` prints)."""


@dataclass
class _Campaign:
    """The one campaign the selected property tests share (run by the first of them)."""

    spec: Spec
    target: str
    config: pytest.Config
    result: CheckResult | None = None
    error: str | None = None
    findings: dict[str, str] = field(default_factory=dict)

    def run(self, session: pytest.Session) -> None:
        from pumpproof.campaigns.check import CheckOptions, run_check
        from pumpproof.campaigns.evidence import TARGET_FAILURE_TRACE
        from pumpproof.campaigns.junit import check_suite, junit_text
        from pumpproof.commands.verify_cmd import write_outputs
        from pumpproof.errors import PumpproofError
        from pumpproof.files import jsonl, write_atomic

        ids = tuple(dict.fromkeys(item.prop.id for item in session.items
                                  if isinstance(item, PropertyItem)))
        option = self.config.getoption
        options = CheckOptions(target=self.target, budget_s=option("pumpproof_budget"),
                               seed=option("pumpproof_seed"),
                               timeout_s=option("pumpproof_timeout"),
                               profile=option("pumpproof_profile"), properties=ids)
        out = self.out
        try:
            self.result = run_check(self.spec, options)
        except PumpproofError as exc:
            self.error = str(exc)
            return
        evidence = self.result.evidence
        write_outputs(out, evidence, self.result.seconds,
                      junit_text([check_suite(evidence, False)]))
        failure = self.result.target.failure
        if failure is not None and failure.trace:
            write_atomic(out / TARGET_FAILURE_TRACE, jsonl(failure.trace))
        self.findings = self._explain()

    @property
    def out(self) -> Path:
        return Path(self.config.getoption("pumpproof_out"))

    def _explain(self) -> dict[str, str]:
        """The finding lines of each violation, replayed for its sentence (as ``check``)."""
        from pumpproof.campaigns.evidence import counterexample_name
        from pumpproof.commands._findings import explain_trace, finding_lines, replay_command
        from pumpproof.properties.verdicts import Method

        assert self.result is not None
        option = self.config.getoption
        timeout = option("pumpproof_timeout")
        spec_dir = option("pumpproof_spec")
        findings = {}
        for item in self.result.evidence.properties:
            trace = self.result.outcome.violations.get(item.prop.id)
            if not trace:
                continue
            path = self.out / counterexample_name(item.prop.id, Method.FUZZ)
            replayed = explain_trace(self.spec, self.target, timeout, trace)
            match = next((v for v in replayed.violations if v.prop.id == item.prop.id), None)
            why_not = (None if replayed.failure is None else
                       f"the target failed when the saved trace was replayed: {replayed.failure}")
            lines = finding_lines(match, item.prop.id, item.prop.requirements, path,
                                  replay_command(path, self.target, spec_dir, timeout),
                                  why_not=why_not)
            findings[item.prop.id] = "\n".join(lines)
        return findings


class PropertyItem(pytest.Item):
    """One property watched on the target: passes unless the campaign saw it violated."""

    def __init__(self, *, prop: Property, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prop = prop
        self.user_properties.append(("requirements", ", ".join(prop.requirements)))
        self.user_properties.append(("title", prop.title))

    def runtest(self) -> None:
        campaign = self.session.stash[_STATE]
        if campaign.result is None and campaign.error is None:
            campaign.run(self.session)
        reqs = ", ".join(self.prop.requirements)
        if campaign.error is not None:
            raise PropertyViolation(f"{self.prop.id} [{reqs}]: pumpproof could not check the "
                                    f"target: {campaign.error}")
        assert campaign.result is not None
        failure = campaign.result.target.failure
        if failure is not None and failure.message:
            raise PropertyViolation(
                f"{self.prop.id} [{reqs}]: TARGET FAILURE (a crash or hang stops insulin): "
                f"{failure.message}\n  trace:  {campaign.out / 'counterexamples'}")
        if self.prop.id in campaign.findings:
            raise PropertyViolation(campaign.findings[self.prop.id])

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, PropertyViolation):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return Path("pumpproof"), 0, f"{self.prop.id}: {self.prop.title}"


class _TargetCollector(pytest.Collector):
    """The parent of the property tests of one target (the first part of their node ids)."""

    def collect(self) -> list[pytest.Item | pytest.Collector]:
        return []


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Add one test per property, before ``-k`` and ``-m`` deselect among them."""
    target = config.getoption("pumpproof_target")
    if not target:
        return
    from pumpproof.campaigns.verify import check_links
    from pumpproof.errors import PumpproofError
    from pumpproof.properties.catalogue import add_property_modules, observer_properties
    from pumpproof.spec import load_spec

    try:
        spec = load_spec(config.getoption("pumpproof_spec"))
        add_property_modules(config.getoption("pumpproof_properties"))
        properties = observer_properties()
        check_links(spec, properties)
    except PumpproofError as exc:
        raise pytest.UsageError(f"pumpproof: {exc}") from None
    session.stash[_STATE] = _Campaign(spec, target, config)
    # Node ids ``pumpproof::P-…`` (JUnit classname ``pumpproof``, name the property id).
    parent = _TargetCollector.from_parent(session, name="pumpproof", nodeid="pumpproof")
    items.extend(PropertyItem.from_parent(parent, name=prop.id, prop=prop)
                 for prop in properties)
