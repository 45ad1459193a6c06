"""Keras 3: passing `training` as a tf.bool tensor inside tf.function raises; Keras 2
accepts it."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")
dropout = tf.keras.layers.Dropout(0.5)
ones = np.ones((1, 1000), dtype="float32")


@tf.function
def step(xb, training):
    return dropout(xb, training=training)


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
try:
    shares = [
        float(np.mean(step(ones, tf.constant(flag)).numpy() == 0.0))
        for flag in (True, False)
    ]
except Exception as error:  # Keras 3 cannot branch on a symbolic bool here
    print("tf.constant(True) as training raises:", type(error).__name__)
    assert not keras2 and isinstance(error, tf.errors.OperatorNotAllowedInGraphError)
else:
    print(
        "share zeroed with tf.constant(True):", round(shares[0], 1),
        "| tf.constant(False):", shares[1],
    )
    traces = step.experimental_get_tracing_count()
    print("traces for both values:", traces)
    assert keras2, "Keras 3 now accepts a tensor `training`: revise the page"
    assert 0.4 < shares[0] < 0.6 and shares[1] == 0.0 and traces == 1
