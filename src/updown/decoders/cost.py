"""What a decoder costs beyond its parameters: the activation memory of training.

:func:`updown.dilated.activation_bytes` sums the outputs of leaf modules in eval mode, which misses what a
network computes with functions inside a module's ``forward`` (CARAFE's reassembly, DySample's ``grid_sample``,
a crop or an interpolation). Training holds something else anyway: the tensors autograd saves for the backward
pass. :func:`training_activation_bytes` counts exactly those.
"""
from __future__ import annotations

import copy

import torch
import torch.nn as nn

__all__ = ["training_activation_bytes"]


def training_activation_bytes(model: nn.Module, x: torch.Tensor) -> int:
    """Bytes of the tensors that autograd saves for the backward pass of one training-mode forward of ``x``
    (each storage counted once, the parameters excluded), plus the output's: the activation memory that a
    training step holds between its forward and backward passes for this batch. Runs on a copy of ``model``
    (a training-mode forward updates batch-norm statistics); neither ``model`` nor ``x`` is changed. Raises
    ``TypeError`` for a model that is not an ``nn.Module`` or an ``x`` that is not a floating tensor."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(x, torch.Tensor) or not x.dtype.is_floating_point:
        raise TypeError(f"x must be a floating torch.Tensor, got {type(x).__name__}"
                        + (f" of dtype {x.dtype}" if isinstance(x, torch.Tensor) else ""))
    net = copy.deepcopy(model).train()
    params = {p.untyped_storage().data_ptr() for p in net.parameters()}
    sizes: dict[int, int] = {}

    def pack(t):
        storage = t.untyped_storage()
        if storage.data_ptr() not in params:
            sizes[storage.data_ptr()] = storage.nbytes()
        return t

    with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = net(x)
    sizes[out.untyped_storage().data_ptr()] = out.untyped_storage().nbytes()
    del out
    return sum(sizes.values())
