"""A model with its own train_step and test_step: fit trains BN and Dropout only
because train_step calls self(x, training=True); evaluate runs test_step."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
keras2 = not hasattr(tf.keras, "version")  # only Keras 3 has keras.version()
layers = tf.keras.layers
x = np.random.default_rng(0).normal(5.0, 2.0, (64, 8)).astype("float32")
y = (x.sum(axis=1) > 40).astype("float32")


class ZeroShare(layers.Layer):
    """Passes its input through; records the share of zeros in it (works inside fit)."""

    def build(self, input_shape):
        self.share = self.add_weight(
            name="share", shape=(), initializer="zeros", trainable=False
        )

    def call(self, inputs):
        self.share.assign(tf.reduce_mean(tf.cast(tf.equal(inputs, 0.0), "float32")))
        return inputs


class Classifier(tf.keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # fit does not do this for you
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss, "dropped": self.get_layer("zeros").share}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.test_steps.assign_add(1)  # count the calls, to see that evaluate runs it
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        return {"loss": loss, "dropped": self.get_layer("zeros").share}


inputs = tf.keras.Input((8,))
h = layers.BatchNormalization()(layers.Dense(16)(inputs))
h = ZeroShare(name="zeros")(layers.Dropout(0.5)(h))
model = Classifier(inputs, layers.Dense(1, activation="sigmoid")(h))
model.test_steps = tf.Variable(0)
model.compile(optimizer="adam", loss="binary_crossentropy")
bn = model.layers[2]

history = model.fit(x, y, batch_size=32, epochs=2, verbose=0)
after_fit = bn.moving_mean.numpy().copy()
result = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)


def amount(share):
    return "none" if share == 0 else "about half" if 0.3 < share < 0.7 else "some"


print("tf.keras is", "Keras 2" if keras2 else "Keras 3")
print("fit: BN moving statistics changed:", bool(np.any(after_fit != 0.0)))
print(
    "fit: Dropout dropped, last step of each epoch:",
    [amount(share) for share in history.history["dropped"]],
)
print("fit: reports the loss:", all(loss > 0 for loss in history.history["loss"]))
print("evaluate: test_step calls:", int(model.test_steps.numpy()))
print("evaluate: Dropout dropped:", amount(result["dropped"]))
print(
    "evaluate: BN moving statistics unchanged:",
    np.array_equal(after_fit, bn.moving_mean.numpy()),
)
assert np.any(after_fit != 0.0), "a new BN starts at 0: fit should have moved it"
assert all(amount(s) == "about half" for s in history.history["dropped"]), (
    "Dropout should drop about half the units in the training steps"
)
assert all(loss > 0 for loss in history.history["loss"]), "fit shows the loss"
assert int(model.test_steps.numpy()) == 2, "evaluate runs test_step once per batch"
assert result["dropped"] == 0.0, "Dropout should be off in test_step"
assert np.array_equal(after_fit, bn.moving_mean.numpy()), "evaluate leaves BN alone"
