"""Keras 3.15: the checker also catches the sibling leak, where Dropout silently
inherits training=False."""
import numpy as np
import tensorflow as tf

from training_state_check import check_training_state

tf.keras.utils.set_random_seed(0)
batch = np.random.default_rng(0).normal(size=(32, 6)).astype("float32")


class Block(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.bn = tf.keras.layers.BatchNormalization(name="frozen_stats_bn")
        self.drop = tf.keras.layers.Dropout(0.5, name="drop")

    def call(self, inputs):  # no `training` parameter to pass on
        h = self.bn(inputs, training=False)  # BN kept in inference mode on purpose
        return self.drop(h)


model = Block()
train_step = tf.function(lambda x: model(x, training=True))
eval_step = tf.function(lambda x: model(x, training=False))

try:
    check_training_state(
        model, train_step, eval_step, batch, inference_only=["frozen_stats_bn"]
    )
except AssertionError as error:
    message = str(error)
    print(message)
    leak = "train step: drop (Dropout) passed its input through"
    assert leak in message, "revise the page"
    # declared inference_only, so not a problem
    assert "frozen_stats_bn" not in message
else:
    raise AssertionError("no leak detected: Keras changed, revise the page")
