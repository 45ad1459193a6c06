"""BatchNormalization with trainable=False runs in inference mode even when called
with training=True; Dropout doesn't care."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
batch = np.random.default_rng(0).normal(loc=5.0, size=(64, 4)).astype("float32")

bn = tf.keras.layers.BatchNormalization()
bn.build(batch.shape)
bn.trainable = False                      # frozen, e.g. for transfer learning
out = bn(batch, training=True).numpy()

dropout = tf.keras.layers.Dropout(0.5)
dropout.trainable = False                 # has no effect on Dropout
ones = np.ones((1, 1000), "float32")
dropped = float(np.mean(dropout(ones, training=True).numpy() == 0))

moved = not np.allclose(bn.moving_mean.numpy(), 0.0)
# Inference mode normalises with the moving statistics (mean 0, variance 1 at start):
# output ~ input.
inference_mode = np.allclose(out, batch, atol=1e-2)
print("frozen BN, training=True: moving stats updated:", moved)
mean = round(float(out.mean()), 1)
print(
    "frozen BN, training=True: output mean", mean,
    "-> inference mode:", inference_mode,
)
print("frozen Dropout, training=True: share zeroed", round(dropped, 1))
assert not moved and inference_mode
assert 0.4 < dropped < 0.6
