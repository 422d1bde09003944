"""``pumpproof closed-loop --controller C``: an AID controller dosing simglucose's virtual
patients for days; prints time in/below/above range, total insulin and hazard rates with 95%
confidence intervals, writes ``closed-loop.json``. An evaluation, not a gate: exit 0, or 2
on bad input (e.g. simglucose not set up)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table

from pumpproof.campaigns.closed_loop import run_closed_loop, run_closed_loop_parallel, summary
from pumpproof.campaigns.virtual_patients import PATIENT_NAMES, load_patient
from pumpproof.controllers import make_controller
from pumpproof.errors import ExitCode
from pumpproof.files import write_json

from ._args import positive_int, seed
from ._console import Stages, console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--controller", required=True, help="oref0 | pyloopkit | cmd:COMMAND")
    parser.add_argument("--patients", type=positive_int, default=3,
                        help=f"how many virtual patients (adults, then adolescents, then "
                        f"children; at most {len(PATIENT_NAMES)})")
    parser.add_argument("--days", type=positive_int, default=1)
    parser.add_argument("--seed", type=seed, default=0, help="meal times and sizes")
    parser.add_argument("--workers", type=positive_int, default=1,
                        help="patients in parallel local processes")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="run the patients on an existing Dask cluster (tcp://host:port)")
    parser.add_argument("--out", default="pumpproof-closed-loop", help="output directory")


def run(args: argparse.Namespace) -> ExitCode:
    names = PATIENT_NAMES[:min(args.patients, len(PATIENT_NAMES))]
    patients = [load_patient(name) for name in names]  # bad input (not set up) → exit 2 now
    controller = make_controller(args.controller)
    stage = (f"closed loop: {args.controller} on {len(patients)} patient(s) for {args.days} "
             f"day(s)")
    if args.workers > 1 or args.dask:
        controller.close()
        with Stages(1).stage(stage):
            result = run_closed_loop_parallel(args.controller, args.controller, names,
                                              args.days, args.seed, args.workers, args.dask)
    else:
        try:
            with Stages(1).stage(stage) as update:
                result = run_closed_loop(controller, patients, args.days, args.seed, update)
        finally:
            controller.close()
    data = summary(result)
    out = Path(args.out)
    write_json(out / "closed-loop.json", data)
    table = Table(title=f"closed loop: {result.controller} {result.version}, "
                        f"{len(patients)} patient(s) × {args.days} day(s)")
    for column in ("metric", "mean", "95% CI"):
        table.add_column(column)
    for key, value in data["metrics"].items():
        ci = ("—" if value["ci95_low"] is None
              else f"{value['ci95_low']} – {value['ci95_high']}")
        table.add_row(key, str(value["mean"]), ci)
    for key, value in data["hazards"].items():
        table.add_row(key, str(value["rate"]), f"{value['ci95_low']} – {value['ci95_high']}")
    console().print(table)
    console().print(f"closed loop: {out / 'closed-loop.json'}", markup=False, highlight=False)
    return ExitCode.OK
