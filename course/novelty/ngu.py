"""Never Give Up's intrinsic reward (Badia et al., 2020), readable top to bottom.

Three parts, as in the paper's Fig. 2 and Algorithm 1:
1. a controllable-state embedding f(x), learned by inverse dynamics: from f(x_t) and f(x_{t+1})
   predict the action a_t. Only what the agent's actions change is worth keeping for that task,
   so noise the agent cannot control (a noisy TV) is squeezed out of the embedding;
2. an episodic memory of this episode's embeddings: a state is novel when it is far, in f, from
   its k nearest neighbours in memory — r_episodic = 1 / (sqrt(Σ K) + c);
3. a life-long modulator α from Random Network Distillation: states seen often across all
   episodes are predicted well and get α ≈ 1 or less; r_i = r_episodic · min(max(α, 1), L).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


@dataclass
class NGUConfig:
    """The paper's values as defaults (its Table 4 / Appendix F)."""

    k: int = 10  # neighbours in the episodic memory
    kernel_epsilon: float = 1e-4  # ε in K = ε / (d² / d_m² + ε)
    cluster_distance: float = 0.008  # ξ: normalised distances below it count as "the same state"
    pseudo_count: float = 1e-3  # c, keeps 1 / (sqrt(Σ K) + c) finite
    max_similarity: float = 8.0  # s_m: above it the state is too familiar to reward at all
    max_modulation: float = 5.0  # L, the largest life-long multiplier
    embedding_dim: int = 32  # size of the inverse-dynamics embedding f(x) the memory stores
    memory_size: int = 5000  # most embeddings the episodic memory keeps (larger than any episode here)


# ---------------------------------------------------------------- 2. episodic novelty


class EpisodicMemory:
    """This episode's embeddings, and the running mean of squared k-NN distances (d_m²)."""

    def __init__(self, config: NGUConfig):
        self.config = config
        self.embeddings: list[np.ndarray] = []
        self.mean_sq_distance = 0.0  # d_m², a running mean over the whole run
        self.count = 0

    def reset(self) -> None:
        """A new episode: forget the states, keep d_m² (it only sets the scale)."""
        self.embeddings = []

    def episodic_reward(self, embedding: np.ndarray) -> float:
        """r_episodic for `embedding` (D,), then store it. Follows Algorithm 1 of the paper."""
        c = self.config
        reward = self._reward(np.asarray(embedding, dtype=np.float64))
        if len(self.embeddings) < c.memory_size:
            self.embeddings.append(np.asarray(embedding, dtype=np.float64))
        return reward

    def _reward(self, embedding: np.ndarray) -> float:
        if not self.embeddings:
            return 0.0  # the episode's first state: nothing to compare it with yet
        memory = np.stack(self.embeddings)  # (M, D)
        sq_distances = ((memory - embedding) ** 2).sum(axis=1)
        nearest = np.sort(sq_distances)[: self.config.k]  # the k smallest d²
        self._update_mean(nearest)
        return kernel_sum_reward(nearest, self.mean_sq_distance, self.config)

    def _update_mean(self, nearest: np.ndarray) -> None:
        for value in nearest:
            self.count += 1
            self.mean_sq_distance += (value - self.mean_sq_distance) / self.count


def kernel_sum_reward(sq_distances: np.ndarray, mean_sq_distance: float, config: NGUConfig) -> float:
    """r_episodic from the squared distances d² to the k nearest memories and the running d_m²."""
    c = config
    normalised = np.asarray(sq_distances) / max(mean_sq_distance, 1e-12)  # d² / d_m²
    normalised = np.maximum(normalised - c.cluster_distance, 0.0)  # closer than ξ: the same state
    kernel = c.kernel_epsilon / (normalised + c.kernel_epsilon)  # K: 1 for a twin, ~0 far away
    similarity = np.sqrt(kernel.sum()) + c.pseudo_count
    return 0.0 if similarity > c.max_similarity else float(1.0 / similarity)


# ---------------------------------------------------------------- 3. life-long novelty (RND)


class RandomNetworkDistillation(nn.Module):
    """A fixed random network g and a predictor ĝ trained to imitate it on visited states: the
    prediction error is large where the agent has rarely been, across all episodes."""

    def __init__(self, obs_dim: int, hidden: int = 128, out: int = 64):
        super().__init__()
        self.target = nn.Sequential(nn.Linear(obs_dim, hidden), nn.ReLU(), nn.Linear(hidden, out))
        self.predictor = nn.Sequential(
            nn.Linear(obs_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, out)
        )
        for p in self.target.parameters():
            p.requires_grad_(False)
        # Running mean and variance of the prediction error (float64, as the reward's scale needs),
        # kept as buffers so that they travel with the module's state_dict.
        self.error_mean: torch.Tensor
        self.error_var: torch.Tensor
        self.error_count: torch.Tensor
        self.register_buffer("error_mean", torch.tensor(0.0, dtype=torch.float64))
        self.register_buffer("error_var", torch.tensor(1.0, dtype=torch.float64))
        self.register_buffer("error_count", torch.tensor(1e-4, dtype=torch.float64))

    def error(self, obs: torch.Tensor) -> torch.Tensor:
        """Squared prediction error per observation, (B,); also the predictor's training loss."""
        return (self.predictor(obs) - self.target(obs)).pow(2).mean(dim=1)

    @torch.no_grad()
    def modulator(self, obs: torch.Tensor) -> torch.Tensor:
        """α = 1 + (err − μ_err) / σ_err with running statistics, (B,)."""
        err = self.error(obs).double()
        self._update_stats(err)
        return self.standardised(err).float()

    def standardised(self, err: torch.Tensor) -> torch.Tensor:
        """α = 1 + (err − μ_err) / σ_err for float64 errors (B,), the statistics as they stand."""
        return 1.0 + (err - self.error_mean) / torch.sqrt(self.error_var + 1e-8)

    def _update_stats(self, err: torch.Tensor) -> None:
        batch_mean, batch_var, n = err.mean(), err.var(unbiased=False), len(err)
        total = self.error_count + n
        delta = batch_mean - self.error_mean
        self.error_var.copy_(
            (self.error_var * self.error_count + batch_var * n + delta * delta * self.error_count * n / total) / total
        )
        self.error_mean.add_(delta * n / total)
        self.error_count.copy_(total)


def intrinsic_reward(r_episodic: np.ndarray, alpha: np.ndarray, config: NGUConfig) -> np.ndarray:
    """r_i = r_episodic · min(max(α, 1), L)."""
    return np.asarray(r_episodic) * np.clip(np.asarray(alpha), 1.0, config.max_modulation)


# ---------------------------------------------------------------- 1. controllable-state embedding


class InverseDynamics(nn.Module):
    """Siamese embedding f and a classifier h(f(x_t), f(x_{t+1})) -> p(a_t)."""

    def __init__(self, obs_dim: int, n_actions: int, config: NGUConfig, hidden: int = 128):
        super().__init__()
        self.embed = nn.Sequential(nn.Linear(obs_dim, hidden), nn.ReLU(), nn.Linear(hidden, config.embedding_dim))
        self.classify = nn.Sequential(
            nn.Linear(2 * config.embedding_dim, hidden), nn.ReLU(), nn.Linear(hidden, n_actions)
        )

    def action_logits(self, obs: torch.Tensor, next_obs: torch.Tensor) -> torch.Tensor:
        """(B, obs_dim) × 2 -> (B, n_actions)."""
        return self.classify(torch.cat([self.embed(obs), self.embed(next_obs)], dim=1))

    def loss(self, obs: torch.Tensor, next_obs: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        return nn.functional.cross_entropy(self.action_logits(obs, next_obs), actions)
