"""Keras 3: behind Resizing, CenterCrop or a Random* layer, a bare model(x) trains
BatchNormalization on the data it evaluates (Keras 2: it does not)."""

# Long because: it puts each of four front layers before the same network in all four
# model styles, the sixteen cells of the table, each a fresh model.

import numpy as np
import tensorflow as tf
from watch import bn_trained

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
images = np.random.default_rng(0).normal(5.0, 2.0, (8, 16, 16, 3)).astype("float32")

FRONT = {  # the layer in front of the network, with its arguments
    "Resizing": (layers.Resizing, (12, 12)),
    "CenterCrop": (layers.CenterCrop, (12, 12)),
    "RandomFlip": (layers.RandomFlip, ("horizontal",)),
    "Rescaling": (layers.Rescaling, (1 / 255,)),
}


def sequential(front):
    return tf.keras.Sequential(
        [
            tf.keras.Input((16, 16, 3)),
            front,
            layers.Conv2D(4, 3),
            layers.BatchNormalization(),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2),
        ]
    )


def functional(front):
    inputs = tf.keras.Input((16, 16, 3))
    h = layers.Conv2D(4, 3)(front(inputs))
    h = layers.BatchNormalization()(h)
    outputs = layers.Dense(2)(layers.GlobalAveragePooling2D()(h))
    return tf.keras.Model(inputs, outputs)


class SubclassForgets(tf.keras.Model):
    def __init__(self, front):
        super().__init__()
        self.front, self.conv = front, layers.Conv2D(4, 3)
        self.bn = layers.BatchNormalization()
        self.pool, self.head = layers.GlobalAveragePooling2D(), layers.Dense(2)

    def call(self, inputs, training=None):  # takes `training` but does not pass it on
        h = self.bn(self.conv(self.front(inputs)))  # <-
        return self.head(self.pool(h))


class SubclassForwards(SubclassForgets):
    def call(self, inputs, training=None):  # passes `training` on to every layer
        h = self.conv(self.front(inputs, training=training))
        h = self.bn(h, training=training)  # <-
        return self.head(self.pool(h))


STYLES = {
    "Sequential": sequential,
    "Functional": functional,
    "subclass, forgets": SubclassForgets,
    "subclass, forwards": SubclassForwards,
}
print("tf.keras is", flavour)
print("BatchNormalization moving mean changed by one bare model(images):")
print(f"{'in front':<11}", " | ".join(STYLES))
moved = {}
for name, (layer_class, args) in FRONT.items():
    row = []
    for style, build in STYLES.items():
        model = build(layer_class(*args))
        model(images)  # <- the bare call: no `training` argument
        moved[name, style] = bn_trained(model)
        row.append(f"{moved[name, style]!s:<{len(style)}}")  # pad to the heading
    print(f"{name:<11}", " | ".join(row).rstrip())

# the styles whose BN a bare call trains, behind any layer in front but Rescaling
TRAINED = {"Keras 3": ["Sequential", "Functional", "subclass, forgets"], "Keras 2": []}
expected = {
    (name, style): name != "Rescaling" and style in TRAINED[flavour]
    for name in FRONT
    for style in STYLES
}
assert moved == expected, moved
