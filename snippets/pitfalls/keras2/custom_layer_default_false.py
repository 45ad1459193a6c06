"""A custom layer's call(..., training=False) default applies only when no enclosing
call says otherwise."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)


class NoisyBlock(tf.keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.drop = tf.keras.layers.Dropout(0.5)
        self.received = None

    def call(self, inputs, training=False):   # default: inference
        self.received = training               # what Keras actually handed us
        return self.drop(inputs, training=training)


block = NoisyBlock()
inputs = tf.keras.Input(shape=(1000,))
model = tf.keras.Model(inputs, block(inputs))
ones = np.ones((1, 1000), dtype="float32")

keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
results = {}
for label, run in [("model(x, training=True)", lambda: model(ones, training=True)),
                   ("model(x)", lambda: model(ones)),
                   ("block(x)  (called directly)", lambda: block(ones))]:
    share = float(np.mean(run().numpy() == 0.0))
    results[label] = block.received
    print(
        f"{label:<28} layer received training={block.received}, "
        f"Dropout share zeroed {share:.1f}"
    )
assert results == {
    "model(x, training=True)": True,
    "model(x)": False,
    "block(x)  (called directly)": False,
}
