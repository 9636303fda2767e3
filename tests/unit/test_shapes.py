"""Shapes where the code makes them plain, told apart from shapes it does not: LEAF109 on
``backward()`` of many elements (batches cut from data, per-sample losses, reductions over
one dimension, broadcasts), never on one element or an unknown count; loop counters over
``range`` with their bounds; freezing every named parameter of a torch module; inference
tensors made by any expression under ``inference_mode``."""

from __future__ import annotations

import textwrap

from leaf_lsp.engine import analyze


def codes(source: str) -> list[tuple[int, str]]:
    analysis = analyze("import torch\nimport torch.nn.functional as F\n" + textwrap.dedent(source), "prog.py")
    return sorted((d.span.line, d.code) for d in analysis.diagnostics)


def test_windows_cut_from_data_in_a_generator_make_per_sample_losses_many_elements() -> None:
    found = codes(
        """
        lin = torch.nn.Linear(6, 6)

        def windows(data, size):
            for start in range(0, data.shape[0], size):
                yield data[start:start + size]

        def per_row(pred, target):
            return F.mse_loss(pred, target, reduction="none").sum(dim=1)

        data = torch.randn(12, 6)
        for xb in windows(data, 4):
            loss = per_row(lin(xb), xb) + 0.1 * lin.weight.pow(2).mean()
            loss.backward()
        """
    )
    assert found == [(16, "LEAF109")]


def test_a_window_of_one_row_is_one_element_and_an_unknown_width_is_not_reported() -> None:
    found = codes(
        """
        lin = torch.nn.Linear(6, 1)

        def train(data, width):
            for i in range(data.shape[0]):
                row = data[i:i + 1]
                lin(row).sum(dim=1).backward()
            for i in range(0, data.shape[0], width):
                lin(data[i:i + width]).sum(dim=1).backward()

        train(torch.randn(5, 6), int(input()))
        """
    )
    assert found == []  # a width of 2 or more would raise: not known here, so not said


def test_per_class_losses_of_windows_that_may_hold_one_row_are_unknown() -> None:
    # range(0, 9, 4) starts at 8 last: data[8:12] of 9 rows holds one row, and its per-sample
    # cross entropy one element (the first window raises, but the count is not known here).
    loop = """
        lin = torch.nn.Linear(3, 3)
        data = torch.randn({rows}, 3)
        for i in range(0, {rows}, 4):
            batch = data[i:i + 4]
            F.cross_entropy(lin(batch), torch.zeros(batch.shape[0], dtype=torch.long), reduction="none").backward()
        """
    assert codes(loop.format(rows=9)) == []
    assert codes(loop.format(rows=8)) == [(8, "LEAF109")]  # four rows every time: four losses


def test_reductions_over_a_dimension_keep_the_others_and_keepdim_keeps_all() -> None:
    found = codes(
        """
        w = torch.randn(4, 1, requires_grad=True)
        a = (w * 2).sum(dim=1)
        b = (w * 2).sum(dim=0)
        c = w.mean(dim=0, keepdim=True)
        b.backward()
        c.backward()
        a.backward()
        """
    )
    assert found == [(10, "LEAF109")]


def test_shape_queries_fold_to_numbers() -> None:
    found = codes(
        """
        x = torch.randn(8, 3, requires_grad=True)
        n, d = x.shape
        y = x.view(n * d)
        z = y[: x.size(1)]
        z.sum().backward()
        (x.reshape(-1, 4).sum(dim=0) * len(x)).backward()
        """
    )
    assert found == [(9, "LEAF109")]


def test_freezing_every_named_parameter_of_a_torch_module_freezes_its_output() -> None:
    found = codes(
        """
        import torch.utils.checkpoint as cp
        emb = torch.nn.Embedding(10, 4)
        emb.weight.requires_grad_(False)
        block = torch.nn.Linear(4, 4)
        out = cp.checkpoint(block, emb(torch.tensor([1, 2])), use_reentrant=True)
        lin = torch.nn.Linear(4, 4)
        lin.weight.requires_grad = False
        out2 = cp.checkpoint(block, lin(torch.randn(2, 4)), use_reentrant=True)
        """
    )
    assert found == [(8, "LEAF214")]  # the Linear's bias still requires grad


def test_any_tensor_made_under_inference_mode_is_an_inference_tensor() -> None:
    found = codes(
        """
        model = torch.nn.Linear(4, 3)
        head = torch.nn.Linear(3, 3)
        with torch.inference_mode():
            feats = (model(torch.randn(2, 4)) - 1.0).detach()
        out = head(feats[0:1])
        """
    )
    assert found == [(8, "LEAF110")]


def hints_of(source: str) -> dict[tuple[int, str], tuple[bool | None, bool | None]]:
    analysis = analyze("import torch\nimport torch.nn.functional as F\n" + textwrap.dedent(source), "prog.py")
    return {(h.line, h.name): (h.is_leaf, h.requires_grad) for h in analysis.hints}


def test_a_reentrant_checkpoint_runs_its_function_without_grad_when_no_input_requires_it() -> None:
    source = """
        from torch.utils.checkpoint import checkpoint
        lin = torch.nn.Linear(3, 3)

        def stage(h):
            inner = lin(h)
            return inner

        out = checkpoint(stage, torch.randn(2, 3), use_reentrant=True)
        out2 = checkpoint(stage, torch.randn(2, 3, requires_grad=True), use_reentrant=True)
        """
    assert codes(source) == [(11, "LEAF214")]
    hints = hints_of(source)
    assert hints[(11, "out")] == (True, False)
    assert hints[(12, "out2")] == (False, True)


def test_parameters_a_model_method_registers_after_the_optimizer_are_not_optimized() -> None:
    found = codes(
        """
        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = torch.nn.Linear(2, 2)

            def add_scale(self):
                self.register_parameter("scale", torch.nn.Parameter(torch.ones(1)))

            def forward(self, x):
                return self.fc(x) * self.scale

        net = Net()
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
        net.add_scale()
        net(torch.randn(1, 2)).sum().backward()
        opt.step()
        """
    )
    assert found == [(10, "LEAF215")]


def test_clipping_checks_the_unscale_of_the_optimizer_over_the_clipped_parameters() -> None:
    found = codes(
        """
        a, b = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
        opt_a = torch.optim.SGD(a.parameters(), lr=0.1)
        opt_b = torch.optim.SGD(b.parameters(), lr=0.1)
        scaler = torch.amp.GradScaler("cpu")
        scaler.scale(b(a(torch.randn(1, 2))).sum()).backward()
        scaler.unscale_(opt_a)
        torch.nn.utils.clip_grad_norm_(a.parameters(), 1.0)
        torch.nn.utils.clip_grad_norm_(b.parameters(), 1.0)
        scaler.step(opt_a)
        scaler.step(opt_b)
        scaler.update()
        """
    )
    assert found == [(11, "LEAF216")]


def test_a_filtered_list_of_submodules_and_a_sum_of_losses_keep_their_counts() -> None:
    found = codes(
        """
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Sequential(nn.Linear(3, 3), nn.GELU())
                self.head = nn.Linear(3, 2)

        model = Net()
        norms = [m.weight.pow(2).sum() for m in model.modules() if isinstance(m, nn.Linear)]
        losses = {"fit": model.head(torch.randn(4, 3)).mean(), "penalty": 0.1 * torch.stack(norms)}
        sum(losses.values()).backward()
        """
    )
    assert found == [(15, "LEAF109")]


def test_a_layer_built_under_inference_mode_cannot_save_its_weights_for_a_grad_input() -> None:
    found = codes(
        """
        with torch.inference_mode():
            first = torch.nn.Linear(3, 3)
            second = torch.nn.Linear(3, 3)
        hidden = first(torch.randn(2, 3))
        out = second(hidden)
        """
    )
    assert found == [(8, "LEAF110")]  # the first layer's input needs no grad: nothing saved


def test_a_custom_function_runs_forward_without_grad_and_its_apply_can_be_held_in_a_name() -> None:
    source = """
        class Double(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                inner = x * 2
                return inner

            @staticmethod
            def backward(ctx, grad):
                return grad * 2

        double = Double.apply
        w = torch.randn(3, requires_grad=True)
        out = double(w)
        model = torch.nn.Linear(3, 1)
        model(out).sum().backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        """
    hints = hints_of(source)
    assert hints[(7, "inner")] == (True, False)  # forward runs under no_grad
    assert hints[(16, "out")] == (False, True)
    assert hints[(19, "norm")] == (True, False)


def test_a_custom_functions_backward_runs_without_grad_on_the_tensors_forward_saved() -> None:
    source = """
        class Mul(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x, w):
                ctx.save_for_backward(x, w)
                return x * w

            @staticmethod
            def backward(ctx, grad):
                x, w = ctx.saved_tensors
                gx = grad * w
                return gx, grad * x

        w = torch.randn(3, requires_grad=True)
        x = torch.randn(3) * 2
        out = Mul.apply(x, w)
        out.sum().backward()
        """
    hints = hints_of(source)
    assert hints[(12, "w")] == (True, True)  # the tensor saved: the leaf itself
    assert hints[(12, "x")] == (True, False)
    assert hints[(13, "gx")] == (True, False)
    with_graph = hints_of(source.replace("out.sum().backward()", "out.sum().backward(create_graph=True)"))
    assert with_graph.get((13, "gx"), (None, None)) == (None, None)  # grad mode there is not known


def test_a_call_after_a_model_gets_a_new_part_runs_again() -> None:
    source = """
        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = torch.nn.Linear(2, 2)
                self.extra = None

            def forward(self, x):
                h = self.fc(x)
                if self.extra is not None:
                    h = h + self.extra(h)
                return h

        def step(model):
            return model(torch.randn(1, 2))

        net = Net()
        step(net)
        net.extra = torch.nn.Linear(2, 2)
        step(net)
        """
    assert hints_of(source)[(13, "h")] == (False, True)


def test_a_view_keeps_a_size_known_to_be_many_next_to_the_one_it_works_out() -> None:
    found = codes(
        """
        x = torch.randn(6, requires_grad=True)
        for rows in range(2, 4):
            x.view(rows, -1).sum(dim=1).backward()
        """
    )
    assert found == [(6, "LEAF109")]
