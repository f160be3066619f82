"""A generative decoder for GLC's latent: the rate–distortion–perception trade-off (Blau & Michaeli).

At a few dozen bytes per face an MSE decoder must hedge: whatever the bits leave uncertain it
draws as the *average* of the possibilities, a blur. A generative decoder commits: trained with an
adversarial critic, it draws one sharp, plausible face instead. It loses PSNR (a sharp guess that
is slightly off costs more squared error than a blur) and gains realism and meaning.

The fairest comparison at equal bits is **one file, two decoders**. `GenerativeCodec` has one
encoder and one code predictor, and two synthesis transforms that read the same symbols:

    stage 1  autoencoder      x -> y -> x_hat (MSE decoder)   loss: MSE + w·(1 - SSIM)
    stage 2  code predictor   y -> z -> (mean, scale)         loss: bits of y and z
    stage 3  joint            encoder, predictor, MSE decoder loss: bits + λ_q·255²·MSE
    stage 4  generative       a second decoder, the rest frozen
             loss: MSE + feature matching (critic's features) + adversarial hinge (warmed up)

What is kept from GLC (Jia et al. 2024): three stages, a transform-coded latent (quantized,
entropy-coded under a learned hyperprior), real files. What is not: GLC's stage 1 is a VQGAN
trained on millions of images and its latent lives in that generative model's space; here the
encoder and code predictor are trained for MSE and only the decoder is generative, trained on
2,000 images for minutes. Everything runs on a CPU and uses no downloaded weights.

Rate points are rate *budgets*: rate point q is trained at the λ that makes its mean rate meet
`target_bpp[q]` (λ follows the rate by dual ascent during stage 3), so the lowest point lands
where it is asked to, under the whole-file budget, not wherever a guessed λ puts it.

Images are 256×256. Two shapes of latent (`GenerativeConfig.latent`):

- **spatial** (natural crops): one position per 32×32 pixels (8×8 positions, z 2×2), so the few
  bytes go to few, meaningful places; every learned layer but the decoder's last ×2 runs at 128
  pixels or below.
- **global** (faces): one vector per image. A face is one object described by a few dozen numbers,
  not a texture that varies from place to place, so one vector of M numbers is the code a
  generative model of faces needs; a grid would spend bits on every position. The encoder reads
  the face at 64×64 and ends in a linear layer; the decoder draws it at 64×64 from that vector and
  two learned ×2 steps take it to 256. z is then one vector too (a 1×1 hyperprior).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from course.compression.bitstream import CorruptBitstreamError
from course.compression.coding import decode
from course.compression.entropy import FactorizedPrior, GaussianConditional, quantize, rate_bpp
from course.compression.glc.domains import faces, natural
from course.compression.glc.glc import batch, decay_learning_rate, descend, random_crop, structural_loss
from course.compression.models import MeanScaleCoding, RateGains, transform
from course.compression.transforms import analysis as base_analysis
from course.compression.transforms import conv, deconv
from course.compression.transforms import synthesis as base_synthesis
from course.core.progress import progress
from course.core.seeding import torch_threads

DOWNSAMPLING = 32  # y: one position per 32×32 pixels
HYPER_DOWNSAMPLING = 128  # z: one per 128×128; images are padded to a multiple of this
DECODERS = ("mse", "generative")
LATENTS = ("spatial", "global")
GLOBAL_SIDE = 64  # a global codec reads and draws its images at 64×64; learned ×2 steps take them to `size`
LOG_LAMBDA_MIN, LOG_LAMBDA_MAX = math.log(1e-7), math.log(1e-1)  # λ stays in a range where both terms count


@dataclass
class GenerativeConfig:
    """One codec with an MSE and a generative decoder, and its four-stage training run."""

    domain: str = "faces"  # faces | natural (crops of data/photos; never Kodak)
    size: int = 256  # side of the training images
    # spatial: y is an (H/32)×(W/32) grid; global: y is one vector per image (the codec then codes
    # images of up to size × size pixels only)
    latent: str = "spatial"
    n: int = 32  # channels of the hidden layers and of z
    m: int = 32  # channels of y
    # the rate points' budgets: mean bits per pixel of y and z (the file adds header, bounds and ANS words)
    target_bpp: tuple = (0.0048, 0.009, 0.016, 0.03)
    images: int = 1000  # training images (seed `seed`)
    batch_size: int = 4  # small batches, many steps: more updates per CPU second
    ae_steps: int = 1500  # stage 1
    # stage 1 learns to draw on random 128×128 windows (a quarter of the pixels: four times the steps
    # per CPU second); the later stages see whole images, as the code predictor needs the whole face
    ae_crop: int = 128
    prior_steps: int = 200  # stage 2
    joint_steps: int = 1000  # stage 3
    gan_steps: int = 600  # stage 4
    lr: float = 1e-3  # stages 1 and 2 (Adam)
    joint_lr: float = 3e-4  # stage 3: fine-tuning, not learning anew
    gan_lr: float = 2e-4  # both the generative decoder and the critic (Adam, β1 = 0.5 as usual for GANs)
    ssim_weight: float = 0.05  # stage 1's structural term, next to an MSE of ~1e-2 (0: none)
    lambda_rate: float = 0.01  # dual ascent: log λ moves by this × the relative rate error per step
    feature_weight: float = 1.0  # feature matching: L1 between the critic's features of real and decoded images
    adversarial_weight: float = 0.01  # the hinge term's weight after warm-up (next to an MSE of ~1e-2)
    warmup_share: float = 0.3  # the adversarial weight ramps up over this share of stage 4
    critic_width: int = 12  # channels of the critic's first layer (doubling, up to 4× this)
    critic_crop: int = 128  # the critic sees one window of this side per image pair
    threads: int = 1  # CPU threads of the training run: a fixed number, whatever the machine has
    seed: int = 0  # seeds the training images, the weights and the batches
    label: str = ""  # the model's name, if not glc_<domain>_generative

    def smoke(self) -> GenerativeConfig:
        """A tiny codec, a few steps per stage, one thread: for tests and `train --quick`."""
        # a global codec keeps its side (it codes images up to that size; it pools to 64 at once anyway)
        size, crop = (self.size, self.size) if self.latent == "global" else (128, 64)
        tiny = replace(self, size=size, n=8, m=8, images=12, batch_size=2, ae_crop=crop, critic_width=4, critic_crop=64)
        return replace(tiny, ae_steps=3, prior_steps=2, joint_steps=3, gan_steps=3, threads=1)

    def __post_init__(self):
        self.target_bpp = tuple(float(t) for t in self.target_bpp)
        if self.domain not in ("faces", "natural"):
            raise ValueError(f"unknown domain {self.domain!r}; choose faces or natural")
        if self.latent not in LATENTS:
            raise ValueError(f"unknown latent {self.latent!r}; choose one of {', '.join(LATENTS)}")
        if self.latent == "global" and (self.size < GLOBAL_SIDE or self.size & (self.size - 1)):
            raise ValueError(
                f"a global latent needs a size that is a power of two, at least {GLOBAL_SIDE}; got {self.size}"
            )
        if self.latent == "global" and self.ae_crop != self.size:
            raise ValueError(
                f"a global latent reads whole images: set ae_crop to size ({self.size}), not {self.ae_crop}"
            )

    @property
    def rate_points(self) -> int:
        """Rate points 1 … this: one per rate budget."""
        return len(self.target_bpp)

    @property
    def name(self) -> str:
        """The model's name in the manifest and in every file it writes."""
        return self.label or f"glc_{self.domain}_generative"

    @property
    def bf16(self) -> bool:
        return True  # the transforms train in bfloat16 (about 2× faster on a CPU); coding is float32


class Upsampler(nn.Module):
    """The learned ×2 at the end of each decoder: bilinear ×2 plus a learned correction drawn at
    the fine resolution (two small convolutions and a pixel shuffle, Shi et al. 2016)."""

    def __init__(self, hidden: int = 16):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, hidden, 3, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(hidden, 12, 3, padding=1),
            nn.PixelShuffle(2),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, H, W) -> (B, 3, 2H, 2W)
        return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False) + self.net(x)


def analysis(n: int, m: int) -> nn.Sequential:
    """A fixed ×2 average pooling, then the lesson's analysis (four stride-2 layers): every learned
    layer runs at 128 pixels or below, as glc_faces's do, so a 256-pixel face costs about as much."""
    return nn.Sequential(nn.AvgPool2d(2), base_analysis(n, m))  # (B, 3, H, W) -> (B, M, H/32, W/32): y


def synthesis(n: int, m: int) -> nn.Sequential:
    """The lesson's synthesis (four stride-2 layers, up to H/2), then the learned ×2 `Upsampler`."""
    return nn.Sequential(base_synthesis(n, m), Upsampler())  # (B, M, H/32, W/32) -> (B, 3, H, W)


def global_analysis(n: int, m: int, size: int) -> nn.Sequential:
    """(B, 3, S, S) -> (B, M, 1, 1): average-pool to 64×64, four stride-2 stages to 4×4, then a
    linear layer to one vector: the whole image in M numbers."""
    chans = (3, n, 2 * n, 3 * n, 4 * n)
    layers: list[nn.Module] = [nn.AvgPool2d(size // GLOBAL_SIDE)] if size > GLOBAL_SIDE else []
    for c_in, c_out in zip(chans, chans[1:]):  # 64 -> 32 -> 16 -> 8 -> 4
        layers += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), nn.GELU()]
        layers += [nn.Conv2d(c_out, c_out, 3, padding=1), nn.GELU()]
    layers += [nn.Flatten(), nn.Linear(4 * n * 16, m)]  # (B, 4N·16) -> (B, M)
    return nn.Sequential(*layers, nn.Unflatten(1, (m, 1, 1)))  # (B, M, 1, 1): y


def global_synthesis(n: int, m: int, size: int) -> nn.Sequential:
    """(B, M, 1, 1) -> (B, 3, S, S): a linear layer to a 4×4 map, four ×2 stages (nearest, then two
    convolutions) to a 64×64 image, then learned ×2 `Upsampler`s up to S."""
    chans = (4 * n, 4 * n, 3 * n, 2 * n, 3 * n // 2)
    layers: list[nn.Module] = [nn.Flatten(), nn.Linear(m, 4 * n * 16), nn.GELU()]
    layers.append(nn.Unflatten(1, (4 * n, 4, 4)))  # (B, 4N, 4, 4)
    for c_in, c_out in zip(chans, chans[1:]):  # 4 -> 8 -> 16 -> 32 -> 64
        layers += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(c_in, c_out, 3, padding=1), nn.GELU()]
        layers += [nn.Conv2d(c_out, c_out, 3, padding=1), nn.GELU()]
    layers += [nn.Conv2d(chans[-1], 3, 3, padding=1), nn.Sigmoid()]  # (B, 3, 64, 64)
    layers += [Upsampler() for _ in range(int(math.log2(size // GLOBAL_SIDE)))]
    return nn.Sequential(*layers)  # (B, 3, S, S)


def global_hyper_analysis(n: int, m: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(m, n, 1), nn.LeakyReLU(), nn.Conv2d(n, n, 1))  # (B, M, 1, 1) -> (B, N, 1, 1): z


def global_hyper_synthesis(n: int, m: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(n, m, 1), nn.LeakyReLU(), nn.Conv2d(m, 2 * m, 1))  # (B, N, 1, 1) -> mean | scale


def hyper_analysis(n: int, m: int) -> nn.Sequential:
    return nn.Sequential(  # (B, M, H/32, W/32)
        conv(m, n, kernel=3, stride=1),
        nn.LeakyReLU(),
        conv(n, n),
        nn.LeakyReLU(),  # H/64
        conv(n, n),  # (B, N, H/128, W/128): z
    )


def hyper_synthesis(n: int, m: int) -> nn.Sequential:
    return nn.Sequential(  # (B, N, H/128, W/128)
        deconv(n, m),
        nn.LeakyReLU(),  # H/64
        deconv(m, m * 3 // 2),
        nn.LeakyReLU(),  # H/32
        conv(m * 3 // 2, 2 * m, kernel=3, stride=1),  # (B, 2M, H/32, W/32): mean | scale
    )


class GenerativeCodec(MeanScaleCoding):
    """A mean-scale hyperprior codec with two synthesis transforms over one latent; `decoder`
    ('mse' or 'generative') says which one `synthesise` (and so `coding.decode`) uses."""

    log_lambda: torch.Tensor  # (Q,) each rate point's log λ, set by stage 3's dual ascent: a buffer
    downsampling = DOWNSAMPLING
    hyper_downsampling = HYPER_DOWNSAMPLING

    def __init__(self, config: GenerativeConfig):
        super().__init__()
        self.config = config
        n, m = config.n, config.m
        g_a: Callable[[int, int], nn.Module]
        g_s: Callable[[int, int], nn.Module]
        if config.latent == "global":  # one position of y and of z stands for the whole image
            self.downsampling = self.hyper_downsampling = config.size
            g_a, g_s = partial(global_analysis, size=config.size), partial(global_synthesis, size=config.size)
            h_a, h_s = global_hyper_analysis, global_hyper_synthesis
        else:
            g_a, g_s, h_a, h_s = analysis, synthesis, hyper_analysis, hyper_synthesis
        self.g_a, self.g_s, self.g_gen = g_a(n, m), g_s(n, m), g_s(n, m)  # two decoders of one shape
        self.h_a, self.h_s = h_a(n, m), h_s(n, m)
        # the gains start at the usual √λ ratios for λ ∝ rate budget² (a guess; stage 3 settles them)
        self.gains = RateGains(tuple(t**2 for t in config.target_bpp), m)
        self.z_prior = FactorizedPrior(n)
        self.y_model = GaussianConditional()
        self.register_buffer("log_lambda", torch.log(torch.full((config.rate_points,), 1e-5)))
        self.decoder = "generative"

    def check_size(self, height: int, width: int, error=ValueError, what: str = "this image is") -> None:
        """A global codec codes images of up to size × size pixels (smaller ones are padded)."""
        side = self.config.size
        if self.config.latent == "global" and (height > side or width > side):
            raise error(
                f"{self.name} codes images of up to {side}×{side} pixels in one vector; {what} larger "
                f"({height}×{width} once padded). Crop or resize it to {side}×{side}."
            )

    def analyse(self, x: torch.Tensor, quality: int) -> dict[str, np.ndarray]:
        self.check_size(*x.shape[-2:])
        return super().analyse(x, quality)

    def read(self, coder, height: int, width: int) -> dict[str, np.ndarray]:
        self.check_size(height, width, CorruptBitstreamError, "bitstream is corrupt: its header claims an image")
        return super().read(coder, height, width)

    def synthesis_net(self) -> nn.Module:
        if self.decoder not in DECODERS:
            raise ValueError(f"unknown decoder {self.decoder!r}; choose one of {', '.join(DECODERS)}")
        return self.g_gen if self.decoder == "generative" else self.g_s

    def forward(self, x: torch.Tensor, quality: torch.Tensor) -> dict:
        """Training pass: x (B, 3, H, W), H and W multiples of 128; quality (B,) rate points."""
        y = self.gains.scale(transform(self, self.g_a, x), quality)  # (B, M, H/32, W/32)
        z_hat = quantize(transform(self, self.h_a, y), self.training)  # (B, N, H/128, W/128)
        mean, scale = transform(self, self.h_s, z_hat).chunk(2, dim=1)
        y_hat = quantize(y - mean, self.training) + mean
        y_dec = y + (torch.round(y - mean) + mean - y).detach()  # the decoder sees what it will decode
        return {
            "y_dec": self.gains.unscale(y_dec, quality),
            "likelihoods": {"y": self.y_model.likelihood(y_hat, mean, scale), "z": self.z_prior.likelihood(z_hat)},
        }


def decode_with(data: bytes, model: GenerativeCodec, decoder: str) -> np.ndarray:
    """One file, decoded by the MSE or by the generative decoder (the same symbols either way)."""
    previous, model.decoder = model.decoder, decoder
    try:
        return decode(data, model)
    finally:
        model.decoder = previous


class Critic(nn.Module):
    """A small PatchGAN (Isola et al. 2017): a realism score per ~70×70 patch. Spectral norm on
    every layer (Miyato et al. 2018) keeps it 1-Lipschitz, so it cannot overpower a decoder that
    starts from the MSE solution: the cheapest of the usual stabilisers (no extra backward pass, as R1 needs)."""

    def __init__(self, width: int):
        super().__init__()
        w = width
        chans = (3, w, 2 * w, 4 * w, 4 * w)
        self.blocks = nn.ModuleList(
            nn.Sequential(spectral_norm(nn.Conv2d(a, b, 4, stride=2, padding=1)), nn.LeakyReLU(0.2))
            for a, b in zip(chans, chans[1:])
        )
        self.out = spectral_norm(nn.Conv2d(4 * w, 1, 3, padding=1))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        features = []
        h = x * 2 - 1
        for block in self.blocks:
            h = block(h)
            features.append(h)
        return self.out(h), features  # (B, 1, H/16, W/16) scores, and each block's features


def training_images(config: GenerativeConfig) -> torch.Tensor:
    """(images, 3, S, S) uint8, seeded; natural crops come from data/photos only."""
    source = faces if config.domain == "faces" else natural
    return torch.from_numpy(np.ascontiguousarray(source(config.images, seed=config.seed, size=config.size))).permute(
        0, 3, 1, 2
    )


def _adam(parameters, lr: float, betas=(0.9, 0.999)) -> torch.optim.Adam:
    return torch.optim.Adam(parameters, lr=lr, betas=betas)


def train_generative(config: GenerativeConfig) -> tuple[dict, dict]:
    """All four stages; returns (tensors, metrics)."""
    with torch_threads(config.threads):
        return _train(config)


def _train(config: GenerativeConfig) -> tuple[dict, dict]:
    images = training_images(config)
    model = GenerativeCodec(config).train()
    generator = torch.Generator().manual_seed(config.seed)
    points = config.rate_points
    middle = torch.full((config.batch_size,), (points + 1) // 2)
    metrics: dict[str, float] = {}
    loss = torch.tensor(float("nan"))  # (a stage of 0 steps reports nan)

    def decoded(net: nn.Module, y_dec: torch.Tensor) -> torch.Tensor:
        return transform(model, net, y_dec)

    # stage 1: the autoencoder at the middle rate point, through the quantization noise it will face
    optimizer = _adam([*model.g_a.parameters(), *model.g_s.parameters()], config.lr)
    for step in progress(range(config.ae_steps), desc=f"{config.name}: 1 autoencoder"):
        decay_learning_rate(optimizer, config.lr, step, config.ae_steps)
        x = random_crop(batch(images, config.batch_size, generator), config.ae_crop, generator)
        y = model.gains.scale(transform(model, model.g_a, x), middle)
        x_hat = decoded(model.g_s, model.gains.unscale(y + torch.empty_like(y).uniform_(-0.5, 0.5), middle))
        loss = F.mse_loss(x_hat, x)
        if config.ssim_weight:  # (SSIM at 256 pixels costs more than the rest of the step)
            loss = loss + config.ssim_weight * structural_loss(x_hat, x)
        descend(optimizer, loss)
    metrics["stage1_loss"] = loss.item()

    # stage 2: the code predictor, the autoencoder frozen
    predictor = [*model.h_a.parameters(), *model.h_s.parameters(), *model.z_prior.parameters()]
    optimizer = _adam(predictor, config.lr)
    for step in progress(range(config.prior_steps), desc=f"{config.name}: 2 code predictor"):
        decay_learning_rate(optimizer, config.lr, step, config.prior_steps)
        q = torch.randint(1, points + 1, (config.batch_size,), generator=generator)
        x = batch(images, config.batch_size, generator)
        loss = rate_bpp(model(x, q)["likelihoods"], x).mean()
        descend(optimizer, loss)
    metrics["stage2_bpp"] = loss.item()

    # stage 3: joint R + λ_q·255²·MSE; λ_q follows the rate budget of point q (dual ascent on log λ)
    targets = torch.tensor(config.target_bpp)
    trained = [p for name, p in model.named_parameters() if not name.startswith("g_gen")]
    optimizer = _adam(trained, config.joint_lr)
    running = targets.clone()  # each point's recent rate (an exponential average)
    for step in progress(range(config.joint_steps), desc=f"{config.name}: 3 joint"):
        decay_learning_rate(optimizer, config.joint_lr, step, config.joint_steps)
        q = torch.randint(1, points + 1, (config.batch_size,), generator=generator)
        x = batch(images, config.batch_size, generator)
        out = model(x, q)
        rate = rate_bpp(out["likelihoods"], x)  # (B,)
        mse = torch.mean((decoded(model.g_s, out["y_dec"]) - x) ** 2, dim=(1, 2, 3))
        loss = torch.mean(rate + torch.exp(model.log_lambda[q - 1]) * 255**2 * mse)
        descend(optimizer, loss)
        with torch.no_grad():
            for point in q.unique():
                running[point - 1] = 0.9 * running[point - 1] + 0.1 * rate[q == point].mean()
            # too few bits: raise λ; the step is bounded, so one noisy batch cannot swing λ far
            error = ((targets - running) / targets).clamp(-1.0, 1.0)
            model.log_lambda.copy_(
                (model.log_lambda + config.lambda_rate * error).clamp(LOG_LAMBDA_MIN, LOG_LAMBDA_MAX)
            )
    metrics["stage3_loss"] = loss.item()
    metrics |= {f"train_bpp_point{i + 1}": float(r) for i, r in enumerate(running)}
    metrics |= {f"lambda_point{i + 1}": float(math.exp(v)) for i, v in enumerate(model.log_lambda)}

    # stage 4: the generative decoder, starting from the MSE one; everything else frozen
    model.g_gen.load_state_dict(copy.deepcopy(model.g_s.state_dict()))
    critic = Critic(config.critic_width)
    g_opt = _adam(model.g_gen.parameters(), config.gan_lr, betas=(0.5, 0.999))
    d_opt = _adam(critic.parameters(), config.gan_lr, betas=(0.5, 0.999))
    warmup = max(1, int(config.warmup_share * config.gan_steps))
    crop = min(config.critic_crop, config.size)
    for step in progress(range(config.gan_steps), desc=f"{config.name}: 4 generative decoder"):
        q = torch.randint(1, points + 1, (config.batch_size,), generator=generator)
        x = batch(images, config.batch_size, generator)
        with torch.no_grad():
            model.eval()  # rounded latents, exactly as decoded from a file
            y_dec = model(x, q)["y_dec"]
            model.train()
        fake = decoded(model.g_gen, y_dec)
        # the critic judges one random window of each pair, the same window in both (a quarter of
        # the pixels at 256: a quarter of its cost; the MSE term still sees the whole image)
        top, left = torch.randint(x.shape[-1] - crop + 1, (2,), generator=generator).tolist()
        window = (..., slice(top, top + crop), slice(left, left + crop))
        real_score, real_features = critic(x[window])
        fake_score, _ = critic(fake.detach()[window])
        descend(d_opt, F.relu(1 - real_score).mean() + F.relu(1 + fake_score).mean())
        # the decoder: stay near the image (MSE), match the critic's features of the real image
        # (pix2pixHD's feature matching: a perceptual term from a network trained here), and fool
        # the critic. The adversarial weight ramps up from 0 so the critic first learns what a
        # real face looks like before its gradient steers the decoder.
        fake_score, fake_features = critic(fake[window])
        matching = sum(F.l1_loss(f, r.detach()) for f, r in zip(fake_features, real_features)) / len(fake_features)
        ramp = min(1.0, step / warmup)
        loss = (
            F.mse_loss(fake, x)
            + config.feature_weight * matching
            - ramp * config.adversarial_weight * fake_score.mean()
        )
        descend(g_opt, loss)
    metrics["stage4_loss"] = loss.item()
    # stored in float16: half the bytes (the lesson's figures are measured on the loaded float16 weights)
    tensors = {k: v.detach().clone().half() for k, v in model.state_dict().items()}
    return tensors, {k: round(v, 6) for k, v in metrics.items()}


def load_generative(name: str) -> GenerativeCodec:
    """A shipped generative codec ('glc_faces_generative', 'glc_natural_generative')."""
    from course.core.checkpoints import config_from_entry, load_checkpoint, load_weights

    tensors, entry = load_checkpoint(name)
    model = GenerativeCodec(config_from_entry(GenerativeConfig, entry, name))
    return load_weights(model, {k: v.float() for k, v in tensors.items()}, name).eval()
