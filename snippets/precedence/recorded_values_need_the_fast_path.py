"""Whether a Functional graph records the `training` value a layer worked out while
it was built depends on how the layer was called: a call with one tensor argument
in the layer's own dtype may record it; a call with more inputs (an LSTM given its
initial state) or an input in another dtype (float64 into a float32 Dropout) records
none. An implementation detail: which calls record is printed, never relied on."""

import json

import tensorflow as tf

layers = tf.keras.layers
sequence = tf.keras.Input((5, 3))
state = [tf.keras.Input((4,)), tf.keras.Input((4,))]
floats = tf.keras.Input((8,))
doubles = tf.keras.Input((8,), dtype="float64")
outputs = [
    layers.LSTM(4, name="lstm")(sequence),
    layers.LSTM(4, name="lstm_with_state")(sequence, initial_state=state),  # <-
    layers.Dropout(0.5, name="dropout_float32")(floats),
    layers.Dropout(0.5, name="dropout_float64")(doubles),  # <-
]
model = tf.keras.Model([sequence, *state, floats, doubles], outputs)

recorded = {}
for entry in model.get_config()["layers"]:
    name = entry.get("name") or entry["config"]["name"]  # where each release keeps it
    if name.startswith(("lstm", "dropout")):
        nodes = json.dumps(entry["inbound_nodes"])  # what the graph passes each call
        recorded[name] = '"training"' in nodes
        print(f"{name:<16} records a training value: {recorded[name]}")
assert not recorded["lstm_with_state"] and not recorded["dropout_float64"], recorded
assert recorded["lstm"] == recorded["dropout_float32"], "one fast path for both"
