"""How the subclass-rule snippet observes a model call from outside (imported by it;
it prints nothing)."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np


def run(call, **bns):
    """Call twice; what happened: over a quarter of the outputs dropped to 0, the two
    outputs differ, each named BatchNormalization updated its moving mean."""
    before = {name: bn.moving_mean.numpy().copy() for name, bn in bns.items()}
    first, second = call().numpy(), call().numpy()
    facts = {"units dropped": bool(np.mean(first == 0.0) > 0.25)}
    facts["outputs differ"] = not np.allclose(first, second)
    for name, bn in bns.items():
        facts[f"{name} updated"] = not np.allclose(before[name], bn.moving_mean.numpy())
    return facts
