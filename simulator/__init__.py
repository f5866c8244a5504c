"""Local stand-ins for Meta: a fake Graph API and a simulator page with a customer's and a
Friend's phone, on Messenger and on WhatsApp.

Meta's Graph API is unreachable from development machines and CI, so everything that would
talk to graph.facebook.com is pointed here via MESSENGER_GRAPH_URL instead: Messenger's Send
API (fake_graph.py) and WhatsApp's Cloud API (whatsapp_graph.py) under the same /graph.
"""
