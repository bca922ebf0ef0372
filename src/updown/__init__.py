"""updown: the from-scratch operators, figures and checks of the book "Up & Down".

Modules (one per idea): ``pooling``, ``interpolation``, ``transposed``, ``fcn``, ``data``, ``metrics``,
``plot`` and ``exercises``. Operators mirror ``torch.nn.functional``: same names, argument order and defaults.
"""
from ._glue import glue
from ._source import show_source

__version__ = "0.1.0"
__all__ = ["glue", "show_source", "__version__"]
