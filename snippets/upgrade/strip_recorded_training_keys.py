"""A Functional model saved as .keras, then rebuilt from its config with the recorded
`training` keys taken out and given the saved weights: no node holds a `training`
key, and the model's modes follow the call (the repair for a file saved on one
release and loaded on another)."""

import json
import tempfile
import zipfile

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
layers = tf.keras.layers
x = np.random.default_rng(0).normal(3.0, 1.0, (8, 8, 8, 1)).astype("float32")

inputs = tf.keras.Input((8, 8, 1))
h = layers.RandomFlip("horizontal")(inputs)
h = layers.BatchNormalization(name="bn")(layers.Conv2D(4, 3)(h))
h = layers.Dropout(0.5)(layers.Flatten()(h))
path = f"{tempfile.mkdtemp()}/model.keras"
tf.keras.Model(inputs, layers.Dense(2)(h)).save(path)


def without_training(config):
    """The config with the `training` key taken out of every call it records."""
    if isinstance(config, list):
        return [without_training(item) for item in config]
    if not isinstance(config, dict):
        return config
    found = {key: without_training(value) for key, value in config.items()}
    if isinstance(found.get("kwargs"), dict):  # the arguments of one recorded call
        found["kwargs"] = {k: v for k, v in found["kwargs"].items() if k != "training"}
    return found


def training_keys(config):
    """How many recorded calls hold a `training` key."""
    if isinstance(config, list):
        return sum(training_keys(item) for item in config)
    if not isinstance(config, dict):
        return 0
    own = isinstance(config.get("kwargs"), dict) and "training" in config["kwargs"]
    return own + sum(training_keys(value) for value in config.values())


with zipfile.ZipFile(path) as archive:
    config = json.loads(archive.read("config.json"))
print("calls recorded with a training key in the file:", training_keys(config))
stripped = without_training(config)  # <-
model = tf.keras.models.model_from_json(json.dumps(stripped))  # <-
model.load_weights(path)  # <- the saved weights
print("after stripping:", training_keys(stripped))
assert training_keys(stripped) == 0

bn = model.get_layer("bn")
runs = {
    "model(x, training=True)": lambda: model(x, training=True),
    "model(x, training=False)": lambda: model(x, training=False),
    "model.predict(x)": lambda: model.predict(x, verbose=0),
}
seen = {}
for name, run in runs.items():
    before = bn.moving_mean.numpy().copy()
    random = not np.allclose(run(), run())  # flips and dropout change two runs
    updated = not np.allclose(before, bn.moving_mean.numpy())
    print(f"{name:<24} random: {random!s:<5} BN updated: {updated}")
    seen[name] = random, updated
EXPECTED = {  # (random, BN updated): the call decides, whatever the file recorded
    "model(x, training=True)": (True, True),
    "model(x, training=False)": (False, False),
    "model.predict(x)": (False, False),
}
assert seen == EXPECTED, seen
