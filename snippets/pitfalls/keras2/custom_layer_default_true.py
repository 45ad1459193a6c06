"""A custom layer with call(..., training=True) runs in training mode whenever nobody
passes `training`."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)


class NoisyBlock(tf.keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.drop = tf.keras.layers.Dropout(0.5)

    def call(self, inputs, training=True):    # dangerous default
        return self.drop(inputs, training=training)


inputs = tf.keras.Input(shape=(1000,))
model = tf.keras.Model(inputs, NoisyBlock()(inputs))
ones = np.ones((1, 1000), dtype="float32")

in_eval = float(np.mean(model(ones).numpy() == 0.0))  # the usual "test" call
explicit = float(np.mean(model(ones, training=False).numpy() == 0.0))
keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("model(x)                 Dropout share zeroed:", round(in_eval, 1))
print("model(x, training=False) Dropout share zeroed:", round(explicit, 1))
assert 0.4 < in_eval < 0.6 and explicit == 0.0
