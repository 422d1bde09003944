"""simglucose's virtual patients (the UVA/Padova T1D model, 30 in-silico subjects) as the
body a closed loop doses.

simglucose 0.2.11 is used unmodified but not through its gym environment: its package
``__init__`` registers a gym environment (gym 0.9.4, which does not install today), so
before importing it we provide a no-op ``gym.envs.registration.register``; we step
``T1DPatient`` minute by minute ourselves, with plain floats (U/min, g/min) as its pump
would, and read its subcutaneous glucose (``Gsub``) as a noise-free CGM. Its parameter
files need ``pkg_resources`` (``setuptools<81``).
"""

from __future__ import annotations

import sys
import types
import warnings
from dataclasses import dataclass
from typing import Any

from pumpproof.errors import UsageError

__all__ = ["PATIENT_NAMES", "Patient", "TherapySettings", "load_patient"]

PATIENT_NAMES = tuple(f"{group}#{k:03d}" for group in ("adult", "adolescent", "child")
                      for k in range(1, 11))


@dataclass(frozen=True)
class TherapySettings:
    """The patient's own therapy, from simglucose's tables, in the interface's units."""

    basal_mU_per_h: int  # u2ss · BW / 6000 U/min, to the 50 mU/h step
    isf_mg_dL_per_U: int  # Quest.csv CF
    carb_ratio_g_per_U: int  # Quest.csv CR


def _stub_gym() -> None:
    if "gym.envs.registration" in sys.modules:
        return
    gym = types.ModuleType("gym")
    envs = types.ModuleType("gym.envs")
    registration = types.ModuleType("gym.envs.registration")
    registration.register = lambda **_: None  # type: ignore[attr-defined]
    sys.modules.update({"gym": gym, "gym.envs": envs, "gym.envs.registration": registration})


class Patient:
    """One virtual patient: ``step(carbs_g_per_min, insulin_U_per_min)`` advances a minute."""

    def __init__(self, name: str, model: Any, action: Any, settings: TherapySettings) -> None:
        self.name = name
        self._model = model
        self._action = action
        self.settings = settings

    @property
    def glucose_mg_dL(self) -> float:
        return float(self._model.observation.Gsub)

    def step(self, carbs_g_per_min: float, insulin_U_per_min: float) -> None:
        self._model.step(self._action(CHO=float(carbs_g_per_min),
                                      insulin=float(insulin_U_per_min)))


def simglucose_status() -> str | None:
    """Why the virtual patients cannot run here (None: they can)."""
    try:
        _stub_gym()
        with warnings.catch_warnings():  # pkg_resources warns that it is deprecated
            warnings.simplefilter("ignore")
            import pkg_resources  # noqa: F401
            from simglucose.patient.t1dpatient import T1DPatient  # noqa: F401
    except ImportError as exc:
        return f"simglucose cannot be imported ({exc}); run: pumpproof controllers setup " \
               "simglucose"
    return None


def load_patient(name: str) -> Patient:
    problem = simglucose_status()
    if problem is not None:
        raise UsageError(problem)
    if name not in PATIENT_NAMES:
        raise UsageError(f"unknown virtual patient {name!r}")
    import pandas as pd
    import pkg_resources
    from simglucose.patient.t1dpatient import Action, T1DPatient
    model = T1DPatient.withName(name)
    quest = pd.read_csv(pkg_resources.resource_filename("simglucose", "params/Quest.csv"))
    row = quest.loc[quest.Name == name].squeeze()
    params = model._params
    basal_U_per_min = float(params["u2ss"]) * float(params["BW"]) / 6000
    basal = max(50, round(basal_U_per_min * 60 * 1000 / 50) * 50)
    settings = TherapySettings(basal, max(5, round(float(row["CF"]))),
                               max(3, round(float(row["CR"]))))
    return Patient(name, model, Action, settings)
