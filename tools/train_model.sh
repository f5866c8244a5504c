#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed since the last training (content hash,
# not timestamps: a fresh clone or a `git checkout` must not retrain an unchanged model).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/techfriends.tar.gz
STAMP=models/techfriends.fingerprint
SPACY_DIR=var/spacy/techfriends_de

fingerprint=$(
  { find data -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum config.yml domain.yml bot/spacy_pipeline.py bot/sentence_embeddings.py bot/intent_classifier.py bot/requirements.lock
  } | sha256sum | cut -d' ' -f1
)
if [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$fingerprint" ] && [ -d "$SPACY_DIR" ]; then
  echo "model: up to date ($MODEL)"
  exit 0
fi
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
echo "model: building the spaCy pipeline in $SPACY_DIR"
.venv-bot/bin/python -m bot.spacy_pipeline "$SPACY_DIR"
echo "model: training (inputs changed or no model yet)"
start=$(date +%s)
.venv-bot/bin/python -m rasa train --fixed-model-name techfriends --out models --force
echo "$fingerprint" > "$STAMP"
echo "model: trained in $(( $(date +%s) - start )) s"
