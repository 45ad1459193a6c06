"""Keras 3: when the model call gives no `training`, the call() default of one
layer leaks to the layers called after it, so a later Dropout drops units in a
plain model(x)."""
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
x = np.ones((1, 1000), dtype="float32")


class DefaultsToTrain(tf.keras.layers.Layer):
    def call(self, inputs, training=True):
        return inputs


class Model(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.first = DefaultsToTrain()
        self.drop = tf.keras.layers.Dropout(0.5)

    def call(self, inputs):
        return self.drop(self.first(inputs))  # neither call passes `training`


model = Model()
calls = [("model(x)", {}), ("model(x, training=False)", {"training": False})]
for call, kwargs in calls:
    dropped = float(np.mean(model(x, **kwargs).numpy() == 0.0))
    print(f"{call:<24} share of units Dropout zeroed: {dropped:.1f}")
    assert (dropped > 0.3) == (call == "model(x)"), (call, dropped)
