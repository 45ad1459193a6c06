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
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
model = tf.keras.Sequential([tf.keras.Input(shape=(16,)), layers.Dense(16)])
model.add(layers.BatchNormalization())
model.add(layers.Dropout(0.5))
batch = np.random.default_rng(0).normal(size=(64, 16)).astype("float32")
traces = []


@tf.function
def step(xb, training):
    traces.append(training)  # a Python side effect: runs only while tracing
    return model(xb, training=training)  # <-


def about_half(out):
    return bool(0.4 < np.mean(out.numpy() == 0.0) < 0.6)


print("tf.keras is", flavour)
for training in (True, False, True):
    half = about_half(step(batch, training))  # <-
    print(f"step(batch, {training}): traces so far {len(traces)}, dropped half {half}")
    assert half is training
assert traces == [True, False], traces

try:
    on = about_half(step(batch, tf.constant(True)))  # <-
    off = about_half(step(batch, tf.constant(False)))
except tf.errors.OperatorNotAllowedInGraphError as error:  # <-
    seen = f"raises {type(error).__name__}"
else:
    seen = f"dropped half {on}, then {off}, in {len(traces) - 2} new trace"
print("tf.constant(True), then (False):", seen)
EXPECTED = {  # step(batch, tf.constant(True)), then step(batch, tf.constant(False))
    "Keras 3": "raises OperatorNotAllowedInGraphError",  # cannot branch on it here
    "Keras 2": "dropped half True, then False, in 1 new trace",
}
assert seen == EXPECTED[flavour], seen
