"""The copy of a kept module that each importing analysis gets: made as names are read, a
plain dict to its users, sharing preserved, and never a way to change the kept module."""

from __future__ import annotations

from leaf_lsp.interp.foreign import LazyVars, clone
from leaf_lsp.interp.graph import Obj
from leaf_lsp.interp.state import Scope
from leaf_lsp.interp.values import ConstValue, FunctionValue, TensorValue


def _tensor() -> TensorValue:
    return TensorValue(leaf=True, rg=True, reason=(), obj=Obj(1))


def _kept() -> Scope:
    scope = Scope(None)  # type: ignore[arg-type]
    shared = _tensor()
    scope.vars.update({"w": shared, "alias": shared, "n": ConstValue(3), "other": _tensor()})
    scope.vars["f"] = FunctionValue(None, "f", scope)
    return scope


def test_names_are_copied_when_read_and_sharing_is_kept() -> None:
    kept = _kept()
    copy = clone(kept, Scope)
    assert isinstance(copy.vars, LazyVars)
    assert dict.__len__(copy.vars) == 0  # nothing copied before it is read
    w = copy.vars["w"]
    assert w is not kept.vars["w"] and isinstance(w, TensorValue)
    assert copy.vars.get("alias") is w  # one tensor under two names stays one
    assert dict.__len__(copy.vars) == 2
    function = copy.vars["f"]
    assert isinstance(function, FunctionValue)
    assert function.scope is copy  # the function's globals are this copy, not the kept scope


def test_changes_stay_in_the_copy() -> None:
    kept = _kept()
    copy = clone(kept, Scope)
    w = copy.vars["w"]
    assert isinstance(w, TensorValue)
    w.rg = False
    w.obj.version += 1
    copy.vars["n"] = ConstValue(4)
    del copy.vars["other"]
    kept_w = kept.vars["w"]
    assert isinstance(kept_w, TensorValue) and kept_w.rg is True and kept_w.obj.version == 0
    assert isinstance(kept.vars["n"], ConstValue) and kept.vars["n"].value == 3
    assert "other" in kept.vars and "other" not in copy.vars
    assert copy.vars.get("other") is None and copy.vars.pop("other", "gone") == "gone"


def test_behaves_as_a_dict_of_every_name() -> None:
    copy = clone(_kept(), Scope)
    assert "n" in copy.vars and "missing" not in copy.vars
    assert sorted(copy.vars) == ["alias", "f", "n", "other", "w"]
    assert len(copy.vars) == 5 and len(dict(copy.vars)) == 5 and len({**copy.vars}) == 5
    assert copy.vars.setdefault("n", ConstValue(9)) is copy.vars["n"]
    assert copy.vars.setdefault("new", ConstValue(1)) is copy.vars["new"]
    assert copy.vars.get("missing", "default") == "default"
    assert set(copy.vars.copy()) == set(copy.vars.keys())


def test_a_copy_of_a_copy_reads_through() -> None:
    first = clone(_kept(), Scope)
    second = clone(first, Scope)
    w = second.vars["w"]
    assert isinstance(w, TensorValue) and w is not first.vars["w"]
    assert second.vars["alias"] is w


def test_reason_steps_stay_reason_steps() -> None:
    """A tensor's reason chain is made of named tuples: a copy keeps them (a plain tuple in
    their place broke every report of a hint from another module)."""
    from leaf_lsp.model import Hint, ReasonStep, Span

    kept = Scope(None)  # type: ignore[arg-type]
    kept.vars["w"] = TensorValue(leaf=True, rg=True, reason=(ReasonStep(3, "made here"),), obj=Obj(1))
    w = clone(kept, Scope).vars["w"]
    assert isinstance(w, TensorValue)
    assert w.reason == (ReasonStep(3, "made here"),) and type(w.reason[0]) is ReasonStep
    hint = Hint("w", 3, Span(3, 0, 3, 1), True, True, w.reason)
    assert hint.reason_text == "made here"
