"""compute_loss works in a train_step on both flavours; compiled_loss is deprecated on
Keras 3, and there fit reports a loss of 0 unless train_step returns the loss itself."""

import tensorflow as tf
from watched_model import build, fit_facts

tf.keras.utils.set_random_seed(0)
flavour = "Keras 3" if hasattr(tf.keras, "version") else "Keras 2"


class CompiledLoss(tf.keras.Model):  # the Keras 2 way: compiled_loss, compiled_metrics
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred)  # <-
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)  # <-
        return {m.name: m.result() for m in self.metrics}


class ComputeLoss(tf.keras.Model):  # compute_loss, then the metrics: compute_metrics
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)  # <-
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return self.compute_metrics(x, y, y_pred, None)  # <-


EXPECTED = {  # (BN trained, deprecation warning, fit reports loss 0.0)
    ("Keras 3", "CompiledLoss"): (True, True, False),
    ("Keras 3", "ComputeLoss"): (True, False, True),
    ("Keras 2", "CompiledLoss"): (True, False, False),
    ("Keras 2", "ComputeLoss"): (True, False, False),
}
print("tf.keras is", flavour)
for model_class in (CompiledLoss, ComputeLoss):
    model, bn = build(model_class, metrics=["accuracy"])
    bn_trained, deprecated, loss_zero = fit_facts(model, bn)  # fit for one epoch
    print(
        f"{model_class.__name__:<12} BN trained: {bn_trained}  deprecation warning: "
        f"{deprecated!s:<5} fit reports loss 0.0: {loss_zero}"
    )
    seen = bn_trained, deprecated, loss_zero
    assert seen == EXPECTED[flavour, model_class.__name__], seen
