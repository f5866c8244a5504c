"""WhatsApp Business Cloud API rules shared by the bot (customers' number) and the backend
(Friends' number): pure functions and frozen values, no I/O.

Standard library only (and `messenger_platform`, `product`): this package is imported from
both virtual environments. Webhook bodies into inbound items (`inbound`), Send API bodies
(`outbound`), what an error answer means (`errors`), the 24-hour customer-service window
(`window`), and a person's numbers and conversation id (`ids`). Webhooks are signed like
Messenger's (`X-Hub-Signature-256`, the same GET verification): use
`messenger_platform.signature` for both.
"""
