"""Solve one ARC puzzle by compressing it: a small network trained from scratch on that puzzle alone.

In the spirit of CompressARC (Liao & Gu, 2025). The puzzle's description is the bits needed to
send the train outputs given the inputs: a latent code z with a Gaussian posterior (its cost is
the KL divergence to a standard normal prior, the "rate") plus the bits of the outputs under the
network's prediction (the "reconstruction"). Gradient descent shortens this description; the
shortest description that reproduces the examples also writes an answer into the test output's
cells, which never enter the loss. Two attempts per test input: the two guesses the network held
most often while it reproduced every train output exactly (with `restarts` > 1, several fresh
networks share the budget and vote).

Differences from CompressARC, chosen for speed on a CPU: the inputs are given to the network
(only outputs are encoded, so the description is conditional on the inputs), all examples are
padded into one tensor and processed together, and the network is a few fused layers:

  features h: (E examples, K=10 colours, H, W, D channels); per layer, each with a residual:
    mix      — linear over [h, mean over colours, mean over examples, row mean, column mean]
    conv     — 3×3 convolution over positions (shared by every example and colour)
    cummax   — running maxima in the four directions (lines that extend until something stops them)
    mlp      — per-cell two-layer perceptron

Every layer treats the examples alike and the colours alike (colour 0, the usual background, is
marked by one input feature), and the convolution treats positions alike: these are the
equivariances that keep the network from memorising. The output shape comes from rules that the
train pairs confirm (same as the input, constant, or a fixed ratio), else from two small heads
that predict which rows and columns lie inside the output.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course.arc.data import N_COLOURS, Task
from course.core.seeding import torch_threads

LN2 = math.log(2.0)
ATTEMPTS = 2  # guesses per test input, as ARC scores a puzzle
IGNORE = -100  # target of a cell outside every train output (cross-entropy's ignore_index)
UNFITTED_VOTE = 1e-3  # a guess's weight at a step where the train outputs are not all reproduced
MIN_LR_SHARE = 0.1  # annealing lowers the learning rate linearly down to this share of cfg.lr
LATENT_INIT_STD = 0.01  # the latent codes' means start near the prior's centre
RULE_TOLERANCE = 1e-6  # a shape ratio must give whole numbers of rows and columns to this precision
VERY_LOW = -1e4  # stands for −∞ in running_max's padding (finite, so no NaN in the gradient)

# Input features per (example, colour, cell): the channels of PuzzleTensors.features.
FEATURE_COLOUR = 0  # 1 where the input cell has this colour
FEATURE_IN_INPUT = 1  # 1 inside the input grid
FEATURE_IN_OUTPUT = 2  # 1 inside the (known or predicted) output grid
FEATURE_BACKGROUND = 3  # 1 for colour 0, the usual background
FEATURE_IN_EXAMPLE = 4  # 1 if the colour occurs anywhere in this example's input
FEATURE_SHARE = 5  # the colour's share of this example's input cells
FEATURE_IN_OUTPUTS = 6  # 1 if the colour occurs in some train output
N_FEATURES = 7


@dataclass
class SolverConfig:
    seconds: float = 60.0  # wall-clock budget per task, set by the bench or a widget (training stops when it is spent)
    max_steps: int = 1500  # most optimiser steps per task
    width: int = 16  # channels per (example, colour, cell)
    latent: int = 8  # channels of each latent code
    layers: int = 3  # blocks of the network (each mixes examples, colours and cells)
    cummax_channels: int = 4  # channels per direction for the running-maximum layer
    lr: float = 0.01  # AdamW's learning rate
    anneal: bool = False  # decay the learning rate linearly to 10 % over the budget
    weight_decay: float = 0.0  # AdamW's decoupled weight decay (0: none)
    betas: tuple[float, float] = (0.5, 0.9)  # as CompressARC: a short memory suits a moving target
    recon_weight: float = 10.0  # loss = rate + recon_weight · reconstruction (both in bits)
    warmup_steps: int = 10  # guesses before this step are not counted
    restarts: int = 1  # independent runs (fresh networks, other seeds) that vote on the answer
    patience: int = 400  # stop early once the same answer has led, examples fitted, this long
    log_every: int = 10  # steps between history records (guess, bits)
    seed: int = 0  # seeds the network of the first run (restart r uses seed + r)
    threads: int = 1  # CPU threads of the solver: a fixed number, whatever the machine has


@dataclass
class SolveResult:
    task: str
    attempts: list[list[np.ndarray]]  # per test input, up to two guesses
    steps: int
    seconds: float
    shape_rule: str
    history: list[dict] = field(default_factory=list)  # one record per log_every steps

    @property
    def steps_per_second(self) -> float:
        return self.steps / max(self.seconds, 1e-9)


# --- the output shape ---------------------------------------------------------------------------


def shape_rule(task: Task) -> tuple[str, list[tuple[int, int]] | None]:
    """Output shapes of the test inputs from a rule every train pair obeys, or (name, None)."""
    ins = [g.shape for g in task.train_inputs]
    outs = [g.shape for g in task.train_outputs]
    tests = [g.shape for g in task.test_inputs]
    if all(i == o for i, o in zip(ins, outs)):
        return "same as input", list(tests)
    if len(set(outs)) == 1:
        return "constant", [outs[0]] * len(tests)
    ratios = {(o[0] / i[0], o[1] / i[1]) for i, o in zip(ins, outs)}
    if len(ratios) == 1:
        ((rh, rw),) = ratios
        shapes = [(round(t[0] * rh), round(t[1] * rw)) for t in tests]
        if all(
            abs(t[0] * rh - s[0]) < RULE_TOLERANCE and abs(t[1] * rw - s[1]) < RULE_TOLERANCE
            for t, s in zip(tests, shapes)
        ):
            return "ratio", shapes
    return "learned", None


# --- the network --------------------------------------------------------------------------------


def running_max(x: torch.Tensor, dim: int) -> torch.Tensor:
    """Running maximum along `dim`: forwards in the first half of the channels, backwards in the
    second. Doubling steps (log₂ of the length, each one fused `maximum`) instead of torch.cummax,
    whose CPU kernel and backward cost more than the rest of a layer on grids this small."""
    half = x.shape[-1] // 2
    forward, backward = x[..., :half], x[..., half:]
    n, shift = x.shape[dim], 1
    while shift < n:
        low = torch.full_like(forward.narrow(dim, 0, shift), VERY_LOW)
        forward = torch.maximum(forward, torch.cat([low, forward.narrow(dim, 0, n - shift)], dim))
        backward = torch.maximum(backward, torch.cat([backward.narrow(dim, shift, n - shift), low], dim))
        shift *= 2
    return torch.cat([forward, backward], -1)


class Block(nn.Module):
    def __init__(self, width: int, cummax_channels: int):
        super().__init__()
        self.norm1 = nn.LayerNorm(width)
        self.mix = nn.Linear(5 * width, width)
        self.norm2 = nn.LayerNorm(width)
        self.conv = nn.Conv2d(width, width, 3, padding=1)
        self.cummax_in = nn.Linear(width, 4 * cummax_channels)
        self.cummax_out = nn.Linear(4 * cummax_channels, width)
        self.norm3 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width))
        self.c = cummax_channels

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        E, K, H, W, D = h.shape
        x = self.norm1(h)
        pooled = [
            x,
            x.mean(1, keepdim=True).expand_as(x),  # over colours
            x.mean(0, keepdim=True).expand_as(x),  # over examples
            x.mean(3, keepdim=True).expand_as(x),  # along the row
            x.mean(2, keepdim=True).expand_as(x),  # along the column
        ]
        h = h + self.mix(torch.cat(pooled, -1))
        x = self.norm2(h)
        conv = self.conv(x.reshape(E * K, H, W, D).permute(0, 3, 1, 2))  # (E·K, D, H, W)
        h = h + conv.permute(0, 2, 3, 1).reshape(E, K, H, W, D)
        c = self.cummax_in(x)  # (E, K, H, W, 4c): a quarter of the channels per direction
        h = h + self.cummax_out(
            torch.cat([running_max(c[..., : 2 * self.c], 3), running_max(c[..., 2 * self.c :], 2)], -1)
        )
        return h + self.mlp(self.norm3(h))


class PuzzleNet(nn.Module):
    """Per-puzzle model: latent codes (the message) + a small equivariant decoder."""

    def __init__(self, n_examples: int, height: int, width: int, cfg: SolverConfig):
        super().__init__()
        E, K, Z, D = n_examples, N_COLOURS, cfg.latent, cfg.width
        # Posterior means and log standard deviations of the latent codes, by what they describe.
        self.latent_shapes = {
            "task colour": (1, K, 1, 1, Z),  # a role per colour, shared by all examples
            "example colour": (E, K, 1, 1, Z),  # a role per colour in each example
            "example": (E, 1, 1, 1, Z),
            "cell": (E, 1, height, width, Z),  # anything else, cell by cell
        }
        keys = {name: name.replace(" ", "_") for name in self.latent_shapes}  # ParameterDict keys: no spaces
        self.mu = nn.ParameterDict(
            {keys[k]: nn.Parameter(LATENT_INIT_STD * torch.randn(s)) for k, s in self.latent_shapes.items()}
        )
        self.log_sigma = nn.ParameterDict(
            {keys[k]: nn.Parameter(torch.zeros(s)) for k, s in self.latent_shapes.items()}
        )
        self.decode = nn.ModuleDict({k.replace(" ", "_"): nn.Linear(Z, D, bias=False) for k in self.latent_shapes})
        self.embed = nn.Linear(N_FEATURES, D)
        self.blocks = nn.ModuleList(Block(D, cfg.cummax_channels) for _ in range(cfg.layers))
        self.norm = nn.LayerNorm(D)
        self.head = nn.Linear(D, 1)
        self.row_head = nn.Linear(D, 1)
        self.col_head = nn.Linear(D, 1)

    def forward(self, features: torch.Tensor, noise: bool = True):
        """features (E, K, H, W, F) → colour logits (E, K, H, W), row/column logits, KL bits per code."""
        h = self.embed(features)
        kl_bits = {}
        for key in self.mu:
            mu, log_sigma = self.mu[key], self.log_sigma[key]
            z = mu + torch.randn_like(mu) * log_sigma.exp() if noise else mu
            h = h + self.decode[key](z)
            # KL(N(mu, sigma²) ‖ N(0, 1)) in bits, summed over the code
            kl_bits[key.replace("_", " ")] = 0.5 * (mu.square() + (2 * log_sigma).exp() - 1 - 2 * log_sigma).sum() / LN2
        for block in self.blocks:
            h = block(h)
        h = self.norm(h)
        logits = self.head(h).squeeze(-1)  # (E, K, H, W)
        pooled = h.mean(1)  # (E, H, W, D)
        rows = self.row_head(pooled.mean(2)).squeeze(-1)  # (E, H)
        cols = self.col_head(pooled.mean(1)).squeeze(-1)  # (E, W)
        return logits, rows, cols, kl_bits


# --- the puzzle as tensors ----------------------------------------------------------------------


@dataclass
class PuzzleTensors:
    features: torch.Tensor  # (E, K, H, W, F)
    targets: torch.Tensor  # (E, H, W) output colours, IGNORE where no train output cell
    row_targets: torch.Tensor  # (n_train, H) 1 inside the output's rows
    col_targets: torch.Tensor  # (n_train, W)
    n_train: int
    canvas: tuple[int, int]


def puzzle_tensors(task: Task, test_shapes: list[tuple[int, int]] | None) -> PuzzleTensors:
    inputs = [*task.train_inputs, *task.test_inputs]
    out_shapes = [g.shape for g in task.train_outputs] + (test_shapes or [g.shape for g in task.test_inputs])
    H = max(max(g.shape[0] for g in inputs), max(s[0] for s in out_shapes))
    W = max(max(g.shape[1] for g in inputs), max(s[1] for s in out_shapes))
    E, K, n = len(inputs), N_COLOURS, task.n_train
    f = np.zeros((E, K, H, W, N_FEATURES), np.float32)
    out_colours = np.zeros(K, bool)
    for g in task.train_outputs:
        out_colours[np.unique(g)] = True
    targets = np.full((E, H, W), IGNORE, np.int64)
    rows, cols = np.zeros((n, H), np.float32), np.zeros((n, W), np.float32)
    for e, g in enumerate(inputs):
        h, w = g.shape
        onehot = np.eye(K, dtype=np.float32)[g].transpose(2, 0, 1)  # (K, h, w)
        f[e, :, :h, :w, FEATURE_COLOUR] = onehot
        f[e, :, :h, :w, FEATURE_IN_INPUT] = 1.0
        oh, ow = out_shapes[e]
        f[e, :, :oh, :ow, FEATURE_IN_OUTPUT] = 1.0
        f[e, 0, :, :, FEATURE_BACKGROUND] = 1.0
        counts = onehot.sum((1, 2))
        f[e, :, :, :, FEATURE_IN_EXAMPLE] = (counts > 0)[:, None, None]
        f[e, :, :, :, FEATURE_SHARE] = (counts / counts.sum())[:, None, None]
        f[e, :, :, :, FEATURE_IN_OUTPUTS] = out_colours[:, None, None]
        if e < n:
            targets[e, :oh, :ow] = task.train_outputs[e]
            rows[e, :oh], cols[e, :ow] = 1.0, 1.0
    return PuzzleTensors(
        torch.from_numpy(f), torch.from_numpy(targets), torch.from_numpy(rows), torch.from_numpy(cols), n, (H, W)
    )


def _learned_shapes(rows: torch.Tensor, cols: torch.Tensor, n_train: int) -> list[tuple[int, int]]:
    """Test output shapes from row/column logits: the leading run of rows (columns) predicted inside."""
    shapes = []
    for r, c in zip(rows[n_train:] > 0, cols[n_train:] > 0):
        h = int(r.long().cumprod(0).sum()) or 1
        w = int(c.long().cumprod(0).sum()) or 1
        shapes.append((h, w))
    return shapes


# --- solving ------------------------------------------------------------------------------------


def solve(task: Task, cfg: SolverConfig | None = None, on_log: Callable[[dict], None] | None = None) -> SolveResult:
    """Train a fresh PuzzleNet on `task` within cfg.seconds; return two attempts per test input.

    `on_log` is called with each history record (every cfg.log_every steps): step, seconds,
    rate_bits, outputs_bits (the train outputs given the inputs), answer_bits (the true test
    outputs under the model, when known and the predicted shape is right), train_fitted, guess.
    """
    cfg = cfg or SolverConfig()
    with torch_threads(cfg.threads):
        return _solve(task, cfg, on_log)


def _solve(task: Task, cfg: SolverConfig, on_log) -> SolveResult:
    start = time.perf_counter()
    rule, test_shapes = shape_rule(task)
    data = puzzle_tensors(task, test_shapes)
    votes: dict[bytes, float] = {}
    guesses: dict[bytes, list[np.ndarray]] = {}
    history: list[dict] = []
    steps = 0
    for run in range(cfg.restarts):
        # Each restart gets an equal share of the budget; what it cannot use passes to the next.
        deadline = start + cfg.seconds * (run + 1) / cfg.restarts
        scores, run_guesses, steps_run = _train_once(
            task, cfg, data, test_shapes, cfg.seed + run, start, deadline, steps, history, on_log
        )
        steps += steps_run
        total = sum(scores.values())
        for key, score in scores.items():  # every run casts one vote, split over its guesses
            votes[key] = votes.get(key, 0.0) + score / total
            guesses[key] = run_guesses[key]
    ranked = sorted(votes, key=lambda k: votes[k], reverse=True)[:ATTEMPTS]
    attempts = [[guesses[key][i] for key in ranked] for i in range(len(task.test_inputs))]
    return SolveResult(task.name, attempts, steps, time.perf_counter() - start, rule, history)


@dataclass
class Description:
    """One forward pass: the puzzle's description length in bits, and what the network predicts."""

    loss: torch.Tensor  # what training shortens: rate + recon_weight · (outputs_bits [+ shape bits])
    rate: torch.Tensor  # bits of the latent codes (their KL to the prior)
    outputs_bits: torch.Tensor  # bits of the train outputs given the inputs
    logits: torch.Tensor  # (E, K, H, W) colour logits
    rows: torch.Tensor  # (E, H) logits of "this row lies inside the output"
    cols: torch.Tensor  # (E, W)


def describe(model: PuzzleNet, data: PuzzleTensors, learn_shapes: bool, cfg: SolverConfig) -> Description:
    """The loss: bits of the latent codes plus weighted bits of the train outputs (and, when no
    rule gives the test outputs' shapes, of where the train outputs end)."""
    n = data.n_train
    logits, rows, cols, kl = model(data.features)
    rate = sum(kl.values(), torch.zeros(()))
    train_logits = logits[:n].permute(0, 2, 3, 1)  # (n, H, W, K)
    outputs_bits = (
        F.cross_entropy(
            train_logits.reshape(-1, N_COLOURS), data.targets[:n].reshape(-1), ignore_index=IGNORE, reduction="sum"
        )
        / LN2
    )
    loss = rate + cfg.recon_weight * outputs_bits
    if learn_shapes:  # learn where outputs end from the train pairs
        shape_bits = (
            F.binary_cross_entropy_with_logits(rows[:n], data.row_targets, reduction="sum")
            + F.binary_cross_entropy_with_logits(cols[:n], data.col_targets, reduction="sum")
        ) / LN2
        loss = loss + cfg.recon_weight * shape_bits
    return Description(loss, rate, outputs_bits, logits, rows, cols)


class VoteTally:
    """The guesses of one run, each scored by the steps it was the network's answer: fully while
    the train outputs are reproduced exactly, barely otherwise. The run may stop once one guess
    has led, with the examples fitted, for `patience` steps."""

    def __init__(self, cfg: SolverConfig):
        self.cfg = cfg
        self.scores: dict[bytes, float] = {}
        self.guesses: dict[bytes, list[np.ndarray]] = {}
        self.leader: bytes | None = None
        self.leader_since = 0
        self.last: tuple[bytes, list[np.ndarray]] | None = None

    def count(self, step: int, guess: list[np.ndarray], fitted: bool) -> None:
        key = b"|".join(g.tobytes() + bytes(g.shape) for g in guess)
        self.last = key, guess
        if step > self.cfg.warmup_steps:
            self.scores[key] = self.scores.get(key, 0.0) + (1.0 if fitted else UNFITTED_VOTE)
            self.guesses[key] = guess
        top = max(self.scores, key=lambda k: self.scores[k]) if self.scores else None
        if top != self.leader or not fitted:
            self.leader, self.leader_since = top, step

    def settled(self, step: int) -> bool:
        return self.leader is not None and step - self.leader_since >= self.cfg.patience

    def result(self) -> tuple[dict[bytes, float], dict[bytes, list[np.ndarray]]]:
        """(score per guess, guesses); with too little time to count a guess, the last one."""
        if not self.scores and self.last is not None:
            key, guess = self.last
            return {key: 1.0}, {key: guess}
        return self.scores, self.guesses


def history_record(
    step: int,
    run: int,
    start: float,
    d: Description,
    pred: torch.Tensor,
    guess: list[np.ndarray],
    shapes: list[tuple[int, int]],
    data: PuzzleTensors,
    truth: list[torch.Tensor] | None,
    fitted: bool,
) -> dict:
    """What the history keeps of a step (see `solve`)."""
    n, train_targets = data.n_train, data.targets[: data.n_train]
    answer_bits = float("nan")
    if truth is not None and all(t.shape == (h, w) for t, (h, w) in zip(truth, shapes)):
        answer_bits = (
            sum(
                float(F.cross_entropy(d.logits[n + i, :, :h, :w].unsqueeze(0), t.unsqueeze(0), reduction="sum"))
                for i, (t, (h, w)) in enumerate(zip(truth, shapes))
            )
            / LN2
        )
    return {
        "step": step,
        "run": run,
        "seconds": round(time.perf_counter() - start, 3),
        "rate_bits": float(d.rate),
        "outputs_bits": float(d.outputs_bits),
        "answer_bits": answer_bits,
        "train_cells_wrong": int(((pred[:n] != train_targets) & (train_targets >= 0)).sum()),
        "train_cells": int((train_targets >= 0).sum()),
        "train_fitted": fitted,
        "guess": [g.tolist() for g in guess],
    }


def _train_once(
    task: Task,
    cfg: SolverConfig,
    data: PuzzleTensors,
    test_shapes: list[tuple[int, int]] | None,
    seed: int,
    start: float,
    deadline: float,
    step_offset: int,
    history: list[dict],
    on_log: Callable[[dict], None] | None,
) -> tuple[dict[bytes, float], dict[bytes, list[np.ndarray]], int]:
    """One training run from a fresh network: (score per guess, guesses, steps taken)."""
    torch.manual_seed(seed)
    n, E = data.n_train, data.features.shape[0]
    model = PuzzleNet(E, *data.canvas, cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=cfg.betas, weight_decay=cfg.weight_decay)
    truth = None if task.test_outputs is None else [torch.from_numpy(g) for g in task.test_outputs]
    tally = VoteTally(cfg)
    step = 0
    while step < cfg.max_steps and (step == 0 or time.perf_counter() < deadline):  # at least one step
        d = describe(model, data, test_shapes is None, cfg)
        optimizer.zero_grad(set_to_none=True)
        d.loss.backward()
        if cfg.anneal:
            done = max((time.perf_counter() - start) / (deadline - start), step / cfg.max_steps)
            for group in optimizer.param_groups:
                group["lr"] = cfg.lr * max(MIN_LR_SHARE, 1.0 - done)
        optimizer.step()
        step += 1

        with torch.no_grad():
            pred = d.logits.argmax(1)  # (E, H, W)
            fitted = bool(((pred[:n] == data.targets[:n]) | (data.targets[:n] < 0)).all())
            shapes = test_shapes or _learned_shapes(d.rows.detach(), d.cols.detach(), n)
            guess = [pred[n + i, :h, :w].numpy().copy() for i, (h, w) in enumerate(shapes)]
            tally.count(step, guess, fitted)
            if step % cfg.log_every == 0 or step == 1:
                record = history_record(
                    step_offset + step, seed - cfg.seed, start, d, pred, guess, shapes, data, truth, fitted
                )
                history.append(record)
                if on_log is not None:
                    on_log(record)
            if tally.settled(step):
                break
    scores, guesses = tally.result()
    return scores, guesses, step
