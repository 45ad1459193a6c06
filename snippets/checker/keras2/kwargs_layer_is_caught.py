"""A layer you wrote whose call takes **kwargs instead of a training parameter never
receives training on Keras 3, so its noise never runs: the checker names it. Keras 2
hands it training in **kwargs, and the same loop passes there."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf
from training_state_check import check_training_state

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()


class Noise(tf.keras.layers.Layer):
    def call(self, x, **kwargs):  # <- BUG: no `training` parameter
        if kwargs.get("training"):  # <-
            return x + tf.random.normal(tf.shape(x))
        return x


tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
batch = rng.normal(size=(32, 6)).astype("float32"), np.zeros((32, 1), "float32")
model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(6,)),
        Noise(name="noise"),
        tf.keras.layers.Dense(4),
        tf.keras.layers.Dropout(0.3, name="drop"),  # a layer that does get the mode
        tf.keras.layers.Dense(1),
    ]
)
optimizer = tf.keras.optimizers.SGD(0.01)


@tf.function
def train_step(data):
    x, y = data
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


@tf.function
def eval_step(data):
    return model(data[0], training=False)


x = batch[0]
for training in (True, False):
    noisy = bool(tf.reduce_any(model.get_layer("noise")(x, training=training) != x))
    print(f"noise(x, training={training}) adds noise: {noisy}")
    assert noisy is (keras2 and training), "only Keras 2 hands it `training`"

try:
    report = check_training_state(model, train_step, eval_step, batch)  # <-
except AssertionError as error:
    print(error)
    assert not keras2, "Keras 2 passes training on to **kwargs"
    assert "train step: noise (Noise) never receives `training`" in str(error)
    assert "drop (Dropout)" not in str(error), "the steps themselves are right"
else:
    print(report)
    assert keras2, "on Keras 3 the checker should name the **kwargs layer"
    for layer in ("noise (Noise), seen by output", "drop (Dropout)"):
        line = next(line for line in report if line.startswith(layer))
        assert "train step: training mode; eval step: inference mode" in line
