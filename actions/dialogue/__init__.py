"""The Rasa actions of the customer assistant, one module per stage of the conversation.

Every class here is an ``Action`` (or a form validation) that rasa-sdk's executor registers by
the ``name()`` domain.yml lists under ``actions:``. They read the tracker, call the pure
modules of ``actions/`` for every decision and pick a response of domain.yml; they hold no
customer-facing sentences of their own.

| module | actions |
|---|---|
| slot_mappings | action_validate_slot_mappings (after every message: language, labels, …) |
| booking_form | validate_job_form (the booking's answers and corrections) |
| postal_code | the postal code and "which place?" (action_ask_postal_code) |
| prices | action_ask_package, action_tell_price |
| questions | action_ask_consent, action_ask_phone, every question with quick replies from code |
| summary | action_change_field, action_submit_job, action_reset_job |
| pictures | action_acknowledge_image, action_acknowledge_voice, action_explain_media_refused |
| booked_jobs | action_show_jobs, action_ask_cancel_job, action_cancel_job |
| rating | action_ask_rating_stars, action_hold_rating, validate_rating_form, action_submit_rating |
| handoff | action_rephrase, action_default_fallback, action_handoff |
| tracker, backend_calls | what the actions share: reading the tracker, calling the backend |
"""
