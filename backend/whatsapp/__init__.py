"""The backend's WhatsApp configuration: the template registry (`templates`), its settings
(`settings`) and the command that prints the definitions to submit to Meta (`cli`)."""
