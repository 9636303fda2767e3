"""Calls: dispatch on the callee (a tensor method, a torch function, a module, a user
function or class), argument binding, torch factories and user functions.
"""

# The methods here are typed with `self: Interpreter` (the class that mixes them in), which
# mypy reports as [misc] "erased type of self"; the bodies are still checked against it.
# mypy: disable-error-code="misc"

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .dtypes import (
    args_dtype,
    default_dtype,
    kind_of_values,
    literal_dtype,
    number_dtype,
)
from .events import (
    CheckpointWithoutGradInputs,
    GraphKeptAcrossIterations,
    NonFloatRequiresGrad,
    NumpyOnGradTensor,
    ParameterMade,
    RequiresGradKeywordTypo,
    TensorFromTensor,
)
from .facts import (
    BUFFER_NAMES,
    CHAINING_FUNCTIONS,
    CHECKPOINT_FUNCTIONS,
    CLASS_LOSSES,
    CLIPPING,
    DEEPCOPY,
    FULL_REDUCTIONS,
    GRAD_SCALERS,
    MODULE_RETURNING,
    NN_PREFIX,
    NON_TENSOR_FUNCTIONS,
    NOT_OPTIMIZERS,
    NUMBER_MODULES,
    NUMPY_CONVERTERS,
    NUMPY_PREFIX,
    OPAQUE_LIBRARIES,
    OPAQUE_PREFIXES,
    OPTIM_PREFIX,
    PARAMETER_NAMES,
    PARTIAL,
    REPARAMETRISING,
    REQUIRES_GRAD_TYPOS,
    SHALLOW_COPY,
    SIZED_FACTORIES,
    TORCH_PREFIX,
    VARIABLE_NAMES,
)
from .graph import current_run
from .modules import class_mro, find_method
from .shapes import Shape, broadcast, function_shape, literal_shape, set_shape, sizes_shape
from .state import (
    MAX_CALL_DEPTH,
    MAX_CALLS,
    RAISES,
    Ctx,
    Scope,
    in_condition,
)
from .syntax import (
    changes_state,
    creates_graph,
    is_generator,
    is_static_method,
    target_name,
)
from .values import (
    UNKNOWN,
    UNKNOWN_KWARGS,
    AutogradApplyValue,
    BoundModuleAttr,
    ClassValue,
    ConstValue,
    DictValue,
    FunctionCtxValue,
    FunctionValue,
    ItemValue,
    ModuleValue,
    NumberValue,
    OptimizerValue,
    ParamsValue,
    PartialValue,
    RefValue,
    ScalerValue,
    SeqValue,
    SuperValue,
    TensorValue,
    Value,
    call_signature,
    const_bool_value,
    copy_tensor,
    copy_value,
    dtype_kind,
    flatten_tensors,
    fresh_result,
    is_number,
    join_values,
    new_tensor,
    open_kwargs,
    runs_code,
)

if TYPE_CHECKING:
    from .core import Interpreter


#: Inside an ``__init__`` at least this deep, a class is built from its prototype (made once,
#: with unknown arguments) instead of for real: a model's own parts (built from the config it
#: is given) are real, the parts of its parts are shared.
NESTED_INSTANTIATION_DEPTH = 3


class CallsMixin:
    """Calls: dispatch on the callee, argument binding, factories, user functions (mixed into :class:`~.core.Interpreter`)."""

    # ------------------------------------------------------------------ calls
    def expr_Call(self: Interpreter, node: ast.Call, scope: Scope, ctx: Ctx) -> Value:
        func = node.func
        if isinstance(func, ast.Attribute):
            return self._method_call(func, node, scope, ctx)
        callee = self.eval(func, scope, ctx)
        if ctx.stopped:
            return UNKNOWN
        args, kwargs = self._args(node, scope, ctx)
        if ctx.stopped:
            return UNKNOWN
        return self.call_value(callee, args, kwargs, node, scope, ctx, func)

    def call_value(
        self: Interpreter,
        callee: Value,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        scope: Scope,
        ctx: Ctx,
        func: ast.expr | None = None,
    ) -> Value:
        """Call what ``callee`` is (a library name, a function, a class, a module, a partial)."""
        name = getattr(func, "id", None) or getattr(func, "attr", None)
        if isinstance(name, str) and "zero_grad" in name and not isinstance(callee, FunctionValue):
            self.note_grads_cleared()  # a library helper that zeroes gradients
        if isinstance(callee, RefValue):
            return self.library_call(callee.qualname, args, kwargs, node, scope, ctx)
        if isinstance(callee, FunctionValue):
            return self.call_and_propagate(callee, args, kwargs, ctx)
        if isinstance(callee, PartialValue):
            merged = dict(callee.kwargs)
            merged.update(kwargs)
            return self.call_value(callee.func, list(callee.args) + args, merged, node, scope, ctx)
        if isinstance(callee, AutogradApplyValue):
            return self.autograd_apply(callee.cls, args, kwargs, node, ctx)
        if isinstance(callee, ClassValue):
            if callee.is_autograd_function:
                return UNKNOWN
            if (
                ctx.func is not None
                and ctx.func.node.name == "__init__"
                and ctx.depth >= NESTED_INSTANTIATION_DEPTH
            ):
                return self.prototype(callee)
            instance = self.instantiate(callee, args, kwargs, ctx)
            instance.line = instance.line or getattr(node, "lineno", 0)
            return instance
        if isinstance(callee, ModuleValue):
            return self.call_module(callee, args, kwargs, node, ctx)
        if isinstance(callee, BoundModuleAttr):
            return UNKNOWN
        if isinstance(func, ast.Name) and callee is UNKNOWN:
            return self.builtin_call(func.id, args, kwargs, node, scope, ctx)
        return UNKNOWN

    def _method_call(self: Interpreter, func: ast.Attribute, node: ast.Call, scope: Scope, ctx: Ctx) -> Value:
        """``receiver.attr(...)``: dispatch on what the receiver is."""
        receiver = self.eval(func.value, scope, ctx)
        if ctx.stopped:
            return UNKNOWN
        args, kwargs = self._args(node, scope, ctx)
        if ctx.stopped:
            return UNKNOWN
        if isinstance(receiver, TensorValue):
            return self.tensor_method(receiver, func.attr, args, kwargs, node, scope, ctx)
        if isinstance(receiver, RefValue):
            return self.library_call(receiver.qualname + "." + func.attr, args, kwargs, node, scope, ctx)
        if isinstance(receiver, ModuleValue):
            self.note_use(receiver, func.attr, ctx)
            return self.module_method(receiver, func.attr, args, kwargs, node, scope, ctx)
        if isinstance(receiver, ScalerValue):
            return self.scaler_method(receiver, func.attr, args, node, ctx)
        if isinstance(receiver, OptimizerValue):
            return self.optimizer_method(receiver, func.attr, node, ctx)
        if isinstance(receiver, ParamsValue):
            return UNKNOWN
        if isinstance(receiver, ClassValue):
            if func.attr == "apply" and receiver.is_autograd_function:
                return self.autograd_apply(receiver, args, kwargs, node, ctx)
            method = find_method(receiver, func.attr)
            if method is not None:
                return self.call_function(method, args, kwargs, ctx)[0]
            return UNKNOWN
        if isinstance(receiver, SuperValue):
            callee = self.expr_Attribute(func, scope, ctx)
            if isinstance(callee, FunctionValue):
                return self.call_function(callee, args, kwargs, ctx)[0]
            own = receiver.self_value
            if func.attr in ("forward", "__call__") and isinstance(own, ModuleValue) and own.torch_class:
                return self.torch_forward(own, args, kwargs, node, ctx)  # the torch base's forward
            return UNKNOWN
        contained = self.container_method(receiver, func.attr, args, kwargs, node)
        if contained is not None:
            return contained
        if isinstance(receiver, ConstValue) and isinstance(receiver.value, str):
            return _string_method(receiver.value, func.attr, args)
        if isinstance(receiver, SeqValue) and func.attr == "append" and receiver.kind == "list":
            if args and len(receiver.items) < 64:
                receiver.items = receiver.items + (args[0],)  # lists grow: self.layers.append(...)
            name = target_name(func.value)
            if name and args and isinstance(args[0], TensorValue) and args[0].rg is True and ctx.loop_depth:
                self.emit(
                    GraphKeptAcrossIterations(
                        self.current_stmt or node,
                        name=name,
                        loops=tuple(ctx.loops),
                        value=node.args[0] if node.args else None,
                        collects=True,
                    ),
                    ctx,
                )
            return ConstValue(None)
        if func.attr == "backward" and receiver is UNKNOWN:
            self._note_backward(node, ctx)
            name = target_name(func.value)
            if name:
                self.result.backward_names.add(name)
        return UNKNOWN

    def _args(
        self: Interpreter, node: ast.Call, scope: Scope, ctx: Ctx
    ) -> tuple[list[Value], dict[str, Value]]:
        args: list[Value] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                inner = self.eval(arg.value, scope, ctx)
                if isinstance(inner, SeqValue):
                    args.extend(inner.items)
                else:
                    args.append(UNKNOWN)
            else:
                args.append(self.eval(arg, scope, ctx))
        kwargs: dict[str, Value] = {}
        for kw in node.keywords:
            value = self.eval(kw.value, scope, ctx)
            if kw.arg is not None:
                kwargs[kw.arg] = value
            elif isinstance(value, DictValue) and value.rest is None:
                kwargs.update(value.items)  # f(**options) with the options known
            else:
                kwargs[UNKNOWN_KWARGS] = UNKNOWN
        return args, kwargs

    def builtin_call(
        self: Interpreter,
        name: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        scope: Scope,
        ctx: Ctx,
    ) -> Value:
        if name == "super":
            func = ctx.func
            self_value = scope.lookup("self")
            if func is not None and func.cls is not None:
                return SuperValue(func.cls, self_value)
            return UNKNOWN
        if name == "isinstance" and len(args) == 2:
            return self._isinstance(args[0], args[1])
        contained = self.container_builtin(name, args, kwargs, node)
        if contained is not None:
            return contained
        if name in ("getattr", "setattr") and len(args) >= 2 and isinstance(args[1], ConstValue):
            return self._constant_attribute(name, args, node, scope, ctx)
        if name in ("float", "int", "bool") and args and isinstance(args[0], TensorValue):
            return ItemValue(node.lineno)
        if name == "sum" and args and isinstance(args[0], SeqValue):
            tensors = [v for v in args[0].items if isinstance(v, TensorValue)]
            if tensors:
                total = self.op_result(list(tensors), node, "`sum`", ctx)
                if isinstance(total, TensorValue):
                    # Added one by one: broadcasting never shrinks what is added.
                    if any(t.one_element is False for t in tensors):
                        total.one_element = False
                    if args[0].kind != "list-comp" and all(
                        isinstance(v, TensorValue) or is_number(v) for v in args[0].items
                    ):
                        shape: Shape | None = ()
                        for item in args[0].items:
                            shape = broadcast(shape, item.shape if isinstance(item, TensorValue) else ())
                        set_shape(total, shape)
                return total
            if args[0].items and all(isinstance(v, ItemValue) for v in args[0].items):
                return ItemValue(node.lineno)
        if name == "filter" and args:
            inner = args[-1]
            return inner if isinstance(inner, (ParamsValue, SeqValue)) else UNKNOWN
        return UNKNOWN

    def _isinstance(self: Interpreter, value: Value, classes: Value) -> Value:
        """``isinstance(value, classes)`` when it is decided statically (else unknown)."""
        options = classes.items if isinstance(classes, SeqValue) else (classes,)
        answers = [self._is_instance(value, option) for option in options]
        if any(a is True for a in answers):
            return ConstValue(True)
        if answers and all(a is False for a in answers):
            return ConstValue(False)
        return UNKNOWN

    def _is_instance(self: Interpreter, value: Value, cls: Value) -> bool | None:
        if isinstance(cls, ClassValue):
            if isinstance(value, ModuleValue):
                return value.cls is not None and cls in class_mro(value.cls)
            return None
        if isinstance(cls, RefValue) and cls.qualname.startswith(NUMPY_PREFIX):
            # A tensor, a module or a Python constant is never a NumPy array or scalar.
            return False if isinstance(value, (TensorValue, ModuleValue)) else None
        if not isinstance(cls, RefValue) or not cls.qualname.startswith(NN_PREFIX):
            return None
        last = cls.qualname.rsplit(".", 1)[-1]
        if isinstance(value, TensorValue):
            if last == "Parameter":
                return value.origin == "param" if value.origin in ("param", "factory", "op", "view") else None
            return None
        if not isinstance(value, ModuleValue) or last not in self.api.nn_modules or last.startswith("_"):
            return None
        if last == "Module":
            return value.is_module
        if value.cls is None and value.torch_class is not None:
            return value.torch_class == last  # torch classes: exact (their own subclasses are rare)
        if value.torch_class == last:
            return True
        if value.cls is not None:
            bases = [base for klass in class_mro(value.cls) for base in klass.bases]
            if all(
                isinstance(base, ClassValue)
                or (
                    isinstance(base, RefValue)
                    and base.qualname.startswith(TORCH_PREFIX)
                    and base.qualname.rsplit(".", 1)[-1] != last
                )
                for base in bases
            ):
                return False  # every base is known (this program's or torch's), and none is that class
        return None

    def _constant_attribute(
        self: Interpreter, name: str, args: list[Value], node: ast.Call, scope: Scope, ctx: Ctx
    ) -> Value:
        """``getattr(obj, "name"[, default])`` / ``setattr(obj, "name", value)`` with a constant name."""
        owner, constant = args[0], args[1]
        attr = constant.value if isinstance(constant, ConstValue) else None
        if not isinstance(attr, str) or not attr.isidentifier() or not node.args:
            return UNKNOWN
        target = ast.Attribute(
            value=node.args[0], attr=attr, ctx=ast.Store() if name == "setattr" else ast.Load()
        )
        ast.copy_location(target, node)
        if name == "setattr":
            if len(args) > 2 and self.current_stmt is not None:
                self.assign_attribute(target, args[2], self.current_stmt, scope, ctx)
            return ConstValue(None)
        if isinstance(owner, ModuleValue):
            self.note_use(owner, attr, ctx)
            found = self.module_attribute(owner, attr)
            if isinstance(found, BoundModuleAttr) and len(args) > 2:
                return args[2]
            return found
        if isinstance(owner, TensorValue):
            return self.tensor_attribute(owner, attr, target, ctx)
        return UNKNOWN

    def _kw_typos(self: Interpreter, kwargs: dict[str, Value], node: ast.Call, qual: str, ctx: Ctx) -> bool:
        for kw in node.keywords:
            if kw.arg in REQUIRES_GRAD_TYPOS:
                self.emit(RequiresGradKeywordTypo(node, keyword=kw, callee=qual), ctx)
                return True
        return False

    def library_call(
        self: Interpreter,
        qual: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        scope: Scope,
        ctx: Ctx,
    ) -> Value:
        """A call of a library function or class by its qualified name."""
        if ctx.record and self.cross_depth == 0:
            self.result.call_qualnames[id(node)] = qual
            self.result.calls_by_qualname.setdefault(qual, []).append(node)
        kwargs = open_kwargs(kwargs)
        if qual.endswith(CLIPPING):
            self._check_clip(node, args[0] if args else kwargs.get("parameters", UNKNOWN), ctx)
            if qual.endswith("clip_grad_value_"):
                return ConstValue(None)
            norm = new_tensor(
                True,
                False,
                node.lineno,
                "the total norm clipping returns is computed from `.grad` (a leaf that does not require grad)",
                kind="float",
            )
            norm.zero_dim = norm.one_element = True
            norm.shape = ()
            return norm
        if qual in CHECKPOINT_FUNCTIONS and args:
            return self._checkpoint(args, kwargs, node, scope, ctx)
        if not qual.startswith(TORCH_PREFIX):
            return self._other_library_call(qual, args, kwargs, node, ctx)
        if self._kw_typos(kwargs, node, qual, ctx):
            return UNKNOWN
        made = self._torch_constructor(qual, args, kwargs, node, ctx)
        if made is not None:
            return made
        return self._torch_function(qual, args, kwargs, node, ctx)

    def _checkpoint(
        self: Interpreter, args: list[Value], kwargs: dict[str, Value], node: ast.Call, scope: Scope, ctx: Ctx
    ) -> Value:
        """``checkpoint(fn, *inputs)``: ``fn(*inputs)``, except that the reentrant variant's output
        requires grad only when an input does (LEAF214 when none does)."""
        flag = kwargs.get("use_reentrant")
        reentrant = const_bool_value(flag) if flag is not None else True
        inputs = [a for a in args[1:] if isinstance(a, TensorValue)]
        hidden = any(a is UNKNOWN or isinstance(a, BoundModuleAttr) for a in args[1:])
        no_grad_inputs = bool(inputs) and not hidden and all(t.rg is False for t in inputs)
        call_kwargs = {k: v for k, v in kwargs.items() if k not in ("use_reentrant", "preserve_rng_state")}
        if reentrant is not False and ctx.grad is not False:
            # The reentrant variant runs ``fn`` under no_grad, and again with grad in backward
            # when an input requires grad: inside it, grad mode is off or not one thing.
            saved = ctx.grad
            ctx.grad = False if no_grad_inputs and reentrant is True else None
            try:
                result = self.call_value(args[0], args[1:], call_kwargs, node, scope, ctx)
            finally:
                ctx.grad = saved
            if reentrant is True and no_grad_inputs:
                self.emit(CheckpointWithoutGradInputs(node, implicit=flag is None), ctx)
                return new_tensor(
                    True,
                    False,
                    node.lineno,
                    "a reentrant `checkpoint` whose inputs do not require grad: its output does not either",
                )
            if reentrant is True and any(t.rg is True for t in inputs) and isinstance(result, TensorValue):
                return copy_tensor(
                    result,
                    leaf=False,
                    rg=True,
                    reason=result.with_reason(
                        node.lineno, "a reentrant `checkpoint` with an input that requires grad: non-leaf"
                    ),
                )
            if isinstance(result, TensorValue) and result.rg is not False:
                return copy_tensor(result, leaf=None, rg=None)
            return result
        result = self.call_value(args[0], args[1:], call_kwargs, node, scope, ctx)
        unsure = hidden or not inputs or any(t.rg is None for t in inputs)
        if reentrant is not False and unsure and isinstance(result, TensorValue) and result.rg is not False:
            # Reentrant: the output requires grad only if an input does, which is not known here.
            return copy_tensor(result, leaf=None, rg=None)
        return result

    def _other_library_call(
        self: Interpreter, qual: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        if qual in CHAINING_FUNCTIONS:
            parts: list[Value] = []
            for arg in args:
                parts.extend(arg.items if isinstance(arg, SeqValue) else (arg,))
            return SeqValue(tuple(parts), "list")
        if qual == PARTIAL and args:
            return PartialValue(
                args[0], tuple(args[1:]), {k: v for k, v in kwargs.items() if k != UNKNOWN_KWARGS}
            )
        if qual in (DEEPCOPY, SHALLOW_COPY) and args:
            return copy_value(args[0], deep=qual == DEEPCOPY, line=node.lineno)
        if qual.startswith(NUMBER_MODULES):
            return NumberValue("float")  # a Python number: it never carries a graph
        if qual in NUMPY_CONVERTERS and args and isinstance(args[0], TensorValue):
            if args[0].rg is True and node.args:
                self.emit(NumpyOnGradTensor(node, array=node.args[0]), ctx)
            return UNKNOWN
        if qual.startswith(OPAQUE_LIBRARIES):
            return UNKNOWN
        tensors = flatten_tensors(args)
        if not tensors:
            return UNKNOWN
        if ctx.grad is False:
            return self.op_result(tensors, node, f"`{qual}`", ctx)
        # Code the interpreter does not see may hold parameters, detach, or call back into ours.
        return new_tensor(
            None, None, node.lineno, f"`{qual}` is not modelled: whether its result requires grad is unknown"
        )

    def _torch_constructor(
        self: Interpreter, qual: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value | None:
        """Tensors, parameters, modules and optimizers that torch constructs; None otherwise."""
        api = self.api
        name = qual[len(TORCH_PREFIX) :]
        last = qual.rsplit(".", 1)[-1]
        if qual in PARAMETER_NAMES:
            return self.make_parameter(args, kwargs, node, ctx)
        if qual in BUFFER_NAMES:
            return _buffer(args, node)
        if qual in VARIABLE_NAMES:
            return self.make_variable(args, kwargs, node, ctx)
        if (
            name in api.aliasing_factories
            and args
            and isinstance(args[0], TensorValue)
            and "dtype" not in kwargs
            and "device" not in kwargs
        ):
            return args[0]  # as_tensor(t) is t itself
        if name in api.factories or (name in api.mixed_factories and not flatten_tensors(args)):
            kind = api.factories.get(name) or api.mixed_factories[name]
            return self.factory(name, kind, args, kwargs, node, ctx)
        if name in api.like_factories:
            return self.like_factory(name, api.like_factories[name], args, kwargs, node, ctx)
        if name in api.tensor_constructors:
            return new_tensor(
                True,
                False,
                node.lineno,
                f"`torch.{name}(...)` creates a leaf that does not require grad",
                dtype=default_dtype(api.tensor_constructors[name]),
                origin="factory",
                device="cpu",
            )
        if last == "GradScaler" and qual.startswith(GRAD_SCALERS):
            scaler = ScalerValue(node.lineno)
            self.scalers.append(scaler)
            return scaler
        if qual.startswith(OPTIM_PREFIX) and last in api.optimizers and not qual.startswith(NOT_OPTIMIZERS):
            return self.make_optimizer(last, args, kwargs, node, ctx)
        functional = any(qual.startswith(module + ".") for module in api.functional_modules)
        if qual.startswith(NN_PREFIX) and last in api.nn_modules and not functional:
            made = self.make_torch_module(last, args, kwargs, node)
            if isinstance(made, ModuleValue) and ctx.inference:
                made.inference_params = True  # its parameters are inference tensors
            return made
        if qual.startswith(NN_PREFIX) and last[:1].isupper() and not functional and qual not in BUFFER_NAMES:
            return ModuleValue(last, torch_class=last, has_params=None)
        if qual.startswith(MODULE_RETURNING):
            module = args[0] if args and isinstance(args[0], ModuleValue) else None
            if module is not None and qual.startswith(REPARAMETRISING):
                # weight_norm(m) / register_parametrization(m, "weight", P): `m.weight` is now
                # computed from other parameters at each access (a non-leaf), not a parameter.
                named = args[1] if len(args) > 1 else kwargs.get("name", ConstValue("weight"))
                if isinstance(named, ConstValue) and isinstance(named.value, str):
                    # Under a condition it may or may not be: then whether it is a leaf is unknown.
                    (module.maybe_computed if in_condition(ctx) else module.computed).add(named.value)
                    module.attrs.pop(named.value, None)
            return module if module is not None else UNKNOWN
        return None

    def _torch_function(
        self: Interpreter, qual: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        """A torch function that is not a constructor: autograd entry points and tensor ops."""
        api = self.api
        name = qual[len(TORCH_PREFIX) :]
        last = qual.rsplit(".", 1)[-1]
        if name == "autograd.grad":
            self._note_backward(node, ctx)
            return self.autograd_grad(args, kwargs, node, ctx)
        if name == "autograd.backward":
            self._note_backward(node, ctx)
            if args:
                self.backward(args[0], kwargs, node, ctx)
            return ConstValue(None)
        if name in NON_TENSOR_FUNCTIONS:
            if name == "device" and args and isinstance(args[0], ConstValue):
                return ConstValue(("device", str(args[0].value)))
            return UNKNOWN
        if name.startswith(OPAQUE_PREFIXES):
            return UNKNOWN
        flat = flatten_tensors(args) + flatten_tensors(list(kwargs.values()))
        if not flat:
            return UNKNOWN
        if any(runs_code(v) for v in list(args) + list(kwargs.values())) and ctx.grad is not False:
            # A torch function handed a module or a function calls it: its result is that code's.
            return new_tensor(
                None,
                None,
                node.lineno,
                f"`{last}` runs code it is given: whether its result requires grad is unknown",
            )
        hidden = _hides_tensor(args, kwargs)
        inputs: list[Value] = list(flat) + ([UNKNOWN] if hidden else [])
        # Losses are floating point whatever their integer targets are; an unknown input may be float.
        kind = "float" if last in api.loss_functions else kind_of_values(flat)
        if hidden and kind != "float":
            kind = None
        if last in api.nondifferentiable:
            return new_tensor(
                True,
                False,
                node.lineno,
                f"`{last}` gives a result that never requires grad",
                origin="op",
                kind="int",
            )
        out = kwargs.get("out")
        if isinstance(out, TensorValue):
            self.inplace(out, node, node, flat, f"`{last}(..., out=...)`", ctx)
            return out
        result = self.op_result(
            inputs,
            node,
            f"`{last}`",
            ctx,
            saves_inputs=last in api.saves_inputs,
            saves_result=last in api.saves_result,
            kind=kind,
        )
        if isinstance(result, TensorValue):
            result.one_element = _function_size(last, flat, args, kwargs, api.loss_functions)
            result = self.with_outputs(result, last, node)
            if isinstance(result, TensorValue):
                set_shape(result, function_shape(last, args, kwargs))
            return result
        return self.with_outputs(result, last, node)

    def factory(
        self: Interpreter,
        name: str,
        dkind: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        ctx: Ctx,
    ) -> Value:
        rg = const_bool_value(kwargs.get("requires_grad", ConstValue(False)))
        dtype = self._dtype_of(kwargs.get("dtype"))
        if name == "tensor" and args and isinstance(args[0], TensorValue) and args[0].rg is True:
            self.emit(TensorFromTensor(node), ctx)  # it drops a graph only when there is one
        if dtype is None and "dtype" not in kwargs:
            if dkind == "data":
                if args and isinstance(args[0], TensorValue):
                    dtype = args[0].dtype
                else:
                    dtype = literal_dtype(node.args[0]) if node.args else None
            elif dkind == "args" and name == "full":
                fill = args[1] if len(args) > 1 else kwargs.get("fill_value", UNKNOWN)
                dtype = number_dtype(fill)
            elif dkind == "args":
                dtype = args_dtype(node.args, args)
            else:
                dtype = default_dtype(dkind)
        kind = dtype_kind(dtype)
        device = self._device_of(kwargs.get("device"), default="cpu")
        if rg is True and kind in ("int", "bool"):
            self.emit(NonFloatRequiresGrad(node, via="factory", name=name, dtype=dtype), ctx)
            return UNKNOWN
        text = f"`torch.{name}(...{', requires_grad=True' if rg else ''})` creates a leaf" + (
            " that requires grad" if rg else (" that does not require grad" if rg is False else "")
        )
        # Built from numbers taken out of tensors (.item()): a computed result whose graph is gone.
        computed = bool(args) and isinstance(args[0], ItemValue)
        made = new_tensor(
            True,
            rg,
            node.lineno,
            text,
            dtype=dtype,
            kind=kind,
            device=device,
            origin="op" if computed else "factory",
        )
        made.zero_dim = name in ("tensor", "as_tensor", "scalar_tensor") and bool(args) and is_number(args[0])
        made.one_element = True if made.zero_dim else _factory_size(name, args)
        set_shape(made, _factory_shape(name, args, kwargs))
        made.inference = ctx.inference
        return made

    def like_factory(
        self: Interpreter,
        name: str,
        dkind: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        ctx: Ctx,
    ) -> Value:
        rg = const_bool_value(kwargs.get("requires_grad", ConstValue(False)))
        src = args[0] if args else UNKNOWN
        dtype = self._dtype_of(kwargs.get("dtype"))
        if dtype is None and "dtype" not in kwargs:
            dtype = src.dtype if isinstance(src, TensorValue) and dkind == "input" else default_dtype(dkind)
        device = self._device_of(
            kwargs.get("device"), default=src.device if isinstance(src, TensorValue) else None
        )
        if rg is True and dtype_kind(dtype) in ("int", "bool"):
            self.emit(NonFloatRequiresGrad(node, via="like_factory", name=name, dtype=dtype), ctx)
            return UNKNOWN
        made = new_tensor(
            True,
            rg,
            node.lineno,
            f"`torch.{name}(...)` creates a new leaf"
            + (" that requires grad" if rg else " (no grad)" if rg is False else ""),
            dtype=dtype,
            device=device,
            origin="factory",
        )
        if isinstance(src, TensorValue):
            set_shape(made, src.shape)  # zeros_like(x): x's shape
        return made

    def make_parameter(
        self: Interpreter, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        src = args[0] if args else UNKNOWN
        rg_arg = args[1] if len(args) > 1 else kwargs.get("requires_grad", ConstValue(True))
        rg = const_bool_value(rg_arg)
        kind = src.kind if isinstance(src, TensorValue) else "float"
        if rg is True and kind in ("int", "bool"):
            self.emit(
                NonFloatRequiresGrad(
                    node, via="parameter", dtype=src.dtype if isinstance(src, TensorValue) else None
                ),
                ctx,
            )
            return UNKNOWN
        made = self.tick()
        earlier = tuple(o for o in self.optimizers if o.run == current_run())
        value = new_tensor(
            True,
            rg,
            node.lineno,
            "`nn.Parameter(...)` is always a fresh leaf" + (" that requires grad" if rg else ""),
            dtype=src.dtype if isinstance(src, TensorValue) else None,
            kind=kind,
            device=src.device if isinstance(src, TensorValue) else None,
            origin="param",
        )
        wraps_graph = isinstance(src, TensorValue) and src.leaf is False and src.rg is True
        if ctx.record:
            # Every sighting counts (one call may hand it to an optimizer, another not): no dedup.
            self.result.events.append(
                ParameterMade(
                    node,
                    wraps_graph=wraps_graph,
                    obj=value.obj,
                    made=made,
                    made_run=current_run(),
                    earlier_optimizers=earlier,
                )
            )
        return value

    def make_variable(
        self: Interpreter, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        src = args[0] if args else UNKNOWN
        if not isinstance(src, TensorValue):
            return UNKNOWN
        rg = const_bool_value(kwargs.get("requires_grad", args[1] if len(args) > 1 else ConstValue(False)))
        if rg is True:
            if src.kind in ("int", "bool"):
                self.emit(NonFloatRequiresGrad(node, via="variable", dtype=src.dtype), ctx)
                return UNKNOWN
            return TensorValue(
                True,
                True,
                src.with_reason(
                    node.lineno,
                    "`Variable(..., requires_grad=True)` returns a leaf tensor that requires grad",
                ),
                src.obj,
                src.dtype,
                src.kind,
                src.device,
                None,
                "factory",
            )
        return src

    def call_and_propagate(
        self: Interpreter, func: FunctionValue, args: list[Value], kwargs: dict[str, Value], ctx: Ctx
    ) -> Value:
        """Call a user function; if its body certainly raises, so does the caller's statement."""
        value, raised = self.call_function(func, args, kwargs, ctx)
        if raised:
            ctx.stopped = RAISES
        return value

    def autograd_apply(
        self: Interpreter,
        cls: ClassValue,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        ctx: Ctx,
    ) -> Value:
        """``Fn.apply(*inputs)``: torch runs ``forward`` with grad off (``ctx`` first unless the
        class has ``setup_context``); its outputs require grad when an input does."""
        forward = find_method(cls, "forward")
        result = self.op_result(args, node, f"`{cls.name}.apply`", ctx)
        if forward is None or ctx.grad is False or ctx.weak:
            return result
        saved = ctx.grad
        ctx.grad = False
        try:
            function_ctx = FunctionCtxValue("ctx", is_module=False, has_params=False)
            setup = find_method(cls, "setup_context")
            prefix: list[Value] = [] if setup is not None else [function_ctx]
            output = self.call_and_propagate(forward, prefix + list(args), kwargs, ctx)
            if ctx.stopped:
                return UNKNOWN  # forward raises: so does apply
            if setup is not None:
                self.call_function(setup, [function_ctx, SeqValue(tuple(args), "tuple"), output], {}, ctx)
            backward = find_method(cls, "backward")
            if (
                backward is not None
                and isinstance(result, TensorValue)
                and result.rg is True
                and not creates_graph(self.tree)
            ):
                # torch runs backward with grad off, handing it one gradient per output.
                count = len(output.items) if isinstance(output, SeqValue) else 1
                grads: list[Value] = [
                    new_tensor(
                        True, False, node.lineno, "a gradient torch hands to `backward` (a leaf, no grad)"
                    )
                    for _ in range(count)
                ]
                self.call_function(backward, [function_ctx, *grads], {}, ctx)
        finally:
            ctx.grad = saved
        return result

    def call_function(
        self: Interpreter,
        func: FunctionValue,
        args: list[Value],
        kwargs: dict[str, Value],
        ctx: Ctx,
        standalone: bool = False,
    ) -> tuple[Value, bool]:
        node = func.node

        if not standalone:
            if ctx.depth >= MAX_CALL_DEPTH or self.calls >= MAX_CALLS or id(node) in self._active:
                if not ctx.weak:
                    self.result.truncated = True
                return UNKNOWN, False
        self.calls += 1
        key = None
        # A function that stores into attributes or items runs again each time: its effects
        # (a parameter replaced, a mask re-drawn, a hook's record) are what later code sees.
        if not standalone and not changes_state(node):
            key = (
                (id(node), id(func.bound_self), ctx.grad, ctx.weak, self.hook_epoch, self.module_epoch)
                + tuple(call_signature(a) for a in args)
                + tuple(sorted((k, call_signature(v)) for k, v in kwargs.items()))
            )
            cached = self._call_cache.get(key)
            if cached is not None:
                # A second call builds a new graph: never hand back the first call's nodes.
                return fresh_result(cached[0], args), cached[1]
        scope = Scope(self, func.scope if isinstance(func.scope, Scope) else self.module_scope)
        params = node.args.posonlyargs + node.args.args
        all_args = list(args)
        if func.bound_self is not None and not is_static_method(node):
            all_args = [func.bound_self] + all_args
        defaults = node.args.defaults
        first_default = len(params) - len(defaults)
        # ``f(**unknown)`` may pass any parameter: none of them keeps its default for sure.
        hidden = UNKNOWN_KWARGS in kwargs
        for i, param in enumerate(params):
            if i < len(all_args):
                value = all_args[i]
            elif param.arg in kwargs:
                value = kwargs[param.arg]
            elif hidden:
                value = UNKNOWN
            elif i >= first_default:
                value = self.eval(defaults[i - first_default], scope, Ctx(record=False))
            else:
                value = UNKNOWN
            scope.vars[param.arg] = value
        for kwonly, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
            if kwonly.arg in kwargs:
                scope.vars[kwonly.arg] = kwargs[kwonly.arg]
            elif default is not None and not hidden:
                scope.vars[kwonly.arg] = self.eval(default, scope, Ctx(record=False))
            else:
                scope.vars[kwonly.arg] = UNKNOWN
        if node.args.vararg:
            scope.vars[node.args.vararg.arg] = SeqValue(tuple(all_args[len(params) :]))
        if node.args.kwarg:
            named = {p.arg for p in params} | {k.arg for k in node.args.kwonlyargs}
            extra = {k: v for k, v in kwargs.items() if k not in named and k != UNKNOWN_KWARGS}
            scope.vars[node.args.kwarg.arg] = DictValue(extra, UNKNOWN if hidden else None)
        grad = ctx.grad if func.grad_mode is None else func.grad_mode
        # Code from another file runs for its facts only: its positions are not ours.
        home = func.scope.interp if isinstance(func.scope, Scope) else self
        # A lambda runs as part of the function that calls it (it has no name of its own).
        owner = ctx.func if isinstance(node, ast.Lambda) else func
        inner = Ctx(owner, ctx.depth + (0 if standalone else 1), grad, record=ctx.record and home is self)
        inner.weak = ctx.weak or standalone
        inner.outer_loops = ctx.outer_loops + tuple(ctx.loops)
        inner.inference = func.inference or (ctx.inference and func.grad_mode is None)
        inner.call_line = self.current_stmt.lineno if self.current_stmt is not None and not standalone else 0
        if standalone:
            inner.depth = 0
        self._active.append(id(node))
        outer_stmt = self.current_stmt
        hooks_before = self.hook_runs
        try:
            if isinstance(node, ast.Lambda):
                inner.returns.append(self.eval(node.body, scope, inner))
            else:
                self.exec_block(node.body, scope, inner)
        finally:
            self._active.pop()
            self.current_stmt = outer_stmt
        raised = inner.stopped == RAISES
        if is_generator(node):
            # Calling a generator function runs nothing yet; iterating it gives what it yields.
            produced: list[Value] = []
            for item in inner.yields:
                if not any(item is seen for seen in produced):
                    produced.append(item)
            result: Value = SeqValue(tuple(produced[:64]), "list")
            raised = False
        elif not inner.returns:
            result = ConstValue(None)
        else:
            result = inner.returns[0]
            for other in inner.returns[1:]:
                result = join_values(result, other)
        if key is not None and self.hook_runs == hooks_before:
            # (A call that ran hooks is not cached: a repeat must run them again.)
            # The key holds ids of the arguments; keeping them alive keeps those ids unique.
            self._call_cache[key] = (result, raised, (func, args, kwargs))
        return result, raised


def _buffer(args: list[Value], node: ast.Call) -> TensorValue:
    """``nn.Buffer(t)``: the same tensor, marked as a module buffer."""
    src = args[0] if args else UNKNOWN
    if isinstance(src, TensorValue):
        return TensorValue(
            src.leaf,
            src.rg,
            src.with_reason(node.lineno, "`nn.Buffer(...)` marks it a buffer"),
            src.obj,
            src.dtype,
            src.kind,
            src.device,
            src.node,
            "buffer",
        )
    return new_tensor(None, None, node.lineno, "`nn.Buffer(...)`", origin="buffer")


#: Keyword arguments of torch functions that take tensors.
TENSOR_KEYWORDS = frozenset({"input", "other", "target", "weight", "bias", "tensors", "mat1", "mat2"})


def _hides_tensor(args: list[Value], kwargs: dict[str, Value]) -> bool:
    """Whether an argument that may be a tensor is unknown (it may require grad): any positional
    argument (``F.linear(x, w, b)`` takes three tensors), one inside a list of tensors, or a
    tensor keyword (``input``, ``other``, ``target``...)."""
    for arg in args:
        if arg is UNKNOWN or isinstance(arg, BoundModuleAttr):
            return True
        if isinstance(arg, SeqValue) and any(a is UNKNOWN for a in arg.items):
            return any(isinstance(a, TensorValue) for a in arg.items)
    return any(
        k in TENSOR_KEYWORDS and (v is UNKNOWN or isinstance(v, BoundModuleAttr)) for k, v in kwargs.items()
    )


#: ``str`` methods folded on constants (a parameter's name in ``name.startswith("bias")``).
STRING_METHODS = frozenset(
    {"startswith", "endswith", "lower", "upper", "strip", "lstrip", "rstrip", "replace", "split", "isdigit"}
)


def _string_method(text: str, method: str, args: list[Value]) -> Value:
    """``"text".method(*constants)``: its value, or unknown."""
    if method not in STRING_METHODS or not all(isinstance(a, ConstValue) for a in args):
        return UNKNOWN
    raw = [a.value for a in args if isinstance(a, ConstValue)]
    try:
        result = getattr(text, method)(*raw)
    except (TypeError, ValueError):
        return UNKNOWN
    if isinstance(result, list):
        return SeqValue(tuple(ConstValue(part) for part in result[:64]), "list")
    return ConstValue(result) if isinstance(result, (str, bool)) else UNKNOWN


def _factory_shape(name: str, args: list[Value], kwargs: dict[str, Value]) -> Shape | None:
    """The shape of ``torch.<name>(...)`` from its size arguments or its data."""
    if name in ("tensor", "as_tensor"):
        return literal_shape(args[0]) if args else None
    if name == "randint":
        size = kwargs.get("size", args[-1] if len(args) >= 2 else None)
        return sizes_shape([size]) if isinstance(size, SeqValue) else None
    if name == "full":
        size = kwargs.get("size", args[0] if args else None)
        return sizes_shape([size]) if isinstance(size, SeqValue) else None
    if name not in SIZED_FACTORIES or name == "normal":
        return None
    size = kwargs.get("size")
    return sizes_shape([size] if size is not None else args) if (args or size is not None) else None


def _factory_size(name: str, args: list[Value]) -> bool | None:
    """Whether ``torch.<name>(*sizes)`` holds one element (only for constant sizes)."""
    if name not in SIZED_FACTORIES or not args:
        return None
    sizes = args[0].items if isinstance(args[0], SeqValue) else tuple(args)
    if name in ("randint", "full", "normal"):
        return None  # their sizes are not the positional arguments
    numbers = [s.value for s in sizes if isinstance(s, ConstValue) and type(s.value) is int]
    if len(numbers) != len(sizes):
        return None
    total = 1
    for n in numbers:
        total *= n
    return total == 1


def _function_size(
    name: str, tensors: list[TensorValue], args: list[Value], kwargs: dict[str, Value], losses: frozenset[str]
) -> bool | None:
    """How many elements a torch function's result holds, where that is clear."""
    if name in losses:
        reduction = kwargs.get("reduction")
        mode = (
            reduction.value if isinstance(reduction, ConstValue) else ("mean" if reduction is None else None)
        )
        if mode in ("mean", "sum", "batchmean"):
            return True
        if mode == "none" and tensors and tensors[0].one_element is False and name not in CLASS_LOSSES:
            return False  # per element: as many as its input (a per-class loss drops a dim)
        return None
    if name in FULL_REDUCTIONS and len(args) == 1 and not kwargs:
        return True
    if name == "stack" and args and isinstance(args[0], SeqValue) and len(args[0].items) >= 2:
        return False
    return None
