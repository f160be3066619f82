"""DreamerV3 on a CPU, in one file, read top to bottom (Hafner et al., Nature 2025).

1. A world model (RSSM) learns, from replayed real experience, to compress each frame into a
   discrete code z (8 categorical variables of 8 classes) plus a recurrent state h, and to
   predict the next code, the reward and whether the episode goes on — without seeing the frame.
2. An actor and a critic learn entirely inside that model: from real starting states, the actor
   imagines 15 steps ahead; λ-returns of the imagined rewards train the critic and the actor.
3. The actor plays the real game; its experience goes to the replay buffer; repeat.

Everything tunable is in `DreamerConfig`. `train_dreamer(config)` returns
(tensors, metrics, history).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course.core.progress import progress
from course.dreamer.envs import RunClock, evaluate, make_env, record_evaluation, run_summary, terminal


@dataclass
class DreamerConfig:
    """Hyperparameters of the agent and its training run (the shipped agents and recorded runs:
    `presets`). A run stops on its step count (or once solved), never on the clock."""

    env: str = "catch"  # catch | empty_room (course.dreamer.envs)
    seed: int = 0  # seeds the weights, the game and the exploration
    # the run
    env_steps: int = 3000  # most real environment steps
    prefill_steps: int = 200  # random actions before learning starts (in Catch, 22 games of 9 moves: every column seen)
    updates_per_step: float = 32.0  # world-model + actor-critic updates per real step: learning is
    # bounded by updates, not by data, so many updates squeeze each real step dry (16 -> 32: median
    # steps to solve 450 -> 400)
    explore_epsilon: float = 0.1  # a floor of random actions that never falls to zero
    random_hold: int = 4  # a random action is held for 1 … random_hold steps: one-step jitter
    # barely moves the paddle, held moves reach the far columns (median steps to solve 850 -> 450)
    # evaluation: the run is solved at two consecutive evaluations with mean return >= solve_return
    eval_every: int = 50  # env steps between evaluations
    eval_episodes: int = 100  # greedy games per evaluation
    solve_return: float = 0.9  # the solve line: 95 % of the way from the worst return to the best
    stop_when_solved: bool = True  # end the run at its solve point (recorded runs), or train on (shipped agents)
    # replay
    batch_size: int = 16  # sequences per update
    seq_len: int = 10  # steps per sequence (one Catch episode is 10 frames)
    # world model
    hidden: int = 64  # GRU units and MLP width (128 cost twice as much and learned no faster here)
    stoch: int = 8  # categorical latent variables ...
    classes: int = 8  # ... of this many classes each
    unimix: float = 0.01  # mix 1 % uniform into every categorical (latents and actions)
    free_nats: float = 1.0  # no KL pressure below 1 nat per step
    dyn_scale: float = 0.5  # KL balancing: train the prior towards the posterior ...
    rep_scale: float = 0.1  # ... more than the posterior towards the prior
    model_lr: float = 1e-3  # Adam's learning rate for the world model
    # actor-critic in imagination
    horizon: int = 15  # imagined steps per trajectory
    imagine_starts: int = 64  # imagine from this many of the batch's batch_size × seq_len states (0: all)
    discount: float = 0.99  # γ of the imagined returns
    lambda_: float = 0.95  # λ of the λ-returns
    entropy: float = 3e-2  # entropy bonus on normalised returns: the actor keeps trying moves its model
    # is wrong about, which brings the missing catches (1e-2 left one seed of five unsolved)
    return_decay: float = 0.99  # EMA of the 5th–95th percentile range of returns
    slow_critic_mix: float = 0.02  # the slow target critic follows the critic at this rate
    actor_lr: float = 3e-4  # Adam's learning rate for the actor
    critic_lr: float = 3e-4  # Adam's learning rate for the critic
    grad_clip: float = 100.0  # gradient-norm clipping of every network
    bins: int = 63  # two-hot bins in symlog space (the paper uses 255; 63 are plenty for ±1 and 2× faster)

    def smoke(self) -> DreamerConfig:
        """A tiny run of the same agent on the same game, for tests and `train --quick`."""
        return replace(
            self,
            env_steps=60,
            prefill_steps=30,
            updates_per_step=0.2,
            hidden=32,
            batch_size=4,
            seq_len=6,
            eval_every=30,
            eval_episodes=10,
            stop_when_solved=False,
        )


# --- symlog and two-hot: one output layer for rewards and values of any size -------------------


def symlog(x: torch.Tensor) -> torch.Tensor:
    """Squash large magnitudes, keep small ones: sign(x) log(1 + |x|)."""
    return torch.sign(x) * torch.log1p(x.abs())


def symexp(x: torch.Tensor) -> torch.Tensor:
    """The inverse of symlog."""
    return torch.sign(x) * torch.expm1(x.abs())


def make_bins(n: int = 255) -> torch.Tensor:
    return torch.linspace(-20.0, 20.0, n)  # in symlog space: covers ±5e8


def twohot_encode(y: torch.Tensor, bins: torch.Tensor) -> torch.Tensor:
    """Spread each value of y (already in symlog space) over its two nearest bins: (..., K)."""
    y = y.clamp(bins[0], bins[-1])
    below = (torch.searchsorted(bins, y.contiguous(), right=True) - 1).clamp(0, len(bins) - 2)
    lo, hi = bins[below], bins[below + 1]
    w_hi = (y - lo) / (hi - lo)
    out = torch.zeros(*y.shape, len(bins))
    out.scatter_(-1, below.unsqueeze(-1), (1 - w_hi).unsqueeze(-1))
    out.scatter_add_(-1, (below + 1).unsqueeze(-1), w_hi.unsqueeze(-1))
    return out


def twohot_decode(logits: torch.Tensor, bins: torch.Tensor) -> torch.Tensor:
    """The mean of the predicted distribution over bins, mapped back with symexp."""
    return symexp((logits.softmax(-1) * bins).sum(-1))


def twohot_loss(logits: torch.Tensor, target: torch.Tensor, bins: torch.Tensor) -> torch.Tensor:
    """Cross-entropy between the prediction and the two-hot code of symlog(target)."""
    return -(twohot_encode(symlog(target), bins) * logits.log_softmax(-1)).sum(-1)


# --- categorical latents with straight-through gradients ---------------------------------------


def mixed_probs(logits: torch.Tensor, unimix: float) -> torch.Tensor:
    return (1 - unimix) * logits.softmax(-1) + unimix / logits.shape[-1]


def straight_through_sample(probs: torch.Tensor) -> torch.Tensor:
    """A one-hot sample whose gradient is that of `probs` (straight-through estimator)."""
    index = torch.multinomial(probs.reshape(-1, probs.shape[-1]), 1).reshape(probs.shape[:-1])
    one_hot = F.one_hot(index, probs.shape[-1]).to(probs.dtype)
    return one_hot + probs - probs.detach()


def categorical_kl(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """KL(p || q) between groups of categoricals (..., stoch, classes), summed over groups."""
    return (p * (p.log() - q.log())).sum((-2, -1))


def mlp(n_in: int, n_out: int, hidden: int, layers: int = 2, zero_last: bool = False) -> nn.Sequential:
    parts: list[nn.Module] = []
    for i in range(layers):
        parts += [nn.Linear(n_in if i == 0 else hidden, hidden), nn.LayerNorm(hidden), nn.SiLU()]
    last = nn.Linear(hidden, n_out)
    if zero_last:  # rewards and values start at exactly 0
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
    return nn.Sequential(*parts, last)


# --- the world model ----------------------------------------------------------------------------


class RSSM(nn.Module):
    """Recurrent state-space model: state = (h deterministic, z one-hot codes).

    img_step: (h, z, a) -> h' and the prior over z' — what the model expects, without the frame.
    obs_step: the same, then the posterior over z' given the frame's embedding.
    """

    def __init__(self, c: DreamerConfig, n_actions: int, embed: int):
        super().__init__()
        self.c, self.n_actions = c, n_actions
        self.img_in = nn.Sequential(
            nn.Linear(c.stoch * c.classes + n_actions, c.hidden), nn.LayerNorm(c.hidden), nn.SiLU()
        )
        self.gru = nn.GRUCell(c.hidden, c.hidden)
        self.prior_net = mlp(c.hidden, c.stoch * c.classes, c.hidden, layers=1)
        self.post_net = mlp(c.hidden + embed, c.stoch * c.classes, c.hidden, layers=1)

    @property
    def feat_size(self) -> int:
        return self.c.hidden + self.c.stoch * self.c.classes

    def initial(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.zeros(n, self.c.hidden), torch.zeros(n, self.c.stoch * self.c.classes)

    def latent(self, logits: torch.Tensor, sample: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
        """(one-hot z flattened, probabilities (N, stoch, classes)).

        z is sampled (straight-through), or with `sample=False` each variable's most likely class:
        the model's best guess, without the dice. Training samples, so that the actor meets the
        model's uncertainty; measuring and planning on a deterministic game use the best guess."""
        probs = mixed_probs(logits.view(-1, self.c.stoch, self.c.classes), self.c.unimix)
        if not sample:
            return F.one_hot(probs.argmax(-1), self.c.classes).to(probs.dtype).flatten(1), probs
        return straight_through_sample(probs).flatten(1), probs

    def img_step(self, h, z, action, sample: bool = True):
        h = self.gru(self.img_in(torch.cat([z, action], -1)), h)
        z, prior = self.latent(self.prior_net(h), sample)
        return h, z, prior

    def obs_step(self, h, z, action, embed, sample: bool = True):
        h = self.gru(self.img_in(torch.cat([z, action], -1)), h)
        prior = mixed_probs(self.prior_net(h).view(-1, self.c.stoch, self.c.classes), self.c.unimix)
        z, post = self.latent(self.post_net(torch.cat([h, embed], -1)), sample)
        return h, z, post, prior


class WorldModel(nn.Module):
    bins: torch.Tensor  # (bins,), the two-hot reward bins (a buffer)

    def __init__(self, c: DreamerConfig, obs_shape: tuple[int, ...], n_actions: int):
        super().__init__()
        self.c, self.obs_shape, self.n_actions = c, obs_shape, n_actions
        pixels = int(np.prod(obs_shape))
        self.encoder = mlp(pixels, c.hidden, c.hidden)  # the frames are tiny: an MLP sees them all
        self.rssm = RSSM(c, n_actions, c.hidden)
        feat = self.rssm.feat_size
        self.decoder = mlp(feat, pixels, c.hidden)  # Bernoulli logits per pixel
        self.reward = mlp(feat, c.bins, c.hidden, zero_last=True)  # two-hot over symlog bins
        self.cont = mlp(feat, 1, c.hidden)  # logit of "the episode goes on"
        self.register_buffer("bins", make_bins(c.bins))

    def observe(self, obs, actions, first):
        """Run the posterior along sequences (B, T, ...); reset the state where `first` is set.

        `actions[:, t]` is the action that led to `obs[:, t]`. Returns feats (B, T, F) and the
        posterior and prior probabilities (B, T, stoch, classes)."""
        B, T = obs.shape[:2]
        embed = self.encoder(obs.flatten(2))
        h, z = self.rssm.initial(B)
        feats, posts, priors = [], [], []
        for t in range(T):
            keep = (~first[:, t]).float().unsqueeze(-1)
            h, z, post, prior = self.rssm.obs_step(h * keep, z * keep, actions[:, t] * keep, embed[:, t])
            feats.append(torch.cat([h, z], -1))
            posts.append(post)
            priors.append(prior)
        return torch.stack(feats, 1), torch.stack(posts, 1), torch.stack(priors, 1)

    def loss(self, batch: dict[str, torch.Tensor]):
        feats, post, prior = self.observe(batch["obs"], batch["action"], batch["first"])
        recon = F.binary_cross_entropy_with_logits(self.decoder(feats), batch["obs"].flatten(2), reduction="none").sum(
            -1
        )
        reward = twohot_loss(self.reward(feats), batch["reward"], self.bins)
        cont = F.binary_cross_entropy_with_logits(self.cont(feats).squeeze(-1), 1 - batch["terminal"], reduction="none")
        # KL balancing with free bits: the prior learns to predict the posterior (dyn), the
        # posterior is pulled only gently towards what is predictable (rep).
        dyn = categorical_kl(post.detach(), prior).clamp(min=self.c.free_nats)
        rep = categorical_kl(post, prior.detach()).clamp(min=self.c.free_nats)
        total = (recon + reward + cont + self.c.dyn_scale * dyn + self.c.rep_scale * rep).mean()
        parts = {"recon": recon.mean(), "reward": reward.mean(), "cont": cont.mean(), "kl": dyn.mean()}
        return total, parts, feats

    def predict_reward(self, feats):
        return twohot_decode(self.reward(feats), self.bins)

    def decode(self, feats):
        """Imagined frames as pixel probabilities, (..., *obs_shape)."""
        return torch.sigmoid(self.decoder(feats)).view(*feats.shape[:-1], *self.obs_shape)


# --- actor and critic ---------------------------------------------------------------------------


class Actor(nn.Module):
    def __init__(self, c: DreamerConfig, feat: int, n_actions: int):
        super().__init__()
        self.c = c
        self.net = mlp(feat, n_actions, c.hidden)

    def probs(self, feats):
        return mixed_probs(self.net(feats), self.c.unimix)


class Critic(nn.Module):
    bins: torch.Tensor  # (bins,), the two-hot value bins (a buffer)

    def __init__(self, c: DreamerConfig, feat: int):
        super().__init__()
        self.net = mlp(feat, c.bins, c.hidden, zero_last=True)
        self.register_buffer("bins", make_bins(c.bins))

    def forward(self, feats):
        return self.net(feats)

    def value(self, feats):
        return twohot_decode(self.net(feats), self.bins)


def imagine(wm: WorldModel, actor: Actor, start_feats: torch.Tensor, horizon: int):
    """Roll the actor forward inside the model from (N, F) starting states.

    Returns feats (H+1, N, F) for s_0..s_H and the one-hot actions (H, N, A) taken in s_0..s_{H-1}.
    The model is not trained here: gradients reach only the actor (through log-probabilities)."""
    hidden = wm.c.hidden
    h, z = start_feats[:, :hidden], start_feats[:, hidden:]
    feats, actions = [start_feats], []
    for _ in range(horizon):
        with torch.no_grad():
            probs = actor.probs(feats[-1])
            action = F.one_hot(torch.multinomial(probs, 1).squeeze(-1), probs.shape[-1]).float()
            h, z, _ = wm.rssm.img_step(h, z, action)
        feats.append(torch.cat([h, z], -1))
        actions.append(action)
    return torch.stack(feats), torch.stack(actions)


def lambda_returns(rewards, continues, values, discount: float, lambda_: float) -> torch.Tensor:
    """R_t = r_{t+1} + γ c_{t+1} ((1 - λ) v_{t+1} + λ R_{t+1}), with R_H = v_H.

    rewards, continues: (H, ...) for steps 1..H; values: (H+1, ...) for steps 0..H.
    Returns (H, ...) for steps 0..H-1."""
    returns = [values[-1]]
    for t in reversed(range(len(rewards))):
        bootstrap = (1 - lambda_) * values[t + 1] + lambda_ * returns[-1]
        returns.append(rewards[t] + discount * continues[t] * bootstrap)
    return torch.stack(returns[1:][::-1])


# --- replay buffer of real experience ------------------------------------------------------------


class Replay:
    """Real steps in order. Row t holds the frame o_t, the action that led to it, the reward
    received on arriving, whether it opens an episode and whether the game really ends there (a
    time-out does not: see `envs.terminal`)."""

    def __init__(self, capacity: int, obs_shape, n_actions: int):
        self.obs = np.zeros((capacity, *obs_shape), np.float32)
        self.action = np.zeros((capacity, n_actions), np.float32)
        self.reward = np.zeros(capacity, np.float32)
        self.first = np.zeros(capacity, bool)
        self.terminal = np.zeros(capacity, np.float32)
        self.size = 0

    def add(self, obs, action_one_hot, reward, first, terminal):
        i = self.size
        self.obs[i], self.action[i], self.reward[i] = obs, action_one_hot, reward
        self.first[i], self.terminal[i] = first, terminal
        self.size += 1

    def sample(self, batch: int, length: int, rng: np.random.Generator) -> dict[str, torch.Tensor]:
        starts = rng.integers(0, self.size - length + 1, size=batch)
        index = starts[:, None] + np.arange(length)[None]
        out = {k: torch.from_numpy(getattr(self, k)[index]) for k in ["obs", "action", "reward", "first", "terminal"]}
        out["first"][:, 0] = True  # every sequence starts from a fresh state
        return out


# --- the agent and one training update ------------------------------------------------------------


class Dreamer(nn.Module):
    return_scale: torch.Tensor  # (), a buffer

    def __init__(self, c: DreamerConfig, obs_shape, n_actions: int):
        super().__init__()
        self.c = c
        self.wm = WorldModel(c, obs_shape, n_actions)
        feat = self.wm.rssm.feat_size
        self.actor = Actor(c, feat, n_actions)
        self.critic = Critic(c, feat)
        self.slow_critic = copy.deepcopy(self.critic).requires_grad_(False)
        self.register_buffer("return_scale", torch.ones(()))  # EMA of the 5–95 % return range
        self.model_opt = torch.optim.Adam(self.wm.parameters(), lr=c.model_lr, eps=1e-8)
        self.actor_opt = torch.optim.Adam(self.actor.parameters(), lr=c.actor_lr, eps=1e-5)
        self.critic_opt = torch.optim.Adam(self.critic.parameters(), lr=c.critic_lr, eps=1e-5)

    def _step(self, opt, loss, params):
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(params, self.c.grad_clip)
        opt.step()

    def update_world_model(self, batch: dict[str, torch.Tensor]):
        """One step of the world model on real sequences; returns (loss, parts, posterior feats)."""
        model_loss, parts, feats = self.wm.loss(batch)
        self._step(self.model_opt, model_loss, self.wm.parameters())
        return model_loss, parts, feats

    def update(self, batch: dict[str, torch.Tensor]) -> dict[str, float]:
        c = self.c
        # 1. the world model, on real sequences
        model_loss, parts, feats = self.update_world_model(batch)

        # 2. imagine from every real state of the batch (the model is frozen from here on)
        start = feats.detach().flatten(0, 1)
        start_cont = 1 - batch["terminal"].flatten()
        if 0 < c.imagine_starts < len(start):  # a random subset: most of the cost is imagination
            pick = torch.randperm(len(start))[: c.imagine_starts]
            start, start_cont = start[pick], start_cont[pick]
        traj, actions = imagine(self.wm, self.actor, start, c.horizon)
        with torch.no_grad():
            rewards = self.wm.predict_reward(traj[1:])
            continues = (self.wm.cont(traj[1:]).squeeze(-1) > 0).float()
            values = self.slow_critic.value(traj)
            returns = lambda_returns(rewards, continues, values, c.discount, c.lambda_)
            # weight of each imagined state: the probability that the episode is still running
            alive = torch.cat([start_cont[None], continues[:-1]])
            weight = torch.cumprod(alive, 0)
            low, high = torch.quantile(returns.flatten(), torch.tensor([0.05, 0.95]))
            self.return_scale.mul_(c.return_decay).add_((1 - c.return_decay) * (high - low))
            scale = self.return_scale.clamp(min=1.0)

        # 3. the actor: REINFORCE with the critic as baseline, plus an entropy bonus
        probs = self.actor.probs(traj[:-1])
        log_prob = (actions * probs.log()).sum(-1)
        entropy = -(probs * probs.log()).sum(-1)
        with torch.no_grad():
            advantage = (returns - self.critic.value(traj[:-1])) / scale
        actor_loss = -(weight * (log_prob * advantage + c.entropy * entropy)).mean()
        self._step(self.actor_opt, actor_loss, self.actor.parameters())

        # 4. the critic: predict λ-returns, and stay close to its slow copy
        logits = self.critic(traj[:-1])
        critic_loss = twohot_loss(logits, returns, self.critic.bins)
        critic_loss = critic_loss + twohot_loss(logits, values[:-1], self.critic.bins)
        critic_loss = (weight * critic_loss).mean()
        self._step(self.critic_opt, critic_loss, self.critic.parameters())
        with torch.no_grad():
            for slow, fast in zip(self.slow_critic.parameters(), self.critic.parameters()):
                slow.lerp_(fast, c.slow_critic_mix)

        out = {k: v.item() for k, v in parts.items()}
        out.update(
            model_loss=model_loss.item(),
            actor_loss=actor_loss.item(),
            critic_loss=critic_loss.item(),
            entropy=entropy.mean().item(),
            imagined_return=returns[0].mean().item(),
        )
        return out

    def policy(self, greedy: bool) -> Player:
        return Player(self, greedy)


class Player:
    """Plays with the agent's memory: keeps (h, z, previous action) per game.

    Called as `player(obs (N, *frame shape), first (N,) bool) -> actions (N,)`, as `envs.evaluate`
    expects. `took(actions)` records the action really taken when it was not the actor's."""

    def __init__(self, agent: Dreamer, greedy: bool):
        self.agent, self.greedy = agent, greedy
        # (h, z, previous action as one-hot) per game, (N, ·) each; None until the first frames
        self.belief: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None

    @torch.no_grad()
    def observe(self, obs: torch.Tensor, first: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Fold the new frames into the belief (h, z) and return it; a game that has just begun
        starts from zeros."""
        wm, n = self.agent.wm, len(obs)
        if self.belief is None:
            self.belief = (*wm.rssm.initial(n), torch.zeros(n, wm.n_actions))
        h, z, a = self.belief
        keep = (~first).float().unsqueeze(-1)
        embed = wm.encoder(obs.flatten(1))
        h, z, _, _ = wm.rssm.obs_step(h * keep, z * keep, a * keep, embed)
        self.belief = (h, z, a)
        return h, z

    @torch.no_grad()
    def __call__(self, obs: torch.Tensor, first: torch.Tensor) -> torch.Tensor:
        h, z = self.observe(obs, first)
        probs = self.agent.actor.probs(torch.cat([h, z], -1))
        action = probs.argmax(-1) if self.greedy else torch.multinomial(probs, 1).squeeze(-1)
        self.took(action)
        return action

    def took(self, action: torch.Tensor) -> None:
        assert self.belief is not None, "a Player observes a frame before it acts"
        h, z, _ = self.belief
        self.belief = (h, z, F.one_hot(action, self.agent.wm.n_actions).float())


# --- how good are the dreams? ------------------------------------------------------------------


def frames_match(imagined: np.ndarray, real: np.ndarray) -> bool:
    """Every object where it really is: the imagined frame, read at 0.5, equals the real one."""
    return bool(np.array_equal(imagined > 0.5, real > 0.5))


@torch.no_grad()
def imagination_accuracy(
    wm: WorldModel, env_name: str = "catch", episodes: int = 100, seed: int = 0, sample: bool = False
) -> float:
    """Share of open-loop imagined frames, over whole episodes, whose objects match reality.

    The model sees only each episode's first frame; from then on it imagines every frame from
    the actions alone (random actions, also played in the real game), never correcting itself
    with what it would have seen. Errors compound, so this measures the whole horizon.

    The game is deterministic once its first frame is seen, so the dream follows the model's best
    guess; `sample=True` dreams as training does, drawing every code (1 % of it uniform noise)."""
    rng = np.random.default_rng(seed)
    env = make_env(env_name, seed=seed)
    right = total = 0
    for _ in range(episodes):
        obs, done = env.reset(), False
        h, z = wm.rssm.initial(1)
        embed = wm.encoder(torch.as_tensor(obs).reshape(1, -1))
        h, z, _, _ = wm.rssm.obs_step(h, z, torch.zeros(1, wm.n_actions), embed, sample)
        while not done:
            action = int(rng.integers(env.n_actions))
            obs, _, done = env.step(action)
            h, z, _ = wm.rssm.img_step(h, z, F.one_hot(torch.tensor([action]), wm.n_actions).float(), sample)
            imagined = wm.decode(torch.cat([h, z], -1))[0].numpy()  # (1, H, W)
            right += frames_match(imagined, obs)
            total += 1
    return right / total


def make_agent(config: DreamerConfig) -> Dreamer:
    """A fresh agent shaped for `config.env`'s frames and actions."""
    env = make_env(config.env)
    return Dreamer(config, env.obs_shape, env.n_actions)


# --- the training loop ------------------------------------------------------------------------------


class HeldRandomActions:
    """ε-greedy exploration whose random moves are held for 1 … `hold` steps (drawn uniformly):
    every move random for the first `prefill` steps, then a fresh random move with chance ε
    whenever the last one has run out."""

    def __init__(self, n_actions: int, epsilon: float, hold: int, prefill: int, rng: np.random.Generator):
        self.n_actions, self.epsilon, self.hold, self.prefill, self.rng = n_actions, epsilon, hold, prefill, rng
        self.left, self.action = 0, 0  # steps the current random move has still to run

    def __call__(self, step: int, policy_action: int) -> int:
        if self.left > 0:
            self.left -= 1
            return self.action
        if step > self.prefill and self.rng.random() >= self.epsilon:
            return policy_action
        self.action = int(self.rng.integers(self.n_actions))
        self.left = int(self.rng.integers(self.hold)) if self.hold > 1 else 0
        return self.action


def train_dreamer(config: DreamerConfig, on_eval=None, guide=None, stop=None) -> tuple[dict, dict, list[dict]]:
    """Play, remember, learn the model, learn to act in it. Returns (tensors, metrics, history).

    `on_eval(record)`, if given, is called with each evaluation's record as it is made.
    `guide(env, explore)`, if given, wraps the exploration with something that sees the game
    itself: a diagnostic (`runs.ShowEveryCatch`), never part of the recipe. `stop()`, if given, is
    asked after every step whether a harness wants the run cut (`core.runs.CPUTimeLimit`); without
    it the run ends on its step count or solve point alone, the same on every machine."""
    c = config
    torch.manual_seed(c.seed)
    rng = np.random.default_rng(c.seed)
    env = make_env(c.env, seed=c.seed)
    agent = Dreamer(c, env.obs_shape, env.n_actions)
    replay = Replay(2 * c.env_steps + 2, env.obs_shape, env.n_actions)  # a step adds at most 2 rows
    act = agent.policy(greedy=False)
    history: list[dict] = []
    losses: dict[str, float] = {}
    updates, credit, clock = 0, 0.0, RunClock()
    obs, first = env.reset(), True
    replay.add(obs, np.zeros(env.n_actions), 0.0, True, 0.0)
    bar = progress(range(1, c.env_steps + 1), desc=f"dreamer seed {c.seed}")
    explore = HeldRandomActions(env.n_actions, c.explore_epsilon, c.random_hold, c.prefill_steps, rng)
    if guide is not None:
        explore = guide(env, explore)
    for step in bar:
        # act in the real game: random while prefilling, then the actor with an ε floor
        policy_action = int(act(torch.from_numpy(obs)[None], torch.tensor([first]))[0])
        action = explore(step, policy_action)
        act.took(torch.tensor([action]))
        obs, reward, done = env.step(action)
        replay.add(obs, np.eye(env.n_actions)[action], reward, False, terminal(env, done))
        first = False
        if done:
            obs, first = env.reset(), True
            replay.add(obs, np.zeros(env.n_actions), 0.0, True, 0.0)
        # learn
        if step >= c.prefill_steps:
            credit += c.updates_per_step
            while credit >= 1:
                losses = agent.update(replay.sample(c.batch_size, c.seq_len, rng))
                updates += 1
                credit -= 1
        # evaluate
        if step % c.eval_every == 0:
            agent.eval()
            score = evaluate(agent.policy(greedy=True), c.env, c.eval_episodes, seed=c.seed + 10_000 + step)
            agent.train()
            record = {
                "env_steps": step,
                "updates": updates,
                "seconds": round(clock.seconds(), 1),
                "cpu_seconds": round(clock.cpu_seconds(), 1),
                "eval_return": score,
                **{k: round(v, 4) for k, v in losses.items()},
            }
            if record_evaluation(history, record, bar, on_eval, c.solve_return, c.stop_when_solved):
                break
        if stop is not None and stop():
            break
    metrics = run_summary(history, step, updates, clock, c.solve_return, env.optimal_return)
    tensors = dict(agent.state_dict())
    return tensors, metrics, history
