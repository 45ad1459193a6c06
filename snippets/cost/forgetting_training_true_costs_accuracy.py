"""Keras 3: a train step without training=True leaves BN's moving statistics at 0 / 1
and costs accuracy."""
import numpy as np
import tensorflow as tf

# A learnable problem whose 8 features sit far from zero (centres 20..60, spreads
# 2..10). The label depends on the signs of the centred features: the network must find
# the centre.
rng = np.random.default_rng(0)
centre, spread = rng.uniform(20, 60, size=8), rng.uniform(2, 10, size=8)


def make_data(n):
    z = rng.normal(size=(n, 8))
    labels = (z[:, 0] * z[:, 1] + z[:, 2] * z[:, 3] > 0).astype("int32")
    return (centre + spread * z).astype("float32"), labels


x_train, y_train = make_data(2048)
x_test, y_test = make_data(1024)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def train(say_training):
    tf.keras.utils.set_random_seed(0)  # same initial weights and batches in both runs
    model = tf.keras.Sequential([
        tf.keras.Input((8,)),
        tf.keras.layers.Dense(64),
        # the default momentum, 0.99, lags in a short run
        tf.keras.layers.BatchNormalization(momentum=0.9),
        tf.keras.layers.ReLU(),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(2),
    ])
    optimizer = tf.keras.optimizers.Adam(1e-3)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            if say_training:
                logits = model(x, training=True)
            else:
                logits = model(x)  # forgotten: training=None, i.e. inference mode
            loss = loss_fn(y, logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    batches = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    batches = batches.shuffle(2048, seed=0).batch(64)
    for _ in range(20):  # 20 epochs of 32 steps
        for x, y in batches:
            train_step(x, y)
    return model


results = {}
for label, say_training in [("model(x, training=True)", True), ("model(x)", False)]:
    model = train(say_training)
    logits = model(x_test, training=False)  # evaluate both runs the same way
    bn = model.layers[1]
    results[label] = {
        "accuracy": float(np.mean(np.argmax(logits, axis=1) == y_test)),
        "loss": float(loss_fn(y_test, logits)),
        "stats untouched": bool(np.all(bn.moving_mean.numpy() == 0.0)
                                and np.all(bn.moving_variance.numpy() == 1.0)),
    }

print(f"{'train step calls':<24} {'test accuracy':>13} {'test loss':>9}"
      "  BN moving stats still 0 / 1")
for label, r in results.items():
    print(f"{label:<24} {r['accuracy']:>13.2f} {r['loss']:>9.2f}"
          f"  {r['stats untouched']}")
right, forgot = results["model(x, training=True)"], results["model(x)"]
print(f"accuracy gap: {right['accuracy'] - forgot['accuracy']:.2f}")

assert not right["stats untouched"] and forgot["stats untouched"], results
assert right["accuracy"] > 0.85, results
assert right["accuracy"] - forgot["accuracy"] > 0.2, results
assert forgot["loss"] > right["loss"] + 0.2, results
