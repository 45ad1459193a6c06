"""Inside tf.function a Python bool `training` is a trace-time constant: one trace per
value, none on repeat."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(4,)),
    tf.keras.layers.Dense(4),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dropout(0.5),
])
batch = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
traces = []


@tf.function
def step(xb, training):
    traces.append(training)  # Python side effect: runs only while tracing
    return model(xb, training=training)


for training in [True, False, True, False, True]:
    step(batch, training)

keras2 = tf.keras.layers.Layer.__module__.startswith("tf_keras")
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("calls: 5, traces:", len(traces), "for values", traces)
assert traces == [True, False], traces
print("tracing count reported by tf.function:", step.experimental_get_tracing_count())
assert step.experimental_get_tracing_count() == 2
