"""Keras 3: a Dropout given training=True while a Functional model is built is off
in evaluate, as in predict, and the BatchNormalization behind it stays untouched,
though a bare call keeps it on and model(x, training=False) turns it off (Keras 2: on
in all four). The same model saved and loaded with load_model, or copied with
clone_model, behaves alike."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import tempfile

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
rng = np.random.default_rng(0)
x = rng.normal(5.0, 2.0, (16, 8)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")


def functional():
    inputs = tf.keras.Input((8,))
    h = layers.Dense(16, activation="relu")(inputs)
    h = layers.Dropout(0.5)(h, training=True)  # <- written while building
    h = layers.BatchNormalization(name="bn")(layers.Dense(16)(h))
    model = tf.keras.Model(inputs, layers.Dense(1)(h))
    model.compile(optimizer="sgd", loss="mse")
    return model


def saved_and_loaded():
    path = f"{tempfile.mkdtemp()}/model.keras"
    functional().save(path)  # <-
    model = tf.keras.models.load_model(path)  # <-
    return model


def cloned():
    model = tf.keras.models.clone_model(functional())  # <-
    model.compile(optimizer="sgd", loss="mse")
    return model


METHODS = {
    "evaluate": lambda model: model.evaluate(x, y, batch_size=16, verbose=0),  # <-
    "predict": lambda model: model.predict(x, batch_size=16, verbose=0),  # <-
    "model(x)": lambda model: model(x),  # a bare call, for comparison
    "model(x, training=False)": lambda model: model(x, training=False),  # <-
}
COPIES = {"as built": functional, "loaded": saved_and_loaded, "cloned": cloned}
print("tf.keras is", flavour)
seen = {}
for copy, make in COPIES.items():
    for method, run in METHODS.items():
        model = make()  # a fresh model for each method
        first, second = run(model), run(model)
        on = not np.allclose(first, second)  # the dropout mask changed between runs
        bn = model.get_layer("bn")
        trained = bool(np.any(bn.moving_mean.numpy() != 0.0))  # a new BN starts at 0
        print(f"{copy:<8} {method:<24} Dropout on: {on!s:<5} BN trained: {trained}")
        seen[copy, method] = (on, trained)
EXPECTED = {  # per method: (Dropout on, BatchNormalization trained), for every copy
    "Keras 3": {
        "evaluate": (False, False),
        "predict": (False, False),
        "model(x)": (True, True),  # the build-time True holds, and reaches the BN
        "model(x, training=False)": (False, False),  # the call's False wins
    },
    "Keras 2": dict.fromkeys(METHODS, (True, False)),
}
assert seen == {(c, m): EXPECTED[flavour][m] for c in COPIES for m in METHODS}, seen
