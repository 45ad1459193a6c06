"""BatchNormalization updates moving_mean / moving_variance only when called
with training=True."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
batch = rng.normal(loc=5.0, scale=2.0, size=(64, 3)).astype("float32")

bn = tf.keras.layers.BatchNormalization(momentum=0.9)
bn.build(batch.shape)


def moving_stats():
    return bn.moving_mean.numpy().copy(), bn.moving_variance.numpy().copy()


def changed(call, before):
    """Print and return whether the call changed the moving statistics."""
    moved = any(
        not np.array_equal(b, a) for b, a in zip(before, moving_stats(), strict=True)
    )
    print(f"{call:<27} moving statistics changed: {moved}")
    return moved


start = moving_stats()
bn(batch)  # <-
bare = changed("bn(batch)", start)
start = moving_stats()
bn(batch, training=False)  # <-
inference = changed("bn(batch, training=False)", start)
start = moving_stats()
bn(batch, training=True)  # <-
training = changed("bn(batch, training=True)", start)
assert (bare, inference, training) == (False, False, True), (
    "only the training=True call should move the moving statistics"
)

# One step with momentum 0.9 moves the mean a tenth of the way: 0.9 * 0 + 0.1 * mean.
tenth = np.allclose(bn.moving_mean.numpy(), 0.1 * batch.mean(axis=0), rtol=1e-3)
print("moving_mean is now 0.1 x the batch mean:", tenth)
assert tenth, "BatchNormalization should move its moving mean towards the batch mean"
