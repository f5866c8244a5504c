"""Run by tests/bot/test_nlu_components.py with .venv-bot's Python (it needs Rasa): exercises
the two NLU components of bot/ and prints what it observed as one JSON object."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intent_classifier import LinearIntentClassifier
from bot.sentence_embeddings import SentenceEmbeddingFeaturizer

CONTEXT = ExecutionContext(GraphSchema({}), "check")

EXAMPLES = {
    "ask_who_comes": [
        "Wer kommt zu mir nach Hause?",
        "Sind die Techniker überprüft?",
        "who will visit me",
        "are your technicians checked",
        "Kommt da ein Fremder zu mir?",
        "who is the helper that comes",
    ],
    "describe_problem": [
        "Mein WLAN geht nicht",
        "der Drucker druckt nicht mehr",
        "my tv lost its channels",
        "the printer is offline",
        "Fernseher hat kein Bild",
        "internet keeps dropping",
    ],
    "greet": ["Hallo", "Guten Tag", "Grüezi", "hi", "hello there", "Servus"],
}


def featurized(text: str, featurizer: SentenceEmbeddingFeaturizer, words: list[str]) -> Message:
    """A message with the encoder's vector and a bag of words over ``words`` (the sparse
    counts a CountVectorsFeaturizer would give)."""
    message = Message(data={TEXT: text})
    featurizer.process([message])
    tokens = text.lower().replace("?", "").split()
    counts = [[tokens.count(word) for word in words]]
    message.add_features(
        Features(scipy.sparse.coo_matrix(counts), FEATURE_TYPE_SENTENCE, TEXT, "words")
    )
    return message


def main() -> None:
    out: dict[str, Any] = {}
    featurizer = SentenceEmbeddingFeaturizer.create(
        SentenceEmbeddingFeaturizer.get_default_config(),
        None,
        None,
        CONTEXT,  # type: ignore[arg-type]
    )
    message = Message(data={TEXT: "Wer kommt zu mir nach Hause?"})
    featurizer.process([message])
    _, dense = message.get_dense_features(TEXT)
    vector = np.asarray(dense.features)
    out["shape"] = list(vector.shape)
    out["norm"] = float(np.linalg.norm(vector))
    empty = Message(data={TEXT: "   "})
    featurizer.process([empty])
    out["empty_has_features"] = empty.get_dense_features(TEXT)[1] is not None

    def vec(text: str) -> np.ndarray:
        m = Message(data={TEXT: text})
        featurizer.process([m])
        return np.asarray(m.get_dense_features(TEXT)[1].features)[0]

    same = float(vec("who comes to my home?") @ vec("Wer kommt zu mir nach Hause?"))
    other = float(vec("Mein Drucker druckt nicht") @ vec("Wer kommt zu mir nach Hause?"))
    out["similar_across_languages"] = same
    out["unrelated"] = other

    words = sorted({w for texts in EXAMPLES.values() for t in texts for w in t.lower().split()})
    words = [w.replace("?", "") for w in words]
    training = TrainingData(
        [
            Message(
                data={TEXT: t, INTENT: intent}, features=featurized(t, featurizer, words).features
            )
            for intent, texts in EXAMPLES.items()
            for t in texts
        ]
    )
    with tempfile.TemporaryDirectory() as directory:
        storage = LocalModelStorage(Path(directory))
        resource = Resource("linear_intent_classifier")
        config = LinearIntentClassifier.get_default_config()
        LinearIntentClassifier.create(config, storage, resource, CONTEXT).train(training)
        loaded = LinearIntentClassifier.load(config, storage, resource, CONTEXT)
        unseen = {
            "Welcher Techniker besucht mich?": "ask_who_comes",
            "my router does not work": "describe_problem",
            "Grüß Gott": "greet",
        }
        messages = [featurized(t, featurizer, words) for t in unseen]
        loaded.process(messages)
        out["predictions"] = {
            m.get(TEXT): {"intent": m.get(INTENT)["name"], "expected": unseen[m.get(TEXT)]}
            for m in messages
        }
        ranking = messages[0].get("intent_ranking")
        out["ranking"] = [r["confidence"] for r in ranking]
        out["temperature"] = float(loaded.weights["temperature"][0])
        gibberish, known = (
            featurized(t, featurizer, words) for t in ("qwrtz plmkn", "hallo qwrtz")
        )
        loaded.process([gibberish, known])
        out["gibberish_total"] = sum(r["confidence"] for r in gibberish.get("intent_ranking"))
        out["known_word_total"] = sum(r["confidence"] for r in known.get("intent_ranking"))
        bare = Message(data={TEXT: "x"})
        loaded.process([bare])
        out["no_features_intent"] = bare.get(INTENT)

        # Two intents only: sklearn keeps one score column, the classifier must still rank both.
        two = TrainingData([m for m in training.training_examples if m.get(INTENT) != "greet"])
        resource_two = Resource("two")
        LinearIntentClassifier.create(config, storage, resource_two, CONTEXT).train(two)
        loaded_two = LinearIntentClassifier.load(config, storage, resource_two, CONTEXT)
        message_two = featurized("Drucker kaputt", featurizer, words)
        loaded_two.process([message_two])
        out["two_intents"] = [
            (r["name"], r["confidence"]) for r in message_two.get("intent_ranking")
        ]
        untrained = LinearIntentClassifier.load(config, storage, Resource("never_trained"), CONTEXT)
        out["untrained_intent"] = untrained.process([featurized("Hallo", featurizer, words)])[
            0
        ].get(INTENT)

        # The FallbackClassifier after it (config.yml) reads every message's intent.
        fallback = FallbackClassifier.create(
            {**FallbackClassifier.get_default_config(), "threshold": 0.4},
            storage,
            Resource("fallback"),
            CONTEXT,
        )
        after_fallback = {
            "untrained": untrained.process([featurized("Hallo", featurizer, words)]),
            "no_features": loaded.process([Message(data={TEXT: "x"})]),
            "trained": loaded.process([featurized("der Drucker druckt nicht", featurizer, words)]),
        }
        out["after_fallback"] = {
            case: fallback.process(messages)[0].get(INTENT)["name"]
            for case, messages in after_fallback.items()
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
