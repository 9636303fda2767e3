import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

HPARAMS = {"d_in": 6, "d_hidden": 10, "n_out": 1, "lr": 1e-2, "epochs": 3, "batch": 5}


class Regressor(nn.Module):
    def __init__(self, d_in, d_hidden, n_out):
        super().__init__()
        self.hidden = nn.Linear(d_in, d_hidden)
        self.out = nn.Linear(d_hidden, n_out)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(x)))


def batches(x, y, size):
    for start in range(0, x.shape[0], size):
        yield x[start:start + size], y[start:start + size]


def run_epoch(model, x, y, optimizer=None, batch=5):
    training = optimizer is not None
    model.train(training)
    losses, predictions = [], []
    with torch.set_grad_enabled(training):
        for xb, yb in batches(x, y, batch):
            pred = model(xb)
            loss = F.mse_loss(pred, yb)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            else:
                predictions.append(pred.numpy())
            losses.append(loss.item())
    preds = np.concatenate(predictions) if predictions else None
    return float(np.mean(losses)), preds


def fit(model, data, hp):
    optimizer = torch.optim.Adam(model.parameters(), lr=hp["lr"])
    x_tr, y_tr, x_va, y_va = data
    for epoch in range(hp["epochs"]):
        train_loss, _ = run_epoch(model, x_tr, y_tr, optimizer, hp["batch"])
        val_loss, val_preds = run_epoch(model, x_va, y_va, None, hp["batch"])
        print(epoch, round(train_loss, 4), round(val_loss, 4), val_preds.shape)


def make_data(hp, n_train=20, n_val=10):
    w_true = torch.randn(hp["d_in"], hp["n_out"])
    x_tr = torch.randn(n_train, hp["d_in"])
    x_va = torch.randn(n_val, hp["d_in"])
    return x_tr, x_tr @ w_true, x_va, x_va @ w_true


torch.manual_seed(0)
model = Regressor(HPARAMS["d_in"], HPARAMS["d_hidden"], HPARAMS["n_out"])
data = make_data(HPARAMS)
fit(model, data, HPARAMS)
