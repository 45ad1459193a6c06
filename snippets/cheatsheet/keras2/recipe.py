"""The recipe on one screen: training=True in the train step, training=False in
the eval step; BN and Dropout obey."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2: set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(loc=3.0, size=(32, 4)).astype("float32")
y = x.sum(axis=1, keepdims=True)


class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = tf.keras.layers.Dense(8)
        self.bn = tf.keras.layers.BatchNormalization()
        self.drop = tf.keras.layers.Dropout(0.5)
        self.out = tf.keras.layers.Dense(1)

    def call(self, x, training=None):  # None default, passed to every layer that cares
        h = self.bn(self.dense(x), training=training)
        return self.out(self.drop(h, training=training))


model, optimizer = Net(), tf.keras.optimizers.SGD(0.01)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((model(x, training=True) - y) ** 2)  # training step: True
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))


@tf.function
def eval_step(x):
    return model(x, training=False)  # evaluation / prediction: False


def moving_mean_moves(step, *args):
    before = model.bn.moving_mean.numpy().copy()
    step(*args)
    return not np.allclose(before, model.bn.moving_mean.numpy())


model(x)  # build the weights
checks = {
    "train_step updates BatchNormalization": moving_mean_moves(train_step, x, y),
    "eval_step leaves BatchNormalization alone": not moving_mean_moves(eval_step, x),
    "eval_step is deterministic (Dropout off)": np.allclose(eval_step(x), eval_step(x)),
}
for check, ok in checks.items():
    print(f"{check:<42} {ok}")
assert all(checks.values()), checks
