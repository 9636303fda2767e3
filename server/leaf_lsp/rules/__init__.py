"""Rules: one small unit per LEAF code (see :mod:`leaf_lsp.rules.base`)."""

from .base import Finding, Rule, all_rules, get_rule, rule

__all__ = ["Finding", "Rule", "all_rules", "get_rule", "rule"]
