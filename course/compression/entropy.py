"""Entropy models: how many bits each quantized latent costs, for training and for real coding.

Two priors, each with a differentiable likelihood (the rate term of the loss, in training) and
an exact coder (constriction's ANS, in `encode`/`decode`):

- `FactorizedPrior`: one learned univariate density per channel, shared by every position
  (Ballé et al. 2018, appendix 6.1). Its CDF is a small monotone network; the probability of an
  integer k is CDF(k + 1/2) - CDF(k - 1/2). Used for z (the side information) and, alone, for y
  in the simpler factorized-prior codec.
- `GaussianConditional`: every element of y gets its own Gaussian, with a mean and scale
  predicted from z by the hyper-synthesis. For coding, scales are snapped to a fixed
  log-spaced table, so encoder and decoder agree on the model even if a float differs in
  its last bit.

Symbols outside the coded range would be unrepresentable, so each tensor's largest |symbol|
is coded first (uniformly, 16 bits) and the models cover exactly [-bound, bound].
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course.compression.transforms import lower_bound

LIKELIHOOD_FLOOR = 1e-9  # keeps log2 finite; a symbol never costs more than ~30 bits in training
SCALE_MIN = 0.11  # below this a Gaussian over unit bins is a point mass: clamp (as in CompressAI)
SCALE_TABLE = np.exp(np.linspace(math.log(SCALE_MIN), math.log(256.0), 64))  # coding scales
BOUND_BITS = 16  # a bitstream's symbol bound is sent in this many bits
MAX_BOUND = 2**BOUND_BITS - 1  # the largest |symbol| the bitstream can code


def quantize(x: torch.Tensor, training: bool) -> torch.Tensor:
    """Additive uniform noise in training (a differentiable stand-in for rounding), rounding otherwise."""
    if training:
        return x + torch.empty_like(x).uniform_(-0.5, 0.5)
    return torch.round(x)


class FactorizedPrior(nn.Module):
    """A learned density per channel. `likelihood(v)` for v of shape (B, C, H, W)."""

    def __init__(self, channels: int, filters: tuple[int, ...] = (3, 3, 3), init_scale: float = 10.0):
        super().__init__()
        dims = (1, *filters, 1)
        scale = init_scale ** (1 / (len(dims) - 1))
        self.matrices = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.factors = nn.ParameterList()
        for i in range(len(dims) - 1):
            init = math.log(math.expm1(1 / scale / dims[i + 1]))
            self.matrices.append(nn.Parameter(torch.full((channels, dims[i + 1], dims[i]), init)))
            self.biases.append(nn.Parameter(torch.rand(channels, dims[i + 1], 1) - 0.5))
            if i < len(dims) - 2:
                self.factors.append(nn.Parameter(torch.zeros(channels, dims[i + 1], 1)))

    @property
    def channels(self) -> int:
        return self.matrices[0].shape[0]

    def logits_cdf(self, v: torch.Tensor) -> torch.Tensor:
        """(C, 1, K) values -> (C, 1, K) logits of the CDF; monotone in v for every channel."""
        for i, matrix in enumerate(self.matrices):
            v = torch.matmul(F.softplus(matrix).to(v.dtype), v) + self.biases[i].to(v.dtype)
            if i < len(self.factors):
                v = v + torch.tanh(self.factors[i]).to(v.dtype) * torch.tanh(v)
        return v

    def likelihood(self, v: torch.Tensor) -> torch.Tensor:
        """P(bin of width 1 around v), elementwise, (B, C, H, W) -> (B, C, H, W)."""
        b, c, h, w = v.shape
        flat = v.permute(1, 0, 2, 3).reshape(c, 1, -1)  # (C, 1, B*H*W)
        lower, upper = self.logits_cdf(flat - 0.5), self.logits_cdf(flat + 0.5)
        sign = -torch.sign(lower + upper).detach()  # work in the tail where sigmoid is accurate
        p = torch.abs(torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower))
        return p.clamp_min(LIKELIHOOD_FLOOR).reshape(c, b, h, w).permute(1, 0, 2, 3)

    @torch.no_grad()
    def pmf_table(self, bound: int) -> np.ndarray:
        """(C, 2·bound+1) probabilities of the symbols -bound..bound, tails folded into the ends."""
        edges = torch.arange(-bound, bound, dtype=torch.float64) + 0.5  # (2·bound,)
        cdf = torch.sigmoid(self.logits_cdf(edges.expand(self.channels, 1, -1)))[:, 0]  # (C, 2·bound)
        zeros, ones = (
            torch.zeros(self.channels, 1, dtype=torch.float64),
            torch.ones(self.channels, 1, dtype=torch.float64),
        )
        return torch.diff(torch.cat([zeros, cdf, ones], dim=1), dim=1).clamp_min(0).numpy()

    def encode(self, coder, symbols: np.ndarray) -> None:
        """Push integer symbols (C, H, W) onto an ANS coder (decoded back in the same order)."""
        import constriction

        bound = symbol_bound(symbols)
        pmf = self.pmf_table(bound)
        flat = symbols.reshape(symbols.shape[0], -1).astype(np.int64) + bound
        for c in reversed(range(symbols.shape[0])):  # a stack: last pushed is first popped
            coder.encode_reverse(flat[c].astype(np.int32), constriction.stream.model.Categorical(pmf[c], perfect=False))
        encode_bound(coder, bound)

    def information_bits(self, symbols: np.ndarray) -> float:
        """-Σ log2 p of the symbols (C, H, W) under the coding model, bound included: what an ideal
        entropy coder would spend, to compare with the real bitstream."""
        bound = symbol_bound(symbols)
        pmf = self.pmf_table(bound)
        pmf = pmf / pmf.sum(axis=1, keepdims=True)
        flat = symbols.reshape(symbols.shape[0], -1).astype(np.int64) + bound
        p = np.take_along_axis(pmf, flat, axis=1)
        return float(-np.log2(np.maximum(p, 2.0**-24)).sum()) + BOUND_BITS

    def decode(self, coder, shape: tuple[int, int, int]) -> np.ndarray:
        import constriction

        bound = decode_bound(coder)
        pmf = self.pmf_table(bound)
        c, h, w = shape
        rows = [coder.decode(constriction.stream.model.Categorical(pmf[i], perfect=False), h * w) for i in range(c)]
        return (np.stack(rows).astype(np.int64) - bound).astype(np.int32).reshape(shape)


class GaussianConditional(nn.Module):
    """A Gaussian per element, with the mean and scale the hyper-synthesis predicts."""

    @staticmethod
    def likelihood(v: torch.Tensor, mean: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
        scale = lower_bound(scale, SCALE_MIN)
        centred = torch.abs(v - mean)  # the bin is symmetric: use the lower tail, where Φ is accurate
        upper = _std_normal_cdf((0.5 - centred) / scale)
        lower = _std_normal_cdf((-0.5 - centred) / scale)
        return (upper - lower).clamp_min(LIKELIHOOD_FLOOR)

    @staticmethod
    def coding_scales(scale: torch.Tensor) -> np.ndarray:
        """Each scale snapped to the nearest entry of SCALE_TABLE in log scale (float64, flattened).
        Nearest, not next-larger: snapping up cost 5 % of the rate in a measurement, nearest 0.1 %."""
        s = np.clip(scale.detach().double().numpy().reshape(-1), SCALE_TABLE[0], SCALE_TABLE[-1])
        step = math.log(SCALE_TABLE[-1] / SCALE_TABLE[0]) / (len(SCALE_TABLE) - 1)
        index = np.rint(np.log(s / SCALE_TABLE[0]) / step).astype(np.int64)
        return SCALE_TABLE[np.clip(index, 0, len(SCALE_TABLE) - 1)]

    @staticmethod
    def encode(coder, symbols: np.ndarray, scales: np.ndarray) -> None:
        """Push zero-mean residual symbols (any shape) with per-element scales (flattened)."""
        import constriction

        bound = symbol_bound(symbols)
        model = constriction.stream.model.QuantizedGaussian(-bound, bound)
        flat = symbols.reshape(-1).astype(np.int32)
        coder.encode_reverse(flat, model, np.zeros(flat.size), scales.astype(np.float64))
        encode_bound(coder, bound)

    @staticmethod
    def information_bits(symbols: np.ndarray, scales: np.ndarray) -> float:
        """-Σ log2 p of zero-mean symbols under the coding model (clipped to ±bound), bound included."""
        bound = symbol_bound(symbols)
        p = gaussian_bin_probability(symbols.reshape(-1), scales)
        inside = gaussian_bin_probability(np.zeros(1), scales, half_width=bound + 0.5)
        return float(-np.log2(np.maximum(p / inside, 2.0**-24)).sum()) + BOUND_BITS

    @staticmethod
    def decode(coder, scales: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        import constriction

        bound = decode_bound(coder)
        model = constriction.stream.model.QuantizedGaussian(-bound, bound)
        flat = coder.decode(model, np.zeros(scales.size), scales.astype(np.float64))
        return np.asarray(flat, dtype=np.int32).reshape(shape)


def gaussian_bin_probability(symbols: np.ndarray, scales: np.ndarray, half_width: float = 0.5) -> np.ndarray:
    """P(|s − x| ≤ half_width) under N(0, scale²) for each integer symbol s (float64, symbols'
    shape): with the default, the probability of the symbol's quantisation bin. The bin is
    symmetric, so it is measured in the lower tail, where Φ is accurate."""
    from scipy.special import ndtr

    k = np.abs(np.asarray(symbols, dtype=np.float64))
    return ndtr((half_width - k) / scales) - ndtr((-half_width - k) / scales)


def _std_normal_cdf(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * torch.erfc(-x / math.sqrt(2))


def symbol_bound(symbols: np.ndarray) -> int:
    """The largest |symbol| (at least 1): the coders' symbols run over -bound..bound."""
    bound = int(np.abs(symbols.astype(np.int64)).max(initial=0))
    if bound > MAX_BOUND:
        raise ValueError(
            f"a latent symbol has magnitude {bound}, beyond the {MAX_BOUND} the bitstream can code; "
            "the model is diverged or the input is not an image in [0, 1]: check the checkpoint."
        )
    return max(bound, 1)


def encode_bound(coder, bound: int) -> None:
    """Push `bound` with a uniform code of BOUND_BITS bits (decoded first, before the symbols)."""
    import constriction

    coder.encode_reverse(np.array([bound], dtype=np.int32), constriction.stream.model.Uniform(MAX_BOUND + 1))


def decode_bound(coder) -> int:
    """Pop the bound that `encode_bound` pushed; a 0 (never written) means a corrupt stream."""
    import constriction

    bound = int(coder.decode(constriction.stream.model.Uniform(MAX_BOUND + 1), 1)[0])
    if bound < 1:  # the encoder never writes 0
        from course.compression.bitstream import CorruptBitstreamError

        raise CorruptBitstreamError("bitstream is corrupt: a latent range of 0 was decoded. Re-encode the image.")
    return bound


def rate_bpp(likelihoods: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """(B,) bits per pixel of each image x (B, 3, H, W), from its latents' likelihoods (one tensor
    per latent, each (B, ...))."""
    total = sum((-torch.log2(lik).flatten(1).sum(1) for lik in likelihoods.values()), torch.zeros(()))
    return total / (x.shape[2] * x.shape[3])


def bits(likelihoods: torch.Tensor) -> torch.Tensor:
    """Total information content, -Σ log2 p, of a likelihood tensor."""
    return -torch.log2(likelihoods).sum()
