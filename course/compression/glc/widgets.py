"""Interactive views for Lesson 03.

As in every lesson: a plain function computes what to show (tested on its own) and a small
ipywidgets builder calls it when a control moves; builders return the container, whose
`.controls` and `.views` let tests move a control and see the output change.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np

from course.compression.baselines import jpeg
from course.compression.coding import bits_per_pixel, decode, encode
from course.compression.metrics import psnr
from course.core.widgets import figure_png as core_figure_png
from course.core.widgets import on_one_thread, to_png, widget_box

# ---------------------------------------------------------------- plain functions


def jpeg_nearest(image: np.ndarray, bpp: float) -> dict:
    """The JPEG file (quality 1 … 95) whose rate is nearest to `bpp`: {quality, bytes, bpp, psnr, decoded}."""
    best: dict[str, Any] = {}
    for quality in range(1, 96):
        data, decoded = jpeg(image, quality)
        rate = bits_per_pixel(data, *image.shape[:2])
        if not best or abs(np.log(rate / bpp)) < abs(np.log(best["bpp"] / bpp)):
            best = {
                "quality": quality,
                "bytes": len(data),
                "bpp": rate,
                "psnr": psnr(image, decoded),
                "decoded": decoded,
            }
        if rate > 2 * bpp:  # files only grow with quality from here on
            break
    return best


def rate_comparison(image: np.ndarray, model, quality: int) -> dict:
    """Our codec at one rate point next to JPEG at the nearest rate, both from real files."""
    data = encode(image, model, quality)
    decoded = decode(data, model)
    ours: dict[str, Any] = {
        "bytes": len(data),
        "bpp": bits_per_pixel(data, *image.shape[:2]),
        "psnr": psnr(image, decoded),
        "decoded": decoded,
    }
    return {"ours": ours, "jpeg": jpeg_nearest(image, ours["bpp"])}


def cross_domain(model, image: np.ndarray, quality: int) -> dict:
    """One codec on one image: {bytes, bpp, psnr, decoded}."""
    data = encode(image, model, quality)
    decoded = decode(data, model)
    return {
        "bytes": len(data),
        "bpp": bits_per_pixel(data, *image.shape[:2]),
        "psnr": psnr(image, decoded),
        "decoded": decoded,
    }


def bit_map_figure(model, image: np.ndarray, quality: int, pyplot: bool = True):
    """A figure: the image, and where the bits go (bits per 16×16 block, per latent channel).
    `pyplot=False`: a figure of its own, outside pyplot, for a widget to turn into PNG bytes."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from course.compression.glc.analysis import bit_allocation

    allocation = bit_allocation(model, image, quality)
    size = (11, 3.3)
    fig = plt.figure(figsize=size) if pyplot else Figure(figsize=size)
    axes = fig.subplots(1, 3)
    axes[0].imshow(image)
    axes[0].set_title("image")
    axes[0].axis("off")
    shown = axes[1].imshow(allocation["per_position"], cmap="magma")
    axes[1].set_title("bits per 16×16 block")
    axes[1].set_xlabel("latent column")
    axes[1].set_ylabel("latent row")
    fig.colorbar(shown, ax=axes[1], label="bits")
    order = np.argsort(allocation["per_channel"])[::-1]
    axes[2].bar(np.arange(len(order)), allocation["per_channel"][order], color="tab:blue")
    axes[2].set_xlabel("latent channel (sorted)")
    axes[2].set_ylabel("bits")
    axes[2].set_title(f"{allocation['total_bits']:.0f} bits in all ({allocation['side_bits']:.0f} side)")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- widgets


def middle_rate(model) -> int:
    """The rate point a widget starts at: the middle of the curve (about 0.1 bpp for the faces codec)."""
    return model.config.rate_points // 2 + 1


def _builder(rows: list, controls: list, views: list, update) -> W.VBox:
    """The lesson's widget: `update` runs now and whenever a control moves; tests reach the
    controls and views through `.controls` and `.views`."""
    update = on_one_thread(update)
    for control in controls:
        control.observe(update, "value")
    update()
    return widget_box(rows, controls, views)


def _panel(image: np.ndarray, caption: str, scale: int = 2) -> W.VBox:
    return W.VBox([W.Image(value=to_png(image, scale=scale), format="png"), W.HTML(f"<small>{caption}</small>")])


def _empty_panel() -> W.VBox:
    """A panel to fill with `_fill`: a move of a control then changes its picture and caption in
    place, where a new panel would be a new widget for the page to build."""
    return W.VBox([W.Image(format="png"), W.HTML()])


def _fill(panel: W.VBox, image: np.ndarray, caption: str, scale: int = 2) -> None:
    picture, text = panel.children
    picture.value = to_png(image, scale=scale)
    text.value = f"<small>{caption}</small>"


def rate_explorer(images: dict, model) -> W.VBox:
    """Ours | JPEG at the nearest rate | original, for a chosen image and rate point."""
    names = list(images)
    picker = W.Dropdown(options=names, value=names[0], description="image")
    rate = W.IntSlider(
        value=middle_rate(model), min=1, max=model.config.rate_points, description="rate point", continuous_update=False
    )
    row = W.HBox([_empty_panel() for _ in range(3)])  # what changes comes first: ours, JPEG, then the original

    def update(*_):
        image = images[picker.value]
        result = rate_comparison(image, model, rate.value)
        ours, other = result["ours"], result["jpeg"]
        mine, theirs, original = row.children
        _fill(mine, ours["decoded"], f"ours: {ours['bytes']} bytes, {ours['bpp']:.3f} bpp, {ours['psnr']:.1f} dB")
        _fill(
            theirs,
            other["decoded"],
            f"JPEG q{other['quality']}: {other['bytes']} bytes, {other['bpp']:.3f} bpp, {other['psnr']:.1f} dB",
        )
        _fill(original, image, f"original: {image.shape[0] * image.shape[1] * 3:,} bytes of pixels")

    return _builder([W.HBox([picker, rate]), row], [picker, rate], [row], update)


def experience_explorer(codecs: dict, test_sets: dict) -> W.VBox:
    """A codec trained on one domain, tested on an image of another: its experience, live."""
    trained = W.Dropdown(options=list(codecs), description="trained on")
    tested = W.Dropdown(options=list(test_sets), description="tested on")
    index = W.IntSlider(value=0, min=0, max=min(len(v) for v in test_sets.values()) - 1, description="test image")
    rate = W.IntSlider(
        value=middle_rate(next(iter(codecs.values()))),
        min=1,
        max=next(iter(codecs.values())).config.rate_points,
        description="rate point",
        continuous_update=False,
    )
    row = W.HBox([_empty_panel(), _empty_panel()])

    def update(*_):
        image = test_sets[tested.value][index.value]
        result = cross_domain(codecs[trained.value], image, rate.value)
        decoded, original = row.children
        _fill(decoded, result["decoded"], f"{trained.value} codec: {result['bpp']:.3f} bpp, {result['psnr']:.1f} dB")
        _fill(original, image, f"the {tested.value} image")

    return _builder(
        [W.HBox([trained, tested]), W.HBox([index, rate]), row], [trained, tested, index, rate], [row], update
    )


def figure_png(fig) -> bytes:
    """The whole figure at 80 dpi as PNG bytes; a pyplot figure is closed."""
    import matplotlib.pyplot as plt

    fig.set_dpi(80)
    data = core_figure_png(fig, tight=False)
    plt.close(fig)
    return data


def bit_map_explorer(images: dict, model) -> W.VBox:
    """Where the bits go in a chosen image, at a chosen rate point."""
    names = list(images)
    picker = W.Dropdown(options=names, value=names[0], description="bit map of")
    rate = W.IntSlider(
        value=middle_rate(model), min=1, max=model.config.rate_points, description="rate point", continuous_update=False
    )
    view = W.Image(format="png")
    # One figure for the widget's lifetime, drawn again in place: a new figure's axes, ticks and
    # colour bar cost more than drawing the new bits.
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from course.compression.glc.analysis import bit_allocation

    sides = ("left", "right", "bottom", "top", "wspace", "hspace")
    layout = {side: plt.rcParams[f"figure.subplot.{side}"] for side in sides}
    fig = bit_map_figure(model, images[picker.value], rate.value, pyplot=False)
    FigureCanvasAgg(fig)  # kept: its renderer remembers the layout of every text
    image_ax, blocks_ax, channels_ax = fig.axes[:3]
    picture, blocks, bars = image_ax.images[0], blocks_ax.images[0], channels_ax.patches
    tick_axes = [blocks.colorbar.ax.yaxis, channels_ax.yaxis]  # the labels that move with the bits
    laid_out_for: list = []  # their texts when the figure was last laid out

    def update(*_):
        image = images[picker.value]
        allocation = bit_allocation(model, image, rate.value)
        picture.set_data(image)
        blocks.set_data(allocation["per_position"])
        blocks.autoscale()  # the colours span this map's range, as a new imshow's would (the colour bar follows)
        for bar, bits in zip(bars, np.sort(allocation["per_channel"])[::-1]):
            bar.set_height(bits)
        channels_ax.relim()
        channels_ax.autoscale_view()
        channels_ax.set_title(f"{allocation['total_bits']:.0f} bits in all ({allocation['side_bits']:.0f} side)")
        # Laid out as bit_map_figure lays out a new figure (from the default margins, at the default
        # dpi), but only when a tick label changed: the same labels give the same layout.
        labels = [axis.major.formatter.format_ticks(axis.get_majorticklocs()) for axis in tick_axes]
        if labels != laid_out_for:
            fig.subplots_adjust(**layout)
            fig.set_dpi(plt.rcParams["figure.dpi"])
            fig.tight_layout()
            laid_out_for[:] = labels
        view.value = figure_png(fig)

    return _builder([W.HBox([picker, rate]), view], [picker, rate], [view], update)


# ---------------------------------------------------------------- rate, distortion, perception


def face_recovery(reader, original: np.ndarray, decoded: np.ndarray) -> tuple[float, list[str]]:
    """One face: the share of its parameters read at the same level as in the original, and the
    names of those read differently."""
    from course.compression.glc.domains import FACE_PARAMETERS
    from course.compression.glc.perception import read_levels

    a, b = read_levels(reader, np.stack([original, decoded]))
    same = a == b
    return float(same.mean()), [p.name for p, ok in zip(FACE_PARAMETERS, same) if not ok]


def two_decoders(image: np.ndarray, model, quality: int, reader=None) -> dict:
    """One file at rate point `quality`, decoded by the MSE and the generative decoder, and JPEG's
    file nearest its size: {'bytes', 'bpp', 'mse', 'generative', 'jpeg'}, each decoded entry with
    'decoded', 'psnr' and, given a face reader, 'recovery' and 'misread'."""
    from course.compression.glc.generative import decode_with

    data = encode(image, model, quality)
    result: dict[str, Any] = {"bytes": len(data), "bpp": bits_per_pixel(data, *image.shape[:2])}
    for decoder in ("mse", "generative"):
        decoded = decode_with(data, model, decoder)
        result[decoder] = {"decoded": decoded, "psnr": psnr(image, decoded)}
    result["jpeg"] = jpeg_nearest(image, result["bpp"])
    if reader is not None:
        for key in ("mse", "generative", "jpeg"):
            result[key]["recovery"], result[key]["misread"] = face_recovery(reader, image, result[key]["decoded"])
    return result


def perception_explorer(images: dict, model, reader=None) -> W.VBox:
    """Original | MSE decoder | generative decoder (the same file) | JPEG nearest in size."""
    names = list(images)
    picker = W.Dropdown(options=names, value=names[0], description="face")
    rate = W.IntSlider(value=1, min=1, max=model.config.rate_points, description="rate point", continuous_update=False)
    row = W.HBox([_empty_panel() for _ in range(4)])  # MSE, generative, JPEG, then the original

    def caption(name: str, entry: dict, size: str) -> str:
        text = f"{name}: {size}, {entry['psnr']:.1f} dB"
        if "recovery" in entry:
            text += f", {entry['recovery']:.0%} of parameters read the same"
        return text

    def update(*_):
        image = images[picker.value]
        result = two_decoders(image, model, rate.value, reader)
        size = f"{result['bytes']} bytes ({result['bpp']:.4f} bpp)"
        jpeg_file = result["jpeg"]
        shown = [
            (result["mse"]["decoded"], caption("MSE decoder", result["mse"], size)),
            (result["generative"]["decoded"], caption("generative decoder, same file", result["generative"], size)),
            (jpeg_file["decoded"], caption(f"JPEG q{jpeg_file['quality']}", jpeg_file, f"{jpeg_file['bytes']} bytes")),
            (image, "original"),
        ]
        for panel, (picture, text) in zip(row.children, shown):
            _fill(panel, picture, text, scale=1)

    return _builder([W.HBox([picker, rate]), row], [picker, rate], [row], update)
