"""Keras 3: behind a RandomFlip, a train step that forgets training=True still trains
BatchNormalization, so it looks right, but Dropout stays off in a Functional model."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

# Long because: it runs a forgetful and a correct train step on three model styles and
# taps the augmented images and the Dropout output, to show all three effects the
# section lists: BatchNormalization trained, images augmented, Dropout on or off.

import numpy as np
import tensorflow as tf
from watch import Tap, bn_trained, functional

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"
layers = tf.keras.layers
images = np.random.default_rng(0).normal(0.0, 1.0, (16, 16, 16, 3)).astype("float32")
labels = np.arange(16) % 3
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def image_layers():
    return [
        layers.RandomFlip("horizontal"),
        Tap(name="augmented"),
        layers.Conv2D(16, 3, activation="relu"),
        layers.BatchNormalization(),
        layers.GlobalAveragePooling2D(),
        layers.Dropout(0.5),
        Tap(name="dropped"),
        layers.Dense(3),
    ]


class Subclassed(tf.keras.Model):
    def __init__(self):
        super().__init__()
        (
            self.flip,
            self.tap1,
            self.conv,
            self.bn,
            self.pool,
            self.drop,
            self.tap2,
            self.head,
        ) = image_layers()

    def call(self, inputs, training=None):  # passes `training` on to every layer
        h = self.tap1(self.flip(inputs, training=training))
        h = self.bn(self.conv(h), training=training)
        return self.head(self.tap2(self.drop(self.pool(h), training=training)))


class SubclassedForgets(Subclassed):
    def call(self, inputs, training=None):  # does not pass `training` on
        h = self.bn(self.conv(self.tap1(self.flip(inputs))))
        return self.head(self.tap2(self.drop(self.pool(h))))


def forgetful_step(model, optimizer):
    with tf.GradientTape() as tape:
        loss = loss_fn(labels, model(images))  # <- training=True forgotten
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


def train_step(model, optimizer):
    with tf.GradientTape() as tape:
        loss = loss_fn(labels, model(images, training=True))  # <-
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


builders = {
    "Functional": lambda: functional(image_layers(), (16, 16, 3)),
    "subclass, forwards": Subclassed,
    "subclass, forgets": SubclassedForgets,
}
print("tf.keras is", flavour)
seen = {}
for step in (forgetful_step, train_step):
    for style, build in builders.items():
        model = build()
        step(model, tf.keras.optimizers.SGD(0.1))
        taps = {
            layer.name: layer.seen.numpy()
            for layer in model.layers
            if isinstance(layer, Tap)
        }
        trained = bn_trained(model)
        augmented = not np.array_equal(taps["augmented"], images)
        dropped = np.mean(taps["dropped"] == 0.0)
        share = "off" if dropped == 0 else "on" if 0.3 < dropped < 0.7 else "?"
        seen[step.__name__, style] = trained, augmented, share
        print(
            f"{step.__name__:<14} {style:<18} BN trained: {trained!s:<5} "
            f"augmented: {augmented!s:<5} Dropout: {share}"
        )

FORGETFUL = {  # forgetful_step: (BN trained, augmented, Dropout)
    "Keras 3": {
        "Functional": (True, True, "off"),  # Dropout keeps its recorded False
        "subclass, forwards": (False, False, "off"),  # every layer got training=None
        "subclass, forgets": (True, True, "on"),
    },
    "Keras 2": dict.fromkeys(builders, (False, True, "off")),  # augments, no more
}
for style in builders:  # training=True trains BN, augments and drops about half
    assert seen["train_step", style] == (True, True, "on"), style
    assert seen["forgetful_step", style] == FORGETFUL[flavour][style], style
