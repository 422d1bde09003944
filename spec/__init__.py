"""The reviewed spec: settings, requirements (and, later, hazards and fault trees).

Public API: :func:`load_spec` returns a validated, immutable :class:`Spec`;
:func:`settings_problems` is the single judge of a settings object, shared by the loader
and by the reference pump's ``configure``.
"""

from .loader import SPEC_FILES, Spec, default_spec_dir, load_spec
from .schema import VERIFICATION_METHODS, Requirement, SettingEntry
from .settings import (
    INT_SETTINGS,
    MAX_SCHEDULE_SEGMENTS,
    MINUTES_PER_DAY,
    SETTING_NAMES,
    Settings,
    schedule_problems,
    settings_problems,
)

__all__ = [
    "INT_SETTINGS",
    "MAX_SCHEDULE_SEGMENTS",
    "MINUTES_PER_DAY",
    "SETTING_NAMES",
    "SPEC_FILES",
    "VERIFICATION_METHODS",
    "Requirement",
    "SettingEntry",
    "Settings",
    "Spec",
    "default_spec_dir",
    "load_spec",
    "schedule_problems",
    "settings_problems",
]
