"""A train step that forgets training=True is caught: the AssertionError names the
BatchNormalization and Dropout layers that ran in inference mode."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf
from training_state_check import check_training_state

tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(32, 6)).astype("float32")
batch = x, rng.normal(size=(32, 1)).astype("float32")

model = tf.keras.Sequential(
    [
        tf.keras.Input(shape=(6,)),
        tf.keras.layers.Dense(8),
        tf.keras.layers.BatchNormalization(name="bn"),
        tf.keras.layers.Dropout(0.3, name="drop"),
        tf.keras.layers.Dense(1),
    ]
)
optimizer = tf.keras.optimizers.SGD(0.01)


@tf.function
def train_step(data):
    x, y = data
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))  # <- BUG: forgot training=True
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
    return loss


@tf.function
def eval_step(data):
    return model(data[0], training=False)


try:
    check_training_state(model, train_step, eval_step, batch)  # <-
except AssertionError as error:
    message = str(error)
    print(message)
    assert "train step: bn (BatchNormalization) ran in inference mode" in message
    assert "train step: drop (Dropout) ran in inference mode" in message
    assert "eval step" not in message, "the eval step itself was right"
else:
    raise AssertionError("the checker should catch a train step without training=True")
