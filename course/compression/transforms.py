"""The learned transforms of the codec: an image goes down to a latent at 1/16 resolution and back.

    x (B, 3, H, W) --analysis--> y (B, M, H/16, W/16) --hyper_analysis--> z (B, N, H/64, W/64)
    z_hat --hyper_synthesis--> (mean, scale) of y, each (B, M, H/16, W/16)
    y_hat --synthesis--> x_hat (B, 3, H, W)

GDN (generalized divisive normalization, Ballé et al. 2016) is the nonlinearity of the main
transforms: each channel is divided by a learned norm of all channels at the same pixel,
    y_i = x_i / sqrt(beta_i + sum_j gamma_ij x_j^2),
which gaussianizes natural-image responses far better than a ReLU. The synthesis uses its
approximate inverse, IGDN (multiply instead of divide).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

DOWNSAMPLING = 16  # y is at 1/16 of the image resolution
HYPER_DOWNSAMPLING = 64  # z is at 1/64: images are padded to a multiple of this


class _LowerBound(torch.autograd.Function):
    """max(x, bound), but the gradient still flows where it would push x back up above the bound:
    a plain clamp would leave a parameter (or a predicted scale) stuck below it for ever."""

    @staticmethod
    def forward(ctx, x, bound):
        ctx.save_for_backward(x)
        ctx.bound = bound
        return x.clamp_min(bound)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        passes = (x >= ctx.bound) | (grad < 0)
        return grad * passes, None


def lower_bound(x: torch.Tensor, bound: float) -> torch.Tensor:
    return _LowerBound.apply(x, bound)


class GDN(nn.Module):
    """GDN over C channels; `inverse=True` gives IGDN. beta and gamma stay positive through a
    squared parametrisation with a lower bound (the usual trick, as in Ballé's code)."""

    def __init__(self, channels: int, inverse: bool = False, beta_min: float = 1e-6, gamma_init: float = 0.1):
        super().__init__()
        self.inverse = inverse
        self.beta_min = beta_min
        self.pedestal = 2.0**-18
        self.beta = nn.Parameter(torch.sqrt(torch.ones(channels) + self.pedestal))  # (C,)
        self.gamma = nn.Parameter(torch.sqrt(gamma_init * torch.eye(channels) + self.pedestal))  # (C, C)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, H, W) -> (B, C, H, W)
        channels = x.shape[1]
        beta = lower_bound(self.beta, (self.beta_min + self.pedestal) ** 0.5) ** 2 - self.pedestal  # (C,)
        gamma = lower_bound(self.gamma, self.pedestal**0.5) ** 2 - self.pedestal  # (C, C)
        norm = F.conv2d(x * x, gamma.view(channels, channels, 1, 1), beta)  # a 1x1 conv: sum_j gamma_ij x_j^2 + beta_i
        norm = torch.sqrt(norm)
        return x * norm if self.inverse else x / norm


def conv(c_in: int, c_out: int, kernel: int = 5, stride: int = 2) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2)


def deconv(c_in: int, c_out: int, kernel: int = 5, stride: int = 2) -> nn.ConvTranspose2d:
    """Exactly doubles H and W (stride 2), the mirror image of `conv`."""
    return nn.ConvTranspose2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, output_padding=stride - 1)


def analysis(n: int, m: int) -> nn.Sequential:
    return nn.Sequential(  # (B, 3, H, W), values in [0, 1]
        conv(3, n),
        GDN(n),  # (B, N, H/2, W/2)
        conv(n, n),
        GDN(n),  # (B, N, H/4, W/4)
        conv(n, n),
        GDN(n),  # (B, N, H/8, W/8)
        conv(n, m),  # (B, M, H/16, W/16): y, the latent that is quantized and coded
    )


def synthesis(n: int, m: int) -> nn.Sequential:
    return nn.Sequential(  # (B, M, H/16, W/16)
        deconv(m, n),
        GDN(n, inverse=True),  # (B, N, H/8, W/8)
        deconv(n, n),
        GDN(n, inverse=True),  # (B, N, H/4, W/4)
        deconv(n, n),
        GDN(n, inverse=True),  # (B, N, H/2, W/2)
        deconv(n, 3),  # (B, 3, H, W)
    )


def hyper_analysis(n: int, m: int) -> nn.Sequential:
    """y -> z, the side information (Minnen et al. 2018: the mean-scale hyperprior)."""
    return nn.Sequential(  # (B, M, H/16, W/16)
        conv(m, n, kernel=3, stride=1),
        nn.LeakyReLU(),  # (B, N, H/16, W/16)
        conv(n, n),
        nn.LeakyReLU(),  # (B, N, H/32, W/32)
        conv(n, n),  # (B, N, H/64, W/64): z
    )


def hyper_synthesis(n: int, m: int) -> nn.Sequential:
    """z_hat -> the mean and (unconstrained) scale of every element of y, stacked on channels."""
    return nn.Sequential(  # (B, N, H/64, W/64)
        deconv(n, m),
        nn.LeakyReLU(),  # (B, M, H/32, W/32)
        deconv(m, m * 3 // 2),
        nn.LeakyReLU(),  # (B, 3M/2, H/16, W/16)
        conv(m * 3 // 2, 2 * m, kernel=3, stride=1),  # (B, 2M, H/16, W/16): mean | scale
    )
