"""Hand-written logistic regression; its state is a plain dict of tensors."""
import torch

SETTINGS = {
    "n_features": 5,
    "n_samples": 64,
    "lr": 0.5,
    "epochs": 8,
    "export": True,
}


def init_state(n_features):
    state = {
        "w": torch.zeros(n_features, requires_grad=True),
        "b": torch.zeros(1, requires_grad=True),
    }
    state["temperature"] = torch.ones(1)
    return state


def synthetic(n, d):
    true_w = torch.linspace(-1.0, 1.0, d)
    feats = torch.randn(n, d)
    labels = (feats @ true_w > 0).float()
    return feats, labels


def predict_logits(state, feats):
    w, b = state["w"], state["b"]
    return (feats @ w + b) / state["temperature"]


def sgd_step(state, lr):
    with torch.no_grad():
        for name, p in state.items():
            if p.grad is None:
                continue
            p -= lr * p.grad
            p.grad.zero_()


def export_arrays(state):
    return {name: t.numpy() for name, t in state.items()}


def log_metrics(epoch, loss, state, feats, labels):
    with torch.no_grad():
        probs = torch.sigmoid(predict_logits(state, feats))
    acc = ((probs > 0.5).float() == labels).float().mean().item()
    print(f"epoch {epoch} loss {loss:.4f} acc {acc:.3f}")
    return acc


def run(settings):
    torch.manual_seed(0)
    state = init_state(settings["n_features"])
    feats, labels = synthetic(settings["n_samples"], settings["n_features"])
    accs = []
    for epoch in range(settings["epochs"]):
        logits = predict_logits(state, feats)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
        loss.backward()
        sgd_step(state, settings["lr"])
        accs.append(log_metrics(epoch, loss.item(), state, feats, labels))
    weight = state["w"]
    print("weight norm", weight.norm().item())
    if settings["export"]:
        arrays = export_arrays(state)
        print("exported", sorted(arrays))
        print({k: v.shape for k, v in arrays.items()})
    return accs


if __name__ == "__main__":
    run(SETTINGS)
