"""Imports every rule module so that each registers itself."""

from . import deprecation, functions, modules, raising, silent  # noqa: F401
