"""The one JUnit XML writer, and the JUnit views of evidence.

Every ``junit.xml`` pumpproof writes (``verify``, ``check``, the bundle's report) is a
list of :class:`JUnitSuite` values rendered by :func:`junit_text`.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pumpproof.properties.evidence import NOT_EXERCISED_FAILURE, Evidence
from pumpproof.properties.verdicts import Verdict

__all__ = ["JUnitCase", "JUnitSuite", "check_suite", "evidence_suite", "junit_text"]

Outcome = Literal["failure", "error", "skipped", "system-out"]


@dataclass(frozen=True)
class JUnitCase:
    classname: str
    name: str
    outcome: Outcome | None = None  # None: passed, nothing to say
    message: str | None = None  # the outcome element's ``message`` attribute
    text: str | None = None  # the outcome element's text


@dataclass(frozen=True)
class JUnitSuite:
    name: str
    cases: tuple[JUnitCase, ...]
    tests: int | None = None  # default: the number of cases
    with_skipped: bool = True  # write the ``skipped`` count

    @property
    def failures(self) -> int:
        return sum(case.outcome == "failure" for case in self.cases)

    @property
    def errors(self) -> int:
        return sum(case.outcome == "error" for case in self.cases)

    @property
    def skipped(self) -> int:
        return sum(case.outcome == "skipped" for case in self.cases)


def _suite(parent: ET.Element | None, suite: JUnitSuite) -> ET.Element:
    attributes = {"name": suite.name,
                  "tests": str(len(suite.cases) if suite.tests is None else suite.tests),
                  "failures": str(suite.failures)}
    if suite.errors:
        attributes["errors"] = str(suite.errors)
    if suite.with_skipped:
        attributes["skipped"] = str(suite.skipped)
    node = (ET.Element("testsuite", attributes) if parent is None
            else ET.SubElement(parent, "testsuite", attributes))
    for case in suite.cases:
        element = ET.SubElement(node, "testcase", classname=case.classname, name=case.name)
        if case.outcome is not None:
            outcome = ET.SubElement(element, case.outcome)
            if case.message is not None:
                outcome.set("message", case.message)
            if case.text is not None:
                outcome.text = case.text
    return node


def junit_text(suites: Sequence[JUnitSuite], root: str | None = None) -> str:
    """One ``<testsuite>`` as the document, or with ``root`` a ``<testsuites name=root>``."""
    if root is None:
        (only,) = suites
        document = _suite(None, only)
    else:
        document = ET.Element("testsuites", name=root)
        for suite in suites:
            _suite(document, suite)
    ET.indent(document)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(document, encoding="unicode")
            + "\n")


def _trace(requests: Sequence[object]) -> str:
    return "\n".join(json.dumps(m, sort_keys=True) for m in requests)


def _evidence_cases(evidence: Evidence) -> list[JUnitCase]:
    """One testcase per property and method; violations carry the counterexample."""
    cases = []
    for item in evidence.properties:
        for result in item.results:
            if result.verdict is Verdict.VIOLATED:
                requirements = ", ".join(item.prop.requirements)
                text = (f"{item.prop.title}\nrequirements: {requirements}\n"
                        f"{_trace(result.counterexample or [])}")
                case = JUnitCase(item.prop.id, result.method.value, "failure",
                                 f"{item.prop.id}: {result.detail}", text)
            elif result.verdict is Verdict.UNKNOWN:
                outcome: Outcome = ("error" if result.detail.startswith(NOT_EXERCISED_FAILURE)
                                    else "skipped")
                case = JUnitCase(item.prop.id, result.method.value, outcome, result.detail)
            else:
                case = JUnitCase(item.prop.id, result.method.value, "system-out",
                                 text=f"{result.verdict.value}: {result.detail}")
            cases.append(case)
    return cases


def evidence_suite(evidence: Evidence, name: str = "pumpproof.verify") -> JUnitSuite:
    return JUnitSuite(name, tuple(_evidence_cases(evidence)))


def check_suite(evidence: Evidence, strict_conformance: bool) -> JUnitSuite:
    """The evidence's cases, then the target's protocol and conformance testcases."""
    target = evidence.target
    assert target is not None
    protocol = JUnitCase("target", "protocol")
    if target.failure is not None and target.failure.message:
        protocol = JUnitCase("target", "protocol", "failure",
                             f"target failure: {target.failure.message}",
                             _trace(target.failure.trace))
    conformance = JUnitCase("target", "conformance")
    if target.conformance:
        first = target.conformance[0]
        text = (f"{len(target.conformance)} difference(s); first at request "
                f"{first.index}: {first.field} target={first.target!r} "
                f"reference={first.reference!r}")
        conformance = (JUnitCase("target", "conformance", "failure", message=text)
                       if strict_conformance else
                       JUnitCase("target", "conformance", "system-out", text=text))
    cases = (*_evidence_cases(evidence), protocol, conformance)
    return JUnitSuite("pumpproof.check", cases)

