"""Policy gradients in the style of PyTorch's REINFORCE example, plus the distributions a
learner meets next (a Gaussian policy, a VAE-style ELBO, a Bayesian fit of a mean).

A made-up corridor replaces the gym environment: 7 cells, start in the middle, reward +1 at the
right end and -1 at the left end, -0.01 a step.  The policy is the example's: ``Linear``,
``Dropout``, ``ReLU``, ``Linear``, ``softmax``; ``select_action`` draws from
``Categorical(probs)`` and saves ``m.log_prob(action)``; ``finish_episode`` computes discounted
returns, normalizes them with ``(returns - returns.mean()) / (returns.std() + eps)``, and steps
Adam on ``torch.cat(policy_loss).sum()``.  Then: a 1-d Gaussian policy with ``Normal`` whose
``log_std`` is a parameter; ``Normal.rsample`` with ``kl_divergence`` to a standard normal
(``Independent`` for a diagonal Gaussian); and ``Normal(mu, sigma).log_prob(data)`` maximized
for a posterior-style fit, with ``Bernoulli``/``Uniform`` log-likelihoods and entropies printed;
a two-component Gaussian mixture (``MixtureSameFamily``) fitted by maximum likelihood; ``Poisson``
counts.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import (Bernoulli, Categorical, Independent, MixtureSameFamily, Normal, Poisson,
                                 Uniform, kl_divergence)

torch.manual_seed(543)
gamma = 0.99
eps = np.finfo(np.float32).eps.item()


class Corridor:
    """States 0..6 as one-hot vectors; action 0 moves left, 1 moves right."""

    def __init__(self, n=7):
        self.n = n

    def reset(self):
        self.pos = self.n // 2
        return self.obs()

    def obs(self):
        return F.one_hot(torch.tensor(self.pos), self.n).float()

    def step(self, action):
        self.pos += 1 if action == 1 else -1
        if self.pos == self.n - 1:
            return self.obs(), 1.0, True
        if self.pos == 0:
            return self.obs(), -1.0, True
        return self.obs(), -0.01, False


class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(7, 32)
        self.dropout = nn.Dropout(p=0.2)
        self.affine2 = nn.Linear(32, 2)
        self.saved_log_probs = []
        self.rewards = []

    def forward(self, x):
        x = self.affine1(x)
        x = self.dropout(x)
        x = F.relu(x)
        action_scores = self.affine2(x)
        return F.softmax(action_scores, dim=1)


policy = Policy()
optimizer = optim.Adam(policy.parameters(), lr=1e-2)


def select_action(state):
    state = state.unsqueeze(0)
    probs = policy(state)
    m = Categorical(probs)
    action = m.sample()
    policy.saved_log_probs.append(m.log_prob(action))
    return action.item()


def finish_episode():
    R = 0
    policy_loss = []
    returns = []
    for r in policy.rewards[::-1]:
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    if len(returns) > 1:
        returns = (returns - returns.mean()) / (returns.std() + eps)
    for log_prob, R in zip(policy.saved_log_probs, returns):
        policy_loss.append(-log_prob * R)
    optimizer.zero_grad()
    policy_loss = torch.cat(policy_loss).sum()
    policy_loss.backward()
    optimizer.step()
    del policy.rewards[:]
    del policy.saved_log_probs[:]
    return policy_loss.item()


env = Corridor()
running_reward = 0
for i_episode in range(1, 61):
    state, ep_reward, actions = env.reset(), 0, []
    for _ in range(1, 30):
        action = select_action(state)
        actions.append(action)
        state, reward, done = env.step(action)
        policy.rewards.append(reward)
        ep_reward += reward
        if done:
            break
    running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward
    loss = finish_episode()
    if i_episode % 10 == 0:
        print("Episode {}\tLast reward: {:.2f}\tAverage reward: {:.2f}\tloss {:.4f}\tactions {}".format(
            i_episode, ep_reward, running_reward, loss, "".join(map(str, actions))))

policy.eval()
with torch.no_grad():
    states = torch.eye(7)
    probs = policy(states)
    print("greedy actions:", probs.argmax(1).tolist())
    print("probabilities of moving right:", probs[:, 1])
    m = Categorical(probs)
    print(m, m.batch_shape, m.event_shape, m.entropy())


# A Gaussian policy for a 1-d action: reward is highest near the target 1.5.
mu_net = nn.Linear(1, 1)
log_std = nn.Parameter(torch.zeros(1))
opt = optim.SGD(list(mu_net.parameters()) + [log_std], lr=0.05)
for step in range(40):
    obs = torch.ones(16, 1)
    dist = Normal(mu_net(obs), log_std.exp())
    action = dist.sample()
    reward = -(action - 1.5) ** 2
    advantage = reward - reward.mean()
    loss = -(dist.log_prob(action) * advantage).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"step {step + 1}: mean action {action.mean().item():.4f}, std {log_std.exp().item():.4f}, "
              f"entropy {dist.entropy().mean().item():.4f}")
print(dist)


# A VAE-style ELBO: a reparametrized draw from the approximate posterior, KL to the prior.
encoder = nn.Linear(8, 4)
decoder = nn.Linear(2, 8)
x = (torch.rand(6, 8) > 0.5).float()
h = encoder(x)
mu, std = h[:, :2], F.softplus(h[:, 2:]) + 1e-4
q_z = Independent(Normal(mu, std), 1)
p_z = Independent(Normal(torch.zeros_like(mu), torch.ones_like(std)), 1)
z = q_z.rsample()
p_x = Independent(Bernoulli(logits=decoder(z)), 1)
elbo = p_x.log_prob(x) - kl_divergence(q_z, p_z)
loss = -elbo.mean()
loss.backward()
print("z:", z)
print("ELBO per example:", elbo)
print("decoder grad norm:", decoder.weight.grad.norm())
print(q_z, q_z.batch_shape, q_z.event_shape)


# Bayesian-intro style: fit a Normal's mean and scale to data by maximum likelihood.
data = Normal(3.0, 0.5).sample((200,))
loc = torch.zeros((), requires_grad=True)
raw_scale = torch.zeros((), requires_grad=True)
opt = optim.Adam([loc, raw_scale], lr=0.1)
for _ in range(100):
    nll = -Normal(loc, F.softplus(raw_scale)).log_prob(data).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
print(f"fitted loc {loc.item():.4f}, scale {F.softplus(raw_scale).item():.4f}, nll {nll.item():.4f}")
print("sample mean and std:", data.mean(), data.std())
coin = Bernoulli(torch.tensor([0.2, 0.5, 0.9]))
flips = coin.sample((5,))
print(flips, coin.log_prob(flips).sum(0), coin.entropy())
u = Uniform(torch.tensor([0.0, -1.0]), torch.tensor([1.0, 1.0]))
print(u.sample((3,)), u.log_prob(torch.tensor([0.5, 0.0])), u.entropy(), u.mean, u.variance)
print(kl_divergence(Normal(0.0, 1.0), Normal(1.0, 2.0)),
      kl_divergence(Categorical(logits=torch.zeros(3)), Categorical(torch.tensor([0.7, 0.2, 0.1]))))


# A Gaussian mixture fitted to two clusters of points.
points = torch.cat([Normal(-2.0, 0.5).sample((60,)), Normal(1.5, 0.8).sample((40,))])
logits = torch.zeros(2, requires_grad=True)
locs = torch.tensor([-0.5, 0.5], requires_grad=True)
log_scales = torch.zeros(2, requires_grad=True)
opt = optim.Adam([logits, locs, log_scales], lr=0.05)
for step in range(1, 101):
    gmm = MixtureSameFamily(Categorical(logits=logits), Normal(locs, log_scales.exp()))
    nll = -gmm.log_prob(points).mean()
    opt.zero_grad()
    nll.backward()
    opt.step()
    if step % 25 == 0:
        print(f"GMM step {step}: nll {nll.item():.4f}")
print("weights", torch.softmax(logits, 0), "locs", locs, "scales", log_scales.exp())
print(gmm, gmm.mean, gmm.variance, gmm.sample((4,)))
counts = Poisson(torch.tensor([0.5, 3.0, 12.0])).sample((4,))
print(counts, Poisson(counts.mean(0)).log_prob(counts).sum())
