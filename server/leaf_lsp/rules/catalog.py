"""Imports every rule module so that each registers itself."""

from . import deprecation, modules, raising, silent  # noqa: F401
