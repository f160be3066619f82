"""Training images for the codecs: natural photographs, checked against their SHA256SUMS, cut into
random crops. Kodak is the evaluation set and is refused here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from course.core.checkpoints import read_sha256sums, sha256_file
from course.core.paths import data_dir

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".ppm", ".bmp", ".tif", ".tiff"}


class PhotoSetError(ValueError):
    """A training folder that is missing, unverified, altered or forbidden; the message says the fix."""


def default_photo_dir() -> Path:
    return data_dir() / "photos"


def verify_photo_folder(folder: Path, *, training: bool = True) -> list[Path]:
    """Return the image files listed in folder/SHA256SUMS, after checking every hash.
    A folder named kodak is refused for training (it is the evaluation set)."""
    folder = Path(folder)
    if training and "kodak" in (part.lower() for part in folder.resolve().parts):
        raise PhotoSetError(
            f"{folder} looks like the Kodak set, which is for evaluation only: train on data/photos/ instead"
        )
    if not folder.is_dir():
        raise PhotoSetError(
            f"training photos not found: {folder} is not a folder. Vendor the photographs there "
            "(with their README and SHA256SUMS), or pass the folder that holds them."
        )
    sums = folder / "SHA256SUMS"
    if not sums.exists():
        raise PhotoSetError(
            f"{sums} is missing: the training photos must come with their checksums. Create it with "
            f"`cd {folder} && sha256sum *.png > SHA256SUMS` after checking the images are the intended ones."
        )
    try:
        listing = read_sha256sums(sums)
    except ValueError as err:
        raise PhotoSetError(str(err)) from err
    files = []
    for name, expected in listing.items():
        expected = expected.lower()
        path = folder / name
        if Path(name).suffix.lower() not in IMAGE_SUFFIXES:
            continue  # README and the like
        if not path.exists():
            raise PhotoSetError(f"{path} is listed in {sums} but missing: restore it (`git checkout -- {path}`)")
        if sha256_file(path) != expected:
            raise PhotoSetError(
                f"{path} is altered (its SHA-256 differs from {sums}): restore it with `git checkout -- {path}`"
            )
        files.append(path)
    if not files:
        raise PhotoSetError(f"{sums} lists no images: nothing to train on")
    return files


def load_photos(folder: Path | None = None) -> list[np.ndarray]:
    """Every verified photograph of the folder as an (H, W, 3) uint8 array."""
    from PIL import Image

    images = []
    for path in verify_photo_folder(Path(folder) if folder else default_photo_dir()):
        with Image.open(path) as image:
            images.append(np.array(image.convert("RGB")))
    return images


def package_images() -> list[np.ndarray]:
    """Photographs that ship with installed packages (matplotlib's portrait of Grace Hopper)."""
    import matplotlib
    from PIL import Image

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    if not path.exists():
        return []
    with Image.open(path) as image:
        return [np.array(image.convert("RGB"))]


def random_crops(images: list, count: int, size: int, generator: torch.Generator) -> torch.Tensor:
    """(count, 3, size, size) floats in [0, 1]: a random image (weighted by area), position, mirror
    and quarter turn for each crop — eight views of every patch, as local image statistics barely
    care about orientation and the training set is small. Images smaller than the crop are refused.

    `images` are (H, W, 3) uint8 arrays or tensors; tensors already on a GPU are cropped there (the
    random draws come from `generator` either way, so every device sees the same crops)."""
    small = [i for i, im in enumerate(images) if min(im.shape[:2]) < size]
    if small:
        raise PhotoSetError(f"images {small} are smaller than the {size}-pixel crop: use a smaller crop or drop them")
    areas = torch.tensor([im.shape[0] * im.shape[1] for im in images], dtype=torch.float64)
    picks = torch.multinomial(areas / areas.sum(), count, replacement=True, generator=generator)
    crops = []
    for i in picks.tolist():
        image = images[i] if isinstance(images[i], torch.Tensor) else torch.from_numpy(images[i])
        h, w = image.shape[:2]
        top = int(torch.randint(h - size + 1, (1,), generator=generator))
        left = int(torch.randint(w - size + 1, (1,), generator=generator))
        crop = image[top : top + size, left : left + size]  # (size, size, 3)
        if torch.rand(1, generator=generator).item() < 0.5:
            crop = torch.flip(crop, dims=(1,))
        crops.append(torch.rot90(crop, k=int(torch.randint(4, (1,), generator=generator)), dims=(0, 1)))
    return torch.stack(crops).permute(0, 3, 1, 2).float() / 255.0  # (count, 3, size, size)
