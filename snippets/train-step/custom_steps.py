"""A model with its own train_step and test_step: fit trains BN and Dropout only
because train_step calls self(x, training=True); evaluate runs test_step."""

import numpy as np
import tensorflow as tf
from watched_model import amount, build, x, y

tf.keras.utils.set_random_seed(0)


class Classifier(tf.keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # <- fit does not do this for you
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return {"loss": loss, "dropped": self.get_layer("zeros").share}  # <-

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)  # <-
        self.test_steps.assign_add(1)  # count the calls, to see that evaluate runs it
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        return {"loss": loss, "dropped": self.get_layer("zeros").share}


model, bn = build(Classifier)
model.test_steps = tf.Variable(0)
history = model.fit(x, y, batch_size=32, epochs=2, verbose=0)
after_fit = bn.moving_mean.numpy().copy()
result = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
print("tf.keras is", "Keras 3" if hasattr(tf.keras, "version") else "Keras 2")
bn_moved = bool(np.any(after_fit != 0.0))  # a new BN starts at 0
dropped = [amount(share) for share in history.history["dropped"]]
unchanged = np.array_equal(after_fit, bn.moving_mean.numpy())
print("fit: BN moving statistics changed:", bn_moved)
print("fit: Dropout dropped, last step of each epoch:", dropped)
print("fit: reports the loss:", all(loss > 0 for loss in history.history["loss"]))
print("evaluate: test_step calls:", int(model.test_steps.numpy()))
print("evaluate: Dropout dropped:", amount(result["dropped"]))
print("evaluate: BN moving statistics unchanged:", unchanged)
assert bn_moved, "fit should have moved the BN moving statistics"
assert dropped == ["about half"] * 2, "Dropout should drop about half in training"
assert all(loss > 0 for loss in history.history["loss"]), "fit shows the loss"
assert int(model.test_steps.numpy()) == 2, "evaluate runs test_step once per batch"
assert result["dropped"] == 0.0, "Dropout should be off in test_step"
assert unchanged, "evaluate leaves BN alone"
