"""``nn.Module`` and optimizer model: torch modules, user module classes, their parameters,
methods and forward calls; optimizers and their steps.
"""

# The methods here are typed with `self: Interpreter` (the class that mixes them in), which
# mypy reports as [misc] "erased type of self"; the bodies are still checked against it.
# mypy: disable-error-code="misc"

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..torch_api import TorchApi
from .dtypes import (
    first_dtype,
)
from .events import (
    ClipBeforeUnscale,
    GradientsAccumulate,
    InferenceTensorSaved,
    OptimizerGetsNonLeaf,
    ParametersAddedAfterOptimizer,
    UnscaledTwice,
)
from .facts import (
    CLASS_LOSSES,
    LOSS_MODULES,
    MODULE_HOOKS,
    MODULE_OTHER_METHODS,
    MODULE_PARAMETER_ATTRS,
    MODULE_SELF_METHODS,
    NN_PREFIX,
    PARAMETER_CONTAINERS,
    PARAMETER_ITERATORS,
    RECURRENT_MODULES,
    SEQUENTIAL,
    TORCH_PREFIX,
)
from .graph import Node, current_run
from .result import InitAssign
from .shapes import function_shape, module_output_shape, module_shape_kind, set_shape
from .state import (
    Ctx,
    Scope,
    in_condition,
)
from .values import (
    UNKNOWN,
    UNKNOWN_KWARGS,
    BoundModuleAttr,
    ClassValue,
    ConstValue,
    DictValue,
    FunctionCtxValue,
    FunctionValue,
    ModuleValue,
    OptimizerValue,
    ParamsValue,
    RefValue,
    ScalerValue,
    SeqValue,
    TensorValue,
    Value,
    const_bool_value,
    flatten_tensors,
    new_tensor,
)

if TYPE_CHECKING:
    from .core import Interpreter


class ModulesMixin:
    """The ``nn.Module`` and optimizer model (mixed into :class:`~.core.Interpreter`)."""

    def module_attribute(self: Interpreter, module: ModuleValue, attr: str) -> Value:
        if isinstance(module, FunctionCtxValue) and attr == "saved_tensors":
            return SeqValue(module.saved, "tuple") if module.saved is not None else UNKNOWN
        if attr == "training" and module.is_module and attr not in module.attrs:
            return ConstValue(module.training) if module.training is not None else UNKNOWN
        if attr in module.computed:
            rg = module.params_rg
            return new_tensor(
                None if rg is None else not rg,
                rg,
                0,
                f"`{module.name}.{attr}` is computed by a parametrization at each access"
                + (" (a non-leaf)" if rg else ""),
                dtype="float32",
                origin="op",
            )
        if attr in module.maybe_computed and attr not in module.attrs:
            maybe = new_tensor(
                None,
                module.params_rg,
                0,
                f"`{module.name}.{attr}`: a parameter, or computed by a parametrization applied in one branch",
                dtype="float32",
                origin="param",
            )
            maybe.owners = (module,)
            module.attrs[attr] = maybe
            return maybe
        if attr in module.attrs:
            return module.attrs[attr]
        if module.cls is not None:
            method = find_method(module.cls, attr)
            if method is not None:
                return method.bound_to(module)
            for klass in class_mro(module.cls):
                if attr in klass.class_attrs:
                    return klass.class_attrs[attr]  # a class attribute (a config default)
        if module.torch_class is not None and (
            attr in MODULE_PARAMETER_ATTRS or attr in (module.param_names or ())
        ):
            param = self._module_param(module, attr) if module.has_params else None
            if param is not None:
                module.attrs[attr] = param
                return param
        return BoundModuleAttr(module, attr)

    def _module_param(self: Interpreter, module: ModuleValue, attr: str) -> TensorValue | None:
        if module.has_params is False:
            return None
        param = new_tensor(
            True,
            module.params_rg,
            module.line,
            f"`{module.name}.{attr}` is a parameter (a leaf)"
            if attr != "<parameter>"
            else f"a parameter of `{module.name}` (a leaf)",
            dtype="float32",
            origin="param",
            obj=module.param_obj,
        )
        param.owners = (module,)
        return param

    def make_optimizer(
        self: Interpreter, name: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        params = args[0] if args else kwargs.get("params", UNKNOWN)
        tensors: list[TensorValue] = []
        modules: list[ModuleValue] = []
        self._collect_params(params, tensors, modules)
        for tensor in tensors:
            tensor.obj.mark_optimized()
        for tensor in tensors:
            if tensor.leaf is False:
                origin = tensor.reason[-1].text if tensor.reason else "it was computed by an operation"
                self.emit(OptimizerGetsNonLeaf(node, optimizer=name, origin=origin), ctx)
                return UNKNOWN
        for module in modules:
            _mark_optimized(module, 0)
        made = OptimizerValue(name, tuple(tensors), tuple(modules), node.lineno, self.tick())
        made.opaque = _hides_values(params)
        self.optimizers.append(made)
        if self.cross_depth == 0 and len(self.result.optimizers) < 256:
            self.result.optimizers.append(made)
        return made

    def _collect_params(
        self: Interpreter, value: Value, tensors: list[TensorValue], modules: list[ModuleValue]
    ) -> None:
        if isinstance(value, TensorValue):
            tensors.append(value)
        elif isinstance(value, ParamsValue):
            modules.extend(value.modules)
        elif isinstance(value, SeqValue):
            for item in value.items:
                self._collect_params(item, tensors, modules)
        elif isinstance(value, DictValue):
            self._collect_params(value.items.get("params", UNKNOWN), tensors, modules)

    def make_torch_module(
        self: Interpreter, name: str, args: list[Value], kwargs: dict[str, Value], node: ast.Call
    ) -> Value:
        info = self.api.nn_modules.get(name, {})
        kind = info.get("kind", "module")
        module = ModuleValue(name, torch_class=name, has_params=bool(info.get("params")), line=node.lineno)
        module.inplace = const_bool_value(kwargs.get("inplace")) is True
        module.param_names = _parameter_names(info, args, kwargs)
        module.shape_kind = module_shape_kind(name, args, kwargs)
        reduction = kwargs.get("reduction")
        if reduction is not None:
            raw = reduction.value if isinstance(reduction, ConstValue) else None
            module.reduction = raw if isinstance(raw, str) else None
        if kind == "container":
            children: list[ModuleValue] = []
            held: list[TensorValue] = []
            for arg in list(args) + list(kwargs.values()):
                if isinstance(arg, ModuleValue):
                    children.append(arg)
                elif isinstance(arg, SeqValue):
                    children.extend(a for a in arg.items if isinstance(a, ModuleValue))
                    held.extend(a for a in arg.items if isinstance(a, TensorValue))
                elif isinstance(arg, DictValue):
                    for key, member in arg.items.items():
                        if isinstance(member, (ModuleValue, TensorValue)):
                            module.attrs[key] = member  # ModuleDict / ParameterDict: by name
                    children.extend(a for a in arg.items.values() if isinstance(a, ModuleValue))
            if name in PARAMETER_CONTAINERS:
                for index, tensor in enumerate(held):
                    module.attrs.setdefault(str(index), tensor)
                for member in module.attrs.values():
                    if isinstance(member, TensorValue) and member.origin == "param" and not member.owners:
                        member.owners = (module,)
            module.children = children
            known = all(isinstance(a, (ModuleValue, SeqValue, DictValue)) for a in args) and bool(args)
            if any(c.has_params for c in children):
                module.has_params = True
            elif known and all(c.has_params is False for c in children):
                module.has_params = False
            else:
                module.has_params = None
            if name in PARAMETER_CONTAINERS:
                module.has_params = True
        return module

    def optimizer_method(
        self: Interpreter, opt: OptimizerValue, method: str, node: ast.Call, ctx: Ctx | None = None
    ) -> Value:
        if method == "zero_grad":
            opt.zeroed.append(self.tick())
        if method == "add_param_group":
            opt.groups_added.append(self.tick())
        if method == "step":
            loops = (ctx.outer_loops + tuple(ctx.loops)) if ctx is not None else ()
            loop = id(loops[-1]) if loops else 0
            if ctx is not None and loop:
                self._check_accumulation(opt, loop, ctx)
            opt.steps.append(self.tick())
            opt.step_loops.append(loop)
            for tensor in opt.tensors:
                tensor.obj.bump()
            for module in opt.modules:
                module.bump_params()
        return ConstValue(None)

    def note_new_parameters(
        self: Interpreter, owner: ModuleValue, value: Value, stmt: ast.stmt, ctx: Ctx, adds: bool = False
    ) -> None:
        """``model.fc = nn.Linear(...)`` (or a new Parameter) after an optimizer over ``model``'s
        parameters was built: remember it for LEAF215."""
        func = ctx.func
        if not ctx.record:
            return
        if self.forward_depth > 0 or (
            func is not None
            and func.bound_self is owner
            and (not adds or func.node.name in ("__init__", "forward"))
        ):
            # A module building itself, or replacing its own parameters (LEAF205's case); one of
            # its methods adding a parameter under a new name after the optimizer is LEAF215's.
            return
        if isinstance(value, ModuleValue):
            if not value.has_params or value.params_rg is False:
                return
            obj = value.param_obj
        elif isinstance(value, TensorValue) and value.origin == "param" and value.rg is not False:
            obj = value.obj
        else:
            return
        run = current_run()
        for opt in reversed(self.optimizers):
            if opt.run == run and any(_holds(m, owner, 0) for m in opt.modules):
                self.emit(ParametersAddedAfterOptimizer(stmt, optimizer=opt, when=self.tick(), obj=obj), ctx)
                return

    def scaler_method(
        self: Interpreter, scaler: ScalerValue, method: str, args: list[Value], node: ast.Call, ctx: Ctx
    ) -> Value:
        """``scaler.scale(loss)`` / ``unscale_(opt)`` / ``step(opt)`` / ``update()``."""
        scaler.in_run(current_run())
        if method == "scale":
            scaler.scaled = self.tick()
            return args[0] if args else UNKNOWN  # the scaled loss has the loss's graph
        if method == "unscale_" and args:
            key = id(args[0])
            before = scaler.unscaled.get(key)
            if before is not None and before > scaler.updated and not in_condition(ctx):
                self.emit(UnscaledTwice(node), ctx)
                return UNKNOWN
            scaler.unscaled[key] = self.tick()  # (under a condition: maybe twice, not for sure)
            return ConstValue(None)
        if method == "update":
            scaler.updated = self.tick()
            scaler.unscaled.clear()
            return ConstValue(None)
        if method == "step" and args and isinstance(args[0], OptimizerValue):
            return self.optimizer_method(args[0], "step", node, ctx)
        return UNKNOWN

    def _check_clip(self: Interpreter, node: ast.Call, clipped: Value, ctx: Ctx) -> None:
        """Clipping while a GradScaler's scaled gradients have not been unscaled (LEAF216): those
        of the optimizers over the clipped parameters, where they are known."""
        owners = self._optimizers_over(clipped) if self.scalers else []
        for scaler in self.scalers:
            if scaler.run != current_run() or scaler.scaled <= scaler.updated:
                continue  # nothing scaled since the last update
            if owners:
                last_unscale = min(scaler.unscaled.get(id(opt), 0) for opt in owners)
            else:
                last_unscale = max(scaler.unscaled.values(), default=0)
            if last_unscale < scaler.scaled:
                self.emit(ClipBeforeUnscale(node, scaler_line=scaler.line), ctx)
                return

    def _optimizers_over(self: Interpreter, params: Value) -> list[OptimizerValue]:
        """The optimizers of this run built over the modules whose ``parameters()`` these are
        (none when that is not known)."""
        if not isinstance(params, ParamsValue):
            return []
        run = current_run()
        return [
            opt
            for opt in self.optimizers
            if opt.run == run
            and any(
                _holds(held, module, 0) or _holds(module, held, 0)
                for held in opt.modules
                for module in params.modules
            )
        ]

    def _check_accumulation(self: Interpreter, opt: OptimizerValue, loop: int, ctx: Ctx) -> None:
        """A second step in the same loop with a backward since the first and nothing zeroed in
        between: the gradients of both backward passes add up (LEAF209, at that backward)."""
        if not opt.steps or opt.step_loops[-1] != loop:
            return
        previous = opt.steps[-1]
        cleared = max([self.grads_cleared, *opt.zeroed])
        if cleared > previous:
            return
        later = [(when, call, looped) for when, call, looped in self.backward_times if when > previous]
        if later and later[-1][2]:
            self.emit(GradientsAccumulate(later[-1][1], optimizer_line=opt.line), ctx)

    def instantiate(
        self: Interpreter,
        cls: ClassValue,
        args: list[Value],
        kwargs: dict[str, Value],
        ctx: Ctx,
        unknown_args: bool = False,
    ) -> ModuleValue:
        instance = ModuleValue(cls.name, cls=cls, has_params=None, is_module=bool(cls.is_module))
        if unknown_args:
            instance.training = None  # a method analysed on its own may run in either mode
        if self.cross_depth == 0 and len(self.result.instances) < 512:
            self.result.instances.append(instance)
        torch_base = torch_base_class(cls, self.api)
        if torch_base is not None:
            instance.torch_class = torch_base
            instance.has_params = bool(self.api.nn_modules.get(torch_base, {}).get("params"))
        init = find_method(cls, "__init__")
        if init is None and cls.dataclass_fields is not None:
            for index, name in enumerate(cls.dataclass_fields):
                if index < len(args):
                    instance.attrs[name] = args[index]
                elif name in kwargs:
                    instance.attrs[name] = kwargs[name]
                elif UNKNOWN_KWARGS in kwargs or unknown_args:
                    instance.attrs[name] = UNKNOWN
        first_assign = len(self.result.init_assigns)
        if init is not None:
            bound = init.bound_to(instance)
            if unknown_args:
                self._analysed.add(id(init.node))
                call_args = self._unknown_args(init, instance)[1:]
                self.call_function(bound, call_args, {}, Ctx(), standalone=True)
            else:
                self.call_function(bound, args, kwargs, ctx)
        for assign in self.result.init_assigns[first_assign:]:
            held = assign.value
            if isinstance(held, SeqValue):
                assign.held_after_init = held.items
            elif isinstance(held, DictValue):
                assign.held_after_init = held.values()
        if instance.has_params is None and instance.torch_class is None:
            if any(
                isinstance(v, TensorValue) and v.origin == "param" for v in instance.attrs.values()
            ) or any(c.has_params for c in instance.children):
                instance.has_params = True
            elif (
                cls.is_module
                and all(
                    not isinstance(v, ModuleValue) or v.has_params is False for v in instance.attrs.values()
                )
                and simple_init(cls)
            ):
                instance.has_params = False
        return instance

    def module_method(
        self: Interpreter,
        module: ModuleValue,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        scope: Scope,
        ctx: Ctx,
    ) -> Value:
        if isinstance(module, FunctionCtxValue):
            if method == "save_for_backward":
                module.saved = tuple(args)
            return ConstValue(None)  # mark_dirty, set_materialize_grads...: no value
        if module.cls is not None:
            user = find_method(module.cls, method)
            if user is not None:
                bound = user.bound_to(module)
                return self.call_and_propagate(bound, args, kwargs, ctx)
        attr = module.attrs.get(method)
        if isinstance(attr, ModuleValue):
            return self.call_module(attr, args, kwargs, node, ctx)
        if isinstance(attr, FunctionValue):
            return self.call_and_propagate(attr, args, kwargs, ctx)
        if method in MODULE_HOOKS and args:
            self._register_module_hook(module, MODULE_HOOKS[method], args[0], node, ctx)
            return UNKNOWN
        if method in PARAMETER_ITERATORS:
            return ParamsValue((module,), named=PARAMETER_ITERATORS[method])
        if method in ("train", "eval"):
            mode = const_bool_value(args[0]) if method == "train" and args else method == "train"
            if method == "train" and "mode" in kwargs:
                mode = const_bool_value(kwargs["mode"])
            module.set_training(None if in_condition(ctx) else mode)
        if method in MODULE_SELF_METHODS:
            return module
        if method == "requires_grad_":
            flag = (
                const_bool_value(args[0])
                if args
                else const_bool_value(kwargs.get("requires_grad", ConstValue(True)))
            )
            if flag is False:
                module.set_params_rg(True if in_condition(ctx) else False)
            else:
                module.set_params_rg(flag)
            return module
        if method == "register_buffer" and len(args) >= 2 and isinstance(args[0], ConstValue):
            value = args[1]
            if isinstance(value, TensorValue):
                module.attrs[str(args[0].value)] = TensorValue(
                    value.leaf,
                    value.rg,
                    value.reason,
                    value.obj,
                    value.dtype,
                    value.kind,
                    value.device,
                    value.node,
                    "buffer",
                )
            return ConstValue(None)
        if method == "register_parameter" and len(args) >= 2 and isinstance(args[0], ConstValue):
            name = str(args[0].value)
            if self.optimizers and self.current_stmt is not None:
                self.note_new_parameters(
                    module, args[1], self.current_stmt, ctx, adds=name not in module.attrs
                )
            module.attrs[name] = args[1]
            module.has_params = True
            func = ctx.func
            if (
                func is not None
                and func.cls is not None
                and func.node.name == "__init__"
                and ctx.record
                and self.cross_depth == 0
                and self.current_stmt is not None
            ):
                self.result.init_assigns.append(InitAssign(func.cls, name, args[1], self.current_stmt, None))
            return ConstValue(None)
        if method in ("forward", "__call__"):
            return self.call_module(module, args, kwargs, node, ctx)
        if method == "zero_grad":
            self.note_grads_cleared()
        if method in MODULE_OTHER_METHODS:
            return ConstValue(None)
        contained = self.container_method(module, method, args, kwargs, node)
        return contained if contained is not None else UNKNOWN

    def note_use(self: Interpreter, module: ModuleValue, attr: str, ctx: Ctx) -> None:
        """``module.attr`` is read in code run for real while gradients are recorded, or
        inside a ``forward`` under ``no_grad`` (a part frozen on purpose: used, not forgotten)."""
        if not ctx.weak and ctx.record and (ctx.grad is not False or self.forward_depth > 0):
            module.used.add(attr)

    def _register_module_hook(
        self: Interpreter, module: ModuleValue, kind: str, hook: Value, node: ast.Call, ctx: Ctx
    ) -> None:
        self.hook_epoch += 1
        if kind == "forward":
            module.forward_hooks.append(hook)
        elif kind == "pre":
            module.pre_hooks.append(hook)
        else:
            # Backward hooks run during backward (grad mode off) with gradients, which never
            # require grad: analyse the hook with those arguments now.
            grads = SeqValue(
                (new_tensor(True, False, node.lineno, "a gradient a backward hook receives", origin="grad"),)
            )
            hook_args: list[Value] = [module, grads] if kind == "backward_pre" else [module, grads, grads]
            self.run_hook(hook, hook_args, ctx, grad=False)

    def run_hook(self: Interpreter, hook: Value, args: list[Value], ctx: Ctx, grad: bool | None) -> Value:
        """Call a user hook function with ``args`` under grad mode ``grad``; what it returns."""
        if not isinstance(hook, FunctionValue):
            return UNKNOWN
        self.hook_runs += 1
        hook_ctx = Ctx(ctx.func, ctx.depth, grad, ctx.record)
        hook_ctx.weak = ctx.weak
        hook_ctx.loops = ctx.loops
        hook_ctx.loop_depth = ctx.loop_depth
        value, _ = self.call_function(hook, args, {}, hook_ctx)
        return value

    def call_module(
        self: Interpreter,
        module: ModuleValue,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        ctx: Ctx,
    ) -> Value:
        """``module(*args)``: its forward pre-hooks, its forward, then its forward hooks."""
        for hook in list(module.pre_hooks):
            changed = self.run_hook(hook, [module, SeqValue(tuple(args))], ctx, ctx.grad)
            if isinstance(changed, SeqValue):
                args = list(changed.items)
            elif isinstance(changed, TensorValue):
                args = [changed]
        output = self._run_forward(module, args, kwargs, node, ctx)
        for hook in list(module.forward_hooks):
            if ctx.stopped:
                break
            changed = self.run_hook(hook, [module, SeqValue(tuple(args)), output], ctx, ctx.grad)
            if not (isinstance(changed, ConstValue) and changed.value is None) and changed is not UNKNOWN:
                output = changed  # a forward hook that returns a value replaces the output
        return output

    def _run_forward(
        self: Interpreter,
        module: ModuleValue,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        ctx: Ctx,
    ) -> Value:
        if module.cls is not None and not module.is_module:
            # An instance of a plain class called like a function: its __call__.
            call = find_method(module.cls, "__call__")
            if call is None:
                return UNKNOWN
            bound = call.bound_to(module)
            return self.call_and_propagate(bound, args, kwargs, ctx)
        if module.cls is not None:
            forward = find_method(module.cls, "forward")
            if forward is not None:
                bound = forward.bound_to(module)
                grad = ctx.grad if forward.grad_mode is None else forward.grad_mode
                real = not ctx.weak and ctx.record and grad is not False and self.cross_depth == 0
                if real:
                    if module.forward_runs == 0:
                        self.result.run_modules.append(module)
                    module.forward_runs += 1
                self.forward_depth += 1
                try:
                    output = self.call_and_propagate(bound, args, kwargs, ctx)
                finally:
                    self.forward_depth -= 1
                if real and ctx.stopped:
                    self.result.truncated = True  # forward raised: later reads never ran
                return output
            if module.torch_class is None:
                return UNKNOWN
        return self.torch_forward(module, args, kwargs, node, ctx)

    def torch_forward(
        self: Interpreter,
        module: ModuleValue,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.Call,
        ctx: Ctx,
    ) -> Value:
        """The ``forward`` of a torch module class (also reached by ``super().forward(x)``)."""
        if module.cls is not None:
            # The torch base's forward reads the parameters torch registered (weight, bias...).
            for attr in module.attrs:
                if attr in MODULE_PARAMETER_ATTRS or attr.startswith(("weight", "bias")):
                    self.note_use(module, attr, ctx)
        if module.torch_class == SEQUENTIAL and module.children:
            value: Value = args[0] if args else UNKNOWN
            for child in module.children:
                value = self.call_module(child, [value], {}, node, ctx)
            return value
        own = module.output_rg()
        inputs = flatten_tensors(args) + flatten_tensors(list(kwargs.values()))
        saves_inference = any(t.inference for t in inputs) or (
            module.inference_params and any(t.rg is True for t in inputs)
        )
        if own is True and not ctx.inference and ctx.grad is not False and saves_inference:
            # A layer with trainable weights saves its input for their gradient, and its weights
            # for its input's: an inference tensor from outside inference mode cannot be saved.
            stmt = self.current_stmt if self.current_stmt is not None else node
            self.emit(InferenceTensorSaved(stmt), ctx)
            return UNKNOWN
        if module.inplace and inputs:
            target = inputs[0]
            self.inplace(target, node, node, [], f"`{module.torch_class}(inplace=True)`", ctx)
            if ctx.stopped:
                return UNKNOWN
        unknown_input = any(not isinstance(a, TensorValue) for a in args[:1])
        name = module.torch_class or module.name
        if own is True or any(t.rg is True for t in inputs):
            rg: bool | None = True
        elif own is False and not unknown_input and all(t.rg is False for t in inputs):
            rg = False
        else:
            rg = None
        if ctx.grad is False:
            rg = False
        elif ctx.grad is None and rg is True:
            rg = None
        saved = tuple((t.obj, t.obj.version) for t in inputs) + (
            (module.param_obj, module.param_obj.version),
        )
        node_obj = Node(tuple(t.node for t in inputs if t.node), saved, node.lineno) if rg else None
        if node_obj is not None:
            module.param_obj.users.append(node_obj)
            for t in inputs:
                t.obj.users.append(node_obj)
        if rg is True:
            text = (
                f"`{name}(...)` output: its parameters require grad -> non-leaf"
                if own
                else f"`{name}(...)` on a tensor that requires grad -> non-leaf"
            )
        elif rg is False:
            text = f"`{name}(...)` output: nothing requires grad -> leaf"
        else:
            text = f"`{name}(...)` output: unknown whether it requires grad"
        base_reason = next((t.reason for t in inputs if t.rg), ())
        leaf = None if rg is None else not rg
        if module.torch_class in RECURRENT_MODULES:
            out = new_tensor(leaf, rg, node.lineno, text, node=node_obj, reason=base_reason, dtype="float32")
            hidden = new_tensor(
                leaf, rg, node.lineno, text, node=node_obj, reason=base_reason, dtype="float32"
            )
            return SeqValue((out, hidden))
        result = new_tensor(
            leaf,
            rg,
            node.lineno,
            text,
            node=node_obj,
            reason=base_reason,
            # A loss module's result is floating point whatever its (integer) targets are.
            dtype=_output_dtype(module, name, inputs),
            kind="float" if name.endswith("Loss") or module.has_params else None,
        )
        result.inference = ctx.inference
        if name.endswith("Loss"):
            mode = module.reduction
            functional = LOSS_MODULES.get(name)
            per_element = functional is not None and functional not in CLASS_LOSSES
            first = inputs[0].one_element if inputs else None
            result.one_element = (
                True
                if mode in ("mean", "sum", "batchmean")
                else (False if mode == "none" and first is False and per_element else None)
            )
            if functional is not None and mode is not None:
                set_shape(result, function_shape(functional, args, {"reduction": ConstValue(mode)}))
        else:
            if inputs and inputs[0].one_element is False:
                result.one_element = False  # a layer on a batch gives a batch
            first_arg = args[0] if args else None
            if isinstance(first_arg, TensorValue):
                set_shape(result, module_output_shape(*module.shape_kind, first_arg.shape))
        if node_obj is not None and name.lower() in self.api.saves_result:
            # nn.Tanh / nn.Sigmoid / nn.ReLU... keep their output for backward, like torch.tanh.
            node_obj.saved = node_obj.saved + ((result.obj, 0),)
            result.obj.users.append(node_obj)
        return result


def owned_by(value: TensorValue, instance: Value | None) -> bool:
    """Whether ``value`` is a parameter of ``instance`` (or of one of its submodules)."""
    if not isinstance(instance, ModuleValue):
        return False
    family = (
        [instance] + [v for v in instance.attrs.values() if isinstance(v, ModuleValue)] + instance.children
    )
    return any(owner is member for owner in value.owners for member in family)


def find_method(cls: ClassValue, name: str) -> FunctionValue | None:
    for klass in class_mro(cls):
        method = klass.methods.get(name)
        if method is not None:
            return method
    return None


def class_mro(cls: ClassValue) -> list[ClassValue]:
    cached = cls.__dict__.get("_mro_cache")
    if cached is not None:
        return cached
    out: list[ClassValue] = []
    stack = [cls]
    while stack and len(out) < 32:
        current = stack.pop(0)
        if current in out:
            continue
        out.append(current)
        stack.extend(b for b in current.bases if isinstance(b, ClassValue))
    cls.__dict__["_mro_cache"] = out
    return out


def torch_base_class(cls: ClassValue, api: TorchApi) -> str | None:
    for klass in class_mro(cls):
        for base in klass.bases:
            if isinstance(base, RefValue) and base.qualname.startswith(NN_PREFIX):
                last = base.qualname.rsplit(".", 1)[-1]
                if last in api.nn_modules and last != "Module":
                    return last
    return None


def simple_init(cls: ClassValue) -> bool:
    return all(not isinstance(b, RefValue) or b.qualname.startswith(TORCH_PREFIX) for b in cls.bases)


def _mark_optimized(module: ModuleValue, depth: int) -> None:
    """The parameters a module holds now are handed to an optimizer (``Adam(model.parameters())``)."""
    if depth > 8:
        return
    module.param_obj.mark_optimized()
    for value in module.attrs.values():
        if isinstance(value, TensorValue) and value.origin == "param":
            value.obj.mark_optimized()
        elif isinstance(value, ModuleValue) and value is not module:
            _mark_optimized(value, depth + 1)
    for child in module.children:
        _mark_optimized(child, depth + 1)


def _hides_values(value: Value, depth: int = 0) -> bool:
    """Whether an optimizer's ``params`` argument holds values the interpreter cannot see."""
    if depth > 4:
        return True
    if isinstance(value, (TensorValue, ParamsValue)):
        return False
    if isinstance(value, SeqValue):
        return any(_hides_values(v, depth + 1) for v in value.items)
    if isinstance(value, DictValue):
        return _hides_values(value.items.get("params", UNKNOWN), depth + 1)
    return True


def _output_dtype(module: ModuleValue, name: str, inputs: list[TensorValue]) -> str | None:
    """The dtype of a torch module's output: a loss's first input's; for a module with
    parameters, floating point (an Embedding of integer ids gives float vectors)."""
    if name.endswith("Loss"):
        return first_dtype(inputs[:1])
    dtype = first_dtype(inputs)
    if module.has_params and (dtype is None or not dtype.startswith(("float", "bfloat", "complex"))):
        return None if dtype is None else "float32"
    return dtype


def _holds(module: ModuleValue, wanted: ModuleValue, depth: int) -> bool:
    """Whether ``wanted`` is ``module`` or one of its submodules."""
    if module is wanted:
        return True
    if depth > 6:
        return False
    members = [v for v in module.attrs.values() if isinstance(v, ModuleValue)] + module.children
    return any(_holds(m, wanted, depth + 1) for m in members if m is not module)


def _parameter_names(
    info: Mapping[str, object], args: list[Value], kwargs: dict[str, Value]
) -> frozenset[str] | None:
    """A torch module's parameter names as the API table records them for this call: the
    ``bias=False`` variant when so passed, unknown when an argument that changes them is."""
    names = info.get("param_names")
    if not isinstance(names, list):
        return None
    changing = info.get("param_names_args")
    if isinstance(changing, dict):
        for arg, index in changing.items():
            if arg in kwargs or (isinstance(index, int) and index < len(args)):
                return None
    bias = kwargs.get("bias")
    if bias is not None:
        flag = const_bool_value(bias)
        if flag is None:
            return None
        if flag is False:
            no_bias = info.get("param_names_no_bias")
            names = no_bias if isinstance(no_bias, list) else names
    return frozenset(str(name) for name in names)
