"""predict() and predict_on_batch() raise inside a tf.function step, on both flavours;
model(x, training=False) works there and gives what predict() gives outside."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
RAISES = "RuntimeError" if keras2 else "AttributeError"  # predict() in a tf.function
tf.keras.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
model = tf.keras.Sequential(
    [
        tf.keras.Input((4,)),
        tf.keras.layers.Dense(8),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Dropout(0.5),
        tf.keras.layers.Dense(1),
    ]
)


@tf.function
def test_step(x):
    return model(x, training=False)  # <-


@tf.function
def predict_step(x):
    return model.predict(x, verbose=0)  # <-


@tf.function
def predict_on_batch_step(x):
    return model.predict_on_batch(x)  # <-


for step in (predict_step, predict_on_batch_step):
    try:
        step(x)
        raised = "nothing"
    except (AttributeError, RuntimeError) as error:
        raised = type(error).__name__
    print(f"{step.__name__:<22} inside tf.function raises: {raised}")
    assert raised == RAISES, f"{step.__name__} should fail inside a tf.function"

same = np.allclose(test_step(x), model.predict(x, verbose=0), atol=1e-6)  # <-
print(f"{'test_step':<22} model(x, training=False) equals predict(x) outside: {same}")
assert same, "the step in inference mode should give what predict() gives"
