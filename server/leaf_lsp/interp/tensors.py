"""Tensor semantics: what an op, a view, a conversion, an in-place update or a backward does
to leaf / requires_grad, storage versions and the graph.
"""

# The methods here are typed with `self: Interpreter` (the class that mixes them in), which
# mypy reports as [misc] "erased type of self"; the bodies are still checked against it.
# mypy: disable-error-code="misc"

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .dtypes import (
    canonical_dtype,
    first_dtype,
)
from .events import (
    BackwardNonScalar,
    BackwardTwice,
    BackwardWithoutGrad,
    FlagOnNonLeaf,
    InferenceTensorSaved,
    InplaceOnLeaf,
    LeafCopied,
    NonFloatRequiresGrad,
    NonLeafGradRead,
    NumpyOnGradTensor,
    RequiresGradOnComputed,
    SavedTensorModified,
)
from .facts import (
    BACKWARD_KEYWORDS,
    DEFAULT_DTYPES,
    DEVICE_METHODS,
    FULL_REDUCTIONS,
    INDEX_RESULTS,
    NUMPY_METHODS,
    QUERY_METHODS,
    SELF_WHEN_POSSIBLE,
    TO_PYTHON_METHODS,
    TORCH_PREFIX,
    VIEW_PROPERTIES,
)
from .graph import Node, Obj
from .shapes import method_shape, set_shape, shape_value, size_query, transposed
from .state import (
    RAISES,
    Ctx,
    Scope,
    in_condition,
)
from .syntax import (
    receiver_name,
    target_name,
)
from .values import (
    UNKNOWN,
    BoundModuleAttr,
    ConstValue,
    ItemValue,
    ModuleValue,
    RefValue,
    SeqValue,
    TensorValue,
    Value,
    const_bool_value,
    copy_tensor,
    dtype_kind,
    flatten_tensors,
    is_number,
    new_tensor,
    open_kwargs,
)

if TYPE_CHECKING:
    from .core import Interpreter


class TensorsMixin:
    """Tensor semantics: ops, views, conversions, in-place updates, backward (mixed into :class:`~.core.Interpreter`)."""

    def tensor_attribute(
        self: Interpreter, base: TensorValue, attr: str, node: ast.Attribute, ctx: Ctx
    ) -> Value:
        line = node.lineno
        if attr == "grad":
            if isinstance(node.ctx, ast.Store):
                return UNKNOWN
            base.obj.grad_read = True
            if base.leaf is False and not base.obj.retains_grad:
                self.emit(NonLeafGradRead(node, obj=base.obj), ctx)
            return new_tensor(
                True,
                False,
                line,
                "a `.grad` tensor (a leaf that does not require grad)",
                dtype=base.dtype,
                device=base.device,
                origin="grad",
            )
        if attr == "data":
            alias = TensorValue(
                True,
                False,
                base.with_reason(line, "`.data` is a detached alias (leaf, no grad)"),
                base.obj,
                base.dtype,
                base.kind,
                base.device,
                None,
                "data",
            )
            alias.data_of_param = base.origin == "param"
            alias.owners = base.owners
            alias.data_of_node = base.node if base.leaf is False and base.rg is True else base.data_of_node
            return alias
        named = next((value for name, value in base.outputs if name == attr), None)
        if named is not None:
            return named  # (values, indices) result: `.indices`
        if attr in VIEW_PROPERTIES:
            view = self._view_of(base, line, f"`.{attr}`", ctx)
            view.shape = transposed(base.shape) if attr == "T" else None
            return view
        if attr == "shape":
            return shape_value(base.shape)
        if attr in ("requires_grad", "is_leaf"):
            return ConstValue(base.rg if attr == "requires_grad" else base.leaf)
        return UNKNOWN

    def _view_of(
        self: Interpreter, base: TensorValue, line: int, what: str, ctx: Ctx | None = None
    ) -> TensorValue:
        """A view of ``base`` (indexing, ``.view()``, ``.t()``...)."""
        view = self._view_facts(base, line, what, ctx)
        view.inference = base.inference  # views of inference tensors are inference tensors
        view.shape = base.shape  # the caller changes it where the view changes it
        return view

    def _view_facts(
        self: Interpreter, base: TensorValue, line: int, what: str, ctx: Ctx | None
    ) -> TensorValue:
        grad = ctx.grad if ctx is not None else True
        if base.rg is True and grad is not False:
            node = Node((base.node,) if base.node else (), (), line)
            leaf: bool | None = False if grad is True else None
            rg: bool | None = True if grad is True else None
            view = TensorValue(
                leaf,
                rg,
                base.with_reason(line, f"{what} a tensor that requires grad is a view: non-leaf"),
                base.obj,
                base.dtype,
                base.kind,
                base.device,
                node,
                "view",
            )
            view.view_of_leaf = (base.leaf is True and grad is True) or base.view_of_leaf
            return view
        if grad is False and base.rg is not False:
            # Under no_grad a view is a leaf that keeps its base's requires_grad.
            return TensorValue(
                True,
                base.rg,
                base.with_reason(
                    line, f"{what} a tensor under no_grad: a leaf view with its base's requires_grad"
                ),
                base.obj,
                base.dtype,
                base.kind,
                base.device,
                None,
                "view",
            )
        if base.rg is False or grad is False:
            return TensorValue(
                True,
                False,
                base.with_reason(line, f"{what} a tensor that does not require grad: leaf"),
                base.obj,
                base.dtype,
                base.kind,
                base.device,
                None,
                "view",
            )
        return TensorValue(
            None, None, base.reason, base.obj, base.dtype, base.kind, base.device, None, "view"
        )

    # ------------------------------------------------------------------ tensor semantics
    def op_result(
        self: Interpreter,
        inputs: Sequence[Value],
        node: ast.AST,
        what: str,
        ctx: Ctx,
        *,
        saves_inputs: bool = False,
        saves_result: bool = False,
        kind: str | None = None,
        copy_of: TensorValue | None = None,
    ) -> Value:
        """The result of an op on ``inputs`` (0-d when every input is a 0-d tensor or a number)."""
        result = self._op_value(
            inputs,
            node,
            what,
            ctx,
            saves_inputs=saves_inputs,
            saves_result=saves_result,
            kind=kind,
            copy_of=copy_of,
        )
        tensors = [v for v in inputs if isinstance(v, TensorValue)]
        if ctx.inference and isinstance(result, TensorValue):
            result.inference = True
        elif saves_inputs and self._saves_inference_tensor(tensors, ctx, node):
            return UNKNOWN
        if isinstance(result, TensorValue) and result.kind in ("int", "bool") and result.rg is not False:
            # Integer and bool tensors never require grad (their inputs were integers too).
            result = copy_tensor(result, leaf=True, rg=False, node=None)
        if isinstance(result, TensorValue) and tensors and all(t.zero_dim for t in tensors):
            result.zero_dim = all(isinstance(v, TensorValue) or is_number(v) for v in inputs)
            result.one_element = True if result.zero_dim else result.one_element
        return result

    def _saves_inference_tensor(self: Interpreter, tensors: Sequence[Value], ctx: Ctx, node: ast.AST) -> bool:
        """Outside inference mode, an op that saves its inputs gets an inference tensor together
        with a tensor that requires grad: it raises (LEAF110)."""
        values = [t for t in tensors if isinstance(t, TensorValue)]
        if ctx.inference or ctx.grad is False:
            return False
        if any(t.inference for t in values) and any(t.rg is True for t in values):
            stmt = self.current_stmt if self.current_stmt is not None else node
            self.emit(InferenceTensorSaved(stmt), ctx)
            return True
        return False

    def _op_value(
        self: Interpreter,
        inputs: Sequence[Value],
        node: ast.AST,
        what: str,
        ctx: Ctx,
        *,
        saves_inputs: bool = False,
        saves_result: bool = False,
        kind: str | None = None,
        copy_of: TensorValue | None = None,
    ) -> Value:
        tensors = [v for v in inputs if isinstance(v, TensorValue)]
        unknown = any(v is UNKNOWN or isinstance(v, BoundModuleAttr) for v in inputs)
        line = getattr(node, "lineno", 0)
        if ctx.grad is False:
            rg: bool | None = False
        elif any(t.rg is True for t in tensors):
            rg = True if ctx.grad is True else None
        elif not unknown and all(t.rg is False for t in tensors):
            rg = False
        else:
            rg = None
        leaf = None if rg is None else not rg
        dtype = first_dtype(tensors)
        if kind is not None and dtype_kind(dtype) not in (None, kind):
            dtype = None  # the result's kind is not its first input's (a loss of integer targets)
        if rg is True:
            src = next(t for t in tensors if t.rg is True)
            saved: tuple[tuple[Obj, int], ...] = ()
            if saves_inputs:
                saved = tuple((t.obj, t.obj.version) for t in tensors)
            result = new_tensor(
                False,
                True,
                line,
                f"{what} on a tensor that requires grad -> non-leaf",
                reason=src.reason,
                kind=kind or src.kind,
                dtype=dtype,
                device=src.device,
            )
            result.node = Node(tuple(t.node for t in tensors if t.node), saved, line)
            for t in tensors:
                t.obj.users.append(result.node)
            if saves_result:
                result.node.saved = result.node.saved + ((result.obj, 0),)
                result.obj.users.append(result.node)
            return result
        if rg is False:
            reason = tensors[0].reason if tensors else ()
            why = "under no_grad" if ctx.grad is False else "of tensors that do not require grad"
            return new_tensor(
                True,
                False,
                line,
                f"{what} {why} -> leaf, no grad",
                reason=reason,
                kind=kind or (tensors[0].kind if tensors else None),
                dtype=dtype,
                device=tensors[0].device if tensors else None,
            )
        return new_tensor(leaf, rg, line, f"{what}: inputs of unknown grad state", kind=kind, dtype=dtype)

    def tensor_method(
        self: Interpreter,
        t: TensorValue,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        scope: Scope,
        ctx: Ctx,
    ) -> Value:
        """``t.method(*args, **kwargs)``."""
        kwargs = open_kwargs(kwargs)
        if method in ("size", "dim", "numel") and t.shape is not None:
            known = size_query(method, t.shape, args)
            if known is not None:
                return known
        for handler in (self._autograd_method, self._conversion_method):
            result = handler(t, method, args, kwargs, node, ctx)
            if result is not None:
                return result
        result = self._op_method(t, method, args, kwargs, node, ctx)
        if isinstance(result, TensorValue) and result is not t:
            set_shape(result, method_shape(method, t.shape, args, kwargs))
        return result

    def _autograd_method(
        self: Interpreter,
        t: TensorValue,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        ctx: Ctx,
    ) -> Value | None:
        """The methods of the autograd API itself (detach, requires_grad_, backward...)."""
        line = node.lineno
        if method == "detach":
            detached = TensorValue(
                True,
                False,
                t.with_reason(line, "`.detach()` returns a leaf that does not require grad"),
                t.obj,
                t.dtype,
                t.kind,
                t.device,
                None,
                "detach",
            )
            detached.inference = t.inference  # a view of an inference tensor is one too
            return detached
        if method in self.api.detach_inplace:
            t.leaf, t.rg, t.node = True, False, None
            return t
        if method == "requires_grad_":
            flag = (
                const_bool_value(args[0])
                if args
                else const_bool_value(kwargs.get("requires_grad", ConstValue(True)))
            )
            return self.set_requires_grad(
                t, node, ConstValue(flag) if flag is not None else UNKNOWN, ctx, method=True
            )
        if method == "retain_grad":
            t.obj.retains_grad = True
            return ConstValue(None)
        if method == "backward":
            if any(k.arg is not None and k.arg not in BACKWARD_KEYWORDS for k in node.keywords):
                # backward(retain_variables=True) raises TypeError before any backward runs.
                ctx.stopped = RAISES
                return UNKNOWN
            if t.one_element is False and not args and "gradient" not in kwargs and t.rg is not False:
                self.emit(BackwardNonScalar(node), ctx)
                return UNKNOWN
            self._note_backward(node, ctx)
            self.backward(t, kwargs, node, ctx)
            name = target_name(node.func.value) if isinstance(node.func, ast.Attribute) else None
            if name:
                self.result.backward_names.add(name)
            return ConstValue(None)
        if method in NUMPY_METHODS:
            if t.rg is True and not const_bool_value(kwargs.get("force", ConstValue(False))):
                self.emit(NumpyOnGradTensor(node, method=node.func), ctx)
            return UNKNOWN
        if method == "register_hook" and args:
            # The hook runs during backward (grad mode off) with the gradient of ``t``.
            grad = new_tensor(
                True,
                False,
                line,
                "the gradient a tensor hook receives (no grad)",
                dtype=t.dtype,
                origin="grad",
            )
            self.run_hook(args[0], [grad], ctx, grad=False)
            return UNKNOWN
        return None

    def _conversion_method(
        self: Interpreter,
        t: TensorValue,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        ctx: Ctx,
    ) -> Value | None:
        """Methods that leave the graph (Python values, metadata) or change dtype or device."""
        api = self.api
        if method in TO_PYTHON_METHODS:
            return ItemValue(node.lineno)
        if method in QUERY_METHODS:
            return UNKNOWN
        if method in api.dtype_methods:
            return self.convert(t, api.dtype_methods[method], None, node, ctx, f".{method}()")
        if method == "to":
            dtype, device, known = self._to_target(args, kwargs)
            return self.convert(t, dtype, device, node, ctx, ".to(...)", known=known)
        if method in DEVICE_METHODS:
            return self.convert(t, None, method, node, ctx, f".{method}()")
        if method == "type" and args:
            dtype = self._dtype_of(args[0])
            return self.convert(t, dtype, None, node, ctx, ".type(...)", known=dtype is not None)
        return None

    def _op_method(
        self: Interpreter,
        t: TensorValue,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        ctx: Ctx,
    ) -> Value:
        """Tensor operations as methods: copies, new tensors, in-place updates, views, ops."""
        api = self.api
        line = node.lineno
        if method == "clone":
            return self.op_result([t], node, "`.clone()`", ctx, kind=t.kind)
        if (
            method in SELF_WHEN_POSSIBLE
            or method in api.identity_methods
            and t.kind in ("float", "int", "bool")
        ):
            return t
        if method in api.new_factories:
            rg = const_bool_value(kwargs.get("requires_grad", ConstValue(False)))
            return new_tensor(
                True,
                rg,
                line,
                f"`.{method}(...)` creates a new leaf",
                dtype=t.dtype,
                device=t.device,
                origin="factory",
            )
        if (
            method.endswith("_")
            and t.origin == "data"
            and isinstance(node.func, ast.Attribute)
            and not method.startswith("_")
            and method not in ("requires_grad_", "retain_grad")
        ):
            self._data_mutation(node.func.value, node, ctx, t)
            return t
        if method in api.inplace_methods or (
            method.endswith("_") and not method.startswith("_") and method[:-1] in api.saves_inputs
        ):
            self.inplace(t, node, node, args + list(kwargs.values()), f"`.{method}()`", ctx)
            return t
        if method in api.nondifferentiable or method in api.nondifferentiable_float:
            return new_tensor(
                True,
                False,
                line,
                f"`.{method}()` gives a result that never requires grad",
                origin="op",
                kind="int" if method in api.nondifferentiable else t.kind,
            )
        if method in api.view_methods:
            return self._view_of(t, line, f"`.{method}()` of", ctx)
        others = [a for a in args if isinstance(a, TensorValue)]
        if method in FULL_REDUCTIONS and not args and "dim" not in kwargs:
            reduced = self.op_result([t], node, f"`.{method}()`", ctx, kind=t.kind)
            if isinstance(reduced, TensorValue):
                reduced.one_element = True  # a full reduction: one element
            return reduced
        result = self.op_result(
            [t] + others + flatten_tensors([a for a in args if isinstance(a, SeqValue)]),
            node,
            f"`.{method}()`",
            ctx,
            saves_inputs=method in api.saves_inputs,
            saves_result=method in api.saves_result,
            kind="int" if method in INDEX_RESULTS else t.kind,
        )
        return self.with_outputs(result, method, node)

    def with_outputs(self: Interpreter, result: Value, name: str, node: ast.AST) -> Value:
        """Attach the per-output facts of an op that may return a tuple (``max(dim)``, ``topk``)."""
        infos = self.api.multi_outputs.get(name)
        if not infos or not isinstance(result, TensorValue):
            return result
        line = getattr(node, "lineno", 0)
        outputs: list[tuple[str | None, TensorValue]] = []
        for index, info in enumerate(infos):
            if info.differentiable and info.kind in (None, "float", "complex"):
                value = result if index == 0 else copy_tensor(result, obj=Obj(line), outputs=())
            else:
                value = new_tensor(
                    True,
                    False,
                    line,
                    f"output {index + 1} of `{name}`"
                    + (f" (`{info.name}`)" if info.name else "")
                    + " never requires grad",
                    kind=info.kind or "int",
                    dtype=DEFAULT_DTYPES.get(info.kind or "int"),
                    origin="op",
                )
            outputs.append((info.name, value))
        result.outputs = tuple(outputs)
        return result

    def _to_target(
        self: Interpreter, args: list[Value], kwargs: dict[str, Value]
    ) -> tuple[str | None, str | None, bool]:
        """The dtype and device a ``.to(...)`` call targets, and whether both are known statically."""
        dtype: str | None = None
        device: str | None = None
        known = True
        for value in args:
            found_dtype = self._dtype_of(value)
            found_device = self._device_of(value, default=None)
            if found_dtype is not None:
                dtype = found_dtype
            elif found_device is not None:
                device = found_device
            elif isinstance(value, ConstValue) and (value.value is None or isinstance(value.value, bool)):
                continue  # non_blocking / copy flags
            else:
                known = False  # .to(device_variable), .to(other_tensor)
        if "dtype" in kwargs:
            dtype = self._dtype_of(kwargs["dtype"])
            known = known and dtype is not None
        if "device" in kwargs:
            device = self._device_of(kwargs["device"], default=None)
            known = known and device is not None
        if const_bool_value(kwargs.get("copy", ConstValue(False))) is not False:
            known = False
        return dtype, device, known

    def _dtype_of(self: Interpreter, value: Value | None) -> str | None:
        if isinstance(value, RefValue) and value.qualname.startswith(TORCH_PREFIX):
            name = value.qualname[6:]
            if name in self.api.dtypes:
                return canonical_dtype(name, self.api)
        return None

    def _device_of(self: Interpreter, value: Value | None, default: str | None) -> str | None:
        if value is None:
            return default
        if isinstance(value, ConstValue):
            raw = value.value
            if isinstance(raw, tuple) and len(raw) == 2 and raw[0] == "device":
                raw = raw[1]
            if isinstance(raw, str):
                return raw.split(":")[0]
            if isinstance(raw, int) and not isinstance(raw, bool):
                return "cuda"
        return None

    def convert(
        self: Interpreter,
        t: TensorValue,
        dtype: str | None,
        device: str | None,
        node: ast.Call,
        ctx: Ctx,
        what: str,
        known: bool = True,
    ) -> Value:
        line = node.lineno
        same_dtype = dtype is None or (t.dtype is not None and t.dtype == dtype)
        same_device = device is None or (t.device is not None and t.device == device)
        dtype_unknown = dtype is not None and t.dtype is None
        device_unknown = device is not None and t.device is None
        if known and same_dtype and same_device and not dtype_unknown and not device_unknown:
            return t  # same object
        if dtype_kind(dtype) in ("int", "bool"):
            # Integer and boolean tensors never require grad: the conversion ends the graph.
            return replace_zero_dim(
                t,
                TensorValue(
                    True,
                    False,
                    t.with_reason(
                        line, f"`{what}` gives a {dtype} tensor: integer and bool tensors never require grad"
                    ),
                    Obj(line),
                    dtype,
                    dtype_kind(dtype),
                    device or t.device,
                    None,
                    "copy",
                ),
            )
        if not known or dtype_unknown or device_unknown:
            return _uncertain_conversion(t, dtype, device, line, what)
        # A real copy.
        if t.rg is True and ctx.grad is not False:
            result = TensorValue(
                False,
                True if ctx.grad else None,
                t.with_reason(line, f"`{what}` copies a tensor that requires grad -> non-leaf"),
                Obj(line),
                dtype or t.dtype,
                None,
                device or t.device,
                Node((t.node,) if t.node else (), (), line),
                "copy",
            )
            result.kind = dtype_kind(result.dtype)
            if t.leaf is True:
                self.emit(
                    LeafCopied(
                        node,
                        result_obj=result.obj,
                        dtype=dtype,
                        device=device,
                        leaf_lost=self._leaf_lost(node),
                    ),
                    ctx,
                )
            return result
        result = TensorValue(
            True,
            False if t.rg is False or ctx.grad is False else None,
            t.with_reason(line, f"`{what}` copies a tensor (leaf, no grad)"),
            Obj(line),
            dtype or t.dtype,
            None,
            device or t.device,
            None,
            "copy",
        )
        result.kind = dtype_kind(result.dtype)
        return replace_zero_dim(t, result)

    def _leaf_lost(self: Interpreter, call: ast.Call) -> bool:
        """Whether the converted leaf is left without a name (the copy takes its place)."""
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        name = target_name(receiver) if receiver is not None else None
        if name is None:
            return True  # factory(...).double(): the leaf was never bound
        stmt = self.current_stmt
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            return target_name(stmt.targets[0]) == name  # w = w.double()
        return False

    def set_requires_grad(
        self: Interpreter, t: TensorValue, node: ast.AST, value: Value, ctx: Ctx, method: bool
    ) -> Value:
        flag = const_bool_value(value)
        what = "`.requires_grad_()`" if method else "`.requires_grad = ...`"
        if t.leaf is False and (not method or flag is False):
            self.emit(FlagOnNonLeaf(node, what=what), ctx)
            return UNKNOWN
        if flag is True:
            if t.kind in ("int", "bool"):
                self.emit(NonFloatRequiresGrad(node, via="flag", name=what, dtype=t.dtype or t.kind), ctx)
                return UNKNOWN
            if t.leaf is False:
                return t
            if t.origin == "op" and t.rg is False and t.leaf is True:
                self.emit(RequiresGradOnComputed(node, name=receiver_name(node) or ""), ctx)
            for owner in t.owners:
                if t.stands_for_all and not in_condition(ctx):
                    owner.set_params_rg(True)
                else:
                    owner.params_rg = True  # now at least this parameter is trained
            t.rg = True
            t.leaf = True if t.leaf is not None else None
            t.reason = t.with_reason(getattr(node, "lineno", 0), f"{what} makes it a leaf that requires grad")
            return t
        if flag is False:
            conditional = in_condition(ctx)
            for owner in t.owners:
                if conditional:
                    owner.params_rg = True  # a freeze under a condition leaves some parameters trainable
                elif t.stands_for_all:
                    owner.set_params_rg(False)
            t.rg = None if conditional and t.rg is not False else False
            if not t.stands_for_all and not conditional:
                for owner in t.owners:
                    owner.params_rg = _after_one_frozen(owner)
            t.leaf = True
            t.reason = t.with_reason(
                getattr(node, "lineno", 0), f"{what} False: a leaf that does not require grad"
            )
            return t
        # Set to a value not known here: whether it (and, for an element of parameters(),
        # every parameter it stands for) requires grad is unknown from now on.
        if t.stands_for_all:
            for owner in t.owners:
                owner.set_params_rg(None)
        else:
            for owner in t.owners:
                if owner.params_rg is False:
                    owner.params_rg = None
        t.rg = None
        return t

    def inplace(
        self: Interpreter,
        t: TensorValue,
        target: ast.AST,
        stmt: ast.AST,
        inputs: Sequence[Value],
        what: str,
        ctx: Ctx,
        via_view: bool = False,
    ) -> None:
        if t.origin == "data":
            self._data_mutation(target, stmt, ctx, t)
            return  # `.data` changes do not bump the version counter: autograd never notices
        if t.origin == "grad":
            self.note_grads_cleared()  # p.grad.zero_(): gradients start again
        on_leaf = t.leaf is True and t.rg is True
        if ctx.grad is not False and (on_leaf or t.view_of_leaf) and t.origin != "data":
            if not isinstance(stmt, ast.stmt) and self.current_stmt is not None:
                stmt = self.current_stmt
            self.emit(InplaceOnLeaf(stmt, what=what, via_view=via_view or t.origin == "view"), ctx)
            return
        t.obj.bump()
        others = [v for v in inputs if isinstance(v, TensorValue)]
        if ctx.grad is not False and any(v.rg is True for v in others) and t.rg is not True:
            line = getattr(stmt, "lineno", 0)
            t.rg = True
            t.leaf = False
            t.node = Node(tuple(v.node for v in others if v.node), (), line)
            t.reason = t.with_reason(line, f"{what} with a tensor that requires grad -> non-leaf")

    def _note_backward(self: Interpreter, node: ast.Call, ctx: Ctx) -> None:
        looped = bool(ctx.outer_loops or ctx.loops)
        self.backward_times.append((self.tick(), node, looped))
        del self.backward_times[:-16]
        if self.cross_depth == 0 and ctx.record:
            self.result.backward_calls.append((node, ctx.outer_loops + tuple(ctx.loops)))

    def backward(self: Interpreter, t: Value, kwargs: dict[str, Value], node: ast.Call, ctx: Ctx) -> None:
        if not isinstance(t, TensorValue):
            return
        if t.rg is False:
            self.emit(
                BackwardWithoutGrad(node, why=t.reason[-1].text if t.reason else "no input requires grad"),
                ctx,
            )
            return
        if t.node is None:
            return
        retain = const_bool_value(kwargs.get("retain_graph", UNKNOWN))
        create = const_bool_value(kwargs.get("create_graph", ConstValue(False)))
        keep = retain is True or create is True or (retain is None and "retain_graph" in kwargs)
        seen: set[int] = set()
        # (node, certain): below a merge node (a value joined from branches or iterations) the
        # graph is one of several possible ones: it counts as reached, but proves no error.
        stack: list[tuple[Node, bool]] = [(t.node, True)]
        visited: list[Node] = []
        reached: list[Node] = []
        while stack:
            current, certain = stack.pop()
            if current.id in seen:
                continue
            seen.add(current.id)
            reached.append(current)
            if certain and current.freed:
                self.emit(BackwardTwice(node, built_line=current.line), ctx)
                return
            if certain and any(obj.version != version for obj, version in current.saved):
                self.emit(SavedTensorModified(node, used_line=current.line), ctx)
                return
            if certain:
                visited.append(current)
            below = certain and not current.merge
            stack.extend((child, below) for child in current.inputs)
        for n in reached:
            n.backwards += 1
        if not keep:
            for n in visited:
                n.freed = True

    def autograd_grad(
        self: Interpreter, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        outputs = args[0] if args else kwargs.get("outputs", UNKNOWN)
        inputs = args[1] if len(args) > 1 else kwargs.get("inputs", UNKNOWN)
        first = outputs.items[0] if isinstance(outputs, SeqValue) and outputs.items else outputs
        self.backward(first, kwargs, node, ctx)
        create = const_bool_value(kwargs.get("create_graph", ConstValue(False)))
        count = (
            len(inputs.items)
            if isinstance(inputs, SeqValue)
            else (1 if isinstance(inputs, TensorValue) else 0)
        )
        if count == 0:
            return UNKNOWN
        if create is True and isinstance(first, TensorValue) and first.rg is True and ctx.grad is not False:
            # create_graph=True: the gradients are themselves differentiable results.
            grads = tuple(
                new_tensor(
                    False,
                    True,
                    node.lineno,
                    "`torch.autograd.grad(..., create_graph=True)` returns gradients with a graph (non-leaf)",
                    origin="op",
                    node=Node((first.node,) if first.node else (), (), node.lineno),
                )
                for _ in range(count)
            )
        else:
            grads = tuple(
                new_tensor(
                    True if create is False else None,
                    False if create is False else None,
                    node.lineno,
                    "`torch.autograd.grad` returns gradients that do not require grad",
                    origin="grad",
                )
                for _ in range(count)
            )
        return SeqValue(grads)


def binop_saved(op: ast.operator, left: Value, right: Value) -> tuple[tuple[Obj, int], ...]:
    """What the backward of ``left <op> right`` keeps: a * b keeps b for a's gradient and vice versa."""

    def grad(v: Value) -> bool:
        return isinstance(v, TensorValue) and v.rg is not False

    saved: list[TensorValue] = []
    if isinstance(op, (ast.Mult, ast.MatMult)):
        if isinstance(left, TensorValue) and grad(right):
            saved.append(left)
        if isinstance(right, TensorValue) and grad(left):
            saved.append(right)
    elif isinstance(op, ast.Div):
        if isinstance(right, TensorValue):
            saved.append(right)
        if isinstance(left, TensorValue) and grad(right):
            saved.append(left)
    elif isinstance(op, ast.Pow):
        saved.extend(v for v in (left, right) if isinstance(v, TensorValue))
    return tuple((t.obj, t.obj.version) for t in saved)


def _uncertain_conversion(
    t: TensorValue, dtype: str | None, device: str | None, line: int, what: str
) -> Value:
    """A conversion whose target is only known at run time: a copy, or the tensor itself."""
    if t.rg is False:
        return TensorValue(
            True,
            False,
            t.with_reason(line, f"`{what}` of a tensor that does not require grad"),
            Obj(line),
            dtype or t.dtype,
            None,
            device or t.device,
            None,
            "op",
        )
    if t.leaf is False:
        return TensorValue(
            False,
            t.rg,
            t.with_reason(line, f"`{what}` of a non-leaf"),
            Obj(line),
            dtype or t.dtype,
            None,
            device or t.device,
            Node((t.node,) if t.node else (), (), line),
            "op",
        )
    return TensorValue(
        None,
        t.rg,
        t.with_reason(
            line,
            f"`{what}`: the target is only known at run time; a copy (non-leaf) or the same leaf",
        ),
        Obj(line),
        dtype or t.dtype,
        None,
        device or t.device,
        None,
        "op",
    )


def _after_one_frozen(module: ModuleValue) -> bool | None:
    """Whether a module's parameters require grad after one of them was frozen: False once
    every parameter the API table names for the torch module is, unknown while others may
    still be trained."""
    if module.params_rg is False:
        return False
    params = [v for v in module.attrs.values() if isinstance(v, TensorValue) and v.origin == "param"]
    if (
        module.cls is None
        and module.param_names is not None
        and module.param_names <= module.attrs.keys()
        and all(p.rg is False for p in params)
    ):
        return False
    if any(p.rg is True for p in params):
        return True
    return None


def replace_zero_dim(source: TensorValue, result: TensorValue) -> TensorValue:
    """A conversion of a 0-d tensor is 0-d."""
    result.zero_dim = source.zero_dim
    return result
