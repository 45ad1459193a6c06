"""model(x, training=False) and model.predict(x) evaluate an image model with
preprocessing and augmentation layers cleanly; a bare model(x) may not."""

# Long because: it builds one realistic image model (preprocessing, augmentation,
# BatchNormalization, Dropout) in three styles and evaluates each three ways, twice
# each, so that both the statistics and the repeatability are checked.

import numpy as np
import tensorflow as tf
from watch import bn_trained, functional

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
images = np.random.default_rng(0).uniform(0, 255, (8, 32, 32, 3)).astype("float32")


def image_layers():
    """Preprocessing, augmentation, then a small network with BN and Dropout."""
    return [
        layers.Resizing(24, 24),
        layers.Rescaling(1 / 255),
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.Conv2D(8, 3, activation="relu"),
        layers.BatchNormalization(),
        layers.GlobalAveragePooling2D(),
        layers.Dropout(0.5),
        layers.Dense(3),
    ]


class Subclassed(tf.keras.Model):
    def __init__(self):
        super().__init__()
        (
            self.resize,
            self.rescale,
            self.flip,
            self.rotate,
            self.conv,
            self.bn,
            self.pool,
            self.drop,
            self.head,
        ) = image_layers()

    def call(self, inputs, training=None):  # passes `training` on to every layer
        h = self.rescale(self.resize(inputs, training=training))
        h = self.rotate(self.flip(h, training=training), training=training)
        h = self.bn(self.conv(h), training=training)
        return self.head(self.drop(self.pool(h), training=training))


models = {
    "Sequential": tf.keras.Sequential([tf.keras.Input((32, 32, 3)), *image_layers()]),
    "Functional": functional(image_layers(), (32, 32, 3)),
    "subclassed": Subclassed(),
}
seen = {}


def report(style, model, call, first, second):
    """Print and keep: have the BN statistics moved so far, do the two calls agree?"""
    changed = bn_trained(model)
    agree = bool(np.allclose(first, second))
    seen[style, call] = changed, agree
    print(
        f"{style:<10} {call:<24} BN statistics changed: {changed!s:<5} "
        f"two calls agree: {agree}"
    )


print("tf.keras is", flavour)
for style, model in models.items():
    first, second = model(images, training=False), model(images, training=False)  # <-
    report(style, model, "model(x, training=False)", first, second)
    first, second = model.predict(images, verbose=0), model.predict(images, verbose=0)
    report(style, model, "model.predict(x)", first, second)
    first, second = model(images), model(images)  # <- the bare call, for comparison
    report(style, model, "model(x)", first, second)

for style in models:
    for call in ("model(x, training=False)", "model.predict(x)"):
        assert seen[style, call] == (False, True), (
            f"{style}: {call} should leave BN statistics alone and give the same "
            "output every time (no augmentation, no Dropout)"
        )
BARE = {  # model(x): (BN statistics changed, two calls agree)
    "Keras 3": {  # BN trains, augmentation on, unless every layer got training=None
        "Sequential": (True, False),
        "Functional": (True, False),
        "subclassed": (False, True),
    },
    "Keras 2": dict.fromkeys(models, (False, False)),  # augments, leaves BN alone
}
assert {style: seen[style, "model(x)"] for style in models} == BARE[flavour]
