"""What the interpreter finds: one frozen dataclass per kind of finding.

Detection sites in the interpreter emit these events with the facts they saw; each rule in
:mod:`leaf_lsp.rules` reads the events of its kinds and owns everything users see (the
message, the fix, the docs). ``raises`` marks findings after which the program certainly
stops with an exception, so the rest of the block is not interpreted.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import ClassVar, Literal

from .graph import Node, Obj
from .values import OptimizerValue


@dataclass(frozen=True, eq=False)
class Event:
    """A finding at ``node`` (the statement or expression a diagnostic points at)."""

    node: ast.AST
    #: The rule code the event belongs to.
    code: ClassVar[str] = ""
    #: Whether torch raises here: the interpreter stops the block.
    raises: ClassVar[bool] = False


@dataclass(frozen=True, eq=False)
class OptimizerGetsNonLeaf(Event):
    """An optimizer is built over a tensor that is not a leaf."""

    code: ClassVar[str] = "LEAF101"
    raises: ClassVar[bool] = True
    optimizer: str = ""
    #: How the tensor came to be a non-leaf (the last step of its reason chain).
    origin: str = ""


@dataclass(frozen=True, eq=False)
class InplaceOnLeaf(Event):
    """An in-place update of a leaf that requires grad, with grad mode on."""

    code: ClassVar[str] = "LEAF102"
    raises: ClassVar[bool] = True
    #: The operation as the message names it (`+=`, `.add_()`, "item assignment").
    what: str = ""
    #: The update goes through a view of the leaf.
    via_view: bool = False


@dataclass(frozen=True, eq=False)
class BackwardWithoutGrad(Event):
    """``backward()`` on a tensor that does not require grad."""

    code: ClassVar[str] = "LEAF103"
    raises: ClassVar[bool] = True
    why: str = ""


@dataclass(frozen=True, eq=False)
class NonFloatRequiresGrad(Event):
    """A tensor of an integer or bool dtype is made to require grad."""

    code: ClassVar[str] = "LEAF104"
    raises: ClassVar[bool] = True
    via: Literal["factory", "like_factory", "parameter", "variable", "flag"] = "factory"
    #: The torch function (``arange``) or, for ``via="flag"``, how the flag was set.
    name: str = ""
    dtype: str | None = None


@dataclass(frozen=True, eq=False)
class NumpyOnGradTensor(Event):
    """``.numpy()`` on a tensor that requires grad; ``method`` is the ``x.numpy`` attribute, or
    ``array`` the tensor argument of ``np.asarray(x)`` / ``np.array(x)``."""

    code: ClassVar[str] = "LEAF105"
    raises: ClassVar[bool] = True
    method: ast.expr | None = None
    array: ast.expr | None = None


@dataclass(frozen=True, eq=False)
class FlagOnNonLeaf(Event):
    """``requires_grad`` changed on a non-leaf tensor."""

    code: ClassVar[str] = "LEAF106"
    raises: ClassVar[bool] = True
    what: str = ""


@dataclass(frozen=True, eq=False)
class BackwardTwice(Event):
    """A backward goes through a graph an earlier backward freed."""

    code: ClassVar[str] = "LEAF107"
    raises: ClassVar[bool] = True
    built_line: int = 0


@dataclass(frozen=True, eq=False)
class SavedTensorModified(Event):
    """A tensor saved for backward was modified in place before the backward."""

    code: ClassVar[str] = "LEAF108"
    raises: ClassVar[bool] = True
    used_line: int = 0


@dataclass(frozen=True, eq=False)
class NonLeafGradRead(Event):
    """``.grad`` read on a non-leaf (None unless it retains its gradient)."""

    code: ClassVar[str] = "LEAF201"
    #: The tensor's storage: a later ``retain_grad()`` is seen through it.
    obj: Obj | None = None


@dataclass(frozen=True, eq=False)
class LeafCopied(Event):
    """A dtype or device conversion copies a leaf that requires grad into a non-leaf."""

    code: ClassVar[str] = "LEAF202"
    result_obj: Obj | None = None
    dtype: str | None = None
    device: str | None = None
    #: The leaf is left without a name (``w = w.double()``, ``torch.randn(...).cuda()``).
    leaf_lost: bool = True


@dataclass(frozen=True, eq=False)
class DataMutated(Event):
    """A change through ``.data`` that autograd cannot see, where it matters."""

    code: ClassVar[str] = "LEAF206"
    #: The expression changed (``self.w.data``).
    target: ast.AST | None = None
    #: forward: module state changed in ``forward``; forward_alias: through an alias there;
    #: live_graph: a tensor a waiting graph saved; graph_output: a result of a waiting graph.
    where: Literal["forward", "forward_alias", "live_graph", "graph_output"] = "forward"
    #: live_graph / graph_output: the waiting graph node, and how many backward passes had
    #: gone through it then (it matters only if one more does: the rule checks at the end).
    graph: Node | None = None
    backwards_before: int = 0


@dataclass(frozen=True, eq=False)
class RequiresGradAttributeTypo(Event):
    """``t.require_grad = True`` and kin: a plain attribute autograd ignores."""

    code: ClassVar[str] = "LEAF208"
    attribute: ast.Attribute | None = None
    wrong: str = ""


@dataclass(frozen=True, eq=False)
class RequiresGradKeywordTypo(Event):
    """``torch.zeros(3, require_grad=True)`` and kin: the call raises TypeError."""

    code: ClassVar[str] = "LEAF208"
    raises: ClassVar[bool] = True
    keyword: ast.keyword | None = None
    callee: str = ""


@dataclass(frozen=True, eq=False)
class GraphKeptAcrossIterations(Event):
    """A tensor that requires grad is accumulated (or collected) across loop iterations."""

    code: ClassVar[str] = "LEAF210"
    name: str = ""
    loops: tuple[ast.stmt, ...] = ()
    #: The accumulated expression (the fix detaches it).
    value: ast.AST | None = None
    #: ``xs.append(t)`` rather than ``total += t``.
    collects: bool = False


@dataclass(frozen=True, eq=False)
class RequiresGradOnComputed(Event):
    """``requires_grad`` forced on a result computed without a graph."""

    code: ClassVar[str] = "LEAF212"
    name: str = ""


@dataclass(frozen=True, eq=False)
class TensorFromTensor(Event):
    """``torch.tensor(t)`` on a tensor: a copy without its graph."""

    code: ClassVar[str] = "LEAF213"


@dataclass(frozen=True, eq=False)
class ParameterMade(Event):
    """``nn.Parameter(value)`` was called: the rule for parameters made in ``forward`` reads it."""

    code: ClassVar[str] = "LEAF205"
    #: The wrapped value had a graph (the wrap cuts it).
    wraps_graph: bool = False
    #: The new parameter's storage (``optimized`` tells whether an optimizer got it later).
    obj: Obj | None = None
    #: When it was made, and the optimizers of the same run built before then.
    made: int = 0
    made_run: int = 0
    earlier_optimizers: tuple[OptimizerValue, ...] = ()


@dataclass(frozen=True, eq=False)
class GradientsAccumulate(Event):
    """An optimizer stepped twice with a backward between and no zeroing since the first step;
    ``node`` is that backward call."""

    code: ClassVar[str] = "LEAF209"
    optimizer_line: int = 0


@dataclass(frozen=True, eq=False)
class ParametersAddedAfterOptimizer(Event):
    """A submodule or Parameter put into a model after an optimizer was built from its
    parameters; the rule checks (at the end) that the optimizer stepped afterwards with no new
    optimizer or ``add_param_group`` for them."""

    code: ClassVar[str] = "LEAF215"
    optimizer: OptimizerValue | None = None
    when: int = 0
    #: The storage of the new parameters (``optimized`` tells whether an optimizer got them later).
    obj: Obj | None = None


@dataclass(frozen=True, eq=False)
class UnscaledTwice(Event):
    """``scaler.unscale_(opt)`` again for the same optimizer before ``scaler.update()``."""

    code: ClassVar[str] = "LEAF112"
    raises: ClassVar[bool] = True
    first_line: int = 0


@dataclass(frozen=True, eq=False)
class ClipBeforeUnscale(Event):
    """``clip_grad_norm_`` / ``clip_grad_value_`` on gradients a GradScaler scaled and has not
    unscaled yet."""

    code: ClassVar[str] = "LEAF216"
    scaler_line: int = 0


@dataclass(frozen=True, eq=False)
class CheckpointWithoutGradInputs(Event):
    """A reentrant ``checkpoint(fn, *inputs)`` where no input tensor requires grad."""

    code: ClassVar[str] = "LEAF214"
    #: ``use_reentrant`` was not passed (torch warns and uses the reentrant variant).
    implicit: bool = False


@dataclass(frozen=True, eq=False)
class BackwardNonScalar(Event):
    """``backward()`` without ``gradient=`` on a tensor with more than one element."""

    code: ClassVar[str] = "LEAF109"
    raises: ClassVar[bool] = True


@dataclass(frozen=True, eq=False)
class InferenceTensorSaved(Event):
    """An op outside inference mode that saves an inference tensor with one that requires grad."""

    code: ClassVar[str] = "LEAF110"
    raises: ClassVar[bool] = True
