"""Local stand-ins for Meta: a fake Graph API and a two-pane Messenger simulator.

Meta's Graph API is unreachable from development machines and CI, so everything that would
talk to graph.facebook.com is pointed here via MESSENGER_GRAPH_URL instead.
"""
