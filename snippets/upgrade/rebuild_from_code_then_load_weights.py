"""A Functional model saved as .keras, then rebuilt by the code that made it and given
the saved weights with load_weights: the weights come back, nothing of the saved
config is used, and the model's modes follow the call."""

import tempfile

import numpy as np
import tensorflow as tf

layers = tf.keras.layers
x = np.random.default_rng(0).normal(3.0, 1.0, (8, 8, 8, 1)).astype("float32")


def build():
    """The code that makes the model: keep it beside the saved files."""
    inputs = tf.keras.Input((8, 8, 1))
    h = layers.RandomFlip("horizontal")(inputs)
    h = layers.BatchNormalization(name="bn")(layers.Conv2D(4, 3)(h))
    h = layers.Dropout(0.5)(layers.Flatten()(h))
    return tf.keras.Model(inputs, layers.Dense(2)(h))


tf.keras.utils.set_random_seed(0)
saved = build()
path = f"{tempfile.mkdtemp()}/model.keras"
saved.save(path)

tf.keras.utils.set_random_seed(1)  # other initial weights, to see them replaced
model = build()  # <- rebuilt from code
model.load_weights(path)  # <- the saved weights
same = all(np.array_equal(a, b) for a, b in zip(saved.weights, model.weights))
print("every weight as saved:", same)
assert same and len(model.weights) == len(saved.weights)

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
EXPECTED = {  # (random, BN updated): the call decides
    "model(x, training=True)": (True, True),
    "model(x, training=False)": (False, False),
    "model.predict(x)": (False, False),
}
assert seen == EXPECTED, seen
