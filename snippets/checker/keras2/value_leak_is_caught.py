"""The checker catches the Keras 3 leak: after bn(h, training=False) a later Dropout
called without `training` inherits False while the one before trains; Keras 2 passes."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf
from training_state_check import check_training_state

keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
tf.keras.utils.set_random_seed(0)
batch = np.random.default_rng(0).normal(size=(32, 6)).astype("float32")


class Block(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.drop_in = tf.keras.layers.Dropout(0.5, name="drop_in")
        self.bn = tf.keras.layers.BatchNormalization(name="kept_bn")
        self.drop_out = tf.keras.layers.Dropout(0.5, name="drop_out")

    def call(self, inputs):  # <- no `training` parameter to pass on
        h = self.drop_in(inputs)
        return self.drop_out(self.bn(h, training=False))  # <- BN kept in inference mode


@tf.function
def train_step(x):
    return model(x, training=True)


@tf.function
def eval_step(x):
    return model(x, training=False)


model = Block()
print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
try:
    report = check_training_state(  # <-
        model, train_step, eval_step, batch, inference_only=["kept_bn"]
    )
except AssertionError as error:
    print(error)
    assert not keras2, "on Keras 2 the model's training=True should reach Dropout"
    assert "train step: drop_out (Dropout) ran in inference mode" in str(error)
    assert "drop_in" not in str(error), "the Dropout before the pinned BN should train"
    assert "kept_bn" not in str(error), "kept_bn is declared inference_only"
else:
    print("\n".join(report))
    assert keras2, "on Keras 3 the checker should catch the leak into Dropout"
