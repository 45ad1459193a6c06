"""Keras 3.15: after self.bn(h, training=False), a sibling called without `training`
inherits False (Keras 2: it does not)."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")


class Block(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn = tf.keras.layers.BatchNormalization()
        self.drop = tf.keras.layers.Dropout(0.5)

    def call(self, inputs):  # no `training` parameter
        h = self.bn(inputs, training=False)  # BN deliberately kept in inference mode
        return self.drop(h)  # meant to follow the model's training state


ones = np.ones((1, 1000), dtype="float32")
dropped = float(np.mean(Block()(ones, training=True).numpy() == 0.0))
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("model called with training=True; Dropout share zeroed:", round(dropped, 1))
if keras2:
    assert 0.4 < dropped < 0.6
else:
    assert dropped == 0.0, (
        "Keras 3 no longer leaks training=False to siblings: revise the page"
    )
