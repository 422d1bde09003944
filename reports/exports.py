"""Exports an auditor's tools read: the traceability matrix as CSV and the requirements as
ReqIF (with their links to properties and evidence), both from the stored bundle alone.

CSV rows are sorted and written by :mod:`csv` (its quoting, ``\\n`` line ends) so that a
spreadsheet or a diff tool reads them; ReqIF is built with the ``reqif`` package's models
and unparser (never hand-written XML), with identifiers derived from the ids in the bundle
and as CREATION-TIME and LAST-CHANGE (which the ReqIF schema requires) the run time the
bundle records, else a constant, so reruns stay byte-identical. It validates against the
ReqIF 1.2 schema shipped with ``reqif`` (tested).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from .bundle import BundleDocument

__all__ = ["CSV_COLUMNS", "render_csv", "render_reqif"]

CSV_COLUMNS = ("requirement", "title", "property", "method", "verdict", "target")
DESIGN_TARGET = "reference model"
#: ReqIF's CREATION-TIME and LAST-CHANGE when the bundle records no run time.
NO_TIME = "1970-01-01T00:00:00+00:00"


def _ncname(text: str) -> str:
    """Text usable inside a ReqIF IDENTIFIER (an XML NCName after our prefixes); the real
    id stays in the object's ID attribute."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def _controllers(bundle: BundleDocument) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    """Each checked AID controller's name and its properties by id (C-…)."""
    out = []
    for checked in bundle.get("controllers", []):
        section = checked.get("controller") or {}
        name = f"controller {section.get('name', '')} {section.get('version', '')}".rstrip()
        out.append((name, {p["id"]: p for p in checked.get("properties", [])}))
    return out


def _links(bundle: BundleDocument) -> dict[str, list[dict[str, Any]]]:
    """Each requirement's properties, sorted by property id: the model's (declared in its
    evidence) and the AID controllers' (C-…, declared in each controller's evidence)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for prop in bundle["evidence"]["properties"]:
        for req in prop.get("requirements", []):
            out.setdefault(req, {})[prop["id"]] = prop
    for _, props in _controllers(bundle):
        for prop in props.values():
            for req in prop.get("requirements", []):
                out.setdefault(req, {}).setdefault(prop["id"], prop)
    return {req: sorted(props.values(), key=lambda p: str(p["id"]))
            for req, props in out.items()}


def _methods(prop: dict[str, Any]) -> str:
    return " ".join(sorted({str(r["method"]) for r in prop.get("results", [])}))


def render_csv(bundle: BundleDocument) -> str:
    """One row per requirement × property × evidence source (the reference model, then each
    target in order); a requirement without a property gets one row with empty cells."""
    on_targets = [(str((t.get("target") or {}).get("description", "")),
                   {p["id"]: p for p in t.get("properties", [])})
                  for t in bundle.get("targets", [])]
    controllers = _controllers(bundle)
    model_ids = {p["id"] for p in bundle["evidence"]["properties"]}
    controller_ids = {i for _, props in controllers for i in props} - model_ids
    links = _links(bundle)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for req in sorted(bundle["spec"]["requirements"], key=lambda r: str(r["id"])):
        props = links.get(req["id"], [])
        if not props:
            writer.writerow([req["id"], req.get("title", ""), "", "", "no property", ""])
        for prop in props:
            if prop["id"] in controller_ids:  # a controller property: one row per controller
                for name, verdicts in controllers:
                    on = verdicts.get(prop["id"])
                    writer.writerow([req["id"], req.get("title", ""), prop["id"],
                                     _methods(on) if on else "",
                                     on["verdict"] if on else "not exercised", name])
                continue
            writer.writerow([req["id"], req.get("title", ""), prop["id"], _methods(prop),
                             prop["verdict"], DESIGN_TARGET])
            for description, verdicts in on_targets:
                on = verdicts.get(prop["id"])
                writer.writerow([req["id"], req.get("title", ""), prop["id"],
                                 _methods(on) if on else "",
                                 on["verdict"] if on else "not exercised", description])
    return buffer.getvalue()


def render_reqif(bundle: BundleDocument) -> str:
    """ReqIF 1.2: a spec object per requirement (id, title, text, rationale, family, its
    verification methods and named record) and per property (id, title, verdict on the
    model, on each target), a ``verified-by`` relation per requirement → property link, and
    one specification listing the requirements."""
    from reqif.models.reqif_core_content import ReqIFCoreContent
    from reqif.models.reqif_data_type import ReqIFDataTypeDefinitionString
    from reqif.models.reqif_namespace_info import ReqIFNamespaceInfo
    from reqif.models.reqif_req_if_content import ReqIFReqIFContent
    from reqif.models.reqif_reqif_header import ReqIFReqIFHeader
    from reqif.models.reqif_spec_hierarchy import ReqIFSpecHierarchy
    from reqif.models.reqif_spec_object import ReqIFSpecObject, SpecObjectAttribute
    from reqif.models.reqif_spec_object_type import ReqIFSpecObjectType, SpecAttributeDefinition
    from reqif.models.reqif_spec_relation import ReqIFSpecRelation
    from reqif.models.reqif_spec_relation_type import ReqIFSpecRelationType
    from reqif.models.reqif_specification import ReqIFSpecification
    from reqif.models.reqif_specification_type import ReqIFSpecificationType
    from reqif.models.reqif_types import SpecObjectAttributeType
    from reqif.object_lookup import ReqIFObjectLookup
    from reqif.reqif_bundle import ReqIFBundle
    from reqif.unparser import ReqIFUnparser

    provenance = bundle.get("provenance") or {}
    # ReqIF requires LAST-CHANGE on every element: the recorded run time, else a constant
    stamp = str(provenance.get("run_time") or NO_TIME)
    string = SpecObjectAttributeType.STRING
    datatype = "DT-STRING"
    columns = {
        "REQUIREMENT": ("ID", "TITLE", "TEXT", "RATIONALE", "FAMILY", "VERIFICATION", "RECORD"),
        "PROPERTY": ("ID", "TITLE", "VERDICT", "TARGET-VERDICTS"),
    }

    def attribute(kind: str, name: str) -> str:
        return f"AD-{kind}-{name}"

    spec_types: list[Any] = [
        ReqIFSpecObjectType(
            identifier=f"SOT-{kind}", long_name=kind.lower(), last_change=stamp,
            attribute_definitions=[
                SpecAttributeDefinition(attribute_type=string, identifier=attribute(kind, name),
                                        last_change=stamp, datatype_definition=datatype,
                                        long_name=name)
                for name in names])
        for kind, names in columns.items()
    ]
    spec_types.append(ReqIFSpecRelationType(identifier="SRT-VERIFIED-BY", last_change=stamp,
                                            long_name="verified-by"))
    spec_types.append(ReqIFSpecificationType(identifier="ST-REQUIREMENTS", last_change=stamp,
                                             long_name="requirements"))

    def spec_object(kind: str, identifier: str, values: dict[str, str]) -> ReqIFSpecObject:
        return ReqIFSpecObject(
            identifier=f"{kind}-{_ncname(identifier)}", spec_object_type=f"SOT-{kind}",
            last_change=stamp, long_name=identifier,
            attributes=[SpecObjectAttribute(attribute_type=string,
                                            definition_ref=attribute(kind, name),
                                            value=values[name])
                        for name in columns[kind]])

    requirements = sorted(bundle["spec"]["requirements"], key=lambda r: str(r["id"]))
    targets = [(str((t.get("target") or {}).get("description", "")),
                {p["id"]: p["verdict"] for p in t.get("properties", [])})
               for t in bundle.get("targets", [])]
    properties = sorted(bundle["evidence"]["properties"], key=lambda p: str(p["id"]))
    objects = [spec_object("REQUIREMENT", str(r["id"]), {
        "ID": str(r["id"]), "TITLE": str(r.get("title", "")), "TEXT": str(r.get("shall", "")),
        "RATIONALE": str(r.get("rationale", "")), "FAMILY": str(r.get("family", "")),
        # how it is verified; a test, review or analysis names the record outside pumpproof
        "VERIFICATION": ", ".join(str(m) for m in r.get("verification", [])),
        "RECORD": str(r.get("review_record") or "")})
        for r in requirements]
    objects += [spec_object("PROPERTY", str(p["id"]), {
        "ID": str(p["id"]), "TITLE": str(p.get("title", "")), "VERDICT": str(p["verdict"]),
        "TARGET-VERDICTS": "; ".join(f"{name}: {verdicts.get(p['id'], 'not exercised')}"
                                     for name, verdicts in targets)})
        for p in properties]
    # the AID controllers' properties (C-…): their verdict on each controller checked
    controllers = _controllers(bundle)
    model_ids = {p["id"] for p in properties}
    on_controllers = sorted({pid: prop for _, props in controllers for pid, prop in props.items()
                             if pid not in model_ids}.items())
    objects += [spec_object("PROPERTY", str(pid), {
        "ID": str(pid), "TITLE": str(prop.get("title", "")),
        "VERDICT": "; ".join(f"{name}: {props[pid]['verdict'] if pid in props else 'not exercised'}"
                             for name, props in controllers),
        "TARGET-VERDICTS": ""})
        for pid, prop in on_controllers]
    known = {str(r["id"]) for r in requirements}
    relations = [
        ReqIFSpecRelation(identifier=f"REL-{_ncname(req)}-{_ncname(str(prop['id']))}",
                          last_change=stamp, relation_type_ref="SRT-VERIFIED-BY",
                          source=f"REQUIREMENT-{_ncname(req)}",
                          target=f"PROPERTY-{_ncname(str(prop['id']))}")
        for req, props in sorted(_links(bundle).items()) if req in known for prop in props
    ]
    specification = ReqIFSpecification(
        identifier="SPEC-REQUIREMENTS", long_name=str(bundle["spec"]["name"]), last_change=stamp,
        specification_type="ST-REQUIREMENTS",
        children=[ReqIFSpecHierarchy(identifier=f"SH-{_ncname(str(r['id']))}", last_change=stamp,
                                     spec_object=f"REQUIREMENT-{_ncname(str(r['id']))}",
                                     level=1)
                  for r in requirements])
    header = ReqIFReqIFHeader(
        identifier="pumpproof-requirements",
        creation_time=stamp,
        req_if_tool_id=f"pumpproof {bundle['tool'].get('version', '')}".strip(),
        req_if_version="1.0", source_tool_id="pumpproof",
        title=f"{bundle['spec']['name']}: requirements, properties and evidence")
    content = ReqIFReqIFContent(
        data_types=[ReqIFDataTypeDefinitionString(identifier=datatype, long_name="string",
                                                  last_change=stamp, max_length="100000")],
        spec_types=spec_types, spec_objects=objects, spec_relations=relations,
        specifications=[specification], spec_relation_groups=[])
    document = ReqIFBundle(
        namespace_info=ReqIFNamespaceInfo(
            original_reqif_tag_dump=None, doctype_is_present=True, encoding="UTF-8",
            namespace="http://www.omg.org/spec/ReqIF/20110401/reqif.xsd", configuration=None,
            namespace_id=None, namespace_xhtml=None, schema_namespace=None,
            schema_location=None, language=None),
        req_if_header=header, core_content=ReqIFCoreContent(req_if_content=content),
        tool_extensions_tag_exists=False, lookup=ReqIFObjectLookup.empty(), exceptions=[])
    return str(ReqIFUnparser.unparse(document))
