"""A layer of your own whose `call` has no `training` parameter, used inside a
Functional model: the Dropout it calls bare drops under fit and not under predict,
because the model's call hands its value to every layer called within it."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
layers = tf.keras.layers
x = np.random.default_rng(0).normal(5.0, 2.0, (32, 64)).astype("float32")
y = np.zeros((32, 1), "float32")


class NoTraining(layers.Layer):
    """Calls a Dropout bare, and keeps the share of zeros it let through."""

    def __init__(self):
        super().__init__()
        self.drop = layers.Dropout(0.5)

    def build(self, input_shape):
        self.zeros = self.add_weight(shape=(), initializer="zeros", trainable=False)

    def call(self, inputs):  # <- no training parameter
        h = self.drop(inputs)  # <- called bare
        self.zeros.assign(tf.reduce_mean(tf.cast(tf.equal(h, 0.0), "float32")))
        return h


inputs = tf.keras.Input((64,))
layer = NoTraining()
model = tf.keras.Model(inputs, layers.Dense(1)(layer(inputs)))
model.compile(optimizer="sgd", loss="mse")
model.fit(x, y, batch_size=32, verbose=0)  # <-
dropped_in_fit = bool(layer.zeros.numpy() > 0.3)  # about half
model.predict(x, batch_size=32, verbose=0)  # <-
dropped_in_predict = bool(layer.zeros.numpy() > 0.0)
print("the bare Dropout drops about half under fit:", dropped_in_fit)
print("and any unit under predict:", dropped_in_predict)
assert dropped_in_fit and not dropped_in_predict
