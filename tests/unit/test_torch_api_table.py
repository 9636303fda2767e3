"""The generated torch API table: up to date, loadable without torch, and true to torch.

Three groups:
- the loader (``leaf_lsp.torch_api``): no torch needed, bad tables never raise;
- the generator (``scripts/gen_torch_api.py``): regenerating gives the checked-in file,
  and ``--check`` reports a stale one;
- behaviour: each list is checked against what torch actually does at run time (views
  alias their input, in-place methods bump the version counter, ops that save tensors for
  backward break when those tensors are modified, ...).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import FrozenInstanceError
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaf_lsp import torch_api
from leaf_lsp.torch_api import OutputInfo, TorchApi, from_mapping, load, parse

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "server" / "leaf_lsp" / "data" / "torch_api.json"
SCRIPT = REPO / "scripts" / "gen_torch_api.py"

# The keys the engine is written against (the agreed schema); values: JSON type.
SCHEMA: dict[str, type] = {
    "torch_version": str,
    "factories": dict,
    "like_factories": dict,
    "new_factories": list,
    "tensor_constructors": dict,
    "inplace_methods": list,
    "detach_inplace": list,
    "view_methods": list,
    "maybe_view_methods": list,
    "nondifferentiable": list,
    "multi_outputs": dict,
    "saves_result": list,
    "saves_inputs": list,
    "dtypes": dict,
    "dtype_methods": dict,
    "nn_modules": dict,
    "optimizers": list,
    "functional_modules": list,
    "grad_contexts": dict,
    "loss_functions": list,
}


def raw_table() -> dict[str, Any]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --------------------------------------------------------------------------- loader


def test_checked_in_table_follows_the_schema() -> None:
    data = raw_table()
    for key, kind in SCHEMA.items():
        assert isinstance(data.get(key), kind), key
    for key, value in data.items():
        if isinstance(value, list):
            assert value == sorted(set(value)), f"{key} must be sorted and unique"
    dtype_kinds = {"float", "int", "bool", "data", "args", "complex"}
    assert set(data["factories"].values()) <= dtype_kinds
    assert set(data["like_factories"].values()) <= dtype_kinds | {"input"}
    assert {info["kind"] for info in data["nn_modules"].values()} <= {"module", "loss", "container"}
    for name, entry in data["multi_outputs"].items():
        assert set(entry) == {"outputs"} and len(entry["outputs"]) >= 2, name
        for out in entry["outputs"]:
            assert set(out) == {"name", "kind", "differentiable"}, name
            assert out["kind"] in (None, "float", "int", "bool", "complex"), name
            assert out["kind"] not in ("int", "bool") or not out["differentiable"], name


def test_file_is_written_deterministically() -> None:
    text = TABLE.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=1) + "\n"


def test_load_parses_the_packaged_table_once() -> None:
    api = load()
    assert api.problems == ()
    assert load() is api
    data = raw_table()
    assert api.torch_version == data["torch_version"]
    assert api.inplace_methods == frozenset(data["inplace_methods"])
    assert dict(api.factories) == data["factories"]
    assert {k: dict(v) for k, v in api.nn_modules.items()} == data["nn_modules"]
    assert {
        name: {"outputs": [vars(out) for out in outs]} for name, outs in api.multi_outputs.items()
    } == data["multi_outputs"]


def test_loaded_table_is_read_only() -> None:
    api = load()
    with pytest.raises(FrozenInstanceError):
        api.factories = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        api.factories["zeros"] = "int"  # type: ignore[index]
    with pytest.raises(TypeError):
        api.nn_modules["Linear"]["params"] = False  # type: ignore[index]
    with pytest.raises(TypeError):
        api.multi_outputs["max"] = ()  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        api.multi_outputs["max"][1].differentiable = True  # type: ignore[misc]


def test_helpers_agree_with_the_table() -> None:
    api = load()
    assert all(api.is_inplace(name) for name in api.inplace_methods)
    assert not any(api.is_inplace(name) for name in api.detach_inplace)
    assert not api.is_inplace("definitely_not_a_method_")
    for name, kind in api.dtypes.items():
        assert api.dtype_kind(name) == kind
        assert api.dtype_kind(f"torch.{name}") == kind
        canonical = api.canonical_dtype(name)
        assert canonical is not None and api.dtypes[canonical] == kind
    assert api.dtype_kind("Tensor") is None
    assert api.dtype_kind(None) is None  # type: ignore[arg-type]
    assert api.canonical_dtype(3) is None  # type: ignore[arg-type]


def test_loading_does_not_import_torch() -> None:
    code = (
        "import sys; from leaf_lsp.torch_api import load; api = load(); "
        "assert not api.problems, api.problems; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "bad",
    [None, [], "table", 3, {"factories": []}, {"view_methods": "view"}, {"nn_modules": {"Linear": True}}],
)
def test_malformed_tables_give_problems_not_exceptions(bad: object) -> None:
    api = from_mapping(bad)
    assert isinstance(api, TorchApi)
    assert api.problems
    assert not api.is_inplace("add_")


def test_partial_table_keeps_its_good_entries() -> None:
    data = raw_table()
    data["inplace_methods"] = ["add_", 7]
    del data["saves_result"]
    api = from_mapping(data)
    assert api.inplace_methods == frozenset({"add_"})
    assert api.saves_result == frozenset()
    assert any("inplace_methods" in p for p in api.problems)
    assert any("saves_result" in p for p in api.problems)
    assert dict(api.factories) == data["factories"]


def test_unreadable_table_gives_an_empty_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch_api, "_DATA_FILE", "data/no_such_table.json")
    torch_api.load.cache_clear()
    try:
        api = torch_api.load()
        assert api.problems and "no_such_table" in api.problems[0]
        assert api.factories == {}
    finally:
        monkeypatch.undo()
        torch_api.load.cache_clear()
    assert torch_api.load().problems == ()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(SCHEMA) + ["mixed_factories", "zzz"]), json_values, max_size=8))
def test_any_json_object_loads_without_raising(data: dict[str, object]) -> None:
    api = from_mapping(data)
    assert isinstance(api.problems, tuple)
    api.is_inplace("add_")
    api.dtype_kind("float32")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_without_raising(text: str) -> None:
    assert isinstance(parse(text), TorchApi)


VALUES = OutputInfo(name="values", kind="float", differentiable=True)
INDICES = OutputInfo(name="indices", kind="int", differentiable=False)


@pytest.mark.parametrize("name", ["max", "min", "topk", "sort", "kthvalue", "median", "mode", "cummax"])
def test_index_returning_ops_give_differentiable_values_and_int_indices(name: str) -> None:
    assert load().multi_outputs[name] == (VALUES, INDICES)


def test_notable_multi_output_entries() -> None:
    outputs = load().multi_outputs
    assert outputs["aminmax"] == (
        OutputInfo(name="min", kind="float", differentiable=True),
        OutputInfo(name="max", kind="float", differentiable=True),
    )
    assert [(o.name, o.kind, o.differentiable) for o in outputs["frexp"]] == [
        ("mantissa", "float", True),
        ("exponent", "int", False),
    ]
    # torch.unique(x, return_inverse=True, return_counts=True): a plain tuple.
    assert [(o.name, o.kind, o.differentiable) for o in outputs["unique"]] == [
        (None, "float", True),
        (None, "int", False),
        (None, "int", False),
    ]
    assert [o.name for o in outputs["slogdet"]] == ["sign", "logabsdet"]
    assert [o.name for o in outputs["svd"]] == ["U", "S", None]  # torch.svd's V, linalg.svd's Vh
    assert [o.differentiable for o in outputs["lu_unpack"]] == [False, True, True]  # P is constant
    # torch.lu gives (LU, pivots), torch.linalg.lu (P, L, U): they disagree, so no entry.
    assert "lu" not in outputs
    # As many results as the arguments ask for: not a fixed tuple.
    assert not {"split", "unbind", "chunk", "meshgrid", "where"} & set(outputs)
    assert len(outputs) >= 40


def test_malformed_multi_outputs_entries_are_reported() -> None:
    good = {"outputs": [vars(VALUES), vars(INDICES)]}
    data = raw_table()
    data["multi_outputs"] = {
        "max": good,
        "no_list": {"outputs": "values"},
        "single": {"outputs": [vars(VALUES)]},
        "not_an_object": ["values", "indices"],
        "bad_flag": {"outputs": [vars(VALUES), {"name": "indices", "kind": "int", "differentiable": "no"}]},
        "bad_name": {"outputs": [vars(VALUES), {"name": 3, "kind": "int", "differentiable": False}]},
        "bad_item": {"outputs": [vars(VALUES), None]},
    }
    api = from_mapping(data)
    assert dict(api.multi_outputs) == {"max": (VALUES, INDICES)}
    [problem] = [p for p in api.problems if "multi_outputs" in p]
    for name in ("no_list", "single", "not_an_object", "bad_flag", "bad_name"):
        assert repr(name) in problem
    # Optional name and kind may be left out; the flag may not.
    data["multi_outputs"] = {"f": {"outputs": [{"differentiable": True}, {"differentiable": False}]}}
    assert from_mapping(data).multi_outputs["f"][1] == OutputInfo(None, None, False)
    for bad in ([], "max", None):
        data["multi_outputs"] = bad
        api = from_mapping(data)
        assert api.multi_outputs == {} and any("multi_outputs" in p for p in api.problems)
    assert dict(api.factories) == data["factories"]


# --------------------------------------------------------------------------- generator


def generator_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_torch_api", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_check_flags_a_stale_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    gen = generator_module()
    table = {"torch_version": "9.9", "view_methods": ["t", "view"]}
    monkeypatch.setattr(gen, "build_table", lambda: (table, []))
    out = tmp_path / "api.json"
    assert gen.main(["--out", str(out)]) == 0
    assert out.read_text() == json.dumps(table, sort_keys=True, indent=1) + "\n"
    assert gen.main(["--check", "--out", str(out)]) == 0

    out.write_text(out.read_text().replace('"view"', '"vieww"'))
    assert gen.main(["--check", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "stale" in err and '-  "vieww"' in err and '+  "view"' in err
    assert gen.main(["--check", "--out", str(tmp_path / "missing.json")]) == 1


def test_regenerating_gives_the_checked_in_table(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch", reason="torch is needed to regenerate the table")
    pytest.importorskip("yaml", reason="PyYAML is needed: torchgen parses its yaml files with it")
    expected = raw_table()["torch_version"]
    assert torch.__version__.split("+")[0] == expected, "the table was generated for another torch"
    out = tmp_path / "torch_api.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    generated = out.read_text(encoding="utf-8")
    current = TABLE.read_text(encoding="utf-8")
    if generated != current:
        gen = generator_module()
        pytest.fail(
            "checked-in table is stale; run scripts/gen_torch_api.py\n" + gen.diff_summary(current, generated)
        )


def test_merging_multi_output_forms() -> None:
    gen = generator_module()
    declared = gen.DeclaredOutput
    # max.dim's schema (values, indices) with torchgen's differentiability, and a probe.
    merged, why = gen._merge_outputs(
        [(declared("values", True), declared("indices", False))],
        [(("values", "float", True), ("indices", "int", False))],
    )
    assert why == "" and [(o["name"], o["kind"], o["differentiable"]) for o in merged] == [
        ("values", "float", True),
        ("indices", "int", False),
    ]
    # torchgen may call an integer output differentiable; the probe's "no grad" wins.
    merged, _ = gen._merge_outputs(
        [(declared("a", True), declared("b", True))], [((None, "float", True), (None, "int", False))]
    )
    assert [o["differentiable"] for o in merged] == [True, False]
    # ... but not for a float output, nor where the probes or overloads disagree.
    for decl, probes in [
        ([(declared(None, False), declared(None, True))], [((None, "float", True), (None, "float", True))]),
        ([], [((None, "float", True), (None, "int", False)), ((None, "float", False), (None, "int", False))]),
        ([(declared(None, True), declared(None, True)), (declared(None, False), declared(None, True))], []),
        ([(declared(None, None), declared(None, None))], []),  # no yaml entry and no probe
    ]:
        assert gen._merge_outputs(decl, probes)[0] is None
    # Shorter forms must agree with the longer ones on the positions they share.
    unique = [
        ((None, "float", True), (None, "int", False)),
        ((None, "float", True), (None, "int", False), (None, "int", False)),
    ]
    merged, _ = gen._merge_outputs([], unique)
    assert [o["kind"] for o in merged] == ["float", "int", "int"]
    # Fields that disagree (torch.svd's V, linalg.svd's Vh) give no name.
    merged, _ = gen._merge_outputs(
        [(declared("U", None), declared("V", None))], [(("U", "float", True), ("Vh", "float", True))]
    )
    assert [o["name"] for o in merged] == ["U", None]


# --------------------------------------------------------------------------- behaviour


@pytest.fixture(scope="module")
def torch() -> ModuleType:
    return pytest.importorskip("torch", reason="torch is needed to check the table against torch")


def leaf(torch: ModuleType, *shape: int, dtype: Any = None) -> Any:
    """A grad-requiring leaf with values in [0.5, 1.5) (inside every op's domain we call)."""
    generator = torch.Generator().manual_seed(0)
    values = torch.rand(shape, generator=generator) + 0.5
    return values.to(dtype or torch.float32).requires_grad_()


def attempts(func: Callable[..., Any], *args: Any) -> Any:
    """Call ``func``; None when torch rejects these arguments (we only guess call forms)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return func(*args)
    except (RuntimeError, TypeError, ValueError, IndexError, NotImplementedError):
        return None


def tensors_of(result: Any, torch: ModuleType) -> Iterator[Any]:
    if isinstance(result, torch.Tensor):
        yield result
    elif isinstance(result, (tuple, list)):
        for item in result:
            yield from tensors_of(item, torch)


def test_view_methods_alias_their_input(torch: ModuleType) -> None:
    api = load()
    checked = 0
    for name in sorted(api.view_methods - api.identity_methods):
        for x in (leaf(torch, 3, 4), leaf(torch, 3, 4, dtype=torch.cfloat)):
            attr = getattr(type(x), name, None)
            if attr is None:
                break
            result = attempts(getattr, x, name) if not callable(attr) else attempts(getattr(x, name))
            outs = list(tensors_of(result, torch))
            if not outs:
                continue  # needs arguments, or not defined for this dtype
            assert all(out._base is x for out in outs), name
            checked += 1
            break
    assert checked >= 10


def test_maybe_view_methods_alias_some_inputs_and_copy_others(torch: ModuleType) -> None:
    api = load()
    checked = 0
    for name in sorted(api.maybe_view_methods):
        verdicts = set()
        for x in (leaf(torch, 3, 4).clone(), leaf(torch, 4, 3).clone().t()):
            root = x._base if x._base is not None else x
            for args in ((), ((12,),), (12,), (torch.float64,), (torch.zeros(12),)):
                result = attempts(getattr(x, name), *args)
                if isinstance(result, torch.Tensor):
                    verdicts.add(result is x or result._base is root)
        if verdicts:
            assert verdicts == {True, False}, name
            checked += 1
    assert checked >= 3


def test_identity_methods_return_a_real_tensor_itself(torch: ModuleType) -> None:
    api = load()
    for name in api.identity_methods:
        x = leaf(torch, 3)
        attr = getattr(type(x), name)
        result = getattr(x, name) if not callable(attr) else getattr(x, name)()
        assert result is x, name


def test_inplace_methods_bump_the_version_counter(torch: ModuleType) -> None:
    api = load()
    checked = 0
    for name in sorted(api.inplace_methods):
        if _is_dunder(name):
            continue
        x = leaf(torch, 3, 4).detach().clone()
        before = x._version
        if attempts(getattr(x, name)) is None:
            continue  # needs arguments
        assert x._version > before, name
        checked += 1
    assert checked >= 40
    x = leaf(torch, 3).detach().clone()
    before = x._version
    x.__iadd__(1)
    assert x._version > before


def test_detach_inplace_cuts_the_graph(torch: ModuleType) -> None:
    for name in load().detach_inplace:
        y = leaf(torch, 3) * 2
        getattr(y, name)()
        assert y.grad_fn is None and not y.requires_grad


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _public_callables(torch: ModuleType, name: str) -> list[Callable[..., Any]]:
    import torch.nn.functional as F

    found = []
    for namespace in (torch, F, torch.linalg, torch.special):
        func = getattr(namespace, name, None)
        if callable(func) and not isinstance(func, type):
            found.append(func)
    return found


def _breaks_backward(torch: ModuleType, name: str, modify: str) -> bool | None:
    """Call ``name`` on fresh non-leaf inputs, modify an input (or the result) in place and
    backprop. True: autograd complains that a saved tensor was modified; False: it does not;
    None: no call form we try works."""
    verdict: bool | None = None
    for func in _public_callables(torch, name):
        for shapes in (((3,),), ((3, 4),), ((3, 4), (3, 4)), ((3, 4), (4, 4))):
            inputs = [leaf(torch, *shape).clone() for shape in shapes]
            result = attempts(func, *inputs)
            outs = list(tensors_of(result, torch))
            if (
                not outs
                or outs[0] is inputs[0]
                or not outs[0].requires_grad
                or not outs[0].is_floating_point()
            ):
                continue
            y = outs[0]
            with torch.no_grad():
                for target in inputs if modify == "input" else [y]:
                    target.add_(0.25)
            try:
                y.sum().backward()
            except RuntimeError as exc:
                if "modified by an inplace operation" in str(exc):
                    return True
                continue
            verdict = False
    return verdict


def test_ops_that_save_their_result_break_when_it_is_modified(torch: ModuleType) -> None:
    api = load()
    verdicts = {name: _breaks_backward(torch, name, "result") for name in sorted(api.saves_result)}
    checked = {name: v for name, v in verdicts.items() if v is not None}
    assert len(checked) >= 20
    assert [name for name, v in checked.items() if not v] == []


def test_ops_that_save_inputs_break_when_one_is_modified(torch: ModuleType) -> None:
    api = load()
    verdicts = {name: _breaks_backward(torch, name, "input") for name in sorted(api.saves_inputs)}
    checked = {name: v for name, v in verdicts.items() if v is not None}
    assert len(checked) >= 40
    assert [name for name, v in checked.items() if not v] == []


def test_ops_listed_as_saving_nothing_survive_modification(torch: ModuleType) -> None:
    api = load()
    listed = api.saves_inputs | api.saves_result | api.view_methods | api.maybe_view_methods
    candidates = [
        "neg",
        "add",
        "sub",
        "sum",
        "mean",
        "clone",
        "cat",
        "stack",
        "sign",
        "trace",
        "flip",
        "roll",
    ]
    verdicts = {n: _breaks_backward(torch, n, "input") for n in candidates if n not in listed}
    assert sum(v is False for v in verdicts.values()) >= 5
    assert [n for n, v in verdicts.items() if v] == []


def test_nondifferentiable_ops_give_integer_results_without_grad(torch: ModuleType) -> None:
    api = load()
    checked = 0
    for name in sorted(api.nondifferentiable):
        for func in _public_callables(torch, name):
            for args in ((leaf(torch, 3, 4),), (leaf(torch, 3, 4), leaf(torch, 3, 4))):
                outs = list(tensors_of(attempts(func, *args), torch))
                if not outs:
                    continue
                assert not outs[0].requires_grad, name
                assert not outs[0].is_floating_point() and not outs[0].is_complex(), name
                checked += 1
    assert checked >= 25
    for name in sorted(api.nondifferentiable_float):
        for func in _public_callables(torch, name):
            outs = list(tensors_of(attempts(func, leaf(torch, 3, 4)), torch))
            if outs:
                assert not outs[0].requires_grad, name


def test_index_and_integer_ops_are_nondifferentiable(torch: ModuleType) -> None:
    api = load()
    expected = {
        "argmax",
        "argmin",
        "argsort",
        "nonzero",
        "nonzero_static",  # needs size=: called with arguments built from its schema
        "argwhere",
        "searchsorted",
        "bucketize",
        "unravel_index",  # integer indices and a shape
        "count_nonzero",
        "isin",
        "one_hot",
        "multinomial",
        "bitwise_and",  # integer-only ops: float inputs are rejected
        "gcd",
    }
    assert expected <= api.nondifferentiable, expected - api.nondifferentiable
    # Random integers are fresh leaves (factories), not op results.
    assert api.factories["randint"] == "int" and api.factories["randperm"] == "int"
    assert "randint_like" in api.like_factories
    # bincount is integer only without weights: float weights that require grad give a
    # result that requires grad, so it is not listed.
    assert "bincount" not in api.nondifferentiable
    weights = leaf(torch, 3)
    assert torch.bincount(torch.tensor([0, 1, 1]), weights).requires_grad


def _kind(torch: ModuleType, dtype: Any) -> str:
    if dtype == torch.bool:
        return "bool"
    if dtype.is_complex:
        return "complex"
    return "float" if dtype.is_floating_point else "int"


def test_factories_create_leaves_of_the_listed_kind(torch: ModuleType) -> None:
    api = load()
    checked = 0
    for name, kind in sorted(api.factories.items()):
        func = getattr(torch, name)
        if kind == "data":
            made = [attempts(func, [1, 2]), attempts(func, [1.5, 2.5])]
            if all(m is not None for m in made):
                assert [_kind(torch, m.dtype) for m in made] == ["int", "float"], name
                checked += 1
            continue
        for args in ((3,), ([3],), (3, 3), ([3], 1), (3, [3])):
            made = attempts(func, *args)
            if made is None:
                continue
            assert made.is_leaf and not made.requires_grad, name
            if kind == "args":
                floaty = attempts(func, *[a + 0.5 if isinstance(a, int) else a for a in args])
                assert _kind(torch, made.dtype) == "int" and _kind(torch, floaty.dtype) == "float", name
            else:
                assert _kind(torch, made.dtype) == kind, name
            checked += 1
            break
    assert checked >= 15


def test_mixed_factories_pass_grad_from_a_tensor_argument(torch: ModuleType) -> None:
    api = load()
    for name in api.mixed_factories:
        assert name not in api.factories
    if "normal" in api.mixed_factories:
        assert torch.normal(leaf(torch, 3), 1.0).requires_grad


def test_like_and_new_factories_make_fresh_leaves(torch: ModuleType) -> None:
    api = load()
    source = leaf(torch, 3, dtype=torch.float64)
    for name, kind in api.like_factories.items():
        made = attempts(getattr(torch, name), source)
        if made is None:  # full_like / randint_like take a value
            made = attempts(getattr(torch, name), source, 2)
        assert made is not None, name
        assert made.is_leaf and not made.requires_grad, name
        assert kind != "input" or made.dtype == torch.float64, name
    for name in api.new_factories:
        method = getattr(source, name)
        made = attempts(method, [2])
        if made is None:  # new_full takes a value, new_empty_strided strides
            made = attempts(method, [2], 1.0) if name == "new_full" else attempts(method, [2], [1])
        assert made is not None and made.is_leaf and not made.requires_grad, name
        assert made.dtype == torch.float64, name


def test_tensor_constructors_build_tensors_of_the_listed_kind(torch: ModuleType) -> None:
    for name, kind in load().tensor_constructors.items():
        made = getattr(torch, name)(2)
        assert _kind(torch, made.dtype) == kind, name


def test_dtype_tables_match_torch(torch: ModuleType) -> None:
    api = load()
    real = {n for n in dir(torch) if isinstance(getattr(torch, n), torch.dtype)}
    assert set(api.dtypes) == real
    for name in real:
        dtype = getattr(torch, name)
        assert str(dtype) == f"torch.{api.dtype_canonical[name]}"
        if api.dtypes[name] in ("float", "complex", "bool", "int"):
            assert api.dtypes[name] == _kind(torch, dtype), name
    for method, target in api.dtype_methods.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # chalf: "ComplexHalf support is experimental"
            converted = getattr(leaf(torch, 2), method)()
        assert converted.dtype == getattr(torch, target), method


def test_nn_modules_optimizers_and_losses_exist(torch: ModuleType) -> None:
    import torch.nn.functional as F
    from torch.nn.modules.loss import _Loss

    api = load()
    for name, info in api.nn_modules.items():
        cls = getattr(torch.nn, name)
        assert issubclass(cls, torch.nn.Module), name
        assert (info["kind"] == "loss") == issubclass(cls, _Loss), name
    assert any(info["params"] for info in api.nn_modules.values())
    assert any(not info["params"] for info in api.nn_modules.values())
    typical = {
        "Linear": (4, 4),
        "Conv2d": (1, 1, 3),
        "LayerNorm": (4,),
        "Embedding": (4, 4),
        "ReLU": (),
        "Dropout": (),
    }
    for name, args in typical.items():
        built = getattr(torch.nn, name)(*args)
        assert api.nn_modules[name]["params"] == any(True for _ in built.parameters()), name
    for name in api.optimizers:
        assert issubclass(getattr(torch.optim, name), torch.optim.Optimizer), name
    for name in api.loss_functions:
        assert callable(getattr(F, name)), name


def test_grad_contexts_set_grad_mode_as_listed(torch: ModuleType) -> None:
    for name, mode in load().grad_contexts.items():
        ctx = getattr(torch, name)
        if mode == "arg":
            for flag in (True, False):
                with ctx(flag):
                    assert torch.is_grad_enabled() is flag
        else:
            with torch.set_grad_enabled(not mode), ctx():
                assert torch.is_grad_enabled() is mode


def test_multi_outputs_match_what_torch_returns(torch: ModuleType) -> None:
    """Each entry against real calls: wherever a call returns a tuple of tensors for a
    float input that requires grad, every element has the listed kind, grad and field."""
    import functools

    import torch.nn.functional as F

    api = load()
    calls = [((3, 4), ()), ((3, 4), (1,)), ((3, 4), (2,)), ((3, 3), ()), ((1, 2, 6, 6), (2,))]
    flags: list[dict[str, bool]] = [
        {},
        {"return_indices": True},
        {"return_inverse": True, "return_counts": True},
    ]
    checked = set()
    for name, outputs in sorted(api.multi_outputs.items()):
        funcs = [getattr(ns, name) for ns in (torch, torch.linalg, F) if callable(getattr(ns, name, None))]
        funcs += [getattr(torch.Tensor, name)] if hasattr(torch.Tensor, name) else []
        for func, (shape, extra), kwargs in itertools.product(funcs, calls, flags):
            result = attempts(functools.partial(func, **kwargs), leaf(torch, *shape), *extra)
            if not isinstance(result, tuple) or not all(isinstance(r, torch.Tensor) for r in result):
                continue
            assert len(result) <= len(outputs), name
            for out, expected in zip(result, outputs):
                assert out.requires_grad == expected.differentiable, name
                assert expected.kind is None or _kind(torch, out.dtype) == expected.kind, name
            fields = getattr(type(result), "__match_args__", None)
            for field_name, expected in zip(fields or (), outputs):
                assert expected.name in (field_name, None), name
            checked.add(name)
    for name in (
        "max",
        "min",
        "topk",
        "sort",
        "kthvalue",
        "aminmax",
        "unique",
        "slogdet",
        "frexp",
        "max_pool2d",
    ):
        assert name in checked, name
    assert len(checked) >= 35
