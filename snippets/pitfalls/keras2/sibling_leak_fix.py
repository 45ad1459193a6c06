"""Fix for Keras 3 and 2: give call a training=None parameter and pass
training=training to the sibling."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)


class Block(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn = tf.keras.layers.BatchNormalization()
        self.drop = tf.keras.layers.Dropout(0.5)

    def call(self, inputs, training=None):
        h = self.bn(inputs, training=False)
        return self.drop(h, training=training)   # say it explicitly


ones = np.ones((1, 1000), dtype="float32")
block = Block()
keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
cases = [
    ("block(x, training=True)", {"training": True}, 0.4, 0.6),
    ("block(x, training=False)", {"training": False}, 0.0, 0.0),
    ("block(x)", {}, 0.0, 0.0),
]
for label, kwargs, low, high in cases:
    share = float(np.mean(block(ones, **kwargs).numpy() == 0.0))
    print(f"{label:<24} Dropout share zeroed: {share:.1f}")
    assert low <= share <= high, (label, share)
