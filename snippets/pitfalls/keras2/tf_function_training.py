"""Inside tf.function, a Python bool `training` is traced once per value (Keras 3 and
2); a tf.bool tensor raises on Keras 3, and serves both values with one trace on
Keras 2."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has tf.keras.version()
model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(16,)),
        tf.keras.layers.Dense(16),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Dropout(0.5),
    ]
)
batch = np.random.default_rng(0).normal(size=(64, 16)).astype("float32")
traces = []


@tf.function
def step(xb, training):
    traces.append(training)  # a Python side effect: runs only while tracing
    return model(xb, training=training)


def about_half(out):
    return bool(0.4 < np.mean(out.numpy() == 0.0) < 0.6)


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
for training in (True, False, True):
    half = about_half(step(batch, training))
    print(f"step(batch, {training}): traces so far {len(traces)}, dropped half {half}")
    assert half is training
assert traces == [True, False], traces

try:
    on = about_half(step(batch, tf.constant(True)))
    off = about_half(step(batch, tf.constant(False)))
except Exception as error:  # Keras 3 cannot branch on a symbolic bool here
    print("step(batch, tf.constant(True)) raises", type(error).__name__)
    assert not keras2 and isinstance(error, tf.errors.OperatorNotAllowedInGraphError)
else:
    print(f"tf.constant(True): dropped half {on}; tf.constant(False): {off}")
    print("traces for the two tensor values:", len(traces) - 2)
    assert keras2 and on and not off and len(traces) == 3
