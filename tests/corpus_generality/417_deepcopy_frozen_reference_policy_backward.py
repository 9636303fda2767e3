"""Fine-tune a policy against a frozen reference copy with a KL penalty."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "obs_dim": 8,
    "n_actions": 4,
    "hidden": 16,
    "kl_coef": 0.1,
    "lr": 1e-3,
    "steps": 3,
    "batch": 32,
}


class PolicyNet(nn.Module):
    def __init__(self, obs_dim, hidden, n_actions):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh())
        self.logits = nn.Linear(hidden, n_actions)

    def forward(self, obs):
        return self.logits(self.body(obs))


def pretrain(model, obs, actions, steps=3):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        loss = F.cross_entropy(model(obs), actions)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def freeze(model):
    model.requires_grad_(False)
    model.eval()
    return model


def policy_loss(policy, reference, obs, actions, advantages, kl_coef):
    logp = F.log_softmax(policy(obs), dim=-1)
    with torch.no_grad():
        ref_logp = F.log_softmax(reference(obs), dim=-1)
    chosen = logp.gather(1, actions.unsqueeze(1)).squeeze(1)
    pg = -(chosen * advantages).mean()
    kl = (logp.exp() * (logp - ref_logp)).sum(dim=-1).mean()
    return pg + kl_coef * kl


def rollout(cfg):
    obs = torch.randn(cfg["batch"], cfg["obs_dim"])
    actions = torch.randint(0, cfg["n_actions"], (cfg["batch"],))
    advantages = torch.randn(cfg["batch"])
    return obs, actions, advantages


def main(cfg):
    torch.manual_seed(0)
    base = PolicyNet(cfg["obs_dim"], cfg["hidden"], cfg["n_actions"])
    obs, actions, advantages = rollout(cfg)
    print("pretrain", pretrain(base, obs, actions))
    reference = freeze(base)
    policy = copy.deepcopy(reference)
    policy.train()
    head_weight = policy.logits.weight
    opt = torch.optim.Adam(policy.parameters(), lr=cfg["lr"])
    for step in range(cfg["steps"]):
        obs, actions, advantages = rollout(cfg)
        loss = policy_loss(policy, reference, obs, actions, advantages, cfg["kl_coef"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(step, loss.item())


if __name__ == "__main__":
    main(CFG)
