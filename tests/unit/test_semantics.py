"""The interpreter's semantic layer on its own: tensor ops, graph liveness, the module model,
and the hand-written torch facts checked against the generated API table. No whole-file
analysis: each test builds values and calls one piece of semantics.
"""

from __future__ import annotations

import ast

import pytest

from leaf_lsp.interp import facts
from leaf_lsp.interp.core import Interpreter
from leaf_lsp.interp.events import (
    BackwardTwice,
    FlagOnNonLeaf,
    InplaceOnLeaf,
    LeafCopied,
    SavedTensorModified,
)
from leaf_lsp.interp.graph import Node, Obj, current_run, resume_run, start_run
from leaf_lsp.interp.state import RAISES, Ctx
from leaf_lsp.interp.values import (
    ConstValue,
    ModuleValue,
    OptimizerValue,
    TensorValue,
    dtype_kind,
    join_values,
    new_tensor,
)
from leaf_lsp.parse import SourceText
from leaf_lsp.settings import Settings
from leaf_lsp.torch_api import load


@pytest.fixture
def interp() -> Interpreter:
    """An interpreter over an empty module: a place to run single semantic steps."""
    tree = ast.parse("")
    return Interpreter(tree, SourceText(""), "t.py", Settings())


def _call(text: str = "f(x)") -> ast.Call:
    node = ast.parse(text).body[0]
    assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    return node.value


def _stmt(text: str = "x += 1") -> ast.stmt:
    return ast.parse(text).body[0]


def _param() -> TensorValue:
    return new_tensor(True, True, 1, "a parameter", dtype="float32", origin="param")


def _plain() -> TensorValue:
    return new_tensor(True, False, 1, "data", dtype="float32", origin="factory")


# --- tensor semantics -----------------------------------------------------------------


def test_an_op_on_a_tensor_that_requires_grad_is_a_non_leaf_with_a_graph_node(interp: Interpreter) -> None:
    result = interp.op_result([_param(), _plain()], _call(), "`mul`", Ctx())
    assert isinstance(result, TensorValue)
    assert (result.leaf, result.rg, result.node is not None) == (False, True, True)
    assert result.reason[-1].text == "`mul` on a tensor that requires grad -> non-leaf"


@pytest.mark.parametrize(
    ("grad", "expected"), [(False, (True, False)), (None, (None, None)), (True, (False, True))]
)
def test_grad_mode_decides_what_an_op_on_a_parameter_gives(
    interp: Interpreter, grad: bool | None, expected: tuple[bool | None, bool | None]
) -> None:
    result = interp.op_result([_param()], _call(), "`exp`", Ctx(grad=grad))
    assert isinstance(result, TensorValue) and (result.leaf, result.rg) == expected


def test_an_op_on_unknown_inputs_is_unknown(interp: Interpreter) -> None:
    from leaf_lsp.interp.values import UNKNOWN

    result = interp.op_result([_plain(), UNKNOWN], _call(), "`add`", Ctx())
    assert isinstance(result, TensorValue) and (result.leaf, result.rg) == (None, None)


def test_a_view_shares_storage_and_is_a_non_leaf_only_when_its_base_requires_grad(
    interp: Interpreter,
) -> None:
    base = _param()
    view = interp._view_of(base, 2, "`.view()` of", Ctx())
    assert view.obj is base.obj and (view.leaf, view.rg) == (False, True)
    plain = interp._view_of(_plain(), 2, "`.view()` of", Ctx())
    assert (plain.leaf, plain.rg) == (True, False)


def test_a_dtype_copy_of_a_grad_leaf_is_a_non_leaf_and_is_reported(interp: Interpreter) -> None:
    ctx = Ctx()
    call = _call("w.double()")
    copy = interp.convert(_param(), "float64", None, call, ctx, ".double()")
    assert isinstance(copy, TensorValue) and (copy.leaf, copy.rg, copy.dtype) == (False, True, "float64")
    assert [type(e) for e in interp.result.events] == [LeafCopied]


def test_a_conversion_to_what_the_tensor_already_is_returns_it(interp: Interpreter) -> None:
    leaf = _param()
    assert interp.convert(leaf, "float32", None, _call("w.float()"), Ctx(), ".float()") is leaf


def test_an_in_place_update_of_a_grad_leaf_raises_and_stops_the_block(interp: Interpreter) -> None:
    ctx = Ctx()
    stmt = _stmt()
    leaf = _param()
    interp.inplace(leaf, stmt, stmt, [ConstValue(1)], "`+=`", ctx)
    assert ctx.stopped == RAISES and leaf.obj.version == 0
    (event,) = interp.result.events
    assert isinstance(event, InplaceOnLeaf) and (event.node, event.what, event.via_view) == (
        stmt,
        "`+=`",
        False,
    )


def test_an_in_place_update_under_no_grad_bumps_the_version_and_reports_nothing(interp: Interpreter) -> None:
    ctx = Ctx(grad=False)
    leaf = _param()
    interp.inplace(leaf, _stmt(), _stmt(), [ConstValue(1)], "`+=`", ctx)
    assert ctx.stopped is None and leaf.obj.version == 1 and interp.result.events == []


def test_an_in_place_op_with_a_grad_operand_makes_a_plain_tensor_a_non_leaf(interp: Interpreter) -> None:
    plain = _plain()
    interp.inplace(plain, _stmt(), _stmt(), [_param()], "`+=`", Ctx())
    assert (plain.leaf, plain.rg, plain.node is not None) == (False, True, True)


def test_changing_requires_grad_of_a_non_leaf_raises(interp: Interpreter) -> None:
    ctx = Ctx()
    non_leaf = interp.op_result([_param()], _call(), "`exp`", Ctx())
    assert isinstance(non_leaf, TensorValue)
    interp.set_requires_grad(non_leaf, _stmt(), ConstValue(False), ctx, method=False)
    assert ctx.stopped == RAISES and [type(e) for e in interp.result.events] == [FlagOnNonLeaf]


def test_requires_grad_true_on_a_plain_leaf_makes_it_require_grad(interp: Interpreter) -> None:
    plain = _plain()
    interp.set_requires_grad(plain, _call("x.requires_grad_()"), ConstValue(True), Ctx(), method=True)
    assert (plain.leaf, plain.rg) == (True, True)


def test_joining_two_different_facts_gives_unknown_and_equal_ones_stay() -> None:
    a, b = _param(), _plain()
    joined = join_values(a, b)
    assert isinstance(joined, TensorValue) and (joined.leaf, joined.rg) == (True, None)
    assert join_values(a, a) is a


# --- graph liveness ---------------------------------------------------------------------


def test_a_backward_frees_the_graph_and_a_second_one_raises(interp: Interpreter) -> None:
    loss = interp.op_result([_param()], _call(), "`sum`", Ctx())
    assert isinstance(loss, TensorValue)
    first = Ctx()
    interp.backward(loss, {}, _call("loss.backward()"), first)
    assert first.stopped is None and loss.node is not None and loss.node.freed
    second = Ctx()
    interp.backward(loss, {}, _call("loss.backward()"), second)
    assert second.stopped == RAISES and isinstance(interp.result.events[-1], BackwardTwice)


def test_retain_graph_keeps_the_graph_for_another_backward(interp: Interpreter) -> None:
    loss = interp.op_result([_param()], _call(), "`sum`", Ctx())
    assert isinstance(loss, TensorValue) and loss.node is not None
    interp.backward(
        loss, {"retain_graph": ConstValue(True)}, _call("loss.backward(retain_graph=True)"), Ctx()
    )
    assert not loss.node.freed


def test_a_saved_tensor_changed_in_place_before_backward_is_reported(interp: Interpreter) -> None:
    weight = _param()
    out = interp.op_result([weight], _call(), "`exp`", Ctx(), saves_result=True, saves_inputs=True)
    assert isinstance(out, TensorValue) and out.node is not None
    weight.obj.version += 1
    ctx = Ctx()
    interp.backward(out, {}, _call("out.backward()"), ctx)
    assert ctx.stopped == RAISES and isinstance(interp.result.events[-1], SavedTensorModified)


def test_a_graph_is_live_only_within_its_run_and_until_its_backward() -> None:
    previous = start_run()
    try:
        obj = Obj()
        node = Node((), ((obj, 0),), 1)
        obj.users.append(node)
        assert obj.in_live_graph()
        node.freed = True
        assert not obj.in_live_graph()
        node.freed = False
        run = current_run()
        start_run()  # another function analysed on its own: a graph of its own
        assert not obj.in_live_graph()
        resume_run(run)
        assert obj.in_live_graph()
    finally:
        resume_run(previous)


# --- the module model -------------------------------------------------------------------


def test_a_torch_layer_has_trainable_parameters_and_freezing_reaches_them(interp: Interpreter) -> None:
    linear = interp.make_torch_module("Linear", [], {}, _call())
    assert isinstance(linear, ModuleValue) and linear.has_params is True
    weight = interp.module_attribute(linear, "weight")
    assert isinstance(weight, TensorValue) and (weight.leaf, weight.rg) == (True, True)
    linear.set_params_rg(False)
    assert weight.rg is False and linear.output_rg() is False


def test_an_activation_has_no_parameters_and_passes_grad_through(interp: Interpreter) -> None:
    relu = interp.make_torch_module("ReLU", [], {}, _call())
    assert isinstance(relu, ModuleValue) and relu.has_params is False
    out = interp.call_module(relu, [_param()], {}, _call(), Ctx())
    assert isinstance(out, TensorValue) and (out.leaf, out.rg) == (False, True)
    out = interp.call_module(relu, [_plain()], {}, _call(), Ctx())
    assert isinstance(out, TensorValue) and (out.leaf, out.rg) == (True, False)


def test_a_sequential_container_runs_its_children_in_order(interp: Interpreter) -> None:
    linear = interp.make_torch_module("Linear", [], {}, _call())
    relu = interp.make_torch_module("ReLU", [], {}, _call())
    seq = interp.make_torch_module("Sequential", [linear, relu], {}, _call())
    assert isinstance(seq, ModuleValue) and seq.children == [linear, relu] and seq.has_params is True
    out = interp.call_module(seq, [_plain()], {}, _call(), Ctx())
    assert isinstance(out, TensorValue) and (out.leaf, out.rg) == (False, True)


def test_an_optimizer_step_bumps_what_it_optimizes(interp: Interpreter) -> None:
    leaf = _param()
    opt = interp.make_optimizer("SGD", [leaf], {}, _call(), Ctx())
    assert isinstance(opt, OptimizerValue) and leaf.obj.optimized
    interp.optimizer_method(opt, "step", _call())
    assert leaf.obj.version == 1


# --- hand-written facts against the generated table --------------------------------------


def test_the_hand_written_facts_agree_with_the_torch_api_table() -> None:
    api = load()
    assert not api.problems
    assert facts.VIEW_PROPERTIES <= api.view_methods
    assert set(facts.GRAD_CONTEXT_ALIASES.values()) <= set(api.grad_contexts)
    assert {facts.SEQUENTIAL, *facts.PARAMETER_CONTAINERS, *facts.RECURRENT_MODULES} <= set(api.nn_modules)
    assert all(dtype_kind(dtype) == kind for kind, dtype in facts.DEFAULT_DTYPES.items())
    assert all(dtype_kind(dtype) is not None for dtype in facts.SCALAR_DTYPES.values())
    assert facts.INDEX_RESULTS <= api.nondifferentiable
    assert not (facts.QUERY_METHODS & api.view_methods)
    assert facts.SELF_WHEN_POSSIBLE <= api.maybe_view_methods - api.view_methods


@pytest.mark.parametrize(
    ("dtype", "kind"),
    [
        ("float32", "float"),
        ("bfloat16", "float"),
        ("int64", "int"),
        ("uint8", "int"),
        ("bool", "bool"),
        ("complex64", "complex"),
        ("qint8", None),
        ("not_a_dtype", None),
        (None, None),
    ],
)
def test_dtype_kinds_come_from_the_table(dtype: str | None, kind: str | None) -> None:
    assert dtype_kind(dtype) == kind
