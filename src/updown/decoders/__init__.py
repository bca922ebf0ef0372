"""Every way back up: the decoder families of the chapter *Decoders compared* (ch-decoders), on one backbone.

Each family is a small module and a network built on the book's backbone (the five stages of
:class:`updown.fcn.FCN`), trained and scored by :func:`updown.fcn.train_fcn` and :func:`updown.fcn.evaluate`:

========== ===================================================== ======================
family     what goes upward                                      module
========== ===================================================== ======================
FCN-8s     class scores, summed with skip scores                 :mod:`.fcn8s`
SegNet     the encoder's max-pooling indices (max-unpooling)     :mod:`.segnet`
U-Net      the encoder's features, concatenated                  :mod:`.unet`
FPN        features: nearest 2x + 1x1 lateral, summed            :mod:`.fpn`
DeepLabv3+ ASPP features, bilinear 4x, concatenated at stride 4  :mod:`.deeplabv3plus`
CARAFE     predicted reassembly kernels (in the FPN)             :mod:`.carafe`
DySample   predicted sampling offsets (in the FPN)               :mod:`.dysample`
========== ===================================================== ======================

:func:`build` makes one by name; :mod:`.compare` trains them all (``python -m updown.decoders``). The
functions :func:`.carafe.carafe` and :func:`.dysample.dysample` (the two operators, NumPy or torch) stay in their
modules, so that ``updown.decoders.carafe`` is the module.
"""
from __future__ import annotations

from typing import Callable

from torch import nn

from .._checks import check_choice
from ..data import NUM_CLASSES
from ._base import Decoder, count_parameters
from .carafe import CARAFE
from .deeplabv3plus import DeepLabV3Plus
from .dysample import DySample
from .fcn8s import FCN8s
from .fpn import FPN, CARAFEFPN, DySampleFPN, top_down
from .segnet import SegNet
from .unet import UNet, center_crop, original_unet_sizes

__all__ = [
    "FAMILIES", "PASSES", "build", "count_parameters", "Decoder", "FCN8s", "SegNet", "UNet", "FPN", "CARAFEFPN",
    "DySampleFPN", "DeepLabV3Plus", "CARAFE", "DySample", "center_crop",
    "original_unet_sizes", "top_down",
]

#: The seven families, in the order of the chapter's table: name -> constructor ``(num_classes, image_size)``.
#: DeepLabv3+ runs at output stride 8, the dilated chapter's setting (its 128-pixel images give a 16-cell map, on
#: which the scaled ASPP rates 3, 6, 9 keep DeepLab's 1:2:3; at output stride 16 the 8-cell map gets 1, 3, 4).
FAMILIES: dict[str, Callable[..., nn.Module]] = {
    "FCN-8s": lambda k, size: FCN8s(k),
    "SegNet": lambda k, size: SegNet(k),
    "U-Net": lambda k, size: UNet(k),
    "FPN": lambda k, size: FPN(k),
    "DeepLabv3+": lambda k, size: DeepLabV3Plus(k, output_stride=8, image_size=size),
    "CARAFE": lambda k, size: CARAFEFPN(k),
    "DySample": lambda k, size: DySampleFPN(k),
}
#: What each family passes from the coarse maps upward.
PASSES = {"FCN-8s": "scores", "SegNet": "indices", "U-Net": "features", "FPN": "features",
          "DeepLabv3+": "features", "CARAFE": "kernels", "DySample": "offsets"}


def build(name: str, num_classes: int = NUM_CLASSES, image_size: int = 96) -> nn.Module:
    """A freshly initialised network of family ``name`` (a key of :data:`FAMILIES`), with the book's backbone.

    ``image_size`` only matters for DeepLabv3+ (its ASPP rates are scaled to the feature map). The weights come
    from torch's global generator: build under ``torch.manual_seed`` for reproducible ones. Raises
    ``ValueError`` for an unknown name and what the constructors raise.
    """
    check_choice("name", name, tuple(FAMILIES))
    return FAMILIES[name](num_classes, image_size)
